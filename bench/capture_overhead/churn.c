/* SPDX-License-Identifier: MIT */
/*
 * Page-churn workload for the capture overhead benchmark: PROCS processes
 * each map MIB MiB of anonymous memory, touch every page and unmap it,
 * ROUNDS times. Default pages are order-0 faults (huge pages refused with
 * MADV_NOHUGEPAGE); with --thp the region is 2 MiB aligned and advised
 * MADV_HUGEPAGE, so each 2 MiB is one order-9 allocation when THP is in
 * "madvise" or "always" mode.
 * usage: churn [--thp] PROCS MIB ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define HUGE_SZ (2ul << 20)

static int worker(size_t len, long rounds, int thp)
{
	long page = sysconf(_SC_PAGESIZE);

	for (long r = 0; r < rounds; r++) {
		size_t maplen = thp ? len + HUGE_SZ : len;
		char *m = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		volatile char *p;

		if (m == MAP_FAILED) {
			perror("churn: mmap");
			return 1;
		}
		p = thp ? (char *)(((uintptr_t)m + HUGE_SZ - 1) & ~(HUGE_SZ - 1)) : m;
		madvise((void *)p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		for (size_t off = 0; off < len; off += (size_t)page)
			p[off] = 1;
		munmap(m, maplen);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int thp = argc > 1 && !strcmp(argv[1], "--thp");
	long procs, mib, rounds;
	int status, rc = 0;

	if (argc != 4 + thp) {
		fprintf(stderr, "usage: churn [--thp] PROCS MIB ROUNDS\n");
		return 2;
	}
	procs = atol(argv[1 + thp]);
	mib = atol(argv[2 + thp]);
	rounds = atol(argv[3 + thp]);
	if (procs <= 0 || mib <= 0 || rounds <= 0) {
		fprintf(stderr, "churn: PROCS, MIB and ROUNDS must be positive\n");
		return 2;
	}
	for (long i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("churn: fork");
			return 1;
		}
		if (pid == 0)
			_exit(worker((size_t)mib << 20, rounds, thp));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = 1;
	return rc;
}
