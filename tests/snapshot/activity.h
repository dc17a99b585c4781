/* SPDX-License-Identifier: MIT */
/*
 * The event record of activity.bpf.c's ring buffer, shared with the test
 * that reads it. __u types only, no holes.
 */
#ifndef BUDDYSCOPE_TEST_ACTIVITY_H
#define BUDDYSCOPE_TEST_ACTIVITY_H

/* One logged kmem page event; type is the tracefmt record type. */
struct act_log {
	__u64 ts;    /* bpf_ktime_get_ns */
	__u64 pfn;
	__u32 type;
	__u32 order; /* 0 where the event has none */
	__s32 mt;    /* -1 where the event has none */
	__u32 pad;
};

#endif
