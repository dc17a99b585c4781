// SPDX-License-Identifier: MIT
/*
 * The kernel's reclaim and compaction as the trace shows them over time
 * (format 1.4 records, both modes): kswapd's awake time and runs, pages
 * reclaimed, compaction runs and pages migrated, as cumulative counters
 * sent to the sink with every sample ("trace.kswapd_awake_ns", ...;
 * viz/SCHEMA.md "counters"). Nothing here changes the model: shadow mode's
 * use of the same records is reclaim.c's.
 */
#include <string.h>

#include <jansson.h>

#include "reorder.h"
#include "replay_internal.h"

/* kswapd of @node begins a run (mm_vmscan_kswapd_wake) or goes to sleep. */
static void kswapd_state(struct replay_activity *a, unsigned int node, bool wake, uint64_t ts)
{
	if (node >= MODEL_MAX_NODES)
		return;
	if (wake) {
		a->kswapd_runs++;
		if (!a->awake[node]) {
			a->awake[node] = true;
			a->awake_since[node] = ts;
		}
		return;
	}
	/* a sleep whose wake the trace does not show adds nothing: its start is unknown */
	if (a->awake[node] && ts > a->awake_since[node])
		a->awake_ns += ts - a->awake_since[node];
	a->awake[node] = false;
}

void replay_activity_note(struct replay_ctx *c, const struct reorder_event *e)
{
	struct replay_activity *a = &c->act;

	a->seen = true;
	switch (e->type) {
	case TRACEFMT_VMSCAN_KSWAPD_WAKE:
	case TRACEFMT_VMSCAN_KSWAPD_SLEEP:
		kswapd_state(a, (unsigned int)e->pfn, e->type == TRACEFMT_VMSCAN_KSWAPD_WAKE, e->ts);
		break;
	case TRACEFMT_VMSCAN_DIRECT_END:
		a->direct_reclaimed += e->gfp;
		break;
	case TRACEFMT_COMPACTION_BEGIN:
		a->compaction_runs++;
		break;
	case TRACEFMT_COMPACTION_MIGRATEPAGES:
		a->pages_migrated += e->pfn;
		break;
	default:
		break;
	}
}

/*
 * A /proc/vmstat reading. Every page reclaim frees is counted once in
 * pgsteal_anon or pgsteal_file, whoever reclaimed it (kswapd, direct,
 * khugepaged, memcg; mm/vmscan.c shrink_inactive_list() and the MGLRU's
 * evict_folios(), v6.18), while pgsteal_kswapd/_direct/_khugepaged leave
 * memcg reclaim out: their sum is the total. The records of one reading
 * share its seq.
 */
void replay_activity_vmstat(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	struct replay_activity *a = &c->act;
	const char *name = ev->u.vmstat.name;

	a->seen = true;
	if (strcmp(name, "pgsteal_anon") && strcmp(name, "pgsteal_file"))
		return;
	if (!a->have_pgsteal || ev->u.vmstat.seq != a->pgsteal_seq) {
		a->pgsteal_seq = ev->u.vmstat.seq;
		a->pgsteal_reading = 0;
	}
	a->pgsteal_reading += ev->u.vmstat.value;
	if (!a->have_pgsteal || a->pgsteal_seq == a->pgsteal_first_seq) {
		a->pgsteal_first_seq = a->pgsteal_seq;
		a->pgsteal_first = a->pgsteal_reading;
	}
	a->have_pgsteal = true;
	a->pgsteal_last = a->pgsteal_reading;
}

static const char *const activity_names[] = {
	"trace.kswapd_runs", "trace.kswapd_awake_ns", "trace.pages_reclaimed",
	"trace.direct_reclaimed", "trace.compaction_runs", "trace.pages_migrated",
};

/* The counters as they stand at @ts (ns, trace clock) to the sink, once the trace has shown any. */
void replay_activity_emit(struct replay_ctx *c, uint64_t ts)
{
	const struct replay_activity *a = &c->act;
	uint64_t awake = a->awake_ns;
	int64_t v[6];

	if (!a->seen || !c->sink || !c->sink->counters || c->sink_ret)
		return;
	for (unsigned int n = 0; n < MODEL_MAX_NODES; n++)
		if (a->awake[n] && ts > a->awake_since[n])
			awake += ts - a->awake_since[n];
	v[0] = (int64_t)a->kswapd_runs;
	v[1] = (int64_t)awake;
	/* unknown (NULL) until the first reading; a counter reset would read as a drop: 0 */
	v[2] = !a->have_pgsteal ? -1
		: a->pgsteal_last > a->pgsteal_first ? (int64_t)(a->pgsteal_last - a->pgsteal_first) : 0;
	v[3] = (int64_t)a->direct_reclaimed;
	v[4] = (int64_t)a->compaction_runs;
	v[5] = (int64_t)a->pages_migrated;
	replay_sink_ok(c, c->sink->counters(c->sink_ctx, replay_rel_ns(c, ts), activity_names, v, 6));
}

/* The summary's trace_reclaim_compaction (SUMMARY.md), at the run's end; null when the trace showed none. */
json_t *replay_activity_json(const struct replay_ctx *c)
{
	const struct replay_activity *a = &c->act;
	uint64_t awake = a->awake_ns;

	if (!a->seen)
		return json_null();
	for (unsigned int n = 0; n < MODEL_MAX_NODES; n++)
		if (a->awake[n] && c->clock.last_ts > a->awake_since[n])
			awake += c->clock.last_ts - a->awake_since[n];
	return json_pack("{sI sf so sI sI sI}", "kswapd_runs", (json_int_t)a->kswapd_runs,
			 "kswapd_awake_seconds", (double)awake / 1e9, "pages_reclaimed",
			 a->have_pgsteal ? json_integer((json_int_t)(a->pgsteal_last > a->pgsteal_first
				? a->pgsteal_last - a->pgsteal_first : 0)) : json_null(),
			 "direct_reclaimed_pages", (json_int_t)a->direct_reclaimed,
			 "compaction_runs", (json_int_t)a->compaction_runs,
			 "pages_migrated", (json_int_t)a->pages_migrated);
}
