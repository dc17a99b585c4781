// SPDX-License-Identifier: MIT
/*
 * The text importers' common part: what ftrace text and perf-script text
 * share once the per-format columns (task, pid, cpu) are read — the
 * "<timestamp>: <event>: key=value ..." tail of the six kmem page events, gfp
 * flag names, lost-event lines — and the drivers that run a line parser over
 * a textin source into a tracefmt writer (tracefmt_import()) or a callback
 * (tracefmt_import_mem(), the fuzz entry point), adding the pid -> command
 * name records and the caller's start and end records on the way. The accepted layouts are
 * listed, with an example of each, in traces/IMPORT.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_internal.h"
#include "tracefmt_gfp.h"
#include "tracefmt_internal.h"

static void reason_set(char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reason_set(char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, IMPORT_REASON_LEN, fmt, ap);
	va_end(ap);
}

unsigned int import_event_type(const char *name, size_t len)
{
	/* perf names the system: kmem:, and since format 1.4 vmscan: and compaction: */
	static const char *const systems[] = { "kmem:", "vmscan:", "compaction:" };

	for (size_t i = 0; i < sizeof(systems) / sizeof(systems[0]); i++) {
		size_t n = strlen(systems[i]);

		if (len > n && !memcmp(name, systems[i], n)) {
			name += n;
			len -= n;
			break;
		}
	}
	if (len < 12 || memcmp(name, "mm_", 3))
		return 0;
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++) {
		const char *n = tracefmt_type_name(t);
		if (import_is_event_type(t) && !strncmp(name, n, len) && n[len] == '\0')
			return t;
	}
	return 0;
}

bool import_is_event_type(unsigned int type)
{
	return (type >= TRACEFMT_PAGE_ALLOC && type <= TRACEFMT_PAGE_ALLOC_EXTFRAG) ||
	       type == TRACEFMT_WMARK || tracefmt_type_is_mm(type);
}

bool import_line_mentions_kmem(const char *line)
{
	if (strstr(line, "mm_setup_per_zone_wmarks:"))
		return true;
	/* mm_page_*, and the reclaim and compaction events (mm_vmscan_*, mm_compaction_*) */
	for (const char *p = line; (p = strstr(p, "mm_")); p++) {
		size_t n = 0;
		while (p[n] == '_' || islower((unsigned char)p[n]))
			n++;
		if (p[n] == ':' && import_event_type(p, n))
			return true;
	}
	return false;
}

int import_parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;

	if (len == 2 && s[0] == '-' && s[1] == '1') {
		*v = UINT64_MAX;
		return 0;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (len > 18)
			return -1;
		for (i = 2; i < len; i++) {
			int c = (unsigned char)s[i], d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return -1;
			x = x << 4 | (uint64_t)d;
		}
		*v = x;
		return 0;
	}
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* A signed 32-bit field (order, migratetype, flags printed with %d). */
static int parse_s32(const char *s, size_t len, int32_t *v)
{
	bool neg = len > 1 && s[0] == '-';
	uint64_t x;

	if (import_parse_u64(s + neg, len - neg, &x) < 0 || (neg && x == UINT64_MAX))
		return -1;
	if (neg ? x > 0x80000000ull : x > 0xffffffffull)
		return -1;
	/* %u and %d of the same u32: 4294967295 and -1 are one value. */
	*v = neg ? (int32_t)(0 - (int64_t)x) : (int32_t)(uint32_t)x;
	return 0;
}

int import_gfp_parse(const char *text, size_t len, uint64_t *gfp, char *reason)
{
	uint64_t bits = 0, v;

	if (len == 4 && !memcmp(text, "none", 4)) {
		*gfp = 0;
		return 0;
	}
	/* A raw value: "0xcc0" (hex field) or "3264" ([FAILED TO PARSE] raw). */
	if (import_parse_u64(text, len, &v) == 0) {
		*gfp = v;
		return 0;
	}
	const char *p = text, *end = text + len;
	while (p <= end) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t n = bar ? (size_t)(bar - p) : (size_t)(end - p);
		if (n == 0) {
			reason_set(reason, "empty gfp flag name in '%.*s'", (int)(len > 40 ? 40 : len),
				   text);
			return -1;
		}
		/* Bits left over after the names print in hex. */
		if (import_parse_u64(p, n, &v) == 0 && n > 2 && p[1] == 'x') {
			bits |= v;
		} else {
			if (tracefmt_gfp_lookup(p, n, &v)) {
				reason_set(reason, "unknown gfp flag name '%.*s'",
					   (int)(n > 40 ? 40 : n), p);
				return -1;
			}
			bits |= v;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	*gfp = bits;
	return 0;
}

/*
 * "340.593498" (seconds and 1-9 fraction digits) to ns; a plain integer (a
 * counter or x86-tsc trace clock) is kept as it is.
 */
static bool parse_seconds(const char *s, size_t len, uint64_t *ns)
{
	const char *dot = memchr(s, '.', len);
	size_t int_len = dot ? (size_t)(dot - s) : len;
	uint64_t sec, frac = 0;

	if (int_len == 0 || import_parse_u64(s, int_len, &sec) < 0 || !isdigit((unsigned char)*s))
		return false;
	if (!dot) {
		*ns = sec;
		return true;
	}
	size_t frac_len = len - int_len - 1;
	if (frac_len == 0 || frac_len > 9 || import_parse_u64(dot + 1, frac_len, &frac) < 0 ||
	    !isdigit((unsigned char)dot[1]) || sec > UINT64_MAX / 1000000000ull - 1)
		return false;
	for (size_t i = frac_len; i < 9; i++)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return true;
}

int import_event_header(char *line, size_t *prefix_end, uint64_t *ts_ns, const char **name,
			size_t *name_len, char **body)
{
	for (char *t = line; *t; t++) {
		if (!isdigit((unsigned char)*t) || (t > line && !isspace((unsigned char)t[-1])))
			continue;
		/* A timestamp token "340.593498:" ... */
		char *p = t;
		while (isdigit((unsigned char)*p) || *p == '.')
			p++;
		if (p[0] != ':' || !isspace((unsigned char)p[1]))
			continue;
		/* ... then the event name and its ':'. */
		char *n = p + 1;
		while (isspace((unsigned char)*n))
			n++;
		char *ne = n;
		while (isalnum((unsigned char)*ne) || *ne == '_' || *ne == ':')
			ne++;
		if (ne - n < 2 || ne[-1] != ':' || (*ne && !isspace((unsigned char)*ne)))
			continue;
		if (!parse_seconds(t, (size_t)(p - t), ts_ns))
			continue;
		*prefix_end = (size_t)(t - line);
		*name = n;
		*name_len = (size_t)(ne - 1 - n);
		while (isspace((unsigned char)*ne))
			ne++;
		*body = ne;
		return 0;
	}
	return -1;
}

/* The parsed key=value fields of one event body. */
#define BODY_MAX_FIELDS 16

struct body_field {
	const char *key, *val;
	size_t key_len, val_len;
	bool used;
};

struct body {
	struct body_field f[BODY_MAX_FIELDS];
	int n;
	unsigned int type;
	char *reason;
};

static int body_split(struct body *b, char *s)
{
	/* libtraceevent prints raw fields after this when it cannot format. */
	static const char failed[] = "[FAILED TO PARSE]";

	if (!strncmp(s, failed, sizeof(failed) - 1))
		s += sizeof(failed) - 1;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return 0;
		char *tok = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		char *eq = memchr(tok, '=', (size_t)(s - tok));
		/* mm_setup_per_zone_wmarks prints "zone name=.. watermark min=..". */
		if (!eq && b->type == TRACEFMT_WMARK &&
		    ((s - tok == 4 && !memcmp(tok, "zone", 4)) ||
		     (s - tok == 9 && !memcmp(tok, "watermark", 9))))
			continue;
		if (!eq || eq == tok) {
			reason_set(b->reason, "%s: unexpected text '%.*s'", tracefmt_type_name(b->type),
				   (int)(s - tok > 32 ? 32 : s - tok), tok);
			return -1;
		}
		if (b->n == BODY_MAX_FIELDS) {
			reason_set(b->reason, "%s: more than %d fields", tracefmt_type_name(b->type),
				   BODY_MAX_FIELDS);
			return -1;
		}
		struct body_field *f = &b->f[b->n++];
		f->key = tok;
		f->key_len = (size_t)(eq - tok);
		f->val = eq + 1;
		f->val_len = (size_t)(s - eq - 1);
		f->used = false;
		/* mm_compaction_begin/end print "zone_end=0x..., mode=..." */
		if (tracefmt_type_is_mm(b->type) && f->val_len && f->val[f->val_len - 1] == ',')
			f->val_len--;
		for (int i = 0; i < b->n - 1; i++)
			if (b->f[i].key_len == f->key_len && !memcmp(b->f[i].key, f->key, f->key_len)) {
				reason_set(b->reason, "%s: field %.*s given twice",
					   tracefmt_type_name(b->type), (int)(f->key_len > 24 ? 24 : f->key_len),
					   f->key);
				return -1;
			}
	}
}

static struct body_field *body_find(struct body *b, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < b->n; i++)
		if (b->f[i].key_len == n && !memcmp(b->f[i].key, key, n)) {
			b->f[i].used = true;
			return &b->f[i];
		}
	return NULL;
}

/* Whether @key is there, without marking it used. */
static bool body_find_peek(const struct body *b, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < b->n; i++)
		if (b->f[i].key_len == n && !memcmp(b->f[i].key, key, n))
			return true;
	return false;
}

static int body_missing(struct body *b, const char *key)
{
	reason_set(b->reason, "%s: missing field %s", tracefmt_type_name(b->type), key);
	return -1;
}

static int body_bad_value(struct body *b, const struct body_field *f)
{
	reason_set(b->reason, "%s: bad value %.*s=%.*s", tracefmt_type_name(b->type),
		   (int)(f->key_len > 24 ? 24 : f->key_len), f->key,
		   (int)(f->val_len > 32 ? 32 : f->val_len), f->val);
	return -1;
}

/* The field @key, marked used; NULL with the "missing field" reason set when it is not there. */
static struct body_field *body_need(struct body *b, const char *key)
{
	struct body_field *f = body_find(b, key);

	if (!f)
		body_missing(b, key);
	return f;
}

static int body_u64(struct body *b, const char *key, uint64_t *v)
{
	struct body_field *f = body_need(b, key);

	if (!f)
		return -1;
	return import_parse_u64(f->val, f->val_len, v) < 0 ? body_bad_value(b, f) : 0;
}

static int body_s32(struct body *b, const char *key, int32_t *v)
{
	struct body_field *f = body_need(b, key);

	if (!f)
		return -1;
	return parse_s32(f->val, f->val_len, v) < 0 ? body_bad_value(b, f) : 0;
}

static int body_u32(struct body *b, const char *key, uint32_t *v)
{
	int32_t x;

	if (body_s32(b, key, &x) < 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/*
 * An order field: 0..TRACEFMT_MAX_ORDERS-1. The text prints it with %d, so
 * order=-1 (a u32 of all ones, once stored as 255 by a narrower field) and
 * order=99 are read, then refused.
 */
static int body_out_of_range(struct body *b, const struct body_field *f, int max)
{
	reason_set(b->reason, "%s: %.*s=%.*s out of range 0..%d", tracefmt_type_name(b->type),
		   (int)(f->key_len > 24 ? 24 : f->key_len), f->key,
		   (int)(f->val_len > 24 ? 24 : f->val_len), f->val, max);
	return -1;
}

static int order_ok(struct body *b, const struct body_field *f, int32_t v)
{
	if (v >= 0 && v < TRACEFMT_MAX_ORDERS)
		return 0;
	return body_out_of_range(b, f, TRACEFMT_MAX_ORDERS - 1);
}

/*
 * A field read as s32 and refused outside 0..@nr-1: the order and migratetype
 * fields, which index free lists. On a refusal *@v holds the value read.
 */
static int body_index(struct body *b, const char *key, int32_t nr, int32_t *v)
{
	if (body_s32(b, key, v) < 0)
		return -1;
	if (*v >= 0 && *v < nr)
		return 0;
	return body_out_of_range(b, body_find(b, key), nr - 1);
}

static int body_order(struct body *b, const char *key, uint32_t *v)
{
	int32_t x;

	if (body_index(b, key, TRACEFMT_MAX_ORDERS, &x) < 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A migratetype field: a free-list index, 0..TRACEFMT_MAX_MT-1. */
static int body_mt(struct body *b, const char *key, int32_t *v)
{
	return body_index(b, key, TRACEFMT_MAX_MT, v);
}

/*
 * The page pointer: only "is it NULL" matters (a failed allocation prints
 * a NULL page and pfn=0). Hashed pointers ("00000000a1b2c3d4") and perf's
 * "0x<pfn>" are non-NULL; "(null)", "(nil)" and all-zero digits are NULL.
 */
static bool page_is_null(const struct body_field *f)
{
	if ((f->val_len == 6 && !memcmp(f->val, "(null)", 6)) ||
	    (f->val_len == 5 && !memcmp(f->val, "(nil)", 5)))
		return true;
	size_t i = (f->val_len > 2 && f->val[0] == '0' && f->val[1] == 'x') ? 2 : 0;
	if (i == f->val_len)
		return false;
	for (; i < f->val_len; i++)
		if (f->val[i] != '0')
			return false;
	return true;
}

/* pfn of an event whose text prints a failure as a NULL page and pfn 0. */
static int body_pfn_or_none(struct body *b, uint64_t *pfn)
{
	struct body_field *page = body_find(b, "page");

	if (body_u64(b, "pfn", pfn) < 0)
		return -1;
	if (*pfn == 0 && (!page || page_is_null(page)))
		*pfn = TRACEFMT_PFN_NONE;
	return 0;
}

/* A field the print format names @pretty and the raw record @raw ("min", "watermark_min"). */
static int body_u64_either(struct body *b, const char *pretty, const char *raw, uint64_t *v)
{
	return body_u64(b, body_find_peek(b, pretty) ? pretty : raw, v);
}

/* mm_setup_per_zone_wmarks: node_id, zone name and the four marks (pages). */
static int body_wmark(struct body *b, struct tracefmt_event *ev)
{
	struct body_field *name = body_find(b, "name");
	uint32_t node;

	if (!name)
		return body_missing(b, "name");
	if (name->val_len == 0 || name->val_len >= TRACEFMT_ZONE_NAME_LEN)
		return body_bad_value(b, name);
	memcpy(ev->u.wmark.zone, name->val, name->val_len);
	if (body_u32(b, "node_id", &node) < 0)
		return -1;
	if (node >= TRACEFMT_MAX_NODES)
		return body_out_of_range(b, body_find(b, "node_id"), TRACEFMT_MAX_NODES - 1);
	ev->u.wmark.node = node;
	return body_u64_either(b, "min", "watermark_min", &ev->u.wmark.min) < 0 ||
			       body_u64_either(b, "low", "watermark_low", &ev->u.wmark.low) < 0 ||
			       body_u64_either(b, "high", "watermark_high", &ev->u.wmark.high) < 0 ||
			       body_u64_either(b, "promo", "watermark_promo", &ev->u.wmark.promo) < 0
		       ? -1
		       : 0;
}

/*
 * The reclaim and compaction events (format 1.4), read through the fields
 * table of tracefmt_mm.c: each field under its print-format key, symbols
 * where the print format prints them (zone names, compact results, sync
 * modes, gfp names), 1 << defer_shift as "limit".
 */
static int name_index(const struct body_field *f, const char *const *names, size_t nr, uint64_t *v)
{
	for (size_t i = 0; i < nr; i++)
		if (names[i] && strlen(names[i]) == f->val_len && !memcmp(names[i], f->val, f->val_len)) {
			*v = i;
			return 0;
		}
	return -1;
}

static int mm_value(struct body *b, const struct tf_mm_field *mf, const struct body_field *f,
		    uint64_t *v)
{
	/* the print formats' __print_symbolic tables (events/compaction/EVENT/format) */
	static const char *const zones[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	static const char *const modes[] = { "async", "sync" };
	int32_t s32;

	switch (mf->kind) {
	case TF_MM_GFP:
		return import_gfp_parse(f->val, f->val_len, v, b->reason);
	case TF_MM_ZONE:
		if (!name_index(f, zones, sizeof(zones) / sizeof(zones[0]), v))
			return 0;
		break;
	case TF_MM_BOOL:
		if (!name_index(f, modes, 2, v))
			return 0;
		break;
	case TF_MM_RESULT:
		for (unsigned int r = 0; r <= TRACEFMT_MAX_COMPACT_RESULT; r++) {
			const char *n = tracefmt_compact_result_name(r);
			if (strlen(n) == f->val_len && !memcmp(n, f->val, f->val_len)) {
				*v = r;
				return 0;
			}
		}
		break;
	default:
		break;
	}
	if (tf_mm_signed(mf)) {
		if (parse_s32(f->val, f->val_len, &s32) < 0)
			return body_bad_value(b, f);
		*v = (uint64_t)(int64_t)s32;
		return 0;
	}
	if (import_parse_u64(f->val, f->val_len, v) < 0)
		return body_bad_value(b, f);
	if (mf->flags & TF_MM_TEXT_LOG2) {
		if (!*v || (*v & (*v - 1)))
			return body_bad_value(b, f);
		*v = (uint64_t)__builtin_ctzll(*v);
	}
	return 0;
}

/*
 * "range=(0x1000 ~ 0x1200)" of the isolate events: the two pfns, and the
 * text blanked so the rest splits as key=value.
 */
static int mm_range(struct body *b, char *text, uint64_t *start, uint64_t *end)
{
	char *r = strstr(text, "range=(");
	char *tilde = r ? strstr(r, " ~ ") : NULL;
	char *close = tilde ? strchr(tilde, ')') : NULL;

	if (!close) {
		reason_set(b->reason, "%s: missing field range=(start ~ end)",
			   tracefmt_type_name(b->type));
		return -1;
	}
	if (import_parse_u64(r + 7, (size_t)(tilde - r - 7), start) < 0 ||
	    import_parse_u64(tilde + 3, (size_t)(close - tilde - 3), end) < 0) {
		reason_set(b->reason, "%s: bad value range=%.*s", tracefmt_type_name(b->type),
			   (int)(close - r > 40 ? 40 : close - r + 1), r + 6);
		return -1;
	}
	memset(r, ' ', (size_t)(close - r + 1));
	return 0;
}

static int body_mm(struct body *b, char *text, struct tracefmt_event *ev)
{
	const struct tf_mm_desc *d = tf_mm_desc(b->type);
	unsigned int first = 0;
	uint64_t v, range[2];

	if (d->nr > 1 && !strcmp(d->f[0].name, "start_pfn")) {
		if (mm_range(b, text, &range[0], &range[1]) < 0)
			return -1;
		tf_mm_set(ev, &d->f[0], range[0]);
		tf_mm_set(ev, &d->f[1], range[1]);
		first = 2;
	}
	if (body_split(b, text) < 0)
		return -1;
	for (unsigned int i = first; i < d->nr; i++) {
		const struct tf_mm_field *mf = &d->f[i];
		const char *key = mf->text ? mf->text : mf->name;
		struct body_field *f = body_find(b, key);

		if (!f && (mf->flags & TF_MM_TEXT_OPTIONAL)) {
			tf_mm_set(ev, mf, UINT64_MAX); /* -1: not printed */
			continue;
		}
		if (!f)
			return body_missing(b, key);
		if (mm_value(b, mf, f, &v) < 0)
			return -1;
		tf_mm_set(ev, mf, v);
	}
	if (tf_mm_check(ev, b->reason, IMPORT_REASON_LEN) < 0)
		return -1;
	return 0;
}

int import_event_body(unsigned int type, char *text, struct tracefmt_event *ev, char *reason)
{
	struct body b = { .n = 0, .type = type, .reason = reason };
	int rc = -1;

	ev->type = type;
	if (tracefmt_type_is_mm(type)) {
		rc = body_mm(&b, text, ev);
	} else if (body_split(&b, text) < 0) {
		return -1;
	}
	switch (tracefmt_type_is_mm(type) ? 0 : type) {
	case 0:
		break;
	case TRACEFMT_PAGE_ALLOC: {
		struct body_field *gfp = body_find(&b, "gfp_flags");
		if (body_pfn_or_none(&b, &ev->u.alloc.pfn) < 0 ||
		    body_order(&b, "order", &ev->u.alloc.order) < 0 ||
		    body_mt(&b, "migratetype", &ev->u.alloc.migratetype) < 0)
			return -1;
		if (!gfp)
			return body_missing(&b, "gfp_flags");
		if (import_gfp_parse(gfp->val, gfp->val_len, &ev->u.alloc.gfp_flags, reason) < 0)
			return -1;
		rc = 0;
		break;
	}
	case TRACEFMT_PAGE_FREE:
		body_find(&b, "page");
		rc = body_u64(&b, "pfn", &ev->u.free.pfn) < 0 ||
		     body_order(&b, "order", &ev->u.free.order) < 0 ? -1 : 0;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED: {
		body_find(&b, "page");
		body_find(&b, "cold"); /* 4.x kernels */
		struct body_field *order = body_find(&b, "order");
		rc = body_u64(&b, "pfn", &ev->u.free_batched.pfn);
		if (rc == 0 && order) {
			int32_t o;
			if (parse_s32(order->val, order->val_len, &o) < 0)
				return body_bad_value(&b, order);
			if (order_ok(&b, order, o) < 0)
				return -1;
			ev->u.free_batched.order = (uint32_t)o;
			ev->u.free_batched.has_order = 1;
		}
		break;
	}
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		rc = body_pfn_or_none(&b, &ev->u.zone_locked.pfn) < 0 ||
		     body_order(&b, "order", &ev->u.zone_locked.order) < 0 ||
		     body_mt(&b, "migratetype", &ev->u.zone_locked.migratetype) < 0 ||
		     body_u32(&b, "percpu_refill", &ev->u.zone_locked.percpu_refill) < 0 ? -1 : 0;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		body_find(&b, "page");
		rc = body_u64(&b, "pfn", &ev->u.pcpu_drain.pfn) < 0 ||
		     body_order(&b, "order", &ev->u.pcpu_drain.order) < 0 ||
		     body_mt(&b, "migratetype", &ev->u.pcpu_drain.migratetype) < 0 ? -1 : 0;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		/* Derived in the print format, not fields of the record. */
		body_find(&b, "page");
		body_find(&b, "pageblock_order");
		body_find(&b, "fragmenting");
		rc = body_u64(&b, "pfn", &ev->u.extfrag.pfn) < 0 ||
		     body_order(&b, "alloc_order", &ev->u.extfrag.alloc_order) < 0 ||
		     body_order(&b, "fallback_order", &ev->u.extfrag.fallback_order) < 0 ||
		     body_mt(&b, "alloc_migratetype", &ev->u.extfrag.alloc_migratetype) < 0 ||
		     body_mt(&b, "fallback_migratetype", &ev->u.extfrag.fallback_migratetype) < 0 ||
		     body_u32(&b, "change_ownership", &ev->u.extfrag.change_ownership) < 0 ? -1 : 0;
		break;
	case TRACEFMT_WMARK:
		rc = body_wmark(&b, ev);
		break;
	default:
		reason_set(reason, "not a kmem page event");
		return -1;
	}
	if (rc < 0)
		return -1;
	for (int i = 0; i < b.n; i++)
		if (!b.f[i].used) {
			reason_set(reason, "%s: unexpected field %.*s", tracefmt_type_name(type),
				   (int)(b.f[i].key_len > 32 ? 32 : b.f[i].key_len), b.f[i].key);
			return -1;
		}
	return 0;
}

/* Digits at @p into *@v; returns the first byte after them, NULL if none. */
static const char *scan_u64(const char *p, uint64_t *v)
{
	const char *s = p;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == s || import_parse_u64(s, (size_t)(p - s), v) < 0)
		return NULL;
	return p;
}

int import_lost_line(const char *line, struct tracefmt_event *ev, char *reason)
{
	const char *p, *q;
	uint64_t count = 0, cpu = 0, ts = 0;
	bool have_cpu = false, have_ts = false;

	if ((p = strstr(line, "[LOST "))) {
		/* ftrace: "CPU:1 [LOST 1234 EVENTS]"; trace-cmd: "CPU 1 ..." too. */
		q = scan_u64(p + 6, &count);
		if (!q || strncmp(q, " EVENTS]", 8)) {
			reason_set(reason, "lost-events line without a count");
			return -1;
		}
		const char *c = strstr(line, "CPU");
		if (c && c < p && (c[3] == ':' || c[3] == ' ') && scan_u64(c + 4, &cpu))
			have_cpu = true;
	} else if ((p = strstr(line, "PERF_RECORD_LOST"))) {
		/* perf script --show-lost-events: "... PERF_RECORD_LOST[_SAMPLES] lost 12" */
		q = strstr(p, "lost ");
		if (!q || !scan_u64(q + 5, &count)) {
			reason_set(reason, "lost-events line without a count");
			return -1;
		}
		const char *c = strchr(line, '[');
		if (c && c < p && scan_u64(c + 1, &cpu))
			have_cpu = true;
		/* It carries the sample columns, time included: "591.025122: ". */
		const char *t = p;
		while (t > line && isspace((unsigned char)t[-1]))
			t--;
		if (t > line && t[-1] == ':') {
			const char *e = --t;
			while (t > line && (isdigit((unsigned char)t[-1]) || t[-1] == '.'))
				t--;
			have_ts = parse_seconds(t, (size_t)(e - t), &ts);
		}
	} else {
		return 0;
	}
	if (have_cpu && cpu >= TRACEFMT_MAX_CPUS) {
		reason_set(reason, "lost-events line: cpu %llu out of range 0..%d",
			   (unsigned long long)cpu, TRACEFMT_MAX_CPUS - 1);
		return -1;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_LOST;
	ev->cpu = have_cpu ? (uint32_t)cpu : 0;
	ev->u.lost.count = count;
	ev->ts_ns = have_ts ? ts : UINT64_MAX;
	return 1;
}

/* Index just past the last non-space byte of line[0..end). */
size_t import_col_end(const char *line, size_t end)
{
	while (end > 0 && isspace((unsigned char)line[end - 1]))
		end--;
	return end;
}

/* Start of the whitespace-separated token that ends at @end. */
size_t import_col_start(const char *line, size_t end)
{
	while (end > 0 && !isspace((unsigned char)line[end - 1]))
		end--;
	return end;
}

/* "[001]" at line[s..e) -> cpu. */
bool import_parse_cpu(const char *line, size_t s, size_t e, uint32_t *cpu)
{
	uint64_t v;

	if (e - s < 3 || line[s] != '[' || line[e - 1] != ']')
		return false;
	if (import_parse_u64(line + s + 1, e - s - 2, &v) < 0 || v > UINT32_MAX)
		return false;
	*cpu = (uint32_t)v;
	return true;
}

enum import_line_kind import_line_head(char *line, struct tracefmt_event *ev, char *reason,
				       size_t *prefix_end, unsigned int *type, char **body)
{
	const char *p = line, *name;
	size_t name_len;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return IMPORT_LINE_IGNORED;
	int lost = import_lost_line(line, ev, reason);
	if (lost > 0 && import_line_mentions_kmem(line)) {
		reason_set(reason, "lost-events marker inside a kmem page line");
		return IMPORT_LINE_BAD;
	}
	if (lost)
		return lost > 0 ? IMPORT_LINE_LOST : IMPORT_LINE_BAD;
	if (import_event_header(line, prefix_end, &ev->ts_ns, &name, &name_len, body) < 0) {
		if (!import_line_mentions_kmem(line))
			return IMPORT_LINE_IGNORED;
		reason_set(reason, "no 'timestamp: event:' columns");
		return IMPORT_LINE_BAD;
	}
	*type = import_event_type(name, name_len);
	if (*type)
		return IMPORT_LINE_EVENT;
	/* From the event name on: "mm_page_alloc::" is a kmem line gone wrong. */
	if (!import_line_mentions_kmem(name))
		return IMPORT_LINE_IGNORED;
	if (import_line_mentions_kmem(*body))
		reason_set(reason, "kmem page event name not where expected");
	else
		reason_set(reason, "event name '%.*s' is not a kmem page event",
			   (int)(name_len > 40 ? 40 : name_len), name);
	return IMPORT_LINE_BAD;
}

/*
 * Drivers.
 */
static void stats_bad(struct tracefmt_import_stats *st, uint64_t line_no, const char *reason)
{
	size_t n = sizeof(st->bad_line_numbers) / sizeof(st->bad_line_numbers[0]);

	if (st->bad_lines < n) {
		st->bad_line_numbers[st->bad_lines] = line_no;
		snprintf(st->bad_line_reasons[st->bad_lines], sizeof(st->bad_line_reasons[0]),
			 "%s", reason);
	}
	st->bad_lines++;
}

/*
 * pid -> last command name written, so a COMM record goes out only when a
 * pid is new or its name changed. Open addressing over a fixed number of
 * slots: a pid that finds neither itself nor a free slot within
 * PID_PROBE slots takes over one of them (round robin), and the pid it
 * displaces simply gets a fresh COMM record when it shows up again. Memory
 * is therefore fixed (PID_SLOTS x 24 bytes) whatever the input.
 */
#define PID_SLOTS 65536u /* a power of two */
#define PID_PROBE 16u

struct pid_slot {
	uint32_t pid;
	uint8_t used;
	char comm[TRACEFMT_COMM_LEN]; /* NUL-terminated */
};

struct importer {
	struct tracefmt_import_stats *st;
	const struct tracefmt_import_opts *opts;
	import_emit_fn emit;
	void *ctx;
	struct bs_error *err;
	struct pid_slot *pids; /* PID_SLOTS, allocated at the first named task */
	uint32_t victim;       /* rotates over the probe window on eviction */
	bool started;	       /* opts->first written */
	uint64_t last_ts;      /* of the last record made from a line */
};

/* Write one record; every record goes through here so the counts agree. */
static int importer_put(struct importer *im, const struct tracefmt_event *ev)
{
	struct tracefmt_import_stats *st = im->st;

	if (im->emit) {
		int rc = im->emit(im->ctx, ev);
		if (rc < 0) {
			tracefmt_error_set(im->err, BS_AT(NULL, st->lines), rc,
					   "cannot write the record of input line %llu: %s",
					    (unsigned long long)st->lines, strerror(-rc));
			return rc;
		}
	}
	st->records++;
	if (ev->type < TRACEFMT_NR_TYPES)
		st->by_type[ev->type]++;
	return 0;
}

/* opts->first or ->last, stamped @ts_ns. */
static int importer_put_extra(struct importer *im, const struct tracefmt_event *evs, size_t n,
			      uint64_t ts_ns)
{
	for (size_t i = 0; i < n; i++) {
		struct tracefmt_event ev = evs[i];
		ev.ts_ns = ts_ns;
		int rc = importer_put(im, &ev);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The slot that holds @pid, or the one it is to take; *@found says which. */
static struct pid_slot *pid_lookup(struct importer *im, uint32_t pid, bool *found)
{
	uint32_t home = (uint32_t)(pid * 2654435761u) & (PID_SLOTS - 1);

	for (uint32_t i = 0; i < PID_PROBE; i++) {
		struct pid_slot *p = &im->pids[(home + i) & (PID_SLOTS - 1)];
		if (!p->used || p->pid == pid) {
			*found = p->used;
			return p;
		}
	}
	*found = false;
	im->st->comm_evictions++;
	im->victim = (im->victim + 1) % PID_PROBE;
	return &im->pids[(home + im->victim) & (PID_SLOTS - 1)];
}

/* A COMM record before @ev if its task's name is news. */
static int importer_comm(struct importer *im, const struct tracefmt_event *ev,
			 const struct import_task *task)
{
	char name[TRACEFMT_COMM_LEN];
	size_t n = task->len < TRACEFMT_COMM_LEN - 1 ? task->len : TRACEFMT_COMM_LEN - 1;
	bool found;

	if (!task->name)
		return 0;
	if (!im->pids) {
		im->pids = calloc(PID_SLOTS, sizeof(*im->pids));
		if (!im->pids) {
			tracefmt_error_set(im->err, BS_AT(NULL, im->st->lines), -ENOMEM,
					   "no memory for the pid table");
			return -ENOMEM;
		}
	}
	memset(name, 0, sizeof(name));
	memcpy(name, task->name, n);
	struct pid_slot *p = pid_lookup(im, ev->pid, &found);
	if (found && !memcmp(p->comm, name, sizeof(name)))
		return 0;
	p->used = 1;
	p->pid = ev->pid;
	memcpy(p->comm, name, sizeof(name));

	struct tracefmt_event c;
	memset(&c, 0, sizeof(c));
	c.type = TRACEFMT_COMM;
	c.cpu = ev->cpu;
	c.pid = ev->pid;
	c.ts_ns = ev->ts_ns;
	memcpy(c.u.comm.comm, name, sizeof(name));
	return importer_put(im, &c);
}

/* One record made from a line: start records first, its COMM, then it. */
static int importer_line_record(struct importer *im, const struct tracefmt_event *ev,
				const struct import_task *task)
{
	int rc;

	if (!im->started) {
		im->started = true;
		if (im->opts) {
			rc = importer_put_extra(im, im->opts->first, im->opts->nr_first, ev->ts_ns);
			if (rc < 0)
				return rc;
		}
	}
	if (ev->type != TRACEFMT_LOST) {
		rc = importer_comm(im, ev, task);
		if (rc < 0)
			return rc;
	}
	rc = importer_put(im, ev);
	if (rc < 0)
		return rc;
	im->st->events++;
	im->last_ts = ev->ts_ns;
	return 0;
}

/* One more line (record) read: count it, and call the progress hook now and then. */
static void importer_count_input(struct importer *im)
{
	struct tracefmt_import_stats *st = im->st;

	st->lines++;
	if (im->opts && im->opts->progress && st->lines % TRACEFMT_IMPORT_PROGRESS_LINES == 0)
		im->opts->progress(im->opts->progress_ctx, st);
}

/* A NUL byte cannot be in text: read the line as if each were a '?'. */
static void line_unnul(char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!line[i])
			line[i] = '?';
}

static enum import_line_kind line_bad(char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum import_line_kind line_bad(char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, IMPORT_REASON_LEN, fmt, ap);
	va_end(ap);
	return IMPORT_LINE_BAD;
}

/* After the last input record: the records given to be written after it (opts->last). */
static int importer_finish(struct importer *im)
{
	if (im->started && im->opts)
		return importer_put_extra(im, im->opts->last, im->opts->nr_last, im->last_ts);
	return 0;
}

static int importer_run(struct importer *im, enum tracefmt_import_format fmt, struct textin *in)
{
	struct tracefmt_import_stats *st = im->st;
	import_line_fn parse;
	uint64_t last_event_ts = 0;
	char reason[IMPORT_REASON_LEN];

	switch (fmt) {
	case TRACEFMT_IMPORT_FTRACE:
		parse = import_ftrace_line;
		break;
	case TRACEFMT_IMPORT_PERF_SCRIPT:
		parse = import_perf_line;
		break;
	default:
		tracefmt_error_set(im->err, BS_NOWHERE, -EINVAL, "unknown import format %d",
				    (int)fmt);
		return -EINVAL;
	}
	for (;;) {
		char *line;
		size_t len;
		bool cut;
		int rc = textin_next_line(in, &line, &len, &cut, im->err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		importer_count_input(im);

		struct tracefmt_event ev;
		struct import_task task = { NULL, 0 };
		enum import_line_kind kind;
		memset(&ev, 0, sizeof(ev));
		reason[0] = '\0';
		const char *nul = memchr(line, '\0', len);
		if (cut || nul) {
			size_t at = nul ? (size_t)(nul - line) : 0;
			if (nul)
				line_unnul(line, len);
			if (!import_line_mentions_kmem(line))
				kind = IMPORT_LINE_IGNORED;
			else if (nul)
				kind = line_bad(reason, "NUL byte at column %zu", at + 1);
			else
				kind = line_bad(reason, "line longer than %d bytes", TEXTIN_LINE_MAX);
		} else {
			kind = parse(line, len, &ev, reason, &task);
		}
		/* An ftrace lost line has no time: it sits after the last event. */
		if (kind == IMPORT_LINE_LOST && ev.ts_ns == UINT64_MAX)
			ev.ts_ns = last_event_ts;
		/* The format's limits (cpu, pfn, time) for both formats, named in the reason. */
		if ((kind == IMPORT_LINE_EVENT || kind == IMPORT_LINE_LOST) &&
		    tracefmt_event_check(&ev, reason, sizeof(reason)) < 0)
			kind = IMPORT_LINE_BAD;
		switch (kind) {
		case IMPORT_LINE_IGNORED:
			st->ignored_lines++;
			continue;
		case IMPORT_LINE_BAD:
			stats_bad(st, st->lines, reason);
			continue;
		case IMPORT_LINE_LOST:
			st->lost_events += ev.u.lost.count;
			break;
		case IMPORT_LINE_EVENT:
			last_event_ts = ev.ts_ns;
			break;
		}
		rc = importer_line_record(im, &ev, &task);
		if (rc < 0)
			return rc;
	}
	return importer_finish(im);
}

/* The record counterpart of importer_run(): one record per call of @next. */
static int importer_run_records(struct importer *im, import_record_fn next, void *src)
{
	struct tracefmt_import_stats *st = im->st;
	char reason[IMPORT_REASON_LEN];
	uint64_t last_event_ts = 0;

	for (;;) {
		struct tracefmt_event ev;
		struct import_task task = { NULL, 0 };
		memset(&ev, 0, sizeof(ev));
		int rc = next(src, &ev, &task, im->err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		importer_count_input(im);
		if (ev.type == TRACEFMT_LOST && ev.ts_ns == UINT64_MAX)
			ev.ts_ns = last_event_ts;
		if (tracefmt_event_check(&ev, reason, sizeof(reason)) < 0) {
			stats_bad(st, st->lines, reason);
			continue;
		}
		if (ev.type == TRACEFMT_LOST)
			st->lost_events += ev.u.lost.count;
		else
			last_event_ts = ev.ts_ns;
		rc = importer_line_record(im, &ev, &task);
		if (rc < 0)
			return rc;
	}
	return importer_finish(im);
}

int tracefmt_import_stream(enum tracefmt_import_format fmt, struct textin *in,
			   const struct tracefmt_import_opts *opts, import_emit_fn emit,
			   void *ctx, struct tracefmt_import_stats *stats,
			   struct bs_error *err)
{
	struct importer im = {
		.st = stats, .opts = opts, .emit = emit, .ctx = ctx, .err = err,
	};

	memset(stats, 0, sizeof(*stats));
	int rc = importer_run(&im, fmt, in);
	free(im.pids);
	return rc;
}

int tracefmt_import_mem(enum tracefmt_import_format fmt, const void *data, size_t len,
			import_emit_fn emit, void *ctx, struct tracefmt_import_stats *stats,
			struct bs_error *err)
{
	struct textin *in = textin_open_mem(data, len, "<memory>");

	if (!in) {
		int e = errno;
		memset(stats, 0, sizeof(*stats));
		tracefmt_error_set(err, BS_NOWHERE, -e, "<memory>: %s", strerror(e));
		return -e;
	}
	int rc = tracefmt_import_stream(fmt, in, NULL, emit, ctx, stats, err);
	textin_close(in);
	return rc;
}

/* An input with no event, or with more bad lines than allowed, gives no output. */
static int import_worth_writing(const char *in_path, const struct tracefmt_import_opts *opts,
				struct tracefmt_import_stats *st, struct bs_error *err)
{
	uint64_t max_bad = opts ? opts->max_bad_lines : 0;
	int rc = 0;

	if (!st->events)
		rc = -ENODATA;
	else if (st->bad_lines > max_bad)
		rc = -EBADMSG;
	st->output_refused = rc != 0;
	if (rc)
		tracefmt_error_set(err, BS_IN(in_path), rc, "%s",
				   rc == -ENODATA ? "no kmem page event or lost-event line"
						  : "more unparseable kmem page lines than allowed");
	return rc;
}

/*
 * The end of an import into @w after the records gave @rc: closed when all went
 * well and the input was worth writing; otherwise abandoned, so that until the
 * close the output is a temporary and on failure the output path is untouched.
 */
static int import_writer_finish(struct tracefmt_writer *w, int rc, const char *in_path,
				const struct tracefmt_import_opts *opts,
				struct tracefmt_import_stats *st, struct bs_error *err)
{
	if (!rc)
		rc = import_worth_writing(in_path, opts, st, err);
	if (rc < 0) {
		tracefmt_writer_abandon(w);
		return rc;
	}
	return tracefmt_writer_close(w, err);
}

static int emit_writer(void *ctx, const struct tracefmt_event *ev)
{
	return tracefmt_writer_append(ctx, ev);
}

int tracefmt_import_records(import_record_fn next, void *src, const char *in_path,
			    const char *out_path, const void *header, size_t header_len,
			    const struct tracefmt_import_opts *opts,
			    struct tracefmt_import_stats *stats, struct bs_error *err)
{
	struct tracefmt_import_stats local;
	struct tracefmt_writer *w;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	w = tracefmt_writer_create(out_path, header, header_len, NULL, err);
	if (!w)
		return -errno;
	struct importer im = {
		.st = stats, .opts = opts, .emit = emit_writer, .ctx = w, .err = err,
	};
	rc = importer_run_records(&im, next, src);
	free(im.pids);
	return import_writer_finish(w, rc, in_path, opts, stats, err);
}

int tracefmt_import(enum tracefmt_import_format fmt, const char *in_path, const char *out_path,
		    const void *header, size_t header_len, const struct tracefmt_import_opts *opts,
		    struct tracefmt_import_stats *stats, struct bs_error *err)
{
	struct tracefmt_import_stats local;
	struct textin *in = NULL;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (fmt != TRACEFMT_IMPORT_FTRACE && fmt != TRACEFMT_IMPORT_PERF_SCRIPT) {
		tracefmt_error_set(err, BS_NOWHERE, -EINVAL, "unknown import format %d", (int)fmt);
		return -EINVAL;
	}
	in = textin_open_path(in_path, err);
	if (!in)
		return -errno;
	rc = tracefmt_import_textin(fmt, in, in_path, out_path, header, header_len, opts, NULL,
				    NULL, stats, err);
	textin_close(in);
	return rc;
}

int tracefmt_import_textin(enum tracefmt_import_format fmt, struct textin *in,
			   const char *in_path, const char *out_path, const void *header,
			   size_t header_len, const struct tracefmt_import_opts *opts,
			   int (*at_end)(void *ctx, struct bs_error *err), void *at_end_ctx,
			   struct tracefmt_import_stats *stats, struct bs_error *err)
{
	struct tracefmt_writer *w;
	int rc;

	w = tracefmt_writer_create(out_path, header, header_len, NULL, err);
	if (!w)
		return -errno;
	rc = tracefmt_import_stream(fmt, in, opts, emit_writer, w, stats, err);
	if (at_end) {
		int end_rc = at_end(at_end_ctx, rc ? NULL : err);
		if (!rc)
			rc = end_rc;
	}
	return import_writer_finish(w, rc, in_path, opts, stats, err);
}
