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

int pfn_map_init(struct pfn_map *m, size_t cap);
void pfn_map_release(struct pfn_map *m);
struct pfn_map_entry *pfn_map_get(struct pfn_map *m, uint64_t key);
void pfn_map_prefetch(const struct pfn_map *m, uint64_t key);	/* a cache hint */
struct pfn_map_entry *pfn_map_put(struct pfn_map *m, uint64_t key); /* NULL on ENOMEM */
void pfn_map_del(struct pfn_map *m, struct pfn_map_entry *e);

/*
 * validate.c: what comes from the file, checked before the model sees it.
 */
#define REPLAY_PFN_LIMIT (1ull << 52)	/* pfns stay below: the model's limit */
#define REPLAY_MAX_ZONE_PAGES ((1ll << 31) - 1) /* the model's largest zone */
#define REPLAY_MAX_WMARK_PAGES (1ll << 32) /* a watermark: pages of one zone, with room */
#define REPLAY_MAX_PROTECTION_PAGES (1ll << 37) /* lowmem_reserve: 64 zones of 2^31 pages */
#define REPLAY_MAX_HOST_CPUS 8192	/* x86-64 NR_CPUS maximum (arch/x86/Kconfig) */
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

#endif
