// SPDX-License-Identifier: MIT
/*
 * The kernel-pfn map (replay_internal.h): an open-addressing hash
 * u64 -> entry with backward-shift deletion. What-if mode ties each free to
 * the allocation that produced its page through it; shadow mode keeps its
 * set-aside stale pcp entries in one.
 */
#include <errno.h>
#include <stdlib.h>

#include "replay_internal.h"

#define MAP_EMPTY UINT64_MAX

/*
 * Fibonacci hashing of the 64-page group, the low 6 bits kept: neighbouring
 * pfns (a pcp batch) land in neighbouring slots, which keeps lookups in cache.
 */
static size_t map_slot(const struct pfn_map *m, uint64_t key)
{
	return ((size_t)(((key >> 6) * 0x9E3779B97F4A7C15ull) >> m->shift) + (key & 63)) &
	       (m->cap - 1);
}

int replay_pfn_map_init(struct pfn_map *m, size_t cap)
{
	m->cap = cap;
	m->n = 0;
	m->shift = 64;
	for (size_t c = cap; c > 1; c >>= 1)
		m->shift--;
	m->e = malloc(cap * sizeof(*m->e));
	if (!m->e)
		return -ENOMEM;
	for (size_t i = 0; i < cap; i++)
		m->e[i].key = MAP_EMPTY;
	return 0;
}

void replay_pfn_map_release(struct pfn_map *m)
{
	free(m->e);
	m->e = NULL;
}

void replay_pfn_map_prefetch(const struct pfn_map *m, uint64_t key)
{
	__builtin_prefetch(&m->e[map_slot(m, key)]);
}

struct pfn_map_entry *replay_pfn_map_get(struct pfn_map *m, uint64_t key)
{
	for (size_t i = map_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (m->e[i].key == key)
			return &m->e[i];
		if (m->e[i].key == MAP_EMPTY)
			return NULL;
	}
}

static int map_grow(struct pfn_map *m)
{
	struct pfn_map old = *m;

	if (replay_pfn_map_init(m, old.cap * 2)) {
		*m = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.e[i].key != MAP_EMPTY)
			*replay_pfn_map_put(m, old.e[i].key) = old.e[i];
	replay_pfn_map_release(&old);
	return 0;
}

struct pfn_map_entry *replay_pfn_map_put(struct pfn_map *m, uint64_t key)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return NULL;
	for (i = map_slot(m, key); m->e[i].key != MAP_EMPTY && m->e[i].key != key;
	     i = (i + 1) & (m->cap - 1))
		;
	if (m->e[i].key == MAP_EMPTY)
		m->n++;
	m->e[i].key = key;
	return &m->e[i];
}

void replay_pfn_map_del(struct pfn_map *m, struct pfn_map_entry *e)
{
	size_t i = (size_t)(e - m->e), j = i;

	m->e[i].key = MAP_EMPTY;
	m->n--;
	for (;;) {
		size_t home;

		j = (j + 1) & (m->cap - 1);
		if (m->e[j].key == MAP_EMPTY)
			return;
		home = map_slot(m, m->e[j].key);
		/* move j back to i if its home is not cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			m->e[i] = m->e[j];
			m->e[j].key = MAP_EMPTY;
			i = j;
		}
	}
}
