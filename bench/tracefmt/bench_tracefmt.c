// SPDX-License-Identifier: MIT
/*
 * bench_tracefmt: write and read throughput of the .bst format, and bytes per
 * event on disk, for the page events of a real trace. The events are loaded
 * once, repeated (with shifted timestamps) up to --events, then written to a
 * file and read back, single-threaded, in CPU time: with zstd blocks (the
 * default) and uncompressed ones (codec 0), so the cost of the compression is
 * the difference, and with format 1.2's row blocks (row_blocks); reading
 * also with the file's SHA-256 computed in the same pass. Peers in the same run: a bare pass over
 * the same events in memory (the speed ceiling), and a naive format — fixed
 * 40-byte records compressed with zstd level 1, the writer's default — for size.
 * Prints figures; never fails on a figure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "tracefmt.h"

/* A page event as the bench keeps it: the event header and 48 bytes of union. */
struct small {
	uint64_t ts_ns;
	uint32_t type, cpu, pid, pad;
	uint8_t u[48];
};

static void to_small(struct small *s, const struct tracefmt_event *e)
{
	s->ts_ns = e->ts_ns;
	s->type = e->type;
	s->cpu = e->cpu;
	s->pid = e->pid;
	s->pad = 0;
	memcpy(s->u, &e->u, sizeof(s->u));
}

static void from_small(struct tracefmt_event *e, const struct small *s)
{
	e->ts_ns = s->ts_ns;
	e->type = s->type;
	e->cpu = s->cpu;
	e->pid = s->pid;
	memcpy(&e->u, s->u, sizeof(s->u));
}

/* CPU seconds of this process: "one core" on a shared machine. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fclose(f);
	return n > 0 ? (uint64_t)n : 0;
}

/* Write @total events (the @n of @src repeated, shifted by @period); CPU s. */
static double write_file(const char *out, const struct tracefmt_writer_opts *o,
			 const struct small *src, size_t n, size_t total, uint64_t period)
{
	struct tracefmt_error err;
	struct tracefmt_event ev;
	double t0 = now();
	struct tracefmt_writer *w = tracefmt_writer_create(out, "{}", 2, o, &err);

	if (!w) {
		fprintf(stderr, "bench_tracefmt: %s\n", err.text);
		exit(1);
	}
	memset(&ev, 0, sizeof(ev));
	for (size_t i = 0; i < total; i++) {
		from_small(&ev, &src[i % n]);
		ev.ts_ns += (i / n) * period;
		tracefmt_writer_append(w, &ev);
	}
	if (tracefmt_writer_close(w, &err)) {
		fprintf(stderr, "bench_tracefmt: %s\n", err.text);
		exit(1);
	}
	return now() - t0;
}

/* Read @path back (with @hash, its SHA-256 in the same pass); CPU s. */
static double read_file(const char *path, bool hash, size_t *got, uint64_t *sum)
{
	struct tracefmt_error err;
	struct tracefmt_event ev;
	char hex[65];
	double t0 = now();
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);

	if (!r) {
		fprintf(stderr, "bench_tracefmt: %s\n", err.text);
		exit(1);
	}
	if (hash)
		tracefmt_reader_hash_file(r);
	*got = 0;
	while (tracefmt_reader_next(r, &ev) == 1) {
		*sum += ev.u.alloc.pfn;
		(*got)++;
	}
	if (hash)
		tracefmt_reader_file_sha256(r, hex);
	tracefmt_reader_close(r);
	return now() - t0;
}

/* The naive peer: every event as 40 fixed bytes, zstd on 1 MiB chunks. */
static uint64_t naive_bytes(const struct small *ev, size_t n)
{
	const size_t rec = 40, chunk = (1u << 20) / rec;
	uint8_t *raw = malloc(chunk * rec);
	size_t cap = ZSTD_compressBound(chunk * rec);
	uint8_t *out = malloc(cap);
	uint64_t total = 0;
	for (size_t i = 0; i < n; i += chunk) {
		size_t m = n - i < chunk ? n - i : chunk;
		for (size_t k = 0; k < m; k++) {
			const struct small *e = &ev[i + k];
			uint8_t *p = raw + k * rec;
			memcpy(p, &e->ts_ns, 8);
			memcpy(p + 8, &e->type, 4);
			memcpy(p + 12, &e->cpu, 4);
			memcpy(p + 16, &e->pid, 4);
			memcpy(p + 20, e->u, 20);
		}
		size_t c = ZSTD_compress(out, cap, raw, m * rec, 1);
		total += ZSTD_isError(c) ? m * rec : c;
	}
	free(raw);
	free(out);
	return total;
}

/* --read FILE: only read FILE (best of 3), for profiling the reader. */
static int read_only(const char *path)
{
	double best = 0;
	size_t got = 0;
	uint64_t sum = 0;

	for (int rep = 0; rep < 3; rep++) {
		double t = read_file(path, false, &got, &sum);
		if (!rep || t < best)
			best = t;
	}
	printf("read %s: %.1f M events/s (%.3f CPU s, %zu records)\n", path, got / best / 1e6, best,
	       got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--read"))
		return read_only(argv[2]);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_tracefmt TRACE.bst [EVENTS (default 20000000)] [OUT] "
				"[ZSTD_LEVEL]\n       bench_tracefmt --read TRACE.bst\n");
		return 2;
	}
	size_t target = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000000;
	const char *out = argc > 3 ? argv[3] : "/tmp/bench_tracefmt.bst";
	struct tracefmt_writer_opts wopts = { .zstd_level = argc > 4 ? atoi(argv[4]) : 0 };
	struct tracefmt_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(argv[1], &err);
	if (!r) {
		fprintf(stderr, "bench_tracefmt: %s\n", err.text);
		return 1;
	}
	size_t cap = 1 << 20, n = 0;
	struct small *src = malloc(cap * sizeof(*src));
	struct tracefmt_event ev;
	uint64_t first = 0, last = 0;
	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type > TRACEFMT_PAGE_ALLOC_EXTFRAG)
			continue; /* page events only: the figure is per event */
		if (n == cap)
			src = realloc(src, (cap *= 2) * sizeof(*src));
		if (!n)
			first = ev.ts_ns;
		last = ev.ts_ns;
		to_small(&src[n++], &ev);
	}
	tracefmt_reader_close(r);
	if (!n) {
		fprintf(stderr, "bench_tracefmt: %s has no page events\n", argv[1]);
		return 1;
	}
	size_t total = target > n ? target : n;
	uint64_t period = last - first + 1000;
	if (getenv("BENCH_TRACEFMT_WRITE_ONLY")) { /* for profiling the writer */
		double t = write_file(out, &wopts, src, n, total, period);
		printf("write: %.1f M events/s (%.3f CPU s)\n", total / t / 1e6, t);
		free(src);
		return 0;
	}

	/*
	 * Peer: a bare pass over the same events, turning each into a record
	 * struct and summing a field: what any consumer of the events pays.
	 */
	memset(&ev, 0, sizeof(ev));
	uint64_t bare_sum = 0;
	double t0 = now();
	for (size_t i = 0; i < total; i++) {
		from_small(&ev, &src[i % n]);
		ev.ts_ns += (i / n) * period;
		bare_sum += ev.ts_ns ^ ev.u.alloc.pfn;
		__asm__ volatile("" : : "r"(&ev) : "memory");
	}
	double t_copy = now() - t0;
	printf("input: %s, %zu page events, repeated to %zu; CPU time of this process\n", argv[1],
	       n, total);
	printf("bare pass over the events: %.1f M events/s (sum %llu)\n", total / t_copy / 1e6,
	       (unsigned long long)(bare_sum & 0xff));
	uint64_t bytes = 0;
	/* the default; codec 0; format 1.2's row blocks (what a 1.2 reader reads) */
	static const char *const names[] = { "zstd blocks (the default, field-major)",
					     "uncompressed blocks (codec 0, field-major)",
					     "zstd row blocks (row_blocks: the layout of format 1.2)" };
	char out_plain[4096], out_rows[4096];
	snprintf(out_plain, sizeof(out_plain), "%s.codec0", out);
	snprintf(out_rows, sizeof(out_rows), "%s.rows", out);
	for (int plain = 0; plain < 3; plain++) {
		const char *path = plain == 1 ? out_plain : plain == 2 ? out_rows : out;
		wopts.uncompressed = plain == 1;
		wopts.row_blocks = plain == 2;
		double t_write = write_file(path, &wopts, src, n, total, period);
		uint64_t b = file_size(path);
		if (!plain)
			bytes = b;
		double t_read = 0, t_hash = 0;
		size_t got = 0;
		uint64_t sum = 0;
		for (int rep = 0; rep < 3; rep++) {
			double t = read_file(path, false, &got, &sum);
			double th = read_file(path, true, &got, &sum);
			if (!rep || t < t_read)
				t_read = t;
			if (!rep || th < t_hash)
				t_hash = th;
		}
		printf("%s (%.2f bytes/event):\n", names[plain], (double)b / total);
		printf("  write:             %8.1f M events/s  (%.3f CPU s)\n", total / t_write / 1e6,
		       t_write);
		printf("  read:              %8.1f M events/s  (%.3f CPU s, %zu events, sum %llu)\n",
		       got / t_read / 1e6, t_read, got, (unsigned long long)(sum & 0xffff));
		printf("  read + sha256:     %8.1f M events/s  (%.3f CPU s)\n", got / t_hash / 1e6,
		       t_hash);
	}
	uint64_t naive = naive_bytes(src, n);
	printf("on disk: %.2f bytes/event (%llu bytes); naive 40-byte records + zstd-1: %.2f bytes/event "
	       "(ratio %.2f)\n",
	       (double)bytes / total, (unsigned long long)bytes, (double)naive / n,
	       (double)bytes / total / ((double)naive / n));
	if (argc <= 3) {
		unlink(out);
		unlink(out_plain);
		unlink(out_rows);
	}
	free(src);
	return 0;
}
