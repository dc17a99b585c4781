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

/* Counters one reading holds at most (6.18 has 35 that are recorded). */
#define SYSINFO_VMSTAT_MAX 64

/* Whether the counter @name is recorded (the prefixes of FORMAT.md §4 "vmstat"). */
bool sysinfo_vmstat_recorded(const char *name);

/**
 * sysinfo_vmstat_parse() - the recorded counters of /proc/vmstat text
 * (@buf, @len) as vmstat records of checkpoint @seq, time @ts_ns, into
 * @out (@max of them; the rest, and names longer than
 * TRACEFMT_VMSTAT_NAME_MAX, are left out); *@nr receives their number.
 * Returns 0, or -EINVAL for a line that is not "name value" (@err says which).
 */
int sysinfo_vmstat_parse(const char *buf, size_t len, uint32_t seq, uint64_t ts_ns,
			 struct tracefmt_event *out, size_t max, size_t *nr,
			 struct bs_error *err);

/* sysinfo_vmstat_read() - the same from <@root>/proc/vmstat (@root NULL: this host). */
int sysinfo_vmstat_read(const char *root, uint32_t seq, uint64_t ts_ns,
			struct tracefmt_event *out, size_t max, size_t *nr,
			struct bs_error *err);

#endif
