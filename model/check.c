/* SPDX-License-Identifier: MIT */
/*
 * model_check(): the structural invariants of the model, verified from
 * scratch (redis checkConsistency style) so that tests and replay's
 * paranoid mode can run it after every operation. It recounts every list
 * and every pfn and reports the first disagreement as one sentence. The
 * message is built by a tiny formatter here because the library may not
 * link stdio.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "mmzone.h"

struct msg {
	char *buf;
	size_t len, pos;
};

static void msg_putc(struct msg *w, char c)
{
	if (w->pos + 1 < w->len)
		w->buf[w->pos++] = c;
}

static void msg_putu(struct msg *w, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		msg_putc(w, tmp[--n]);
}

/* Formats %s (string), %u (uint64_t), %d (int). Always returns -EINVAL. */
static int fail(char *buf, size_t len, const char *fmt, ...)
{
	struct msg w = { buf, len, 0 };
	va_list ap;

	if (!buf || !len)
		return -EINVAL;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%' || !f[1]) {
			msg_putc(&w, *f);
			continue;
		}
		f++;
		if (*f == 's') {
			for (const char *s = va_arg(ap, const char *); *s; s++)
				msg_putc(&w, *s);
		} else if (*f == 'u') {
			msg_putu(&w, va_arg(ap, uint64_t));
		} else if (*f == 'd') {
			int v = va_arg(ap, int);

			if (v < 0)
				msg_putc(&w, '-');
			msg_putu(&w, v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v);
		} else {
			msg_putc(&w, *f);
		}
	}
	va_end(ap);
	buf[w.pos] = '\0';
	return -EINVAL;
}

/* Walk one list; return its length or -1 (message in buf) on a broken link or entry. */
static int64_t check_list(const struct zone *z, uint32_t l, bool pcp, unsigned int order, int mt,
			  unsigned int owner, char *buf, size_t len)
{
	uint64_t n = 0, zend = z->start_pfn + z->spanned;
	uint32_t prev = l;

	for (uint32_t x = z->link[l].next; x != l; prev = x, x = z->link[x].next) {
		uint64_t pfn;
		uint8_t s;

		if (x < z->nr_lists || x - z->nr_lists >= z->spanned || z->link[x].prev != prev) {
			fail(buf, len, "zone %s: a %s list of order %u has a broken link", z->name,
			     pcp ? "pcp" : "free", (uint64_t)order);
			return -1;
		}
		if (++n > z->spanned) {
			fail(buf, len, "zone %s: a %s list of order %u loops", z->name,
			     pcp ? "pcp" : "free", (uint64_t)order);
			return -1;
		}
		pfn = node_pfn(z, x);
		s = z->state[x - z->nr_lists];
		if (pcp ? !st_is_pcp(s) : !(st_is_buddy(s) && st_mt(s) == mt)) {
			fail(buf, len, "zone %s: pfn %u on a %s list (order %u, type %d) is not marked as such",
			     z->name, pfn, pcp ? "pcp" : "free", (uint64_t)order, mt);
			return -1;
		}
		if (pcp && z->link[x].pcp_owner != owner) {
			fail(buf, len, "zone %s: pcp pfn %u does not record the list that holds it",
			     z->name, pfn);
			return -1;
		}
		if (st_order(s) != order) {
			fail(buf, len, "zone %s: pfn %u has order %u but sits on an order-%u list",
			     z->name, pfn, (uint64_t)st_order(s), (uint64_t)order);
			return -1;
		}
		if (pfn & (((uint64_t)1 << order) - 1)) {
			fail(buf, len, "zone %s: free block at pfn %u is not aligned to order %u",
			     z->name, pfn, (uint64_t)order);
			return -1;
		}
		if (pfn + ((uint64_t)1 << order) > zend) {
			fail(buf, len, "zone %s: free block at pfn %u order %u runs past the zone end %u",
			     z->name, pfn, (uint64_t)order, zend);
			return -1;
		}
	}
	if (z->link[l].prev != prev) {
		fail(buf, len, "zone %s: a list's tail link is broken", z->name);
		return -1;
	}
	return (int64_t)n;
}

static int check_lists(const struct model *m, const struct zone *z, uint64_t *entries, char *buf,
		       size_t len)
{
	uint64_t pages_mt[MT_STRIDE] = { 0 }, nr_free_pages = 0;

	for (unsigned int o = 0; o < m->nr_orders; o++) {
		uint64_t blocks = 0;

		for (unsigned int mt = 0; mt < m->nr_mt; mt++) {
			int64_t n = check_list(z, buddy_list(o, (int)mt), false, o, (int)mt, 0,
					       buf, len);

			if (n < 0)
				return -EINVAL;
			if ((uint64_t)n != z->list_blocks[o][mt])
				return fail(buf, len,
					    "zone %s: free list order %u type %d holds %u blocks, counted %u",
					    z->name, (uint64_t)o, (int)mt, (uint64_t)n,
					    z->list_blocks[o][mt]);
			blocks += (uint64_t)n;
			pages_mt[mt] += (uint64_t)n << o;
			*entries += (uint64_t)n;
		}
		if (blocks != z->nr_free[o])
			return fail(buf, len, "zone %s: nr_free[%u] is %u but the lists hold %u blocks",
				    z->name, (uint64_t)o, z->nr_free[o], blocks);
	}
	for (unsigned int mt = 0; mt < m->nr_mt; mt++) {
		if (pages_mt[mt] != z->free_pages_mt[mt])
			return fail(buf, len, "zone %s: type %d lists hold %u pages, counted %u",
				    z->name, (int)mt, pages_mt[mt], z->free_pages_mt[mt]);
		if ((int)mt != m->mt_isolate)
			nr_free_pages += pages_mt[mt];
	}
	if (nr_free_pages != z->nr_free_pages)
		return fail(buf, len, "zone %s: NR_FREE_PAGES is %u but the non-isolate lists hold %u",
			    z->name, z->nr_free_pages, nr_free_pages);
	for (unsigned int c = 0; c < m->cfg.nr_cpus; c++) {
		const struct per_cpu_pages *pcp = &z->pcp[c];
		int64_t pages = 0;

		for (unsigned int p = 0; p < MODEL_NR_PCP_LISTS; p++) {
			unsigned int order = model_pindex_to_order(m, p);
			int64_t n;

			if (p >= NR_LOWORDER_PCP_LISTS && !m->thp_order) {
				if (!list_empty(z, pcp_list(m, c, p)))
					return fail(buf, len, "zone %s: cpu %d has THP pcp pages without THP",
						    z->name, (int)c);
				continue;
			}
			n = check_list(z, pcp_list(m, c, p), true, order, -1,
				       c * MODEL_NR_PCP_LISTS + p, buf, len);
			if (n < 0)
				return -EINVAL;
			if ((uint64_t)n != pcp->list_len[p])
				return fail(buf, len, "zone %s: cpu %d pcp list %d holds %u entries, counted %u",
					    z->name, (int)c, (int)p, (uint64_t)n,
					    (uint64_t)pcp->list_len[p]);
			pages += n << order;
			*entries += (uint64_t)n;
		}
		if (pages != pcp->count)
			return fail(buf, len, "zone %s: cpu %d pcp.count is %d but its lists hold %u pages",
				    z->name, (int)c, (int)pcp->count, (uint64_t)pages);
	}
	return 0;
}

/*
 * Would the kernel have merged these two free buddies of @order? Below the
 * pageblock order always (a pageblock has one type, and the merge ignores
 * lists). At and above it two mergeable buddies may legitimately stay
 * apart: a HIGHATOMIC or ISOLATE block converted back to a mergeable type
 * (unreserve_highatomic_pageblock(), isolation undo, replay learning a
 * type) moves its free pages without merging them, so only orders below
 * the pageblock order are checked.
 */
static bool would_merge(const struct model *m, unsigned int order)
{
	return order < m->pb_order;
}

static int check_pfns(const struct model *m, const struct zone *z, uint64_t entries, char *buf,
		      size_t len)
{
	uint64_t heads = 0, covered_end = 0;

	for (uint64_t i = 0; i < z->spanned; i++) {
		uint8_t s = z->state[i];
		uint64_t pfn = z->start_pfn + i;
		unsigned int o;

		if (!st_is_free(s)) {
			if (pfn < covered_end && s != ST_FREE_TAIL)
				return fail(buf, len, "zone %s: pfn %u inside a free block is not marked as a free tail",
					    z->name, pfn);
			if (pfn >= covered_end && s == ST_FREE_TAIL)
				return fail(buf, len, "zone %s: pfn %u is marked as a free tail outside every free block",
					    z->name, pfn);
			continue;
		}
		heads++;
		o = st_order(s);
		if (pfn < covered_end)
			return fail(buf, len, "zone %s: free block at pfn %u overlaps the block before it",
				    z->name, pfn);
		covered_end = pfn + ((uint64_t)1 << o);
		if (!st_is_buddy(s))
			continue;
		if (o < m->max_order) {
			uint64_t buddy = pfn ^ ((uint64_t)1 << o);

			if (buddy > pfn && zone_has_pfn(z, buddy) &&
			    st_is_buddy(z->state[buddy - z->start_pfn]) &&
			    st_order(z->state[buddy - z->start_pfn]) == o &&
			    would_merge(m, o))
				return fail(buf, len,
					    "zone %s: free buddies at pfn %u and %u of order %u were not merged",
					    z->name, pfn, buddy, (uint64_t)o);
		}
		if (m->is_618) {
			uint64_t nb = o >= m->pb_order ? (uint64_t)1 << (o - m->pb_order) : 1;

			for (uint64_t k = 0; k < nb; k++) {
				uint64_t p = pfn + (k << m->pb_order);

				if (get_pageblock_migratetype(m, z, p) != st_mt(s))
					return fail(buf, len,
						    "zone %s: free block at pfn %u is on a type %d list but its pageblock is type %d",
						    z->name, pfn, st_mt(s),
						    get_pageblock_migratetype(m, z, p));
			}
		}
	}
	if (heads != entries)
		return fail(buf, len, "zone %s: %u pfns are marked free but the lists hold %u entries",
			    z->name, heads, entries);
	return 0;
}

static int check_pageblocks(const struct model *m, const struct zone *z, char *buf, size_t len)
{
	uint64_t count[MT_STRIDE] = { 0 }, isolated = 0, total = 0, counted = 0;

	for (uint64_t i = 0; i < z->nr_pageblocks; i++) {
		uint64_t first = (z->pb_base + i) << m->pb_order;
		int mt = pb_effective(m, z->pageblock[i]);

		if (mt < 0 || mt >= (int)m->nr_mt)
			return fail(buf, len, "zone %s: pageblock at pfn %u has invalid type %d", z->name,
				    first, mt);
		if (mt == m->mt_isolate)
			isolated++;
		if (first >= z->start_pfn) {
			count[mt]++;
			counted++;
		}
	}
	for (unsigned int mt = 0; mt < m->nr_mt; mt++) {
		if (count[mt] != z->pb_count[mt])
			return fail(buf, len, "zone %s: %u pageblocks of type %d, counted %u", z->name,
				    count[mt], (int)mt, z->pb_count[mt]);
		total += z->pb_count[mt];
	}
	if (total != counted)
		return fail(buf, len, "zone %s: pageblock counts add up to %u, the zone has %u",
			    z->name, total, counted);
	if (isolated != z->nr_isolate_pageblock)
		return fail(buf, len, "zone %s: %u isolated pageblocks, counted %u", z->name, isolated,
			    z->nr_isolate_pageblock);
	return 0;
}

/*
 * nr_reserved_highatomic is pageblock_nr_pages per HIGHATOMIC block, and a
 * PageReported mark sits only on the head of a free buddy block of at
 * least the reporting order.
 */
static int check_reserve_and_reported(const struct model *m, const struct zone *z, char *buf,
				      size_t len)
{
	uint64_t ha = 0, nbits;

	for (uint64_t i = 0; i < z->nr_pageblocks; i++)
		if ((z->pageblock[i] & 0x7) == MODEL_MT_HIGHATOMIC)
			ha++;
	if (ha * m->pb_nr != z->nr_reserved_highatomic)
		return fail(buf, len, "zone %s: nr_reserved_highatomic is %u but %u pageblocks are HIGHATOMIC",
			    z->name, z->nr_reserved_highatomic, ha);
	if (!z->reported || !z->spanned)
		return 0;
	nbits = ((z->start_pfn + z->spanned - 1) >> m->report_order) - z->rep_base + 1;
	for (uint64_t b = 0; b < nbits; b++) {
		uint64_t pfn = (z->rep_base + b) << m->report_order;
		uint8_t s;

		if (!(z->reported[b >> 3] & (1u << (b & 7))))
			continue;
		s = zone_has_pfn(z, pfn) ? z->state[pfn - z->start_pfn] : 0;
		if (!st_is_buddy(s) || st_order(s) < m->report_order)
			return fail(buf, len, "zone %s: pfn %u is marked reported but heads no free block of order %u or more",
				    z->name, pfn, (uint64_t)m->report_order);
	}
	return 0;
}

int model_check(const struct model *m, char *buf, size_t len)
{
	if (buf && len)
		buf[0] = '\0';
	if (!m)
		return fail(buf, len, "no model");
	for (unsigned int i = 0; i < m->nr_zones; i++) {
		const struct zone *z = &m->zones[i];
		uint64_t entries = 0;
		int ret;

		ret = check_lists(m, z, &entries, buf, len);
		if (!ret)
			ret = check_pfns(m, z, entries, buf, len);
		if (!ret)
			ret = check_pageblocks(m, z, buf, len);
		if (!ret)
			ret = check_reserve_and_reported(m, z, buf, len);
		if (ret)
			return ret;
	}
	return 0;
}
