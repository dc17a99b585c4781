/* SPDX-License-Identifier: MIT */
/*
 * A trace summarised in one pass (buddyscope info): the figures behind
 * `info` and its stable --json form (traces/FORMAT.md section 6), computed
 * here so that any front-end prints the same numbers. libc only: the
 * caller reads the header's JSON and prints.
 */
#ifndef BUDDYSCOPE_TRACEFMT_SUMMARY_H
#define BUDDYSCOPE_TRACEFMT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

#define TRACEFMT_SUMMARY_MAX_CPUS 1024
#define TRACEFMT_SUMMARY_MAX_ZONES 32
#define TRACEFMT_SUMMARY_MAX_TRIGGERS 16 /* trigger records listed */
#define TRACEFMT_SUMMARY_MAX_MT TRACEFMT_MAX_MT
#define TRACEFMT_SUMMARY_MAX_ORDERS TRACEFMT_MAX_ORDERS

#define TRACEFMT_SUMMARY_MM_MAX_COUNTERS 64

/* One /proc/vmstat counter: its value in the first and the latest reading. */
struct tracefmt_summary_mm_counter {
	char name[TRACEFMT_VMSTAT_NAME_MAX + 1];
	uint64_t first, last;
	bool in_first, in_last; /* seen in the first / the latest reading */
};

/* The reclaim and compaction records of format 1.4 (types 16-36). */
struct tracefmt_summary_mm {
	uint64_t by_type[TRACEFMT_MM_NR_TYPES];
	uint64_t runs_by_status[TRACEFMT_MAX_COMPACT_RESULT + 1];
	uint64_t isolated_migrate, isolated_free, migrated, migrate_failed, direct_reclaimed;
	/* vmstat readings: distinct seq; counters of the first and the latest */
	uint64_t vm_readings;
	uint32_t vm_first_seq, vm_last_seq;
	struct tracefmt_summary_mm_counter counters[TRACEFMT_SUMMARY_MM_MAX_COUNTERS];
	unsigned int nr_counters;
};

/* A zone's free blocks in the free-list snapshot, by order and migratetype. */
struct tracefmt_summary_snap_zone {
	uint32_t node;
	char name[TRACEFMT_ZONE_NAME_LEN];
	/* last column: migratetype unknown */
	uint64_t blocks[TRACEFMT_SUMMARY_MAX_ORDERS][TRACEFMT_SUMMARY_MAX_MT + 1];
	uint64_t pages;	/* pages in those blocks */
};

/* What a zone's zone state records said at the first and last reading. */
struct tracefmt_summary_reading {
	uint32_t seq;
	uint64_t managed, present, spanned, min, low, high;
};

/* A zone's zone-state and watermark records. */
struct tracefmt_summary_zone {
	uint32_t node;
	char name[TRACEFMT_ZONE_NAME_LEN];
	struct tracefmt_summary_reading first, last;
	uint64_t changes;  /* readings whose managed/present/spanned moved */
	uint64_t wmarks;   /* watermark recompute records */
	bool has_state;
};

/*
 * What one pass over a trace's records found: counts by record type, the
 * time span of the page events, losses, allocations by order and
 * migratetype, checkpoints, the free-list snapshot, zone states and the
 * first triggers. Times are trace ns; counts are records unless named.
 * Zones beyond TRACEFMT_SUMMARY_MAX_ZONES and cpus beyond
 * TRACEFMT_SUMMARY_MAX_CPUS are counted in the totals only.
 */
struct tracefmt_summary {
	uint64_t by_type[TRACEFMT_NR_TYPES];
	uint64_t page_events;
	uint64_t first_ns, last_ns;
	uint64_t lost, lost_by_cpu[TRACEFMT_SUMMARY_MAX_CPUS];
	uint64_t lost_records, lost_records_unwindowed;
	uint64_t lost_unknown_cpu; /* cpu 0xffffffff: nested hits the kernel skipped */
	uint64_t allocs[TRACEFMT_SUMMARY_MAX_ORDERS][TRACEFMT_SUMMARY_MAX_MT];
	uint64_t allocs_other; /* order or migratetype out of the table */
	uint64_t failed, failed_by_order[TRACEFMT_SUMMARY_MAX_ORDERS];
	uint64_t checkpoint_readings;
	uint32_t last_ckpt_seq;
	bool any_ckpt;
	uint64_t ckpt_first_ns, ckpt_last_ns;
	/* snapshot */
	bool snap_begin, snap_end;
	uint32_t snap_method;
	uint32_t snap_end_flags;
	uint64_t snap_begin_ns, snap_end_ns;
	uint64_t snap_blocks, snap_pages, snap_uncertain;
	uint64_t snap_pcp_pages_by_cpu[TRACEFMT_SUMMARY_MAX_CPUS];
	uint32_t max_cpu_pcp;
	struct tracefmt_summary_snap_zone snap_zones[TRACEFMT_SUMMARY_MAX_ZONES];
	size_t nr_snap_zones;
	/* zone states and watermark recomputes */
	uint64_t zs_readings;
	uint32_t zs_last_seq;
	struct tracefmt_summary_zone zs_zones[TRACEFMT_SUMMARY_MAX_ZONES];
	size_t nr_zs_zones;
	/* flight-recorder triggers: the first TRACEFMT_SUMMARY_MAX_TRIGGERS are listed */
	struct tracefmt_event triggers[TRACEFMT_SUMMARY_MAX_TRIGGERS];
	size_t nr_triggers;
	struct tracefmt_summary_mm mm; /* reclaim, compaction and vmstat records (format 1.4) */
};

/**
 * tracefmt_summary_add() - account one record @ev into @s (zeroed before
 * the first record).
 */
void tracefmt_summary_add(struct tracefmt_summary *s, const struct tracefmt_event *ev);

/**
 * tracefmt_summary_read() - zero @s and account every record @r has left.
 * Returns 0, or the reader's -errno with @err (may be NULL) naming @path
 * and the failure; @s then holds the records read before it.
 */
int tracefmt_summary_read(struct tracefmt_reader *r, const char *path, struct tracefmt_summary *s,
			  struct bs_error *err);

#endif
