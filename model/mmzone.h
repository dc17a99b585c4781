/* SPDX-License-Identifier: MIT */
/*
 * Internal data layout of the model, named after the kernel's mmzone.h
 * concepts, shared by the model's .c files and by nothing else.
 *
 * Per-pfn state is two arrays per zone. link[] holds one 12-byte struct
 * page_link per "node id": node ids 0 .. nr_lists-1 are list sentinels (one
 * per buddy free list (order, mt) and one per pcp list (cpu, pindex)), node
 * id nr_lists + i is pfn start_pfn + i. Its next/prev (uint32) make circular
 * doubly linked lists, so a block is unlinked in O(1) without knowing its
 * list; a page's links and pcp owner share one record, so an event touches
 * one cache line of link[] (two for 1 record in 8) instead of one per
 * field (16-byte records would never cross a line, but 17 bytes per frame
 * pass the model's 16-byte budget). state[] (one byte per pfn, dense, so
 * ranges are scanned and filled 8 bytes at a time) says what a block head is:
 *
 *	high nibble 0        allocated (or reserved, hole), not movable
 *	high nibble 1        allocated by a MOVABLE request (claim heuristic, spec 2.8)
 *	high nibble 2..7     head of a free buddy block on free_list[nibble - 2]
 *	high nibble 8..13    head of a pcp block; nibble - 8 is the remembered
 *	                     migratetype (6.1 drains under it, spec 3.3)
 *	0xe0                 tail page of a free buddy or pcp block
 *	low nibble           block order (heads only)
 *
 * Invariant: only real heads carry a free or pcp nibble, and every other
 * page of a free or pcp block is 0xe0, so "is any page of this range free"
 * is one scan of the range's own bytes (free and pcp bytes are >= 0x20).
 *
 * page_link.pcp_owner names the pcp list (cpu * MODEL_NR_PCP_LISTS +
 * pindex) of a pcp head, written whenever a block joins a pcp list, so
 * pcp_find_owner() is O(1); it means nothing for other pages.
 * That is 13 bytes per page frame.
 */
#ifndef BUDDYSCOPE_MODEL_MMZONE_H
#define BUDDYSCOPE_MODEL_MMZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/model.h"

#define MT_STRIDE MODEL_MAX_MIGRATETYPES
#define NR_LOWORDER_PCP_LISTS 12
#define PCP_BATCH_SCALE_MAX 5		/* CONFIG_PCP_BATCH_SCALE_MAX */
#define PAGE_ALLOC_COSTLY_ORDER MODEL_PAGE_ALLOC_COSTLY_ORDER
#define PCPF_PREV_FREE_HIGH_ORDER 0x1
#define PCPF_FREE_HIGH_BATCH 0x2

#define ST_ALLOC 0x00
#define ST_ALLOC_MOVABLE 0x10
#define ST_FREE_TAIL 0xe0
#define ST_BUDDY_BASE 2
#define ST_PCP_BASE 8
#define PB_ISOLATE_BIT 0x10		/* 6.18 separate isolate bit (spec 1.4) */

/* struct page_link - list links and pcp owner of one node id (see top). */
struct page_link {
	uint32_t next, prev;		/* node ids */
	uint16_t pcp_owner;		/* cpu * MODEL_NR_PCP_LISTS + pindex, pcp heads only */
	uint16_t pad;			/* 12 bytes: 2 of 16 records cross a cache line */
};

_Static_assert(sizeof(struct page_link) == 12, "page_link: 12 bytes, 13 per frame with state");

/*
 * struct journal - undo log of per-pfn writes while model_alloc_predict()
 * runs: each entry saves the old bytes at ptr; restored newest first.
 * Writes of 1, 2, 4 or 8 bytes (state bytes, owners, links, counters:
 * nearly all) keep the old bytes in the entry itself, longer ones in bytes[].
 */
struct journal_entry {
	void *ptr;
	uint64_t old;			/* len 1, 2, 4, 8: the old bytes; else offset into bytes[] */
	uint64_t len;			/* bytes */
};

struct journal {
	struct journal_entry *e;
	size_t nr, cap;
	uint8_t *bytes;
	size_t nr_bytes, cap_bytes;
	bool failed;			/* could not grow: the changes cannot be undone */
};

void model_journal_save(struct journal *j, void *ptr, size_t len);
void model_journal_release(struct model *m);

/* struct per_cpu_pages - one (zone, cpu) pcp; lists live in the zone's link arrays. */
struct per_cpu_pages {
	int64_t count;			/* pages on all lists, order-weighted */
	uint32_t high;			/* pages: current high (6.18 auto-tuned) */
	uint32_t batch;			/* pages */
	uint32_t high_min, high_max;	/* pages (6.1: both = high) */
	uint32_t free_count;		/* 6.18: pages freed recently */
	uint8_t alloc_factor;		/* 6.18 */
	uint8_t free_factor;		/* 6.1 */
	uint8_t flags;			/* PCPF_* */
	uint32_t list_len[MODEL_NR_PCP_LISTS]; /* entries per pindex */
};

/* Indices of struct zone.wmark[], the kernel's enum zone_watermarks (include/linux/mmzone.h). */
enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

/*
 * struct zone - one zone. nr_free[] and list_blocks[][] count blocks,
 * free_pages_mt[] pages; NR_FREE_PAGES is the sum over non-ISOLATE lists.
 */
struct zone {
	unsigned int idx;		/* position in model.zones */
	unsigned int node;
	enum model_zone_type type;
	char name[MODEL_ZONE_NAME_LEN];
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark[NR_WMARK];	/* pages, by enum zone_watermarks, without boost */
	uint64_t watermark_boost;	/* pages */
	uint64_t lowmem_reserve[MODEL_NR_ZONE_TYPES];
	uint64_t nr_reserved_highatomic;
	uint64_t nr_free_pages;		/* NR_FREE_PAGES */
	uint64_t free_pages_mt[MT_STRIDE];	/* pages per list mt */
	uint64_t nr_free[MODEL_MAX_ORDERS];	/* blocks per order, all lists */
	uint64_t list_blocks[MODEL_MAX_ORDERS][MT_STRIDE];
	unsigned int flags;		/* enum model_zone_flags */
	uint32_t pcp_batch, pcp_high_min, pcp_high_max, pcp_high_start;

	uint32_t nr_lists;		/* sentinel node ids */
	uint8_t *state;			/* [spanned] */
	struct page_link *link;		/* [nr_lists + spanned] links, pcp owner (see top) */
	uint8_t *pageblock;		/* [nr_pageblocks] type byte */
	uint64_t pb_base;		/* first pfn >> pageblock_order */
	uint64_t nr_pageblocks;
	uint64_t pb_count[MT_STRIDE];	/* blocks starting inside the zone, by effective type */
	uint64_t nr_isolate_pageblock;
	struct per_cpu_pages *pcp;	/* [nr_cpus] */
	uint8_t *reported;		/* bit per 2^report_order pfns: PageReported of a free head,
					 * NULL when free page reporting is off */
	uint64_t rep_base;		/* start_pfn >> report_order */
	size_t alloc_bytes;
	struct journal *jr;		/* non-NULL while a prediction runs */
};

/* struct pglist_data - one node: its zonelist (zone indices, fallback order). */
struct pglist_data {
	unsigned int nr_cpus;
	unsigned int nr_zonelist;
	int zonelist[MODEL_MAX_ZONES];	/* all nodes by distance, zones high to low */
	unsigned int nr_thisnode;	/* the first nr_thisnode entries are this node's */
	int zone_of_type[MODEL_NR_ZONE_TYPES];	/* this node's zone index per type, or -1 */
};

/*
 * struct zone_lru - what-if bookkeeping of one zone (model/reclaim.c,
 * model/compaction.c), allocated only with cfg.reclaim or cfg.compaction.
 * The LRU is a circular list over link ids: 0 is the sentinel, pfn
 * start_pfn + i is id i + 1 (so a zone growing at its end keeps its ids);
 * the oldest allocation is at the head. info[] marks the heads.
 */
struct zone_lru {
	uint32_t *next, *prev;		/* [spanned + 1] LRU links by link id */
	uint32_t *seq;			/* [spanned] allocation sequence of a head (wraps) */
	uint64_t *tag;			/* [spanned] caller's tag of a head */
	uint8_t *info;			/* [spanned] LRU_HEAD | mt << 4 | order, 0 = not a head */
	uint8_t *skip;			/* [nr_pageblocks] PB_migrate_skip hint */
	uint64_t nr_pages;		/* pages on the LRU */
	uint64_t cached_migrate_pfn[2];	/* compact_cached_migrate_pfn[async, sync] */
	uint64_t cached_free_pfn;	/* compact_cached_free_pfn */
	unsigned int compact_considered, compact_defer_shift, compact_order_failed;
	bool blockskip_flush;		/* compact_blockskip_flush */
};

#define LRU_HEAD 0x80
#define SWAP_CLUSTER_MAX 32
#define COMPACT_CLUSTER_MAX 32
#define MAX_RECLAIM_RETRIES 16
#define COMPACT_MAX_DEFER_SHIFT 6

/* Per-node what-if reclaim state. */
struct node_reclaim {
	bool kswapd_pending;		/* woken during the current call (or the hold) */
	bool kswapd_held;		/* the trace's kswapd is awake: runs wait for its end */
	unsigned int kswapd_order;	/* max order woken for */
	int kswapd_hz;			/* max highest zone woken for */
	unsigned int kswapd_failures;	/* consecutive runs that reclaimed nothing */
	unsigned int proactive_defer;	/* proactive checks still to skip */
};

struct pressure {
	struct zone_lru *zl;		/* [nr_zones] */
	uint64_t *compact_scratch;	/* one compact_zone()'s lists (model/compaction.c) */
	size_t compact_scratch_len;	/* entries */
	struct node_reclaim node[MODEL_MAX_NODES];
	uint32_t seq;			/* next allocation sequence */
	bool in_kswapd;			/* a modelled kswapd/kcompactd is running */
};

struct model {
	struct model_config cfg;
	struct model_formula_settings fs;
	unsigned int nr_orders, max_order, pb_order, thp_order, nr_mt;
	uint64_t pb_nr;			/* pages per pageblock */
	int mt_isolate, mt_cma;
	bool is_618;
	bool mobility_disabled;
	bool derive_any;
	unsigned int nr_online_nodes;	/* nodes with populated zones */
	unsigned int nr_zones;
	struct zone *zones;
	unsigned int *zone_order;	/* zone indices sorted by start_pfn */
	struct zone *last_zone;		/* pfn lookup cache */
	unsigned int node_cpus[MODEL_MAX_NODES];	/* cpus per node, for formulas.h */
	struct pglist_data nodes[MODEL_MAX_NODES];
	struct model_observer obs;
	void *obs_ctx;
	struct model_counters ctr;
	struct journal journal;		/* undo log of model_alloc_predict() */
	struct zone *zone_save;		/* [nr_zones] zone scalars saved by predict */
	struct per_cpu_pages *pcp_save;	/* [nr_zones] the requesting cpu's pcp */
	struct model_alloc_result *res;	/* result of the allocation in progress */
	struct model_alloc_result scratch_res;	/* res target outside allocations */
	int last_list_mt;		/* list the last __rmqueue* took from (6.1 pcp memory) */
	unsigned int report_order;	/* page_reporting_order, 0 = reporting off */
	enum model_page_reporting_state pr_state;	/* prdev->state */
	bool pr_skip_notify;		/* FPI_SKIP_REPORT_NOTIFY of the free in progress */
	uint64_t min_free_kb;		/* the kernel's min_free_kbytes now (hotplug moves it) */
	struct pressure *press;		/* what-if reclaim/compaction state, or NULL */
};

/* ---- state byte helpers ---- */
static inline unsigned int st_order(uint8_t s)
{
	return s & 0xf;
}

static inline bool st_is_buddy(uint8_t s)
{
	return (unsigned int)((s >> 4) - ST_BUDDY_BASE) < MT_STRIDE;
}

static inline bool st_is_pcp(uint8_t s)
{
	return (unsigned int)((s >> 4) - ST_PCP_BASE) < MT_STRIDE;
}

/* Any page of a free or pcp block (head or tail)? */
static inline bool st_in_free_block(uint8_t s)
{
	return s & 0xe0;
}

static inline bool st_is_free(uint8_t s)
{
	return st_is_buddy(s) || st_is_pcp(s);
}

static inline int st_mt(uint8_t s)
{
	return st_is_buddy(s) ? (s >> 4) - ST_BUDDY_BASE : (s >> 4) - ST_PCP_BASE;
}

static inline uint8_t st_buddy(int mt, unsigned int order)
{
	return (uint8_t)(((ST_BUDDY_BASE + mt) << 4) | order);
}

static inline uint8_t st_pcp(int mt, unsigned int order)
{
	return (uint8_t)(((ST_PCP_BASE + mt) << 4) | order);
}

/* ---- zone geometry ---- */
static inline bool zone_has_pfn(const struct zone *z, uint64_t pfn)
{
	return pfn - z->start_pfn < z->spanned;
}

static inline uint32_t pfn_node(const struct zone *z, uint64_t pfn)
{
	return z->nr_lists + (uint32_t)(pfn - z->start_pfn);
}

static inline uint64_t node_pfn(const struct zone *z, uint32_t node)
{
	return z->start_pfn + (node - z->nr_lists);
}

static inline uint8_t *pfn_state(struct zone *z, uint64_t pfn)
{
	return &z->state[pfn - z->start_pfn];
}

/* Every write to per-pfn state goes through these, so a prediction can be undone. */
static inline void jr_save(struct zone *z, void *p, size_t len)
{
	if (z->jr)
		model_journal_save(z->jr, p, len);
}

static inline void st_set(struct zone *z, uint64_t pfn, uint8_t v)
{
	uint8_t *s = pfn_state(z, pfn);

	jr_save(z, s, 1);
	*s = v;
}

static inline void st_fill(struct zone *z, uint64_t pfn, uint8_t v, size_t n)
{
	uint8_t *s = pfn_state(z, pfn);

	jr_save(z, s, n);
	memset(s, v, n);
}

/*
 * Zone counters and flags change through these too: a prediction undoes
 * them from the journal instead of copying whole zones.
 */
static inline void zone_add(struct zone *z, uint64_t *counter, int64_t delta)
{
	jr_save(z, counter, sizeof(*counter));
	*counter += (uint64_t)delta;
}

static inline void zone_set(struct zone *z, uint64_t *field, uint64_t v)
{
	jr_save(z, field, sizeof(*field));
	*field = v;
}

static inline void zone_flags_set(struct zone *z, unsigned int bits)
{
	jr_save(z, &z->flags, sizeof(z->flags));
	z->flags |= bits;
}

static inline void zone_flags_clear(struct zone *z, unsigned int bits)
{
	jr_save(z, &z->flags, sizeof(z->flags));
	z->flags &= ~bits;
}

/* Mark the pages after @pfn of a block entering the free state as free tails. */
static inline void mark_free_tails(struct zone *z, uint64_t pfn, unsigned int order)
{
	if (order)
		st_fill(z, pfn + 1, ST_FREE_TAIL, ((size_t)1 << order) - 1);
}

/* ---- lists ---- */
static inline uint32_t buddy_list(unsigned int order, int mt)
{
	return order * MT_STRIDE + (uint32_t)mt;
}

static inline uint32_t pcp_list(const struct model *m, unsigned int cpu, unsigned int pindex)
{
	return m->nr_orders * MT_STRIDE + cpu * MODEL_NR_PCP_LISTS + pindex;
}

static inline bool list_empty(const struct zone *z, uint32_t l)
{
	return z->link[l].next == l;
}

static inline uint32_t list_first(const struct zone *z, uint32_t l)
{
	return z->link[l].next;
}

static inline uint32_t list_last(const struct zone *z, uint32_t l)
{
	return z->link[l].prev;
}

static inline void list_insert_after(struct zone *z, uint32_t pos, uint32_t n)
{
	uint32_t nx = z->link[pos].next;

	if (z->jr) {
		jr_save(z, &z->link[n], 8);	/* next and prev */
		jr_save(z, &z->link[nx].prev, 4);
		jr_save(z, &z->link[pos].next, 4);
	}
	z->link[n].next = nx;
	z->link[n].prev = pos;
	z->link[nx].prev = n;
	z->link[pos].next = n;
}

static inline void list_add_head(struct zone *z, uint32_t l, uint32_t n)
{
	list_insert_after(z, l, n);
}

static inline void list_add_tail(struct zone *z, uint32_t l, uint32_t n)
{
	list_insert_after(z, z->link[l].prev, n);
}

static inline void list_unlink(struct zone *z, uint32_t n)
{
	uint32_t p = z->link[n].prev, nx = z->link[n].next;

	if (z->jr) {
		jr_save(z, &z->link[p].next, 4);
		jr_save(z, &z->link[nx].prev, 4);
	}
	z->link[p].next = nx;
	z->link[nx].prev = p;
}

/* Put pcp block @pfn on (@cpu, @pindex)'s list, at its head or tail, and remember the list. */
static inline void pcp_list_add(const struct model *m, struct zone *z, unsigned int cpu,
				unsigned int pindex, uint64_t pfn, bool tail)
{
	uint16_t *o = &z->link[pfn_node(z, pfn)].pcp_owner;
	uint32_t l = pcp_list(m, cpu, pindex);

	jr_save(z, o, sizeof(*o));
	*o = (uint16_t)(cpu * MODEL_NR_PCP_LISTS + pindex);
	if (tail)
		list_add_tail(z, l, pfn_node(z, pfn));
	else
		list_add_head(z, l, pfn_node(z, pfn));
}

/* ---- pageblocks ---- */
static inline uint64_t pb_index(const struct model *m, const struct zone *z, uint64_t pfn)
{
	return (pfn >> m->pb_order) - z->pb_base;
}

static inline int pb_effective(const struct model *m, uint8_t b)
{
	return (b & PB_ISOLATE_BIT) ? m->mt_isolate : (b & 0x7);
}

static inline int get_pageblock_migratetype(const struct model *m, const struct zone *z,
					    uint64_t pfn)
{
	return pb_effective(m, z->pageblock[pb_index(m, z, pfn)]);
}

static inline bool is_migrate_mergeable(int mt)
{
	return mt < MODEL_MIGRATE_PCPTYPES;
}

/* ---- free page reporting marks (PageReported) ---- */
static inline uint64_t reported_bit(const struct model *m, const struct zone *z, uint64_t pfn)
{
	return (pfn >> m->report_order) - z->rep_base;
}

static inline bool page_reported(const struct model *m, const struct zone *z, uint64_t pfn)
{
	uint64_t b = reported_bit(m, z, pfn);

	return z->reported[b >> 3] & (1u << (b & 7));
}

static inline void page_reported_set(const struct model *m, struct zone *z, uint64_t pfn, bool on)
{
	uint64_t b = reported_bit(m, z, pfn);
	uint8_t *p = &z->reported[b >> 3];

	jr_save(z, p, 1);
	if (on)
		*p |= (uint8_t)(1u << (b & 7));
	else
		*p &= (uint8_t)~(1u << (b & 7));
}

/*
 * Clear the mark of a block leaving its free list (allocation, merge,
 * isolation, split), as __del_page_from_free_list() does.
 */
static inline void page_reported_clear(const struct model *m, struct zone *z, uint64_t pfn,
				       unsigned int order)
{
	if (z->reported && order >= m->report_order && page_reported(m, z, pfn))
		page_reported_set(m, z, pfn, false);
}

/* page_reporting_notify_free(): a free of @order requests a reporting pass. */
static inline void page_reporting_notify_free(struct model *m, unsigned int order)
{
	if (m->report_order && order >= m->report_order && !m->pr_skip_notify)
		m->pr_state = MODEL_PR_REQUESTED;
}

/* struct alloc_context - one request's zonelist walk (page_alloc.c, reclaim.c). */
struct alloc_context {
	const struct pglist_data *pgdat;
	unsigned int nr_zonerefs;	/* zonelist entries to walk (THISNODE: local only) */
	struct zone *preferred;
	int hz;				/* highest zone type */
	int mt;
	uint64_t gfp;
	unsigned int cpu;
	unsigned int req_flags;
	bool any_zone_passed;
};

/* ---- shared internal functions ---- */
/* model.c */
struct zone *model_pfn_zone(struct model *m, uint64_t pfn);
const struct zone *model_pfn_zone_const(const struct model *m, uint64_t pfn);
int model_zone_recompute(struct model *m);

/* pageblock.c */
void model_set_pageblock_migratetype(struct model *m, struct zone *z, uint64_t pfn, int mt);
void model_change_pageblock_range(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
			    int mt);
bool model_pageblock_in_zone(const struct model *m, const struct zone *z, uint64_t pfn);
void model_pageblock_count_pages(const struct model *m, const struct zone *z, uint64_t pfn,
			   uint64_t *free_pages, uint64_t *movable_pages);
uint64_t model_move_freepages_block(struct model *m, struct zone *z, uint64_t pfn, int to_mt,
			      uint64_t *movable_pages);

/* page_alloc.c */
void model_add_to_free_list(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		      bool tail);
void model_del_from_free_list(struct model *m, struct zone *z, uint64_t pfn);
void model_move_to_free_list(struct model *m, struct zone *z, uint64_t pfn, int mt);
void model___free_one_page(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     bool to_tail, struct model_free_result *res);
uint64_t model___rmqueue(struct model *m, struct zone *z, unsigned int order, int mt,
		   unsigned int alloc_flags, int *mode);
void model_mark_allocated(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt);
uint64_t model_containing_free_head(const struct model *m, const struct zone *z, uint64_t pfn);
bool model_range_has_free(const struct model *m, const struct zone *z, uint64_t pfn, unsigned int order);
bool model_free_checked(struct model *m, struct zone *z, uint64_t pfn, unsigned int order,
		  unsigned int cpu, unsigned int flags, struct model_free_result *res);
bool model_zone_boost_step(struct model *m, struct zone *z);
int find_suitable_fallback(const struct model *m, const struct zone *z, unsigned int order, int mt,
			   bool claimable);
uint64_t get_page_from_freelist(struct model *m, unsigned int order, unsigned int alloc_flags,
				struct alloc_context *ac);
bool model_zone_watermark_ok(struct model *m, struct zone *z, unsigned int order, uint64_t mark,
		       int highest_zoneidx, unsigned int alloc_flags);

/* reclaim.c */
int model_pressure_create(struct model *m);
void model_pressure_destroy(struct model *m);
int model_lru_resize(struct model *m, struct zone *z, uint64_t spanned, uint64_t nr_pageblocks);
void reset_cached_positions(struct model *m, struct zone *z);
void model_lru_track_alloc(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     uint64_t tag);
void model_lru_untrack_range(struct model *m, struct zone *z, uint64_t pfn, unsigned int order);
/* The buffers of one compaction run, made once with the pressure state (model/compaction.c). */
int model_compact_scratch_create(struct model *m);
void model_lru_move(struct model *m, struct zone *z, uint64_t from, uint64_t to);
void model_kswapd_wake_record(struct model *m, unsigned int node, unsigned int order, int hz);
void model_kswapd_run_pending(struct model *m);
uint64_t model_alloc_pages_direct_pressure(struct model *m, unsigned int order, unsigned int alloc_flags,
				     struct alloc_context *ac);
bool pgdat_balanced(struct model *m, unsigned int node, unsigned int order, int hz);

/* compaction.c */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE = 1,
	COMPACT_SKIPPED,
	COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
};
enum compact_result try_to_compact_pages(struct model *m, unsigned int order, unsigned int alloc_flags,
					 struct alloc_context *ac, bool async);
void wakeup_kcompactd(struct model *m, unsigned int node, unsigned int order, int hz);

/* reporting.c */
bool __isolate_free_page(struct model *m, struct zone *z, uint64_t pfn, unsigned int order);

/* pcp.c */
bool model_pcp_allowed_order(const struct model *m, unsigned int order);
unsigned int model_order_to_pindex(const struct model *m, int mt, unsigned int order);
unsigned int model_pindex_to_order(const struct model *m, unsigned int pindex);
uint64_t model_rmqueue_pcplist(struct model *m, struct zone *z, unsigned int order, int mt,
			 unsigned int alloc_flags, unsigned int cpu);
void model_free_pcp_commit(struct model *m, struct zone *z, uint64_t pfn, unsigned int order, int mt,
		     int remembered_mt, unsigned int cpu, unsigned int flags,
		     struct model_free_result *res);
void model_free_pcppages_bulk(struct model *m, struct zone *z, unsigned int cpu, int64_t count,
			unsigned int pindex, struct model_free_result *res);
void model_pcp_unlink(struct model *m, struct zone *z, uint64_t pfn, int *cpu_out, int *pindex_out);
int model_pcp_find_owner(const struct model *m, const struct zone *z, uint64_t pfn, int *cpu,
		   int *pindex);
void model_pcp_setup(struct model *m, struct zone *z);
void model_zone_pcp_sizes_apply(struct model *m, struct zone *z);

#endif
