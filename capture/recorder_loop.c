/* SPDX-License-Identifier: MIT */
/*
 * The flight recorder and bounded files around a live capture (recorder.h,
 * "The loop around a capture"; capture/RECORDER.md is the manual). A ring
 * is a directory of segment files: each segment is a complete trace that
 * starts like a capture does (checkpoint, free-list snapshot, checkpoint),
 * cut every --snapshot-interval or when it reaches a quarter of the ring,
 * and the oldest go while the ring holds more than --ring bytes. A dump
 * joins the kept segments and the one being written (up to its last flushed
 * block) into one trace, block by block. It lives in buddyscope::capture
 * (it drives struct capture); the BPF-free pieces it uses are recorder.c.
 * Nothing here prints: what a user is told goes through opts->note.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "capture_internal.h"
#include "outfile.h"
#include "recorder.h"

/* --max-size stops this far below the bound, so a poll's drain and the end usually fit;
 * the writer's limit (capture_output_limit()) is the hard bound behind it. */
#define MAX_SIZE_RESERVE (2ull << 20)

struct recorder {
	struct recorder_opts o;
	char *out;			 /* -o as given */
	char *ring_dir;			 /* OUT.ring when a ring */
	struct recorder_trigger trig[RECORDER_MAX_TRIGGERS];
	bool held[RECORDER_MAX_TRIGGERS]; /* free-order: fired, waits for the zone to recover */
	int nr_trig;
	struct capture *c;		 /* for the rare-event hook */
	struct recorder_files files;	 /* finished segments or files, oldest first */
	uint64_t written_bytes;		 /* every finished file's bytes (--max-size) */
	uint32_t file_seq;		 /* number of the file being written */
	uint32_t dump_seq;		 /* dumps written */
	uint64_t file_start_ns;		 /* when the current file began */
	uint64_t last_checkpoints;	 /* readings seen, for the free-order triggers */
	bool dump_asked;		 /* recorder_dump_request() since the last poll */
	bool pending;			 /* a trigger fired: dump at dump_due_ns */
	uint64_t dump_due_ns;
	uint64_t triggers_ignored;	 /* fired while a dump was pending */
};

/* Tell the user @fmt through opts->note, when the caller listens. */
static void note(const struct recorder *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct recorder *r, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (!r->o.note)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->o.note(r->o.note_ctx, text);
}

static int64_t unix_now(void)
{
	return (int64_t)time(NULL);
}

bool recorder_opts_active(const struct recorder_opts *o)
{
	return o->ring_bytes || o->max_bytes || o->switch_bytes || o->switch_ns || o->nr_triggers ||
	       o->pidfile;
}

static bool numbered_files(const struct recorder_opts *o)
{
	return o->ring_bytes || o->switch_bytes || o->switch_ns;
}

/* OUT without ".bst", plus ".ring". */
static char *ring_dir_name(const char *out)
{
	size_t n = strlen(out);
	char *d;

	if (n > 4 && !strcmp(out + n - 4, ".bst"))
		n -= 4;
	d = malloc(n + 6);
	if (d)
		snprintf(d, n + 6, "%.*s.ring", (int)n, out);
	return d;
}

/* The ring directory, new; with @force an old one's trace files go first. */
static int ring_dir_make(const char *dir, bool force, struct bs_error *err)
{
	DIR *d;
	struct dirent *de;
	char p[4096];

	if (!mkdir(dir, 0755))
		return 0;
	if (errno != EEXIST || !force)
		return capture_error_set(err, BS_NOWHERE, -errno, "%s: cannot make the ring directory: %s%s", dir,
			       strerror(errno), errno == EEXIST ? " (use --force to reuse it)" : "");
	d = opendir(dir);
	if (!d)
		return capture_error_set(err, BS_NOWHERE, -errno, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".bst")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	closedir(d);
	return 0;
}

/* Name of file @seq starting now: numbered beside OUT, or a segment in the ring. */
static int file_name(const struct recorder_opts *o, const char *out, const char *ring_dir,
		     uint32_t seq, char *buf, size_t len)
{
	char base[4096];

	if (!o->ring_bytes)
		return recorder_file_name(buf, len, out, seq, unix_now());
	snprintf(base, sizeof(base), "%s/segment", ring_dir);
	return recorder_file_name(buf, len, base, seq, unix_now());
}

int recorder_first_output(const struct recorder_opts *o, const char *out, bool force, char *buf,
			  size_t len, struct bs_error *err)
{
	char *dir = NULL;
	int ret;

	if (!numbered_files(o)) {
		snprintf(buf, len, "%s", out);
		return 0;
	}
	if (o->ring_bytes) {
		dir = ring_dir_name(out);
		if (!dir)
			return capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
		ret = ring_dir_make(dir, force, err);
		if (ret) {
			free(dir);
			return ret;
		}
	}
	ret = file_name(o, out, dir, 1, buf, len);
	free(dir);
	if (ret)
		return capture_error_set(err, BS_NOWHERE, ret, "%s: the file name is too long", out);
	return 0;
}

/* A trigger record into the file being written; a dump falls due --post later. */
static void fire(struct recorder *r, const struct tracefmt_event *t)
{
	struct tracefmt_writer *w = capture_writer(r->c);

	if (r->pending) {
		r->triggers_ignored++;
		return;
	}
	if (w && tracefmt_writer_append(w, t))
		return; /* the write error stops the capture at its next poll */
	r->pending = true;
	r->dump_due_ns = capture_now_ns() + r->o.post_ns;
	if (!r->o.quiet)
		note(r, "trigger %s fired (order %llu, value %llu, limit %llu%s%s); dump in %.1f s",
		     tracefmt_trigger_kind_name(t->u.trigger.kind),
		     (unsigned long long)t->u.trigger.order, (unsigned long long)t->u.trigger.value,
		     (unsigned long long)t->u.trigger.limit, t->u.trigger.zone[0] ? ", zone " : "",
		     t->u.trigger.zone, (double)r->o.post_ns / 1e9);
}

/* capture_opts.on_rare_event: a failed allocation or an extfrag event. */
static void on_rare(void *ctx, const struct tracefmt_event *ev)
{
	struct recorder *r = ctx;
	struct tracefmt_event t;

	for (int i = 0; i < r->nr_trig; i++)
		if (recorder_trigger_event(&r->trig[i], ev, &t)) {
			fire(r, &t);
			return;
		}
}

struct recorder *recorder_create(const struct recorder_opts *o, const char *out,
				 struct capture_opts *copts, uint32_t pageblock_order,
				 struct bs_error *err)
{
	struct recorder *r = calloc(1, sizeof(*r));

	if (!r || !(r->out = strdup(out)) || (o->ring_bytes && !(r->ring_dir = ring_dir_name(out)))) {
		capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
		recorder_destroy(r, NULL);
		errno = ENOMEM;
		return NULL;
	}
	r->o = *o;
	r->file_seq = 1;
	for (int i = 0; i < o->nr_triggers && i < RECORDER_MAX_TRIGGERS; i++) {
		if (recorder_trigger_parse(o->triggers[i], pageblock_order, &r->trig[i])) {
			capture_error_set(err, BS_NOWHERE, -EINVAL, "--trigger '%s' is not alloc-fail, extfrag or "
					      "free-orderK<N[@ZONE] (e.g. 'free-order9<4')",
				o->triggers[i]);
			recorder_destroy(r, NULL);
			errno = EINVAL;
			return NULL;
		}
		r->nr_trig++;
	}
	if (r->nr_trig) {
		copts->on_rare_event = on_rare;
		copts->rare_ctx = r;
	}
	return r;
}

int recorder_start(struct recorder *r, struct capture *c, struct bs_error *err)
{
	FILE *f;

	r->c = c;
	r->file_start_ns = capture_now_ns();
	r->last_checkpoints = 0; /* the start's reading is checked at the first poll */
	if (r->o.max_bytes)
		capture_output_limit(c, r->o.max_bytes);
	if (!r->o.pidfile)
		return 0;
	f = fopen(r->o.pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
		return capture_error_set(err, BS_NOWHERE, errno ? -errno : -EIO, "%s: cannot write the pid: %s",
			       r->o.pidfile, strerror(errno));
	return 0;
}

void recorder_dump_request(struct recorder *r)
{
	r->dump_asked = true;
}

/*
 * Join the kept segments and the one being written into the next dump file.
 * The capture's checkpoint first: it flushes the current segment, so the
 * dump holds everything recorded up to now and ends with a reading. A dump
 * that cannot be joined is said, and the recorder goes on: the ring is
 * intact.
 */
static int dump_write(struct recorder *r, struct capture *c, struct bs_error *err)
{
	const char **paths = calloc(r->files.nr + 1, sizeof(*paths));
	struct bs_error jerr = { 0 };
	char name[4096], partial[4096];
	uint64_t t0 = capture_now_ns(), records = 0;
	int ret;

	if (!paths)
		return capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
	ret = capture_checkpoint(c, err);
	if (ret) {
		free(paths);
		return ret;
	}
	for (size_t i = 0; i < r->files.nr; i++)
		paths[i] = r->files.paths[i];
	outfile_partial_name(capture_output(c), partial, sizeof(partial));
	paths[r->files.nr] = partial;
	recorder_file_name(name, sizeof(name), r->out, ++r->dump_seq, unix_now());
	ret = recorder_join(name, paths, r->files.nr + 1, &records, &jerr);
	free(paths);
	r->pending = false;
	if (ret)
		note(r, "error: dump %s: %s", name, jerr.text);
	else
		note(r, "dump: wrote %s (%llu records from %zu segments) in %.0f ms", name,
		     (unsigned long long)records, r->files.nr + 1,
		     (double)(capture_now_ns() - t0) / 1e6);
	return 0;
}

/* A request (recorder_dump_request()): its trigger record, then the dump at once. */
static int dump_on_request(struct recorder *r, struct capture *c, struct bs_error *err)
{
	struct tracefmt_event t;
	struct tracefmt_writer *w = capture_writer(c);

	memset(&t, 0, sizeof(t));
	t.type = TRACEFMT_TRIGGER;
	t.ts_ns = capture_now_ns();
	t.pid = (uint32_t)getpid();
	t.u.trigger.kind = TRACEFMT_TRIGGER_REQUEST;
	if (w)
		tracefmt_writer_append(w, &t);
	return dump_write(r, c, err);
}

/* The finished files kept: the ring's bytes, or --keep files. */
static void files_trim(struct recorder *r, struct capture *c)
{
	if (r->o.ring_bytes)
		recorder_files_trim(&r->files, 0, r->o.ring_bytes, capture_stats(c)->bytes);
	else if (r->o.keep == 1) /* only the file being written: every finished one goes */
		recorder_files_trim(&r->files, 0, 1, UINT64_MAX / 2);
	else if (r->o.keep)
		recorder_files_trim(&r->files, r->o.keep - 1, 0, 0);
}

/*
 * End the current file and start the next: the finished one joins the
 * list, which is trimmed to the ring (or --keep), and the new one starts
 * with a snapshot and the reading after it.
 */
static int file_switch(struct recorder *r, struct capture *c, struct bs_error *err)
{
	char next[4096], done[4096];
	struct stat sb;
	int ret;

	snprintf(done, sizeof(done), "%s", capture_output(c));
	if (file_name(&r->o, r->out, r->ring_dir, r->file_seq + 1, next, sizeof(next)))
		return capture_error_set(err, BS_NOWHERE, -ENAMETOOLONG, "%s: the file name is too long", r->out);
	ret = capture_output_switch(c, next, err);
	if (ret)
		return ret;
	r->file_seq++;
	r->file_start_ns = capture_now_ns();
	if (!stat(done, &sb)) {
		r->written_bytes += (uint64_t)sb.st_size;
		if (recorder_files_add(&r->files, done, (uint64_t)sb.st_size))
			return capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
	}
	if (r->o.max_bytes) /* the hard bound behind the stop below: what is left */
		capture_output_limit(c, r->o.max_bytes > r->written_bytes
						? r->o.max_bytes - r->written_bytes : 1);
	if (r->o.snapshot)
		r->o.snapshot(r->o.snapshot_ctx, c, true);
	files_trim(r, c);
	return 0;
}

/* Whether the current file is due to end: its time or its size. */
static bool switch_due(const struct recorder *r, const struct capture_stats *st, uint64_t now)
{
	uint64_t age = now - r->file_start_ns;

	if (r->o.ring_bytes)
		return age >= r->o.snapshot_interval_ns || st->bytes >= r->o.ring_bytes / 4;
	return (r->o.switch_ns && age >= r->o.switch_ns) ||
	       (r->o.switch_bytes && st->bytes >= r->o.switch_bytes);
}

/* A new checkpoint reading: the free-order triggers. */
static void check_reading(struct recorder *r, struct capture *c)
{
	const struct capture_stats *st = capture_stats(c);
	const struct tracefmt_event *recs;
	struct tracefmt_event t;
	size_t n;

	if (st->checkpoints == r->last_checkpoints)
		return;
	r->last_checkpoints = st->checkpoints;
	recs = capture_last_reading(c, &n);
	for (int i = 0; i < r->nr_trig; i++) {
		/* A state, not an event: it fires once, and again only after it cleared. */
		if (!recorder_trigger_reading(&r->trig[i], recs, n, &t)) {
			r->held[i] = false;
			continue;
		}
		if (r->held[i])
			continue;
		r->held[i] = true;
		fire(r, &t);
	}
}

/* Whether --max-size stops the capture now (said through the note). */
static bool size_bound_reached(const struct recorder *r, struct capture *c)
{
	const struct capture_stats *st = capture_stats(c);

	if (!r->o.max_bytes)
		return false;
	if (capture_output_limit_reached(c)) {
		note(r, "stopping: --max-size %.1f MiB reached; the events past it are counted in "
			"one lost record at the end of %s",
		     (double)r->o.max_bytes / 1048576.0, capture_output(c));
		return true;
	}
	if (r->written_bytes + st->bytes + MAX_SIZE_RESERVE < r->o.max_bytes)
		return false;
	note(r, "stopping: --max-size %.1f MiB reached (%.1f MiB written; the last %.0f MiB are "
		"kept for the end of the trace)",
	     (double)r->o.max_bytes / 1048576.0, (double)(r->written_bytes + st->bytes) / 1048576.0,
	     (double)MAX_SIZE_RESERVE / 1048576.0);
	return true;
}

int recorder_poll(struct recorder *r, struct capture *c, uint64_t now, struct bs_error *err)
{
	int ret;

	if (r->nr_trig)
		check_reading(r, c);
	if (r->dump_asked) {
		r->dump_asked = false;
		if (!r->o.ring_bytes)
			note(r, "note: SIGUSR1 ignored: no --ring to dump");
		else if ((ret = dump_on_request(r, c, err)))
			return ret;
	}
	if (r->pending && now >= r->dump_due_ns && (ret = dump_write(r, c, err)))
		return ret;
	if (numbered_files(&r->o) && switch_due(r, capture_stats(c), now) &&
	    (ret = file_switch(r, c, err)))
		return ret;
	return size_bound_reached(r, c) ? 1 : 0;
}

void recorder_before_finish(struct recorder *r, struct capture *c)
{
	struct bs_error err = { 0 };

	if (!r)
		return;
	if (r->nr_trig && !r->pending)
		check_reading(r, c); /* the reading that was in flight at the stop */
	if (r->pending && dump_write(r, c, &err))
		note(r, "error: %s", err.text);
	if (r->triggers_ignored && !r->o.quiet)
		note(r, "note: %llu more triggers fired while a dump was due (each dump holds the "
			"first)", (unsigned long long)r->triggers_ignored);
}

void recorder_destroy(struct recorder *r, struct capture *c)
{
	if (!r)
		return;
	if (r->ring_dir && c) {
		/* The ring is scratch: what is worth keeping was dumped. */
		recorder_files_trim(&r->files, 0, 1, UINT64_MAX / 2);
		unlink(capture_output(c));
	}
	if (r->ring_dir)
		rmdir(r->ring_dir); /* only when empty: a capture that never started */
	if (r->o.pidfile && c)
		unlink(r->o.pidfile);
	recorder_files_release(&r->files);
	free(r->ring_dir);
	free(r->out);
	free(r);
}
