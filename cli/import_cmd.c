/* SPDX-License-Identifier: MIT */
/*
 * buddyscope import: turn the text other tools print — ftrace (tracefs
 * trace / trace_pipe, trace-cmd report) or `perf script` — into a .bst
 * trace. The header blob says where the events came from; with --sysinfo it
 * also carries the host and zones read from saved copies of the /proc and
 * /sys files (capture/sysinfo), as a captured trace does. Accepted layouts:
 * traces/IMPORT.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "commands.h"
#include "tracefmt.h"
#ifdef BUDDYSCOPE_HAVE_SYSINFO
#include "sysinfo.h"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope import --from ftrace|perf-script IN -o OUT.bst [options]\n"
		"\n"
		"Convert a text trace of the kmem page tracepoints into a .bst trace.\n"
		"IN is a file (plain, gzip or zstd: recognised by its first bytes) or '-'\n"
		"for stdin. Accepted layouts: traces/IMPORT.md.\n"
		"\n"
		"  --from FORMAT     ftrace (tracefs trace/trace_pipe, trace-cmd report)\n"
		"                    or perf-script (`perf script` default output)\n"
		"  -o, --output OUT  the .bst file to write (replaced)\n"
		"  --sysinfo DIR     add host and zones from saved copies of /proc and /sys\n"
		"                    laid out as on the host: DIR/proc/zoneinfo, ...\n"
		"  --max-bad N       succeed with up to N unparseable kmem lines (default 0)\n"
		"  -h, --help\n"
		"\n"
		"Exit status: 0 done, 1 bad input or failure, 2 usage.\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The header object: what import knows, plus the host with --sysinfo. */
static char *header_create(const char *source, const char *in_path, const char *sysinfo_dir,
			   size_t *len, struct tracefmt_error *err)
{
	json_t *hdr = NULL;
	char tool[64];

	snprintf(tool, sizeof(tool), "buddyscope %s", BUDDYSCOPE_VERSION);
	if (sysinfo_dir) {
#ifdef BUDDYSCOPE_HAVE_SYSINFO
		struct sysinfo_header_opts o = { .root = sysinfo_dir, .source = source };
		hdr = sysinfo_header_build(&o, err);
		if (!hdr)
			return NULL;
		/* The files are a copy: when they were read is not when the trace ran. */
		json_object_del(hdr, "start_time_unix_ns");
#else
		(void)err;
		return NULL;
#endif
	} else {
		hdr = json_object();
		if (!hdr)
			return NULL;
		json_object_set_new(hdr, "format", json_string("buddyscope-trace"));
		json_object_set_new(hdr, "tool", json_string(tool));
		json_object_set_new(hdr, "source", json_string(source));
	}
	json_object_set_new(hdr, "input", json_string(in_path));
	json_object_set_new(hdr, "clock", json_string("text"));
	json_object_set_new(hdr, "sysinfo_dir", sysinfo_dir ? json_string(sysinfo_dir) : json_null());
	char *text = json_dumps(hdr, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(hdr);
	if (text)
		*len = strlen(text);
	return text;
}

static void print_summary(const char *in_path, const char *out_path,
			  const struct tracefmt_import_stats *st, double secs)
{
	fprintf(stderr, "buddyscope import: %s: %" PRIu64 " lines in %.2f s (%.0f lines/s)\n",
		in_path, st->lines, secs, secs > 0 ? (double)st->lines / secs : 0.0);
	fprintf(stderr, "  records  %" PRIu64 "\n", st->events);
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		fprintf(stderr, "    %-26s %" PRIu64 "\n", tracefmt_type_name(t), st->by_type[t]);
	fprintf(stderr, "  lost     %" PRIu64 " events in %" PRIu64 " lost-event records\n",
		st->lost_events, st->by_type[TRACEFMT_LOST]);
	fprintf(stderr, "  ignored  %" PRIu64 " lines (comments, headers, other events)\n",
		st->ignored_lines);
	fprintf(stderr, "  bad      %" PRIu64 " kmem page lines", st->bad_lines);
	size_t shown = sizeof(st->bad_line_numbers) / sizeof(st->bad_line_numbers[0]);
	if (st->bad_lines) {
		fprintf(stderr, " (first at line");
		for (size_t i = 0; i < shown && i < st->bad_lines; i++)
			fprintf(stderr, "%s %" PRIu64, i ? "," : "", st->bad_line_numbers[i]);
		fprintf(stderr, ")");
	}
	fprintf(stderr, "\n");
	struct stat sb;
	if (out_path && stat(out_path, &sb) == 0)
		fprintf(stderr, "  wrote    %s: %lld bytes (%.2f bytes per record)\n", out_path,
			(long long)sb.st_size,
			st->events ? (double)sb.st_size / (double)st->events : 0.0);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "sysinfo", required_argument, NULL, 's' },
		{ "max-bad", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *out_path = NULL, *sysinfo_dir = NULL, *source;
	enum tracefmt_import_format fmt;
	unsigned long long max_bad = 0;
	char *header = NULL, *end;
	size_t header_len = 0;
	int c, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 's':
			sysinfo_dir = optarg;
			break;
		case 'b':
			errno = 0;
			max_bad = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-') {
				fprintf(stderr, "buddyscope import: error: --max-bad wants a count, "
						"not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!from || !out_path || optind != argc - 1) {
		fprintf(stderr, "buddyscope import: error: %s\n",
			!from ? "--from is required" :
			!out_path ? "-o OUT.bst is required" : "expected exactly one input (or -)");
		usage(stderr);
		return 2;
	}
	if (!strcmp(from, "ftrace")) {
		fmt = TRACEFMT_IMPORT_FTRACE;
		source = "import-ftrace";
	} else if (!strcmp(from, "perf-script") || !strcmp(from, "perf")) {
		fmt = TRACEFMT_IMPORT_PERF_SCRIPT;
		source = "import-perf-script";
	} else {
		fprintf(stderr, "buddyscope import: error: --from wants ftrace or perf-script, "
				"not '%s'\n", from);
		return 2;
	}
#ifndef BUDDYSCOPE_HAVE_SYSINFO
	if (sysinfo_dir) {
		fprintf(stderr, "buddyscope import: error: --sysinfo: built without the sysinfo "
				"library (capture/sysinfo.c)\n");
		return 2;
	}
#endif
	const char *in_path = argv[optind];
	struct tracefmt_error err = { 0 };
	struct tracefmt_import_stats st;
	struct stat in_st, out_st;

	if (!strcmp(out_path, "-")) {
		fprintf(stderr, "buddyscope import: error: -o wants a file: the .bst cannot "
				"go to stdout\n");
		return 2;
	}
	/* The writer truncates its file first: never let that be the input. */
	if (strcmp(in_path, "-") && stat(in_path, &in_st) == 0 && stat(out_path, &out_st) == 0 &&
	    in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
		fprintf(stderr, "buddyscope import: error: %s: the output is the input file\n",
			out_path);
		return 1;
	}

	header = header_create(source, in_path, sysinfo_dir, &header_len, &err);
	if (!header) {
		fprintf(stderr, "buddyscope import: error: %s\n",
			err.text[0] ? err.text : "cannot build the trace header");
		goto cleanup;
	}
	double t0 = now_s();
	int rc = tracefmt_import(fmt, in_path, out_path, header, header_len, &st, &err);
	double secs = now_s() - t0;
	if (rc < 0) {
		if (st.lines)
			fprintf(stderr, "buddyscope import: error: %s (after %" PRIu64
					" lines; %s not written)\n", err.text, st.lines, out_path);
		else
			fprintf(stderr, "buddyscope import: error: %s\n", err.text);
		goto cleanup;
	}
	/* Nothing read at all: not a trace worth keeping. */
	if (st.events == 0)
		remove(out_path);
	print_summary(in_path, st.events ? out_path : NULL, &st, secs);
	size_t shown = sizeof(st.bad_line_numbers) / sizeof(st.bad_line_numbers[0]);
	for (size_t i = 0; i < shown && i < st.bad_lines; i++)
		fprintf(stderr, "buddyscope import: %s:%" PRIu64 ": bad kmem page line: %s\n",
			in_path, st.bad_line_numbers[i], st.bad_line_reasons[i]);
	if (st.events == 0) {
		fprintf(stderr, "buddyscope import: error: %s: no kmem page event or lost-event "
				"line read from %" PRIu64 " lines (is this %s text?); no output\n",
			in_path, st.lines, from);
		goto cleanup;
	}
	if (st.bad_lines > max_bad) {
		fprintf(stderr, "buddyscope import: error: %s: %" PRIu64 " kmem page lines could "
				"not be parsed (allowed: %llu); %s holds the other records\n",
			in_path, st.bad_lines, max_bad, out_path);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(header);
	return ret;
}
