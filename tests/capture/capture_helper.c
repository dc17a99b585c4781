/* SPDX-License-Identifier: MIT */
/*
 * Workload for the capture tests: map MIB MiB of anonymous memory, write
 * one byte in every page (one order-0 page fault each, huge pages refused
 * with MADV_NOHUGEPAGE), then unmap it, ROUNDS times. Each round therefore
 * allocates and frees at least MIB * 256 pages under this process's pid.
 * usage: capture_helper MIB [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long mib = argc > 1 ? atol(argv[1]) : 0;
	long rounds = argc > 2 ? atol(argv[2]) : 1;

	if (mib <= 0 || rounds <= 0) {
		fprintf(stderr, "usage: capture_helper MIB [ROUNDS]\n");
		return 2;
	}
	for (long r = 0; r < rounds; r++) {
		size_t len = (size_t)mib << 20;
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("capture_helper: mmap");
			return 1;
		}
		madvise((void *)p, len, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < len; off += (size_t)page)
			p[off] = 1;
		munmap((void *)p, len);
	}
	return 0;
}
