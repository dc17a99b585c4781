/* SPDX-License-Identifier: MIT */
/*
 * A very small unit-test harness: CHECK() records a failure with file:line
 * and carries on; TEST_REPORT() prints "N passed, N failed" and gives the
 * exit status. One executable per module.
 *
 * Test cases: a program lists its cases in a table of HARNESS_CASE(fn),
 * calls harness_start() first in main() and harness_run() after its set-up. CTest
 * has one entry per case (harness_add_tests() in cmake/HarnessTests.cmake
 * reads the names from `PROGRAM --list`); each entry runs only its case,
 * `PROGRAM --case NAME [the program's own arguments]`, so a failure names
 * the case. Without --case the program runs every case, as before.
 */
#ifndef BUDDYSCOPE_TEST_HARNESS_H
#define BUDDYSCOPE_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static int harness_passed;
static int harness_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (cond) {                                                             \
			harness_passed++;                                               \
		} else {                                                                \
			harness_failed++;                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                 \
		}                                                                       \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                              \
	do {                                                                            \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);                        \
		if (_a == _b) {                                                         \
			harness_passed++;                                               \
		} else {                                                                \
			harness_failed++;                                               \
			fprintf(stderr, "%s:%d: %s == %s failed: %" PRIu64 " != %" PRIu64 "\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);                    \
		}                                                                       \
	} while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                                 \
	do {                                                                            \
		const char *_h = (hay), *_n = (needle);                                 \
		if (_h && strstr(_h, _n)) {                                             \
			harness_passed++;                                               \
		} else {                                                                \
			harness_failed++;                                               \
			fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, \
				__LINE__, _h ? _h : "(null)", _n);                      \
		}                                                                       \
	} while (0)

/* Stop the test program now: for a failure that makes the rest meaningless. */
#define REQUIRE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: required: %s\n", __FILE__, __LINE__, #cond); \
			exit(1);                                                        \
		}                                                                       \
	} while (0)

struct harness_case {
	const char *fn; /* the function's name; the case is named without "test_" */
	void (*run)(void);
};

#define HARNESS_CASE(fn) { #fn, fn }
#define HARNESS_NR(cases) (sizeof(cases) / sizeof((cases)[0]))

static const char *harness_only; /* --case NAME, or NULL: every case */

static inline const char *harness_case_name(const struct harness_case *c)
{
	return strncmp(c->fn, "test_", 5) ? c->fn : c->fn + 5;
}

/*
 * First thing in main(): `--list` prints the case names, one a line, and
 * exits 0 before the program's own set-up; `--case NAME` selects one case
 * and is taken out of argv, so the program's own arguments keep their
 * positions (argv[1] stays argv[1]). An unknown name is a usage error (2).
 */
static inline void harness_start(int *argc, char ***argv, const struct harness_case *cases,
				 size_t nr)
{
	char **av = *argv;

	if (*argc >= 2 && !strcmp(av[1], "--list")) {
		for (size_t i = 0; i < nr; i++)
			printf("%s\n", harness_case_name(&cases[i]));
		exit(0);
	}
	if (*argc < 3 || strcmp(av[1], "--case"))
		return;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(av[2], harness_case_name(&cases[i])))
			harness_only = harness_case_name(&cases[i]);
	if (!harness_only) {
		fprintf(stderr, "%s: --case %s: no such case (--list names them)\n", av[0], av[2]);
		exit(2);
	}
	av[2] = av[0];
	*argv = av + 2;
	*argc -= 2;
}

/* Runs the case --case chose, or every case in order; then TEST_REPORT(). */
static inline void harness_run(const struct harness_case *cases, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		const char *name = harness_case_name(&cases[i]);

		if (harness_only && strcmp(harness_only, name))
			continue;
		fprintf(stderr, "== case %s\n", name);
		cases[i].run();
	}
}

/* main() of a program whose cases need no set-up and no arguments. */
#define HARNESS_MAIN(cases)                                                             \
	int main(int argc, char **argv)                                                 \
	{                                                                               \
		harness_start(&argc, &argv, cases, HARNESS_NR(cases));                  \
		harness_run(cases, HARNESS_NR(cases));                                  \
		return TEST_REPORT();                                                   \
	}

#define TEST_REPORT()                                                                   \
	(printf("%d passed, %d failed\n", harness_passed, harness_failed),             \
	 harness_failed ? 1 : 0)

/*
 * The end of main() in a program with a scratch directory: @dir is removed
 * when every check passed (a failure leaves it behind to look at), then
 * TEST_REPORT() gives the exit status.
 */
static inline int harness_finish_in(const char *dir)
{
	if (!harness_failed) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return TEST_REPORT();
}

/* main() of a program whose cases share a scratch directory made from @dir, a mkdtemp template. */
#define HARNESS_MAIN_TMPDIR(cases, dir)                                                 \
	int main(int argc, char **argv)                                                 \
	{                                                                               \
		harness_start(&argc, &argv, cases, HARNESS_NR(cases));                  \
		REQUIRE(mkdtemp(dir));                                                  \
		harness_run(cases, HARNESS_NR(cases));                                  \
		return harness_finish_in(dir);                                          \
	}

#endif
