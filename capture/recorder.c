/* SPDX-License-Identifier: MIT */
/*
 * The flight recorder's pieces that need no BPF (recorder.h): size and
 * switch-point parsing, trigger evaluation, file names, the list of
 * finished files with its budget, and joining traces into one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "recorder.h"

/* A decimal count at @s; *@end past it. false without a digit or on overflow. */
static bool parse_count(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	*end = p;
	return p != s;
}

/* The multiplier of a size suffix, 0 when @s is not one. */
static uint64_t size_unit(const char *s)
{
	static const struct {
		const char *name;
		uint64_t mul;
	} units[] = {
		{ "", 1 },	    { "K", 1ull << 10 },   { "k", 1ull << 10 },	 { "KiB", 1ull << 10 },
		{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "G", 1ull << 30 },	 { "g", 1ull << 30 },
		{ "GiB", 1ull << 30 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(s, units[i].name))
			return units[i].mul;
	return 0;
}

int recorder_parse_size(const char *s, uint64_t *bytes)
{
	const char *end;
	uint64_t v, mul;

	if (!parse_count(s, &v, &end) || !v)
		return -EINVAL;
	mul = size_unit(end);
	if (!mul || v > UINT64_MAX / mul)
		return -EINVAL;
	*bytes = v * mul;
	return 0;
}

int recorder_parse_switch(const char *s, uint64_t *bytes, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t secs;
	} units[] = { { "s", 1 }, { "m", 60 }, { "min", 60 }, { "h", 3600 } };
	const char *end;
	uint64_t v;

	*bytes = 0;
	*ns = 0;
	if (!parse_count(s, &v, &end) || !v || !*end)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].name)) {
			/* A year at most, like --duration: the ns count stays in range. */
			if (v > 366ull * 24 * 3600 / units[i].secs)
				return -EINVAL;
			*ns = v * units[i].secs * 1000000000ull;
			return 0;
		}
	return recorder_parse_size(s, bytes);
}

int recorder_trigger_parse(const char *s, uint32_t pageblock_order, struct recorder_trigger *t)
{
	static const char free_prefix[] = "free-order";
	const char *p, *end;
	uint64_t order, limit;

	memset(t, 0, sizeof(*t));
	t->pageblock_order = pageblock_order;
	if (!strcmp(s, "alloc-fail")) {
		t->kind = TRACEFMT_TRIGGER_ALLOC_FAIL;
		return 0;
	}
	if (!strcmp(s, "extfrag")) {
		t->kind = TRACEFMT_TRIGGER_EXTFRAG;
		return 0;
	}
	if (strncmp(s, free_prefix, sizeof(free_prefix) - 1))
		return -EINVAL;
	p = s + sizeof(free_prefix) - 1;
	if (!parse_count(p, &order, &end) || order >= TRACEFMT_MAX_ORDERS || *end != '<')
		return -EINVAL;
	if (!parse_count(end + 1, &limit, &end) || !limit)
		return -EINVAL;
	if (*end == '@') {
		size_t len = strlen(end + 1);

		if (!len || len >= sizeof(t->zone))
			return -EINVAL;
		memcpy(t->zone, end + 1, len + 1);
	} else if (*end) {
		return -EINVAL;
	}
	t->kind = TRACEFMT_TRIGGER_FREE_ORDER;
	t->min_order = (uint32_t)order;
	t->limit = limit;
	return 0;
}

static void trigger_record(const struct tracefmt_event *from, uint32_t kind,
			   struct tracefmt_event *out)
{
	memset(out, 0, sizeof(*out));
	out->type = TRACEFMT_TRIGGER;
	out->ts_ns = from->ts_ns;
	out->cpu = from->cpu;
	out->pid = from->pid;
	out->u.trigger.kind = kind;
}

bool recorder_trigger_event(const struct recorder_trigger *t, const struct tracefmt_event *ev,
			    struct tracefmt_event *out)
{
	if (t->kind == TRACEFMT_TRIGGER_ALLOC_FAIL && ev->type == TRACEFMT_PAGE_ALLOC &&
	    ev->u.alloc.pfn == TRACEFMT_PFN_NONE) {
		trigger_record(ev, t->kind, out);
		out->u.trigger.order = ev->u.alloc.order;
		out->u.trigger.value = ev->u.alloc.gfp_flags;
		return true;
	}
	if (t->kind == TRACEFMT_TRIGGER_EXTFRAG && ev->type == TRACEFMT_PAGE_ALLOC_EXTFRAG &&
	    ev->u.extfrag.fallback_order < t->pageblock_order) {
		trigger_record(ev, t->kind, out);
		out->u.trigger.order = ev->u.extfrag.alloc_order;
		out->u.trigger.value = ev->u.extfrag.fallback_order;
		out->u.trigger.limit = t->pageblock_order;
		return true;
	}
	return false;
}

/* Free blocks of order >= @min_order in checkpoint @k, over every migratetype. */
static uint64_t free_blocks_from(const struct tracefmt_event *k, uint32_t min_order)
{
	uint64_t sum = 0;

	for (uint32_t o = min_order; o < k->u.checkpoint.nr_orders; o++)
		for (uint32_t m = 0; m < k->u.checkpoint.nr_mt; m++)
			sum += k->u.checkpoint.free_blocks[o][m];
	return sum;
}

bool recorder_trigger_reading(const struct recorder_trigger *t, const struct tracefmt_event *recs,
			      size_t n, struct tracefmt_event *out)
{
	if (t->kind != TRACEFMT_TRIGGER_FREE_ORDER)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct tracefmt_event *k = &recs[i];
		uint64_t blocks;

		/* Readings without pagetypeinfo (not root) have no per-order counts. */
		if (k->type != TRACEFMT_CHECKPOINT || !k->u.checkpoint.nr_orders ||
		    (k->u.checkpoint.flags & TRACEFMT_CKPT_SNAPSHOT))
			continue;
		if (t->zone[0] && strncmp(t->zone, k->u.checkpoint.zone, sizeof(t->zone)))
			continue;
		blocks = free_blocks_from(k, t->min_order);
		if (blocks >= t->limit)
			continue;
		trigger_record(k, t->kind, out);
		out->u.trigger.node = k->u.checkpoint.node;
		memcpy(out->u.trigger.zone, k->u.checkpoint.zone, sizeof(out->u.trigger.zone));
		out->u.trigger.order = t->min_order;
		out->u.trigger.value = blocks;
		out->u.trigger.limit = t->limit;
		return true;
	}
	return false;
}

int recorder_file_name(char *buf, size_t len, const char *output, uint32_t seq, int64_t unix_s)
{
	size_t base = strlen(output);
	time_t tt = (time_t)unix_s;
	struct tm tm;
	char when[32];
	int n;

	if (base > 4 && !strcmp(output + base - 4, ".bst"))
		base -= 4;
	if (!gmtime_r(&tt, &tm) || !strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)unix_s);
	n = snprintf(buf, len, "%.*s.%04u.%s.bst", (int)base, output, seq, when);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int recorder_files_add(struct recorder_files *f, const char *path, uint64_t bytes)
{
	char *copy;

	if (f->nr == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		char **p = realloc(f->paths, cap * sizeof(*p));
		uint64_t *b;

		if (!p)
			return -ENOMEM;
		f->paths = p;
		b = realloc(f->bytes, cap * sizeof(*b));
		if (!b)
			return -ENOMEM;
		f->bytes = b;
		f->cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	f->paths[f->nr] = copy;
	f->bytes[f->nr++] = bytes;
	f->total_bytes += bytes;
	return 0;
}

size_t recorder_files_trim(struct recorder_files *f, size_t keep, uint64_t max_bytes,
			   uint64_t extra_bytes)
{
	size_t gone = 0;

	while (f->nr && ((keep && f->nr > keep) ||
			 (max_bytes && f->total_bytes + extra_bytes > max_bytes))) {
		unlink(f->paths[0]);
		free(f->paths[0]);
		f->total_bytes -= f->bytes[0];
		memmove(f->paths, f->paths + 1, (f->nr - 1) * sizeof(*f->paths));
		memmove(f->bytes, f->bytes + 1, (f->nr - 1) * sizeof(*f->bytes));
		f->nr--;
		gone++;
	}
	return gone;
}

void recorder_files_release(struct recorder_files *f)
{
	for (size_t i = 0; i < f->nr; i++)
		free(f->paths[i]);
	free(f->paths);
	free(f->bytes);
	memset(f, 0, sizeof(*f));
}

int recorder_join(const char *out, const char *const *paths, size_t n, uint64_t *records,
		  struct bs_error *err)
{
	struct tracefmt_writer_opts wo = { .outfile_flags = OUTFILE_NO_REPLACE };
	struct tracefmt_reader *rd;
	struct tracefmt_writer *w;
	const char *hdr;
	size_t hdr_len;
	uint64_t total = 0, got;
	int ret = 0;

	if (!n)
		return -ENOENT;
	rd = tracefmt_reader_open(paths[0], err);
	if (!rd)
		return -errno;
	hdr = tracefmt_reader_header(rd, &hdr_len);
	w = tracefmt_writer_create(out, hdr, hdr_len, &wo, err);
	tracefmt_reader_close(rd);
	if (!w)
		return -errno;
	for (size_t i = 0; i < n && !ret; i++) {
		ret = tracefmt_writer_append_trace(w, paths[i], &got, err);
		total += got;
	}
	if (ret) {
		tracefmt_writer_abandon(w);
		return ret;
	}
	ret = tracefmt_writer_close(w, err);
	if (!ret && records)
		*records = total;
	return ret;
}
