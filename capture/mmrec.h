/* SPDX-License-Identifier: MIT */
/*
 * Private to capture/: the reclaim and compaction tracepoints of format 1.4
 * (tracefmt types 16-35) on the loader's side. Their BPF programs
 * (bpf/pagealloc.bpf.c, one per tracepoint, named after the tracefmt type)
 * put the fields into the side table "mmrecs" and a PAGEALLOC_EV_MM slot
 * into the cpu's ring (pagealloc_event.h). capture.c calls these around
 * its own load, attach, drain and detach; this file owns the links and the
 * mapping of the table.
 */
#ifndef BUDDYSCOPE_CAPTURE_MMREC_H
#define BUDDYSCOPE_CAPTURE_MMREC_H

#include <stdbool.h>
#include <stdint.h>

#include "pagealloc_event.h"
#include "tracefmt.h"

struct bpf_object;
struct bpf_map;
struct bpf_link;
struct bpf_program;

struct capture_mm {
	struct bpf_link *links[TRACEFMT_MM_NR_TYPES]; /* by type - TRACEFMT_MM_FIRST */
	struct bpf_program *progs[TRACEFMT_MM_NR_TYPES]; /* of the attached links */
	bool present[TRACEFMT_MM_NR_TYPES];	      /* the kernel has the tracepoint */
	const struct pagealloc_mm *recs;	      /* mmap of "mmrecs" */
	uint32_t nr_attached;
	uint64_t overwritten; /* hits whose entry was overwritten before the drain */
};

/**
 * capture_mm_select() - before the load: keep the programs of the
 * tracepoints that exist under @tracefs (a kernel without CONFIG_COMPACTION
 * has no events/compaction), all of them off when @off.
 */
void capture_mm_select(struct capture_mm *m, struct bpf_object *obj, const char *tracefs,
		       bool off);

/**
 * capture_mm_attach() - after the load: map @recs and attach the selected
 * programs. Returns 0, or -errno with *@what naming the step that failed.
 */
int capture_mm_attach(struct capture_mm *m, struct bpf_object *obj, struct bpf_map *recs,
		      const char **what);

/**
 * capture_mm_event() - the record of a PAGEALLOC_EV_MM slot @e of @cpu into
 * @ev. Returns 1, or 0 when its entry was overwritten (counted in
 * m->overwritten: the caller writes it as a lost event).
 */
int capture_mm_event(struct capture_mm *m, const struct pagealloc_event *e, uint32_t cpu,
		     struct tracefmt_event *ev);

/* Hits of the attached programs the kernel skipped (nesting): recursion misses. */
uint64_t capture_mm_misses(const struct capture_mm *m);

/* The names of the attached tracepoints ("vmscan:mm_vmscan_kswapd_wake", ...) for the header. */
struct json_t;
struct json_t *capture_mm_names_json(const struct capture_mm *m);

/* Unmap the table; the links are detached by capture.c with its own (links[]). */
void capture_mm_release(struct capture_mm *m);

#endif
