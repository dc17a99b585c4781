// SPDX-License-Identifier: MIT
/*
 * Structure-aware fuzz target for the .bst reader: the bytes become a
 * trace of valid blocks (bst_build_from_bytes(): compressed, checksummed,
 * with the true end block) with some records out of range, some blocks of
 * raw bytes under a good checksum, and some blocks deleted, given twice,
 * re-kinded or followed by data — so mutations reach the record decoder,
 * the value checks and the totals check instead of dying at a checksum.
 *
 * What must hold: no crash, hang or sanitizer report; every record
 * returned is within the format limits (tracefmt_event_check()); the stats
 * agree with themselves; "complete" only when the totals agree and nothing
 * follows the end block; and an image the builder knows to be pristine is
 * read as complete, record for record.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bst_build.h"

static void check_stats(const struct tracefmt_reader_stats *st, uint64_t returned)
{
	if (st->records != returned || st->intact_end > st->file_size)
		abort();
	if (st->record_blocks + st->blocks_unknown > st->blocks_ok)
		abort();
	if (st->complete) {
		if (!st->end_seen || st->truncated || st->blocks_corrupt || st->trailing_bytes ||
		    st->records + st->skipped_records != st->records_expected ||
		    st->record_blocks != st->blocks_expected || st->stop_reason[0])
			abort();
	} else if (!st->stop_reason[0]) {
		abort(); /* an incomplete trace always says why */
	}
	if (st->end_seen && (st->records_missing && st->records_extra))
		abort();
	if (st->blocks_corrupt && !st->first_corruption[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bst_build b;
	struct bst_build_truth truth;
	struct tracefmt_error err = { 0 };
	char path[64];

	bst_build_init(&b);
	bst_build_from_bytes(&b, data, size, NULL, &truth);
	int fd = b.failed ? -1 : bst_build_memfd(&b, path, sizeof(path));
	if (fd < 0)
		goto out;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	if (!r) {
		if (!err.text[0] || truth.pristine)
			abort(); /* a refusal says why, and a pristine image is never refused */
		close(fd);
		goto out;
	}
	struct tracefmt_event ev;
	uint64_t n = 0;
	bool same = true;
	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type == 0 || ev.type >= TRACEFMT_NR_TYPES || tracefmt_event_check(&ev, NULL, 0))
			abort();
		if (truth.pristine) {
			size_t cmp = ev.type == TRACEFMT_CHECKPOINT
					     ? sizeof(ev)
					     : offsetof(struct tracefmt_event, u) + 48;
			if (n >= truth.nr_events || memcmp(&ev, &truth.events[n], cmp))
				same = false;
		}
		n++;
	}
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(r);
	check_stats(st, n);
	if (truth.pristine && (!same || n != truth.nr_events || !st->complete))
		abort();
	tracefmt_reader_close(r);
	close(fd);
out:
	free(truth.events);
	bst_build_release(&b);
	return 0;
}
