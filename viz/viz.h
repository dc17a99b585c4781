/* SPDX-License-Identifier: MIT */
/*
 * viz: the run store (one SQLite file per set of runs) and the reports drawn
 * from it. Replay hands each run to the store as plain structs (the CLI adapts
 * replay's sink to these calls); report and export read the store back.
 *
 * The library has three layers, kept apart so tests can check each alone:
 *  - the store (viz_store_*, viz_run_*, viz_*_add): SQLite in WAL mode, the
 *    schema of viz/SCHEMA.md, writes batched in transactions;
 *  - grids (viz_series_*, viz_grid_*, viz_pbmap_*): store rows turned into
 *    plain numeric arrays, exactly the numbers an image shows;
 *  - rendering (viz_report_*): Cairo PNG/SVG drawing of those grids, the
 *    index.html, and the reports table that indexes every file written.
 *
 * Errors: functions return 0 or -errno; constructors return NULL and set
 * errno. Each takes an optional struct bs_error that receives a sentence
 * naming the file and what is wrong. Nothing here prints or exits.
 *
 * Ownership: strings passed in are copied before the call returns. Structs
 * filled by the library are released with their paired *_release().
 */
#ifndef BUDDYSCOPE_VIZ_H
#define BUDDYSCOPE_VIZ_H

#include <stddef.h>
#include <stdint.h>

#include "bs_error.h"

/* Schema version this build writes; a store with a larger one is refused. */
#define VIZ_SCHEMA_VERSION 3

/* Upper bounds that keep every per-order or per-migratetype array small. */
#define VIZ_MAX_ORDERS 16
#define VIZ_MAX_MIGRATETYPES 8

struct viz_store;

enum viz_store_open_flags {
	VIZ_STORE_CREATE = 1 << 0,	/* create the file and schema if missing */
	VIZ_STORE_READONLY = 1 << 1,	/* never write (report, export) */
};

/**
 * viz_store_open() - open (or create) a run store
 * @path: SQLite file
 * @flags: enum viz_store_open_flags
 * @err: optional detail
 *
 * Sets WAL journaling and creates the schema on a new file. A file that is
 * not SQLite, lacks the buddyscope schema, or was written by a newer schema
 * version (PRAGMA user_version > VIZ_SCHEMA_VERSION) is refused with a
 * sentence in @err.
 *
 * Return: the store, or NULL with errno set (EPROTONOSUPPORT for a newer
 * version, EINVAL for a foreign file, others from SQLite's I/O).
 */
struct viz_store *viz_store_open(const char *path, int flags, struct bs_error *err);

/**
 * viz_store_error() - the last failure of a call on @s, as a sentence that
 * names the store and the field or SQLite's error and the errno ("" when
 * none). For calls that take no struct bs_error (the row writers and
 * readers); borrowed until the next call on @s.
 */
const char *viz_store_error(const struct viz_store *s);

/**
 * viz_store_close() - commit anything pending and close
 * @s: store, may be NULL
 *
 * Return: 0, or -errno when the final commit failed.
 */
int viz_store_close(struct viz_store *s);

/* ---- writing a run ---------------------------------------------------- */

enum viz_run_status {
	VIZ_RUN_INCOMPLETE = 0,	/* begun, never finished: the writer died */
	VIZ_RUN_COMPLETE,	/* finished normally */
	VIZ_RUN_INTERRUPTED,	/* the writer stopped early and said so */
};

/* What identifies a run; every string may be NULL except trace_path, mode. */
struct viz_run_info {
	const char *trace_path;
	const char *trace_sha256;	/* 64 lowercase hex digits of the trace file */
	const char *mode;		/* "shadow", "whatif" or "sweep" */
	const char *label;		/* free text, e.g. a sweep point */
	const char *settings_json;	/* the model settings, a JSON object */
	const char *kernel_release;	/* uname -r of the traced host */
	const char *host;		/* hostname of the traced host */
	int64_t started_unix_ms;	/* wall clock when the replay began */
	const char *grid;		/* a sweep point: the sweep's --grid; NULL otherwise */
	int64_t grid_index;		/* with @grid: the point's index in the whole grid */
};

/**
 * viz_run_begin() - record a new run and open its write transaction
 * @s: store opened writable
 * @info: the run's identity
 * @run_id: receives the new run's id
 * @err: optional detail
 *
 * The run row is committed at once with status "incomplete", so a writer
 * that dies later leaves a valid store in which the run says so.
 */
int viz_run_begin(struct viz_store *s, const struct viz_run_info *info, int64_t *run_id,
		  struct bs_error *err);

/* A zone of a run. @idx numbers the run's zones from 0 in the order added. */
struct viz_zone_info {
	int32_t node;
	const char *name;			/* "DMA", "DMA32", "Normal", ... */
	uint64_t start_pfn;
	uint64_t spanned_pages;
	uint64_t managed_pages;
	uint32_t pageblock_order;
	uint32_t nr_orders;			/* NR_PAGE_ORDERS, <= VIZ_MAX_ORDERS */
	uint32_t nr_migratetypes;		/* <= VIZ_MAX_MIGRATETYPES */
	const char *const *migratetype_names;	/* [nr_migratetypes] */
};

/**
 * viz_zone_add() - add a zone to a run before any sample of it
 * @s: store
 * @run_id: a run begun on @s
 * @zone: the zone; copied
 * @zone_idx: receives the zone's index in the run (0, 1, ...)
 * @err: optional detail
 */
int viz_zone_add(struct viz_store *s, int64_t run_id, const struct viz_zone_info *zone,
		 uint32_t *zone_idx, struct bs_error *err);

/*
 * One sample of one zone at trace time t_ns (nanoseconds since the trace
 * started). The array pointers are borrowed for the call; their lengths come
 * from the zone (nr_orders, nr_migratetypes). Index values are the kernel's
 * scaled integers (index x 1000; the fragmentation index is -1000 where an
 * allocation of that order would succeed). Counters are cumulative.
 */
struct viz_sample {
	int64_t t_ns;
	uint32_t zone_idx;
	const uint32_t *free_blocks;	/* [order * nr_migratetypes + mt], blocks */
	uint64_t nr_free_pages;		/* pages */
	uint64_t wmark_min;		/* pages */
	uint64_t wmark_low;		/* pages */
	uint64_t wmark_high;		/* pages */
	uint64_t wmark_boost;		/* pages */
	const int32_t *frag_index;	/* [order], x1000 */
	const int32_t *unusable_index;	/* [order], x1000 */
	const uint64_t *failures;	/* [order], cumulative failed allocations */
	uint64_t fallbacks;		/* cumulative fallback allocations */
	uint64_t pageblock_changes;	/* cumulative pageblock migratetype changes */
	uint64_t kswapd_wakes;		/* cumulative */
};

/**
 * viz_sample_add() - append a sample
 * @s: store
 * @run_id: run
 * @sample: the sample, zone_idx from viz_zone_add()
 *
 * Return: 0, -EINVAL for an unknown zone or missing array, -EIO on SQLite.
 */
int viz_sample_add(struct viz_store *s, int64_t run_id, const struct viz_sample *sample);

/*
 * The state of every pageblock of a zone at one time, in pfn order from the
 * zone's first pageblock: its migratetype index and how many of its pages
 * are free (0 .. 1 << pageblock_order).
 */
struct viz_pbmap {
	int64_t t_ns;
	uint32_t zone_idx;
	uint32_t nr_pageblocks;
	uint32_t pageblock_pages;	/* 1 << pageblock_order */
	uint8_t *migratetype;		/* [nr_pageblocks] */
	uint16_t *free_pages;		/* [nr_pageblocks] */
};

/**
 * viz_pbmap_add() - store a pageblock map (as one compact blob)
 * @s: store
 * @run_id: run
 * @map: the map; its arrays are borrowed for the call
 */
int viz_pbmap_add(struct viz_store *s, int64_t run_id, const struct viz_pbmap *map);

/**
 * viz_fidelity_add() - record a shadow-mode checkpoint comparison
 * @s: store
 * @run_id: run
 * @t_ns: checkpoint time
 * @distance: sum |model - kernel| / sum kernel over zone x order x mt
 * @pfn_rate: cumulative fraction of allocations whose pfn was predicted
 *
 * Either value may be NaN when it is not known (stored as NULL, read back
 * as NaN, drawn as a gap).
 */
int viz_fidelity_add(struct viz_store *s, int64_t run_id, int64_t t_ns, double distance,
		     double pfn_rate);

/**
 * viz_counters_add() - record cumulative counters at one time
 * @s: store
 * @run_id: run
 * @t_ns: trace time
 * @names: counter names ("model.pcp_refills", "trace.pcp_drain_pages", ...)
 * @values: their cumulative values; a negative value is unknown (NULL)
 * @n: number of counters
 *
 * Return: 0 or -errno.
 */
int viz_counters_add(struct viz_store *s, int64_t run_id, int64_t t_ns,
		     const char *const *names, const int64_t *values, size_t n);

/**
 * viz_event_add() - record a notable event
 * @s: store
 * @run_id: run
 * @t_ns: trace time
 * @kind: short word ("watermark", "oom", "lost", ...)
 * @text: one sentence
 */
int viz_event_add(struct viz_store *s, int64_t run_id, int64_t t_ns, const char *kind,
		  const char *text);

/* Who allocates and who fragments; counts for one (comm, pid, gfp) key. */
struct viz_attribution {
	const char *comm;
	int32_t pid;
	uint32_t gfp_flags;
	uint64_t allocations;
	uint64_t failures;
	uint64_t extfrag;	/* mm_page_alloc_extfrag: fallback/steal events */
};

/**
 * viz_attribution_add() - add counts to a (comm, pid, gfp) key
 * @s: store
 * @run_id: run
 * @a: counts, added to any already stored for the key
 */
int viz_attribution_add(struct viz_store *s, int64_t run_id, const struct viz_attribution *a);

/**
 * viz_run_finish() - close a run: status, summary, finish time, commit
 * @s: store
 * @run_id: run
 * @status: VIZ_RUN_COMPLETE or VIZ_RUN_INTERRUPTED
 * @summary_json: replay's --json summary (a JSON object) or NULL
 * @finished_unix_ms: wall clock
 */
int viz_run_finish(struct viz_store *s, int64_t run_id, enum viz_run_status status,
		   const char *summary_json, int64_t finished_unix_ms);

/**
 * viz_run_set_trace_sha256() - set the trace checksum of a run begun without
 * it (replay hashes the trace while reading it, so the digest is known only
 * at the end); part of the run's pending transaction, committed with
 * viz_run_finish(). Call it before viz_run_finish().
 * @s: store
 * @run_id: run
 * @sha256: 64 lowercase hex digits
 *
 * Return: 0, -EINVAL (not 64 hex digits), -ENOENT (no such run), -errno.
 */
int viz_run_set_trace_sha256(struct viz_store *s, int64_t run_id, const char *sha256);

/**
 * viz_store_flush() - commit the pending write transaction now
 * @s: store
 *
 * Writes are committed every few thousand rows and at viz_run_finish(); a
 * caller that wants a point it can lose nothing before calls this.
 */
int viz_store_flush(struct viz_store *s);

/* ---- reading ---------------------------------------------------------- */

/* A run as stored. Strings are owned; release with viz_run_release(). */
struct viz_run {
	int64_t id;
	char *uuid;
	char *trace_path;
	char *trace_sha256;
	char *mode;
	char *label;
	char *settings_json;
	char *kernel_release;
	char *host;
	int64_t started_unix_ms;
	int64_t finished_unix_ms;	/* 0 when never finished */
	enum viz_run_status status;
	char *summary_json;		/* NULL when none */
	char *grid;			/* a sweep point's grid; NULL otherwise (and in schema < 3) */
	int64_t grid_index;		/* its index in that grid, from 0; -1 when @grid is NULL */
};

/* A zone as stored. */
struct viz_zone {
	uint32_t idx;
	int32_t node;
	char name[32];
	uint64_t start_pfn;
	uint64_t spanned_pages;
	uint64_t managed_pages;
	uint32_t pageblock_order;
	uint32_t nr_orders;
	uint32_t nr_migratetypes;
	char mt_names[VIZ_MAX_MIGRATETYPES][24];
};

/**
 * viz_run_ids() - ids of every run, ascending
 * @s: store
 * @ids: receives a malloc'd array (caller frees)
 * @n: receives its length
 */
int viz_run_ids(struct viz_store *s, int64_t **ids, size_t *n);

/**
 * viz_run_get() - read one run
 * @s: store
 * @id: run id
 * @run: filled; release with viz_run_release()
 *
 * Return: 0, -ENOENT when there is no such run.
 */
int viz_run_get(struct viz_store *s, int64_t id, struct viz_run *run);
void viz_run_release(struct viz_run *run);

/**
 * viz_zones_get() - the zones of a run, by index
 * @s: store
 * @run_id: run
 * @zones: receives a malloc'd array (caller frees)
 * @n: receives its length
 */
int viz_zones_get(struct viz_store *s, int64_t run_id, struct viz_zone **zones, size_t *n);

/**
 * viz_run_time_range() - first and last sample time of a run
 * @s: store
 * @run_id: run
 * @t0_ns: receives the first sample time
 * @t1_ns: receives the last
 * @nr_samples: receives the number of (time, zone) sample rows; may be
 *              NULL, which saves a walk over all of them
 *
 * Return: 0, -ENODATA when the run has no samples.
 */
int viz_run_time_range(struct viz_store *s, int64_t run_id, int64_t *t0_ns, int64_t *t1_ns,
		       uint64_t *nr_samples);

/**
 * viz_run_status_name() - "complete", "interrupted" or "incomplete"
 * @status: a status
 */
const char *viz_run_status_name(enum viz_run_status status);

/* ---- grids: the numbers behind the images ---------------------------- */

/* The watermark gauges of a series: the kernel's WMARK_MIN/LOW/HIGH and the boost. */
enum viz_wmark {
	VIZ_WMARK_MIN,
	VIZ_WMARK_LOW,
	VIZ_WMARK_HIGH,
	VIZ_WMARK_BOOST,
	VIZ_NR_WMARK
};

/*
 * A zone's samples resampled onto nr_bins equal time bins covering
 * [t0_ns, t1_ns] inclusive. Sample time t falls in bin
 *   floor((t - t0_ns) * nr_bins / (t1_ns - t0_ns + 1)).
 * A bin holding samples gets their mean for gauges (free blocks, free pages,
 * watermarks, indices) and the last value for cumulative counters (failures,
 * fallbacks, pageblock changes, kswapd wakes). An empty bin carries the
 * previous bin's values forward (the state held until the next sample); bins
 * before the first sample are NaN. Index values are divided by 1000.
 */
struct viz_series {
	int64_t t0_ns;
	int64_t t1_ns;
	uint32_t nr_bins;
	uint32_t nr_orders;
	uint32_t nr_migratetypes;
	uint64_t nr_samples;		/* samples that fell in range */
	double *free_blocks;		/* [bin][order][mt] */
	double *frag_index;		/* [bin][order] */
	double *unusable_index;		/* [bin][order] */
	double *failures;		/* [bin][order] */
	double *nr_free_pages;		/* [bin] */
	double *wmark[VIZ_NR_WMARK];	/* [bin], by enum viz_wmark */
	double *fallbacks;		/* [bin] */
	double *pageblock_changes;	/* [bin] */
	double *kswapd_wakes;		/* [bin] */
};

/**
 * viz_series_load() - resample one zone of a run onto time bins
 * @s: store
 * @run_id: run
 * @zone_idx: zone
 * @t0_ns: first time covered
 * @t1_ns: last time covered (>= t0_ns)
 * @nr_bins: number of bins (>= 1)
 * @out: filled; release with viz_series_release()
 *
 * One pass over the zone's samples, in time order, through the
 * (run_id, zone_idx, t_ns) index.
 */
int viz_series_load(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t0_ns,
		    int64_t t1_ns, uint32_t nr_bins, struct viz_series *out);
void viz_series_release(struct viz_series *series);

/* A dense grid: v[y * nx + x]; NaN means no data. */
struct viz_grid {
	uint32_t nx;
	uint32_t ny;
	double *v;
};

/**
 * viz_grid_heatmap() - free blocks of one migratetype: x = bin, y = order
 * @series: a loaded series
 * @mt: migratetype index
 * @out: filled (nx = nr_bins, ny = nr_orders); release with viz_grid_release()
 */
int viz_grid_heatmap(const struct viz_series *series, uint32_t mt, struct viz_grid *out);

/**
 * viz_grid_diff() - other - base, cell by cell (NaN where either is NaN)
 * @base: grid
 * @other: grid of the same shape
 * @out: filled
 */
int viz_grid_diff(const struct viz_grid *base, const struct viz_grid *other,
		  struct viz_grid *out);
void viz_grid_release(struct viz_grid *grid);

/**
 * viz_pbmap_times() - the times at which a zone has pageblock maps
 * @s: store
 * @run_id: run
 * @zone_idx: zone
 * @times: receives a malloc'd ascending array (caller frees)
 * @n: receives its length
 */
int viz_pbmap_times(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t **times,
		    size_t *n);

/**
 * viz_pbmap_get() - read the pageblock map of a zone at a time
 * @s: store
 * @run_id: run
 * @zone_idx: zone
 * @t_ns: exact time, one of viz_pbmap_times()
 * @map: filled; arrays owned, release with viz_pbmap_release()
 */
int viz_pbmap_get(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t_ns,
		  struct viz_pbmap *map);
void viz_pbmap_release(struct viz_pbmap *map);

/*
 * A memory map laid out for drawing: pageblock i sits at row i / cols,
 * column i % cols. mt[] is the migratetype index (255 past the last
 * pageblock), free_frac[] the free fraction 0..1 (NaN past the end).
 */
struct viz_pbgrid {
	uint32_t cols;
	uint32_t rows;
	uint8_t *mt;
	double *free_frac;
};

/**
 * viz_pbgrid_layout() - wrap a pageblock map into rows
 * @map: the map
 * @cols: cells per row; 0 picks ceil(sqrt(2 * n)) so the map is about 2:1
 * @out: filled; release with viz_pbgrid_release()
 */
int viz_pbgrid_layout(const struct viz_pbmap *map, uint32_t cols, struct viz_pbgrid *out);
void viz_pbgrid_release(struct viz_pbgrid *grid);

/* One line of the attribution table. */
struct viz_attr_row {
	char comm[32];
	int32_t pid;
	uint32_t gfp_flags;
	uint64_t allocations;
	uint64_t failures;
	uint64_t extfrag;
};

enum viz_attr_order {
	VIZ_ATTR_BY_ALLOCATIONS,
	VIZ_ATTR_BY_FAILURES,
	VIZ_ATTR_BY_EXTFRAG,
};

/**
 * viz_attribution_top() - the @limit keys with the most of one count
 * @s: store
 * @run_id: run
 * @by: which count orders the rows (descending; ties by comm, pid, gfp)
 * @limit: at most this many rows; keys whose count is 0 are left out
 * @rows: receives a malloc'd array (caller frees)
 * @n: receives its length
 */
int viz_attribution_top(struct viz_store *s, int64_t run_id, enum viz_attr_order by,
			size_t limit, struct viz_attr_row **rows, size_t *n);

/* Fidelity checkpoints in time order. */
struct viz_fidelity_row {
	int64_t t_ns;
	double distance;
	double pfn_rate;
};

int viz_fidelity_get(struct viz_store *s, int64_t run_id, struct viz_fidelity_row **rows,
		     size_t *n);

/* ---- reclaim and compaction over time ---------------------------------- */

/*
 * Who did the reclaim and compaction a run shows: the replay's model (a
 * what-if's kswapd, direct reclaim and compaction: counters "model.*") or
 * the traced kernel (the trace's vmscan/compaction records and vmstat
 * readings: "trace.*"; see viz/SCHEMA.md "counters").
 */
enum viz_activity_source {
	VIZ_ACTIVITY_MODEL,
	VIZ_ACTIVITY_TRACE,
	VIZ_NR_ACTIVITY_SOURCES
};

/*
 * One source's activity on the bins of struct viz_activity. Cumulative
 * series take the last value of a bin and carry it through empty bins; they
 * are 0 before the source's first row (replay sends the trace's counters
 * once the trace has shown a record: 0 until then). Totals are the window's: the last value at or before its end minus
 * the last before its start (0 when none).
 */
struct viz_activity_series {
	int present;			/* the run stored this source's counters */
	int reclaim_direct_only;	/* trace without pgsteal readings: @reclaimed is
					 * direct reclaim's (direct_reclaim_end) alone */
	double *kswapd_awake;		/* [bin] 0..1: the share of the bin kswapd was awake;
					 * the model's runs take no trace time, so 1 over
					 * the sample interval in which it ran */
	double *reclaimed;		/* [bin] pages, cumulative */
	double *migrated;		/* [bin] pages, cumulative */
	double *compaction_runs;	/* [bin] cumulative */
	uint64_t kswapd_runs;		/* window totals */
	uint64_t kswapd_awake_ns;	/* trace only, summed over nodes */
	uint64_t pages_reclaimed;
	uint64_t compaction_runs_total;
	uint64_t pages_migrated;
	uint64_t compaction_runs_before;	/* the count at the window's start (ticks are growth) */
};

struct viz_activity {
	int64_t t0_ns;			/* bins as struct viz_series: sample time t is in bin */
	int64_t t1_ns;			/* floor((t - t0_ns) * nr_bins / (t1_ns - t0_ns + 1)) */
	uint32_t nr_bins;
	struct viz_activity_series src[VIZ_NR_ACTIVITY_SOURCES];
};

/**
 * viz_activity_load() - a run's reclaim and compaction on time bins
 * @s: store
 * @run_id: run
 * @t0_ns: first time covered (a report passes its heatmaps' range, so the
 *         figure's x axis is theirs)
 * @t1_ns: last time covered (>= t0_ns)
 * @nr_bins: number of bins (>= 1)
 * @out: filled; release with viz_activity_release()
 *
 * A run with no such counters (an older store, a trace without the records,
 * a shadow run's model) has no source present.
 */
int viz_activity_load(struct viz_store *s, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
		      uint32_t nr_bins, struct viz_activity *out);
void viz_activity_release(struct viz_activity *a);

/* viz_activity_seen() - whether any source reclaimed, compacted or ran kswapd in the window. */
int viz_activity_seen(const struct viz_activity *a);

/* ---- verdicts: the numbers a report leads with ------------------------- */

/*
 * What one zone of a run did over a time window, from its raw samples (no
 * binning): the free memory still usable for large requests, the kernel's
 * unusable free space index, and the failures and fallbacks counted in the
 * window. The order watched is VIZ_VERDICT_ORDER (9: 2 MiB with 4 KiB pages,
 * a transparent huge page and x86-64's pageblock), capped at the zone's
 * largest order; fixed, so runs with other pageblock orders compare alike.
 * Counters are cumulative in the store; a window's count is the last
 * sample's value minus the value of the last sample before the window (0
 * when the window starts with the run).
 */
#define VIZ_VERDICT_ORDER 9

struct viz_zone_verdict {
	uint32_t zone_idx;
	uint32_t high_order;		/* the order watched */
	uint64_t nr_samples;		/* samples in the window */
	int64_t t_first_ns;		/* first and last sample in the window */
	int64_t t_last_ns;
	uint64_t high_free_start;	/* pages free in blocks of order >= high_order */
	uint64_t high_free_end;
	uint64_t high_free_min;
	int64_t high_free_min_t_ns;
	uint64_t free_pages_start;	/* all free pages (nr_free_pages) */
	uint64_t free_pages_end;
	uint64_t free_pages_min;
	uint64_t free_pages_max;
	double unusable_start;		/* unusable free space index at high_order, 0..1 */
	double unusable_end;
	double unusable_worst;		/* the largest in the window */
	int64_t unusable_worst_t_ns;
	uint64_t failures;		/* failed allocations in the window, all orders */
	int64_t first_failure_t_ns;	/* -1 when none */
	uint64_t fallbacks;		/* fallback allocations in the window */
	uint64_t fallback_burst;	/* the most fallbacks between two consecutive samples */
	int64_t fallback_burst_t_ns;	/* the later sample of that pair; -1 when none */
	uint64_t pageblock_changes;	/* in the window */
};

struct viz_verdict {
	int64_t run_id;
	int64_t t0_ns;			/* the window asked for */
	int64_t t1_ns;
	size_t nr_zones;
	struct viz_zone_verdict *zones;	/* [nr_zones], by zone index */
	uint64_t failures;		/* sums over the zones */
	uint64_t fallbacks;
	uint64_t pageblock_changes;
	uint64_t high_free_end;
};

/**
 * viz_verdict_get() - the verdict numbers of a run over [t0_ns, t1_ns]
 * @s: store
 * @run_id: run
 * @t0_ns: window start (use INT64_MIN ... INT64_MAX for the whole run)
 * @t1_ns: window end
 * @v: filled; release with viz_verdict_release()
 *
 * A zone with no sample in the window has nr_samples 0 and zero values.
 */
int viz_verdict_get(struct viz_store *s, int64_t run_id, int64_t t0_ns, int64_t t1_ns,
		    struct viz_verdict *v);
void viz_verdict_release(struct viz_verdict *v);

/*
 * What one command did, its pids merged: the attribution table summed over
 * (pid, gfp flags). Attribution has no time, so it covers the whole run.
 */
struct viz_comm_row {
	char comm[32];
	uint64_t allocations;
	uint64_t failures;
	uint64_t extfrag;		/* fallback/steal events its allocations caused */
	uint32_t nr_pids;
	uint32_t nr_keys;		/* (pid, gfp) rows merged */
};

/**
 * viz_attribution_by_comm() - commands by one count (descending; ties by the
 * other counts, then name); commands whose count is 0 are left out
 * @s: store
 * @run_id: run
 * @by: the count that orders the rows
 * @limit: at most this many rows
 * @rows: receives a malloc'd array (caller frees)
 * @n: receives its length
 */
int viz_attribution_by_comm(struct viz_store *s, int64_t run_id, enum viz_attr_order by,
			    size_t limit, struct viz_comm_row **rows, size_t *n);

/**
 * viz_attribution_of_comm() - the (pid, gfp) rows of one command, by pid then
 * allocations descending
 * @s: store
 * @run_id: run
 * @comm: command name
 * @limit: at most this many rows
 * @rows: receives a malloc'd array (caller frees)
 * @n: receives its length
 */
int viz_attribution_of_comm(struct viz_store *s, int64_t run_id, const char *comm, size_t limit,
			    struct viz_attr_row **rows, size_t *n);

/* ---- which memory maps a report shows ---------------------------------- */

/* A moment worth a memory map: a requested time or a notable event. */
struct viz_moment {
	int64_t t_ns;
	const char *why;	/* "requested", "first failure", ...; borrowed */
};

/* A stored map chosen for a report, with every reason it was chosen. */
struct viz_map_pick {
	int64_t t_ns;		/* the map's own time: what its label says */
	char why[320];		/* "first failure at t = 0.150 s; requested t = 0.2 s" */
};

/**
 * viz_memmap_pick() - the stored pageblock maps of a zone to show
 * @s: store
 * @run_id: run
 * @zone_idx: zone
 * @t0_ns: window start
 * @t1_ns: window end
 * @moments: times of interest (requested, notable events); may be NULL
 * @nr_moments: their number
 * @picks: receives a malloc'd array in time order (caller frees)
 * @n: receives its length
 *
 * Maps are stored at a few times only (replay writes them), so each moment
 * gets the latest map at or before it (the first map after it when none is
 * before), and the window's first and last maps are always shown. No two
 * picks are the same map, and a map whose content equals an earlier pick's
 * is left out (that pick's reasons say "unchanged until t = ..."): a report
 * never shows two identical maps.
 */
int viz_memmap_pick(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t0_ns,
		    int64_t t1_ns, const struct viz_moment *moments, size_t nr_moments,
		    struct viz_map_pick **picks, size_t *n);

/* ---- sweeps: several runs of one trace differing by settings ----------- */

#define VIZ_SWEEP_MAX_KEYS 8

/* One point of a sweep: a run, the values of the settings that vary, its outcomes. */
struct viz_sweep_point {
	int64_t run_id;
	char values[VIZ_SWEEP_MAX_KEYS][48];	/* JSON text of each varying setting; an
						 * unset one: the summary's host_settings
						 * value, else "host" */
	uint64_t high_free_end;	/* pages free in blocks of order >= 9, all zones, end */
	uint64_t failures;	/* failed allocations, all zones */
	uint64_t fallbacks;
	double unusable_worst;	/* the worst unusable index of any zone at order 9 */
};

/*
 * The runs of one trace (same trace_sha256, not shadow mode) whose stored
 * settings differ: the grid is read back from the settings themselves.
 */
struct viz_sweep {
	char trace_sha256[65];
	char trace_path[256];
	uint32_t nr_keys;
	char keys[VIZ_SWEEP_MAX_KEYS][48];	/* the settings that vary, sorted by name */
	size_t nr_points;
	struct viz_sweep_point *points;		/* sorted by the values of keys[0], keys[1], ... */
};

/**
 * viz_sweeps_find() - the sweeps among runs
 * @s: store
 * @run_ids: the runs to look at
 * @nr_runs: their number
 * @t0_ns: window for the outcomes (as viz_verdict_get())
 * @t1_ns: window end
 * @sweeps: receives a malloc'd array (release with viz_sweeps_release())
 * @n: receives its length
 *
 * A sweep needs at least two runs of one trace, outside shadow mode, whose
 * settings differ in at least one key.
 */
int viz_sweeps_find(struct viz_store *s, const int64_t *run_ids, size_t nr_runs, int64_t t0_ns,
		    int64_t t1_ns, struct viz_sweep **sweeps, size_t *n);
void viz_sweeps_release(struct viz_sweep *sweeps, size_t n);

/* ---- colour ------------------------------------------------------------ */

enum viz_palette {
	VIZ_PALETTE_VIRIDIS,	/* sequential: heatmaps */
	VIZ_PALETTE_CIVIDIS,	/* sequential: lines by order */
	VIZ_PALETTE_PUOR,	/* diverging: differences (0.5 = no change) */
};

/**
 * viz_palette_rgb() - colour at position @x of a palette
 * @p: palette
 * @x: 0..1 (clamped)
 * @rgb: receives red, green, blue in 0..1
 *
 * Linear interpolation in sRGB between the palette's published anchors.
 */
void viz_palette_rgb(enum viz_palette p, double x, double rgb[3]);

/**
 * viz_migratetype_rgb() - the colour of a migratetype in memory maps
 * @mt: migratetype index
 * @rgb: receives the colour (Okabe-Ito's colour-blind-safe set)
 */
void viz_migratetype_rgb(uint32_t mt, double rgb[3]);

/**
 * viz_order_rgb() - the one colour of a page order in every figure and legend
 * @order: 0 .. VIZ_MAX_ORDERS - 1
 * @rgb: receives the colour
 *
 * Fixed per order, whatever the number of orders of a run (an 11-order run
 * and a 13-order what-if show order 5 alike): viridis from order 0 (dark
 * purple) to order 13 (yellow-green), orders above 13 as 13.
 */
void viz_order_rgb(uint32_t order, double rgb[3]);

/**
 * viz_heat_position() - where a free-block count sits on the log colour bar
 * @v: free blocks (>= 0)
 * @vmax: the panel's largest value
 *
 * Return: log10(1 + v) / log10(1 + vmax), 0 when vmax <= 0.
 */
double viz_heat_position(double v, double vmax);

/* ---- reports ------------------------------------------------------------ */

enum viz_format_flags {
	VIZ_FORMAT_PNG = 1 << 0,
	VIZ_FORMAT_SVG = 1 << 1,
};

/* Where a figure's panels are, so tests can probe the pixels of a PNG. */
#define VIZ_MAX_PANELS 32
struct viz_rect {
	double x, y, w, h;
};

struct viz_figure {
	char kind[32];		/* "heatmap", "memmap", "indices", ... */
	char name[160];		/* file name without extension */
	int width;
	int height;
	uint32_t nr_panels;
	struct viz_rect plot[VIZ_MAX_PANELS];	/* data area of each panel */
};

struct viz_report_opts {
	const char *out_dir;		/* created if missing */
	const int64_t *run_ids;		/* NULL: every run */
	size_t nr_runs;
	int formats;			/* enum viz_format_flags, 0 = PNG */
	int64_t compare_base;		/* 0: no comparison */
	int64_t compare_other;
	uint32_t heatmap_bins;		/* 0: one bin per pixel column */
	int64_t from_ns;		/* time window of every figure and verdict: start */
	int64_t to_ns;			/* window end; 0: the run's end */
	const int64_t *at_ns;		/* memory maps wanted at these times (nearest stored) */
	size_t nr_at;
};

struct viz_report_result {
	size_t nr_files;		/* files written, index.html included */
	struct viz_figure *figures;	/* every figure drawn (each in each format) */
	size_t nr_figures;
};

/**
 * viz_report_write() - render every image of the chosen runs and index.html
 * @s: store; opened writable, each file written is recorded in the
 *     reports table; opened read-only, the files are written all the same
 *     and recorded nowhere
 *
 * Each file is written under a temporary name in @opts->out_dir and renamed
 * into place when complete (outfile.h): a failure leaves no partial or
 * empty file, and @err names the file and the errno as it was.
 * @opts: what to render
 * @res: optional; receives what was written (release with
 *       viz_report_result_release())
 * @err: optional detail
 */
int viz_report_write(struct viz_store *s, const struct viz_report_opts *opts,
		     struct viz_report_result *res, struct bs_error *err);
void viz_report_result_release(struct viz_report_result *res);

/* ---- export and merge --------------------------------------------------- */

enum viz_export_format {
	VIZ_EXPORT_CSV,
	VIZ_EXPORT_JSON,
	VIZ_EXPORT_PERFETTO,	/* Chrome JSON trace event format (ui.perfetto.dev) */
	VIZ_EXPORT_OPENMETRICS,	/* OpenMetrics text exposition format */
};

/**
 * viz_export_write() - write runs' series and metrics to a stream
 * @s: store
 * @run_id: one run, or 0 for every run
 * @fmt: long-form CSV, JSON, a Perfetto/Chrome trace or OpenMetrics text
 *       (viz/SCHEMA.md describes each)
 * @out: a FILE * (declared void * to keep stdio out of this header)
 * @rows: optional; receives the number of data rows (CSV), samples (JSON),
 *        trace events (Perfetto) or metric points (OpenMetrics)
 * @err: optional detail
 */
int viz_export_write(struct viz_store *s, int64_t run_id, enum viz_export_format fmt,
		     void *out, uint64_t *rows, struct bs_error *err);

/**
 * viz_store_merge() - copy every run of another store into @s
 * @s: destination, opened writable
 * @src_path: a store file; opened read-only
 * @nr_copied: optional; receives how many runs were copied
 * @err: optional detail
 *
 * Runs get new ids. A run is skipped when @s has its uuid, or has a complete
 * run of the same trace (trace_sha256), mode and settings (the settings JSON
 * as stored): merging the same shard twice, or the store of a shard that ran
 * again (new uuids), adds nothing, and an unfinished attempt is not copied
 * beside a finished one. Rendered reports are not copied (they belong to the
 * source's output directory). One transaction per source.
 */
int viz_store_merge(struct viz_store *s, const char *src_path, size_t *nr_copied,
		    struct bs_error *err);

/**
 * viz_store_merge_files() - merge stores into @out_path, all of them or nothing
 * @out_path: destination store; created when missing
 * @src_paths: [@nr_src] source stores
 * @nr_src: how many
 * @nr_staged: optional [@nr_src]: runs each source added beyond the sources before it
 * @nr_copied: optional; runs added to @out_path
 * @err: optional detail, naming the file at fault
 *
 * Every source is opened and its runs listed first (an unreadable, foreign or
 * newer store is refused before anything is written), and so is an existing
 * @out_path. The sources are then merged into a staging store next to
 * @out_path, which becomes @out_path by a rename when it did not exist (never
 * replacing one that appeared meanwhile: -EEXIST), or is merged into it in one
 * transaction. A failure at any step leaves @out_path as it was. Duplicates
 * are skipped as viz_store_merge() says.
 */
int viz_store_merge_files(const char *out_path, const char *const *src_paths, size_t nr_src,
			  size_t *nr_staged, size_t *nr_copied, struct bs_error *err);

/**
 * viz_sha256_hex() - SHA-256 of a buffer as 64 lowercase hex digits
 * @data: bytes
 * @len: length
 * @hex: receives 64 digits and a NUL
 */
void viz_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
