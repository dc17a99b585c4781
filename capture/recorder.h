/* SPDX-License-Identifier: MIT */
/*
 * recorder: the pieces of capture's flight recorder and bounded files that
 * need no BPF, so they are tested anywhere (capture/RECORDER.md is the
 * user's manual):
 *  - sizes ("64M") and switch points ("100M", "30s", "10m", "1h");
 *  - triggers (--trigger alloc-fail | 'free-order9<N' | extfrag): parsed
 *    once, then held against each rare event the capture reports and each
 *    checkpoint reading, giving the TRACEFMT_TRIGGER record to write;
 *  - file names BASE.NNNN.YYYYmmddTHHMMSS.bst (sequence number from 1,
 *    UTC start time of that file), BASE being the output without ".bst";
 *  - a list of finished files, oldest first, trimmed to a byte budget or a
 *    count (the ring of segments, --keep);
 *  - joining trace files into one trace (a dump of the ring);
 *  - the loop around a live capture that uses them (at the end; in
 *    buddyscope::capture).
 * The pieces above the loop depend on tracefmt only; nothing here prints.
 */
#ifndef BUDDYSCOPE_RECORDER_H
#define BUDDYSCOPE_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracefmt.h"

/**
 * recorder_parse_size() - "4096", "64K", "64M", "2G" (also "KiB", "MiB",
 * "GiB"; powers of 1024) into *@bytes. 0 or -EINVAL (also for 0, a
 * fraction, a sign or an overflow).
 */
int recorder_parse_size(const char *s, uint64_t *bytes);

/**
 * recorder_parse_switch() - a switch point: a size as above (*@bytes set,
 * *@ns 0) or a duration "30s", "10m", "1h" (*@ns set, *@bytes 0). A bare
 * number is refused (-EINVAL): it could be either.
 */
int recorder_parse_switch(const char *s, uint64_t *bytes, uint64_t *ns);

struct recorder_trigger {
	uint32_t kind;	      /* enum tracefmt_trigger_kind; 0 = none */
	uint32_t min_order;   /* free-order: orders counted are >= this */
	uint64_t limit;	      /* free-order: fires below this many blocks */
	uint32_t pageblock_order; /* extfrag: a fallback below it fragments */
	char zone[TRACEFMT_ZONE_NAME_LEN]; /* free-order: only this zone; "" = any */
};

/**
 * recorder_trigger_parse() - "alloc-fail", "free-orderK<N[@ZONE]" (K
 * 0..15, N a positive count; "free-order9<4" fires at a checkpoint where
 * some zone has fewer than 4 free blocks of order 9 or more,
 * "free-order9<4@Normal" only for zones named Normal) or "extfrag" into @t.
 * @pageblock_order is the host's (the header's). 0 or -EINVAL.
 */
int recorder_trigger_parse(const char *s, uint32_t pageblock_order, struct recorder_trigger *t);

/**
 * recorder_trigger_event() - whether the page event @ev fires @t: a failed
 * mm_page_alloc (pfn TRACEFMT_PFN_NONE) for alloc-fail, an
 * mm_page_alloc_extfrag with fallback_order < pageblock_order for extfrag.
 * When it does, @out is the TRACEFMT_TRIGGER record (@ev's time, cpu, pid).
 */
bool recorder_trigger_event(const struct recorder_trigger *t, const struct tracefmt_event *ev,
			    struct tracefmt_event *out);

/**
 * recorder_trigger_reading() - whether the checkpoint reading @recs (@n
 * records of one seq; zone states among them are ignored) fires a
 * free-order trigger @t: a zone (with pagetypeinfo counts) whose free
 * blocks of order >= t->min_order, summed over migratetypes, are fewer
 * than t->limit. The first such zone goes into @out.
 */
bool recorder_trigger_reading(const struct recorder_trigger *t, const struct tracefmt_event *recs,
			      size_t n, struct tracefmt_event *out);

/**
 * recorder_file_name() - "BASE.NNNN.YYYYmmddTHHMMSS.bst" into @buf (@len
 * bytes): BASE is @output without a final ".bst", NNNN @seq (at least four
 * digits), the time @unix_s in UTC. 0, or -ENAMETOOLONG.
 */
int recorder_file_name(char *buf, size_t len, const char *output, uint32_t seq, int64_t unix_s);

/* Finished files, oldest first. */
struct recorder_files {
	char **paths;
	uint64_t *bytes;
	size_t nr, cap;
	uint64_t total_bytes; /* sum of bytes[] */
};

/* Add @path (copied) of @bytes at the newest end. 0 or -ENOMEM. */
int recorder_files_add(struct recorder_files *f, const char *path, uint64_t bytes);

/**
 * recorder_files_trim() - delete (unlink) the oldest files while more than
 * @keep are listed (@keep 0: no count limit) or while total_bytes +
 * @extra_bytes is above @max_bytes (0: no byte limit). Returns the number
 * deleted; a file that cannot be unlinked is dropped from the list all the
 * same (it is no longer ours to count).
 */
size_t recorder_files_trim(struct recorder_files *f, size_t keep, uint64_t max_bytes,
			   uint64_t extra_bytes);

/* Free the list (files stay on disk). NULL-safe members. */
void recorder_files_release(struct recorder_files *f);

/**
 * recorder_join() - write @out (through a hidden temporary, renamed at the
 * end; an existing @out is refused) as one trace: the header of @paths[0]
 * and the record blocks of @paths[0..@n) in order
 * (tracefmt_writer_append_trace(): the last may be a .partial still being
 * written). *@records (may be NULL) receives the records copied. Returns 0
 * or -errno with @err naming the file.
 */
int recorder_join(const char *out, const char *const *paths, size_t n, uint64_t *records,
		  struct bs_error *err);

/*
 * The loop around a capture (recorder_loop.c, in buddyscope::capture: it
 * drives struct capture, so it is built only with the capture). The CLI
 * parses the options into struct recorder_opts and calls, around its
 * capture_poll() loop: recorder_first_output(), recorder_create() (before
 * capture_create(): it sets the rare-event hook), recorder_start(),
 * recorder_poll() after each poll, recorder_before_finish(),
 * recorder_destroy(). Nothing here prints: notes go to @note, failures to
 * the error struct.
 */
struct capture;
struct capture_opts;

#define RECORDER_MAX_TRIGGERS 4

struct recorder_opts {
	uint64_t ring_bytes;		/* --ring: bytes of trace kept; 0 = no ring */
	uint64_t snapshot_interval_ns;	/* --snapshot-interval: segment length */
	uint64_t max_bytes;		/* --max-size: 0 = none */
	uint64_t switch_bytes;		/* --switch-output SIZE */
	uint64_t switch_ns;		/* --switch-output DURATION */
	uint32_t keep;			/* --keep: files kept; 0 = all */
	uint64_t post_ns;		/* --post: capture after a trigger */
	const char *triggers[RECORDER_MAX_TRIGGERS]; /* --trigger, parsed by recorder_create() */
	int nr_triggers;
	const char *pidfile;		/* --pidfile */
	bool quiet;			/* only the notes a quiet capture still gives */
	/* What the user is told (a trigger fired, a dump written, why it stops), one line each. */
	void (*note)(void *ctx, const char *text);
	void *note_ctx;
	/* Takes the free-list snapshot and the checkpoint after it at each new file. */
	void (*snapshot)(void *ctx, struct capture *c, bool quiet);
	void *snapshot_ctx;
};

struct recorder;

/* Whether any recorder option is set (the plain capture when not). */
bool recorder_opts_active(const struct recorder_opts *o);

/**
 * recorder_first_output() - the file the capture starts in for @out: @out
 * for a plain capture or --max-size alone, else the first numbered file
 * (switch-output) or segment (ring, in OUT-without-.bst.ring/, made here;
 * @force reuses an old one). 0 or -errno with @err.
 */
int recorder_first_output(const struct recorder_opts *o, const char *out, bool force, char *buf,
			  size_t len, struct bs_error *err);

/**
 * recorder_create() - the recorder state (a copy of @o), its triggers parsed
 * for @pageblock_order; sets @copts' rare-event hook when there are
 * triggers. NULL with errno and @err on a bad trigger (-EINVAL) or no memory.
 */
struct recorder *recorder_create(const struct recorder_opts *o, const char *out,
				 struct capture_opts *copts, uint32_t pageblock_order,
				 struct bs_error *err);

/* After capture_create(): the start time of the first file, the pidfile. 0 or -errno. */
int recorder_start(struct recorder *r, struct capture *c, struct bs_error *err);

/* A dump is asked for (SIGUSR1): the next recorder_poll() writes it. Signal-unsafe. */
void recorder_dump_request(struct recorder *r);

/**
 * recorder_poll() - after each capture_poll(): dumps asked for or due,
 * triggers at checkpoints, segment and file switches, the size bound.
 * Returns 0, 1 when the capture must stop cleanly (--max-size reached; said
 * through the note), or -errno with @err.
 */
int recorder_poll(struct recorder *r, struct capture *c, uint64_t now, struct bs_error *err);

/* Before capture_finish(): a dump still due is written now. NULL-safe. */
void recorder_before_finish(struct recorder *r, struct capture *c);

/* After capture_finish(): the ring's segments go, the pidfile goes. NULL-safe. */
void recorder_destroy(struct recorder *r, struct capture *c);

#endif /* BUDDYSCOPE_RECORDER_H */
