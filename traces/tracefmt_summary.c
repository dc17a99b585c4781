/* SPDX-License-Identifier: MIT */
/*
 * One pass over a trace's records into a struct tracefmt_summary
 * (tracefmt_summary.h): the analysis behind `buddyscope info`.
 */
#include <stdio.h>
#include <string.h>

#include "tracefmt_summary.h"

static struct tracefmt_summary_mm_counter *counter(struct tracefmt_summary_mm *m,
						   const char *name)
{
	for (unsigned int i = 0; i < m->nr_counters; i++)
		if (!strcmp(m->counters[i].name, name))
			return &m->counters[i];
	if (m->nr_counters == TRACEFMT_SUMMARY_MM_MAX_COUNTERS)
		return NULL;
	struct tracefmt_summary_mm_counter *c = &m->counters[m->nr_counters++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

static void account_vmstat(struct tracefmt_summary_mm *m, const struct tracefmt_event *ev)
{
	uint32_t seq = ev->u.vmstat.seq;
	struct tracefmt_summary_mm_counter *c;

	if (!m->vm_readings || seq != m->vm_last_seq) {
		if (!m->vm_readings)
			m->vm_first_seq = seq;
		m->vm_readings++;
		m->vm_last_seq = seq;
		for (unsigned int i = 0; i < m->nr_counters; i++)
			m->counters[i].in_last = false;
	}
	c = counter(m, ev->u.vmstat.name);
	if (!c)
		return;
	if (seq == m->vm_first_seq && m->vm_readings == 1) {
		c->first = ev->u.vmstat.value;
		c->in_first = true;
	}
	c->last = ev->u.vmstat.value;
	c->in_last = true;
}

static void summary_mm_add(struct tracefmt_summary_mm *m, const struct tracefmt_event *ev)
{
	if (ev->type == TRACEFMT_VMSTAT) {
		account_vmstat(m, ev);
		return;
	}
	if (!tracefmt_type_is_mm(ev->type))
		return;
	m->by_type[ev->type - TRACEFMT_MM_FIRST]++;
	switch (ev->type) {
	case TRACEFMT_COMPACTION_END:
		if ((uint32_t)ev->u.compact.status <= TRACEFMT_MAX_COMPACT_RESULT)
			m->runs_by_status[ev->u.compact.status]++;
		break;
	case TRACEFMT_COMPACTION_ISOLATE_MIGRATE:
		m->isolated_migrate += ev->u.isolate.nr_taken;
		break;
	case TRACEFMT_COMPACTION_ISOLATE_FREE:
	case TRACEFMT_COMPACTION_FAST_ISOLATE_FREE:
		m->isolated_free += ev->u.isolate.nr_taken;
		break;
	case TRACEFMT_COMPACTION_MIGRATEPAGES:
		m->migrated += ev->u.migrate.nr_migrated;
		m->migrate_failed += ev->u.migrate.nr_failed;
		break;
	case TRACEFMT_VMSCAN_DIRECT_END:
		m->direct_reclaimed += ev->u.direct.nr_reclaimed;
		break;
	default:
		break;
	}
}

static struct tracefmt_summary_snap_zone *snap_zone(struct tracefmt_summary *in, uint32_t node,
						    const char *name)
{
	for (size_t i = 0; i < in->nr_snap_zones; i++)
		if (in->snap_zones[i].node == node && !strcmp(in->snap_zones[i].name, name))
			return &in->snap_zones[i];
	if (in->nr_snap_zones == TRACEFMT_SUMMARY_MAX_ZONES)
		return NULL;
	struct tracefmt_summary_snap_zone *z = &in->snap_zones[in->nr_snap_zones++];
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

static struct tracefmt_summary_zone *zs_zone(struct tracefmt_summary *in, uint32_t node,
					     const char *name)
{
	for (size_t i = 0; i < in->nr_zs_zones; i++)
		if (in->zs_zones[i].node == node && !strcmp(in->zs_zones[i].name, name))
			return &in->zs_zones[i];
	if (in->nr_zs_zones == TRACEFMT_SUMMARY_MAX_ZONES)
		return NULL;
	struct tracefmt_summary_zone *z = &in->zs_zones[in->nr_zs_zones++];
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

static void account_zone_state(struct tracefmt_summary *in, const struct tracefmt_event *ev)
{
	const __typeof__(ev->u.zone_state) *s = &ev->u.zone_state;
	struct tracefmt_summary_reading r = { s->seq,	  s->managed, s->present, s->spanned,
					       s->min,	  s->low,     s->high };
	struct tracefmt_summary_zone *z;

	if (!in->zs_readings || s->seq != in->zs_last_seq)
		in->zs_readings++;
	in->zs_last_seq = s->seq;
	z = zs_zone(in, s->node, s->zone);
	if (!z)
		return;
	if (!z->has_state)
		z->first = r;
	else if (r.managed != z->last.managed || r.present != z->last.present ||
		 r.spanned != z->last.spanned)
		z->changes++;
	z->last = r;
	z->has_state = true;
}

void tracefmt_summary_add(struct tracefmt_summary *in, const struct tracefmt_event *ev)
{
	in->by_type[ev->type]++;
	if (ev->type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) {
		if (!in->page_events || ev->ts_ns < in->first_ns)
			in->first_ns = ev->ts_ns;
		if (!in->page_events || ev->ts_ns > in->last_ns)
			in->last_ns = ev->ts_ns;
		in->page_events++;
	}
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC: {
		uint32_t o = ev->u.alloc.order;
		int32_t mt = ev->u.alloc.migratetype;
		if (ev->u.alloc.pfn == TRACEFMT_PFN_NONE) {
			in->failed++;
			if (o < TRACEFMT_SUMMARY_MAX_ORDERS)
				in->failed_by_order[o]++;
		} else if (o < TRACEFMT_SUMMARY_MAX_ORDERS && mt >= 0 &&
			   mt < TRACEFMT_SUMMARY_MAX_MT) {
			in->allocs[o][mt]++;
		} else {
			in->allocs_other++;
		}
		break;
	}
	case TRACEFMT_LOST:
		in->lost += ev->u.lost.count;
		in->lost_records++;
		if (!ev->u.lost.last_ns)
			in->lost_records_unwindowed++;
		if (ev->cpu < TRACEFMT_SUMMARY_MAX_CPUS)
			in->lost_by_cpu[ev->cpu] += ev->u.lost.count;
		else
			in->lost_unknown_cpu += ev->u.lost.count;
		break;
	case TRACEFMT_CHECKPOINT:
		if (ev->u.checkpoint.flags & TRACEFMT_CKPT_SNAPSHOT)
			break;
		if (!in->any_ckpt || ev->u.checkpoint.seq != in->last_ckpt_seq) {
			in->checkpoint_readings++;
			if (!in->any_ckpt)
				in->ckpt_first_ns = ev->ts_ns;
			in->ckpt_last_ns = ev->ts_ns;
		}
		in->any_ckpt = true;
		in->last_ckpt_seq = ev->u.checkpoint.seq;
		break;
	case TRACEFMT_SNAPSHOT_MARK:
		if (ev->u.snapshot_mark.phase == TRACEFMT_SNAP_BEGIN) {
			in->snap_begin = true;
			in->snap_begin_ns = ev->ts_ns;
			in->snap_method = ev->u.snapshot_mark.method;
		} else if (ev->u.snapshot_mark.phase == TRACEFMT_SNAP_END) {
			in->snap_end = true;
			in->snap_end_ns = ev->ts_ns;
			in->snap_end_flags = ev->u.snapshot_mark.flags;
		}
		break;
	case TRACEFMT_SNAPSHOT_BLOCK: {
		const __typeof__(ev->u.snapshot_block) *s = &ev->u.snapshot_block;
		uint64_t pages = s->order < 64 ? 1ull << s->order : 0;
		in->snap_blocks++;
		if (s->flags & TRACEFMT_SNAP_UNCERTAIN)
			in->snap_uncertain++;
		if (s->flags & TRACEFMT_SNAP_PCP) {
			if (ev->cpu < TRACEFMT_SUMMARY_MAX_CPUS) {
				in->snap_pcp_pages_by_cpu[ev->cpu] += pages;
				if (ev->cpu + 1 > in->max_cpu_pcp)
					in->max_cpu_pcp = ev->cpu + 1;
			}
			break;
		}
		in->snap_pages += pages;
		struct tracefmt_summary_snap_zone *z = snap_zone(in, s->node, s->zone);
		if (!z || s->order >= TRACEFMT_SUMMARY_MAX_ORDERS)
			break;
		int mt = s->migratetype >= 0 && s->migratetype < TRACEFMT_SUMMARY_MAX_MT ?
				 s->migratetype : TRACEFMT_SUMMARY_MAX_MT;
		z->blocks[s->order][mt]++;
		z->pages += pages;
		break;
	}
	case TRACEFMT_ZONE_STATE:
		account_zone_state(in, ev);
		break;
	case TRACEFMT_WMARK: {
		struct tracefmt_summary_zone *z = zs_zone(in, ev->u.wmark.node, ev->u.wmark.zone);
		if (z)
			z->wmarks++;
		break;
	}
	case TRACEFMT_TRIGGER:
		if (in->nr_triggers < TRACEFMT_SUMMARY_MAX_TRIGGERS)
			in->triggers[in->nr_triggers++] = *ev;
		break;
	default:
		summary_mm_add(&in->mm, ev);
		break;
	}
}

int tracefmt_summary_read(struct tracefmt_reader *r, const char *path, struct tracefmt_summary *s,
			  struct bs_error *err)
{
	struct tracefmt_event ev;
	int rc;

	memset(s, 0, sizeof(*s));
	while ((rc = tracefmt_reader_next(r, &ev)) == 1)
		tracefmt_summary_add(s, &ev);
	if (rc < 0)
		return tracefmt_error_set(err, BS_IN(path), rc, "read failed: %s", strerror(-rc));
	return 0;
}
