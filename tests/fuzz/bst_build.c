// SPDX-License-Identifier: MIT
/*
 * bst_build: .bst images made in memory, valid down to the checksums, with
 * optional damage; and the byte grammar that lets a fuzzer drive them
 * (bst_build.h explains the interface). Records are encoded with the
 * format's own encoder and blocks are laid out per traces/FORMAT.md §3, so
 * a reader sees exactly what a writer would have written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zstd.h>

#include "bst_build.h"
#include "tracefmt_internal.h"

#define IMAGE_MAX (8u << 20) /* bytes: keeps a fuzz input's image small */

void bst_build_init(struct bst_build *b)
{
	memset(b, 0, sizeof(*b));
}

void bst_build_release(struct bst_build *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

static uint8_t *room(struct bst_build *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (n > IMAGE_MAX || b->len + n > IMAGE_MAX) {
		b->failed = true;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->buf, cap);
		if (!p) {
			b->failed = true;
			return NULL;
		}
		b->buf = p;
		b->cap = cap;
	}
	uint8_t *p = b->buf + b->len;
	b->len += n;
	return p;
}

void bst_build_bytes(struct bst_build *b, const void *p, size_t n)
{
	uint8_t *dst = room(b, n);
	if (dst && n)
		memcpy(dst, p, n);
}

void bst_build_preamble(struct bst_build *b, const void *header, size_t header_len,
			uint32_t flags)
{
	uint8_t pre[TF_PREAMBLE_LEN];

	memcpy(pre, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le16(pre + 8, TRACEFMT_VERSION_MAJOR);
	tf_put_le16(pre + 10, TRACEFMT_VERSION_MINOR);
	tf_put_le32(pre + 12, flags);
	tf_put_le32(pre + 16, (uint32_t)header_len);
	tf_put_le32(pre + 20, tf_crc32c(0, header, header_len));
	bst_build_bytes(b, pre, sizeof(pre));
	bst_build_bytes(b, header, header_len);
}

void bst_build_block(struct bst_build *b, uint16_t kind, bool zstd, uint32_t nr_records,
		     const void *raw, size_t raw_len, uint64_t first_ts_ns)
{
	size_t cap = zstd ? ZSTD_compressBound(raw_len) : raw_len;
	struct tf_block_hdr h = {
		.kind = kind,
		.codec = zstd ? TF_CODEC_ZSTD : TF_CODEC_NONE,
		.nr_records = nr_records,
		.raw_len = (uint32_t)raw_len,
		.first_ts_ns = first_ts_ns,
		.last_ts_ns = first_ts_ns,
	};

	if (b->nr_blocks == BST_BUILD_MAX_BLOCKS) {
		b->failed = true;
		return;
	}
	size_t start = b->len;
	uint8_t *p = room(b, TF_BLOCK_HDR_LEN + cap);
	if (!p)
		return;
	uint8_t *payload = p + TF_BLOCK_HDR_LEN;
	size_t n = raw_len;
	if (zstd) {
		/* One context for the process: creating one per block is most of a fuzz run. */
		static ZSTD_CCtx *cctx;
		if (!cctx)
			cctx = ZSTD_createCCtx();
		n = cctx ? ZSTD_compressCCtx(cctx, payload, cap, raw, raw_len, 1) : (size_t)-1;
		if (ZSTD_isError(n)) {
			b->failed = true;
			return;
		}
	} else if (raw_len) {
		memcpy(payload, raw, raw_len);
	}
	h.stored_len = (uint32_t)n;
	h.payload_crc = tf_crc32c(0, payload, n);
	tf_block_hdr_encode(&h, p);
	b->len = start + TF_BLOCK_HDR_LEN + n;
	b->block_off[b->nr_blocks] = start;
	b->block_len[b->nr_blocks] = TF_BLOCK_HDR_LEN + n;
	b->block_nr[b->nr_blocks] = nr_records;
	b->nr_blocks++;
	if (kind == TF_BLOCK_RECORDS || kind == TF_BLOCK_COLUMNS) {
		b->records += nr_records;
		b->blocks++;
	}
}

/* @evs as one field-major block (kind 3), as the writer makes it. */
void bst_build_columns(struct bst_build *b, const struct tracefmt_event *evs, size_t n, bool zstd)
{
	/* One set of columns for the process: 2.4 MiB, too much to allocate per block. */
	static struct tf_columns cols;
	uint8_t *raw = NULL;

	if (n == 0 || n > TRACEFMT_BLOCK_MAX_RECORDS || (!cols.kinds && tf_columns_init(&cols))) {
		b->failed = true;
		return;
	}
	tf_columns_reset(&cols, evs[0].ts_ns);
	for (size_t i = 0; i < n && !b->failed; i++) {
		if (tf_columns_size(&cols) + TF_RECORD_MAX + 1 > TRACEFMT_BLOCK_MAX_RAW)
			b->failed = true;
		else
			tf_columns_add(&cols, &evs[i]);
	}
	raw = b->failed ? NULL : malloc(tf_columns_size(&cols) + 1);
	if (raw)
		bst_build_block(b, TF_BLOCK_COLUMNS, zstd, (uint32_t)n, raw,
				tf_columns_finish(&cols, raw), evs[0].ts_ns);
	else
		b->failed = true;
	free(raw);
}

void bst_build_events(struct bst_build *b, const struct tracefmt_event *evs, size_t n, bool zstd)
{
	uint8_t *raw = malloc(n * TF_RECORD_MAX);
	struct tf_codec c;
	size_t len = 0;

	if (!raw || n == 0 || n > TRACEFMT_BLOCK_MAX_RECORDS) {
		free(raw);
		b->failed = true;
		return;
	}
	tf_codec_reset(&c, evs[0].ts_ns);
	for (size_t i = 0; i < n; i++)
		len += tf_record_encode(&c, &evs[i], raw + len);
	if (len > TRACEFMT_BLOCK_MAX_RAW)
		b->failed = true;
	else
		bst_build_block(b, TF_BLOCK_RECORDS, zstd, (uint32_t)n, raw, len, evs[0].ts_ns);
	free(raw);
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

void bst_build_end_totals(struct bst_build *b, uint64_t records, uint64_t blocks)
{
	uint8_t raw[20], *p = raw;

	p = put_varint(p, records);
	p = put_varint(p, blocks);
	bst_build_block(b, TF_BLOCK_END, true, 0, raw, (size_t)(p - raw), 0);
}

void bst_build_end(struct bst_build *b)
{
	bst_build_end_totals(b, b->records, b->blocks);
}

void bst_build_drop_block(struct bst_build *b, size_t i)
{
	if (i >= b->nr_blocks || b->failed)
		return;
	size_t off = b->block_off[i], n = b->block_len[i];
	memmove(b->buf + off, b->buf + off + n, b->len - off - n);
	b->len -= n;
	for (size_t k = i + 1; k < b->nr_blocks; k++) {
		b->block_off[k - 1] = b->block_off[k] - n;
		b->block_len[k - 1] = b->block_len[k];
		b->block_nr[k - 1] = b->block_nr[k];
	}
	b->nr_blocks--;
}

void bst_build_dup_block(struct bst_build *b, size_t i)
{
	if (i >= b->nr_blocks || b->failed || b->nr_blocks == BST_BUILD_MAX_BLOCKS)
		return;
	size_t off = b->block_off[i], n = b->block_len[i];
	uint8_t *p = room(b, n);
	if (!p)
		return;
	memcpy(p, b->buf + off, n);
	b->block_off[b->nr_blocks] = (size_t)(p - b->buf);
	b->block_len[b->nr_blocks] = n;
	b->block_nr[b->nr_blocks] = b->block_nr[i];
	b->nr_blocks++;
}

void bst_build_rekind_block(struct bst_build *b, size_t i, uint16_t kind)
{
	if (i >= b->nr_blocks || b->failed)
		return;
	uint8_t *h = b->buf + b->block_off[i];
	tf_put_le16(h + 4, kind);
	tf_put_le32(h + 44, tf_crc32c(0, h, 44));
}

int bst_build_memfd(const struct bst_build *b, char *path, size_t len)
{
	int fd = memfd_create("bst_build.bst", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < b->len) {
		ssize_t n = write(fd, b->buf + done, b->len - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * The byte grammar. Bytes are taken in order; an exhausted input reads as
 * zeros, so every input makes an image.
 */
struct src {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct src *s, unsigned int bytes)
{
	uint64_t v = 0;
	for (unsigned int i = 0; i < bytes; i++) {
		uint64_t b = 0;
		if (s->n) {
			b = *s->p++;
			s->n--;
		}
		v |= b << (8 * i);
	}
	return v;
}

struct gen {
	uint64_t ts, pfn;
	uint32_t cpu, pid;
};

static const char *const zone_names[] = { "DMA", "DMA32", "Normal", "Movable" };

/* One record from the bytes: mostly valid values, "wild" ones on request. */
static void event_from_bytes(struct src *s, struct gen *g, struct tracefmt_event *ev)
{
	uint8_t sel = (uint8_t)take(s, 1), fl = (uint8_t)take(s, 1);
	bool wild = fl & 1;

	memset(ev, 0, sizeof(*ev));
	/* Types 1..11, and now and then one this build may not know. */
	ev->type = sel < 0xf0 ? 1 + sel % 11 : 12 + (sel & 0xf);
	g->ts = fl & 2 ? take(s, 8) : g->ts + take(s, 1);
	if (!(fl & 4))
		g->cpu = wild ? (uint32_t)take(s, 4) : (uint32_t)(take(s, 1) % 8);
	if (!(fl & 8))
		g->pid = (uint32_t)take(s, 2);
	ev->ts_ns = g->ts;
	ev->cpu = g->cpu;
	ev->pid = g->pid;
	g->pfn = (g->pfn + (uint64_t)(int64_t)(int16_t)take(s, 2)) & ((1ull << 40) - 1);
	uint64_t pfn = wild ? take(s, 8) : fl & 16 ? TRACEFMT_PFN_NONE : g->pfn;
	uint32_t order = wild ? (uint32_t)take(s, 4) : (uint32_t)(take(s, 1) % 16);
	int32_t mt = wild ? (int32_t)take(s, 4) : (int32_t)(take(s, 1) % 6);
	uint32_t node = wild ? (uint32_t)take(s, 4) : (uint32_t)(take(s, 1) % 4);
	const char *zone = zone_names[take(s, 1) % 4];

	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		ev->u.alloc.pfn = pfn;
		ev->u.alloc.order = order;
		ev->u.alloc.migratetype = mt;
		ev->u.alloc.gfp_flags = take(s, 4);
		break;
	case TRACEFMT_PAGE_FREE:
		ev->u.free.pfn = pfn;
		ev->u.free.order = order;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		ev->u.free_batched.pfn = pfn;
		ev->u.free_batched.order = order;
		ev->u.free_batched.has_order = fl >> 7;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		ev->u.zone_locked.pfn = pfn;
		ev->u.zone_locked.order = order;
		ev->u.zone_locked.migratetype = mt;
		ev->u.zone_locked.percpu_refill = fl >> 7;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		ev->u.pcpu_drain.pfn = pfn;
		ev->u.pcpu_drain.order = order;
		ev->u.pcpu_drain.migratetype = mt;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		ev->u.extfrag.pfn = pfn;
		ev->u.extfrag.alloc_order = order;
		ev->u.extfrag.fallback_order = (uint32_t)(take(s, 1) % 16);
		ev->u.extfrag.alloc_migratetype = mt;
		ev->u.extfrag.fallback_migratetype = (int32_t)(take(s, 1) % 6);
		ev->u.extfrag.change_ownership = fl >> 7;
		break;
	case TRACEFMT_LOST:
		ev->u.lost.count = take(s, 4);
		if (fl & 32)
			ev->cpu = TRACEFMT_CPU_UNKNOWN;
		break;
	case TRACEFMT_CHECKPOINT: {
		__typeof__(ev->u.checkpoint) *k = &ev->u.checkpoint;
		k->seq = (uint32_t)take(s, 1);
		k->node = node;
		snprintf(k->zone, sizeof(k->zone), "%s", zone);
		k->flags = (uint32_t)take(s, 1) & 15;
		k->nr_orders = (uint32_t)(take(s, 1) % (TRACEFMT_MAX_ORDERS + 1));
		k->nr_mt = (uint32_t)(take(s, 1) % (TRACEFMT_MAX_MT + 1));
		k->nr_free_pages = take(s, 3);
		for (uint32_t o = 0; o < k->nr_orders; o++)
			for (uint32_t m = 0; m < k->nr_mt; m++)
				k->free_blocks[o][m] = (uint32_t)take(s, 1);
		for (uint32_t m = 0; m < k->nr_mt; m++)
			k->pageblocks[m] = (uint32_t)take(s, 2);
		break;
	}
	case TRACEFMT_SNAPSHOT_BLOCK:
		ev->u.snapshot_block.pfn = pfn == TRACEFMT_PFN_NONE ? g->pfn : pfn;
		ev->u.snapshot_block.position = take(s, 2);
		ev->u.snapshot_block.order = order;
		ev->u.snapshot_block.migratetype = wild ? mt : mt - 1;
		ev->u.snapshot_block.node = node;
		ev->u.snapshot_block.flags = (uint32_t)take(s, 1) & 15;
		snprintf(ev->u.snapshot_block.zone, sizeof(ev->u.snapshot_block.zone), "%s", zone);
		break;
	case TRACEFMT_SNAPSHOT_MARK:
		ev->u.snapshot_mark.phase = wild ? (uint32_t)take(s, 4) : 1u + (uint32_t)(fl >> 7);
		ev->u.snapshot_mark.method = 1 + (uint32_t)(take(s, 1) % 2);
		ev->u.snapshot_mark.flags = (uint32_t)take(s, 1) & 31;
		ev->u.snapshot_mark.count = take(s, 3);
		break;
	case TRACEFMT_COMM: {
		size_t n = (size_t)(take(s, 1) % TRACEFMT_COMM_LEN);
		for (size_t i = 0; i < n; i++)
			ev->u.comm.comm[i] = (char)('a' + take(s, 1) % 26);
		break;
	}
	default:
		break; /* a type this build does not know: the prefix only */
	}
}

static void truth_add(struct bst_build_truth *t, const struct tracefmt_event *evs, size_t n)
{
	if (!t || !t->pristine)
		return;
	struct tracefmt_event *p = realloc(t->events, (t->nr_events + n) * sizeof(*p));
	if (!p) {
		t->pristine = false;
		return;
	}
	t->events = p;
	for (size_t i = 0; i < n; i++)
		if (evs[i].type >= 1 && evs[i].type < TRACEFMT_NR_TYPES)
			t->events[t->nr_events++] = evs[i];
}

enum { OP_EVENTS = 0, OP_MANY_EVENTS = 4, OP_RAW = 5, OP_DAMAGE = 6, OP_END = 7,
       OP_UNKNOWN_KIND = 8, NR_OPS = 9 };

static void op_events(struct bst_build *b, struct src *s, struct gen *g, size_t n,
		      struct bst_build_truth *t)
{
	struct tracefmt_event *evs = calloc(n, sizeof(*evs));
	bool valid = true;

	if (!evs) {
		b->failed = true;
		return;
	}
	uint8_t mode = (uint8_t)take(s, 1);
	bool zstd = !(mode & 1);
	for (size_t i = 0; i < n; i++) {
		event_from_bytes(s, g, &evs[i]);
		if (evs[i].type < TRACEFMT_NR_TYPES && tracefmt_event_check(&evs[i], NULL, 0))
			valid = false;
	}
	if (mode & 2)
		bst_build_columns(b, evs, n, zstd);
	else
		bst_build_events(b, evs, n, zstd);
	if (t && !valid)
		t->pristine = false;
	truth_add(t, evs, n);
	free(evs);
}

static void op_damage(struct bst_build *b, struct src *s, struct bst_build_truth *t)
{
	uint8_t what = (uint8_t)take(s, 1);
	size_t i = b->nr_blocks ? (size_t)take(s, 2) % b->nr_blocks : 0;
	uint8_t junk[256];
	size_t n;

	if (t)
		t->pristine = false;
	switch (what % 5) {
	case 0:
		bst_build_drop_block(b, i);
		break;
	case 1:
		bst_build_dup_block(b, i);
		break;
	case 2:
		bst_build_rekind_block(b, i, (uint16_t)take(s, 2));
		break;
	case 3: /* bytes outside any block: garbage, or a second preamble */
		n = (size_t)take(s, 1);
		for (size_t k = 0; k < n; k++)
			junk[k] = (uint8_t)take(s, 1);
		if (what & 0x80)
			bst_build_preamble(b, "{}", 2, 1);
		bst_build_bytes(b, junk, n);
		break;
	default: /* a block header cut short */
		if (b->nr_blocks)
			b->len -= b->block_len[b->nr_blocks - 1] / 2;
		if (b->nr_blocks)
			b->nr_blocks--;
		break;
	}
}

void bst_build_from_bytes(struct bst_build *b, const uint8_t *data, size_t size,
			  const char *header, struct bst_build_truth *truth)
{
	struct src s = { data, size };
	struct gen g = { 0 };
	bool ended = false;

	if (!header)
		header = "{}";
	if (truth) {
		memset(truth, 0, sizeof(*truth));
		truth->pristine = true;
	}
	uint8_t fl = (uint8_t)take(&s, 1);
	uint32_t flags = fl == 0xa5 ? TF_FLAG_LITTLE_ENDIAN | (uint32_t)take(&s, 4) << 1
				    : TF_FLAG_LITTLE_ENDIAN;
	if (truth && flags != TF_FLAG_LITTLE_ENDIAN)
		truth->pristine = false;
	bst_build_preamble(b, header, strlen(header), flags);
	g.ts = take(&s, 4);
	while (s.n && !b->failed && b->nr_blocks < BST_BUILD_MAX_BLOCKS - 2) {
		uint8_t op = (uint8_t)(take(&s, 1) % NR_OPS);
		if (ended && truth)
			truth->pristine = false; /* anything after the end block */
		if (op < OP_MANY_EVENTS) {
			op_events(b, &s, &g, 1 + (size_t)take(&s, 1) % 64, truth);
		} else if (op == OP_MANY_EVENTS) {
			op_events(b, &s, &g, 1 + (size_t)take(&s, 2) % 4096, truth);
		} else if (op == OP_RAW) {
			/* Any bytes under a good checksum: the decoder's own fuzzing. */
			uint8_t raw[256];
			uint32_t nr = (uint32_t)take(&s, 1);
			size_t n = (size_t)take(&s, 1);
			for (size_t k = 0; k < n; k++)
				raw[k] = (uint8_t)take(&s, 1);
			bst_build_block(b, n & 1 ? TF_BLOCK_COLUMNS : TF_BLOCK_RECORDS, nr & 1, nr >> 1,
					raw, n, take(&s, 2));
			if (truth)
				truth->pristine = false;
		} else if (op == OP_DAMAGE) {
			op_damage(b, &s, truth);
		} else if (op == OP_END) {
			if (take(&s, 1) < 0xe0) {
				bst_build_end(b);
			} else {
				bst_build_end_totals(b, take(&s, 4), take(&s, 1));
				if (truth)
					truth->pristine = false;
			}
			ended = true;
		} else {
			/* A block kind from a later minor version: skipped, not counted. */
			uint8_t raw[16];
			for (size_t k = 0; k < sizeof(raw); k++)
				raw[k] = (uint8_t)take(&s, 1);
			bst_build_block(b, (uint16_t)(TF_BLOCK_COLUMNS + 1 + take(&s, 1)), false, 0, raw,
					sizeof(raw), 0);
		}
	}
	if (!ended)
		bst_build_end(b);
	if (truth && b->failed)
		truth->pristine = false;
}
