// SPDX-License-Identifier: MIT
/*
 * Readers of the two /proc files the snapshot needs besides its walk:
 * /proc/zoneinfo (zone spans, for the kpageflags method and for checks) and
 * /proc/pagetypeinfo (pageblock counts per migratetype, which no walk can
 * reach without the kernel's mem_section symbol, and the per-list free
 * counts the kpageflags method reports; format in spec section 7.6).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_internal.h"

static FILE *proc_open(const char *proc, const char *name, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "%s/%s", proc, name);
	return fopen(path, "r");
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/**
 * snap_proc_zoneinfo() - read every zone of @proc/zoneinfo (populated or
 * not) into @zones (at most @max). Returns 0 or -errno with @err set.
 */
int snap_proc_zoneinfo(const char *proc, struct snap_proc_zone *zones, unsigned int max,
		       unsigned int *nr, char *err, size_t errlen)
{
	char path[512], line[512], name[TRACEFMT_ZONE_NAME_LEN];
	struct snap_proc_zone *z = NULL;
	unsigned long long v;
	unsigned int node, n = 0;
	FILE *f;
	int ret = 0;

	f = proc_open(proc, "zoneinfo", path, sizeof(path));
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *s = skip_space(line);

		if (sscanf(line, "Node %u, zone %15s", &node, name) == 2) {
			if (n >= max) {
				snprintf(err, errlen, "%s: more than %u zones", path, max);
				ret = -E2BIG;
				break;
			}
			z = &zones[n++];
			memset(z, 0, sizeof(*z));
			z->node = node;
			snprintf(z->name, sizeof(z->name), "%s", name);
		} else if (!z) {
			continue;
		} else if (sscanf(s, "spanned %llu", &v) == 1) {
			z->spanned = v;
		} else if (sscanf(s, "present %llu", &v) == 1) {
			z->present = v;
		} else if (sscanf(s, "start_pfn: %llu", &v) == 1) {
			z->start_pfn = v;
		} else if (sscanf(s, "count: %llu", &v) == 1) {
			z->pcp_count += v;
		}
	}
	fclose(f);
	if (!ret && !n) {
		snprintf(err, errlen, "%s: no \"Node N, zone NAME\" line", path);
		ret = -EINVAL;
	}
	*nr = n;
	return ret;
}

const struct snap_pti_zone *snap_pti_zone_find(const struct snap_pti *pti, uint32_t node,
					       const char *name)
{
	unsigned int i;

	for (i = 0; i < pti->nr_zones; i++)
		if (pti->zones[i].node == node && !strcmp(pti->zones[i].name, name))
			return &pti->zones[i];
	return NULL;
}

static struct snap_pti_zone *pti_zone_get(struct snap_pti *pti, uint32_t node, const char *name)
{
	struct snap_pti_zone *z = (struct snap_pti_zone *)snap_pti_zone_find(pti, node, name);

	if (z || pti->nr_zones >= SNAPSHOT_MAX_ZONES)
		return z;
	z = &pti->zones[pti->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

/* Parse up to @max whitespace-separated counts; ">100000" sets *capped. */
static unsigned int parse_counts(const char *s, uint64_t *out, unsigned int max, bool *capped)
{
	unsigned int n = 0;
	char *end;

	while (n < max) {
		s = skip_space(s);
		if (*s == '>') {
			*capped = true;
			s++;
		}
		if (*s < '0' || *s > '9')
			break;
		out[n++] = strtoull(s, &end, 10);
		s = end;
	}
	return n;
}

/**
 * snap_proc_pagetypeinfo() - read @proc/pagetypeinfo (root only, mode 0400).
 * Returns 0 or -errno with @err set; a file whose layout is not the one of
 * spec section 7.6 gives -EINVAL.
 */
int snap_proc_pagetypeinfo(const char *proc, struct snap_pti *pti, char *err, size_t errlen)
{
	char path[512], line[1024], name[TRACEFMT_ZONE_NAME_LEN], type[32];
	unsigned int node, lineno = 0, mt_row = 0, i;
	struct snap_pti_zone *z, *last = NULL;
	int off = 0, ret = 0;
	bool mixed = false;
	FILE *f;

	memset(pti, 0, sizeof(*pti));
	f = proc_open(proc, "pagetypeinfo", path, sizeof(path));
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (sscanf(line, "Page block order: %u", &pti->pageblock_order) == 1)
			continue;
		if (!strncmp(line, "Free pages count per migrate type at order", 42)) {
			uint64_t cols[TRACEFMT_MAX_ORDERS + 1];
			bool capped = false;

			pti->nr_orders = parse_counts(line + 42, cols, TRACEFMT_MAX_ORDERS + 1,
						      &capped);
			continue;
		}
		if (!strncmp(line, "Number of blocks type", 21)) {
			const char *s = line + 21;
			int n;

			pti->nr_mt = 0;
			while (pti->nr_mt < TRACEFMT_MAX_MT &&
			       sscanf(s, "%31s%n", type, &n) == 1) {
				/* a name longer than the kernel's is not this layout */
				if (snprintf(pti->mt_names[pti->nr_mt], sizeof(pti->mt_names[0]),
					     "%s", type) >= (int)sizeof(pti->mt_names[0])) {
					ret = -EINVAL;
					break;
				}
				pti->nr_mt++;
				s += n;
			}
			if (ret)
				break;
			continue;
		}
		if (!strncmp(line, "Number of mixed blocks", 22)) {
			mixed = true; /* page_owner's extra table: not pageblock types */
			continue;
		}
		if (sscanf(line, "Node %u, zone %15[^,], type %31s %n", &node, name, type, &off) ==
		    3) {
			uint64_t cols[TRACEFMT_MAX_ORDERS];
			bool capped = false;

			z = pti_zone_get(pti, node, name);
			if (!z)
				break;
			mt_row = z == last ? mt_row + 1 : 0;
			last = z;
			if (mt_row >= TRACEFMT_MAX_MT || !pti->nr_orders) {
				ret = -EINVAL;
				break;
			}
			if (parse_counts(line + off, cols, pti->nr_orders, &capped) !=
			    pti->nr_orders) {
				ret = -EINVAL;
				break;
			}
			for (i = 0; i < pti->nr_orders; i++)
				z->free[i][mt_row] = cols[i];
			z->capped |= capped;
			continue;
		}
		if (!mixed && pti->nr_mt &&
		    sscanf(line, "Node %u, zone %15s %n", &node, name, &off) == 2) {
			bool capped = false;

			z = pti_zone_get(pti, node, name);
			if (!z)
				break;
			if (parse_counts(line + off, z->pageblocks, pti->nr_mt, &capped) !=
			    pti->nr_mt) {
				ret = -EINVAL;
				break;
			}
			z->has_pageblocks = true;
		}
	}
	if (ferror(f) && !ret)
		ret = -EIO;
	fclose(f);
	if (ret == -EINVAL)
		snprintf(err, errlen, "%s:%u: unexpected line (spec section 7.6 layout)", path,
			 lineno);
	else if (ret)
		snprintf(err, errlen, "%s: read error", path);
	else if (!pti->nr_orders || !pti->nr_zones) {
		snprintf(err, errlen, "%s: no free-count table", path);
		ret = -EINVAL;
	}
	return ret;
}
