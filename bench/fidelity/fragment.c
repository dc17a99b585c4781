/* SPDX-License-Identifier: MIT */
/*
 * fragment: a workload that fragments physical memory and (optionally) asks
 * the kernel to compact it, for the compaction lab (compaction_vs_kernel.py).
 *
 * usage: fragment MIB KEEP_EVERY PIPES HOLD_S COMPACT OUT
 *
 * 1. Faults MIB MiB of anonymous memory (MADV_NOHUGEPAGE: order-0 movable
 *    pages), filling PIPES pipes of 16 pages each (pipe buffers are
 *    allocated without __GFP_MOVABLE: unmovable pages held until exit)
 *    spread evenly through the faulting, so unmovable pages fall among the
 *    movable ones as the fallbacks place them.
 * 2. Gives back all but one page in every KEEP_EVERY (MADV_DONTNEED), leaving
 *    movable pages scattered one per KEEP_EVERY pages of the range: no free
 *    block of order log2(KEEP_EVERY) or more can form there without
 *    compaction.
 * 3. Holds HOLD_S seconds; if COMPACT is 1, writes 1 to
 *    /proc/sys/vm/compact_memory (every zone of every node is compacted
 *    completely; needs root) and holds HOLD_S seconds more.
 * 4. Writes OUT: `compact_ns N` (CLOCK_MONOTONIC when the write started, the
 *    clock the trace's timestamps use; 0 without COMPACT), `compact_end_ns N`,
 *    and the /proc/vmstat lines compact_* and pgmigrate_* before and after
 *    (`before NAME V`, `after NAME V`). Exits 0; 1 with a message on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define PIPE_PAGES 16ul /* a pipe's default capacity: 16 buffers of one page */

static long arg_number(const char *s, const char *what, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > max) {
		fprintf(stderr, "fragment: error: %s '%s' is not a number in 0..%ld\n", what, s, max);
		exit(2);
	}
	return v;
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Fills one new pipe to its capacity; the pipe stays open until exit. */
static int fill_pipe(void)
{
	static char buf[PIPE_PAGES * PAGE];
	int fd[2];

	if (pipe2(fd, O_NONBLOCK) != 0)
		return -errno;
	memset(buf, 0x5a, sizeof(buf));
	if (write(fd[1], buf, sizeof(buf)) < 0)
		return -errno;
	return 0;
}

/* Faults @pages pages of @m, filling @pipes pipes evenly along the way. */
static int fault_with_pipes(char *m, size_t pages, long pipes)
{
	size_t every = pipes ? pages / (size_t)pipes + 1 : pages + 1;

	for (size_t i = 0; i < pages; i++) {
		((volatile char *)m)[i * PAGE] = 1;
		if (pipes && i % every == 0) {
			int rc = fill_pipe();
			if (rc < 0) {
				fprintf(stderr, "fragment: error: pipe %zu: %s (raise the open-files limit?)\n",
					i / every, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

/* Gives back every page of @m but one in @keep_every. */
static void punch_holes(char *m, size_t pages, size_t keep_every)
{
	for (size_t i = 0; i + 1 < pages; i += keep_every) {
		size_t run = keep_every - 1;
		if (i + 1 + run > pages)
			run = pages - i - 1;
		madvise(m + (i + 1) * PAGE, run * PAGE, MADV_DONTNEED);
	}
}

/* Appends /proc/vmstat's compact_* and pgmigrate_* lines to @out as "TAG NAME V". */
static void save_vmstat(FILE *out, const char *tag)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char name[64];
	unsigned long long v;

	if (!f)
		return;
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		if (!strncmp(name, "compact_", 8) || !strncmp(name, "pgmigrate_", 10))
			fprintf(out, "%s %s %llu\n", tag, name, v);
	fclose(f);
}

static int compact_memory(void)
{
	int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);

	if (fd < 0)
		return -errno;
	int rc = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: fragment MIB KEEP_EVERY PIPES HOLD_S COMPACT OUT\n");
		return 2;
	}
	size_t pages = (size_t)arg_number(argv[1], "MIB", 1 << 20) * (1ul << 20) / PAGE;
	size_t keep_every = (size_t)arg_number(argv[2], "KEEP_EVERY", 1 << 20);
	long pipes = arg_number(argv[3], "PIPES", 1 << 20);
	unsigned hold = (unsigned)arg_number(argv[4], "HOLD_S", 3600);
	long compact = arg_number(argv[5], "COMPACT", 1);
	FILE *out = fopen(argv[6], "w");

	if (!out) {
		fprintf(stderr, "fragment: error: %s: %s\n", argv[6], strerror(errno));
		return 1;
	}
	if (keep_every < 2)
		keep_every = 2;
	char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		fprintf(stderr, "fragment: error: mmap of %zu pages: %s\n", pages, strerror(errno));
		return 1;
	}
	madvise(m, pages * PAGE, MADV_NOHUGEPAGE);
	if (fault_with_pipes(m, pages, pipes) < 0)
		return 1;
	punch_holes(m, pages, keep_every);
	sleep(hold);
	unsigned long long t0 = 0, t1 = 0;
	save_vmstat(out, "before");
	if (compact) {
		t0 = monotonic_ns();
		int rc = compact_memory();
		t1 = monotonic_ns();
		if (rc < 0) {
			fprintf(stderr, "fragment: error: /proc/sys/vm/compact_memory: %s\n", strerror(-rc));
			return 1;
		}
		sleep(hold);
	}
	save_vmstat(out, "after");
	fprintf(out, "compact_ns %llu\ncompact_end_ns %llu\n", t0, t1);
	return fclose(out) == 0 ? 0 : 1;
}
