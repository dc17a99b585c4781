// SPDX-License-Identifier: MIT
/*
 * buddyscope sweep: what-if replays over a grid of settings. The trace is
 * read and decoded once per pass of up to --points-per-pass points, and every
 * point's model is fed from those decoded records (replay_run_many(): one
 * decoding thread, --jobs worker threads sharing the points). Every point
 * writes its own temporary store, merged into --db when the pass ends (so
 * points never contend for one SQLite writer). --shard I/N keeps every N-th
 * point starting at I, and --shard auto takes I and N from a Slurm job array
 * or a Kubernetes Indexed Job (cli/shard.h), so a scheduler spreads a sweep
 * over machines and `buddyscope merge` joins their stores; each run stores
 * the grid and its point's index in it, and a shard without points writes an
 * empty store. A table of the grid (failures by order, mean unusable index at
 * order 9) ends the run.
 *
 * Faults: the points of a pass run as threads of the sweep, so a sweep
 * killed with SIGKILL leaves nothing running. A point that finished is
 * merged when its pass ends; one that finished but was not merged yet (the
 * sweep died in between) stays as DB.sweep-PID-N.tmp, and
 * the next sweep into DB merges it before it starts (its runs are complete),
 * or removes it when its run was cut short (it is run again).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <glob.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "shard.h"

#include <jansson.h>

#include "replay_sink_viz.h"
#if defined(BUDDYSCOPE_HAVE_VIZ)
#include "viz.h"
#endif

#define SWEEP_POINTS_PER_PASS 16	/* default --points-per-pass */

static volatile int sweep_stop;

static void on_signal(int sig)
{
	(void)sig;
	sweep_stop = 1;
}

struct point {
	char *settings;		/* "k=v;k2=w" */
	size_t index;		/* in the whole grid */
	const char *grid;	/* the whole grid (--grid), stored with the run */
	bool stored_before;	/* --db had this run complete already: not added again */
	int status;		/* exit status, -1 not run */
	char tmp_db[4200];
	char tmp_json[4200];
	json_t *summary;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope sweep TRACE --db RUNS.db --grid 'k=v1,v2;k2=w1,w2' [--jobs N]\n"
		"                        [--shard I/N|auto] [--config FILE.json] [--json]\n"
		"                        [--sample-interval-ms N] [--points-per-pass N]\n"
		"\n"
		"Every point of the grid (the product of the value lists) is a what-if replay;\n"
		"keys are the settings of `buddyscope replay --help` (lowmem-reserve-ratio\n"
		"values use '/' between zones: 256/256/32). The trace is decoded once for\n"
		"all the points of a pass, and each point's model is fed from it.\n"
		"\n"
		"  --db RUNS.db       store the runs are added to (created if missing)\n"
		"  --grid SPEC        the grid\n"
		"  --jobs N           worker threads sharing the points of a pass (default: 1;\n"
		"                     one more thread reads and decodes the trace)\n"
		"  --shard I/N        run only points I, I+N, I+2N, ... (0 <= I < N), for job\n"
		"                     arrays; join the stores with `buddyscope merge`\n"
		"  --shard auto       I and N from a Slurm job array (SLURM_ARRAY_TASK_ID minus\n"
		"                     SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) or a Kubernetes\n"
		"                     Indexed Job (JOB_COMPLETION_INDEX, BUDDYSCOPE_SHARD_COUNT)\n"
		"  --config FILE      settings shared by every point (a point's value wins)\n"
		"  --json             print the table as JSON\n"
		"  --sample-interval-ms N  as for replay\n"
		"  --points-per-pass N  points fed from one reading of the trace (default 16;\n"
		"                     each holds its own model in memory)\n");
}

/* A count option, 1..1024; -1 after saying what is wrong. */
static int parse_count(const char *name, const char *text, unsigned long *out)
{
	char *end;

	*out = strtoul(text, &end, 10);
	if (end == text || *end || !*out || *out > 1024) {
		cli_error("sweep", "--%s '%s': expected 1..1024", name, text);
		return -1;
	}
	return 0;
}

static void remove_tmp(const struct point *p)
{
	char path[4300];

	unlink(p->tmp_db);
	snprintf(path, sizeof(path), "%s-wal", p->tmp_db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", p->tmp_db);
	unlink(path);
	unlink(p->tmp_json);
}

/* A point's what-if run into its own temporary store; 0, or 2 for a bad point. */
static int point_run_init(struct replay_cli_run *run, const char *trace, const struct point *p,
			  const struct replay_settings *base, uint64_t interval_ns)
{
	struct bs_error err;

	memset(run, 0, sizeof(*run));
	run->cmd = "sweep";
	run->trace = trace;
	run->db = p->tmp_db;
	run->quiet = true;
	run->grid = p->grid;
	run->grid_index = p->index;
	replay_opts_init(&run->opts);
	run->opts.mode = REPLAY_WHATIF;
	run->opts.settings = *base;
	run->opts.label = p->settings;
	run->opts.sample_interval_ns = interval_ns;
	run->opts.stop = &sweep_stop; /* a signal ends the run as "interrupted" */
	if (replay_point_apply(&run->opts.settings, p->settings, &err)) {
		return cli_usage_error("sweep", "%s", err.text);
	}
	return 0;
}

static void print_table(struct point *pts, size_t n, bool json)
{
	json_t *arr = json ? json_array() : NULL;
	char *text;

	if (!json)
		printf("%-48s %-7s %-30s %s\n", "point", "status", "failures by order (order:count)",
		       "unusable@9");
	for (size_t i = 0; i < n; i++) {
		struct point *p = &pts[i];
		json_t *fb = p->summary ? json_object_get(p->summary, "failures_by_order") : NULL;
		json_t *un = p->summary ? json_object_get(p->summary, "unusable_index_order9_mean")
					: NULL;
		char fails[256] = "";
		size_t len = 0, k;
		json_t *v;

		if (json) {
			json_array_append_new(arr, json_pack("{ss sI ss sO* sO*}",
				"point", p->settings, "index", (json_int_t)p->index, "status",
				p->status == 0 ? "ok" : "failed", "failures_by_order", fb,
				"unusable_index_order9_mean", un));
			continue;
		}
		json_array_foreach(fb, k, v) {
			if (json_integer_value(v) && len < sizeof(fails) - 32)
				len += (size_t)snprintf(fails + len, sizeof(fails) - len, "%s%zu:%lld",
							len ? " " : "", k,
							(long long)json_integer_value(v));
		}
		if (!len)
			snprintf(fails, sizeof(fails), "%s", p->summary ? "none" : "-");
		if (json_is_number(un))
			printf("%-48s %-7s %-30s %.3f\n", p->settings, p->status ? "failed" : "ok",
			       fails, json_number_value(un));
		else
			printf("%-48s %-7s %-30s %s\n", p->settings, p->status ? "failed" : "ok",
			       fails, "-");
	}
	if (json) {
		text = json_dumps(arr, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
		json_decref(arr);
	}
}

#if defined(BUDDYSCOPE_HAVE_VIZ)
/* Whether every run of the store @path finished (a worker killed mid-run leaves one that did not). */
static bool store_runs_complete(const char *path)
{
	struct viz_store *s = viz_store_open(path, VIZ_STORE_READONLY, NULL);
	int64_t *ids = NULL;
	size_t n = 0;
	bool ok = s && !viz_run_ids(s, &ids, &n) && n;

	for (size_t i = 0; ok && i < n; i++) {
		struct viz_run r;

		ok = !viz_run_get(s, ids[i], &r);
		if (ok) {
			ok = r.status == VIZ_RUN_COMPLETE;
			viz_run_release(&r);
		}
	}
	free(ids);
	viz_store_close(s);
	return ok;
}

/*
 * DB.sweep-PID-N.tmp left by a sweep that died (its PID is gone): merge the
 * complete ones into @db, remove the rest. A live sweep's files are left alone.
 */
static void adopt_stranded(const char *db)
{
	size_t len = strlen(db) + 32;
	char *pattern = malloc(len);
	glob_t g;

	if (!pattern)
		return;
	snprintf(pattern, len, "%s.sweep-*-*.tmp", db);
	if (glob(pattern, GLOB_NOSORT, NULL, &g)) {
		free(pattern);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct point p = { .settings = (char *)"", .status = 0 };
		long pid = strtol(path + strlen(db) + strlen(".sweep-"), NULL, 10);

		if (pid <= 0 || pid == (long)getpid() || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		snprintf(p.tmp_db, sizeof(p.tmp_db), "%s", path);
		snprintf(p.tmp_json, sizeof(p.tmp_json), "%.*s.json",
			 (int)(strlen(path) - strlen(".tmp")), path);
		if (store_runs_complete(path)) {
			struct bs_error verr = { .text = "" };
			struct viz_store *s = viz_store_open(db, VIZ_STORE_CREATE, &verr);
			size_t copied = 0;

			if (!s || viz_store_merge(s, path, &copied, &verr)) {
				fprintf(stderr, "buddyscope sweep: warning: %s from an earlier sweep "
						"could not be merged (kept): %s\n", path, verr.text);
				viz_store_close(s);
				continue;
			}
			viz_store_close(s);
			fprintf(stderr, "buddyscope sweep: merged %zu run%s that an earlier sweep "
					"(pid %ld) finished but did not merge, from %s\n", copied,
				copied == 1 ? "" : "s", pid, path);
		} else {
			fprintf(stderr, "buddyscope sweep: removed %s: its point was cut short "
					"when an earlier sweep (pid %ld) died\n", path, pid);
		}
		remove_tmp(&p);
	}
	globfree(&g);
	free(pattern);
}
#endif

/*
 * A shard with no point (more shards than points) still leaves a store, with
 * no run, so the merge step of a job array finds every shard's file.
 */
static int write_empty_store(const char *db, unsigned long shard_index, size_t nr_all)
{
#if defined(BUDDYSCOPE_HAVE_VIZ)
	struct bs_error verr = { .text = "" };
	struct viz_store *s = viz_store_open(db, VIZ_STORE_CREATE, &verr);

	if (!s || viz_store_close(s))
		return cli_fail("sweep", db, errno, verr.text);
	fprintf(stderr, "buddyscope sweep: shard %lu has no point (the grid has %zu): %s holds "
		"no run\n", shard_index, nr_all, db);
#else
	(void)db, (void)shard_index, (void)nr_all;
#endif
	return 0;
}

/* A finished point: merge its store into @db. */
static int collect_point(const char *db, struct point *p)
{
	int ret = 0;

	if (p->status != 0)
		goto out;
#if defined(BUDDYSCOPE_HAVE_VIZ)
	{
		struct bs_error verr = { .text = "" };
		struct viz_store *s = viz_store_open(db, VIZ_STORE_CREATE, &verr);
		size_t copied = 0;

		if (!s || viz_store_merge(s, p->tmp_db, &copied, &verr)) {
			cli_error("sweep", "merging point '%s' into %s: %s",
				p->settings, db, verr.text[0] ? verr.text
					  : s ? viz_store_error(s) : strerror(errno));
			p->status = 1;
			ret = -1;
		}
		p->stored_before = !ret && !copied;
		if (s && viz_store_close(s)) {
			p->status = 1;
			ret = -1;
		}
	}
#else
	(void)db;
#endif
out:
	remove_tmp(p);
	return ret;
}

/*
 * One decoding pass of the trace for @n points (replay_cli_run_many()), on
 * @jobs threads; each point's store is merged into @db once the pass ends.
 */
static void run_pass(const char *trace, const char *db, struct point *pts, size_t n,
		     const struct replay_settings *base, uint64_t interval_ns, unsigned int jobs,
		     bool json)
{
	struct replay_cli_run *runs = calloc(n, sizeof(*runs));
	struct replay_result *res = calloc(n, sizeof(*res));
	int *st = calloc(n, sizeof(*st));
	size_t *idx = calloc(n, sizeof(*idx)), k = 0;
	json_error_t jerr;

	if (!runs || !res || !st || !idx) {
		cli_error("sweep", "%s", strerror(ENOMEM));
		for (size_t i = 0; i < n; i++)
			pts[i].status = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pts[i].status = point_run_init(&runs[k], trace, &pts[i], base, interval_ns);
		if (!pts[i].status)
			idx[k++] = i;
	}
	replay_cli_run_many(runs, k, jobs, res, st);
	for (size_t u = 0; u < k; u++) {
		struct point *p = &pts[idx[u]];

		p->status = st[u];
		if (!p->status && res[u].summary_json)
			p->summary = json_loads(res[u].summary_json, 0, &jerr);
		replay_result_release(&res[u]);
		collect_point(db, p);
		if (!json)
			fprintf(stderr, "buddyscope sweep: point %zu (%s): %s\n", p->index,
				p->settings, p->status ? "failed" : p->stored_before ?
				"done, already in the store (a complete run of the same settings): "
				"not added again" : "done");
	}
out:
	free(idx);
	free(st);
	free(res);
	free(runs);
}

static const struct option sweep_longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "grid", required_argument, NULL, 'g' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "shard", required_argument, NULL, 's' },
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'J' },
	{ "sample-interval-ms", required_argument, NULL, 'i' },
	{ "points-per-pass", required_argument, NULL, 'P' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line of one sweep. */
struct sweep_args {
	const char *db, *grid, *config, *trace;
	unsigned long jobs, per_pass;
	struct sweep_shard shard;
	uint64_t interval_ns;	/* 0 = replay's default, UINT64_MAX = checkpoints only */
	bool json;
};

/* -1 to go on, else the exit status. */
static int sweep_parse_options(struct sweep_args *a, int argc, char **argv)
{
	char shard_msg[400];
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", sweep_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'g':
			a->grid = optarg;
			break;
		case 'j':
			if (parse_count("jobs", optarg, &a->jobs))
				return 2;
			break;
		case 'P':
			if (parse_count("points-per-pass", optarg, &a->per_pass))
				return 2;
			break;
		case 's':
			if (sweep_shard_parse(optarg, &a->shard, shard_msg, sizeof(shard_msg))) {
				return cli_usage_error("sweep", "%s", shard_msg);
			}
			break;
		case 'c':
			a->config = optarg;
			break;
		case 'J':
			a->json = true;
			break;
		case 'i': {
			unsigned long long ms = strtoull(optarg, &end, 10);

			if (end == optarg || *end || optarg[0] == '-') {
				return cli_usage_error("sweep", "--sample-interval-ms '%s' is "
					             "not a number", optarg);
			}
			a->interval_ns = ms ? ms * 1000000ull : UINT64_MAX;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			cli_error("sweep", "unknown option or missing value: "
				"'%s'", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !a->db || !a->grid) {
		cli_error("sweep", "%s",
			optind != argc - 1 ? "give exactly one TRACE"
			: !a->db ? "--db RUNS.db is required" : "--grid is required");
		usage(stderr);
		return 2;
	}
	a->trace = argv[optind];
	if (access(a->trace, R_OK)) {
		return cli_error("sweep", "%s: %s", a->trace, strerror(errno));
	}
	return -1;
}

/* This shard's points of the grid's @nr_all into @pts; returns how many. */
static size_t sweep_points(const struct sweep_args *a, char **all, size_t nr_all,
			   struct point *pts)
{
	size_t nr = 0;

	for (size_t i = a->shard.index; i < nr_all; i += a->shard.count) {
		struct point *p = &pts[nr++];

		p->settings = all[i];
		p->index = i;
		p->grid = a->grid;
		p->status = -1;
		snprintf(p->tmp_db, sizeof(p->tmp_db), "%s.sweep-%ld-%zu.tmp", a->db,
			 (long)getpid(), i);
		snprintf(p->tmp_json, sizeof(p->tmp_json), "%s.sweep-%ld-%zu.json", a->db,
			 (long)getpid(), i);
	}
	return nr;
}

/* Replays the @nr points a pass at a time and prints the table: 0, or 1 if one failed. */
static int sweep_run(const struct sweep_args *a, const struct replay_settings *base,
		     struct point *pts, size_t nr, size_t nr_all)
{
	const char *db = a->db;
	int status = 0;

#if defined(BUDDYSCOPE_HAVE_VIZ)
	adopt_stranded(db);
#endif
	if (!a->json)
		fprintf(stderr, "buddyscope sweep: %zu of %zu points (shard %lu/%lu%s%s), %lu at a "
			"time\n", nr, nr_all, a->shard.index, a->shard.count,
			a->shard.source[0] ? ", from " : "", a->shard.source, a->jobs);
	if (!nr && (status = write_empty_store(db, a->shard.index, nr_all)))
		return status;
	fflush(stdout);
	fflush(stderr);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (size_t g = 0; g < nr && !sweep_stop; g += a->per_pass)
		run_pass(a->trace, db, &pts[g], nr - g < a->per_pass ? nr - g : a->per_pass, base,
			 a->interval_ns, (unsigned int)a->jobs, a->json);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	for (size_t i = 0; i < nr; i++)
		if (pts[i].status)
			status = 1;
	if (sweep_stop)
		fprintf(stderr, "buddyscope sweep: interrupted: points not started are marked failed\n");
	print_table(pts, nr, a->json);
	return status;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a = {
		.jobs = 1,
		.per_pass = SWEEP_POINTS_PER_PASS,
		.shard = { .index = 0, .count = 1, .source = "" },
	};
	struct replay_settings base;
	struct bs_error err;
	char **all = NULL;
	size_t nr_all = 0, nr = 0;
	struct point *pts = NULL;
	int c, status;

	replay_settings_init(&base);
	status = sweep_parse_options(&a, argc, argv);
	if (status >= 0)
		return status;
	if (a.config && (c = replay_settings_load_json(&base, a.config, &err))) {
		cli_fail("sweep", a.config, c, err.text);
		return 2;
	}
	if (replay_grid_parse(a.grid, &all, &nr_all, &err)) {
		return cli_usage_error("sweep", "%s", err.text);
	}
	pts = calloc(nr_all, sizeof(*pts));
	if (!pts) {
		status = 1;
		goto out;
	}
	nr = sweep_points(&a, all, nr_all, pts);
	status = sweep_run(&a, &base, pts, nr, nr_all);
out:
	for (size_t i = 0; i < nr; i++)
		json_decref(pts[i].summary);
	for (size_t i = 0; i < nr_all; i++)
		free(all[i]);
	free(all);
	free(pts);
	return status;
}
