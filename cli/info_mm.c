/* SPDX-License-Identifier: MIT */
/*
 * `buddyscope info` for the reclaim and compaction records (info_mm.h):
 * counts by tracepoint, compaction runs by how they ended, the pages their
 * scanners isolated and migrated, and the /proc/vmstat counters' first and
 * last readings.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "info_mm.h"

static uint64_t events(const struct tracefmt_summary_mm *m)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < TRACEFMT_MM_NR_TYPES; i++)
		n += m->by_type[i];
	return n;
}

#define BY(m, t) ((json_int_t)(m)->by_type[(t) - TRACEFMT_MM_FIRST])

void info_mm_json(json_t *o, const struct tracefmt_summary_mm *m)
{
	json_t *rc = json_object(), *by_kind = json_object(), *by_status = json_object();
	json_t *vm = json_object(), *first = json_object(), *last = json_object(),
	       *delta = json_object();

	for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++)
		json_object_set_new(by_kind, tracefmt_type_name(t), json_integer(BY(m, t)));
	for (unsigned int s = 0; s <= TRACEFMT_MAX_COMPACT_RESULT; s++)
		if (m->runs_by_status[s])
			json_object_set_new(by_status, tracefmt_compact_result_name(s),
					    json_integer((json_int_t)m->runs_by_status[s]));
	json_object_set_new(rc, "events", json_integer((json_int_t)events(m)));
	json_object_set_new(rc, "by_kind", by_kind);
	json_object_set_new(rc, "compaction_runs", json_integer(BY(m, TRACEFMT_COMPACTION_END)));
	json_object_set_new(rc, "compaction_by_status", by_status);
	json_object_set_new(rc, "pages_isolated_migrate", json_integer((json_int_t)m->isolated_migrate));
	json_object_set_new(rc, "pages_isolated_free", json_integer((json_int_t)m->isolated_free));
	json_object_set_new(rc, "pages_migrated", json_integer((json_int_t)m->migrated));
	json_object_set_new(rc, "pages_migrate_failed", json_integer((json_int_t)m->migrate_failed));
	json_object_set_new(rc, "kswapd_wakes", json_integer(BY(m, TRACEFMT_VMSCAN_KSWAPD_WAKE)));
	json_object_set_new(rc, "direct_reclaims", json_integer(BY(m, TRACEFMT_VMSCAN_DIRECT_BEGIN)));
	json_object_set_new(rc, "pages_direct_reclaimed",
			    json_integer((json_int_t)m->direct_reclaimed));
	json_object_set_new(o, "reclaim_compaction", rc);

	for (unsigned int i = 0; i < m->nr_counters; i++) {
		const struct tracefmt_summary_mm_counter *c = &m->counters[i];

		if (c->in_first)
			json_object_set_new(first, c->name, json_integer((json_int_t)c->first));
		if (c->in_last)
			json_object_set_new(last, c->name, json_integer((json_int_t)c->last));
		if (c->in_first && c->in_last)
			json_object_set_new(delta, c->name,
					    json_integer((json_int_t)(c->last - c->first)));
	}
	json_object_set_new(vm, "readings", json_integer((json_int_t)m->vm_readings));
	json_object_set_new(vm, "first", first);
	json_object_set_new(vm, "last", last);
	json_object_set_new(vm, "delta", delta);
	json_object_set_new(o, "vmstat", vm);
}

void info_mm_print(const struct tracefmt_summary_mm *m)
{
	unsigned int shown = 0;

	if (events(m)) {
		printf("reclaim:     kswapd woken %" PRIu64 " times (asked %" PRIu64
		       "), direct reclaims %" PRIu64 " (%" PRIu64 " pages)\n",
		       m->by_type[TRACEFMT_VMSCAN_KSWAPD_WAKE - TRACEFMT_MM_FIRST],
		       m->by_type[TRACEFMT_VMSCAN_WAKEUP_KSWAPD - TRACEFMT_MM_FIRST],
		       m->by_type[TRACEFMT_VMSCAN_DIRECT_BEGIN - TRACEFMT_MM_FIRST],
		       m->direct_reclaimed);
		printf("compaction:  %" PRIu64 " runs; pages isolated %" PRIu64 " to migrate, %" PRIu64
		       " free; migrated %" PRIu64 ", failed %" PRIu64 "\n",
		       m->by_type[TRACEFMT_COMPACTION_END - TRACEFMT_MM_FIRST], m->isolated_migrate,
		       m->isolated_free, m->migrated, m->migrate_failed);
		for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++)
			if (m->by_type[t - TRACEFMT_MM_FIRST])
				printf("  %-36s %10" PRIu64 "\n", tracefmt_type_name(t),
				       m->by_type[t - TRACEFMT_MM_FIRST]);
	}
	if (!m->vm_readings)
		return;
	printf("vmstat:      %" PRIu64 " readings of %u counters", m->vm_readings, m->nr_counters);
	for (unsigned int i = 0; i < m->nr_counters; i++) {
		const struct tracefmt_summary_mm_counter *c = &m->counters[i];

		if (!c->in_first || !c->in_last || c->last == c->first)
			continue;
		printf("%s %s +%" PRIu64, shown++ ? "," : "; changed:", c->name, c->last - c->first);
	}
	printf("%s\n", shown ? "" : "; none changed");
}
