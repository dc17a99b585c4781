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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tracefmt_internal.h"

#define COL_MAX TRACEFMT_BLOCK_MAX_RECORDS

/* The kind byte of a record: its type (0 = row form) and two same-as-before bits. */
#define KIND_TYPE_MASK 0x07u
#define KIND_SAME_CPU 0x08u
#define KIND_SAME_PID 0x10u
#define KIND_DEFINED 0x1fu
#define KIND_MAX_TYPE TRACEFMT_PAGE_PCPU_DRAIN

/*
 * Per type (index 0..7): whether a compact record of it has a c12 byte (the
 * u32 at union offset 12: migratetype, or free_batched's has_order) and a
 * c16 value (the u64 at offset 16: gfp_flags, or zone_locked's
 * percpu_refill), and the largest c12 the format allows.
 */
static const uint8_t has12[8] = { [TRACEFMT_PAGE_ALLOC] = 1, [TRACEFMT_PAGE_FREE_BATCHED] = 1,
				  [TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = 1,
				  [TRACEFMT_PAGE_PCPU_DRAIN] = 1 };
static const uint8_t has16[8] = { [TRACEFMT_PAGE_ALLOC] = 1,
				  [TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = 1 };
static const uint8_t max12[8] = { [TRACEFMT_PAGE_ALLOC] = TRACEFMT_MAX_MT - 1,
				  [TRACEFMT_PAGE_FREE_BATCHED] = 255,
				  [TRACEFMT_PAGE_ALLOC_ZONE_LOCKED] = TRACEFMT_MAX_MT - 1,
				  [TRACEFMT_PAGE_PCPU_DRAIN] = TRACEFMT_MAX_MT - 1 };

/* Bytes a column holds per record: kinds 1, ts 4, pfn 4, order 1, c12 1, c16 4, cpu 2, pid 4. */
#define COL_BYTES 21

int tf_columns_init(struct tf_columns *c)
{
	memset(c, 0, sizeof(*c));
	c->kinds = malloc((size_t)COL_MAX * COL_BYTES);
	c->rows = malloc(TRACEFMT_BLOCK_MAX_RAW);
	if (!c->kinds || !c->rows) {
		tf_columns_release(c);
		return -ENOMEM;
	}
	c->ts = c->kinds + COL_MAX;
	c->pfn = c->ts + 4 * COL_MAX;
	c->order = c->pfn + 4 * COL_MAX;
	c->c12 = c->order + COL_MAX;
	c->c16 = c->c12 + COL_MAX;
	c->cpu = c->c16 + 4 * COL_MAX;
	c->pid = c->cpu + 2 * COL_MAX;
	return 0;
}

void tf_columns_release(struct tf_columns *c)
{
	free(c->kinds);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

void tf_columns_reset(struct tf_columns *c, uint64_t first_ts_ns)
{
	tf_codec_reset(&c->codec, first_ts_ns);
	c->nr = c->compact = c->n12 = c->n16 = c->ncpu = c->npid = 0;
	c->rows_len = 0;
}

size_t tf_columns_size(const struct tf_columns *c)
{
	return (size_t)c->nr + 9 * (size_t)c->compact + c->n12 + 4 * (size_t)c->n16 +
	       2 * (size_t)c->ncpu + 4 * (size_t)c->npid + c->rows_len;
}

static inline uint32_t zigzag32(int64_t d)
{
	return (uint32_t)(((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
}

static inline int64_t unzigzag32(uint32_t z)
{
	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

static inline bool fits_i32(int64_t d)
{
	return d >= INT32_MIN && d <= INT32_MAX;
}

/* The page fields of @ev as the columns hold them; false if they do not fit. */
static bool page_columns(const struct tracefmt_event *ev, uint64_t *pfn, uint32_t *order,
			 uint32_t *c12, uint64_t *c16)
{
	*c12 = 0;
	*c16 = 0;
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		*pfn = ev->u.alloc.pfn;
		*order = ev->u.alloc.order;
		*c12 = (uint32_t)ev->u.alloc.migratetype;
		*c16 = ev->u.alloc.gfp_flags;
		break;
	case TRACEFMT_PAGE_FREE:
		*pfn = ev->u.free.pfn;
		*order = ev->u.free.order;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		*pfn = ev->u.free_batched.pfn;
		*order = ev->u.free_batched.order;
		*c12 = ev->u.free_batched.has_order;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		*pfn = ev->u.zone_locked.pfn;
		*order = ev->u.zone_locked.order;
		*c12 = (uint32_t)ev->u.zone_locked.migratetype;
		*c16 = ev->u.zone_locked.percpu_refill;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		*pfn = ev->u.pcpu_drain.pfn;
		*order = ev->u.pcpu_drain.order;
		*c12 = (uint32_t)ev->u.pcpu_drain.migratetype;
		break;
	default:
		return false;
	}
	return *pfn != TRACEFMT_PFN_NONE && *order <= 0xff && *c12 <= 0xff && *c16 <= UINT32_MAX &&
	       ev->cpu <= 0xffff;
}

static inline void put_planes(uint8_t *col, uint32_t i, uint32_t v, unsigned int nr_planes)
{
	for (unsigned int p = 0; p < nr_planes; p++)
		col[p * COL_MAX + i] = (uint8_t)(v >> (8 * p));
}

void tf_columns_add(struct tf_columns *c, const struct tracefmt_event *ev)
{
	struct tf_codec *s = &c->codec;
	int64_t d_ts = (int64_t)(ev->ts_ns - s->last_ts_ns);
	uint64_t pfn, c16;
	uint32_t order, c12;

	if (!page_columns(ev, &pfn, &order, &c12, &c16) || !fits_i32(d_ts) ||
	    !fits_i32((int64_t)(pfn - s->last_pfn))) {
		c->kinds[c->nr++] = 0;
		c->rows_len += tf_record_encode(s, ev, c->rows + c->rows_len);
		return;
	}
	uint32_t t = ev->type, i = c->compact++;
	uint8_t kind = (uint8_t)t;

	put_planes(c->ts, i, zigzag32(d_ts), 4);
	put_planes(c->pfn, i, zigzag32((int64_t)(pfn - s->last_pfn)), 4);
	c->order[i] = (uint8_t)order;
	if (has12[t])
		c->c12[c->n12++] = (uint8_t)c12;
	if (has16[t])
		put_planes(c->c16, c->n16++, (uint32_t)c16, 4);
	if (ev->cpu == s->last_cpu)
		kind |= KIND_SAME_CPU;
	else
		put_planes(c->cpu, c->ncpu++, ev->cpu, 2);
	if (ev->pid == s->last_pid)
		kind |= KIND_SAME_PID;
	else
		put_planes(c->pid, c->npid++, ev->pid, 4);
	c->kinds[c->nr++] = kind;
	s->last_ts_ns = ev->ts_ns;
	s->last_pfn = pfn;
	s->last_cpu = ev->cpu;
	s->last_pid = ev->pid;
}

/* Copy the first @n bytes of each of @nr_planes planes of @col to @out. */
static uint8_t *copy_planes(uint8_t *out, const uint8_t *col, uint32_t n, unsigned int nr_planes)
{
	for (unsigned int p = 0; p < nr_planes; p++) {
		memcpy(out, col + (size_t)p * COL_MAX, n);
		out += n;
	}
	return out;
}

size_t tf_columns_finish(const struct tf_columns *c, uint8_t *out)
{
	uint8_t *p = out;

	p = copy_planes(p, c->kinds, c->nr, 1);
	p = copy_planes(p, c->ts, c->compact, 4);
	p = copy_planes(p, c->pfn, c->compact, 4);
	p = copy_planes(p, c->order, c->compact, 1);
	p = copy_planes(p, c->c12, c->n12, 1);
	p = copy_planes(p, c->c16, c->n16, 4);
	p = copy_planes(p, c->cpu, c->ncpu, 2);
	p = copy_planes(p, c->pid, c->npid, 4);
	memcpy(p, c->rows, c->rows_len);
	return (size_t)(p - out) + c->rows_len;
}

/* Counts of the column entries the kind bytes call for. */
struct col_counts {
	uint32_t compact, n12, n16, ncpu, npid;
};

/* Check every kind byte and count the columns' entries; -EBADMSG at the first undefined one. */
static int count_kinds(const uint8_t *kinds, uint32_t nr, struct col_counts *n, uint32_t *bad)
{
	memset(n, 0, sizeof(*n));
	for (uint32_t i = 0; i < nr; i++) {
		uint32_t k = kinds[i], t = k & KIND_TYPE_MASK;

		if ((k & ~KIND_DEFINED) || t > KIND_MAX_TYPE || (!t && k)) {
			*bad = i;
			return -EBADMSG;
		}
		n->compact += t != 0;
		n->n12 += has12[t];
		n->n16 += has16[t];
		n->ncpu += t && !(k & KIND_SAME_CPU);
		n->npid += t && !(k & KIND_SAME_PID);
	}
	return 0;
}

static inline uint32_t get_planes4(const uint8_t *col, uint32_t stride, uint32_t i)
{
	return (uint32_t)col[i] | (uint32_t)col[i + stride] << 8 |
	       (uint32_t)col[i + 2 * stride] << 16 | (uint32_t)col[i + 3 * stride] << 24;
}

int tf_columns_decode(const uint8_t *raw, size_t raw_len, uint32_t nr, uint64_t first_ts_ns,
		      struct tf_slot *slots, uint32_t *kept, tf_row_fn row, void *ctx,
		      uint32_t *bad_index, char *why, size_t len)
{
	struct col_counts n;

	*kept = 0;
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
	uint64_t ts = first_ts_ns, pfn = 0;
	uint32_t cpu = 0, pid = 0, ci = 0, i12 = 0, i16 = 0, icpu = 0, ipid = 0, k_out = 0;

	for (uint32_t i = 0; i < nr; i++) {
		uint32_t k = raw[i], t = k & KIND_TYPE_MASK;

		if (__builtin_expect(!t, 0)) {
			struct tf_codec st = { .last_ts_ns = ts, .last_pfn = pfn, .last_cpu = cpu,
					       .last_pid = pid };
			size_t at = (size_t)(rows - raw);
			int rc = row(ctx, &st, &rows, end, &slots[k_out], why, len);

			if (rc < 0) {
				size_t used = strlen(why);
				if (used < len)
					snprintf(why + used, len - used, " (row form at payload byte %zu)",
						 at);
				*bad_index = i;
				*kept = k_out;
				return rc;
			}
			k_out += (uint32_t)rc;
			ts = st.last_ts_ns;
			pfn = st.last_pfn;
			cpu = st.last_cpu;
			pid = st.last_pid;
			continue;
		}
		/*
		 * Entries of the optional columns are read whether or not this
		 * record has one and masked away when it has none: an index
		 * never passes its column's count, so a read lands at worst on
		 * the next column's first byte (or TF_COLUMNS_PAD).
		 */
		uint32_t c12 = c12_col[i12] & (0u - has12[t]);
		uint32_t c16 = get_planes4(c16_col, n.n16, i16) & (0u - has16[t]);
		uint32_t new_cpu = (uint32_t)cpu_col[icpu] | (uint32_t)cpu_col[icpu + n.ncpu] << 8;
		uint32_t new_pid = get_planes4(pid_col, n.npid, ipid);
		uint32_t order = order_col[ci];

		i12 += has12[t];
		i16 += has16[t];
		ts += (uint64_t)unzigzag32(get_planes4(ts_col, n.compact, ci));
		pfn += (uint64_t)unzigzag32(get_planes4(pfn_col, n.compact, ci));
		ci++;
		cpu = k & KIND_SAME_CPU ? cpu : new_cpu;
		icpu += !(k & KIND_SAME_CPU);
		pid = k & KIND_SAME_PID ? pid : new_pid;
		ipid += !(k & KIND_SAME_PID);

		struct tf_slot *s = &slots[k_out++];
		uint64_t c16_64 = c16;
		s->type = t;
		s->cpu = cpu;
		s->pid = pid;
		s->redecode = 0;
		s->ts_ns = ts;
		memcpy(s->u.bytes, &pfn, 8);
		memcpy(s->u.bytes + 8, &order, 4);
		memcpy(s->u.bytes + 12, &c12, 4);
		memcpy(s->u.bytes + 16, &c16_64, 8);
		memset(s->u.bytes + 24, 0, TF_SLOT_UNION_BYTES - 24);
		if (__builtin_expect((ts > TRACEFMT_MAX_TS_NS) | (cpu >= TRACEFMT_MAX_CPUS) |
					     (pfn > TRACEFMT_MAX_PFN) |
					     (order >= TRACEFMT_MAX_ORDERS) | (c12 > max12[t]),
				     0)) {
			if (!tracefmt_event_check((const struct tracefmt_event *)(const void *)s, why,
						  len))
				snprintf(why, len, "%s: pfn -1 in the columns (a failed allocation "
					 "is coded in the row form)", tracefmt_type_name(t));
			*bad_index = i;
			*kept = k_out;
			return -ERANGE;
		}
	}
	*kept = k_out;
	if (rows != end) {
		*bad_index = nr;
		snprintf(why, len, "%zu payload bytes follow its last record", (size_t)(end - rows));
		return -EBADMSG;
	}
	return 0;
}
