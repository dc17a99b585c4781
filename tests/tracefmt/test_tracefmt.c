// SPDX-License-Identifier: MIT
/*
 * Unit tests of the .bst writer and reader: exact round trips of every record
 * type, block boundaries, files cut at every byte, flipped bits, hostile
 * preambles, unknown record types and a write that hits a file-size limit
 * (what a full disk does to a capture). Expected values come from what the
 * test wrote, never from reading the file back with the code under test.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zstd.h>

#include "bst_build.h"
#include "harness.h"
#include "outfile.h"
#include "tracefmt.h"
#include "tracefmt_internal.h"

static char dir[1024];

static const char *tmp(const char *name)
{
	static char buf[4][1200];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* A small deterministic generator (xorshift64*), seeded per test. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/*
 * Random values within each field's limits (FORMAT.md §4) for the reclaim
 * and compaction types: -1 sometimes where a signed field allows it.
 */
static void make_mm_fields(struct tracefmt_event *ev)
{
	const struct tf_mm_desc *d = tf_mm_desc(ev->type);

	for (unsigned int i = 0; d && i < d->nr; i++) {
		const struct tf_mm_field *f = &d->f[i];
		uint64_t v;

		switch (f->kind) {
		case TF_MM_NODE: v = rnd() % TRACEFMT_MAX_NODES; break;
		case TF_MM_ZONE: v = (uint64_t)((int64_t)(rnd() % 9) - 1); break;
		case TF_MM_ORDER: v = (uint64_t)((int64_t)(rnd() % 17) - 1); break;
		case TF_MM_PFN: v = rnd() % (TRACEFMT_MAX_PFN + 2); break;
		case TF_MM_PAGES: v = rnd() % 100000; break;
		case TF_MM_BOOL: v = rnd() % 2; break;
		case TF_MM_RESULT:
		case TF_MM_PRIO: v = rnd() % (TRACEFMT_MAX_COMPACT_RESULT + 1); break;
		case TF_MM_SHIFT: v = rnd() % 64; break;
		case TF_MM_COUNT: v = (uint32_t)rnd(); break;
		default: v = rnd(); break;
		}
		tf_mm_set(ev, f, v);
	}
}

/* A record of @type with random fields (the generator's next values). */
static void make_event_of(struct tracefmt_event *ev, uint32_t type, uint64_t i)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->cpu = (uint32_t)(rnd() % 4);
	ev->pid = rnd() % 3 ? 4242 : (uint32_t)(rnd() % 100000);
	ev->ts_ns = 1000000000ull + i * 1500 + rnd() % 700; /* slightly out of order */
	uint64_t pfn = 0x100000 + rnd() % 0x500000;
	/* -1 only where the kernel prints it: a failed allocation */
	uint64_t pfn_or_none = rnd() % 8 ? pfn : TRACEFMT_PFN_NONE;
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		ev->u.alloc.pfn = pfn_or_none;
		ev->u.alloc.order = (uint32_t)(rnd() % 11);
		ev->u.alloc.migratetype = (int32_t)(rnd() % 6);
		ev->u.alloc.gfp_flags = rnd() % 2 ? 0x140cca : rnd();
		break;
	case TRACEFMT_PAGE_FREE:
		ev->u.free.pfn = pfn;
		ev->u.free.order = (uint32_t)(rnd() % 11);
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		ev->u.free_batched.pfn = pfn;
		ev->u.free_batched.order = (uint32_t)(rnd() % 4);
		ev->u.free_batched.has_order = (uint32_t)(rnd() % 2);
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		ev->u.zone_locked.pfn = pfn_or_none;
		ev->u.zone_locked.order = 3;
		ev->u.zone_locked.migratetype = 1;
		ev->u.zone_locked.percpu_refill = 1;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		ev->u.pcpu_drain.pfn = pfn;
		ev->u.pcpu_drain.order = 0;
		ev->u.pcpu_drain.migratetype = 2;
		break;
	case TRACEFMT_PAGE_ALLOC_EXTFRAG:
		ev->u.extfrag.pfn = pfn;
		ev->u.extfrag.alloc_order = 0;
		ev->u.extfrag.fallback_order = 10;
		ev->u.extfrag.alloc_migratetype = 0;
		ev->u.extfrag.fallback_migratetype = 1;
		ev->u.extfrag.change_ownership = 1;
		break;
	case TRACEFMT_LOST:
		ev->u.lost.count = rnd() % 1000000;
		break;
	case TRACEFMT_COMM:
		snprintf(ev->u.comm.comm, sizeof(ev->u.comm.comm), "proc-%llu",
			 (unsigned long long)(rnd() % 100000000));
		break;
	case TRACEFMT_CHECKPOINT:
		ev->u.checkpoint.seq = (uint32_t)i;
		ev->u.checkpoint.node = 1;
		snprintf(ev->u.checkpoint.zone, sizeof(ev->u.checkpoint.zone), "Normal");
		ev->u.checkpoint.flags = TRACEFMT_CKPT_HAS_PAGEBLOCKS;
		ev->u.checkpoint.nr_orders = 11 + (uint32_t)(rnd() % 6);
		ev->u.checkpoint.nr_mt = 5 + (uint32_t)(rnd() % 4);
		ev->u.checkpoint.nr_free_pages = rnd() % 10000000;
		for (uint32_t o = 0; o < ev->u.checkpoint.nr_orders; o++)
			for (uint32_t m = 0; m < ev->u.checkpoint.nr_mt; m++)
				ev->u.checkpoint.free_blocks[o][m] = (uint32_t)rnd();
		for (uint32_t m = 0; m < ev->u.checkpoint.nr_mt; m++)
			ev->u.checkpoint.pageblocks[m] = (uint32_t)(rnd() % 5000);
		break;
	case TRACEFMT_SNAPSHOT_BLOCK:
		ev->u.snapshot_block.pfn = pfn;
		ev->u.snapshot_block.position = rnd() % 300000;
		ev->u.snapshot_block.order = (uint32_t)(rnd() % 11);
		ev->u.snapshot_block.migratetype = (int32_t)(rnd() % 5) - 1;
		ev->u.snapshot_block.node = 0;
		ev->u.snapshot_block.flags = TRACEFMT_SNAP_PCP;
		snprintf(ev->u.snapshot_block.zone, sizeof(ev->u.snapshot_block.zone), "DMA32");
		break;
	case TRACEFMT_SNAPSHOT_MARK:
		ev->u.snapshot_mark.phase = TRACEFMT_SNAP_END;
		ev->u.snapshot_mark.method = TRACEFMT_SNAP_METHOD_BPF;
		ev->u.snapshot_mark.flags = 3;
		ev->u.snapshot_mark.count = rnd() % 1000000;
		break;
	case TRACEFMT_SNAPSHOT_WALK:
		ev->cpu = rnd() % 2 ? TRACEFMT_WALK_BUDDY_CPU : ev->cpu;
		ev->u.snapshot_walk.node = (uint32_t)(rnd() % 4);
		snprintf(ev->u.snapshot_walk.zone, sizeof(ev->u.snapshot_walk.zone), "Normal");
		ev->u.snapshot_walk.flags = (uint32_t)(rnd() % 16);
		ev->u.snapshot_walk.end_ns = ev->ts_ns + rnd() % 40000000;
		break;
	case TRACEFMT_ZONE_STATE: {
		__typeof__(ev->u.zone_state) *z = &ev->u.zone_state;
		z->seq = (uint32_t)i;
		z->node = (uint32_t)(rnd() % 4);
		snprintf(z->zone, sizeof(z->zone), "DMA32");
		z->flags = (uint32_t)(rnd() % 16);
		z->start_pfn = rnd() % 0x1000000;
		z->spanned = rnd() % 0x1000000;
		z->present = z->spanned - z->spanned / (1 + rnd() % 8); /* managed <= present <= spanned */
		z->managed = z->present - z->present / (1 + rnd() % 8);
		z->min = rnd() % 100000;
		z->low = rnd() % 100000;
		z->high = rnd() % 100000;
		z->promo = rnd() % 100000;
		z->boost = rnd() % 1000;
		z->nr_free_pages = rnd();
		z->min_free_kbytes = rnd() % 300000;
		z->pcp_batch = rnd() % 64;
		z->pcp_high_min = rnd() % 100000;
		z->pcp_high_max = rnd();
		z->nr_protection = (uint32_t)(rnd() % (TRACEFMT_MAX_ZONE_TYPES + 1));
		for (uint32_t k = 0; k < z->nr_protection; k++)
			z->protection[k] = rnd() % 1000000;
		break;
	}
	case TRACEFMT_WMARK:
		ev->u.wmark.node = (uint32_t)(rnd() % 4);
		snprintf(ev->u.wmark.zone, sizeof(ev->u.wmark.zone), "Movable");
		ev->u.wmark.min = rnd() % 100000;
		ev->u.wmark.low = rnd() % 100000;
		ev->u.wmark.high = rnd() % 100000;
		ev->u.wmark.promo = rnd();
		break;
	case TRACEFMT_TRIGGER:
		ev->u.trigger.kind = 1 + (uint32_t)(rnd() % TRACEFMT_TRIGGER_MAX_KIND);
		ev->u.trigger.node = (uint32_t)(rnd() % 4);
		snprintf(ev->u.trigger.zone, sizeof(ev->u.trigger.zone), "Normal");
		ev->u.trigger.order = rnd() % 16;
		ev->u.trigger.value = rnd();
		ev->u.trigger.limit = rnd() % 100000;
		break;
	case TRACEFMT_VMSTAT:
		ev->u.vmstat.seq = (uint32_t)i;
		snprintf(ev->u.vmstat.name, sizeof(ev->u.vmstat.name), "compact_%llu",
			 (unsigned long long)(rnd() % 1000));
		ev->u.vmstat.value = rnd() >> (rnd() % 64);
		break;
	default:
		make_mm_fields(ev);
		break;
	}
}

static void make_event(struct tracefmt_event *ev, uint64_t i)
{
	make_event_of(ev, 1 + (uint32_t)(rnd() % (TRACEFMT_NR_TYPES - 1)), i);
}

/*
 * The reader defines the whole member for checkpoints, snapshot walks, zone
 * states and watermarks, the first 48 bytes of the union otherwise.
 */
static int events_equal(const struct tracefmt_event *a, const struct tracefmt_event *b)
{
	size_t n = offsetof(struct tracefmt_event, u) + sizeof(a->u.snapshot_block);

	if (a->type == TRACEFMT_CHECKPOINT)
		n = sizeof(*a);
	else if (a->type == TRACEFMT_SNAPSHOT_WALK)
		n = offsetof(struct tracefmt_event, u) + sizeof(a->u.snapshot_walk);
	else if (a->type == TRACEFMT_ZONE_STATE)
		n = offsetof(struct tracefmt_event, u) + sizeof(a->u.zone_state);
	else if (a->type == TRACEFMT_WMARK)
		n = offsetof(struct tracefmt_event, u) + sizeof(a->u.wmark);
	else if (a->type == TRACEFMT_TRIGGER)
		n = offsetof(struct tracefmt_event, u) + sizeof(a->u.trigger);
	return memcmp(a, b, n) == 0;
}

/* Write @n events, flushing every @per_block; block end offsets go to @ends. */
static void write_bytes(const char *path, const void *p, size_t n);
static const struct tracefmt_writer_opts *write_opts; /* of write_trace(); NULL: defaults */

static void write_trace(const char *path, uint64_t seed, size_t n, size_t per_block,
			uint64_t *ends, size_t *nr_ends, uint64_t *end_off)
{
	struct bs_error err;
	const char *hdr = "{\"format\":\"buddyscope-trace\",\"source\":\"test\"}";
	struct tracefmt_writer *w = tracefmt_writer_create(path, hdr, strlen(hdr), write_opts, &err);
	REQUIRE(w);
	rng_state = seed;
	size_t blocks = 0;
	for (size_t i = 0; i < n; i++) {
		struct tracefmt_event ev;
		make_event(&ev, i);
		REQUIRE(tracefmt_writer_append(w, &ev) == 0);
		if ((i + 1) % per_block == 0) {
			REQUIRE(tracefmt_writer_flush(w) == 0);
			if (ends)
				ends[blocks++] = tracefmt_writer_bytes(w);
		}
	}
	REQUIRE(tracefmt_writer_flush(w) == 0);
	if (ends && n % per_block)
		ends[blocks++] = tracefmt_writer_bytes(w);
	if (nr_ends)
		*nr_ends = blocks;
	if (end_off)
		*end_off = tracefmt_writer_bytes(w);
	REQUIRE(tracefmt_writer_close(w, &err) == 0);
}

/* Read the whole file; check records against the generator; return the count. */
static size_t read_and_compare(const char *path, uint64_t seed, size_t skip_from,
			       size_t skip_to, struct tracefmt_reader_stats *st_out)
{
	struct bs_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	if (!r)
		return (size_t)-1;
	rng_state = seed;
	size_t i = 0, got = 0, mismatches = 0;
	struct tracefmt_event ev, want;
	while (tracefmt_reader_next(r, &ev) == 1) {
		make_event(&want, i);
		while (i >= skip_from && i < skip_to) {
			i++;
			make_event(&want, i);
		}
		if (!events_equal(&ev, &want))
			mismatches++;
		i++;
		got++;
	}
	CHECK_EQ_U64(mismatches, 0);
	if (st_out)
		*st_out = *tracefmt_reader_stats(r);
	tracefmt_reader_close(r);
	return got;
}

static void test_roundtrip(void)
{
	const char *path = tmp("roundtrip.bst");
	size_t n = 250000;
	write_trace(path, 1, n, 30000, NULL, NULL, NULL);
	struct tracefmt_reader_stats st;
	CHECK_EQ_U64(read_and_compare(path, 1, 0, 0, &st), n);
	CHECK(st.complete);
	CHECK(!st.truncated);
	CHECK_EQ_U64(st.blocks_corrupt, 0);
	/* flushed every 30000 records (and more often when 1 MiB fills), + end block */
	CHECK(st.blocks_ok >= 9 + 1);
	CHECK_EQ_U64(st.intact_end, st.file_size);

	/* Header blob comes back byte for byte. */
	struct bs_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	size_t len;
	const char *h = tracefmt_reader_header(r, &len);
	CHECK(len == strlen("{\"format\":\"buddyscope-trace\",\"source\":\"test\"}"));
	CHECK(h && !strcmp(h, "{\"format\":\"buddyscope-trace\",\"source\":\"test\"}"));
	/* rewind gives the same stream again */
	struct tracefmt_event ev;
	size_t c1 = 0, c2 = 0;
	while (tracefmt_reader_next(r, &ev) == 1)
		c1++;
	tracefmt_reader_rewind(r);
	while (tracefmt_reader_next(r, &ev) == 1)
		c2++;
	CHECK_EQ_U64(c1, n);
	CHECK_EQ_U64(c2, n);
	tracefmt_reader_close(r);
}

/*
 * Blocks written without compression (codec 0) read back the same, and a
 * flipped payload bit is still caught by the payload checksum.
 */
static void test_uncompressed(void)
{
	const char *path = tmp("plain.bst"), *flip = tmp("plain-flip.bst");
	const struct tracefmt_writer_opts plain = { .uncompressed = true };
	size_t n = 8000, nr_ends, size;
	uint64_t ends[16];
	static uint8_t buf[1 << 20];
	struct tracefmt_reader_stats st;
	FILE *f;

	write_opts = &plain;
	write_trace(path, 5, n, 2000, ends, &nr_ends, NULL);
	write_opts = NULL;
	CHECK_EQ_U64(read_and_compare(path, 5, 0, 0, &st), n);
	CHECK(st.complete);
	f = fopen(path, "rb");
	REQUIRE(f);
	size = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	REQUIRE(size < sizeof(buf));
	/* the first block's codec field (FORMAT.md §3, offset 6) is 0 */
	CHECK_EQ_U64(tf_get_le16(buf + TF_PREAMBLE_LEN +
				 strlen("{\"format\":\"buddyscope-trace\",\"source\":\"test\"}") + 6),
		     TF_CODEC_NONE);
	buf[ends[1] + TF_BLOCK_HDR_LEN + 100] ^= 0x10; /* inside block 3's payload */
	write_bytes(flip, buf, size);
	CHECK_EQ_U64(read_and_compare(flip, 5, 4000, 6000, &st), n - 2000);
	CHECK_EQ_U64(st.blocks_corrupt, 1);
	CHECK_STR_CONTAINS(st.first_corruption, "payload_crc");
}

/* The largest values the format allows come back exactly (FORMAT.md §4, value limits). */
static void test_edge_values(void)
{
	const char *path = tmp("edges.bst");
	struct bs_error err;
	struct tracefmt_writer *w = tracefmt_writer_create(path, "", 0, NULL, &err);
	REQUIRE(w);
	struct tracefmt_event in[6];
	memset(in, 0, sizeof(in));
	in[0].type = TRACEFMT_PAGE_ALLOC;
	in[0].ts_ns = (uint64_t)INT64_MAX;
	in[0].cpu = TRACEFMT_MAX_CPUS - 1;
	in[0].pid = UINT32_MAX;
	in[0].u.alloc.pfn = TRACEFMT_PFN_NONE;
	in[0].u.alloc.order = TRACEFMT_MAX_ORDERS - 1;
	in[0].u.alloc.migratetype = TRACEFMT_MAX_MT - 1;
	in[0].u.alloc.gfp_flags = UINT64_MAX;
	in[1].type = TRACEFMT_PAGE_FREE;
	in[1].ts_ns = 0; /* a backwards jump of 2^63 - 1 */
	in[1].u.free.pfn = TRACEFMT_MAX_PFN;
	in[2].type = TRACEFMT_COMM;
	in[2].pid = 7;
	memcpy(in[2].u.comm.comm, "fifteen-chars!!", 16);
	in[3].type = TRACEFMT_PAGE_ALLOC_EXTFRAG;
	in[3].u.extfrag.alloc_migratetype = TRACEFMT_MAX_MT - 1;
	in[3].u.extfrag.fallback_order = TRACEFMT_MAX_ORDERS - 1;
	in[4].type = TRACEFMT_LOST;
	in[4].cpu = TRACEFMT_CPU_UNKNOWN;
	in[4].u.lost.count = UINT64_MAX;
	in[5].type = TRACEFMT_SNAPSHOT_BLOCK;
	in[5].u.snapshot_block.pfn = TRACEFMT_MAX_PFN - 1;
	in[5].u.snapshot_block.migratetype = -1;
	in[5].u.snapshot_block.node = TRACEFMT_MAX_NODES - 1;
	in[5].u.snapshot_block.position = UINT64_MAX;
	for (int i = 0; i < 6; i++)
		REQUIRE(tracefmt_writer_append(w, &in[i]) == 0);
	REQUIRE(tracefmt_writer_close(w, &err) == 0);

	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	struct tracefmt_event ev;
	for (int i = 0; i < 6; i++) {
		CHECK(tracefmt_reader_next(r, &ev) == 1);
		CHECK(events_equal(&ev, &in[i]));
	}
	CHECK(tracefmt_reader_next(r, &ev) == 0);
	CHECK(tracefmt_reader_stats(r)->complete);
	tracefmt_reader_close(r);
}

/*
 * Format 1.2: a lost record carries its loss window (FORMAT.md §4, type 7),
 * first_ns <= last_ns <= ts; a record without one (1.1, imports) reads
 * back with both 0.
 */
static void test_lost_window(void)
{
	const char *path = tmp("lost-window.bst");
	struct bs_error err;
	struct tracefmt_writer *w = tracefmt_writer_create(path, "", 0, NULL, &err);
	struct tracefmt_event in[4], ev;
	char why[160];

	REQUIRE(w);
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 4; i++) {
		in[i].type = TRACEFMT_LOST;
		in[i].cpu = (uint32_t)i;
		in[i].ts_ns = 5000000000ull + (uint64_t)i;
		in[i].u.lost.count = 10u + (uint64_t)i;
	}
	in[0].u.lost.first_ns = 4000000000ull; /* a second-long window ending before ts */
	in[0].u.lost.last_ns = 4999999999ull;
	in[1].u.lost.first_ns = in[1].u.lost.last_ns = in[1].ts_ns; /* one drop, reported at once */
	in[3].cpu = TRACEFMT_CPU_UNKNOWN;
	in[3].u.lost.first_ns = 1; /* the widest window the limits allow */
	in[3].u.lost.last_ns = in[3].ts_ns;
	for (int i = 0; i < 4; i++) {
		CHECK(tracefmt_event_check(&in[i], why, sizeof(why)) == 0);
		REQUIRE(tracefmt_writer_append(w, &in[i]) == 0);
	}
	REQUIRE(tracefmt_writer_close(w, &err) == 0);
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	CHECK_EQ_U64(tracefmt_reader_stats(r)->version_minor, 4);
	for (int i = 0; i < 4; i++) {
		CHECK(tracefmt_reader_next(r, &ev) == 1);
		CHECK(events_equal(&ev, &in[i]));
		CHECK_EQ_U64(ev.u.lost.first_ns, in[i].u.lost.first_ns);
		CHECK_EQ_U64(ev.u.lost.last_ns, in[i].u.lost.last_ns);
	}
	CHECK(tracefmt_reader_next(r, &ev) == 0);
	CHECK(tracefmt_reader_stats(r)->complete);
	tracefmt_reader_close(r);

	/* Windows that cannot be: after ts, reversed, a first without a last. */
	ev = in[0];
	ev.u.lost.last_ns = ev.ts_ns + 1;
	CHECK(tracefmt_event_check(&ev, why, sizeof(why)) == -EINVAL);
	CHECK_STR_CONTAINS(why, "lost: window");
	ev = in[0];
	ev.u.lost.first_ns = ev.u.lost.last_ns + 1;
	CHECK(tracefmt_event_check(&ev, why, sizeof(why)) == -EINVAL);
	ev = in[0];
	ev.u.lost.last_ns = 0;
	CHECK(tracefmt_event_check(&ev, why, sizeof(why)) == -EINVAL);
}

/*
 * tracefmt_writer_set_limit(): the file never passes the limit, it stays a
 * complete trace, the records kept are the first ones in order, and one lost
 * record (cpu unknown) counts the rest with their window.
 */
static uint64_t limit_pfn(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1; /* splitmix64's mixer */

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) & ((1ull << 30) - 1);
}

static void test_size_limit(void)
{
	const char *path = tmp("limit.bst");
	const uint64_t limit = 64 * 1024, n = 200000;
	struct tracefmt_writer_opts small = { .block_records = 1000 };
	struct bs_error err;
	struct tracefmt_writer *w = tracefmt_writer_create(path, "", 0, &small, &err);
	struct tracefmt_event ev, in;
	uint64_t kept = 0, lost = 0, lost_records = 0, first = 0, last = 0;
	struct stat sb;

	REQUIRE(w);
	tracefmt_writer_set_limit(w, limit);
	for (uint64_t i = 0; i < n; i++) {
		memset(&in, 0, sizeof(in));
		in.type = TRACEFMT_PAGE_FREE;
		in.cpu = (uint32_t)(i % 2);
		in.ts_ns = 1000000 + i * 10;
		in.u.free.pfn = limit_pfn(i); /* scattered: compresses poorly */
		REQUIRE(tracefmt_writer_append(w, &in) == 0);
	}
	CHECK(tracefmt_writer_limit_reached(w));
	uint64_t dropped = tracefmt_writer_dropped(w);
	CHECK(dropped > 0 && dropped < n);
	REQUIRE(tracefmt_writer_close(w, &err) == 0);
	REQUIRE(stat(path, &sb) == 0);
	CHECK((uint64_t)sb.st_size <= limit);

	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type == TRACEFMT_LOST) {
			lost += ev.u.lost.count;
			lost_records++;
			CHECK(ev.cpu == TRACEFMT_CPU_UNKNOWN);
			first = ev.u.lost.first_ns;
			last = ev.u.lost.last_ns;
			continue;
		}
		CHECK(ev.type == TRACEFMT_PAGE_FREE);
		CHECK_EQ_U64(ev.ts_ns, 1000000 + kept * 10); /* a prefix, in order */
		CHECK_EQ_U64(ev.u.free.pfn, limit_pfn(kept));
		kept++;
	}
	CHECK(tracefmt_reader_stats(r)->complete);
	tracefmt_reader_close(r);
	CHECK_EQ_U64(lost_records, 1);
	CHECK_EQ_U64(lost, dropped);
	CHECK_EQ_U64(kept + lost, n);
	CHECK_EQ_U64(first, 1000000 + kept * 10);	 /* the first record not kept */
	CHECK_EQ_U64(last, 1000000 + (n - 1) * 10); /* the last appended */
}

/* tracefmt_event_page(): each page event's own pfn and order fields; no page for the rest. */
static void test_event_page(void)
{
	struct tracefmt_event ev;
	uint64_t pfn = 7;
	uint32_t order = 7;

	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_PAGE_PCPU_DRAIN;
	ev.u.pcpu_drain.pfn = 0x1234;
	ev.u.pcpu_drain.order = 3;
	CHECK(tracefmt_event_page(&ev, &pfn, &order));
	CHECK_EQ_U64(pfn, 0x1234);
	CHECK_EQ_U64(order, 3);
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_PAGE_ALLOC_EXTFRAG;
	ev.u.extfrag.pfn = 0x200;
	ev.u.extfrag.alloc_order = 2;
	ev.u.extfrag.fallback_order = 9;
	CHECK(tracefmt_event_page(&ev, &pfn, &order));
	CHECK_EQ_U64(pfn, 0x200);
	CHECK_EQ_U64(order, 2); /* the allocation's order, not the fallback block's */
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACEFMT_LOST;
	pfn = order = 7;
	CHECK(!tracefmt_event_page(&ev, &pfn, &order));
	CHECK_EQ_U64(pfn, 7);
	CHECK_EQ_U64(order, 7);
}

static void test_cut_everywhere(void)
{
	const char *path = tmp("cut-src.bst");
	const char *cut = tmp("cut.bst");
	uint64_t ends[16];
	size_t nr_ends, per = 40, n = 200;
	uint64_t end_off;
	write_trace(path, 7, n, per, ends, &nr_ends, &end_off);
	REQUIRE(nr_ends == 5);

	FILE *f = fopen(path, "rb");
	REQUIRE(f);
	static uint8_t buf[1 << 20];
	size_t size = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	size_t header_end = TF_PREAMBLE_LEN + strlen("{\"format\":\"buddyscope-trace\",\"source\":\"test\"}");

	int bad = 0;
	for (size_t len = 0; len < size; len++) {
		f = fopen(cut, "wb");
		REQUIRE(f);
		fwrite(buf, 1, len, f);
		fclose(f);
		struct tracefmt_reader_stats st;
		size_t got = read_and_compare(cut, 7, 0, 0, &st);
		size_t want = 0;
		uint64_t intact = header_end;
		for (size_t b = 0; b < nr_ends; b++)
			if (ends[b] <= len) {
				want += per;
				intact = ends[b];
			}
		if (len < header_end) {
			if (got != (size_t)-1)
				bad++;
			continue;
		}
		if (got != want || !st.truncated || st.complete || st.intact_end != intact ||
		    !st.stop_reason[0])
			bad++;
	}
	CHECK_EQ_U64(bad, 0);
}

static void test_bit_flips(void)
{
	const char *path = tmp("flip-src.bst");
	const char *flip = tmp("flip.bst");
	uint64_t ends[16];
	size_t nr_ends, per = 50, n = 250;
	write_trace(path, 11, n, per, ends, &nr_ends, NULL);
	FILE *f = fopen(path, "rb");
	REQUIRE(f);
	static uint8_t buf[1 << 20];
	size_t size = fread(buf, 1, sizeof(buf), f);
	fclose(f);

	int bad = 0, tried = 0;
	for (size_t pos = ends[0]; pos < ends[nr_ends - 1]; pos += 3) {
		/* Which block does pos fall in? ends[b-1] <= pos < ends[b]. */
		size_t b = 1;
		while (ends[b] <= pos)
			b++;
		buf[pos] ^= (uint8_t)(1u << (pos % 8));
		f = fopen(flip, "wb");
		REQUIRE(f);
		fwrite(buf, 1, size, f);
		fclose(f);
		buf[pos] ^= (uint8_t)(1u << (pos % 8));
		struct tracefmt_reader_stats st;
		size_t got = read_and_compare(flip, 11, b * per, (b + 1) * per, &st);
		tried++;
		/*
		 * Exactly the hit block is lost; the rest is intact, the end seen,
		 * and its totals say what is missing: the trace is not complete.
		 */
		if (got != n - per || st.blocks_corrupt != 1 || st.complete || !st.end_seen ||
		    st.records_missing != per || st.blocks_missing != 1 ||
		    st.intact_end != ends[b - 1] || !st.first_corruption[0] ||
		    !strstr(st.stop_reason, "50 records and 1 block missing"))
			bad++;
	}
	CHECK(tried > 100);
	CHECK_EQ_U64(bad, 0);
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	REQUIRE(f);
	fwrite(p, 1, n, f);
	fclose(f);
}

static void expect_open_error(const char *path, const char *needle)
{
	struct bs_error err = { 0 };
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	CHECK(r == NULL);
	CHECK_STR_CONTAINS(err.text, needle);
	CHECK_STR_CONTAINS(err.text, path);
	tracefmt_reader_close(r);
}

static void test_hostile_preambles(void)
{
	uint8_t pre[TF_PREAMBLE_LEN + 2];
	memcpy(pre, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le16(pre + 8, TRACEFMT_VERSION_MAJOR + 1);
	tf_put_le16(pre + 10, 0);
	tf_put_le32(pre + 12, TF_FLAG_LITTLE_ENDIAN);
	tf_put_le32(pre + 16, 2);
	tf_put_le32(pre + 20, tf_crc32c(0, "{}", 2));
	memcpy(pre + TF_PREAMBLE_LEN, "{}", 2);
	write_bytes(tmp("future.bst"), pre, sizeof(pre));
	expect_open_error(tmp("future.bst"), "version 2.0 is not supported");

	tf_put_le16(pre + 8, TRACEFMT_VERSION_MAJOR);
	tf_put_le32(pre + 16, 0x7fffffff);
	write_bytes(tmp("absurd.bst"), pre, sizeof(pre));
	expect_open_error(tmp("absurd.bst"), "offset 16, field header_len");

	tf_put_le32(pre + 16, 2);
	tf_put_le32(pre + 20, 12345);
	write_bytes(tmp("badhdr.bst"), pre, sizeof(pre));
	expect_open_error(tmp("badhdr.bst"), "offset 20, field header_crc");

	write_bytes(tmp("text.bst"), "# tracer: nop\n#\n# entries-in-buffer\n", 37);
	expect_open_error(tmp("text.bst"), "wrong magic");
	write_bytes(tmp("empty.bst"), "", 0);
	expect_open_error(tmp("empty.bst"), "empty file");
	write_bytes(tmp("short.bst"), TF_MAGIC, 8);
	expect_open_error(tmp("short.bst"), "shorter than");
	expect_open_error(dir, "is a directory");
	expect_open_error(tmp("does-not-exist.bst"), "No such file");
	if (geteuid() != 0) {
		write_bytes(tmp("noperm.bst"), "x", 1);
		chmod(tmp("noperm.bst"), 0);
		expect_open_error(tmp("noperm.bst"), "Permission denied");
	}
}

/* A block holding a record of a type this reader does not know, between two known ones. */
static void test_unknown_type_skipped(void)
{
	uint8_t raw[64], *p = raw;
	struct tf_codec c;
	struct tracefmt_event a = { .type = TRACEFMT_PAGE_FREE, .ts_ns = 100, .cpu = 1 };
	a.u.free.pfn = 5000;
	tf_codec_reset(&c, 100);
	p += tf_record_encode(&c, &a, p);
	/* type 40, not same cpu/pid: tag 160 = 0xa0 0x01, body: ts +5, cpu 1, pid 0, 3 bytes */
	const uint8_t unknown[] = { 0xa0, 0x01, 6, 10, 1, 0, 0xde, 0xad, 0xbe };
	memcpy(p, unknown, sizeof(unknown));
	p += sizeof(unknown);
	c.last_ts_ns += 5;
	struct tracefmt_event b = { .type = TRACEFMT_PAGE_FREE, .ts_ns = 110, .cpu = 1 };
	b.u.free.pfn = 5001;
	p += tf_record_encode(&c, &b, p);

	uint8_t block[TF_BLOCK_HDR_LEN + 256];
	size_t n = ZSTD_compress(block + TF_BLOCK_HDR_LEN, 256, raw, (size_t)(p - raw), 1);
	REQUIRE(!ZSTD_isError(n));
	struct tf_block_hdr h = { .kind = TF_BLOCK_RECORDS, .codec = TF_CODEC_ZSTD, .nr_records = 3,
				  .raw_len = (uint32_t)(p - raw), .stored_len = (uint32_t)n,
				  .first_ts_ns = 100, .last_ts_ns = 110 };
	h.payload_crc = tf_crc32c(0, block + TF_BLOCK_HDR_LEN, n);
	tf_block_hdr_encode(&h, block);

	uint8_t pre[TF_PREAMBLE_LEN];
	memcpy(pre, TF_MAGIC, TF_MAGIC_LEN);
	tf_put_le16(pre + 8, 1);
	tf_put_le16(pre + 10, 7); /* a newer minor version is readable */
	tf_put_le32(pre + 12, TF_FLAG_LITTLE_ENDIAN);
	tf_put_le32(pre + 16, 0);
	tf_put_le32(pre + 20, tf_crc32c(0, "", 0));
	FILE *f = fopen(tmp("unknown.bst"), "wb");
	REQUIRE(f);
	fwrite(pre, 1, sizeof(pre), f);
	fwrite(block, 1, TF_BLOCK_HDR_LEN + n, f);
	fclose(f);

	struct bs_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(tmp("unknown.bst"), &err);
	REQUIRE(r);
	struct tracefmt_event ev;
	CHECK(tracefmt_reader_next(r, &ev) == 1);
	CHECK_EQ_U64(ev.u.free.pfn, 5000);
	CHECK(tracefmt_reader_next(r, &ev) == 1);
	CHECK_EQ_U64(ev.u.free.pfn, 5001);
	CHECK_EQ_U64(ev.ts_ns, 110);
	CHECK(tracefmt_reader_next(r, &ev) == 0);
	CHECK_EQ_U64(tracefmt_reader_stats(r)->skipped_records, 1);
	CHECK_EQ_U64(tracefmt_reader_stats(r)->blocks_corrupt, 0);
	CHECK(tracefmt_reader_stats(r)->truncated); /* no end block written */
	tracefmt_reader_close(r);
}

/*
 * A reader that predates a record type must skip it and stay in step. The
 * new types (12-14) code no pfn delta: a block holding pfn records around
 * each of them decodes the same when the new record is re-tagged with a
 * type this reader does not know (31, still a one-byte tag), which is what
 * an older reader sees.
 */
static void test_new_types_skippable(void)
{
	/* 1.1-1.2 types, and 1.4's reclaim, compaction and vmstat types (FORMAT.md §2) */
	static const uint32_t types[] = {
		TRACEFMT_SNAPSHOT_WALK, TRACEFMT_ZONE_STATE, TRACEFMT_WMARK, TRACEFMT_TRIGGER,
		TRACEFMT_VMSCAN_WAKEUP_KSWAPD, TRACEFMT_VMSCAN_KSWAPD_WAKE,
		TRACEFMT_VMSCAN_KSWAPD_SLEEP, TRACEFMT_VMSCAN_DIRECT_BEGIN,
		TRACEFMT_VMSCAN_DIRECT_END, TRACEFMT_COMPACTION_BEGIN, TRACEFMT_COMPACTION_END,
		TRACEFMT_COMPACTION_ISOLATE_MIGRATE, TRACEFMT_COMPACTION_ISOLATE_FREE,
		TRACEFMT_COMPACTION_FAST_ISOLATE_FREE, TRACEFMT_COMPACTION_MIGRATEPAGES,
		TRACEFMT_COMPACTION_FINISHED, TRACEFMT_COMPACTION_SUITABLE,
		TRACEFMT_COMPACTION_DEFERRED, TRACEFMT_COMPACTION_DEFER_COMPACTION,
		TRACEFMT_COMPACTION_DEFER_RESET, TRACEFMT_COMPACTION_KCOMPACTD_WAKE,
		TRACEFMT_COMPACTION_WAKEUP_KCOMPACTD, TRACEFMT_COMPACTION_KCOMPACTD_SLEEP,
		TRACEFMT_COMPACTION_TRY_TO_COMPACT, TRACEFMT_VMSTAT,
	};

	CHECK_EQ_U64(sizeof(types) / sizeof(types[0]), TRACEFMT_NR_TYPES - TRACEFMT_SNAPSHOT_WALK);
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		uint8_t raw[2048], old[2048], *p = raw, *mid, *q;
		struct tf_codec c;
		struct tracefmt_event a = { .type = TRACEFMT_PAGE_FREE, .ts_ns = 100, .cpu = 1 };
		struct tracefmt_event n, b = { .type = TRACEFMT_PAGE_FREE, .ts_ns = 130, .cpu = 0 };
		struct tracefmt_event ev;
		const uint8_t *pos;
		const char *why;
		size_t tag_len = types[t] < 32 ? 1 : 2;

		rng_state = 11 + t;
		make_event_of(&n, types[t], 5);
		n.ts_ns = 120;
		if (n.type == TRACEFMT_SNAPSHOT_WALK)
			n.u.snapshot_walk.end_ns = 125;
		a.u.free.pfn = 0x123456;
		b.u.free.pfn = 0x123457;
		tf_codec_reset(&c, 100);
		p += tf_record_encode(&c, &a, p);
		mid = p;
		p += tf_record_encode(&c, &n, p);
		p += tf_record_encode(&c, &b, p);
		/* the tag: (type << 2) | flags, one byte up to type 31 */
		CHECK_EQ_U64(tag_len == 1 ? *mid >> 2 : ((mid[0] & 0x7f) | mid[1] << 7) >> 2, types[t]);

		/* This reader: all three, exactly. */
		tf_codec_reset(&c, 100);
		pos = raw;
		CHECK(tf_record_decode(&c, &pos, p, &ev, &why) == 1);
		CHECK(tf_record_decode(&c, &pos, p, &ev, &why) == 1);
		CHECK(events_equal(&ev, &n));
		CHECK(tf_record_decode(&c, &pos, p, &ev, &why) == 1);
		CHECK_EQ_U64(ev.u.free.pfn, 0x123457);

		/*
		 * An older reader, to which the middle record's type is unknown:
		 * given a type no reader knows (100, a two-byte tag, same flag
		 * bits), it is skipped and the next one is intact.
		 */
		q = old;
		memcpy(q, raw, (size_t)(mid - raw));
		q += mid - raw;
		*q++ = (uint8_t)(0x80 | ((100u << 2 | (*mid & 3)) & 0x7f));
		*q++ = (uint8_t)((100u << 2) >> 7);
		memcpy(q, mid + tag_len, (size_t)(p - mid) - tag_len);
		q += (p - mid) - tag_len;
		tf_codec_reset(&c, 100);
		pos = old;
		CHECK(tf_record_decode(&c, &pos, q, &ev, &why) == 1);
		CHECK(tf_record_decode(&c, &pos, q, &ev, &why) == 0);
		CHECK(tf_record_decode(&c, &pos, q, &ev, &why) == 1);
		CHECK_EQ_U64(ev.u.free.pfn, 0x123457);
		CHECK_EQ_U64(ev.ts_ns, 130);
		CHECK_EQ_U64(ev.cpu, 0);
		CHECK(pos == q);
	}
}

/* Values at the edges of the new record types come back exactly. */
static void test_new_types_edges(void)
{
	const char *path = tmp("newtypes.bst");
	struct bs_error err;
	struct tracefmt_writer *w = tracefmt_writer_create(path, "", 0, NULL, &err);
	struct tracefmt_event in[3], ev;
	struct tracefmt_reader *r;

	REQUIRE(w);
	memset(in, 0, sizeof(in));
	in[0].type = TRACEFMT_SNAPSHOT_WALK;
	in[0].cpu = TRACEFMT_WALK_BUDDY_CPU;
	in[0].ts_ns = 5000;
	in[0].u.snapshot_walk.end_ns = 4000; /* earlier than ts: still exact */
	in[0].u.snapshot_walk.flags = UINT32_MAX;
	memcpy(in[0].u.snapshot_walk.zone, "fifteen-chars!!", 16);
	/* At the format limits (FORMAT.md §4): a zone ending at the last pfn. */
	in[1].type = TRACEFMT_ZONE_STATE;
	in[1].ts_ns = TRACEFMT_MAX_TS_NS;
	in[1].u.zone_state.seq = UINT32_MAX;
	in[1].u.zone_state.node = TRACEFMT_MAX_NODES - 1;
	in[1].u.zone_state.start_pfn = TRACEFMT_MAX_PFN;
	in[1].u.zone_state.spanned = 1;
	in[1].u.zone_state.present = 1;
	in[1].u.zone_state.managed = 1;
	in[1].u.zone_state.min_free_kbytes = UINT64_MAX;
	in[1].u.zone_state.nr_protection = TRACEFMT_MAX_ZONE_TYPES;
	for (int k = 0; k < TRACEFMT_MAX_ZONE_TYPES; k++)
		in[1].u.zone_state.protection[k] = UINT64_MAX - (uint64_t)k;
	in[2].type = TRACEFMT_WMARK;
	in[2].u.wmark.node = TRACEFMT_MAX_NODES - 1;
	in[2].u.wmark.promo = UINT64_MAX;
	for (int i = 0; i < 3; i++)
		REQUIRE(tracefmt_writer_append(w, &in[i]) == 0);
	REQUIRE(tracefmt_writer_close(w, &err) == 0);
	r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	for (int i = 0; i < 3; i++) {
		memset(&ev, 0xa5, sizeof(ev)); /* stale bytes must not survive */
		CHECK(tracefmt_reader_next(r, &ev) == 1);
		CHECK(events_equal(&ev, &in[i]));
	}
	CHECK(tracefmt_reader_next(r, &ev) == 0);
	tracefmt_reader_close(r);
}

/*
 * A write that fails part-way (here: RLIMIT_FSIZE, which fails write() with
 * EFBIG just as a full disk fails it with ENOSPC) must report the error and
 * leave every block flushed before it readable.
 */
static void test_write_limit(void)
{
	const char *path = tmp("limited.bst");
	unlink(path); /* a file left by an earlier run of the test must not count */
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { 20000, 20000 };
		setrlimit(RLIMIT_FSIZE, &rl);
		struct bs_error err;
		struct tracefmt_writer_opts wo = { .outfile_flags = OUTFILE_PARTIAL |
							    OUTFILE_REPLACE };
		struct tracefmt_writer *w = tracefmt_writer_create(path, "{}", 2, &wo, &err);
		if (!w)
			_exit(10);
		rng_state = 3;
		int rc = 0;
		uint64_t flushed = 0;
		for (int i = 0; i < 200000 && !rc; i++) {
			struct tracefmt_event ev;
			make_event(&ev, (uint64_t)i);
			rc = tracefmt_writer_append(w, &ev);
			if (!rc && (i + 1) % 100 == 0) {
				rc = tracefmt_writer_flush(w);
				if (!rc)
					flushed = (uint64_t)i + 1;
			}
		}
		/* Report how many records were safely flushed through the exit code's file. */
		int close_rc = tracefmt_writer_close(w, &err);
		FILE *f = fopen(tmp("limited.count"), "w");
		fprintf(f, "%llu %d %d %s\n", (unsigned long long)flushed, rc, close_rc, err.text);
		fclose(f);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	FILE *f = fopen(tmp("limited.count"), "r");
	REQUIRE(f);
	unsigned long long flushed;
	int rc, close_rc;
	char text[200] = "";
	REQUIRE(fscanf(f, "%llu %d %d %199[^\n]", &flushed, &rc, &close_rc, text) >= 3);
	fclose(f);
	CHECK(rc == -EFBIG);
	CHECK(close_rc == -EFBIG);
	CHECK(flushed >= 100);
	/* The trace never got its name; PATH.partial keeps every complete block. */
	struct stat sb;
	CHECK(lstat(path, &sb) < 0 && errno == ENOENT);
	CHECK_STR_CONTAINS(text, "limited.bst.partial: File too large (kept with every block");
	char partial[1300];
	snprintf(partial, sizeof(partial), "%s.partial", path);
	struct tracefmt_reader_stats st;
	CHECK_EQ_U64(read_and_compare(partial, 3, 0, 0, &st), flushed);
	CHECK(st.truncated);
	CHECK_EQ_U64(st.blocks_corrupt, 0);
	CHECK_EQ_U64(st.intact_end, st.file_size); /* the partial block was cut away */
}

/*
 * Hostile whole-block changes that keep every checksum right: only the end
 * block's totals can tell. Expected counts come from what the test built.
 */
static void build_events(struct bst_build *b, uint64_t seed, size_t n)
{
	struct tracefmt_event evs[64];
	REQUIRE(n <= 64);
	rng_state = seed;
	for (size_t i = 0; i < n; i++)
		make_event(&evs[i], i);
	bst_build_events(b, evs, n, true);
}

/* Three record blocks of 10, 12 and 9 records (blocks 0..2), no end block yet. */
static void build_three(struct bst_build *b)
{
	bst_build_init(b);
	bst_build_preamble(b, "{}", 2, 1);
	build_events(b, 21, 10);
	build_events(b, 22, 12);
	build_events(b, 23, 9);
}

static struct tracefmt_reader_stats read_image(struct bst_build *b, const char *name,
					       uint64_t *got)
{
	struct bs_error err;
	struct tracefmt_event ev;
	const char *path = tmp(name);
	REQUIRE(!b->failed);
	write_bytes(path, b->buf, b->len);
	bst_build_release(b);
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	REQUIRE(r);
	*got = 0;
	while (tracefmt_reader_next(r, &ev) == 1)
		++*got;
	struct tracefmt_reader_stats st = *tracefmt_reader_stats(r);
	tracefmt_reader_close(r);
	return st;
}

static void test_end_totals(void)
{
	struct bst_build b;
	struct tracefmt_reader_stats st;
	uint64_t got;

	/* Untouched: complete, totals as built. */
	build_three(&b);
	bst_build_end(&b);
	st = read_image(&b, "totals-ok.bst", &got);
	CHECK_EQ_U64(got, 31);
	CHECK(st.complete && st.end_seen && !st.stop_reason[0]);
	CHECK_EQ_U64(st.records_expected, 31);
	CHECK_EQ_U64(st.blocks_expected, 3);
	CHECK_EQ_U64(st.record_blocks, 3);

	/* One whole block deleted. */
	build_three(&b);
	bst_build_end(&b);
	bst_build_drop_block(&b, 1);
	st = read_image(&b, "totals-deleted.bst", &got);
	CHECK_EQ_U64(got, 19);
	CHECK(!st.complete && st.end_seen && !st.truncated);
	CHECK_EQ_U64(st.blocks_corrupt, 0);
	CHECK_EQ_U64(st.records_missing, 12);
	CHECK_EQ_U64(st.blocks_missing, 1);
	CHECK_STR_CONTAINS(st.stop_reason, "counts 31 records in 3 blocks; read 19 in 2: "
			   "12 records and 1 block missing");

	/* One block given twice (before the end block). */
	build_three(&b);
	bst_build_dup_block(&b, 1);
	bst_build_end_totals(&b, 31, 3);
	st = read_image(&b, "totals-duplicated.bst", &got);
	CHECK_EQ_U64(got, 43);
	CHECK(!st.complete);
	CHECK_EQ_U64(st.records_extra, 12);
	CHECK_EQ_U64(st.blocks_extra, 1);
	CHECK_STR_CONTAINS(st.stop_reason, "12 records and 1 block extra");

	/* One block re-kinded to a kind this reader does not know. */
	build_three(&b);
	bst_build_end(&b);
	size_t off1 = b.block_off[1];
	bst_build_rekind_block(&b, 1, 7);
	st = read_image(&b, "totals-rekinded.bst", &got);
	CHECK_EQ_U64(got, 19);
	CHECK(!st.complete);
	CHECK_EQ_U64(st.blocks_unknown, 1);
	CHECK_EQ_U64(st.records_missing, 12);
	char want[80];
	snprintf(want, sizeof(want), "(kind 7 block at offset %zu skipped)", off1);
	CHECK_STR_CONTAINS(st.stop_reason, want);

	/* Two traces concatenated: the second is trailing data. */
	struct bst_build second;
	build_three(&second);
	bst_build_end(&second);
	build_three(&b);
	bst_build_end(&b);
	size_t first_len = b.len, second_len = second.len;
	bst_build_bytes(&b, second.buf, second.len);
	bst_build_release(&second);
	st = read_image(&b, "concatenated.bst", &got);
	CHECK_EQ_U64(got, 31);
	CHECK(!st.complete && st.end_seen && !st.truncated);
	CHECK_EQ_U64(st.trailing_offset, first_len);
	CHECK_EQ_U64(st.trailing_bytes, second_len);
	CHECK_EQ_U64(st.intact_end, first_len);
	snprintf(want, sizeof(want), "%zu bytes after the end block, from offset %zu (another "
		 "trace's", second_len, first_len);
	CHECK_STR_CONTAINS(st.stop_reason, want);

	/* An end block whose payload lacks the totals is corrupt: no end, truncated. */
	build_three(&b);
	bst_build_block(&b, 2, false, 0, "\x80", 1, 0);
	st = read_image(&b, "end-short.bst", &got);
	CHECK_EQ_U64(got, 31);
	CHECK(!st.complete && !st.end_seen && st.truncated);
	CHECK_EQ_U64(st.blocks_corrupt, 1);
	CHECK_STR_CONTAINS(st.first_corruption, "end block: payload does not hold the records");
}

/* Unknown preamble flag bits are refused, naming the file, the field and the bits. */
static void test_flag_bits(void)
{
	struct bst_build b;
	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, 0x5);
	bst_build_end(&b);
	write_bytes(tmp("flags.bst"), b.buf, b.len);
	bst_build_release(&b);
	expect_open_error(tmp("flags.bst"), "offset 12, field flags: unknown bits 0x4 set");
}

/*
 * A checksummed block whose records do not all decode, or hold a value
 * outside the format limits, is skipped whole: none of its records is
 * returned, though the ones before the bad record decoded fine.
 */
static void test_malformed_block_whole(void)
{
	struct tracefmt_event evs[6];
	struct tracefmt_reader_stats st;
	struct bst_build b;
	uint64_t got;

	rng_state = 5;
	for (int i = 0; i < 6; i++) {
		make_event(&evs[i], (uint64_t)i);
		evs[i].type = TRACEFMT_PAGE_FREE;
		evs[i].u.free.pfn = 0x1000 + (uint64_t)i;
		evs[i].u.free.order = 0;
	}
	evs[3].u.free.order = 99;

	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, 1);
	build_events(&b, 31, 5);
	bst_build_events(&b, evs, 6, true);
	size_t bad_off = b.block_off[1];
	build_events(&b, 32, 4);
	bst_build_end(&b);
	st = read_image(&b, "bad-value.bst", &got);
	CHECK_EQ_U64(got, 9);
	CHECK_EQ_U64(st.blocks_corrupt, 1);
	CHECK_EQ_U64(st.records_missing, 6);
	CHECK(!st.complete);
	char want[120];
	snprintf(want, sizeof(want), "block at offset %zu: record 3 at payload byte", bad_off);
	CHECK_STR_CONTAINS(st.first_corruption, want);
	CHECK_STR_CONTAINS(st.first_corruption, "mm_page_free: order 99 is out of range 0..15");

	/* Four good records, then one that runs past the payload. */
	uint8_t raw[4 * TF_RECORD_MAX + 2];
	struct tf_codec c;
	size_t len = 0;
	tf_codec_reset(&c, evs[0].ts_ns);
	for (int i = 0; i < 4; i++)
		len += tf_record_encode(&c, &evs[i == 3 ? 4 : i], raw + len);
	raw[len++] = TRACEFMT_PAGE_FREE << 2;
	raw[len++] = 0x7f;
	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, 1);
	bst_build_block(&b, 1, true, 5, raw, len, evs[0].ts_ns);
	build_events(&b, 33, 3);
	bst_build_end(&b);
	st = read_image(&b, "bad-record.bst", &got);
	CHECK_EQ_U64(got, 3);
	CHECK_EQ_U64(st.blocks_corrupt, 1);
	CHECK_STR_CONTAINS(st.first_corruption, "record 4 at payload byte");
	CHECK_STR_CONTAINS(st.first_corruption, "runs past the end of its block");

	/* nr_records smaller than the payload's records. */
	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, 1);
	bst_build_block(&b, 1, false, 3, raw, len - 2, evs[0].ts_ns);
	bst_build_end(&b);
	st = read_image(&b, "bad-count.bst", &got);
	CHECK_EQ_U64(got, 0);
	CHECK_STR_CONTAINS(st.first_corruption, "field nr_records is 3 but the payload holds more");

	/* nr_records 0 over a payload that holds records: no slots were made, so
	 * the count must be checked before anything points into them (found by
	 * fuzz_tracefmt_blocks under UBSan). */
	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, 1);
	bst_build_block(&b, 1, false, 0, raw, len - 2, evs[0].ts_ns);
	bst_build_end(&b);
	st = read_image(&b, "zero-count.bst", &got);
	CHECK_EQ_U64(got, 0);
	CHECK_STR_CONTAINS(st.first_corruption, "field nr_records is 0 but the payload holds more");
}

/*
 * Case @i of the format limits (FORMAT.md §4, value limits): a record that
 * is valid but for one field, and the sentence that must name it ("" for a
 * record on the limit, which is valid). False past the last case.
 */
static bool limit_case(int i, struct tracefmt_event *ev, const char **want)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_PAGE_ALLOC;
	ev->ts_ns = 1000;
	ev->u.alloc.pfn = 0x1000;
	*want = "";
	switch (i) {
	case 0: ev->u.alloc.order = 16; *want = "mm_page_alloc: order 16 is out of range 0..15"; break;
	case 1: ev->u.alloc.order = 15; break;
	case 2: ev->u.alloc.migratetype = -1; *want = "migratetype -1 is out of range 0..7"; break;
	case 3: ev->u.alloc.migratetype = 8; *want = "migratetype 8 is out of range 0..7"; break;
	case 4: ev->u.alloc.pfn = TRACEFMT_PFN_NONE; break;
	case 5: ev->u.alloc.pfn = TRACEFMT_MAX_PFN + 1; *want = "pfn 0x10000000000000 is above the largest pfn 0xfffffffffffff"; break;
	case 6: ev->cpu = TRACEFMT_MAX_CPUS; *want = "cpu 8192 is out of range 0..8191"; break;
	case 7: ev->cpu = TRACEFMT_MAX_CPUS - 1; break;
	case 8: ev->ts_ns = 1ull << 63; *want = "ts_ns 9223372036854775808 is above"; break;
	case 9:
		ev->type = TRACEFMT_PAGE_FREE;
		ev->u.free.pfn = TRACEFMT_PFN_NONE;
		*want = "mm_page_free: pfn -1 is only valid for a failed allocation";
		break;
	case 10:
		ev->type = TRACEFMT_PAGE_FREE_BATCHED;
		ev->u.free_batched.order = UINT32_MAX;
		*want = "mm_page_free_batched: order 4294967295 is out of range";
		break;
	case 11:
		ev->type = TRACEFMT_PAGE_PCPU_DRAIN;
		ev->u.pcpu_drain.pfn = TRACEFMT_PFN_NONE;
		*want = "mm_page_pcpu_drain: pfn -1 is only valid";
		break;
	case 12:
		ev->type = TRACEFMT_PAGE_ALLOC_EXTFRAG;
		ev->u.extfrag.fallback_order = 16;
		*want = "mm_page_alloc_extfrag: fallback_order 16 is out of range";
		break;
	case 13:
		ev->type = TRACEFMT_PAGE_ALLOC_EXTFRAG;
		ev->u.extfrag.fallback_migratetype = -7;
		*want = "fallback_migratetype -7 is out of range 0..7";
		break;
	case 14:
		ev->type = TRACEFMT_PAGE_ALLOC_ZONE_LOCKED;
		ev->u.zone_locked.pfn = TRACEFMT_PFN_NONE;
		ev->u.zone_locked.migratetype = 99;
		*want = "mm_page_alloc_zone_locked: migratetype 99";
		break;
	case 15: ev->type = TRACEFMT_LOST; ev->cpu = TRACEFMT_CPU_UNKNOWN; break;
	case 16:
		ev->type = TRACEFMT_LOST;
		ev->cpu = TRACEFMT_CPU_UNKNOWN - 1;
		*want = "lost: cpu 4294967294 is out of range";
		break;
	case 17:
		ev->type = TRACEFMT_SNAPSHOT_BLOCK;
		ev->u.snapshot_block.order = 64;
		*want = "snapshot_block: order 64 is out of range 0..15";
		break;
	case 18:
		ev->type = TRACEFMT_SNAPSHOT_BLOCK;
		ev->u.snapshot_block.migratetype = -2;
		*want = "snapshot_block: migratetype -2 is out of range -1..7";
		break;
	case 19:
		ev->type = TRACEFMT_SNAPSHOT_BLOCK;
		ev->u.snapshot_block.pfn = 0xfffffffffffffffeull;
		*want = "snapshot_block: pfn 0xfffffffffffffffe is above";
		break;
	case 20:
		ev->type = TRACEFMT_SNAPSHOT_BLOCK;
		ev->u.snapshot_block.node = TRACEFMT_MAX_NODES;
		*want = "snapshot_block: node 1024 is out of range 0..1023";
		break;
	case 21:
		ev->type = TRACEFMT_CHECKPOINT;
		ev->u.checkpoint.node = UINT32_MAX;
		*want = "checkpoint: node 4294967295";
		break;
	case 22:
		ev->type = TRACEFMT_CHECKPOINT;
		ev->u.checkpoint.nr_orders = TRACEFMT_MAX_ORDERS;
		ev->u.checkpoint.nr_mt = TRACEFMT_MAX_MT;
		break;
	case 23:
		ev->type = TRACEFMT_SNAPSHOT_MARK;
		ev->u.snapshot_mark.phase = 3;
		*want = "snapshot_mark: phase 3 is neither 1 (begin) nor 2 (end)";
		break;
	case 24: ev->type = TRACEFMT_SNAPSHOT_MARK; ev->u.snapshot_mark.phase = 2; break;
	case 25:
		ev->type = TRACEFMT_ZONE_STATE;
		ev->u.zone_state.start_pfn = 1;
		ev->u.zone_state.spanned = UINT64_MAX;
		*want = "zone_state: start_pfn 0x1 + spanned 18446744073709551615 is past";
		break;
	case 26:
		ev->type = TRACEFMT_ZONE_STATE;
		ev->u.zone_state.spanned = 10;
		ev->u.zone_state.present = 8;
		ev->u.zone_state.managed = 9;
		*want = "zone_state: managed 9 <= present 8 <= spanned 10 does not hold";
		break;
	case 27:
		ev->type = TRACEFMT_SNAPSHOT_WALK;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->cpu = TRACEFMT_WALK_BUDDY_CPU;
		break;
	case 28:
		ev->type = TRACEFMT_WMARK;
		ev->u.wmark.node = TRACEFMT_MAX_NODES;
		*want = "mm_setup_per_zone_wmarks: node 1024 is out of range";
		break;
	/* format 1.4 (FORMAT.md §4 "Value limits", reclaim and compaction rows) */
	case 29:
		ev->type = TRACEFMT_VMSCAN_KSWAPD_WAKE;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.wake.nid = TRACEFMT_MAX_NODES;
		*want = "mm_vmscan_kswapd_wake: nid 1024 is out of range 0..1023";
		break;
	case 30: /* order -1: compaction of the whole zone; zid -1: not printed */
		ev->type = TRACEFMT_VMSCAN_KSWAPD_WAKE;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.wake.order = -1;
		ev->u.wake.zid = -1;
		break;
	case 31:
		ev->type = TRACEFMT_COMPACTION_KCOMPACTD_WAKE;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.wake.order = -2;
		*want = "mm_compaction_kcompactd_wake: order -2 is out of range -1..15";
		break;
	case 32:
		ev->type = TRACEFMT_VMSCAN_WAKEUP_KSWAPD;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.wake.zid = TRACEFMT_MAX_ZONE_TYPES;
		*want = "mm_vmscan_wakeup_kswapd: zid 8 is out of range -1..7";
		break;
	case 33:
		ev->type = TRACEFMT_COMPACTION_BEGIN;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.compact.sync = 2;
		*want = "mm_compaction_begin: sync 2 is out of range 0..1";
		break;
	case 34: /* an exclusive end at the top of the pfn space */
		ev->type = TRACEFMT_COMPACTION_END;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.compact.zone_end = 1ull << 52;
		ev->u.compact.status = 8;
		break;
	case 35:
		ev->type = TRACEFMT_COMPACTION_END;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.compact.zone_end = (1ull << 52) + 1;
		*want = "mm_compaction_end: zone_end 4503599627370497 is out of range 0..4503599627370496";
		break;
	case 36:
		ev->type = TRACEFMT_COMPACTION_END;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.compact.status = 16;
		*want = "mm_compaction_end: status 16 is out of range 0..15";
		break;
	case 37:
		ev->type = TRACEFMT_COMPACTION_DEFER_COMPACTION;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.compact_zone.defer_shift = 64;
		*want = "mm_compaction_defer_compaction: defer_shift 64 is out of range 0..63";
		break;
	case 38:
		ev->type = TRACEFMT_COMPACTION_ISOLATE_FREE;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.isolate.nr_taken = (1ull << 52) + 1;
		*want = "mm_compaction_isolate_freepages: nr_taken 4503599627370497 is out of range";
		break;
	case 39:
		ev->type = TRACEFMT_VMSTAT;
		memset(&ev->u, 0, sizeof(ev->u));
		*want = "vmstat: name is not 1..31 bytes of [a-z0-9_]";
		break;
	case 40:
		ev->type = TRACEFMT_VMSTAT;
		memset(&ev->u, 0, sizeof(ev->u));
		snprintf(ev->u.vmstat.name, sizeof(ev->u.vmstat.name), "compact_daemon_migrate_scanned");
		ev->u.vmstat.value = UINT64_MAX;
		break;
	case 41:
		ev->type = TRACEFMT_VMSTAT;
		memset(&ev->u, 0, sizeof(ev->u));
		snprintf(ev->u.vmstat.name, sizeof(ev->u.vmstat.name), "Compact stall");
		*want = "vmstat: name is not";
		break;
	case 42:
		ev->type = TRACEFMT_COMPACTION_TRY_TO_COMPACT;
		memset(&ev->u, 0, sizeof(ev->u));
		ev->u.direct.prio = 16;
		*want = "mm_compaction_try_to_compact_pages: prio 16 is out of range 0..15";
		break;
	default:
		return false;
	}
	return true;
}

static void test_value_limits(void)
{
	struct tracefmt_event ev;
	const char *want;
	char why[160];
	int bad = 0;

	for (int i = 0; limit_case(i, &ev, &want); i++) {
		int rc = tracefmt_event_check(&ev, why, sizeof(why));
		if (*want) {
			CHECK(rc == -EINVAL);
			CHECK_STR_CONTAINS(why, want);
		} else {
			CHECK(rc == 0 && !why[0]);
		}
		/* Through the reader: [good] [good, this] [good] end. */
		struct tracefmt_event pair[2];
		struct bst_build b;
		struct tracefmt_reader_stats st;
		uint64_t got;
		pair[1] = ev;
		pair[0] = ev;
		pair[0].type = TRACEFMT_COMM;
		memset(&pair[0].u, 0, sizeof(pair[0].u));
		pair[0].cpu = 1;
		pair[0].ts_ns = 500;
		bst_build_init(&b);
		bst_build_preamble(&b, "{}", 2, 1);
		build_events(&b, 41, 3);
		bst_build_events(&b, pair, 2, i % 2);
		build_events(&b, 42, 2);
		bst_build_end(&b);
		st = read_image(&b, "limits.bst", &got);
		if (*want && (got != 5 || st.blocks_corrupt != 1 || st.complete ||
			      !strstr(st.first_corruption, want))) {
			fprintf(stderr, "limit case %d: got %llu, %s\n", i, (unsigned long long)got,
				st.first_corruption);
			bad++;
		}
		if (!*want && (got != 7 || !st.complete)) {
			fprintf(stderr, "limit case %d (valid): got %llu, %s\n", i,
				(unsigned long long)got, st.stop_reason);
			bad++;
		}
	}
	CHECK_EQ_U64(bad, 0);
}

/*
 * A field-major block of two records, byte for byte as FORMAT.md §4.1 lays
 * it out (the bytes worked out by hand from the table there), and read
 * back as the records written.
 */
static void test_columns_layout(void)
{
	static const uint8_t want[] = {
		0x01, 0x1a,		/* kinds: alloc (new cpu, new pid); free (same cpu, pid) */
		0x00, 0x06, 0, 0, 0, 0, 0, 0, /* ts: zigzag 0 and 3, four planes */
		0x00, 0x02, 0x02, 0x00, 0, 0, 0, 0, /* pfn: zigzag 0x100 = 0x200, zigzag 1 = 2 */
		0x00, 0x00,		/* order */
		0x01,			/* c12: the alloc's migratetype */
		0xc0, 0x0c, 0x00, 0x00, /* c16: the alloc's gfp_flags 0xcc0 */
		0x01, 0x00,		/* cpu 1 */
		0x07, 0x00, 0x00, 0x00, /* pid 7 */
	};
	struct tracefmt_event evs[2];
	struct tf_columns c;
	uint8_t out[64];

	memset(evs, 0, sizeof(evs));
	evs[0].type = TRACEFMT_PAGE_ALLOC;
	evs[0].cpu = 1;
	evs[0].pid = 7;
	evs[0].ts_ns = 1000;
	evs[0].u.alloc.pfn = 0x100;
	evs[0].u.alloc.migratetype = 1;
	evs[0].u.alloc.gfp_flags = 0xcc0;
	evs[1] = evs[0];
	evs[1].type = TRACEFMT_PAGE_FREE;
	evs[1].ts_ns = 1003;
	memset(&evs[1].u, 0, sizeof(evs[1].u));
	evs[1].u.free.pfn = 0x101;
	REQUIRE(tf_columns_init(&c) == 0);
	tf_columns_reset(&c, 1000);
	tf_columns_add(&c, &evs[0]);
	tf_columns_add(&c, &evs[1]);
	CHECK_EQ_U64(tf_columns_size(&c), sizeof(want));
	CHECK_EQ_U64(tf_columns_finish(&c, out), sizeof(want));
	CHECK(!memcmp(out, want, sizeof(want)));
	tf_columns_release(&c);

	struct bst_build b;
	struct tracefmt_event ev;
	struct bs_error err;
	bst_build_init(&b);
	bst_build_preamble(&b, "{}", 2, TF_FLAG_LITTLE_ENDIAN | TF_FLAG_COLUMNS);
	bst_build_block(&b, TF_BLOCK_COLUMNS, true, 2, want, sizeof(want), 1000);
	bst_build_end(&b);
	write_bytes(tmp("columns-layout.bst"), b.buf, b.len);
	bst_build_release(&b);
	struct tracefmt_reader *r = tracefmt_reader_open(tmp("columns-layout.bst"), &err);
	REQUIRE(r);
	for (int i = 0; i < 2; i++) {
		CHECK(tracefmt_reader_next(r, &ev) == 1);
		CHECK(events_equal(&ev, &evs[i]));
	}
	CHECK(tracefmt_reader_next(r, &ev) == 0);
	CHECK(tracefmt_reader_stats(r)->complete);
	tracefmt_reader_close(r);
}

/*
 * Which records the columns hold (FORMAT.md §4.1): types 1-5 whose deltas
 * fit 32 bits and whose pfn is not -1; everything else in the row form.
 */
static void test_columns_which(void)
{
	struct tf_columns c;
	struct tracefmt_event ev;
	uint32_t want_compact = 0;

	REQUIRE(tf_columns_init(&c) == 0);
	rng_state = 77;
	tf_columns_reset(&c, 1000000000ull);
	uint64_t last_ts = 1000000000ull, last_pfn = 0;
	for (uint64_t i = 0; i < 5000; i++) {
		make_event(&ev, i);
		if (i % 97 == 0)
			ev.ts_ns += 3000000000ull; /* a 3 s gap: beyond 32 bits of delta */
		uint64_t pfn = 0;
		uint32_t order;
		bool page = tracefmt_event_page(&ev, &pfn, &order) &&
			    ev.type <= TRACEFMT_PAGE_PCPU_DRAIN;
		int64_t dts = (int64_t)(ev.ts_ns - last_ts), dpfn = (int64_t)(pfn - last_pfn);
		bool compact = page && pfn != TRACEFMT_PFN_NONE && dts >= INT32_MIN &&
			       dts <= INT32_MAX && dpfn >= INT32_MIN && dpfn <= INT32_MAX &&
			       !(ev.type == TRACEFMT_PAGE_ALLOC && ev.u.alloc.gfp_flags > UINT32_MAX);
		want_compact += compact;
		last_ts = ev.ts_ns;
		if (compact || (pfn != TRACEFMT_PFN_NONE && (page ||
		    ev.type == TRACEFMT_PAGE_ALLOC_EXTFRAG || ev.type == TRACEFMT_SNAPSHOT_BLOCK)))
			last_pfn = pfn; /* the row form moves the pfn state too */
		if (ev.type == TRACEFMT_SNAPSHOT_BLOCK && ev.u.snapshot_block.pfn != TRACEFMT_PFN_NONE)
			last_pfn = ev.u.snapshot_block.pfn;
		tf_columns_add(&c, &ev);
	}
	CHECK_EQ_U64(c.nr, 5000);
	CHECK_EQ_U64(c.compact, want_compact);
	/* both forms are exercised (at least 5 % each: page types are 5 of the 36) */
	CHECK(want_compact > 250 && want_compact < 4750);
	tf_columns_release(&c);
}

/* A field-major block that breaks §4.1 is corrupt, skipped whole, and says why. */
static void test_columns_hostile(void)
{
	static const struct {
		uint8_t bytes[40];
		size_t len;
		uint32_t nr;
		const char *why;
	} cases[] = {
		{ { 0x21 }, 1, 1, "kind byte 0x21 (payload byte 0) is not defined" },
		{ { 0x06 }, 1, 1, "kind byte 0x6" },   /* extfrag is never compact */
		{ { 0x08 }, 1, 1, "kind byte 0x8" },   /* a row record with a same-cpu bit */
		{ { 0x02, 0, 0 }, 3, 1, "its columns need" },
		{ { 0x00 }, 1, 2, "shorter than its 2 kind bytes" },
		{ { 0x1a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 }, 11, 1, "1 payload bytes follow" },
		{ { 0x1a, 0, 0, 0, 0, 0, 0, 0, 0, 16 }, 10, 1, "order 16 is out of range" },
		{ { 0x19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0 }, 15, 1,
		  "migratetype 8 is out of range" },
		{ { 0x02 | 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x20 }, 12, 1,
		  "cpu 8192 is out of range" },
		{ { 0x00, 0x7f }, 2, 1, "record" },   /* a row record cut short */
		{ { 0x00 }, 1, 0, "1 payload bytes follow" }, /* no records, yet bytes */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bst_build b;
		struct tracefmt_reader_stats st;
		uint64_t got;

		bst_build_init(&b);
		bst_build_preamble(&b, "{}", 2, TF_FLAG_LITTLE_ENDIAN | TF_FLAG_COLUMNS);
		build_events(&b, 31, 4);
		bst_build_block(&b, TF_BLOCK_COLUMNS, i % 2, cases[i].nr, cases[i].bytes, cases[i].len,
				100);
		build_events(&b, 32, 5);
		bst_build_end(&b);
		st = read_image(&b, "columns-hostile.bst", &got);
		CHECK_EQ_U64(got, 9);
		CHECK_EQ_U64(st.blocks_corrupt, 1);
		CHECK(!st.complete);
		CHECK_STR_CONTAINS(st.first_corruption, cases[i].why);
	}
}

/*
 * row_blocks writes what readers before 1.3 read: row-form blocks and flag
 * bit 1 clear. The default sets it, which those readers refuse (FORMAT.md §2).
 */
static void test_row_blocks(void)
{
	const struct tracefmt_writer_opts rows = { .row_blocks = true };
	const char *hdr = "{\"format\":\"buddyscope-trace\",\"source\":\"test\"}";
	size_t block = TF_PREAMBLE_LEN + strlen(hdr);
	uint8_t buf[TF_PREAMBLE_LEN + 64 + TF_BLOCK_HDR_LEN];
	struct tracefmt_reader_stats st;

	for (int row = 0; row < 2; row++) {
		const char *path = tmp(row ? "rows.bst" : "cols.bst");
		write_opts = row ? &rows : NULL;
		write_trace(path, 9, 20000, 5000, NULL, NULL, NULL);
		write_opts = NULL;
		CHECK_EQ_U64(read_and_compare(path, 9, 0, 0, &st), 20000);
		CHECK(st.complete);
		CHECK_EQ_U64(st.version_minor, 4); /* FORMAT.md: the writer writes 1.4 */
		int fd = open(path, O_RDONLY);
		REQUIRE(fd >= 0);
		REQUIRE(tf_pread_all(fd, buf, block + TF_BLOCK_HDR_LEN, 0) == 0);
		close(fd);
		CHECK_EQ_U64(tf_get_le32(buf + 12), row ? TF_FLAG_LITTLE_ENDIAN
						       : TF_FLAG_LITTLE_ENDIAN | TF_FLAG_COLUMNS);
		CHECK_EQ_U64(tf_get_le16(buf + block + 4), row ? TF_BLOCK_RECORDS : TF_BLOCK_COLUMNS);
	}
}

static void test_type_names(void)
{
	CHECK(!strcmp(tracefmt_type_name(TRACEFMT_PAGE_ALLOC), "mm_page_alloc"));
	CHECK(!strcmp(tracefmt_type_name(TRACEFMT_PAGE_ALLOC_EXTFRAG), "mm_page_alloc_extfrag"));
	CHECK(!strcmp(tracefmt_type_name(999), "unknown"));
	CHECK(!strcmp(tracefmt_type_name(12), "snapshot_walk"));
	CHECK(!strcmp(tracefmt_type_name(13), "zone_state"));
	CHECK(!strcmp(tracefmt_type_name(14), "mm_setup_per_zone_wmarks"));
	for (unsigned int t = 1; t < TRACEFMT_NR_TYPES; t++)
		CHECK(tracefmt_type_from_name(tracefmt_type_name(t)) == t);
	CHECK(tracefmt_type_from_name("mm_page_nope") == 0);
}

/* The file's SHA-256 as coreutils computes it (an independent implementation). */
static void sha256sum_of(const char *path, char hex[65])
{
	char cmd[1400];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	REQUIRE(p);
	REQUIRE(fscanf(p, "%64s", hex) == 1);
	pclose(p);
}

/*
 * Read @path with hashing on: @rewind_at records in, rewind once; stop after
 * @stop_after records (SIZE_MAX: the end). Returns whether the reader's
 * digest is sha256sum's.
 */
static bool hash_matches(const char *path, size_t rewind_at, size_t stop_after)
{
	struct bs_error err;
	struct tracefmt_reader *r = tracefmt_reader_open(path, &err);
	struct tracefmt_event ev;
	char want[65], got[65] = "", again[65] = "";
	size_t i = 0;
	bool rewound = false;

	REQUIRE(r);
	tracefmt_reader_hash_file(r);
	while (i < stop_after && tracefmt_reader_next(r, &ev) == 1) {
		if (++i == rewind_at && !rewound) {
			rewound = true;
			i = 0;
			REQUIRE(tracefmt_reader_rewind(r) == 0);
		}
	}
	CHECK(tracefmt_reader_file_sha256(r, got) == 0);
	CHECK(tracefmt_reader_file_sha256(r, again) == 0); /* the same, hashing is over */
	tracefmt_reader_close(r);
	sha256sum_of(path, want);
	return !strcmp(got, want) && !strcmp(again, want);
}

/*
 * Hash while reading: the digest is the whole file's, however the reader
 * went through it (to the end, rewound, stopped early, over a corrupt block
 * it resynchronised past, a cut block, data after the end block).
 */
static void test_hash_while_reading(void)
{
	const char *path = tmp("hash.bst"), *bad = tmp("hash-bad.bst");
	uint64_t ends[16];
	size_t nr_ends, size;
	static uint8_t buf[1 << 20];
	FILE *f;

	write_trace(path, 21, 300, 40, ends, &nr_ends, NULL);
	CHECK(hash_matches(path, 0, SIZE_MAX));
	CHECK(hash_matches(path, 100, SIZE_MAX));   /* a rewind mid-way, as replay's prescan */
	CHECK(hash_matches(path, 0, 50));	    /* stopped early: the rest read for the hash */
	CHECK(hash_matches(path, 0, 0));	    /* nothing read */

	f = fopen(path, "rb");
	REQUIRE(f);
	size = fread(buf, 1, sizeof(buf) - 100, f);
	fclose(f);
	/* the magic of block 3 broken: the reader skips to block 4 */
	buf[ends[1]] ^= 0x20;
	write_bytes(bad, buf, size);
	CHECK(hash_matches(bad, 0, SIZE_MAX));
	buf[ends[1]] ^= 0x20;
	/* data after the end block */
	memcpy(buf + size, "trailing bytes", 14);
	write_bytes(bad, buf, size + 14);
	CHECK(hash_matches(bad, 0, SIZE_MAX));
	/* cut inside block 2 */
	write_bytes(bad, buf, (size_t)ends[0] + 30);
	CHECK(hash_matches(bad, 0, SIZE_MAX));

	/* not asked for: no digest */
	struct tracefmt_reader *r = tracefmt_reader_open(path, NULL);
	char hex[65];

	REQUIRE(r);
	CHECK(tracefmt_reader_file_sha256(r, hex) == -EINVAL);
	tracefmt_reader_close(r);
}

static const struct harness_case cases[] = {
	HARNESS_CASE(test_type_names),
	HARNESS_CASE(test_roundtrip),
	HARNESS_CASE(test_uncompressed),
	HARNESS_CASE(test_edge_values),
	HARNESS_CASE(test_lost_window),
	HARNESS_CASE(test_size_limit),
	HARNESS_CASE(test_event_page),
	HARNESS_CASE(test_hostile_preambles),
	HARNESS_CASE(test_unknown_type_skipped),
	HARNESS_CASE(test_new_types_skippable),
	HARNESS_CASE(test_new_types_edges),
	HARNESS_CASE(test_cut_everywhere),
	HARNESS_CASE(test_bit_flips),
	HARNESS_CASE(test_write_limit),
	HARNESS_CASE(test_end_totals),
	HARNESS_CASE(test_flag_bits),
	HARNESS_CASE(test_malformed_block_whole),
	HARNESS_CASE(test_value_limits),
	HARNESS_CASE(test_hash_while_reading),
	HARNESS_CASE(test_columns_layout),
	HARNESS_CASE(test_columns_which),
	HARNESS_CASE(test_columns_hostile),
	HARNESS_CASE(test_row_blocks),
};

int main(int argc, char **argv)
{
	harness_start(&argc, &argv, cases, HARNESS_NR(cases));
	if (argc > 1)
		mkdir(argv[1], 0755);
	snprintf(dir, sizeof(dir), "%s/tracefmt-tmp", argc > 1 ? argv[1] : ".");
	mkdir(dir, 0755);
	harness_run(cases, HARNESS_NR(cases));
	return TEST_REPORT();
}
