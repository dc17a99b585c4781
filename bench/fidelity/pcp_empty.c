/* SPDX-License-Identifier: MIT */
/*
 * pcp_empty: empty one cpu's order-0 per-cpu lists from user space, without
 * drain_all_pages (which 6.18 exposes to no harmless user-space trigger; see
 * bench/fidelity/README.md).
 * usage: pcp_empty CPU OTHER_CPU TABLE_PAGES DATA_PAGES
 *
 * Runs on CPU and takes pages from its lists by faulting anonymous memory
 * (MADV_NOHUGEPAGE) there: first one byte every 2 MiB of a sparse mapping,
 * so each of TABLE_PAGES faults also allocates a page-table page (order 0,
 * unmovable list), then DATA_PAGES pages one after another (order 0, movable
 * list). Once a list is empty the kernel refills it from the buddy lists by
 * at most one batch, so counts larger than a list's leave at most the rest of
 * the last refill on it. Then it moves to OTHER_CPU before unmapping, so all
 * those pages are freed onto that cpu's lists. Lists of other orders and
 * types (slab pages of order 1-3, THP) are not touched. Prints nothing.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PMD_SPAN (2ul << 20) /* one page-table page maps this much (x86-64, 4 KiB pages) */

static int pin(long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Maps count * stride bytes and writes one byte every stride: count faults. */
static char *touch(size_t count, size_t stride)
{
	char *m = mmap(NULL, count * stride, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	madvise(m, count * stride, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < count; i++)
		((volatile char *)m)[i * stride] = 1;
	return m;
}

static long number(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > (1l << 26)) {
		fprintf(stderr, "pcp_empty: error: %s '%s' is not a number in 0..2^26\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long cpu, other, tables, data;
	long page = sysconf(_SC_PAGESIZE);
	char *t, *d;

	if (argc != 5) {
		fprintf(stderr, "usage: pcp_empty CPU OTHER_CPU TABLE_PAGES DATA_PAGES\n");
		return 2;
	}
	cpu = number(argv[1], "CPU");
	other = number(argv[2], "OTHER_CPU");
	tables = number(argv[3], "TABLE_PAGES");
	data = number(argv[4], "DATA_PAGES");
	if (cpu == other || cpu >= CPU_SETSIZE || other >= CPU_SETSIZE) {
		fprintf(stderr, "pcp_empty: error: CPU and OTHER_CPU must be two cpus\n");
		return 2;
	}
	if (pin(cpu)) {
		fprintf(stderr, "pcp_empty: error: cpu %ld: %s\n", cpu, strerror(errno));
		return 1;
	}
	t = touch((size_t)tables, PMD_SPAN);
	d = touch((size_t)data, (size_t)page);
	if (!t || !d) {
		fprintf(stderr, "pcp_empty: error: mmap: %s\n", strerror(errno));
		return 1;
	}
	if (pin(other)) {
		fprintf(stderr, "pcp_empty: error: cpu %ld: %s\n", other, strerror(errno));
		return 1;
	}
	sched_yield();
	munmap(d, (size_t)data * (size_t)page);
	munmap(t, (size_t)tables * PMD_SPAN);
	return 0;
}
