/* SPDX-License-Identifier: MIT */
/*
 * buddyscope import: turn what other tools record — trace-cmd's trace.dat,
 * perf.data, ftrace text (tracefs trace / trace_pipe, trace-cmd report) or
 * `perf script` text — into a .bst trace. The input's kind is found from its
 * content (tracefmt_import_detect()); --from overrides it. The header blob says where the events came from; with --sysinfo it
 * also carries the host and zones read from saved copies of the /proc and
 * /sys files (hostinfo/), as a captured trace does, and the free
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
#include "tracedat.h"
#include "tracefmt.h"
#include "hostinfo.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope import IN -o OUT.bst [options]\n"
		"\n"
		"Convert a recording of the kmem page tracepoints into a .bst trace. IN is\n"
		"a trace.dat (trace-cmd record / extract), a perf.data (perf record), ftrace\n"
		"text (tracefs trace, trace-cmd report) or perf script text; text may be\n"
		"gzip- or zstd-compressed. The kind is found from the content. Details:\n"
		"traces/IMPORT.md.\n"
		"\n"
		"  --from ftrace|perf-script|perf.data|trace.dat\n"
		"                    skip the detection (needed for '-', stdin, which is\n"
		"                    ftrace or perf-script text)\n"
		"  -o, --output OUT  the .bst file to write; replaced only when the import\n"
		"                    succeeds (written under a temporary name, renamed)\n"
		"  --instance NAME   trace.dat: import only this buffer ('' = top level);\n"
		"                    default: every buffer with kmem events, merged by time\n"
		"  --sysinfo DIR     the traced host's description, written there by\n"
		"                    `buddyscope sysinfo save DIR`: zones, page size,\n"
		"                    orders, sysctls; its free counts become checkpoints at\n"
		"                    the first event. Without it, replay infers a layout\n"
		"  --sysinfo-end DIR2  the same, saved when the trace ended: checkpoints\n"
		"                    at the last event (needs --sysinfo; never guessed)\n"
		"  --max-bad N       succeed with up to N unparseable kmem lines (default 0)\n"
		"  -q, --quiet       no progress lines (the final summary stays)\n"
		"  -h, --help\n"
		"\n"
		"perf.data is read by running `perf " TRACEFMT_PERF_SCRIPT_ARGS " IN`.\n"
		"Exit status: 0 done, 1 bad input or failure, 2 usage.\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The header object: what import knows, plus the host with --sysinfo. */
static char *header_create(const char *source, const char *clock, json_t *notes,
			   const char *in_path, const char *sysinfo_dir, const char *sysinfo_end_dir,
			   size_t *len, struct bs_error *err)
{
	json_t *hdr = NULL;
	char tool[64];

	snprintf(tool, sizeof(tool), "buddyscope %s", BUDDYSCOPE_VERSION);
	if (sysinfo_dir) {
		struct sysinfo_header_opts o = { .root = sysinfo_dir, .source = source };
		hdr = sysinfo_header_build(&o, err);
		if (!hdr)
			return NULL;
		/* The files are a copy: when they were read is not when the trace ran. */
		json_object_del(hdr, "start_time_unix_ns");
	} else {
		hdr = json_object();
		if (!hdr)
			return NULL;
		json_object_set_new(hdr, "format", json_string("buddyscope-trace"));
		json_object_set_new(hdr, "tool", json_string(tool));
		json_object_set_new(hdr, "source", json_string(source));
	}
	json_object_set_new(hdr, "input", json_string(in_path));
	json_object_set_new(hdr, "clock", json_string(clock));
	if (json_array_size(notes))
		json_object_set(hdr, "import_notes", notes);
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
	fprintf(stderr, "    %-26s %" PRIu64 "\n", tracefmt_type_name(TRACEFMT_WMARK),
		st->by_type[TRACEFMT_WMARK]);
	{
		uint64_t mm = 0;

		for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++)
			mm += st->by_type[t];
		fprintf(stderr, "    %-26s %" PRIu64 " (vmscan and compaction events)\n",
			"reclaim/compaction", mm);
	}
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
	struct bs_error err = { 0 };
	struct tracefmt_event *ev = calloc(MAX_CKPT_ZONES, sizeof(*ev));

	*nr = 0;
	if (!ev) {
		cli_error("import", "%s: %s", dir, strerror(errno));
		return NULL;
	}
	int rc = sysinfo_checkpoint_read(dir, seq, 0, ev, MAX_CKPT_ZONES, nr, &err);
	if (rc < 0) {
		cli_error("import", "%s: checkpoints: %s", dir,
			err.text[0] ? err.text : strerror(-rc));
		free(ev);
		return NULL;
	}
	return ev;
}

/* What each kind of input is called in the header and in messages. */
struct import_kind {
	enum tracefmt_import_format fmt;
	const char *from;   /* --from name */
	const char *source; /* header "source" */
	const char *clock;  /* header "clock" */
};

static const struct import_kind kinds[] = {
	{ TRACEFMT_IMPORT_FTRACE, "ftrace", "import-ftrace", "text" },
	{ TRACEFMT_IMPORT_PERF_SCRIPT, "perf-script", "import-perf-script", "text" },
	{ TRACEFMT_IMPORT_PERF_DATA, "perf.data", "import-perf-data", "perf" },
	{ TRACEFMT_IMPORT_TRACE_DAT, "trace.dat", "import-tracedat", "trace-cmd" },
};

static const struct import_kind *kind_of(enum tracefmt_import_format fmt)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].fmt == fmt)
			return &kinds[i];
	return NULL;
}

static const struct import_kind *kind_from_name(const char *name)
{
	if (!strcmp(name, "perf"))
		name = "perf-script";
	else if (!strcmp(name, "perf-data"))
		name = "perf.data";
	else if (!strcmp(name, "trace-dat") || !strcmp(name, "tracedat"))
		name = "trace.dat";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].from, name))
			return &kinds[i];
	return NULL;
}

/* The kind of @in_path from its content; NULL (after saying why) if refused. */
static const struct import_kind *kind_detect(const char *in_path, bool quiet)
{
	struct tracefmt_import_guess g;
	struct bs_error err = { 0 };

	if (tracefmt_import_detect(in_path, &g, &err) < 0) {
		cli_fail("import", in_path, err.code, err.text);
		return NULL;
	}
	if (!g.fmt) {
		cli_error("import", "%s: this looks like %s, which import does "
				"not read: %s", in_path, g.what, g.hint);
		return NULL;
	}
	if (!quiet)
		fprintf(stderr, "buddyscope import: %s: %s%s%s\n", in_path, g.what,
			strcmp(g.codec, "plain") ? ", " : "", strcmp(g.codec, "plain") ? g.codec : "");
	return kind_of(g.fmt);
}

/* After a text import found nothing: say what the input looks like instead. */
static void kind_mismatch_hint(const char *in_path, const struct import_kind *k)
{
	struct tracefmt_import_guess g;

	if (!strcmp(in_path, "-") || tracefmt_import_detect(in_path, &g, NULL) < 0)
		return;
	if (g.fmt && g.fmt != k->fmt)
		fprintf(stderr, "buddyscope import: %s looks like %s: try --from %s, or leave "
				"--from out\n", in_path, g.what, kind_of(g.fmt)->from);
	else if (!g.fmt)
		fprintf(stderr, "buddyscope import: %s looks like %s: %s\n", in_path, g.what, g.hint);
}

#define NOTE_PERF_TEXT_LOSS                                                                    \
	"perf script text without PERF_RECORD_LOST lines: its loss cannot be known (perf script "  \
	"prints lost events only with --show-lost-events); import the perf.data itself, or run "   \
	"`perf script --show-lost-events` again"

/* Header notes known before the import: perf text whose loss cannot be known. */
static int notes_before(const struct import_kind *k, const char *in_path, json_t *notes)
{
	struct bs_error err = { 0 };
	bool found = true;

	if (k->fmt != TRACEFMT_IMPORT_PERF_SCRIPT || !strcmp(in_path, "-"))
		return 0;
	if (tracefmt_import_has_lost_lines(in_path, &found, &err) < 0)
		return cli_fail("import", in_path, err.code, err.text);
	if (!found)
		json_array_append_new(notes, json_string(NOTE_PERF_TEXT_LOSS));
	return 0;
}

static void tracedat_summary(const struct tracedat_info *ti)
{
	uint32_t imported = 0;

	for (uint32_t i = 0; i < ti->nr_buffers; i++) {
		const struct tracedat_buffer_info *b = &ti->buffers[i];
		imported += b->imported;
		fprintf(stderr, "  buffer   %-16s %s: %" PRIu64 " records, %" PRIu64 " kmem, %" PRIu64
				" missed events%s\n", b->name[0] ? b->name : "(top level)",
			b->imported ? "imported" : "skipped ", b->records, b->kmem_records,
			b->missed_events, b->missed_unknown ? " (and losses of unknown size)" : "");
	}
	if (imported > 1)
		fprintf(stderr, "buddyscope import: warning: %u buffers merged by time; an event "
				"enabled in two of them is imported twice (--instance NAME picks "
				"one)\n", imported);
}

/* Run the importer of @k. */
static int import_run(const struct import_kind *k, const char *in_path, const char *out_path,
		      const char *instance, const char *header, size_t header_len,
		      const struct tracefmt_import_opts *io, struct tracefmt_import_stats *st,
		      struct tracedat_info *ti, struct bs_error *err)
{
	switch (k->fmt) {
	case TRACEFMT_IMPORT_TRACE_DAT:
		return tracedat_import(in_path, out_path, header, header_len, instance, io, ti, st,
				       err);
	case TRACEFMT_IMPORT_PERF_DATA:
		return tracefmt_import_perf_data(in_path, NULL, out_path, header, header_len, io, st,
						 err);
	default:
		return tracefmt_import(k->fmt, in_path, out_path, header, header_len, io, st, err);
	}
}

static const struct option import_longopts[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "instance", required_argument, NULL, 'i' },
	{ "sysinfo", required_argument, NULL, 's' },
	{ "sysinfo-end", required_argument, NULL, 'e' },
	{ "max-bad", required_argument, NULL, 'b' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line of one import. */
struct import_args {
	const char *from, *out_path, *in_path, *instance;
	const char *sysinfo_dir, *sysinfo_end_dir;
	const struct import_kind *kind;	/* --from's, else detected from the input */
	unsigned long long max_bad;
	bool quiet;
};

/* Returns -1 to go on, else the exit status. */
static int import_parse_options(struct import_args *a, int argc, char **argv)
{
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", import_longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a->from = optarg;
			break;
		case 'o':
			a->out_path = optarg;
			break;
		case 'i':
			a->instance = optarg;
			break;
		case 's':
			a->sysinfo_dir = optarg;
			break;
		case 'e':
			a->sysinfo_end_dir = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'b':
			errno = 0;
			a->max_bad = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-') {
				return cli_usage_error("import", "--max-bad wants a count, "
						             "not '%s'", optarg);
			}
			break;
		case 'h':
		default:
			return cli_help_or_usage(c, usage);
		}
	}
	if (!a->out_path || optind != argc - 1)
		return cli_usage_fail("import", usage, "%s",
				      !a->out_path ? "-o OUT.bst is required"
						   : "expected exactly one input (or -)");
	a->in_path = argv[optind];
	return -1;
}

/* What the options say together; finds the input's kind. -1 to go on, else the exit status. */
static int import_check_options(struct import_args *a)
{
	const char *in_path = a->in_path, *out_path = a->out_path;
	struct stat in_st, out_st;

	if (a->sysinfo_end_dir && !a->sysinfo_dir) {
		return cli_usage_error("import", "--sysinfo-end needs --sysinfo "
				             "(the header and the start checkpoints come from it)");
	}
	if (a->from && !(a->kind = kind_from_name(a->from))) {
		return cli_usage_error("import", "--from wants ftrace, perf-script, "
				             "perf.data or trace.dat, not '%s'", a->from);
	}
	if (!a->from && !strcmp(in_path, "-")) {
		return cli_usage_error("import", "stdin cannot be looked at before it is "
				             "read: give --from ftrace or --from perf-script");
	}
	if (!strcmp(in_path, "-") && a->from && a->kind->fmt != TRACEFMT_IMPORT_FTRACE &&
	    a->kind->fmt != TRACEFMT_IMPORT_PERF_SCRIPT) {
		return cli_usage_error("import", "%s is read from a file, not stdin", a->kind->from);
	}
	if (a->instance && a->from && a->kind->fmt != TRACEFMT_IMPORT_TRACE_DAT) {
		return cli_usage_error("import", "--instance is for trace.dat input");
	}
	if (!strcmp(out_path, "-")) {
		return cli_usage_error("import", "-o wants a file: the .bst cannot go to stdout");
	}
	/* The output replaces its name at the end: never let that be the input. */
	if (strcmp(in_path, "-") && stat(in_path, &in_st) == 0 && stat(out_path, &out_st) == 0 &&
	    in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
		return cli_error("import", "%s: the output is the input file", out_path);
	}
	if (!a->from && !(a->kind = kind_detect(in_path, a->quiet)))
		return 1;
	if (a->instance && a->kind->fmt != TRACEFMT_IMPORT_TRACE_DAT) {
		return cli_usage_error("import", "--instance is for trace.dat input; %s is "
				             "%s", in_path, a->kind->from);
	}
	return -1;
}

/* Both --sysinfo folders are complete, or the import stops before reading its input. */
static int import_sysinfo_check(const struct import_args *a, struct bs_error *err)
{
	for (const char *d = a->sysinfo_dir; d;
	     d = d == a->sysinfo_dir ? a->sysinfo_end_dir : NULL)
		if (sysinfo_dir_check(d, err) < 0) {
			cli_sysinfo_dir_fail("import", d, err->text);
			fprintf(stderr, "buddyscope import: `buddyscope sysinfo save DIR` on the traced "
					"host writes a complete directory (hostinfo/HEADER.md lists "
					"its files)\n");
			return 1;
		}
	return -1;
}

/* Says why an import that wrote nothing failed: its lines were not page events. */
static void import_refused(const struct import_args *a, int rc,
			   const struct tracefmt_import_stats *st)
{
	const struct import_kind *kind = a->kind;

	if (rc < 0 && !st->events) {
		bool dat = kind->fmt == TRACEFMT_IMPORT_TRACE_DAT;
		cli_error("import", "%s: no kmem page event or lost-event "
				"%s read from %" PRIu64 " %s; %s not written", a->in_path,
			dat ? "record" : "line", st->lines, dat ? "records" : "lines", a->out_path);
	} else {
		cli_error("import", "%s: %" PRIu64 " kmem page lines could "
				"not be parsed (allowed: %llu; --max-bad N accepts them); %s not "
				"written", a->in_path, st->bad_lines, a->max_bad, a->out_path);
	}
	if (a->from)
		kind_mismatch_hint(a->in_path, kind);
}

/* Runs the importer with @io's checkpoints and says how it went: 0 or 1. */
static int import_convert(const struct import_args *a, const char *header, size_t header_len,
			  struct tracefmt_import_opts *io, struct bs_error *err)
{
	const struct import_kind *kind = a->kind;
	const char *in_path = a->in_path, *out_path = a->out_path;
	struct tracefmt_import_stats st;
	struct tracedat_info ti;
	struct progress prog = { .in_path = in_path, .t0 = now_s() };

	if (!a->quiet) {
		io->progress = progress_print;
		io->progress_ctx = &prog;
	}
	double t0 = prog.t0;
	io->max_bad_lines = a->max_bad;
	memset(&ti, 0, sizeof(ti));
	int rc = import_run(kind, in_path, out_path, a->instance, header, header_len, io, &st,
			    &ti, err);
	double secs = now_s() - t0;
	if (rc == -ENOENT && kind->fmt == TRACEFMT_IMPORT_PERF_DATA && !st.lines) {
		cli_error("import", "%s\nbuddyscope import: run `perf "
				TRACEFMT_PERF_SCRIPT_ARGS " %s > %s.txt` where perf is, and "
				"import that text", err->text, in_path, in_path);
		return 1;
	}
	if (rc < 0 && !st.output_refused) {
		if (st.lines)
			cli_error("import", "%s (after %" PRIu64
					" lines; %s not written)", err->text, st.lines, out_path);
		else
			cli_fail("import", in_path, rc, err->text);
		return 1;
	}
	print_summary(in_path, rc ? NULL : out_path, &st, secs);
	if (kind->fmt == TRACEFMT_IMPORT_TRACE_DAT)
		tracedat_summary(&ti);
	size_t shown = sizeof(st.bad_line_numbers) / sizeof(st.bad_line_numbers[0]);
	for (size_t i = 0; i < shown && i < st.bad_lines; i++)
		fprintf(stderr, "buddyscope import: %s:%" PRIu64 ": bad kmem %s: %s\n", in_path,
			st.bad_line_numbers[i],
			kind->fmt == TRACEFMT_IMPORT_TRACE_DAT ? "record" : "page line",
			st.bad_line_reasons[i]);
	if (rc < 0) {
		import_refused(a, rc, &st);
		return 1;
	}
	if (kind->fmt == TRACEFMT_IMPORT_PERF_SCRIPT && !st.by_type[TRACEFMT_LOST])
		fprintf(stderr, "buddyscope import: warning: %s: %s%s\n", in_path,
			NOTE_PERF_TEXT_LOSS, strcmp(in_path, "-") ? " (noted in the trace header: "
			"import_notes)" : "");
	return 0;
}

int cmd_import(int argc, char **argv)
{
	struct import_args a = { 0 };
	struct tracefmt_event *ckpt_first = NULL, *ckpt_last = NULL;
	struct tracefmt_import_opts io = { 0 };
	struct bs_error err = { 0 };
	char *header = NULL;
	json_t *notes = NULL;
	size_t header_len = 0;
	int ret;

	ret = import_parse_options(&a, argc, argv);
	if (ret < 0)
		ret = import_check_options(&a);
	if (ret < 0)
		ret = import_sysinfo_check(&a, &err);
	if (ret >= 0)
		return ret;
	ret = 1;
	notes = json_array();
	if (!notes || notes_before(a.kind, a.in_path, notes))
		goto cleanup;
	header = header_create(a.kind->source, a.kind->clock, notes, a.in_path, a.sysinfo_dir,
			       a.sysinfo_end_dir, &header_len, &err);
	if (!header) {
		cli_error("import", "%s", err.text[0] ? err.text : "cannot build the trace header");
		goto cleanup;
	}
	if (a.sysinfo_dir) {
		ckpt_first = checkpoints_read(a.sysinfo_dir, 0, &io.nr_first);
		if (!ckpt_first)
			goto cleanup;
		io.first = ckpt_first;
	}
	if (a.sysinfo_end_dir) {
		ckpt_last = checkpoints_read(a.sysinfo_end_dir, 1, &io.nr_last);
		if (!ckpt_last)
			goto cleanup;
		io.last = ckpt_last;
	}
	if (a.sysinfo_dir && !a.sysinfo_end_dir && !a.quiet)
		end_dir_hint(a.sysinfo_dir);
	ret = import_convert(&a, header, header_len, &io, &err);
cleanup:
	json_decref(notes);
	free(ckpt_first);
	free(ckpt_last);
	free(header);
	return ret;
}
