/* SPDX-License-Identifier: MIT */
/*
 * replay: drive the page-allocator model from a .bst trace. Shadow mode
 * follows exactly what the kernel did and measures how well the model
 * predicts it (pfn prediction rate, distance to each captured checkpoint);
 * what-if mode replays the same requests under other settings and lets the
 * model choose the pfns. Everything the run produces leaves through a sink,
 * a struct of callbacks, so replay never knows that SQLite or Cairo exist
 * (cli/replay_sink_viz.c adapts it to the run store).
 *
 * Start state: the trace header gives the zones, watermarks and pcp sizes
 * (-> struct model_config) and the kernel release (-> behavior profile). A
 * free-list snapshot in the trace seeds the free lists exactly; without one
 * replay lays out free blocks that match the first checkpoint's counts and
 * says that pfn prediction is then not meaningful.
 *
 * Lost events: a lost-event record makes the stretch after it uncertain
 * (allocations are not predicted, contradictions are counted apart) until
 * the next checkpoint or REPLAY_UNCERTAIN_NS of trace time, whichever is first.
 *
 * Ordering: records are not strictly time-ordered across cpus in a file;
 * replay sorts them through a bounded reorder window (REPLAY_REORDER_WINDOW
 * records), so memory stays constant whatever the trace length.
 *
 * Errors: functions return 0 or -errno; struct bs_error (may be NULL)
 * receives a sentence naming the file and what is wrong. Domain problems
 * (contradictions, lost events, a truncated trace) are not errors: they are
 * counted in the result. Nothing here prints or exits.
 */
#ifndef BUDDYSCOPE_REPLAY_H
#define BUDDYSCOPE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bs_error.h"

#define REPLAY_MAX_ORDERS 16
#define REPLAY_MAX_MT 8
#define REPLAY_REORDER_WINDOW 8192	/* records held back to restore time order */
#define REPLAY_DEFAULT_SAMPLE_NS 100000000ull /* 100 ms of trace time */
#define REPLAY_UNCERTAIN_NS 1000000000ull	/* a lost-event stretch lasts at most 1 s */

enum replay_mode {
	REPLAY_SHADOW = 0,
	REPLAY_WHATIF = 1,
};

/*
 * What-if settings. A negative value (or 0 where noted) keeps the value the
 * trace header recorded. replay_settings_init() sets every field to "keep".
 */
struct replay_settings {
	int nr_page_orders;		/* --max-order: number of orders (kernel 6.1 MAX_ORDER) */
	int pageblock_order;		/* --pageblock-order */
	int64_t min_free_kbytes;	/* --min-free-kbytes, kB */
	int watermark_scale_factor;	/* --watermark-scale-factor, 1/10000 */
	int watermark_boost_factor;	/* --watermark-boost-factor, 1/10000; 0 disables */
	int lowmem_reserve_ratio[8];	/* --lowmem-reserve-ratio a,b,c,... by zone type */
	int nr_lowmem_reserve_ratio;	/* entries given; 0 = keep */
	int pcp_high_fraction;		/* --pcp-high-fraction (0 or >= 8) */
	int pcp_batch;			/* --pcp-batch, pages */
	int nr_cpus;			/* --cpus */
	int compaction_proactiveness;	/* --compaction-proactiveness, 0..100 */
	int extfrag_threshold;		/* --extfrag-threshold, 0..1000 (default 500) */
	int reclaim;			/* --reclaim 0|1: model kswapd and direct reclaim
					 * (what-if default 1; --no-reclaim) */
	int compaction;			/* --compaction 0|1: model compaction (what-if
					 * default 1; --no-compaction) */
	int64_t compact_at_ns;		/* --compact-at SECONDS of trace time: compact all
					 * memory then, as writing vm.compact_memory */
};

/* One what-if setting of replay's table, for front-ends that list or parse them. */
struct replay_setting_info {
	const char *name;	/* option and JSON key, e.g. "min-free-kbytes" */
	const char *arg;	/* the value's shape for --help: "N" or "A,B,C,..." */
	long long min, max;	/* accepted values (each list element), inclusive */
	const char *help;	/* what it means, "" if the name says it; may hold '\n' */
};

/**
 * replay_setting_at() - the @i-th what-if setting (from 0), NULL past the
 * last. It is the table replay_settings_set(), replay_settings_load_json()
 * and replay_point_apply() read, so a front-end that takes its option names
 * and ranges from here cannot disagree with them.
 */
const struct replay_setting_info *replay_setting_at(size_t i);

/* replay_settings_init() - every field "keep the trace's value". */
void replay_settings_init(struct replay_settings *s);

/**
 * replay_settings_set() - set one setting from its option name and text value.
 * @s: settings.
 * @name: option name without dashes ("max-order", "watermark-scale-factor", ...).
 * @value: decimal text; lowmem-reserve-ratio takes a comma-separated list.
 * @err: receives a sentence on failure, may be NULL.
 *
 * Return: 0, -ENOENT for an unknown name, -EINVAL for a bad value.
 */
int replay_settings_set(struct replay_settings *s, const char *name, const char *value,
			struct bs_error *err);

/**
 * replay_settings_load_json() - read settings from a JSON object file.
 * @s: settings (only keys present in the file are changed).
 * @path: file holding {"max-order": 12, "lowmem-reserve-ratio": [256, 256, 32], ...};
 *	keys are the option names (underscores are accepted for dashes).
 * @err: detail, may be NULL.
 *
 * Return: 0, -ENOENT (missing file), -EINVAL (not JSON, unknown key, bad value).
 */
int replay_settings_load_json(struct replay_settings *s, const char *path,
			      struct bs_error *err);

/**
 * replay_settings_json() - the settings as a JSON object text (malloc'd; caller frees).
 * Only the settings that are changed appear. Return NULL on ENOMEM.
 */
char *replay_settings_json(const struct replay_settings *s);

/* ---- sink ---------------------------------------------------------- */

struct replay_run_info {
	const char *trace_path;
	const char *mode;		/* "shadow" or "whatif" */
	const char *label;		/* free text, may be NULL */
	const char *settings_json;	/* the effective changes, a JSON object */
	const char *kernel_release;	/* may be NULL */
	const char *host;		/* may be NULL */
	int64_t started_unix_ms;
};

/* A zone reported to the sink; zones are numbered 0.. in the order reported. */
struct replay_zone {
	int32_t node;
	const char *name;
	uint64_t start_pfn;
	uint64_t spanned_pages;
	uint64_t managed_pages;
	uint32_t pageblock_order;
	uint32_t nr_orders;
	uint32_t nr_migratetypes;
	const char *const *migratetype_names; /* [nr_migratetypes] */
};

/*
 * One zone at trace time t_ns (ns since the first event). Arrays are borrowed
 * for the call. Indices are the kernel's x1000 integers. Counters are
 * cumulative and run-wide (not per zone): failures[], fallbacks,
 * pageblock_changes, kswapd_wakes are repeated on every zone's sample.
 */
struct replay_sample {
	int64_t t_ns;
	uint32_t zone;
	const uint32_t *free_blocks;	/* [order * nr_migratetypes + mt], blocks, pcp excluded */
	uint64_t nr_free_pages;		/* pages */
	uint64_t wmark_min, wmark_low, wmark_high, wmark_boost; /* pages */
	const int32_t *frag_index;	/* [order] x1000, -1000 = would succeed */
	const int32_t *unusable_index;	/* [order] x1000 */
	const uint64_t *failures;	/* [order], cumulative */
	uint64_t fallbacks;
	uint64_t pageblock_changes;
	uint64_t kswapd_wakes;
};

/* Pageblocks of one zone at one time, in pfn order. Arrays borrowed. */
struct replay_pbmap {
	int64_t t_ns;
	uint32_t zone;
	uint32_t nr_pageblocks;
	uint32_t pageblock_pages;
	const uint8_t *migratetype;	/* [nr_pageblocks] */
	const uint16_t *free_pages;	/* [nr_pageblocks], buddy + pcp */
};

/*
 * The sink. Every member may be NULL. A callback returning non-zero stops
 * the replay: replay_run() returns that value (as -errno when negative) and
 * calls run_end with complete = false.
 */
struct replay_sink {
	int (*run_begin)(void *ctx, const struct replay_run_info *info);
	int (*zone)(void *ctx, const struct replay_zone *zone);
	int (*sample)(void *ctx, const struct replay_sample *s);
	int (*pbmap)(void *ctx, const struct replay_pbmap *map);
	/* shadow: checkpoint distance and cumulative pfn prediction rate (NaN if none) */
	int (*fidelity)(void *ctx, int64_t t_ns, double distance, double pfn_rate);
	/* notable event: kind is a short word, text one sentence */
	int (*event)(void *ctx, int64_t t_ns, const char *kind, const char *text);
	/* one (comm, pid, gfp) key, called at the end of the run */
	int (*attribution)(void *ctx, const char *comm, int32_t pid, uint32_t gfp_flags,
			   uint64_t allocations, uint64_t failures, uint64_t extfrag);
	/* summary: replay's --json summary text; complete: false if stopped early */
	int (*run_end)(void *ctx, const char *summary_json, bool complete);
	/*
	 * cumulative counters at a sample time, once per time (not per zone):
	 * "model.<key>" (SUMMARY.md model_counters) and "trace.<key>"
	 * (trace_counters), and the reclaim and compaction over time of the
	 * what-if model and of the traced kernel (viz/SCHEMA.md "counters");
	 * a negative value is unknown. A time may come in several calls.
	 */
	int (*counters)(void *ctx, int64_t t_ns, const char *const *names, const int64_t *values,
			size_t n);
	/*
	 * with replay_opts.hash_trace: the SHA-256 of the trace file (64 hex
	 * digits), hashed while it was read; called once, just before run_end
	 * (not when the hash could not be computed)
	 */
	int (*trace_sha256)(void *ctx, const char *sha256_hex);
};

/* ---- running --------------------------------------------------------- */

/* Progress report: called about every 0.25 s (checked every 4096 records). */
typedef void (*replay_progress_fn)(void *ctx, double fraction, uint64_t events,
				   double elapsed_s);

struct replay_opts {
	enum replay_mode mode;
	struct replay_settings settings; /* what-if only; shadow refuses changes */
	uint64_t sample_interval_ns;	/* 0 = REPLAY_DEFAULT_SAMPLE_NS; UINT64_MAX = checkpoints only */
	bool paranoid;			/* model_check() after page events */
	uint32_t paranoid_every;	/* check every N-th page event; 0 or 1 = every one */
	uint32_t pbmaps_between;	/* pageblock maps between start and end; 0 = 3 */
	const char *label;		/* run label for the sink */
	replay_progress_fn progress;
	void *progress_ctx;
	volatile int *stop;		/* if set and non-zero, stop early (interrupted run) */
	bool hash_trace;		/* SHA-256 of the trace file in the same pass as the
					 * reading: result.trace_sha256, sink trace_sha256 */
};

/* replay_opts_init() - shadow mode, defaults everywhere. */
void replay_opts_init(struct replay_opts *o);

/**
 * struct replay_result - what replay_run() measured; also in summary_json.
 */
struct replay_result {
	char *summary_json;		/* malloc'd --json summary (replay/SUMMARY.md); free with
					 * replay_result_release() */
	uint64_t events;		/* kmem page events read */
	double wall_seconds;
	double events_per_second;
	bool complete;			/* the whole readable trace was replayed */
	bool trace_truncated;		/* the trace ended early or had corrupt blocks */
	char trace_problem[200];	/* what the reader said, "" if none */
	char start_state[16];		/* "snapshot", "checkpoint" or "boot" */
	bool pfn_prediction_meaningful;	/* only with a snapshot */
	/* shadow */
	uint64_t predicted, predicted_ok; /* allocations predicted, and right */
	double pfn_prediction_rate;	/* NaN when nothing was predicted */
	uint64_t checkpoints;
	double checkpoint_distance_max, checkpoint_distance_mean;
	uint64_t contradictions;	/* all kinds */
	uint64_t contradictions_uncertain; /* of those, inside lost-event stretches */
	uint64_t model_check_failures;	/* --paranoid */
	/* both */
	uint64_t failures_by_order[REPLAY_MAX_ORDERS];
	unsigned int nr_orders;
	double unusable_order9_mean;	/* largest zone, mean over samples, 0..1; NaN if none */
	char trace_sha256[65];		/* with opts.hash_trace: the file's SHA-256, "" if unread */
};

/**
 * replay_run() - replay @trace_path.
 * @trace_path: a .bst trace.
 * @opts: mode and settings.
 * @sink: where samples go; may be NULL.
 * @sink_ctx: passed to every sink callback.
 * @res: receives the figures (always initialised); release with replay_result_release().
 * @err: detail on failure, may be NULL.
 *
 * Reads what is readable: a truncated or partly corrupt trace is replayed up
 * to where it can be read and res->trace_truncated says so.
 *
 * Return: 0; -ENOENT/-EIO/-EINVAL when the trace cannot be opened or its
 * header is unusable; -EINVAL for settings the model refuses; a sink's
 * error.
 */
int replay_run(const char *trace_path, const struct replay_opts *opts,
	       const struct replay_sink *sink, void *sink_ctx, struct replay_result *res,
	       struct bs_error *err);

/**
 * struct replay_job - one run of replay_run_many(): what replay_run() takes
 * and gives, for one set of options.
 */
struct replay_job {
	const struct replay_opts *opts;	/* in */
	const struct replay_sink *sink;	/* in, may be NULL */
	void *sink_ctx;			/* in */
	struct replay_result res;	/* out: as replay_run() fills it */
	struct bs_error err;	/* out: detail when ret != 0 */
	int ret;			/* out: replay_run()'s return; -ECANCELED if never run */
};

/**
 * replay_run_many() - several runs of one trace from one decoding pass.
 * @trace_path: a .bst trace.
 * @jobs: the runs; each gets exactly the result replay_run() would give it
 *	(the prescan of the trace's head is still read once per run).
 * @nr_jobs: how many.
 * @threads: worker threads (the runs are spread over them, round robin);
 *	the calling thread reads and decodes the trace for all of them.
 * @err: detail when the trace cannot be opened or the threads not started.
 *
 * Memory: one model per run, all alive at once, plus 4 batches of 256
 * decoded records. A sink is only ever called from one thread at a time,
 * but not from the caller's thread; each job's sink must not share
 * unsynchronised state with another's. progress callbacks likewise.
 *
 * Return: 0 when the trace was read (each job's own outcome is in its ret),
 * -ENOENT/-EIO/-EINVAL when it cannot be opened, -ENOMEM.
 */
int replay_run_many(const char *trace_path, struct replay_job *jobs, size_t nr_jobs,
		    unsigned int threads, struct bs_error *err);

/**
 * replay_summary_text() - the text form of a --json summary, as `replay` prints it.
 * @summary_json: replay_result.summary_json.
 *
 * Return: malloc'd text (caller frees), NULL if the summary is not JSON or on ENOMEM.
 */
char *replay_summary_text(const char *summary_json);

/* replay_result_release() - free what replay_run() allocated in @res; NULL-safe. */
void replay_result_release(struct replay_result *res);

/**
 * replay_grid_parse() - expand a sweep grid "k=v1,v2;k2=w1,w2" into points.
 * @grid: grid text; keys are replay_settings_set() names; lowmem-reserve-ratio
 *	values use '/' between the per-zone numbers ("256/256/32").
 * @points: receives a malloc'd array of malloc'd "k=v;k2=w" strings (caller
 *	frees each and the array), in row-major order (last key fastest).
 * @nr_points: receives the count.
 * @err: detail, may be NULL.
 *
 * Return: 0, -EINVAL (syntax or an unknown key), -E2BIG (over 100000 points).
 */
int replay_grid_parse(const char *grid, char ***points, size_t *nr_points,
		      struct bs_error *err);

/* replay_point_apply() - apply a "k=v;k2=w" point to @s. 0 or -EINVAL. */
int replay_point_apply(struct replay_settings *s, const char *point, struct bs_error *err);

#endif /* BUDDYSCOPE_REPLAY_H */
