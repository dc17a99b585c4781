// SPDX-License-Identifier: MIT
/*
 * The kpageflags method on a made-up /proc (opts.proc_dir): a zoneinfo with
 * two zones, a pagetypeinfo, and a kpageflags whose KPF_BUDDY runs were
 * chosen so that greedy order recovery (spec section 8.1: at p take the
 * largest order o <= 10 with p aligned to 2^o and p + 2^o within the run)
 * has to handle a zone that starts at pfn 1, a run crossing a zone
 * boundary, maximal order-10 blocks and a run ending at the zone's end.
 * The expected blocks were worked out by hand (comments below). Also checks
 * that AUTO falls back to kpageflags when the BPF walk cannot run (here it
 * cannot: unprivileged, or the made-up /proc has no sys/vm/min_free_kbytes
 * to trigger it) and says why, and the error for a missing kpageflags
 * file. Needs no privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "snapshot.h"
#include "tracefmt.h"
#include "vmemmap.h"

#define NPFN 12288
#define KPF_BUDDY (1ull << 10)
#define KPF_SLAB (1ull << 7)

struct want {
	const char *zone;
	uint64_t pfn;
	uint32_t order;
};

/*
 * DMA [1, 4096), Normal [4096, 12288).
 * Run [0, 8): pfn 0 is outside both zones; [1,8) -> 1/o0, 2/o1, 4/o2.
 * Run [4000, 4200) split at 4096: 4000 = 125*32 -> o5 to 4032; 4032 = 63*64
 * -> o6 to 4096 | 4096: o6 (o7 would end at 4224 > 4200) to 4160; 4160 =
 * 65*64 but 4224 > 4200, so o5 to 4192; 4192: o3 to 4200.
 * Run [8192, 10241): 8192/o10, 9216/o10, 10240/o0.
 * Run [12280, 12288) at the zone end: 12280 = 1535*8 -> o3.
 * pfn 100 has only KPF_SLAB: no block.
 */
static const struct want wants[] = {
	{ "DMA", 1, 0 },	 { "DMA", 2, 1 },	  { "DMA", 4, 2 },
	{ "DMA", 4000, 5 },	 { "DMA", 4032, 6 },	  { "Normal", 4096, 6 },
	{ "Normal", 4160, 5 },	 { "Normal", 4192, 3 },	  { "Normal", 8192, 10 },
	{ "Normal", 9216, 10 },	 { "Normal", 10240, 0 }, { "Normal", 12280, 3 },
};

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	REQUIRE(f);
	fputs(text, f);
	fclose(f);
}

static void set_run(uint64_t *flags, uint64_t start, uint64_t end)
{
	for (uint64_t p = start; p < end; p++)
		flags[p] |= KPF_BUDDY;
}

/*
 * The vote shared by the walk and capture: 9 pairs, struct page of 64 bytes,
 * base 0xffffea0000000000; pairs 3 and 6 come from an interrupt that
 * shifted them, so 7 of 9 agree on the base.
 */
static void test_vmemmap_vote(void)
{
	const uint64_t base = 0xffffea0000000000ull, size = 64;
	uint64_t pfn[9], ptr[9];
	uint32_t agree = 0;

	for (int i = 0; i < 9; i++) {
		pfn[i] = 0x100000 + 7 * (uint64_t)i;
		ptr[i] = base + pfn[i] * size;
	}
	ptr[3] = base + (pfn[3] + 1) * size;
	ptr[6] = base + pfn[5] * size;
	CHECK_EQ_U64(vmemmap_vote(ptr, pfn, 9, size, &agree), base);
	CHECK_EQ_U64(agree, 7);
	CHECK_EQ_U64(vmemmap_vote(ptr, pfn, 0, size, &agree), 0);
	CHECK_EQ_U64(agree, 0);
}

int main(void)
{
	test_vmemmap_vote();
	char dir[] = "/tmp/buddyscope-fakeproc-XXXXXX";
	char trace[512], path[512];
	struct bs_error err = { .text = "" };
	static uint64_t flags[NPFN];
	struct snapshot_opts opts = { 0 };
	static struct snapshot_stats st;
	struct tracefmt_writer *w;
	struct tracefmt_reader *r;
	struct bs_error terr;
	struct tracefmt_event ev;
	size_t n = 0;
	FILE *f;
	int ret;

	REQUIRE(mkdtemp(dir));
	put(dir, "zoneinfo",
	    "Node 0, zone      DMA\n  pages free     100\n        spanned  4095\n"
	    "        present  4095\n        managed  4000\n  pagesets\n    cpu: 0\n"
	    "              count:    0\n  start_pfn:           1\n"
	    "Node 0, zone   Normal\n  pages free     100\n        spanned  8192\n"
	    "        present  8192\n        managed  8000\n  start_pfn:           4096\n"
	    "Node 0, zone  Movable\n  pages free     0\n        spanned  0\n"
	    "        present  0\n        managed  0\n");
	put(dir, "pagetypeinfo",
	    "Page block order: 9\nPages per block:  512\n\n"
	    "Free pages count per migrate type at order       0      1      2      3      4"
	    "      5      6      7      8      9     10 \n"
	    "Node    0, zone    DMA, type    Unmovable      1      1    "
	    "  1      0      0      1      1      0      0      0      0 \n"
	    "Node    0, zone    DMA, type      Movable      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone    DMA, type  Reclaimable      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone    DMA, type   HighAtomic      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone    DMA, type      Isolate      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone Normal, type    Unmovable      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone Normal, type      Movable      1      0    "
	    "  0      2      0      1      1      0      0      0      2 \n"
	    "Node    0, zone Normal, type  Reclaimable      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone Normal, type   HighAtomic      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "Node    0, zone Normal, type      Isolate      0      0    "
	    "  0      0      0      0      0      0      0      0      0 \n"
	    "\n"
	    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic"
	    "      Isolate \n"
	    "Node 0, zone      DMA            7            0            0            0"
	    "            0 \n"
	    "Node 0, zone   Normal            0           16            0            0"
	    "            0 \n");
	set_run(flags, 0, 8);
	set_run(flags, 4000, 4200);
	set_run(flags, 8192, 10241);
	set_run(flags, 12280, 12288);
	flags[100] |= KPF_SLAB;
	snprintf(path, sizeof(path), "%s/kpageflags", dir);
	f = fopen(path, "wb");
	REQUIRE(f);
	REQUIRE(fwrite(flags, sizeof(flags[0]), NPFN, f) == NPFN);
	fclose(f);

	snprintf(trace, sizeof(trace), "%s/t.bst", dir);
	w = tracefmt_writer_create(trace, "{}", 2, NULL, &terr);
	REQUIRE(w);
	opts.method = SNAPSHOT_METHOD_KPAGEFLAGS;
	opts.proc_dir = dir;
	ret = snapshot_take(w, &opts, &st, &err);
	if (ret)
		fprintf(stderr, "snapshot_take: %s\n", err.text);
	CHECK(ret == 0);
	REQUIRE(tracefmt_writer_close(w, &terr) == 0);
	CHECK_EQ_U64(st.blocks, sizeof(wants) / sizeof(wants[0]));
	CHECK_EQ_U64(st.nr_zones, 2); /* Movable is empty */
	CHECK(st.method == SNAPSHOT_METHOD_KPAGEFLAGS);
	CHECK_EQ_U64(st.zones[1].blocks_mt_unknown[10], 2);
	CHECK_EQ_U64(st.zones[1].pageblocks[1], 16);

	r = tracefmt_reader_open(trace, &terr);
	REQUIRE(r);
	while (tracefmt_reader_next(r, &ev) == 1) {
		if (ev.type == TRACEFMT_SNAPSHOT_MARK) {
			CHECK_EQ_U64(ev.u.snapshot_mark.method, TRACEFMT_SNAP_METHOD_KPAGEFLAGS);
			if (ev.u.snapshot_mark.phase == TRACEFMT_SNAP_END) {
				CHECK_EQ_U64(ev.u.snapshot_mark.count, st.blocks);
				CHECK(ev.u.snapshot_mark.flags & SNAPSHOT_MARK_PCP_UNKNOWN);
			}
			continue;
		}
		if (ev.type == TRACEFMT_CHECKPOINT) {
			/* pagetypeinfo's counts, carried through */
			if (!strcmp(ev.u.checkpoint.zone, "Normal")) {
				CHECK_EQ_U64(ev.u.checkpoint.free_blocks[10][1], 2);
				CHECK_EQ_U64(ev.u.checkpoint.free_blocks[3][1], 2);
				CHECK_EQ_U64(ev.u.checkpoint.free_blocks[10][0], 0);
				CHECK_EQ_U64(ev.u.checkpoint.pageblocks[1], 16);
				CHECK(ev.u.checkpoint.flags & TRACEFMT_CKPT_HAS_PAGEBLOCKS);
			}
			continue;
		}
		if (ev.type != TRACEFMT_SNAPSHOT_BLOCK)
			continue;
		if (n < sizeof(wants) / sizeof(wants[0])) {
			CHECK_EQ_U64(ev.u.snapshot_block.pfn, wants[n].pfn);
			CHECK_EQ_U64(ev.u.snapshot_block.order, wants[n].order);
			CHECK(!strcmp(ev.u.snapshot_block.zone, wants[n].zone));
			CHECK(ev.u.snapshot_block.migratetype == -1);
			CHECK_EQ_U64(ev.u.snapshot_block.flags,
				     TRACEFMT_SNAP_MT_UNKNOWN | TRACEFMT_SNAP_POS_UNKNOWN);
		}
		n++;
	}
	tracefmt_reader_close(r);
	CHECK_EQ_U64(n, sizeof(wants) / sizeof(wants[0]));

	/* AUTO: the BPF walk cannot run on this /proc, kpageflags takes over. */
	w = tracefmt_writer_create(trace, "{}", 2, NULL, &terr);
	REQUIRE(w);
	opts.method = SNAPSHOT_METHOD_AUTO;
	ret = snapshot_take(w, &opts, &st, &err);
	if (ret)
		fprintf(stderr, "snapshot_take: %s\n", err.text);
	CHECK(ret == 0);
	CHECK(st.method == SNAPSHOT_METHOD_KPAGEFLAGS);
	CHECK(st.fallback_reason[0] != '\0');
	printf("AUTO fell back: %s\n", st.fallback_reason);
	CHECK_EQ_U64(st.blocks, sizeof(wants) / sizeof(wants[0]));
	REQUIRE(tracefmt_writer_close(w, &terr) == 0);
	opts.method = SNAPSHOT_METHOD_KPAGEFLAGS;

	/* A /proc without kpageflags: a clear error naming the file, nothing written. */
	unlink(path);
	w = tracefmt_writer_create(trace, "{}", 2, NULL, &terr);
	REQUIRE(w);
	ret = snapshot_take(w, &opts, &st, &err);
	CHECK(ret == -ENOENT);
	CHECK_STR_CONTAINS(err.text, "kpageflags");
	CHECK_EQ_U64(tracefmt_writer_records(w), 0);
	tracefmt_writer_abandon(w);

	/* An unknown method is refused. */
	opts.method = (enum snapshot_method)42;
	CHECK(snapshot_take(NULL, &opts, NULL, &err) == -EINVAL);

	unlink(trace);
	snprintf(path, sizeof(path), "%s/zoneinfo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pagetypeinfo", dir);
	unlink(path);
	rmdir(dir);
	return TEST_REPORT();
}
