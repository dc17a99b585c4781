// SPDX-License-Identifier: MIT
/*
 * buddyscope report: render the runs of a store (heatmaps, memory maps,
 * indices, fidelity, attribution, one comparison) to PNG/SVG with an
 * index.html, and index every file in the store's reports table.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#ifdef BUDDYSCOPE_HAVE_VIZ
#include "viz.h"

static void report_usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope report --db RUNS.db -o DIR [--run ID ...] [--format png,svg]\n"
		"                         [--compare BASE_ID:OTHER_ID] [--from S] [--to S]\n"
		"                         [--at S[,S...]]\n"
		"  --db FILE        the run store to read (its reports table is updated)\n"
		"  -o, --output DIR where the images and index.html go (created if missing)\n"
		"  --run ID         render this run (repeat or comma-separate); default: all\n"
		"  --format LIST    png, svg or png,svg (default png)\n"
		"  --compare A:B    also draw run B against base run A\n"
		"  --from S, --to S a time window in seconds of trace time: every figure,\n"
		"                   verdict and memory map covers only that window\n"
		"  --at S,S...      also show the memory maps nearest these times (at or\n"
		"                   before each; replay stores maps at a few times only)\n");
}

/* Parse a positive run id; 0 when the text is not one. */
static int64_t parse_id(const char *t, char **end)
{
	long long v;

	errno = 0;
	v = strtoll(t, end, 10);
	if (errno || *end == t || v <= 0)
		return 0;
	return v;
}

/* Seconds of trace time ("1.5") to ns; -1 when the text is not one. */
static int64_t parse_seconds(const char *t, char **end)
{
	double v;

	errno = 0;
	v = strtod(t, end);
	if (errno || *end == t || !(v >= 0) || v > 9e9)
		return -1;
	return (int64_t)(v * 1e9 + 0.5);
}

static int parse_at(const char *t, int64_t **at, size_t *n)
{
	char *end;

	for (const char *p = t; *p; p = *end ? end + 1 : end) {
		int64_t *na, ns = parse_seconds(p, &end);

		if (ns < 0 || (*end && *end != ','))
			return -EINVAL;
		na = realloc(*at, (*n + 1) * sizeof(**at));
		if (!na)
			return -ENOMEM;
		*at = na;
		(*at)[(*n)++] = ns;
	}
	return *n ? 0 : -EINVAL;
}

static int parse_formats(const char *t, int *formats)
{
	char *copy = strdup(t), *save = NULL;
	int ok = 1;

	if (!copy)
		return 0;
	*formats = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "png"))
			*formats |= VIZ_FORMAT_PNG;
		else if (!strcmp(tok, "svg"))
			*formats |= VIZ_FORMAT_SVG;
		else
			ok = 0;
	}
	free(copy);
	return ok && *formats;
}

static const struct option report_longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "out", required_argument, NULL, 'o' }, /* the old spelling, kept */
	{ "run", required_argument, NULL, 'r' },
	{ "format", required_argument, NULL, 'f' },
	{ "compare", required_argument, NULL, 'c' },
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'T' },
	{ "at", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line of one report; ids and at are owned here. */
struct report_args {
	const char *db;
	struct viz_report_opts ro;
	int64_t *ids, *at;
	size_t nr_ids, nr_at;
	bool have_to;
};

/* --run ID[,ID...], appended to @a's ids. -1 to go on, else the exit status. */
static int report_add_runs(struct report_args *a, const char *arg)
{
	char *end;

	for (const char *p = arg; *p; p = *end ? end + 1 : end) {
		int64_t *n, id = parse_id(p, &end);

		if (!id || (*end && *end != ',')) {
			cli_error("report", "--run '%s' is not a run id", arg);
			return 2;
		}
		n = realloc(a->ids, (a->nr_ids + 1) * sizeof(*a->ids));
		if (!n)
			return 1;
		a->ids = n;
		a->ids[a->nr_ids++] = id;
	}
	return -1;
}

/* --compare BASE_ID:OTHER_ID, --from S and --to S. -1 to go on, else 2. */
static int report_parse_range(struct report_args *a, int c, const char *arg)
{
	char *end, *end2;

	if (c == 'c') {
		a->ro.compare_base = parse_id(arg, &end);
		a->ro.compare_other = *end == ':' ? parse_id(end + 1, &end2) : 0;
		if (!a->ro.compare_base || !a->ro.compare_other || *end2) {
			cli_error("report", "--compare '%s': expected "
					"BASE_ID:OTHER_ID", arg);
			return 2;
		}
		return -1;
	}
	int64_t ns = parse_seconds(arg, &end);

	if (ns < 0 || *end) {
		cli_error("report", "--%s '%s': expected "
				"seconds of trace time (0 or more)",
			c == 'F' ? "from" : "to", arg);
		return 2;
	}
	if (c == 'F')
		a->ro.from_ns = ns;
	else
		a->ro.to_ns = ns;
	a->have_to |= c == 'T';
	return -1;
}

/* -1 to go on, else the exit status. */
static int report_parse_options(struct report_args *a, int argc, char **argv)
{
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", report_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'o':
			a->ro.out_dir = optarg;
			break;
		case 'r':
			if ((ret = report_add_runs(a, optarg)) >= 0)
				return ret;
			break;
		case 'f':
			if (!parse_formats(optarg, &a->ro.formats)) {
				cli_error("report", "--format '%s': use png, "
						"svg or png,svg", optarg);
				return 2;
			}
			break;
		case 'c':
		case 'F':
		case 'T':
			if ((ret = report_parse_range(a, c, optarg)) >= 0)
				return ret;
			break;
		case 'a':
			if (parse_at(optarg, &a->at, &a->nr_at)) {
				cli_error("report", "--at '%s': expected "
						"seconds of trace time, comma-separated", optarg);
				return 2;
			}
			break;
		case 'h':
		default:
			return cli_help_or_usage(c, report_usage);
		}
	}
	if (!a->db || !a->ro.out_dir || optind != argc) {
		report_usage(stderr);
		return 2;
	}
	if (a->have_to && a->ro.to_ns <= a->ro.from_ns) {
		cli_error("report", "--to must be later than --from (%.3f s)", a->ro.from_ns / 1e9);
		return 2;
	}
	a->ro.at_ns = a->at;
	a->ro.nr_at = a->nr_at;
	return -1;
}

/* Opens the store (read-only if it must), renders and records the files: 0 or 1. */
static int report_render(struct report_args *a)
{
	struct viz_report_opts *ro = &a->ro;
	struct viz_report_result res = { 0 };
	struct bs_error err = { .text = "" };
	struct viz_store *s;
	const char *db = a->db;
	int ret = 1;

	s = viz_store_open(db, 0, &err);
	if (!s && (errno == EROFS || errno == EACCES)) {
		/* A store we may not write: render all the same, record the files nowhere. */
		fprintf(stderr, "buddyscope report: note: %s; the files are rendered but not "
				"recorded in its reports table\n", err.text);
		err.text[0] = '\0';
		s = viz_store_open(db, VIZ_STORE_READONLY, &err);
	}
	if (!s) {
		cli_fail("report", db, errno, err.text);
		goto cleanup;
	}
	ro->run_ids = a->ids;
	ro->nr_runs = a->nr_ids;
	if (a->nr_ids)
		fprintf(stderr, "buddyscope report: rendering %zu run%s%s from %s\n", a->nr_ids,
			a->nr_ids == 1 ? "" : "s", ro->compare_base ? " and a comparison" : "", db);
	else
		fprintf(stderr, "buddyscope report: rendering every run%s from %s\n",
			ro->compare_base ? " and a comparison" : "", db);
	int rc = viz_report_write(s, ro, &res, &err);
	if (rc) {
		cli_fail("report", db, rc, err.text[0] ? err.text : viz_store_error(s));
		goto cleanup;
	}
	fprintf(stderr, "buddyscope report: wrote %zu files (%zu figures) to %s\n"
			"open %s/index.html in a browser\n",
		res.nr_files, res.nr_figures, ro->out_dir, ro->out_dir);
	ret = 0;
cleanup:
	viz_report_result_release(&res);
	if (s) {
		int rc = viz_store_close(s);

		if (rc && !ret)
			ret = cli_fail("report", db, rc, NULL);
	}
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	int ret;

	ret = report_parse_options(&a, argc, argv);
	if (ret < 0)
		ret = report_render(&a);
	free(a.ids);
	free(a.at);
	return ret;
}
#else
CLI_COMMAND_BUILT_WITHOUT(report, "viz support (cairo, sqlite3)")
#endif
