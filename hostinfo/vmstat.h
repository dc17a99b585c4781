/* SPDX-License-Identifier: MIT */
/*
 * The /proc/vmstat counters of reclaim and compaction, read into vmstat
 * records (tracefmt type 36, FORMAT.md §4) with each checkpoint reading.
 */
#ifndef BUDDYSCOPE_HOSTINFO_VMSTAT_H
#define BUDDYSCOPE_HOSTINFO_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

/* Counters one reading holds at most (6.18 has 35 that match). */
#define VMSTAT_MAX_COUNTERS 64

/* Whether @name is one of the counters recorded (prefixes of FORMAT.md §4 "vmstat"). */
int vmstat_name_recorded(const char *name);

/**
 * vmstat_read() - the recorded counters of @path (NULL: /proc/vmstat) as
 * vmstat records of checkpoint @seq into @ev (@cap of them), ts_ns 0 (the
 * caller stamps them). Counters beyond @cap, or with a name longer than
 * TRACEFMT_VMSTAT_NAME_MAX, are left out. Returns 0 with *@nr set, or
 * -errno (@err names the file and the line).
 */
int vmstat_read(const char *path, uint32_t seq, struct tracefmt_event *ev, size_t cap, size_t *nr,
		struct tracefmt_error *err);

#endif
