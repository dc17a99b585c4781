/* SPDX-License-Identifier: MIT */
/*
 * The streaming .bst reader. It holds one block at a time, verifies each
 * block's header and payload checksums, decodes and checks the whole block
 * before it returns any of its records (so a malformed block is skipped
 * whole), skips corrupt blocks by resynchronising on the next valid block
 * header, stops at the last complete block of a file cut short, and checks
 * what it read against the end block's totals, recording where and why.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "sha256.h"
#include "tracefmt_internal.h"

#define RESYNC_CHUNK (64u << 10)

#define SLOT_UNION_BYTES TF_SLOT_UNION_BYTES
#define EVENT_UNION_BYTES 48 /* what next() defines of the union (tracefmt.h) */

/*
 * The current block's records are kept in slots (struct tf_slot): small
 * slots keep a block's slots (65536 x 56 bytes at most) as close to the
 * cache as they can be.
 */
#define SLOT_BYTES (offsetof(struct tracefmt_event, u) + SLOT_UNION_BYTES)
_Static_assert(sizeof(struct tf_slot) == SLOT_BYTES, "a slot is the event's first bytes");
_Static_assert(offsetof(struct tf_slot, ts_ns) == offsetof(struct tracefmt_event, ts_ns) &&
		       offsetof(struct tf_slot, redecode) == offsetof(struct tracefmt_event, pad0) &&
		       offsetof(struct tf_slot, u) == offsetof(struct tracefmt_event, u),
	       "slot and event prefixes agree");
_Static_assert(sizeof(((struct tracefmt_event *)0)->u.extfrag) <= SLOT_UNION_BYTES &&
		       sizeof(((struct tracefmt_event *)0)->u.alloc) <= SLOT_UNION_BYTES &&
		       sizeof(((struct tracefmt_event *)0)->u.snapshot_mark) <= SLOT_UNION_BYTES &&
		       sizeof(((struct tracefmt_event *)0)->u.comm) <= SLOT_UNION_BYTES,
	       "the records kept in slots fit them");
_Static_assert(sizeof(((struct tracefmt_event *)0)->u.snapshot_block) == EVENT_UNION_BYTES,
	       "the reader defines 48 bytes of the union");

/* Types of format 1.0 whose union member fits a slot; later types do not say. */
static const bool type_fits_slot[TRACEFMT_SNAPSHOT_MARK + 2] = {
	[TRACEFMT_PAGE_ALLOC] = true,	       [TRACEFMT_PAGE_FREE] = true,
	[TRACEFMT_PAGE_FREE_BATCHED] = true,   [TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = true,
	[TRACEFMT_PAGE_PCPU_DRAIN] = true,     [TRACEFMT_PAGE_ALLOC_EXTFRAG] = true,
	[TRACEFMT_LOST] = true,		       [TRACEFMT_SNAPSHOT_MARK] = true,
	[TRACEFMT_COMM] = true,
};

struct tracefmt_reader {
	int fd;
	uint64_t data_start; /* offset of the first block */
	uint64_t pos;	     /* offset of the next block to load */
	bool done;
	bool problem_seen;   /* intact_end is frozen at the first problem */
	char *header;
	size_t header_len;
	ZSTD_DCtx *dctx;
	uint8_t *stored;     /* compressed payload of the current block */
	size_t stored_cap;   /* both grow to the largest block seen (1 MiB raw at most) */
	size_t raw_cap;
	uint8_t *raw;	     /* decoded payload */
	size_t raw_len;
	struct tf_slot *slots;  /* the current block's records */
	uint32_t slots_cap;
	uint32_t *col_tmp;   /* TF_COLUMNS_TMP(slots_cap) values for tf_columns_decode() */
	uint32_t nr_slots, next_slot;
	uint64_t first_unknown_off; /* first block of an unknown kind */
	uint16_t first_unknown_kind;
	struct tracefmt_event scratch; /* decode target of records not kept in place */
	struct tf_codec before;	       /* codec state before such a record */
	struct tracefmt_reader_stats st;
	/* tracefmt_reader_hash_file(): the file's bytes [0, hashed_upto) are in sha */
	bool hashing;
	bool digest_done;
	int hash_err;		/* a read for the hash failed: -errno */
	uint64_t hashed_upto;
	struct sha256_ctx sha;
	uint8_t digest[SHA256_DIGEST_LEN];
	char path[256];
};

static void set_err(struct tracefmt_error *err, uint64_t offset, int code, const char *path,
		    const char *what)
{
	if (!err)
		return;
	err->offset = offset;
	err->code = code;
	snprintf(err->text, sizeof(err->text), "%s: %s", path, what);
}

int tf_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Hashing the file as it is read: every byte goes into the digest once, in
 * file order. Bytes the reader has in memory (block headers and payloads)
 * are hashed from there; bytes it passes over (the preamble and header read
 * before hashing began, data skipped to resynchronise, what follows the
 * last block read) are read again for the hash only. A rewind re-reads
 * bytes already hashed, which are not hashed twice.
 */
static void hash_gap(struct tracefmt_reader *r, uint64_t to)
{
	uint8_t buf[RESYNC_CHUNK];

	while (r->hashed_upto < to) {
		size_t n = to - r->hashed_upto < sizeof(buf) ? (size_t)(to - r->hashed_upto)
							      : sizeof(buf);
		int rc = tf_pread_all(r->fd, buf, n, r->hashed_upto);

		if (rc) {
			r->hash_err = rc;
			r->hashing = false;
			return;
		}
		sha256_update(&r->sha, buf, n);
		r->hashed_upto += n;
	}
}

/* The reader read @len bytes at file offset @off into @buf. */
static inline void hash_read(struct tracefmt_reader *r, uint64_t off, const void *buf, size_t len)
{
	if (!r->hashing || off + len <= r->hashed_upto)
		return;
	if (off > r->hashed_upto) {
		hash_gap(r, off);
		if (!r->hashing)
			return;
	}
	size_t done = (size_t)(r->hashed_upto - off);
	sha256_update(&r->sha, (const uint8_t *)buf + done, len - done);
	r->hashed_upto = off + len;
}

void tracefmt_reader_hash_file(struct tracefmt_reader *r)
{
	if (r->hashing || r->digest_done || r->hash_err)
		return;
	sha256_init(&r->sha);
	r->hashed_upto = 0;
	r->hashing = true;
}

int tracefmt_reader_file_sha256(struct tracefmt_reader *r, char hex[65])
{
	if (!r->digest_done) {
		if (!r->hashing)
			return r->hash_err ? r->hash_err : -EINVAL;
		hash_gap(r, r->st.file_size);
		if (!r->hashing)
			return r->hash_err;
		sha256_final(&r->sha, r->digest);
		r->hashing = false;
		r->digest_done = true;
	}
	sha256_hex(r->digest, hex);
	return 0;
}

/* Check the 24-byte preamble; 0 or -errno with @msg and *@off saying what. */
static int check_preamble(struct tracefmt_reader *r, const uint8_t *pre, char *msg, size_t len,
			  uint64_t *off)
{
	uint32_t flags = tf_get_le32(pre + 12);

	r->st.version_major = tf_get_le16(pre + 8);
	r->st.version_minor = tf_get_le16(pre + 10);
	if (r->st.version_major != TRACEFMT_VERSION_MAJOR) {
		*off = 8;
		snprintf(msg, len, "format version %u.%u is not supported (offset 8, field "
			 "version_major; this build reads %d.x)", r->st.version_major,
			 r->st.version_minor, TRACEFMT_VERSION_MAJOR);
		return -EPROTONOSUPPORT;
	}
	*off = 12;
	if (!(flags & TF_FLAG_LITTLE_ENDIAN)) {
		snprintf(msg, len, "offset 12, field flags: bit 0 (little-endian) is clear; "
			 "big-endian traces are not supported");
		return -EPROTONOSUPPORT;
	}
	if (flags & ~(TF_FLAG_LITTLE_ENDIAN | TF_FLAG_COLUMNS)) {
		snprintf(msg, len, "offset 12, field flags: unknown bits %#x set (flags %#x; format "
			 "%d.%d defines only bits 0, little-endian, and 1, field-major blocks)",
			 flags & ~(TF_FLAG_LITTLE_ENDIAN | TF_FLAG_COLUMNS), flags,
			 TRACEFMT_VERSION_MAJOR, TRACEFMT_VERSION_MINOR);
		return -EPROTONOSUPPORT;
	}
	*off = 16;
	r->header_len = tf_get_le32(pre + 16);
	if (r->header_len > TF_HEADER_MAX || r->header_len > r->st.file_size - TF_PREAMBLE_LEN) {
		snprintf(msg, len, "offset 16, field header_len: %zu bytes is over the 64 MiB limit "
			 "or past the end of the %llu-byte file", r->header_len,
			 (unsigned long long)r->st.file_size);
		return -EBADMSG;
	}
	return 0;
}

struct tracefmt_reader *tracefmt_reader_open(const char *path, struct tracefmt_error *err)
{
	struct tracefmt_reader *r = calloc(1, sizeof(*r));
	uint8_t pre[TF_PREAMBLE_LEN];
	char msg[160];
	struct stat sb;
	uint64_t off;
	int rc;

	if (!r) {
		set_err(err, 0, -ENOMEM, path, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = -errno;
		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(-rc));
		set_err(err, 0, rc, path, msg);
		goto fail;
	}
	if (fstat(r->fd, &sb) < 0) {
		rc = -errno;
		snprintf(msg, sizeof(msg), "cannot stat: %s", strerror(-rc));
		set_err(err, 0, rc, path, msg);
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = -EISDIR;
		set_err(err, 0, rc, path, "is a directory, not a trace file");
		goto fail;
	}
	r->st.file_size = (uint64_t)sb.st_size;
	if (r->st.file_size == 0) {
		rc = -ENODATA;
		set_err(err, 0, rc, path, "empty file, not a trace");
		goto fail;
	}
	memset(pre, 0, sizeof(pre));
	size_t have = r->st.file_size < TF_PREAMBLE_LEN ? (size_t)r->st.file_size : TF_PREAMBLE_LEN;
	rc = tf_pread_all(r->fd, pre, have, 0);
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot read the preamble at offset 0: %s", strerror(-rc));
		set_err(err, 0, rc, path, msg);
		goto fail;
	}
	if (memcmp(pre, TF_MAGIC, have < TF_MAGIC_LEN ? have : TF_MAGIC_LEN)) {
		rc = -EBADMSG;
		set_err(err, 0, rc, path, "wrong magic at offset 0 (field magic): not a buddyscope "
			"trace (.bst)");
		goto fail;
	}
	if (have < TF_PREAMBLE_LEN) {
		rc = -EBADMSG;
		snprintf(msg, sizeof(msg), "file of %llu bytes is shorter than the %d-byte preamble",
			 (unsigned long long)r->st.file_size, TF_PREAMBLE_LEN);
		set_err(err, r->st.file_size, rc, path, msg);
		goto fail;
	}
	rc = check_preamble(r, pre, msg, sizeof(msg), &off);
	if (rc) {
		set_err(err, off, rc, path, msg);
		goto fail;
	}
	r->header = malloc(r->header_len + 1);
	if (!r->header) {
		rc = -ENOMEM;
		set_err(err, 16, rc, path, "out of memory for the header");
		goto fail;
	}
	rc = tf_pread_all(r->fd, r->header, r->header_len, TF_PREAMBLE_LEN);
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot read the header blob at offset %d: %s",
			 TF_PREAMBLE_LEN, strerror(-rc));
		set_err(err, TF_PREAMBLE_LEN, rc, path, msg);
		goto fail;
	}
	r->header[r->header_len] = '\0';
	if (tf_crc32c(0, r->header, r->header_len) != tf_get_le32(pre + 20)) {
		rc = -EBADMSG;
		set_err(err, 20, rc, path, "offset 20, field header_crc: does not match the header "
			"blob (corrupt header)");
		goto fail;
	}
	r->data_start = TF_PREAMBLE_LEN + r->header_len;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		rc = -ENOMEM;
		set_err(err, 0, rc, path, "out of memory");
		goto fail;
	}
	tracefmt_reader_rewind(r);
	return r;
fail:
	tracefmt_reader_close(r);
	errno = -rc;
	return NULL;
}

const char *tracefmt_reader_header(const struct tracefmt_reader *r, size_t *len)
{
	if (len)
		*len = r->header_len;
	return r->header;
}

const struct tracefmt_reader_stats *tracefmt_reader_stats(const struct tracefmt_reader *r)
{
	return &r->st;
}

int tracefmt_reader_rewind(struct tracefmt_reader *r)
{
	struct tracefmt_reader_stats keep = r->st;
	memset(&r->st, 0, sizeof(r->st));
	r->st.file_size = keep.file_size;
	r->st.version_major = keep.version_major;
	r->st.version_minor = keep.version_minor;
	r->st.intact_end = r->data_start;
	r->pos = r->data_start;
	r->done = false;
	r->problem_seen = false;
	r->nr_slots = r->next_slot = 0;
	r->first_unknown_off = 0;
	return 0;
}

void tracefmt_reader_close(struct tracefmt_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->header);
	free(r->stored);
	free(r->raw);
	free(r->slots);
	free(r->col_tmp);
	free(r);
}

__attribute__((format(printf, 3, 4))) static void stop(struct tracefmt_reader *r, bool truncated,
							const char *fmt, ...)
{
	va_list ap;
	r->done = true;
	if (truncated)
		r->st.truncated = true;
	va_start(ap, fmt);
	vsnprintf(r->st.stop_reason, sizeof(r->st.stop_reason), fmt, ap);
	va_end(ap);
	r->problem_seen = true;
}

__attribute__((format(printf, 3, 4))) static void corrupt(struct tracefmt_reader *r, uint64_t off,
							   const char *fmt, ...)
{
	r->st.blocks_corrupt++;
	r->problem_seen = true;
	if (r->st.first_corruption[0])
		return;
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->st.first_corruption, sizeof(r->st.first_corruption), "block at offset %llu: %s",
		 (unsigned long long)off, why);
}

/* Offset of the next valid block header after @from, or 0 if none. */
static uint64_t resync(struct tracefmt_reader *r, uint64_t from)
{
	uint8_t buf[RESYNC_CHUNK + TF_BLOCK_HDR_LEN];
	uint64_t off = from;

	while (off + TF_BLOCK_HDR_LEN <= r->st.file_size) {
		size_t want = RESYNC_CHUNK + TF_BLOCK_HDR_LEN;
		if (off + want > r->st.file_size)
			want = (size_t)(r->st.file_size - off);
		if (tf_pread_all(r->fd, buf, want, off))
			return 0;
		for (size_t i = 0; i + TF_BLOCK_HDR_LEN <= want; i++) {
			if (buf[i] != 'B' || memcmp(buf + i, TF_BLOCK_MAGIC, 4))
				continue;
			struct tf_block_hdr h;
			const char *why;
			if (!tf_block_hdr_decode(buf + i, &h, &why))
				return off + i;
		}
		if (want < RESYNC_CHUNK + TF_BLOCK_HDR_LEN)
			break;
		off += RESYNC_CHUNK;
	}
	return 0;
}

/* Skip from a bad header at r->pos to the next good one; false at the end. */
static bool skip_bad_header(struct tracefmt_reader *r, const char *why)
{
	uint64_t next = resync(r, r->pos + 1);
	corrupt(r, r->pos, "%s", why);
	if (!next) {
		r->st.bytes_skipped += r->st.file_size - r->pos;
		stop(r, false, "no valid block header after offset %llu (%llu bytes unreadable)",
		     (unsigned long long)r->pos, (unsigned long long)(r->st.file_size - r->pos));
		return false;
	}
	r->st.bytes_skipped += next - r->pos;
	r->pos = next;
	return true;
}

static bool block_sane(const struct tf_block_hdr *h, const char **why)
{
	if (h->codec != TF_CODEC_ZSTD && h->codec != TF_CODEC_NONE)
		*why = "field codec: unknown compression codec";
	else if (h->raw_len > TRACEFMT_BLOCK_MAX_RAW)
		*why = "field raw_len: larger than the 1 MiB block limit";
	else if (h->stored_len > ZSTD_compressBound(TRACEFMT_BLOCK_MAX_RAW))
		*why = "field stored_len: larger than any valid block";
	else if (h->nr_records > TRACEFMT_BLOCK_MAX_RECORDS)
		*why = "field nr_records: larger than the 65536-record block limit";
	else if (h->codec == TF_CODEC_NONE && h->stored_len != h->raw_len)
		*why = "fields stored_len and raw_len differ in an uncompressed block";
	else
		return true;
	return false;
}

/*
 * Room for @n slots; false (and the block is skipped as corrupt) without
 * memory. The array has a whole event's bytes to spare at its end, because
 * records are decoded in place (see decode_block()): the decoder clears 48
 * bytes of the union, 16 more than a slot holds, which land in the next
 * slot before it is decoded, or in the spare bytes.
 */
static bool slots_reserve(struct tracefmt_reader *r, uint32_t n)
{
	if (n <= r->slots_cap)
		return true;
	struct tf_slot *s = realloc(r->slots, (size_t)n * sizeof(*s) + sizeof(struct tracefmt_event));
	if (!s)
		return false;
	r->slots = s;
	uint32_t *t = realloc(r->col_tmp, TF_COLUMNS_TMP(n) * sizeof(*t));
	if (!t)
		return false;
	r->col_tmp = t;
	r->slots_cap = n;
	return true;
}

/* The type of the record at @p when its tag is one byte, else 0. */
static inline uint32_t peek_type(const uint8_t *p)
{
	return *p < 0x80 ? (uint32_t)*p >> 2 : 0;
}

/*
 * Decode the row-form record at *@cur into @s: a record of a type that fits
 * a slot straight into it (the hot path), others through r->scratch, with
 * what redecode() needs kept in the slot. Returns 1 (kept), 0 (a type this
 * reader does not know, skipped) or the codec's error with @why set. Also
 * the row decoder of field-major blocks (tf_columns_decode()).
 */
static inline __attribute__((always_inline)) int row_to_slot(void *ctx, struct tf_codec *codec,
							     const uint8_t **cur,
							     const uint8_t *end,
							     struct tf_slot *s, char *why,
							     size_t len)
{
	struct tracefmt_reader *r = ctx;
	const uint8_t *rec = *cur;
	uint32_t type = peek_type(rec);
	bool in_place = type < sizeof(type_fits_slot) && type_fits_slot[type];
	struct tracefmt_event *ev = in_place ? (struct tracefmt_event *)(void *)s : &r->scratch;
	const char *msg;

	if (!in_place)
		r->before = *codec;
	int rc = tf_record_decode(codec, cur, end, ev, &msg);
	if (__builtin_expect(rc == 1, 1)) {
		if (in_place)
			return 1;
		memcpy(s, ev, offsetof(struct tf_slot, u));
		s->redecode = 1;
		s->u.again.codec = r->before;
		s->u.again.raw_off = (uint32_t)(rec - r->raw);
		return 1;
	}
	if (rc == 0)
		return 0;
	if (rc == -ERANGE)
		tracefmt_event_check(ev, why, len);
	else
		snprintf(why, len, "%s", msg);
	return rc;
}

static int row_to_slot_fn(void *ctx, struct tf_codec *codec, const uint8_t **cur,
			  const uint8_t *end, struct tf_slot *s, char *why, size_t len)
{
	return row_to_slot(ctx, codec, cur, end, s, why, len);
}

/* A block's records are in the slots: hand them out from the first. */
static void slots_ready(struct tracefmt_reader *r, uint32_t kept, uint32_t seen)
{
	r->nr_slots = kept;
	r->next_slot = 0;
	r->st.skipped_records += seen - kept;
}

/*
 * Decode every record of the row-form payload (kind 1) in r->raw into
 * slots, checking each one. Only when the whole block is good are its
 * records made available; otherwise it is counted corrupt and the first
 * problem described.
 */
static bool decode_rows(struct tracefmt_reader *r, const struct tf_block_hdr *h, uint64_t off)
{
	const uint8_t *cur = r->raw, *end = r->raw + r->raw_len;
	struct tf_codec codec;
	uint32_t kept = 0, seen = 0;
	char why[120];

	tf_codec_reset(&codec, h->first_ts_ns);
	while (cur < end) {
		const uint8_t *rec = cur;

		/* Checked first: with nr_records 0 there are no slots to point into. */
		if (seen == h->nr_records) {
			corrupt(r, off, "field nr_records is %u but the payload holds more records "
				"(the next at payload byte %zu)", h->nr_records, (size_t)(rec - r->raw));
			return false;
		}
		int rc = row_to_slot(r, &codec, &cur, end, &r->slots[kept], why, sizeof(why));
		seen++;
		if (__builtin_expect(rc >= 0, 1)) {
			kept += (uint32_t)rc;
			continue;
		}
		corrupt(r, off, "record %u at payload byte %zu: %s", seen - 1, (size_t)(rec - r->raw),
			why);
		return false;
	}
	if (seen != h->nr_records) {
		corrupt(r, off, "field nr_records is %u but the payload holds %u records",
			h->nr_records, seen);
		return false;
	}
	slots_ready(r, kept, seen);
	return true;
}

/* The same for a field-major payload (kind 3, FORMAT.md §4.1). */
static bool decode_columns(struct tracefmt_reader *r, const struct tf_block_hdr *h, uint64_t off)
{
	uint32_t kept, bad;
	char why[160];
	int rc = tf_columns_decode(r->raw, r->raw_len, h->nr_records, h->first_ts_ns, r->slots,
				   &kept, row_to_slot_fn, r, r->col_tmp, &bad, why, sizeof(why));

	if (rc) {
		corrupt(r, off, "record %u: %s", bad, why);
		return false;
	}
	slots_ready(r, kept, h->nr_records);
	return true;
}

static bool decode_block(struct tracefmt_reader *r, const struct tf_block_hdr *h, uint64_t off)
{
	if (!slots_reserve(r, h->nr_records)) {
		corrupt(r, off, "no memory for its %u records", h->nr_records);
		return false;
	}
	if (h->kind == TF_BLOCK_COLUMNS)
		return decode_columns(r, h, off);
	return decode_rows(r, h, off);
}

/* The end block's payload: the writer's totals of records and record blocks. */
static bool read_totals(struct tracefmt_reader *r, const struct tf_block_hdr *h, uint64_t off)
{
	const uint8_t *p = r->raw, *end = r->raw + r->raw_len;
	uint64_t v[2];

	if (h->nr_records != 0) {
		corrupt(r, off, "end block: field nr_records is %u, not 0", h->nr_records);
		return false;
	}
	for (int i = 0; i < 2; i++) {
		uint64_t x = 0;
		unsigned int shift = 0;
		for (;;) {
			if (p == end || shift > 63) {
				corrupt(r, off, "end block: payload does not hold the %s total",
					i ? "blocks" : "records");
				return false;
			}
			uint8_t b = *p++;
			x |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80))
				break;
		}
		v[i] = x;
	}
	/* Later minor versions may append more totals: they are not read. */
	r->st.records_expected = v[0];
	r->st.blocks_expected = v[1];
	return true;
}

/* "65536 records and 1 block missing", "1 block extra", ... into @buf. */
static void describe_difference(const struct tracefmt_reader_stats *st, char *buf, size_t len)
{
	const char *rw = st->records_missing ? "missing" : "extra";
	const char *bw = st->blocks_missing ? "missing" : "extra";
	uint64_t rn = st->records_missing ? st->records_missing : st->records_extra;
	uint64_t bn = st->blocks_missing ? st->blocks_missing : st->blocks_extra;

	if (rn && bn && !strcmp(rw, bw))
		snprintf(buf, len, "%llu record%s and %llu block%s %s", (unsigned long long)rn,
			 rn == 1 ? "" : "s", (unsigned long long)bn, bn == 1 ? "" : "s", rw);
	else if (rn && bn)
		snprintf(buf, len, "%llu record%s %s, %llu block%s %s", (unsigned long long)rn,
			 rn == 1 ? "" : "s", rw, (unsigned long long)bn, bn == 1 ? "" : "s", bw);
	else if (rn)
		snprintf(buf, len, "%llu record%s %s", (unsigned long long)rn, rn == 1 ? "" : "s", rw);
	else
		snprintf(buf, len, "%llu block%s %s", (unsigned long long)bn, bn == 1 ? "" : "s", bw);
}

/*
 * Compare what was read with the end block's totals, note data after it,
 * and decide whether the trace is complete; stop_reason says what is not.
 */
static void check_totals(struct tracefmt_reader *r, uint64_t end_off)
{
	struct tracefmt_reader_stats *st = &r->st;
	uint64_t records = st->records + st->skipped_records;
	size_t used = 0;

	st->end_seen = true;
	st->end_offset = end_off;
	if (records < st->records_expected)
		st->records_missing = st->records_expected - records;
	else
		st->records_extra = records - st->records_expected;
	if (st->record_blocks < st->blocks_expected)
		st->blocks_missing = st->blocks_expected - st->record_blocks;
	else
		st->blocks_extra = st->record_blocks - st->blocks_expected;

	if (st->records_missing || st->records_extra || st->blocks_missing || st->blocks_extra) {
		char diff[80];
		describe_difference(st, diff, sizeof(diff));
		used = (size_t)snprintf(st->stop_reason, sizeof(st->stop_reason),
					"end block at offset %llu counts %llu records in %llu blocks; "
					"read %llu in %llu: %s",
					(unsigned long long)end_off,
					(unsigned long long)st->records_expected,
					(unsigned long long)st->blocks_expected,
					(unsigned long long)records,
					(unsigned long long)st->record_blocks, diff);
		if (st->blocks_unknown && used < sizeof(st->stop_reason))
			used += (size_t)snprintf(st->stop_reason + used, sizeof(st->stop_reason) - used,
						 " (kind %u block at offset %llu skipped)",
						 r->first_unknown_kind,
						 (unsigned long long)r->first_unknown_off);
	}
	if (r->pos < st->file_size) {
		uint8_t magic[TF_MAGIC_LEN];
		bool trace = st->file_size - r->pos >= TF_MAGIC_LEN &&
			     !tf_pread_all(r->fd, magic, sizeof(magic), r->pos) &&
			     !memcmp(magic, TF_MAGIC, TF_MAGIC_LEN);
		st->trailing_offset = r->pos;
		st->trailing_bytes = st->file_size - r->pos;
		st->bytes_skipped += st->trailing_bytes;
		if (used < sizeof(st->stop_reason))
			snprintf(st->stop_reason + used, sizeof(st->stop_reason) - used,
				 "%s%llu bytes after the end block, from offset %llu%s", used ? "; " : "",
				 (unsigned long long)st->trailing_bytes, (unsigned long long)r->pos,
				 trace ? " (another trace's preamble starts there)" : "");
	}
	st->complete = !st->stop_reason[0] && !st->blocks_corrupt;
	if (!st->complete && !st->stop_reason[0])
		snprintf(st->stop_reason, sizeof(st->stop_reason),
			 "the end block's totals agree, but %llu corrupt blocks were skipped",
			 (unsigned long long)st->blocks_corrupt);
}

/* A good record block was read whole: count it. */
static void block_read(struct tracefmt_reader *r)
{
	r->st.blocks_ok++;
	if (!r->problem_seen)
		r->st.intact_end = r->pos;
}

/*
 * Room for the block's stored and raw bytes. Buffers grow to the largest
 * block seen, so a small trace never costs the 2 MiB a full block needs.
 */
static bool buffers_reserve(struct tracefmt_reader *r, const struct tf_block_hdr *h)
{
	size_t stored = h->stored_len ? h->stored_len : 1, raw = h->raw_len ? h->raw_len : 1;

	if (stored > r->stored_cap) {
		uint8_t *p = realloc(r->stored, stored);
		if (!p)
			return false;
		r->stored = p;
		r->stored_cap = stored;
	}
	if (raw > r->raw_cap) {
		/* TF_COLUMNS_PAD readable bytes past the payload (tf_columns_decode()) */
		uint8_t *p = realloc(r->raw, raw + TF_COLUMNS_PAD);
		if (!p)
			return false;
		memset(p + r->raw_cap, 0, raw + TF_COLUMNS_PAD - r->raw_cap);
		r->raw = p;
		r->raw_cap = raw;
	}
	return true;
}

/*
 * Load the next block of records. Returns true if one is ready. Not inlined:
 * next() stays a leaf that saves no registers, once per block is enough.
 */
static __attribute__((noinline)) bool load_block(struct tracefmt_reader *r)
{
	while (!r->done) {
		uint8_t hb[TF_BLOCK_HDR_LEN];
		struct tf_block_hdr h;
		const char *why;
		uint64_t left = r->st.file_size - r->pos;
		int rc;

		if (left == 0) {
			stop(r, true, "no end block: the trace was not finished (ends at offset %llu)",
			     (unsigned long long)r->pos);
			return false;
		}
		if (left < TF_BLOCK_HDR_LEN) {
			stop(r, true, "file ends inside a block header at offset %llu (%llu bytes left)",
			     (unsigned long long)r->pos, (unsigned long long)left);
			return false;
		}
		rc = tf_pread_all(r->fd, hb, sizeof(hb), r->pos);
		if (rc) {
			stop(r, false, "read error at offset %llu: %s", (unsigned long long)r->pos,
			     strerror(-rc));
			return false;
		}
		hash_read(r, r->pos, hb, sizeof(hb));
		if (tf_block_hdr_decode(hb, &h, &why) || !block_sane(&h, &why)) {
			if (!skip_bad_header(r, why))
				return false;
			continue;
		}
		if (h.stored_len > left - TF_BLOCK_HDR_LEN) {
			stop(r, true, "file ends inside the block at offset %llu (field stored_len %u: "
			     "%llu payload bytes missing)", (unsigned long long)r->pos, h.stored_len,
			     (unsigned long long)(h.stored_len - (left - TF_BLOCK_HDR_LEN)));
			return false;
		}
		uint64_t off = r->pos;
		r->pos += TF_BLOCK_HDR_LEN + h.stored_len;
		if (!buffers_reserve(r, &h)) {
			stop(r, false, "no memory for the block at offset %llu (field raw_len %u)",
			     (unsigned long long)off, h.raw_len);
			return false;
		}
		rc = tf_pread_all(r->fd, r->stored, h.stored_len, off + TF_BLOCK_HDR_LEN);
		if (rc) {
			stop(r, false, "read error at offset %llu: %s", (unsigned long long)off,
			     strerror(-rc));
			return false;
		}
		hash_read(r, off + TF_BLOCK_HDR_LEN, r->stored, h.stored_len);
		if (tf_crc32c(0, r->stored, h.stored_len) != h.payload_crc) {
			corrupt(r, off, "field payload_crc does not match the payload");
			continue;
		}
		r->raw_len = h.raw_len;
		if (h.codec == TF_CODEC_ZSTD) {
			size_t n = ZSTD_decompressDCtx(r->dctx, r->raw, h.raw_len,
						       r->stored, h.stored_len);
			if (ZSTD_isError(n) || n != h.raw_len) {
				corrupt(r, off, "payload does not decompress to field raw_len (%u bytes)",
					h.raw_len);
				continue;
			}
		} else {
			memcpy(r->raw, r->stored, h.raw_len);
		}
		if (h.kind == TF_BLOCK_END) {
			if (!read_totals(r, &h, off))
				continue;
			block_read(r);
			r->done = true;
			check_totals(r, off);
			return false;
		}
		if (h.kind != TF_BLOCK_RECORDS && h.kind != TF_BLOCK_COLUMNS) {
			/* A block kind from a newer minor version: skip it whole. */
			if (!r->st.blocks_unknown++) {
				r->first_unknown_off = off;
				r->first_unknown_kind = h.kind;
			}
			block_read(r);
			continue;
		}
		if (!decode_block(r, &h, off))
			continue;
		r->st.record_blocks++;
		block_read(r);
		if (r->nr_slots)
			return true;
	}
	return false;
}

/* A record too large for its slot: decode it again from the block. */
static void redecode(struct tracefmt_reader *r, const struct tf_slot *s, struct tracefmt_event *ev)
{
	struct tf_codec codec = s->u.again.codec;
	const uint8_t *cur = r->raw + s->u.again.raw_off;
	const char *why;

	/* It decoded and passed its checks a moment ago, from the same bytes. */
	tf_record_decode(&codec, &cur, r->raw + r->raw_len, ev, &why);
}

int tracefmt_reader_next(struct tracefmt_reader *r, struct tracefmt_event *ev)
{
	while (__builtin_expect(r->next_slot == r->nr_slots, 0)) {
		r->nr_slots = r->next_slot = 0;
		if (!load_block(r))
			return 0;
	}
	const struct tf_slot *s = &r->slots[r->next_slot++];
	if (__builtin_expect(!s->redecode, 1)) {
		memcpy(ev, s, SLOT_BYTES);
		memset((uint8_t *)ev + SLOT_BYTES, 0, EVENT_UNION_BYTES - SLOT_UNION_BYTES);
	} else {
		redecode(r, s, ev);
	}
	r->st.records++;
	return 1;
}
