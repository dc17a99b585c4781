/* SPDX-License-Identifier: MIT */
/*
 * Workload for the capture tests: map MIB MiB of anonymous memory, write
 * one byte in every page (one order-0 page fault each, huge pages refused
 * with MADV_NOHUGEPAGE), then unmap it, ROUNDS times. Each round therefore
 * allocates and frees at least MIB * 256 pages under this process's pid.
 * With PFNFILE, the first round also writes the pfn of every page it
 * touched, as /proc/self/pagemap gives it (root sees pfns), one per line:
 * an account of the allocations that does not come from the tracepoints.
 * A page the kernel is migrating (compaction, run by anyone on the host)
 * reads as not present for a moment: it is touched again, which waits for
 * the migration to end, and read again (MAX_RETOUCH times at most).
 * With "compact" after PFNFILE, the first round writes
 * /proc/sys/vm/compact_memory between touching its pages and reading their
 * pfns, so that some of them are likely to have moved (what another
 * tenant's compaction does at random on a shared host).
 * usage: capture_helper MIB [ROUNDS [PFNFILE [compact]]]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_RETOUCH 1000

/*
 * The pagemap entry of page @i at @p, touched again while it is not present
 * (a migration entry: bit 63 clear); 0 when it cannot be read.
 */
static uint64_t pagemap_entry(int fd, volatile char *p, size_t i, long page)
{
	off_t off = (off_t)(((uintptr_t)p / (uintptr_t)page + i) * sizeof(uint64_t));
	uint64_t ent = 0;

	for (int try = 0; try < MAX_RETOUCH; try++) {
		if (pread(fd, &ent, sizeof(ent), off) != (ssize_t)sizeof(ent))
			return 0;
		if (ent >> 63)
			break;
		(void)p[i * (size_t)page]; /* faults on the migration entry until it is done */
	}
	return ent;
}

/* Write the pfns of the @n pages at @p to @path; 0 or -1. */
static int pfns_write(const char *path, volatile char *p, size_t n, long page)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	FILE *f = fopen(path, "w");
	int ret = fd < 0 || !f ? -1 : 0;

	for (size_t i = 0; !ret && i < n; i++) {
		uint64_t ent = pagemap_entry(fd, p, i, page);

		if (ent >> 63) /* present: bits 0-54 are the pfn */
			fprintf(f, "%llu\n", (unsigned long long)(ent & ((1ull << 55) - 1)));
		else
			fprintf(stderr, "capture_helper: page %zu not present after %d touches\n",
				i, MAX_RETOUCH);
	}
	if (f && fclose(f))
		ret = -1;
	if (fd >= 0)
		close(fd);
	if (ret)
		perror(path);
	return ret;
}

/* Compact every zone (root); a kernel without it or a refusal is only said. */
static void compact_memory(void)
{
	int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);

	if (fd < 0 || write(fd, "1", 1) != 1)
		perror("capture_helper: /proc/sys/vm/compact_memory");
	if (fd >= 0)
		close(fd);
}

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
		if (r == 0 && argc > 4 && !strcmp(argv[4], "compact"))
			compact_memory();
		if (r == 0 && argc > 3 && pfns_write(argv[3], p, len / (size_t)page, page))
			return 1;
		munmap((void *)p, len);
	}
	return 0;
}
