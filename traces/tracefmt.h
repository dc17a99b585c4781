/* SPDX-License-Identifier: MIT */
/*
 * tracefmt: the buddyscope trace file (.bst) — a streaming writer and a
 * streaming, crash-tolerant reader. The byte layout is specified in
 * traces/FORMAT.md; this header is the manual of the C interface.
 *
 * A trace is a preamble, an opaque JSON header blob (this library never
 * parses it: capture and replay use jansson on it) and a sequence of
 * self-describing blocks of records. Records are typed; a reader skips
 * record types it does not know, so new types never break old readers.
 *
 * Memory: writer and reader each hold one block (at most
 * TRACEFMT_BLOCK_MAX_RAW bytes raw) plus its compressed form, whatever the
 * length of the trace; the reader also holds the block's decoded records
 * (56 bytes each, at most 3.5 MiB), because it checks a whole block before
 * it returns any record of it.
 *
 * Errors: functions returning int give 0 on success and -errno on failure;
 * constructors return NULL and set errno. Where a struct tracefmt_error is
 * passed (it may be NULL) it receives the byte offset and a sentence.
 */
#ifndef BUDDYSCOPE_TRACEFMT_H
#define BUDDYSCOPE_TRACEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TRACEFMT_VERSION_MAJOR 1
#define TRACEFMT_VERSION_MINOR 3

#define TRACEFMT_MAX_ORDERS 16	/* room for MAX_ORDER up to 15 */
#define TRACEFMT_MAX_MT 8	/* migratetypes per zone in a checkpoint */
#define TRACEFMT_COMM_LEN 16	/* TASK_COMM_LEN */
#define TRACEFMT_ZONE_NAME_LEN 16
#define TRACEFMT_BLOCK_MAX_RAW (1u << 20) /* raw payload bytes per block */
#define TRACEFMT_BLOCK_MAX_RECORDS 65536

/*
 * Format limits: values no host can produce, so a record holding one is
 * malformed and the reader skips its whole block (FORMAT.md §4, "Value
 * limits"). Host limits (a cpu below the header's cpu count, a pfn inside
 * a zone) are for replay to check.
 */
#define TRACEFMT_MAX_CPUS 8192	/* cpu < this: x86-64's largest NR_CPUS */
#define TRACEFMT_MAX_NODES 1024 /* node < this: MAX_NUMNODES with NODES_SHIFT 10 */
#define TRACEFMT_MAX_PFN ((1ull << 52) - 1) /* 4 KiB pages of a 2^64-byte space */
#define TRACEFMT_MAX_TS_NS ((uint64_t)INT64_MAX) /* timestamps fit an int64_t */
#define TRACEFMT_CPU_UNKNOWN UINT32_MAX /* a lost record's cpu when not known */

/* pfn of a failed allocation (the kernel's tracepoint reports -1). */
#define TRACEFMT_PFN_NONE UINT64_MAX

/*
 * Record types. Values are on disk: never renumber, only append.
 * The first six are the kmem page tracepoints.
 */
enum tracefmt_type {
	TRACEFMT_PAGE_ALLOC = 1,	      /* kmem:mm_page_alloc */
	TRACEFMT_PAGE_FREE = 2,		      /* kmem:mm_page_free */
	TRACEFMT_PAGE_FREE_BATCHED = 3,	      /* kmem:mm_page_free_batched */
	TRACEFMT_PAGE_ALLOC_ZONE_LOCKED = 4,  /* kmem:mm_page_alloc_zone_locked */
	TRACEFMT_PAGE_PCPU_DRAIN = 5,	      /* kmem:mm_page_pcpu_drain */
	TRACEFMT_PAGE_ALLOC_EXTFRAG = 6,      /* kmem:mm_page_alloc_extfrag */
	TRACEFMT_LOST = 7,		      /* events dropped on one cpu */
	TRACEFMT_CHECKPOINT = 8,	      /* one zone's free counts */
	TRACEFMT_SNAPSHOT_BLOCK = 9,	      /* one free block of the snapshot */
	TRACEFMT_SNAPSHOT_MARK = 10,	      /* snapshot walk begin / end */
	TRACEFMT_COMM = 11,		      /* pid -> command name */
	TRACEFMT_SNAPSHOT_WALK = 12,	      /* when one zone's / cpu's lists were read */
	TRACEFMT_ZONE_STATE = 13,	      /* one zone's size and watermarks at a checkpoint */
	TRACEFMT_WMARK = 14,		      /* kmem:mm_setup_per_zone_wmarks */
	TRACEFMT_TRIGGER = 15,		      /* a flight-recorder trigger fired */
	TRACEFMT_NR_TYPES		      /* one past the last known type */
};

/* Name of a record type ("mm_page_alloc", "lost", ...), "unknown" else. */
const char *tracefmt_type_name(unsigned int type);
/* Inverse of tracefmt_type_name(); 0 when the name is not known. */
unsigned int tracefmt_type_from_name(const char *name);

/* Flags of checkpoint records. */
enum tracefmt_checkpoint_flags {
	TRACEFMT_CKPT_CAPPED = 1 << 0,	   /* a list count hit pagetypeinfo's cap */
	TRACEFMT_CKPT_SNAPSHOT = 1 << 1,   /* counts taken by the snapshot walk */
	TRACEFMT_CKPT_HAS_PAGEBLOCKS = 1 << 2, /* pageblocks[] is filled */
	TRACEFMT_CKPT_HAS_NR_FREE = 1 << 3,    /* nr_free_pages is filled */
};

/* Flags of snapshot block records. */
enum tracefmt_snapshot_flags {
	TRACEFMT_SNAP_PCP = 1 << 0,	    /* on a per-cpu list (event cpu says which) */
	TRACEFMT_SNAP_UNCERTAIN = 1 << 1,   /* its list changed under the walk */
	TRACEFMT_SNAP_MT_UNKNOWN = 1 << 2,  /* list migratetype not known (kpageflags) */
	TRACEFMT_SNAP_POS_UNKNOWN = 1 << 3, /* list position not known (kpageflags) */
};

/* Snapshot walk marks. */
enum tracefmt_snapshot_phase {
	TRACEFMT_SNAP_BEGIN = 1,
	TRACEFMT_SNAP_END = 2,
};
/* Flags of the END mark: what the walk could not vouch for. */
enum tracefmt_snapshot_mark_flags {
	TRACEFMT_SNAP_MARK_UNCERTAIN = 1 << 0,	     /* some list changed under the walk */
	TRACEFMT_SNAP_MARK_PCP_UNKNOWN = 1 << 1,     /* pcp lists not read (kpageflags) */
	TRACEFMT_SNAP_MARK_LIST_UNKNOWN = 1 << 2,    /* list mt and position unknown */
	TRACEFMT_SNAP_MARK_PCP_PARTIAL = 1 << 3,     /* some cpu's pcp lists not read */
	TRACEFMT_SNAP_MARK_NR_FREE_MISMATCH = 1 << 4, /* walked blocks != free_area nr_free */
};
/*
 * Flags of snapshot walk records. The record's cpu is the cpu whose pcp
 * lists were read, or TRACEFMT_WALK_BUDDY_CPU for the zone's buddy lists.
 */
#define TRACEFMT_WALK_BUDDY_CPU UINT32_MAX
enum tracefmt_snapshot_walk_flags {
	TRACEFMT_WALK_LOCKED = 1 << 0,	  /* read under the zone lock: one instant */
	TRACEFMT_WALK_UNCERTAIN = 1 << 1, /* some of these lists changed under the walk */
	TRACEFMT_WALK_RETRIED = 1 << 2,	  /* some of these lists were read more than once */
	TRACEFMT_WALK_UNLOCKED = 1 << 3,  /* read without the lock (kpageflags scan) */
};

/* Flags of zone state records: which optional fields are filled. */
enum tracefmt_zone_state_flags {
	TRACEFMT_ZS_HAS_START_PFN = 1 << 0,	  /* zoneinfo printed start_pfn */
	TRACEFMT_ZS_HAS_PROMO = 1 << 1,		  /* the kernel has a promo watermark */
	TRACEFMT_ZS_HAS_MIN_FREE_KBYTES = 1 << 2, /* vm.min_free_kbytes was read */
	TRACEFMT_ZS_HAS_PCP = 1 << 3,		  /* pcp_batch and pcp_high_min/max are filled */
};
#define TRACEFMT_MAX_ZONE_TYPES 8 /* lowmem_reserve entries in a zone state */

/*
 * What fired a flight-recorder dump (capture --trigger, FORMAT.md §4): the
 * kind says how to read the trigger record's order, value and limit.
 */
enum tracefmt_trigger_kind {
	TRACEFMT_TRIGGER_ALLOC_FAIL = 1, /* an mm_page_alloc with no page: order = its order,
					    value = its gfp flags; cpu, pid, ts are the event's */
	TRACEFMT_TRIGGER_FREE_ORDER = 2, /* a checkpoint zone with fewer than limit free blocks
					    of order >= order: value = the blocks it had */
	TRACEFMT_TRIGGER_EXTFRAG = 3,	 /* a fragmenting fallback (mm_page_alloc_extfrag with
					    fallback_order < pageblock_order): order = alloc
					    order, value = fallback order, limit = pageblock_order */
	TRACEFMT_TRIGGER_REQUEST = 4,	 /* a dump asked for (SIGUSR1, capture --dump) */
	TRACEFMT_TRIGGER_MAX_KIND = 4,
};

/* "alloc-fail", "free-order", "extfrag", "request"; "unknown" else. */
const char *tracefmt_trigger_kind_name(unsigned int kind);

/* seq of the checkpoint records a snapshot writes (pageblock counts). */
#define TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ UINT32_MAX

enum tracefmt_snapshot_method {
	TRACEFMT_SNAP_METHOD_BPF = 1,	     /* BPF walk of the real lists */
	TRACEFMT_SNAP_METHOD_KPAGEFLAGS = 2, /* /proc/kpageflags, orders greedy */
};

/*
 * One record. type selects the member of the union; ts_ns, cpu and pid are
 * meaningful for every type (0 where the source has none). Timestamps are
 * CLOCK_MONOTONIC nanoseconds (the clock of bpf_ktime_get_ns and of ftrace's
 * default "local" clock is declared in the header blob).
 */
struct tracefmt_event {
	uint32_t type;	 /* enum tracefmt_type */
	uint32_t cpu;	 /* cpu the event fired on */
	uint32_t pid;	 /* current task's pid (tgid not recorded) */
	uint32_t pad0;
	uint64_t ts_ns;	 /* timestamp, ns */
	union {
		struct {
			uint64_t pfn;	     /* TRACEFMT_PFN_NONE on failure */
			uint32_t order;
			int32_t migratetype; /* the request's migratetype */
			uint64_t gfp_flags;  /* raw gfp bits */
		} alloc;
		struct {
			uint64_t pfn;
			uint32_t order;
		} free;
		struct {
			uint64_t pfn;
			uint32_t order;	    /* 0 when the source has none */
			uint32_t has_order; /* 1 if the source printed an order */
		} free_batched;
		struct {
			uint64_t pfn;
			uint32_t order;
			int32_t migratetype;
			uint32_t percpu_refill;
		} zone_locked;
		struct {
			uint64_t pfn;
			uint32_t order;
			int32_t migratetype;
		} pcpu_drain;
		struct {
			uint64_t pfn;
			uint32_t alloc_order;
			uint32_t fallback_order;
			int32_t alloc_migratetype;
			int32_t fallback_migratetype;
			uint32_t change_ownership;
		} extfrag;
		struct {
			uint64_t count;	   /* events dropped on cpu */
			uint64_t first_ns; /* the loss window (format 1.2): first and last */
			uint64_t last_ns;  /* dropped event, first <= last <= ts_ns; both 0
					      when not known (older files, imports) */
		} lost;
		struct {
			char comm[TRACEFMT_COMM_LEN]; /* NUL-terminated */
		} comm;
		struct {
			uint32_t seq;	  /* checkpoint number; zones of one reading share it */
			uint32_t node;
			char zone[TRACEFMT_ZONE_NAME_LEN]; /* "DMA32", "Normal", ... */
			uint32_t flags;	  /* enum tracefmt_checkpoint_flags */
			uint32_t nr_orders;
			uint32_t nr_mt;
			uint32_t pad;
			uint64_t nr_free_pages; /* zoneinfo "pages free" */
			/* free blocks on each list: /proc/pagetypeinfo */
			uint32_t free_blocks[TRACEFMT_MAX_ORDERS][TRACEFMT_MAX_MT];
			uint32_t pageblocks[TRACEFMT_MAX_MT]; /* pageblocks per mt */
		} checkpoint;
		struct {
			uint64_t pfn;
			uint64_t position;   /* index from the list head, 0 = head */
			uint32_t order;
			int32_t migratetype; /* the list it sits on, -1 if unknown */
			uint32_t node;
			uint32_t flags;	     /* enum tracefmt_snapshot_flags */
			char zone[TRACEFMT_ZONE_NAME_LEN];
		} snapshot_block;
		struct {
			uint32_t phase;	 /* enum tracefmt_snapshot_phase */
			uint32_t method; /* enum tracefmt_snapshot_method */
			uint32_t flags;	 /* method-specific, documented in FORMAT.md */
			uint32_t pad;
			uint64_t count;	 /* at END: records written by the walk */
		} snapshot_mark;
		/*
		 * The lists of one zone (cpu TRACEFMT_WALK_BUDDY_CPU: its buddy
		 * lists; else that cpu's pcp lists of the zone) were read from
		 * ts_ns to end_ns. With TRACEFMT_WALK_LOCKED they are the state
		 * of every instant in between.
		 */
		struct {
			uint32_t node;
			uint32_t flags;	 /* enum tracefmt_snapshot_walk_flags */
			char zone[TRACEFMT_ZONE_NAME_LEN];
			uint64_t end_ns; /* when reading them ended, ns (>= ts_ns) */
		} snapshot_walk;
		/* One zone of /proc/zoneinfo, read with the checkpoint of the same seq. */
		struct {
			uint32_t seq;	   /* the checkpoint reading it belongs to */
			uint32_t node;
			char zone[TRACEFMT_ZONE_NAME_LEN];
			uint32_t flags;	   /* enum tracefmt_zone_state_flags */
			uint32_t nr_protection; /* entries of protection[] */
			uint64_t start_pfn;
			uint64_t spanned;  /* pages */
			uint64_t present;  /* pages */
			uint64_t managed;  /* pages */
			uint64_t min;	   /* watermarks, pages; they include boost */
			uint64_t low;
			uint64_t high;
			uint64_t promo;
			uint64_t boost;	   /* pages */
			uint64_t nr_free_pages;	  /* "pages free" */
			uint64_t min_free_kbytes; /* vm.min_free_kbytes read with it, KiB */
			/* the zone's pcp sizes (the kernel computes them per zone) */
			uint64_t pcp_batch;	  /* pages */
			uint64_t pcp_high_min;	  /* pages; 0 before 6.7 */
			uint64_t pcp_high_max;	  /* pages; 0 before 6.7 */
			uint64_t protection[TRACEFMT_MAX_ZONE_TYPES]; /* lowmem_reserve[], pages */
		} zone_state;
		/* The watermarks the kernel just computed for one zone (boost is 0 then). */
		struct {
			uint32_t node;
			uint32_t pad;
			char zone[TRACEFMT_ZONE_NAME_LEN];
			uint64_t min;	/* pages */
			uint64_t low;
			uint64_t high;
			uint64_t promo;
		} wmark;
		/* A trigger fired (enum tracefmt_trigger_kind says how to read it). */
		struct {
			uint32_t kind;	 /* enum tracefmt_trigger_kind */
			uint32_t node;	 /* the zone's node (free-order), else 0 */
			char zone[TRACEFMT_ZONE_NAME_LEN]; /* the zone (free-order), else "" */
			uint64_t order;	 /* see the kind */
			uint64_t value;	 /* the value that fired */
			uint64_t limit;	 /* the threshold it was held against */
		} trigger;
	} u;
};

/* Where and why an operation failed. */
struct tracefmt_error {
	uint64_t offset; /* byte offset in the file (or line number, see text) */
	int code;	 /* -errno */
	char text[160];	 /* a sentence naming what is wrong */
};

/**
 * tracefmt_error_set() - fill @err (may be NULL) with offset 0, @code and
 * the printf-formatted sentence; returns @code, so `return
 * tracefmt_error_set(err, -EINVAL, "...")` reports and fails in one step.
 */
int tracefmt_error_set(struct tracefmt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * tracefmt_event_check() - whether every field of @ev is within the format
 * limits (FORMAT.md §4 "Value limits"): orders below TRACEFMT_MAX_ORDERS,
 * migratetypes below TRACEFMT_MAX_MT (snapshot blocks also -1), cpus below
 * TRACEFMT_MAX_CPUS (a lost record also TRACEFMT_CPU_UNKNOWN, a snapshot
 * walk TRACEFMT_WALK_BUDDY_CPU), pfns at most
 * TRACEFMT_MAX_PFN (TRACEFMT_PFN_NONE only for a failed mm_page_alloc or
 * mm_page_alloc_zone_locked), nodes below TRACEFMT_MAX_NODES, timestamps at
 * most TRACEFMT_MAX_TS_NS, checkpoint sizes within the arrays. The reader
 * applies it to every record it decodes; importers and writers may apply it
 * before they write. Types it does not know pass on their common fields.
 * Returns 0, or -EINVAL with a sentence naming the type, the field and its
 * value in @why (@len bytes; @why may be NULL).
 */
int tracefmt_event_check(const struct tracefmt_event *ev, char *why, size_t len);

/**
 * tracefmt_event_page() - the pfn and order of a page event's page (for an
 * mm_page_alloc_extfrag the allocation's order). Returns false, leaving
 * @pfn and @order alone, for records that are not page events; a failed
 * allocation gives TRACEFMT_PFN_NONE.
 */
bool tracefmt_event_page(const struct tracefmt_event *ev, uint64_t *pfn, uint32_t *order);

/*
 * Printing records (`buddyscope dump`).
 */
enum tracefmt_dump_style {
	TRACEFMT_DUMP_TEXT = 0, /* "SEC.NS [CPU] PID TYPE: field=value ..." */
	TRACEFMT_DUMP_JSON = 1, /* {"type":..,"ts_ns":..,"cpu":..,"pid":..,field:value,..} */
};

/**
 * tracefmt_event_format() - @ev as one line, without a newline, into @buf
 * (@len bytes, always NUL-terminated when @len > 0; as snprintf). Every
 * field of the record's type is printed under its struct member's name;
 * in text pfns, gfp bits and flags are hex, a failed allocation's pfn is
 * -1, a cpu a record does not know is "[---]" (JSON null). JSON escapes
 * names (comm, zone) so any byte gives valid JSON. Formats are one table
 * entry per record type (traces/tracefmt_dump.c).
 * Returns the length of the whole line (larger than @len - 1 when it was
 * cut), or -EINVAL for a type this build cannot print.
 */
int tracefmt_event_format(const struct tracefmt_event *ev, enum tracefmt_dump_style style,
			  char *buf, size_t len);

/*
 * Writer.
 */
struct tracefmt_writer;

struct tracefmt_writer_opts {
	int zstd_level;		   /* 0 = default (1); <0 fast levels */
	bool uncompressed;	   /* store blocks without zstd (codec 0, FORMAT.md §3): readers
				      skip decompression; about 2.3x the bytes on disk */
	bool row_blocks;	   /* record blocks in the row form of format 1.2 (kind 1), which
				      readers before 1.3 read; default: field-major blocks (kind
				      3, FORMAT.md §4.1), ~2x faster to write and read, which
				      those readers refuse (preamble flag bit 1) */
	uint32_t block_records;	   /* records per block before a flush; 0 = default */
	bool sync;		   /* fdatasync after each block (crash safety) */
	unsigned int outfile_flags; /* enum outfile_flags (outfile/outfile.h): 0 writes a
				       hidden temporary; OUTFILE_PARTIAL writes PATH.partial,
				       kept with its complete blocks when the trace is not
				       closed cleanly (capture); OUTFILE_NO_REPLACE refuses
				       an existing @path */
};

/**
 * tracefmt_writer_create() - start the trace that becomes @path and write
 * the preamble and the header blob. @header may be any bytes (JSON by
 * convention) of length @header_len (at most 64 MiB). @opts may be NULL.
 * The trace is written under another name in the same directory, created
 * without following symlinks (outfile.h), and renamed to @path by a
 * successful tracefmt_writer_close(): until then @path keeps what it held.
 * Returns NULL with errno set (and @err filled) on failure.
 */
struct tracefmt_writer *tracefmt_writer_create(const char *path, const void *header,
					       size_t header_len,
					       const struct tracefmt_writer_opts *opts,
					       struct tracefmt_error *err);

/**
 * tracefmt_writer_append() - add one record to the current block. The block
 * is compressed and written when it is full. On a write error (disk full)
 * returns -errno; everything in earlier blocks stays readable and later
 * appends keep failing with the same error.
 */
int tracefmt_writer_append(struct tracefmt_writer *w, const struct tracefmt_event *ev);

/**
 * tracefmt_writer_flush() - write the current block now, even if small
 * (capture calls this at least once a second so kill -9 loses little).
 * A flush of an empty block writes nothing.
 */
int tracefmt_writer_flush(struct tracefmt_writer *w);

/**
 * tracefmt_writer_append_trace() - flush @w, then copy the record blocks of
 * the trace file @path into it as stored (no decoding, checksums verified):
 * every block up to its end block, or up to the last complete block of a
 * trace still being written (a .partial). The blocks keep their own
 * timestamps; @w's end block counts them. Blocks of @path's header are not
 * copied: the caller makes @w with the header it wants. A flight recorder
 * joins its segments into one trace with it. *@records (may be NULL)
 * receives the records copied. Returns 0, -errno (@err names @path and the
 * offset) for an unreadable @path or a write error; a corrupt block of
 * @path ends the copy there with -EBADMSG, the blocks before it copied.
 */
int tracefmt_writer_append_trace(struct tracefmt_writer *w, const char *path, uint64_t *records,
				 struct tracefmt_error *err);

/**
 * tracefmt_writer_set_limit() - keep the file within @bytes (0: no limit).
 * A record block that would end past the limit, less a small reserve, is
 * dropped instead of written, and so is every record after it; the close
 * then writes one lost record (cpu unknown, the count and the window of the
 * dropped records) and the end block into the reserve, so the trace stays
 * complete and says what it is missing. tracefmt_writer_limit_reached() tells
 * the producer to stop; tracefmt_writer_dropped() counts what was dropped.
 */
void tracefmt_writer_set_limit(struct tracefmt_writer *w, uint64_t bytes);
bool tracefmt_writer_limit_reached(const struct tracefmt_writer *w);
uint64_t tracefmt_writer_dropped(const struct tracefmt_writer *w);

/* Records and bytes written so far (bytes include the preamble). */
uint64_t tracefmt_writer_records(const struct tracefmt_writer *w);
uint64_t tracefmt_writer_bytes(const struct tracefmt_writer *w);

/**
 * tracefmt_writer_close() - flush, write the end block that marks a complete
 * trace, sync and close the file, rename it to its path and free @w
 * (always, even on error). Returns 0 or the first error met since create;
 * on error the path is left as it was, and the file written is removed
 * (with OUTFILE_PARTIAL it stays as PATH.partial when it holds a block).
 * NULL-safe.
 */
int tracefmt_writer_close(struct tracefmt_writer *w, struct tracefmt_error *err);

/**
 * tracefmt_writer_abandon() - close and free without writing the end block
 * or renaming: the file written is removed, except an OUTFILE_PARTIAL one
 * holding a block, which stays as PATH.partial and reads as truncated.
 * NULL-safe.
 */
void tracefmt_writer_abandon(struct tracefmt_writer *w);

/*
 * Reader.
 */
struct tracefmt_reader;

/*
 * What the reader found. "Records read" below means records of good record
 * blocks, returned or skipped as of an unknown type (records +
 * skipped_records). The end block holds the writer's totals; once it is
 * read they are compared with what was read, and @complete is true only
 * when the end block was seen, the totals agree and nothing follows it.
 *
 * stop_reason and first_corruption name the offset and the field but not
 * the file: print them after the file's name.
 */
struct tracefmt_reader_stats {
	uint64_t file_size;	   /* bytes */
	uint64_t records;	   /* records returned so far */
	uint64_t skipped_records;  /* records of unknown type skipped */
	uint64_t blocks_ok;	   /* blocks read and verified (records, end, unknown kinds) */
	uint64_t record_blocks;	   /* of them, record blocks (kind 1) */
	uint64_t blocks_unknown;   /* of them, blocks of a kind this reader does not know */
	uint64_t blocks_corrupt;   /* blocks whose checksum or content failed */
	uint64_t bytes_skipped;	   /* bytes passed over to resynchronise, and trailing bytes */
	uint64_t intact_end;	   /* offset just past the last good block */
	bool complete;		   /* end block seen, its totals agree, nothing after it */
	bool truncated;		   /* the file ends inside a block, or without its end block */
	bool end_seen;		   /* an end block was read */
	uint16_t version_major;
	uint16_t version_minor;
	uint64_t end_offset;	   /* offset of the end block (when end_seen) */
	uint64_t records_expected; /* the end block's records total (when end_seen) */
	uint64_t blocks_expected;  /* the end block's record-block total (when end_seen) */
	uint64_t records_missing;  /* expected but not read (a block lost or corrupt) */
	uint64_t records_extra;	   /* read beyond the total (a block given twice) */
	uint64_t blocks_missing;   /* record blocks expected but not read */
	uint64_t blocks_extra;	   /* record blocks read beyond the total */
	uint64_t trailing_offset;  /* where data after the end block starts, 0 if none */
	uint64_t trailing_bytes;   /* its length */
	char stop_reason[160];	   /* why reading stopped early or is not complete, "" if neither */
	char first_corruption[160]; /* first corrupt block: offset and why, "" if none */
};

/**
 * tracefmt_reader_open() - open @path, check the preamble and read the header
 * blob. Fails (NULL, errno, @err) on an unreadable path, a directory, an
 * empty file, a wrong magic, a future major version or a broken header.
 */
struct tracefmt_reader *tracefmt_reader_open(const char *path, struct tracefmt_error *err);

/**
 * tracefmt_reader_header() - the header blob, borrowed until close; it is
 * NUL-terminated for convenience, *@len excludes the NUL.
 */
const char *tracefmt_reader_header(const struct tracefmt_reader *r, size_t *len);

/**
 * tracefmt_reader_next() - the next record into @ev. Returns 1 when a record
 * was read, 0 at the end of the readable data. A block is decoded whole and
 * checked (every record well formed, every value within the format limits
 * of tracefmt_event_check(), as many records as its header says) before
 * any of its records is returned: a block that fails is counted in
 * blocks_corrupt and none of its records is returned. Corrupt blocks are
 * skipped (the reader resynchronises on the next block magic); a cut file
 * ends the stream at the last complete block. Negative only for I/O
 * errors (a read error today ends the stream, with stop_reason saying so).
 * The reader writes the common fields and the union member of the
 * record's type (the whole member for checkpoints, snapshot walks, zone
 * states and watermarks; its first 48 bytes otherwise); other bytes of @ev
 * are left as they were.
 */
int tracefmt_reader_next(struct tracefmt_reader *r, struct tracefmt_event *ev);

/* Counters and the stop reason; valid at any time, final after next() = 0. */
const struct tracefmt_reader_stats *tracefmt_reader_stats(const struct tracefmt_reader *r);

/**
 * tracefmt_reader_rewind() - restart reading from the first block (stats
 * restart too). Replay uses it for multi-pass work.
 */
int tracefmt_reader_rewind(struct tracefmt_reader *r);

/**
 * tracefmt_reader_hash_file() - compute the SHA-256 of the whole file in the
 * same pass as the reading: from now on every byte the reader reads goes
 * into the digest once, in file order, whatever rewinds happen; bytes it
 * passes over (its preamble and header, data skipped to resynchronise) are
 * read for the hash when the reading passes them. Memory stays constant;
 * the digest is that of `sha256sum FILE` (FILE's size as at open).
 * Call it before the first tracefmt_reader_next() to hash in one pass.
 */
void tracefmt_reader_hash_file(struct tracefmt_reader *r);

/**
 * tracefmt_reader_file_sha256() - the SHA-256 of the file's bytes 0 .. its
 * size at open, as 64 lowercase hex digits and a NUL into @hex. Bytes after the last block read
 * (data after the end block, a cut block, or all the rest when called
 * before the end) are read now for the hash only. Hashing ends: later calls
 * return the same digest. Returns 0, -EINVAL when tracefmt_reader_hash_file()
 * was not called, or -errno of a read that failed.
 */
int tracefmt_reader_file_sha256(struct tracefmt_reader *r, char hex[65]);

/* Close and free; NULL-safe. */
void tracefmt_reader_close(struct tracefmt_reader *r);

/*
 * Importers: text traces (ftrace / trace-cmd report, perf script) to .bst.
 */
enum tracefmt_import_format {
	TRACEFMT_IMPORT_FTRACE = 1,	 /* tracefs trace / trace_pipe, trace-cmd report */
	TRACEFMT_IMPORT_PERF_SCRIPT = 2, /* `perf script` text */
	TRACEFMT_IMPORT_PERF_DATA = 3,	 /* perf.data: read through `perf script` */
	TRACEFMT_IMPORT_TRACE_DAT = 4,	 /* trace-cmd's trace.dat (libtracecmd, traces/tracedat.h) */
};

/*
 * What tracefmt_import_detect() found. @fmt is 0 when the input is nothing
 * import reads; then @what says what it looks like and @hint the command
 * that would make an importable input of it.
 */
struct tracefmt_import_guess {
	enum tracefmt_import_format fmt; /* 0: refused */
	char codec[8];			 /* "plain", "gzip", "zstd", "xz", "bzip2" */
	char what[96];			 /* "perf.data", "ftrace text", "a .bst trace", ... */
	char hint[256];			 /* for a refused input: what to run instead */
};

/* "ftrace", "perf-script", "perf.data", "trace.dat" (the --from names); "?" otherwise. */
const char *tracefmt_import_format_name(enum tracefmt_import_format fmt);

/**
 * tracefmt_import_detect() - what the file @path holds, by its content: the
 * trace.dat and perf.data magics; gzip or zstd compression (looked through);
 * text, as ftrace or perf-script text by its first line that is a kmem
 * event or a lost-events line (perf names events "kmem:mm_page_...",
 * ftrace and trace-cmd "mm_page_..."; perf says PERF_RECORD_LOST, ftrace
 * [LOST N EVENTS]). Stdin cannot be looked at twice: "-" gives -EINVAL.
 * Returns 0 with @g filled (g->fmt 0 for a refused input), or -errno when
 * @path cannot be read (@err names it).
 */
int tracefmt_import_detect(const char *path, struct tracefmt_import_guess *g,
			   struct tracefmt_error *err);


struct tracefmt_import_stats {
	uint64_t lines;		 /* lines read */
	uint64_t events;	 /* records made from lines: page events + lost records */
	uint64_t records;	 /* every record written: events + comm + checkpoints */
	uint64_t by_type[TRACEFMT_NR_TYPES]; /* records written, by type */
	uint64_t lost_events;	 /* sum of [LOST N EVENTS] */
	uint64_t ignored_lines;	 /* comments, headers, other tracepoints */
	uint64_t bad_lines;	 /* kmem page lines that could not be parsed */
	uint64_t bad_line_numbers[8]; /* the first few, 1-based */
	char bad_line_reasons[8][96];
	uint64_t comm_evictions; /* pids dropped from the full pid table (see below) */
	bool output_refused;	 /* tracefmt_import(): read to the end, but no event or
				    too many bad lines, so nothing was written */
};

/* How often (in lines read) tracefmt_import_opts.progress is called. */
#define TRACEFMT_IMPORT_PROGRESS_LINES 65536

/*
 * Optional extras of tracefmt_import(); a NULL opts means none of them.
 *
 * @first records (e.g. TRACEFMT_CHECKPOINT records of the host's state when
 * the text trace began) are written before the first record made from the
 * input, and @last records after the last one; their ts_ns is replaced by
 * the time of that first (last) record, the rest is written as given. Both
 * are written only when the input gave at least one record. The arrays are
 * borrowed for the duration of the call.
 *
 * @progress, when set, is called with the counts so far after every
 * TRACEFMT_IMPORT_PROGRESS_LINES lines; the library keeps no clock, so the
 * caller decides what to print and how often.
 */
struct tracefmt_import_opts {
	const struct tracefmt_event *first; /* nr_first records */
	size_t nr_first;
	const struct tracefmt_event *last;  /* nr_last records */
	size_t nr_last;
	void (*progress)(void *ctx, const struct tracefmt_import_stats *st);
	void *progress_ctx;
	uint64_t max_bad_lines;	/* tracefmt_import(): more bad lines fail (-EBADMSG) */
};

/**
 * tracefmt_import() - read the text trace @in_path (a path, or "-" for
 * stdin; gzip- and zstd-compressed input is recognised by its magic) in
 * format @fmt and write the trace @out_path with header blob @header.
 * Every kmem page event line becomes a record, "[LOST N EVENTS]" lines
 * become TRACEFMT_LOST records, other lines are counted as ignored, and
 * kmem page lines that do not parse are counted in @stats with their line
 * numbers.
 *
 * The text names the task of every event, so the first time a pid is seen
 * a TRACEFMT_COMM record (same ts, cpu and pid) goes just before its event,
 * and another whenever the name of that pid changes (exec). A name the text
 * does not know (ftrace "<...>", perf ":PID") gives no record. The pid table
 * is bounded (65536 slots): when it is full a pid is dropped
 * (@stats->comm_evictions) and gets a new COMM record at its next event, so
 * memory stays constant whatever the input.
 *
 * @out_path appears only when the whole import succeeded (the trace is
 * written under a temporary name and renamed, tracefmt_writer_create()):
 * on any failure an existing @out_path is left as it was. The input must
 * give at least one event (else -ENODATA) and at most
 * @opts->max_bad_lines bad kmem lines (else -EBADMSG); @stats is filled
 * either way.
 *
 * @opts may be NULL. Returns 0, or -errno with @err naming the file and the
 * problem.
 */
int tracefmt_import(enum tracefmt_import_format fmt, const char *in_path, const char *out_path,
		    const void *header, size_t header_len, const struct tracefmt_import_opts *opts,
		    struct tracefmt_import_stats *stats, struct tracefmt_error *err);

/**
 * tracefmt_import_has_lost_lines() - whether the text file @path (plain or
 * compressed) holds a lost-events line (PERF_RECORD_LOST, [LOST N EVENTS]):
 * perf script prints them only with --show-lost-events, so perf text
 * without one does not say whether events were lost. Returns 0 with
 * *@found set, or -errno.
 */
int tracefmt_import_has_lost_lines(const char *path, bool *found, struct tracefmt_error *err);

/**
 * tracefmt_import_perf_data() - import a perf.data: runs @perf (NULL: "perf"
 * from PATH) as `perf script -i IN --show-lost-events --ns` and reads its
 * output as perf-script text (its own stderr is left to the caller's).
 * Without perf, -ENOENT with @err saying the command to run where perf is.
 * A perf that exits non-zero fails the import (-EPROTO). Otherwise as
 * tracefmt_import().
 */
int tracefmt_import_perf_data(const char *in_path, const char *perf, const char *out_path,
			      const void *header, size_t header_len,
			      const struct tracefmt_import_opts *opts,
			      struct tracefmt_import_stats *stats, struct tracefmt_error *err);

/* The `perf script` arguments tracefmt_import_perf_data() uses, for messages. */
#define TRACEFMT_PERF_SCRIPT_ARGS "script --show-lost-events --ns -i"

/*
 * Zone layout inferred from pfns (traces/layout.c), for traces whose header
 * has no zones. x86-64's zone limits: DMA below pfn 0x1000 (16 MiB, from
 * pfn 1), DMA32 below 0x100000 (4 GiB), Normal above. Only the zones the
 * pfns touch; each spans from its architectural start to its limit, the
 * last one to the highest pfn seen rounded up to a block of the largest
 * order. Holes and reserved pages are not known (managed = spanned).
 */
struct tracefmt_layout_zone {
	char name[TRACEFMT_ZONE_NAME_LEN];
	uint64_t start_pfn;
	uint64_t spanned; /* pages */
};

struct tracefmt_layout {
	uint64_t min_pfn, end_pfn; /* the pfns the events touch: [min_pfn, end_pfn) */
	uint32_t nr_zones;
	struct tracefmt_layout_zone zones[3];
};

/**
 * tracefmt_layout_from_pfns() - the x86-64 layout covering [@min_pfn,
 * @end_pfn) with @nr_page_orders orders. Returns 0, or -EINVAL for an
 * empty or impossible range.
 */
int tracefmt_layout_from_pfns(uint64_t min_pfn, uint64_t end_pfn, unsigned int nr_page_orders,
			      struct tracefmt_layout *out);

/**
 * tracefmt_layout_infer() - read the trace @path once for the pfns of its
 * page events (failed allocations aside; each block's last page counts)
 * and lay them out with tracefmt_layout_from_pfns(). Returns 0, -ENODATA
 * when no event has a pfn, or the reader's -errno (@err filled).
 */
int tracefmt_layout_infer(const char *path, unsigned int nr_page_orders,
			  struct tracefmt_layout *out, struct tracefmt_error *err);

#endif /* BUDDYSCOPE_TRACEFMT_H */
