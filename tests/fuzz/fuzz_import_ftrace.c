/* fuzz-libs: tracefmt */
// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the ftrace text importer (and, through
 * fuzz_import_perf.c, the perf-script one): any bytes — text, gzip or zstd —
 * parsed from memory by tracefmt_import_mem() must end in 0 or a refusal
 * with a message, without a crash, a hang, a leak or a sanitizer report;
 * every line is counted exactly once (record, ignored or bad) and every
 * record has a known type.
 */
#include <stdint.h>
#include <stdlib.h>

#include "import_internal.h"

#ifndef FUZZ_IMPORT_FORMAT
#define FUZZ_IMPORT_FORMAT TRACEFMT_IMPORT_FTRACE
#endif

static int check_record(void *ctx, const struct tracefmt_event *ev)
{
	uint64_t *n = ctx;

	if (ev->type < TRACEFMT_PAGE_ALLOC || ev->type > TRACEFMT_LOST)
		abort();
	if (ev->type == TRACEFMT_LOST && ev->ts_ns == UINT64_MAX)
		abort(); /* the driver gives lost records a time */
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracefmt_import_stats st;
	struct tracefmt_error err = { 0 };
	uint64_t n = 0, sum = 0;

	int rc = tracefmt_import_mem(FUZZ_IMPORT_FORMAT, data, size, check_record, &n, &st, &err);
	if (rc < 0 && !err.text[0])
		abort(); /* a refusal must say why */
	for (unsigned int t = 0; t < TRACEFMT_NR_TYPES; t++)
		sum += st.by_type[t];
	if (st.events != n || sum != n || st.lines != st.events + st.ignored_lines + st.bad_lines)
		abort();
	for (uint64_t i = 0; i < st.bad_lines && i < 8; i++)
		if (!st.bad_line_reasons[i][0] || st.bad_line_numbers[i] > st.lines ||
		    (i && st.bad_line_numbers[i] <= st.bad_line_numbers[i - 1]))
			abort();
	return 0;
}
