/* SPDX-License-Identifier: MIT */
/*
 * capture: record the live kernel's page allocator into a .bst trace with
 * eBPF. The six kmem page tracepoints go through per-cpu rings of 32-byte
 * slots in a BPF array map (bpf/pagealloc.bpf.c, pagealloc_event.h) into a
 * tracefmt writer, with:
 *  - a header of the host (hostinfo/hostinfo.h, schema in hostinfo/HEADER.md);
 *  - checkpoints of /proc/pagetypeinfo + zoneinfo free counts at start,
 *    every checkpoint interval and at the end, on the events' clock, each
 *    with every zone's size, watermarks and vm.min_free_kbytes (zone state
 *    records: memory can appear at runtime);
 *  - every watermark recompute (kmem:mm_setup_per_zone_wmarks), where the
 *    kernel has that tracepoint;
 *  - pid -> command name records the first time a pid is seen (again after
 *    an exec or once the pid has exited and come back);
 *  - lost-event records per cpu whenever a cpu's ring was full, sent by
 *    the BPF side once the ring has room again, so each lands among its
 *    cpu's events with the window of its drops (first and last ns), and
 *    (cpu CAPTURE_LOST_CPU_UNKNOWN) for hits the kernel skipped, with the
 *    window between the two reads of its counter (every 100 ms);
 *  - a flushed block at least once a second, so a kill -9 loses at most
 *    the last second and the file stays readable.
 *
 * Lifecycle (bootstrap.c style): capture_create() checks permissions, mounts
 * tracefs if needed, loads and attaches the programs, writes the header and
 * the first checkpoint; the caller then calls capture_poll() in a loop until
 * it wants to stop (its own timer, signal or child exit), then
 * capture_finish() and capture_destroy(). The library never prints, never
 * forks and installs no signal handlers: that is the CLI's job.
 */
#ifndef BUDDYSCOPE_CAPTURE_H
#define BUDDYSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "tracefmt.h"

#define CAPTURE_NR_TRACEPOINTS 6

/*
 * cpu of the lost-event records for tracepoint hits the kernel skipped
 * because another BPF program was already running on that cpu (it counts
 * them per program, not per cpu).
 */
#define CAPTURE_LOST_CPU_UNKNOWN UINT32_MAX

struct capture_opts {
	const char *output;		 /* trace file to create: written as OUTPUT.partial
					    (kept if the capture dies), renamed at the end */
	bool replace;			 /* an existing OUTPUT (or OUTPUT.partial) may be
					    replaced; else -EEXIST */
	uint32_t checkpoint_interval_ms; /* 0 = 1000 */
	uint32_t ringbuf_mib;		 /* ring per cpu, MiB, power of two; 0 = 16,
					    less on hosts with over 16 cpus (256 MiB in all, >= 2 each) */
	uint32_t flush_interval_ms;	 /* 0 = 900 (must stay under 1000) */
	bool classic_tracepoints;	 /* record with the classic tp/kmem programs only
					    (slower; the fallback, kept for comparison) */
	/*
	 * Called, if set, from capture_poll() for each rare page event as it
	 * is written: a failed mm_page_alloc (pfn TRACEFMT_PFN_NONE) and every
	 * mm_page_alloc_extfrag (the flight recorder's triggers). It may write
	 * records through capture_writer(); they follow @ev in the file.
	 */
	void (*on_rare_event)(void *ctx, const struct tracefmt_event *ev);
	void *rare_ctx;
};

/*
 * CPU time of the process (all threads, kernel time included: the BPF
 * verifier runs in the loading thread's syscall) in each step of
 * capture_create(), ns. Bench figures.
 */
struct capture_startup_cpu {
	uint64_t open_ns;	/* opening the BPF object, tracefs, probing tracepoints */
	uint64_t load_ns;	/* BPF load: map creation (the rings) and verification */
	uint64_t calib_ns;	/* measuring the vmemmap base for raw tracepoints */
	uint64_t header_ns;	/* the header: /proc and /sys reads, JSON */
	uint64_t output_ns;	/* creating the file, mapping the rings */
	uint64_t attach_ns;	/* attaching the programs */
	uint64_t checkpoint_ns; /* the first checkpoint reading and its flush */
	uint64_t total_ns;	/* capture_create() as a whole */
};

struct capture_stats {
	bool raw_tracepoints;		    /* raw_tp programs record (else classic tp/) */
	char classic_reason[128];	    /* why not, when raw ones could not be used */
	uint64_t start_ns;		    /* CLOCK_MONOTONIC at the first checkpoint */
	uint64_t events;		    /* page events written */
	uint64_t by_type[TRACEFMT_NR_TYPES]; /* records written, by tracefmt type */
	uint64_t lost;			    /* page events dropped (sum over cpus) */
	uint64_t lost_recursion;	    /* of which: hits skipped by the kernel (cpu unknown) */
	uint64_t lost_records;		    /* TRACEFMT_LOST records written */
	uint64_t comms;			    /* TRACEFMT_COMM records written */
	uint64_t checkpoints;		    /* readings taken (each = one record per zone) */
	bool wmark_tracepoint;		    /* kmem:mm_setup_per_zone_wmarks is recorded */
	uint64_t wmarks_overwritten;	    /* recomputes whose values were overwritten before
					       they were read: not written (none seen so far) */
	uint64_t bytes;			    /* bytes written to the file so far */
	/* What limits the drain (bench figures; they depend on load, tests never assert them): */
	uint64_t drains;		    /* drain passes */
	uint64_t drain_gap_max_ns;	    /* longest time from one drain's start to the next's */
	uint64_t drain_busy_max_ns;	    /* longest drain pass (reading + encoding) */
	uint64_t drain_busy_ns;		    /* all drain passes together */
	uint64_t ring_fill_max;		    /* most slots one ring held at a drain's start */
	uint64_t checkpoint_max_ns;	    /* longest /proc checkpoint reading (no drain meanwhile) */
	uint64_t flush_max_ns;		    /* longest block flush to the file */
	uint32_t ring_slots;		    /* slots per cpu ring */
	struct capture_startup_cpu startup; /* CPU spent by capture_create(), by step */
	uint32_t nr_missing;		    /* tracepoints this kernel lacks */
	const char *missing[CAPTURE_NR_TRACEPOINTS]; /* their names (static strings) */
};

struct capture;

/*
 * Why capture_create() failed, beyond -errno, so the CLI can say what to do.
 */
enum capture_failure {
	CAPTURE_FAIL_NONE = 0,
	CAPTURE_FAIL_NOT_ROOT,	    /* euid is not 0 */
	CAPTURE_FAIL_TRACEFS,	    /* tracefs missing and could not be mounted */
	CAPTURE_FAIL_NO_TRACEPOINTS, /* none of the six kmem tracepoints exists */
	CAPTURE_FAIL_OUTPUT,	    /* output cannot be created or written */
	CAPTURE_FAIL_BPF_DENIED,    /* the kernel refused BPF (EPERM/EACCES) */
	CAPTURE_FAIL_BPF,	    /* other BPF load or attach failure */
	CAPTURE_FAIL_PROC,	    /* /proc/zoneinfo or pagetypeinfo unreadable */
};

/**
 * capture_create() - start recording into @opts->output. Returns NULL with
 * errno set, @err filled (a sentence naming the file, tracepoint or step)
 * and *@why (may be NULL) saying which kind of failure it was. On failure
 * no output file is left behind.
 */
struct capture *capture_create(const struct capture_opts *opts, enum capture_failure *why,
			       struct bs_error *err);

/**
 * capture_poll() - wait up to @timeout_ms for events, write them, and do the
 * periodic work that is due (lost-event records, checkpoints, block flush).
 * Returns 0, or -errno when writing failed (-ENOSPC for a full disk): stop
 * and call capture_finish(), which keeps everything already written.
 */
int capture_poll(struct capture *c, int timeout_ms, struct bs_error *err);

/**
 * capture_checkpoint() - take a checkpoint reading now (the next seq: a
 * checkpoint record per populated zone and a zone state record per zone,
 * as the periodic ones) and flush it to the file. The CLI calls it right
 * after the free-list snapshot, so the first reading at or after the start
 * state is seconds closer than the next periodic one. Does not move the
 * periodic schedule. Returns 0 or -errno (write or /proc failure).
 */
int capture_checkpoint(struct capture *c, struct bs_error *err);

/**
 * capture_reading_settle() - the periodic checkpoint reading runs in a
 * thread of its own (/proc/pagetypeinfo can take a few hundred ms on a
 * busy host); wait for the one in flight, if any, and write it, so a
 * caller about to stop sees it in capture_last_reading(). Returns 0 or
 * -errno (the reading's or the writer's error).
 */
int capture_reading_settle(struct capture *c, struct bs_error *err);

/**
 * capture_finish() - take the end checkpoint, detach, drain the rings,
 * write the final lost counts and close the trace. Returns 0 or the first
 * write error (the file then holds every block written before it).
 */
int capture_finish(struct capture *c, struct bs_error *err);

/**
 * capture_output_switch() - end the current file as a complete trace (the
 * rings drained into it first, its lost counts written) and go on in a new
 * file @path, written as @path.partial like the first, with the same header
 * and a checkpoint reading at once. The caller then takes the free-list
 * snapshot and capture_checkpoint(), as at the start, so the new file
 * replays on its own. Pid names are written again as pids show up. The
 * counters (capture_stats()) go on over all files, except bytes, which is
 * the new file's. Returns 0 or -errno: the old file could not be finished
 * (it stays as its .partial) or @path not created (the capture cannot go
 * on: call capture_finish(), which then only detaches).
 */
int capture_output_switch(struct capture *c, const char *path, struct bs_error *err);

/**
 * capture_output_limit() - keep the file being written within @bytes (0: no
 * limit; tracefmt_writer_set_limit()): past it events are dropped, counted in
 * one lost record at the end, and capture_output_limit_reached() turns true so
 * the caller stops. A new file (capture_output_switch()) starts unlimited.
 */
void capture_output_limit(struct capture *c, uint64_t bytes);
bool capture_output_limit_reached(const struct capture *c);

/**
 * capture_last_reading() - the records of the latest checkpoint reading
 * (checkpoints and zone states of one seq), *@n of them; borrowed until
 * the next capture call.
 */
const struct tracefmt_event *capture_last_reading(const struct capture *c, size_t *n);

/* The file being written now (its final name; it is @path.partial until done). */
const char *capture_output(const struct capture *c);

/* Counters so far; borrowed, valid until capture_destroy(). */
const struct capture_stats *capture_stats(const struct capture *c);

/**
 * capture_writer() - the trace writer, borrowed until capture_finish(), for
 * records another module adds at one point of the capture (the free-list
 * snapshot, capture/snapshot/snapshot.h). Use it between capture_poll()
 * calls only: the writer is not thread-safe.
 */
struct tracefmt_writer *capture_writer(struct capture *c);

/**
 * capture_side_drain_start() - while the caller keeps the writer for long
 * between two capture_poll() calls (the free-list snapshot: its BPF load
 * alone took over a second on a busy host), a thread moves the committed
 * slots out of the rings into memory, so the rings do not fill meanwhile;
 * the next capture_poll() writes them first, in order. Up to 128 MiB a
 * cpu, then the ring fills as it would without. Until
 * capture_side_drain_stop(), call nothing else of @c but capture_writer()
 * and capture_stats(). Returns 0, -EINVAL when already running or
 * finished, or -errno of the thread's creation.
 */
int capture_side_drain_start(struct capture *c);

/* capture_side_drain_stop() - end the side drain (waits for its thread). NULL-safe. */
void capture_side_drain_stop(struct capture *c);

/* Detach, unload and free; abandons the trace if not finished. NULL-safe. */
void capture_destroy(struct capture *c);

/* CLOCK_MONOTONIC now, in ns: the clock of the events. */
uint64_t capture_now_ns(void);

/* CPU time of this process so far (all threads, user + system), ns. */
uint64_t capture_process_cpu_ns(void);

#endif /* BUDDYSCOPE_CAPTURE_H */
