/* SPDX-License-Identifier: MIT */
/*
 * bst_build: make .bst images in memory for tests and fuzz targets — valid
 * blocks (zstd or stored payloads, correct CRC-32C checksums, correct end
 * block totals) and, on request, the hostile shapes a reader must see
 * through: a block deleted, given twice or re-kinded, data after the end
 * block, unknown preamble flag bits, raw payload bytes under a good
 * checksum. bst_build_from_bytes() turns a fuzzer's bytes into such an
 * image, so mutations get past the checksums into the record decoder, the
 * value checks and the totals check; replay and report fuzz targets can
 * call it with their own header blob.
 *
 * Library: tests/fuzz/bst_build.c, CMake target buddyscope::bst_build
 * (tests/fuzz/CMakeLists.txt links the targets that need it). It uses the
 * format's internal encoder (traces/tracefmt_internal.h), so records are
 * encoded exactly as the writer encodes them.
 */
#ifndef BUDDYSCOPE_BST_BUILD_H
#define BUDDYSCOPE_BST_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

/* Where each block of the image starts, for the damage helpers. */
#define BST_BUILD_MAX_BLOCKS 4096

struct bst_build {
	uint8_t *buf;	     /* the image */
	size_t len, cap;
	bool failed;	     /* out of memory or too many blocks: the image is unusable */
	uint64_t records;    /* records in record blocks written so far (end block total) */
	uint64_t blocks;     /* record blocks written so far (end block total) */
	size_t nr_blocks;    /* blocks of any kind, end block included */
	size_t block_off[BST_BUILD_MAX_BLOCKS];
	size_t block_len[BST_BUILD_MAX_BLOCKS];
	uint32_t block_nr[BST_BUILD_MAX_BLOCKS]; /* nr_records of each block */
};

/* An empty image; release with bst_build_release(). */
void bst_build_init(struct bst_build *b);
void bst_build_release(struct bst_build *b);

/*
 * The 24-byte preamble and the header blob. @flags is the preamble's flags
 * field (1 = little-endian, the only valid value).
 */
void bst_build_preamble(struct bst_build *b, const void *header, size_t header_len,
			uint32_t flags);

/*
 * One block of @kind (1 records, 2 end, other kinds are unknown to readers)
 * holding @raw (@raw_len bytes) as its payload, zstd-compressed when @zstd,
 * with @nr_records in its header and both checksums right. Counts toward
 * the end block totals when @kind is 1 or 3 (record blocks).
 */
void bst_build_block(struct bst_build *b, uint16_t kind, bool zstd, uint32_t nr_records,
		     const void *raw, size_t raw_len, uint64_t first_ts_ns);

/* A record block of @n events, encoded as the writer does (n >= 1). */
void bst_build_events(struct bst_build *b, const struct tracefmt_event *evs, size_t n, bool zstd);
/* The same as one field-major block (kind 3, FORMAT.md §4.1). */
void bst_build_columns(struct bst_build *b, const struct tracefmt_event *evs, size_t n, bool zstd);

/* The end block with these totals (bst_build_end() uses the true ones). */
void bst_build_end_totals(struct bst_build *b, uint64_t records, uint64_t blocks);
void bst_build_end(struct bst_build *b);

/* Raw bytes appended as they are (garbage, or a second image). */
void bst_build_bytes(struct bst_build *b, const void *p, size_t n);

/*
 * Damage: remove block @i, append a copy of block @i at the end, or change
 * the kind of block @i (its header checksum recomputed, so only the
 * reader's totals check can notice). The end block totals already written
 * are not changed. Out-of-range @i does nothing.
 */
void bst_build_drop_block(struct bst_build *b, size_t i);
void bst_build_dup_block(struct bst_build *b, size_t i);
void bst_build_rekind_block(struct bst_build *b, size_t i, uint16_t kind);

/*
 * What bst_build_from_bytes() knows about the image it made: whether it is
 * pristine (only valid records in good blocks, the true end block, nothing
 * after it), in which case a reader must read it as complete and return
 * exactly @events, in order.
 */
struct bst_build_truth {
	bool pristine;
	struct tracefmt_event *events; /* malloc'd; the caller frees */
	size_t nr_events;
};

/*
 * bst_build_from_bytes() - an image made from @data: @header (may be NULL
 * for "{}") as the header blob, then blocks and damage chosen by the bytes.
 * Most records it makes are valid; some carry out-of-range values, some
 * blocks raw bytes under a good checksum. @truth may be NULL.
 */
void bst_build_from_bytes(struct bst_build *b, const uint8_t *data, size_t size,
			  const char *header, struct bst_build_truth *truth);

/*
 * bst_build_memfd() - the image as a file: a memfd whose /proc path goes to
 * @path (@len bytes). Returns the fd (close it when done) or -1.
 */
int bst_build_memfd(const struct bst_build *b, char *path, size_t len);

#endif /* BUDDYSCOPE_BST_BUILD_H */
