// SPDX-License-Identifier: MIT
/*
 * buddyscope report: render the runs of a store (heatmaps, memory maps,
 * indices, fidelity, attribution, one comparison) to PNG/SVG with an
 * index.html, and index every file in the store's reports table.
 */
#include <errno.h>
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

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
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
	struct viz_report_opts ro = { 0 };
	struct viz_report_result res = { 0 };
	struct bs_error err = { .text = "" };
	struct viz_store *s = NULL;
	const char *db = NULL;
	int64_t *ids = NULL, *at = NULL;
	size_t nr_ids = 0, nr_at = 0;
	int c, ret = 2, have_to = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		char *end, *p;

		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			ro.out_dir = optarg;
			break;
		case 'r':
			for (p = optarg; *p; p = *end ? end + 1 : end) {
				int64_t *n, id = parse_id(p, &end);

				if (!id || (*end && *end != ',')) {
					cli_error("report", "--run '%s' is not a run id", optarg);
					goto cleanup;
				}
				n = realloc(ids, (nr_ids + 1) * sizeof(*ids));
				if (!n) {
					ret = 1;
					goto cleanup;
				}
				ids = n;
				ids[nr_ids++] = id;
			}
			break;
		case 'f':
			if (!parse_formats(optarg, &ro.formats)) {
				cli_error("report", "--format '%s': use png, "
						"svg or png,svg", optarg);
				goto cleanup;
			}
			break;
		case 'c': {
			char *end2;

			ro.compare_base = parse_id(optarg, &end);
			ro.compare_other = *end == ':' ? parse_id(end + 1, &end2) : 0;
			if (!ro.compare_base || !ro.compare_other || *end2) {
				cli_error("report", "--compare '%s': expected "
						"BASE_ID:OTHER_ID", optarg);
				goto cleanup;
			}
			break;
		}
		case 'F':
		case 'T': {
			int64_t ns = parse_seconds(optarg, &end);

			if (ns < 0 || *end) {
				cli_error("report", "--%s '%s': expected "
						"seconds of trace time (0 or more)",
					c == 'F' ? "from" : "to", optarg);
				goto cleanup;
			}
			if (c == 'F')
				ro.from_ns = ns;
			else
				ro.to_ns = ns;
			have_to |= c == 'T';
			break;
		}
		case 'a':
			if (parse_at(optarg, &at, &nr_at)) {
				cli_error("report", "--at '%s': expected "
						"seconds of trace time, comma-separated", optarg);
				goto cleanup;
			}
			break;
		case 'h':
			report_usage(stdout);
			ret = 0;
			goto cleanup;
		default:
			report_usage(stderr);
			goto cleanup;
		}
	}
	if (!db || !ro.out_dir || optind != argc) {
		report_usage(stderr);
		goto cleanup;
	}
	if (have_to && ro.to_ns <= ro.from_ns) {
		cli_error("report", "--to must be later than --from (%.3f s)", ro.from_ns / 1e9);
		goto cleanup;
	}
	ro.at_ns = at;
	ro.nr_at = nr_at;
	ret = 1;
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
	ro.run_ids = ids;
	ro.nr_runs = nr_ids;
	if (nr_ids)
		fprintf(stderr, "buddyscope report: rendering %zu run%s%s from %s\n", nr_ids,
			nr_ids == 1 ? "" : "s", ro.compare_base ? " and a comparison" : "", db);
	else
		fprintf(stderr, "buddyscope report: rendering every run%s from %s\n",
			ro.compare_base ? " and a comparison" : "", db);
	int rc = viz_report_write(s, &ro, &res, &err);
	if (rc) {
		cli_fail("report", db, rc, err.text[0] ? err.text : viz_store_error(s));
		goto cleanup;
	}
	fprintf(stderr, "buddyscope report: wrote %zu files (%zu figures) to %s\n"
			"open %s/index.html in a browser\n",
		res.nr_files, res.nr_figures, ro.out_dir, ro.out_dir);
	ret = 0;
cleanup:
	viz_report_result_release(&res);
	if (s) {
		int rc = viz_store_close(s);

		if (rc && !ret)
			ret = cli_fail("report", db, rc, NULL);
	}
	free(ids);
	free(at);
	return ret;
}
#else
int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "buddyscope report: built without viz support (cairo, sqlite3)\n");
	return 2;
}
#endif
