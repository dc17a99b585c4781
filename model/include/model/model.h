/* SPDX-License-Identifier: MIT */
/*
 * The buddyscope page-allocator model: a user-space restatement of the Linux
 * physical page allocator (nodes, zones, free areas, pageblocks, per-CPU
 * page lists, watermarks), written from spec/page-allocator.md, that returns
 * the same pfn the kernel would for the same sequence of requests. This
 * header is the model's manual.
 *
 * Object and ownership
 * --------------------
 * One opaque handle, struct model, holds every piece of state; nothing is
 * global, so many models (one per what-if configuration) run side by side.
 * model_create() copies the plain-data struct model_config and allocates all
 * per-pfn metadata from the zone spans (about 13 bytes per page frame);
 * allocation, free and drain never call malloc. model_destroy() frees it.
 * The library performs no I/O, reads no clock and has no hidden randomness:
 * the same config and the same calls give the same state.
 *
 * Numbering
 * ---------
 * pfns are the kernel's pfns. Zones are numbered by their position in
 * model_config.zones[] ("zone index", not zone type). Migratetypes use the
 * kernel's numbering of the capture kernel: 0 UNMOVABLE, 1 MOVABLE,
 * 2 RECLAIMABLE, 3 HIGHATOMIC, then CMA (only when nr_migratetypes is 6) and
 * ISOLATE last (4 without CMA, 5 with CMA) - spec 1.5. Use
 * model_mt_isolate() / model_mt_cma() instead of constants for the last two.
 * Orders run 0 .. nr_page_orders - 1.
 *
 * State after create
 * ------------------
 * Nothing is free and every pageblock is MOVABLE (spec 1.4). Build the start
 * state with the seeding calls (an exact snapshot: model_seed_buddy(),
 * model_seed_pcp(), model_pageblock_set_migratetype()) or with
 * model_populate() / model_free_range() (what boot does: every page freed to
 * the buddy with tail placement, merging as it goes).
 *
 * Results and errors
 * ------------------
 * Functions return 0 or a negative errno for caller mistakes (NULL handle,
 * cpu or order out of range). Domain outcomes are not errors: a refused
 * allocation returns 0 with res.pfn == MODEL_PFN_NONE and res.fail set; a
 * free that contradicts the model's state (page already free, outside every
 * zone) returns 0 with res.contradiction set, resolved in the kernel's
 * favour, and leaves the state consistent. model_check() verifies the
 * structural invariants after any call.
 *
 * Reclaim and compaction
 * ----------------------
 * Off by default: in shadow replay their frees come from the trace and
 * kswapd runs are signalled with model_kswapd_sleep() /
 * model_reclaim_active_set(). A what-if turns them on with cfg.reclaim and
 * cfg.compaction: the model then remembers its own movable and reclaimable
 * allocations in age order and reclaims or migrates them itself, telling
 * the caller through the observer (see "Reclaim and compaction" below).
 *
 * Not modelled
 * ------------
 * cpusets, dirty limits, node reclaim, memcg charging, compaction capture,
 * page isolation, shuffle,
 * unaccepted memory, 6.18 defrag_mode, the kswapd-busy node skip and the
 * nolock/trylock allocator paths, and vmstat counter drift (spec 5.6): the
 * model's counts are exact. Mobility grouping switches itself off for tiny
 * layouts exactly as the kernel does (spec 1.4). Free page reporting is
 * modelled as a pass the caller triggers (model_page_reporting_run()): the
 * model has no clock, so it only says when the kernel would schedule one.
 * Kernel facts beyond the spec, with their sources: model/KERNEL-FACTS.md.
 */
#ifndef BUDDYSCOPE_MODEL_MODEL_H
#define BUDDYSCOPE_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/formulas.h"

/* ---------------------------------------------------------------------- */
/* Limits and numbering                                                   */
/* ---------------------------------------------------------------------- */

#define MODEL_MAX_ORDERS 14		/* nr_page_orders may be 9..14 (MAX_ORDER 8..13) */
#define MODEL_MIN_ORDERS 9
#define MODEL_MAX_MIGRATETYPES 6	/* with CMA */
#define MODEL_MIGRATE_PCPTYPES 3	/* UNMOVABLE, MOVABLE, RECLAIMABLE */
#define MODEL_MAX_NODES 16
#define MODEL_MAX_ZONES 64		/* entries of model_config.zones[] */
#define MODEL_MAX_CPUS 1024
#define MODEL_PAGE_ALLOC_COSTLY_ORDER 3	/* PAGE_ALLOC_COSTLY_ORDER: orders 0..3 have pcp lists */
#define MODEL_X86_PAGEBLOCK_ORDER 9	/* pageblock_order on x86-64 (HPAGE_PMD_ORDER) */
#define MODEL_NR_PCP_LISTS 14		/* 3 x orders 0..3, then THP non-movable, THP movable */
#define MODEL_ZONE_NAME_LEN 16
#define MODEL_PFN_NONE UINT64_MAX	/* "no page": the tracepoint's pfn -1 */

/* Zone types, the kernel's x86-64 indices (spec 1.1); same values as formulas.h. */
enum model_zone_type {
	MODEL_ZONE_DMA = MODEL_FORMULA_ZONE_DMA,
	MODEL_ZONE_DMA32 = MODEL_FORMULA_ZONE_DMA32,
	MODEL_ZONE_NORMAL = MODEL_FORMULA_ZONE_NORMAL,
	MODEL_ZONE_MOVABLE = MODEL_FORMULA_ZONE_MOVABLE,
	MODEL_ZONE_DEVICE = MODEL_FORMULA_ZONE_DEVICE,
	MODEL_NR_ZONE_TYPES = MODEL_FORMULA_NR_ZONE_TYPES,
};

/* Migratetypes whose value does not depend on CONFIG_CMA (spec 1.5). */
enum model_migratetype {
	MODEL_MT_UNMOVABLE = 0,
	MODEL_MT_MOVABLE = 1,
	MODEL_MT_RECLAIMABLE = 2,
	MODEL_MT_HIGHATOMIC = 3,
};

/* ISOLATE's value for a model with @nr_migratetypes types (5: 4, 6: 5). */
static inline int model_mt_isolate(unsigned int nr_migratetypes)
{
	return (int)nr_migratetypes - 1;
}

/* CMA's value (4) when @nr_migratetypes is 6, else -1 (no CMA). */
static inline int model_mt_cma(unsigned int nr_migratetypes)
{
	return nr_migratetypes == 6 ? 4 : -1;
}

/* gfp bits the model reads (spec 1.6); the raw tracepoint value is passed as is. */
#define MODEL_GFP_DMA 0x1u
#define MODEL_GFP_HIGHMEM 0x2u
#define MODEL_GFP_DMA32 0x4u
#define MODEL_GFP_MOVABLE 0x8u
#define MODEL_GFP_RECLAIMABLE 0x10u
#define MODEL_GFP_HIGH 0x20u
#define MODEL_GFP_IO 0x40u
#define MODEL_GFP_FS 0x80u
#define MODEL_GFP_ATOMIC_6_1 0x200u	/* __GFP_ATOMIC, 6.1 only */
#define MODEL_GFP_DIRECT_RECLAIM 0x400u
#define MODEL_GFP_KSWAPD_RECLAIM 0x800u
#define MODEL_GFP_RETRY_MAYFAIL 0x4000u	/* costly orders retry after compaction */
#define MODEL_GFP_NORETRY 0x10000u	/* gives up after one compaction */
#define MODEL_GFP_NOMEMALLOC 0x80000u
#define MODEL_GFP_THISNODE 0x200000u
#define MODEL_GFP_KERNEL (MODEL_GFP_DIRECT_RECLAIM | MODEL_GFP_KSWAPD_RECLAIM | \
			  MODEL_GFP_IO | MODEL_GFP_FS)
#define MODEL_GFP_HIGHUSER_MOVABLE (MODEL_GFP_KERNEL | MODEL_GFP_HIGHMEM | MODEL_GFP_MOVABLE)

/* alloc_flags, the D6.1 / 6.18 values (spec 2.1). */
#define MODEL_ALLOC_WMARK_MIN 0x0u
#define MODEL_ALLOC_WMARK_LOW 0x1u
#define MODEL_ALLOC_WMARK_HIGH 0x2u
#define MODEL_ALLOC_WMARK_MASK 0x3u
#define MODEL_ALLOC_NO_WATERMARKS 0x4u
#define MODEL_ALLOC_OOM 0x8u
#define MODEL_ALLOC_NON_BLOCK 0x10u
#define MODEL_ALLOC_MIN_RESERVE 0x20u
#define MODEL_ALLOC_CPUSET 0x40u
#define MODEL_ALLOC_CMA 0x80u
#define MODEL_ALLOC_NOFRAGMENT 0x100u
#define MODEL_ALLOC_HIGHATOMIC 0x200u
#define MODEL_ALLOC_TRYLOCK 0x400u
#define MODEL_ALLOC_KSWAPD 0x800u
#define MODEL_ALLOC_RESERVES (MODEL_ALLOC_NON_BLOCK | MODEL_ALLOC_MIN_RESERVE | \
			      MODEL_ALLOC_HIGHATOMIC | MODEL_ALLOC_OOM)

/* ---------------------------------------------------------------------- */
/* Configuration (plain public data)                                      */
/* ---------------------------------------------------------------------- */

/**
 * struct model_zone_config - one zone of the layout, plus optional recorded values.
 *
 * The span [start_pfn, start_pfn + spanned_pages) must not overlap another
 * zone's span and holds fewer than 2^31 pages (8 TiB). A zone with present_pages 0 is unpopulated: it is never in a
 * zonelist (Movable and Device zones usually are). Watermarks, lowmem
 * reserve and pcp sizes are derived with formulas.h from the settings and
 * every zone's managed pages, unless has_wmarks / has_lowmem_reserve /
 * has_pcp supply the values recorded from /proc/zoneinfo (so a shadow replay
 * starts with exactly the host's numbers) and model_config.derive_all is
 * false.
 */
struct model_zone_config {
	unsigned int node;			/* NUMA node id, < nr_nodes */
	enum model_zone_type type;
	char name[MODEL_ZONE_NAME_LEN];		/* "DMA", "Normal", ... */
	uint64_t start_pfn;
	uint64_t spanned_pages;			/* pages: end - start, holes included */
	uint64_t present_pages;			/* pages: holes excluded */
	uint64_t managed_pages;			/* pages the buddy owns; sizes everything */

	bool has_wmarks;			/* use the four values below */
	uint64_t wmark_min;			/* pages, stored value, without boost */
	uint64_t wmark_low;			/* pages, without boost */
	uint64_t wmark_high;			/* pages, without boost */
	uint64_t wmark_promo;			/* pages, without boost */
	uint64_t watermark_boost;		/* pages: boost in force at start */

	bool has_lowmem_reserve;		/* use lowmem_reserve[] below */
	uint64_t lowmem_reserve[MODEL_NR_ZONE_TYPES]; /* pages, by request's highest zone type */

	bool has_pcp;				/* use the pcp values below */
	uint32_t pcp_batch;			/* pages */
	uint32_t pcp_high;			/* pages: 6.1 static high; 6.18 start value of pcp.high */
	uint32_t pcp_high_min;			/* pages (6.18; 6.1: ignored) */
	uint32_t pcp_high_max;			/* pages (6.18; 6.1: ignored) */
};

/* What ends a watermark boost, which needs kswapd (not simulated, spec 5.4 / 5.7). */
enum model_boost_clear {
	MODEL_BOOST_CLEAR_MANUAL,	/* only model_kswapd_sleep() clears it (shadow replay) */
	MODEL_BOOST_CLEAR_ON_WAKE,	/* a kswapd wake clears the node's boosts at once (what-if) */
};

/**
 * struct model_config - everything that defines a model; a what-if changes fields here.
 *
 * Fill with model_config_init() (kernel defaults, no zones), add zones with
 * model_config_add_zone() or by hand, then change settings. model_create()
 * copies it; the caller keeps ownership.
 */
struct model_config {
	enum model_profile profile;		/* version-dependent rules */
	unsigned int nr_page_orders;		/* NR_PAGE_ORDERS, 9..14 (x86-64: 11) */
	unsigned int pageblock_order;		/* x86-64: 9; 2 .. nr_page_orders - 1 */
	unsigned int thp_order;			/* order of the THP pcp lists, 4 .. nr_page_orders - 1,
						 * or 0 = no THP lists; x86-64: 9 */
	unsigned int nr_migratetypes;		/* 5 (no CMA) or 6 (CMA) */
	unsigned int nr_cpus;			/* 1..MODEL_MAX_CPUS */
	unsigned int nr_nodes;			/* 1..MODEL_MAX_NODES */
	uint16_t cpu_node[MODEL_MAX_CPUS];	/* node of each cpu (default 0) */
	uint8_t node_distance[MODEL_MAX_NODES][MODEL_MAX_NODES]; /* SLIT; 0 = 10 local / 20 remote */

	uint64_t min_free_kbytes;		/* kB; 0 = derive as the kernel does (spec 5.1) */
	unsigned int watermark_scale_factor;	/* 1/10000 of managed (default 10) */
	unsigned int watermark_boost_factor;	/* 1/10000 of HIGH (default 15000), 0 = off */
	unsigned int lowmem_reserve_ratio[MODEL_NR_ZONE_TYPES]; /* default 256 256 32 0 0 */
	unsigned int percpu_pagelist_high_fraction; /* 0 or >= 8 */
	unsigned int pcp_batch;			/* pages; 0 = zone_batchsize() */
	bool thp_enabled;			/* THP on: khugepaged raises min_free_kbytes */
	bool pcp_free_high_batch;		/* 6.18 PCPF_FREE_HIGH_BATCH of cpus without cpu_llc_* */
	uint32_t cpu_llc_bytes[MODEL_MAX_CPUS];	/* bytes of each cpu's last-level cache
						 * (sysfs cache/indexN/size of the highest N), 0 = unknown */
	uint16_t cpu_llc_shared[MODEL_MAX_CPUS]; /* cpus sharing it (weight of shared_cpu_map), 0 = unknown;
						 * PCPF_FREE_HIGH_BATCH = (bytes / shared) in pages > 3 x batch */
	uint64_t user_min_free_kbytes;		/* kB a user wrote to vm.min_free_kbytes (the kernel's
						 * user_min_free_kbytes), 0 = never; memory hotplug
						 * lowers min_free_kbytes no further than this */
	unsigned int page_reporting_order;	/* free page reporting (page_reporting.page_reporting_order
						 * with a reporting device, e.g. virtio-balloon), 0 = off */
	enum model_boost_clear boost_clear;
	bool reclaim;				/* what-if: a modelled kswapd and direct reclaim free the
						 * model's own oldest movable/reclaimable allocations
						 * (model_reclaim_*; overrides boost_clear) */
	bool compaction;			/* what-if: modelled compaction (model_compact_*) */
	unsigned int compaction_proactiveness;	/* vm.compaction_proactiveness, 0..100 (default 20) */
	unsigned int extfrag_threshold;		/* vm.extfrag_threshold, 0..1000 (default 500) */

	bool derive_all;			/* ignore every has_* recorded value */
	unsigned int nr_zones;
	struct model_zone_config zones[MODEL_MAX_ZONES];
};

/**
 * model_config_init() - fill @cfg with the kernel's defaults for @profile.
 * @cfg: config to fill (every field is written).
 * @profile: behavior profile.
 *
 * 11 orders, pageblock order 9, THP order 9, 5 migratetypes, 1 cpu, 1 node,
 * derived min_free_kbytes, scale factor 10, boost factor 15000, lowmem ratio
 * {256, 256, 32, 0, 0}, high fraction 0, derived batch, THP on, boost
 * cleared manually, no LLC recorded, no user min_free_kbytes, free page
 * reporting off, reclaim and compaction off (proactiveness 20, extfrag
 * threshold 500), no zones.
 */
void model_config_init(struct model_config *cfg, enum model_profile profile);

/**
 * model_config_add_zone() - append a zone with present = managed = spanned.
 * @cfg: config.
 * @node: node id.
 * @type: zone type.
 * @start_pfn: first pfn.
 * @spanned_pages: pages.
 *
 * The name is the kernel's for @type ("DMA", "DMA32", "Normal", "Movable",
 * "Device"). Adjust present/managed afterwards for zones with holes.
 *
 * Return: the new zone index, or -ENOSPC when MODEL_MAX_ZONES are used.
 */
int model_config_add_zone(struct model_config *cfg, unsigned int node, enum model_zone_type type,
			  uint64_t start_pfn, uint64_t spanned_pages);

/**
 * model_profile_from_release() - pick the behavior profile for a kernel release.
 * @release: uname -r, e.g. "6.1.0-37-amd64" or "6.18.44".
 * @out: the profile.
 *
 * 6.0 - 6.14 map to MODEL_PROFILE_6_1, 6.15 and later to MODEL_PROFILE_6_18
 * (the 6.15 fallback rework is the largest behavior change, spec 9).
 *
 * Return: 0 for a 6.1.y or 6.18.y release, 1 when @release is another
 * version and the nearest profile was chosen, -EINVAL if unparseable or
 * older than 6.0.
 */
int model_profile_from_release(const char *release, enum model_profile *out);

/* ---------------------------------------------------------------------- */
/* Lifecycle and seeding                                                  */
/* ---------------------------------------------------------------------- */

struct model;

/* Which field of a struct model_config model_config_check() refused. */
struct model_config_fault {
	const char *field;	/* the field's name (a static string), NULL if none */
	int zone;		/* its index in zones[] for a zone field, else -1 */
};

/**
 * model_config_check() - the checks model_create() makes on @cfg, with
 * the field at fault named in @fault (optional), so a caller can say which
 * value of its input the model cannot hold.
 *
 * Return: 0, or -EINVAL.
 */
int model_config_check(const struct model_config *cfg, struct model_config_fault *fault);

/**
 * model_create() - build a model; nothing is free afterwards.
 * @cfg: configuration (copied).
 *
 * Derives watermarks, lowmem reserve and pcp batch/high with formulas.h (or
 * takes the recorded values), builds the zonelists and allocates all
 * per-pfn and per-cpu state.
 *
 * Return: the handle, or NULL with errno EINVAL (bad config: orders out of
 * range, overlapping zones, node or cpu counts, zone type) or ENOMEM.
 */
struct model *model_create(const struct model_config *cfg);

/* model_destroy() - free everything; NULL is fine. */
void model_destroy(struct model *m);

/* model_config_get() - the model's copy of its config (borrowed, valid until destroy). */
const struct model_config *model_config_get(const struct model *m);

/**
 * model_populate() - free every pfn of every zone span, as boot does.
 * @m: model.
 *
 * Same as model_free_range() over each zone's whole span, lowest zone
 * first. Meant for tests and for replays without a snapshot; pages a real
 * kernel keeps reserved (spanned - managed) are not distinguished.
 *
 * Return: 0, or -EEXIST if some page was already free (the rest is freed).
 */
int model_populate(struct model *m);

/**
 * model_free_range() - release a pfn range to the buddy, as memblock and hotplug do.
 * @m: model.
 * @start_pfn: first pfn.
 * @nr_pages: pages.
 *
 * The range is cut into the largest aligned blocks (at most the top order),
 * each freed directly to the buddy with tail placement (FPI_TO_TAIL) and
 * merged. Pages already free are taken out first and freed again.
 *
 * Models: mm/page_alloc.c __free_pages_core(), v6.1/v6.18 (spec 3.6, 6.6 item 5).
 * Return: 0, -ERANGE if the range is not inside one zone, -EEXIST if some
 * page was already free.
 */
int model_free_range(struct model *m, uint64_t start_pfn, uint64_t nr_pages);

/**
 * model_zone_add_pages() - memory appearing at runtime (hotplug, virtio-mem), what-if side.
 * @m: model.
 * @zone: zone index.
 * @start_pfn: first pfn; the range may extend the zone's end (not its start).
 * @nr_pages: pages.
 *
 * Grows the span if needed (this call may allocate), adds @nr_pages to
 * present and managed, frees the range as model_free_range() does, then
 * recomputes as the kernel's init_per_zone_wmark_min() does after memory
 * online: min_free_kbytes becomes the default computed from the current
 * HIGH marks (with boost) unless cfg.user_min_free_kbytes is at least as
 * large, the watermarks of every zone are set (boosts reset to 0), lowmem
 * reserves and pcp batch/high_min/high_max follow, and with THP khugepaged
 * raises min_free_kbytes to its recommendation (computed with those new
 * marks) and the watermarks are set again. pcp->high is kept (6.18). The
 * config's recorded watermarks/reserves/pcp values no longer apply and are
 * dropped. Shadow replay re-anchors to recorded values with
 * model_zone_state_set().
 *
 * Models: mm/memory_hotplug.c online_pages(), mm/page_alloc.c
 * init_per_zone_wmark_min(), mm/khugepaged.c khugepaged_min_free_kbytes_update(),
 * v6.1/v6.18 (spec 5.1, 6.6 item 5, 12).
 * Return: 0, -ERANGE (range starts before the zone or overlaps another
 * zone), -EEXIST (some page already free; the rest is done), -ENOMEM.
 */
int model_zone_add_pages(struct model *m, unsigned int zone, uint64_t start_pfn,
			 uint64_t nr_pages);

/**
 * struct model_zone_state - a zone's sizes and marks as /proc/zoneinfo records them.
 */
struct model_zone_state {
	uint64_t spanned_pages;			/* pages; may grow at the end, never shrink */
	uint64_t present_pages;			/* pages, <= spanned */
	uint64_t managed_pages;			/* pages, <= present */
	uint64_t wmark_min, wmark_low, wmark_high, wmark_promo; /* pages, without boost */
	uint64_t watermark_boost;		/* pages */
	bool has_lowmem_reserve;		/* also set lowmem_reserve[] */
	uint64_t lowmem_reserve[MODEL_NR_ZONE_TYPES]; /* pages, by request's highest zone type */
};

/**
 * model_zone_state_set() - shadow side of a watermark recompute: take recorded values.
 * @m: model.
 * @zone: zone index.
 * @st: the recorded values.
 *
 * Sets the zone's spans, watermarks and boost (and lowmem reserve when
 * given) to @st, rebuilds the zonelists when the zone became (un)populated,
 * and recomputes the zone's pcp batch, high_min and high_max from the new
 * LOW and managed pages as the kernel's zone_pcp_update() does after a
 * recompute (boost counted as 0, as the recompute resets it), for every
 * cpu. Each cpu's pcp->high is kept (6.18: clamped into the new range on
 * its next use; 6.1: set to the static high). Free lists are not touched:
 * pages that appeared arrive as the trace's frees.
 *
 * Models: mm/page_alloc.c setup_per_zone_wmarks() -> zone_pcp_update(), v6.1/v6.18 (spec 4.2, 12).
 * Return: 0, -EINVAL (present > spanned, managed > present, span shrinks,
 * bad zone), -ERANGE (the grown span meets another zone), -ENOMEM.
 */
int model_zone_state_set(struct model *m, unsigned int zone, const struct model_zone_state *st);

/**
 * model_zone_boost_watermark() - one watermark boost step, as a boosting fallback does.
 * @m: model.
 * @zone: zone index.
 *
 * boost = min(boost + pageblock_nr_pages, max(pageblock_nr_pages,
 * HIGH x watermark_boost_factor / 10000)); nothing when the factor is 0,
 * managed < 4 pageblocks, or HIGH x factor / 10000 is 0. Shadow replay
 * calls it once per boosting fallback the trace implies. 6.1: every
 * mm_page_alloc_extfrag with fallback_order < pageblock_order (each steal
 * boosts). 6.18: every claim *attempt* at a fallback order < pageblock
 * order boosts, successful or not, but extfrag shows only the final claim
 * (change_ownership 1) or steal (0): a claim below pageblock order means
 * at least one boost; a steal follows one failed attempt per claim-worthy
 * fallback order tried (none for a MOVABLE request below pageblock_order /
 * 2). The model's own prediction counts them (model_alloc_result.boosts)
 * when it took the same path; checkpoints re-anchor with
 * model_zone_boost_set(). Counted in model_counters.boosts;
 * ZONE_BOOSTED_WATERMARK is not set (no kswapd wake).
 *
 * Models: mm/page_alloc.c boost_watermark(), v6.1/v6.18 (spec 5.4).
 * Return: 1 boosted (possibly already at the cap), 0 this zone never boosts, -EINVAL.
 */
int model_zone_boost_watermark(struct model *m, unsigned int zone);

/**
 * model_zone_boost_set() - set a zone's watermark_boost to a recorded value.
 * @m: model. @zone: zone index. @pages: the boost (0 clears it and ZONE_BOOSTED_WATERMARK).
 *
 * For re-anchoring at a checkpoint (/proc/zoneinfo "boost"); no cap applied.
 * Return: 0 or -EINVAL.
 */
int model_zone_boost_set(struct model *m, unsigned int zone, uint64_t pages);

/**
 * model_seed_buddy() - insert one free buddy block exactly as a snapshot shows it.
 * @m: model.
 * @pfn: block head, aligned to 2^@order.
 * @order: block order.
 * @mt: the free list's migratetype.
 * @tail: insert at the tail (true) or head (false) of free_list[@mt] at @order.
 *
 * No merging (a snapshot is already merged). Seed a list head-to-tail by
 * calling with @tail true in list order. In 6.18 the list must match the
 * pageblock type (spec 3.6); set pageblock types first.
 *
 * Return: 0, -EINVAL (misaligned, bad order or mt, crosses the zone end),
 * -ENOENT (outside every zone), -EEXIST (overlaps a free block).
 */
int model_seed_buddy(struct model *m, uint64_t pfn, unsigned int order, int mt, bool tail);

/**
 * model_seed_pcp() - put one block on a cpu's pcp list exactly as a snapshot shows it.
 * @m: model.
 * @cpu: cpu.
 * @pfn: block head.
 * @order: a pcp-able order (0..3 or thp_order).
 * @mt: the list's migratetype (0..2); the list is pindex(@order, @mt).
 * @tail: insert at the tail (true, snapshot order) or the head (false).
 *
 * pcp.count grows by 2^@order. In 6.1 the page remembers its current
 * pageblock type for the later drain (spec 3.3).
 *
 * Return: 0, -EINVAL, -ENOENT, -EEXIST as model_seed_buddy().
 */
int model_seed_pcp(struct model *m, unsigned int cpu, uint64_t pfn, unsigned int order, int mt,
		   bool tail);

/**
 * model_pageblock_set_migratetype() - set the type of the pageblock containing @pfn.
 * @m: model.
 * @pfn: any pfn of the block.
 * @mt: migratetype; ISOLATE sets 6.18's isolate bit (the underlying type is
 *	kept) or 6.1's type value.
 *
 * Only the type changes: free pages stay on their lists (seeding). Use it
 * before seeding free blocks.
 *
 * Return: 0, -ENOENT (outside every zone), -EINVAL (bad mt).
 */
int model_pageblock_set_migratetype(struct model *m, uint64_t pfn, int mt);

/**
 * struct model_pcp_tuning - the dynamic per-cpu pcp fields, for seeding from a snapshot.
 */
struct model_pcp_tuning {
	uint32_t high;				/* pages: current pcp.high */
	uint32_t free_count;			/* 6.18: pages freed recently */
	uint8_t alloc_factor;			/* 6.18: refill scale, 0..5 */
	uint8_t free_factor;			/* 6.1: drain scale, 0..5 */
	bool prev_free_high_order;		/* 6.18 PCPF_PREV_FREE_HIGH_ORDER */
};

/*
 * model_pcp_tuning_set() - overwrite one (zone, cpu) pcp's dynamic fields. 0 or -EINVAL.
 *
 * high is stored as given, even outside [high_min, high_max]: like the
 * kernel's pcp->high after a sysctl or watermark change it is clamped into
 * the range at its next use (a free's nr_pcp_high(), a refill's
 * nr_pcp_alloc()); the decay reads it unclamped (spec 4.3, 12). So a what-if
 * with new high_min/high_max starts each cpu at its recorded high by
 * calling this after model_create().
 */
int model_pcp_tuning_set(struct model *m, unsigned int zone, unsigned int cpu,
			 const struct model_pcp_tuning *t);

/**
 * model_pageblock_reserve_highatomic() - reserve_highatomic_pageblock() for an allocation.
 * @m: model.
 * @pfn: the allocated page (any pfn of its pageblock).
 * @order: the allocation's order.
 *
 * With the kernel's limits: nothing when the zone's reserve is full (6.18:
 * managed/100 rounded up to pageblocks, none when managed/100 < a
 * pageblock; 6.1: managed/100 + a pageblock) or the block's type is not
 * mergeable. Otherwise the block (6.18, order >= pageblock order: the
 * blocks covered) becomes HIGHATOMIC with its free pages moved to the
 * HIGHATOMIC lists' tails. nr_reserved_highatomic is always
 * pageblock_nr_pages x the zone's HIGHATOMIC blocks (the kernel's own
 * bookkeeping), so model_pageblock_claim(pfn, HIGHATOMIC) and
 * model_pageblock_set_migratetype() keep it consistent as well: replay
 * learns a HIGHATOMIC block seen in a trace event with
 * model_pageblock_claim(), and releases one with model_pageblock_claim(pfn,
 * new type) or model_unreserve_highatomic().
 *
 * Models: mm/page_alloc.c reserve_highatomic_pageblock(), v6.1/v6.18 (spec 2.9).
 * Return: 1 reserved, 0 refused by the limits or the type, -ENOENT, -EINVAL.
 */
int model_pageblock_reserve_highatomic(struct model *m, uint64_t pfn, unsigned int order);

/**
 * model_pageblock_claim() - convert a pageblock and move its free blocks, as a claim does.
 * @m: model.
 * @pfn: any pfn of the pageblock.
 * @mt: new migratetype (0 .. nr_migratetypes - 1).
 *
 * Sets the type and moves every free buddy block of the pageblock to the
 * tail of free_list[@mt] in ascending pfn order (move_freepages_block). A
 * free block larger than a pageblock that covers it is retyped and moved
 * whole. For applying mm_page_alloc_extfrag change_ownership = 1 in shadow
 * replay without breaking 6.18's "free list matches pageblock type".
 * Counted as a pageblock change; the observer's pageblock_change is called.
 * To or from HIGHATOMIC, nr_reserved_highatomic follows (see
 * model_pageblock_reserve_highatomic()).
 *
 * Models: mm/page_alloc.c move_freepages_block() + set_pageblock_migratetype(), v6.1/v6.18 (spec 2.8).
 * Return: 0, -ENOENT (outside every zone), -EINVAL (bad mt).
 */
int model_pageblock_claim(struct model *m, uint64_t pfn, int mt);

/* ---------------------------------------------------------------------- */
/* Observer: the kernel events the model's own actions would emit         */
/* ---------------------------------------------------------------------- */

/**
 * struct model_observer - optional callbacks, called synchronously inside operations.
 *
 * Each corresponds to the kmem tracepoint the kernel emits at the same
 * point (spec 6.2), so replay can compare the model's event stream with the
 * trace's. Any member may be NULL. Callbacks must not call back into the model.
 */
struct model_observer {
	/* mm_page_alloc_zone_locked: a block taken by __rmqueue_smallest. */
	void (*zone_locked)(void *ctx, uint64_t pfn, unsigned int order, int mt,
			    bool percpu_refill);
	/* mm_page_pcpu_drain: a pcp page merged into the buddy (pfn before merging). */
	void (*pcpu_drain)(void *ctx, uint64_t pfn, unsigned int order, int mt);
	/* mm_page_alloc_extfrag: a fallback. */
	void (*extfrag)(void *ctx, uint64_t pfn, unsigned int alloc_order,
			unsigned int fallback_order, int alloc_mt, int fallback_mt,
			bool change_ownership);
	/* Not a tracepoint: a pageblock changed type (claim, highatomic, seeding excluded). */
	void (*pageblock_change)(void *ctx, uint64_t block_pfn, int old_mt, int new_mt);
	/* What-if reclaim freed a whole allocation: @tag is its model_alloc_req.tag. */
	void (*reclaimed)(void *ctx, uint64_t tag, uint64_t pfn, unsigned int order);
	/* What-if compaction moved a whole allocation from @old_pfn to @new_pfn. */
	void (*migrated)(void *ctx, uint64_t tag, uint64_t old_pfn, uint64_t new_pfn,
			 unsigned int order);
};

/* model_observer_set() - install (copy) @obs with @ctx; NULL removes it. */
void model_observer_set(struct model *m, const struct model_observer *obs, void *ctx);

/* ---------------------------------------------------------------------- */
/* Allocation                                                             */
/* ---------------------------------------------------------------------- */

/* How model_alloc_pages() treats a request beyond the kernel's fast path. */
enum model_req_flags {
	/* On fast-path failure, retry once with the slow path's flags (spec 2.10 step 1-3). */
	MODEL_REQ_SLOWPATH = 1 << 0,
	/* If still refused by watermarks, take the page anyway (the trace says it
	 * succeeded: reclaim happened; spec 5.7 option 1). Implies SLOWPATH. */
	MODEL_REQ_MUST_SUCCEED = 1 << 1,
	/* Skip the pcp (trylock failed); pcp-able orders go to rmqueue_buddy. */
	MODEL_REQ_NO_PCP = 1 << 2,
	/* Use model_alloc_req.alloc_flags verbatim instead of the fast-path flags. */
	MODEL_REQ_ALLOC_FLAGS = 1 << 3,
	/* Report what the allocation would do and change nothing: model_alloc_predict(). */
	MODEL_REQ_DRY_RUN = 1 << 4,
};

/**
 * struct model_alloc_req - one allocation request, as mm_page_alloc reports it.
 */
struct model_alloc_req {
	unsigned int order;
	uint64_t gfp_flags;			/* raw bits; migratetype and zones come from them */
	unsigned int cpu;			/* cpu whose pcp is used */
	int preferred_node;			/* -1 = the cpu's node */
	unsigned int req_flags;			/* enum model_req_flags */
	unsigned int alloc_flags;		/* MODEL_ALLOC_*, only with MODEL_REQ_ALLOC_FLAGS */
	uint64_t tag;				/* caller's name for the allocation, handed back by the
						 * reclaimed / migrated observers (cfg.reclaim or
						 * cfg.compaction); e.g. the kernel's pfn */
};

/* Why an allocation failed (res.fail). */
enum model_alloc_fail {
	MODEL_ALLOC_OK = 0,
	MODEL_FAIL_ORDER,			/* order >= nr_page_orders */
	MODEL_FAIL_GFP,				/* invalid zone-modifier combination */
	MODEL_FAIL_NO_ZONE,			/* no populated zone at or below the highest zone */
	MODEL_FAIL_WATERMARK,			/* every eligible zone failed its watermark check */
	MODEL_FAIL_NO_BLOCK,			/* a zone passed, but no free block was found */
	MODEL_NR_ALLOC_FAIL,
};

/* What happened on the way (res.flags). */
enum model_alloc_result_flags {
	MODEL_ALLOC_R_PCP_HIT = 1 << 0,		/* served from a non-empty pcp list */
	MODEL_ALLOC_R_PCP_REFILL = 1 << 1,	/* the pcp list was refilled (refill_* say how much) */
	MODEL_ALLOC_R_BUDDY = 1 << 2,		/* served by rmqueue_buddy under the zone lock */
	MODEL_ALLOC_R_FALLBACK = 1 << 3,	/* a fallback happened (fallback_* describe the last) */
	MODEL_ALLOC_R_STEAL = 1 << 4,		/* a fallback kept the block's type */
	MODEL_ALLOC_R_CLAIM = 1 << 5,		/* a fallback converted a pageblock */
	MODEL_ALLOC_R_HIGHATOMIC = 1 << 6,	/* taken from a HIGHATOMIC list */
	MODEL_ALLOC_R_HIGHATOMIC_RESERVE = 1 << 7, /* a pageblock was reserved as HIGHATOMIC */
	MODEL_ALLOC_R_BOOST = 1 << 8,		/* the zone's watermark was boosted */
	MODEL_ALLOC_R_KSWAPD_WAKE = 1 << 9,	/* kswapd was woken */
	MODEL_ALLOC_R_NOFRAGMENT_RETRY = 1 << 10, /* served only after ALLOC_NOFRAGMENT was dropped */
	MODEL_ALLOC_R_SLOWPATH = 1 << 11,	/* served by the slow-path flags */
	MODEL_ALLOC_R_NO_WATERMARKS = 1 << 12,	/* served ignoring watermarks (MUST_SUCCEED) */
	MODEL_ALLOC_R_OTHER_ZONE = 1 << 13,	/* served by a zone after the preferred one */
	MODEL_ALLOC_R_OTHER_NODE = 1 << 14,	/* served by a zone of another node */
	MODEL_ALLOC_R_BELOW_HIGH = 1 << 15,	/* 6.18: some zone was marked BELOW_HIGH */
};

/**
 * struct model_alloc_result - outcome of model_alloc_pages().
 */
struct model_alloc_result {
	uint64_t pfn;				/* first pfn, or MODEL_PFN_NONE */
	int zone;				/* zone index that served it, or -1 */
	enum model_alloc_fail fail;		/* MODEL_ALLOC_OK on success */
	unsigned int flags;			/* enum model_alloc_result_flags */
	int migratetype;			/* request migratetype (gfp_migratetype) */
	unsigned int alloc_flags;		/* MODEL_ALLOC_* of the pass that served it */
	unsigned int refill_blocks;		/* blocks pulled into the pcp by the refill */
	unsigned int refill_pages;		/* pages pulled (blocks << order) */
	unsigned int nr_fallbacks;		/* fallbacks (claims + steals) during this call */
	unsigned int fallback_order;		/* order of the last fallback block */
	int fallback_mt;			/* its migratetype, or -1 */
	unsigned int pageblocks_changed;	/* pageblock type changes during this call */
	unsigned int boosts;			/* watermark boost steps during this call */
};

/**
 * model_alloc_pages() - allocate 2^order pages as the kernel's fast path would.
 * @m: model.
 * @req: the request.
 * @res: outcome (always written).
 *
 * Walks the zonelist of the preferred node with the watermark gate
 * (stored mark + boost + lowmem_reserve, strict '>'; 6.18 BELOW_HIGH probe),
 * the ALLOC_NOFRAGMENT first pass and its locality rule, then rmqueue():
 * pcp list (refill with rmqueue_bulk) or rmqueue_buddy, __rmqueue with the
 * profile's fallback (6.1 largest-first steal; 6.18 claim then steal),
 * boosting and kswapd wake-ups. The request flags add the slow path.
 *
 * Models: mm/page_alloc.c get_page_from_freelist(), rmqueue(), v6.1/v6.18 (spec 2).
 * Return: 0 (see res->fail), or -EINVAL (NULL argument, cpu >= nr_cpus,
 * preferred_node >= nr_nodes).
 */
int model_alloc_pages(struct model *m, const struct model_alloc_req *req,
		      struct model_alloc_result *res);

/**
 * model_alloc_predict() - what model_alloc_pages() would do, leaving the model unchanged.
 * @m: model.
 * @req: the request.
 * @res: the outcome model_alloc_pages() would report (always written).
 *
 * Runs the allocation with an undo journal and rolls every change back
 * (per-pfn state, lists, pageblocks, zone scalars, the cpu's pcp,
 * counters); observer callbacks are not called. Shadow replay asks it for
 * the pfn the kernel should return, then applies the real one with
 * model_force_alloc() / model_force_pcp_refill(). The journal grows on
 * first use (this call may allocate).
 *
 * Return: as model_alloc_pages(); -ENOMEM when the journal could not grow,
 * in which case the allocation stays applied; -EOPNOTSUPP (nothing done)
 * with cfg.reclaim or cfg.compaction.
 */
int model_alloc_predict(struct model *m, const struct model_alloc_req *req,
			struct model_alloc_result *res);

/**
 * model_unreserve_highatomic() - release one HIGHATOMIC pageblock, as reclaim failure does.
 * @m: model.
 * @req: the failing request (its node, highest zone and migratetype are used).
 * @force: the "retries exhausted" variant, which also takes a zone's last block.
 *
 * Walks the request's zonelist; in each zone with more than one reserved
 * block (any, when @force) takes the head of the lowest-order non-empty
 * HIGHATOMIC list, lowers nr_reserved_highatomic (6.1: by a pageblock;
 * 6.18: by max(pageblock, 2^order)) and converts that block to the
 * request's migratetype, moving its free pages. At most one block per call.
 * The kernel does this in direct reclaim (spec 2.10), which the model does
 * not simulate: a caller uses it when its trace implies that path.
 *
 * Models: mm/page_alloc.c unreserve_highatomic_pageblock(), v6.1/v6.18 (spec 2.9).
 * Return: 1 when a block was released, 0 when none, -EINVAL.
 */
int model_unreserve_highatomic(struct model *m, const struct model_alloc_req *req, bool force);

/* gfp_migratetype(): the request migratetype of @gfp_flags (spec 1.6). */
int model_gfp_migratetype(const struct model *m, uint64_t gfp_flags);

/* gfp_zone(): highest zone type of @gfp_flags, or -EINVAL for an invalid combination. */
int model_gfp_zone(uint64_t gfp_flags);

/* ---------------------------------------------------------------------- */
/* Contradictions                                                          */
/* ---------------------------------------------------------------------- */

/* A call whose premise the model's state contradicts; resolved in the kernel's favour. */
enum model_contradiction {
	MODEL_CONTRA_NONE = 0,
	MODEL_CONTRA_OUTSIDE,			/* pfn in no zone: nothing done */
	MODEL_CONTRA_CROSSES_ZONE,		/* block runs past its zone's end: nothing done */
	MODEL_CONTRA_MISALIGNED,		/* pfn not aligned to 2^order: freed as aligned pieces */
	MODEL_CONTRA_ALREADY_FREE,		/* free: part was free already (taken out first) */
	MODEL_CONTRA_NOT_FREE,			/* force_alloc: part was allocated already */
	MODEL_CONTRA_NOT_ON_PCP,		/* pcpu_drain_page: not on any pcp list */
	MODEL_NR_CONTRA,
};

/* ---------------------------------------------------------------------- */
/* Free, forced allocation, drains                                        */
/* ---------------------------------------------------------------------- */

/*
 * Routing of model_free_pages() (KERNEL-FACTS.md "Direct-to-buddy frees"):
 * BUDDY is the pcp-trylock-failure path (free_one_page(), FPI_NONE: head
 * placement unless buddy_merge_likely; 6.1 under the pcp type, HIGHATOMIC
 * and CMA as MOVABLE; 6.18 under each pageblock's own type). TO_TAIL is
 * __free_pages_ok(page, order, FPI_TO_TAIL): buddy, real pageblock type,
 * the merged block at the list tail - alloc_pages_exact's unused tail
 * pages (order 0, ascending) and boot/hotplug frees.
 */
enum model_free_flags {
	MODEL_FREE_BUDDY = 1 << 0,		/* skip the pcp (trylock failed, non-pcp API) */
	MODEL_FREE_TO_TAIL = 1 << 1,		/* FPI_TO_TAIL placement (implies BUDDY) */
	MODEL_FREE_NO_DRAIN = 1 << 2,		/* do not drain after a pcp insert (6.18 TRYLOCK
						 * free; or replay applies trace drains itself) */
};

enum model_free_result_flags {
	MODEL_FREE_R_PCP = 1 << 0,		/* went onto a pcp list */
	MODEL_FREE_R_BUDDY = 1 << 1,		/* went to the buddy directly */
	MODEL_FREE_R_DRAIN = 1 << 2,		/* the insert crossed the pcp threshold: drained */
};

/**
 * struct model_free_result - outcome of model_free_pages().
 */
struct model_free_result {
	int zone;				/* zone index, or -1 */
	unsigned int flags;			/* enum model_free_result_flags */
	enum model_contradiction contradiction;
	uint64_t merged_pfn;			/* buddy path: head of the merged block (last piece) */
	unsigned int merged_order;		/* buddy path: its order */
	unsigned int drained_blocks;		/* pcp entries moved to the buddy */
	unsigned int drained_pages;		/* pages moved to the buddy */
};

/**
 * model_free_pages() - free 2^order pages at @pfn, as mm_page_free reports it.
 * @m: model.
 * @pfn: first pfn.
 * @order: order freed (may be smaller than the allocation's: any aligned sub-range).
 * @cpu: cpu whose pcp receives it.
 * @flags: enum model_free_flags.
 * @res: outcome (always written).
 *
 * pcp-able orders go to the pcp list of the pageblock's type (HIGHATOMIC and
 * CMA to MOVABLE, ISOLATE to the buddy), followed by the profile's drain
 * rule; others go to the buddy (6.18 splits blocks above a pageblock),
 * merging to the maximum with head/tail placement by buddy_merge_likely.
 *
 * Models: mm/page_alloc.c free_unref_page() / __free_frozen_pages(),
 * __free_one_page(), v6.1/v6.18 (spec 3).
 * Return: 0 (contradictions in res), or -EINVAL (NULL, cpu or order out of range).
 */
int model_free_pages(struct model *m, uint64_t pfn, unsigned int order, unsigned int cpu,
		     unsigned int flags, struct model_free_result *res);

enum model_force_source {
	MODEL_FORCE_FROM_NONE = 0,		/* nothing of the range was free */
	MODEL_FORCE_FROM_PCP,			/* taken from a pcp list */
	MODEL_FORCE_FROM_BUDDY,			/* taken from the buddy (split if needed) */
	MODEL_FORCE_FROM_MIXED,			/* pieces from both (a contradiction) */
};

/**
 * struct model_force_result - outcome of model_force_alloc().
 */
struct model_force_result {
	int zone;				/* zone index, or -1 */
	enum model_force_source source;
	enum model_contradiction contradiction;
	int pcp_cpu;				/* FROM_PCP: the cpu whose list held it */
	unsigned int split_from_order;		/* FROM_BUDDY: order of the block it came from */
	uint64_t split_from_pfn;		/* FROM_BUDDY: head of that block */
	int list_mt;				/* the list it came from, or -1 */
	unsigned int nr_not_free;		/* pages of the range that were not free */
};

/**
 * model_force_alloc() - take exactly [pfn, pfn + 2^order) out of the free state.
 * @m: model.
 * @pfn: first pfn (aligned to 2^@order).
 * @order: order.
 * @cpu: the allocating cpu, or -1; informational: a pcp entry is found on
 *	whichever cpu's list holds it (res->pcp_cpu says which).
 * @mt: the request migratetype (recorded for the claim heuristics), or -1.
 * @res: outcome (always written).
 *
 * A pcp entry holding the block is unlinked from its list (count
 * adjusted). A buddy block containing it is split the way expand() /
 * break-down does: the halves not containing the target go to the head of
 * the same list. Pages of the range that are not free are reported
 * (MODEL_CONTRA_NOT_FREE) and simply stay allocated. Shadow replay calls it
 * with the pfn the kernel really returned.
 *
 * Models: mm/page_alloc.c expand() / rmqueue_pcplist(), v6.1/v6.18 (spec 2.6, 10 item 8).
 * Return: 0, or -EINVAL (NULL, misaligned, order or cpu out of range).
 */
int model_force_alloc(struct model *m, uint64_t pfn, unsigned int order, int cpu, int mt,
		      struct model_force_result *res);

/**
 * model_force_pcp_refill() - move one block from the buddy to the tail of a pcp list.
 * @m: model.
 * @cpu: the cpu whose pcp is refilled.
 * @pfn: the block (mm_page_alloc_zone_locked with percpu_refill = 1).
 * @order: a pcp-able order.
 * @mt: the list's migratetype (0..2); the list is pindex(@order, @mt).
 * @res: outcome; source/split fields say where the block came from.
 *
 * The block leaves the buddy exactly as model_force_alloc() takes it
 * (splitting a larger block if needed) and is appended at the tail, as
 * rmqueue_bulk does; pcp.count grows by 2^@order. Pages that were not free
 * are reported (MODEL_CONTRA_NOT_FREE) and put on the list anyway.
 *
 * Models: mm/page_alloc.c rmqueue_bulk(), v6.1/v6.18 (spec 2.5, 6.3).
 * Return: 0, or -EINVAL (NULL, misaligned, order not pcp-able, bad cpu or mt).
 */
int model_force_pcp_refill(struct model *m, unsigned int cpu, uint64_t pfn, unsigned int order,
			   int mt, struct model_force_result *res);

/**
 * model_pcpu_drain_page() - move one specific pcp page to the buddy.
 * @m: model.
 * @pfn: head of the pcp entry (mm_page_pcpu_drain's pfn).
 * @order: its order.
 * @res: outcome (zone, contradiction, merged_pfn/order, drained_*).
 *
 * Whatever pcp list holds it (any cpu), as free_pcppages_bulk does for one
 * page: pcp.count drops, the page merges into the buddy with the drain's
 * migratetype (6.1 remembered; 6.18 current pageblock type).
 *
 * Models: mm/page_alloc.c free_pcppages_bulk(), v6.1/v6.18 (spec 3.4).
 * Return: 0 (MODEL_CONTRA_NOT_ON_PCP when no list holds it), -EINVAL.
 */
int model_pcpu_drain_page(struct model *m, uint64_t pfn, unsigned int order,
			  struct model_free_result *res);

/**
 * model_pcp_unlink_to_buddy() - re-route a free the model put on a pcp list to the buddy.
 * @m: model.
 * @pfn: head of the pcp entry.
 * @order: its order.
 * @res: outcome (zone, merged_pfn/order, MODEL_FREE_R_BUDDY).
 *
 * For a free whose pcp trylock failed in the kernel (spec 3.1, 12), found
 * out later (a zone_locked takes the page the model holds on a pcp list):
 * the entry leaves whichever list holds it (pcp.count drops) and is freed
 * as free_one_page() does with FPI_NONE - 6.18 under the current pageblock
 * type, split at pageblock order; 6.1 under the pcp type (HIGHATOMIC and
 * CMA as MOVABLE, ISOLATE as itself) - merging, head placement unless
 * buddy_merge_likely. Unlike model_pcpu_drain_page() it emits no
 * pcpu_drain and counts no drain: frees_pcp becomes frees_buddy. The pcp's
 * dynamic fields changed by the earlier insert (free_count, high, flags,
 * any drain it caused) are not undone.
 *
 * Models: mm/page_alloc.c free_frozen_pages() / free_unref_page() trylock-failure branch, v6.1/v6.18 (spec 3.1, 3.5).
 * Return: 0 (MODEL_CONTRA_NOT_ON_PCP and no change when no list holds
 * such an entry), -EINVAL.
 */
int model_pcp_unlink_to_buddy(struct model *m, uint64_t pfn, unsigned int order,
			      struct model_free_result *res);

/**
 * model_drain_pcp() - drain every zone's pcp of @cpu, in batch x 32 chunks from pindex 0.
 * @m: model.
 * @cpu: cpu, or -1 for all cpus (drain_all_pages).
 *
 * Models: mm/page_alloc.c drain_pages_zone(), v6.1/v6.18 (spec 4.4).
 * Return: pages drained, or -EINVAL.
 */
long model_drain_pcp(struct model *m, int cpu);

/**
 * model_pcp_decay() - one 6.18 decay step of every zone's pcp of @cpu.
 * @m: model.
 * @cpu: cpu, or -1 for all.
 *
 * high = max(count - batch*32, high - high/8, high_min) when above high_min,
 * then drain min(count - high, batch) from pindex 0. No-op for 6.1.
 *
 * Models: mm/page_alloc.c decay_pcp_high(), v6.18 (spec 4.3).
 * Return: pages drained, or -EINVAL.
 */
long model_pcp_decay(struct model *m, int cpu);

/**
 * model_kswapd_sleep() - kswapd of @node finished a run: clear its zones' boosts.
 * @m: model.
 * @node: node, or -1 for all.
 *
 * Also clears RECLAIM_ACTIVE. Models: mm/vmscan.c balance_pgdat() end, (spec 5.4).
 * Return: 0 or -EINVAL.
 */
int model_kswapd_sleep(struct model *m, int node);

/**
 * model_reclaim_active_set() - mark zones <= @highest_zone of @node RECLAIM_ACTIVE (or clear).
 * @m: model. @node: node. @highest_zone: zone type. @active: set or clear.
 *
 * Drives the pcp thresholds of spec 3.3 / 4.3 while a trace shows kswapd awake.
 * Return: 0 or -EINVAL.
 */
int model_reclaim_active_set(struct model *m, unsigned int node, enum model_zone_type highest_zone,
			     bool active);

/* ---------------------------------------------------------------------- */
/* Reclaim and compaction (what-if: cfg.reclaim, cfg.compaction)          */
/* ---------------------------------------------------------------------- */

/*
 * With cfg.reclaim or cfg.compaction the model keeps its own successful
 * MOVABLE and RECLAIMABLE allocations (request migratetype) on a per-zone
 * LRU, oldest first, each with its model_alloc_req.tag. A free that
 * touches such an allocation (even part of it) takes it off the LRU for
 * good. Pages the model did not allocate itself (seeded or untracked
 * start state) are never reclaimed or migrated.
 *
 * Reclaim (cfg.reclaim; model/reclaim.c, KERNEL-FACTS.md "Reclaim"):
 * - a kswapd wake (the allocator's own wakeup_kswapd(): the slow path, a
 *   boosted zone) runs kswapd for that node when the model_alloc_pages()
 *   call ends, before the call's own page joins the LRU (the kernel's
 *   caller adds it later): while no eligible zone (node, type <= the highest zone
 *   woken for) meets HIGH + boost for the order, it reclaims
 *   SWAP_CLUSTER_MAX (32) pages of the oldest LRU allocations of the
 *   eligible zones (whole allocations, freed straight to the buddy);
 *   after 2 << order pages the order drops to 0. Then every boost of
 *   those zones is cleared (a boost cycle when one was set) and, with
 *   compaction, kcompactd runs for max(order, pageblock_order if boosted).
 *   A run that reclaims nothing counts toward the node's 16 failures,
 *   after which it is not woken until reclaim succeeds again.
 * - an allocation with __GFP_DIRECT_RECLAIM refused at the MIN mark
 *   enters direct reclaim: (compaction first for costly or non-movable
 *   high orders) then up to 16 rounds of: reclaim 32 pages (a stall),
 *   retry, drain the pcp lists once and retry, compact (order > 0),
 *   retry. Costly orders without __GFP_RETRY_MAYFAIL, and __GFP_NORETRY,
 *   stop after one round. Still refused: alloc_would_fail, then the
 *   request's MODEL_REQ_MUST_SUCCEED applies as before.
 * The observer's reclaimed() names each reclaimed allocation.
 *
 * Compaction (cfg.compaction; model/compaction.c, KERNEL-FACTS.md
 * "Compaction"): a migrate scanner from the zone start, pageblock by
 * pageblock, isolates up to 32 tracked order-0 MOVABLE allocations; a
 * free scanner from the last pageblock down isolates free buddy blocks
 * in MOVABLE/CMA pageblocks; each isolated page, last isolated first,
 * moves to the next isolated free page in isolation order (a block's
 * pages lowest first); the old page is freed to the buddy. Runs stop when
 * the request's order is free (checked at pageblock boundaries), when the
 * scanners meet, or for a proactive run when the zone's score is at or
 * below the low mark. Skip hints, cached scanner positions and deferral
 * are kept per zone. The observer's migrated() names each move.
 */

/* Extra bytes per page frame of the zones' spans with cfg.reclaim or cfg.compaction. */
#define MODEL_PRESSURE_BYTES_PER_FRAME 21	/* LRU links 8, age 4, tag 8, head 1 */

/**
 * model_compact_memory() - compact every populated zone of every node, as
 * writing 1 to /proc/sys/vm/compact_memory does.
 * @m: model (cfg.compaction).
 *
 * Whole zones, skip hints ignored, no stop before the scanners meet.
 * Models: mm/compaction.c compact_nodes() / compact_node(), (KERNEL-FACTS.md).
 * Return: pages migrated, -EOPNOTSUPP (compaction off), -EINVAL.
 */
long model_compact_memory(struct model *m);

/**
 * model_compact_proactive() - one of kcompactd's 500 ms proactive checks, every node.
 * @m: model (cfg.compaction).
 *
 * A node whose fragmentation score is above the high mark (spec 7.4) is
 * compacted zone by zone until each zone's score is at or below the low
 * mark; a pass that does not lower the node's score defers the node's
 * next 63 checks (the kernel's 32 s timeout). The caller calls it every
 * 500 ms of trace time. Nothing with proactiveness 0.
 * Models: mm/compaction.c kcompactd() / proactive_compact_node(), (KERNEL-FACTS.md).
 * Return: nodes compacted, -EOPNOTSUPP (compaction off), -EINVAL.
 */
int model_compact_proactive(struct model *m);

/**
 * model_fragmentation_score() - the node's proactive-compaction score, 0..100 (spec 7.4).
 * @m: model. @node: node id.
 * Return: the score, or -EINVAL.
 */
int model_fragmentation_score(const struct model *m, unsigned int node);

/**
 * model_kswapd_hold() - the traced kswapd of @node is awake: the model's waits for it.
 * @m: model (cfg.reclaim). @node: node id.
 *
 * A what-if replays the trace's frees, among them those of the kernel's
 * own reclaim; a modelled kswapd reclaiming as well would count that
 * reclaim twice. While held, a wake of the node's modelled kswapd (from
 * model_alloc_pages()) is recorded but its run waits for
 * model_kswapd_release(), so the trace's reclaim frees of the window are
 * applied first. Direct reclaim is not held: it acts only for an
 * allocation that cannot pass MIN, after the trace's frees.
 * Return: 0, -EOPNOTSUPP (reclaim off), -EINVAL.
 */
int model_kswapd_hold(struct model *m, unsigned int node);

/**
 * model_kswapd_release() - the traced kswapd of @node ended its run, having freed @credit_pages.
 * @m: model (cfg.reclaim). @node: node id. @credit_pages: the trace's reclaim frees of the window.
 *
 * When a wake was recorded during the hold, the run happens now, as
 * model_alloc_pages() would have run it, with @credit_pages counted as
 * reclaimed already: they pay the boost reclaim, the compact_gap() order
 * drop and the failure count, so the model reclaims only what the node
 * still lacks under the model's marks (kswapd_reclaimed counts only
 * that). Without a recorded wake nothing runs: the model's marks never
 * asked for reclaim, and the credit is not used.
 * Return: 1 (the held run ran, with the credit), 0 (nothing ran),
 * -EOPNOTSUPP (reclaim off), -EINVAL.
 */
int model_kswapd_release(struct model *m, unsigned int node, uint64_t credit_pages);

/* model_reclaimable_pages() - pages on the zone's LRU (tracked allocations), or -EINVAL. */
long model_reclaimable_pages(const struct model *m, unsigned int zone);

/* ---------------------------------------------------------------------- */
/* Free page reporting                                                    */
/* ---------------------------------------------------------------------- */

/* prdev->state of mm/page_reporting.c. */
enum model_page_reporting_state {
	MODEL_PR_IDLE = 0,			/* no pass scheduled */
	MODEL_PR_REQUESTED,			/* a pass is scheduled (2 s after the request) */
	MODEL_PR_ACTIVE,			/* a pass runs (only inside model_page_reporting_run()) */
};

/**
 * struct model_report_result - outcome of model_page_reporting_run().
 */
struct model_report_result {
	unsigned int zones_processed;		/* zones above LOW + boost + 32 << order */
	unsigned int zones_skipped;		/* zones below it: nothing done there */
	unsigned int nr_reports;		/* report() calls (full scatterlists of 32, plus leftovers) */
	unsigned int blocks_reported;		/* blocks put back at their list tail, marked reported */
	uint64_t pages_reported;
	unsigned int blocks_merged;		/* put back but merged with a buddy: not marked */
	unsigned int isolate_failed;		/* lists left early: the zone hit MIN + block size */
	bool budget_exhausted;			/* some list used up its budget: reporting re-requested */
	bool requested;				/* state is MODEL_PR_REQUESTED afterwards: the kernel
						 * runs the next pass 2 s after this one */
};

/**
 * model_page_reporting_run() - one free page reporting pass, exactly as the kernel's work does.
 * @m: model (cfg.page_reporting_order set).
 * @zone: zone index for one zone's pass, or -1 for the whole work item
 *	  (every zone, node by node and zone type upward, as for_each_zone).
 * @res: outcome (always written).
 *
 * Per zone: nothing unless free pages exceed LOW + boost + 32 << order
 * (order-0 check, highest zone 0, ALLOC_CMA). Then for every order from
 * the reporting order up and every type but ISOLATE: a budget of
 * ceil(nr_free[order] / 512) report calls; walking the list head to tail,
 * reported blocks are skipped, unreported ones are isolated (each needs
 * free > MIN + its size, else the list ends there; a block of at least
 * half a pageblock turns its mergeable pageblocks MOVABLE, 6.18 moving
 * their other free pages too) into a 32-entry scatterlist shared by the
 * zone's lists; when it is full and another unreported block follows,
 * that block is rotated to the list head, the 32 are put back - last
 * isolated first - each at the tail of its pageblock type's list, merging
 * as frees do but without a new request, and marked reported unless they
 * merged - and the walk restarts at the head. When the budget is spent
 * the state becomes REQUESTED. At a list's end (or stop) the list is
 * rotated so that it starts at the first unprocessed block. The zone's
 * last partial scatterlist is put back the same way. The mark is cleared
 * whenever the block leaves its list (allocation, split, merge); a type
 * move keeps it. The device's report() is taken to succeed.
 *
 * With @zone -1 the state is ACTIVE during the pass and IDLE afterwards
 * unless it became REQUESTED. Every free (pcp drains, direct and boot
 * frees alike) whose merged block has order >= the reporting order sets
 * the state to REQUESTED (the kernel's notify): replay reads
 * model_page_reporting_state_get() after its events and, at the first
 * REQUESTED after IDLE, runs the pass 2 s of trace time later; after a
 * pass with res->requested it runs the next one 2 s later.
 *
 * Models: mm/page_reporting.c page_reporting_process() / page_reporting_process_zone() /
 * page_reporting_cycle() / page_reporting_drain(), mm/page_alloc.c __isolate_free_page() /
 * __putback_isolated_page(), v6.1/v6.18 (model/KERNEL-FACTS.md).
 * Return: 0, -EOPNOTSUPP (reporting off), -EINVAL.
 */
int model_page_reporting_run(struct model *m, int zone, struct model_report_result *res);

/**
 * model_page_reported_set() - seed or clear the reported mark of a free block.
 * @m: model (cfg.page_reporting_order set).
 * @pfn: head of a free buddy block of at least the reporting order.
 * @on: reported or not.
 *
 * For a start state from a snapshot that read PageReported (the
 * PG_uptodate bit of a buddy head, include/linux/page-flags.h); without it
 * every block starts unreported and the first pass reports them all.
 * Return: 0, -EOPNOTSUPP (reporting off), -ENOENT (no zone), -EINVAL (not
 * such a block head).
 */
int model_page_reported_set(struct model *m, uint64_t pfn, bool on);

/* model_page_reporting_state_get() - the reporting state (MODEL_PR_IDLE for NULL). */
enum model_page_reporting_state model_page_reporting_state_get(const struct model *m);

/*
 * model_page_reporting_state_set() - set the state to IDLE or REQUESTED (e.g.
 * REQUESTED at the start of a replay when the device just registered). 0 or -EINVAL.
 */
int model_page_reporting_state_set(struct model *m, enum model_page_reporting_state st);

/* ---------------------------------------------------------------------- */
/* Queries                                                                */
/* ---------------------------------------------------------------------- */

enum model_pfn_kind {
	MODEL_PFN_OUTSIDE = 0,			/* in no zone */
	MODEL_PFN_ALLOCATED,			/* in a zone, not free (allocated, reserved or hole) */
	MODEL_PFN_FREE_BUDDY,			/* inside a free buddy block */
	MODEL_PFN_ON_PCP,			/* inside a block on a pcp list */
};

/**
 * struct model_pfn_state - where one pfn is.
 */
struct model_pfn_state {
	enum model_pfn_kind kind;
	int zone;				/* zone index, or -1 */
	uint64_t head_pfn;			/* FREE_BUDDY / ON_PCP: head of the block */
	unsigned int order;			/* FREE_BUDDY / ON_PCP: block order */
	int list_mt;				/* FREE_BUDDY: free list mt; ON_PCP: pcp list mt */
	int pcp_cpu;				/* ON_PCP: cpu */
	int pcp_pindex;				/* ON_PCP: list index */
	int pageblock_mt;			/* effective pageblock type, or -1 outside */
	bool reported;				/* FREE_BUDDY: the block carries PageReported */
};

/* model_pfn_state_get() - fill @st for @pfn. 0 or -EINVAL (NULL). */
int model_pfn_state_get(const struct model *m, uint64_t pfn, struct model_pfn_state *st);

/*
 * model_prefetch() - a hint that @pfn's page state (state byte, and one
 * record of list links and pcp owner) is about to be used: starts loading it into the cache. Changes
 * nothing in the model; a pfn in no zone is ignored. Replay calls it for a
 * record a few places before the record is applied.
 */
void model_prefetch(const struct model *m, uint64_t pfn);

/*
 * model_min_free_kbytes_get() - the model's min_free_kbytes now: the config's
 * value or the derived one at create, as memory hotplug moved it since.
 */
uint64_t model_min_free_kbytes_get(const struct model *m);

/* model_zone_count() - number of zones (config entries). */
unsigned int model_zone_count(const struct model *m);

/* model_zone_of_pfn() - zone index of @pfn, or -ENOENT. */
int model_zone_of_pfn(const struct model *m, uint64_t pfn);

enum model_zone_flags {
	MODEL_ZONE_BOOSTED_WATERMARK = 1 << 0,
	MODEL_ZONE_RECLAIM_ACTIVE = 1 << 1,
	MODEL_ZONE_BELOW_HIGH = 1 << 2,
};

/**
 * struct model_zone_info - one zone's scalar state (what /proc/zoneinfo shows).
 */
struct model_zone_info {
	char name[MODEL_ZONE_NAME_LEN];
	unsigned int node;
	enum model_zone_type type;
	uint64_t start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t wmark_min, wmark_low, wmark_high, wmark_promo; /* pages, without boost */
	uint64_t watermark_boost;		/* pages */
	uint64_t lowmem_reserve[MODEL_NR_ZONE_TYPES]; /* pages */
	uint64_t nr_free_pages;			/* NR_FREE_PAGES: buddy, non-ISOLATE lists */
	uint64_t nr_reserved_highatomic;	/* pages */
	uint64_t nr_free_highatomic;		/* pages on HIGHATOMIC lists */
	uint64_t nr_pcp_pages;			/* pages on all cpus' pcp lists */
	uint32_t pcp_batch, pcp_high_min, pcp_high_max; /* pages */
	unsigned int flags;			/* enum model_zone_flags */
};

/* model_zone_info_get() - fill @out. 0 or -EINVAL (bad zone). */
int model_zone_info_get(const struct model *m, unsigned int zone, struct model_zone_info *out);

/**
 * model_zone_free_blocks() - /proc/pagetypeinfo: free blocks per order and list migratetype.
 * @m: model. @zone: zone index.
 * @out: [order][mt] block counts, pcp excluded; unused entries are 0.
 * Return: 0 or -EINVAL.
 */
int model_zone_free_blocks(const struct model *m, unsigned int zone,
			   uint64_t out[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES]);

/* model_zone_buddyinfo() - /proc/buddyinfo: nr_free[order] (blocks). 0 or -EINVAL. */
int model_zone_buddyinfo(const struct model *m, unsigned int zone, uint64_t out[MODEL_MAX_ORDERS]);

/* model_zone_pageblock_counts() - pageblocks per effective migratetype. 0 or -EINVAL. */
int model_zone_pageblock_counts(const struct model *m, unsigned int zone,
				uint64_t out[MODEL_MAX_MIGRATETYPES]);

/**
 * struct model_pageblock_info - one pageblock, for memory-map images.
 */
struct model_pageblock_info {
	uint64_t start_pfn;			/* first pfn of the block (may precede the zone) */
	int8_t mt;				/* effective migratetype */
	uint16_t nr_free_buddy;			/* pages of the block free in the buddy */
	uint16_t nr_free_pcp;			/* pages of the block on pcp lists */
};

/**
 * model_zone_pageblocks() - per-pageblock type and fullness of a zone.
 * @m: model. @zone: zone index.
 * @buf: output array, or NULL to ask for the count.
 * @len: entries in @buf.
 * Return: number of pageblocks of the zone (entries written: min(that, @len)), or -EINVAL.
 */
long model_zone_pageblocks(const struct model *m, unsigned int zone,
			   struct model_pageblock_info *buf, size_t len);

/**
 * struct model_pcp_info - one (zone, cpu) per_cpu_pages.
 */
struct model_pcp_info {
	uint32_t count;				/* pages, order-weighted */
	uint32_t high, batch, high_min, high_max; /* pages */
	uint32_t free_count;			/* 6.18 */
	uint8_t alloc_factor;			/* 6.18 */
	uint8_t free_factor;			/* 6.1 */
	bool prev_free_high_order;		/* 6.18 */
	bool free_high_batch;			/* 6.18 PCPF_FREE_HIGH_BATCH */
	uint32_t list_len[MODEL_NR_PCP_LISTS];	/* entries per pindex */
};

/* model_pcp_info_get() - fill @out. 0 or -EINVAL. */
int model_pcp_info_get(const struct model *m, unsigned int zone, unsigned int cpu,
		       struct model_pcp_info *out);

/**
 * model_pcp_list_get() - the pfns of one pcp list, head to tail.
 * @m: model. @zone: zone. @cpu: cpu. @pindex: list.
 * @buf: output, or NULL. @len: entries in @buf.
 * Return: list length (entries written: min(length, @len)), or -EINVAL.
 */
long model_pcp_list_get(const struct model *m, unsigned int zone, unsigned int cpu,
			unsigned int pindex, uint64_t *buf, size_t len);

/**
 * model_free_list_get() - the block heads of one buddy free list, head to tail.
 * @m: model. @zone: zone. @order: order. @mt: list migratetype.
 * @buf: output, or NULL. @len: entries in @buf.
 * Return: list length, or -EINVAL.
 */
long model_free_list_get(const struct model *m, unsigned int zone, unsigned int order, int mt,
			 uint64_t *buf, size_t len);

/**
 * model_zone_frag_indices() - spec 7: fragmentation and unusable indices per order.
 * @m: model. @zone: zone index.
 * @frag: [order] fragmentation index x1000 (-1000 = would succeed), or NULL.
 * @unusable: [order] unusable free space index x1000, or NULL.
 * Return: 0 or -EINVAL.
 */
int model_zone_frag_indices(const struct model *m, unsigned int zone, int frag[MODEL_MAX_ORDERS],
			    int unusable[MODEL_MAX_ORDERS]);

/* What started a compaction run (model_counters.compact_runs[]). */
enum model_compact_trigger {
	MODEL_COMPACT_DIRECT = 0,		/* a failing allocation (try_to_compact_pages) */
	MODEL_COMPACT_KCOMPACTD,		/* kcompactd woken after a kswapd run */
	MODEL_COMPACT_PROACTIVE,		/* kcompactd's proactive pass (model_compact_proactive()) */
	MODEL_COMPACT_EXPLICIT,			/* /proc/sys/vm/compact_memory (model_compact_memory()) */
	MODEL_NR_COMPACT_TRIGGERS,
};

/**
 * struct model_counters - cumulative counters since create.
 */
struct model_counters {
	uint64_t allocs;			/* model_alloc_pages() calls */
	uint64_t alloc_success;
	uint64_t alloc_fail[MODEL_NR_ALLOC_FAIL];	/* by reason ([0] unused) */
	uint64_t alloc_fail_order[MODEL_MAX_ORDERS];	/* by order */
	uint64_t pcp_hits;
	uint64_t pcp_refills;
	uint64_t pcp_refill_pages;
	uint64_t buddy_allocs;			/* served by rmqueue_buddy */
	uint64_t fallbacks;			/* extfrag events */
	uint64_t steals;			/* fallbacks that kept the block type */
	uint64_t claims;			/* fallbacks that converted a block */
	uint64_t pageblock_changes;
	uint64_t boosts;
	uint64_t kswapd_wakes;
	uint64_t highatomic_reserves;
	uint64_t frees;				/* model_free_pages() calls */
	uint64_t frees_pcp;
	uint64_t frees_buddy;
	uint64_t pcp_drains;			/* pcp entries moved to the buddy */
	uint64_t pcp_drained_pages;
	uint64_t force_allocs;
	uint64_t reporting_passes;		/* model_page_reporting_run() calls */
	uint64_t reported_blocks;		/* blocks put back marked reported */
	uint64_t reported_pages;
	uint64_t contradictions[MODEL_NR_CONTRA];	/* by kind ([0] unused) */
	/* what-if reclaim (cfg.reclaim) */
	uint64_t kswapd_runs;			/* modelled balance_pgdat() runs */
	uint64_t kswapd_reclaimed;		/* pages kswapd reclaimed */
	uint64_t kswapd_shortfall;		/* pages runs that ran out of LRU pages still needed
						 * for one eligible zone to pass HIGH + boost */
	uint64_t direct_reclaimed;		/* pages direct reclaim reclaimed */
	uint64_t direct_stalls[MODEL_MAX_ORDERS];	/* direct reclaim attempts by request order */
	uint64_t alloc_would_fail;		/* requests still refused after reclaim and compaction */
	uint64_t boost_cycles;			/* kswapd runs that ended a watermark boost */
	/* what-if compaction (cfg.compaction) */
	uint64_t compact_runs[MODEL_NR_COMPACT_TRIGGERS];	/* compact_zone() runs by trigger */
	uint64_t compact_migrate_scanned;	/* pages the migrate scanner looked at */
	uint64_t compact_free_scanned;		/* pages the free scanner looked at */
	uint64_t compact_isolated;		/* free pages isolated as targets */
	uint64_t compact_migrated;		/* pages moved */
	uint64_t compact_success[MODEL_MAX_ORDERS];	/* order > 0 runs ending COMPACT_SUCCESS */
	uint64_t compact_fail[MODEL_MAX_ORDERS];	/* order > 0 runs ending otherwise */
	uint64_t compact_deferred;		/* runs skipped by compaction_deferred() */
};

/* model_counters_get() - copy the counters into @out. */
void model_counters_get(const struct model *m, struct model_counters *out);

/**
 * model_memory_bytes() - bytes the model holds (per-pfn, per-pageblock, per-cpu, handle).
 */
size_t model_memory_bytes(const struct model *m);

/**
 * model_check() - verify every structural invariant.
 * @m: model.
 * @buf: receives one sentence describing the first broken invariant, or NULL.
 * @len: size of @buf.
 *
 * Checked: list links are consistent; each free or pcp entry is aligned to
 * its order, inside its zone, marked with the list's order and type, and
 * overlaps no other; nr_free and per-list counts, NR_FREE_PAGES and the
 * highatomic count equal what the lists hold; pcp.count equals its lists'
 * pages; no two free buddies of the same order that the kernel would have
 * merged; pageblock counts add up to the zone's pageblocks; 6.18: every free
 * list matches its blocks' pageblock type; nr_reserved_highatomic is a
 * pageblock per HIGHATOMIC block; a reported mark sits only on the head of
 * a free block of at least the reporting order.
 *
 * Return: 0, or -EINVAL with @buf describing the first problem.
 */
int model_check(const struct model *m, char *buf, size_t len);

#endif
