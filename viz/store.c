// SPDX-License-Identifier: MIT
/*
 * The run store: one SQLite file in WAL mode holding runs, their zones,
 * samples, pageblock maps, fidelity checkpoints, events, attribution and the
 * reports rendered from them (viz/SCHEMA.md). A run's row is committed on its
 * own when the run begins, with status "incomplete"; the rows that follow are
 * batched into transactions of VIZ_BATCH_ROWS so a writer killed at any point
 * leaves a valid store whose run still says it is incomplete.
 */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "viz_internal.h"

#define VIZ_BATCH_ROWS 8192
/* How long a writer waits for another to release the store. */
#define VIZ_BUSY_TIMEOUT_MS 10000

/*
 * Upgrades applied when an older store is opened for writing: schema 2 added
 * the counters table, schema 3 the runs' grid columns (a sweep point's index
 * in its grid, and the grid).
 */
#define COUNTERS_SQL \
	"CREATE TABLE IF NOT EXISTS counters (" \
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE," \
	" t_ns INTEGER NOT NULL," \
	" name TEXT NOT NULL," \
	" value INTEGER," \
	" PRIMARY KEY (run_id, name, t_ns)) WITHOUT ROWID;"

#define GRID_COLUMNS_SQL \
	"ALTER TABLE runs ADD COLUMN grid_index INTEGER;" \
	"ALTER TABLE runs ADD COLUMN grid TEXT;"

static const char schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),"
	" trace_path TEXT NOT NULL,"
	" trace_sha256 TEXT,"
	" mode TEXT NOT NULL,"
	" label TEXT,"
	" settings TEXT NOT NULL DEFAULT '{}',"
	" kernel TEXT,"
	" host TEXT,"
	" started_ms INTEGER NOT NULL DEFAULT 0,"
	" finished_ms INTEGER,"
	" status TEXT NOT NULL DEFAULT 'incomplete'"
	"  CHECK (status IN ('incomplete', 'complete', 'interrupted')),"
	" summary TEXT,"
	" grid_index INTEGER,"
	" grid TEXT);"
	"CREATE INDEX runs_by_trace ON runs (trace_sha256, started_ms);"
	"CREATE TABLE zones ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" node INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" start_pfn INTEGER NOT NULL,"
	" spanned_pages INTEGER NOT NULL,"
	" managed_pages INTEGER NOT NULL,"
	" pageblock_order INTEGER NOT NULL,"
	" nr_orders INTEGER NOT NULL,"
	" migratetypes TEXT NOT NULL,"
	" PRIMARY KEY (run_id, idx)) WITHOUT ROWID;"
	"CREATE TABLE samples ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" zone_idx INTEGER NOT NULL,"
	" t_ns INTEGER NOT NULL,"
	" free_blocks BLOB NOT NULL,"
	" nr_free_pages INTEGER NOT NULL,"
	" wmark_min INTEGER NOT NULL,"
	" wmark_low INTEGER NOT NULL,"
	" wmark_high INTEGER NOT NULL,"
	" wmark_boost INTEGER NOT NULL,"
	" frag_index BLOB NOT NULL,"
	" unusable_index BLOB NOT NULL,"
	" failures BLOB NOT NULL,"
	" fallbacks INTEGER NOT NULL,"
	" pageblock_changes INTEGER NOT NULL,"
	" kswapd_wakes INTEGER NOT NULL);"
	"CREATE INDEX samples_by_zone_time ON samples (run_id, zone_idx, t_ns);"
	"CREATE TABLE pbmaps ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" zone_idx INTEGER NOT NULL,"
	" t_ns INTEGER NOT NULL,"
	" nr_pageblocks INTEGER NOT NULL,"
	" pageblock_pages INTEGER NOT NULL,"
	" data BLOB NOT NULL,"
	" PRIMARY KEY (run_id, zone_idx, t_ns)) WITHOUT ROWID;"
	"CREATE TABLE fidelity ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" t_ns INTEGER NOT NULL,"
	" distance REAL,"
	" pfn_rate REAL);"
	"CREATE INDEX fidelity_by_time ON fidelity (run_id, t_ns);"
	"CREATE TABLE events ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" t_ns INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" text TEXT NOT NULL);"
	"CREATE INDEX events_by_kind ON events (run_id, kind, t_ns);"
	"CREATE TABLE attribution ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" comm TEXT NOT NULL,"
	" pid INTEGER NOT NULL,"
	" gfp_flags INTEGER NOT NULL,"
	" allocations INTEGER NOT NULL DEFAULT 0,"
	" failures INTEGER NOT NULL DEFAULT 0,"
	" extfrag INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (run_id, comm, pid, gfp_flags)) WITHOUT ROWID;"
	"CREATE TABLE reports ("
	" id INTEGER PRIMARY KEY,"
	" run_id INTEGER REFERENCES runs (id) ON DELETE CASCADE,"
	" base_run_id INTEGER REFERENCES runs (id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL,"
	" format TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" width INTEGER,"
	" height INTEGER,"
	" sha256 TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL);"
	"CREATE INDEX reports_by_run ON reports (run_id, kind);"
	"CREATE INDEX reports_by_path ON reports (path);"
	COUNTERS_SQL;

void viz_err_set(struct bs_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bs_error_vformat(err, BS_NOWHERE, 0, fmt, ap);
	va_end(ap);
}

/* The errno behind SQLite's last error on @db: the system's when it saw one. */
static int sql_errno(sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db), sys = sqlite3_system_errno(db);

	switch (code & 0xff) {
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_READONLY:
		return sys ? sys : EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return EACCES;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EBADMSG;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		return sys ? sys : EIO;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return EINVAL;
	default:
		return sys ? sys : EIO;
	}
}

int viz_sql_fail(struct viz_store *s, struct bs_error *err)
{
	int e = sql_errno(s->db);

	viz_err_set(&s->last, "%s: %s (%s)", s->path, sqlite3_errmsg(s->db), strerror(e));
	if (err)
		*err = s->last;
	return -e;
}

const char *viz_store_error(const struct viz_store *s)
{
	return s ? s->last.text : "";
}

int viz_exec(struct viz_store *s, const char *sql, struct bs_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return viz_sql_fail(s, err);
	return 0;
}

int viz_tx_begin(struct viz_store *s)
{
	/* A read-only handle writes nothing: there is nothing to group. */
	if (s->in_tx || s->readonly)
		return 0;
	int ret = viz_exec(s, "BEGIN IMMEDIATE", NULL);

	if (ret)
		return ret;
	s->in_tx = 1;
	s->pending = 0;
	return 0;
}

int viz_tx_commit(struct viz_store *s)
{
	if (!s->in_tx)
		return 0;
	s->in_tx = 0;
	s->pending = 0;
	return viz_exec(s, "COMMIT", NULL);
}

/* Count a written row; commit and reopen the transaction every batch. */
static int tx_row(struct viz_store *s)
{
	int ret;

	if (++s->pending < VIZ_BATCH_ROWS)
		return 0;
	ret = viz_tx_commit(s);
	return ret ? ret : viz_tx_begin(s);
}

size_t viz_varint_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

size_t viz_varint_get(const uint8_t *p, size_t len, uint64_t *v)
{
	uint64_t r = 0;

	for (size_t i = 0; i < len && i < 10; i++) {
		r |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = r;
			return i + 1;
		}
	}
	return 0;
}

int viz_blob_decode(const void *blob, size_t len, size_t n, int is_signed, int64_t *out)
{
	const uint8_t *p = blob;
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		size_t used;

		if (off < len && p[off] < 0x80) {	/* most values fit one byte */
			out[i] = is_signed ? viz_unzigzag(p[off]) : p[off];
			off++;
			continue;
		}
		if (off >= len)
			return -EINVAL;	/* short (an empty blob is NULL from SQLite) */
		used = viz_varint_get(p + off, len - off, &v);
		if (!used)
			return -EINVAL;
		off += used;
		out[i] = is_signed ? viz_unzigzag(v) : (int64_t)v;
	}
	return 0;
}

/* PRAGMA user_version, application_id and the number of schema objects. */
static int schema_read(struct viz_store *s, int *version, int *app_id, int *nr_tables)
{
	static const char *const sql[] = { "PRAGMA user_version", "PRAGMA application_id",
					    "SELECT count(*) FROM sqlite_schema" };
	int *out[] = { version, app_id, nr_tables };

	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *st = NULL;
		int ok = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) == SQLITE_OK &&
			 sqlite3_step(st) == SQLITE_ROW;

		if (ok)
			*out[i] = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (!ok)
			return -EINVAL;
	}
	return 0;
}

/* The tables of an empty store, in the caller's transaction. */
static int schema_create(struct viz_store *s, struct bs_error *err)
{
	char sql[256];
	int ret = viz_exec(s, schema_sql, err);

	if (ret)
		return ret;
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; PRAGMA application_id = %d;"
		 "INSERT INTO meta VALUES ('schema_version', '%d'), ('created_by', 'buddyscope');",
		 VIZ_SCHEMA_VERSION, VIZ_APPLICATION_ID, VIZ_SCHEMA_VERSION);
	return viz_exec(s, sql, err);
}

/*
 * An empty file (made by hand, or a 0-byte file left by an older build):
 * the schema is created under the write lock, and only if the file is still
 * empty then, so two creators never both run CREATE TABLE.
 */
static int schema_fill_empty(struct viz_store *s, int *version, int *app_id, int *nr_tables,
			     struct bs_error *err)
{
	int ret = viz_exec(s, "BEGIN IMMEDIATE", err);

	if (ret)
		return ret;
	ret = schema_read(s, version, app_id, nr_tables);
	if (!ret && *nr_tables == 0 && *version == 0) {
		ret = schema_create(s, err);
		if (!ret)
			ret = schema_read(s, version, app_id, nr_tables);
	}
	if (ret) {
		viz_exec(s, "ROLLBACK", NULL);
		return ret;
	}
	return viz_exec(s, "COMMIT", err);
}

/*
 * An older store opened for writing gets what later schemas added. The
 * version is read again under the write lock, so two writers opening the
 * same old store upgrade it once.
 */
static int schema_upgrade(struct viz_store *s, struct bs_error *err)
{
	int version = 0, app_id = 0, nr_tables = 0;
	char sql[512];
	int ret = viz_exec(s, "BEGIN IMMEDIATE", err);

	if (ret)
		return ret;
	ret = schema_read(s, &version, &app_id, &nr_tables);
	if (!ret && version < VIZ_SCHEMA_VERSION) {
		snprintf(sql, sizeof(sql), "%s %s PRAGMA user_version = %d;",
			 version < 2 ? COUNTERS_SQL : "", version < 3 ? GRID_COLUMNS_SQL : "",
			 VIZ_SCHEMA_VERSION);
		ret = viz_exec(s, sql, err);
	}
	if (ret) {
		viz_exec(s, "ROLLBACK", NULL);
		return ret;
	}
	ret = viz_exec(s, "COMMIT", err);
	if (!ret)
		s->version = VIZ_SCHEMA_VERSION;
	return ret;
}

static int check_schema(struct viz_store *s, int flags, struct bs_error *err)
{
	int version = 0, app_id = 0, nr_tables = 0, ret;

	if (schema_read(s, &version, &app_id, &nr_tables))
		goto notdb;
	if (nr_tables == 0 && version == 0) {
		if (s->readonly || !(flags & VIZ_STORE_CREATE)) {
			viz_err_set(err, "%s: empty file, not a buddyscope run store", s->path);
			return -EINVAL;
		}
		ret = schema_fill_empty(s, &version, &app_id, &nr_tables, err);
		if (ret == -EINVAL)
			goto notdb;
		if (ret)
			return ret;
	}
	if (app_id != VIZ_APPLICATION_ID) {
		viz_err_set(err, "%s: not a buddyscope run store (SQLite application_id %#x)",
			    s->path, (unsigned)app_id);
		return -EINVAL;
	}
	if (version > VIZ_SCHEMA_VERSION) {
		viz_err_set(err,
			    "%s: written by a newer buddyscope (store schema version %d, this build "
			    "reads up to %d); upgrade buddyscope to read it",
			    s->path, version, VIZ_SCHEMA_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (version < 1) {
		viz_err_set(err, "%s: store schema version %d is unknown", s->path, version);
		return -EINVAL;
	}
	s->version = version;
	if (version < VIZ_SCHEMA_VERSION && !s->readonly)
		return schema_upgrade(s, err);
	return 0;
notdb:
	/* A full disk or a missing permission is not a foreign file: say what it is. */
	switch (sqlite3_errcode(s->db) & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_ERROR:
		break;
	default:
		return viz_sql_fail(s, err);
	}
	viz_err_set(err, "%s: not an SQLite database: %s", s->path, sqlite3_errmsg(s->db));
	return -EINVAL;
}

/*
 * A new store appears whole: its schema is written into a temporary file
 * next to @path (outfile.h: O_EXCL, no symlink followed) that is renamed
 * to @path without replacing anything. Losing that race to another creator
 * is success: the caller then opens the store the other one made.
 */
static int store_create_new(const char *path, struct bs_error *err)
{
	struct outfile of = OUTFILE_INIT;
	struct viz_store tmp = { 0 };
	int ret = outfile_open(&of, path, OUTFILE_NO_REPLACE, 0666);

	if (ret) {
		if (ret != -EEXIST)
			viz_err_set(err, "%s: cannot create: %s", outfile_name(&of),
				    strerror(-ret));
		outfile_discard(&of);
		return ret == -EEXIST ? 0 : ret;
	}
	tmp.path = (char *)outfile_name(&of);
	if (sqlite3_open_v2(tmp.path, &tmp.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		ret = tmp.db ? viz_sql_fail(&tmp, err) : -ENOMEM;
	} else {
		ret = viz_exec(&tmp, "BEGIN IMMEDIATE", err);
		if (!ret)
			ret = schema_create(&tmp, err);
		if (!ret)
			ret = viz_exec(&tmp, "COMMIT", err);
		/* WAL mode is kept in the file: openers racing on the new store need not switch it. */
		if (!ret)
			ret = viz_exec(&tmp, "PRAGMA journal_mode = WAL", err);
	}
	if (sqlite3_close(tmp.db) != SQLITE_OK && !ret)
		ret = -EIO;
	if (ret) {
		outfile_discard(&of);
		return ret;
	}
	ret = outfile_commit(&of);
	if (ret && ret != -EEXIST) {
		viz_err_set(err, "%s: cannot create: %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}

/* Whether @path is missing (so a store must be made), refusing a dangling symlink. */
static int store_missing(const char *path, struct bs_error *err)
{
	struct stat st;

	if (!lstat(path, &st)) {
		if (S_ISLNK(st.st_mode) && stat(path, &st) && errno == ENOENT) {
			viz_err_set(err, "%s: a symlink to a missing file: not created through it",
				    path);
			return -ELOOP;
		}
		return 0;
	}
	return errno == ENOENT ? 1 : 0;
}

/*
 * A WAL store in a directory we cannot write (a read-only mount, another
 * user's directory) cannot be read normally: SQLite needs to create
 * PATH-shm. Read it as immutable instead: no locks, no -shm. Only a reader
 * does this, and only after the normal open failed so.
 */
static int store_open_immutable(struct viz_store *s)
{
	size_t len = strlen(s->path) * 3 + 32;
	char *uri = malloc(len), *q = uri;
	int rc;

	if (!uri)
		return -ENOMEM;
	q += sprintf(q, "file:");
	for (const unsigned char *p = (const unsigned char *)s->path; *p; p++)
		q += sprintf(q, *p == '?' || *p == '#' || *p == '%' ? "%%%02X" : "%c", *p);
	sprintf(q, "?immutable=1");
	sqlite3_close(s->db);
	s->db = NULL;
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
			     SQLITE_OPEN_URI, NULL);
	free(uri);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/* A store opened for writing that SQLite could only open read-only: say why. */
static int store_check_writable(struct viz_store *s, struct bs_error *err)
{
	int e;

	if (sqlite3_db_readonly(s->db, "main") != 1)
		return 0;
	e = access(s->path, W_OK) ? errno : EROFS;
	viz_err_set(err, "%s: cannot write the run store: %s", s->path, strerror(e));
	return -e;
}

/* Whether @s is in WAL mode already (a store this build made is from birth). */
static bool store_is_wal(struct viz_store *s)
{
	sqlite3_stmt *st = NULL;
	bool wal = false;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);

		wal = mode && !strcmp(mode, "wal");
	}
	sqlite3_finalize(st);
	return wal;
}

/*
 * Switch an older store to WAL mode. The switch needs the file to itself and
 * SQLite does not wait for that (the busy timeout does not apply), so a busy
 * answer is retried for as long as the busy timeout would have waited.
 */
static int store_use_wal(struct viz_store *s, struct bs_error *err)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	int rc = SQLITE_OK;

	for (int tries = 0; tries < VIZ_BUSY_TIMEOUT_MS / 20; tries++) {
		if (store_is_wal(s))
			return 0;
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		nanosleep(&pause, NULL);
	}
	return viz_sql_fail(s, err);
}

struct viz_store *viz_store_open(const char *path, int flags, struct bs_error *err)
{
	struct viz_store *s = calloc(1, sizeof(*s));
	int oflags, ret;

	if (!s) {
		viz_err_set(err, "%s: out of memory", path);
		return NULL;
	}
	s->path = strdup(path);
	s->readonly = !!(flags & VIZ_STORE_READONLY);
	if (!s->path) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (!s->readonly && (flags & VIZ_STORE_CREATE)) {
		ret = store_missing(path, err);
		if (ret > 0)
			ret = store_create_new(path, err);
		if (ret)
			goto fail;
	}
	/* A handle is used by one thread at a time (viz.h): no SQLite mutexes. */
	oflags = SQLITE_OPEN_NOMUTEX | (s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		ret = s->db ? -sql_errno(s->db) : -ENOMEM;
		viz_err_set(err, "%s: cannot open: %s (%s)", path,
			    s->db ? sqlite3_errmsg(s->db) : "out of memory", strerror(-ret));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, VIZ_BUSY_TIMEOUT_MS);
	ret = s->readonly ? 0 : store_check_writable(s, err);
	if (!ret)
		ret = check_schema(s, flags, err);
	if (ret && s->readonly && (sqlite3_errcode(s->db) & 0xff) == SQLITE_CANTOPEN &&
	    !store_open_immutable(s))
		ret = check_schema(s, flags, err);
	if (ret)
		goto fail;
	if (!s->readonly) {
		ret = store_use_wal(s, err);
		if (!ret)
			ret = viz_exec(s, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", err);
		if (ret)
			goto fail;
	}
	return s;
fail:
	sqlite3_close(s->db);
	free(s->path);
	free(s);
	errno = -ret;
	return NULL;
}

int viz_store_close(struct viz_store *s)
{
	int ret = 0;

	if (!s)
		return 0;
	if (s->in_tx)
		ret = viz_tx_commit(s);
	sqlite3_finalize(s->ins_sample);
	if (sqlite3_close(s->db) != SQLITE_OK && !ret)
		ret = -EIO;
	free(s->shapes);
	free(s->path);
	free(s);
	return ret;
}

int viz_store_flush(struct viz_store *s)
{
	int ret = viz_tx_commit(s);

	return ret ? ret : 0;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Prepare, bind by the caller, step once to DONE, finalize. */
static int step_done(struct viz_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		rc = viz_sql_fail(s, NULL);
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

static int is_json_object(const char *text)
{
	json_error_t jerr;
	json_t *j;
	int ok;

	if (!text)
		return 1;
	j = json_loads(text, 0, &jerr);
	ok = j && json_is_object(j);
	json_decref(j);
	return ok;
}

int viz_run_begin(struct viz_store *s, const struct viz_run_info *info, int64_t *run_id,
		  struct bs_error *err)
{
	sqlite3_stmt *st = NULL;

	if (s->readonly || !info || !info->trace_path || !info->mode) {
		viz_err_set(err, "%s: run needs a trace path and a mode", s->path);
		return -EINVAL;
	}
	if (strcmp(info->mode, "shadow") && strcmp(info->mode, "whatif") &&
	    strcmp(info->mode, "sweep")) {
		viz_err_set(err, "%s: unknown run mode '%s' (shadow, whatif or sweep)", s->path,
			    info->mode);
		return -EINVAL;
	}
	if (!is_json_object(info->settings_json)) {
		viz_err_set(err, "%s: run settings are not a JSON object", s->path);
		return -EINVAL;
	}
	/* The run row gets its own commit: it must survive whatever follows. */
	if (viz_tx_commit(s))
		return viz_sql_fail(s, NULL);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO runs (trace_path, trace_sha256, mode, label, settings,"
			       " kernel, host, started_ms, grid_index, grid)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	bind_text_or_null(st, 1, info->trace_path);
	bind_text_or_null(st, 2, info->trace_sha256);
	bind_text_or_null(st, 3, info->mode);
	bind_text_or_null(st, 4, info->label);
	sqlite3_bind_text(st, 5, info->settings_json ? info->settings_json : "{}", -1,
			  SQLITE_TRANSIENT);
	bind_text_or_null(st, 6, info->kernel_release);
	bind_text_or_null(st, 7, info->host);
	sqlite3_bind_int64(st, 8, info->started_unix_ms);
	if (info->grid) {
		sqlite3_bind_int64(st, 9, info->grid_index);
		sqlite3_bind_text(st, 10, info->grid, -1, SQLITE_TRANSIENT);
	}
	if (step_done(s, st))
		goto fail;
	*run_id = sqlite3_last_insert_rowid(s->db);
	return viz_tx_begin(s);
fail:
	return viz_sql_fail(s, err);
}

char *viz_mt_names_json(const struct viz_zone_info *z)
{
	json_t *a = json_array();
	char *text;

	for (uint32_t i = 0; i < z->nr_migratetypes; i++) {
		const char *n = z->migratetype_names && z->migratetype_names[i] ?
					z->migratetype_names[i] :
					"?";
		json_array_append_new(a, json_string(n));
	}
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text;
}

void viz_mt_names_parse(const char *text, struct viz_zone *z)
{
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;

	z->nr_migratetypes = 0;
	if (!json_is_array(a)) {
		json_decref(a);
		return;
	}
	for (i = 0; i < json_array_size(a) && i < VIZ_MAX_MIGRATETYPES; i++) {
		const char *n = json_string_value(json_array_get(a, i));

		snprintf(z->mt_names[i], sizeof(z->mt_names[i]), "%s", n ? n : "?");
	}
	z->nr_migratetypes = (uint32_t)i;
	json_decref(a);
}

static const struct viz_zone_shape *shape_find(struct viz_store *s, int64_t run_id, uint32_t idx)
{
	for (size_t i = 0; i < s->nr_shapes; i++)
		if (s->shapes[i].run_id == run_id && s->shapes[i].idx == idx)
			return &s->shapes[i];
	return NULL;
}

int viz_zone_add(struct viz_store *s, int64_t run_id, const struct viz_zone_info *z,
		 uint32_t *zone_idx, struct bs_error *err)
{
	sqlite3_stmt *st = NULL;
	uint32_t idx = 0;
	char *mts;
	int ret;

	if (!z || !z->name || !z->nr_orders || z->nr_orders > VIZ_MAX_ORDERS ||
	    !z->nr_migratetypes || z->nr_migratetypes > VIZ_MAX_MIGRATETYPES ||
	    z->pageblock_order > 15) {
		viz_err_set(err, "%s: zone needs a name, 1..%d orders, 1..%d migratetypes and a "
				 "pageblock order <= 15", s->path, VIZ_MAX_ORDERS,
			    VIZ_MAX_MIGRATETYPES);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->nr_shapes; i++)
		if (s->shapes[i].run_id == run_id && s->shapes[i].idx >= idx)
			idx = s->shapes[i].idx + 1;
	if (s->nr_shapes == s->cap_shapes) {
		size_t cap = s->cap_shapes ? 2 * s->cap_shapes : 8;
		struct viz_zone_shape *n = realloc(s->shapes, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->shapes = n;
		s->cap_shapes = cap;
	}
	mts = viz_mt_names_json(z);
	if (!mts)
		return -ENOMEM;
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO zones (run_id, idx, node, name, start_pfn, spanned_pages,"
			       " managed_pages, pageblock_order, nr_orders, migratetypes)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		free(mts);
		return viz_sql_fail(s, err);
	}
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)idx);
	sqlite3_bind_int(st, 3, z->node);
	sqlite3_bind_text(st, 4, z->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)z->start_pfn);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)z->spanned_pages);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)z->managed_pages);
	sqlite3_bind_int(st, 8, (int)z->pageblock_order);
	sqlite3_bind_int(st, 9, (int)z->nr_orders);
	sqlite3_bind_text(st, 10, mts, -1, free);
	ret = step_done(s, st);
	if (ret) {
		viz_err_set(err, "%s: cannot add zone to run %lld: %s", s->path,
			    (long long)run_id, sqlite3_errmsg(s->db));
		return ret;
	}
	s->shapes[s->nr_shapes++] = (struct viz_zone_shape){ run_id, idx, z->nr_orders,
							     z->nr_migratetypes };
	if (zone_idx)
		*zone_idx = idx;
	return 0;
}

/* Encode n values as varints (zigzag when signed) into buf; return length. */
static size_t encode_u32(uint8_t *buf, const uint32_t *v, size_t n)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++)
		off += viz_varint_put(buf + off, v[i]);
	return off;
}

static size_t encode_i32(uint8_t *buf, const int32_t *v, size_t n)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++)
		off += viz_varint_put(buf + off, viz_zigzag(v[i]));
	return off;
}

static size_t encode_u64(uint8_t *buf, const uint64_t *v, size_t n)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++)
		off += viz_varint_put(buf + off, v[i]);
	return off;
}

int viz_sample_add(struct viz_store *s, int64_t run_id, const struct viz_sample *x)
{
	uint8_t fb[VIZ_MAX_ORDERS * VIZ_MAX_MIGRATETYPES * 5];
	uint8_t fi[VIZ_MAX_ORDERS * 5], ui[VIZ_MAX_ORDERS * 5], fl[VIZ_MAX_ORDERS * 10];
	const struct viz_zone_shape *z;
	size_t nfb, nfi, nui, nfl;
	sqlite3_stmt *st;
	int rc;

	if (!x || !x->free_blocks || !x->frag_index || !x->unusable_index || !x->failures)
		return -EINVAL;
	z = shape_find(s, run_id, x->zone_idx);
	if (!z)
		return -EINVAL;
	if (viz_tx_begin(s))
		return viz_sql_fail(s, NULL);
	if (!s->ins_sample &&
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO samples (run_id, zone_idx, t_ns, free_blocks,"
			       " nr_free_pages, wmark_min, wmark_low, wmark_high, wmark_boost,"
			       " frag_index, unusable_index, failures, fallbacks,"
			       " pageblock_changes, kswapd_wakes)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &s->ins_sample, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	st = s->ins_sample;
	nfb = encode_u32(fb, x->free_blocks, (size_t)z->nr_orders * z->nr_migratetypes);
	nfi = encode_i32(fi, x->frag_index, z->nr_orders);
	nui = encode_i32(ui, x->unusable_index, z->nr_orders);
	nfl = encode_u64(fl, x->failures, z->nr_orders);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)x->zone_idx);
	sqlite3_bind_int64(st, 3, x->t_ns);
	sqlite3_bind_blob(st, 4, fb, (int)nfb, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)x->nr_free_pages);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)x->wmark_min);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)x->wmark_low);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)x->wmark_high);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)x->wmark_boost);
	sqlite3_bind_blob(st, 10, fi, (int)nfi, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, ui, (int)nui, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, fl, (int)nfl, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)x->fallbacks);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)x->pageblock_changes);
	sqlite3_bind_int64(st, 15, (sqlite3_int64)x->kswapd_wakes);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return viz_sql_fail(s, NULL);
	return tx_row(s);
}

int viz_pbmap_add(struct viz_store *s, int64_t run_id, const struct viz_pbmap *m)
{
	sqlite3_stmt *st = NULL;
	uint8_t *blob;
	size_t n;
	int ret;

	if (!m || !m->migratetype || !m->free_pages || !shape_find(s, run_id, m->zone_idx))
		return -EINVAL;
	n = m->nr_pageblocks;
	blob = malloc(3 * n + 1);
	if (!blob)
		return -ENOMEM;
	memcpy(blob, m->migratetype, n);
	for (size_t i = 0; i < n; i++) {
		blob[n + 2 * i] = (uint8_t)(m->free_pages[i] & 0xff);
		blob[n + 2 * i + 1] = (uint8_t)(m->free_pages[i] >> 8);
	}
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT OR REPLACE INTO pbmaps (run_id, zone_idx, t_ns,"
			       " nr_pageblocks, pageblock_pages, data) VALUES (?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		free(blob);
		return viz_sql_fail(s, NULL);
	}
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)m->zone_idx);
	sqlite3_bind_int64(st, 3, m->t_ns);
	sqlite3_bind_int64(st, 4, m->nr_pageblocks);
	sqlite3_bind_int64(st, 5, m->pageblock_pages);
	sqlite3_bind_blob(st, 6, blob, (int)(3 * n), free);
	ret = step_done(s, st);
	return ret ? ret : tx_row(s);
}

int viz_fidelity_add(struct viz_store *s, int64_t run_id, int64_t t_ns, double distance,
		     double pfn_rate)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO fidelity VALUES (?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, t_ns);
	/* Unknown values (NaN) are NULL: SQLite has no NaN. */
	if (isnan(distance))
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_double(st, 3, distance);
	if (isnan(pfn_rate))
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_double(st, 4, pfn_rate);
	ret = step_done(s, st);
	return ret ? ret : tx_row(s);
}

int viz_counters_add(struct viz_store *s, int64_t run_id, int64_t t_ns,
		     const char *const *names, const int64_t *values, size_t n)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO counters VALUES (?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	for (size_t i = 0; i < n && !ret; i++) {
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_int64(st, 2, t_ns);
		sqlite3_bind_text(st, 3, names[i], -1, SQLITE_STATIC);
		if (values[i] < 0)
			sqlite3_bind_null(st, 4);
		else
			sqlite3_bind_int64(st, 4, values[i]);
		ret = sqlite3_step(st) == SQLITE_DONE ? 0 : viz_sql_fail(s, NULL);
		sqlite3_reset(st);
		if (!ret)
			ret = tx_row(s);
	}
	sqlite3_finalize(st);
	return ret;
}

int viz_event_add(struct viz_store *s, int64_t run_id, int64_t t_ns, const char *kind,
		  const char *text)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!kind)
		return -EINVAL;
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO events VALUES (?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, t_ns);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, text ? text : "", -1, SQLITE_TRANSIENT);
	ret = step_done(s, st);
	return ret ? ret : tx_row(s);
}

int viz_attribution_add(struct viz_store *s, int64_t run_id, const struct viz_attribution *a)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!a || !a->comm)
		return -EINVAL;
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO attribution VALUES (?, ?, ?, ?, ?, ?, ?)"
			       " ON CONFLICT (run_id, comm, pid, gfp_flags) DO UPDATE SET"
			       " allocations = allocations + excluded.allocations,"
			       " failures = failures + excluded.failures,"
			       " extfrag = extfrag + excluded.extfrag",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, a->comm, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, a->pid);
	sqlite3_bind_int64(st, 4, a->gfp_flags);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->allocations);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->failures);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)a->extfrag);
	ret = step_done(s, st);
	return ret ? ret : tx_row(s);
}

const char *viz_run_status_name(enum viz_run_status status)
{
	switch (status) {
	case VIZ_RUN_COMPLETE:
		return "complete";
	case VIZ_RUN_INTERRUPTED:
		return "interrupted";
	default:
		return "incomplete";
	}
}

int viz_run_finish(struct viz_store *s, int64_t run_id, enum viz_run_status status,
		   const char *summary_json, int64_t finished_unix_ms)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (status != VIZ_RUN_COMPLETE && status != VIZ_RUN_INTERRUPTED)
		return -EINVAL;
	if (summary_json && !is_json_object(summary_json))
		return -EINVAL;
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db,
			       "UPDATE runs SET status = ?, summary = ?, finished_ms = ?"
			       " WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_text(st, 1, viz_run_status_name(status), -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, summary_json);
	sqlite3_bind_int64(st, 3, finished_unix_ms);
	sqlite3_bind_int64(st, 4, run_id);
	ret = step_done(s, st);
	if (ret)
		return ret;
	if (sqlite3_changes(s->db) != 1)
		return -ENOENT;
	return viz_tx_commit(s);
}

static bool is_sha256_hex(const char *v)
{
	size_t n = 0;

	for (; v[n]; n++)
		if (!((v[n] >= '0' && v[n] <= '9') || (v[n] >= 'a' && v[n] <= 'f')))
			return false;
	return n == 64;
}

int viz_run_set_trace_sha256(struct viz_store *s, int64_t run_id, const char *sha256)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!sha256 || !is_sha256_hex(sha256))
		return -EINVAL;
	if (viz_tx_begin(s) ||
	    sqlite3_prepare_v2(s->db, "UPDATE runs SET trace_sha256 = ? WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run_id);
	ret = step_done(s, st);
	if (ret)
		return ret;
	return sqlite3_changes(s->db) == 1 ? 0 : -ENOENT;
}

int viz_report_index(struct viz_store *s, int64_t run_id, int64_t base_run_id, const char *kind,
		     const char *format, const char *path, int width, int height,
		     const char *sha256)
{
	sqlite3_stmt *st = NULL;
	struct timespec ts;

	if (s->readonly)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* A file rendered again replaces its row: one row per file on disk. */
	if (sqlite3_prepare_v2(s->db, "DELETE FROM reports WHERE path = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	if (step_done(s, st))
		return viz_sql_fail(s, NULL);
	st = NULL;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO reports (run_id, base_run_id, kind, format, path, width,"
			       " height, sha256, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	if (run_id)
		sqlite3_bind_int64(st, 1, run_id);
	else
		sqlite3_bind_null(st, 1);
	if (base_run_id)
		sqlite3_bind_int64(st, 2, base_run_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, path, -1, SQLITE_TRANSIENT);
	if (width > 0) {
		sqlite3_bind_int(st, 6, width);
		sqlite3_bind_int(st, 7, height);
	}
	sqlite3_bind_text(st, 8, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return step_done(s, st);
}

/* ---- reading ---------------------------------------------------------- */

int viz_run_ids(struct viz_store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 16, len = 0;
	int64_t *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	if (sqlite3_prepare_v2(s->db, "SELECT id FROM runs ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK) {
		free(v);
		return viz_sql_fail(s, NULL);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (len == cap) {
			int64_t *nv = realloc(v, 2 * cap * sizeof(*v));

			if (!nv) {
				sqlite3_finalize(st);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[len++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	*ids = v;
	*n = len;
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

int viz_run_get(struct viz_store *s, int64_t id, struct viz_run *r)
{
	sqlite3_stmt *st = NULL;
	const char *status;
	int rc;

	memset(r, 0, sizeof(*r));
	/* A version-2 store read as it is has no grid columns. */
	if (sqlite3_prepare_v2(s->db, s->version >= 3 ?
			       "SELECT id, uuid, trace_path, trace_sha256, mode, label, settings,"
			       " kernel, host, started_ms, finished_ms, status, summary,"
			       " grid_index, grid FROM runs WHERE id = ?" :
			       "SELECT id, uuid, trace_path, trace_sha256, mode, label, settings,"
			       " kernel, host, started_ms, finished_ms, status, summary,"
			       " NULL, NULL FROM runs WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? -ENOENT : viz_sql_fail(s, NULL);
	}
	r->id = sqlite3_column_int64(st, 0);
	r->uuid = col_dup(st, 1);
	r->trace_path = col_dup(st, 2);
	r->trace_sha256 = col_dup(st, 3);
	r->mode = col_dup(st, 4);
	r->label = col_dup(st, 5);
	r->settings_json = col_dup(st, 6);
	r->kernel_release = col_dup(st, 7);
	r->host = col_dup(st, 8);
	r->started_unix_ms = sqlite3_column_int64(st, 9);
	r->finished_unix_ms = sqlite3_column_int64(st, 10);
	status = (const char *)sqlite3_column_text(st, 11);
	r->status = !status || !strcmp(status, "incomplete") ? VIZ_RUN_INCOMPLETE :
		    !strcmp(status, "complete")		     ? VIZ_RUN_COMPLETE :
								       VIZ_RUN_INTERRUPTED;
	r->summary_json = col_dup(st, 12);
	r->grid = col_dup(st, 14);
	r->grid_index = r->grid ? sqlite3_column_int64(st, 13) : -1;
	sqlite3_finalize(st);
	return 0;
}

void viz_run_release(struct viz_run *r)
{
	if (!r)
		return;
	free(r->uuid);
	free(r->trace_path);
	free(r->trace_sha256);
	free(r->mode);
	free(r->label);
	free(r->settings_json);
	free(r->kernel_release);
	free(r->host);
	free(r->summary_json);
	free(r->grid);
	memset(r, 0, sizeof(*r));
}

void viz_row_error_set(struct viz_store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bs_error_vformat(&s->last, BS_IN(s->path), 0, fmt, ap);
	va_end(ap);
}

void viz_read_err(struct bs_error *err, const struct viz_store *s, int ret, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (s->last.text[0]) {
		viz_err_set(err, "%s", s->last.text);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	viz_err_set(err, "%s: %s: %s", s->path, what, strerror(-ret));
}

/*
 * A zones row as a writer makes it: every column of its type (asked before
 * any other access converts it) and within range.
 */
static int zone_row_check(struct viz_store *s, sqlite3_stmt *st, int64_t run_id)
{
	static const char *const cols[] = { "idx", "node", "name", "start_pfn",
					    "spanned_pages", "managed_pages",
					    "pageblock_order", "nr_orders", "migratetypes" };
	static const int64_t hi[] = { UINT32_MAX, INT32_MAX, 0, INT64_MAX, INT64_MAX, INT64_MAX,
				      30 /* 1 << it fits an int */, VIZ_MAX_ORDERS, 0 };
	int type[9];
	int64_t idx;

	for (int i = 0; i < 9; i++)
		type[i] = sqlite3_column_type(st, i);
	idx = type[0] == SQLITE_INTEGER ? sqlite3_column_int64(st, 0) : -1;
	for (int i = 0; i < 9; i++) {
		int64_t v, lo = i == 7;

		if (i == 2 || i == 8) {
			if (type[i] == SQLITE_TEXT)
				continue;
			viz_row_error_set(s, "run %lld zone %lld: %s is not text (table zones, "
					  "column %s)", (long long)run_id, (long long)idx, cols[i],
					  cols[i]);
			return -EINVAL;
		}
		if (type[i] != SQLITE_INTEGER) {
			viz_row_error_set(s, "run %lld zone %lld: %s is not an integer (table "
					  "zones, column %s)", (long long)run_id, (long long)idx,
					  cols[i], cols[i]);
			return -EINVAL;
		}
		v = sqlite3_column_int64(st, i);
		if (v < lo || v > hi[i]) {
			viz_row_error_set(s, "run %lld zone %lld: %s %lld is out of range (%lld to "
					  "%lld; table zones, column %s)", (long long)run_id,
					  (long long)idx, cols[i], (long long)v, (long long)lo,
					  (long long)hi[i], cols[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int viz_zones_get(struct viz_store *s, int64_t run_id, struct viz_zone **zones, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct viz_zone *z = NULL;
	size_t len = 0;

	s->last.text[0] = '\0';

	if (sqlite3_prepare_v2(s->db,
			       "SELECT idx, node, name, start_pfn, spanned_pages, managed_pages,"
			       " pageblock_order, nr_orders, migratetypes FROM zones"
			       " WHERE run_id = ? ORDER BY idx",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct viz_zone *nz = realloc(z, (len + 1) * sizeof(*z));
		struct viz_zone *c;

		if (!nz) {
			free(z);
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		z = nz;
		if (zone_row_check(s, st, run_id)) {
			free(z);
			sqlite3_finalize(st);
			return -EINVAL;
		}
		c = &z[len++];
		memset(c, 0, sizeof(*c));
		c->idx = (uint32_t)sqlite3_column_int(st, 0);
		c->node = sqlite3_column_int(st, 1);
		snprintf(c->name, sizeof(c->name), "%s", sqlite3_column_text(st, 2));
		c->start_pfn = (uint64_t)sqlite3_column_int64(st, 3);
		c->spanned_pages = (uint64_t)sqlite3_column_int64(st, 4);
		c->managed_pages = (uint64_t)sqlite3_column_int64(st, 5);
		c->pageblock_order = (uint32_t)sqlite3_column_int(st, 6);
		c->nr_orders = (uint32_t)sqlite3_column_int(st, 7);
		viz_mt_names_parse((const char *)sqlite3_column_text(st, 8), c);
		if (!c->nr_migratetypes) {
			viz_row_error_set(s, "run %lld zone %u: migratetypes is not a JSON array "
					  "of 1 to %d names (table zones, column migratetypes)",
					  (long long)run_id, c->idx, VIZ_MAX_MIGRATETYPES);
			free(z);
			sqlite3_finalize(st);
			return -EINVAL;
		}
	}
	sqlite3_finalize(st);
	*zones = z;
	*n = len;
	return 0;
}

int viz_run_time_range(struct viz_store *s, int64_t run_id, int64_t *t0, int64_t *t1,
		       uint64_t *nr)
{
	/*
	 * Without a count, two index probes per zone; min() and max() over
	 * the run would walk all its index entries.
	 */
	static const char probe_sql[] =
		"SELECT (SELECT t_ns FROM samples WHERE run_id = ?1 AND zone_idx = z.idx"
		" ORDER BY t_ns LIMIT 1), (SELECT t_ns FROM samples WHERE run_id = ?1 AND"
		" zone_idx = z.idx ORDER BY t_ns DESC LIMIT 1) FROM zones z WHERE z.run_id = ?1";
	static const char count_sql[] =
		"SELECT min(t_ns), max(t_ns), count(*) FROM samples WHERE run_id = ?1";
	sqlite3_stmt *st = NULL;
	int found = 0, rc;

	if (sqlite3_prepare_v2(s->db, nr ? count_sql : probe_sql, -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t a, b;

		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;
		a = sqlite3_column_int64(st, 0);
		b = sqlite3_column_int64(st, 1);
		if (!found || a < *t0)
			*t0 = a;
		if (!found || b > *t1)
			*t1 = b;
		if (nr)
			*nr = (uint64_t)sqlite3_column_int64(st, 2);
		found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return viz_sql_fail(s, NULL);
	if (!found)
		return -ENODATA;
	/* The renderers subtract and scale times: keep them where that cannot overflow. */
	if (*t0 < 0 || *t1 > VIZ_MAX_T_NS) {
		viz_err_set(&s->last, "%s: run %lld: sample t_ns from %lld to %lld is out of "
			    "range (0 to %lld)", s->path, (long long)run_id, (long long)*t0,
			    (long long)*t1, (long long)VIZ_MAX_T_NS);
		return -EINVAL;
	}
	return 0;
}

int viz_pbmap_times(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t **times,
		    size_t *n)
{
	sqlite3_stmt *st = NULL;
	int64_t *v = NULL;
	size_t len = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT t_ns FROM pbmaps WHERE run_id = ? AND zone_idx = ?"
			       " ORDER BY t_ns",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)zone_idx);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t *nv = realloc(v, (len + 1) * sizeof(*v));

		if (!nv) {
			free(v);
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		v = nv;
		v[len++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	*times = v;
	*n = len;
	return 0;
}

int viz_pbmap_get(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t_ns,
		  struct viz_pbmap *m)
{
	sqlite3_stmt *st = NULL;
	const uint8_t *blob;
	size_t n, len;
	int ret = 0;

	s->last.text[0] = '\0';

	memset(m, 0, sizeof(*m));
	if (sqlite3_prepare_v2(s->db,
			       "SELECT nr_pageblocks, pageblock_pages, data FROM pbmaps"
			       " WHERE run_id = ? AND zone_idx = ? AND t_ns = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, (int)zone_idx);
	sqlite3_bind_int64(st, 3, t_ns);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -ENOENT;
	}
	n = (size_t)sqlite3_column_int64(st, 0);
	blob = sqlite3_column_blob(st, 2);
	len = (size_t)sqlite3_column_bytes(st, 2);
	if (len != 3 * n || sqlite3_column_int64(st, 0) < 0 || n > UINT32_MAX) {
		viz_row_error_set(s, "table pbmaps, column data of run %lld zone %u at t_ns %lld: "
				  "%zu bytes for %lld pageblocks (3 each)", (long long)run_id,
				  zone_idx, (long long)t_ns, len,
				  (long long)sqlite3_column_int64(st, 0));
		ret = -EINVAL;
		goto out;
	}
	m->t_ns = t_ns;
	m->zone_idx = zone_idx;
	m->nr_pageblocks = (uint32_t)n;
	m->pageblock_pages = (uint32_t)sqlite3_column_int64(st, 1);
	m->migratetype = malloc(n + 1);
	m->free_pages = malloc(2 * n + 2);
	if (!m->migratetype || !m->free_pages) {
		viz_pbmap_release(m);
		ret = -ENOMEM;
		goto out;
	}
	if (n)
		memcpy(m->migratetype, blob, n);
	for (size_t i = 0; i < n; i++)
		m->free_pages[i] = (uint16_t)(blob[n + 2 * i] | blob[n + 2 * i + 1] << 8);
out:
	sqlite3_finalize(st);
	return ret;
}

void viz_pbmap_release(struct viz_pbmap *m)
{
	if (!m)
		return;
	free(m->migratetype);
	free(m->free_pages);
	m->migratetype = NULL;
	m->free_pages = NULL;
}

int viz_fidelity_get(struct viz_store *s, int64_t run_id, struct viz_fidelity_row **rows,
		     size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct viz_fidelity_row *v = NULL;
	size_t len = 0, cap = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT t_ns, distance, pfn_rate FROM fidelity WHERE run_id = ?"
			       " ORDER BY t_ns",
			       -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, NULL);
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct viz_fidelity_row *nv = realloc(v, ncap * sizeof(*v));

			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return -ENOMEM;
			}
			v = nv;
			cap = ncap;
		}
		v[len].t_ns = sqlite3_column_int64(st, 0);
		v[len].distance = sqlite3_column_type(st, 1) == SQLITE_NULL ?
					  NAN :
					  sqlite3_column_double(st, 1);
		v[len].pfn_rate = sqlite3_column_type(st, 2) == SQLITE_NULL ?
					  NAN :
					  sqlite3_column_double(st, 2);
		len++;
	}
	sqlite3_finalize(st);
	*rows = v;
	*n = len;
	return 0;
}
