// SPDX-License-Identifier: MIT
/*
 * The libbpf loader of bpf/pagealloc.bpf.c: it loads and attaches the
 * programs (skipping tracepoints this kernel lacks), drains the ring buffer
 * into a tracefmt writer, turns the per-cpu drop counters into lost-event
 * records, and interleaves /proc checkpoints and block flushes on a timer.
 * The lifecycle follows libbpf-bootstrap's bootstrap.c: open, set rodata and
 * map sizes, load, attach, poll, destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "capture.h"
#include "pagealloc_event.h"
#include "pagealloc_skel.skel.h"
#include "sysinfo.h"

#define MAX_CKPT_ZONES 64	     /* checkpoint records per reading */
#define LOST_CHECK_NS 100000000ull   /* read the drop counters every 100 ms */
#define WAKEUP_FRACTION 16	     /* BPF wakes us when 1/16 of the buffer waits */

static const char *const tp_names[CAPTURE_NR_TRACEPOINTS] = {
	"mm_page_alloc",	     "mm_page_free",	   "mm_page_free_batched",
	"mm_page_alloc_zone_locked", "mm_page_pcpu_drain", "mm_page_alloc_extfrag",
};

/* pid -> last command name written; open addressing, grown at 50% load. */
struct pid_entry {
	uint32_t pid;	 /* key; slot empty when used is 0 */
	uint8_t used;
	uint8_t exited;	 /* the pid exited: write its name again if it comes back */
	char comm[TRACEFMT_COMM_LEN];
};

struct capture {
	struct pagealloc_skel *skel;
	struct ring_buffer *rb;
	struct tracefmt_writer *w;
	char *output;
	struct capture_stats st;
	int write_err;		/* first append/flush error, sticky */
	bool finished;

	uint32_t ckpt_interval_ms;
	uint32_t flush_interval_ms;
	uint32_t ckpt_seq;
	uint64_t next_ckpt_ns;
	uint64_t last_flush_ns;
	uint64_t last_lost_ns;

	int nr_cpus;			  /* possible cpus (per-cpu map width) */
	uint64_t *dropped_seen;		  /* per cpu, already written as LOST */
	struct pagealloc_cpu_state *cpu_vals; /* lookup buffer, nr_cpus entries */

	struct pid_entry *pids;
	uint32_t pid_cap, pid_used;

	struct tracefmt_event ckpt[MAX_CKPT_ZONES];
};

/* libbpf's last warning, quoted in our error text (the library never prints). */
static char libbpf_last[160];

static int libbpf_print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
	n = strlen(libbpf_last);
	while (n && libbpf_last[n - 1] == '\n')
		libbpf_last[--n] = '\0';
	return 0;
}

static int set_err(struct tracefmt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct tracefmt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->offset = 0;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return code;
}

uint64_t capture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool path_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0;
}

/*
 * Find tracefs, mounting it at /sys/kernel/tracing when it is missing (it
 * is not mounted at boot on the target hosts). libbpf looks in the same two
 * places when it attaches a tracepoint.
 */
static int tracefs_find(char *dir, size_t size, struct tracefmt_error *err)
{
	static const char *const cands[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char p[256];

	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/events", cands[i]);
		if (path_exists(p)) {
			snprintf(dir, size, "%s", cands[i]);
			return 0;
		}
	}
	if (mount("tracefs", cands[0], "tracefs", 0, NULL)) {
		int e = errno;

		return set_err(err, -e,
			       "tracefs is not mounted and mounting it at %s failed: %s "
			       "(try: mount -t tracefs tracefs %s)",
			       cands[0], strerror(e), cands[0]);
	}
	snprintf(dir, size, "%s", cands[0]);
	return 0;
}

static struct bpf_program *tp_prog(struct pagealloc_skel *s, int i)
{
	struct bpf_program *progs[CAPTURE_NR_TRACEPOINTS] = {
		s->progs.handle_alloc,	     s->progs.handle_free,
		s->progs.handle_free_batched, s->progs.handle_zone_locked,
		s->progs.handle_pcpu_drain,  s->progs.handle_extfrag,
	};
	return progs[i];
}

static struct bpf_link **tp_link(struct pagealloc_skel *s, int i)
{
	struct bpf_link **links[CAPTURE_NR_TRACEPOINTS] = {
		&s->links.handle_alloc,	      &s->links.handle_free,
		&s->links.handle_free_batched, &s->links.handle_zone_locked,
		&s->links.handle_pcpu_drain,  &s->links.handle_extfrag,
	};
	return links[i];
}

static struct pid_entry *pid_slot(struct pid_entry *tab, uint32_t cap, uint32_t pid)
{
	uint32_t i = (pid * 2654435761u) & (cap - 1);

	while (tab[i].used && tab[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int pid_table_grow(struct capture *c)
{
	uint32_t cap = c->pid_cap ? c->pid_cap * 2 : 1024;
	struct pid_entry *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->pid_cap; i++)
		if (c->pids[i].used)
			*pid_slot(tab, cap, c->pids[i].pid) = c->pids[i];
	free(c->pids);
	c->pids = tab;
	c->pid_cap = cap;
	return 0;
}

static int append(struct capture *c, const struct tracefmt_event *ev)
{
	int ret;

	if (c->write_err)
		return c->write_err;
	ret = tracefmt_writer_append(c->w, ev);
	if (ret) {
		c->write_err = ret;
		return ret;
	}
	c->st.by_type[ev->type]++;
	return 0;
}

/* A COMM or EXIT record from BPF: write the name when it is news. */
static int on_comm(struct capture *c, const struct pagealloc_comm_event *ce)
{
	struct tracefmt_event ev;
	struct pid_entry *e;
	int ret;

	if (c->pid_used * 2 >= c->pid_cap) {
		ret = pid_table_grow(c);
		if (ret)
			return ret;
	}
	e = pid_slot(c->pids, c->pid_cap, ce->pid);
	if (ce->type == PAGEALLOC_EV_EXIT) {
		if (e->used)
			e->exited = 1;
		return 0;
	}
	if (e->used && !e->exited && !strncmp(e->comm, ce->comm, TRACEFMT_COMM_LEN))
		return 0;
	if (!e->used)
		c->pid_used++;
	e->used = 1;
	e->exited = 0;
	e->pid = ce->pid;
	memcpy(e->comm, ce->comm, TRACEFMT_COMM_LEN);
	e->comm[TRACEFMT_COMM_LEN - 1] = '\0';

	ev.type = TRACEFMT_COMM;
	ev.cpu = ce->cpu;
	ev.pid = ce->pid;
	ev.pad0 = 0;
	ev.ts_ns = ce->ts_ns;
	memcpy(ev.u.comm.comm, e->comm, TRACEFMT_COMM_LEN);
	ret = append(c, &ev);
	if (!ret)
		c->st.comms++;
	return ret;
}

/*
 * Ring buffer callback, once per record: the hot path of the user side.
 * Only the union member of the record's type is filled (the encoder reads
 * nothing else), because clearing the whole event costs more than the rest.
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct capture *c = ctx;
	const struct pagealloc_event *e = data;
	struct tracefmt_event ev;

	if (size >= sizeof(struct pagealloc_comm_event) &&
	    (e->type == PAGEALLOC_EV_COMM || e->type == PAGEALLOC_EV_EXIT))
		return on_comm(c, data);
	if (size < sizeof(*e))
		return 0;
	ev.type = e->type;
	ev.cpu = e->cpu;
	ev.pid = e->pid;
	ev.pad0 = 0;
	ev.ts_ns = e->ts_ns;
	switch (e->type) {
	case PAGEALLOC_EV_ALLOC:
		ev.u.alloc.pfn = e->pfn;
		ev.u.alloc.order = e->order;
		ev.u.alloc.migratetype = (int32_t)e->migratetype;
		ev.u.alloc.gfp_flags = e->arg0;
		break;
	case PAGEALLOC_EV_FREE:
		ev.u.free.pfn = e->pfn;
		ev.u.free.order = e->order;
		break;
	case PAGEALLOC_EV_FREE_BATCHED:
		ev.u.free_batched.pfn = e->pfn;
		ev.u.free_batched.order = 0;
		ev.u.free_batched.has_order = 0;
		break;
	case PAGEALLOC_EV_ZONE_LOCKED:
		ev.u.zone_locked.pfn = e->pfn;
		ev.u.zone_locked.order = e->order;
		ev.u.zone_locked.migratetype = (int32_t)e->migratetype;
		ev.u.zone_locked.percpu_refill = e->arg0;
		break;
	case PAGEALLOC_EV_PCPU_DRAIN:
		ev.u.pcpu_drain.pfn = e->pfn;
		ev.u.pcpu_drain.order = e->order;
		ev.u.pcpu_drain.migratetype = (int32_t)e->migratetype;
		break;
	case PAGEALLOC_EV_EXTFRAG:
		ev.u.extfrag.pfn = e->pfn;
		ev.u.extfrag.alloc_order = e->order;
		ev.u.extfrag.fallback_order = e->arg0;
		ev.u.extfrag.alloc_migratetype = (int32_t)e->migratetype;
		ev.u.extfrag.fallback_migratetype = (int32_t)e->arg1;
		ev.u.extfrag.change_ownership = e->arg2;
		break;
	default:
		return 0; /* a record type this loader does not know */
	}
	c->st.events++;
	return append(c, &ev);
}

/* Write a LOST record for every cpu whose drop counter moved. */
static int lost_update(struct capture *c, uint64_t now)
{
	struct tracefmt_event ev;
	uint32_t zero = 0;
	int ret;

	c->last_lost_ns = now;
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cpu_state), &zero, c->cpu_vals))
		return 0; /* the counters stay in the map; the next look catches up */
	for (int cpu = 0; cpu < c->nr_cpus; cpu++) {
		uint64_t d = c->cpu_vals[cpu].dropped;

		if (d <= c->dropped_seen[cpu])
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = TRACEFMT_LOST;
		ev.cpu = (uint32_t)cpu;
		ev.ts_ns = now;
		ev.u.lost.count = d - c->dropped_seen[cpu];
		ret = append(c, &ev);
		if (ret)
			return ret;
		c->st.lost += ev.u.lost.count;
		c->st.lost_records++;
		c->dropped_seen[cpu] = d;
	}
	return 0;
}

/*
 * One reading of pagetypeinfo + zoneinfo. The ring buffer is drained first
 * so the records land in the file after the events that preceded them; the
 * stamp is the middle of the read, which takes the zone locks briefly.
 */
static int checkpoint_take(struct capture *c, struct tracefmt_error *err)
{
	uint64_t t0, t1;
	size_t nr;
	int ret;

	ring_buffer__consume(c->rb);
	if (c->write_err)
		return c->write_err;
	t0 = capture_now_ns();
	ret = sysinfo_checkpoint_read(NULL, c->ckpt_seq, 0, c->ckpt, MAX_CKPT_ZONES, &nr, err);
	if (ret)
		return ret;
	t1 = capture_now_ns();
	for (size_t i = 0; i < nr; i++) {
		c->ckpt[i].ts_ns = t0 + (t1 - t0) / 2;
		ret = append(c, &c->ckpt[i]);
		if (ret)
			return ret;
	}
	c->ckpt_seq++;
	c->st.checkpoints++;
	return 0;
}

static char *header_create(const struct capture_opts *opts, struct capture *c, size_t *len,
			   struct tracefmt_error *err)
{
	struct sysinfo_header_opts ho = {
		.source = "capture",
		.tracepoints_missing = c->st.missing,
		.nr_tracepoints_missing = c->st.nr_missing,
	};
	json_t *hdr = sysinfo_header_build(&ho, err), *cap;
	char *text;

	if (!hdr)
		return NULL;
	cap = json_pack("{ss sI sI sI}", "method", "bpf tp/kmem ringbuf", "ringbuf_bytes",
			(json_int_t)opts->ringbuf_mib << 20, "checkpoint_interval_ms",
			(json_int_t)c->ckpt_interval_ms, "flush_interval_ms",
			(json_int_t)c->flush_interval_ms);
	json_object_set_new(hdr, "capture", cap ? cap : json_null());
	text = json_dumps(hdr, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(hdr);
	if (!text) {
		set_err(err, -ENOMEM, "header: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	*len = strlen(text);
	return text;
}

static int bpf_fail(enum capture_failure *why, struct tracefmt_error *err, int ret,
		    const char *what)
{
	if (ret == -EPERM || ret == -EACCES) {
		*why = CAPTURE_FAIL_BPF_DENIED;
		return set_err(err, ret, "BPF not permitted: %s: %s%s%.60s", what, strerror(-ret),
			       libbpf_last[0] ? "; libbpf: " : "", libbpf_last);
	}
	*why = CAPTURE_FAIL_BPF;
	return set_err(err, ret, "%s: %s%s%.80s", what, strerror(-ret),
		       libbpf_last[0] ? "; libbpf: " : "", libbpf_last);
}

struct capture *capture_create(const struct capture_opts *opts, enum capture_failure *why,
			       struct tracefmt_error *err)
{
	struct capture_opts o = *opts;
	enum capture_failure dummy;
	struct tracefmt_writer_opts wo = { 0 };
	struct capture *c = NULL;
	char tracefs[64], path[256], *hdr = NULL;
	size_t hdr_len;
	int ret, nr_attached = 0;

	if (!why)
		why = &dummy;
	*why = CAPTURE_FAIL_NONE;
	libbpf_last[0] = '\0';
	if (!o.checkpoint_interval_ms)
		o.checkpoint_interval_ms = 1000;
	if (!o.ringbuf_mib)
		o.ringbuf_mib = 64;
	if (!o.flush_interval_ms || o.flush_interval_ms >= 1000)
		o.flush_interval_ms = 900;
	if (o.ringbuf_mib & (o.ringbuf_mib - 1)) {
		ret = set_err(err, -EINVAL, "ring buffer size %u MiB is not a power of two",
			      o.ringbuf_mib);
		goto fail;
	}
	if (geteuid() != 0) {
		*why = CAPTURE_FAIL_NOT_ROOT;
		ret = set_err(err, -EPERM, "must run as root (capture loads eBPF programs "
				     "and reads /proc/pagetypeinfo)");
		goto fail;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		ret = set_err(err, -ENOMEM, "out of memory");
		goto fail;
	}
	c->ckpt_interval_ms = o.checkpoint_interval_ms;
	c->flush_interval_ms = o.flush_interval_ms;
	ret = tracefs_find(tracefs, sizeof(tracefs), err);
	if (ret) {
		*why = CAPTURE_FAIL_TRACEFS;
		goto fail;
	}
	libbpf_set_print(libbpf_print_quiet);

	c->skel = pagealloc_skel__open();
	if (!c->skel) {
		ret = bpf_fail(why, err, -errno, "opening the BPF object");
		goto fail;
	}
	/* A tracepoint this kernel lacks: do not load its program, say so. */
	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		snprintf(path, sizeof(path), "%s/events/kmem/%s", tracefs, tp_names[i]);
		if (path_exists(path))
			continue;
		bpf_program__set_autoload(tp_prog(c->skel, i), false);
		c->st.missing[c->st.nr_missing++] = tp_names[i];
	}
	if (c->st.nr_missing == CAPTURE_NR_TRACEPOINTS) {
		*why = CAPTURE_FAIL_NO_TRACEPOINTS;
		ret = set_err(err, -ENOENT, "no kmem page tracepoint under %s/events/kmem", tracefs);
		goto fail;
	}
	/* exec/exit only keep the pid names fresh; their absence is not fatal. */
	snprintf(path, sizeof(path), "%s/events/sched/sched_process_exec", tracefs);
	if (!path_exists(path))
		bpf_program__set_autoload(c->skel->progs.handle_exec, false);
	snprintf(path, sizeof(path), "%s/events/sched/sched_process_exit", tracefs);
	if (!path_exists(path))
		bpf_program__set_autoload(c->skel->progs.handle_exit, false);

	/* The output comes before the BPF load so a bad path fails fast. */
	hdr = header_create(&o, c, &hdr_len, err);
	if (!hdr) {
		ret = -errno;
		*why = CAPTURE_FAIL_PROC;
		goto fail;
	}
	c->output = strdup(o.output);
	c->w = tracefmt_writer_create(o.output, hdr, hdr_len, &wo, err);
	if (!c->w || !c->output) {
		ret = -errno;
		*why = CAPTURE_FAIL_OUTPUT;
		goto fail;
	}

	ret = bpf_map__set_max_entries(c->skel->maps.events, o.ringbuf_mib << 20);
	if (ret) {
		ret = bpf_fail(why, err, ret, "sizing the ring buffer");
		goto fail;
	}
	c->skel->rodata->targ_wakeup_bytes = ((uint64_t)o.ringbuf_mib << 20) / WAKEUP_FRACTION;
	ret = pagealloc_skel__load(c->skel);
	if (ret) {
		ret = bpf_fail(why, err, ret, "loading the BPF programs");
		goto fail;
	}
	c->nr_cpus = libbpf_num_possible_cpus();
	if (c->nr_cpus <= 0) {
		ret = bpf_fail(why, err, c->nr_cpus ? c->nr_cpus : -EINVAL, "counting cpus");
		goto fail;
	}
	c->dropped_seen = calloc((size_t)c->nr_cpus, sizeof(*c->dropped_seen));
	c->cpu_vals = calloc((size_t)c->nr_cpus, sizeof(*c->cpu_vals));
	if (!c->dropped_seen || !c->cpu_vals || pid_table_grow(c)) {
		ret = set_err(err, -ENOMEM, "out of memory");
		goto fail;
	}
	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.events), on_record, c, NULL);
	if (!c->rb) {
		ret = bpf_fail(why, err, -errno, "opening the ring buffer");
		goto fail;
	}
	if (bpf_program__autoload(c->skel->progs.handle_exec))
		c->skel->links.handle_exec = bpf_program__attach(c->skel->progs.handle_exec);
	if (bpf_program__autoload(c->skel->progs.handle_exit))
		c->skel->links.handle_exit = bpf_program__attach(c->skel->progs.handle_exit);
	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		struct bpf_program *p = tp_prog(c->skel, i);

		if (!bpf_program__autoload(p))
			continue;
		*tp_link(c->skel, i) = bpf_program__attach(p);
		if (!*tp_link(c->skel, i)) {
			snprintf(path, sizeof(path), "attaching kmem:%s", tp_names[i]);
			ret = bpf_fail(why, err, -errno, path);
			goto fail;
		}
		nr_attached++;
	}
	free(hdr);
	hdr = NULL;

	c->st.start_ns = capture_now_ns();
	c->last_flush_ns = c->st.start_ns;
	c->last_lost_ns = c->st.start_ns;
	ret = checkpoint_take(c, err);
	if (ret) {
		*why = c->write_err ? CAPTURE_FAIL_OUTPUT : CAPTURE_FAIL_PROC;
		goto fail;
	}
	c->next_ckpt_ns = capture_now_ns() + (uint64_t)c->ckpt_interval_ms * 1000000ull;
	return c;
fail:
	free(hdr);
	if (c && c->w) {
		tracefmt_writer_abandon(c->w);
		c->w = NULL;
		unlink(o.output);
	}
	capture_destroy(c);
	errno = -ret;
	return NULL;
}

/* Lost counters, checkpoints and flushes that are due at @now. */
static int periodic(struct capture *c, uint64_t now, struct tracefmt_error *err)
{
	int ret = 0;

	if (now - c->last_lost_ns >= LOST_CHECK_NS)
		ret = lost_update(c, now);
	if (!ret && now >= c->next_ckpt_ns) {
		ret = checkpoint_take(c, err);
		c->next_ckpt_ns += (uint64_t)c->ckpt_interval_ms * 1000000ull;
		if (c->next_ckpt_ns <= now)
			c->next_ckpt_ns = now + (uint64_t)c->ckpt_interval_ms * 1000000ull;
	}
	if (!ret && now - c->last_flush_ns >= (uint64_t)c->flush_interval_ms * 1000000ull) {
		ret = tracefmt_writer_flush(c->w);
		if (ret)
			c->write_err = ret;
		c->last_flush_ns = now;
	}
	c->st.bytes = tracefmt_writer_bytes(c->w);
	return ret;
}

static int write_failed(struct capture *c, struct tracefmt_error *err)
{
	return set_err(err, c->write_err, "writing %s: %s (everything before %llu bytes is kept)",
		       c->output, strerror(-c->write_err),
		       (unsigned long long)tracefmt_writer_bytes(c->w));
}

int capture_poll(struct capture *c, int timeout_ms, struct tracefmt_error *err)
{
	int ret;

	if (c->write_err)
		return write_failed(c, err);
	ret = ring_buffer__poll(c->rb, timeout_ms);
	if (c->write_err)
		return write_failed(c, err);
	if (ret < 0 && ret != -EINTR)
		return set_err(err, ret, "reading the ring buffer: %s", strerror(-ret));
	ret = periodic(c, capture_now_ns(), err);
	if (c->write_err)
		return write_failed(c, err);
	return ret;
}

int capture_finish(struct capture *c, struct tracefmt_error *err)
{
	int ret;

	if (c->finished)
		return 0;
	c->finished = true;
	/* End checkpoint while still attached, so no event falls between. */
	ret = c->write_err ? c->write_err : checkpoint_take(c, err);
	pagealloc_skel__detach(c->skel);
	ring_buffer__consume(c->rb);
	if (!ret)
		ret = lost_update(c, capture_now_ns());
	if (c->write_err) {
		write_failed(c, err);
		ret = c->write_err;
	}
	{
		struct tracefmt_error cerr = { 0 };
		int cret = tracefmt_writer_close(c->w, &cerr);
		struct stat sb;

		c->w = NULL;
		if (cret && !ret)
			ret = set_err(err, cret, "%s", cerr.text);
		if (!stat(c->output, &sb))
			c->st.bytes = (uint64_t)sb.st_size;
	}
	return ret;
}

const struct capture_stats *capture_stats(const struct capture *c)
{
	return &c->st;
}

void capture_destroy(struct capture *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	pagealloc_skel__destroy(c->skel);
	tracefmt_writer_abandon(c->w);
	free(c->dropped_seen);
	free(c->cpu_vals);
	free(c->pids);
	free(c->output);
	free(c);
}
