// SPDX-License-Identifier: MIT
/*
 * Benchmark of snapshot_take(): for the BPF walk and the kpageflags scan,
 * N snapshots into a throw-away trace, reporting the median of
 *  - walk: the BEGIN..END window (for BPF, the sysctl write that runs the
 *    walk in every zone), and blocks per second of it;
 *  - lock: the longest time one zone's lock was held by the walk (irqs off),
 *    and the walk's time per list entry (zone walks / entries);
 *  - load (BPF verification + attach), calibration, and the whole call;
 *  - CPU: thread CPU time of the whole call.
 * The peer is the kernel's own list walk behind /proc/pagetypeinfo (counts
 * only, capped at 100000 per list), timed in the same run; the ratio is
 * walk / pagetypeinfo read. Root only. Figures, never pass/fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snapshot.h"
#include "tracefmt.h"

#define MAX_ITERS 101

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

/* Time one read of a /proc file, in ns; 0 on error. */
static uint64_t time_read(const char *path)
{
	char buf[65536];
	uint64_t t0 = now_ns();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return now_ns() - t0;
}

static int bench_method(enum snapshot_method method, const char *name, int iters,
			uint64_t pti_ns)
{
	static struct snapshot_stats st;
	uint64_t walk[MAX_ITERS], total[MAX_ITERS], cpu[MAX_ITERS], lock[MAX_ITERS];
	uint64_t load[MAX_ITERS], calib[MAX_ITERS], per[MAX_ITERS], blocks = 0, pcp = 0, bytes = 0;
	struct snapshot_opts opts = { .method = method };
	char path[] = "/tmp/buddyscope-bench-snapshot-XXXXXX";
	struct bs_error err = { .text = "" };
	struct bs_error terr;
	int i, fd;

	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	for (i = 0; i < iters; i++) {
		struct tracefmt_writer *w = tracefmt_writer_create(path, "{}", 2, NULL, &terr);
		struct stat sb;
		int ret;

		if (!w) {
			fprintf(stderr, "bench_snapshot: %s: %s\n", path, terr.text);
			return 1;
		}
		ret = snapshot_take(w, &opts, &st, &err);
		tracefmt_writer_close(w, NULL);
		bytes = stat(path, &sb) ? 0 : (uint64_t)sb.st_size;
		if (ret) {
			fprintf(stderr, "bench_snapshot: %s: %s\n", name, err.text);
			unlink(path);
			return 1;
		}
		walk[i] = st.walk_ns;
		total[i] = st.total_ns;
		cpu[i] = st.cpu_ns;
		lock[i] = st.lock_ns_max;
		load[i] = st.load_ns;
		calib[i] = st.calib_ns;
		per[i] = 0;
		for (unsigned int z = 0; z < st.nr_zones; z++)
			per[i] += st.zones[z].walk_ns;
		/* ns per list entry inside the zone walks, x1000 for precision */
		per[i] = st.blocks + st.pcp_blocks ? per[i] * 1000 / (st.blocks + st.pcp_blocks) : 0;
		blocks = st.blocks;
		pcp = st.pcp_blocks;
	}
	unlink(path);
	{
		uint64_t wm = median(walk, iters);

		printf("%-10s blocks %8llu + pcp %6llu | walk %9.3f ms (%6.2f M blocks/s) | "
		       "zone lock max %7.3f ms | %6.1f ns/entry | load %7.1f ms | calib %6.2f ms | "
		       "total %8.1f ms | CPU %8.1f ms | trace %llu bytes | walk/pagetypeinfo %.2f\n",
		       name, (unsigned long long)blocks, (unsigned long long)pcp, wm / 1e6,
		       wm ? (blocks + pcp) * 1e3 / (double)wm : 0.0, median(lock, iters) / 1e6,
		       median(per, iters) / 1e3, median(load, iters) / 1e6, median(calib, iters) / 1e6,
		       median(total, iters) / 1e6, median(cpu, iters) / 1e6,
		       (unsigned long long)bytes, pti_ns ? (double)wm / (double)pti_ns : 0.0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 5, i, ret = 0;
	uint64_t pti[MAX_ITERS], buddy[MAX_ITERS], pti_ns;

	if (iters < 1 || iters > MAX_ITERS) {
		fprintf(stderr, "usage: bench_snapshot [iterations 1..%d]\n", MAX_ITERS);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_snapshot: needs root (BPF, /proc/kpageflags)\n");
		return 1;
	}
	for (i = 0; i < iters; i++) {
		pti[i] = time_read("/proc/pagetypeinfo");
		buddy[i] = time_read("/proc/buddyinfo");
	}
	pti_ns = median(pti, iters);
	printf("peer: /proc/pagetypeinfo read %.3f ms, /proc/buddyinfo read %.3f ms "
	       "(median of %d)\n",
	       pti_ns / 1e6, median(buddy, iters) / 1e6, iters);
	ret |= bench_method(SNAPSHOT_METHOD_BPF, "bpf", iters, pti_ns);
	ret |= bench_method(SNAPSHOT_METHOD_KPAGEFLAGS, "kpageflags", iters, pti_ns);
	return ret;
}
