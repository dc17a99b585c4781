// SPDX-License-Identifier: MIT
/*
 * End-to-end replay speed: events per second of shadow and what-if replays
 * of a real trace (read, decode, reorder, model, sampling every 100 ms of
 * trace time, summary), with a sink that only counts, so the run store's
 * SQLite time is left out. The reader alone (read + decode) runs first as
 * the ceiling a replay cannot beat. Prints figures; never pass/fail.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay.h"
#include "tracefmt.h"

/* CPU time of this process: the figure that means "one core" on a shared machine. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long samples;

static int count_sample(void *ctx, const struct replay_sample *s)
{
	(void)ctx;
	(void)s;
	samples++;
	return 0;
}

static const struct replay_sink counting_sink = { .sample = count_sample };

/* Read and decode every record (with @hash, SHA-256 of the file in the same pass); CPU s. */
static double read_only(const char *path, bool hash, uint64_t *events)
{
	struct bs_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	struct tracefmt_event ev;
	char hex[65] = "";
	double t0 = cpu_s();

	*events = 0;
	if (!r) {
		fprintf(stderr, "bench_replay_speed: %s\n", err.text);
		exit(1);
	}
	if (hash)
		tracefmt_reader_hash_file(r);
	while (tracefmt_reader_next(r, &ev) > 0)
		*events += ev.type >= TRACEFMT_PAGE_ALLOC && ev.type <= TRACEFMT_PAGE_ALLOC_EXTFRAG;
	if (hash && tracefmt_reader_file_sha256(r, hex)) {
		fprintf(stderr, "bench_replay_speed: %s: hashing failed\n", path);
		exit(1);
	}
	tracefmt_reader_close(r);
	return cpu_s() - t0;
}

static void run(const char *path, enum replay_mode mode, int repeat)
{
	double best = 0;
	uint64_t events = 0;

	for (int i = 0; i < repeat; i++) {
		struct replay_opts o;
		struct replay_result res;
		struct bs_error err;

		replay_opts_init(&o);
		o.mode = mode;
		samples = 0;
		if (replay_run(path, &o, &counting_sink, NULL, &res, &err)) {
			fprintf(stderr, "bench_replay_speed: %s\n", err.text);
			exit(1);
		}
		if (res.events_per_second > best)
			best = res.events_per_second;
		events = res.events;
		if (i == 0 && mode == REPLAY_SHADOW)
			printf("  (shadow: pfn prediction rate %.4f, checkpoint distance mean %.4f)\n",
			       res.pfn_prediction_rate, res.checkpoint_distance_mean);
		replay_result_release(&res);
	}
	printf("%-8s replay: %10llu events  %8.3f M events/s (best of %d, %lu samples)\n",
	       mode == REPLAY_SHADOW ? "shadow" : "what-if", (unsigned long long)events,
	       best / 1e6, repeat, samples);
}

static void print_read(const char *what, double t, uint64_t events)
{
	printf("%-18s %10llu events  %8.3f M events/s per CPU s  (%.3f CPU s)\n", what,
	       (unsigned long long)events, t > 0 ? (double)events / t / 1e6 : 0, t);
}

int main(int argc, char **argv)
{
	bool reader_only = argc > 1 && !strcmp(argv[1], "--reader-only");
	int base = reader_only ? 2 : 1;
	int repeat = argc > base + 1 ? atoi(argv[base + 1]) : 3;
	uint64_t events;

	if (argc <= base) {
		fprintf(stderr, "usage: bench_replay_speed [--reader-only] TRACE [REPEAT]\n");
		return 2;
	}
	if (repeat < 1)
		repeat = 1;
	printf("trace %s\n", argv[base]);
	for (int hash = 0; hash < 2; hash++) {
		double best = 0;

		for (int i = 0; i < repeat; i++) {
			double t = read_only(argv[base], hash, &events);

			if (!i || t < best)
				best = t;
		}
		print_read(hash ? "read+decode+sha256" : "read+decode only", best, events);
	}
	if (reader_only)
		return 0;
	run(argv[base], REPLAY_SHADOW, repeat);
	run(argv[base], REPLAY_WHATIF, repeat);
	return 0;
}
