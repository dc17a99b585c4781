/* SPDX-License-Identifier: MIT */
/*
 * The reclaim and compaction record types of format 1.4 (types 16-35,
 * FORMAT.md §4 "Reclaim and compaction"): one table says, per type, which
 * tracepoint it records and its fields in the tracepoint's order, with the
 * struct member each lands in and the kind of value it is. The codec, the
 * value limits, the trace.dat and text importers and the capture's loader
 * all read the fields through this table, so a type is one entry here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "tracefmt_internal.h"

#define M(member) offsetof(struct tracefmt_event, u.member), \
	sizeof(((struct tracefmt_event *)0)->u.member)
#define F(name, text, flags, kind, member) { name, text, M(member), kind, flags }

#define NID(text) F("nid", text, 0, TF_MM_NODE, wake.nid)
#define CZ_NID F("nid", "node", 0, TF_MM_NODE, compact_zone.nid)
#define CZ_IDX F("idx", "zone", 0, TF_MM_ZONE, compact_zone.zid)
#define CZ_ORDER F("order", NULL, 0, TF_MM_ORDER, compact_zone.order)
#define RANGE(m)                                                                     \
	F("start_pfn", NULL, 0, TF_MM_PFN, m.start_pfn),                             \
	F("end_pfn", NULL, 0, TF_MM_PFN, m.end_pfn),                                 \
	F("nr_scanned", NULL, 0, TF_MM_PAGES, m.nr_scanned),                         \
	F("nr_taken", NULL, 0, TF_MM_PAGES, m.nr_taken)
#define RUN                                                                          \
	F("zone_start", NULL, 0, TF_MM_PFN, compact.zone_start),                     \
	F("migrate_pfn", NULL, 0, TF_MM_PFN, compact.migrate_pfn),                   \
	F("free_pfn", NULL, 0, TF_MM_PFN, compact.free_pfn),                         \
	F("zone_end", NULL, 0, TF_MM_PFN, compact.zone_end),                         \
	F("sync", "mode", 0, TF_MM_BOOL, compact.sync)
#define DEFER                                                                        \
	CZ_NID, CZ_IDX, CZ_ORDER,                                                    \
	F("considered", "consider", 0, TF_MM_COUNT, compact_zone.considered),        \
	F("defer_shift", "limit", TF_MM_TEXT_LOG2, TF_MM_SHIFT, compact_zone.defer_shift), \
	F("order_failed", NULL, 0, TF_MM_ORDER, compact_zone.order_failed)
#define KCOMPACTD                                                                    \
	NID(NULL), F("order", NULL, 0, TF_MM_ORDER, wake.order),                     \
	F("highest_zoneidx", "classzone_idx", 0, TF_MM_ZONE, wake.zid)

static const struct tf_mm_desc descs[TRACEFMT_MM_NR_TYPES] = {
#define D(t, sys, n, ...) [t - TRACEFMT_MM_FIRST] = { t, sys, n, { __VA_ARGS__ } }
	D(TRACEFMT_VMSCAN_WAKEUP_KSWAPD, "vmscan", 4, NID(NULL),
	  /* the print format has no zid: a text import leaves it -1 */
	  F("zid", NULL, TF_MM_TEXT_OPTIONAL, TF_MM_ZONE, wake.zid),
	  F("order", NULL, 0, TF_MM_ORDER, wake.order),
	  F("gfp_flags", NULL, 0, TF_MM_GFP, wake.gfp_flags)),
	D(TRACEFMT_VMSCAN_KSWAPD_WAKE, "vmscan", 3, NID(NULL),
	  F("zid", NULL, TF_MM_TEXT_OPTIONAL, TF_MM_ZONE, wake.zid),
	  F("order", NULL, 0, TF_MM_ORDER, wake.order)),
	D(TRACEFMT_VMSCAN_KSWAPD_SLEEP, "vmscan", 1, NID(NULL)),
	D(TRACEFMT_VMSCAN_DIRECT_BEGIN, "vmscan", 2,
	  F("order", NULL, 0, TF_MM_ORDER, direct.order),
	  F("gfp_flags", NULL, 0, TF_MM_GFP, direct.gfp_flags)),
	D(TRACEFMT_VMSCAN_DIRECT_END, "vmscan", 1,
	  F("nr_reclaimed", NULL, 0, TF_MM_PAGES, direct.nr_reclaimed)),
	D(TRACEFMT_COMPACTION_BEGIN, "compaction", 5, RUN),
	D(TRACEFMT_COMPACTION_END, "compaction", 6, RUN,
	  F("status", NULL, 0, TF_MM_RESULT, compact.status)),
	D(TRACEFMT_COMPACTION_ISOLATE_MIGRATE, "compaction", 4, RANGE(isolate)),
	D(TRACEFMT_COMPACTION_ISOLATE_FREE, "compaction", 4, RANGE(isolate)),
	D(TRACEFMT_COMPACTION_FAST_ISOLATE_FREE, "compaction", 4, RANGE(isolate)),
	D(TRACEFMT_COMPACTION_MIGRATEPAGES, "compaction", 2,
	  F("nr_migrated", NULL, 0, TF_MM_PAGES, migrate.nr_migrated),
	  F("nr_failed", NULL, 0, TF_MM_PAGES, migrate.nr_failed)),
	D(TRACEFMT_COMPACTION_FINISHED, "compaction", 4, CZ_NID, CZ_IDX, CZ_ORDER,
	  F("ret", NULL, 0, TF_MM_RESULT, compact_zone.ret)),
	D(TRACEFMT_COMPACTION_SUITABLE, "compaction", 4, CZ_NID, CZ_IDX, CZ_ORDER,
	  F("ret", NULL, 0, TF_MM_RESULT, compact_zone.ret)),
	D(TRACEFMT_COMPACTION_DEFERRED, "compaction", 6, DEFER),
	D(TRACEFMT_COMPACTION_DEFER_COMPACTION, "compaction", 6, DEFER),
	D(TRACEFMT_COMPACTION_DEFER_RESET, "compaction", 6, DEFER),
	D(TRACEFMT_COMPACTION_KCOMPACTD_WAKE, "compaction", 3, KCOMPACTD),
	D(TRACEFMT_COMPACTION_WAKEUP_KCOMPACTD, "compaction", 3, KCOMPACTD),
	D(TRACEFMT_COMPACTION_KCOMPACTD_SLEEP, "compaction", 1, NID(NULL)),
	D(TRACEFMT_COMPACTION_TRY_TO_COMPACT, "compaction", 3,
	  F("order", NULL, 0, TF_MM_ORDER, direct.order),
	  F("gfp_mask", NULL, 0, TF_MM_GFP, direct.gfp_flags),
	  F("prio", "priority", 0, TF_MM_PRIO, direct.prio)),
#undef D
};

const struct tf_mm_desc *tf_mm_desc(unsigned int type)
{
	return tracefmt_type_is_mm(type) ? &descs[type - TRACEFMT_MM_FIRST] : NULL;
}

const char *tracefmt_mm_system(unsigned int type)
{
	const struct tf_mm_desc *d = tf_mm_desc(type);

	return d ? d->system : NULL;
}

bool tf_mm_signed(const struct tf_mm_field *f)
{
	switch (f->kind) {
	case TF_MM_NODE:
	case TF_MM_ZONE:
	case TF_MM_ORDER:
	case TF_MM_RESULT:
	case TF_MM_PRIO:
		return true;
	default:
		return false;
	}
}

uint64_t tf_mm_get(const struct tracefmt_event *ev, const struct tf_mm_field *f)
{
	const char *p = (const char *)ev + f->off;
	uint64_t v64;
	uint32_t v32;

	if (f->size == 8) {
		memcpy(&v64, p, 8);
		return v64;
	}
	memcpy(&v32, p, 4);
	return tf_mm_signed(f) ? (uint64_t)(int64_t)(int32_t)v32 : v32;
}

void tf_mm_set(struct tracefmt_event *ev, const struct tf_mm_field *f, uint64_t v)
{
	char *p = (char *)ev + f->off;
	uint32_t v32 = (uint32_t)v;

	if (f->size == 8)
		memcpy(p, &v, 8);
	else
		memcpy(p, &v32, 4);
}

int tracefmt_mm_set_args(struct tracefmt_event *ev, const uint64_t *args, unsigned int nr_args)
{
	const struct tf_mm_desc *d = tf_mm_desc(ev->type);

	if (!d || nr_args < d->nr)
		return -EINVAL;
	for (unsigned int i = 0; i < d->nr; i++)
		tf_mm_set(ev, &d->f[i], args[i]);
	return (int)d->nr;
}

const char *tracefmt_compact_result_name(unsigned int result)
{
	/* include/linux/compaction.h enum compact_result, as the tracepoints print it */
	static const char *const names[] = {
		"not_suitable_zone", "skipped", "deferred", "no_suitable_page", "continue",
		"complete", "partial_skipped", "contended", "success",
	};

	return result < sizeof(names) / sizeof(names[0]) ? names[result] : "unknown";
}

/* The inclusive range of a kind's values (FORMAT.md §4 "Value limits"). */
static void kind_range(enum tf_mm_kind kind, int64_t *lo, uint64_t *hi)
{
	*lo = 0;
	switch (kind) {
	case TF_MM_NODE:
		*hi = TRACEFMT_MAX_NODES - 1;
		break;
	case TF_MM_ZONE:
		*lo = -1;
		*hi = TRACEFMT_MAX_ZONE_TYPES - 1;
		break;
	case TF_MM_ORDER:
		*lo = -1;
		*hi = TRACEFMT_MAX_ORDERS - 1;
		break;
	case TF_MM_PFN:
	case TF_MM_PAGES:
		*hi = TRACEFMT_MAX_PFN + 1;
		break;
	case TF_MM_BOOL:
		*hi = 1;
		break;
	case TF_MM_RESULT:
	case TF_MM_PRIO:
		*hi = TRACEFMT_MAX_COMPACT_RESULT;
		break;
	case TF_MM_SHIFT:
		*hi = 63;
		break;
	default:
		*hi = UINT64_MAX;
		break;
	}
}

int tf_mm_check(const struct tracefmt_event *ev, char *why, size_t len)
{
	const struct tf_mm_desc *d = tf_mm_desc(ev->type);

	if (!d)
		return 0;
	for (unsigned int i = 0; i < d->nr; i++) {
		const struct tf_mm_field *f = &d->f[i];
		uint64_t v = tf_mm_get(ev, f), hi;
		int64_t lo;

		kind_range(f->kind, &lo, &hi);
		if (tf_mm_signed(f) ? ((int64_t)v >= lo && (int64_t)v <= (int64_t)hi) : v <= hi)
			continue;
		if (why) {
			if (tf_mm_signed(f))
				snprintf(why, len, "%s: %s %lld is out of range %lld..%llu",
					 tracefmt_type_name(ev->type), f->name, (long long)(int64_t)v,
					 (long long)lo, (unsigned long long)hi);
			else
				snprintf(why, len, "%s: %s %llu is out of range 0..%llu",
					 tracefmt_type_name(ev->type), f->name,
					 (unsigned long long)v, (unsigned long long)hi);
		}
		return -EINVAL;
	}
	return 0;
}

/* A vmstat counter name: 1..31 bytes of [a-z0-9_], as /proc/vmstat prints them. */
int tf_vmstat_check(const struct tracefmt_event *ev, char *why, size_t len)
{
	const char *n = ev->u.vmstat.name;
	size_t i = 0;

	for (; i < sizeof(ev->u.vmstat.name) && n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_'))
			break;
	if (i && i < sizeof(ev->u.vmstat.name) && !n[i])
		return 0;
	if (why)
		snprintf(why, len, "vmstat: name is not 1..%d bytes of [a-z0-9_]",
			 TRACEFMT_VMSTAT_NAME_MAX);
	return -EINVAL;
}
