/* SPDX-License-Identifier: MIT */
/*
 * Field-major record blocks (block kind 3, FORMAT.md §4.1, format 1.3). The
 * page events of a block are stored column by column, each field at a fixed
 * width and each multi-byte column split into byte planes, so that zstd sees
 * long runs of alike bytes (the high bytes of small deltas are all zero) and
 * the reader decodes a record with a few loads and no varint chain: in the
 * row form of §4 every field's position depends on the lengths of the
 * fields before it, which bounds a record's decode by a serial chain of
 * ~8 varints. Records that do not fit the fixed widths (other types, a
 * failed allocation's pfn, deltas beyond 32 bits) stay in the row form, in a
 * section after the columns, with the delta state shared in record order.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracefmt_internal.h"

#define COL_MAX TRACEFMT_BLOCK_MAX_RECORDS

/* tf_columns_decode() writes a slot as 8-byte words laid out for a little-endian host. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian hosts only");

/* The kind byte of a record: its type (0 = row form) and two same-as-before bits. */
#define KIND_TYPE_MASK 0x07u
#define KIND_SAME_CPU 0x08u
#define KIND_SAME_PID 0x10u
#define KIND_DEFINED 0x1fu
#define KIND_MAX_TYPE TRACEFMT_PAGE_PCPU_DRAIN

/*
 * Bit t set: a compact record of type t has a c12 byte (the u32 at union
 * offset 12: migratetype of types 1, 4, 5, or has_order of type 3) or a c16
 * value (the u64 at offset 16: gfp_flags of type 1, percpu_refill of type
 * 4). A c12 is below C12_LIMIT (the migratetypes' limit, which any has_order
 * a kernel prints, 0 or 1, is below too), so that the reader checks the
 * whole column at once.
 */
#define HAS12_TYPES 0x3au
#define HAS16_TYPES 0x12u
#define C12_LIMIT TRACEFMT_MAX_MT

/* Bytes a column holds per record: kinds 1, ts 4, pfn 4, order 1, c12 1, c16 4, cpu 2, pid 4. */
#define COL_BYTES 21

int tf_columns_init(struct tf_columns *c)
{
	memset(c, 0, sizeof(*c));
	/* one allocation, the 4-byte columns first (aligned) */
	c->ts = malloc((size_t)COL_MAX * COL_BYTES);
	c->rows = malloc(TRACEFMT_BLOCK_MAX_RAW);
	if (!c->ts || !c->rows) {
		tf_columns_release(c);
		return -ENOMEM;
	}
	c->pfn = c->ts + COL_MAX;
	c->c16 = c->pfn + COL_MAX;
	c->pid = c->c16 + COL_MAX;
	c->cpu = (uint16_t *)(void *)(c->pid + COL_MAX);
	c->kinds = (uint8_t *)(c->cpu + COL_MAX);
	c->order = c->kinds + COL_MAX;
	c->c12 = c->order + COL_MAX;
	return 0;
}

void tf_columns_release(struct tf_columns *c)
{
	free(c->ts);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

void tf_columns_reset(struct tf_columns *c, uint64_t first_ts_ns)
{
	tf_codec_reset(&c->codec, first_ts_ns);
	c->nr = c->compact = c->n12 = c->n16 = c->ncpu = c->npid = 0;
	c->rows_len = 0;
	c->size = 0;
}

size_t tf_columns_size(const struct tf_columns *c)
{
	return c->size;
}

static inline uint32_t zigzag32(int64_t d)
{
	return (uint32_t)(((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
}

static inline bool fits_i32(int64_t d)
{
	return d >= INT32_MIN && d <= INT32_MAX;
}

/*
 * The fields of types 1-5 sit at the same union offsets (pfn at 0, order at
 * 8, c12 at 12, c16 at 16; tracefmt.h), so the writer reads them without a
 * switch on the type, which mispredicts as types interleave; these masks
 * keep what each type defines (a c16 of type 4 is 32 bits: its upper half
 * is padding).
 */
static const uint64_t c16_mask[8] = { [TRACEFMT_PAGE_ALLOC] = UINT64_MAX,
				      [TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = UINT32_MAX };
_Static_assert(offsetof(struct tracefmt_event, u.alloc.gfp_flags) ==
		       offsetof(struct tracefmt_event, u.zone_locked.percpu_refill) &&
	       offsetof(struct tracefmt_event, u.alloc.migratetype) ==
		       offsetof(struct tracefmt_event, u.free_batched.has_order) &&
	       offsetof(struct tracefmt_event, u.pcpu_drain.migratetype) ==
		       offsetof(struct tracefmt_event, u.zone_locked.migratetype) &&
	       offsetof(struct tracefmt_event, u.free.order) ==
		       offsetof(struct tracefmt_event, u.alloc.order) &&
	       offsetof(struct tracefmt_event, u.alloc.pfn) == offsetof(struct tracefmt_event, u),
	       "the page events share their field offsets");

void tf_columns_add(struct tf_columns *c, const struct tracefmt_event *ev)
{
	struct tf_codec *s = &c->codec;
	const uint8_t *u = (const uint8_t *)&ev->u;
	uint32_t t = ev->type < 8 ? ev->type : 0, order, c12;
	uint64_t pfn, c16;

	memcpy(&pfn, u, 8);
	memcpy(&order, u + 8, 4);
	memcpy(&c12, u + 12, 4);
	memcpy(&c16, u + 16, 8);
	c12 &= 0u - ((HAS12_TYPES >> t) & 1);
	c16 &= c16_mask[t];
	int64_t d_ts = (int64_t)(ev->ts_ns - s->last_ts_ns), d_pfn = (int64_t)(pfn - s->last_pfn);
	bool compact = (t - 1 < KIND_MAX_TYPE) & (pfn != TRACEFMT_PFN_NONE) & (order <= 0xff) &
		       (c12 < C12_LIMIT) & (c16 <= UINT32_MAX) & (ev->cpu <= 0xffff) &
		       fits_i32(d_ts) & fits_i32(d_pfn);

	if (__builtin_expect(!compact, 0)) {
		size_t len = tf_record_encode(s, ev, c->rows + c->rows_len);
		c->kinds[c->nr++] = 0;
		c->rows_len += len;
		c->size += 1 + len;
		return;
	}
	/*
	 * Optional columns: the entry is written always and counted only when
	 * it is there. Everything is read into locals before the first store,
	 * since a byte store may alias any field the compiler would reload.
	 */
	uint32_t cpu = ev->cpu, pid = ev->pid, nr = c->nr, i = c->compact, n12 = c->n12;
	uint32_t n16 = c->n16, ncpu = c->ncpu, npid = c->npid;
	uint32_t same_cpu = cpu == s->last_cpu, same_pid = pid == s->last_pid;
	uint32_t h12 = (HAS12_TYPES >> t) & 1, h16 = (HAS16_TYPES >> t) & 1;
	uint64_t ts = ev->ts_ns;
	uint8_t *kinds = c->kinds, *order_col = c->order, *c12_col = c->c12;
	uint32_t *ts_col = c->ts, *pfn_col = c->pfn, *c16_col = c->c16, *pid_col = c->pid;
	uint16_t *cpu_col = c->cpu;

	ts_col[i] = zigzag32(d_ts);
	pfn_col[i] = zigzag32(d_pfn);
	c16_col[n16] = (uint32_t)c16;
	pid_col[npid] = pid;
	cpu_col[ncpu] = (uint16_t)cpu;
	order_col[i] = (uint8_t)order;
	c12_col[n12] = (uint8_t)c12;
	kinds[nr] = (uint8_t)(t | same_cpu * KIND_SAME_CPU | same_pid * KIND_SAME_PID);
	c->nr = nr + 1;
	c->compact = i + 1;
	c->n12 = n12 + h12;
	c->n16 = n16 + h16;
	c->ncpu = ncpu + !same_cpu;
	c->npid = npid + !same_pid;
	c->size += 10 + h12 + 4 * h16 + 2 * !same_cpu + 4 * !same_pid;
	s->last_ts_ns = ts;
	s->last_pfn = pfn;
	s->last_cpu = cpu;
	s->last_pid = pid;
}

/* Copy the first @n bytes of each of @nr_planes planes of @col to @out. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The @n values of @col as 4 byte planes at @out (16 values a step with SSE2); returns the end. */
static uint8_t *planes4(uint8_t *out, const uint32_t *col, uint32_t n)
{
	uint32_t i = 0;

#if defined(__SSE2__)
	const __m128i low = _mm_set1_epi32(0xff);
	for (; i + 16 <= n; i += 16) {
		__m128i v[4];
		for (int k = 0; k < 4; k++)
			v[k] = _mm_loadu_si128((const __m128i *)(const void *)(col + i + 4 * k));
		for (int p = 0; p < 4; p++) {
			__m128i b[4];
			for (int k = 0; k < 4; k++)
				b[k] = _mm_and_si128(_mm_srli_epi32(v[k], 8 * p), low);
			/* bytes 0..255 in 32-bit lanes: packed without saturating */
			__m128i w = _mm_packus_epi16(_mm_packs_epi32(b[0], b[1]),
						     _mm_packs_epi32(b[2], b[3]));
			_mm_storeu_si128((__m128i *)(void *)(out + (size_t)p * n + i), w);
		}
	}
#endif
	for (; i < n; i++)
		for (int p = 0; p < 4; p++)
			out[(size_t)p * n + i] = (uint8_t)(col[i] >> (8 * p));
	return out + 4 * (size_t)n;
}

static uint8_t *planes2(uint8_t *out, const uint16_t *col, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		out[i] = (uint8_t)col[i];
		out[n + i] = (uint8_t)(col[i] >> 8);
	}
	return out + 2 * (size_t)n;
}

static uint8_t *bytes(uint8_t *out, const uint8_t *col, uint32_t n)
{
	memcpy(out, col, n);
	return out + n;
}

size_t tf_columns_finish(const struct tf_columns *c, uint8_t *out)
{
	uint8_t *p = out;

	p = bytes(p, c->kinds, c->nr);
	p = planes4(p, c->ts, c->compact);
	p = planes4(p, c->pfn, c->compact);
	p = bytes(p, c->order, c->compact);
	p = bytes(p, c->c12, c->n12);
	p = planes4(p, c->c16, c->n16);
	p = planes2(p, c->cpu, c->ncpu);
	p = planes4(p, c->pid, c->npid);
	memcpy(p, c->rows, c->rows_len);
	return (size_t)(p - out) + c->rows_len;
}

/* Counts of the column entries the kind bytes call for. */
struct col_counts {
	uint32_t compact, n12, n16, ncpu, npid;
};


/*
 * What a kind byte adds to the counts, as two words of a table (one load
 * and one add each per record, no branch): KIND_A holds compact, n12, n16
 * and ncpu in 16-bit lanes, KIND_B npid and "undefined" in 32-bit lanes.
 * Lanes are summed over at most 32768 records, then added to the counts.
 */
#define KIND_OK(k) (!((k) & ~KIND_DEFINED) && ((k) & 7) <= KIND_MAX_TYPE && (((k) & 7) || !(k)))
#define KIND_PAGE(k) (KIND_OK(k) && ((k) & 7) != 0)
#define KIND_A(k)                                                                         \
	(KIND_OK(k) ? (uint64_t)KIND_PAGE(k) | (uint64_t)((HAS12_TYPES >> ((k) & 7)) & 1) << 16 | \
			      (uint64_t)((HAS16_TYPES >> ((k) & 7)) & 1) << 32 |             \
			      (uint64_t)(KIND_PAGE(k) && !((k) & KIND_SAME_CPU)) << 48     \
		    : 0)
#define KIND_B(k) ((uint64_t)(KIND_PAGE(k) && !((k) & KIND_SAME_PID)) | (uint64_t)!KIND_OK(k) << 32)
#define KIND4(f, k) f(k), f(k + 1), f(k + 2), f(k + 3)
#define KIND16(f, k) KIND4(f, k), KIND4(f, k + 4), KIND4(f, k + 8), KIND4(f, k + 12)
#define KIND64(f, k) KIND16(f, k), KIND16(f, k + 16), KIND16(f, k + 32), KIND16(f, k + 48)
#define KIND256(f) KIND64(f, 0), KIND64(f, 64), KIND64(f, 128), KIND64(f, 192)

static const uint64_t kind_a[256] = { KIND256(KIND_A) };
static const uint64_t kind_b[256] = { KIND256(KIND_B) };

/* Check every kind byte and count the columns' entries; -EBADMSG at the first undefined one. */
static int count_kinds(const uint8_t *kinds, uint32_t nr, struct col_counts *n, uint32_t *bad)
{
	uint64_t undefined = 0;

	memset(n, 0, sizeof(*n));
	for (uint32_t i = 0; i < nr; i += 32768) {
		uint32_t end = nr - i < 32768 ? nr : i + 32768;
		uint64_t a = 0, b = 0;

		for (uint32_t k = i; k < end; k++) {
			a += kind_a[kinds[k]];
			b += kind_b[kinds[k]];
		}
		n->compact += (uint32_t)(a & 0xffff);
		n->n12 += (uint32_t)(a >> 16 & 0xffff);
		n->n16 += (uint32_t)(a >> 32 & 0xffff);
		n->ncpu += (uint32_t)(a >> 48);
		n->npid += (uint32_t)b;
		undefined |= b >> 32;
	}
	if (undefined) {
		for (*bad = 0; *bad < nr && KIND_OK(kinds[*bad]); ++*bad)
			;
		return -EBADMSG;
	}
	return 0;
}

/*
 * Byte planes back to values, a whole column at a time (16 values per
 * step where SSE2 is there, which every x86-64 has): the record loop then
 * reads one u32 per field instead of assembling it from 2-4 bytes.
 * deplane4_zigzag() also undoes the zigzag of the delta columns.
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void deplane4(uint32_t *out, const uint8_t *col, uint32_t n, bool zigzag)
{
	const uint8_t *b0 = col, *b1 = col + n, *b2 = b1 + n, *b3 = b2 + n;
	uint32_t i = 0;

#if defined(__SSE2__)
	const __m128i one = _mm_set1_epi32(1), zero = _mm_setzero_si128();
	for (; i + 16 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(b0 + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(b1 + i));
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(b2 + i));
		__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(b3 + i));
		__m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
		__m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
		__m128i v[4] = { _mm_unpacklo_epi16(ab_lo, cd_lo), _mm_unpackhi_epi16(ab_lo, cd_lo),
				 _mm_unpacklo_epi16(ab_hi, cd_hi), _mm_unpackhi_epi16(ab_hi, cd_hi) };
		for (int k = 0; k < 4; k++) {
			if (zigzag)
				v[k] = _mm_xor_si128(_mm_srli_epi32(v[k], 1),
						     _mm_sub_epi32(zero, _mm_and_si128(v[k], one)));
			_mm_storeu_si128((__m128i *)(void *)(out + i + 4 * k), v[k]);
		}
	}
#endif
	for (; i < n; i++) {
		uint32_t v = (uint32_t)b0[i] | (uint32_t)b1[i] << 8 | (uint32_t)b2[i] << 16 |
			     (uint32_t)b3[i] << 24;
		out[i] = zigzag ? (v >> 1) ^ (0u - (v & 1)) : v;
	}
}

/* The cpu column; returns its largest value. */
static uint32_t deplane2_max(uint32_t *out, const uint8_t *col, uint32_t n)
{
	uint32_t max = 0;

	for (uint32_t i = 0; i < n; i++) {
		out[i] = (uint32_t)col[i] | (uint32_t)col[i + n] << 8;
		max = out[i] > max ? out[i] : max;
	}
	return max;
}

static uint32_t column_max(const uint8_t *col, uint32_t n)
{
	uint8_t max = 0;

	for (uint32_t i = 0; i < n; i++)
		max = col[i] > max ? col[i] : max;
	return max;
}

static inline void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Which field of a compact record is outside the limits, into @why. */
static __attribute__((noinline)) void describe_bad(const struct tf_slot *s, char *why, size_t len)
{
	if (!tracefmt_event_check((const struct tracefmt_event *)(const void *)s, why, len))
		snprintf(why, len, "%s: pfn -1 in the columns (a failed allocation is coded in "
			 "the row form)", tracefmt_type_name(s->type));
}

/*
 * Where the decoding of a block stands: the delta state of §4 (shared with
 * the row-form records), the next entry of each column and the next slot.
 */
struct col_state {
	uint64_t ts, pfn;
	uint32_t cpu, pid;
	uint32_t ci, i12, i16, icpu, ipid; /* next entry of the per-record and optional columns */
	uint32_t k_out;			   /* next slot */
};

/* A row-form record through @row, with the delta state handed over both ways. */
static int decode_row(struct col_state *st, const uint8_t *raw, const uint8_t **rows,
		      const uint8_t *end, struct tf_slot *slots, tf_row_fn row, void *ctx, char *why,
		      size_t len)
{
	struct tf_codec c = { .last_ts_ns = st->ts, .last_pfn = st->pfn, .last_cpu = st->cpu,
			      .last_pid = st->pid };
	size_t at = (size_t)(*rows - raw);
	int rc = row(ctx, &c, rows, end, &slots[st->k_out], why, len);

	if (rc < 0) {
		size_t used = strlen(why);
		if (used < len)
			snprintf(why + used, len - used, " (row form at payload byte %zu)", at);
		return rc;
	}
	st->k_out += (uint32_t)rc;
	st->ts = c.last_ts_ns;
	st->pfn = c.last_pfn;
	st->cpu = c.last_cpu;
	st->pid = c.last_pid;
	return 0;
}

/*
 * A run of @m compact records goes into @run field group by field group
 * (few live values per loop, so nothing spills): timestamps and pfns, then
 * type, order, c12 and c16, then cpu and pid. run_times() returns whether
 * a timestamp or pfn it wrote is outside the format limits; orders, c12
 * values and cpus are checked a column at a time (slot_bad() finds which
 * record is at fault).
 */
static inline void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static bool run_times(struct col_state *st, struct tf_slot *run, const int32_t *ts_d,
		      const int32_t *pfn_d, uint32_t m)
{
	uint64_t ts = st->ts, pfn = st->pfn, over = 0;

	for (uint32_t r = 0; r < m; r++) {
		uint8_t *sl = (uint8_t *)&run[r];
		ts += (uint64_t)(int64_t)ts_d[r];
		pfn += (uint64_t)(int64_t)pfn_d[r];
		put64(sl + 16, ts);
		put64(sl + 24, pfn);
		over |= (ts > TRACEFMT_MAX_TS_NS) | (pfn > TRACEFMT_MAX_PFN);
	}
	st->ts = ts;
	st->pfn = pfn;
	return over;
}

static void run_fields(struct col_state *st, struct tf_slot *run, const uint8_t *kinds,
		       const uint8_t *order_col, const uint8_t *c12_col, const uint32_t *c16_v,
		       uint32_t m)
{
	uint32_t i12 = st->i12, i16 = st->i16;
	const uint8_t *order = order_col + st->ci;

	for (uint32_t r = 0; r < m; r++) {
		uint8_t *sl = (uint8_t *)&run[r];
		uint32_t t = kinds[r] & KIND_TYPE_MASK;
		uint32_t h12 = (HAS12_TYPES >> t) & 1, h16 = (HAS16_TYPES >> t) & 1;
		/*
		 * An optional column's entry is read whether or not this record
		 * has one, and masked away when it has none: an index never
		 * passes its column's count, and each column has one more
		 * readable entry (the spare in tmp, or the next column's first
		 * byte).
		 */
		uint64_t c12 = c12_col[i12] & (0u - h12), c16 = c16_v[i16] & (0u - h16);

		i12 += h12;
		i16 += h16;
		put32(sl, t);
		put32(sl + 12, 0);
		put64(sl + 32, order[r] | c12 << 32);
		put64(sl + 40, c16);
		put64(sl + 48, 0);
	}
	st->i12 = i12;
	st->i16 = i16;
}

static void run_owners(struct col_state *st, struct tf_slot *run, const uint8_t *kinds,
		       const uint32_t *cpu_v, const uint32_t *pid_v, uint32_t m)
{
	uint32_t cpu = st->cpu, pid = st->pid, icpu = st->icpu, ipid = st->ipid;

	for (uint32_t r = 0; r < m; r++) {
		uint8_t *sl = (uint8_t *)&run[r];
		uint32_t new_cpu = !(kinds[r] & KIND_SAME_CPU), new_pid = !(kinds[r] & KIND_SAME_PID);

		cpu = new_cpu ? cpu_v[icpu] : cpu;
		pid = new_pid ? pid_v[ipid] : pid;
		icpu += new_cpu;
		ipid += new_pid;
		put32(sl + 4, cpu);
		put32(sl + 8, pid);
	}
	st->cpu = cpu;
	st->pid = pid;
	st->icpu = icpu;
	st->ipid = ipid;
}

/* The test of the three above, for one slot. */
static bool slot_bad(const struct tf_slot *s)
{
	uint64_t pfn, c12 = 0, order = 0;

	memcpy(&pfn, s->u.bytes, 8);
	memcpy(&order, s->u.bytes + 8, 4);
	memcpy(&c12, s->u.bytes + 12, 4);
	return s->ts_ns > TRACEFMT_MAX_TS_NS || pfn > TRACEFMT_MAX_PFN || c12 >= C12_LIMIT ||
	       order >= TRACEFMT_MAX_ORDERS || s->cpu >= TRACEFMT_MAX_CPUS;
}

int tf_columns_decode(const uint8_t *raw, size_t raw_len, uint32_t nr, uint64_t first_ts_ns,
		      struct tf_slot *slots, uint32_t *kept, tf_row_fn row, void *ctx,
		      uint32_t *tmp, uint32_t *bad_index, char *why, size_t len)
{
	struct col_counts n;

	*kept = 0;
	if (nr == 0 && raw_len) { /* and with no records there are no slots or tmp to use */
		*bad_index = 0;
		snprintf(why, len, "%zu payload bytes follow its last record", raw_len);
		return -EBADMSG;
	}
	if (nr == 0)
		return 0;
	if (raw_len < nr) {
		*bad_index = 0;
		snprintf(why, len, "the payload (%zu bytes) is shorter than its %u kind bytes",
			 raw_len, nr);
		return -EBADMSG;
	}
	if (count_kinds(raw, nr, &n, bad_index)) {
		snprintf(why, len, "kind byte %#x (payload byte %u) is not defined",
			 raw[*bad_index], *bad_index);
		return -EBADMSG;
	}
	size_t fixed = (size_t)nr + 9 * (size_t)n.compact + n.n12 + 4 * (size_t)n.n16 +
		       2 * (size_t)n.ncpu + 4 * (size_t)n.npid;
	if (fixed > raw_len) {
		*bad_index = 0;
		snprintf(why, len, "its columns need %zu bytes but the payload holds %zu", fixed,
			 raw_len);
		return -EBADMSG;
	}
	const uint8_t *ts_col = raw + nr, *pfn_col = ts_col + 4 * (size_t)n.compact;
	const uint8_t *order_col = pfn_col + 4 * (size_t)n.compact;
	const uint8_t *c12_col = order_col + n.compact, *c16_col = c12_col + n.n12;
	const uint8_t *cpu_col = c16_col + 4 * (size_t)n.n16;
	const uint8_t *pid_col = cpu_col + 2 * (size_t)n.ncpu;
	const uint8_t *rows = pid_col + 4 * (size_t)n.npid, *end = raw + raw_len;
	/* tmp: ts and pfn deltas, c16, cpu, pid values, and one spare entry (read, masked) */
	int32_t *ts_d = (int32_t *)tmp, *pfn_d = ts_d + n.compact;
	uint32_t *c16_v = (uint32_t *)pfn_d + n.compact, *cpu_v = c16_v + n.n16 + 1;
	uint32_t *pid_v = cpu_v + n.ncpu + 1;

	deplane4((uint32_t *)ts_d, ts_col, n.compact, true);
	deplane4((uint32_t *)pfn_d, pfn_col, n.compact, true);
	deplane4(c16_v, c16_col, n.n16, false);
	c16_v[n.n16] = 0;
	deplane4(pid_v, pid_col, n.npid, false);
	pid_v[n.npid] = 0;
	cpu_v[n.ncpu] = 0;
	/* Outside the limits somewhere in a column: every run is searched for the record. */
	bool search = deplane2_max(cpu_v, cpu_col, n.ncpu) >= TRACEFMT_MAX_CPUS ||
		      column_max(order_col, n.compact) >= TRACEFMT_MAX_ORDERS ||
		      column_max(c12_col, n.n12) >= C12_LIMIT;

	struct col_state st = { .ts = first_ts_ns };
	uint32_t i = 0;

	while (i < nr) {
		if (!(raw[i] & KIND_TYPE_MASK)) {
			int rc = decode_row(&st, raw, &rows, end, slots, row, ctx, why, len);
			if (rc < 0) {
				*bad_index = i;
				*kept = st.k_out;
				return rc;
			}
			i++;
			continue;
		}
		uint32_t j = i + 1;
		while (j < nr && (raw[j] & KIND_TYPE_MASK))
			j++;
		struct tf_slot *run = &slots[st.k_out];
		bool bad = run_times(&st, run, ts_d + st.ci, pfn_d + st.ci, j - i);
		run_fields(&st, run, raw + i, order_col, c12_col, c16_v, j - i);
		run_owners(&st, run, raw + i, cpu_v, pid_v, j - i);
		if (__builtin_expect(bad || search, 0)) {
			uint32_t r = 0;
			while (r < j - i && !slot_bad(&run[r]))
				r++;
			if (r < j - i) {
				describe_bad(&run[r], why, len);
				*bad_index = i + r;
				*kept = st.k_out + r + 1;
				return -ERANGE;
			}
		}
		st.ci += j - i;
		st.k_out += j - i;
		i = j;
	}
	*kept = st.k_out;
	if (rows != end) {
		*bad_index = nr;
		snprintf(why, len, "%zu payload bytes follow its last record", (size_t)(end - rows));
		return -EBADMSG;
	}
	return 0;
}
