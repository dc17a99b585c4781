/* SPDX-License-Identifier: MIT */
/*
 * model_alloc_predict(): run an allocation and undo it. Every write to the
 * per-pfn arrays, pageblock bytes and zone counters and flags goes through
 * jr_save() (mmzone.h: st_set(), list_*, zone_add(), zone_flags_*()), which,
 * while a prediction runs, records the old bytes in the journal; the
 * requesting cpu's pcp of each zone is saved whole. Shadow replay uses it to
 * ask "which pfn would the kernel return?" before it applies the pfn the
 * kernel really returned. Copying whole zones (~1.1 kB each, twice per
 * prediction) cost more than the prediction's own work; builds without
 * NDEBUG still copy them, to check that the journal restored every byte.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmzone.h"

/* Copy @len bytes; the small sizes the model writes compile to single moves. */
static inline void copy_small(void *dst, const void *src, size_t len)
{
	switch (len) {
	case 1:
		memcpy(dst, src, 1);
		break;
	case 2:
		memcpy(dst, src, 2);
		break;
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	default:
		memcpy(dst, src, len);
	}
}

/* Sizes whose old bytes fit in the entry itself. */
static inline bool is_inline(size_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

void model_journal_save(struct journal *j, void *ptr, size_t len)
{
	struct journal_entry *e;

	if (j->failed)
		return;
	if (j->nr == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 1024;

		e = realloc(j->e, cap * sizeof(*e));
		if (!e) {
			j->failed = true;
			return;
		}
		j->e = e;
		j->cap = cap;
	}
	e = &j->e[j->nr];
	e->ptr = ptr;
	e->len = len;
	if (is_inline(len)) {
		copy_small(&e->old, ptr, len);
		j->nr++;
		return;
	}
	if (j->nr_bytes + len > j->cap_bytes) {
		size_t cap = j->cap_bytes ? j->cap_bytes * 2 : 16384;
		uint8_t *b;

		while (cap < j->nr_bytes + len)
			cap *= 2;
		b = realloc(j->bytes, cap);
		if (!b) {
			j->failed = true;
			return;
		}
		j->bytes = b;
		j->cap_bytes = cap;
	}
	memcpy(j->bytes + j->nr_bytes, ptr, len);
	e->old = j->nr_bytes;
	j->nr++;
	j->nr_bytes += len;
}

static void journal_undo(struct journal *j)
{
	while (j->nr) {
		struct journal_entry *e = &j->e[--j->nr];

		if (is_inline(e->len))
			copy_small(e->ptr, &e->old, e->len);
		else
			memcpy(e->ptr, j->bytes + e->old, e->len);
	}
	j->nr_bytes = 0;
}

void model_journal_release(struct model *m)
{
	free(m->journal.e);
	free(m->journal.bytes);
	free(m->zone_save);
	free(m->pcp_save);
}

#ifndef NDEBUG
/* Every zone byte for byte as before the prediction: a zone write that bypassed the journal fails. */
static bool zones_restored(const struct model *m)
{
	return !memcmp(m->zone_save, m->zones, m->nr_zones * sizeof(*m->zones));
}
#endif

/*
 * Models: mm/page_alloc.c get_page_from_freelist() without its side effects, v6.1/v6.18 (spec §2, §10)
 */
int model_alloc_predict(struct model *m, const struct model_alloc_req *req,
			struct model_alloc_result *res)
{
	struct model_counters ctr;
	struct model_observer obs;
	struct zone *last_zone;
	int last_list_mt, ret;

	if (!m || !req || !res || req->cpu >= m->cfg.nr_cpus)
		return -EINVAL;
	if (m->press)	/* reclaim and compaction write state the journal does not undo */
		return -EOPNOTSUPP;
	if (!m->zone_save) {
		m->zone_save = calloc(m->nr_zones, sizeof(*m->zone_save));
		m->pcp_save = calloc(m->nr_zones, sizeof(*m->pcp_save));
		if (!m->zone_save || !m->pcp_save)
			return -ENOMEM;
	}
#ifndef NDEBUG
	memcpy(m->zone_save, m->zones, m->nr_zones * sizeof(*m->zones));
#endif
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		m->pcp_save[i] = m->zones[i].pcp[req->cpu];
		m->zones[i].jr = &m->journal;
	}
	ctr = m->ctr;
	obs = m->obs;
	last_zone = m->last_zone;
	last_list_mt = m->last_list_mt;
	memset(&m->obs, 0, sizeof(m->obs));
	m->journal.failed = false;

	ret = model_alloc_pages(m, req, res);

	if (m->journal.failed) {
		/* cannot undo: the allocation stays applied, and says so */
		m->journal.nr = 0;
		m->journal.nr_bytes = 0;
		for (unsigned int i = 0; i < m->nr_zones; i++)
			m->zones[i].jr = NULL;
		m->obs = obs;
		return -ENOMEM;
	}
	journal_undo(&m->journal);
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		m->zones[i].jr = NULL;
		m->zones[i].pcp[req->cpu] = m->pcp_save[i];
	}
	assert(zones_restored(m));
	m->ctr = ctr;
	m->obs = obs;
	m->last_zone = last_zone;
	m->last_list_mt = last_list_mt;
	return ret;
}
