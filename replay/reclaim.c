// SPDX-License-Identifier: MIT
/*
 * Shadow mode's reclaim and compaction (spec 5.7 option 2, format 1.4
 * records): kswapd's runs drive RECLAIM_ACTIVE and the end of a run's
 * boost; compaction runs open windows in which the buddy lists change
 * without kmem events. The free pages the free scanner isolates are taken
 * out of the model from the isolate_freepages records (the scan is
 * repeated on the model's lists and must take as many pages as the kernel
 * did); what no record places (fast_isolate_freepages) shows as
 * contradictions until the next checkpoint, and those are counted apart.
 */
#include "reorder.h"
#include "replay_internal.h"

/* COMPACT_CLUSTER_MAX: the free scanner's stride in async mode (mm/compaction.c isolate_freepages()). */
#define COMPACT_CLUSTER_MAX 32u

/* The model zones of @node: their indices into @out, their number. */
static unsigned int node_zones(const struct replay_ctx *c, unsigned int node,
			       unsigned int out[MODEL_MAX_ZONES])
{
	unsigned int n = 0;

	for (unsigned int z = 0; z < c->cfg->nr_zones; z++)
		if (c->cfg->zones[z].node == node)
			out[n++] = z;
	return n;
}

/*
 * The end of a kswapd run of @node (balance_pgdat()): each zone's boost is
 * reduced by what it was when the run began (spec 5.4), RECLAIM_ACTIVE
 * cleared. A run whose start the trace does not show clears every boost.
 */
static void kswapd_run_end(struct replay_ctx *c, unsigned int node)
{
	struct replay_mm_node *kn = &c->mm.node[node];
	unsigned int zones[MODEL_MAX_ZONES], nz = node_zones(c, node, zones);

	if (!kn->awake) {
		model_kswapd_sleep(c->m, (int)node);
		return;
	}
	for (unsigned int i = 0; i < nz; i++) {
		struct model_zone_info zi;

		if (model_zone_info_get(c->m, zones[i], &zi))
			continue;
		uint64_t snap = kn->boost_at_wake[zones[i]];
		uint64_t left = zi.watermark_boost > snap ? zi.watermark_boost - snap : 0;
		if (left != zi.watermark_boost) {
			c->mm.boost_pages_cleared += zi.watermark_boost - left;
			model_zone_boost_set(c->m, zones[i], left);
		}
	}
	model_reclaim_active_set(c->m, node, MODEL_NR_ZONE_TYPES - 1, false);
	kn->awake = false;
}

/* mm_vmscan_kswapd_wake: a balance_pgdat() run of @node up to zone type @zid begins. */
static void kswapd_wake(struct replay_ctx *c, unsigned int node, int zid)
{
	struct replay_mm_node *kn = &c->mm.node[node];
	unsigned int zones[MODEL_MAX_ZONES], nz = node_zones(c, node, zones);
	enum model_zone_type highest = zid >= 0 && zid < MODEL_NR_ZONE_TYPES
					       ? (enum model_zone_type)zid : MODEL_NR_ZONE_TYPES - 1;

	if (kn->awake)
		kswapd_run_end(c, node); /* the previous run ended without a sleep */
	for (unsigned int i = 0; i < nz; i++) {
		struct model_zone_info zi;

		kn->boost_at_wake[zones[i]] = model_zone_info_get(c->m, zones[i], &zi) ? 0
									  : zi.watermark_boost;
	}
	model_reclaim_active_set(c->m, node, highest, true);
	kn->awake = true;
	c->mm.kswapd_runs++;
}

/* The open compaction run of @pid, or a free slot for it (NULL when all are taken). */
static struct replay_mm_run *run_slot(struct replay_ctx *c, uint32_t pid, bool take)
{
	struct replay_mm_run *free_slot = NULL;

	for (unsigned int i = 0; i < REPLAY_MM_RUNS; i++) {
		struct replay_mm_run *r = &c->mm.runs[i];

		if (r->open && r->pid == pid)
			return r;
		if (!r->open && !free_slot)
			free_slot = r;
	}
	return take ? free_slot : NULL;
}

static void compaction_begin(struct replay_ctx *c, const struct reorder_event *e)
{
	struct replay_mm_run *r = run_slot(c, e->pid, true);

	c->mm.compaction_runs++;
	c->mm.expect_until_checkpoint = true;
	if (!r) {
		c->mm.runs_untracked++;
		return;
	}
	if (!r->open)
		c->mm.nr_open++;
	r->open = true;
	r->pid = e->pid;
	r->sync = e->flag;
}

static void compaction_end(struct replay_ctx *c, const struct reorder_event *e)
{
	struct replay_mm_run *r = run_slot(c, e->pid, false);

	if (!r)
		return;
	r->open = false;
	c->mm.nr_open--;
}

/*
 * The free scanner over [@start, @end) of the model's buddy lists with
 * @stride (isolate_freepages_block(), strict = false): a free block whose
 * head is a scanned pfn is isolated whole and the scan goes on after it;
 * pcp pages and the tails of free blocks are not PageBuddy and are passed.
 * A block that would bring the pages taken past @limit is passed too (the
 * kernel did not take it: see isolate_freepages() below). With @apply the
 * blocks leave the model (a block of order >= pageblock_order - 1 retypes
 * its pageblocks MOVABLE, as __isolate_free_page() does); else they are
 * only counted. Returns the pages taken.
 */
static uint64_t free_scan(struct replay_ctx *c, uint64_t start, uint64_t end, unsigned int stride,
			  uint64_t limit, bool apply)
{
	uint64_t taken = 0;

	for (uint64_t pfn = start; pfn < end; pfn += stride) {
		struct model_pfn_state st;
		struct model_force_result fr;

		if (model_pfn_state_get(c->m, pfn, &st) || st.kind != MODEL_PFN_FREE_BUDDY ||
		    st.head_pfn != pfn || taken + (1ull << st.order) > limit)
			continue;
		taken += 1ull << st.order;
		if (apply) {
			model_force_alloc(c->m, pfn, st.order, -1, MODEL_MT_MOVABLE, &fr);
			if (st.order + 1 >= c->cfg->pageblock_order)
				for (uint64_t p = pfn; p < pfn + (1ull << st.order);
				     p += 1ull << c->cfg->pageblock_order)
					model_pageblock_set_migratetype(c->m, p, MODEL_MT_MOVABLE);
		}
		pfn += (1ull << st.order) - 1;
	}
	return taken;
}

/*
 * The stride (a power of two up to COMPACT_CLUSTER_MAX) whose scan with
 * @limit takes closest to @want pages, the smallest of equals; *@diff: how
 * far it stays.
 */
static unsigned int closest_stride(struct replay_ctx *c, uint64_t start, uint64_t end,
				   uint64_t want, uint64_t limit, uint64_t *diff)
{
	unsigned int best = 1;

	*diff = UINT64_MAX;
	for (unsigned int stride = 1; stride <= COMPACT_CLUSTER_MAX; stride <<= 1) {
		uint64_t n = free_scan(c, start, end, stride, limit, false);
		uint64_t d = n > want ? n - want : want - n;

		if (d < *diff) {
			*diff = d;
			best = stride;
		}
		if (!d)
			break;
	}
	return best;
}

/*
 * mm_compaction_isolate_freepages: the kernel took @taken free pages of
 * [@start, @end). The stride of that scan is not in the record:
 * isolate_freepages() starts at 1 (sync) or COMPACT_CLUSTER_MAX (async),
 * doubles it after each pageblock that gave nothing, up to
 * COMPACT_CLUSTER_MAX, and drops it to 1 after one that gave pages. So
 * the powers of two up to COMPACT_CLUSTER_MAX are tried on the model's
 * lists, and the smallest stride whose scan takes exactly @taken pages is
 * applied. When none does (a mismatch), the kernel's scan stepped off the
 * stride's grid: isolate_freepages_block() steps over a compound page
 * whole from its head, and the model does not know the compound pages
 * allocated before the capture. The scan is then repeated passing every
 * block that would take it past @taken (a block the kernel took never
 * exceeds what it took), with the stride that comes closest: the model
 * never takes more than the kernel did. (Taking the closest stride's pages
 * unbounded kept 4,128 pages allocated in the model that the kernel had
 * free, to the end of a 1 GiB fragment capture: checkpoint distance 0.011
 * after compact_memory, 0.0003 before it; 0.0059 with the bound.)
 */
static void isolate_freepages(struct replay_ctx *c, const struct reorder_event *e)
{
	uint64_t start = e->pfn, end = e->gfp, taken = e->side, limit = UINT64_MAX, diff;
	unsigned int stride;

	c->mm.isolate_records++;
	c->mm.pages_isolated_kernel += taken;
	if (end <= start || end - start > (1ull << 20))
		return;
	stride = closest_stride(c, start, end, taken, limit, &diff);
	if (diff) {
		c->mm.isolate_mismatch++;
		limit = taken;
		stride = closest_stride(c, start, end, taken, limit, &diff);
	}
	c->mm.pages_isolated_model += free_scan(c, start, end, stride, limit, true);
}

void replay_mm_apply(struct replay_ctx *c, const struct reorder_event *e)
{
	unsigned int node = (unsigned int)e->pfn;

	c->mm.records++;
	switch (e->type) {
	case TRACEFMT_VMSCAN_KSWAPD_WAKE:
		if (node < MODEL_MAX_NODES)
			kswapd_wake(c, node, e->mt);
		break;
	case TRACEFMT_VMSCAN_KSWAPD_SLEEP:
		if (node < MODEL_MAX_NODES)
			kswapd_run_end(c, node);
		break;
	case TRACEFMT_COMPACTION_BEGIN:
		compaction_begin(c, e);
		break;
	case TRACEFMT_COMPACTION_END:
		compaction_end(c, e);
		break;
	case TRACEFMT_COMPACTION_ISOLATE_FREE:
		if (e->ts >= c->clock.start_ts)
			isolate_freepages(c, e);
		break;
	case TRACEFMT_COMPACTION_FAST_ISOLATE_FREE:
		/* the block is somewhere below free_pfn: nothing says which */
		c->mm.pages_unplaced += e->side;
		c->mm.expect_until_checkpoint = true;
		break;
	case TRACEFMT_COMPACTION_MIGRATEPAGES:
		c->mm.pages_migrated += e->pfn;
		break;
	default:
		break;
	}
}

bool replay_mm_expected(const struct replay_ctx *c)
{
	return c->mm.nr_open || c->mm.expect_until_checkpoint;
}

void replay_mm_checkpoint(struct replay_ctx *c)
{
	if (!c->mm.nr_open)
		c->mm.expect_until_checkpoint = false;
}

/*
 * What-if (cfg.reclaim). The trace's frees include those of the kernel's
 * own reclaim, made under the traced host's marks; they are applied as
 * any free (the kernel chose those pages, and their allocations end
 * there). The modelled kswapd is credited with them: from the trace's
 * wakeup_kswapd (in the allocating task, before the allocation's
 * mm_page_alloc) or kswapd_wake to its kswapd_sleep the node's modelled
 * kswapd is held (model_kswapd_hold()); a wake the model's own marks ask
 * for meanwhile runs at the sleep, counting the pages the kswapd pid
 * freed in the window as reclaimed already (model_kswapd_release()). So
 * with the host's own settings the model reclaims only what its free
 * counts still lack (the pcp lists differ, 32-page steps against the
 * kernel's larger passes), and a higher min_free_kbytes reclaims the
 * difference. Frees of a task between its direct_reclaim_begin and _end
 * are counted (direct reclaim in the model acts only for an allocation
 * that cannot pass MIN, after those frees). Outside the trace's windows
 * the model's kswapd runs as soon as it is woken.
 */

/* A window of @node opens: the model's kswapd waits for the trace's. */
static void whatif_hold(struct replay_ctx *c, unsigned int node)
{
	struct replay_mm_node *kn = &c->mm.node[node];

	if (kn->held || model_kswapd_hold(c->m, node))
		return;
	kn->held = true;
	kn->window_freed = 0;
	c->mm.kswapd_windows++;
}

static void whatif_release(struct replay_ctx *c, unsigned int node)
{
	struct replay_mm_node *kn = &c->mm.node[node];

	if (!kn->held)
		return;
	kn->held = false;
	if (model_kswapd_release(c->m, node, kn->window_freed) == 1) {
		c->mm.kswapd_held_runs++;
		c->mm.kswapd_credited += kn->window_freed;
	}
}

static void kswapd_pid_learn(struct replay_ctx *c, unsigned int node, uint32_t pid)
{
	struct replay_mm_node *kn = &c->mm.node[node];

	if (!kn->kswapd_pid_known)
		c->mm.nr_kswapd_pids++;
	kn->kswapd_pid_known = true;
	kn->kswapd_pid = pid;
}

/* The slot of @pid among the tasks inside direct reclaim, or -1. */
static int direct_slot(const struct replay_ctx *c, uint32_t pid)
{
	for (unsigned int i = 0; i < c->mm.nr_direct; i++)
		if (c->mm.direct_pid[i] == pid)
			return (int)i;
	return -1;
}

static void direct_begin(struct replay_ctx *c, uint32_t pid)
{
	if (direct_slot(c, pid) < 0 && c->mm.nr_direct < REPLAY_MM_RUNS)
		c->mm.direct_pid[c->mm.nr_direct++] = pid;
}

static void direct_end(struct replay_ctx *c, const struct reorder_event *e)
{
	int i = direct_slot(c, e->pid);

	c->mm.direct_reported += e->gfp;
	if (i >= 0)
		c->mm.direct_pid[i] = c->mm.direct_pid[--c->mm.nr_direct];
}

void replay_mm_whatif_apply(struct replay_ctx *c, const struct reorder_event *e)
{
	unsigned int node = (unsigned int)e->pfn;

	if (!c->cfg->reclaim)
		return;
	c->mm.records++;
	switch (e->type) {
	case TRACEFMT_VMSCAN_WAKEUP_KSWAPD:
		if (node < c->cfg->nr_nodes)
			whatif_hold(c, node);
		break;
	case TRACEFMT_VMSCAN_KSWAPD_WAKE:
		if (node < c->cfg->nr_nodes) {
			kswapd_pid_learn(c, node, e->pid);
			whatif_hold(c, node);
		}
		break;
	case TRACEFMT_VMSCAN_KSWAPD_SLEEP:
		if (node < c->cfg->nr_nodes) {
			kswapd_pid_learn(c, node, e->pid);
			whatif_release(c, node);
		}
		break;
	case TRACEFMT_VMSCAN_DIRECT_BEGIN:
		direct_begin(c, e->pid);
		break;
	case TRACEFMT_VMSCAN_DIRECT_END:
		direct_end(c, e);
		break;
	default:
		break;
	}
}

void replay_mm_whatif_free_note(struct replay_ctx *c, const struct reorder_event *e)
{
	uint64_t pages = 1ull << (e->order & 63);

	for (unsigned int n = 0; n < c->cfg->nr_nodes && c->mm.nr_kswapd_pids; n++) {
		struct replay_mm_node *kn = &c->mm.node[n];

		if (kn->kswapd_pid_known && kn->kswapd_pid == e->pid) {
			c->mm.kswapd_freed += pages;
			if (kn->held)
				kn->window_freed += pages;
			return;
		}
	}
	if (c->mm.nr_direct && direct_slot(c, e->pid) >= 0)
		c->mm.direct_freed += pages;
}

void replay_mm_whatif_end(struct replay_ctx *c)
{
	for (unsigned int n = 0; n < c->cfg->nr_nodes; n++)
		whatif_release(c, n);
}

void replay_mm_event_from(struct reorder_event *e, const struct tracefmt_event *ev)
{
	switch (ev->type) {
	case TRACEFMT_VMSCAN_DIRECT_END:
		e->gfp = ev->u.direct.nr_reclaimed;
		break;
	case TRACEFMT_VMSCAN_WAKEUP_KSWAPD:
	case TRACEFMT_VMSCAN_KSWAPD_WAKE:
	case TRACEFMT_VMSCAN_KSWAPD_SLEEP:
		e->pfn = (uint64_t)(uint32_t)ev->u.wake.nid;
		e->mt = (int8_t)(ev->u.wake.zid < 0 ? -1 : ev->u.wake.zid);
		break;
	case TRACEFMT_COMPACTION_BEGIN:
	case TRACEFMT_COMPACTION_END:
		e->flag = (uint8_t)ev->u.compact.sync;
		break;
	case TRACEFMT_COMPACTION_ISOLATE_FREE:
	case TRACEFMT_COMPACTION_FAST_ISOLATE_FREE:
		e->pfn = ev->u.isolate.start_pfn;
		e->gfp = ev->u.isolate.end_pfn;
		e->side = (uint16_t)(ev->u.isolate.nr_taken > UINT16_MAX ? UINT16_MAX
									: ev->u.isolate.nr_taken);
		break;
	case TRACEFMT_COMPACTION_MIGRATEPAGES:
		e->pfn = ev->u.migrate.nr_migrated;
		break;
	default:
		break;
	}
}
