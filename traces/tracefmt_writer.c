/* SPDX-License-Identifier: MIT */
/*
 * The streaming .bst writer. Records are collected column by column
 * (tracefmt_columns.c; or, with row_blocks, encoded one after another into
 * the raw block buffer); a full block (or an explicit flush) is compressed with zstd, checksummed and
 * appended with its header. A failed write (disk full) truncates the file back
 * to the end of the last complete block, so everything flushed before stays
 * readable, and the error sticks for later calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "outfile.h"
#include "tracefmt_internal.h"

struct tracefmt_writer {
	struct outfile of;
	int fd;			 /* of.fd */
	int error;		 /* sticky -errno */
	uint64_t offset;	 /* bytes in the file that are complete */
	uint64_t records;	 /* records appended */
	uint64_t blocks;	 /* record blocks written */
	uint32_t block_records;	 /* records per block limit */
	bool sync;
	int level;
	ZSTD_CCtx *cctx;
	bool uncompressed; /* codec 0: payloads stored as encoded */
	bool columns;	   /* field-major record blocks (kind 3); else row form (kind 1) */
	struct tf_columns cols; /* the current block, when columns */
	struct tf_codec codec;
	uint32_t nr;		 /* records in the current block */
	uint64_t first_ts_ns, last_ts_ns;
	size_t raw_len;
	uint8_t *raw;		 /* TRACEFMT_BLOCK_MAX_RAW bytes */
	uint8_t *out;		 /* header + compressed payload */
	size_t out_cap;
	/* tracefmt_writer_set_limit(): record blocks that would end past
	 * limit - TF_LIMIT_RESERVE are dropped; the reserve holds the one lost
	 * record that names them and the end block. */
	uint64_t limit;
	bool limit_reached;
	bool closing;		 /* the lost record and end block may use the reserve */
	uint64_t dropped;	 /* records dropped at the limit */
	uint64_t dropped_first_ns, dropped_last_ns;
};

/* Far more than a block of one lost record plus the end block need. */
#define TF_LIMIT_RESERVE 4096u

__attribute__((format(printf, 4, 5)))
static void set_err(struct tracefmt_error *err, uint64_t offset, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->offset = offset;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Append @len bytes at the end; on failure cut the file back and stick. */
static int emit(struct tracefmt_writer *w, const void *buf, size_t len)
{
	if (w->error)
		return w->error;
	int rc = write_all(w->fd, buf, len);
	if (!rc && w->sync && fdatasync(w->fd) < 0 && errno != EINVAL)
		rc = -errno;
	if (rc) {
		w->error = rc;
		/* Best effort: a partial block would only cost the reader a resync. */
		if (ftruncate(w->fd, (off_t)w->offset) == 0)
			lseek(w->fd, (off_t)w->offset, SEEK_SET);
		return rc;
	}
	w->offset += len;
	return 0;
}

static int write_block(struct tracefmt_writer *w, uint16_t kind, const uint8_t *raw,
		       size_t raw_len, uint32_t nr, uint64_t first_ts, uint64_t last_ts)
{
	struct tf_block_hdr h = {
		.kind = kind,
		.codec = TF_CODEC_ZSTD,
		.nr_records = nr,
		.raw_len = (uint32_t)raw_len,
		.first_ts_ns = first_ts,
		.last_ts_ns = last_ts,
	};
	uint8_t *payload = w->out + TF_BLOCK_HDR_LEN;
	size_t n = raw_len;

	if (w->uncompressed) {
		h.codec = TF_CODEC_NONE;
		memcpy(payload, raw, raw_len);
	} else {
		n = ZSTD_compressCCtx(w->cctx, payload, w->out_cap - TF_BLOCK_HDR_LEN, raw, raw_len,
				      w->level);
		if (ZSTD_isError(n))
			return w->error = -EIO;
	}
	if (w->limit && !w->closing &&
	    w->offset + TF_BLOCK_HDR_LEN + n + TF_LIMIT_RESERVE > w->limit)
		return -EFBIG; /* not sticky: the caller drops the block */
	h.stored_len = (uint32_t)n;
	h.payload_crc = tf_crc32c(0, payload, n);
	tf_block_hdr_encode(&h, w->out);
	return emit(w, w->out, TF_BLOCK_HDR_LEN + n);
}

struct tracefmt_writer *tracefmt_writer_create(const char *path, const void *header,
					       size_t header_len,
					       const struct tracefmt_writer_opts *opts,
					       struct tracefmt_error *err)
{
	struct tracefmt_writer *w = NULL;
	int rc;

	if (header_len > TF_HEADER_MAX) {
		set_err(err, 0, -EFBIG, "%s: %s", path, "header blob larger than 64 MiB");
		errno = EFBIG;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		goto nomem;
	w->fd = -1;
	w->of.fd = -1;
	w->level = opts && opts->zstd_level ? opts->zstd_level : 1;
	w->uncompressed = opts && opts->uncompressed;
	w->block_records = opts && opts->block_records ? opts->block_records
						       : TRACEFMT_BLOCK_MAX_RECORDS;
	if (w->block_records > TRACEFMT_BLOCK_MAX_RECORDS)
		w->block_records = TRACEFMT_BLOCK_MAX_RECORDS;
	w->sync = opts && opts->sync;
	w->columns = !(opts && opts->row_blocks);
	if (w->columns && tf_columns_init(&w->cols))
		goto nomem;
	w->raw = malloc(TRACEFMT_BLOCK_MAX_RAW);
	w->out_cap = TF_BLOCK_HDR_LEN + ZSTD_compressBound(TRACEFMT_BLOCK_MAX_RAW);
	w->out = malloc(w->out_cap);
	w->cctx = ZSTD_createCCtx();
	if (!w->raw || !w->out || !w->cctx)
		goto nomem;

	rc = outfile_open(&w->of, path, opts ? opts->outfile_flags : 0, 0644);
	if (rc) {
		set_err(err, 0, rc, "%s: cannot create: %s", outfile_name(&w->of),
			rc == -EEXIST ? "the file exists" : strerror(-rc));
		goto fail;
	}
	w->fd = w->of.fd;
	uint8_t pre[TF_PREAMBLE_LEN];
	memcpy(pre, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le16(pre + 8, TRACEFMT_VERSION_MAJOR);
	tf_put_le16(pre + 10, TRACEFMT_VERSION_MINOR);
	tf_put_le32(pre + 12, TF_FLAG_LITTLE_ENDIAN | (w->columns ? TF_FLAG_COLUMNS : 0));
	tf_put_le32(pre + 16, (uint32_t)header_len);
	tf_put_le32(pre + 20, tf_crc32c(0, header, header_len));
	rc = emit(w, pre, sizeof(pre));
	if (!rc && header_len)
		rc = emit(w, header, header_len);
	if (rc) {
		set_err(err, w->offset, rc, "%s: cannot write the header: %s", path,
			strerror(-rc));
		goto fail;
	}
	return w;

nomem:
	rc = -ENOMEM;
	set_err(err, 0, rc, "%s: %s", path, "out of memory");
fail:
	tracefmt_writer_abandon(w);
	errno = -rc;
	return NULL;
}

/* Count @nr records of [@first, @last] as dropped at the size limit. */
static void drop_at_limit(struct tracefmt_writer *w, uint64_t nr, uint64_t first, uint64_t last)
{
	if (!w->dropped || first < w->dropped_first_ns)
		w->dropped_first_ns = first;
	if (last > w->dropped_last_ns)
		w->dropped_last_ns = last;
	w->dropped += nr;
	w->limit_reached = true;
}

void tracefmt_writer_set_limit(struct tracefmt_writer *w, uint64_t bytes)
{
	w->limit = bytes;
}

bool tracefmt_writer_limit_reached(const struct tracefmt_writer *w)
{
	return w->limit_reached;
}

uint64_t tracefmt_writer_dropped(const struct tracefmt_writer *w)
{
	return w->dropped;
}

/* At close: one lost record for everything dropped at the limit, in the reserve. */
static int write_dropped_lost(struct tracefmt_writer *w)
{
	struct tracefmt_event ev = {
		.type = TRACEFMT_LOST,
		.cpu = TRACEFMT_CPU_UNKNOWN,
		.ts_ns = w->dropped_last_ns,
	};

	ev.u.lost.count = w->dropped;
	ev.u.lost.first_ns = w->dropped_first_ns;
	ev.u.lost.last_ns = w->dropped_last_ns;
	w->closing = true;
	w->limit_reached = false;
	int rc = tracefmt_writer_append(w, &ev);
	return rc ? rc : tracefmt_writer_flush(w);
}

int tracefmt_writer_flush(struct tracefmt_writer *w)
{
	if (w->error)
		return w->error;
	if (!w->nr)
		return 0;
	if (w->columns)
		w->raw_len = tf_columns_finish(&w->cols, w->raw);
	int rc = write_block(w, w->columns ? TF_BLOCK_COLUMNS : TF_BLOCK_RECORDS, w->raw,
			     w->raw_len, w->nr, w->first_ts_ns, w->last_ts_ns);
	if (rc == -EFBIG && !w->error) {
		drop_at_limit(w, w->nr, w->first_ts_ns, w->last_ts_ns);
		w->records -= w->nr;
		rc = 0;
	}
	w->nr = 0;
	w->raw_len = 0;
	if (!rc && !w->limit_reached)
		w->blocks++;
	return rc;
}

int tracefmt_writer_append(struct tracefmt_writer *w, const struct tracefmt_event *ev)
{
	if (w->error)
		return w->error;
	if (w->limit_reached) {
		drop_at_limit(w, 1, ev->ts_ns, ev->ts_ns);
		return 0;
	}
	/* a record takes at most TF_RECORD_MAX bytes, and its kind byte in a field-major block */
	if (w->nr && (w->nr >= w->block_records ||
		      w->raw_len + TF_RECORD_MAX + w->columns > TRACEFMT_BLOCK_MAX_RAW)) {
		int rc = tracefmt_writer_flush(w);
		if (rc)
			return rc;
		if (w->limit_reached) { /* that block was dropped: so is this record */
			drop_at_limit(w, 1, ev->ts_ns, ev->ts_ns);
			return 0;
		}
	}
	if (!w->nr) {
		if (w->columns)
			tf_columns_reset(&w->cols, ev->ts_ns);
		else
			tf_codec_reset(&w->codec, ev->ts_ns);
		w->first_ts_ns = ev->ts_ns;
		w->last_ts_ns = ev->ts_ns;
	}
	if (w->columns) {
		tf_columns_add(&w->cols, ev);
		w->raw_len = tf_columns_size(&w->cols);
	} else {
		w->raw_len += tf_record_encode(&w->codec, ev, w->raw + w->raw_len);
	}
	/* first_ts_ns stays the first record's: it is the base of the deltas. */
	if (ev->ts_ns > w->last_ts_ns)
		w->last_ts_ns = ev->ts_ns;
	w->nr++;
	w->records++;
	return 0;
}

uint64_t tracefmt_writer_records(const struct tracefmt_writer *w)
{
	return w->records;
}

uint64_t tracefmt_writer_bytes(const struct tracefmt_writer *w)
{
	return w->offset;
}

static void writer_free(struct tracefmt_writer *w)
{
	ZSTD_freeCCtx(w->cctx);
	tf_columns_release(&w->cols);
	free(w->raw);
	free(w->out);
	free(w);
}

/* A partial file is worth keeping once it holds a record block; anything else goes. */
static void writer_drop_file(struct tracefmt_writer *w)
{
	if ((w->of.flags & OUTFILE_PARTIAL) && w->blocks)
		outfile_abandon(&w->of);
	else
		outfile_discard(&w->of);
}

void tracefmt_writer_abandon(struct tracefmt_writer *w)
{
	if (!w)
		return;
	writer_drop_file(w);
	writer_free(w);
}

int tracefmt_writer_close(struct tracefmt_writer *w, struct tracefmt_error *err)
{
	if (!w)
		return 0;
	int rc = tracefmt_writer_flush(w);
	if (!rc && w->dropped)
		rc = write_dropped_lost(w);
	w->closing = true;
	if (!rc) {
		/* The end block: totals, so a reader can tell a complete trace. */
		uint8_t raw[32];
		uint8_t *p = raw;
		uint64_t vals[2] = { w->records, w->blocks };
		for (int i = 0; i < 2; i++) {
			uint64_t v = vals[i];
			while (v >= 0x80) {
				*p++ = (uint8_t)(v | 0x80);
				v >>= 7;
			}
			*p++ = (uint8_t)v;
		}
		rc = write_block(w, TF_BLOCK_END, raw, (size_t)(p - raw), 0, 0, 0);
	}
	if (!rc && w->error)
		rc = w->error;
	if (!rc) {
		char *path = strdup(w->of.path);

		rc = outfile_commit(&w->of);
		if (rc)
			set_err(err, w->offset, rc, "%s: cannot put the trace in place: %s",
				path ? path : "trace", strerror(-rc));
		free(path);
		writer_free(w);
		return rc;
	}
	if ((w->of.flags & OUTFILE_PARTIAL) && w->blocks)
		set_err(err, w->offset, rc, "%s: %s (kept with every block before this offset)",
			outfile_name(&w->of), strerror(-rc));
	else
		set_err(err, w->offset, rc, "%s: write failed: %s", w->of.path, strerror(-rc));
	tracefmt_writer_abandon(w);
	return rc;
}

/*
 * Copy one block at @off of @fd (header already decoded into @h) into @w.
 * Returns 1 copied, 0 not a record block (skipped), or -errno.
 */
static int copy_block(struct tracefmt_writer *w, int fd, uint64_t off, const struct tf_block_hdr *h,
		      uint64_t *records)
{
	size_t len = TF_BLOCK_HDR_LEN + h->stored_len;
	int rc;

	if (h->kind != TF_BLOCK_RECORDS && h->kind != TF_BLOCK_COLUMNS)
		return 0;
	if (h->kind == TF_BLOCK_COLUMNS && !w->columns)
		return -EPROTONOSUPPORT; /* readers before 1.3 would refuse the copy */
	if (len > w->out_cap)
		return -EBADMSG;
	rc = tf_pread_all(fd, w->out, len, off);
	if (rc)
		return rc;
	if (tf_crc32c(0, w->out + TF_BLOCK_HDR_LEN, h->stored_len) != h->payload_crc)
		return -EBADMSG;
	rc = emit(w, w->out, len);
	if (rc)
		return rc;
	w->records += h->nr_records;
	w->blocks++;
	*records += h->nr_records;
	return 1;
}

int tracefmt_writer_append_trace(struct tracefmt_writer *w, const char *path, uint64_t *records,
				 struct tracefmt_error *err)
{
	uint8_t pre[TF_PREAMBLE_LEN], hb[TF_BLOCK_HDR_LEN];
	uint64_t off, copied = 0;
	int fd, rc = tracefmt_writer_flush(w);

	if (records)
		*records = 0;
	if (rc) {
		set_err(err, w->offset, rc, "writing: %s", strerror(-rc));
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		set_err(err, 0, rc, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = tf_pread_all(fd, pre, sizeof(pre), 0);
	if (rc || memcmp(pre, TF_MAGIC, TF_MAGIC_LEN) ||
	    tf_get_le16(pre + 8) != TRACEFMT_VERSION_MAJOR) {
		rc = rc && rc != -ENODATA ? rc : -EBADMSG;
		set_err(err, 0, rc, "%s: not a .bst trace of format %d.x", path,
			TRACEFMT_VERSION_MAJOR);
		close(fd);
		return rc;
	}
	off = TF_PREAMBLE_LEN + (uint64_t)tf_get_le32(pre + 16);
	for (;;) {
		struct tf_block_hdr h;
		const char *why;

		rc = tf_pread_all(fd, hb, sizeof(hb), off);
		if (rc == -ENODATA) { /* the end of a trace still being written */
			rc = 0;
			break;
		}
		if (!rc && tf_block_hdr_decode(hb, &h, &why))
			rc = -EBADMSG;
		if (!rc && h.kind == TF_BLOCK_END)
			break;
		if (!rc) {
			rc = copy_block(w, fd, off, &h, &copied);
			if (rc == -ENODATA) { /* a block cut short: the writer is still at it */
				rc = 0;
				break;
			}
		}
		if (rc < 0) {
			set_err(err, off, rc, "%s: copying the block at offset %llu: %s", path,
				(unsigned long long)off,
				rc == -EBADMSG ? "the block is corrupt"
				: rc == -EPROTONOSUPPORT ? "a field-major block (format 1.3) cannot "
							   "go into a trace written with row_blocks"
							 : strerror(-rc));
			break;
		}
		off += TF_BLOCK_HDR_LEN + h.stored_len;
	}
	close(fd);
	if (records)
		*records = copied;
	return rc < 0 ? rc : 0;
}
