/* SPDX-License-Identifier: MIT */
/*
 * The record codec of the .bst format (FORMAT.md §4): every record is a tag
 * varint (type << 2 | same-cpu | same-pid), a body length and a body of
 * varints. Timestamps and pfns are zigzag deltas from the previous record of
 * the block, so a page-churn event costs about a dozen bytes before zstd.
 * Also the block header layout and CRC-32C, shared by writer and reader.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "tracefmt_internal.h"

#define TAG_SAME_CPU 0x1u
#define TAG_SAME_PID 0x2u
#define TAG_TYPE_SHIFT 2

static const char *const type_names[TRACEFMT_NR_TYPES] = {
	[TRACEFMT_PAGE_ALLOC] = "mm_page_alloc",
	[TRACEFMT_PAGE_FREE] = "mm_page_free",
	[TRACEFMT_PAGE_FREE_BATCHED] = "mm_page_free_batched",
	[TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[TRACEFMT_PAGE_PCPU_DRAIN] = "mm_page_pcpu_drain",
	[TRACEFMT_PAGE_ALLOC_EXTFRAG] = "mm_page_alloc_extfrag",
	[TRACEFMT_LOST] = "lost",
	[TRACEFMT_CHECKPOINT] = "checkpoint",
	[TRACEFMT_SNAPSHOT_BLOCK] = "snapshot_block",
	[TRACEFMT_SNAPSHOT_MARK] = "snapshot_mark",
	[TRACEFMT_COMM] = "comm",
	[TRACEFMT_SNAPSHOT_WALK] = "snapshot_walk",
	[TRACEFMT_ZONE_STATE] = "zone_state",
	[TRACEFMT_WMARK] = "mm_setup_per_zone_wmarks",
	[TRACEFMT_TRIGGER] = "trigger",
	[TRACEFMT_VMSCAN_WAKEUP_KSWAPD] = "mm_vmscan_wakeup_kswapd",
	[TRACEFMT_VMSCAN_KSWAPD_WAKE] = "mm_vmscan_kswapd_wake",
	[TRACEFMT_VMSCAN_KSWAPD_SLEEP] = "mm_vmscan_kswapd_sleep",
	[TRACEFMT_VMSCAN_DIRECT_BEGIN] = "mm_vmscan_direct_reclaim_begin",
	[TRACEFMT_VMSCAN_DIRECT_END] = "mm_vmscan_direct_reclaim_end",
	[TRACEFMT_COMPACTION_BEGIN] = "mm_compaction_begin",
	[TRACEFMT_COMPACTION_END] = "mm_compaction_end",
	[TRACEFMT_COMPACTION_ISOLATE_MIGRATE] = "mm_compaction_isolate_migratepages",
	[TRACEFMT_COMPACTION_ISOLATE_FREE] = "mm_compaction_isolate_freepages",
	[TRACEFMT_COMPACTION_FAST_ISOLATE_FREE] = "mm_compaction_fast_isolate_freepages",
	[TRACEFMT_COMPACTION_MIGRATEPAGES] = "mm_compaction_migratepages",
	[TRACEFMT_COMPACTION_FINISHED] = "mm_compaction_finished",
	[TRACEFMT_COMPACTION_SUITABLE] = "mm_compaction_suitable",
	[TRACEFMT_COMPACTION_DEFERRED] = "mm_compaction_deferred",
	[TRACEFMT_COMPACTION_DEFER_COMPACTION] = "mm_compaction_defer_compaction",
	[TRACEFMT_COMPACTION_DEFER_RESET] = "mm_compaction_defer_reset",
	[TRACEFMT_COMPACTION_KCOMPACTD_WAKE] = "mm_compaction_kcompactd_wake",
	[TRACEFMT_COMPACTION_WAKEUP_KCOMPACTD] = "mm_compaction_wakeup_kcompactd",
	[TRACEFMT_COMPACTION_KCOMPACTD_SLEEP] = "mm_compaction_kcompactd_sleep",
	[TRACEFMT_COMPACTION_TRY_TO_COMPACT] = "mm_compaction_try_to_compact_pages",
	[TRACEFMT_VMSTAT] = "vmstat",
};

const char *tracefmt_type_name(unsigned int type)
{
	if (type < TRACEFMT_NR_TYPES && type_names[type])
		return type_names[type];
	return "unknown";
}

const char *tracefmt_trigger_kind_name(unsigned int kind)
{
	static const char *const names[] = { "unknown", "alloc-fail", "free-order", "extfrag",
					     "request" };

	return kind <= TRACEFMT_TRIGGER_MAX_KIND ? names[kind] : names[0];
}

int tracefmt_error_set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = bs_error_vformat(err, where, code, fmt, ap);
	va_end(ap);
	return code;
}

unsigned int tracefmt_type_from_name(const char *name)
{
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++)
		if (!strcmp(type_names[t], name))
			return t;
	return 0;
}

/*
 * CRC-32C (Castagnoli), reflected polynomial 0x82f63b78. The SSE4.2
 * instruction does 8 bytes a cycle or so; the table is the portable path.
 */
static uint32_t crc_table[256];
static bool crc_table_ready;
static int crc_hw = -1;

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
	__atomic_store_n(&crc_table_ready, true, __ATOMIC_RELEASE);
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p,
							     size_t len)
{
	uint64_t c = crc;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
		p += 8;
		len -= 8;
	}
	uint32_t c32 = (uint32_t)c;
	while (len--)
		c32 = __builtin_ia32_crc32qi(c32, *p++);
	return c32;
}
#endif

uint32_t tf_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	crc = ~crc;
#if defined(__x86_64__)
	int hw = __atomic_load_n(&crc_hw, __ATOMIC_RELAXED);
	if (hw < 0) {
		__builtin_cpu_init();
		hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
		__atomic_store_n(&crc_hw, hw, __ATOMIC_RELAXED);
	}
	if (hw)
		return ~crc32c_hw(crc, p, len);
#endif
	if (!__atomic_load_n(&crc_table_ready, __ATOMIC_ACQUIRE))
		crc_table_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void tf_block_hdr_encode(const struct tf_block_hdr *h, uint8_t out[TF_BLOCK_HDR_LEN])
{
	memcpy(out, TF_BLOCK_MAGIC, 4);
	tf_put_le16(out + 4, h->kind);
	tf_put_le16(out + 6, h->codec);
	tf_put_le32(out + 8, h->nr_records);
	tf_put_le32(out + 12, h->raw_len);
	tf_put_le32(out + 16, h->stored_len);
	tf_put_le32(out + 20, h->payload_crc);
	tf_put_le64(out + 24, h->first_ts_ns);
	tf_put_le64(out + 32, h->last_ts_ns);
	tf_put_le32(out + 40, 0);
	tf_put_le32(out + 44, tf_crc32c(0, out, 44));
}

int tf_block_hdr_decode(const uint8_t in[TF_BLOCK_HDR_LEN], struct tf_block_hdr *h,
			const char **why)
{
	if (memcmp(in, TF_BLOCK_MAGIC, 4)) {
		*why = "no block magic";
		return -EBADMSG;
	}
	if (tf_get_le32(in + 44) != tf_crc32c(0, in, 44)) {
		*why = "block header checksum mismatch";
		return -EBADMSG;
	}
	h->kind = tf_get_le16(in + 4);
	h->codec = tf_get_le16(in + 6);
	h->nr_records = tf_get_le32(in + 8);
	h->raw_len = tf_get_le32(in + 12);
	h->stored_len = tf_get_le32(in + 16);
	h->payload_crc = tf_get_le32(in + 20);
	h->first_ts_ns = tf_get_le64(in + 24);
	h->last_ts_ns = tf_get_le64(in + 32);
	return 0;
}

/* Varints: LEB128, at most 10 bytes for 64 bits. */
static inline uint8_t *put_uv(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint8_t *put_sv(uint8_t *p, int64_t v)
{
	return put_uv(p, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static inline uint8_t *put_str(uint8_t *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);
	p = put_uv(p, n);
	memcpy(p, s, n);
	return p + n;
}

/* Decoding: a cursor that turns every overrun into one sticky failure. */
struct rd {
	const uint8_t *p, *end;
	const uint8_t *rec_end; /* end of the record being decoded (fields a later minor adds) */
	bool bad;
};

static uint64_t get_uv_slow(struct rd *r)
{
	uint64_t v = 0;
	for (unsigned int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

/*
 * A varint of up to 8 bytes in one 8-byte load, without a branch per byte
 * (varint lengths vary from field to field, so per-byte branches
 * mispredict): find the terminating byte, keep the bytes up to it, and
 * squeeze out the continuation bits. Little-endian hosts only.
 */
static inline __attribute__((always_inline)) bool get_uv8(struct rd *r, uint64_t *v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t x;
	memcpy(&x, r->p, 8);
	uint64_t stop = ~x & 0x8080808080808080ull; /* bit 7 of bytes that end a varint */
	if (__builtin_expect(!stop, 0))
		return false;
	x &= (stop ^ (stop - 1)) & 0x7f7f7f7f7f7f7f7full;
	x = ((x & 0x7f007f007f007f00ull) >> 1) | (x & 0x007f007f007f007full);
	x = ((x & 0x3fff00003fff0000ull) >> 2) | (x & 0x00003fff00003fffull);
	x = ((x & 0x0fffffff00000000ull) >> 4) | (x & 0x000000000fffffffull);
	r->p += ((unsigned int)__builtin_ctzll(stop) + 1) >> 3;
	*v = x;
	return true;
#else
	(void)r;
	(void)v;
	return false;
#endif
}

/*
 * Most fields of a page event fit in one byte; longer ones (pfn deltas, gfp
 * flags) take get_uv8() while 8 bytes remain, which is nearly always: the
 * decoder reads against the end of the block and checks the record's own
 * end afterwards.
 */
static inline __attribute__((always_inline)) uint64_t get_uv(struct rd *r)
{
	uint64_t v;

	if (__builtin_expect(r->end - r->p >= 8, 1)) {
		if (r->p[0] < 0x80)
			return *r->p++;
		if (get_uv8(r, &v))
			return v;
	}
	return get_uv_slow(r);
}

static inline uint32_t get_u32(struct rd *r)
{
	uint64_t v = get_uv(r);
	if (v > UINT32_MAX)
		r->bad = true;
	return (uint32_t)v;
}

static inline int64_t get_sv(struct rd *r)
{
	uint64_t v = get_uv(r);
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline int32_t get_s32(struct rd *r)
{
	int64_t v = get_sv(r);
	if (v < INT32_MIN || v > INT32_MAX)
		r->bad = true;
	return (int32_t)v;
}

static void get_str(struct rd *r, char *dst, size_t max)
{
	uint64_t n = get_uv(r);
	if (n >= max || n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
}

/* pfn deltas skip failures so one -1 does not cost two long deltas. */
static inline uint8_t *put_pfn(struct tf_codec *c, uint8_t *p, uint64_t pfn)
{
	p = put_sv(p, (int64_t)(pfn - c->last_pfn));
	if (pfn != TRACEFMT_PFN_NONE)
		c->last_pfn = pfn;
	return p;
}

static inline uint64_t get_pfn(struct tf_codec *c, struct rd *r)
{
	uint64_t pfn = c->last_pfn + (uint64_t)get_sv(r);
	if (pfn != TRACEFMT_PFN_NONE)
		c->last_pfn = pfn;
	return pfn;
}

void tf_codec_reset(struct tf_codec *c, uint64_t first_ts_ns)
{
	c->last_ts_ns = first_ts_ns;
	c->last_pfn = 0;
	c->last_cpu = 0;
	c->last_pid = 0;
}

/*
 * The per-zone record types (12-14). They code no pfn delta, so readers
 * that skip them stay in step; their fields are varints in struct order.
 */
static uint8_t *encode_zone_record(const struct tracefmt_event *ev, uint8_t *p)
{
	switch (ev->type) {
	case TRACEFMT_SNAPSHOT_WALK: {
		const __typeof__(ev->u.snapshot_walk) *w = &ev->u.snapshot_walk;
		p = put_uv(p, w->node);
		p = put_str(p, w->zone, TRACEFMT_ZONE_NAME_LEN);
		p = put_uv(p, w->flags);
		p = put_uv(p, w->end_ns - ev->ts_ns);
		break;
	}
	case TRACEFMT_ZONE_STATE: {
		const __typeof__(ev->u.zone_state) *z = &ev->u.zone_state;
		uint32_t np = z->nr_protection > TRACEFMT_MAX_ZONE_TYPES ? TRACEFMT_MAX_ZONE_TYPES
									  : z->nr_protection;
		p = put_uv(p, z->seq);
		p = put_uv(p, z->node);
		p = put_str(p, z->zone, TRACEFMT_ZONE_NAME_LEN);
		p = put_uv(p, z->flags);
		p = put_uv(p, z->start_pfn);
		p = put_uv(p, z->spanned);
		p = put_uv(p, z->present);
		p = put_uv(p, z->managed);
		p = put_uv(p, z->min);
		p = put_uv(p, z->low);
		p = put_uv(p, z->high);
		p = put_uv(p, z->promo);
		p = put_uv(p, z->boost);
		p = put_uv(p, z->nr_free_pages);
		p = put_uv(p, z->min_free_kbytes);
		p = put_uv(p, z->pcp_batch);
		p = put_uv(p, z->pcp_high_min);
		p = put_uv(p, z->pcp_high_max);
		p = put_uv(p, np);
		for (uint32_t i = 0; i < np; i++)
			p = put_uv(p, z->protection[i]);
		break;
	}
	case TRACEFMT_WMARK: {
		const __typeof__(ev->u.wmark) *m = &ev->u.wmark;
		p = put_uv(p, m->node);
		p = put_str(p, m->zone, TRACEFMT_ZONE_NAME_LEN);
		p = put_uv(p, m->min);
		p = put_uv(p, m->low);
		p = put_uv(p, m->high);
		p = put_uv(p, m->promo);
		break;
	}
	case TRACEFMT_TRIGGER: {
		const __typeof__(ev->u.trigger) *t = &ev->u.trigger;
		p = put_uv(p, t->kind);
		p = put_uv(p, t->node);
		p = put_str(p, t->zone, TRACEFMT_ZONE_NAME_LEN);
		p = put_uv(p, t->order);
		p = put_uv(p, t->value);
		p = put_uv(p, t->limit);
		break;
	}
	default:
		break;
	}
	return p;
}

/*
 * The reclaim and compaction types (16-35) and vmstat (36), format 1.4: no
 * pfn deltas (their pfns are absolute), fields in tracefmt_mm.c's order,
 * signed ones zigzag-coded.
 */
static uint8_t *encode_mm_record(const struct tracefmt_event *ev, uint8_t *p)
{
	const struct tf_mm_desc *d = tf_mm_desc(ev->type);

	if (ev->type == TRACEFMT_VMSTAT) {
		p = put_uv(p, ev->u.vmstat.seq);
		p = put_str(p, ev->u.vmstat.name, sizeof(ev->u.vmstat.name));
		return put_uv(p, ev->u.vmstat.value);
	}
	for (unsigned int i = 0; d && i < d->nr; i++) {
		uint64_t v = tf_mm_get(ev, &d->f[i]);

		p = tf_mm_signed(&d->f[i]) ? put_sv(p, (int64_t)v) : put_uv(p, v);
	}
	return p;
}

static uint8_t *encode_body(struct tf_codec *c, const struct tracefmt_event *ev, uint8_t *p)
{
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		p = put_pfn(c, p, ev->u.alloc.pfn);
		p = put_uv(p, ev->u.alloc.order);
		p = put_sv(p, ev->u.alloc.migratetype);
		p = put_uv(p, ev->u.alloc.gfp_flags);
		break;
	case TRACEFMT_PAGE_FREE:
		p = put_pfn(c, p, ev->u.free.pfn);
		p = put_uv(p, ev->u.free.order);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		p = put_pfn(c, p, ev->u.free_batched.pfn);
		p = put_uv(p, ev->u.free_batched.order);
		p = put_uv(p, ev->u.free_batched.has_order);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		p = put_pfn(c, p, ev->u.zone_locked.pfn);
		p = put_uv(p, ev->u.zone_locked.order);
		p = put_sv(p, ev->u.zone_locked.migratetype);
		p = put_uv(p, ev->u.zone_locked.percpu_refill);
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		p = put_pfn(c, p, ev->u.pcpu_drain.pfn);
		p = put_uv(p, ev->u.pcpu_drain.order);
		p = put_sv(p, ev->u.pcpu_drain.migratetype);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		p = put_pfn(c, p, ev->u.extfrag.pfn);
		p = put_uv(p, ev->u.extfrag.alloc_order);
		p = put_uv(p, ev->u.extfrag.fallback_order);
		p = put_sv(p, ev->u.extfrag.alloc_migratetype);
		p = put_sv(p, ev->u.extfrag.fallback_migratetype);
		p = put_uv(p, ev->u.extfrag.change_ownership);
		break;
	case TRACEFMT_LOST:
		p = put_uv(p, ev->u.lost.count);
		/* 1.2 appends the window; 1.1 readers skip it (the record's len covers it). */
		if (ev->u.lost.last_ns && ev->u.lost.first_ns <= ev->u.lost.last_ns &&
		    ev->u.lost.last_ns <= ev->ts_ns) {
			p = put_uv(p, ev->ts_ns - ev->u.lost.first_ns);
			p = put_uv(p, ev->ts_ns - ev->u.lost.last_ns);
		}
		break;
	case TRACEFMT_COMM:
		p = put_str(p, ev->u.comm.comm, TRACEFMT_COMM_LEN);
		break;
	case TRACEFMT_CHECKPOINT: {
		const __typeof__(ev->u.checkpoint) *k = &ev->u.checkpoint;
		uint32_t no = k->nr_orders > TRACEFMT_MAX_ORDERS ? TRACEFMT_MAX_ORDERS : k->nr_orders;
		uint32_t nm = k->nr_mt > TRACEFMT_MAX_MT ? TRACEFMT_MAX_MT : k->nr_mt;
		p = put_uv(p, k->seq);
		p = put_uv(p, k->node);
		p = put_str(p, k->zone, TRACEFMT_ZONE_NAME_LEN);
		p = put_uv(p, k->flags);
		p = put_uv(p, no);
		p = put_uv(p, nm);
		p = put_uv(p, k->nr_free_pages);
		for (uint32_t o = 0; o < no; o++)
			for (uint32_t m = 0; m < nm; m++)
				p = put_uv(p, k->free_blocks[o][m]);
		for (uint32_t m = 0; m < nm; m++)
			p = put_uv(p, k->pageblocks[m]);
		break;
	}
	case TRACEFMT_SNAPSHOT_BLOCK: {
		const __typeof__(ev->u.snapshot_block) *s = &ev->u.snapshot_block;
		p = put_pfn(c, p, s->pfn);
		p = put_uv(p, s->position);
		p = put_uv(p, s->order);
		p = put_sv(p, s->migratetype);
		p = put_uv(p, s->node);
		p = put_uv(p, s->flags);
		p = put_str(p, s->zone, TRACEFMT_ZONE_NAME_LEN);
		break;
	}
	case TRACEFMT_SNAPSHOT_MARK:
		p = put_uv(p, ev->u.snapshot_mark.phase);
		p = put_uv(p, ev->u.snapshot_mark.method);
		p = put_uv(p, ev->u.snapshot_mark.flags);
		p = put_uv(p, ev->u.snapshot_mark.count);
		break;
	case TRACEFMT_SNAPSHOT_WALK:
	case TRACEFMT_ZONE_STATE:
	case TRACEFMT_WMARK:
	case TRACEFMT_TRIGGER:
		p = encode_zone_record(ev, p);
		break;
	default:
		p = encode_mm_record(ev, p);
		break;
	}
	return p;
}

size_t tf_record_encode(struct tf_codec *c, const struct tracefmt_event *ev, uint8_t *out)
{
	uint32_t tag = ev->type << TAG_TYPE_SHIFT;
	uint8_t *o = put_uv(out, tag);	/* same-cpu/pid bits are or-ed in below */
	uint8_t *body = o + 1;		/* one length byte, widened if needed */
	uint8_t *p = body;

	p = put_sv(p, (int64_t)(ev->ts_ns - c->last_ts_ns));
	c->last_ts_ns = ev->ts_ns;
	if (ev->cpu == c->last_cpu)
		tag |= TAG_SAME_CPU;
	else
		p = put_uv(p, ev->cpu);
	if (ev->pid == c->last_pid)
		tag |= TAG_SAME_PID;
	else
		p = put_uv(p, ev->pid);
	c->last_cpu = ev->cpu;
	c->last_pid = ev->pid;
	p = encode_body(c, ev, p);
	put_uv(out, tag); /* the flag bits never change the tag's length */

	size_t body_len = (size_t)(p - body);
	if (body_len < 0x80) {
		*o = (uint8_t)body_len;
		return (size_t)(p - out);
	}
	uint8_t len_buf[4];
	size_t len_len = (size_t)(put_uv(len_buf, body_len) - len_buf);
	memmove(o + len_len, body, body_len);
	memcpy(o, len_buf, len_len);
	return (size_t)(o - out) + len_len + body_len;
}

/* Inverse of encode_zone_record(); the member is zeroed first, whole. */
static void decode_zone_record(struct rd *r, struct tracefmt_event *ev)
{
	switch (ev->type) {
	case TRACEFMT_SNAPSHOT_WALK: {
		__typeof__(ev->u.snapshot_walk) *w = &ev->u.snapshot_walk;
		memset(w, 0, sizeof(*w));
		w->node = get_u32(r);
		get_str(r, w->zone, TRACEFMT_ZONE_NAME_LEN);
		w->flags = get_u32(r);
		w->end_ns = ev->ts_ns + get_uv(r);
		break;
	}
	case TRACEFMT_ZONE_STATE: {
		__typeof__(ev->u.zone_state) *z = &ev->u.zone_state;
		memset(z, 0, sizeof(*z));
		z->seq = get_u32(r);
		z->node = get_u32(r);
		get_str(r, z->zone, TRACEFMT_ZONE_NAME_LEN);
		z->flags = get_u32(r);
		z->start_pfn = get_uv(r);
		z->spanned = get_uv(r);
		z->present = get_uv(r);
		z->managed = get_uv(r);
		z->min = get_uv(r);
		z->low = get_uv(r);
		z->high = get_uv(r);
		z->promo = get_uv(r);
		z->boost = get_uv(r);
		z->nr_free_pages = get_uv(r);
		z->min_free_kbytes = get_uv(r);
		z->pcp_batch = get_uv(r);
		z->pcp_high_min = get_uv(r);
		z->pcp_high_max = get_uv(r);
		z->nr_protection = get_u32(r);
		if (z->nr_protection > TRACEFMT_MAX_ZONE_TYPES) {
			r->bad = true;
			return;
		}
		for (uint32_t i = 0; i < z->nr_protection; i++)
			z->protection[i] = get_uv(r);
		break;
	}
	case TRACEFMT_WMARK: {
		__typeof__(ev->u.wmark) *m = &ev->u.wmark;
		memset(m, 0, sizeof(*m));
		m->node = get_u32(r);
		get_str(r, m->zone, TRACEFMT_ZONE_NAME_LEN);
		m->min = get_uv(r);
		m->low = get_uv(r);
		m->high = get_uv(r);
		m->promo = get_uv(r);
		break;
	}
	case TRACEFMT_TRIGGER: {
		__typeof__(ev->u.trigger) *t = &ev->u.trigger;
		memset(t, 0, sizeof(*t));
		t->kind = get_u32(r);
		t->node = get_u32(r);
		get_str(r, t->zone, TRACEFMT_ZONE_NAME_LEN);
		t->order = get_uv(r);
		t->value = get_uv(r);
		t->limit = get_uv(r);
		break;
	}
	default:
		break;
	}
}

/* Inverse of encode_mm_record(); the member is zeroed first, whole. */
static void decode_mm_record(struct rd *r, struct tracefmt_event *ev)
{
	const struct tf_mm_desc *d = tf_mm_desc(ev->type);

	memset(&ev->u, 0, sizeof(ev->u.compact));
	if (ev->type == TRACEFMT_VMSTAT) {
		memset(&ev->u.vmstat, 0, sizeof(ev->u.vmstat));
		ev->u.vmstat.seq = get_u32(r);
		get_str(r, ev->u.vmstat.name, sizeof(ev->u.vmstat.name));
		ev->u.vmstat.value = get_uv(r);
		return;
	}
	for (unsigned int i = 0; d && i < d->nr; i++) {
		const struct tf_mm_field *f = &d->f[i];

		if (!tf_mm_signed(f))
			tf_mm_set(ev, f, f->size == 8 ? get_uv(r) : get_u32(r));
		else
			tf_mm_set(ev, f, (uint64_t)(int64_t)get_s32(r));
	}
}

/* pfn limits (FORMAT.md §4): -1 only for a failed allocation, else at most TRACEFMT_MAX_PFN. */
static inline bool pfn_bad(uint64_t pfn)
{
	return pfn > TRACEFMT_MAX_PFN;
}

static inline bool alloc_pfn_bad(uint64_t pfn)
{
	return pfn > TRACEFMT_MAX_PFN && pfn != TRACEFMT_PFN_NONE;
}

/*
 * Decode the fields of @ev's type. The page events (types 1-6, nearly every
 * record) are checked against the value limits here, with or-ed compares
 * rather than a second switch: returns 1 (checked, within limits) or -1
 * (outside: event_limits() says which field). Other types return 0 and are
 * checked by event_limits().
 */
static inline __attribute__((always_inline)) int decode_body(struct tf_codec *c, struct rd *r,
							     struct tracefmt_event *ev)
{
	bool bad;

	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		ev->u.alloc.pfn = get_pfn(c, r);
		ev->u.alloc.order = get_u32(r);
		ev->u.alloc.migratetype = get_s32(r);
		ev->u.alloc.gfp_flags = get_uv(r);
		bad = alloc_pfn_bad(ev->u.alloc.pfn) | (ev->u.alloc.order >= TRACEFMT_MAX_ORDERS) |
		      ((uint32_t)ev->u.alloc.migratetype >= TRACEFMT_MAX_MT);
		return bad ? -1 : 1;
	case TRACEFMT_PAGE_FREE:
		ev->u.free.pfn = get_pfn(c, r);
		ev->u.free.order = get_u32(r);
		bad = pfn_bad(ev->u.free.pfn) | (ev->u.free.order >= TRACEFMT_MAX_ORDERS);
		return bad ? -1 : 1;
	case TRACEFMT_PAGE_FREE_BATCHED:
		ev->u.free_batched.pfn = get_pfn(c, r);
		ev->u.free_batched.order = get_u32(r);
		ev->u.free_batched.has_order = get_u32(r);
		bad = pfn_bad(ev->u.free_batched.pfn) |
		      (ev->u.free_batched.order >= TRACEFMT_MAX_ORDERS);
		return bad ? -1 : 1;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		ev->u.zone_locked.pfn = get_pfn(c, r);
		ev->u.zone_locked.order = get_u32(r);
		ev->u.zone_locked.migratetype = get_s32(r);
		ev->u.zone_locked.percpu_refill = get_u32(r);
		bad = alloc_pfn_bad(ev->u.zone_locked.pfn) |
		      (ev->u.zone_locked.order >= TRACEFMT_MAX_ORDERS) |
		      ((uint32_t)ev->u.zone_locked.migratetype >= TRACEFMT_MAX_MT);
		return bad ? -1 : 1;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		ev->u.pcpu_drain.pfn = get_pfn(c, r);
		ev->u.pcpu_drain.order = get_u32(r);
		ev->u.pcpu_drain.migratetype = get_s32(r);
		bad = pfn_bad(ev->u.pcpu_drain.pfn) | (ev->u.pcpu_drain.order >= TRACEFMT_MAX_ORDERS) |
		      ((uint32_t)ev->u.pcpu_drain.migratetype >= TRACEFMT_MAX_MT);
		return bad ? -1 : 1;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		ev->u.extfrag.pfn = get_pfn(c, r);
		ev->u.extfrag.alloc_order = get_u32(r);
		ev->u.extfrag.fallback_order = get_u32(r);
		ev->u.extfrag.alloc_migratetype = get_s32(r);
		ev->u.extfrag.fallback_migratetype = get_s32(r);
		ev->u.extfrag.change_ownership = get_u32(r);
		bad = pfn_bad(ev->u.extfrag.pfn) | (ev->u.extfrag.alloc_order >= TRACEFMT_MAX_ORDERS) |
		      (ev->u.extfrag.fallback_order >= TRACEFMT_MAX_ORDERS) |
		      ((uint32_t)ev->u.extfrag.alloc_migratetype >= TRACEFMT_MAX_MT) |
		      ((uint32_t)ev->u.extfrag.fallback_migratetype >= TRACEFMT_MAX_MT);
		return bad ? -1 : 1;
	case TRACEFMT_LOST:
		ev->u.lost.count = get_uv(r);
		ev->u.lost.first_ns = ev->u.lost.last_ns = 0;
		if (r->p < r->rec_end) {
			uint64_t before_first = get_uv(r), before_last = get_uv(r);

			if (before_first < before_last || before_first > ev->ts_ns) {
				r->bad = true;
				break;
			}
			ev->u.lost.first_ns = ev->ts_ns - before_first;
			ev->u.lost.last_ns = ev->ts_ns - before_last;
		}
		break;
	case TRACEFMT_COMM:
		get_str(r, ev->u.comm.comm, TRACEFMT_COMM_LEN);
		break;
	case TRACEFMT_CHECKPOINT: {
		__typeof__(ev->u.checkpoint) *k = &ev->u.checkpoint;
		memset(k, 0, sizeof(*k));
		k->seq = get_u32(r);
		k->node = get_u32(r);
		get_str(r, k->zone, TRACEFMT_ZONE_NAME_LEN);
		k->flags = get_u32(r);
		k->nr_orders = get_u32(r);
		k->nr_mt = get_u32(r);
		k->nr_free_pages = get_uv(r);
		if (k->nr_orders > TRACEFMT_MAX_ORDERS || k->nr_mt > TRACEFMT_MAX_MT) {
			r->bad = true;
			return 0;
		}
		for (uint32_t o = 0; o < k->nr_orders; o++)
			for (uint32_t m = 0; m < k->nr_mt; m++)
				k->free_blocks[o][m] = get_u32(r);
		for (uint32_t m = 0; m < k->nr_mt; m++)
			k->pageblocks[m] = get_u32(r);
		break;
	}
	case TRACEFMT_SNAPSHOT_BLOCK: {
		__typeof__(ev->u.snapshot_block) *s = &ev->u.snapshot_block;
		s->pfn = get_pfn(c, r);
		s->position = get_uv(r);
		s->order = get_u32(r);
		s->migratetype = get_s32(r);
		s->node = get_u32(r);
		s->flags = get_u32(r);
		get_str(r, s->zone, TRACEFMT_ZONE_NAME_LEN);
		break;
	}
	case TRACEFMT_SNAPSHOT_MARK:
		ev->u.snapshot_mark.phase = get_u32(r);
		ev->u.snapshot_mark.method = get_u32(r);
		ev->u.snapshot_mark.flags = get_u32(r);
		ev->u.snapshot_mark.pad = 0;
		ev->u.snapshot_mark.count = get_uv(r);
		break;
	case TRACEFMT_SNAPSHOT_WALK:
	case TRACEFMT_ZONE_STATE:
	case TRACEFMT_WMARK:
	case TRACEFMT_TRIGGER:
		decode_zone_record(r, ev);
		break;
	default:
		decode_mm_record(r, ev);
		break;
	}
	return 0;
}

/*
 * Format limits (FORMAT.md §4, "Value limits"): values no kernel can trace.
 * event_limits() is inlined into the decoder with @why NULL, where it costs
 * a few well-predicted compares; tracefmt_event_check() runs the same code
 * with a buffer to say which field failed and with what value.
 */
#define LIMIT_FAIL(...)                                     \
	do {                                                \
		if (why)                                    \
			snprintf(why, len, __VA_ARGS__);    \
		return -EINVAL;                             \
	} while (0)

#define CHECK_ORDER(ev, field)                                                              \
	do {                                                                                \
		if ((ev)->field >= TRACEFMT_MAX_ORDERS)                                     \
			LIMIT_FAIL("%s: %s %u is out of range 0..%d", tracefmt_type_name((ev)->type), \
				   field_name(#field), (ev)->field,           \
				   TRACEFMT_MAX_ORDERS - 1);                                \
	} while (0)

#define CHECK_MT(ev, field, lowest)                                                         \
	do {                                                                                \
		if ((ev)->field < (lowest) || (ev)->field >= TRACEFMT_MAX_MT)               \
			LIMIT_FAIL("%s: %s %d is out of range %d..%d",                      \
				   tracefmt_type_name((ev)->type), field_name(#field), \
				   (ev)->field, (lowest), TRACEFMT_MAX_MT - 1);             \
	} while (0)

#define CHECK_PFN(ev, field, none_ok)                                                       \
	do {                                                                                \
		uint64_t pfn_ = (ev)->field;                                                \
		if (pfn_ == TRACEFMT_PFN_NONE && !(none_ok))                                \
			LIMIT_FAIL("%s: pfn -1 is only valid for a failed allocation",      \
				   tracefmt_type_name((ev)->type));                         \
		if (pfn_ > TRACEFMT_MAX_PFN && pfn_ != TRACEFMT_PFN_NONE)                   \
			LIMIT_FAIL("%s: pfn %#llx is above the largest pfn %#llx",          \
				   tracefmt_type_name((ev)->type), (unsigned long long)pfn_, \
				   (unsigned long long)TRACEFMT_MAX_PFN);                   \
	} while (0)

#define CHECK_NODE(ev, field)                                                               \
	do {                                                                                \
		if ((ev)->field >= TRACEFMT_MAX_NODES)                                      \
			LIMIT_FAIL("%s: node %u is out of range 0..%d",                     \
				   tracefmt_type_name((ev)->type), (ev)->field,             \
				   TRACEFMT_MAX_NODES - 1);                                 \
	} while (0)

/* "u.alloc.order" -> "order": the field's own name for messages. */
static inline const char *field_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

static inline __attribute__((always_inline)) int event_limits(const struct tracefmt_event *ev,
							      char *why, size_t len)
{
	if (ev->ts_ns > TRACEFMT_MAX_TS_NS)
		LIMIT_FAIL("%s: ts_ns %llu is above %lld (INT64_MAX)", tracefmt_type_name(ev->type),
			   (unsigned long long)ev->ts_ns, (long long)INT64_MAX);
	if (ev->cpu >= TRACEFMT_MAX_CPUS &&
	    !(ev->type == TRACEFMT_LOST && ev->cpu == TRACEFMT_CPU_UNKNOWN) &&
	    !(ev->type == TRACEFMT_SNAPSHOT_WALK && ev->cpu == TRACEFMT_WALK_BUDDY_CPU))
		LIMIT_FAIL("%s: cpu %u is out of range 0..%d", tracefmt_type_name(ev->type), ev->cpu,
			   TRACEFMT_MAX_CPUS - 1);
	switch (ev->type) {
	case TRACEFMT_LOST:
		if ((ev->u.lost.first_ns || ev->u.lost.last_ns) &&
		    (!ev->u.lost.last_ns || ev->u.lost.first_ns > ev->u.lost.last_ns ||
		     ev->u.lost.last_ns > ev->ts_ns))
			LIMIT_FAIL("lost: window %llu..%llu ns is not within 1..ts %llu",
				   (unsigned long long)ev->u.lost.first_ns,
				   (unsigned long long)ev->u.lost.last_ns,
				   (unsigned long long)ev->ts_ns);
		break;
	case TRACEFMT_PAGE_ALLOC:
		CHECK_PFN(ev, u.alloc.pfn, true);
		CHECK_ORDER(ev, u.alloc.order);
		CHECK_MT(ev, u.alloc.migratetype, 0);
		break;
	case TRACEFMT_PAGE_FREE:
		CHECK_PFN(ev, u.free.pfn, false);
		CHECK_ORDER(ev, u.free.order);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		CHECK_PFN(ev, u.free_batched.pfn, false);
		CHECK_ORDER(ev, u.free_batched.order);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		CHECK_PFN(ev, u.zone_locked.pfn, true);
		CHECK_ORDER(ev, u.zone_locked.order);
		CHECK_MT(ev, u.zone_locked.migratetype, 0);
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		CHECK_PFN(ev, u.pcpu_drain.pfn, false);
		CHECK_ORDER(ev, u.pcpu_drain.order);
		CHECK_MT(ev, u.pcpu_drain.migratetype, 0);
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		CHECK_PFN(ev, u.extfrag.pfn, false);
		CHECK_ORDER(ev, u.extfrag.alloc_order);
		CHECK_ORDER(ev, u.extfrag.fallback_order);
		CHECK_MT(ev, u.extfrag.alloc_migratetype, 0);
		CHECK_MT(ev, u.extfrag.fallback_migratetype, 0);
		break;
	case TRACEFMT_CHECKPOINT:
		CHECK_NODE(ev, u.checkpoint.node);
		if (ev->u.checkpoint.nr_orders > TRACEFMT_MAX_ORDERS ||
		    ev->u.checkpoint.nr_mt > TRACEFMT_MAX_MT)
			LIMIT_FAIL("checkpoint: nr_orders %u or nr_mt %u is above %d or %d",
				   ev->u.checkpoint.nr_orders, ev->u.checkpoint.nr_mt,
				   TRACEFMT_MAX_ORDERS, TRACEFMT_MAX_MT);
		break;
	case TRACEFMT_SNAPSHOT_BLOCK:
		CHECK_PFN(ev, u.snapshot_block.pfn, false);
		CHECK_ORDER(ev, u.snapshot_block.order);
		CHECK_MT(ev, u.snapshot_block.migratetype, -1);
		CHECK_NODE(ev, u.snapshot_block.node);
		break;
	case TRACEFMT_SNAPSHOT_WALK:
		CHECK_NODE(ev, u.snapshot_walk.node);
		if (ev->u.snapshot_walk.end_ns > TRACEFMT_MAX_TS_NS)
			LIMIT_FAIL("snapshot_walk: end_ns %llu is above %lld (INT64_MAX)",
				   (unsigned long long)ev->u.snapshot_walk.end_ns, (long long)INT64_MAX);
		break;
	case TRACEFMT_ZONE_STATE: {
		const __typeof__(ev->u.zone_state) *z = &ev->u.zone_state;
		CHECK_NODE(ev, u.zone_state.node);
		/* A zone lies inside the pfn space; managed <= present <= spanned. */
		if (z->start_pfn > TRACEFMT_MAX_PFN || z->spanned > TRACEFMT_MAX_PFN + 1 - z->start_pfn)
			LIMIT_FAIL("zone_state: start_pfn %#llx + spanned %llu is past the largest pfn",
				   (unsigned long long)z->start_pfn, (unsigned long long)z->spanned);
		if (z->present > z->spanned || z->managed > z->present)
			LIMIT_FAIL("zone_state: managed %llu <= present %llu <= spanned %llu does not hold",
				   (unsigned long long)z->managed, (unsigned long long)z->present,
				   (unsigned long long)z->spanned);
		break;
	}
	case TRACEFMT_WMARK:
		CHECK_NODE(ev, u.wmark.node);
		break;
	case TRACEFMT_TRIGGER:
		CHECK_NODE(ev, u.trigger.node);
		if (ev->u.trigger.kind < 1 || ev->u.trigger.kind > TRACEFMT_TRIGGER_MAX_KIND)
			LIMIT_FAIL("trigger: kind %u is not one of 1..%d", ev->u.trigger.kind,
				   TRACEFMT_TRIGGER_MAX_KIND);
		break;
	case TRACEFMT_SNAPSHOT_MARK:
		if (ev->u.snapshot_mark.phase != TRACEFMT_SNAP_BEGIN &&
		    ev->u.snapshot_mark.phase != TRACEFMT_SNAP_END)
			LIMIT_FAIL("snapshot_mark: phase %u is neither %d (begin) nor %d (end)",
				   ev->u.snapshot_mark.phase, TRACEFMT_SNAP_BEGIN, TRACEFMT_SNAP_END);
		break;
	case TRACEFMT_VMSTAT:
		return tf_vmstat_check(ev, why, len);
	default:
		return tf_mm_check(ev, why, len);
	}
	return 0;
}

bool tracefmt_event_page(const struct tracefmt_event *ev, uint64_t *pfn, uint32_t *order)
{
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		*pfn = ev->u.alloc.pfn;
		*order = ev->u.alloc.order;
		return true;
	case TRACEFMT_PAGE_FREE:
		*pfn = ev->u.free.pfn;
		*order = ev->u.free.order;
		return true;
	case TRACEFMT_PAGE_FREE_BATCHED:
		*pfn = ev->u.free_batched.pfn;
		*order = ev->u.free_batched.order;
		return true;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		*pfn = ev->u.zone_locked.pfn;
		*order = ev->u.zone_locked.order;
		return true;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		*pfn = ev->u.pcpu_drain.pfn;
		*order = ev->u.pcpu_drain.order;
		return true;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		*pfn = ev->u.extfrag.pfn;
		*order = ev->u.extfrag.alloc_order;
		return true;
	default:
		return false;
	}
}

int tracefmt_event_check(const struct tracefmt_event *ev, char *why, size_t len)
{
	if (why && len)
		why[0] = '\0';
	return event_limits(ev, why && len ? why : NULL, len);
}

int tf_record_decode(struct tf_codec *c, const uint8_t **pos, const uint8_t *end,
		     struct tracefmt_event *ev, const char **why)
{
	struct rd r = { .p = *pos, .end = end, .bad = false };
	uint64_t tag = get_uv(&r);
	uint64_t len = get_uv(&r);

	if (r.bad || len > (uint64_t)(end - r.p)) {
		*why = "record runs past the end of its block";
		return -EBADMSG;
	}
	/* Fields are read up to the block's end; a record that overran its own fails below. */
	const uint8_t *next = r.p + len;
	*pos = next;
	r.rec_end = next;

	/* The common prefix is decoded for every type so deltas stay in step. */
	uint64_t ts = c->last_ts_ns + (uint64_t)get_sv(&r);
	uint32_t cpu = tag & TAG_SAME_CPU ? c->last_cpu : get_u32(&r);
	uint32_t pid = tag & TAG_SAME_PID ? c->last_pid : get_u32(&r);
	if (r.bad || r.p > next) {
		*why = "record prefix is malformed";
		return -EBADMSG;
	}
	c->last_ts_ns = ts;
	c->last_cpu = cpu;
	c->last_pid = pid;

	uint64_t type = tag >> TAG_TYPE_SHIFT;
	if (type == 0 || type >= TRACEFMT_NR_TYPES)
		return 0;
	ev->type = (uint32_t)type;
	ev->cpu = cpu;
	ev->pid = pid;
	ev->pad0 = 0;
	ev->ts_ns = ts;
	/* Zero the part of the union a page record uses, so equal records compare equal. */
	if (type != TRACEFMT_CHECKPOINT)
		memset(&ev->u, 0, sizeof(ev->u.snapshot_block));
	int checked = decode_body(c, &r, ev);
	if (r.bad || r.p > next) {
		*why = "record body is malformed";
		return -EBADMSG;
	}
	/* the common fields' limits, for the page events whose own fields decode_body() checked */
	if (checked > 0 && (ts > TRACEFMT_MAX_TS_NS || cpu >= TRACEFMT_MAX_CPUS))
		checked = -1;
	if (checked < 0 || (!checked && event_limits(ev, NULL, 0))) {
		*why = "a field is outside the format's limits";
		return -ERANGE;
	}
	return 1;
}
