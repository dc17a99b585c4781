// SPDX-License-Identifier: MIT
/*
 * Which stored memory maps a report shows (viz_memmap_pick()): the window's
 * first and last, and the latest map at or before each moment of interest,
 * with duplicates removed by time and by content so no two maps shown are
 * the same picture.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "viz_internal.h"

/* Index of the latest time <= t in times[n] (ascending), else the first after it. */
static size_t nearest_before(const int64_t *times, size_t n, int64_t t)
{
	size_t best = 0;

	for (size_t i = 0; i < n; i++)
		if (times[i] <= t)
			best = i;
	return best;
}

static void why_add(struct viz_map_pick *p, const char *why, int64_t t_ns)
{
	char text[160];
	size_t len = strlen(p->why);

	if (t_ns >= 0)
		snprintf(text, sizeof(text), "%s at t = %.3f s", why, t_ns / 1e9);
	else
		snprintf(text, sizeof(text), "%s", why);
	if (strstr(p->why, text))	/* two zones' worst at one time: say it once */
		return;
	snprintf(p->why + len, sizeof(p->why) - len, "%s%s", len ? "; " : "", text);
}

static int maps_equal(const struct viz_pbmap *a, const struct viz_pbmap *b)
{
	return a->nr_pageblocks == b->nr_pageblocks && a->pageblock_pages == b->pageblock_pages &&
	       !memcmp(a->migratetype, b->migratetype, a->nr_pageblocks) &&
	       !memcmp(a->free_pages, b->free_pages, a->nr_pageblocks * sizeof(*a->free_pages));
}

/* Give each map in the window the reasons it is wanted for (none: not shown). */
static void picks_by_time(const int64_t *times, size_t n, const struct viz_moment *m, size_t nm,
			 struct viz_map_pick *cand)
{
	size_t k;

	for (size_t i = 0; i < n; i++) {
		cand[i].t_ns = times[i];
		cand[i].why[0] = '\0';
	}
	why_add(&cand[0], "first map in the window", -1);
	why_add(&cand[n - 1], "last map in the window", -1);
	for (size_t i = 0; i < nm; i++) {
		k = nearest_before(times, n, m[i].t_ns);
		why_add(&cand[k], m[i].why, m[i].t_ns);
	}
}

int viz_memmap_pick(struct viz_store *s, int64_t run_id, uint32_t zone_idx, int64_t t0_ns,
		    int64_t t1_ns, const struct viz_moment *moments, size_t nr_moments,
		    struct viz_map_pick **picks, size_t *n)
{
	int64_t *all = NULL;
	size_t nr_all = 0, nw = 0, first = 0, nout = 0;
	struct viz_map_pick *cand = NULL, *out = NULL;
	struct viz_pbmap *shown = NULL;
	int ret;

	*picks = NULL;
	*n = 0;
	ret = viz_pbmap_times(s, run_id, zone_idx, &all, &nr_all);
	if (ret)
		return ret;
	while (first < nr_all && all[first] < t0_ns)
		first++;
	while (first + nw < nr_all && all[first + nw] <= t1_ns)
		nw++;
	if (!nw) {
		free(all);
		return 0;
	}
	cand = calloc(nw, sizeof(*cand));
	out = calloc(nw, sizeof(*out));
	shown = calloc(nw, sizeof(*shown));
	if (!cand || !out || !shown) {
		ret = -ENOMEM;
		goto done;
	}
	picks_by_time(all + first, nw, moments, nr_moments, cand);
	for (size_t i = 0; i < nw && !ret; i++) {
		struct viz_pbmap m;
		size_t dup = nout;

		if (!cand[i].why[0])
			continue;
		ret = viz_pbmap_get(s, run_id, zone_idx, cand[i].t_ns, &m);
		if (ret)
			break;
		for (size_t k = 0; k < nout && dup == nout; k++)
			if (maps_equal(&shown[k], &m))
				dup = k;
		if (dup < nout) {
			/* same picture as an earlier pick: its label says so instead */
			size_t len = strlen(out[dup].why);

			snprintf(out[dup].why + len, sizeof(out[dup].why) - len,
				 "; unchanged at t = %.3f s (%s)", cand[i].t_ns / 1e9, cand[i].why);
			viz_pbmap_release(&m);
			continue;
		}
		shown[nout] = m;
		out[nout++] = cand[i];
	}
done:
	for (size_t k = 0; k < nout; k++)
		viz_pbmap_release(&shown[k]);
	free(shown);
	free(cand);
	free(all);
	if (ret) {
		free(out);
		return ret;
	}
	*picks = out;
	*n = nout;
	return 0;
}
