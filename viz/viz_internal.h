/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared between the files of the viz library and nowhere
 * else: the store handle's layout, blob codecs, and small helpers.
 */
#ifndef BUDDYSCOPE_VIZ_INTERNAL_H
#define BUDDYSCOPE_VIZ_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>

#include "viz.h"

/* PRAGMA application_id of a buddyscope store: "BDYS". */
#define VIZ_APPLICATION_ID 0x42445953

struct viz_zone_shape {
	int64_t run_id;
	uint32_t idx;
	uint32_t nr_orders;
	uint32_t nr_migratetypes;
};

struct viz_store {
	sqlite3 *db;
	char *path;
	int readonly;
	int version;			/* PRAGMA user_version as opened (after any upgrade) */
	int in_tx;			/* a write transaction is open */
	uint32_t pending;		/* rows written since the last commit */
	sqlite3_stmt *ins_sample;
	struct viz_zone_shape *shapes;	/* zones of runs written by this handle */
	size_t nr_shapes;
	size_t cap_shapes;
	struct bs_error last;		/* the last failure on this handle (viz_store_error) */
};

/*
 * A read failed with @ret: @err gets the refused row's sentence when a
 * reader left one, else "<store>: <fmt>: <strerror>".
 */
void viz_read_err(struct bs_error *err, const struct viz_store *s, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Say which row a reader refused, in the handle's last error (viz_store_error()). */
void viz_row_error_set(struct viz_store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The viz module's one error setter: @err (may be NULL) gets the sentence
 * through bs_error_vformat(), code 0 (the return value carries the errno).
 */
void viz_err_set(struct bs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * SQLite's last error on @s as -errno (SQLITE_FULL is -ENOSPC, a read-only
 * file -EROFS or the system's errno, ...), with a message naming the store
 * kept in @s->last and copied to @err.
 */
int viz_sql_fail(struct viz_store *s, struct bs_error *err);

/* Sample times beyond 2^62 ns (146 years) are damage, not data. */
#define VIZ_MAX_T_NS (INT64_C(1) << 62)

/* Run SQL with no result rows; -errno and a message naming the store on error. */
int viz_exec(struct viz_store *s, const char *sql, struct bs_error *err);
int viz_tx_begin(struct viz_store *s);
int viz_tx_commit(struct viz_store *s);

/* Unsigned LEB128 and zigzag varints used by the sample blobs. */
size_t viz_varint_put(uint8_t *p, uint64_t v);
/* Return: bytes read, 0 when the blob ends inside a varint. */
size_t viz_varint_get(const uint8_t *p, size_t len, uint64_t *v);
static inline uint64_t viz_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t viz_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/*
 * Decode a blob of @n varints into @out (zigzag when @is_signed).
 * Return: 0, or -EINVAL when the blob holds fewer than @n values.
 */
int viz_blob_decode(const void *blob, size_t len, size_t n, int is_signed, int64_t *out);

/* Sample time of a zone bin as used by every grid (see struct viz_series). */
uint32_t viz_time_bin(int64_t t, int64_t t0, int64_t t1, uint32_t nr_bins);

/* ISO 8601 UTC text of a unix-ms time into @buf ("" for 0). */
void viz_time_iso(int64_t unix_ms, char *buf, size_t len);

/* Format a time in ns as seconds with a sensible precision. */
void viz_fmt_seconds(int64_t t_ns, char *buf, size_t len);

/* A zone's migratetype names as a JSON array, and back. */
char *viz_mt_names_json(const struct viz_zone_info *z);
void viz_mt_names_parse(const char *json, struct viz_zone *z);

/*
 * Write a memory buffer to a file: under a temporary name, renamed over
 * @path when complete (outfile.h); -errno as it was (-ENOSPC).
 */
int viz_file_write(const char *path, const void *data, size_t len);

/* Record a rendered file in the reports table. */
int viz_report_index(struct viz_store *s, int64_t run_id, int64_t base_run_id, const char *kind,
		     const char *format, const char *path, int width, int height,
		     const char *sha256);

#endif
