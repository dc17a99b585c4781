// SPDX-License-Identifier: MIT
/*
 * buddyscope dump: every record of a trace as a line of text (like
 * `trace-cmd report` or `perf script`) or as JSON lines. The lines are
 * tracefmt_event_format()'s; this file parses options and streams.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "outfile.h"
#include "tracefmt.h"

static void dump_usage(FILE *f)
{
	fprintf(f, "usage: buddyscope dump TRACE [--type KIND...] [--json] [-o FILE]\n"
		   "  --type KIND      print only records of this type (repeat or comma-separate);\n"
		   "                   KIND is one of:");
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++)
		fprintf(f, "%s %s", t % 4 == 1 ? "\n                  " : "", tracefmt_type_name(t));
	fprintf(f, "\n"
		   "  --json           one JSON object per line instead of text\n"
		   "  -o, --output FILE  write here instead of standard output\n"
		   "Text lines are \"SECONDS [CPU] PID TYPE: field=value ...\" in trace order.\n");
}

/* Add the comma-separated type names of @list to @want; false on an unknown one. */
static bool parse_types(const char *list, bool want[TRACEFMT_NR_TYPES])
{
	char *copy = strdup(list), *save = NULL;
	bool ok = copy != NULL;

	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && ok;
	     t = strtok_r(NULL, ",", &save)) {
		unsigned int type = tracefmt_type_from_name(t);

		if (!type) {
			cli_error("dump", "--type '%s' is not a record type "
					"(see 'buddyscope dump --help')", t);
			ok = false;
		}
		want[type] = true;
	}
	free(copy);
	return ok;
}

/* Print the records of @r that @want selects (all when @any is false). */
static int dump_records(struct tracefmt_reader *r, FILE *f, const bool *want, bool any,
			enum tracefmt_dump_style style, uint64_t *printed)
{
	static char line[65536];
	struct tracefmt_event ev;
	int rc;

	while ((rc = tracefmt_reader_next(r, &ev)) == 1) {
		if (any && (ev.type >= TRACEFMT_NR_TYPES || !want[ev.type]))
			continue;
		if (tracefmt_event_format(&ev, style, line, sizeof(line)) < 0)
			continue; /* a type the reader knows but this table does not */
		fputs(line, f);
		fputc('\n', f);
		(*printed)++;
	}
	return rc;
}

/* Say on stderr what the reader could not vouch for; the records read stand. */
static void warn_reading(const char *path, const struct tracefmt_reader_stats *st)
{
	if (st->blocks_corrupt)
		fprintf(stderr, "buddyscope dump: warning: %s: %" PRIu64 " corrupt block(s) skipped; "
			"first: %s\n", path, st->blocks_corrupt, st->first_corruption);
	if (!st->complete)
		fprintf(stderr, "buddyscope dump: warning: %s: %s: %s\n", path,
			st->truncated ? "truncated" : "not complete", st->stop_reason);
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool want[TRACEFMT_NR_TYPES] = { false }, any = false;
	enum tracefmt_dump_style style = TRACEFMT_DUMP_TEXT;
	struct bs_error err = { 0 };
	struct tracefmt_reader *r = NULL;
	struct outfile of = OUTFILE_INIT;
	const char *out = NULL, *path;
	uint64_t printed = 0;
	FILE *f = stdout;
	int c, rc, ret = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!parse_types(optarg, want))
				return 2;
			any = true;
			break;
		case 'j':
			style = TRACEFMT_DUMP_JSON;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
		default:
			return cli_help_or_usage(c, dump_usage);
		}
	}
	if (optind != argc - 1)
		return cli_usage_fail("dump", dump_usage, "expected exactly one trace file");
	path = argv[optind];
	r = tracefmt_reader_open(path, &err);
	if (!r)
		return cli_fail("dump", path, errno, err.text);
	if (out) {
		rc = outfile_open(&of, out, 0, 0666);
		f = rc ? NULL : outfile_stream(&of);
		if (!f) {
			cli_fail("dump", out, rc ? rc : -errno, NULL);
			goto cleanup;
		}
	}
	rc = dump_records(r, f, want, any, style, &printed);
	if (rc < 0) {
		cli_fail("dump", path, rc, tracefmt_reader_stats(r)->stop_reason);
		goto cleanup;
	}
	if (out)
		rc = outfile_commit(&of);
	else
		rc = fflush(stdout) || ferror(stdout) ? -EIO : 0;
	if (rc) {
		cli_fail("dump", out ? out : "standard output", rc, NULL);
		goto cleanup;
	}
	warn_reading(path, tracefmt_reader_stats(r));
	if (out)
		fprintf(stderr, "buddyscope dump: wrote %" PRIu64 " records to %s\n", printed, out);
	ret = 0;
cleanup:
	outfile_discard(&of);
	tracefmt_reader_close(r);
	return ret;
}
