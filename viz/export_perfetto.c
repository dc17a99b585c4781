// SPDX-License-Identifier: MIT
/*
 * Runs as a Chrome JSON trace (the "trace event format"), which
 * ui.perfetto.dev and chrome://tracing open. One process per run (pid = run
 * id), one thread per zone (tid = zone index + 1) named "node N ZONE":
 *  - counters ("ph":"C", process-scoped, so each name carries the zone) at
 *    every sample: "ZONE free blocks" (one series per order, summed over
 *    migratetypes), "ZONE free pages" (free, min, low, high, boost),
 *    "ZONE unusable index" (0..1 per order), and every cumulative counter
 *    of the counters table (pcp refills and drains, ...) under its name;
 *  - instants ("ph":"i"): on the zone's thread where a sample's cumulative
 *    failures (per order) or fallbacks grew since the zone's previous
 *    sample, with the growth in args; on the process for each notable event
 *    of the events table (name = its kind, args.text = its sentence).
 * Times are trace microseconds (ns / 1000, three decimals). viz/SCHEMA.md
 * documents the names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export_internal.h"

/* Write ",\n" before every event but the first. */
struct te_out {
	FILE *f;
	uint64_t events;
};

static void te_begin(struct te_out *o)
{
	fputs(o->events++ ? ",\n" : "\n", o->f);
}

/* A JSON string (escaped by jansson) for a name from the store. */
static void put_json_string(FILE *f, const char *t)
{
	json_t *j = json_string(t ? t : "");

	if (!j || json_dumpf(j, f, JSON_ENCODE_ANY) < 0)
		fputs("\"\"", f);
	json_decref(j);
}

static void put_zone_title(FILE *f, const struct viz_zone *z, const char *what)
{
	char name[96];

	snprintf(name, sizeof(name), "node %d %s %s", z->node, z->name, what);
	put_json_string(f, name);
}

static void te_metadata(struct te_out *o, const struct viz_run *r, const struct viz_zone *zones,
			size_t nz)
{
	char name[256];

	snprintf(name, sizeof(name), "run %" PRId64 " %s%s%s", r->id, r->mode ? r->mode : "",
		 r->label && r->label[0] ? ": " : "", r->label ? r->label : "");
	te_begin(o);
	fprintf(o->f, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%" PRId64 ",\"args\":{\"name\":",
		r->id);
	put_json_string(o->f, name);
	fputs("}}", o->f);
	for (size_t i = 0; i < nz; i++) {
		snprintf(name, sizeof(name), "node %d %s", zones[i].node, zones[i].name);
		te_begin(o);
		fprintf(o->f, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%" PRId64 ",\"tid\":%u,"
			"\"args\":{\"name\":", r->id, zones[i].idx + 1);
		put_json_string(o->f, name);
		fputs("}}", o->f);
	}
}

/* {"ph":"C","name":"node N ZONE WHAT","pid":RUN,"ts":US,"args":{ (caller writes args and "}}") */
static void te_counter_head(struct te_out *o, int64_t run, const struct viz_zone *z,
			    const char *what, int64_t t_ns)
{
	te_begin(o);
	fputs("{\"ph\":\"C\",\"name\":", o->f);
	put_zone_title(o->f, z, what);
	fprintf(o->f, ",\"pid\":%" PRId64 ",\"ts\":", run);
	viz_put_us(o->f, t_ns);
	fputs(",\"args\":{", o->f);
}

static void te_zone_counters(struct te_out *o, int64_t run, const struct viz_zone *z,
			     const struct viz_export_row *r)
{
	static const char *const wm[] = { "free", "min", "low", "high", "boost" };

	te_counter_head(o, run, z, "free blocks", r->t_ns);
	for (uint32_t ord = 0; ord < z->nr_orders; ord++) {
		int64_t sum = 0;

		for (uint32_t mt = 0; mt < z->nr_migratetypes; mt++)
			sum += r->fb[ord * z->nr_migratetypes + mt];
		fprintf(o->f, "%s\"order %u\":%" PRId64, ord ? "," : "", ord, sum);
	}
	fputs("}}", o->f);
	te_counter_head(o, run, z, "free pages", r->t_ns);
	for (int i = 0; i < 5; i++)
		fprintf(o->f, "%s\"%s\":%" PRId64, i ? "," : "", wm[i], r->v[VIZ_ROW_FREE_PAGES + i]);
	fputs("}}", o->f);
	te_counter_head(o, run, z, "unusable index", r->t_ns);
	for (uint32_t ord = 0; ord < z->nr_orders; ord++) {
		fprintf(o->f, "%s\"order %u\":", ord ? "," : "", ord);
		viz_put_milli(o->f, r->ui[ord]);
	}
	fputs("}}", o->f);
}

/* Instants where cumulative failures or fallbacks grew since @prev (NULL: the first sample). */
static void te_zone_instants(struct te_out *o, int64_t run, const struct viz_zone *z,
			     const struct viz_export_row *prev, const struct viz_export_row *r)
{
	for (uint32_t ord = 0; ord < z->nr_orders; ord++) {
		int64_t d = r->fl[ord] - (prev ? prev->fl[ord] : 0);

		if (d <= 0)
			continue;
		te_begin(o);
		fprintf(o->f, "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"allocation failure\","
			"\"pid\":%" PRId64 ",\"tid\":%u,\"ts\":", run, z->idx + 1);
		viz_put_us(o->f, r->t_ns);
		fprintf(o->f, ",\"args\":{\"order\":%u,\"failures\":%" PRId64 "}}", ord, d);
	}
	int64_t d = r->v[VIZ_ROW_FALLBACKS] - (prev ? prev->v[VIZ_ROW_FALLBACKS] : 0);

	if (d > 0) {
		te_begin(o);
		fprintf(o->f, "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"fallback\",\"pid\":%" PRId64
			",\"tid\":%u,\"ts\":", run, z->idx + 1);
		viz_put_us(o->f, r->t_ns);
		fprintf(o->f, ",\"args\":{\"fallbacks\":%" PRId64 "}}", d);
	}
}

static int te_samples(struct viz_store *s, struct te_out *o, int64_t run,
		      const struct viz_zone *zones, size_t nz, struct bs_error *err)
{
	struct viz_export_row *rows = malloc(2 * sizeof(*rows)), *cur, *prev = NULL;
	sqlite3_stmt *st = NULL;
	uint32_t prev_zone = UINT32_MAX;
	int rc, ret = 0;

	if (!rows)
		return -ENOMEM;
	if (sqlite3_prepare_v2(s->db, viz_export_samples_sql, -1, &st, NULL) != SQLITE_OK) {
		free(rows);
		return viz_sql_fail(s, err);
	}
	sqlite3_bind_int64(st, 1, run);
	cur = &rows[0];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct viz_zone *z =
			viz_export_zone_of(zones, nz, (uint32_t)sqlite3_column_int(st, 1));

		if (!z || viz_export_row_decode(st, z, cur)) {
			viz_err_set(err, "%s: run %" PRId64 " has a damaged sample", s->path, run);
			ret = -EINVAL;
			break;
		}
		if (cur->zone != prev_zone)
			prev = NULL; /* a zone's series starts */
		te_zone_counters(o, run, z, cur);
		te_zone_instants(o, run, z, prev, cur);
		prev_zone = cur->zone;
		prev = cur;
		cur = cur == &rows[0] ? &rows[1] : &rows[0];
	}
	if (!ret && rc != SQLITE_DONE)
		ret = viz_sql_fail(s, err);
	sqlite3_finalize(st);
	free(rows);
	return ret;
}

/* Rows of @sql (bind 1 = run) as events: counters (name, t_ns, value) or instants (t_ns, kind, text). */
static int te_table(struct viz_store *s, struct te_out *o, int64_t run, const char *sql,
		    int counters, struct bs_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return viz_sql_fail(s, err);
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t = (int64_t)sqlite3_column_int64(st, counters ? 1 : 0);
		const char *name = (const char *)sqlite3_column_text(st, counters ? 0 : 1);

		if (t < 0 || t > VIZ_MAX_T_NS)
			continue;
		te_begin(o);
		fprintf(o->f, "{\"ph\":\"%s\",%s\"name\":", counters ? "C" : "i",
			counters ? "" : "\"s\":\"p\",");
		put_json_string(o->f, name);
		fprintf(o->f, ",\"pid\":%" PRId64 ",\"ts\":", run);
		viz_put_us(o->f, t);
		if (counters) {
			fprintf(o->f, ",\"args\":{\"value\":%" PRId64 "}}",
				(int64_t)sqlite3_column_int64(st, 2));
		} else {
			fputs(",\"args\":{\"text\":", o->f);
			put_json_string(o->f, (const char *)sqlite3_column_text(st, 2));
			fputs("}}", o->f);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : viz_sql_fail(s, err);
}

static int te_run(struct viz_store *s, struct te_out *o, int64_t run, struct bs_error *err)
{
	struct viz_zone *zones = NULL;
	struct viz_run r;
	size_t nz = 0;
	int ret = viz_run_get(s, run, &r);

	if (ret)
		return ret;
	ret = viz_zones_get(s, run, &zones, &nz);
	if (ret) {
		viz_read_err(err, s, ret, "cannot read the zones of run %" PRId64, run);
		goto out;
	}
	te_metadata(o, &r, zones, nz);
	ret = te_samples(s, o, run, zones, nz, err);
	if (!ret)
		ret = te_table(s, o, run, "SELECT name, t_ns, value FROM counters WHERE run_id = ?"
				" AND value IS NOT NULL ORDER BY t_ns, name", 1, err);
	if (!ret)
		ret = te_table(s, o, run, "SELECT t_ns, kind, text FROM events WHERE run_id = ?"
				" ORDER BY t_ns, rowid", 0, err);
out:
	free(zones);
	viz_run_release(&r);
	return ret;
}

int viz_export_perfetto(struct viz_store *s, const int64_t *ids, size_t n, FILE *f,
			uint64_t *events, struct bs_error *err)
{
	struct te_out o = { f, 0 };
	int ret = 0;

	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
	for (size_t i = 0; i < n && !ret; i++)
		ret = te_run(s, &o, ids[i], err);
	fputs("\n]}\n", f);
	*events = o.events;
	return ret;
}
