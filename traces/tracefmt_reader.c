/* SPDX-License-Identifier: MIT */
/*
 * The streaming .bst reader. It holds one block at a time, verifies each
 * block's header and payload checksums before decoding, skips corrupt blocks
 * by resynchronising on the next valid block header, and stops at the last
 * complete block of a file cut short, recording where and why.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "tracefmt_internal.h"

#define RESYNC_CHUNK (64u << 10)

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
	size_t stored_cap;
	uint8_t *raw;	     /* decoded payload */
	const uint8_t *cur, *end;
	uint64_t block_off;  /* offset of the current block */
	uint32_t block_nr;   /* records the current block declares */
	uint32_t block_seen; /* records decoded from it so far */
	struct tf_codec codec;
	struct tracefmt_reader_stats st;
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

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
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

struct tracefmt_reader *tracefmt_reader_open(const char *path, struct tracefmt_error *err)
{
	struct tracefmt_reader *r = calloc(1, sizeof(*r));
	uint8_t pre[TF_PREAMBLE_LEN];
	char msg[160];
	struct stat sb;
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
		set_err(err, 0, rc, path, "cannot stat");
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
	rc = pread_all(r->fd, pre, have, 0);
	if (rc) {
		set_err(err, 0, rc, path, "cannot read the preamble");
		goto fail;
	}
	if (memcmp(pre, TF_MAGIC, have < TF_MAGIC_LEN ? have : TF_MAGIC_LEN)) {
		rc = -EBADMSG;
		set_err(err, 0, rc, path, "wrong magic at offset 0: not a buddyscope trace (.bst)");
		goto fail;
	}
	if (have < TF_PREAMBLE_LEN) {
		rc = -EBADMSG;
		snprintf(msg, sizeof(msg), "file of %llu bytes is shorter than the %d-byte preamble",
			 (unsigned long long)r->st.file_size, TF_PREAMBLE_LEN);
		set_err(err, r->st.file_size, rc, path, msg);
		goto fail;
	}
	r->st.version_major = tf_get_le16(pre + 8);
	r->st.version_minor = tf_get_le16(pre + 10);
	if (r->st.version_major != TRACEFMT_VERSION_MAJOR) {
		rc = -EPROTONOSUPPORT;
		snprintf(msg, sizeof(msg),
			 "format version %u.%u is not supported (this build reads %d.x)",
			 r->st.version_major, r->st.version_minor, TRACEFMT_VERSION_MAJOR);
		set_err(err, 8, rc, path, msg);
		goto fail;
	}
	if (!(tf_get_le32(pre + 12) & TF_FLAG_LITTLE_ENDIAN)) {
		rc = -EPROTONOSUPPORT;
		set_err(err, 12, rc, path, "big-endian traces are not supported");
		goto fail;
	}
	r->header_len = tf_get_le32(pre + 16);
	if (r->header_len > TF_HEADER_MAX ||
	    r->header_len > r->st.file_size - TF_PREAMBLE_LEN) {
		rc = -EBADMSG;
		snprintf(msg, sizeof(msg), "header length %zu is absurd or past the end of the "
			 "%llu-byte file", r->header_len, (unsigned long long)r->st.file_size);
		set_err(err, 16, rc, path, msg);
		goto fail;
	}
	r->header = malloc(r->header_len + 1);
	if (!r->header) {
		rc = -ENOMEM;
		set_err(err, 16, rc, path, "out of memory for the header");
		goto fail;
	}
	rc = pread_all(r->fd, r->header, r->header_len, TF_PREAMBLE_LEN);
	if (rc) {
		set_err(err, TF_PREAMBLE_LEN, rc, path, "cannot read the header");
		goto fail;
	}
	r->header[r->header_len] = '\0';
	if (tf_crc32c(0, r->header, r->header_len) != tf_get_le32(pre + 20)) {
		rc = -EBADMSG;
		set_err(err, TF_PREAMBLE_LEN, rc, path, "header checksum mismatch (corrupt header)");
		goto fail;
	}
	r->data_start = TF_PREAMBLE_LEN + r->header_len;
	r->stored_cap = ZSTD_compressBound(TRACEFMT_BLOCK_MAX_RAW);
	r->stored = malloc(r->stored_cap);
	r->raw = malloc(TRACEFMT_BLOCK_MAX_RAW);
	r->dctx = ZSTD_createDCtx();
	if (!r->stored || !r->raw || !r->dctx) {
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
	r->cur = r->end = NULL;
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
	free(r);
}

static void note_problem(struct tracefmt_reader *r)
{
	r->problem_seen = true;
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
	note_problem(r);
}

static void corrupt(struct tracefmt_reader *r, uint64_t off, const char *why)
{
	r->st.blocks_corrupt++;
	if (!r->st.first_corruption[0])
		snprintf(r->st.first_corruption, sizeof(r->st.first_corruption),
			 "block at offset %llu: %s", (unsigned long long)off, why);
	note_problem(r);
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
		if (pread_all(r->fd, buf, want, off))
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
	corrupt(r, r->pos, why);
	if (!next) {
		r->st.bytes_skipped += r->st.file_size - r->pos;
		stop(r, false, "no valid block after offset %llu (%llu bytes unreadable)",
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
		*why = "unknown compression codec";
	else if (h->raw_len > TRACEFMT_BLOCK_MAX_RAW)
		*why = "raw size larger than the 1 MiB block limit";
	else if (h->stored_len > ZSTD_compressBound(TRACEFMT_BLOCK_MAX_RAW))
		*why = "stored size larger than any valid block";
	else if (h->nr_records > TRACEFMT_BLOCK_MAX_RECORDS)
		*why = "record count larger than the block limit";
	else if (h->codec == TF_CODEC_NONE && h->stored_len != h->raw_len)
		*why = "uncompressed block whose sizes differ";
	else
		return true;
	return false;
}

static void read_end_block(struct tracefmt_reader *r)
{
	r->st.complete = true;
	r->done = true;
	if (r->pos < r->st.file_size) {
		r->st.bytes_skipped += r->st.file_size - r->pos;
		snprintf(r->st.stop_reason, sizeof(r->st.stop_reason),
			 "%llu bytes after the end block ignored",
			 (unsigned long long)(r->st.file_size - r->pos));
	}
}

/* Load the next block of records. Returns true if one is ready. */
static bool load_block(struct tracefmt_reader *r)
{
	while (!r->done) {
		uint8_t hb[TF_BLOCK_HDR_LEN];
		struct tf_block_hdr h;
		const char *why;
		uint64_t left = r->st.file_size - r->pos;

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
		if (pread_all(r->fd, hb, sizeof(hb), r->pos)) {
			stop(r, false, "read error at offset %llu", (unsigned long long)r->pos);
			return false;
		}
		if (tf_block_hdr_decode(hb, &h, &why) || !block_sane(&h, &why)) {
			if (!skip_bad_header(r, why))
				return false;
			continue;
		}
		if (h.stored_len > left - TF_BLOCK_HDR_LEN) {
			stop(r, true, "file ends inside the block at offset %llu (%llu payload bytes "
			     "missing)", (unsigned long long)r->pos,
			     (unsigned long long)(h.stored_len - (left - TF_BLOCK_HDR_LEN)));
			return false;
		}
		uint64_t off = r->pos;
		r->pos += TF_BLOCK_HDR_LEN + h.stored_len;
		if (pread_all(r->fd, r->stored, h.stored_len, off + TF_BLOCK_HDR_LEN)) {
			stop(r, false, "read error at offset %llu", (unsigned long long)off);
			return false;
		}
		if (tf_crc32c(0, r->stored, h.stored_len) != h.payload_crc) {
			corrupt(r, off, "payload checksum mismatch");
			continue;
		}
		size_t n = h.raw_len;
		if (h.codec == TF_CODEC_ZSTD) {
			n = ZSTD_decompressDCtx(r->dctx, r->raw, TRACEFMT_BLOCK_MAX_RAW, r->stored,
						h.stored_len);
			if (ZSTD_isError(n) || n != h.raw_len) {
				corrupt(r, off, "payload does not decompress to its declared size");
				continue;
			}
		} else {
			memcpy(r->raw, r->stored, n);
		}
		if (h.kind == TF_BLOCK_END) {
			r->st.blocks_ok++;
			if (!r->problem_seen)
				r->st.intact_end = r->pos;
			read_end_block(r);
			return false;
		}
		if (h.kind != TF_BLOCK_RECORDS) {
			/* A block kind from a newer minor version: skip it whole. */
			r->st.blocks_ok++;
			continue;
		}
		r->block_off = off;
		r->block_nr = h.nr_records;
		r->block_seen = 0;
		r->cur = r->raw;
		r->end = r->raw + n;
		tf_codec_reset(&r->codec, h.first_ts_ns);
		r->st.blocks_ok++;
		if (!r->problem_seen)
			r->st.intact_end = r->pos;
		return true;
	}
	return false;
}

int tracefmt_reader_next(struct tracefmt_reader *r, struct tracefmt_event *ev)
{
	for (;;) {
		while (r->cur < r->end) {
			const char *why;
			int rc = tf_record_decode(&r->codec, &r->cur, r->end, ev, &why);
			r->block_seen++;
			if (rc == 1) {
				r->st.records++;
				return 1;
			}
			if (rc == 0) {
				r->st.skipped_records++;
				continue;
			}
			/* A checksummed block that does not decode: count it, drop the rest. */
			r->st.blocks_ok--;
			corrupt(r, r->block_off, why);
			r->cur = r->end;
			r->block_seen = r->block_nr;
		}
		if (r->cur && r->block_seen != r->block_nr) {
			r->st.blocks_ok--;
			corrupt(r, r->block_off, "record count differs from the block header");
		}
		r->cur = r->end = NULL;
		if (!load_block(r))
			return 0;
	}
}
