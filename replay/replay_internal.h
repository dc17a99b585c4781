/* SPDX-License-Identifier: MIT */
/*
 * Private declarations shared by the replay files: the run context, the
 * compact event of the reorder window, the kernel-pfn -> model-pfn map of
 * what-if mode, and the start-state builders (start.c).
 */
#ifndef BUDDYSCOPE_REPLAY_INTERNAL_H
#define BUDDYSCOPE_REPLAY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/model.h"
#include "reorder.h"
#include "replay.h"
#include "tracefmt.h"

/* Counters of events the model's state contradicted, by where they arose. */
enum replay_contra {
	RC_FREE_OF_FREE,	/* mm_page_free of a page the model has free */
	RC_ALLOC_OF_ALLOCATED,	/* the kernel returned a pfn the model has allocated */
	RC_DRAIN_NOT_ON_PCP,	/* mm_page_pcpu_drain of a page on no pcp list */
	RC_OUTSIDE,		/* a pfn in no zone */
	RC_CROSSES_ZONE,	/* a block running past its zone's end */
	RC_MISALIGNED,		/* a pfn not aligned to its order */
	RC_WHATIF_FREE_CONFLICT, /* what-if: an untied free hit a page a what-if alloc owns */
	RC_STALE_PCP,		/* pcp entries in front of the page a pcp hit took */
	RC_NR
};

extern const char *const replay_contra_names[RC_NR];

/*
 * The replay module's one error setter: @err (may be NULL) gets the sentence
 * through bs_error_vformat(), code 0 (the function's return value carries
 * the errno).
 */
void replay_err_set(struct bs_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Where the start state came from. */
enum replay_start {
	START_SNAPSHOT,		/* the trace's free-list snapshot */
	START_CHECKPOINT,	/* laid out to match the first checkpoint's counts */
	START_BOOT,		/* every page free (no snapshot, no checkpoint) */
};

/* One record of the snapshot, kept for seeding. */
struct snap_rec {
	uint64_t pfn;
	uint64_t position;
	uint32_t order;
	int32_t mt;
	uint32_t cpu;
	uint32_t flags;
	int zone;		/* model zone index, -1 unknown */
};

/* A snapshot_walk record: the lists of (zone, cpu) were read from begin to end. */
struct walk_span {
	int zone;			/* model zone */
	uint32_t cpu;			/* TRACEFMT_WALK_BUDDY_CPU: the zone's buddy lists */
	uint64_t begin, end;		/* ns */
};

/* What the first pass over the head of the trace found. */
struct prescan {
	bool snapshot;			/* a complete snapshot walk is present */
	bool snapshot_begun;
	uint32_t snapshot_method;
	uint64_t snap_begin_ts, snap_end_ts;
	/* when the walk read each zone's buddy lists and each (zone, cpu)'s pcp lists */
	struct walk_span *walks;
	size_t nr_walks, cap_walks;
	struct snap_rec *snap;
	size_t nr_snap, cap_snap;
	uint64_t snap_uncertain;
	/* first checkpoint reading, one entry per zone record */
	bool have_ckpt;
	uint32_t ckpt_seq;
	uint64_t ckpt_ts;
	struct tracefmt_event *ckpt;
	size_t nr_ckpt;
	uint64_t first_ts;		/* smallest page-event timestamp seen */
	const volatile int *stop;	/* replay_opts.stop: loops over file data end early */
};

/* The parts of the header replay uses. */
struct replay_header {
	json_t *root;
	const char *kernel_release;
	const char *host;
	const char *mt_names[REPLAY_MAX_MT];
	unsigned int nr_mt_names;
	unsigned int header_orders;	/* nr_page_orders recorded */
	unsigned int header_pb_order;
	unsigned int header_cpus;	/* host.cpus, 0 when the header does not say */
	bool profile_guessed;		/* the release was not 6.1.y / 6.18.y */
	struct replay_settings settings; /* the given settings less those equal to the host's */
	bool layout_inferred;		/* zones inferred from pfns (layout_infer.c) */
	uint64_t inferred_min_pfn, inferred_end_pfn;
};

/*
 * layout_infer.c: a header without zones gets zones inferred from the
 * trace's pfns (x86-64 limits), set into h->root; 0 or -errno (@err says
 * to import with --sysinfo).
 */
int replay_zones_infer(const char *path, struct replay_header *h, unsigned int nr_page_orders,
		       struct bs_error *err);

/*
 * start.c: header -> model config, and the start state.
 */
int replay_header_parse(const char *path, const char *blob, struct replay_header *h,
			struct model_config *cfg, const struct replay_settings *given,
			enum replay_mode mode, struct bs_error *err);
void replay_header_release(struct replay_header *h);

/* The host's value of every what-if setting, by option name (a new JSON object). */
json_t *replay_host_settings_json(const struct replay_header *h);

/* Start each (zone, cpu) pcp at the high the header recorded for that cpu. */
void replay_pcp_high_seed(struct model *m, const struct replay_header *h);

/* Zone index of (node, name), or -1. */
int replay_zone_by_name(const struct model *m, unsigned int node, const char *name);

struct start_report {
	enum replay_start kind;
	uint64_t blocks_seeded;
	uint64_t blocks_rejected;	/* snapshot blocks the model refused */
	uint64_t pcp_seeded;
	uint64_t layout_unplaced;	/* checkpoint blocks that did not fit */
	uint64_t type_conflicts;	/* 6.18: snapshot blocks moved to their pageblock's list */
	bool exact;			/* seeded list by list (not re-freed) */
};

int replay_start_build(struct model *m, const struct prescan *ps, bool exact,
		       unsigned int header_orders, struct start_report *rep);

/*
 * map.c: open-addressing hash u64 -> value, backward-shift deletion.
 */
struct pfn_map_entry {
	uint64_t key;		/* kernel pfn of the allocation's head; UINT64_MAX = empty */
	uint64_t val;		/* model pfn, or MODEL_PFN_NONE if the model failed it */
	uint32_t order;
	uint32_t left;		/* pages not yet freed */
};

struct pfn_map {
	struct pfn_map_entry *e;
	size_t cap, n;		/* cap is a power of two */
	unsigned int shift;	/* 64 - log2(cap) */
};

int replay_pfn_map_init(struct pfn_map *m, size_t cap);
void replay_pfn_map_release(struct pfn_map *m);
struct pfn_map_entry *replay_pfn_map_get(struct pfn_map *m, uint64_t key);
void replay_pfn_map_prefetch(const struct pfn_map *m, uint64_t key);	/* a cache hint */
struct pfn_map_entry *replay_pfn_map_put(struct pfn_map *m, uint64_t key); /* NULL on ENOMEM */
void replay_pfn_map_del(struct pfn_map *m, struct pfn_map_entry *e);

/*
 * validate.c: what comes from the file, checked before the model sees it.
 */
#define REPLAY_PFN_LIMIT (1ull << 52)	/* pfns stay below: the model's limit */
#define REPLAY_MAX_ZONE_PAGES ((1ll << 31) - 1) /* the model's largest zone */
#define REPLAY_MAX_WMARK_PAGES (1ll << 32) /* a watermark: pages of one zone, with room */
#define REPLAY_MAX_PROTECTION_PAGES (1ll << 37) /* lowmem_reserve: 64 zones of 2^31 pages */
#define REPLAY_MAX_HOST_CPUS 8192	/* x86-64 NR_CPUS maximum (arch/x86/Kconfig) */
#define REPLAY_X86_NR_PAGE_ORDERS 11	/* x86-64 NR_PAGE_ORDERS: a header without the field */
#define REPLAY_HEADER_MAX_ORDERS 16	/* TRACEFMT_MAX_ORDERS and REPLAY_MAX_ORDERS */

/* Kinds of records that no host could produce, counted and skipped. */
enum replay_reject {
	RJ_CPU,			/* cpu id >= 8192, x86-64's NR_CPUS maximum */
	RJ_ORDER,		/* order >= the host's (or the model's, if more) orders */
	RJ_PFN,			/* no page, or a block reaching past pfn 2^52 */
	RJ_SNAPSHOT_BLOCK,	/* a snapshot block that fits in no zone */
	RJ_NR
};

extern const char *const replay_reject_names[RJ_NR];

/* Bounds of a record, from the header and the model. */
struct replay_limits {
	uint32_t nr_cpus;
	uint32_t nr_orders;
};

/* replay_header_validate() - 0, or -EINVAL with @err naming the file and the JSON field. */
int replay_header_validate(const char *path, json_t *root, struct bs_error *err);
void replay_limits_init(struct replay_limits *l, const struct replay_header *h,
			const struct model_config *cfg);
/* replay_record_check() - -1 if @ev may reach the engine, else its enum replay_reject. */
int replay_record_check(const struct replay_limits *l, const struct tracefmt_event *ev);
/* A snapshot block whose order the host has and that lies inside one zone. */
bool replay_snapshot_block_fits(const struct model_config *cfg, unsigned int header_orders,
				const struct tracefmt_event *ev);
/* Add "records_rejected" (and a cpu-folding note) to a summary JSON text. */
int replay_summary_add_validation(char **summary, const uint64_t rejected[RJ_NR],
				  const struct replay_header *h, const struct model_config *cfg);

/* ---- the run context (replay.c and the files of each concern) ------------ */

struct pending {
	uint64_t pfn;
	uint8_t order;
	int8_t mt;
	bool applied;
	bool via_extfrag;
	bool refill;		/* zone_locked said percpu_refill (or a 6.18 steal pull) */
};

/*
 * Blocks a cpu pulled from the buddy (zone_locked, 6.18 steal extfrag) wait
 * here, unapplied, until the cpu's next allocation: the model predicts that
 * allocation from the state before the pull, so the kernel's answer never
 * reaches the prediction. The list grows with the refill; past PENDING_CAP
 * blocks the oldest is applied and the cpu's next prediction is not scored.
 */
#define PENDING_CAP 65536u

#define RECENT_FREES 8

struct cpu_state {
	struct pending *p;
	unsigned int n, cap;
	bool pending_leaked;	/* a pending block was applied early: skip the next prediction */
	uint32_t extfrag;	/* extfrag events since this cpu's last allocation */
	uint64_t recent_free[RECENT_FREES]; /* pfns this cpu freed since its last allocation */
	unsigned int nr_recent;
	uint64_t last_freed_plus1[REPLAY_MAX_ORDERS]; /* baseline: last pfn freed here + 1, 0 none */
	bool refill_open;	/* trace counters: a refill burst not yet closed by an allocation */
	uint64_t next_decay;	/* what-if 6.18: this cpu's next pcp decay, trace ns */
	uint64_t last_zone_locked_pfn;
};

struct attr_entry {
	uint64_t key;		/* pid << 32 | gfp, UINT64_MAX empty */
	char comm[TRACEFMT_COMM_LEN];
	uint64_t allocs, fails, extfrag;
};

struct comm_entry {
	uint32_t pid;		/* 0 = empty */
	char comm[TRACEFMT_COMM_LEN];
};

#define ATTR_CAP (1u << 16)	/* the tables grow from TABLE_START to these */
#define COMM_CAP (1u << 16)
#define TABLE_START 1024u
#define MAX_NOTABLE 2000

struct pred_count {
	uint64_t n, ok;
};

/* Where a stale pcp entry turned out to be (SUMMARY.md "stale_pcp_entries_found"). */
enum stale_where {
	STALE_IN_BUDDY,		/* a later zone_locked took it: its free went to the buddy */
	STALE_ON_PCP,		/* a later pcp hit or drain: it was on another pcp list */
	STALE_ALLOCATED,	/* a later free: the bulk allocator had handed it out */
	STALE_UNTRACKED,	/* over STALE_MAX: not followed */
	STALE_NR
};

enum ck_kind {
	CK_SCORED,
	CK_BEFORE_START,
	CK_START_STATE,
};

/* The kernel's figures as the trace shows them (SUMMARY.md "trace_counters"). */
struct trace_counters {
	uint64_t allocations, alloc_failures, frees;
	uint64_t pcp_refills, pcp_refill_pages, pcp_drains, pcp_drain_pages;
	uint64_t fallbacks;
};

/* Trace time of the run (ns, the file's clock). */
struct replay_clock {
	bool have_t0;
	uint64_t t0;			/* the first page event or checkpoint: time 0 */
	uint64_t last_ts;		/* the newest record applied */
	uint64_t start_ts;		/* the start state's moment: earlier events are in it */
};

/* What the sink receives while the run goes on (samples.c, progress.c). */
struct replay_output {
	unsigned int nr_zones;			/* zones reported (those with pages) */
	unsigned int zone_model[MODEL_MAX_ZONES]; /* model zone of each reported zone */
	unsigned int largest_zone;		/* the reported zone with the most managed pages */
	struct model_pageblock_info *pbbuf;	/* one zone's pageblocks, [pbbuf_len] */
	size_t pbbuf_len;
	uint8_t *pb_mt;				/* pageblock map columns, [pbbuf_len] */
	uint16_t *pb_free;
	uint64_t sample_ns, next_sample;	/* sample interval, next sample's trace ns */
	unsigned int pbmap_done, pbmap_total;	/* pageblock maps between start and end */
	double next_pb_frac;			/* file fraction of the next pageblock map */
	double t_begin, last_progress;		/* wall s: the run's start, the last report */
	uint64_t samples, pbmaps, notable;	/* emitted */
	double unusable9_sum;			/* largest zone's unusable index at order 9, x1000 */
	uint64_t unusable9_n;
};

/* Shadow mode: predictions, what was learned and inferred, stale entries (shadow.c). */
struct replay_shadow {
	struct pred_count pred, pred_order[REPLAY_MAX_ORDERS], pred_pcp, pred_buddy;
	struct pred_count pred_baseline;	/* last page freed on the cpu at the order */
	uint64_t pred_uncertain;
	uint64_t pred_in_start_window;	/* allocations before the whole start state was read */
	uint64_t pred_pending_overflow;	/* predictions skipped: a pending block reached the pcp early */
	struct model_counters pmc;	/* the model's decisions at its predictions */
	uint64_t inferred_direct_frees;	/* pcp entries the kernel took from the buddy (trylock frees) */
	uint64_t inferred_bulk_allocs;	/* frees of pcp pages: the bulk allocator took them unseen */
	uint64_t pageblock_learned;	/* types corrected from drain / zone_locked events */
	uint64_t pageblock_learned_pcp;	/* types corrected from pcp hits */
	uint64_t highatomic_learned;	/* HIGHATOMIC reserves / unreserves seen in drain or zone_locked */
	uint64_t boosts_implied;	/* watermark boosts the trace's fallbacks imply */
	uint64_t pageblock_hints;	/* extfrag change_ownership claims applied */
	uint64_t pcp_hint_mismatch;	/* free_batched of a page the model has on no pcp list */
	struct pfn_map stale;		/* stale pcp entries set aside: pfn -> order */
	bool alloc_of_set_aside;	/* the allocation being applied takes a set-aside page */
	uint64_t stale_found[STALE_NR];
};

/*
 * Shadow mode's reclaim and compaction (reclaim.c): kswapd runs per node
 * and the compaction runs open, by pid.
 */
#define REPLAY_MM_RUNS 16 /* compaction runs open at once that are followed */

struct replay_mm_node {
	bool awake;				/* between kswapd_wake and the run's end */
	uint64_t boost_at_wake[MODEL_MAX_ZONES]; /* by model zone: boost when the run began */
	/* what-if: the trace's kswapd window (model_kswapd_hold() .. _release()) */
	bool held;
	bool kswapd_pid_known;
	uint32_t kswapd_pid;			/* the pid of its kswapd_wake / _sleep records */
	uint64_t window_freed;			/* pages that pid freed in the open window */
};

struct replay_mm_run {
	bool open;
	uint8_t sync;
	uint32_t pid;
};

struct replay_mm {
	struct replay_mm_node node[MODEL_MAX_NODES];
	struct replay_mm_run runs[REPLAY_MM_RUNS];
	unsigned int nr_open;			/* compaction runs open */
	bool expect_until_checkpoint;		/* a run (or a fast isolation) since the last checkpoint */
	uint64_t records;			/* reclaim and compaction records applied */
	uint64_t kswapd_runs, boost_pages_cleared;
	uint64_t compaction_runs, runs_untracked;
	uint64_t isolate_records, isolate_mismatch;
	uint64_t pages_isolated_kernel, pages_isolated_model, pages_unplaced, pages_migrated;
	uint64_t contra_expected[RC_NR];	/* contradictions inside compaction windows */
	/* what-if: the trace's own reclaim (reclaim.c "What-if") */
	uint32_t direct_pid[REPLAY_MM_RUNS];	/* tasks inside direct reclaim */
	unsigned int nr_direct, nr_kswapd_pids;
	uint64_t kswapd_windows;		/* trace kswapd windows held */
	uint64_t kswapd_freed;			/* pages freed by kswapd pids */
	uint64_t direct_freed;			/* pages freed by tasks inside direct reclaim */
	uint64_t direct_reported;		/* Σ direct_reclaim_end nr_reclaimed */
	uint64_t kswapd_held_runs;		/* model kswapd runs that waited for a window's end */
	uint64_t kswapd_credited;		/* window pages those runs counted as reclaimed */
};

/*
 * The kernel's reclaim and compaction over time, as the trace shows them
 * (activity.c, both modes): cumulative, sent with every sample.
 */
struct replay_activity {
	bool seen;				/* a record of types 16-36 was applied */
	bool awake[MODEL_MAX_NODES];		/* kswapd between kswapd_wake and kswapd_sleep */
	uint64_t awake_since[MODEL_MAX_NODES];	/* trace ns of that wake */
	uint64_t awake_ns;			/* awake time of the runs ended, summed over nodes */
	uint64_t kswapd_runs, direct_reclaimed, compaction_runs, pages_migrated;
	bool have_pgsteal;			/* a pgsteal_anon/_file reading was seen */
	uint32_t pgsteal_seq, pgsteal_first_seq;
	uint64_t pgsteal_reading;		/* anon + file of the reading pgsteal_seq */
	uint64_t pgsteal_first, pgsteal_last;	/* of the first and the latest reading */
};

/* Checkpoint comparison (checkpoint.c); the open one collects its zones' records. */
struct replay_checkpoints {
	bool open;
	enum ck_kind kind;		/* the open one's */
	uint32_t seq;
	uint64_t ts;
	double abs_diff_blocks;		/* open one: sum over lists of |model - kernel| blocks */
	double kernel_blocks;		/* open one: sum of the kernel's blocks */
	uint64_t count;			/* scored */
	double max, sum, first, last;	/* distances of the scored ones */
	uint64_t before_start;		/* read before the start state: not scored */
	uint64_t of_start_state;	/* the snapshot's own or the seeding checkpoint */
	uint64_t unmatched_zones;
};

/* The zones' memory as it changes under the allocator (memory.c). */
struct replay_memory {
	bool hotplug_seen;
	uint64_t managed_end[MODEL_MAX_ZONES];	/* growable managed prefix's end pfn, 0 = none */
	uint64_t pages_added;			/* memory that appeared at runtime */
	uint64_t zone_states_applied, wmark_recomputes;
	uint64_t report_at;		/* trace ns of the next free page reporting pass, 0 none */
	uint64_t reporting_passes, pages_reported;
};

/* What-if mode (whatif.c). */
struct replay_whatif {
	struct pfn_map map;	/* kernel pfn of a traced allocation -> the model's pfn */
	uint64_t *owned;	/* bitmap of model pfns held by what-if allocations */
	uint64_t *tied;		/* bitmap of kernel pfns allocated during the trace */
	uint64_t owned_base, owned_len;	/* pfn of bit 0, bits */
	uint64_t unfreed, untied_frees, frees_of_failed;
	uint64_t same_pfn;	/* the model chose the kernel's pfn */
	uint64_t breaches;	/* allocations served below the min watermark */
	uint64_t fail[REPLAY_MAX_ORDERS];	/* the model's failures by order */
	uint64_t fail_reason[MODEL_NR_ALLOC_FAIL];
	uint64_t first_fail_reported[REPLAY_MAX_ORDERS];
	bool first_breach_reported;
	bool first_kswapd_reported;
	/* reclaim and compaction (model/reclaim.c, model/compaction.c) */
	uint64_t frees_of_reclaimed;	/* trace frees of pages the model had reclaimed: skipped */
	uint64_t reclaimed_untied;	/* reclaimed model allocations no trace free will name */
	uint64_t migrations_remapped;	/* moves of tied allocations: their frees follow */
	uint64_t next_proactive;	/* trace ns of kcompactd's next 500 ms check */
	bool compact_at_done;
	int64_t compact_at_migrated;	/* pages the --compact-at compaction moved, -1 not run */
	uint64_t hi_blocks_start, hi_blocks_min, hi_blocks_end; /* pageblock-order free blocks */
	bool hi_blocks_seen;
};

/* Attribution tables, open addressing, powers of two (attribution.c). */
struct replay_attribution {
	struct attr_entry *table;	/* (pid, gfp) -> counts */
	size_t cap;
	uint64_t n, overflow;
	struct comm_entry *comms;	/* pid -> comm */
	size_t comm_cap, comm_n;
};

/* What both modes count, and the lost-event stretches. */
struct replay_counts {
	struct trace_counters tc;
	uint64_t events, records, by_type[TRACEFMT_NR_TYPES];
	uint64_t skipped_before_start;
	uint64_t contra[RC_NR], contra_uncertain;
	uint64_t kfail[REPLAY_MAX_ORDERS];	/* kernel failures (trace) */
	unsigned int nr_fail_orders;		/* max(model orders, header orders) */
	uint64_t lost_events, lost_records;
	bool uncertain;				/* inside a lost-event stretch */
	uint64_t uncertain_until;		/* trace time the stretch ends */
	uint64_t uncertain_events;
	uint64_t rejected[RJ_NR];		/* records no host could produce (validate.c) */
	uint64_t paranoid_checks, paranoid_fail;
	char paranoid_first[280];		/* model_check()'s 200 bytes and where */
};

/*
 * One run. The concerns keep their state in their own sub-struct; the
 * fields at the top are the run's inputs and the model.
 */
struct replay_ctx {
	const char *path;
	const struct replay_opts *opts;
	const struct replay_sink *sink;
	void *sink_ctx;
	int sink_ret;			/* the first sink error: the run stops */
	struct model *m;
	const struct model_config *cfg;	/* the model's copy */
	struct model_config *cfg_owned;	/* the config the header gave */
	struct replay_header hdr;
	struct tracefmt_reader *rd;
	bool rd_shared;			/* rd belongs to replay_run_many() */
	enum replay_mode mode;
	bool prof_618;
	bool complete;			/* false once stopped early */
	struct replay_limits lim;

	struct prescan ps;
	struct start_report start;
	struct reorder ro;
	struct cpu_state *cpus;		/* by trace cpu, grown on first sight */
	unsigned int nr_cpu_states;

	struct replay_clock clock;
	struct replay_counts count;
	struct replay_output out;
	struct replay_checkpoints ck;
	struct replay_memory mem;
	struct replay_shadow shadow;
	struct replay_mm mm;
	struct replay_activity act;
	struct replay_whatif whatif;
	struct replay_attribution attr;
};

/* ---- helpers every concern uses (replay.c) ------------------------------- */

static inline uint64_t replay_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Orders with pcp lists: 0..PAGE_ALLOC_COSTLY_ORDER and the THP order (spec 4.1). */
static inline bool replay_pcpable(const struct replay_ctx *c, unsigned int order)
{
	return order <= MODEL_PAGE_ALLOC_COSTLY_ORDER ||
	       (c->cfg->thp_order && order == c->cfg->thp_order);
}

/* The model's cpu for a trace's cpu: a host with more cpus than the model folds. */
static inline unsigned int replay_model_cpu(const struct replay_ctx *c, uint32_t cpu)
{
	return cpu % c->cfg->nr_cpus;
}

/* A stop request (SIGINT, SIGTERM) is read on every record: one load. */
static inline bool replay_stop_requested(const struct replay_ctx *c)
{
	return c->opts->stop && *c->opts->stop;
}

struct cpu_state *replay_cpu_state_grow(struct replay_ctx *c, uint32_t cpu);

/* The per-cpu state of trace cpu @cpu, grown on first sight; NULL on ENOMEM. */
static inline struct cpu_state *replay_cpu_state(struct replay_ctx *c, uint32_t cpu)
{
	return cpu < c->nr_cpu_states ? &c->cpus[cpu] : replay_cpu_state_grow(c, cpu);
}

/* A sink callback's return: the first error sticks and stops the run. */
int replay_sink_ok(struct replay_ctx *c, int ret);
/* Trace time since the first event, saturating at INT64_MAX (file timestamps are u64). */
int64_t replay_rel_ns(const struct replay_ctx *c, uint64_t ts);
/* A notable event to the sink (at most MAX_NOTABLE per run). */
void replay_notable(struct replay_ctx *c, uint64_t ts, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void replay_count_contra(struct replay_ctx *c, enum replay_contra k, uint64_t ts, uint64_t pfn);
void replay_count_model_contra_seen(struct replay_ctx *c, enum model_contradiction mc,
				    uint64_t ts, uint64_t pfn);

/* Count the model's answer @mc; nearly always none, so the test is inline. */
static inline void replay_count_model_contra(struct replay_ctx *c, enum model_contradiction mc,
					     uint64_t ts, uint64_t pfn)
{
	if (mc != MODEL_CONTRA_NONE)
		replay_count_model_contra_seen(c, mc, ts, pfn);
}
/* What-if: cache hints for a free a few records ahead, its map slot and tied-bitmap word. */
static inline void replay_whatif_prefetch(const struct replay_ctx *c, const struct reorder_event *e)
{
	uint64_t i;

	if (e->type != TRACEFMT_PAGE_FREE || e->pfn < c->whatif.owned_base)
		return;
	i = e->pfn - c->whatif.owned_base;
	if (i < c->whatif.owned_len)
		__builtin_prefetch(&c->whatif.tied[i >> 6]);
	replay_pfn_map_prefetch(&c->whatif.map, e->pfn);
}

/* ---- dispatch.c: the main pass ------------------------------------------ */

/* Apply the oldest record in the reorder window (the finish drains with it). */
void replay_window_pop(struct replay_ctx *c);

/* ---- prescan.c: the first pass and the start window ---------------------- */

int replay_prescan_run(struct replay_ctx *c);
void replay_prescan_release(struct prescan *ps);
bool replay_start_window_event_is_new(struct replay_ctx *c, const struct reorder_event *e);

/* ---- shadow.c ------------------------------------------------------------ */

void replay_shadow_alloc(struct replay_ctx *c, const struct reorder_event *e);
void replay_shadow_free(struct replay_ctx *c, const struct reorder_event *e);
void replay_shadow_free_batched(struct replay_ctx *c, const struct reorder_event *e);
void replay_shadow_zone_locked(struct replay_ctx *c, const struct reorder_event *e);
void replay_shadow_drain(struct replay_ctx *c, const struct reorder_event *e);
void replay_shadow_extfrag(struct replay_ctx *c, const struct reorder_event *e);
/* The trace names a page set aside as a stale pcp entry; true if fully handled. */
bool replay_stale_found(struct replay_ctx *c, const struct reorder_event *e);
/* @pfn waits, unapplied, in @cpu's pending pulls. */
bool replay_pending_holds(const struct replay_ctx *c, uint32_t cpu, uint64_t pfn);
/* Pulled blocks no allocation took (a bulk refill): onto the cpu's pcp. */
void replay_pending_flush(struct replay_ctx *c, uint32_t cpu, uint64_t ts);
void replay_shadow_release(struct replay_ctx *c);

/* ---- checkpoint.c -------------------------------------------------------- */

void replay_checkpoint_add(struct replay_ctx *c, const struct tracefmt_event *ev);
void replay_checkpoint_close(struct replay_ctx *c);

/* ---- whatif.c ------------------------------------------------------------ */

int replay_whatif_init(struct replay_ctx *c);
void replay_whatif_release(struct replay_ctx *c);
void replay_whatif_alloc(struct replay_ctx *c, const struct reorder_event *e);
void replay_whatif_free(struct replay_ctx *c, const struct reorder_event *e);
void replay_whatif_time(struct replay_ctx *c, uint64_t ts);
uint64_t replay_whatif_hi_blocks(const struct replay_ctx *c);
void replay_whatif_hi_blocks_note(struct replay_ctx *c);

/* ---- memory.c: sizes, watermarks, hotplug, reporting, pcp decay ----------- */

void replay_zone_state_apply(struct replay_ctx *c, const struct tracefmt_event *ev);
void replay_wmark_apply(struct replay_ctx *c, const struct tracefmt_event *ev);
void replay_hotplug_init(struct replay_ctx *c);
/* A free that grows a zone's managed prefix (memory appearing); true if handled. */
bool replay_hotplug_free(struct replay_ctx *c, const struct reorder_event *e);
void replay_page_reporting_due(struct replay_ctx *c, uint64_t ts);
void replay_pcp_decay_due(struct replay_ctx *c, const struct reorder_event *e);

/* ---- attribution.c ------------------------------------------------------- */

int replay_attribution_init(struct replay_ctx *c);
void replay_attribution_release(struct replay_ctx *c);
void replay_comm_set(struct replay_ctx *c, uint32_t pid, const char *comm);
void replay_attribute(struct replay_ctx *c, uint32_t pid, uint64_t gfp, uint64_t allocs,
		      uint64_t fails, uint64_t extfrag);
void replay_attribution_emit(struct replay_ctx *c);

/* ---- samples.c: what the sink receives during the run --------------------- */

/* Report the zones with pages to the sink; 0 or -ENOMEM (the pageblock map buffers). */
int replay_sink_zones(struct replay_ctx *c);
void replay_emit_samples(struct replay_ctx *c, uint64_t ts);
void replay_emit_pbmaps(struct replay_ctx *c, uint64_t ts);
void replay_samples_release(struct replay_ctx *c);

/* ---- progress.c ---------------------------------------------------------- */

double replay_now_s(void);
/* Every 4096th record: pageblock maps at their file fractions, progress (@frac NAN: ask the reader). */
void replay_progress_every_4096(struct replay_ctx *c, double frac);

/* ---- summary.c ----------------------------------------------------------- */

/* Fill @res's figures from the finished run (before replay_summary_build()). */
void replay_result_fill(const struct replay_ctx *c, struct replay_result *res);
/* The summary JSON text of the finished run (caller frees); reads @res, changes nothing. */
char *replay_summary_build(const struct replay_ctx *c, const struct replay_result *res,
			   bool complete);

/*
 * replay.c: one run in three steps, so that several runs can share one
 * decoded trace (many.c). replay_run() is open, feed every record, finish.
 */
struct replay_ctx;

int replay_ctx_open(struct replay_ctx **out, const char *trace_path,
		    const struct replay_opts *opts, const struct replay_sink *sink, void *sink_ctx,
		    struct replay_result *res, struct bs_error *err,
		    struct tracefmt_reader *shared);
bool replay_ctx_feed(struct replay_ctx *c, const struct tracefmt_event *ev, double frac);
/* replay_ctx_stop() - the run ends here, stored as interrupted. */
void replay_ctx_stop(struct replay_ctx *c);
int replay_ctx_finish(struct replay_ctx *c, int r, struct replay_result *res,
		      struct bs_error *err);

/* ---- reclaim and compaction in shadow mode (reclaim.c) --------------------- */

/* The compact form of a record of types 16-35 for the reorder window. */
void replay_mm_event_from(struct reorder_event *e, const struct tracefmt_event *ev);
/* Apply one (shadow mode). */
void replay_mm_apply(struct replay_ctx *c, const struct reorder_event *e);
/* Whether buddy changes without kmem events are expected now (a compaction window). */
bool replay_mm_expected(const struct replay_ctx *c);
/* A checkpoint reading: windows whose runs have ended close. */
void replay_mm_checkpoint(struct replay_ctx *c);
/* What-if: a kswapd or direct reclaim record of the trace (the model's kswapd waits for the trace's). */
void replay_mm_whatif_apply(struct replay_ctx *c, const struct reorder_event *e);
/* What-if: a free of the trace, counted when the trace's reclaim made it. */
void replay_mm_whatif_free_note(struct replay_ctx *c, const struct reorder_event *e);
/* What-if, end of the trace: windows still open end there. */
void replay_mm_whatif_end(struct replay_ctx *c);

/* ---- the kernel's reclaim and compaction over time (activity.c) ----------- */

/* A record of types 16-35 leaving the window (both modes). */
void replay_activity_note(struct replay_ctx *c, const struct reorder_event *e);
/* A vmstat record (type 36) leaving the window. */
void replay_activity_vmstat(struct replay_ctx *c, const struct tracefmt_event *ev);
/* The trace.* activity counters at @ts to the sink (with every sample). */
void replay_activity_emit(struct replay_ctx *c, uint64_t ts);
/* The summary's trace_reclaim_compaction: the totals at the run's end, or null. */
json_t *replay_activity_json(const struct replay_ctx *c);

#endif
