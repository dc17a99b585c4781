// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the .bst reader: any bytes, written to an in-memory file,
 * must open cleanly or fail with a message, and read to the end without a
 * crash, a hang or a sanitizer report. The stats must stay self-consistent,
 * and every record returned must be within the format limits. Random bytes
 * rarely pass a block checksum: fuzz_tracefmt_blocks.c builds valid blocks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tracefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.bst", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct tracefmt_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	if (!r) {
		if (!err.text[0])
			abort(); /* a refusal must say why */
		close(fd);
		return 0;
	}
	struct tracefmt_event ev;
	uint64_t n = 0;
	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type == 0 || ev.type >= TRACEFMT_NR_TYPES || tracefmt_event_check(&ev, NULL, 0))
			abort(); /* only known, in-range records reach the caller */
		n++;
	}
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(r);
	if (st->records != n || st->intact_end > st->file_size)
		abort();
	if (st->complete != (st->end_seen && !st->stop_reason[0]) ||
	    (st->complete && (st->blocks_corrupt || st->trailing_bytes || st->truncated)))
		abort(); /* complete means the end block's totals agree and nothing else is wrong */
	tracefmt_reader_close(r);
	close(fd);
	return 0;
}
