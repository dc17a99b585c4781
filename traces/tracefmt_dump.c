// SPDX-License-Identifier: MIT
/*
 * One record as one line of text (like `trace-cmd report`) or one JSON
 * object (JSON lines), for `buddyscope dump`. Table-driven: each record type
 * is a list of (name, kind, offset) fields read from struct tracefmt_event,
 * so a new record type is one entry in type_formats[].
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tracefmt.h"

enum field_kind {
	F_U32,		/* unsigned, decimal */
	F_I32,		/* signed, decimal */
	F_U64,		/* unsigned, decimal */
	F_HEX32,	/* unsigned, 0x... in text (flags), a number in JSON */
	F_HEX64,	/* gfp bits */
	F_PFN,		/* 0x... in text; TRACEFMT_PFN_NONE is -1 in both */
	F_STR,		/* NUL-terminated char[size] */
	F_U32_ARRAY,	/* uint32_t[], length in the u32 field at count_off */
	F_U64_ARRAY,	/* uint64_t[], length in the u32 field at count_off */
	F_FREE_BLOCKS,	/* checkpoint free_blocks[nr_orders][nr_mt] */
	F_NAMED,	/* uint32_t printed as the name @names gives it (a string in JSON) */
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t off;
	size_t size;		/* F_STR: bytes; arrays: capacity */
	size_t count_off;	/* arrays: offset of the uint32_t length */
	const char *(*names)(unsigned int value); /* F_NAMED */
};

#define OFF(m) offsetof(struct tracefmt_event, u.m)
#define FLD(kind, name, m) { name, kind, OFF(m), 0, 0, NULL }
#define STR(name, m) { name, F_STR, OFF(m), sizeof(((struct tracefmt_event *)0)->u.m), 0, NULL }
#define NAMED(name, m, fn) { name, F_NAMED, OFF(m), 0, 0, fn }
#define ARR(kind, name, m, count)                                                       \
	{ name, kind, OFF(m),                                                             \
	  sizeof(((struct tracefmt_event *)0)->u.m) /                                     \
		  sizeof(((struct tracefmt_event *)0)->u.m[0]),                           \
	  OFF(count), NULL }

static const struct field f_alloc[] = {
	FLD(F_PFN, "pfn", alloc.pfn), FLD(F_U32, "order", alloc.order),
	FLD(F_I32, "migratetype", alloc.migratetype), FLD(F_HEX64, "gfp_flags", alloc.gfp_flags),
};
static const struct field f_free[] = {
	FLD(F_PFN, "pfn", free.pfn), FLD(F_U32, "order", free.order),
};
static const struct field f_free_batched[] = {
	FLD(F_PFN, "pfn", free_batched.pfn), FLD(F_U32, "order", free_batched.order),
	FLD(F_U32, "has_order", free_batched.has_order),
};
static const struct field f_zone_locked[] = {
	FLD(F_PFN, "pfn", zone_locked.pfn), FLD(F_U32, "order", zone_locked.order),
	FLD(F_I32, "migratetype", zone_locked.migratetype),
	FLD(F_U32, "percpu_refill", zone_locked.percpu_refill),
};
static const struct field f_pcpu_drain[] = {
	FLD(F_PFN, "pfn", pcpu_drain.pfn), FLD(F_U32, "order", pcpu_drain.order),
	FLD(F_I32, "migratetype", pcpu_drain.migratetype),
};
static const struct field f_extfrag[] = {
	FLD(F_PFN, "pfn", extfrag.pfn), FLD(F_U32, "alloc_order", extfrag.alloc_order),
	FLD(F_U32, "fallback_order", extfrag.fallback_order),
	FLD(F_I32, "alloc_migratetype", extfrag.alloc_migratetype),
	FLD(F_I32, "fallback_migratetype", extfrag.fallback_migratetype),
	FLD(F_U32, "change_ownership", extfrag.change_ownership),
};
static const struct field f_lost[] = {
	FLD(F_U64, "count", lost.count),
};
static const struct field f_comm[] = {
	STR("comm", comm.comm),
};
static const struct field f_checkpoint[] = {
	FLD(F_U32, "seq", checkpoint.seq), FLD(F_U32, "node", checkpoint.node),
	STR("zone", checkpoint.zone), FLD(F_HEX32, "flags", checkpoint.flags),
	FLD(F_U32, "nr_orders", checkpoint.nr_orders), FLD(F_U32, "nr_mt", checkpoint.nr_mt),
	FLD(F_U64, "nr_free_pages", checkpoint.nr_free_pages),
	{ "free_blocks", F_FREE_BLOCKS, OFF(checkpoint.free_blocks), 0, 0, NULL },
	ARR(F_U32_ARRAY, "pageblocks", checkpoint.pageblocks, checkpoint.nr_mt),
};
static const struct field f_snapshot_block[] = {
	FLD(F_PFN, "pfn", snapshot_block.pfn), FLD(F_U32, "order", snapshot_block.order),
	FLD(F_I32, "migratetype", snapshot_block.migratetype),
	FLD(F_U64, "position", snapshot_block.position), FLD(F_U32, "node", snapshot_block.node),
	STR("zone", snapshot_block.zone), FLD(F_HEX32, "flags", snapshot_block.flags),
};
static const char *snapshot_phase_name(unsigned int v)
{
	return v == TRACEFMT_SNAP_BEGIN ? "begin" : v == TRACEFMT_SNAP_END ? "end" : "unknown";
}

static const char *snapshot_method_name(unsigned int v)
{
	return v == TRACEFMT_SNAP_METHOD_BPF ? "bpf"
	       : v == TRACEFMT_SNAP_METHOD_KPAGEFLAGS ? "kpageflags" : "unknown";
}

static const struct field f_snapshot_mark[] = {
	NAMED("phase", snapshot_mark.phase, snapshot_phase_name),
	NAMED("method", snapshot_mark.method, snapshot_method_name),
	FLD(F_HEX32, "flags", snapshot_mark.flags), FLD(F_U64, "count", snapshot_mark.count),
};
static const struct field f_snapshot_walk[] = {
	FLD(F_U32, "node", snapshot_walk.node), STR("zone", snapshot_walk.zone),
	FLD(F_HEX32, "flags", snapshot_walk.flags), FLD(F_U64, "end_ns", snapshot_walk.end_ns),
};
static const struct field f_zone_state[] = {
	FLD(F_U32, "seq", zone_state.seq), FLD(F_U32, "node", zone_state.node),
	STR("zone", zone_state.zone), FLD(F_HEX32, "flags", zone_state.flags),
	FLD(F_U64, "start_pfn", zone_state.start_pfn), FLD(F_U64, "spanned", zone_state.spanned),
	FLD(F_U64, "present", zone_state.present), FLD(F_U64, "managed", zone_state.managed),
	FLD(F_U64, "min", zone_state.min), FLD(F_U64, "low", zone_state.low),
	FLD(F_U64, "high", zone_state.high), FLD(F_U64, "promo", zone_state.promo),
	FLD(F_U64, "boost", zone_state.boost), FLD(F_U64, "nr_free_pages", zone_state.nr_free_pages),
	FLD(F_U64, "min_free_kbytes", zone_state.min_free_kbytes),
	FLD(F_U64, "pcp_batch", zone_state.pcp_batch),
	FLD(F_U64, "pcp_high_min", zone_state.pcp_high_min),
	FLD(F_U64, "pcp_high_max", zone_state.pcp_high_max),
	ARR(F_U64_ARRAY, "protection", zone_state.protection, zone_state.nr_protection),
};
static const struct field f_wmark[] = {
	FLD(F_U32, "node", wmark.node), STR("zone", wmark.zone), FLD(F_U64, "min", wmark.min),
	FLD(F_U64, "low", wmark.low), FLD(F_U64, "high", wmark.high),
	FLD(F_U64, "promo", wmark.promo),
};

static const struct field f_trigger[] = {
	NAMED("kind", trigger.kind, tracefmt_trigger_kind_name), FLD(F_U32, "node", trigger.node),
	STR("zone", trigger.zone), FLD(F_U64, "order", trigger.order),
	FLD(F_U64, "value", trigger.value), FLD(F_U64, "limit", trigger.limit),
};

/* Format 1.4: reclaim and compaction, fields as the tracepoints name them. */
static const char *sync_name(unsigned int v)
{
	return v ? "sync" : "async";
}

static const struct field f_wakeup_kswapd[] = {
	FLD(F_I32, "nid", wake.nid), FLD(F_I32, "zid", wake.zid), FLD(F_I32, "order", wake.order),
	FLD(F_HEX64, "gfp_flags", wake.gfp_flags),
};
static const struct field f_kswapd_wake[] = {
	FLD(F_I32, "nid", wake.nid), FLD(F_I32, "zid", wake.zid), FLD(F_I32, "order", wake.order),
};
static const struct field f_nid[] = {
	FLD(F_I32, "nid", wake.nid),
};
static const struct field f_direct_begin[] = {
	FLD(F_I32, "order", direct.order), FLD(F_HEX64, "gfp_flags", direct.gfp_flags),
};
static const struct field f_direct_end[] = {
	FLD(F_U64, "nr_reclaimed", direct.nr_reclaimed),
};
#define COMPACT_RUN                                                                        	FLD(F_PFN, "zone_start", compact.zone_start),                                       		FLD(F_PFN, "migrate_pfn", compact.migrate_pfn),                             		FLD(F_PFN, "free_pfn", compact.free_pfn),                                   		FLD(F_PFN, "zone_end", compact.zone_end),                                   		NAMED("mode", compact.sync, sync_name)
static const struct field f_compaction_begin[] = { COMPACT_RUN };
static const struct field f_compaction_end[] = {
	COMPACT_RUN, NAMED("status", compact.status, tracefmt_compact_result_name),
};
static const struct field f_isolate[] = {
	FLD(F_PFN, "start_pfn", isolate.start_pfn), FLD(F_PFN, "end_pfn", isolate.end_pfn),
	FLD(F_U64, "nr_scanned", isolate.nr_scanned), FLD(F_U64, "nr_taken", isolate.nr_taken),
};
static const struct field f_migratepages[] = {
	FLD(F_U64, "nr_migrated", migrate.nr_migrated), FLD(F_U64, "nr_failed", migrate.nr_failed),
};
static const struct field f_compaction_result[] = {
	FLD(F_I32, "nid", compact_zone.nid), FLD(F_I32, "zid", compact_zone.zid),
	FLD(F_I32, "order", compact_zone.order),
	NAMED("ret", compact_zone.ret, tracefmt_compact_result_name),
};
static const struct field f_compaction_defer[] = {
	FLD(F_I32, "nid", compact_zone.nid), FLD(F_I32, "zid", compact_zone.zid),
	FLD(F_I32, "order", compact_zone.order), FLD(F_U32, "considered", compact_zone.considered),
	FLD(F_U32, "defer_shift", compact_zone.defer_shift),
	FLD(F_I32, "order_failed", compact_zone.order_failed),
};
static const struct field f_kcompactd[] = {
	FLD(F_I32, "nid", wake.nid), FLD(F_I32, "order", wake.order),
	FLD(F_I32, "highest_zoneidx", wake.zid),
};
static const struct field f_try_to_compact[] = {
	FLD(F_I32, "order", direct.order), FLD(F_HEX64, "gfp_mask", direct.gfp_flags),
	FLD(F_I32, "prio", direct.prio),
};
static const struct field f_vmstat[] = {
	FLD(F_U32, "seq", vmstat.seq), STR("name", vmstat.name), FLD(F_U64, "value", vmstat.value),
};

#define TYPE(t, f) [t] = { f, sizeof(f) / sizeof(f[0]) }
static const struct type_format {
	const struct field *fields;
	size_t nr;
} type_formats[TRACEFMT_NR_TYPES] = {
	TYPE(TRACEFMT_PAGE_ALLOC, f_alloc),
	TYPE(TRACEFMT_PAGE_FREE, f_free),
	TYPE(TRACEFMT_PAGE_FREE_BATCHED, f_free_batched),
	TYPE(TRACEFMT_PAGE_ALLOC_ZONE_LOCKED, f_zone_locked),
	TYPE(TRACEFMT_PAGE_PCPU_DRAIN, f_pcpu_drain),
	TYPE(TRACEFMT_PAGE_ALLOC_EXTFRAG, f_extfrag),
	TYPE(TRACEFMT_LOST, f_lost),
	TYPE(TRACEFMT_CHECKPOINT, f_checkpoint),
	TYPE(TRACEFMT_SNAPSHOT_BLOCK, f_snapshot_block),
	TYPE(TRACEFMT_SNAPSHOT_MARK, f_snapshot_mark),
	TYPE(TRACEFMT_COMM, f_comm),
	TYPE(TRACEFMT_SNAPSHOT_WALK, f_snapshot_walk),
	TYPE(TRACEFMT_ZONE_STATE, f_zone_state),
	TYPE(TRACEFMT_WMARK, f_wmark),
	TYPE(TRACEFMT_TRIGGER, f_trigger),
	TYPE(TRACEFMT_VMSCAN_WAKEUP_KSWAPD, f_wakeup_kswapd),
	TYPE(TRACEFMT_VMSCAN_KSWAPD_WAKE, f_kswapd_wake),
	TYPE(TRACEFMT_VMSCAN_KSWAPD_SLEEP, f_nid),
	TYPE(TRACEFMT_VMSCAN_DIRECT_BEGIN, f_direct_begin),
	TYPE(TRACEFMT_VMSCAN_DIRECT_END, f_direct_end),
	TYPE(TRACEFMT_COMPACTION_BEGIN, f_compaction_begin),
	TYPE(TRACEFMT_COMPACTION_END, f_compaction_end),
	TYPE(TRACEFMT_COMPACTION_ISOLATE_MIGRATE, f_isolate),
	TYPE(TRACEFMT_COMPACTION_ISOLATE_FREE, f_isolate),
	TYPE(TRACEFMT_COMPACTION_FAST_ISOLATE_FREE, f_isolate),
	TYPE(TRACEFMT_COMPACTION_MIGRATEPAGES, f_migratepages),
	TYPE(TRACEFMT_COMPACTION_FINISHED, f_compaction_result),
	TYPE(TRACEFMT_COMPACTION_SUITABLE, f_compaction_result),
	TYPE(TRACEFMT_COMPACTION_DEFERRED, f_compaction_defer),
	TYPE(TRACEFMT_COMPACTION_DEFER_COMPACTION, f_compaction_defer),
	TYPE(TRACEFMT_COMPACTION_DEFER_RESET, f_compaction_defer),
	TYPE(TRACEFMT_COMPACTION_KCOMPACTD_WAKE, f_kcompactd),
	TYPE(TRACEFMT_COMPACTION_WAKEUP_KCOMPACTD, f_kcompactd),
	TYPE(TRACEFMT_COMPACTION_KCOMPACTD_SLEEP, f_nid),
	TYPE(TRACEFMT_COMPACTION_TRY_TO_COMPACT, f_try_to_compact),
	TYPE(TRACEFMT_VMSTAT, f_vmstat),
};

/* A bounded line being built; @need counts what the whole line takes. */
struct line {
	char *buf;
	size_t len;
	size_t need;
};

__attribute__((format(printf, 2, 3))) static void put(struct line *l, const char *fmt, ...)
{
	size_t room = l->need < l->len ? l->len - l->need : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? l->buf + l->need : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->need += (size_t)n;
}

/*
 * A name the record holds (comm, zone), up to its NUL or @size bytes. JSON
 * escapes quote, backslash and every byte outside printable ASCII as
 * \u00XX; text shows such bytes, spaces and backslashes as \xXX so one
 * record stays one line of space-separated fields.
 */
static void put_name(struct line *l, const char *s, size_t size, bool json)
{
	if (json)
		put(l, "\"");
	for (size_t i = 0; i < size && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (json && (c == '"' || c == '\\'))
			put(l, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f && (json || (c != ' ' && c != '\\')))
			put(l, "%c", c);
		else
			put(l, json ? "\\u%04x" : "\\x%02x", c);
	}
	if (json)
		put(l, "\"");
}

static void put_field_value(struct line *l, const struct tracefmt_event *ev,
			    const struct field *f, bool json)
{
	const char *base = (const char *)ev + f->off;
	uint32_t u32, count;
	uint64_t u64;
	int32_t i32;

	switch (f->kind) {
	case F_U32:
		memcpy(&u32, base, sizeof(u32));
		put(l, "%" PRIu32, u32);
		break;
	case F_I32:
		memcpy(&i32, base, sizeof(i32));
		put(l, "%" PRId32, i32);
		break;
	case F_HEX32:
		memcpy(&u32, base, sizeof(u32));
		put(l, json ? "%" PRIu32 : "0x%" PRIx32, u32);
		break;
	case F_U64:
		memcpy(&u64, base, sizeof(u64));
		put(l, "%" PRIu64, u64);
		break;
	case F_HEX64:
		memcpy(&u64, base, sizeof(u64));
		put(l, json ? "%" PRIu64 : "0x%" PRIx64, u64);
		break;
	case F_PFN:
		memcpy(&u64, base, sizeof(u64));
		if (u64 == TRACEFMT_PFN_NONE)
			put(l, "-1");
		else
			put(l, json ? "%" PRIu64 : "0x%" PRIx64, u64);
		break;
	case F_STR:
		put_name(l, base, f->size, json);
		break;
	case F_NAMED:
		memcpy(&u32, base, sizeof(u32));
		put(l, json ? "\"%s\"" : "%s", f->names(u32));
		break;
	case F_U32_ARRAY:
	case F_U64_ARRAY:
		memcpy(&count, (const char *)ev + f->count_off, sizeof(count));
		if (count > f->size)
			count = (uint32_t)f->size;
		put(l, "[");
		for (uint32_t i = 0; i < count; i++) {
			if (f->kind == F_U32_ARRAY) {
				memcpy(&u32, base + i * sizeof(u32), sizeof(u32));
				u64 = u32;
			} else {
				memcpy(&u64, base + i * sizeof(u64), sizeof(u64));
			}
			put(l, "%s%" PRIu64, i ? "," : "", u64);
		}
		put(l, "]");
		break;
	case F_FREE_BLOCKS: {
		uint32_t no = ev->u.checkpoint.nr_orders, nm = ev->u.checkpoint.nr_mt;

		no = no > TRACEFMT_MAX_ORDERS ? TRACEFMT_MAX_ORDERS : no;
		nm = nm > TRACEFMT_MAX_MT ? TRACEFMT_MAX_MT : nm;
		put(l, "[");
		for (uint32_t o = 0; o < no; o++) {
			put(l, "%s[", o ? "," : "");
			for (uint32_t m = 0; m < nm; m++)
				put(l, "%s%" PRIu32, m ? "," : "",
				    ev->u.checkpoint.free_blocks[o][m]);
			put(l, "]");
		}
		put(l, "]");
		break;
	}
	}
}

/* The cpu field: lost records and snapshot walks may name no cpu. */
static void put_cpu(struct line *l, const struct tracefmt_event *ev, bool json)
{
	bool none = ev->cpu == UINT32_MAX &&
		    (ev->type == TRACEFMT_LOST || ev->type == TRACEFMT_SNAPSHOT_WALK);

	if (json)
		put(l, none ? "null" : "%" PRIu32, ev->cpu);
	else
		put(l, none ? "[---]" : "[%03" PRIu32 "]", ev->cpu);
}

int tracefmt_event_format(const struct tracefmt_event *ev, enum tracefmt_dump_style style,
			  char *buf, size_t len)
{
	const struct type_format *tf = ev->type < TRACEFMT_NR_TYPES ? &type_formats[ev->type] : NULL;
	bool json = style == TRACEFMT_DUMP_JSON;
	struct line l = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (!tf || !tf->fields)
		return -EINVAL;
	if (json) {
		put(&l, "{\"type\":\"%s\",\"ts_ns\":%" PRIu64 ",\"cpu\":",
		    tracefmt_type_name(ev->type), ev->ts_ns);
		put_cpu(&l, ev, true);
		put(&l, ",\"pid\":%" PRIu32, ev->pid);
	} else {
		put(&l, "%6" PRIu64 ".%09" PRIu64 " ", ev->ts_ns / 1000000000u,
		    ev->ts_ns % 1000000000u);
		put_cpu(&l, ev, false);
		put(&l, " %7" PRIu32 " %s:", ev->pid, tracefmt_type_name(ev->type));
	}
	for (size_t i = 0; i < tf->nr; i++) {
		put(&l, json ? ",\"%s\":" : " %s=", tf->fields[i].name);
		put_field_value(&l, ev, &tf->fields[i], json);
	}
	if (json)
		put(&l, "}");
	return l.need > INT32_MAX ? -EOVERFLOW : (int)l.need;
}
