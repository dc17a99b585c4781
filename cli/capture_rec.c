/* SPDX-License-Identifier: MIT */
/*
 * The capture command's flight recorder and bounded files (capture_rec.h,
 * capture/RECORDER.md). A ring is a directory of segment files: each
 * segment is a complete trace that starts like a capture does (checkpoint,
 * free-list snapshot, checkpoint), cut every --snapshot-interval or when it
 * reaches a quarter of the ring, and the oldest go while the ring holds
 * more than --ring bytes. A dump joins the kept segments and the one being
 * written (up to its last flushed block) into one trace, block by block.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef BUDDYSCOPE_WITH_CAPTURE

#include "capture_rec.h"
#include "commands.h"
#include "outfile.h"

#define PROG "buddyscope capture"
/* --max-size stops this far below the bound, so a poll's drain and the end usually fit;
 * the writer's limit (capture_output_limit()) is the hard bound behind it. */
#define MAX_SIZE_RESERVE (2ull << 20)

volatile sig_atomic_t rec_dump_requested;

struct rec {
	struct rec_opts o;
	char *out;			 /* -o as given */
	char *ring_dir;			 /* OUT.ring when a ring */
	struct recorder_trigger trig[REC_MAX_TRIGGERS];
	bool held[REC_MAX_TRIGGERS];	 /* free-order: fired, waits for the zone to recover */
	int nr_trig;
	void (*snapshot)(struct capture *c, bool quiet);
	struct capture *c;		 /* for the rare-event hook */
	struct recorder_files files;	 /* finished segments or files, oldest first */
	uint64_t written_bytes;		 /* every finished file's bytes (--max-size) */
	uint32_t file_seq;		 /* number of the file being written */
	uint32_t dump_seq;		 /* dumps written */
	uint64_t file_start_ns;		 /* when the current file began */
	uint64_t last_checkpoints;	 /* readings seen, for the free-order triggers */
	bool pending;			 /* a trigger fired: dump at dump_due_ns */
	uint64_t dump_due_ns;
	uint64_t triggers_ignored;	 /* fired while a dump was pending */
	bool failed;
};

static int64_t unix_now(void)
{
	return (int64_t)time(NULL);
}

bool rec_opts_active(const struct rec_opts *o)
{
	return o->ring_bytes || o->max_bytes || o->switch_bytes || o->switch_ns || o->nr_triggers ||
	       o->pidfile;
}

static bool numbered_files(const struct rec_opts *o)
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

/* The ring directory, new; with --force an old one's trace files go first. */
static int ring_dir_make(const char *dir, bool force)
{
	DIR *d;
	struct dirent *de;
	char p[4096];

	if (!mkdir(dir, 0755))
		return 0;
	if (errno != EEXIST || !force) {
		cli_error("capture", "%s: cannot make the ring directory: %s%s", dir,
			strerror(errno), errno == EEXIST ? " (use --force to reuse it)" : "");
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		cli_error("capture", "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".bst")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	closedir(d);
	return 0;
}

/* Name of file @seq starting now: numbered beside OUT, or a segment in the ring. */
static int file_name(const struct rec_opts *o, const char *out, const char *ring_dir,
		     uint32_t seq, char *buf, size_t len)
{
	char base[4096];

	if (!o->ring_bytes)
		return recorder_file_name(buf, len, out, seq, unix_now());
	snprintf(base, sizeof(base), "%s/segment", ring_dir);
	return recorder_file_name(buf, len, base, seq, unix_now());
}

int rec_first_output(const struct rec_opts *o, const char *out, bool force, char *buf,
		     size_t len)
{
	char *dir = NULL;
	int ret;

	if (!numbered_files(o)) {
		snprintf(buf, len, "%s", out);
		return 0;
	}
	if (o->ring_bytes) {
		dir = ring_dir_name(out);
		if (!dir || ring_dir_make(dir, force)) {
			free(dir);
			return -1;
		}
	}
	ret = file_name(o, out, dir, 1, buf, len);
	free(dir);
	if (ret)
		cli_error("capture", "%s: the file name is too long", out);
	return ret ? -1 : 0;
}

/* A trigger record into the file being written; a dump falls due --post later. */
static void fire(struct rec *r, const struct tracefmt_event *t)
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
		fprintf(stderr, PROG ": trigger %s fired (order %llu, value %llu, limit %llu%s%s); "
				"dump in %.1f s\n", tracefmt_trigger_kind_name(t->u.trigger.kind),
			(unsigned long long)t->u.trigger.order,
			(unsigned long long)t->u.trigger.value,
			(unsigned long long)t->u.trigger.limit, t->u.trigger.zone[0] ? ", zone " : "",
			t->u.trigger.zone, (double)r->o.post_ns / 1e9);
}

/* capture_opts.on_rare_event: a failed allocation or an extfrag event. */
static void on_rare(void *ctx, const struct tracefmt_event *ev)
{
	struct rec *r = ctx;
	struct tracefmt_event t;

	for (int i = 0; i < r->nr_trig; i++)
		if (recorder_trigger_event(&r->trig[i], ev, &t)) {
			fire(r, &t);
			return;
		}
}

struct rec *rec_create(const struct rec_opts *o, const char *out, struct capture_opts *copts,
		       uint32_t pageblock_order,
		       void (*snapshot)(struct capture *c, bool quiet))
{
	struct rec *r = calloc(1, sizeof(*r));

	if (!r || !(r->out = strdup(out)) || (o->ring_bytes && !(r->ring_dir = ring_dir_name(out)))) {
		cli_error("capture", "out of memory");
		rec_destroy(r, NULL);
		return NULL;
	}
	r->o = *o;
	r->snapshot = snapshot;
	r->file_seq = 1;
	for (int i = 0; i < o->nr_triggers; i++) {
		if (recorder_trigger_parse(o->triggers[i], pageblock_order, &r->trig[i])) {
			cli_error("capture", "--trigger '%s' is not alloc-fail, extfrag or "
					"free-orderK<N[@ZONE] (e.g. 'free-order9<4')",
				o->triggers[i]);
			rec_destroy(r, NULL);
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

int rec_start(struct rec *r, struct capture *c)
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
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		cli_error("capture", "%s: cannot write the pid: %s", r->o.pidfile, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Join the kept segments and the one being written into the next dump file.
 * The capture's checkpoint first: it flushes the current segment, so the
 * dump holds everything recorded up to now and ends with a reading.
 */
static int dump_write(struct rec *r, struct capture *c)
{
	const char **paths = calloc(r->files.nr + 1, sizeof(*paths));
	struct bs_error err = { 0 };
	char name[4096], partial[4096];
	uint64_t t0 = capture_now_ns(), records = 0;
	int ret;

	if (!paths) {
		cli_error("capture", "out of memory");
		return -1;
	}
	ret = capture_checkpoint(c, &err);
	if (ret) {
		cli_error("capture", "%s", err.text);
		free(paths);
		return -1;
	}
	for (size_t i = 0; i < r->files.nr; i++)
		paths[i] = r->files.paths[i];
	outfile_partial_name(capture_output(c), partial, sizeof(partial));
	paths[r->files.nr] = partial;
	recorder_file_name(name, sizeof(name), r->out, ++r->dump_seq, unix_now());
	ret = recorder_join(name, paths, r->files.nr + 1, &records, &err);
	free(paths);
	r->pending = false;
	if (ret) {
		/* A failed dump is said, and the recorder goes on: the ring is intact. */
		cli_error("capture", "dump %s: %s", name, err.text);
		return 0;
	}
	fprintf(stderr, PROG ": dump: wrote %s (%llu records from %zu segments) in %.0f ms\n",
		name, (unsigned long long)records, r->files.nr + 1,
		(double)(capture_now_ns() - t0) / 1e6);
	return 0;
}

/* A request (SIGUSR1): its trigger record, then the dump at once. */
static int dump_on_request(struct rec *r, struct capture *c)
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
	return dump_write(r, c);
}

/*
 * End the current file and start the next: the finished one joins the
 * list, which is trimmed to the ring (or --keep), and the new one starts
 * with a snapshot and the reading after it.
 */
static int file_switch(struct rec *r, struct capture *c)
{
	struct bs_error err = { 0 };
	char next[4096], done[4096];
	struct stat sb;
	int ret;

	snprintf(done, sizeof(done), "%s", capture_output(c));
	if (file_name(&r->o, r->out, r->ring_dir, r->file_seq + 1, next, sizeof(next))) {
		cli_error("capture", "%s: the file name is too long", r->out);
		return -1;
	}
	ret = capture_output_switch(c, next, &err);
	if (ret) {
		cli_error("capture", "%s", err.text);
		return -1;
	}
	r->file_seq++;
	r->file_start_ns = capture_now_ns();
	if (!stat(done, &sb)) {
		r->written_bytes += (uint64_t)sb.st_size;
		if (recorder_files_add(&r->files, done, (uint64_t)sb.st_size))
			return -1;
	}
	if (r->o.max_bytes) /* the hard bound behind the stop below: what is left */
		capture_output_limit(c, r->o.max_bytes > r->written_bytes
						? r->o.max_bytes - r->written_bytes : 1);
	if (r->snapshot)
		r->snapshot(c, true);
	if (r->o.ring_bytes)
		recorder_files_trim(&r->files, 0, r->o.ring_bytes, capture_stats(c)->bytes);
	else if (r->o.keep == 1) /* only the file being written: every finished one goes */
		recorder_files_trim(&r->files, 0, 1, UINT64_MAX / 2);
	else if (r->o.keep)
		recorder_files_trim(&r->files, r->o.keep - 1, 0, 0);
	return 0;
}

/* Whether the current file is due to end: its time or its size. */
static bool switch_due(const struct rec *r, const struct capture_stats *st, uint64_t now)
{
	uint64_t age = now - r->file_start_ns;

	if (r->o.ring_bytes)
		return age >= r->o.snapshot_interval_ns || st->bytes >= r->o.ring_bytes / 4;
	return (r->o.switch_ns && age >= r->o.switch_ns) ||
	       (r->o.switch_bytes && st->bytes >= r->o.switch_bytes);
}

/* A new checkpoint reading: the free-order triggers. */
static void check_reading(struct rec *r, struct capture *c)
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

int rec_poll(struct rec *r, struct capture *c, uint64_t now)
{
	const struct capture_stats *st = capture_stats(c);

	if (r->nr_trig)
		check_reading(r, c);
	if (rec_dump_requested) {
		rec_dump_requested = 0;
		if (!r->o.ring_bytes)
			fprintf(stderr, PROG ": note: SIGUSR1 ignored: no --ring to dump\n");
		else if (dump_on_request(r, c))
			return -1;
	}
	if (r->pending && now >= r->dump_due_ns && dump_write(r, c))
		return -1;
	if (numbered_files(&r->o) && switch_due(r, st, now) && file_switch(r, c))
		return -1;
	if (r->o.max_bytes && capture_output_limit_reached(c)) {
		fprintf(stderr, PROG ": stopping: --max-size %.1f MiB reached; the events past it "
				"are counted in one lost record at the end of %s\n",
			(double)r->o.max_bytes / 1048576.0, capture_output(c));
		return 1;
	}
	if (r->o.max_bytes && r->written_bytes + st->bytes + MAX_SIZE_RESERVE >= r->o.max_bytes) {
		fprintf(stderr, PROG ": stopping: --max-size %.1f MiB reached (%.1f MiB written; "
				"the last %.0f MiB are kept for the end of the trace)\n",
			(double)r->o.max_bytes / 1048576.0,
			(double)(r->written_bytes + st->bytes) / 1048576.0,
			(double)MAX_SIZE_RESERVE / 1048576.0);
		return 1;
	}
	return 0;
}

void rec_before_finish(struct rec *r, struct capture *c)
{
	if (r && r->nr_trig && !r->pending)
		check_reading(r, c); /* the reading that was in flight at the stop */
	if (r && r->pending)
		dump_write(r, c);
	if (r && r->triggers_ignored && !r->o.quiet)
		fprintf(stderr, PROG ": note: %llu more triggers fired while a dump was due "
				"(each dump holds the first)\n",
			(unsigned long long)r->triggers_ignored);
}

void rec_destroy(struct rec *r, struct capture *c)
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

int rec_send_dump(const char *target)
{
	char buf[64], *end;
	long pid;
	FILE *f;

	pid = strtol(target, &end, 10);
	if (end == target || *end) {
		f = fopen(target, "r");
		if (!f || !fgets(buf, sizeof(buf), f)) {
			cli_error("capture", "%s: cannot read a pid: %s", target,
				f ? "empty file" : strerror(errno));
			if (f)
				fclose(f);
			return 1;
		}
		fclose(f);
		pid = strtol(buf, &end, 10);
		if (end == buf || (*end && *end != '\n')) {
			return cli_error("capture", "%s: '%s' is not a pid", target, buf);
		}
	}
	if (pid <= 0 || kill((pid_t)pid, SIGUSR1)) {
		return cli_error("capture", "cannot signal pid %ld: %s", pid,
			       pid <= 0 ? "not a pid" : strerror(errno));
	}
	fprintf(stderr, PROG ": asked pid %ld for a dump (it prints the file it writes)\n", pid);
	return 0;
}

#endif /* BUDDYSCOPE_WITH_CAPTURE */
