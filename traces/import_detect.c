// SPDX-License-Identifier: MIT
/*
 * What an import input is, by its content, so `import` needs no --from:
 * the magic numbers of trace.dat and perf.data, compression (gzip and zstd
 * are read through; xz and bzip2 are named and refused with the command
 * that decompresses them), and for text the first line that settles it:
 * perf prints events as "kmem:mm_page_alloc:", ftrace and trace-cmd as
 * "mm_page_alloc:"; perf's loss is PERF_RECORD_LOST, ftrace's [LOST N EVENTS].
 * A refused input gets what it looks like and what would work.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "import_internal.h"

#define MAGIC_TRACE_DAT "\x17\x08\x44tracing"
#define MAGIC_PERF_DATA "PERFILE2"
#define MAGIC_BST "\x89" "BST\r\n\x1a\n"
#define HINT_RECORD                                                                            \
	"record the kmem events, e.g. `trace-cmd record -e kmem` or `perf record -e "          \
	"'kmem:mm_page_*'`, or capture with `buddyscope capture`"

const char *tracefmt_import_format_name(enum tracefmt_import_format fmt)
{
	switch (fmt) {
	case TRACEFMT_IMPORT_FTRACE:
		return "ftrace";
	case TRACEFMT_IMPORT_PERF_SCRIPT:
		return "perf-script";
	case TRACEFMT_IMPORT_PERF_DATA:
		return "perf.data";
	case TRACEFMT_IMPORT_TRACE_DAT:
		return "trace.dat";
	}
	return "?";
}

static void guess_set(struct tracefmt_import_guess *g, enum tracefmt_import_format fmt,
		      const char *what, const char *hint_fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void guess_set(struct tracefmt_import_guess *g, enum tracefmt_import_format fmt,
		      const char *what, const char *hint_fmt, ...)
{
	va_list ap;

	g->fmt = fmt;
	snprintf(g->what, sizeof(g->what), "%s", what);
	va_start(ap, hint_fmt);
	vsnprintf(g->hint, sizeof(g->hint), hint_fmt, ap);
	va_end(ap);
}

static bool starts(const unsigned char *p, size_t n, const char *magic, size_t mlen)
{
	return n >= mlen && !memcmp(p, magic, mlen);
}

/* The first bytes of @path, raw. Returns how many, or -errno. */
static ssize_t head_read(const char *path, unsigned char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return (ssize_t)got;
}

/* Magic numbers that are not text: true if one matched (and @g is set). */
static bool detect_binary(const unsigned char *p, size_t n, const char *path,
			  struct tracefmt_import_guess *g, const char *codec, const char *unpack)
{
	bool packed = strcmp(codec, "plain") != 0;

	if (starts(p, n, MAGIC_TRACE_DAT, sizeof(MAGIC_TRACE_DAT) - 1)) {
		if (packed)
			guess_set(g, 0, "a compressed trace.dat",
				  "decompress it first (`%s %s`): trace.dat is read in place", unpack,
				  path);
		else
			guess_set(g, TRACEFMT_IMPORT_TRACE_DAT, "trace.dat", "%s", "");
		return true;
	}
	if (starts(p, n, MAGIC_PERF_DATA, sizeof(MAGIC_PERF_DATA) - 1) ||
	    starts(p, n, "PERFFILE", 8)) {
		if (packed)
			guess_set(g, 0, "a compressed perf.data",
				  "decompress it first (`%s %s`): perf reads perf.data in place",
				  unpack, path);
		else
			guess_set(g, TRACEFMT_IMPORT_PERF_DATA, "perf.data", "%s", "");
		return true;
	}
	if (starts(p, n, MAGIC_BST, sizeof(MAGIC_BST) - 1)) {
		guess_set(g, 0, "a buddyscope trace (.bst) already",
			  "nothing to import: `buddyscope info %s` or `buddyscope replay %s`", path,
			  path);
		return true;
	}
	return false;
}

/* The format a text line settles, or 0. */
static enum tracefmt_import_format text_line_format(char *line)
{
	const char *name;
	size_t prefix_end, name_len;
	uint64_t ts;
	char *body;

	if (strstr(line, "PERF_RECORD_LOST"))
		return TRACEFMT_IMPORT_PERF_SCRIPT;
	if (strstr(line, "[LOST ") && strstr(line, " EVENTS]"))
		return TRACEFMT_IMPORT_FTRACE;
	if (import_event_header(line, &prefix_end, &ts, &name, &name_len, &body) < 0)
		return 0;
	if (!import_event_type(name, name_len))
		return 0;
	return name_len > 5 && !memcmp(name, "kmem:", 5) ? TRACEFMT_IMPORT_PERF_SCRIPT
							 : TRACEFMT_IMPORT_FTRACE;
}

/* Text (after decompression): read lines until one settles the format. */
static int detect_text(const char *path, struct tracefmt_import_guess *g,
		       struct bs_error *err)
{
	struct textin *in = textin_open_path(path, err);
	uint64_t lines = 0, binary = 0;
	char *line;
	size_t len;
	bool cut;
	int rc;

	if (!in)
		return -errno;
	snprintf(g->codec, sizeof(g->codec), "%s", textin_codec(in));
	const char *unpack = !strcmp(g->codec, "gzip") ? "gunzip -k" : "zstd -d";
	while ((rc = textin_next_line(in, &line, &len, &cut, err)) > 0) {
		if (lines++ == 0 && detect_binary((const unsigned char *)line, len, path, g, g->codec,
						  unpack))
			break;
		for (size_t i = 0; i < len && binary < 64; i++)
			if (!line[i] || (iscntrl((unsigned char)line[i]) && line[i] != '\t'))
				binary++;
		if (binary >= 64 && lines <= 64) {
			guess_set(g, 0, "binary data of a kind import does not know",
				  "import reads trace.dat, perf.data, ftrace text and perf script "
				  "text; %s", HINT_RECORD);
			break;
		}
		enum tracefmt_import_format f = cut ? 0 : text_line_format(line);
		if (f) {
			guess_set(g, f, f == TRACEFMT_IMPORT_FTRACE ? "ftrace text" : "perf-script text",
				  "%s", "");
			break;
		}
	}
	textin_close(in);
	if (rc < 0)
		return rc;
	if (!g->what[0])
		guess_set(g, 0, lines ? "text without a kmem event or lost-events line" : "empty",
			  "%s", HINT_RECORD);
	return 0;
}

int tracefmt_import_detect(const char *path, struct tracefmt_import_guess *g,
			   struct bs_error *err)
{
	unsigned char head[16];
	ssize_t n;

	memset(g, 0, sizeof(*g));
	snprintf(g->codec, sizeof(g->codec), "plain");
	if (!strcmp(path, "-")) {
		tracefmt_error_set(err, BS_NOWHERE, -EINVAL,
				   "stdin cannot be looked at before it is read: give --from");
		return -EINVAL;
	}
	n = head_read(path, head, sizeof(head));
	if (n < 0) {
		tracefmt_error_set(err, BS_NOWHERE, (int)n, "%s: cannot read: %s", path,
				    strerror((int)-n));
		return (int)n;
	}
	if (detect_binary(head, (size_t)n, path, g, "plain", ""))
		return 0;
	if (starts(head, (size_t)n, "\xfd" "7zXZ\0", 6) || starts(head, (size_t)n, "BZh", 3)) {
		bool xz = head[0] == 0xfd;
		snprintf(g->codec, sizeof(g->codec), "%s", xz ? "xz" : "bzip2");
		guess_set(g, 0, xz ? "xz-compressed data" : "bzip2-compressed data",
			  "decompress it first: `%s %s` (gzip and zstd are read as they are)",
			  xz ? "xz -dk" : "bunzip2 -k", path);
		return 0;
	}
	return detect_text(path, g, err);
}

int tracefmt_import_has_lost_lines(const char *path, bool *found, struct bs_error *err)
{
	struct textin *in = textin_open_path(path, err);
	char *line;
	size_t len;
	bool cut;
	int rc;

	*found = false;
	if (!in)
		return -errno;
	while ((rc = textin_next_line(in, &line, &len, &cut, err)) > 0)
		if (strstr(line, "PERF_RECORD_LOST") ||
		    (strstr(line, "[LOST ") && strstr(line, " EVENTS]"))) {
			*found = true;
			break;
		}
	textin_close(in);
	return rc < 0 ? rc : 0;
}
