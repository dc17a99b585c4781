/* SPDX-License-Identifier: MIT */
/*
 * A very small unit-test harness: CHECK() records a failure with file:line
 * and carries on; TEST_REPORT() prints "N passed, N failed" and gives the
 * exit status. One executable per module.
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

#define TEST_REPORT()                                                                   \
	(printf("%d passed, %d failed\n", harness_passed, harness_failed),             \
	 harness_failed ? 1 : 0)

#endif
