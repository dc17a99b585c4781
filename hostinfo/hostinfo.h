/* SPDX-License-Identifier: MIT */
/*
 * hostinfo: what a trace needs to know about the host it came from, read
 * from /proc and /sys text files (its functions keep the sysinfo_ prefix of
 * the `buddyscope sysinfo` command). Two jobs:
 *
 *  1. The trace header: a JSON object (schema in hostinfo/HEADER.md) with the
 *     kernel, page size, cpus, pageblock order, migratetype names, every
 *     node and zone of /proc/zoneinfo, the vm sysctls, the THP mode and the
 *     raw text of zoneinfo, pagetypeinfo and buddyinfo.
 *  2. Checkpoints: /proc/pagetypeinfo (free blocks per zone x order x
 *     migratetype, pageblocks per migratetype) plus zoneinfo's "pages free",
 *     as TRACEFMT_CHECKPOINT records, one per populated zone.
 *
 * Layers, so each can be used alone:
 *  - parsers take a (buf, len) text and fill a caller-owned struct; they do
 *    no I/O, so tests run them on recorded files;
 *  - readers take a root directory prefix (NULL or "/" for the live host),
 *    so the same code reads a directory of saved copies laid out like the
 *    live tree (<root>/proc/zoneinfo, <root>/proc/sys/vm/min_free_kbytes, ...).
 *
 * This library needs tracefmt and jansson only (no libbpf): importers use it
 * to give imported traces the same header as captured ones:
 *
 *	struct sysinfo_header_opts o = { .root = dir, .source = "import-ftrace" };
 *	size_t len;
 *	char *json = sysinfo_header_create(&o, &len, &err);
 *	... tracefmt_import(fmt, in, out, json, len, &stats, &err);
 *	free(json);
 *
 * Errors follow tracefmt: 0 or -errno, and a struct bs_error (may be
 * NULL) whose text names the file (or "zoneinfo"/"pagetypeinfo" text) and
 * the line that is wrong; for parse errors its offset is the 1-based line.
 */
#ifndef BUDDYSCOPE_HOSTINFO_H
#define BUDDYSCOPE_HOSTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tracefmt.h"

#define SYSINFO_MAX_PROTECTION 8 /* lowmem_reserve entries per zone (MAX_NR_ZONES) */
#define SYSINFO_MT_NAME_LEN 16

/* One cpu's pageset of a zone ("pagesets" in /proc/zoneinfo). */
struct sysinfo_pcp {
	uint32_t cpu;
	int64_t count;	  /* pages on the pcp lists now */
	int64_t high;	  /* pages; the current high mark */
	int64_t batch;	  /* pages */
	int64_t high_min; /* pages; -1 where the kernel does not print it (< 6.7) */
	int64_t high_max; /* pages; -1 where the kernel does not print it */
};

/* One zone of /proc/zoneinfo. Counts are in pages. */
struct sysinfo_zone {
	uint32_t node;
	char name[TRACEFMT_ZONE_NAME_LEN]; /* "DMA", "DMA32", "Normal", ... */
	uint64_t nr_free_pages;		    /* "pages free" (NR_FREE_PAGES) */
	uint64_t boost, min, low, high;	    /* watermarks; min/low/high include boost */
	uint64_t promo;			    /* valid if has_promo */
	uint64_t spanned, present, managed;
	uint64_t start_pfn;		    /* valid if has_start_pfn (populated zones) */
	uint64_t protection[SYSINFO_MAX_PROTECTION]; /* lowmem_reserve[], pages */
	uint32_t nr_protection;
	bool has_promo;
	bool has_start_pfn;
	bool has_pages_free;
	struct sysinfo_pcp *pcp;	    /* nr_pcp entries, owned */
	uint32_t nr_pcp;
};

/* All zones of /proc/zoneinfo in file order. Release with sysinfo_zoneinfo_release(). */
struct sysinfo_zoneinfo {
	struct sysinfo_zone *zones;
	uint32_t nr_zones;
};

/* One populated zone of /proc/pagetypeinfo. */
struct sysinfo_pagetype_zone {
	uint32_t node;
	char name[TRACEFMT_ZONE_NAME_LEN];
	/* free blocks on each list; a list at the 100000 cap reads as 100000 */
	uint32_t free_blocks[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];
	uint32_t pageblocks[TRACEFMT_MAX_MT]; /* "Number of blocks type" row */
	bool capped;			       /* some list printed ">100000" */
	bool has_pageblocks;
};

/*
 * /proc/pagetypeinfo. Migratypes are indexed in the order the file names
 * them (Unmovable, Movable, Reclaimable, HighAtomic, [CMA,] Isolate).
 * Release with sysinfo_pagetypeinfo_release().
 */
struct sysinfo_pagetypeinfo {
	uint32_t pageblock_order;
	uint32_t pages_per_block;
	uint32_t nr_orders; /* columns of the free-count table (NR_PAGE_ORDERS) */
	uint32_t nr_mt;
	char mt_names[TRACEFMT_MAX_MT][SYSINFO_MT_NAME_LEN];
	struct sysinfo_pagetype_zone *zones; /* nr_zones entries, owned */
	uint32_t nr_zones;
};

/**
 * sysinfo_zoneinfo_parse() - parse the text of /proc/zoneinfo (@buf, @len;
 * need not be NUL-terminated) into @out, which the caller releases with
 * sysinfo_zoneinfo_release() (also after a failure). Returns 0, -EINVAL on
 * text that is not zoneinfo (no zone, a zone without "pages free", a
 * malformed number), -ENOMEM.
 */
int sysinfo_zoneinfo_parse(const char *buf, size_t len, struct sysinfo_zoneinfo *out,
			   struct bs_error *err);
void sysinfo_zoneinfo_release(struct sysinfo_zoneinfo *zi);

/* The zone @node/@name of @zi, or NULL. */
const struct sysinfo_zone *sysinfo_zoneinfo_find(const struct sysinfo_zoneinfo *zi,
						 uint32_t node, const char *name);

/**
 * sysinfo_pagetypeinfo_parse() - parse the text of /proc/pagetypeinfo into
 * @out (release with sysinfo_pagetypeinfo_release(), also after a failure).
 * Returns 0, -EINVAL on malformed text or more than TRACEFMT_MAX_ORDERS
 * orders / TRACEFMT_MAX_MT migratetypes, -ENOMEM.
 */
int sysinfo_pagetypeinfo_parse(const char *buf, size_t len, struct sysinfo_pagetypeinfo *out,
			       struct bs_error *err);
void sysinfo_pagetypeinfo_release(struct sysinfo_pagetypeinfo *pti);

/* The zone @node/@name of @pti, or NULL. */
const struct sysinfo_pagetype_zone *sysinfo_pagetypeinfo_find(const struct sysinfo_pagetypeinfo *pti,
							      uint32_t node, const char *name);

/**
 * sysinfo_buddyinfo_blocks() - the free blocks /proc/buddyinfo text (@buf,
 * @len) counts, all zones and orders together; lines that are not
 * "Node N, zone NAME counts..." are skipped. *@nr_orders (may be NULL)
 * receives the columns of the first zone line (0 without one).
 */
uint64_t sysinfo_buddyinfo_blocks(const char *buf, size_t len, uint32_t *nr_orders);

/**
 * sysinfo_zoneinfo_read() - read <@root>/<@rel> (a /proc/zoneinfo: @root
 * "/" and @rel "proc/zoneinfo" on this host, or a /proc directory as @root
 * and "zoneinfo") and parse it into @out, which the caller releases (also
 * after a failure). Returns 0 or -errno; the error names the file.
 */
int sysinfo_zoneinfo_read(const char *root, const char *rel, struct sysinfo_zoneinfo *out,
			  struct bs_error *err);

/* sysinfo_pagetypeinfo_read() - the same for a /proc/pagetypeinfo (root only, mode 0400). */
int sysinfo_pagetypeinfo_read(const char *root, const char *rel, struct sysinfo_pagetypeinfo *out,
			      struct bs_error *err);

/**
 * sysinfo_checkpoint_build() - turn one reading into TRACEFMT_CHECKPOINT
 * records, one per zone of @pti (in its order), all with sequence @seq and
 * time @ts_ns; nr_free_pages comes from the same zone of @zi when @zi is not
 * NULL. With @pti NULL, one record per populated zone of @zi carries only
 * nr_free_pages (nr_orders = nr_mt = 0). Writes at most @max records to @out
 * and their number to *@nr. Returns 0 or -ENOSPC when @max is too small.
 */
int sysinfo_checkpoint_build(const struct sysinfo_pagetypeinfo *pti,
			     const struct sysinfo_zoneinfo *zi, uint32_t seq, uint64_t ts_ns,
			     struct tracefmt_event *out, size_t max, size_t *nr);

/**
 * sysinfo_file_read() - read <@root>/<@rel> whole (proc files report size 0,
 * so this reads to EOF) into a NUL-terminated malloc'd buffer *@buf of
 * *@len bytes. @root NULL means "/". Returns 0 or -errno; the error names
 * the path.
 */
int sysinfo_file_read(const char *root, const char *rel, char **buf, size_t *len,
		      struct bs_error *err);

/**
 * sysinfo_checkpoint_read() - read <@root>/proc/pagetypeinfo and
 * <@root>/proc/zoneinfo and build the records as sysinfo_checkpoint_build()
 * does. When pagetypeinfo cannot be opened (it is root-only), falls back to
 * zoneinfo free counts alone. Returns 0 or -errno.
 */
int sysinfo_checkpoint_read(const char *root, uint32_t seq, uint64_t ts_ns,
			    struct tracefmt_event *out, size_t max, size_t *nr,
			    struct bs_error *err);

/**
 * sysinfo_zone_state_build() - one TRACEFMT_ZONE_STATE record per zone of
 * @zi (every zone, empty ones included, in file order), all with sequence
 * @seq and time @ts_ns: start_pfn, spanned, present, managed, watermarks,
 * boost, pages free and lowmem reserves as zoneinfo printed them, and
 * @min_free_kbytes (< 0: unknown, flag not set). Writes at most @max
 * records to @out and their number to *@nr. Returns 0 or -ENOSPC.
 */
int sysinfo_zone_state_build(const struct sysinfo_zoneinfo *zi, uint32_t seq, uint64_t ts_ns,
			     int64_t min_free_kbytes, struct tracefmt_event *out, size_t max,
			     size_t *nr);

/**
 * sysinfo_checkpoint_read_full() - a capture's reading: the records of
 * sysinfo_checkpoint_read() followed by the zone states of the same
 * zoneinfo text (sysinfo_zone_state_build(), with vm.min_free_kbytes read
 * just before zoneinfo). *@nr counts all records, *@nr_states the zone
 * states among them (the last ones). Returns 0 or -errno.
 */
int sysinfo_checkpoint_read_full(const char *root, uint32_t seq, uint64_t ts_ns,
				 struct tracefmt_event *out, size_t max, size_t *nr,
				 size_t *nr_states, struct bs_error *err);

/* What to put in a header besides what is read from the files. */
struct sysinfo_header_opts {
	const char *root;		  /* NULL or "/" = this host */
	const char *source;		  /* "capture", "import-ftrace", ...; NULL = "capture" */
	const char *tool;		  /* NULL = "buddyscope <version>" */
	uint64_t start_time_unix_ns;	  /* 0 = now (CLOCK_REALTIME) */
	const char *const *tracepoints_missing; /* names, may be NULL */
	size_t nr_tracepoints_missing;
	json_t *capture;		  /* the "capture" object (HEADER.md), borrowed; NULL = none */
};

/**
 * sysinfo_header_build() - the header object of hostinfo/HEADER.md, read from
 * @opts->root. Files that cannot be read give null values (and a null raw
 * text); a zoneinfo that cannot be read or parsed is an error, because a
 * trace without zones cannot be replayed. Returns a new reference (caller
 * json_decref()s it) or NULL with errno set and @err filled.
 */
json_t *sysinfo_header_build(const struct sysinfo_header_opts *opts, struct bs_error *err);

/**
 * sysinfo_header_create() - sysinfo_header_build() with @opts->capture
 * added, serialised: a malloc'd, NUL-terminated compact JSON text of *@len
 * bytes (without the NUL), for tracefmt_writer_create() or
 * tracefmt_import(). The one header serialiser: capture and the importers
 * call it. The caller free()s it; NULL with errno set and @err filled.
 */
char *sysinfo_header_create(const struct sysinfo_header_opts *opts, size_t *len,
			    struct bs_error *err);

/*
 * Host description directories: the files above copied from a host, laid
 * out as under / (DIR/proc/zoneinfo, DIR/proc/sys/vm/min_free_kbytes, ...),
 * plus DIR/page_size. `buddyscope sysinfo save DIR` writes one on the
 * traced host; `buddyscope import --sysinfo DIR` reads it elsewhere.
 */
enum sysinfo_file_need {
	SYSINFO_FILE_OPTIONAL = 0,  /* the header holds null without it */
	SYSINFO_FILE_REQUIRED = 1,  /* sysinfo_dir_check() refuses a directory without it */
	SYSINFO_FILE_ORDERS = 2,    /* pagetypeinfo: required unless the two below are there */
	SYSINFO_FILE_ORDERS_ALT = 3, /* buddyinfo and hpage_pmd_size, together */
};

struct sysinfo_dir_file {
	const char *rel;  /* path under the directory (and under / on the host) */
	const char *what; /* what the header takes from it */
	enum sysinfo_file_need need;
};

/* The list (without the per-cpu cache files sysinfo_dir_save() also copies). */
const struct sysinfo_dir_file *sysinfo_dir_files(size_t *nr);

struct sysinfo_save_stats {
	uint32_t written;	  /* files written */
	uint32_t nr_unreadable;	  /* files of the list that could not be read on the host */
	char unreadable[24][64];  /* their names (the first 24) */
};

/**
 * sysinfo_dir_save() - copy the host description files from @root (NULL or
 * "/" for this host) into @dir (made if missing; files in it are replaced),
 * write @dir/page_size, and check the result with sysinfo_dir_check().
 * Files that cannot be read (pagetypeinfo is root-only; a sysctl the
 * kernel lacks) are skipped and listed in @st. Returns 0 or -errno with @err
 * naming the file.
 */
int sysinfo_dir_save(const char *root, const char *dir, struct sysinfo_save_stats *st,
		     struct bs_error *err);

/**
 * sysinfo_dir_check() - whether @dir describes a host well enough for a
 * header: proc/zoneinfo that parses, the pageblock order and orders
 * (proc/pagetypeinfo, or proc/buddyinfo with
 * sys/kernel/mm/transparent_hugepage/hpage_pmd_size), the kernel release and
 * the online cpus; optional files, when present, must parse too. Returns 0,
 * or -ENOENT / -EINVAL with @err naming the missing or malformed file:
 * "FILE: what is wrong", FILE relative to @dir (the caller puts @dir in
 * front: long paths do not fit the error text), or "not a directory ...".
 */
int sysinfo_dir_check(const char *dir, struct bs_error *err);

#endif /* BUDDYSCOPE_HOSTINFO_H */
