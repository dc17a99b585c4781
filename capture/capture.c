/* SPDX-License-Identifier: MIT */
/*
 * The libbpf loader of bpf/pagealloc.bpf.c: it loads and attaches the
 * programs (skipping tracepoints this kernel lacks), drains the per-cpu slot
 * rings (pagealloc_event.h), merged by timestamp, into a tracefmt writer, turns the per-cpu
 * drop counters and the kernel's recursion misses into lost-event
 * records, and interleaves /proc checkpoints and block flushes on a timer.
 * The lifecycle follows libbpf-bootstrap's bootstrap.c: open, set rodata and
 * map sizes, load, attach, poll, destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "capture.h"
#include "capture_internal.h"
#include "hostinfo.h"
#include "mmrec.h"
#include "outfile.h"
#include "pagealloc_event.h"
#include "vmemmap.h" /* before the skeleton: its bss holds a struct vmemmap_calib */
#include "pagealloc_skel.skel.h"
#include "vmstat.h"

#define MAX_CKPT_ZONES 64	     /* checkpoint + zone state records per reading */
#define LOST_CHECK_NS 100000000ull   /* read the drop counters every 100 ms */
#define PREFETCH_SLOTS 16	     /* how far ahead the drain fetches slots */
#define MIN_WAIT_NS 1000000ull	     /* shortest sleep between drains */
#define MAX_RATE 4000000ull	     /* page events a second one cpu may produce, at most */
#define RELEASE_EVERY 1024	     /* records consumed before handing space back */
#define WMARKS_LEN 4096		     /* mmap of "wmarks", rounded up to a page */
#define STASH_MAX_SLOTS (4u << 20)   /* side drain: 128 MiB a cpu at most, then the ring fills */
#define SIDE_DRAIN_WAIT_NS 2000000ull /* side drain: sleep between passes */

_Static_assert(PAGEALLOC_WMARK_SLOTS * sizeof(struct pagealloc_wmark) <= WMARKS_LEN,
	       "the wmarks map fits its mapping");

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

/* One /proc checkpoint reading: the records of one seq and when it was read. */
struct reading {
	uint32_t seq;
	int ret;			/* 0 or -errno, with err */
	struct bs_error err;
	size_t nr;			/* records in ev */
	uint64_t t0, t1;		/* the read's start and end, CLOCK_MONOTONIC ns */
	bool done;			/* set (release) by the reader when all above is final */
	struct tracefmt_event ev[MAX_CKPT_ZONES];
	size_t nr_vm;			/* vmstat records (format 1.4) in vm */
	struct tracefmt_event vm[SYSINFO_VMSTAT_MAX];
};

/* One cpu's slot ring (pagealloc_event.h), read through the shared mapping. */
struct ring {
	uint8_t *slots;		 /* this cpu's slots in the mapping of "slots" */
	__u64 *tail_pub;	 /* its cpu_state tail, which the producers read */
	const __u64 *head;	 /* its cpu_state head: slots reserved */
	uint64_t tail;		 /* next slot to read */
	uint64_t end;		 /* head seen at the start of a drain */
	uint64_t ts;		 /* timestamp of the slot at tail, 0 when not ready */
	uint32_t unreleased;	 /* slots read since tail_pub was stored */
	const uint8_t *cur;	 /* the slot ring_peek() found: in the stash or the ring */
	/* Slots moved aside by the side drain (capture_side_drain_start()), read first. */
	uint8_t *stash;
	size_t stash_n, stash_pos, stash_cap; /* slots held, read, room for */
};

struct capture {
	struct pagealloc_skel *skel;
	struct ring *rings;
	int nr_rings;
	uint8_t *slots;			/* mmap of the "slots" map, all cpus */
	size_t slots_len;
	uint32_t slot_shift;		/* log2 slots per cpu */
	uint64_t drained_max;		/* most slots one ring held at the last drain */
	uint64_t drain_gap_ns;		/* time between the last two drains */
	uint64_t last_drain_ns;
	size_t page_size;
	struct tracefmt_writer *w;
	char *output;
	struct capture_stats st;
	int write_err;		/* first append/flush error, sticky */
	bool finished;

	uint64_t vmemmap_base;		/* measured for the raw programs */
	uint32_t ckpt_interval_ms;
	uint32_t flush_interval_ms;
	uint32_t ckpt_seq;
	uint64_t next_ckpt_ns;
	uint64_t last_flush_ns;
	uint64_t last_lost_ns;

	bool raw;			  /* raw tracepoints record (else classic ones) */
	int nr_cpus;			  /* possible cpus (per-cpu map width) */
	uint64_t misses_seen;		  /* tracepoint hits the kernel skipped, written */
	uint64_t misses_read_ns;	  /* when misses_seen was read (or the attach) */
	struct pagealloc_cpu_state *cpu_vals; /* mmap of cpu_state, nr_cpus entries */
	size_t cpu_vals_len;

	struct pid_entry *pids;
	uint32_t pid_cap, pid_used;

	const struct pagealloc_wmark *wmarks; /* mmap of "wmarks" */
	struct capture_mm mm;		      /* reclaim and compaction programs (mmrec.h) */

	struct reading reading;		/* the checkpoint reading in flight or last taken */
	pthread_t reading_tid;
	bool reading_busy;		/* reading_tid runs and has not been joined */
	pthread_t side_tid;		/* the side drain (capture_side_drain_start()) */
	bool side_running;
	int side_stop;			/* set to end the side drain */
	struct tracefmt_event ckpt[MAX_CKPT_ZONES];
	size_t ckpt_nr;			/* records of the latest reading written, in ckpt[] */

	char *hdr;			/* the header blob, for every file */
	size_t hdr_len;
	void (*on_rare)(void *ctx, const struct tracefmt_event *ev);
	void *rare_ctx;
};

/*
 * libbpf's warnings during one capture_create() call: its print callback
 * takes no context, so the call points this thread's sink at its own
 * buffer (struct startup) for its duration, and the last warning is quoted
 * in the call's error text; outside a call they are dropped (the library
 * never prints). Nothing here outlives the call.
 */
static _Thread_local char *libbpf_sink;
#define LIBBPF_NOTE_LEN 160

static int libbpf_print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG || !libbpf_sink)
		return 0;
	vsnprintf(libbpf_sink, LIBBPF_NOTE_LEN, fmt, ap);
	n = strlen(libbpf_sink);
	while (n && libbpf_sink[n - 1] == '\n')
		libbpf_sink[--n] = '\0';
	return 0;
}

int capture_error_set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = bs_error_vformat(err, where, code, fmt, ap);
	va_end(ap);
	return code;
}

uint64_t capture_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t capture_process_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Add the CPU spent since *@mark to @step and move the mark. */
static void startup_step(uint64_t *step, uint64_t *mark)
{
	uint64_t now = capture_process_cpu_ns();

	*step += now - *mark;
	*mark = now;
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
static int tracefs_find(char *dir, size_t size, struct bs_error *err)
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

		return capture_error_set(err, BS_NOWHERE, -e,
			       "tracefs is not mounted and mounting it at %s failed: %s "
			       "(try: mount -t tracefs tracefs %s)",
			       cands[0], strerror(e), cands[0]);
	}
	snprintf(dir, size, "%s", cands[0]);
	return 0;
}

/*
 * The program recording tracepoint @i: the raw one when @raw and there is
 * one (mm_page_alloc_extfrag is always classic: see the BPF source).
 */
static struct bpf_program *tp_prog(struct pagealloc_skel *s, int i, bool raw)
{
	struct bpf_program *progs[2][CAPTURE_NR_TRACEPOINTS] = {
		{ s->progs.handle_alloc, s->progs.handle_free, s->progs.handle_free_batched,
		  s->progs.handle_zone_locked, s->progs.handle_pcpu_drain,
		  s->progs.handle_extfrag },
		{ s->progs.raw_alloc, s->progs.raw_free, s->progs.raw_free_batched,
		  s->progs.raw_zone_locked, s->progs.raw_pcpu_drain, s->progs.handle_extfrag },
	};
	return progs[raw][i];
}

static struct bpf_link **tp_link(struct pagealloc_skel *s, int i, bool raw)
{
	struct bpf_link **links[2][CAPTURE_NR_TRACEPOINTS] = {
		{ &s->links.handle_alloc, &s->links.handle_free, &s->links.handle_free_batched,
		  &s->links.handle_zone_locked, &s->links.handle_pcpu_drain,
		  &s->links.handle_extfrag },
		{ &s->links.raw_alloc, &s->links.raw_free, &s->links.raw_free_batched,
		  &s->links.raw_zone_locked, &s->links.raw_pcpu_drain, &s->links.handle_extfrag },
	};
	return links[raw][i];
}

static void *link_destroy_thread(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detach the @n links of @links. Closing a tracepoint's perf event or raw
 * tracepoint waits for an RCU grace period (~70 ms here), so the links are
 * closed from one thread each and the waits overlap: 8 links cost one grace
 * period, not eight.
 */
static void links_destroy_n(struct bpf_link ***links, int n)
{
	pthread_t tid[CAPTURE_NR_TRACEPOINTS * 2 + 5 + TRACEFMT_MM_NR_TYPES];
	bool started[CAPTURE_NR_TRACEPOINTS * 2 + 5 + TRACEFMT_MM_NR_TYPES] = { false };

	for (int i = 0; i < n; i++)
		if (*links[i])
			started[i] = !pthread_create(&tid[i], NULL, link_destroy_thread, *links[i]);
	for (int i = 0; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else if (*links[i])
			bpf_link__destroy(*links[i]);
		*links[i] = NULL;
	}
}

/* Detach every program. */
static void links_destroy(struct pagealloc_skel *s, struct capture_mm *mm)
{
	struct bpf_link **links[CAPTURE_NR_TRACEPOINTS * 2 + 5 + TRACEFMT_MM_NR_TYPES];
	int n = 0;

	for (int i = 0; i < TRACEFMT_MM_NR_TYPES; i++)
		links[n++] = &mm->links[i];
	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		links[n++] = tp_link(s, i, false);
		if (tp_link(s, i, true) != tp_link(s, i, false))
			links[n++] = tp_link(s, i, true);
	}
	links[n++] = &s->links.handle_exec;
	links[n++] = &s->links.handle_exit;
	links[n++] = &s->links.handle_wmarks;
	links[n++] = &s->links.calib_page;
	links[n++] = &s->links.calib_pfn;
	links_destroy_n(links, n);
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

static int write_failed(struct capture *c, struct bs_error *err);

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

/*
 * A lost-event record: @count events of @cpu dropped in [@first_ns,
 * @last_ns], written at @ts_ns (>= last_ns).
 */
static int lost_write(struct capture *c, uint32_t cpu, uint64_t count, uint64_t first_ns,
		      uint64_t last_ns, uint64_t ts_ns)
{
	struct tracefmt_event ev;
	int ret;

	if (!count)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_LOST;
	ev.cpu = cpu;
	ev.ts_ns = ts_ns;
	ev.u.lost.count = count;
	ev.u.lost.first_ns = first_ns <= last_ns ? first_ns : last_ns;
	ev.u.lost.last_ns = last_ns;
	ret = append(c, &ev);
	if (ret)
		return ret;
	c->st.lost += count;
	c->st.lost_records++;
	if (cpu == CAPTURE_LOST_CPU_UNKNOWN)
		c->st.lost_recursion += count;
	return 0;
}

/* A COMM or EXIT record from BPF: write the name when it is news. */
static int on_comm(struct capture *c, const struct pagealloc_comm_event *ce, uint32_t cpu)
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
	if (PAGEALLOC_INFO_TYPE(ce->info) == PAGEALLOC_EV_EXIT) {
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
	ev.cpu = cpu;
	ev.pid = ce->pid;
	ev.pad0 = 0;
	ev.ts_ns = ce->ts_ns;
	memcpy(ev.u.comm.comm, e->comm, TRACEFMT_COMM_LEN);
	ret = append(c, &ev);
	if (!ret)
		c->st.comms++;
	return ret;
}

/* A watermark recompute: its values from the side table (pagealloc_event.h). */
static int on_wmark(struct capture *c, const struct pagealloc_event *e, uint32_t cpu)
{
	const struct pagealloc_wmark *w = &c->wmarks[e->pfn % PAGEALLOC_WMARK_SLOTS];
	struct tracefmt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_WMARK;
	ev.cpu = cpu;
	ev.pid = e->pid;
	ev.ts_ns = e->ts_ns;
	ev.u.wmark.node = w->node;
	memcpy(ev.u.wmark.zone, w->zone, sizeof(ev.u.wmark.zone));
	ev.u.wmark.zone[sizeof(ev.u.wmark.zone) - 1] = '\0';
	ev.u.wmark.min = w->min;
	ev.u.wmark.low = w->low;
	ev.u.wmark.high = w->high;
	ev.u.wmark.promo = w->promo;
	/* Overwritten by a later recompute before this drain: its values are gone. */
	if (__atomic_load_n(&w->seq, __ATOMIC_ACQUIRE) != e->pfn + 1) {
		c->st.wmarks_overwritten++;
		return 0;
	}
	return append(c, &ev);
}

/*
 * A reclaim or compaction hit: its fields from the side table (mmrec.h);
 * one whose entry was overwritten before this drain is a lost event of its
 * cpu, at its own time.
 */
static int on_mm(struct capture *c, const struct pagealloc_event *e, uint32_t cpu)
{
	struct tracefmt_event ev;

	if (capture_mm_event(&c->mm, e, cpu, &ev))
		return append(c, &ev);
	return lost_write(c, cpu, 1, e->ts_ns, e->ts_ns, e->ts_ns);
}

/*
 * Ring buffer callback, once per record: the hot path of the user side.
 * Only the union member of the record's type is filled (the encoder reads
 * nothing else), because clearing the whole event costs more than the rest.
 */
static int on_record(struct capture *c, const void *data, uint32_t cpu)
{
	const struct pagealloc_event *e = data;
	struct tracefmt_event ev;
	uint32_t type, info;

	info = e->info;
	type = PAGEALLOC_INFO_TYPE(info);
	if (type == PAGEALLOC_EV_COMM || type == PAGEALLOC_EV_EXIT)
		return on_comm(c, data, cpu);
	if (type == PAGEALLOC_EV_WMARK)
		return on_wmark(c, e, cpu);
	if (type == PAGEALLOC_EV_MM)
		return on_mm(c, e, cpu);
	if (type == PAGEALLOC_EV_LOST) {
		const struct pagealloc_lost_event *l = data;

		return lost_write(c, cpu, l->count, l->first_ns, l->ts_ns, l->ts_ns);
	}
	ev.type = type;
	ev.cpu = cpu;
	ev.pid = e->pid;
	ev.pad0 = 0;
	ev.ts_ns = e->ts_ns;
	switch (type) {
	case PAGEALLOC_EV_ALLOC:
		ev.u.alloc.pfn = e->pfn;
		ev.u.alloc.order = PAGEALLOC_INFO_ORDER(info);
		ev.u.alloc.migratetype = PAGEALLOC_INFO_MT(info);
		ev.u.alloc.gfp_flags = e->arg;
		break;
	case PAGEALLOC_EV_FREE:
		ev.u.free.pfn = e->pfn;
		ev.u.free.order = PAGEALLOC_INFO_ORDER(info);
		break;
	case PAGEALLOC_EV_FREE_BATCHED:
		ev.u.free_batched.pfn = e->pfn;
		ev.u.free_batched.order = 0;
		ev.u.free_batched.has_order = 0;
		break;
	case PAGEALLOC_EV_ZONE_LOCKED:
		ev.u.zone_locked.pfn = e->pfn;
		ev.u.zone_locked.order = PAGEALLOC_INFO_ORDER(info);
		ev.u.zone_locked.migratetype = PAGEALLOC_INFO_MT(info);
		ev.u.zone_locked.percpu_refill = PAGEALLOC_INFO_FLAG(info);
		break;
	case PAGEALLOC_EV_PCPU_DRAIN:
		ev.u.pcpu_drain.pfn = e->pfn;
		ev.u.pcpu_drain.order = PAGEALLOC_INFO_ORDER(info);
		ev.u.pcpu_drain.migratetype = PAGEALLOC_INFO_MT(info);
		break;
	case PAGEALLOC_EV_EXTFRAG:
		ev.u.extfrag.pfn = e->pfn;
		ev.u.extfrag.alloc_order = PAGEALLOC_INFO_ORDER(info);
		ev.u.extfrag.fallback_order = e->arg & 0xff;
		ev.u.extfrag.alloc_migratetype = PAGEALLOC_INFO_MT(info);
		ev.u.extfrag.fallback_migratetype = (int32_t)(signed char)((e->arg >> 8) & 0xff);
		ev.u.extfrag.change_ownership = PAGEALLOC_INFO_FLAG(info);
		break;
	default:
		return 0; /* a record type this loader does not know */
	}
	c->st.events++;
	if (__builtin_expect(c->on_rare != NULL, 0) &&
	    (type == PAGEALLOC_EV_EXTFRAG ||
	     (type == PAGEALLOC_EV_ALLOC && e->pfn == TRACEFMT_PFN_NONE))) {
		int ret = append(c, &ev);

		if (!ret)
			c->on_rare(c->rare_ctx, &ev);
		return ret ? ret : c->write_err;
	}
	return append(c, &ev);
}

_Static_assert(sizeof(struct pagealloc_event) == sizeof(struct pagealloc_comm_event) &&
		       __builtin_offsetof(struct pagealloc_event, ts_ns) == 0 &&
		       __builtin_offsetof(struct pagealloc_comm_event, ts_ns) == 0,
	       "records are one slot with the timestamp first");
#define SLOT_SIZE sizeof(struct pagealloc_event)

/*
 * The next slot of @r, with its timestamp in r->ts; NULL when not ready.
 * Slots the side drain moved aside come first: they are older.
 */
static const uint8_t *ring_peek(struct capture *c, struct ring *r)
{
	uint64_t mask = (1ull << c->slot_shift) - 1;
	uint8_t *slot = r->slots + (r->tail & mask) * SLOT_SIZE;

	if (r->stash_pos < r->stash_n) {
		r->cur = r->stash + r->stash_pos * SLOT_SIZE;
		memcpy(&r->ts, r->cur, sizeof(r->ts));
		return r->cur;
	}
	/* The producer's cpu wrote these lines: fetch them ahead, for writing. */
	__builtin_prefetch(r->slots + ((r->tail + PREFETCH_SLOTS) & mask) * SLOT_SIZE, 1);
	r->ts = r->tail < r->end ? __atomic_load_n((uint64_t *)slot, __ATOMIC_ACQUIRE) : 0;
	r->cur = slot;
	return r->ts ? slot : NULL;
}

/* Clear the slot at @r's tail (read) and step over it. */
static void ring_advance(struct capture *c, struct ring *r)
{
	uint8_t *slot = r->slots + (r->tail & ((1ull << c->slot_shift) - 1)) * SLOT_SIZE;

	if (r->stash_pos < r->stash_n) {
		if (++r->stash_pos == r->stash_n)
			r->stash_pos = r->stash_n = 0;
		return;
	}
	__atomic_store_n((uint64_t *)slot, 0, __ATOMIC_RELAXED);
	r->tail++;
	if (++r->unreleased >= RELEASE_EVERY) {
		__atomic_store_n(r->tail_pub, r->tail, __ATOMIC_RELEASE);
		r->unreleased = 0;
	}
}

/* Figures of the drain pass that started at @start_ns. */
static void drain_account(struct capture *c, uint64_t start_ns)
{
	uint64_t busy = capture_now_ns() - start_ns;

	c->st.drains++;
	c->st.drain_busy_ns += busy;
	if (busy > c->st.drain_busy_max_ns)
		c->st.drain_busy_max_ns = busy;
}

/*
 * Read every record committed so far on all cpus, merged by timestamp, so
 * the trace is in time order across cpus (up to records still being
 * written when the drain started, and nested ones). A ring's drain ends at
 * the first slot not yet committed. Stops at the first write error.
 */
static int rings_drain(struct capture *c)
{
	uint64_t most = 0, now = capture_now_ns();
	int ret = 0;

	c->drain_gap_ns = c->last_drain_ns ? now - c->last_drain_ns : 0;
	c->last_drain_ns = now;
	if (c->drain_gap_ns > c->st.drain_gap_max_ns)
		c->st.drain_gap_max_ns = c->drain_gap_ns;
	for (int i = 0; i < c->nr_rings; i++) {
		struct ring *r = &c->rings[i];

		r->end = __atomic_load_n(r->head, __ATOMIC_ACQUIRE);
		if (r->end - r->tail > most)
			most = r->end - r->tail;
		ring_peek(c, r);
	}
	c->drained_max = most;
	if (most > c->st.ring_fill_max)
		c->st.ring_fill_max = most;
	for (;;) {
		struct ring *best = NULL;
		uint64_t best_ts = UINT64_MAX;

		for (int i = 0; i < c->nr_rings; i++)
			if (c->rings[i].ts && c->rings[i].ts < best_ts) {
				best = &c->rings[i];
				best_ts = best->ts;
			}
		if (!best)
			break;
		ret = on_record(c, best->cur, (uint32_t)(best - c->rings));
		ring_advance(c, best);
		if (ret)
			break;
		ring_peek(c, best);
	}
	for (int i = 0; i < c->nr_rings; i++) {
		__atomic_store_n(c->rings[i].tail_pub, c->rings[i].tail, __ATOMIC_RELEASE);
		c->rings[i].unreleased = 0;
	}
	drain_account(c, now);
	return ret;
}

/*
 * Sleep @timeout_ms, or less: nothing wakes us, so the pace follows the
 * producers. At most the time a cpu producing MAX_RATE events a second
 * takes to fill a quarter of its ring (32 ms with 16 MiB rings), so a burst
 * after a quiet spell is caught; and less when the fullest ring would reach
 * a quarter at the rate it filled since the previous drain.
 */
static void rings_wait(struct capture *c, int timeout_ms)
{
	uint64_t wait_ns = (uint64_t)timeout_ms * 1000000ull;
	uint64_t burst_ns = ((1ull << c->slot_shift) / 4) * (1000000000ull / MAX_RATE);
	struct timespec ts;

	if (burst_ns < wait_ns)
		wait_ns = burst_ns > MIN_WAIT_NS ? burst_ns : MIN_WAIT_NS;
	if (c->drained_max && c->drain_gap_ns) {
		/* gap * (size / 4) / backlog, in 128-bit-free steps */
		uint64_t quarter = (1ull << c->slot_shift) / 4;
		uint64_t ns = c->drain_gap_ns / c->drained_max * quarter;

		if (ns < wait_ns)
			wait_ns = ns > MIN_WAIT_NS ? ns : MIN_WAIT_NS;
	}
	ts.tv_sec = (time_t)(wait_ns / 1000000000ull);
	ts.tv_nsec = (long)(wait_ns % 1000000000ull);
	nanosleep(&ts, NULL);
}

/* Move @r's committed slots into its stash (the side drain); false when the stash is full. */
static bool stash_move(struct capture *c, struct ring *r)
{
	uint64_t end = __atomic_load_n(r->head, __ATOMIC_ACQUIRE), mask = (1ull << c->slot_shift) - 1;
	bool room = true;

	while (r->tail < end) {
		uint8_t *slot = r->slots + (r->tail & mask) * SLOT_SIZE;

		if (!__atomic_load_n((uint64_t *)slot, __ATOMIC_ACQUIRE))
			break;
		if (r->stash_n == r->stash_cap) {
			size_t cap = r->stash_cap ? r->stash_cap * 2 : 65536;
			uint8_t *p = cap <= STASH_MAX_SLOTS ? realloc(r->stash, cap * SLOT_SIZE) : NULL;

			if (!p) {
				room = false;
				break;
			}
			r->stash = p;
			r->stash_cap = cap;
		}
		memcpy(r->stash + r->stash_n++ * SLOT_SIZE, slot, SLOT_SIZE);
		__atomic_store_n((uint64_t *)slot, 0, __ATOMIC_RELAXED);
		r->tail++;
	}
	__atomic_store_n(r->tail_pub, r->tail, __ATOMIC_RELEASE);
	return room;
}

static void *side_drain_run(void *arg)
{
	struct capture *c = arg;
	struct timespec ts = { 0, (long)SIDE_DRAIN_WAIT_NS };

	while (!__atomic_load_n(&c->side_stop, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < c->nr_rings; i++)
			stash_move(c, &c->rings[i]);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int capture_side_drain_start(struct capture *c)
{
	int ret;

	if (c->side_running || c->finished)
		return -EINVAL;
	c->side_stop = 0;
	ret = pthread_create(&c->side_tid, NULL, side_drain_run, c);
	if (ret)
		return -ret;
	c->side_running = true;
	return 0;
}

void capture_side_drain_stop(struct capture *c)
{
	if (!c || !c->side_running)
		return;
	__atomic_store_n(&c->side_stop, 1, __ATOMIC_RELEASE);
	pthread_join(c->side_tid, NULL);
	c->side_running = false;
	/* The rings were emptied meanwhile: the time since the last drain is no gap. */
	c->last_drain_ns = 0;
}

/* Map the rings: "slots" and "cpu_state" are created by the skeleton's load. */
static int rings_create(struct capture *c)
{
	void *p;

	c->rings = calloc((size_t)c->nr_cpus, sizeof(*c->rings));
	if (!c->rings)
		return -ENOMEM;
	c->slots_len = ((size_t)c->nr_cpus << c->slot_shift) * SLOT_SIZE;
	p = mmap(NULL, c->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(c->skel->maps.slots), 0);
	if (p == MAP_FAILED)
		return -errno;
	c->slots = p;
	for (int cpu = 0; cpu < c->nr_cpus; cpu++) {
		struct ring *r = &c->rings[cpu];

		r->slots = c->slots + ((size_t)cpu << c->slot_shift) * SLOT_SIZE;
		r->tail_pub = &c->cpu_vals[cpu].tail;
		r->head = &c->cpu_vals[cpu].head;
		r->tail = __atomic_load_n(r->tail_pub, __ATOMIC_ACQUIRE);
	}
	c->nr_rings = c->nr_cpus;
	p = mmap(NULL, WMARKS_LEN, PROT_READ, MAP_SHARED, bpf_map__fd(c->skel->maps.wmarks), 0);
	if (p == MAP_FAILED)
		return -errno;
	c->wmarks = p;
	return 0;
}

static void rings_destroy(struct capture *c)
{
	for (int i = 0; i < c->nr_rings; i++)
		free(c->rings[i].stash);
	if (c->slots)
		munmap(c->slots, c->slots_len);
	c->slots = NULL;
	if (c->wmarks)
		munmap((void *)c->wmarks, WMARKS_LEN);
	c->wmarks = NULL;
	capture_mm_release(&c->mm);
	free(c->rings);
	c->rings = NULL;
	c->nr_rings = 0;
}

/*
 * Hits the kernel did not run our programs for, because another BPF
 * program was already running on that cpu (an interrupt came in during
 * one): the kernel counts them per program as recursion misses. The cpu
 * is not known, so they are written with cpu TRACEFMT_LOST_CPU_UNKNOWN.
 */
static uint64_t tracepoint_misses(struct capture *c)
{
	uint64_t sum = 0;

	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		struct bpf_program *p = tp_prog(c->skel, i, c->raw);

		if (!*tp_link(c->skel, i, c->raw))
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			sum += info.recursion_misses;
	}
	return sum + capture_mm_misses(&c->mm);
}

/*
 * The kernel's nesting misses since the previous look, as a lost record of
 * cpu unknown whose window is the time between the two looks: the counter
 * is read by a syscall, so that is as close as it can be placed.
 */
static int misses_update(struct capture *c, uint64_t now)
{
	uint64_t misses = tracepoint_misses(c), since = c->misses_read_ns;
	int ret;

	c->misses_read_ns = now;
	if (misses <= c->misses_seen)
		return 0;
	ret = lost_write(c, CAPTURE_LOST_CPU_UNKNOWN, misses - c->misses_seen, since, now, now);
	if (!ret)
		c->misses_seen = misses;
	return ret;
}

/*
 * Drops no LOST slot has reported yet, once the programs are detached (a
 * cpu whose ring stayed full to the end, or that recorded nothing after
 * its last drop): nothing races with the reading any more.
 */
static int drops_unsent_write(struct capture *c, uint64_t now)
{
	for (int cpu = 0; cpu < c->nr_cpus; cpu++) {
		struct pagealloc_cpu_state *st = &c->cpu_vals[cpu];
		uint64_t n = st->dropped - st->dropped_sent;
		uint64_t first = st->drop_first_ns ? st->drop_first_ns : st->drop_last_ns;
		int ret;

		if (!n)
			continue;
		ret = lost_write(c, (uint32_t)cpu, n, first, st->drop_last_ns,
				 now > st->drop_last_ns ? now : st->drop_last_ns);
		if (ret)
			return ret;
		st->dropped_sent = st->dropped;
		st->drop_first_ns = 0;
	}
	return 0;
}

/* Lost counts due at @now: the ring drops come through the rings themselves. */
static int lost_update(struct capture *c, uint64_t now)
{
	c->last_lost_ns = now;
	return misses_update(c, now);
}

/*
 * One reading of pagetypeinfo + zoneinfo: a checkpoint per populated zone
 * and a zone state per zone, all with the same seq and time. The rings are
 * drained first so the records land in the file after the events that
 * preceded them; the stamp is the middle of the read, which takes the zone
 * locks briefly.
 */
/* The /proc reading of one checkpoint, timed; runs in the reader thread or inline. */
static void *reading_run(void *arg)
{
	struct reading *rd = arg;
	size_t nr_states;

	rd->t0 = capture_now_ns();
	rd->ret = sysinfo_checkpoint_read_full(NULL, rd->seq, 0, rd->ev, MAX_CKPT_ZONES, &rd->nr,
					       &nr_states, &rd->err);
	/* The reclaim and compaction counters; a reading without them is still a reading. */
	if (sysinfo_vmstat_read(NULL, rd->seq, 0, rd->vm, SYSINFO_VMSTAT_MAX, &rd->nr_vm, NULL))
		rd->nr_vm = 0;
	rd->t1 = capture_now_ns();
	__atomic_store_n(&rd->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Write a finished reading's records, stamped at the middle of the read. */
static int reading_write(struct capture *c, struct reading *rd, struct bs_error *err)
{
	int ret;

	if (rd->ret) {
		if (err)
			*err = rd->err;
		return rd->ret;
	}
	if (rd->t1 - rd->t0 > c->st.checkpoint_max_ns)
		c->st.checkpoint_max_ns = rd->t1 - rd->t0;
	for (size_t i = 0; i < rd->nr; i++) {
		rd->ev[i].ts_ns = rd->t0 + (rd->t1 - rd->t0) / 2;
		ret = append(c, &rd->ev[i]);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < rd->nr_vm; i++) {
		rd->vm[i].ts_ns = rd->t0 + (rd->t1 - rd->t0) / 2;
		ret = append(c, &rd->vm[i]);
		if (ret)
			return ret;
	}
	memcpy(c->ckpt, rd->ev, rd->nr * sizeof(rd->ev[0]));
	c->ckpt_nr = rd->nr;
	c->ckpt_seq++;
	c->st.checkpoints++;
	return 0;
}

/*
 * Wait for the periodic reading in flight, if any, and write it (its
 * records stay in seq order ahead of a reading taken now).
 */
static int reading_collect(struct capture *c, struct bs_error *err)
{
	if (!c->reading_busy)
		return 0;
	pthread_join(c->reading_tid, NULL);
	c->reading_busy = false;
	return reading_write(c, &c->reading, err);
}

/*
 * The periodic reading: /proc/pagetypeinfo walks every pageblock under the
 * zone locks, which took up to 157 ms on a loaded 2-cpu host; read inline,
 * the rings were not drained meanwhile and filled. So it runs in a thread
 * of its own while this one keeps draining, and its records are written
 * when it is done; the events drained meanwhile come before them in the
 * file, as the events of the read's first half used to come after them.
 * Falls back to an inline reading when no thread can be started.
 */
static int reading_start(struct capture *c, struct bs_error *err)
{
	c->reading = (struct reading){ .seq = c->ckpt_seq };
	if (!pthread_create(&c->reading_tid, NULL, reading_run, &c->reading)) {
		c->reading_busy = true;
		return 0;
	}
	reading_run(&c->reading);
	return reading_write(c, &c->reading, err);
}

/* Write the periodic reading once its thread is done; 0 while it runs. */
static int reading_poll(struct capture *c, struct bs_error *err)
{
	if (!c->reading_busy || !__atomic_load_n(&c->reading.done, __ATOMIC_ACQUIRE))
		return 0;
	return reading_collect(c, err);
}

/*
 * A reading now, in this thread, after the one in flight: start, after
 * the snapshot, at the end. The rings are drained first so the records
 * land after the events that preceded them.
 */
static int checkpoint_take(struct capture *c, struct bs_error *err)
{
	int ret = reading_collect(c, err);
	bool side;

	if (ret)
		return ret;
	rings_drain(c);
	if (c->write_err)
		return c->write_err;
	c->reading = (struct reading){ .seq = c->ckpt_seq };
	/* The rings keep emptying during the read (up to ~0.5 s on a loaded host). */
	side = !c->side_running && !capture_side_drain_start(c);
	reading_run(&c->reading);
	if (side)
		capture_side_drain_stop(c);
	return reading_write(c, &c->reading, err);
}

/*
 * Measure the struct page * of pfn 0 for the raw programs (vmemmap.h):
 * attach calib_page (raw) and calib_pfn (classic) for the time of the
 * calibration only. Returns 0 with the base set in the BPF program, or
 * -ENOTSUP with the reason in c->st.classic_reason.
 */
static int vmemmap_measure(struct capture *c)
{
	struct pagealloc_skel__bss *bss = c->skel->bss;
	struct bpf_link **links[2] = { &c->skel->links.calib_page, &c->skel->links.calib_pfn };
	struct vmemmap_result res;
	uint32_t size;
	int ret;

	c->skel->links.calib_page = bpf_program__attach(c->skel->progs.calib_page);
	c->skel->links.calib_pfn = bpf_program__attach(c->skel->progs.calib_pfn);
	if (!c->skel->links.calib_page || !c->skel->links.calib_pfn) {
		links_destroy_n(links, 2);
		snprintf(c->st.classic_reason, sizeof(c->st.classic_reason), "attaching the calibration: %s",
			 strerror(errno));
		return -ENOTSUP;
	}
	ret = vmemmap_calibrate(&bss->calib, c->page_size, &res);
	links_destroy_n(links, 2);
	if (ret) {
		snprintf(c->st.classic_reason, sizeof(c->st.classic_reason),
			 "vmemmap base: %u of %u page/pfn pairs agree (need %u and 3/4)", res.agree,
			 res.pairs, VMEMMAP_MIN_PAIRS);
		return ret;
	}
	size = res.page_struct_size;
	bss->vmemmap_base = res.base;
	bss->page_shift = (size & (size - 1)) ? 0 : (uint32_t)__builtin_ctz(size);
	c->vmemmap_base = res.base;
	return 0;
}

/* The header, for every file: the host (hostinfo) and how this capture records. */
static char *header_create(const struct capture_opts *opts, struct capture *c, size_t *len,
			   struct bs_error *err)
{
	struct sysinfo_header_opts ho = {
		.source = "capture",
		.tracepoints_missing = c->st.missing,
		.nr_tracepoints_missing = c->st.nr_missing,
	};
	char *text;

	ho.capture = json_pack("{ss sI sI sI sb}", "method",
			       c->raw ? "bpf raw_tp/kmem slot rings" : "bpf tp/kmem slot rings",
			       "ringbuf_bytes", (json_int_t)opts->ringbuf_mib << 20,
			       "checkpoint_interval_ms", (json_int_t)c->ckpt_interval_ms,
			       "flush_interval_ms", (json_int_t)c->flush_interval_ms,
			       "watermark_recomputes", c->st.wmark_tracepoint);
	if (ho.capture)
		json_object_set_new(ho.capture, "mm_tracepoints", capture_mm_names_json(&c->mm));
	else
		ho.capture = json_null();
	text = sysinfo_header_create(&ho, len, err);
	json_decref(ho.capture);
	return text;
}

/* One capture_create() call: the capture being built and how to report its failure. */
struct startup {
	struct capture *c;
	struct capture_opts o;		/* the caller's, with the defaults filled in */
	enum capture_failure *why;
	struct bs_error *err;
	char tracefs[64];		/* where tracefs is mounted */
	char libbpf_note[LIBBPF_NOTE_LEN]; /* libbpf's last warning in this call */
	uint64_t cpu_start, cpu_mark;	/* process CPU time, for capture_stats.startup */
	char *hdr;			/* the header blob until the capture owns it */
	size_t hdr_len;
};

static int startup_fail(struct startup *s, enum capture_failure why, int ret)
{
	*s->why = why;
	return ret;
}

/* A libbpf step failed with @ret: the kind of failure, @what and libbpf's last word. */
static int bpf_fail(struct startup *s, int ret, const char *what)
{
	const char *note = s->libbpf_note;

	if (ret == -EPERM || ret == -EACCES) {
		*s->why = CAPTURE_FAIL_BPF_DENIED;
		return capture_error_set(s->err, BS_NOWHERE, ret, "BPF not permitted: %s: %s%s%.60s", what, strerror(-ret),
			       note[0] ? "; libbpf: " : "", note);
	}
	*s->why = CAPTURE_FAIL_BPF;
	return capture_error_set(s->err, BS_NOWHERE, ret, "%s: %s%s%.80s", what, strerror(-ret), note[0] ? "; libbpf: " : "",
		       note);
}

/* The options' defaults, and what can be refused before anything is opened. */
static int opts_check(struct startup *s)
{
	struct capture_opts *o = &s->o;

	if (!o->checkpoint_interval_ms)
		o->checkpoint_interval_ms = 1000;
	if (!o->ringbuf_mib) {
		/* 16 MiB a cpu, halved on big hosts so all rings stay within 256 MiB. */
		int cpus = libbpf_num_possible_cpus();

		o->ringbuf_mib = 16;
		while (cpus > 0 && o->ringbuf_mib > 2 && o->ringbuf_mib * (uint32_t)cpus > 256)
			o->ringbuf_mib /= 2;
	}
	if (!o->flush_interval_ms || o->flush_interval_ms >= 1000)
		o->flush_interval_ms = 900;
	if (o->ringbuf_mib & (o->ringbuf_mib - 1))
		return capture_error_set(s->err, BS_NOWHERE, -EINVAL, "ring buffer size %u MiB is not a power of two",
			       o->ringbuf_mib);
	if (geteuid() != 0)
		return startup_fail(s, CAPTURE_FAIL_NOT_ROOT,
				    capture_error_set(s->err, BS_NOWHERE, -EPERM, "must run as root (capture loads eBPF "
							   "programs and reads /proc/pagetypeinfo)"));
	return 0;
}

/* Whether tracefs has the tracepoint @sys/@name. */
static bool tracepoint_exists(const struct startup *s, const char *sys, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/%s/%s", s->tracefs, sys, name);
	return path_exists(path);
}

/*
 * Open the BPF object and choose its programs: a tracepoint this kernel
 * lacks does not get its program loaded, and is named in the header.
 */
static int capture_open(struct startup *s)
{
	struct capture *c = s->c;
	struct pagealloc_skel *skel;
	int ret;

	ret = tracefs_find(s->tracefs, sizeof(s->tracefs), s->err);
	if (ret)
		return startup_fail(s, CAPTURE_FAIL_TRACEFS, ret);
	c->skel = skel = pagealloc_skel__open();
	if (!skel)
		return bpf_fail(s, -errno, "opening the BPF object");
	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		if (tracepoint_exists(s, "kmem", tp_names[i]))
			continue;
		bpf_program__set_autoload(tp_prog(skel, i, false), false);
		bpf_program__set_autoload(tp_prog(skel, i, true), false);
		c->st.missing[c->st.nr_missing++] = tp_names[i];
	}
	if (c->st.nr_missing == CAPTURE_NR_TRACEPOINTS)
		return startup_fail(s, CAPTURE_FAIL_NO_TRACEPOINTS,
				    capture_error_set(s->err, BS_NOWHERE, -ENOENT, "no kmem page tracepoint under %s/events/kmem",
					    s->tracefs));
	/* The calibration pairs both kinds of mm_page_alloc programs. */
	if (!bpf_program__autoload(skel->progs.raw_alloc)) {
		bpf_program__set_autoload(skel->progs.calib_page, false);
		bpf_program__set_autoload(skel->progs.calib_pfn, false);
	}
	/* exec/exit only keep the pid names fresh; their absence is not fatal. */
	if (!tracepoint_exists(s, "sched", "sched_process_exec"))
		bpf_program__set_autoload(skel->progs.handle_exec, false);
	if (!tracepoint_exists(s, "sched", "sched_process_exit"))
		bpf_program__set_autoload(skel->progs.handle_exit, false);
	/* Watermark recomputes: kernels before 6.15 lack the tracepoint. */
	c->st.wmark_tracepoint = tracepoint_exists(s, "kmem", "mm_setup_per_zone_wmarks");
	if (!c->st.wmark_tracepoint)
		bpf_program__set_autoload(skel->progs.handle_wmarks, false);
	/* Reclaim and compaction (format 1.4): those this kernel has. */
	capture_mm_select(&c->mm, skel->obj, s->tracefs, false);
	return 0;
}

/* Size the per-cpu slot rings (before load: the maps are created by it). */
static int capture_configure(struct startup *s)
{
	struct capture *c = s->c;
	int ret;

	c->nr_cpus = libbpf_num_possible_cpus();
	if (c->nr_cpus <= 0)
		return bpf_fail(s, c->nr_cpus ? c->nr_cpus : -EINVAL, "counting cpus");
	c->slot_shift = (uint32_t)__builtin_ctzll(((uint64_t)s->o.ringbuf_mib << 20) / SLOT_SIZE);
	if (((uint64_t)c->nr_cpus << c->slot_shift) > UINT32_MAX)
		return capture_error_set(s->err, BS_NOWHERE, -E2BIG, "a %u MiB ring for each of %d cpus is too large "
					       "(at most %llu MiB each)", s->o.ringbuf_mib, c->nr_cpus,
			       (unsigned long long)(((uint64_t)UINT32_MAX / (uint64_t)c->nr_cpus) *
						    SLOT_SIZE >> 20));
	ret = bpf_map__set_max_entries(c->skel->maps.slots, (uint32_t)c->nr_cpus << c->slot_shift);
	if (!ret)
		ret = bpf_map__set_max_entries(c->skel->maps.cpu_state, (uint32_t)c->nr_cpus);
	if (ret)
		return bpf_fail(s, ret, "sizing the per-cpu rings");
	c->skel->rodata->slot_shift = c->slot_shift;
	c->st.ring_slots = 1u << c->slot_shift;
	return 0;
}

/* Load (map creation, verification); then choose raw or classic tracepoints. */
static int capture_load(struct startup *s)
{
	struct capture *c = s->c;
	int ret;

	ret = pagealloc_skel__load(c->skel);
	if (ret)
		return bpf_fail(s, ret, "loading the BPF programs");
	startup_step(&c->st.startup.load_ns, &s->cpu_mark);
	/* Raw tracepoints when this kernel lets us turn their page pointers into pfns. */
	c->raw = !s->o.classic_tracepoints && bpf_program__autoload(c->skel->progs.calib_page) &&
		 !vmemmap_measure(c);
	c->st.raw_tracepoints = c->raw;
	startup_step(&c->st.startup.calib_ns, &s->cpu_mark);
	return 0;
}

/* Map "cpu_state", the per-cpu counters both sides share (created by the load). */
static int cpu_state_map(struct capture *c)
{
	void *p;

	c->cpu_vals_len = ((size_t)c->nr_cpus * sizeof(*c->cpu_vals) + c->page_size - 1) &
			  ~(c->page_size - 1);
	p = mmap(NULL, c->cpu_vals_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(c->skel->maps.cpu_state), 0);
	if (p == MAP_FAILED)
		return -errno;
	c->cpu_vals = p;
	return 0;
}

/*
 * The header (it names the programs chosen, so it comes after the load),
 * the output file, and the user side of the rings.
 */
static int output_open(struct startup *s)
{
	/* zstd's fastest regular level: ~10 ns less per event than 1, 6.6 B/event */
	struct tracefmt_writer_opts wo = { .zstd_level = -1 };
	struct capture *c = s->c;
	int ret;

	s->hdr = header_create(&s->o, c, &s->hdr_len, s->err);
	if (!s->hdr)
		return startup_fail(s, CAPTURE_FAIL_PROC, -errno);
	startup_step(&c->st.startup.header_ns, &s->cpu_mark);
	c->output = strdup(s->o.output);
	/* OUTPUT.partial until the end: a killed capture keeps its complete blocks there. */
	wo.outfile_flags = OUTFILE_PARTIAL | (s->o.replace ? OUTFILE_REPLACE : OUTFILE_NO_REPLACE);
	c->w = tracefmt_writer_create(s->o.output, s->hdr, s->hdr_len, &wo, s->err);
	if (!c->w || !c->output)
		return startup_fail(s, CAPTURE_FAIL_OUTPUT, -errno);
	c->hdr = s->hdr;
	c->hdr_len = s->hdr_len;
	s->hdr = NULL;
	if (pid_table_grow(c))
		return capture_error_set(s->err, BS_NOWHERE, -ENOMEM, "out of memory");
	ret = cpu_state_map(c);
	if (ret)
		return bpf_fail(s, ret, "mapping the per-cpu counters");
	ret = rings_create(c);
	if (ret)
		return bpf_fail(s, ret, "mapping the per-cpu rings");
	startup_step(&c->st.startup.output_ns, &s->cpu_mark);
	return 0;
}

/* Attach the programs loaded: pid names and watermarks first, then the page events. */
static int capture_attach(struct startup *s)
{
	struct pagealloc_skel *skel = s->c->skel;
	const char *mm_what = NULL;
	char what[96];
	int ret;

	if (bpf_program__autoload(skel->progs.handle_exec))
		skel->links.handle_exec = bpf_program__attach(skel->progs.handle_exec);
	if (bpf_program__autoload(skel->progs.handle_exit))
		skel->links.handle_exit = bpf_program__attach(skel->progs.handle_exit);
	if (s->c->st.wmark_tracepoint) {
		skel->links.handle_wmarks = bpf_program__attach(skel->progs.handle_wmarks);
		if (!skel->links.handle_wmarks)
			return bpf_fail(s, -errno, "attaching kmem:mm_setup_per_zone_wmarks");
	}
	ret = capture_mm_attach(&s->c->mm, skel->obj, skel->maps.mmrecs, &mm_what);
	if (ret) {
		snprintf(what, sizeof(what), "attaching %s", mm_what);
		return bpf_fail(s, ret, what);
	}
	s->c->misses_read_ns = capture_now_ns();
	for (int i = 0; i < CAPTURE_NR_TRACEPOINTS; i++) {
		struct bpf_program *p = tp_prog(skel, i, s->c->raw);

		if (!bpf_program__autoload(p))
			continue;
		*tp_link(skel, i, s->c->raw) = bpf_program__attach(p);
		if (!*tp_link(skel, i, s->c->raw)) {
			snprintf(what, sizeof(what), "attaching kmem:%s", tp_names[i]);
			return bpf_fail(s, -errno, what);
		}
	}
	startup_step(&s->c->st.startup.attach_ns, &s->cpu_mark);
	return 0;
}

/* Recording: the start checkpoint goes to disk at once, so a trace is useful from here. */
static int capture_run(struct startup *s)
{
	struct capture *c = s->c;
	int ret;

	c->on_rare = s->o.on_rare_event;
	c->rare_ctx = s->o.rare_ctx;
	c->st.start_ns = capture_now_ns();
	c->last_flush_ns = c->st.start_ns;
	c->last_lost_ns = c->st.start_ns;
	ret = checkpoint_take(c, s->err);
	if (!ret)
		ret = c->write_err = tracefmt_writer_flush(c->w);
	if (ret) {
		if (c->write_err)
			write_failed(c, s->err);
		return startup_fail(s, c->write_err ? CAPTURE_FAIL_OUTPUT : CAPTURE_FAIL_PROC, ret);
	}
	c->next_ckpt_ns = capture_now_ns() + (uint64_t)c->ckpt_interval_ms * 1000000ull;
	startup_step(&c->st.startup.checkpoint_ns, &s->cpu_mark);
	c->st.startup.total_ns = s->cpu_mark - s->cpu_start;
	return 0;
}

/* The libbpf-tools order: open, configure, load, attach, run; one cleanup path. */
struct capture *capture_create(const struct capture_opts *opts, enum capture_failure *why,
			       struct bs_error *err)
{
	enum capture_failure dummy;
	struct startup s = { .o = *opts, .why = why ? why : &dummy, .err = err };
	int ret;

	s.cpu_start = s.cpu_mark = capture_process_cpu_ns();
	*s.why = CAPTURE_FAIL_NONE;
	ret = opts_check(&s);
	if (ret)
		goto cleanup;
	s.c = calloc(1, sizeof(*s.c));
	if (!s.c) {
		ret = capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
		goto cleanup;
	}
	s.c->ckpt_interval_ms = s.o.checkpoint_interval_ms;
	s.c->flush_interval_ms = s.o.flush_interval_ms;
	s.c->page_size = (size_t)sysconf(_SC_PAGESIZE);
	libbpf_set_print(libbpf_print_quiet);
	libbpf_sink = s.libbpf_note;

	ret = capture_open(&s);
	if (!ret)
		ret = capture_configure(&s);
	if (!ret) {
		startup_step(&s.c->st.startup.open_ns, &s.cpu_mark);
		ret = capture_load(&s);
	}
	if (!ret)
		ret = output_open(&s);
	if (!ret)
		ret = capture_attach(&s);
	if (!ret)
		ret = capture_run(&s);
cleanup:
	libbpf_sink = NULL;
	free(s.hdr);
	if (!ret)
		return s.c;
	if (s.c && s.c->w) {
		/* Removes OUTPUT.partial: nothing in it is worth keeping yet. */
		tracefmt_writer_abandon(s.c->w);
		s.c->w = NULL;
	}
	capture_destroy(s.c);
	errno = -ret;
	return NULL;
}

/* Lost counters, checkpoints and flushes that are due at @now. */
static int periodic(struct capture *c, uint64_t now, struct bs_error *err)
{
	int ret = 0;

	if (now - c->last_lost_ns >= LOST_CHECK_NS)
		ret = lost_update(c, now);
	if (!ret)
		ret = reading_poll(c, err);
	if (!ret && now >= c->next_ckpt_ns && !c->reading_busy) {
		ret = reading_start(c, err);
		c->next_ckpt_ns += (uint64_t)c->ckpt_interval_ms * 1000000ull;
		if (c->next_ckpt_ns <= now)
			c->next_ckpt_ns = now + (uint64_t)c->ckpt_interval_ms * 1000000ull;
	}
	if (!ret && now - c->last_flush_ns >= (uint64_t)c->flush_interval_ms * 1000000ull) {
		ret = tracefmt_writer_flush(c->w);
		if (ret)
			c->write_err = ret;
		c->last_flush_ns = capture_now_ns();
		if (c->last_flush_ns - now > c->st.flush_max_ns)
			c->st.flush_max_ns = c->last_flush_ns - now;
	}
	c->st.bytes = tracefmt_writer_bytes(c->w);
	return ret;
}

static int write_failed(struct capture *c, struct bs_error *err)
{
	return capture_error_set(err, BS_NOWHERE, c->write_err, "writing %s.partial: %s (everything before %llu bytes "
		       "is kept there)", c->output, strerror(-c->write_err),
		       (unsigned long long)(c->w ? tracefmt_writer_bytes(c->w) : c->st.bytes));
}

/* @ret, unless a write failed on the way: then that failure, described. */
static int write_status(struct capture *c, int ret, struct bs_error *err)
{
	return c->write_err ? write_failed(c, err) : ret;
}

int capture_poll(struct capture *c, int timeout_ms, struct bs_error *err)
{
	int ret;

	if (c->write_err)
		return write_failed(c, err);
	rings_wait(c, timeout_ms);
	rings_drain(c);
	if (c->write_err)
		return write_failed(c, err);
	ret = periodic(c, capture_now_ns(), err);
	return write_status(c, ret, err);
}

int capture_reading_settle(struct capture *c, struct bs_error *err)
{
	int ret;

	if (c->finished)
		return 0;
	ret = reading_collect(c, err);
	return write_status(c, ret, err);
}

int capture_checkpoint(struct capture *c, struct bs_error *err)
{
	int ret;

	if (c->finished)
		return -EINVAL;
	if (c->write_err)
		return write_failed(c, err);
	ret = checkpoint_take(c, err);
	if (!ret && !c->write_err) {
		c->write_err = tracefmt_writer_flush(c->w);
		c->last_flush_ns = capture_now_ns();
	}
	return write_status(c, ret, err);
}

int capture_finish(struct capture *c, struct bs_error *err)
{
	int ret;

	if (c->finished)
		return 0;
	c->finished = true;
	/* End checkpoint while still attached, so no event falls between. */
	ret = c->write_err ? c->write_err : checkpoint_take(c, err);
	links_destroy(c->skel, &c->mm);
	rings_drain(c);
	if (!ret)
		ret = lost_update(c, capture_now_ns());
	if (!ret)
		ret = drops_unsent_write(c, capture_now_ns());
	if (c->write_err) {
		write_failed(c, err);
		ret = c->write_err;
	}
	{
		struct bs_error cerr = { 0 };
		int cret = tracefmt_writer_close(c->w, &cerr);
		struct stat sb;

		c->w = NULL;
		if (cret && !ret)
			ret = capture_error_set(err, BS_NOWHERE, cret, "%s", cerr.text);
		if (!cret && !stat(c->output, &sb))
			c->st.bytes = (uint64_t)sb.st_size;
	}
	return ret;
}

/* Every pid's name is news again: a new file must carry its own. */
static void pid_names_forget(struct capture *c)
{
	for (uint32_t i = 0; i < c->pid_cap; i++)
		if (c->pids[i].used)
			c->pids[i].exited = 1;
}

void capture_output_limit(struct capture *c, uint64_t bytes)
{
	if (c->w)
		tracefmt_writer_set_limit(c->w, bytes);
}

bool capture_output_limit_reached(const struct capture *c)
{
	return c->w && tracefmt_writer_limit_reached(c->w);
}

int capture_output_switch(struct capture *c, const char *path, struct bs_error *err)
{
	struct tracefmt_writer_opts wo = { .zstd_level = -1,
					   .outfile_flags = OUTFILE_PARTIAL | OUTFILE_NO_REPLACE };
	struct bs_error cerr = { 0 };
	char *name;
	int ret;

	if (c->finished || !c->w)
		return -EINVAL;
	if (c->write_err)
		return write_failed(c, err);
	ret = rings_drain(c);
	if (!ret && !c->write_err)
		ret = lost_update(c, capture_now_ns());
	if (c->write_err)
		return write_failed(c, err);
	ret = tracefmt_writer_close(c->w, &cerr);
	c->w = NULL;
	if (ret) {
		c->write_err = ret;
		return capture_error_set(err, BS_NOWHERE, ret, "%s", cerr.text);
	}
	name = strdup(path);
	if (!name)
		return c->write_err = capture_error_set(err, BS_NOWHERE, -ENOMEM, "out of memory");
	free(c->output);
	c->output = name;
	c->w = tracefmt_writer_create(path, c->hdr, c->hdr_len, &wo, err);
	if (!c->w)
		return c->write_err = -errno;
	pid_names_forget(c);
	c->st.bytes = tracefmt_writer_bytes(c->w);
	ret = checkpoint_take(c, err);
	if (!ret && !c->write_err)
		c->write_err = tracefmt_writer_flush(c->w);
	c->last_flush_ns = capture_now_ns();
	return write_status(c, ret, err);
}

const struct tracefmt_event *capture_last_reading(const struct capture *c, size_t *n)
{
	*n = c->ckpt_nr;
	return c->ckpt;
}

const char *capture_output(const struct capture *c)
{
	return c->output;
}

const struct capture_stats *capture_stats(const struct capture *c)
{
	return &c->st;
}

struct tracefmt_writer *capture_writer(struct capture *c)
{
	return c->w;
}

void capture_destroy(struct capture *c)
{
	if (!c)
		return;
	if (c->reading_busy)
		pthread_join(c->reading_tid, NULL);
	capture_side_drain_stop(c);
	if (c->skel)
		links_destroy(c->skel, &c->mm);
	rings_destroy(c);
	pagealloc_skel__destroy(c->skel);
	tracefmt_writer_abandon(c->w);
	if (c->cpu_vals)
		munmap((void *)c->cpu_vals, c->cpu_vals_len);
	free(c->pids);
	free(c->output);
	free(c->hdr);
	free(c);
}
