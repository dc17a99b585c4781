/* SPDX-License-Identifier: MIT */
/*
 * `buddyscope info`: the reclaim and compaction records of format 1.4
 * (types 16-36) counted and shown (FORMAT.md section 6, keys
 * "reclaim_compaction" and "vmstat").
 */
#ifndef BUDDYSCOPE_CLI_INFO_MM_H
#define BUDDYSCOPE_CLI_INFO_MM_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "tracefmt.h"

#define INFO_MM_MAX_COUNTERS 64

struct info_mm_counter {
	char name[TRACEFMT_VMSTAT_NAME_MAX + 1];
	uint64_t first, last;
	bool in_first, in_last; /* seen in the first / the latest reading */
};

struct info_mm {
	uint64_t by_type[TRACEFMT_MM_NR_TYPES];
	uint64_t runs_by_status[TRACEFMT_MAX_COMPACT_RESULT + 1];
	uint64_t isolated_migrate, isolated_free, migrated, migrate_failed, direct_reclaimed;
	/* vmstat readings: distinct seq; counters of the first and the latest */
	uint64_t vm_readings;
	uint32_t vm_first_seq, vm_last_seq;
	struct info_mm_counter counters[INFO_MM_MAX_COUNTERS];
	unsigned int nr_counters;
};

/* Count @ev if it is of types 16-36. */
void info_mm_account(struct info_mm *m, const struct tracefmt_event *ev);
/* Add "reclaim_compaction" and "vmstat" to @o. */
void info_mm_json(json_t *o, const struct info_mm *m);
/* The text lines (nothing when the trace has no record of types 16-36). */
void info_mm_print(const struct info_mm *m);

#endif
