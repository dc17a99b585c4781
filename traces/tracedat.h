/* SPDX-License-Identifier: MIT */
/*
 * tracedat: trace-cmd's trace.dat files to .bst, read with libtracecmd and
 * libtraceevent (Debian's libtracecmd-dev, libtraceevent-dev, libtracefs-dev).
 * A separate library from tracefmt, so the format library stays libc + zstd
 * + zlib; the cli links both.
 *
 * What it reads, per record: the raw field values the kernel stored (pfn,
 * order, gfp_flags, migratetype, percpu_refill, ... as numbers, never the
 * printed text), the record's timestamp (ns with trace-cmd's default local
 * clock), its cpu, common_pid, and the task name trace-cmd saved for that
 * pid. A record that the ring buffer marks with missed events becomes a
 * TRACEFMT_LOST record (that cpu, the count; -1 "some, count unknown"
 * becomes a count of 1, at least one) just before it.
 *
 * Buffers: the top-level buffer and each instance (`trace-cmd record -B`,
 * `extract -B`) are separate streams in the file. Without @instance every
 * buffer that holds a kmem event is imported and the buffers are merged in
 * time order (ties: the buffer listed first); the same event enabled in two
 * buffers is recorded in both, so it is imported twice: pick one with
 * @instance then. The summary in @info lists every buffer.
 */
#ifndef BUDDYSCOPE_TRACEDAT_H
#define BUDDYSCOPE_TRACEDAT_H

#include <stdint.h>

#include "tracefmt.h"

#define TRACEDAT_MAX_BUFFERS 32
#define TRACEDAT_NAME_LEN 64

struct tracedat_buffer_info {
	char name[TRACEDAT_NAME_LEN]; /* "" for the top-level buffer */
	uint64_t records;	      /* records of any event in the buffer */
	uint64_t kmem_records;	      /* of the kmem events a capture records */
	uint64_t missed_events;	      /* sum of the counts the ring buffer reported */
	uint64_t missed_unknown;      /* records after a loss of unknown size */
	bool imported;		      /* merged into the output */
};

struct tracedat_info {
	uint32_t nr_buffers;
	struct tracedat_buffer_info buffers[TRACEDAT_MAX_BUFFERS];
	uint32_t cpus; /* of the traced host, from the file */
};

/**
 * tracedat_import() - read the trace.dat @in_path and write the trace
 * @out_path with header blob @header, as tracefmt_import() does for text
 * (COMM records, @opts' first and last records, bad-record counting and
 * max_bad, all-or-nothing output; stats->lines counts records read).
 * @instance NULL imports every buffer holding kmem events, "" the
 * top-level buffer only, else the instance of that name (-ENOENT if there
 * is none: @err lists the names). @info (may be NULL) is filled either way.
 * Returns 0 or -errno with @err naming the file and the problem.
 */
int tracedat_import(const char *in_path, const char *out_path, const void *header,
		    size_t header_len, const char *instance,
		    const struct tracefmt_import_opts *opts, struct tracedat_info *info,
		    struct tracefmt_import_stats *stats, struct bs_error *err);

#endif /* BUDDYSCOPE_TRACEDAT_H */
