/* SPDX-License-Identifier: MIT */
/*
 * Private to traces/: the pieces of the text importers (traces/IMPORT.md).
 * textin.c turns a path, stdin or a memory buffer — plain, gzip or zstd —
 * into lines; import_ftrace.c and import_perf.c turn one line into a record;
 * import.c holds what both formats share (the key=value body of the six kmem
 * page events, gfp names, timestamps, lost-event lines) and the drivers.
 * tracefmt_import_mem() is the entry point of the fuzz targets: it parses a
 * buffer and hands records to a callback, so no file is involved.
 */
#ifndef BUDDYSCOPE_IMPORT_INTERNAL_H
#define BUDDYSCOPE_IMPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "tracefmt.h"

/*
 * Line input.
 */
struct textin;

/* Longest line kept; the rest of a longer line is read and dropped. */
#define TEXTIN_LINE_MAX 4096

/**
 * textin_open_path() - open @path ("-" = stdin) for line reading. The first
 * bytes decide the decoder: gzip (1f 8b), zstd (28 b5 2f fd) or plain text.
 * Returns NULL with errno set and @err naming the file on failure.
 */
struct textin *textin_open_path(const char *path, struct bs_error *err);

/**
 * textin_open_fd() - read lines from @fd (a pipe, say), which the textin
 * owns from now on (closed by textin_close(), also on failure); @name is
 * for messages.
 */
struct textin *textin_open_fd(int fd, const char *name, struct bs_error *err);

/**
 * textin_open_mem() - read lines from @data (@len bytes), which the caller
 * keeps valid until textin_close(). Compressed buffers are decoded too.
 */
struct textin *textin_open_mem(const void *data, size_t len, const char *name);

/**
 * textin_next_line() - the next line, without its newline (and without a
 * trailing carriage return), NUL-terminated in a buffer borrowed until the
 * next call. *@truncated tells that the line was longer than
 * TEXTIN_LINE_MAX. Returns 1 for a line, 0 at the end, -errno on a read
 * error or a corrupt or truncated compressed stream (@err says where).
 */
int textin_next_line(struct textin *in, char **line, size_t *len, bool *truncated,
		     struct bs_error *err);

/* "gzip", "zstd" or "plain": what the first bytes said. */
const char *textin_codec(const struct textin *in);

/* Close (unless stdin) and free; NULL-safe. */
void textin_close(struct textin *in);

/*
 * One line of text: what it is.
 */
enum import_line_kind {
	IMPORT_LINE_IGNORED = 0, /* comment, header, other event, blank */
	IMPORT_LINE_EVENT = 1,	 /* a kmem page event, in the record */
	IMPORT_LINE_LOST = 2,	 /* a lost-events line, record of type TRACEFMT_LOST */
	IMPORT_LINE_BAD = 3,	 /* a kmem page line that does not parse; reason says why */
};

#define IMPORT_REASON_LEN 96

/*
 * The task a line names: name[0..len) points into the line, or name is
 * NULL when the text does not know the task (ftrace "<...>", perf ":PID").
 */
struct import_task {
	const char *name;
	size_t len;
};

/*
 * A line parser fills @ev (ts_ns of a LOST record without a time of its own
 * is UINT64_MAX: the driver gives it the time of the event before), for
 * IMPORT_LINE_EVENT @task, and for IMPORT_LINE_BAD @reason.
 * @line is writable scratch: parsers may modify it.
 */
typedef enum import_line_kind (*import_line_fn)(char *line, size_t len,
						struct tracefmt_event *ev, char *reason,
						struct import_task *task);

enum import_line_kind import_ftrace_line(char *line, size_t len, struct tracefmt_event *ev,
					 char *reason, struct import_task *task);
enum import_line_kind import_perf_line(char *line, size_t len, struct tracefmt_event *ev,
				       char *reason, struct import_task *task);

/*
 * Shared by both formats (import.c).
 */

/*
 * The kmem event names a capture records (the six page events and
 * mm_setup_per_zone_wmarks), with or without "kmem:"; 0 if not one.
 */
unsigned int import_event_type(const char *name, size_t len);

/* True for the record types that come from a kmem event (import_event_type()). */
bool import_is_event_type(unsigned int type);

/* True if @line names a kmem page event followed by ':' anywhere. */
bool import_line_mentions_kmem(const char *line);

/*
 * import_event_header() - find "<timestamp>: <event>:" in @line. On success
 * *@prefix_end is the index where the timestamp starts (everything before
 * it is the task and cpu columns), @ts_ns the time, *@name / *@name_len the
 * event name (without "kmem:"), *@body the text after the event name.
 * Returns 0, or -1 when the line has no such header.
 */
int import_event_header(char *line, size_t *prefix_end, uint64_t *ts_ns, const char **name,
			size_t *name_len, char **body);

/*
 * import_line_head() - what both formats do first: blank and '#' lines are
 * ignored, lost-event lines become LOST records, lines without a
 * "<timestamp>: <event>:" header or of another event are ignored (or bad if
 * they name a kmem page event). IMPORT_LINE_EVENT means "a kmem page event
 * of *@type with ev->ts_ns set": the caller reads the columns in
 * line[0..*@prefix_end) and hands *@body to import_event_body().
 */
enum import_line_kind import_line_head(char *line, struct tracefmt_event *ev, char *reason,
				       size_t *prefix_end, unsigned int *type, char **body);

/* Columns before the timestamp, read right to left: line[start..end). */
size_t import_col_end(const char *line, size_t end);   /* drop trailing spaces */
size_t import_col_start(const char *line, size_t end); /* start of the token ending at end */
bool import_parse_cpu(const char *line, size_t s, size_t e, uint32_t *cpu); /* "[001]" */

/*
 * import_event_body() - parse the key=value fields of a kmem page event of
 * @type into @ev (ev->type is set). Returns 0, or -1 with @reason filled.
 */
int import_event_body(unsigned int type, char *body, struct tracefmt_event *ev, char *reason);

/*
 * import_lost_line() - recognise a lost-events line: ftrace's "CPU:N [LOST M
 * EVENTS]" (cpu optional) or perf's "PERF_RECORD_LOST... lost M". Returns 1
 * with @ev filled, 0 when the line is something else, -1 (with @reason)
 * when it says LOST but the count does not parse.
 */
int import_lost_line(const char *line, struct tracefmt_event *ev, char *reason);

/* gfp_flags text ("GFP_KERNEL|__GFP_ZERO", "0xcc0", "none", "3264"). */
int import_gfp_parse(const char *text, size_t len, uint64_t *gfp, char *reason);

/* Parse "123", "0x7b" ("-1" and the all-ones u64 give UINT64_MAX). */
int import_parse_u64(const char *text, size_t len, uint64_t *v);

/*
 * Drivers.
 */

/* Where records go: return 0, or -errno to stop the import. */
typedef int (*import_emit_fn)(void *ctx, const struct tracefmt_event *ev);

/**
 * tracefmt_import_stream() - parse every line of @in in format @fmt, hand
 * each record (with the COMM records and @opts' first and last records of
 * tracefmt_import(); @opts may be NULL) to @emit and count into @stats
 * (zeroed first). Stops at the first input or @emit error and returns it
 * (-errno, @err filled).
 */
int tracefmt_import_stream(enum tracefmt_import_format fmt, struct textin *in,
			   const struct tracefmt_import_opts *opts, import_emit_fn emit,
			   void *ctx, struct tracefmt_import_stats *stats,
			   struct bs_error *err);

/**
 * tracefmt_import_mem() - tracefmt_import_stream() over a memory buffer
 * (plain or compressed), without opts; @emit may be NULL to only count.
 */
int tracefmt_import_mem(enum tracefmt_import_format fmt, const void *data, size_t len,
			import_emit_fn emit, void *ctx, struct tracefmt_import_stats *stats,
			struct bs_error *err);

/**
 * tracefmt_import_textin() - tracefmt_import() from an open textin (the
 * caller closes it); @in_path names it in messages. @at_end, when set, runs
 * once the input is read and before the output is committed: an error it
 * returns (with @err filled when it is given) fails the import, so the
 * output is not written (perf.data: the exit status of perf).
 */
int tracefmt_import_textin(enum tracefmt_import_format fmt, struct textin *in,
			   const char *in_path, const char *out_path, const void *header,
			   size_t header_len, const struct tracefmt_import_opts *opts,
			   int (*at_end)(void *ctx, struct bs_error *err), void *at_end_ctx,
			   struct tracefmt_import_stats *stats, struct bs_error *err);

/*
 * Binary sources (trace.dat): records instead of lines.
 *
 * import_record_fn fills @ev (and @task, whose name may be NULL) with the
 * next record and returns 1, 0 at the end, or -errno with @err filled. A
 * record that breaks the format's limits is counted as bad (its 1-based
 * number in the input stands for the line number), like a bad text line.
 */
typedef int (*import_record_fn)(void *src, struct tracefmt_event *ev, struct import_task *task,
				struct bs_error *err);

/**
 * tracefmt_import_records() - tracefmt_import() for a record source: the
 * same COMM records, opts' first and last records, stats, max_bad rule and
 * all-or-nothing output. stats->lines counts the records read.
 */
int tracefmt_import_records(import_record_fn next, void *src, const char *in_path,
			    const char *out_path, const void *header, size_t header_len,
			    const struct tracefmt_import_opts *opts,
			    struct tracefmt_import_stats *stats, struct bs_error *err);

#endif /* BUDDYSCOPE_IMPORT_INTERNAL_H */
