// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the ftrace text importer (and, through
 * fuzz_import_perf.c, the perf-script one): any bytes — text, gzip or zstd —
 * parsed from memory by tracefmt_import_mem() must end in 0 or a refusal
 * with a message, without a crash, a hang, a leak or a sanitizer report;
 * every line is counted exactly once (record, ignored or bad), every
 * record has a known type, and a COMM record (a named, NUL-terminated
 * command) comes right before a page event of its pid and time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#ifndef FUZZ_IMPORT_FORMAT
#define FUZZ_IMPORT_FORMAT TRACEFMT_IMPORT_FTRACE
#endif

struct seen {
	uint64_t n;
	const struct tracefmt_event *comm; /* the record before, if a COMM */
	struct tracefmt_event comm_copy;
};

static int check_record(void *ctx, const struct tracefmt_event *ev)
{
	struct seen *s = ctx;

	bool kmem = (ev->type >= TRACEFMT_PAGE_ALLOC && ev->type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) ||
		    ev->type == TRACEFMT_WMARK;
	if (!kmem && ev->type != TRACEFMT_LOST && ev->type != TRACEFMT_COMM)
		abort();
	if (ev->type == TRACEFMT_LOST && ev->ts_ns == UINT64_MAX)
		abort(); /* the driver gives lost records a time */
	if (s->comm && (!kmem || ev->pid != s->comm->pid ||
			ev->ts_ns != s->comm->ts_ns))
		abort(); /* a COMM record belongs to the event after it */
	s->comm = NULL;
	if (ev->type == TRACEFMT_COMM) {
		if (!ev->u.comm.comm[0] || !memchr(ev->u.comm.comm, 0, TRACEFMT_COMM_LEN))
			abort();
		s->comm_copy = *ev;
		s->comm = &s->comm_copy;
	}
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracefmt_import_stats st;
	struct tracefmt_error err = { 0 };
	struct seen seen = { 0 };
	uint64_t n, sum = 0;

	int rc = tracefmt_import_mem(FUZZ_IMPORT_FORMAT, data, size, check_record, &seen, &st, &err);
	n = seen.n;
	if (rc == 0 && seen.comm)
		abort(); /* the last record is never a COMM */
	if (rc < 0 && !err.text[0])
		abort(); /* a refusal must say why */
	for (unsigned int t = 0; t < TRACEFMT_NR_TYPES; t++)
		sum += st.by_type[t];
	if (st.records != n || sum != n || st.records != st.events + st.by_type[TRACEFMT_COMM] ||
	    st.lines != st.events + st.ignored_lines + st.bad_lines)
		abort();
	for (uint64_t i = 0; i < st.bad_lines && i < 8; i++)
		if (!st.bad_line_reasons[i][0] || st.bad_line_numbers[i] > st.lines ||
		    (i && st.bad_line_numbers[i] <= st.bad_line_numbers[i - 1]))
			abort();
	return 0;
}
