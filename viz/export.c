// SPDX-License-Identifier: MIT
/*
 * Export for spreadsheets, notebooks and other tools. CSV is long form: one
 * row per sample time x zone x order x migratetype, with the zone's per-order
 * and per-zone metrics repeated on each row so any row stands alone. JSON
 * holds everything of a run (zones, samples, pageblock maps, fidelity,
 * events, attribution) and is written element by element, so memory stays
 * flat however long the run is. viz/SCHEMA.md documents both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export_internal.h"

static void csv_field(FILE *f, const char *t)
{
	if (!strpbrk(t, ",\"\n\r")) {
		fputs(t, f);
		return;
	}
	fputc('"', f);
	for (; *t; t++) {
		if (*t == '"')
			fputc('"', f);
		fputc(*t, f);
	}
	fputc('"', f);
}

static int export_csv_run(struct viz_store *s, int64_t run_id, FILE *f, uint64_t *rows,
			  struct bs_error *err)
{
	struct viz_zone *zones = NULL;
	sqlite3_stmt *st = NULL;
	struct viz_export_row *r = malloc(sizeof(*r));
	size_t nz = 0;
	int ret, rc;

	if (!r)
		return -ENOMEM;
	ret = viz_zones_get(s, run_id, &zones, &nz);
	if (ret) {
		viz_read_err(err, s, ret, "cannot read the zones of run %lld", (long long)run_id);
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, viz_export_samples_sql, -1, &st, NULL) != SQLITE_OK) {
		ret = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct viz_zone *z = viz_export_zone_of(zones, nz, (uint32_t)sqlite3_column_int(st, 1));

		if (!z || viz_export_row_decode(st, z, r)) {
			viz_err_set(err, "%s: run %lld has a damaged sample", s->path,
				    (long long)run_id);
			ret = -EINVAL;
			goto out;
		}
		for (uint32_t o = 0; o < z->nr_orders; o++) {
			for (uint32_t mt = 0; mt < z->nr_migratetypes; mt++) {
				fprintf(f, "%lld,%lld,%d,", (long long)run_id, (long long)r->t_ns,
					z->node);
				csv_field(f, z->name);
				fprintf(f, ",%u,", o);
				csv_field(f, z->mt_names[mt]);
				fprintf(f, ",%lld,%lld,%lld,%lld,%lld,%lld,",
					(long long)r->fb[o * z->nr_migratetypes + mt],
					(long long)r->v[0], (long long)r->v[1], (long long)r->v[2],
					(long long)r->v[3], (long long)r->v[4]);
				viz_put_milli(f, r->fi[o]);
				fputc(',', f);
				viz_put_milli(f, r->ui[o]);
				fprintf(f, ",%lld,%lld,%lld,%lld\n", (long long)r->fl[o],
					(long long)r->v[5], (long long)r->v[6], (long long)r->v[7]);
				(*rows)++;
			}
		}
	}
	ret = rc == SQLITE_DONE ? 0 : -EIO;
out:
	sqlite3_finalize(st);
	free(zones);
	free(r);
	return ret;
}

static json_t *json_text_or_null(const char *t)
{
	return t ? json_string(t) : json_null();
}

/* Parse stored JSON text; fall back to the string if it does not parse. */
static json_t *json_parsed(const char *t)
{
	json_t *j;

	if (!t)
		return json_null();
	j = json_loads(t, 0, NULL);
	return j ? j : json_string(t);
}

static json_t *run_json(const struct viz_run *r, const struct viz_zone *zones, size_t nz)
{
	json_t *o = json_object(), *za = json_array();

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "uuid", json_text_or_null(r->uuid));
	json_object_set_new(o, "trace_path", json_text_or_null(r->trace_path));
	json_object_set_new(o, "trace_sha256", json_text_or_null(r->trace_sha256));
	json_object_set_new(o, "mode", json_text_or_null(r->mode));
	json_object_set_new(o, "label", json_text_or_null(r->label));
	json_object_set_new(o, "settings", json_parsed(r->settings_json));
	json_object_set_new(o, "kernel", json_text_or_null(r->kernel_release));
	json_object_set_new(o, "host", json_text_or_null(r->host));
	json_object_set_new(o, "started_ms", json_integer(r->started_unix_ms));
	json_object_set_new(o, "finished_ms",
			    r->finished_unix_ms ? json_integer(r->finished_unix_ms) : json_null());
	json_object_set_new(o, "status", json_string(viz_run_status_name(r->status)));
	json_object_set_new(o, "summary", json_parsed(r->summary_json));
	json_object_set_new(o, "grid", json_text_or_null(r->grid));
	json_object_set_new(o, "grid_index", r->grid ? json_integer(r->grid_index) : json_null());
	for (size_t i = 0; i < nz; i++) {
		json_t *z = json_object(), *mts = json_array();

		json_object_set_new(z, "idx", json_integer(zones[i].idx));
		json_object_set_new(z, "node", json_integer(zones[i].node));
		json_object_set_new(z, "name", json_string(zones[i].name));
		json_object_set_new(z, "start_pfn", json_integer((json_int_t)zones[i].start_pfn));
		json_object_set_new(z, "spanned_pages",
				    json_integer((json_int_t)zones[i].spanned_pages));
		json_object_set_new(z, "managed_pages",
				    json_integer((json_int_t)zones[i].managed_pages));
		json_object_set_new(z, "pageblock_order", json_integer(zones[i].pageblock_order));
		json_object_set_new(z, "nr_orders", json_integer(zones[i].nr_orders));
		for (uint32_t m = 0; m < zones[i].nr_migratetypes; m++)
			json_array_append_new(mts, json_string(zones[i].mt_names[m]));
		json_object_set_new(z, "migratetypes", mts);
		json_array_append_new(za, z);
	}
	json_object_set_new(o, "zones", za);
	return o;
}

static json_t *sample_json(const struct viz_zone *z, const struct viz_export_row *r)
{
	static const char *const keys[] = { "nr_free_pages", "wmark_min", "wmark_low",
					    "wmark_high", "wmark_boost", "fallbacks",
					    "pageblock_changes", "kswapd_wakes" };
	json_t *o = json_object(), *fb = json_array(), *fi = json_array(), *ui = json_array(),
	       *fl = json_array();

	json_object_set_new(o, "t_ns", json_integer(r->t_ns));
	json_object_set_new(o, "zone", json_integer(r->zone));
	for (uint32_t ord = 0; ord < z->nr_orders; ord++) {
		json_t *row = json_array();

		for (uint32_t mt = 0; mt < z->nr_migratetypes; mt++)
			json_array_append_new(row,
					      json_integer(r->fb[ord * z->nr_migratetypes + mt]));
		json_array_append_new(fb, row);
		/* 0..1 (-1 for "would succeed"), the scale debugfs extfrag prints */
		json_array_append_new(fi, json_real((double)r->fi[ord] / 1000.0));
		json_array_append_new(ui, json_real((double)r->ui[ord] / 1000.0));
		json_array_append_new(fl, json_integer(r->fl[ord]));
	}
	json_object_set_new(o, "free_blocks", fb);
	for (int i = 0; i < 8; i++)
		json_object_set_new(o, keys[i], json_integer(r->v[i]));
	json_object_set_new(o, "frag_index", fi);
	json_object_set_new(o, "unusable_index", ui);
	json_object_set_new(o, "failures", fl);
	return o;
}

/* Write ",\n  <element>" (no comma before the first) with @flags and drop the element. */
static int put_elem(FILE *f, json_t *j, int *first, size_t flags)
{
	int ret;

	if (!j)
		return -ENOMEM;
	fputs(*first ? "\n    " : ",\n    ", f);
	*first = 0;
	ret = json_dumpf(j, f, flags) ? -EIO : 0;
	json_decref(j);
	return ret;
}

static int export_json_run(struct viz_store *s, int64_t run_id, FILE *f, uint64_t *rows,
			   struct bs_error *err)
{
	struct viz_run run;
	struct viz_zone *zones = NULL;
	sqlite3_stmt *st = NULL;
	struct viz_export_row *r = malloc(sizeof(*r));
	size_t nz = 0;
	json_t *head;
	char *text;
	int ret, rc, first;

	if (!r)
		return -ENOMEM;
	ret = viz_run_get(s, run_id, &run);
	if (ret) {
		free(r);
		return ret;
	}
	ret = viz_zones_get(s, run_id, &zones, &nz);
	if (ret) {
		viz_read_err(err, s, ret, "cannot read the zones of run %lld", (long long)run_id);
		goto out;
	}
	/* The run's fields, then the long arrays streamed one element at a time. */
	head = run_json(&run, zones, nz);
	text = json_dumps(head, JSON_COMPACT);
	json_decref(head);
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	text[strlen(text) - 1] = '\0';	/* reopen the object */
	fprintf(f, "%s,\n  \"samples\": [", text);
	free(text);
	if (sqlite3_prepare_v2(s->db, viz_export_samples_sql, -1, &st, NULL) != SQLITE_OK) {
		ret = -EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, run_id);
	first = 1;
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct viz_zone *z = viz_export_zone_of(zones, nz, (uint32_t)sqlite3_column_int(st, 1));

		if (!z || viz_export_row_decode(st, z, r)) {
			viz_err_set(err, "%s: run %lld has a damaged sample", s->path,
				    (long long)run_id);
			ret = -EINVAL;
			break;
		}
		/* the indices' thousandths exactly: 0.361, not 0.36099999999999999 */
		ret = put_elem(f, sample_json(z, r), &first, JSON_COMPACT | JSON_REAL_PRECISION(3));
		(*rows)++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (ret)
		goto out;

	fputs("],\n  \"pageblock_maps\": [", f);
	first = 1;
	for (size_t i = 0; i < nz && !ret; i++) {
		int64_t *times = NULL;
		size_t nt = 0;

		ret = viz_pbmap_times(s, run_id, zones[i].idx, &times, &nt);
		for (size_t k = 0; k < nt && !ret; k++) {
			struct viz_pbmap m;
			json_t *o, *mt, *fp;

			ret = viz_pbmap_get(s, run_id, zones[i].idx, times[k], &m);
			if (ret)
				break;
			o = json_object();
			mt = json_array();
			fp = json_array();
			for (uint32_t b = 0; b < m.nr_pageblocks; b++) {
				json_array_append_new(mt, json_integer(m.migratetype[b]));
				json_array_append_new(fp, json_integer(m.free_pages[b]));
			}
			json_object_set_new(o, "t_ns", json_integer(m.t_ns));
			json_object_set_new(o, "zone", json_integer(m.zone_idx));
			json_object_set_new(o, "pageblock_pages", json_integer(m.pageblock_pages));
			json_object_set_new(o, "migratetype", mt);
			json_object_set_new(o, "free_pages", fp);
			viz_pbmap_release(&m);
			ret = put_elem(f, o, &first, JSON_COMPACT);
		}
		free(times);
	}
	if (ret)
		goto out;

	{
		static const struct {
			const char *name;
			const char *sql;
		} tables[] = {
			{ "fidelity", "SELECT t_ns, distance, pfn_rate FROM fidelity WHERE run_id = ?"
				      " ORDER BY t_ns" },
			{ "events", "SELECT t_ns, kind, text FROM events WHERE run_id = ?"
				    " ORDER BY t_ns, rowid" },
			{ "attribution", "SELECT comm, pid, gfp_flags, allocations, failures,"
					 " extfrag FROM attribution WHERE run_id = ?"
					 " ORDER BY allocations DESC, comm, pid, gfp_flags" },
		};

		for (size_t t = 0; t < 3 && !ret; t++) {
			fprintf(f, "],\n  \"%s\": [", tables[t].name);
			if (sqlite3_prepare_v2(s->db, tables[t].sql, -1, &st, NULL) != SQLITE_OK) {
				ret = -EIO;
				break;
			}
			sqlite3_bind_int64(st, 1, run_id);
			first = 1;
			while (!ret && sqlite3_step(st) == SQLITE_ROW) {
				json_t *o = json_object();

				for (int c = 0; c < sqlite3_column_count(st); c++) {
					const char *cn = sqlite3_column_name(st, c);
					json_t *v;

					switch (sqlite3_column_type(st, c)) {
					case SQLITE_INTEGER:
						v = json_integer(sqlite3_column_int64(st, c));
						break;
					case SQLITE_FLOAT:
						v = json_real(sqlite3_column_double(st, c));
						break;
					case SQLITE_NULL:
						v = json_null();
						break;
					default:
						v = json_string((const char *)sqlite3_column_text(st, c));
					}
					json_object_set_new(o, cn, v ? v : json_null());
				}
				ret = put_elem(f, o, &first, JSON_COMPACT);
			}
			sqlite3_finalize(st);
			st = NULL;
		}
	}
	fputs("]}", f);
out:
	free(zones);
	free(r);
	viz_run_release(&run);
	return ret;
}

int viz_export_write(struct viz_store *s, int64_t run_id, enum viz_export_format fmt, void *out,
		     uint64_t *rows, struct bs_error *err)
{
	FILE *f = out;
	int64_t *ids = NULL;
	size_t n = 0;
	uint64_t count = 0;
	int ret = 0;

	if (run_id) {
		struct viz_run r;

		if (viz_run_get(s, run_id, &r)) {
			viz_err_set(err, "%s: no run %lld in the store", s->path,
				    (long long)run_id);
			return -ENOENT;
		}
		viz_run_release(&r);
		ids = malloc(sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		ids[0] = run_id;
		n = 1;
	} else {
		ret = viz_run_ids(s, &ids, &n);
		if (ret)
			return ret;
	}
	switch (fmt) {
	case VIZ_EXPORT_CSV:
		fputs("run_id,t_ns,node,zone,order,migratetype,free_blocks,nr_free_pages,wmark_min,"
		      "wmark_low,wmark_high,wmark_boost,frag_index,unusable_index,failures,"
		      "fallbacks,pageblock_changes,kswapd_wakes\n",
		      f);
		for (size_t i = 0; i < n && !ret; i++)
			ret = export_csv_run(s, ids[i], f, &count, err);
		break;
	case VIZ_EXPORT_JSON:
		fprintf(f, "{\"schema_version\": %d, \"runs\": [", VIZ_SCHEMA_VERSION);
		for (size_t i = 0; i < n && !ret; i++) {
			fputs(i ? ",\n" : "\n", f);
			ret = export_json_run(s, ids[i], f, &count, err);
		}
		fputs("\n]}\n", f);
		break;
	case VIZ_EXPORT_PERFETTO:
		ret = viz_export_perfetto(s, ids, n, f, &count, err);
		break;
	case VIZ_EXPORT_OPENMETRICS:
		ret = viz_export_openmetrics(s, ids, n, f, &count, err);
		break;
	default:
		ret = -EINVAL;
	}
	free(ids);
	if (!ret && ferror(f)) {
		viz_err_set(err, "write error: %s", strerror(errno));
		ret = -EIO;
	}
	if (rows)
		*rows = count;
	return ret;
}
