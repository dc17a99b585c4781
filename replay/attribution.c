// SPDX-License-Identifier: MIT
/*
 * Attribution: allocations, failures and fallbacks per (pid, gfp), with the
 * command name the trace's comm records gave each pid, handed to the sink at
 * the end of the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"
#include "replay_internal.h"

/*
 * Both tables start small and double at 3/4 load up to their caps, so a
 * short run (a fuzz input, a test) does not fill megabytes it never uses.
 */
static size_t comm_slot(uint32_t pid, size_t cap)
{
	return (pid * 2654435761u) & (cap - 1);
}

static size_t attr_slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static const char *comm_of(struct replay_ctx *c, uint32_t pid)
{
	size_t i = comm_slot(pid, c->attr.comm_cap);

	for (size_t n = 0; n < c->attr.comm_cap; n++, i = (i + 1) & (c->attr.comm_cap - 1)) {
		if (c->attr.comms[i].pid == pid)
			return c->attr.comms[i].comm;
		if (!c->attr.comms[i].pid)
			break;
	}
	return "";
}

static void comm_grow(struct replay_ctx *c)
{
	size_t cap = 2 * c->attr.comm_cap;
	struct comm_entry *t = calloc(cap, sizeof(*t));

	if (!t)
		return; /* keep filling the small table */
	for (size_t k = 0; k < c->attr.comm_cap; k++) {
		size_t i;

		if (!c->attr.comms[k].pid)
			continue;
		for (i = comm_slot(c->attr.comms[k].pid, cap); t[i].pid; i = (i + 1) & (cap - 1))
			;
		t[i] = c->attr.comms[k];
	}
	free(c->attr.comms);
	c->attr.comms = t;
	c->attr.comm_cap = cap;
}

void replay_comm_set(struct replay_ctx *c, uint32_t pid, const char *comm)
{
	size_t i;

	if (!pid)
		return;
	if (c->attr.comm_n * 4 >= c->attr.comm_cap * 3 && c->attr.comm_cap < COMM_CAP)
		comm_grow(c);
	i = comm_slot(pid, c->attr.comm_cap);
	for (size_t n = 0; n < c->attr.comm_cap; n++, i = (i + 1) & (c->attr.comm_cap - 1)) {
		if (c->attr.comms[i].pid == pid || !c->attr.comms[i].pid) {
			c->attr.comm_n += !c->attr.comms[i].pid;
			c->attr.comms[i].pid = pid;
			snprintf(c->attr.comms[i].comm, sizeof(c->attr.comms[i].comm), "%s", comm);
			return;
		}
	}
}

static int attr_grow(struct replay_ctx *c)
{
	size_t cap = 2 * c->attr.cap;
	struct attr_entry *t = malloc(cap * sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < cap; i++)
		t[i].key = UINT64_MAX;
	for (size_t k = 0; k < c->attr.cap; k++) {
		size_t i;

		if (c->attr.table[k].key == UINT64_MAX)
			continue;
		for (i = attr_slot(c->attr.table[k].key, cap); t[i].key != UINT64_MAX;
		     i = (i + 1) & (cap - 1))
			;
		t[i] = c->attr.table[k];
	}
	free(c->attr.table);
	c->attr.table = t;
	c->attr.cap = cap;
	return 0;
}

void replay_attribute(struct replay_ctx *c, uint32_t pid, uint64_t gfp, uint64_t allocs, uint64_t fails,
		      uint64_t extfrag)
{
	uint64_t key = (uint64_t)pid << 32 | (uint32_t)gfp;
	size_t i;

	if (c->attr.n * 4 >= c->attr.cap * 3 && c->attr.cap < ATTR_CAP)
		attr_grow(c);
	i = attr_slot(key, c->attr.cap);
	for (size_t n = 0; n < c->attr.cap; n++, i = (i + 1) & (c->attr.cap - 1)) {
		struct attr_entry *a = &c->attr.table[i];

		if (a->key == UINT64_MAX) {
			if (c->attr.n * 4 >= c->attr.cap * 3) {
				c->attr.overflow++;
				return;
			}
			a->key = key;
			a->allocs = a->fails = a->extfrag = 0;
			snprintf(a->comm, sizeof(a->comm), "%s", comm_of(c, pid));
			c->attr.n++;
		}
		if (a->key == key) {
			a->allocs += allocs;
			a->fails += fails;
			a->extfrag += extfrag;
			return;
		}
	}
}

int replay_attribution_init(struct replay_ctx *c)
{
	c->attr.cap = c->attr.comm_cap = TABLE_START;
	c->attr.table = malloc(c->attr.cap * sizeof(*c->attr.table));
	c->attr.comms = calloc(c->attr.comm_cap, sizeof(*c->attr.comms));
	if (!c->attr.table || !c->attr.comms)
		return -ENOMEM;
	for (size_t i = 0; i < c->attr.cap; i++)
		c->attr.table[i].key = UINT64_MAX;
	return 0;
}

void replay_attribution_release(struct replay_ctx *c)
{
	free(c->attr.table);
	free(c->attr.comms);
}

void replay_attribution_emit(struct replay_ctx *c)
{
	if (!c->sink || !c->sink->attribution)
		return;
	for (size_t i = 0; i < c->attr.cap && !c->sink_ret; i++) {
		const struct attr_entry *a = &c->attr.table[i];

		if (a->key == UINT64_MAX)
			continue;
		replay_sink_ok(c, c->sink->attribution(c->sink_ctx, a->comm, (int32_t)(a->key >> 32),
						(uint32_t)a->key, a->allocs, a->fails,
						a->extfrag));
	}
}
