// SPDX-License-Identifier: MIT
/*
 * trace.dat through libtracecmd (tracedat.h). Each buffer of the file (the
 * top-level one and every instance) is read cpu by cpu with
 * tracecmd_read_data(); the records of all cpus and buffers are merged by
 * timestamp here, one record at a time, and handed to the record driver of
 * the text importers (tracefmt_import_records()), so COMM records, stats and
 * the all-or-nothing output are the same as for text.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <trace-cmd.h>

#include "import_internal.h"
#include "tracefmt_internal.h"
#include "tracedat.h"

/* One kmem event of one buffer: its id and the fields read from it. */
enum tdat_field {
	F_PFN, F_ORDER, F_MT, F_GFP, F_REFILL, F_ALLOC_ORDER, F_FALLBACK_ORDER, F_ALLOC_MT,
	F_FALLBACK_MT, F_CHANGE, F_NODE, F_NAME, F_MIN, F_LOW, F_HIGH, F_PROMO, NR_F
};

static const char *const field_names[NR_F] = {
	[F_PFN] = "pfn", [F_ORDER] = "order", [F_MT] = "migratetype", [F_GFP] = "gfp_flags",
	[F_REFILL] = "percpu_refill", [F_ALLOC_ORDER] = "alloc_order",
	[F_FALLBACK_ORDER] = "fallback_order", [F_ALLOC_MT] = "alloc_migratetype",
	[F_FALLBACK_MT] = "fallback_migratetype", [F_CHANGE] = "change_ownership",
	[F_NODE] = "node_id", [F_NAME] = "name", [F_MIN] = "watermark_min",
	[F_LOW] = "watermark_low", [F_HIGH] = "watermark_high", [F_PROMO] = "watermark_promo",
};

/* The fields each record type needs (FORMAT.md §4); order of free_batched is optional. */
static const struct tdat_need {
	unsigned int type;
	unsigned int nr;
	enum tdat_field f[6];
} needs[] = {
	{ TRACEFMT_PAGE_ALLOC, 4, { F_PFN, F_ORDER, F_MT, F_GFP } },
	{ TRACEFMT_PAGE_FREE, 2, { F_PFN, F_ORDER } },
	{ TRACEFMT_PAGE_FREE_BATCHED, 1, { F_PFN } },
	{ TRACEFMT_PAGE_ALLOC_ZONE_LOCKED, 4, { F_PFN, F_ORDER, F_MT, F_REFILL } },
	{ TRACEFMT_PAGE_PCPU_DRAIN, 3, { F_PFN, F_ORDER, F_MT } },
	{ TRACEFMT_PAGE_ALLOC_EXTFRAG, 6,
	  { F_PFN, F_ALLOC_ORDER, F_FALLBACK_ORDER, F_ALLOC_MT, F_FALLBACK_MT, F_CHANGE } },
	{ TRACEFMT_WMARK, 6, { F_NODE, F_NAME, F_MIN, F_LOW, F_HIGH, F_PROMO } },
};

#define NR_KMEM_KINDS (sizeof(needs) / sizeof(needs[0]))
/* then the reclaim and compaction events (format 1.4), fields from tracefmt_mm.c */
#define NR_KINDS (NR_KMEM_KINDS + TRACEFMT_MM_NR_TYPES)

struct tdat_kind {
	int id; /* -1: the file does not have this event */
	unsigned int type;
	struct tep_event *event;
	struct tep_format_field *f[NR_F];
	struct tep_format_field *mf[TRACEFMT_MM_MAX_ARGS]; /* types 16-35: tf_mm_desc()'s fields */
};

struct tdat_buffer {
	struct tracecmd_input *h;
	struct tep_handle *tep;
	struct tdat_kind kinds[NR_KINDS];
	struct tracedat_buffer_info *info;
};

/* The next unread record of one cpu of one buffer. */
struct tdat_cursor {
	struct tdat_buffer *buf;
	int cpu;
	struct tep_record *rec;
};

struct tdat_src {
	const char *path;
	struct tdat_buffer bufs[TRACEDAT_MAX_BUFFERS];
	int nr_bufs;
	struct tdat_cursor *cur;
	int nr_cur;
	struct tracefmt_event pending; /* the event after a LOST record */
	struct import_task pending_task;
	bool have_pending;
	char comm[TRACEFMT_COMM_LEN];
};

/* A reclaim or compaction event of @b (kind @kd of type @type), with every field it must have. */
static int buffer_mm_kind_init(struct tdat_src *s, struct tdat_buffer *b, struct tdat_kind *kd,
			       unsigned int type, struct bs_error *err)
{
	const struct tf_mm_desc *d = tf_mm_desc(type);

	memset(kd, 0, sizeof(*kd));
	kd->id = -1;
	kd->type = type;
	kd->event = tep_find_event_by_name(b->tep, d->system, tracefmt_type_name(type));
	if (!kd->event)
		return 0;
	kd->id = kd->event->id;
	for (unsigned int i = 0; i < d->nr; i++) {
		kd->mf[i] = tep_find_field(kd->event, d->f[i].name);
		if (!kd->mf[i])
			return tracefmt_error_set(err, BS_NOWHERE, -EPROTO,
						  "%s: %s:%s has no field '%s' (a kernel whose "
						  "format this import does not know)",
						  s->path, d->system, tracefmt_type_name(type),
						  d->f[i].name);
	}
	return 0;
}

/* Look the kmem events up in @b's event list; a present event must have its fields. */
static int buffer_kinds_init(struct tdat_src *s, struct tdat_buffer *b, struct bs_error *err)
{
	for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++) {
		int ret = buffer_mm_kind_init(s, b, &b->kinds[NR_KMEM_KINDS + t - TRACEFMT_MM_FIRST],
					      t, err);
		if (ret)
			return ret;
	}
	for (size_t k = 0; k < NR_KMEM_KINDS; k++) {
		struct tdat_kind *kd = &b->kinds[k];
		const char *name = tracefmt_type_name(needs[k].type);

		memset(kd, 0, sizeof(*kd));
		kd->id = -1;
		kd->type = needs[k].type;
		kd->event = tep_find_event_by_name(b->tep, "kmem", name);
		if (!kd->event)
			continue;
		kd->id = kd->event->id;
		for (int f = 0; f < NR_F; f++)
			kd->f[f] = tep_find_field(kd->event, field_names[f]);
		for (unsigned int i = 0; i < needs[k].nr; i++)
			if (!kd->f[needs[k].f[i]])
				return tracefmt_error_set(err, BS_NOWHERE, -EPROTO,
						"%s: kmem:%s has no field '%s' (a kernel whose "
						"format this import does not know)",
						s->path, name, field_names[needs[k].f[i]]);
		/* mm_page_free_batched has no order from 4.x on; older kernels had one. */
	}
	return 0;
}

static const struct tdat_kind *buffer_kind(const struct tdat_buffer *b, int id)
{
	for (size_t k = 0; k < NR_KINDS; k++)
		if (b->kinds[k].id == id && id >= 0)
			return &b->kinds[k];
	return NULL;
}

static uint64_t rd(const struct tdat_kind *kd, enum tdat_field f, const struct tep_record *r)
{
	unsigned long long v = 0;

	if (kd->f[f])
		tep_read_number_field(kd->f[f], r->data, &v);
	return v;
}

/* A signed field read as the int the kernel stored (-1 stays -1). */
static int32_t rd_s32(const struct tdat_kind *kd, enum tdat_field f, const struct tep_record *r)
{
	return (int32_t)(uint32_t)rd(kd, f, r);
}

/* A pfn field: unsigned long, -1UL on a failed allocation. */
static uint64_t rd_pfn(const struct tdat_kind *kd, const struct tep_record *r)
{
	uint64_t v = rd(kd, F_PFN, r);

	if (kd->f[F_PFN] && kd->f[F_PFN]->size == 4 && v == UINT32_MAX)
		return TRACEFMT_PFN_NONE;
	return v;
}

/* A reclaim or compaction record: each field as the kernel stored it, ints sign-extended. */
static void record_fill_mm(const struct tdat_kind *kd, const struct tep_record *r,
			   struct tracefmt_event *ev)
{
	const struct tf_mm_desc *d = tf_mm_desc(kd->type);

	for (unsigned int i = 0; i < d->nr; i++) {
		unsigned long long v = 0;

		tep_read_number_field(kd->mf[i], r->data, &v);
		if (tf_mm_signed(&d->f[i]) && kd->mf[i]->size == 4)
			v = (unsigned long long)(int64_t)(int32_t)(uint32_t)v;
		tf_mm_set(ev, &d->f[i], v);
	}
}

/* The raw record as a tracefmt event (its common fields are set by the caller). */
static void record_fill(const struct tdat_kind *kd, const struct tep_record *r,
			struct tracefmt_event *ev)
{
	ev->type = kd->type;
	if (tracefmt_type_is_mm(kd->type)) {
		record_fill_mm(kd, r, ev);
		return;
	}
	switch (kd->type) {
	case TRACEFMT_PAGE_ALLOC:
		ev->u.alloc.pfn = rd_pfn(kd, r);
		ev->u.alloc.order = (uint32_t)rd(kd, F_ORDER, r);
		ev->u.alloc.migratetype = rd_s32(kd, F_MT, r);
		ev->u.alloc.gfp_flags = rd(kd, F_GFP, r);
		break;
	case TRACEFMT_PAGE_FREE:
		ev->u.free.pfn = rd(kd, F_PFN, r);
		ev->u.free.order = (uint32_t)rd(kd, F_ORDER, r);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		ev->u.free_batched.pfn = rd(kd, F_PFN, r);
		ev->u.free_batched.has_order = kd->f[F_ORDER] != NULL;
		ev->u.free_batched.order = (uint32_t)rd(kd, F_ORDER, r);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		ev->u.zone_locked.pfn = rd_pfn(kd, r);
		ev->u.zone_locked.order = (uint32_t)rd(kd, F_ORDER, r);
		ev->u.zone_locked.migratetype = rd_s32(kd, F_MT, r);
		ev->u.zone_locked.percpu_refill = (uint32_t)rd(kd, F_REFILL, r);
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		ev->u.pcpu_drain.pfn = rd(kd, F_PFN, r);
		ev->u.pcpu_drain.order = (uint32_t)rd(kd, F_ORDER, r);
		ev->u.pcpu_drain.migratetype = rd_s32(kd, F_MT, r);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		ev->u.extfrag.pfn = rd(kd, F_PFN, r);
		ev->u.extfrag.alloc_order = (uint32_t)rd(kd, F_ALLOC_ORDER, r);
		ev->u.extfrag.fallback_order = (uint32_t)rd(kd, F_FALLBACK_ORDER, r);
		ev->u.extfrag.alloc_migratetype = rd_s32(kd, F_ALLOC_MT, r);
		ev->u.extfrag.fallback_migratetype = rd_s32(kd, F_FALLBACK_MT, r);
		ev->u.extfrag.change_ownership = (uint32_t)rd(kd, F_CHANGE, r);
		break;
	case TRACEFMT_WMARK: {
		int len = 0;
		const char *name = tep_get_field_raw(NULL, kd->event, "name",
						     (struct tep_record *)r, &len, 0);
		ev->u.wmark.node = (uint32_t)rd(kd, F_NODE, r);
		if (name && len > 0)
			snprintf(ev->u.wmark.zone, sizeof(ev->u.wmark.zone), "%.*s", len, name);
		ev->u.wmark.min = rd(kd, F_MIN, r);
		ev->u.wmark.low = rd(kd, F_LOW, r);
		ev->u.wmark.high = rd(kd, F_HIGH, r);
		ev->u.wmark.promo = rd(kd, F_PROMO, r);
		break;
	}
	}
}

/* The cursor whose record is the earliest; NULL when every cpu is done. */
static struct tdat_cursor *cursor_min(struct tdat_src *s)
{
	struct tdat_cursor *best = NULL;

	for (int i = 0; i < s->nr_cur; i++)
		if (s->cur[i].rec && (!best || s->cur[i].rec->ts < best->rec->ts))
			best = &s->cur[i];
	return best;
}

static void task_of(struct tdat_src *s, struct tep_handle *tep, uint32_t pid,
		    struct import_task *task)
{
	const char *comm = tep_data_comm_from_pid(tep, (int)pid);

	task->name = NULL;
	task->len = 0;
	if (!comm || !strcmp(comm, "<...>"))
		return;
	snprintf(s->comm, sizeof(s->comm), "%s", comm);
	task->name = s->comm;
	task->len = strlen(s->comm);
}

/* import_record_fn over the merged buffers. */
static int tdat_next(void *ctx, struct tracefmt_event *ev, struct import_task *task,
		     struct bs_error *err)
{
	struct tdat_src *s = ctx;

	(void)err;
	if (s->have_pending) {
		s->have_pending = false;
		*ev = s->pending;
		*task = s->pending_task;
		return 1;
	}
	for (;;) {
		struct tdat_cursor *c = cursor_min(s);
		if (!c)
			return 0;
		struct tep_record *r = c->rec;
		struct tdat_buffer *b = c->buf;
		c->rec = tracecmd_read_data(b->h, c->cpu);
		b->info->records++;
		const struct tdat_kind *kd = buffer_kind(b, tep_data_type(b->tep, r));
		struct tracefmt_event e = { .cpu = (uint32_t)c->cpu, .ts_ns = r->ts };
		long long missed = r->missed_events;
		if (kd) {
			b->info->kmem_records++;
			e.pid = (uint32_t)tep_data_pid(b->tep, r);
			record_fill(kd, r, &e);
			task_of(s, b->tep, e.pid, &s->pending_task);
		}
		tracecmd_free_record(r);
		if (missed) {
			/* The loss is before this record, on its cpu. */
			memset(ev, 0, sizeof(*ev));
			ev->type = TRACEFMT_LOST;
			ev->cpu = e.cpu;
			ev->ts_ns = e.ts_ns;
			ev->u.lost.count = missed > 0 ? (uint64_t)missed : 1;
			if (missed > 0)
				b->info->missed_events += (uint64_t)missed;
			else
				b->info->missed_unknown++;
			task->name = NULL;
			task->len = 0;
			if (kd) {
				s->pending = e;
				s->have_pending = true;
			}
			return 1;
		}
		if (kd) {
			*ev = e;
			*task = s->pending_task;
			return 1;
		}
	}
}

/* Start (or restart) a cursor on every cpu of every imported buffer. */
static int cursors_start(struct tdat_src *s, struct bs_error *err)
{
	int n = 0;

	for (int i = 0; i < s->nr_bufs; i++)
		n += tep_get_cpus(s->bufs[i].tep);
	s->cur = calloc(n ? (size_t)n : 1, sizeof(*s->cur));
	if (!s->cur)
		return tracefmt_error_set(err, BS_NOWHERE, -ENOMEM,
					  "%s: no memory for %d cpu cursors", s->path, n);
	for (int i = 0; i < s->nr_bufs; i++)
		for (int cpu = 0; cpu < tep_get_cpus(s->bufs[i].tep); cpu++) {
			struct tdat_cursor *c = &s->cur[s->nr_cur++];
			c->buf = &s->bufs[i];
			c->cpu = cpu;
			c->rec = tracecmd_read_cpu_first(s->bufs[i].h, cpu);
		}
	return 0;
}

static void cursors_stop(struct tdat_src *s)
{
	for (int i = 0; i < s->nr_cur; i++)
		tracecmd_free_record(s->cur[i].rec);
	free(s->cur);
	s->cur = NULL;
	s->nr_cur = 0;
}

/* Count each buffer's kmem records (without --instance, to leave out buffers without any). */
static int buffers_count_kmem(struct tdat_src *s, struct bs_error *err)
{
	int rc = cursors_start(s, err);
	struct tdat_cursor *c;

	if (rc < 0)
		return rc;
	while ((c = cursor_min(s))) {
		struct tep_record *r = c->rec;
		c->rec = tracecmd_read_data(c->buf->h, c->cpu);
		if (buffer_kind(c->buf, tep_data_type(c->buf->tep, r)))
			c->buf->info->kmem_records++;
		tracecmd_free_record(r);
	}
	cursors_stop(s);
	return 0;
}

/* Open every buffer of @top into @all (info in @info); 0 or -errno. */
static int buffers_open(struct tdat_src *s, struct tracecmd_input *top, struct tdat_buffer *all,
			int *nr_all, struct tracedat_info *info, struct bs_error *err)
{
	int nr_inst = tracecmd_buffer_instances(top);

	*nr_all = 0;
	for (int i = -1; i < nr_inst && *nr_all < TRACEDAT_MAX_BUFFERS; i++) {
		struct tdat_buffer *b = &all[*nr_all];
		struct tracedat_buffer_info *bi = &info->buffers[*nr_all];
		memset(bi, 0, sizeof(*bi));
		b->h = i < 0 ? top : tracecmd_buffer_instance_handle(top, i);
		if (!b->h)
			return tracefmt_error_set(err, BS_NOWHERE, -EPROTO,
						  "%s: cannot open its buffer '%s'", s->path,
					tracecmd_buffer_instance_name(top, i));
		if (i >= 0)
			snprintf(bi->name, sizeof(bi->name), "%s",
				 tracecmd_buffer_instance_name(top, i));
		b->tep = tracecmd_get_tep(b->h);
		b->info = bi;
		(*nr_all)++;
		info->nr_buffers = (uint32_t)*nr_all;
		int rc = buffer_kinds_init(s, b, err);
		if (rc < 0)
			return rc;
	}
	info->cpus = (uint32_t)tep_get_cpus(all[0].tep);
	return 0;
}

/* The buffers to import: @instance, or (NULL) all that hold kmem records. */
static int buffers_pick(struct tdat_src *s, struct tdat_buffer *all, int nr_all,
			const char *instance, struct bs_error *err)
{
	s->nr_bufs = 0;
	if (instance) {
		for (int i = 0; i < nr_all; i++)
			if (!strcmp(all[i].info->name, instance)) {
				s->bufs[s->nr_bufs++] = all[i];
				all[i].info->imported = true;
				return 0;
			}
		char names[96] = "";
		for (int i = 1; i < nr_all; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i > 1 ? ", " : "", all[i].info->name);
		return tracefmt_error_set(err, BS_NOWHERE, -ENOENT,
					  "%s: no instance '%s' (the file has: top-level%s%s)",
				s->path, instance, nr_all > 1 ? ", " : "", names);
	}
	if (nr_all > 1) {
		s->bufs[0] = all[0];
		for (int i = 1; i < nr_all; i++)
			s->bufs[i] = all[i];
		s->nr_bufs = nr_all;
		int rc = buffers_count_kmem(s, err);
		if (rc < 0)
			return rc;
		s->nr_bufs = 0;
		for (int i = 0; i < nr_all; i++) {
			if (all[i].info->kmem_records)
				s->bufs[s->nr_bufs++] = all[i];
			all[i].info->imported = all[i].info->kmem_records > 0;
			all[i].info->kmem_records = 0; /* counted again while importing */
		}
		if (s->nr_bufs)
			return 0;
	}
	s->bufs[s->nr_bufs++] = all[0];
	all[0].info->imported = true;
	return 0;
}

int tracedat_import(const char *in_path, const char *out_path, const void *header,
		    size_t header_len, const char *instance,
		    const struct tracefmt_import_opts *opts, struct tracedat_info *info,
		    struct tracefmt_import_stats *stats, struct bs_error *err)
{
	static struct tdat_src zero;
	struct tdat_src *s = malloc(sizeof(*s));
	struct tdat_buffer all[TRACEDAT_MAX_BUFFERS];
	struct tracedat_info local_info;
	struct tracefmt_import_stats local_stats;
	struct tracecmd_input *top;
	int nr_all = 0, rc;

	if (!info)
		info = &local_info;
	if (!stats)
		stats = &local_stats;
	memset(info, 0, sizeof(*info));
	memset(stats, 0, sizeof(*stats));
	if (!s)
		return tracefmt_error_set(err, BS_NOWHERE, -ENOMEM, "%s: no memory", in_path);
	*s = zero;
	s->path = in_path;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	top = tracecmd_open(in_path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!top) {
		int e = errno ? errno : EPROTO;
		free(s);
		return tracefmt_error_set(err, BS_NOWHERE, -e,
					  "%s: libtracecmd cannot open it as a trace.dat (%s)",
				in_path, strerror(e));
	}
	rc = buffers_open(s, top, all, &nr_all, info, err);
	if (!rc)
		rc = buffers_pick(s, all, nr_all, instance, err);
	if (!rc)
		rc = cursors_start(s, err);
	if (!rc)
		rc = tracefmt_import_records(tdat_next, s, in_path, out_path, header, header_len,
					     opts, stats, err);
	cursors_stop(s);
	for (int i = 1; i < nr_all; i++)
		tracecmd_close(all[i].h);
	tracecmd_close(top);
	free(s);
	return rc;
}
