/* SPDX-License-Identifier: MIT */
/*
 * The capture command's flight recorder and bounded files (capture/RECORDER.md):
 * --ring (a ring of segment files, dumped on SIGUSR1 or a trigger),
 * --switch-output / --keep (a new self-contained file at each switch point)
 * and --max-size. capture_cmd.c parses the options into struct rec_opts
 * and calls rec_* around its poll loop.
 */
#ifndef BUDDYSCOPE_CLI_CAPTURE_REC_H
#define BUDDYSCOPE_CLI_CAPTURE_REC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "recorder.h"

#define REC_MAX_TRIGGERS 4

struct rec_opts {
	uint64_t ring_bytes;		/* --ring: bytes of trace kept; 0 = no ring */
	uint64_t snapshot_interval_ns;	/* --snapshot-interval: segment length */
	uint64_t max_bytes;		/* --max-size: 0 = none */
	uint64_t switch_bytes;		/* --switch-output SIZE */
	uint64_t switch_ns;		/* --switch-output DURATION */
	uint32_t keep;			/* --keep: files kept; 0 = all */
	uint64_t post_ns;		/* --post: capture after a trigger */
	const char *triggers[REC_MAX_TRIGGERS]; /* --trigger, parsed at start */
	int nr_triggers;
	const char *pidfile;		/* --pidfile */
	bool quiet;
};

struct rec;

/* Set from SIGUSR1: a dump is asked for. */
extern volatile sig_atomic_t rec_dump_requested;

/* Whether any recorder option is set (the plain capture when not). */
bool rec_opts_active(const struct rec_opts *o);

/**
 * rec_first_output() - the file the capture starts in for @out: @out for a
 * plain capture or --max-size alone, else the first numbered file
 * (switch-output) or segment (ring, in OUT-without-.bst.ring/). Prints and
 * returns -1 on failure (the ring directory cannot be made).
 */
int rec_first_output(const struct rec_opts *o, const char *out, bool force, char *buf,
		     size_t len);

/*
 * rec_create() - the recorder state; @snapshot, when set, takes the free-list
 * snapshot and the checkpoint after it (what the capture does at its start).
 * Sets the capture options' rare-event hook. NULL (message printed) on a bad
 * trigger or no memory.
 */
struct rec *rec_create(const struct rec_opts *o, const char *out, struct capture_opts *copts,
		       uint32_t pageblock_order,
		       void (*snapshot)(struct capture *c, bool quiet));

/* After capture_create(): the start time of the first file, the pidfile. */
int rec_start(struct rec *r, struct capture *c);

/**
 * rec_poll() - after each capture_poll(): dumps asked for or due, triggers
 * at checkpoints, segment and file switches, the size bound. Returns 0, 1
 * when the capture must stop cleanly (--max-size reached; said on stderr),
 * or -1 on a failure (said on stderr).
 */
int rec_poll(struct rec *r, struct capture *c, uint64_t now);

/* Before capture_finish(): a dump still due is written now. */
void rec_before_finish(struct rec *r, struct capture *c);

/* After capture_finish(): the ring's segments go, the pidfile goes. NULL-safe. */
void rec_destroy(struct rec *r, struct capture *c);

/* capture --dump PID|PIDFILE: send SIGUSR1; returns the exit status. */
int rec_send_dump(const char *target);

#endif
