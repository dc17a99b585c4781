// SPDX-License-Identifier: MIT
/*
 * Line input for the text importers: a file, stdin or a memory buffer, plain
 * or compressed (gzip through zlib, zstd through libzstd; the first bytes
 * decide), cut into lines with bounded memory. A compressed stream that ends
 * early or does not decode is an error that names the file and the
 * compressed byte offset, never a quiet end of input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "import_internal.h"

#define RAW_BUF (64u << 10)
#define OUT_BUF (256u << 10)

enum textin_codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

struct textin {
	char name[4096];	/* for messages: the path as given */
	int fd;			/* -1 for a memory source */
	bool own_fd;
	const uint8_t *mem;	/* memory source */
	size_t mem_len, mem_pos;
	bool raw_eof;

	uint8_t *raw;		/* compressed bytes read, not yet decoded */
	size_t raw_pos, raw_len;
	uint64_t raw_offset;	/* compressed bytes consumed before raw[0] */

	enum textin_codec codec;
	z_stream z;
	bool z_init;
	bool z_member_done;	/* inflate finished a gzip member */
	ZSTD_DStream *zs;
	size_t zs_hint;		/* last ZSTD_decompressStream result: 0 = frame done */

	char *out;		/* decoded text */
	size_t out_pos, out_len;
	bool out_eof;

	char line[TEXTIN_LINE_MAX + 1];
};

/* Refill raw[] from the source; keeps unconsumed bytes. */
static int raw_fill(struct textin *in, struct bs_error *err)
{
	if (in->raw_pos > 0) {
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
		in->raw_offset += in->raw_pos;
		in->raw_len -= in->raw_pos;
		in->raw_pos = 0;
	}
	if (in->raw_eof || in->raw_len == RAW_BUF)
		return 0;
	if (in->fd < 0) {
		size_t n = in->mem_len - in->mem_pos;
		if (n > RAW_BUF - in->raw_len)
			n = RAW_BUF - in->raw_len;
		memcpy(in->raw + in->raw_len, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		in->raw_len += n;
		if (in->mem_pos == in->mem_len)
			in->raw_eof = true;
		return 0;
	}
	for (;;) {
		ssize_t n = read(in->fd, in->raw + in->raw_len, RAW_BUF - in->raw_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			tracefmt_error_set(err, BS_AT(in->name, in->raw_offset + in->raw_len), -e,
					   "read failed: %s",
					   strerror(e));
			return -e;
		}
		if (n == 0)
			in->raw_eof = true;
		in->raw_len += (size_t)n;
		return 0;
	}
}

static int bad_stream(struct textin *in, struct bs_error *err, const char *what)
{
	tracefmt_error_set(err, BS_AT(in->name, in->raw_offset + in->raw_pos), -EBADMSG, "%s",
			   what);
	return -EBADMSG;
}

static int decode_gzip(struct textin *in, struct bs_error *err)
{
	if (in->z_member_done) {
		/* Concatenated members (gzip a; gzip b; cat) decode as one text. */
		if (in->raw_pos == in->raw_len && in->raw_eof) {
			in->out_eof = true;
			return 0;
		}
		if (in->raw_len - in->raw_pos < 2) {
			if (in->raw_eof)
				return bad_stream(in, err, "trailing garbage after the gzip stream");
			return raw_fill(in, err);
		}
		if (in->raw[in->raw_pos] != 0x1f || in->raw[in->raw_pos + 1] != 0x8b)
			return bad_stream(in, err, "trailing garbage after the gzip stream");
		if (inflateReset(&in->z) != Z_OK)
			return bad_stream(in, err, "gzip decoder reset failed");
		in->z_member_done = false;
	}
	in->z.next_in = in->raw + in->raw_pos;
	in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
	in->z.next_out = (Bytef *)in->out;
	in->z.avail_out = OUT_BUF;
	int rc = inflate(&in->z, Z_NO_FLUSH);
	in->raw_pos = in->raw_len - in->z.avail_in;
	in->out_len = OUT_BUF - in->z.avail_out;
	if (rc == Z_STREAM_END) {
		in->z_member_done = true;
		return 0;
	}
	if (rc == Z_BUF_ERROR || (rc == Z_OK && in->out_len == 0)) {
		/* No progress: needs more input. */
		if (in->raw_eof && in->raw_pos == in->raw_len)
			return bad_stream(in, err, "gzip stream is truncated (ends inside a member)");
		return raw_fill(in, err);
	}
	if (rc != Z_OK) {
		char what[96];
		snprintf(what, sizeof(what), "gzip stream is corrupt (%s)",
			 in->z.msg ? in->z.msg : "inflate failed");
		return bad_stream(in, err, what);
	}
	return 0;
}

static int decode_zstd(struct textin *in, struct bs_error *err)
{
	bool draining = false;

	if (in->raw_pos == in->raw_len) {
		if (!in->raw_eof)
			return raw_fill(in, err);
		if (in->zs_hint == 0) {
			in->out_eof = true;
			return 0;
		}
		/* The decoder may still hold output that did not fit last time. */
		draining = true;
	}
	ZSTD_inBuffer ib = { in->raw, in->raw_len, in->raw_pos };
	ZSTD_outBuffer ob = { in->out, OUT_BUF, 0 };
	size_t rc = ZSTD_decompressStream(in->zs, &ob, &ib);
	in->raw_pos = ib.pos;
	in->out_len = ob.pos;
	if (ZSTD_isError(rc)) {
		char what[96];
		snprintf(what, sizeof(what), "zstd stream is corrupt (%s)", ZSTD_getErrorName(rc));
		return bad_stream(in, err, what);
	}
	in->zs_hint = rc;
	if (draining && in->out_len == 0)
		return bad_stream(in, err, "zstd stream is truncated (ends inside a frame)");
	if (in->raw_pos == in->raw_len && !in->raw_eof)
		return raw_fill(in, err);
	return 0;
}

/* Produce more decoded text in out[] (out_len > 0), or set out_eof. */
static int out_fill(struct textin *in, struct bs_error *err)
{
	in->out_pos = 0;
	in->out_len = 0;
	while (in->out_len == 0 && !in->out_eof) {
		int rc = 0;
		switch (in->codec) {
		case CODEC_PLAIN:
			if (in->raw_pos == in->raw_len) {
				if (in->raw_eof) {
					in->out_eof = true;
					break;
				}
				rc = raw_fill(in, err);
				break;
			}
			in->out_len = in->raw_len - in->raw_pos;
			memcpy(in->out, in->raw + in->raw_pos, in->out_len);
			in->raw_pos = in->raw_len;
			break;
		case CODEC_GZIP:
			rc = decode_gzip(in, err);
			break;
		case CODEC_ZSTD:
			rc = decode_zstd(in, err);
			break;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int detect_codec(struct textin *in, struct bs_error *err)
{
	/* Short inputs end before 4 bytes: whatever is there decides. */
	while (in->raw_len < 4 && !in->raw_eof) {
		int rc = raw_fill(in, err);
		if (rc < 0)
			return rc;
	}
	const uint8_t *p = in->raw;
	if (in->raw_len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		in->codec = CODEC_GZIP;
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			return bad_stream(in, err, "cannot start the gzip decoder");
		in->z_init = true;
	} else if (in->raw_len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
		   p[3] == 0xfd) {
		in->codec = CODEC_ZSTD;
		in->zs = ZSTD_createDStream();
		if (!in->zs)
			return bad_stream(in, err, "cannot start the zstd decoder");
		in->zs_hint = 1;
	}
	return 0;
}

static struct textin *textin_alloc(const char *name)
{
	struct textin *in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->fd = -1;
	in->raw = malloc(RAW_BUF);
	in->out = malloc(OUT_BUF);
	if (!in->raw || !in->out) {
		textin_close(in);
		errno = ENOMEM;
		return NULL;
	}
	snprintf(in->name, sizeof(in->name), "%s", name);
	return in;
}

/* Read the first bytes for the codec; on failure close @in and return NULL. */
static struct textin *textin_start(struct textin *in, struct bs_error *err)
{
	int rc = detect_codec(in, err);

	if (rc < 0) {
		textin_close(in);
		errno = -rc;
		return NULL;
	}
	return in;
}

struct textin *textin_open_path(const char *path, struct bs_error *err)
{
	struct textin *in = textin_alloc(strcmp(path, "-") ? path : "<stdin>");
	if (!in) {
		tracefmt_error_set(err, BS_IN(path), -ENOMEM, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (!strcmp(path, "-")) {
		in->fd = STDIN_FILENO;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			int e = errno;
			tracefmt_error_set(err, BS_IN(path), -e, "cannot open: %s", strerror(e));
			textin_close(in);
			errno = e;
			return NULL;
		}
		in->own_fd = true;
	}
	struct stat st;
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		tracefmt_error_set(err, BS_IN(path), -EISDIR, "cannot read: %s", strerror(EISDIR));
		textin_close(in);
		errno = EISDIR;
		return NULL;
	}
	return textin_start(in, err);
}

struct textin *textin_open_fd(int fd, const char *name, struct bs_error *err)
{
	struct textin *in = textin_alloc(name);
	if (!in) {
		close(fd);
		tracefmt_error_set(err, BS_IN(name), -ENOMEM, "%s", strerror(ENOMEM));
		return NULL;
	}
	in->fd = fd;
	in->own_fd = true;
	return textin_start(in, err);
}

struct textin *textin_open_mem(const void *data, size_t len, const char *name)
{
	struct textin *in = textin_alloc(name ? name : "<memory>");
	if (!in)
		return NULL;
	in->mem = data;
	in->mem_len = len;
	if (len == 0)
		in->raw_eof = true;
	if (detect_codec(in, NULL) < 0) {
		textin_close(in);
		errno = EBADMSG;
		return NULL;
	}
	return in;
}

int textin_next_line(struct textin *in, char **line, size_t *len, bool *truncated,
		     struct bs_error *err)
{
	size_t n = 0;
	bool cut = false, any = false;

	for (;;) {
		if (in->out_pos == in->out_len) {
			if (in->out_eof)
				break;
			int rc = out_fill(in, err);
			if (rc < 0)
				return rc;
			continue;
		}
		any = true;
		const char *start = in->out + in->out_pos;
		size_t avail = in->out_len - in->out_pos;
		const char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		size_t keep = take;
		if (keep > TEXTIN_LINE_MAX - n) {
			keep = TEXTIN_LINE_MAX - n;
			cut = true;
		}
		memcpy(in->line + n, start, keep);
		n += keep;
		in->out_pos += take + (nl ? 1 : 0);
		if (nl)
			goto done;
	}
	if (!any)
		return 0;
done:
	if (n > 0 && in->line[n - 1] == '\r')
		n--;
	in->line[n] = '\0';
	*line = in->line;
	*len = n;
	if (truncated)
		*truncated = cut;
	return 1;
}

const char *textin_codec(const struct textin *in)
{
	switch (in->codec) {
	case CODEC_GZIP:
		return "gzip";
	case CODEC_ZSTD:
		return "zstd";
	default:
		return "plain";
	}
}

void textin_close(struct textin *in)
{
	if (!in)
		return;
	if (in->own_fd && in->fd >= 0)
		close(in->fd);
	if (in->z_init)
		inflateEnd(&in->z);
	ZSTD_freeDStream(in->zs);
	free(in->raw);
	free(in->out);
	free(in);
}
