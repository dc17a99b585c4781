// SPDX-License-Identifier: MIT
/*
 * The sample traces of traces/samples (text samples are imported with their
 * sysinfo by the buddyscope binary; .bst samples are used as they are)
 * replayed in shadow and what-if mode with model_check() every few events:
 * every check must pass and contradictions must stay a minority of the
 * events (these samples have no snapshot, so some are expected: pages freed
 * that were allocated before the trace began).
 *
 * Under the sanitizers (BUDDYSCOPE_SANITIZED=1, which CMake sets for this
 * test in a BUDDYSCOPE_SANITIZE build) model_check() runs every
 * SANITIZED_PARANOID_EVERY events instead: the checks, not the events, are
 * what is slow there (ASan, ftrace-tracecmd sample: 1 s of cpu for 275,000
 * events, 49 s with a check every 400). Every event of every sample is
 * still replayed and every assertion below holds as in the plain build; a
 * prefix of the samples would not do, as contradictions concentrate at the
 * start of a trace without a snapshot (44 % of the first 20,000 events of
 * the tracecmd sample, 10 % of the whole).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "replay.h"

#define PARANOID_EVERY 400
#define SANITIZED_PARANOID_EVERY 10000

static uint32_t paranoid_every = PARANOID_EVERY;

static void replay_both(const char *trace)
{
	for (int mode = 0; mode < 2; mode++) {
		struct replay_opts o;
		struct replay_result res;
		struct bs_error err = { .text = "" };
		int ret;

		replay_opts_init(&o);
		o.mode = mode ? REPLAY_WHATIF : REPLAY_SHADOW;
		o.paranoid = true;
		o.paranoid_every = paranoid_every;
		ret = replay_run(trace, &o, NULL, NULL, &res, &err);
		CHECK(ret == 0);
		if (ret) {
			fprintf(stderr, "%s: %s\n", trace, err.text);
			continue;
		}
		printf("%s %s: %llu events, %llu contradictions (%llu after lost events), %llu model checks failed, "
		       "pfn rate %.4f\n", trace, mode ? "whatif" : "shadow",
		       (unsigned long long)res.events, (unsigned long long)res.contradictions,
		       (unsigned long long)res.contradictions_uncertain,
		       (unsigned long long)res.model_check_failures, res.pfn_prediction_rate);
		CHECK(res.events > 1000);
		CHECK(res.complete);
		CHECK_EQ_U64(res.model_check_failures, 0);
		/* outside lost-event stretches, contradictions stay a minority */
		CHECK((res.contradictions - res.contradictions_uncertain) * 4 <= res.events);
		if (res.model_check_failures)
			fprintf(stderr, "%s\n", res.summary_json);
		replay_result_release(&res);
	}
}

int main(int argc, char **argv)
{
	const char *bin, *samples, *work, *san = getenv("BUDDYSCOPE_SANITIZED");
	DIR *d;
	struct dirent *de;
	int nr = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: test_samples BUDDYSCOPE SAMPLES_DIR WORK_DIR\n");
		return 2;
	}
	bin = argv[1];
	samples = argv[2];
	work = argv[3];
	if (san && !strcmp(san, "1"))
		paranoid_every = SANITIZED_PARANOID_EVERY;
	printf("model_check() every %u page events\n", (unsigned int)paranoid_every);
	mkdir(work, 0755);
	d = opendir(samples);
	if (!d) {
		printf("no sample directory %s: skipped\n", samples);
		return 77;
	}
	while ((de = readdir(d))) {
		char in[1024], out[1024], sys[1024], cmd[4096], base[512];
		const char *name = de->d_name, *dot = strstr(name, ".txt.");
		struct stat st;

		if (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".bst")) {
			snprintf(in, sizeof(in), "%s/%s", samples, name);
			replay_both(in);
			nr++;
			continue;
		}
		if (!dot || strlen(name) >= sizeof(base))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(dot - name), name);
		snprintf(in, sizeof(in), "%s/%s", samples, name);
		snprintf(sys, sizeof(sys), "%s/%s.sysinfo", samples, base);
		snprintf(out, sizeof(out), "%s/%s.bst", work, base);
		if (stat(sys, &st))
			continue; /* without zones there is nothing to replay into */
		snprintf(cmd, sizeof(cmd), "'%s' import --from %s '%s' -o '%s' --sysinfo '%s' --max-bad 100 >/dev/null",
			 bin, !strncmp(name, "perf", 4) ? "perf-script" : "ftrace", in, out, sys);
		CHECK(system(cmd) == 0);
		replay_both(out);
		nr++;
	}
	closedir(d);
	if (!nr) {
		printf("no sample traces in %s: skipped\n", samples);
		return 77;
	}
	return TEST_REPORT();
}
