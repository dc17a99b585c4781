/* SPDX-License-Identifier: MIT */
/*
 * Private to traces/: the on-disk constants of FORMAT.md, the record codec
 * shared by writer and reader, varints and the CRC-32C checksum. Nothing
 * here is part of the public API.
 */
#ifndef BUDDYSCOPE_TRACEFMT_INTERNAL_H
#define BUDDYSCOPE_TRACEFMT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tracefmt.h"

/* Preamble: magic, major, minor, flags, header_len, header_crc (FORMAT.md §2). */
#define TF_MAGIC "\x89" "BST\r\n\x1a\n"
#define TF_MAGIC_LEN 8
#define TF_PREAMBLE_LEN 24
#define TF_FLAG_LITTLE_ENDIAN 0x1u
#define TF_FLAG_COLUMNS 0x2u /* 1.3: record blocks may be field-major (kind 3) */
#define TF_HEADER_MAX (64u << 20)

/* Block header (FORMAT.md §3). */
#define TF_BLOCK_MAGIC "BSTB"
#define TF_BLOCK_HDR_LEN 48
#define TF_BLOCK_RECORDS 1 /* records payload */
#define TF_BLOCK_END 2	   /* end of a complete trace */
#define TF_BLOCK_COLUMNS 3 /* records payload, field-major (format 1.3) */
#define TF_CODEC_NONE 0
#define TF_CODEC_ZSTD 1
/* Largest encoded record: a checkpoint (FORMAT.md §4.8). */
#define TF_RECORD_MAX 2048

struct tf_block_hdr {
	uint16_t kind;
	uint16_t codec;
	uint32_t nr_records;
	uint32_t raw_len;
	uint32_t stored_len;
	uint32_t payload_crc;
	uint64_t first_ts_ns;
	uint64_t last_ts_ns;
};

void tf_block_hdr_encode(const struct tf_block_hdr *h, uint8_t out[TF_BLOCK_HDR_LEN]);
/* 0, or -EBADMSG with @why set when magic or header checksum is wrong. */
int tf_block_hdr_decode(const uint8_t in[TF_BLOCK_HDR_LEN], struct tf_block_hdr *h,
			const char **why);

/*
 * Codec state: deltas run from one record to the next within a block and
 * restart at every block (a block decodes on its own).
 */
struct tf_codec {
	uint64_t last_ts_ns;
	uint64_t last_pfn;
	uint32_t last_cpu;
	uint32_t last_pid;
};

void tf_codec_reset(struct tf_codec *c, uint64_t first_ts_ns);
/* Encode @ev at @out (room for TF_RECORD_MAX bytes); returns bytes used. */
size_t tf_record_encode(struct tf_codec *c, const struct tracefmt_event *ev, uint8_t *out);
/*
 * Decode one record from [*pos, end). Returns 1 (record in @ev), 0 (a record
 * of an unknown type, skipped), -EBADMSG with @why set when the bytes do not
 * decode, or -ERANGE when a value is outside the format limits (@ev then
 * holds the record: tracefmt_event_check() on it says which field).
 */
int tf_record_decode(struct tf_codec *c, const uint8_t **pos, const uint8_t *end,
		     struct tracefmt_event *ev, const char **why);

/*
 * One decoded record as the reader keeps it: the first bytes of struct
 * tracefmt_event, so that returning it is one copy. Page events, lost, comm
 * and snapshot-mark records fill at most 32 bytes of the union; a record
 * whose union member is larger (a snapshot block, a checkpoint, and types
 * added after format 1.0) is not kept: the slot holds where it starts and
 * the codec state before it, and the reader decodes it again from the block
 * when it is returned (rare records, already checked once).
 */
#define TF_SLOT_UNION_BYTES 32

struct tf_slot {
	uint32_t type;
	uint32_t cpu;
	uint32_t pid;
	uint32_t redecode; /* in pad0's place: 0 = the bytes are the record */
	uint64_t ts_ns;
	union {
		uint8_t bytes[TF_SLOT_UNION_BYTES];
		struct {
			struct tf_codec codec; /* state before the record */
			uint32_t raw_off;      /* its offset in the payload */
		} again;
	} u;
};

/*
 * Field-major record blocks (kind 3, FORMAT.md §4.1). tf_columns collects
 * the records of one block column by column; tf_columns_size() is the
 * payload it would make now, tf_columns_finish() writes it out.
 */
struct tf_columns {
	struct tf_codec codec;
	uint32_t nr, compact, n12, n16, ncpu, npid;
	uint8_t *kinds, *order, *c12;	   /* byte columns */
	uint32_t *ts, *pfn, *c16, *pid;	   /* values, put in byte planes by tf_columns_finish() */
	uint16_t *cpu;
	uint8_t *rows;	   /* records in the row form of §4 */
	size_t rows_len;
	size_t size;	   /* payload bytes tf_columns_finish() would write now */
};

int tf_columns_init(struct tf_columns *c);
void tf_columns_release(struct tf_columns *c);
void tf_columns_reset(struct tf_columns *c, uint64_t first_ts_ns);
void tf_columns_add(struct tf_columns *c, const struct tracefmt_event *ev);
size_t tf_columns_size(const struct tf_columns *c);
/* Lay the block's payload out at @out (tf_columns_size() bytes); returns its length. */
size_t tf_columns_finish(const struct tf_columns *c, uint8_t *out);

/*
 * Decoding a field-major payload into @slots (room for nr_records). Row
 * records go through @row, which decodes one from *@cur with @codec into
 * @slot and returns 1 (kept in the slot), 0 (an unknown type, skipped) or
 * a negative error with @why set. @raw has TF_COLUMNS_PAD readable bytes
 * past @raw_len; @tmp has room for TF_COLUMNS_TMP(nr_records) values.
 * Returns 0 with *@kept slots filled, or a negative error with *@bad_index
 * (the record) and @why (a sentence) set.
 */
#define TF_COLUMNS_PAD 16
#define TF_COLUMNS_TMP(nr) (5 * (size_t)(nr) + 3)
typedef int (*tf_row_fn)(void *ctx, struct tf_codec *codec, const uint8_t **cur,
			 const uint8_t *end, struct tf_slot *slot, char *why, size_t len);
int tf_columns_decode(const uint8_t *raw, size_t raw_len, uint32_t nr_records, uint64_t first_ts_ns,
		      struct tf_slot *slots, uint32_t *kept, tf_row_fn row, void *ctx,
		      uint32_t *tmp, uint32_t *bad_index, char *why, size_t len);

uint32_t tf_crc32c(uint32_t crc, const void *buf, size_t len);

/* pread exactly @len bytes at @off: 0, -ENODATA when the file ends first, or -errno. */
int tf_pread_all(int fd, void *buf, size_t len, uint64_t off);

static inline void tf_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void tf_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void tf_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t tf_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t tf_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t tf_get_le64(const uint8_t *p)
{
	return (uint64_t)tf_get_le32(p) | (uint64_t)tf_get_le32(p + 4) << 32;
}

#endif
