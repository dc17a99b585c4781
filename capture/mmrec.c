/* SPDX-License-Identifier: MIT */
/*
 * The reclaim and compaction tracepoints on the loader's side (mmrec.h):
 * which programs load, their links, and the side table's entries turned
 * into tracefmt records. The programs are found by name: the tracefmt type
 * name less its "mm_" prefix, so mm_compaction_begin's is compaction_begin.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "mmrec.h"

#define MMRECS_LEN (PAGEALLOC_MM_SLOTS * sizeof(struct pagealloc_mm))

/* The BPF program of type @t (16-35): the type's name less "mm_" (two are shorter). */
static struct bpf_program *mm_prog(struct bpf_object *obj, unsigned int t)
{
	static const char *const short_names[TRACEFMT_MM_NR_TYPES] = {
		[TRACEFMT_VMSCAN_DIRECT_BEGIN - TRACEFMT_MM_FIRST] = "vmscan_direct_begin",
		[TRACEFMT_VMSCAN_DIRECT_END - TRACEFMT_MM_FIRST] = "vmscan_direct_end",
	};
	const char *name = short_names[t - TRACEFMT_MM_FIRST];

	if (!name)
		name = tracefmt_type_name(t) + 3; /* "mm_compaction_begin" -> "compaction_begin" */
	return bpf_object__find_program_by_name(obj, name);
}

void capture_mm_select(struct capture_mm *m, struct bpf_object *obj, const char *tracefs,
		       bool off)
{
	char path[512];

	for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++) {
		struct bpf_program *p = mm_prog(obj, t);
		bool have;

		snprintf(path, sizeof(path), "%s/events/%s/%s", tracefs, tracefmt_mm_system(t),
			 tracefmt_type_name(t));
		have = !off && p && !access(path, F_OK);
		m->present[t - TRACEFMT_MM_FIRST] = have;
		if (p && !have)
			bpf_program__set_autoload(p, false);
	}
}

int capture_mm_attach(struct capture_mm *m, struct bpf_object *obj, struct bpf_map *recs,
		      const char **what)
{
	void *p = mmap(NULL, MMRECS_LEN, PROT_READ, MAP_SHARED, bpf_map__fd(recs), 0);

	if (p == MAP_FAILED) {
		*what = "mapping the reclaim/compaction table";
		return -errno;
	}
	m->recs = p;
	for (unsigned int t = TRACEFMT_MM_FIRST; t <= TRACEFMT_MM_LAST; t++) {
		unsigned int i = t - TRACEFMT_MM_FIRST;

		if (!m->present[i])
			continue;
		m->progs[i] = mm_prog(obj, t);
		m->links[i] = bpf_program__attach(m->progs[i]);
		if (!m->links[i]) {
			*what = tracefmt_type_name(t);
			return -errno;
		}
		m->nr_attached++;
	}
	return 0;
}

int capture_mm_event(struct capture_mm *m, const struct pagealloc_event *e, uint32_t cpu,
		     struct tracefmt_event *ev)
{
	const struct pagealloc_mm *r = &m->recs[e->pfn % PAGEALLOC_MM_SLOTS];
	uint64_t args[PAGEALLOC_MM_ARGS];

	memset(ev, 0, sizeof(*ev));
	ev->type = e->arg;
	ev->cpu = cpu;
	ev->pid = e->pid;
	ev->ts_ns = e->ts_ns;
	memcpy(args, (const void *)r->args, sizeof(args));
	/* Overwritten by a later hit before this drain (or a type this loader does not know). */
	if (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != e->pfn + 1 || r->type != e->arg ||
	    tracefmt_mm_set_args(ev, args, PAGEALLOC_MM_ARGS) < 0) {
		m->overwritten++;
		return 0;
	}
	return 1;
}

uint64_t capture_mm_misses(const struct capture_mm *m)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < TRACEFMT_MM_NR_TYPES; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		if (!m->links[i])
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(m->progs[i]), &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

json_t *capture_mm_names_json(const struct capture_mm *m)
{
	json_t *a = json_array();
	char name[96];

	for (unsigned int t = TRACEFMT_MM_FIRST; a && t <= TRACEFMT_MM_LAST; t++) {
		if (!m->present[t - TRACEFMT_MM_FIRST])
			continue;
		snprintf(name, sizeof(name), "%s:%s", tracefmt_mm_system(t), tracefmt_type_name(t));
		json_array_append_new(a, json_string(name));
	}
	return a;
}

void capture_mm_release(struct capture_mm *m)
{
	if (m->recs)
		munmap((void *)m->recs, MMRECS_LEN);
	m->recs = NULL;
}
