/* SPDX-License-Identifier: MIT */
/*
 * buddyscope info: one pass over a trace, summarising the host and zones of
 * its header, its time span, events by kind, losses, allocations by order and
 * migratetype, checkpoints, the free-list snapshot and the state of its
 * blocks (read, corrupt, where the intact part ends). The --json form is a
 * stable interface, documented in traces/FORMAT.md §6.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "info_mm.h"
#include "tracefmt.h"
#include "tracefmt_summary.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: buddyscope info TRACE.bst [--json]\n"
		   "\n"
		   "Summarise a trace: host and zones, time span, events by kind and per\n"
		   "second, lost events, allocations by order x migratetype, failures,\n"
		   "checkpoints, the free-list snapshot, and blocks read / corrupt.\n"
		   "\n"
		   "  --json   print the stable JSON form (traces/FORMAT.md section 6)\n"
		   "  -h, --help\n");
}

static json_t *header_get(json_t *hdr, const char *key)
{
	return hdr ? json_object_get(hdr, key) : NULL;
}

static json_t *zs_reading_json(const struct tracefmt_summary_reading *r)
{
	return json_pack("{sI sI sI sI sI sI sI}", "seq", (json_int_t)r->seq, "managed",
			 (json_int_t)r->managed, "present", (json_int_t)r->present, "spanned",
			 (json_int_t)r->spanned, "min", (json_int_t)r->min, "low", (json_int_t)r->low,
			 "high", (json_int_t)r->high);
}

/* zone_states, watermark_recomputes and snapshot_walks (FORMAT.md section 6). */
static void zone_states_json(json_t *o, const struct tracefmt_summary *in)
{
	json_t *zs = json_object(), *zones = json_array(), *wm = json_object(),
	       *by_zone = json_object();
	char key[64];

	for (size_t i = 0; i < in->nr_zs_zones; i++) {
		const struct tracefmt_summary_zone *z = &in->zs_zones[i];

		if (z->wmarks) {
			snprintf(key, sizeof(key), "%u/%s", z->node, z->name);
			json_object_set_new(by_zone, key, json_integer((json_int_t)z->wmarks));
		}
		if (!z->has_state)
			continue;
		json_array_append_new(zones, json_pack("{sI ss so so sI}", "node",
						       (json_int_t)z->node, "name", z->name,
						       "first", zs_reading_json(&z->first), "last",
						       zs_reading_json(&z->last), "changes",
						       (json_int_t)z->changes));
	}
	json_object_set_new(zs, "readings", json_integer((json_int_t)in->zs_readings));
	json_object_set_new(zs, "zones", zones);
	json_object_set_new(o, "zone_states", zs);
	json_object_set_new(wm, "records", json_integer((json_int_t)in->by_type[TRACEFMT_WMARK]));
	json_object_set_new(wm, "by_zone", by_zone);
	json_object_set_new(o, "watermark_recomputes", wm);
	json_object_set_new(o, "snapshot_walks",
			    json_integer((json_int_t)in->by_type[TRACEFMT_SNAPSHOT_WALK]));
	info_mm_json(o, &in->mm);
}

/* "triggers": the first TRACEFMT_SUMMARY_MAX_TRIGGERS trigger records (FORMAT.md section 6). */
static json_t *triggers_json(const struct tracefmt_summary *in)
{
	json_t *a = json_array();

	for (size_t i = 0; i < in->nr_triggers; i++) {
		const struct tracefmt_event *e = &in->triggers[i];
		const __typeof__(e->u.trigger) *t = &e->u.trigger;

		json_array_append_new(a, json_pack("{ss sI sI sI sI ss sI sI sI}", "kind",
						   tracefmt_trigger_kind_name(t->kind), "ts_ns",
						   (json_int_t)e->ts_ns, "cpu", (json_int_t)e->cpu,
						   "pid", (json_int_t)e->pid, "node",
						   (json_int_t)t->node, "zone", t->zone, "order",
						   (json_int_t)t->order, "value", (json_int_t)t->value,
						   "limit", (json_int_t)t->limit));
	}
	return a;
}

/* The file and what its header says: file .. import_notes. */
static void file_json(json_t *o, const char *path, const struct tracefmt_reader_stats *st,
		      json_t *hdr)
{
	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "file_size", json_integer((json_int_t)st->file_size));
	char ver[32];
	snprintf(ver, sizeof(ver), "%u.%u", st->version_major, st->version_minor);
	json_object_set_new(o, "format_version", json_string(ver));
	json_t *src = header_get(hdr, "source");
	json_object_set(o, "source", src ? src : json_null());
	json_t *host = header_get(hdr, "host");
	json_object_set_new(o, "host", host ? json_deep_copy(host) : json_object());
	json_t *zones = header_get(hdr, "zones");
	json_object_set_new(o, "zones", json_is_array(zones) ? json_deep_copy(zones) : json_array());
	json_t *notes = header_get(hdr, "import_notes");
	json_object_set_new(o, "import_notes",
			    json_is_array(notes) ? json_deep_copy(notes) : json_array());
}

/* The events and records, then what was lost: first_ns .. lost_records_without_window. */
static void events_json(json_t *o, const struct tracefmt_reader_stats *st,
			const struct tracefmt_summary *in)
{
	double span_s = in->page_events > 1 ? (double)(in->last_ns - in->first_ns) / 1e9 : 0.0;

	json_object_set_new(o, "first_ns", json_integer((json_int_t)in->first_ns));
	json_object_set_new(o, "last_ns", json_integer((json_int_t)in->last_ns));
	json_object_set_new(o, "duration_s", json_real(span_s));
	json_object_set_new(o, "events", json_integer((json_int_t)in->page_events));
	json_object_set_new(o, "events_per_second",
			    json_real(span_s > 0 ? (double)in->page_events / span_s : 0.0));
	json_t *kinds = json_object();
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		json_object_set_new(kinds, tracefmt_type_name(t),
				    json_integer((json_int_t)in->by_type[t]));
	json_object_set_new(o, "events_by_kind", kinds);
	json_t *recs = json_object();
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++)
		json_object_set_new(recs, tracefmt_type_name(t),
				    json_integer((json_int_t)in->by_type[t]));
	json_object_set_new(o, "records_by_type", recs);
	json_object_set_new(o, "records", json_integer((json_int_t)st->records));
	json_object_set_new(o, "records_unknown_skipped",
			    json_integer((json_int_t)st->skipped_records));

	json_object_set_new(o, "lost_events", json_integer((json_int_t)in->lost));
	json_t *lbc = json_object();
	for (unsigned int c = 0; c < TRACEFMT_SUMMARY_MAX_CPUS; c++)
		if (in->lost_by_cpu[c]) {
			char k[16];
			snprintf(k, sizeof(k), "%u", c);
			json_object_set_new(lbc, k, json_integer((json_int_t)in->lost_by_cpu[c]));
		}
	if (in->lost_unknown_cpu)
		json_object_set_new(lbc, "unknown", json_integer((json_int_t)in->lost_unknown_cpu));
	json_object_set_new(o, "lost_by_cpu", lbc);
	json_object_set_new(o, "lost_records", json_integer((json_int_t)in->lost_records));
	json_object_set_new(o, "lost_records_without_window",
			    json_integer((json_int_t)in->lost_records_unwindowed));
}

/* failed_allocations .. allocations_by_order_migratetype. */
static void allocations_json(json_t *o, const struct tracefmt_summary *in, unsigned int nr_mt,
			     unsigned int nr_orders)
{
	json_object_set_new(o, "failed_allocations", json_integer((json_int_t)in->failed));
	json_t *fbo = json_array();
	for (unsigned int ord = 0; ord < nr_orders; ord++)
		json_array_append_new(fbo, json_integer((json_int_t)in->failed_by_order[ord]));
	json_object_set_new(o, "failed_by_order", fbo);
	json_t *abo = json_array();
	for (unsigned int ord = 0; ord < nr_orders; ord++) {
		json_t *row = json_array();
		for (unsigned int m = 0; m < nr_mt; m++)
			json_array_append_new(row, json_integer((json_int_t)in->allocs[ord][m]));
		json_array_append_new(abo, row);
	}
	json_object_set_new(o, "allocations_by_order_migratetype", abo);
}

/* The snapshot's zones, each with its free blocks by order x migratetype (+ the unknown). */
static json_t *snap_zones_json(const struct tracefmt_summary *in, unsigned int nr_mt,
			       unsigned int nr_orders)
{
	json_t *zs = json_array();

	for (size_t i = 0; i < in->nr_snap_zones; i++) {
		const struct tracefmt_summary_snap_zone *z = &in->snap_zones[i];
		json_t *zj = json_object();
		json_object_set_new(zj, "node", json_integer(z->node));
		json_object_set_new(zj, "zone", json_string(z->name));
		json_object_set_new(zj, "pages", json_integer((json_int_t)z->pages));
		json_t *fb = json_array();
		for (unsigned int ord = 0; ord < nr_orders; ord++) {
			json_t *row = json_array();
			for (unsigned int m = 0; m <= nr_mt; m++) {
				unsigned int col = m == nr_mt ? TRACEFMT_SUMMARY_MAX_MT : m;
				json_array_append_new(row,
						      json_integer((json_int_t)z->blocks[ord][col]));
			}
			json_array_append_new(fb, row);
		}
		json_object_set_new(zj, "free_blocks", fb);
		json_array_append_new(zs, zj);
	}
	return zs;
}

static json_t *snapshot_json(const struct tracefmt_summary *in, unsigned int nr_mt,
			     unsigned int nr_orders)
{
	static const struct {
		uint32_t bit;
		const char *key;
	} mark_flags[] = {
		{ TRACEFMT_SNAP_MARK_UNCERTAIN, "lists_changed_during_walk" },
		{ TRACEFMT_SNAP_MARK_PCP_UNKNOWN, "pcp_unknown" },
		{ TRACEFMT_SNAP_MARK_LIST_UNKNOWN, "list_order_unknown" },
		{ TRACEFMT_SNAP_MARK_PCP_PARTIAL, "pcp_partial" },
		{ TRACEFMT_SNAP_MARK_NR_FREE_MISMATCH, "nr_free_mismatch" },
	};
	json_t *snap = json_object();

	json_object_set_new(snap, "present", json_boolean(in->snap_begin));
	if (!in->snap_begin)
		return snap;
	json_object_set_new(snap, "method",
			    json_string(in->snap_method == TRACEFMT_SNAP_METHOD_BPF ? "bpf"
					: in->snap_method == TRACEFMT_SNAP_METHOD_KPAGEFLAGS
						? "kpageflags"
						: "unknown"));
	json_object_set_new(snap, "complete", json_boolean(in->snap_end));
	json_object_set_new(snap, "walk_ns",
			    json_integer(in->snap_end ? (json_int_t)(in->snap_end_ns -
								     in->snap_begin_ns)
						      : 0));
	json_object_set_new(snap, "blocks", json_integer((json_int_t)in->snap_blocks));
	json_object_set_new(snap, "buddy_pages", json_integer((json_int_t)in->snap_pages));
	json_object_set_new(snap, "uncertain_blocks",
			    json_integer((json_int_t)in->snap_uncertain));
	json_t *warn = json_array();
	for (size_t k = 0; k < sizeof(mark_flags) / sizeof(mark_flags[0]); k++)
		if (in->snap_end_flags & mark_flags[k].bit)
			json_array_append_new(warn, json_string(mark_flags[k].key));
	json_object_set_new(snap, "warnings", warn);
	json_t *pcp = json_array();
	for (unsigned int c = 0; c < in->max_cpu_pcp; c++)
		json_array_append_new(pcp,
				      json_integer((json_int_t)in->snap_pcp_pages_by_cpu[c]));
	json_object_set_new(snap, "pcp_pages_by_cpu", pcp);
	json_object_set_new(snap, "zones", snap_zones_json(in, nr_mt, nr_orders));
	return snap;
}

/* What the reader found of the file's integrity: blocks_ok .. first_corruption. */
static void integrity_json(json_t *o, const struct tracefmt_reader_stats *st)
{
	json_object_set_new(o, "blocks_ok", json_integer((json_int_t)st->blocks_ok));
	json_object_set_new(o, "blocks_corrupt", json_integer((json_int_t)st->blocks_corrupt));
	json_object_set_new(o, "bytes_skipped", json_integer((json_int_t)st->bytes_skipped));
	json_object_set_new(o, "complete", json_boolean(st->complete));
	json_object_set_new(o, "truncated", json_boolean(st->truncated));
	json_object_set_new(o, "intact_end", json_integer((json_int_t)st->intact_end));
	json_object_set_new(o, "end_block", json_boolean(st->end_seen));
	json_object_set_new(o, "records_expected", json_integer((json_int_t)st->records_expected));
	json_object_set_new(o, "blocks_expected", json_integer((json_int_t)st->blocks_expected));
	json_object_set_new(o, "records_missing", json_integer((json_int_t)st->records_missing));
	json_object_set_new(o, "records_extra", json_integer((json_int_t)st->records_extra));
	json_object_set_new(o, "blocks_missing", json_integer((json_int_t)st->blocks_missing));
	json_object_set_new(o, "blocks_extra", json_integer((json_int_t)st->blocks_extra));
	json_object_set_new(o, "blocks_unknown", json_integer((json_int_t)st->blocks_unknown));
	json_object_set_new(o, "trailing_offset", json_integer((json_int_t)st->trailing_offset));
	json_object_set_new(o, "trailing_bytes", json_integer((json_int_t)st->trailing_bytes));
	json_object_set_new(o, "stop_reason", json_string(st->stop_reason));
	json_object_set_new(o, "first_corruption", json_string(st->first_corruption));
}

/* The --json object, its keys in the documented order: each part adds the next keys. */
static json_t *build_json(const char *path, const struct tracefmt_reader_stats *st,
			  const struct tracefmt_summary *in, json_t *hdr, unsigned int nr_mt,
			  unsigned int nr_orders)
{
	json_t *o = json_object();

	file_json(o, path, st, hdr);
	events_json(o, st, in);
	allocations_json(o, in, nr_mt, nr_orders);
	json_object_set_new(o, "checkpoints", json_integer((json_int_t)in->checkpoint_readings));
	json_object_set_new(o, "comm_records",
			    json_integer((json_int_t)in->by_type[TRACEFMT_COMM]));
	zone_states_json(o, in);
	json_object_set_new(o, "triggers", triggers_json(in));
	json_object_set_new(o, "snapshot", snapshot_json(in, nr_mt, nr_orders));
	integrity_json(o, st);
	return o;
}

static const char *mt_name(json_t *names, unsigned int m, char *buf, size_t len)
{
	json_t *n = json_array_get(names, m);
	if (json_is_string(n))
		return json_string_value(n);
	snprintf(buf, len, "mt%u", m);
	return buf;
}

/* An integer of @o as text, "unknown" when the header holds null or nothing. */
static const char *int_or_unknown(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "unknown";
	snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

/* trace, source and host lines. */
static void print_host_text(json_t *o)
{
	json_t *host = json_object_get(o, "host");

	printf("trace:       %s (%" JSON_INTEGER_FORMAT " bytes, format %s)\n",
	       json_string_value(json_object_get(o, "file")),
	       json_integer_value(json_object_get(o, "file_size")),
	       json_string_value(json_object_get(o, "format_version")));
	json_t *src = json_object_get(o, "source");
	printf("source:      %s\n", json_is_string(src) ? json_string_value(src) : "(not given)");
	if (json_object_size(host)) {
		char cpus[24], pbo[24], orders[24];
		printf("host:        %s, kernel %s, %s cpus, page size %" JSON_INTEGER_FORMAT
		       ", pageblock order %s, %s orders\n",
		       json_string_value(json_object_get(host, "hostname")) ?: "?",
		       json_string_value(json_object_get(host, "kernel_release")) ?: "?",
		       int_or_unknown(host, "cpus", cpus, sizeof(cpus)),
		       json_integer_value(json_object_get(host, "page_size")),
		       int_or_unknown(host, "pageblock_order", pbo, sizeof(pbo)),
		       int_or_unknown(host, "nr_page_orders", orders, sizeof(orders)));
	} else {
		printf("host:        (the header does not describe the host)\n");
	}
}

/* The import notes, then the zones the header describes. */
static void print_zones_text(json_t *o)
{
	json_t *zones = json_object_get(o, "zones");
	size_t i;
	json_t *z;
	json_array_foreach(json_object_get(o, "import_notes"), i, z)
		printf("note:        %s\n", json_string_value(z) ?: "?");
	if (!json_array_size(zones))
		printf("zones:       none recorded: replay infers them from the pfns (import with "
		       "--sysinfo DIR for the real ones)\n");
	if (json_array_size(zones)) {
		printf("zones:       node zone      start_pfn    spanned    present    managed"
		       "      min      low     high\n");
		json_array_foreach(zones, i, z) {
			if (!json_integer_value(json_object_get(z, "spanned")))
				continue;
			printf("             %4" JSON_INTEGER_FORMAT " %-8s %10" JSON_INTEGER_FORMAT
			       " %10" JSON_INTEGER_FORMAT " %10" JSON_INTEGER_FORMAT
			       " %10" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
			       " %8" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT "\n",
			       json_integer_value(json_object_get(z, "node")),
			       json_string_value(json_object_get(z, "name")) ?: "?",
			       json_integer_value(json_object_get(z, "start_pfn")),
			       json_integer_value(json_object_get(z, "spanned")),
			       json_integer_value(json_object_get(z, "present")),
			       json_integer_value(json_object_get(z, "managed")),
			       json_integer_value(json_object_get(z, "min")),
			       json_integer_value(json_object_get(z, "low")),
			       json_integer_value(json_object_get(z, "high")));
		}
	}
}

/* The time span, the events by kind, the losses and the allocations by order x migratetype. */
static void print_events_text(json_t *o, const struct tracefmt_summary *in, unsigned int nr_mt,
			      unsigned int nr_orders)
{
	json_t *names = json_object_get(json_object_get(o, "host"), "migratetypes");
	char b[32];

	printf("time span:   %" PRIu64 " .. %" PRIu64 " ns (%.3f s)\n", in->first_ns, in->last_ns,
	       json_real_value(json_object_get(o, "duration_s")));
	printf("events:      %" PRIu64 " (%.0f per second)\n", in->page_events,
	       json_real_value(json_object_get(o, "events_per_second")));
	for (unsigned int t = TRACEFMT_PAGE_ALLOC; t <= TRACEFMT_PAGE_ALLOC_EXTFRAG; t++)
		printf("  %-28s %12" PRIu64 "\n", tracefmt_type_name(t), in->by_type[t]);
	printf("lost events: %" PRIu64 "%s\n", in->lost,
	       in->lost ? " (the trace is lossy; see lost_by_cpu in --json)" : "");
	printf("failed allocations: %" PRIu64 "\n", in->failed);
	printf("allocations by order x migratetype:\n  order");
	for (unsigned int m = 0; m < nr_mt; m++)
		printf(" %11.11s", mt_name(names, m, b, sizeof(b)));
	printf("\n");
	for (unsigned int ord = 0; ord < nr_orders; ord++) {
		uint64_t row = 0;
		for (unsigned int m = 0; m < nr_mt; m++)
			row += in->allocs[ord][m];
		if (!row)
			continue;
		printf("  %5u", ord);
		for (unsigned int m = 0; m < nr_mt; m++)
			printf(" %11" PRIu64, in->allocs[ord][m]);
		printf("\n");
	}
}

/* Checkpoints, triggers, zone states and the mm records. */
static void print_states_text(const struct tracefmt_summary *in)
{
	printf("checkpoints: %" PRIu64 " readings; pid->comm records: %" PRIu64 "\n",
	       in->checkpoint_readings, in->by_type[TRACEFMT_COMM]);
	for (size_t i = 0; i < in->nr_triggers; i++) {
		const struct tracefmt_event *e = &in->triggers[i];

		printf("trigger: %s at %.6f s (cpu %u, pid %u): order %" PRIu64 ", value %" PRIu64
		       ", limit %" PRIu64 "%s%s\n", tracefmt_trigger_kind_name(e->u.trigger.kind),
		       (double)(int64_t)(e->ts_ns - in->first_ns) / 1e9, e->cpu, e->pid, e->u.trigger.order,
		       e->u.trigger.value, e->u.trigger.limit, e->u.trigger.zone[0] ? ", zone " : "",
		       e->u.trigger.zone);
	}
	if (in->zs_readings || in->by_type[TRACEFMT_WMARK])
		printf("zone states: %" PRIu64 " readings; watermark recomputes: %" PRIu64
		       " records\n", in->zs_readings, in->by_type[TRACEFMT_WMARK]);
	info_mm_print(&in->mm);
	for (size_t zi = 0; zi < in->nr_zs_zones; zi++) {
		const struct tracefmt_summary_zone *z = &in->zs_zones[zi];
		if (z->has_state && z->changes)
			printf("  node %u %-8s managed %" PRIu64 " -> %" PRIu64 ", present %" PRIu64
			       " -> %" PRIu64 " (%" PRIu64 " changes: memory appeared or went)\n",
			       z->node, z->name, z->first.managed, z->last.managed,
			       z->first.present, z->last.present, z->changes);
	}
}

static void print_snapshot_text(json_t *o, const struct tracefmt_summary *in,
				unsigned int nr_orders)
{
	json_t *snap = json_object_get(o, "snapshot");
	if (in->snap_begin) {
		printf("snapshot:    %s walk, %s, %" PRIu64 " blocks, %" PRIu64 " buddy pages, %"
		       PRIu64 " uncertain, %.3f ms\n",
		       json_string_value(json_object_get(snap, "method")),
		       in->snap_end ? "complete" : "INCOMPLETE", in->snap_blocks, in->snap_pages,
		       in->snap_uncertain,
		       (double)json_integer_value(json_object_get(snap, "walk_ns")) / 1e6);
		for (size_t zi = 0; zi < in->nr_snap_zones; zi++) {
			const struct tracefmt_summary_snap_zone *sz = &in->snap_zones[zi];
			printf("  node %u %-8s %" PRIu64 " pages free; blocks per order:", sz->node,
			       sz->name, sz->pages);
			for (unsigned int ord = 0; ord < nr_orders; ord++) {
				uint64_t n = 0;
				for (unsigned int m = 0; m <= TRACEFMT_SUMMARY_MAX_MT; m++)
					n += sz->blocks[ord][m];
				printf(" %" PRIu64, n);
			}
			printf("\n");
		}
		json_t *warn = json_object_get(snap, "warnings");
		if (json_array_size(warn)) {
			size_t wi;
			json_t *wv;
			printf("  warnings:");
			json_array_foreach(warn, wi, wv)
				printf(" %s", json_string_value(wv));
			printf("\n");
		}
		printf("  pcp pages per cpu:");
		for (unsigned int c = 0; c < in->max_cpu_pcp; c++)
			printf(" %" PRIu64, in->snap_pcp_pages_by_cpu[c]);
		printf("\n");
	} else {
		printf("snapshot:    none\n");
	}
}

/* What the reader found of the file's integrity. */
static void print_integrity_text(json_t *o)
{
	printf("blocks:      %" JSON_INTEGER_FORMAT " read, %" JSON_INTEGER_FORMAT " corrupt, %"
	       JSON_INTEGER_FORMAT " bytes skipped\n",
	       json_integer_value(json_object_get(o, "blocks_ok")),
	       json_integer_value(json_object_get(o, "blocks_corrupt")),
	       json_integer_value(json_object_get(o, "bytes_skipped")));
	const char *fc = json_string_value(json_object_get(o, "first_corruption"));
	if (fc && *fc)
		printf("  first corruption: %s\n", fc);
	if (json_is_true(json_object_get(o, "truncated")))
		printf("  TRUNCATED: the intact part ends at offset %" JSON_INTEGER_FORMAT " (%s)\n",
		       json_integer_value(json_object_get(o, "intact_end")),
		       json_string_value(json_object_get(o, "stop_reason")));
	else if (!json_is_true(json_object_get(o, "complete")))
		printf("  NOT COMPLETE: %s\n", json_string_value(json_object_get(o, "stop_reason")));
	else
		printf("  complete\n");
}

static void print_text(json_t *o, json_t *hdr, const struct tracefmt_summary *in,
		       unsigned int nr_mt, unsigned int nr_orders)
{
	print_host_text(o);
	print_zones_text(o);
	print_events_text(o, in, nr_mt, nr_orders);
	print_states_text(in);
	print_snapshot_text(o, in, nr_orders);
	print_integrity_text(o);
	(void)hdr;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool as_json = false;
	int c, ret = 1;
	struct tracefmt_reader *r = NULL;
	struct tracefmt_summary *in = NULL;
	json_t *hdr = NULL, *out = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
		default:
			return cli_help_or_usage(c, usage);
		}
	}
	if (optind != argc - 1)
		return cli_usage_fail("info", usage, "expected exactly one trace file");
	const char *path = argv[optind];
	struct bs_error err = { 0 };
	r = tracefmt_reader_open(path, &err);
	if (!r) {
		return cli_fail("info", path, errno, err.text);
	}
	size_t hlen;
	const char *htext = tracefmt_reader_header(r, &hlen);
	json_error_t jerr;
	hdr = hlen ? json_loadb(htext, hlen, 0, &jerr) : NULL;
	if (hlen && !hdr)
		fprintf(stderr, "buddyscope info: warning: %s: header is not valid JSON (%s at "
			"header byte %d); showing events only\n", path, jerr.text, jerr.position);

	in = calloc(1, sizeof(*in));
	if (!in) {
		cli_error("info", "out of memory");
		goto cleanup;
	}
	if (tracefmt_summary_read(r, path, in, &err) < 0) {
		cli_error("info", "%s", err.text);
		goto cleanup;
	}
	const struct tracefmt_reader_stats *st = tracefmt_reader_stats(r);

	json_t *host = header_get(hdr, "host");
	json_t *names = host ? json_object_get(host, "migratetypes") : NULL;
	unsigned int nr_mt = json_array_size(names) ? (unsigned int)json_array_size(names) : 5;
	json_int_t no = host ? json_integer_value(json_object_get(host, "nr_page_orders")) : 0;
	unsigned int nr_orders = no > 0 && no <= TRACEFMT_SUMMARY_MAX_ORDERS ? (unsigned int)no : 11;
	if (nr_mt > TRACEFMT_SUMMARY_MAX_MT)
		nr_mt = TRACEFMT_SUMMARY_MAX_MT;

	out = build_json(path, st, in, hdr, nr_mt, nr_orders);
	if (as_json) {
		if (json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			goto cleanup;
		printf("\n");
	} else {
		print_text(out, hdr, in, nr_mt, nr_orders);
	}
	if (st->blocks_corrupt)
		fprintf(stderr, "buddyscope info: warning: %s: %" PRIu64 " corrupt block(s) skipped; "
			"first: %s\n", path, st->blocks_corrupt, st->first_corruption);
	if (st->truncated)
		fprintf(stderr, "buddyscope info: warning: %s: truncated; the intact part ends at "
			"offset %" PRIu64 ": %s\n", path, st->intact_end, st->stop_reason);
	else if (!st->complete)
		fprintf(stderr, "buddyscope info: warning: %s: not complete: %s\n", path,
			st->stop_reason);
	ret = fflush(stdout) ? 1 : 0;
cleanup:
	json_decref(out);
	json_decref(hdr);
	free(in);
	tracefmt_reader_close(r);
	return ret;
}
