// SPDX-License-Identifier: MIT
/*
 * Structure-aware fuzz target for replay: the fuzzer's bytes become a valid
 * .bst (written with the tracefmt writer, so every block passes its
 * checksum) whose header numbers, snapshot, checkpoints and page events come
 * from the bytes, often from a table of hostile values (orders 0, -1,
 * 2^32 + 11, cpus 0 and 10^5, watermarks -1 and 2^63 - 1, pfns near 2^64,
 * timestamps near 2^63). The trace is replayed in shadow and what-if mode
 * (the start state included) with model_check() after every event. Replay
 * must refuse the header with a message or run to the end, and the model's
 * invariants must hold. Zones are kept small (spanned capped at 2^13 pages
 * unless the value is one that validation refuses) so 30 s of fuzzing
 * explores.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz_tmpdir.h"
#include "replay.h"
#include "tracefmt.h"

struct bytes {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct bytes *b, unsigned int len)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < len && b->n; i++, b->p++, b->n--)
		v |= (uint64_t)*b->p << (8 * i);
	return v;
}

#define PICK(b, table) ((table)[take(b, 1) % (sizeof(table) / sizeof((table)[0]))])

static const int64_t hostile[] = { 0, -1, 1, 2, 9, 11, 12, 14, 16, 17, 99, 255, 4294967295LL,
				   4294967307LL, 2147483647LL, 2147483648LL, 100000,
				   INT64_MAX, INT64_MIN, 4503599627370496LL };

/* A header value: mostly plausible, sometimes hostile. */
static int64_t header_int(struct bytes *b, int64_t plausible)
{
	uint8_t k = (uint8_t)take(b, 1);

	return k < 200 ? plausible : hostile[k % (sizeof(hostile) / sizeof(hostile[0]))];
}

/*
 * Every take() is its own statement: the bytes map to fields in this order
 * whatever the compiler's argument evaluation order (the corpus relies on it).
 */
static json_t *zone_json(struct bytes *b, const char *name, uint64_t start)
{
	int64_t node, start_pfn, spanned, present, managed, v;
	json_t *z;

	v = (int64_t)(1 + take(b, 2) % 8192);
	spanned = header_int(b, v);
	/* accepted but huge (up to 2^31 - 1 pages) would only be slow: keep it small */
	if (spanned > 8192 && spanned < 2147483648LL)
		spanned = 8192;
	present = header_int(b, spanned);
	managed = header_int(b, present);
	node = header_int(b, 0);
	start_pfn = header_int(b, (int64_t)start);
	z = json_pack("{sI ss sI sI sI sI}", "node", (json_int_t)node, "name", name, "start_pfn",
		      (json_int_t)start_pfn, "spanned", (json_int_t)spanned, "present",
		      (json_int_t)present, "managed", (json_int_t)managed);
	if (take(b, 1) & 1) {
		static const char *const marks[] = { "min", "low", "high", "boost" };
		json_t *prot = json_array();

		for (int i = 0; i < 4; i++)
			json_object_set_new(z, marks[i], json_integer(header_int(b, 16 + 4 * i)));
		for (int i = 0; i < 5; i++)
			json_array_append_new(prot, json_integer(header_int(b, 0)));
		json_object_set_new(z, "protection", prot);
	}
	if (take(b, 1) & 1) {
		int64_t batch, high;

		v = 1 + (int64_t)take(b, 1) % 63;
		batch = header_int(b, v);
		v = (int64_t)take(b, 1);
		high = header_int(b, v);
		json_object_set_new(z, "pcp", json_pack("[{sI sI}]", "batch", (json_int_t)batch,
							"high", (json_int_t)high));
	}
	return z;
}

static char *header_text(struct bytes *b)
{
	static const char *const releases[] = { "6.18.44", "6.1.0-37-amd64", "5.15.0", "7.0.1" };
	json_t *root = json_object(), *host = json_object(), *zones = json_array();
	uint64_t dma32 = 4096 + 512 * (take(b, 1) % 8);
	int64_t v, cpus, orders, pb, sys[3];
	char *text;

	json_object_set_new(host, "kernel_release", json_string(PICK(b, releases)));
	v = 1 + (int64_t)take(b, 1) % 8;
	cpus = header_int(b, v);
	orders = header_int(b, 11);
	pb = header_int(b, 9);
	json_object_set_new(host, "cpus", json_integer(cpus));
	json_object_set_new(host, "nr_page_orders", json_integer(orders));
	json_object_set_new(host, "pageblock_order", json_integer(pb));
	if (take(b, 1) & 1)
		json_object_set_new(host, "migratetypes", json_pack("[s s s s s s]", "Unmovable",
			"Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"));
	json_object_set_new(root, "host", host);
	sys[0] = header_int(b, 64);
	sys[1] = header_int(b, 10);
	sys[2] = header_int(b, 15000);
	json_object_set_new(root, "sysctl", json_pack("{sI sI sI}", "min_free_kbytes",
		(json_int_t)sys[0], "watermark_scale_factor", (json_int_t)sys[1],
		"watermark_boost_factor", (json_int_t)sys[2]));
	json_array_append_new(zones, zone_json(b, "DMA32", dma32));
	if (take(b, 1) & 1)
		json_array_append_new(zones, zone_json(b, "Normal", 1048576));
	json_object_set_new(root, "zones", zones);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

/* A pfn: in or near the zones, or hostile. */
static uint64_t record_pfn(struct bytes *b)
{
	static const uint64_t far[] = { UINT64_MAX, UINT64_MAX - 1, 0xfffffffffffffffeull,
					1ull << 52, (1ull << 52) - 1, 0 };
	uint8_t k = (uint8_t)take(b, 1);

	if (k >= 240)
		return far[k % (sizeof(far) / sizeof(far[0]))];
	return (k & 1 ? 1048576 : 4096) + take(b, 2);
}

static uint32_t record_u32(struct bytes *b, uint32_t plausible)
{
	static const uint32_t far[] = { 0xffffffffu, 2000000, 99, 64, 255, 16, 11, 0x80000000u };
	uint8_t k = (uint8_t)take(b, 1);

	return k < 224 ? plausible : far[k % (sizeof(far) / sizeof(far[0]))];
}

static void page_record(struct bytes *b, struct tracefmt_event *ev, uint8_t op)
{
	uint64_t pfn = record_pfn(b);
	uint32_t order = record_u32(b, (uint32_t)take(b, 1) % 11);

	ev->type = TRACEFMT_PAGE_ALLOC + op % 6;
	ev->cpu = record_u32(b, (uint32_t)take(b, 1) % 4);
	switch (ev->type) {
	case TRACEFMT_PAGE_ALLOC:
		ev->u.alloc.pfn = take(b, 1) < 16 ? TRACEFMT_PFN_NONE : pfn;
		ev->u.alloc.order = order;
		ev->u.alloc.migratetype = (int8_t)take(b, 1); /* import accepts 99 and -7 */
		ev->u.alloc.gfp_flags = take(b, 1) & 1 ? 0x140cca : 0xcc0;
		break;
	case TRACEFMT_PAGE_FREE:
		ev->u.free.pfn = pfn;
		ev->u.free.order = order;
		break;
	case TRACEFMT_PAGE_FREE_BATCHED:
		ev->u.free_batched.pfn = pfn;
		break;
	case TRACEFMT_PAGE_ALLOC_ZONE_LOCKED:
		ev->u.zone_locked.pfn = pfn;
		ev->u.zone_locked.order = order;
		ev->u.zone_locked.migratetype = (int32_t)(take(b, 1) % 3);
		ev->u.zone_locked.percpu_refill = (uint32_t)take(b, 1) & 1;
		break;
	case TRACEFMT_PAGE_PCPU_DRAIN:
		ev->u.pcpu_drain.pfn = pfn;
		ev->u.pcpu_drain.order = order;
		ev->u.pcpu_drain.migratetype = (int32_t)(take(b, 1) % 3);
		break;
	default:
		ev->u.extfrag.pfn = pfn;
		ev->u.extfrag.alloc_order = order;
		ev->u.extfrag.fallback_order = record_u32(b, (uint32_t)take(b, 1) % 11);
		ev->u.extfrag.alloc_migratetype = (int32_t)(take(b, 1) % 3);
		ev->u.extfrag.fallback_migratetype = (int32_t)(take(b, 1) % 3);
		ev->u.extfrag.change_ownership = (uint32_t)take(b, 1) & 1;
		break;
	}
}

static void other_record(struct bytes *b, struct tracefmt_event *ev, uint8_t op)
{
	switch (op % 5) {
	case 0:
		ev->type = TRACEFMT_SNAPSHOT_MARK;
		ev->u.snapshot_mark.phase = take(b, 1) & 1 ? TRACEFMT_SNAP_END : TRACEFMT_SNAP_BEGIN;
		ev->u.snapshot_mark.method = TRACEFMT_SNAP_METHOD_BPF;
		break;
	case 1:
	case 2:
		ev->type = TRACEFMT_SNAPSHOT_BLOCK;
		ev->u.snapshot_block.pfn = record_pfn(b);
		ev->u.snapshot_block.order = record_u32(b, (uint32_t)take(b, 1) % 11);
		ev->u.snapshot_block.position = take(b, 1);
		ev->u.snapshot_block.migratetype = (int32_t)(take(b, 1) % 7) - 1;
		ev->u.snapshot_block.flags = (uint32_t)take(b, 1) & (TRACEFMT_SNAP_PCP |
								      TRACEFMT_SNAP_UNCERTAIN);
		ev->cpu = record_u32(b, (uint32_t)take(b, 1) % 4);
		snprintf(ev->u.snapshot_block.zone, sizeof(ev->u.snapshot_block.zone), "%s",
			 take(b, 1) & 1 ? "Normal" : "DMA32");
		break;
	case 3:
		ev->type = TRACEFMT_CHECKPOINT;
		ev->u.checkpoint.seq = (uint32_t)take(b, 1) % 4;
		snprintf(ev->u.checkpoint.zone, sizeof(ev->u.checkpoint.zone), "%s",
			 take(b, 1) & 1 ? "Normal" : "DMA32");
		ev->u.checkpoint.nr_orders = (uint32_t)take(b, 1) % (TRACEFMT_MAX_ORDERS + 1);
		ev->u.checkpoint.nr_mt = (uint32_t)take(b, 1) % 7;
		for (unsigned int o = 0; o < ev->u.checkpoint.nr_orders; o++)
			for (unsigned int t = 0; t < ev->u.checkpoint.nr_mt; t++)
				ev->u.checkpoint.free_blocks[o][t] = record_u32(b, (uint32_t)take(b, 1) % 8);
		break;
	default:
		ev->type = TRACEFMT_LOST;
		ev->u.lost.count = take(b, 1);
		break;
	}
}

static uint64_t next_ts(struct bytes *b, uint64_t ts)
{
	static const uint64_t far[] = { (1ull << 63) - 2, (1ull << 63) + 5, UINT64_MAX - 1,
					UINT64_MAX, 0, 1 };
	uint8_t k = (uint8_t)take(b, 1);

	if (k >= 250)
		return far[k % (sizeof(far) / sizeof(far[0]))];
	if (k >= 230)
		return ts > 5000 ? ts - 5000 : 0; /* late */
	return ts + k * 1000;
}

static int write_trace(const char *path, struct bytes *b)
{
	char *hdr = header_text(b);
	struct tracefmt_error terr;
	struct tracefmt_writer *w = hdr ? tracefmt_writer_create(path, hdr, strlen(hdr), NULL,
								 &terr) : NULL;
	uint64_t ts = 1000;

	free(hdr);
	if (!w)
		return -1;
	for (unsigned int n = 0; b->n && n < 1000; n++) {
		struct tracefmt_event ev;
		uint8_t op = (uint8_t)take(b, 1);

		memset(&ev, 0, sizeof(ev));
		ts = next_ts(b, ts);
		ev.ts_ns = ts;
		ev.pid = (uint32_t)take(b, 1);
		if (op < 160)
			page_record(b, &ev, op);
		else
			other_record(b, &ev, op);
		if (tracefmt_writer_append(w, &ev))
			break;
	}
	return tracefmt_writer_close(w, NULL);
}

static void replay_once(const char *path, enum replay_mode mode, int max_order)
{
	struct replay_opts o;
	struct replay_result res;
	struct replay_error err = { "" };
	int ret;

	replay_opts_init(&o);
	o.mode = mode;
	o.paranoid = true;
	o.paranoid_every = 8;	/* a full model_check() per event would cap a run at a few execs/s */
	o.sample_interval_ns = 50000;
	if (max_order) {
		char v[8];

		snprintf(v, sizeof(v), "%d", max_order);
		replay_settings_set(&o.settings, "max-order", v, NULL);
	}
	ret = replay_run(path, &o, NULL, NULL, &res, &err);
	if (ret && !err.text[0])
		abort(); /* a refusal must say why */
	if (getenv("FUZZ_VERBOSE")) {
		const char *rj = res.summary_json ? strstr(res.summary_json, "\"records_rejected\"")
						  : NULL;

		fprintf(stderr, "%s: %s\n", mode == REPLAY_SHADOW ? "shadow" : "whatif",
			ret ? err.text : rj ? rj : "ran");
	}
	if (!ret && res.model_check_failures) {
		fprintf(stderr, "model_check failed: %s\n", res.summary_json);
		abort();
	}
	replay_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_tmpdir();
	struct bytes b = { data, size };
	char path[128];
	uint8_t mode;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/t.bst", dir);
	mode = (uint8_t)take(&b, 1);
	if (write_trace(path, &b))
		return 0;
	replay_once(path, REPLAY_SHADOW, 0);
	replay_once(path, REPLAY_WHATIF, mode & 1 ? 9 + mode % 6 : 0);
	return 0;
}
