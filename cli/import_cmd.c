/* SPDX-License-Identifier: MIT */
/*
 * buddyscope import: turn the text other tools print — ftrace (tracefs
 * trace / trace_pipe, trace-cmd report) or `perf script` — into a .bst
 * trace. The header blob says where the events came from; with --sysinfo it
 * also carries the host and zones read from saved copies of the /proc and
 * /sys files (capture/sysinfo), as a captured trace does, and the free
 * counts of those copies become checkpoint records at the start (and, with
 * --sysinfo-end, at the end) so a replay has ground truth to compare with.
 * Accepted layouts: traces/IMPORT.md.
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
		"  -o, --output OUT  the .bst file to write; replaced only when the import\n"
		"                    succeeds (written under a temporary name, renamed)\n"
		"  --sysinfo DIR     add host and zones from saved copies of /proc and /sys\n"
		"                    laid out as on the host: DIR/proc/zoneinfo, ...; their\n"
		"                    free counts become checkpoints at the first event\n"
		"  --sysinfo-end DIR2  the same files saved when the trace ended: checkpoints\n"
		"                    at the last event (needs --sysinfo; never guessed)\n"
		"  --max-bad N       succeed with up to N unparseable kmem lines (default 0)\n"
		"  -q, --quiet       no progress lines (the final summary stays)\n"
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
			   const char *sysinfo_end_dir, size_t *len, struct tracefmt_error *err)
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
	json_object_set_new(hdr, "sysinfo_end_dir",
			    sysinfo_end_dir ? json_string(sysinfo_end_dir) : json_null());
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
	fprintf(stderr, "  records  %" PRIu64 "\n", st->records);
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		fprintf(stderr, "    %-26s %" PRIu64 "\n", tracefmt_type_name(t), st->by_type[t]);
	fprintf(stderr, "    %-26s %" PRIu64 " (pid -> command name", "comm",
		st->by_type[TRACEFMT_COMM]);
	if (st->comm_evictions)
		fprintf(stderr, "; %" PRIu64 " pids left the full pid table", st->comm_evictions);
	fprintf(stderr, ")\n");
	fprintf(stderr, "    %-26s %" PRIu64 "\n", "checkpoint", st->by_type[TRACEFMT_CHECKPOINT]);
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
			st->records ? (double)sb.st_size / (double)st->records : 0.0);
}

/* Progress on stderr: only past the first second, at most once a second. */
struct progress {
	const char *in_path;
	double t0, last;
};

static void progress_print(void *ctx, const struct tracefmt_import_stats *st)
{
	struct progress *p = ctx;
	double now = now_s();

	if (now - p->t0 < 1.0 || now - p->last < 1.0)
		return;
	p->last = now;
	fprintf(stderr, "buddyscope import: %s: %" PRIu64 " lines, %.0f lines/s, %" PRIu64
			" records\n", p->in_path, st->lines, (double)st->lines / (now - p->t0),
		st->records);
}

/*
 * The end state is never guessed (a directory that merely looks right may
 * be from another run), but a user who has DIR-end next to DIR is told.
 */
static void end_dir_hint(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	struct stat sb;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (snprintf(path, sizeof(path), "%.*s-end", (int)n, dir) >= (int)sizeof(path))
		return;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		fprintf(stderr, "buddyscope import: note: %s exists; add --sysinfo-end %s for "
				"checkpoints at the end\n", path, path);
}

#define MAX_CKPT_ZONES 64

/* One reading of @dir as checkpoint records (seq @seq) into a new array. */
static struct tracefmt_event *checkpoints_read(const char *dir, uint32_t seq, size_t *nr)
{
	struct tracefmt_error err = { 0 };
	struct tracefmt_event *ev = calloc(MAX_CKPT_ZONES, sizeof(*ev));

	*nr = 0;
	if (!ev) {
		fprintf(stderr, "buddyscope import: error: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
#ifdef BUDDYSCOPE_HAVE_SYSINFO
	int rc = sysinfo_checkpoint_read(dir, seq, 0, ev, MAX_CKPT_ZONES, nr, &err);
#else
	(void)seq;
	int rc = -ENOTSUP;
	snprintf(err.text, sizeof(err.text), "built without the sysinfo library");
#endif
	if (rc < 0) {
		fprintf(stderr, "buddyscope import: error: %s: checkpoints: %s\n", dir,
			err.text[0] ? err.text : strerror(-rc));
		free(ev);
		return NULL;
	}
	return ev;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "sysinfo", required_argument, NULL, 's' },
		{ "sysinfo-end", required_argument, NULL, 'e' },
		{ "max-bad", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *out_path = NULL, *sysinfo_dir = NULL, *sysinfo_end_dir = NULL;
	const char *source;
	struct tracefmt_event *ckpt_first = NULL, *ckpt_last = NULL;
	bool quiet = false;
	enum tracefmt_import_format fmt;
	unsigned long long max_bad = 0;
	char *header = NULL, *end;
	size_t header_len = 0;
	int c, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
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
		case 'e':
			sysinfo_end_dir = optarg;
			break;
		case 'q':
			quiet = true;
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
	if (sysinfo_end_dir && !sysinfo_dir) {
		fprintf(stderr, "buddyscope import: error: --sysinfo-end needs --sysinfo "
				"(the header and the start checkpoints come from it)\n");
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
	if (sysinfo_dir || sysinfo_end_dir) {
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
	/* The output replaces its name at the end: never let that be the input. */
	if (strcmp(in_path, "-") && stat(in_path, &in_st) == 0 && stat(out_path, &out_st) == 0 &&
	    in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
		fprintf(stderr, "buddyscope import: error: %s: the output is the input file\n",
			out_path);
		return 1;
	}

	header = header_create(source, in_path, sysinfo_dir, sysinfo_end_dir, &header_len, &err);
	if (!header) {
		fprintf(stderr, "buddyscope import: error: %s\n",
			err.text[0] ? err.text : "cannot build the trace header");
		goto cleanup;
	}
	struct tracefmt_import_opts io = { 0 };
	if (sysinfo_dir) {
		ckpt_first = checkpoints_read(sysinfo_dir, 0, &io.nr_first);
		if (!ckpt_first)
			goto cleanup;
		io.first = ckpt_first;
	}
	if (sysinfo_end_dir) {
		ckpt_last = checkpoints_read(sysinfo_end_dir, 1, &io.nr_last);
		if (!ckpt_last)
			goto cleanup;
		io.last = ckpt_last;
	}
	if (sysinfo_dir && !sysinfo_end_dir && !quiet)
		end_dir_hint(sysinfo_dir);
	struct progress prog = { .in_path = in_path, .t0 = now_s() };
	if (!quiet) {
		io.progress = progress_print;
		io.progress_ctx = &prog;
	}
	double t0 = prog.t0;
	io.max_bad_lines = max_bad;
	int rc = tracefmt_import(fmt, in_path, out_path, header, header_len, &io, &st, &err);
	double secs = now_s() - t0;
	if (rc < 0 && !st.output_refused) {
		if (st.lines)
			fprintf(stderr, "buddyscope import: error: %s (after %" PRIu64
					" lines; %s not written)\n", err.text, st.lines, out_path);
		else
			cli_fail("import", in_path, rc, err.text);
		goto cleanup;
	}
	print_summary(in_path, rc ? NULL : out_path, &st, secs);
	size_t shown = sizeof(st.bad_line_numbers) / sizeof(st.bad_line_numbers[0]);
	for (size_t i = 0; i < shown && i < st.bad_lines; i++)
		fprintf(stderr, "buddyscope import: %s:%" PRIu64 ": bad kmem page line: %s\n",
			in_path, st.bad_line_numbers[i], st.bad_line_reasons[i]);
	if (rc < 0 && !st.events) {
		fprintf(stderr, "buddyscope import: error: %s: no kmem page event or lost-event "
				"line read from %" PRIu64 " lines (is this %s text?); %s not "
				"written\n", in_path, st.lines, from, out_path);
		goto cleanup;
	}
	if (rc < 0) {
		fprintf(stderr, "buddyscope import: error: %s: %" PRIu64 " kmem page lines could "
				"not be parsed (allowed: %llu; --max-bad N accepts them); %s not "
				"written\n", in_path, st.bad_lines, max_bad, out_path);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(ckpt_first);
	free(ckpt_last);
	free(header);
	return ret;
}
