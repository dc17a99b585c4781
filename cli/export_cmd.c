// SPDX-License-Identifier: MIT
/*
 * buddyscope export: a run's series and metrics as long-form CSV, JSON, a
 * Perfetto (Chrome JSON) trace or OpenMetrics text (viz/SCHEMA.md), to a
 * file or standard output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "outfile.h"

#ifdef BUDDYSCOPE_HAVE_VIZ
#include "viz.h"

static void export_usage(FILE *f)
{
	fprintf(f, "usage: buddyscope export --db RUNS.db [--run ID] --format FORMAT [-o FILE]\n"
		   "  --db FILE          the run store\n"
		   "  --run ID           one run (default: every run)\n"
		   "  --format FORMAT    csv: one row per time x zone x order x migratetype;\n"
		   "                     json: every table of the run;\n"
		   "                     perfetto: a JSON trace for ui.perfetto.dev and\n"
		   "                     chrome://tracing (counters per zone, instants);\n"
		   "                     openmetrics: OpenMetrics text (Prometheus), like\n"
		   "                     node_exporter's buddyinfo, every sample timestamped\n"
		   "  -o, --output FILE  write here instead of standard output\n");
}

static const char *const format_names[] = {
	[VIZ_EXPORT_CSV] = "csv",
	[VIZ_EXPORT_JSON] = "json",
	[VIZ_EXPORT_PERFETTO] = "perfetto",
	[VIZ_EXPORT_OPENMETRICS] = "openmetrics",
};

/* What each format's count is of, for the closing message. */
static const char *const format_units[] = {
	[VIZ_EXPORT_CSV] = "rows",
	[VIZ_EXPORT_JSON] = "samples",
	[VIZ_EXPORT_PERFETTO] = "trace events",
	[VIZ_EXPORT_OPENMETRICS] = "metric points",
};

static int parse_format(const char *name, enum viz_export_format *fmt)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(name, format_names[i])) {
			*fmt = (enum viz_export_format)i;
			return 0;
		}
	return -EINVAL;
}

static const struct option export_longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "run", required_argument, NULL, 'r' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "out", required_argument, NULL, 'o' }, /* the old spelling, kept */
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line of one export. */
struct export_args {
	const char *db, *out;	/* out NULL: standard output */
	enum viz_export_format fmt;
	int64_t run_id;		/* 0: every run */
};

/* -1 to go on, else the exit status. */
static int export_parse_options(struct export_args *a, int argc, char **argv)
{
	int have_fmt = 0, c;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", export_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'r':
			errno = 0;
			a->run_id = strtoll(optarg, &end, 10);
			if (errno || *end || a->run_id <= 0) {
				return cli_usage_error("export", "--run '%s' is not a run "
						             "id", optarg);
			}
			break;
		case 'f':
			have_fmt = 1;
			if (parse_format(optarg, &a->fmt)) {
				return cli_usage_error("export", "--format '%s': use csv, json, "
						             "perfetto or openmetrics", optarg);
			}
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'h':
		default:
			return cli_help_or_usage(c, export_usage);
		}
	}
	if (!a->db || !have_fmt || optind != argc) {
		export_usage(stderr);
		return 2;
	}
	return -1;
}

/* Writes the export to -o's file or standard output: 0 or 1. */
static int export_write(const struct export_args *a)
{
	const char *db = a->db, *out = a->out;
	struct bs_error err = { .text = "" };
	struct viz_store *s = NULL;
	struct outfile of = OUTFILE_INIT;
	uint64_t rows = 0;
	FILE *f = NULL;
	int ret = 1;

	s = viz_store_open(db, VIZ_STORE_READONLY, &err);
	if (!s) {
		cli_fail("export", db, errno, err.text);
		goto cleanup;
	}
	/* A file appears only when complete: written under a temporary name, renamed. */
	if (out) {
		int rc = outfile_open(&of, out, 0, 0666);

		f = rc ? NULL : outfile_stream(&of);
		if (!f) {
			cli_fail("export", outfile_name(&of), rc ? rc : -errno, NULL);
			goto cleanup;
		}
	} else {
		f = stdout;
	}
	int rc = viz_export_write(s, a->run_id, a->fmt, f, &rows, &err);
	if (rc || (out && of.error)) {
		/* A write error is the output's, whatever the library said about it. */
		if (out && of.error)
			cli_fail("export", out, of.error, NULL);
		else if (!out && ferror(stdout))
			cli_fail("export", "standard output", rc, NULL);
		else
			cli_fail("export", db, rc, err.text[0] ? err.text : viz_store_error(s));
		goto cleanup;
	}
	rc = out ? outfile_commit(&of) : fflush(stdout) ? -errno : 0;
	f = NULL;
	if (rc) {
		cli_fail("export", out ? out : "standard output", rc, NULL);
		goto cleanup;
	}
	if (out)
		fprintf(stderr, "buddyscope export: wrote %llu %s to %s\n",
			(unsigned long long)rows, format_units[a->fmt], out);
	ret = 0;
cleanup:
	outfile_discard(&of);
	viz_store_close(s);
	return ret;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = { .fmt = VIZ_EXPORT_CSV };
	int ret = export_parse_options(&a, argc, argv);

	return ret >= 0 ? ret : export_write(&a);
}
#else
CLI_COMMAND_BUILT_WITHOUT(export, "viz support (cairo, sqlite3)")
#endif
