/* SPDX-License-Identifier: MIT */
/*
 * Readers and parsers for the /proc and /sys views a trace header and its
 * checkpoints are made of (spec §7.5–7.7): /proc/zoneinfo, /proc/pagetypeinfo,
 * /proc/buddyinfo, the vm sysctls and the THP mode. The parsers work on a
 * text buffer line by line and never touch files; the readers prefix every
 * path with a root directory so saved copies read like the live host.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostinfo.h"

#ifndef BUDDYSCOPE_VERSION
#define BUDDYSCOPE_VERSION "unknown"
#endif

/* pagetypeinfo prints ">100000" for a list it stopped counting. */
#define PAGETYPEINFO_CAP 100000

static int set_err(struct tracefmt_error *err, int code, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set_err(struct tracefmt_error *err, int code, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->offset = offset;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return code;
}

/*
 * A parser's message names the file by its kind ("zoneinfo line 5: ...");
 * the reader of a saved copy adds where it is: "ROOT/proc/zoneinfo: ...".
 */
static int err_in_file(struct tracefmt_error *err, int code, const char *root, const char *rel)
{
	char text[sizeof(err->text)];

	if (!err)
		return code;
	snprintf(text, sizeof(text), "%s", err->text);
	return set_err(err, code, err->offset, "%s%s%s: %s", root,
		       root[0] && root[strlen(root) - 1] == '/' ? "" : "/", rel, text);
}

/* A cursor over the lines of a buffer that need not be NUL-terminated. */
struct line_iter {
	const char *p, *end;
	uint64_t lineno;
	char line[1024];
};

static bool line_next(struct line_iter *it)
{
	const char *nl;
	size_t n;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', it->end - it->p);
	n = (nl ? nl : it->end) - it->p;
	/* Longer lines are cut; no view we parse has lines near this size. */
	if (n >= sizeof(it->line))
		n = sizeof(it->line) - 1;
	memcpy(it->line, it->p, n);
	it->line[n] = '\0';
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Parse an unsigned decimal at *s, advancing *s; false if there is none. */
static bool take_u64(const char **s, uint64_t *v)
{
	const char *p = skip_ws(*s);
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*p++ - '0');
	}
	*s = p;
	*v = x;
	return true;
}

/* Like take_u64 but for a whole "key  value" rest-of-line. */
static bool value_u64(const char *s, uint64_t *v)
{
	if (!take_u64(&s, v))
		return false;
	return *skip_ws(s) == '\0';
}

static bool value_i64(const char *s, int64_t *v)
{
	uint64_t u;
	bool neg;

	s = skip_ws(s);
	neg = *s == '-';
	if (neg)
		s++;
	if (!value_u64(s, &u) || u > INT64_MAX)
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

/* "Node 0, zone   Normal" (zoneinfo, buddyinfo): node and zone name. */
static bool parse_node_zone(const char *s, uint32_t *node, char *name, const char **rest)
{
	uint64_t n;
	size_t len;

	if (strncmp(s, "Node", 4))
		return false;
	s += 4;
	if (!take_u64(&s, &n) || n > UINT32_MAX || *s != ',')
		return false;
	s = skip_ws(s + 1);
	if (strncmp(s, "zone", 4))
		return false;
	s = skip_ws(s + 4);
	len = strcspn(s, " \t,");
	if (len == 0 || len >= TRACEFMT_ZONE_NAME_LEN)
		return false;
	memcpy(name, s, len);
	name[len] = '\0';
	*node = (uint32_t)n;
	if (rest)
		*rest = s + len;
	return true;
}

void sysinfo_zoneinfo_release(struct sysinfo_zoneinfo *zi)
{
	if (!zi)
		return;
	for (uint32_t i = 0; i < zi->nr_zones; i++)
		free(zi->zones[i].pcp);
	free(zi->zones);
	zi->zones = NULL;
	zi->nr_zones = 0;
}

const struct sysinfo_zone *sysinfo_zoneinfo_find(const struct sysinfo_zoneinfo *zi,
						 uint32_t node, const char *name)
{
	for (uint32_t i = 0; zi && i < zi->nr_zones; i++)
		if (zi->zones[i].node == node && !strcmp(zi->zones[i].name, name))
			return &zi->zones[i];
	return NULL;
}

static struct sysinfo_zone *zoneinfo_add_zone(struct sysinfo_zoneinfo *zi)
{
	struct sysinfo_zone *z = realloc(zi->zones, (zi->nr_zones + 1) * sizeof(*z));

	if (!z)
		return NULL;
	zi->zones = z;
	z = &zi->zones[zi->nr_zones++];
	memset(z, 0, sizeof(*z));
	return z;
}

static struct sysinfo_pcp *zone_add_pcp(struct sysinfo_zone *z, uint32_t cpu)
{
	struct sysinfo_pcp *p = realloc(z->pcp, (z->nr_pcp + 1) * sizeof(*p));

	if (!p)
		return NULL;
	z->pcp = p;
	p = &z->pcp[z->nr_pcp++];
	*p = (struct sysinfo_pcp){ .cpu = cpu, .high_min = -1, .high_max = -1 };
	return p;
}

/* "protection: (0, 3019, 4427, 4427, 4427)" */
static bool parse_protection(const char *s, struct sysinfo_zone *z)
{
	uint64_t v;

	s = skip_ws(s);
	if (*s++ != '(')
		return false;
	z->nr_protection = 0;
	for (;;) {
		if (!take_u64(&s, &v) || z->nr_protection >= SYSINFO_MAX_PROTECTION)
			return false;
		z->protection[z->nr_protection++] = v;
		s = skip_ws(s);
		if (*s == ')')
			return true;
		if (*s++ != ',')
			return false;
	}
}

/*
 * zoneinfo is "key value" lines under a "Node N, zone NAME" line. Watermark
 * keys ("high 85") have no colon; the per-cpu pageset keys ("high: 7176")
 * do, which is what tells the two "high"s apart. Per-node and per-zone
 * vmstat counters (nr_*, numa_*, ...) are not needed and are skipped.
 */
int sysinfo_zoneinfo_parse(const char *buf, size_t len, struct sysinfo_zoneinfo *out,
			   struct tracefmt_error *err)
{
	struct line_iter it = { .p = buf, .end = buf + len };
	struct sysinfo_zone *z = NULL;
	struct sysinfo_pcp *pcp = NULL;

	memset(out, 0, sizeof(*out));
	while (line_next(&it)) {
		const char *s = skip_ws(it.line);
		const char *colon;
		char key[32];
		size_t klen;
		uint64_t v;
		int64_t sv;
		bool ok = true;

		if (!strncmp(s, "Node", 4)) {
			z = zoneinfo_add_zone(out);
			if (!z)
				return set_err(err, -ENOMEM, it.lineno, "zoneinfo: out of memory");
			pcp = NULL;
			if (!parse_node_zone(s, &z->node, z->name, NULL))
				return set_err(err, -EINVAL, it.lineno,
					       "zoneinfo line %" PRIu64 ": bad zone line '%.60s'",
					       it.lineno, s);
			continue;
		}
		if (!z || *s == '\0')
			continue;
		if (!strncmp(s, "pages free", 10)) {
			ok = value_u64(s + 10, &z->nr_free_pages);
			z->has_pages_free = ok;
			goto check;
		}
		if (!strncmp(s, "protection:", 11)) {
			ok = parse_protection(s + 11, z);
			goto check;
		}
		klen = strcspn(s, " \t:");
		if (klen >= sizeof(key))
			continue;
		memcpy(key, s, klen);
		key[klen] = '\0';
		colon = s[klen] == ':' ? s + klen + 1 : NULL;
		if (colon) {
			if (!strcmp(key, "cpu")) {
				ok = value_u64(colon, &v) && v <= UINT32_MAX;
				if (ok) {
					pcp = zone_add_pcp(z, (uint32_t)v);
					if (!pcp)
						return set_err(err, -ENOMEM, it.lineno,
							       "zoneinfo: out of memory");
				}
			} else if (!strcmp(key, "start_pfn")) {
				ok = value_u64(colon, &z->start_pfn);
				z->has_start_pfn = ok;
				pcp = NULL;
			} else if (pcp && !strcmp(key, "count")) {
				ok = value_i64(colon, &sv), pcp->count = sv;
			} else if (pcp && !strcmp(key, "high")) {
				ok = value_i64(colon, &sv), pcp->high = sv;
			} else if (pcp && !strcmp(key, "batch")) {
				ok = value_i64(colon, &sv), pcp->batch = sv;
			} else if (pcp && !strcmp(key, "high_min")) {
				ok = value_i64(colon, &sv), pcp->high_min = sv;
			} else if (pcp && !strcmp(key, "high_max")) {
				ok = value_i64(colon, &sv), pcp->high_max = sv;
			}
			goto check;
		}
		s += klen;
		if (!strcmp(key, "boost"))
			ok = value_u64(s, &z->boost);
		else if (!strcmp(key, "min"))
			ok = value_u64(s, &z->min);
		else if (!strcmp(key, "low"))
			ok = value_u64(s, &z->low);
		else if (!strcmp(key, "high"))
			ok = value_u64(s, &z->high);
		else if (!strcmp(key, "promo"))
			ok = z->has_promo = value_u64(s, &z->promo);
		else if (!strcmp(key, "spanned"))
			ok = value_u64(s, &z->spanned);
		else if (!strcmp(key, "present"))
			ok = value_u64(s, &z->present);
		else if (!strcmp(key, "managed"))
			ok = value_u64(s, &z->managed);
check:
		if (!ok)
			return set_err(err, -EINVAL, it.lineno,
				       "zoneinfo line %" PRIu64 ": bad value in '%.80s'", it.lineno,
				       skip_ws(it.line));
	}
	if (out->nr_zones == 0)
		return set_err(err, -EINVAL, 0, "zoneinfo: no 'Node N, zone NAME' line");
	for (uint32_t i = 0; i < out->nr_zones; i++)
		if (!out->zones[i].has_pages_free)
			return set_err(err, -EINVAL, 0, "zoneinfo: zone %s of node %u has no 'pages free'",
				       out->zones[i].name, out->zones[i].node);
	return 0;
}

void sysinfo_pagetypeinfo_release(struct sysinfo_pagetypeinfo *pti)
{
	if (!pti)
		return;
	free(pti->zones);
	pti->zones = NULL;
	pti->nr_zones = 0;
}

/* The index of migratetype @name, added if new; -1 when the table is full. */
static int pti_mt_index(struct sysinfo_pagetypeinfo *pti, const char *name, size_t len)
{
	for (uint32_t i = 0; i < pti->nr_mt; i++)
		if (strlen(pti->mt_names[i]) == len && !strncmp(pti->mt_names[i], name, len))
			return (int)i;
	if (pti->nr_mt >= TRACEFMT_MAX_MT || len >= SYSINFO_MT_NAME_LEN)
		return -1;
	memcpy(pti->mt_names[pti->nr_mt], name, len);
	pti->mt_names[pti->nr_mt][len] = '\0';
	return (int)pti->nr_mt++;
}

const struct sysinfo_pagetype_zone *sysinfo_pagetypeinfo_find(const struct sysinfo_pagetypeinfo *pti,
							      uint32_t node, const char *name)
{
	for (uint32_t i = 0; pti && i < pti->nr_zones; i++)
		if (pti->zones[i].node == node && !strcmp(pti->zones[i].name, name))
			return &pti->zones[i];
	return NULL;
}

static struct sysinfo_pagetype_zone *pti_zone(struct sysinfo_pagetypeinfo *pti, uint32_t node,
					      const char *name, bool add)
{
	struct sysinfo_pagetype_zone *z;

	z = (struct sysinfo_pagetype_zone *)sysinfo_pagetypeinfo_find(pti, node, name);
	if (z || !add)
		return z;
	z = realloc(pti->zones, (pti->nr_zones + 1) * sizeof(*z));
	if (!z)
		return NULL;
	pti->zones = z;
	z = &pti->zones[pti->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

/* A whitespace-separated word at *s: its start and length; false at the end. */
static bool take_word(const char **s, const char **word, size_t *len)
{
	const char *p = skip_ws(*s);

	*len = strcspn(p, " \t");
	if (*len == 0)
		return false;
	*word = p;
	*s = p + *len;
	return true;
}

/*
 * The rest of a free-count row after "Node N, zone NAME": ", type TYPE"
 * and one count per order (">100000" marks the zone capped). Returns the
 * migratetype's index, -EINVAL on a malformed row, -E2BIG when the
 * migratetype table is full.
 */
static int pti_free_row(struct sysinfo_pagetypeinfo *pti, struct sysinfo_pagetype_zone *z,
			const char **restp)
{
	const char *rest = skip_ws(*restp), *w;
	size_t wlen;
	uint64_t v;
	int mt;

	if (*rest++ != ',')
		return -EINVAL;
	rest = skip_ws(rest);
	if (strncmp(rest, "type", 4))
		return -EINVAL;
	rest += 4;
	if (!take_word(&rest, &w, &wlen))
		return -EINVAL;
	mt = pti_mt_index(pti, w, wlen);
	if (mt < 0)
		return -E2BIG;
	for (uint32_t col = 0; col < pti->nr_orders; col++) {
		rest = skip_ws(rest);
		if (*rest == '>') {
			rest++;
			z->capped = true;
		}
		if (!take_u64(&rest, &v) || v > UINT32_MAX)
			return -EINVAL;
		z->free_blocks[col][mt] = (uint32_t)v;
	}
	*restp = rest;
	return mt;
}

/*
 * pagetypeinfo has three tables (spec §7.6): the free-list lengths
 * ("Node 0, zone DMA, type Movable  n0 n1 ..."), "Number of blocks type"
 * with one row per zone, and, with page_owner only, "Number of mixed
 * blocks", which is skipped. A section's title line says how to read the
 * "Node" lines under it.
 */
int sysinfo_pagetypeinfo_parse(const char *buf, size_t len, struct sysinfo_pagetypeinfo *out,
			       struct tracefmt_error *err)
{
	enum { SEC_NONE, SEC_FREE, SEC_BLOCKS, SEC_OTHER } sec = SEC_NONE;
	struct line_iter it = { .p = buf, .end = buf + len };
	int block_cols[TRACEFMT_MAX_MT];
	uint32_t nr_block_cols = 0;
	bool have_order = false;

	memset(out, 0, sizeof(*out));
	while (line_next(&it)) {
		const char *s = skip_ws(it.line), *w, *rest;
		struct sysinfo_pagetype_zone *z;
		char zname[TRACEFMT_ZONE_NAME_LEN];
		uint32_t node, col;
		size_t wlen;
		uint64_t v;
		int mt;

		if (*s == '\0')
			continue;
		if (!strncmp(s, "Page block order:", 17)) {
			if (!value_u64(s + 17, &v) || v >= TRACEFMT_MAX_ORDERS)
				goto bad;
			out->pageblock_order = (uint32_t)v;
			have_order = true;
			continue;
		}
		if (!strncmp(s, "Pages per block:", 16)) {
			if (!value_u64(s + 16, &v) || v > UINT32_MAX)
				goto bad;
			out->pages_per_block = (uint32_t)v;
			continue;
		}
		if (!strncmp(s, "Free pages count per migrate type at order", 42)) {
			rest = s + 42;
			out->nr_orders = 0;
			while (take_u64(&rest, &v)) {
				if (v != out->nr_orders || out->nr_orders >= TRACEFMT_MAX_ORDERS)
					goto bad;
				out->nr_orders++;
			}
			if (out->nr_orders == 0)
				goto bad;
			sec = SEC_FREE;
			continue;
		}
		if (!strncmp(s, "Number of blocks type", 21)) {
			rest = s + 21;
			nr_block_cols = 0;
			while (take_word(&rest, &w, &wlen)) {
				mt = pti_mt_index(out, w, wlen);
				if (mt < 0 || nr_block_cols >= TRACEFMT_MAX_MT)
					goto toomany;
				block_cols[nr_block_cols++] = mt;
			}
			sec = SEC_BLOCKS;
			continue;
		}
		if (strncmp(s, "Node", 4)) {
			/* Another table title ("Number of mixed blocks ..."). */
			sec = SEC_OTHER;
			continue;
		}
		if (sec == SEC_OTHER)
			continue;
		if (sec == SEC_NONE || !parse_node_zone(s, &node, zname, &rest))
			goto bad;
		z = pti_zone(out, node, zname, true);
		if (!z)
			return set_err(err, -ENOMEM, it.lineno, "pagetypeinfo: out of memory");
		if (sec == SEC_FREE) {
			mt = pti_free_row(out, z, &rest);
			if (mt == -EINVAL)
				goto bad;
			if (mt < 0)
				goto toomany;
		} else {
			for (col = 0; col < nr_block_cols; col++) {
				if (!take_u64(&rest, &v) || v > UINT32_MAX)
					goto bad;
				z->pageblocks[block_cols[col]] = (uint32_t)v;
			}
			z->has_pageblocks = true;
		}
		if (*skip_ws(rest) != '\0')
			goto bad;
	}
	if (!have_order || out->nr_orders == 0 || out->nr_zones == 0)
		return set_err(err, -EINVAL, 0,
			       "pagetypeinfo: missing 'Page block order', the free-count table or any zone");
	return 0;
bad:
	return set_err(err, -EINVAL, it.lineno, "pagetypeinfo line %" PRIu64 ": cannot parse '%.80s'",
		       it.lineno, skip_ws(it.line));
toomany:
	return set_err(err, -EINVAL, it.lineno,
		       "pagetypeinfo line %" PRIu64 ": more than %d migratetypes or a name too long",
		       it.lineno, TRACEFMT_MAX_MT);
}

static void checkpoint_init(struct tracefmt_event *ev, uint32_t seq, uint64_t ts_ns,
			    uint32_t node, const char *name)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_CHECKPOINT;
	ev->ts_ns = ts_ns;
	ev->u.checkpoint.seq = seq;
	ev->u.checkpoint.node = node;
	snprintf(ev->u.checkpoint.zone, sizeof(ev->u.checkpoint.zone), "%s", name);
}

int sysinfo_checkpoint_build(const struct sysinfo_pagetypeinfo *pti,
			     const struct sysinfo_zoneinfo *zi, uint32_t seq, uint64_t ts_ns,
			     struct tracefmt_event *out, size_t max, size_t *nr)
{
	*nr = 0;
	if (pti) {
		for (uint32_t i = 0; i < pti->nr_zones; i++) {
			const struct sysinfo_pagetype_zone *pz = &pti->zones[i];
			const struct sysinfo_zone *z = sysinfo_zoneinfo_find(zi, pz->node, pz->name);
			struct tracefmt_event *ev;

			if (*nr >= max)
				return -ENOSPC;
			ev = &out[(*nr)++];
			checkpoint_init(ev, seq, ts_ns, pz->node, pz->name);
			ev->u.checkpoint.nr_orders = pti->nr_orders;
			ev->u.checkpoint.nr_mt = pti->nr_mt;
			memcpy(ev->u.checkpoint.free_blocks, pz->free_blocks, sizeof(pz->free_blocks));
			if (pz->capped)
				ev->u.checkpoint.flags |= TRACEFMT_CKPT_CAPPED;
			if (pz->has_pageblocks) {
				memcpy(ev->u.checkpoint.pageblocks, pz->pageblocks,
				       sizeof(pz->pageblocks));
				ev->u.checkpoint.flags |= TRACEFMT_CKPT_HAS_PAGEBLOCKS;
			}
			if (z) {
				ev->u.checkpoint.nr_free_pages = z->nr_free_pages;
				ev->u.checkpoint.flags |= TRACEFMT_CKPT_HAS_NR_FREE;
			}
		}
		return 0;
	}
	for (uint32_t i = 0; zi && i < zi->nr_zones; i++) {
		const struct sysinfo_zone *z = &zi->zones[i];
		struct tracefmt_event *ev;

		if (z->managed == 0)
			continue;
		if (*nr >= max)
			return -ENOSPC;
		ev = &out[(*nr)++];
		checkpoint_init(ev, seq, ts_ns, z->node, z->name);
		ev->u.checkpoint.nr_free_pages = z->nr_free_pages;
		ev->u.checkpoint.flags = TRACEFMT_CKPT_HAS_NR_FREE;
	}
	return 0;
}

static int root_path(const char *root, const char *rel, char *path, size_t size)
{
	int n;

	if (!root || !*root)
		root = "/";
	while (*rel == '/')
		rel++;
	n = snprintf(path, size, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", rel);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int sysinfo_file_read(const char *root, const char *rel, char **buf, size_t *len,
		      struct tracefmt_error *err)
{
	char path[4096];
	size_t cap = 16384, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, ret;

	*buf = NULL;
	*len = 0;
	ret = root_path(root, rel, path, sizeof(path));
	if (ret)
		return set_err(err, ret, 0, "%s: path too long", rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return set_err(err, ret, 0, "%s: %s", path, strerror(-ret));
	}
	b = malloc(cap);
	if (!b) {
		close(fd);
		return set_err(err, -ENOMEM, 0, "%s: out of memory", path);
	}
	for (;;) {
		if (n + 1 >= cap) {
			nb = realloc(b, cap * 2);
			if (!nb) {
				ret = -ENOMEM;
				goto fail;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return set_err(err, ret, n, "%s: %s", path, strerror(-ret));
}

/* Read <@root>/<@rel> and parse it with @parse; the error names the file. */
static int text_file_parse(const char *root, const char *rel, void *out,
			   int (*parse)(const char *, size_t, void *, struct tracefmt_error *),
			   struct tracefmt_error *err)
{
	char *buf;
	size_t len;
	int ret;

	ret = sysinfo_file_read(root, rel, &buf, &len, err);
	if (ret)
		return ret;
	ret = parse(buf, len, out, err);
	free(buf);
	return ret ? err_in_file(err, ret, root ? root : "/", rel) : 0;
}

static int zoneinfo_parse_any(const char *buf, size_t len, void *out, struct tracefmt_error *err)
{
	return sysinfo_zoneinfo_parse(buf, len, out, err);
}

static int pagetypeinfo_parse_any(const char *buf, size_t len, void *out,
				  struct tracefmt_error *err)
{
	return sysinfo_pagetypeinfo_parse(buf, len, out, err);
}

int sysinfo_zoneinfo_read(const char *root, const char *rel, struct sysinfo_zoneinfo *out,
			  struct tracefmt_error *err)
{
	memset(out, 0, sizeof(*out));
	return text_file_parse(root, rel, out, zoneinfo_parse_any, err);
}

int sysinfo_pagetypeinfo_read(const char *root, const char *rel, struct sysinfo_pagetypeinfo *out,
			      struct tracefmt_error *err)
{
	memset(out, 0, sizeof(*out));
	return text_file_parse(root, rel, out, pagetypeinfo_parse_any, err);
}

static void zone_state_fill(struct tracefmt_event *ev, const struct sysinfo_zone *z, uint32_t seq,
			    uint64_t ts_ns, int64_t min_free_kbytes)
{
	__typeof__(ev->u.zone_state) *zs = &ev->u.zone_state;

	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_ZONE_STATE;
	ev->ts_ns = ts_ns;
	zs->seq = seq;
	zs->node = z->node;
	snprintf(zs->zone, sizeof(zs->zone), "%s", z->name);
	zs->start_pfn = z->has_start_pfn ? z->start_pfn : 0;
	zs->spanned = z->spanned;
	zs->present = z->present;
	zs->managed = z->managed;
	zs->min = z->min;
	zs->low = z->low;
	zs->high = z->high;
	zs->promo = z->has_promo ? z->promo : 0;
	zs->boost = z->boost;
	zs->nr_free_pages = z->nr_free_pages;
	zs->flags = (z->has_start_pfn ? TRACEFMT_ZS_HAS_START_PFN : 0) |
		    (z->has_promo ? TRACEFMT_ZS_HAS_PROMO : 0);
	if (min_free_kbytes >= 0) {
		zs->min_free_kbytes = (uint64_t)min_free_kbytes;
		zs->flags |= TRACEFMT_ZS_HAS_MIN_FREE_KBYTES;
	}
	if (z->nr_pcp) {
		zs->pcp_batch = z->pcp[0].batch > 0 ? (uint64_t)z->pcp[0].batch : 0;
		zs->pcp_high_min = z->pcp[0].high_min > 0 ? (uint64_t)z->pcp[0].high_min : 0;
		zs->pcp_high_max = z->pcp[0].high_max > 0 ? (uint64_t)z->pcp[0].high_max : 0;
		zs->flags |= TRACEFMT_ZS_HAS_PCP;
	}
	zs->nr_protection = z->nr_protection < TRACEFMT_MAX_ZONE_TYPES ? z->nr_protection
									: TRACEFMT_MAX_ZONE_TYPES;
	memcpy(zs->protection, z->protection, zs->nr_protection * sizeof(zs->protection[0]));
}

int sysinfo_zone_state_build(const struct sysinfo_zoneinfo *zi, uint32_t seq, uint64_t ts_ns,
			     int64_t min_free_kbytes, struct tracefmt_event *out, size_t max,
			     size_t *nr)
{
	*nr = 0;
	for (uint32_t i = 0; zi && i < zi->nr_zones; i++) {
		if (*nr >= max)
			return -ENOSPC;
		zone_state_fill(&out[(*nr)++], &zi->zones[i], seq, ts_ns, min_free_kbytes);
	}
	return 0;
}

/* vm.min_free_kbytes of @root, or -1 when it cannot be read. */
static int64_t min_free_kbytes_read(const char *root)
{
	char *buf;
	size_t len;
	int64_t v = -1;

	if (sysinfo_file_read(root, "proc/sys/vm/min_free_kbytes", &buf, &len, NULL))
		return -1;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (!value_i64(buf, &v) || v < 0)
		v = -1;
	free(buf);
	return v;
}

/*
 * One reading: pagetypeinfo, then vm.min_free_kbytes and zoneinfo. The
 * checkpoints come first in @out, then (when @nr_states is not NULL) one
 * zone state per zone of the same zoneinfo text.
 */
static int reading_read(const char *root, uint32_t seq, uint64_t ts_ns, struct tracefmt_event *out,
			size_t max, size_t *nr, size_t *nr_states, struct tracefmt_error *err)
{
	struct sysinfo_pagetypeinfo pti = { 0 };
	struct sysinfo_zoneinfo zi = { 0 };
	char *zbuf = NULL, *pbuf = NULL;
	size_t zlen, plen, ns = 0;
	int64_t mfk = -1;
	bool have_pti = false;
	int ret;

	*nr = 0;
	if (nr_states)
		*nr_states = 0;
	ret = sysinfo_file_read(root, "proc/pagetypeinfo", &pbuf, &plen, NULL);
	if (!ret) {
		ret = sysinfo_pagetypeinfo_parse(pbuf, plen, &pti, err);
		if (ret) {
			err_in_file(err, ret, root, "proc/pagetypeinfo");
			goto out;
		}
		have_pti = true;
	}
	if (nr_states)
		mfk = min_free_kbytes_read(root);
	ret = sysinfo_file_read(root, "proc/zoneinfo", &zbuf, &zlen, err);
	if (ret)
		goto out;
	ret = sysinfo_zoneinfo_parse(zbuf, zlen, &zi, err);
	if (ret) {
		err_in_file(err, ret, root, "proc/zoneinfo");
		goto out;
	}
	ret = sysinfo_checkpoint_build(have_pti ? &pti : NULL, &zi, seq, ts_ns, out, max, nr);
	if (!ret && nr_states)
		ret = sysinfo_zone_state_build(&zi, seq, ts_ns, mfk, out + *nr, max - *nr, &ns);
	if (ret)
		set_err(err, ret, 0, "checkpoint: more zones than %zu records", max);
	*nr += ns;
	if (nr_states)
		*nr_states = ns;
out:
	sysinfo_pagetypeinfo_release(&pti);
	sysinfo_zoneinfo_release(&zi);
	free(pbuf);
	free(zbuf);
	return ret;
}

int sysinfo_checkpoint_read(const char *root, uint32_t seq, uint64_t ts_ns,
			    struct tracefmt_event *out, size_t max, size_t *nr,
			    struct tracefmt_error *err)
{
	return reading_read(root, seq, ts_ns, out, max, nr, NULL, err);
}

int sysinfo_checkpoint_read_full(const char *root, uint32_t seq, uint64_t ts_ns,
				 struct tracefmt_event *out, size_t max, size_t *nr,
				 size_t *nr_states, struct tracefmt_error *err)
{
	return reading_read(root, seq, ts_ns, out, max, nr, nr_states, err);
}

/* The file's text without trailing whitespace, or NULL if it cannot be read. */
static char *read_trimmed(const char *root, const char *rel)
{
	char *buf;
	size_t len;

	if (sysinfo_file_read(root, rel, &buf, &len, NULL))
		return NULL;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	return buf;
}

static json_t *json_string_or_null(char *s)
{
	json_t *j = s ? json_string(s) : json_null();

	free(s);
	return j ? j : json_null();
}

/* A sysctl holding one integer, or null. */
static json_t *sysctl_int(const char *root, const char *rel)
{
	char *s = read_trimmed(root, rel);
	int64_t v;
	json_t *j;

	j = s && value_i64(s, &v) ? json_integer(v) : json_null();
	free(s);
	return j;
}

/* "256	256	32	0	0" as an array of integers, or null. */
static json_t *sysctl_int_array(const char *root, const char *rel)
{
	char *s = read_trimmed(root, rel);
	const char *p = s;
	json_t *a;
	uint64_t v;

	if (!s)
		return json_null();
	a = json_array();
	while (a && take_u64(&p, &v))
		json_array_append_new(a, json_integer((json_int_t)v));
	free(s);
	return a ? a : json_null();
}

/* The bracketed choice of a sysfs mode file ("always [madvise] never"). */
static json_t *bracketed_mode(const char *root, const char *rel)
{
	char *s = read_trimmed(root, rel), *open_b, *close_b;
	json_t *j = NULL;

	if (s) {
		open_b = strchr(s, '[');
		close_b = open_b ? strchr(open_b, ']') : NULL;
		if (close_b) {
			*close_b = '\0';
			j = json_string(open_b + 1);
		}
	}
	free(s);
	return j ? j : json_null();
}

/* Number of cpus in a list like "0-3,5", 0 if it does not parse. */
static uint32_t count_cpu_list(const char *s)
{
	uint64_t a, b;
	uint32_t n = 0;

	for (;;) {
		if (!take_u64(&s, &a))
			return 0;
		b = a;
		if (*s == '-') {
			s++;
			if (!take_u64(&s, &b) || b < a)
				return 0;
		}
		n += (uint32_t)(b - a + 1);
		s = skip_ws(s);
		if (*s != ',')
			return *s == '\0' ? n : 0;
		s++;
	}
}

/* The next range "a" or "a-b" of a cpu list at *s; false at its end or on junk. */
static bool cpu_range_next(const char **s, uint64_t *a, uint64_t *b)
{
	const char *p = skip_ws(*s);

	if (*p == ',')
		p++;
	if (!take_u64(&p, a))
		return false;
	*b = *a;
	if (*p == '-') {
		p++;
		if (!take_u64(&p, b) || *b < *a)
			return false;
	}
	*s = p;
	return true;
}

/* "32768K", "16M", "1G" or plain bytes: a cache size in bytes; false if malformed. */
static bool cache_size_bytes(const char *s, uint64_t *bytes)
{
	uint64_t v, mult = 1;

	if (!take_u64(&s, &v))
		return false;
	if (*s == 'K')
		mult = 1024, s++;
	else if (*s == 'M')
		mult = 1024 * 1024, s++;
	else if (*s == 'G')
		mult = 1024 * 1024 * 1024, s++;
	if (*skip_ws(s) != '\0' || v > UINT64_MAX / mult)
		return false;
	*bytes = v * mult;
	return true;
}

/* An integer file of cpu @cpu's cache leaf @idx, or -1. */
static int64_t cache_leaf_int(const char *root, uint64_t cpu, unsigned int idx, const char *name)
{
	char rel[128], *s;
	int64_t v = -1;

	snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%llu/cache/index%u/%s",
		 (unsigned long long)cpu, idx, name);
	s = read_trimmed(root, rel);
	if (s && !value_i64(s, &v))
		v = -1;
	free(s);
	return v;
}

#define MAX_CACHE_LEAVES 16

/*
 * The last-level cache of @cpu as the kernel picks it for pcp batching
 * (spec 4.3, PCPF_FREE_HIGH_BATCH): the data or unified leaf of the highest
 * level, its size and how many cpus share it. Without cacheinfo (no cache
 * directory: some VMs) size and sharing are null and the per-cpu data
 * slice is 0, as the kernel then has it.
 */
static json_t *llc_json(const char *root, uint64_t cpu)
{
	int64_t best_level = -1;
	uint64_t size = 0;
	uint32_t shared = 0;
	json_t *o;

	for (unsigned int idx = 0; idx < MAX_CACHE_LEAVES; idx++) {
		char rel[128], *type, *size_s, *list;
		int64_t level = cache_leaf_int(root, cpu, idx, "level");
		uint64_t bytes;

		if (level < 0)
			continue;
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%llu/cache/index%u/type",
			 (unsigned long long)cpu, idx);
		type = read_trimmed(root, rel);
		if (type && strcmp(type, "Instruction") && level > best_level) {
			snprintf(rel, sizeof(rel),
				 "sys/devices/system/cpu/cpu%llu/cache/index%u/size",
				 (unsigned long long)cpu, idx);
			size_s = read_trimmed(root, rel);
			snprintf(rel, sizeof(rel),
				 "sys/devices/system/cpu/cpu%llu/cache/index%u/shared_cpu_list",
				 (unsigned long long)cpu, idx);
			list = read_trimmed(root, rel);
			if (size_s && cache_size_bytes(size_s, &bytes)) {
				best_level = level;
				size = bytes;
				shared = list ? count_cpu_list(list) : 0;
			}
			free(size_s);
			free(list);
		}
		free(type);
	}
	o = json_pack("{sI}", "cpu", (json_int_t)cpu);
	if (!o)
		return json_null();
	json_object_set_new(o, "level", best_level >= 0 ? json_integer(best_level) : json_null());
	json_object_set_new(o, "size_bytes",
			    best_level >= 0 ? json_integer((json_int_t)size) : json_null());
	json_object_set_new(o, "shared_cpus",
			    best_level >= 0 && shared ? json_integer(shared) : json_null());
	json_object_set_new(o, "data_slice_bytes",
			    json_integer(best_level >= 0 && shared ? (json_int_t)(size / shared) : 0));
	return o;
}

/* host.llc: one entry per online cpu, or null when the online list cannot be read. */
static json_t *llc_array(const char *root)
{
	char *list = read_trimmed(root, "sys/devices/system/cpu/online");
	const char *p = list;
	uint64_t a, b;
	json_t *arr;

	if (!list)
		return json_null();
	arr = json_array();
	while (arr && cpu_range_next(&p, &a, &b))
		for (uint64_t cpu = a; cpu <= b && cpu < (1u << 20); cpu++)
			json_array_append_new(arr, llc_json(root, cpu));
	free(list);
	return arr ? arr : json_null();
}

static json_t *zone_json(const struct sysinfo_zone *z)
{
	json_t *prot = json_array(), *pcps = json_array();

	for (uint32_t i = 0; i < z->nr_protection; i++)
		json_array_append_new(prot, json_integer((json_int_t)z->protection[i]));
	for (uint32_t i = 0; i < z->nr_pcp; i++) {
		const struct sysinfo_pcp *p = &z->pcp[i];

		json_array_append_new(
			pcps, json_pack("{sI sI sI sI so so}", "cpu", (json_int_t)p->cpu, "count",
					(json_int_t)p->count, "high", (json_int_t)p->high, "batch",
					(json_int_t)p->batch, "high_min",
					p->high_min < 0 ? json_null() : json_integer(p->high_min),
					"high_max",
					p->high_max < 0 ? json_null() : json_integer(p->high_max)));
	}
	return json_pack("{sI ss sI sI sI sI sI sI sI sI so sI so so}", "node", (json_int_t)z->node,
			 "name", z->name, "start_pfn", (json_int_t)(z->has_start_pfn ? z->start_pfn : 0),
			 "spanned", (json_int_t)z->spanned, "present", (json_int_t)z->present,
			 "managed", (json_int_t)z->managed, "nr_free_pages",
			 (json_int_t)z->nr_free_pages, "min", (json_int_t)z->min, "low",
			 (json_int_t)z->low, "high", (json_int_t)z->high, "promo",
			 z->has_promo ? json_integer((json_int_t)z->promo) : json_null(), "boost",
			 (json_int_t)z->boost, "protection", prot, "pcp", pcps);
}

static const char *const default_mt_names[] = { "Unmovable", "Movable", "Reclaimable",
						"HighAtomic", "Isolate" };

static uint64_t now_unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Page size: this host's when reading "/", else <root>/page_size, else 4096. */
static long header_page_size(const char *root)
{
	char *s;
	uint64_t v;
	long ps = 4096;

	if (!root || !strcmp(root, "/"))
		return sysconf(_SC_PAGESIZE);
	s = read_trimmed(root, "page_size");
	if (s && value_u64(s, &v) && v > 0 && v < (1u << 30))
		ps = (long)v;
	free(s);
	return ps;
}

uint64_t sysinfo_buddyinfo_blocks(const char *buf, size_t len, uint32_t *nr_orders)
{
	struct line_iter it = { .p = buf, .end = buf + len };
	char name[TRACEFMT_ZONE_NAME_LEN];
	const char *rest;
	uint32_t node, n, first = 0;
	uint64_t v, total = 0;
	bool seen = false;

	while (line_next(&it)) {
		if (!parse_node_zone(it.line, &node, name, &rest))
			continue;
		for (n = 0; take_u64(&rest, &v); n++)
			total += v;
		if (!seen)
			first = n;
		seen = true;
	}
	if (nr_orders)
		*nr_orders = first;
	return total;
}

/* The number of orders buddyinfo prints (columns after the zone name). */
static uint32_t buddyinfo_nr_orders(const char *text)
{
	uint32_t n;

	sysinfo_buddyinfo_blocks(text, strlen(text), &n);
	return n;
}

/* Without pagetypeinfo: pageblock_order is the PMD order, capped (x86); -1 if unknown. */
static int64_t pageblock_order_from_pmd(const char *root, long page_size, uint32_t nr_orders)
{
	char *s = read_trimmed(root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	int64_t order = -1;
	uint64_t pmd;

	if (s && page_size > 0 && value_u64(s, &pmd) && pmd >= (uint64_t)page_size) {
		order = 0;
		while (((uint64_t)page_size << (order + 1)) <= pmd)
			order++;
		if (nr_orders && order > (int64_t)nr_orders - 1)
			order = (int64_t)nr_orders - 1;
	}
	free(s);
	return order;
}

/* Online cpus; without the file, the most pagesets a zone lists. */
static uint32_t header_cpus(const char *root, const struct sysinfo_zoneinfo *zi)
{
	char *s = read_trimmed(root, "sys/devices/system/cpu/online");
	uint32_t cpus = s ? count_cpu_list(s) : 0;

	free(s);
	if (cpus)
		return cpus;
	for (uint32_t i = 0; i < zi->nr_zones; i++)
		if (zi->zones[i].nr_pcp > cpus)
			cpus = zi->zones[i].nr_pcp;
	return cpus;
}

/* What the header's "host" object says besides what is read in host_json(). */
struct host_facts {
	long page_size;
	uint32_t cpus;
	int64_t pageblock_order; /* -1: unknown */
	uint32_t nr_orders;	 /* 0: unknown */
	json_t *migratetypes;	 /* stolen */
};

static json_t *host_json(const char *root, const struct host_facts *f)
{
	json_t *host = json_object();
	char *s;

	json_object_set_new(host, "hostname", json_string_or_null(read_trimmed(root, "proc/sys/kernel/hostname")));
	json_object_set_new(host, "kernel_release",
			    json_string_or_null(read_trimmed(root, "proc/sys/kernel/osrelease")));
	json_object_set_new(host, "kernel_version",
			    json_string_or_null(read_trimmed(root, "proc/sys/kernel/version")));
	json_object_set_new(host, "page_size", json_integer(f->page_size));
	json_object_set_new(host, "cpus", f->cpus ? json_integer(f->cpus) : json_null());
	json_object_set_new(host, "pageblock_order",
			    f->pageblock_order >= 0 ? json_integer(f->pageblock_order) : json_null());
	json_object_set_new(host, "nr_page_orders",
			    f->nr_orders ? json_integer(f->nr_orders) : json_null());
	json_object_set_new(host, "migratetypes", f->migratetypes);
	json_object_set_new(host, "thp_enabled",
			    bracketed_mode(root, "sys/kernel/mm/transparent_hugepage/enabled"));
	json_object_set_new(host, "thp_defrag",
			    bracketed_mode(root, "sys/kernel/mm/transparent_hugepage/defrag"));
	s = read_trimmed(root, "sys/module/page_alloc/parameters/shuffle");
	json_object_set_new(host, "page_alloc_shuffle",
			    s ? json_boolean(s[0] == 'Y' || s[0] == '1') : json_null());
	free(s);
	json_object_set_new(host, "page_reporting_order",
			    sysctl_int(root, "sys/module/page_reporting/parameters/page_reporting_order"));
	json_object_set_new(host, "llc", llc_array(root));
	return host;
}

static json_t *sysctl_json(const char *root)
{
	static const char *const ints[] = { "min_free_kbytes", "watermark_scale_factor",
					    "watermark_boost_factor", "percpu_pagelist_high_fraction",
					    "zone_reclaim_mode", "compaction_proactiveness" };
	json_t *sysctl = json_object(), *j;

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		char rel[96];

		snprintf(rel, sizeof(rel), "proc/sys/vm/%s", ints[i]);
		json_object_set_new(sysctl, ints[i], sysctl_int(root, rel));
	}
	json_object_set_new(sysctl, "lowmem_reserve_ratio",
			    sysctl_int_array(root, "proc/sys/vm/lowmem_reserve_ratio"));
	j = sysctl_int(root, "proc/sys/vm/defrag_mode");
	if (json_is_null(j))
		json_decref(j); /* only kernels that have it (6.15+) */
	else
		json_object_set_new(sysctl, "defrag_mode", j);
	return sysctl;
}

static json_t *migratetypes_json(const struct sysinfo_pagetypeinfo *pti)
{
	json_t *mts = json_array();

	if (pti)
		for (uint32_t i = 0; i < pti->nr_mt; i++)
			json_array_append_new(mts, json_string(pti->mt_names[i]));
	else
		for (size_t i = 0; i < sizeof(default_mt_names) / sizeof(default_mt_names[0]); i++)
			json_array_append_new(mts, json_string(default_mt_names[i]));
	return mts;
}

json_t *sysinfo_header_build(const struct sysinfo_header_opts *opts, struct tracefmt_error *err)
{
	const char *root = opts && opts->root ? opts->root : "/";
	struct sysinfo_pagetypeinfo pti = { 0 };
	struct sysinfo_zoneinfo zi = { 0 };
	struct host_facts f = { .page_size = header_page_size(root), .pageblock_order = -1 };
	char *ztext = NULL, *ptext = NULL, *btext = NULL;
	json_t *hdr = NULL, *zones, *missing, *raw;
	size_t zlen, len;
	bool have_pti = false;
	char tool[64];
	int ret;

	ret = sysinfo_file_read(root, "proc/zoneinfo", &ztext, &zlen, err);
	if (ret)
		goto cleanup;
	ret = sysinfo_zoneinfo_parse(ztext, zlen, &zi, err);
	if (ret) {
		err_in_file(err, ret, root, "proc/zoneinfo");
		goto cleanup;
	}
	if (!sysinfo_file_read(root, "proc/pagetypeinfo", &ptext, &len, NULL)) {
		ret = sysinfo_pagetypeinfo_parse(ptext, len, &pti, err);
		if (ret) {
			err_in_file(err, ret, root, "proc/pagetypeinfo");
			goto cleanup;
		}
		have_pti = true;
		f.pageblock_order = pti.pageblock_order;
		f.nr_orders = pti.nr_orders;
	}
	sysinfo_file_read(root, "proc/buddyinfo", &btext, &len, NULL);
	if (!f.nr_orders && btext)
		f.nr_orders = buddyinfo_nr_orders(btext);
	if (f.pageblock_order < 0)
		f.pageblock_order = pageblock_order_from_pmd(root, f.page_size, f.nr_orders);
	f.cpus = header_cpus(root, &zi);
	f.migratetypes = migratetypes_json(have_pti ? &pti : NULL);

	zones = json_array();
	for (uint32_t i = 0; i < zi.nr_zones; i++)
		json_array_append_new(zones, zone_json(&zi.zones[i]));
	missing = json_array();
	for (size_t i = 0; opts && i < opts->nr_tracepoints_missing; i++)
		json_array_append_new(missing, json_string(opts->tracepoints_missing[i]));
	raw = json_object();
	json_object_set_new(raw, "zoneinfo", json_string(ztext));
	json_object_set_new(raw, "pagetypeinfo", ptext ? json_string(ptext) : json_null());
	json_object_set_new(raw, "buddyinfo", btext ? json_string(btext) : json_null());

	snprintf(tool, sizeof(tool), "buddyscope %s", BUDDYSCOPE_VERSION);
	hdr = json_pack("{ss ss ss ss sI so so so so so}", "format", "buddyscope-trace", "tool",
			opts && opts->tool ? opts->tool : tool, "source",
			opts && opts->source ? opts->source : "capture", "clock", "CLOCK_MONOTONIC",
			"start_time_unix_ns",
			(json_int_t)(opts && opts->start_time_unix_ns ? opts->start_time_unix_ns :
									now_unix_ns()),
			"host", host_json(root, &f), "sysctl", sysctl_json(root), "zones", zones,
			"tracepoints_missing", missing, "raw", raw);
	if (!hdr)
		ret = set_err(err, -ENOMEM, 0, "header: cannot build the JSON object");
cleanup:
	sysinfo_zoneinfo_release(&zi);
	sysinfo_pagetypeinfo_release(&pti);
	free(ztext);
	free(ptext);
	free(btext);
	if (ret)
		errno = -ret;
	return ret ? NULL : hdr;
}

char *sysinfo_header_create(const struct sysinfo_header_opts *opts, size_t *len,
			    struct tracefmt_error *err)
{
	json_t *hdr = sysinfo_header_build(opts, err);
	char *text;

	if (!hdr)
		return NULL;
	if (opts && opts->capture)
		json_object_set(hdr, "capture", opts->capture);
	text = json_dumps(hdr, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(hdr);
	if (!text) {
		set_err(err, -ENOMEM, 0, "header: cannot serialise the JSON object");
		errno = ENOMEM;
		return NULL;
	}
	*len = strlen(text);
	return text;
}

/* For sysinfo_dir.c (sysinfo_internal.h). */
char *sysinfo_read_trimmed(const char *root, const char *rel)
{
	return read_trimmed(root, rel);
}

bool sysinfo_value_i64(const char *s, int64_t *v)
{
	return value_i64(s, v);
}

uint32_t sysinfo_count_cpu_list(const char *s)
{
	return count_cpu_list(s);
}

uint32_t sysinfo_buddyinfo_nr_orders(const char *text)
{
	return buddyinfo_nr_orders(text);
}
