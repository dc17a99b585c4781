/* SPDX-License-Identifier: MIT */
/*
 * `buddyscope info`: the reclaim and compaction records of format 1.4
 * (types 16-36), counted by tracefmt_summary_read(), shown (FORMAT.md section 6, keys
 * "reclaim_compaction" and "vmstat").
 */
#ifndef BUDDYSCOPE_CLI_INFO_MM_H
#define BUDDYSCOPE_CLI_INFO_MM_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "tracefmt.h"
#include "tracefmt_summary.h"

/* Add "reclaim_compaction" and "vmstat" to @o. */
void info_mm_json(json_t *o, const struct tracefmt_summary_mm *m);
/* The text lines (nothing when the trace has no record of types 16-36). */
void info_mm_print(const struct tracefmt_summary_mm *m);

#endif
