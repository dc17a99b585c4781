/* SPDX-License-Identifier: MIT */
/*
 * buddyscope capture: record this host's page allocator into a .bst trace.
 * Parses options, runs the optional command, drives the capture library's
 * poll loop until the duration ends, the command exits or SIGINT, SIGTERM
 * or SIGHUP arrives, prints progress at most once a second and a summary at
 * the end. The trace is written as OUTPUT.partial and renamed to OUTPUT when
 * it is complete, so a capture killed with SIGKILL leaves its complete
 * blocks in OUTPUT.partial and never a half-written OUTPUT.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"

#ifndef BUDDYSCOPE_WITH_CAPTURE

CLI_COMMAND_BUILT_WITHOUT(capture, "capture support (configure with -DBUDDYSCOPE_WITH_CAPTURE=ON; "
				   "needs clang, bpftool, libbpf)")

#else

#include "capture.h"
#include "capture_rec.h"
#include "outfile.h"
#include "hostinfo.h"
#include "snapshot.h"

#define OPT_NO_SNAPSHOT 256
#define OPT_CLASSIC 257
#define OPT_FORCE 258
#define OPT_RING 259
#define OPT_SNAP_INTERVAL 260
#define OPT_TRIGGER 261
#define OPT_POST 262
#define OPT_DUMP 263
#define OPT_PIDFILE 264
#define OPT_MAX_SIZE 265
#define OPT_SWITCH 266
#define OPT_KEEP 267

/*
 * Default --snapshot-interval: one BPF snapshot costs ~0.3 s of CPU (most of
 * it loading its program), ~0.4 MB of trace and up to ~19 ms with one
 * zone's lock held (bench/snapshot, capture/RECORDER.md): once a minute
 * that is 0.5% of a cpu.
 */
#define DEFAULT_SNAPSHOT_INTERVAL_S 60
#define DEFAULT_POST_S 5
#define OPT_NICE 268
#define OPT_REALTIME 269
#define OPT_SNAPSHOT 270
#define DEFAULT_DRAIN_NICE (-10)

/* Longer than this is not a capture but a mistake; it also keeps the ns count in range. */
#define MAX_DURATION_S (366.0 * 24 * 3600)

static bool parse_duration(const char *s, double *secs);
static bool parse_u32(const char *s, uint32_t *v);

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* SIGUSR1: a dump of the ring is asked for (handed to the recorder at its next poll). */
static volatile sig_atomic_t dump_requested;

static void on_dump(int sig)
{
	(void)sig;
	dump_requested = 1;
}

/* The host's pageblock order (/proc/pagetypeinfo), 9 when it cannot be read. */
static uint32_t host_pageblock_order(void)
{
	struct sysinfo_pagetypeinfo pti;
	uint32_t order = 9;
	size_t len;
	char *buf;

	memset(&pti, 0, sizeof(pti));
	if (sysinfo_file_read(NULL, "pagetypeinfo", &buf, &len, NULL))
		return order;
	if (!sysinfo_pagetypeinfo_parse(buf, len, &pti, NULL) && pti.pageblock_order)
		order = pti.pageblock_order;
	sysinfo_pagetypeinfo_release(&pti);
	free(buf);
	return order;
}

/* The recorder's options (capture/recorder.h); false after a usage message. */
static bool parse_rec_opt(int opt, const char *arg, struct recorder_opts *ro)
{
	double secs;
	uint32_t n;

	switch (opt) {
	case OPT_RING:
	case OPT_MAX_SIZE:
		if (!recorder_parse_size(arg, opt == OPT_RING ? &ro->ring_bytes : &ro->max_bytes))
			return true;
		cli_error("capture", "--%s '%s' is not a size (a positive "
				"number with K, M or G)", opt == OPT_RING ? "ring" : "max-size", arg);
		return false;
	case OPT_SWITCH:
		if (!recorder_parse_switch(arg, &ro->switch_bytes, &ro->switch_ns))
			return true;
		cli_error("capture", "--switch-output '%s' is neither a size "
				"(100M, 1G) nor a duration (30s, 10m, 1h)", arg);
		return false;
	case OPT_SNAP_INTERVAL:
	case OPT_POST:
		if (!parse_duration(arg, &secs) && !(opt == OPT_POST && !strcmp(arg, "0"))) {
			cli_error("capture", "--%s '%s' is not a number of "
					"seconds", opt == OPT_POST ? "post" : "snapshot-interval", arg);
			return false;
		}
		if (opt == OPT_POST)
			ro->post_ns = !strcmp(arg, "0") ? 0 : (uint64_t)(secs * 1e9);
		else
			ro->snapshot_interval_ns = (uint64_t)(secs * 1e9);
		return true;
	case OPT_TRIGGER:
		if (ro->nr_triggers == RECORDER_MAX_TRIGGERS) {
			cli_error("capture", "at most %d --trigger", RECORDER_MAX_TRIGGERS);
			return false;
		}
		ro->triggers[ro->nr_triggers++] = arg;
		return true;
	case OPT_KEEP:
		if (parse_u32(arg, &n) && n) {
			ro->keep = n;
			return true;
		}
		cli_error("capture", "--keep '%s' is not a positive count", arg);
		return false;
	case OPT_PIDFILE:
		ro->pidfile = arg;
		return true;
	default:
		return false;
	}
}

/* Options that only make sense together; false after a usage message. */
static bool rec_opts_check(struct recorder_opts *ro)
{
	const char *bad = NULL;

	if (ro->ring_bytes && (ro->switch_bytes || ro->switch_ns))
		bad = "--ring and --switch-output exclude each other";
	else if (ro->ring_bytes && ro->max_bytes)
		bad = "--ring is its own size bound: no --max-size with it";
	else if (!ro->ring_bytes && (ro->nr_triggers || ro->snapshot_interval_ns))
		bad = "--trigger and --snapshot-interval need --ring";
	else if (ro->keep && !ro->switch_bytes && !ro->switch_ns)
		bad = "--keep needs --switch-output";
	else if (ro->ring_bytes && ro->ring_bytes < (8u << 20))
		bad = "--ring must be at least 8M (a segment holds a snapshot of ~0.5 MB)";
	else if (ro->max_bytes && ro->max_bytes < (4u << 20))
		bad = "--max-size must be at least 4M";
	if (bad) {
		cli_error("capture", "%s", bad);
		return false;
	}
	if (ro->ring_bytes && !ro->snapshot_interval_ns)
		ro->snapshot_interval_ns = DEFAULT_SNAPSHOT_INTERVAL_S * 1000000000ull;
	return true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope capture -o FILE [--force] [--duration SECONDS]\n"
		"                          [--checkpoint-interval MS] [--buffer-mib N]\n"
		"                          [--snapshot bpf|kpageflags|none|auto]\n"
		"                          [--classic-tracepoints] [--nice N | --realtime PRIO] [--quiet]\n"
		"                          [--ring SIZE [--snapshot-interval S] [--trigger T]... [--post S]]\n"
		"                          [--switch-output SIZE|DURATION [--keep N]] [--max-size SIZE]\n"
		"                          [--pidfile FILE] [-- COMMAND ARGS...]\n"
		"       buddyscope capture --dump PID|PIDFILE\n"
		"\n"
		"Record the six kmem page tracepoints of this host with eBPF (needs root), with\n"
		"/proc/pagetypeinfo checkpoints and pid names. Stops when COMMAND exits, after\n"
		"--duration, or on SIGINT/SIGTERM/SIGHUP (each writes the end of the trace).\n"
		"The trace is written as FILE.partial and renamed to FILE when complete; a\n"
		"capture killed with SIGKILL leaves its complete blocks in FILE.partial.\n"
		"\n"
		"  -o, --output FILE             trace to write (.bst); an existing FILE or\n"
		"                                FILE.partial is refused\n"
		"  -f, --force                   replace an existing FILE (and FILE.partial)\n"
		"  -d, --duration SECONDS        stop after this long (decimals allowed; at most\n"
		"                                a year)\n"
		"  -c, --checkpoint-interval MS  checkpoint period (default 1000)\n"
		"  -b, --buffer-mib N            event ring per cpu, MiB, power of two (default 16;\n"
		"                                less above 16 cpus: 256 MiB in all, at least 2 each)\n"
		"      --snapshot METHOD         the free lists at the start (default auto: bpf, else\n"
		"                                kpageflags):\n"
		"                                bpf: every free block's pfn, order, list and position\n"
		"                                and the per-cpu lists, read under each zone's lock by a\n"
		"                                BPF walk triggered by writing vm.min_free_kbytes with\n"
		"                                its own value: that resets any watermark boost (said\n"
		"                                at run time when one is in force) and marks the value\n"
		"                                as set by the administrator; ~0.15 s of CPU (verifier)\n"
		"                                kpageflags: free pfns from /proc/kpageflags, orders cut\n"
		"                                greedily, lists and per-cpu pages unknown; no sysctl\n"
		"                                write, no lock; reads 8 bytes a page frame\n"
		"                                none: no snapshot; a replay starts from the first\n"
		"                                checkpoint's counts\n"
		"      --no-snapshot             the same as --snapshot none\n"
		"      --classic-tracepoints     record through the classic tp/kmem tracepoints, not the\n"
		"                                raw ones (slower; the fallback when the struct page ->\n"
		"                                pfn mapping cannot be measured)\n"
		"      --nice N                  nice of the recorder, whose thread drains the rings\n"
		"                                (default -10, so a busy host cannot starve it; COMMAND\n"
		"                                runs at the caller's own nice)\n"
		"      --realtime PRIO           drain as SCHED_FIFO PRIO (1-99) instead, as perf record -r\n"
		"      --ring SIZE               flight recorder: keep only the last SIZE (K, M, G) of\n"
		"                                trace, as segment files in FILE-without-.bst.ring/;\n"
		"                                a dump (SIGUSR1, --dump, a trigger) joins them into\n"
		"                                FILE.NNNN.YYYYmmddTHHMMSS.bst; the ring goes at the end\n"
		"      --snapshot-interval S     ring: a new segment, with its own free-list snapshot,\n"
		"                                every S seconds (default 60) or a quarter of SIZE\n"
		"      --trigger T               ring: dump when T happens: alloc-fail (an allocation\n"
		"                                failed), 'free-orderK<N[@ZONE]' (a checkpoint where a\n"
		"                                zone has fewer than N free blocks of order >= K),\n"
		"                                extfrag (a fallback that splits a foreign pageblock)\n"
		"      --post S                  ring: capture S seconds more after a trigger (default 5)\n"
		"      --dump PID|PIDFILE        ask the recorder PID (or the pid in PIDFILE) for a dump\n"
		"      --pidfile FILE            write this capture's pid to FILE (removed at the end)\n"
		"      --switch-output SIZE|DURATION\n"
		"                                a new self-contained file FILE.NNNN.YYYYmmddTHHMMSS.bst\n"
		"                                each SIZE (K, M, G) or DURATION (s, m, h)\n"
		"      --keep N                  switch-output: keep the newest N files\n"
		"      --max-size SIZE           stop cleanly before the trace (all files) reaches SIZE\n"
		"  -q, --quiet                   no progress and no summary\n"
		"  -h, --help                    this text\n"
		"\n"
		"Exit status: with COMMAND, COMMAND's own status when it ended the capture\n"
		"(128+N when killed by signal N; 127 when it cannot be run, and then nothing is\n"
		"recorded); else 0 done, 1 failure, 2 usage. COMMAND gets SIGKILL if capture dies.\n");
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || end == s || *end || x > UINT32_MAX || s[0] == '-')
		return false;
	*v = (uint32_t)x;
	return true;
}

static int snapshot_method_chosen; /* enum snapshot_method of --snapshot; 0 = auto */

/* --snapshot=METHOD: the values of enum snapshot_method, or none. */
static bool parse_snapshot_method(const char *s, bool *on, int *method)
{
	static const struct {
		const char *name;
		int method;
	} names[] = { { "auto", 0 }, { "bpf", 1 }, { "kpageflags", 2 }, { "none", -1 } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*on = names[i].method >= 0;
			*method = *on ? names[i].method : 0;
			return true;
		}
	return false;
}

static bool parse_int_range(const char *s, int lo, int hi, int *v)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno || end == s || *end || x < lo || x > hi)
		return false;
	*v = (int)x;
	return true;
}

static void print_progress(const struct capture_stats *st, uint64_t now, bool tty)
{
	double secs = (double)(now - st->start_ns) / 1e9;

	fprintf(stderr, "%scapture: %6.1f s  %12llu events  %9.0f events/s  %llu lost  %.1f MiB%s",
		tty ? "\r" : "", secs, (unsigned long long)st->events,
		secs > 0 ? (double)st->events / secs : 0.0, (unsigned long long)st->lost,
		(double)st->bytes / 1048576.0, tty ? "" : "\n");
}

/*
 * CPU of the start, by step, up to the recorder running with its start
 * state written (the snapshot included); the process's CPU before
 * capture_create() (exec, option parsing) is in "other".
 */
static void print_startup(const struct capture_stats *st, uint64_t create_cpu_ns)
{
	const struct capture_startup_cpu *s = &st->startup;
	uint64_t all = capture_process_cpu_ns();

	fprintf(stderr, "buddyscope capture: start-up CPU %.0f ms: BPF open %.0f, load+verify "
			"%.0f, calibration %.0f, header %.0f, output+rings %.0f, attach %.0f, first "
			"checkpoint %.0f, snapshot+its checkpoint %.0f, other %.0f\n",
		(double)all / 1e6, (double)s->open_ns / 1e6, (double)s->load_ns / 1e6,
		(double)s->calib_ns / 1e6, (double)s->header_ns / 1e6, (double)s->output_ns / 1e6,
		(double)s->attach_ns / 1e6, (double)s->checkpoint_ns / 1e6,
		(double)(all - create_cpu_ns - s->total_ns) / 1e6, (double)create_cpu_ns / 1e6);
}

static void print_summary(const char *out, const struct capture_stats *st, uint64_t end_ns)
{
	static const char *const short_names[] = { "", "alloc", "free", "free_batched",
						   "zone_locked", "pcpu_drain", "extfrag" };
	double secs = (double)(end_ns - st->start_ns) / 1e9;

	fprintf(stderr, "buddyscope capture: wrote %s: %.1f s, %llu events (", out, secs,
		(unsigned long long)st->events);
	for (int t = 1; t <= 6; t++)
		fprintf(stderr, "%s%s %llu", t > 1 ? ", " : "", short_names[t],
			(unsigned long long)st->by_type[t]);
	fprintf(stderr, "), %llu checkpoints, %llu pid names, %llu bytes (%.2f bytes/event)\n",
		(unsigned long long)st->checkpoints, (unsigned long long)st->comms,
		(unsigned long long)st->bytes,
		st->events ? (double)st->bytes / (double)st->events : 0.0);
	fprintf(stderr, "buddyscope capture: drain: %llu passes, %.1f ms longest gap, %.1f ms "
			"longest pass, %.2f s busy, rings at most %.1f %% full; longest checkpoint "
			"%.1f ms, flush %.1f ms\n",
		(unsigned long long)st->drains, (double)st->drain_gap_max_ns / 1e6,
		(double)st->drain_busy_max_ns / 1e6, (double)st->drain_busy_ns / 1e9,
		st->ring_slots ? 100.0 * (double)st->ring_fill_max / st->ring_slots : 0.0,
		(double)st->checkpoint_max_ns / 1e6, (double)st->flush_max_ns / 1e6);
}

/*
 * The BPF walk is triggered by writing vm.min_free_kbytes back with its own
 * value; the watermark recompute that follows resets every zone's
 * watermark boost (the kernel clears zone->watermark_boost there), which
 * ends the extra reclaim kswapd does after a fragmenting fallback. Say so
 * when a boost is in force now (/proc/zoneinfo "boost").
 */
static void boost_reset_notice(void)
{
	struct sysinfo_zoneinfo zi = { 0 };
	char *buf = NULL, zones[256] = "";
	size_t len, used = 0;

	if (!sysinfo_file_read(NULL, "proc/zoneinfo", &buf, &len, NULL) &&
	    !sysinfo_zoneinfo_parse(buf, len, &zi, NULL)) {
		for (uint32_t i = 0; i < zi.nr_zones; i++) {
			const struct sysinfo_zone *z = &zi.zones[i];
			int n;

			if (!z->boost || used >= sizeof(zones))
				continue;
			n = snprintf(zones + used, sizeof(zones) - used, "%snode %u %s: %llu pages",
				     used ? ", " : "", z->node, z->name,
				     (unsigned long long)z->boost);
			used += n > 0 ? (size_t)n : 0;
		}
	}
	if (zones[0])
		fprintf(stderr, "buddyscope capture: note: a watermark boost is in force (%s); the "
				"free-list snapshot rewrites vm.min_free_kbytes with its own value, which "
				"resets it (kswapd's boosted reclaim ends early); --snapshot=kpageflags "
				"or --snapshot=none leave it alone\n", zones);
	sysinfo_zoneinfo_release(&zi);
	free(buf);
}

/*
 * The free lists at the start, taken once the event programs are attached,
 * and a checkpoint right after them: the first reading of the start state.
 * A write error there is sticky and stops the capture at its next poll.
 */
static void snapshot_at_start(struct capture *c, bool quiet)
{
	enum snapshot_method method = (enum snapshot_method)snapshot_method_chosen;
	static struct snapshot_stats sst;
	struct snapshot_opts so = { .method = method };
	struct bs_error err = { 0 };
	struct bs_error serr;
	int ret, side;

	if (method != SNAPSHOT_METHOD_KPAGEFLAGS)
		boost_reset_notice();
	/* The rings keep emptying while the snapshot holds this thread (~0.5-3 s). */
	side = capture_side_drain_start(c);
	ret = snapshot_take(capture_writer(c), &so, &sst, &serr);
	if (!side)
		capture_side_drain_stop(c);

	if (capture_checkpoint(c, &err))
		fprintf(stderr, "buddyscope capture: warning: no checkpoint after the snapshot: "
				"%s\n", err.text);
	if (ret) {
		fprintf(stderr, "buddyscope capture: warning: no free-list snapshot: %s\n", serr.text);
		return;
	}
	if (sst.fallback_reason[0])
		fprintf(stderr, "buddyscope capture: warning: free-list snapshot from "
				"/proc/kpageflags (list order and per-cpu lists unknown): the BPF "
				"walk was not possible: %s\n", sst.fallback_reason);
	if (!quiet)
		fprintf(stderr, "buddyscope capture: snapshot (%s): %llu free blocks, %llu per-cpu "
				"blocks, %u uncertain lists, walk %.1f ms; %.0f ms of CPU (load+verify "
				"%.0f ms, calibration %.0f ms wall)\n",
			sst.method == SNAPSHOT_METHOD_BPF ? "bpf" : "kpageflags",
			(unsigned long long)sst.blocks, (unsigned long long)sst.pcp_blocks,
			sst.uncertain_lists, (double)sst.walk_ns / 1e6, (double)sst.cpu_ns / 1e6,
			(double)sst.load_ns / 1e6, (double)sst.calib_ns / 1e6);
}

/* recorder_opts.snapshot: the same at the start of each new file. */
static void snapshot_at_switch(void *ctx, struct capture *c, bool quiet)
{
	(void)ctx;
	snapshot_at_start(c, quiet);
}

/*
 * The drain runs in this thread: under load it must get a cpu within the
 * time a ring takes to fill, or events are dropped. Measured with two
 * CPU-bound processes beside the churn (bench/capture_overhead): at nice 0
 * the drain waited up to 360 ms for a cpu and lost events with 1-2 MiB
 * rings; at nice -10 the longest wait was ~120 ms and nothing was lost.
 * COMMAND gets the caller's own scheduling back.
 */
struct drain_priority {
	int nice;		/* requested nice of the recorder */
	int rt;			/* SCHED_FIFO priority, 0 = none */
	int old_nice;		/* the caller's, restored in COMMAND */
	int old_policy;
	struct sched_param old_param;
	bool raised;
};

static void drain_priority_raise(struct drain_priority *p)
{
	errno = 0;
	p->old_nice = getpriority(PRIO_PROCESS, 0);
	p->old_policy = sched_getscheduler(0);
	sched_getparam(0, &p->old_param);
	if (p->rt) {
		struct sched_param sp = { .sched_priority = p->rt };

		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			fprintf(stderr, "buddyscope capture: warning: --realtime %d: %s; the drain "
					"keeps its priority\n", p->rt, strerror(errno));
	} else if (p->nice < p->old_nice && setpriority(PRIO_PROCESS, 0, p->nice)) {
		fprintf(stderr, "buddyscope capture: warning: --nice %d: %s; the drain keeps nice "
				"%d\n", p->nice, strerror(errno), p->old_nice);
	}
	p->raised = true;
}

/* In COMMAND's process, before exec: the caller's scheduling, not the drain's. */
static void drain_priority_undo(const struct drain_priority *p)
{
	if (!p->raised)
		return;
	sched_setscheduler(0, p->old_policy, &p->old_param);
	setpriority(PRIO_PROCESS, 0, p->old_nice);
}

/*
 * Start COMMAND; its first exec failure is reported by the child itself.
 * The child dies with capture (PR_SET_PDEATHSIG); if capture died before
 * the prctl, getppid() no longer names it and the child stops at once.
 */
static pid_t spawn(char **cmd, const struct drain_priority *prio)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		drain_priority_undo(prio);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		execvp(cmd[0], cmd);
		cli_error("capture", "cannot run '%s': %s", cmd[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Whether execvp() would find @name: 0 or -errno (checked before anything is recorded). */
static int command_runnable(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];
	int last = -ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/'))
		return access(name, X_OK) ? -errno : 0;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *colon = strchrnul(p, ':');
		int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(colon - p), p,
				 colon == p ? "" : "/", name);
		struct stat sb;

		if (n > 0 && (size_t)n < sizeof(buf) && !stat(buf, &sb) && S_ISREG(sb.st_mode)) {
			if (!access(buf, X_OK))
				return 0;
			last = -EACCES;
		}
		p = colon;
		if (!*p)
			break;
	}
	return last;
}

/* The output and its .partial must not exist unless --force: said before BPF is loaded. */
static int output_free(const char *out, bool force)
{
	char partial[4096];
	struct stat sb;

	if (force)
		return 0;
	if (!lstat(out, &sb)) {
		cli_error("capture", "%s: the file exists; use --force to replace it", out);
		return -1;
	}
	if (!outfile_partial_name(out, partial, sizeof(partial)) && !lstat(partial, &sb)) {
		cli_error("capture", "%s: the file exists (a capture killed "
				"before its end leaves one: rename it to keep it); use --force to "
				"replace it", partial);
		return -1;
	}
	return 0;
}

/* --duration: a positive number of seconds that fits in the ns clock, or usage. */
static bool parse_duration(const char *s, double *secs)
{
	char *end;

	errno = 0;
	*secs = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*secs) && *secs > 0 &&
	       *secs <= MAX_DURATION_S;
}

/* Exit status for COMMAND's wait status: its exit code, or 128 + the signal. */
static int command_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static const struct option capture_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ "duration", required_argument, NULL, 'd' },
	{ "checkpoint-interval", required_argument, NULL, 'c' },
	{ "buffer-mib", required_argument, NULL, 'b' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-snapshot", no_argument, NULL, OPT_NO_SNAPSHOT },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "classic-tracepoints", no_argument, NULL, OPT_CLASSIC },
	{ "nice", required_argument, NULL, OPT_NICE },
	{ "realtime", required_argument, NULL, OPT_REALTIME },
	{ "ring", required_argument, NULL, OPT_RING },
	{ "snapshot-interval", required_argument, NULL, OPT_SNAP_INTERVAL },
	{ "trigger", required_argument, NULL, OPT_TRIGGER },
	{ "post", required_argument, NULL, OPT_POST },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "switch-output", required_argument, NULL, OPT_SWITCH },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One capture run: its options, then what it holds while it runs. */
struct capture_run {
	struct capture_opts opts;
	struct drain_priority prio;
	struct recorder_opts ro;
	double duration_s;
	bool quiet, tty, snapshot;
	char **cmd;		/* COMMAND [ARG...], or NULL */
	struct recorder *rec;
	struct capture *c;
	char first_out[4096];
	uint64_t deadline;	/* ns of capture_now_ns(), 0 = none */
	pid_t child;		/* COMMAND while it runs, else -1 */
	int status;		/* COMMAND's wait status once it ended */
	bool failed, cmd_ended;
};

/*
 * The getopt switch, one case an option (the recorder's handed to
 * parse_rec_opt()): a flat list that reads best whole, so it stays over ~80
 * lines. Returns -1 to go on, else the exit status.
 */
static int capture_parse_options(struct capture_run *r, int argc, char **argv)
{
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:fd:c:b:qh", capture_longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			r->opts.output = optarg;
			break;
		case 'f':
			r->opts.replace = true;
			break;
		case 'd':
			if (!parse_duration(optarg, &r->duration_s)) {
				return cli_usage_error("capture", "--duration '%s' is not "
						             "a number of seconds from 0 to %.0f (a year)", optarg,
					             MAX_DURATION_S);
			}
			break;
		case 'c':
			if (!parse_u32(optarg, &r->opts.checkpoint_interval_ms) ||
			    !r->opts.checkpoint_interval_ms) {
				return cli_usage_error("capture", "--checkpoint-interval '%s' "
						             "is not a positive number of milliseconds", optarg);
			}
			break;
		case 'b':
			if (!parse_u32(optarg, &r->opts.ringbuf_mib) || !r->opts.ringbuf_mib ||
			    (r->opts.ringbuf_mib & (r->opts.ringbuf_mib - 1)) ||
			    r->opts.ringbuf_mib > 2048) {
				return cli_usage_error("capture", "--buffer-mib '%s' is not a "
						             "power of two from 1 to 2048", optarg);
			}
			break;
		case 'q':
			r->quiet = true;
			break;
		case OPT_NO_SNAPSHOT:
			r->snapshot = false;
			break;
		case OPT_SNAPSHOT:
			if (!parse_snapshot_method(optarg, &r->snapshot, &snapshot_method_chosen)) {
				return cli_usage_error("capture", "--snapshot '%s' is not "
						             "one of bpf, kpageflags, none, auto", optarg);
			}
			break;
		case OPT_CLASSIC:
			r->opts.classic_tracepoints = true;
			break;
		case OPT_NICE:
			if (!parse_int_range(optarg, -20, 19, &r->prio.nice)) {
				return cli_usage_error("capture", "--nice '%s' is not a number "
						             "from -20 to 19", optarg);
			}
			break;
		case OPT_REALTIME:
			if (!parse_int_range(optarg, 1, 99, &r->prio.rt)) {
				return cli_usage_error("capture", "--realtime '%s' is not a "
						             "SCHED_FIFO priority from 1 to 99", optarg);
			}
			break;
		case OPT_DUMP:
			return rec_send_dump(optarg);
		case OPT_RING:
		case OPT_SNAP_INTERVAL:
		case OPT_TRIGGER:
		case OPT_POST:
		case OPT_PIDFILE:
		case OPT_MAX_SIZE:
		case OPT_SWITCH:
		case OPT_KEEP:
			if (!parse_rec_opt(opt, optarg, &r->ro))
				return 2;
			break;
		case 'h':
		default:
			return cli_help_or_usage(opt, usage);
		}
	}
	return -1;
}

/* What the options say together, and whether OUTPUT and COMMAND can be used. */
static int capture_check_options(struct capture_run *r, int argc, char **argv)
{
	int ret;

	if (!r->opts.output)
		return cli_usage_fail("capture", usage, "-o FILE is required");
	if (optind < argc)
		r->cmd = argv + optind;
	if (!rec_opts_check(&r->ro))
		return 2;
	r->ro.quiet = r->quiet;
	if (output_free(r->opts.output, r->opts.replace))
		return 1;
	if (r->cmd && (ret = command_runnable(r->cmd[0]))) {
		cli_error("capture", "cannot run '%s': %s; nothing "
				"recorded", r->cmd[0], strerror(-ret));
		return 127;
	}
	return -1;
}

static void capture_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_dump;
	sigaction(SIGUSR1, &sa, NULL);
}

/* The flight recorder, when one of its options asks for it: it names the first file. */
static int capture_recorder_start(struct capture_run *r)
{
	struct bs_error err = { 0 };

	if (!recorder_opts_active(&r->ro))
		return -1;
	if (r->snapshot)
		r->ro.snapshot = snapshot_at_switch;
	r->rec = recorder_create(&r->ro, r->opts.output, &r->opts, host_pageblock_order(), &err);
	if (!r->rec) {
		return cli_usage_error("capture", "%s", err.text);
	}
	if (recorder_first_output(&r->ro, r->opts.output, r->opts.replace, r->first_out,
				  sizeof(r->first_out), &err)) {
		cli_error("capture", "%s", err.text);
		return 1;
	}
	r->opts.output = r->first_out;
	return -1;
}

/* Attaches the capture, says how it records, then starts COMMAND and the recorder. */
static int capture_start(struct capture_run *r)
{
	struct bs_error err = { 0 };
	enum capture_failure why;
	const struct capture_stats *st;
	uint64_t start_cpu_ns;

	drain_priority_raise(&r->prio);
	start_cpu_ns = capture_process_cpu_ns();
	r->c = capture_create(&r->opts, &why, &err);
	if (!r->c) {
		cli_fail("capture", r->opts.output, errno, err.text);
		if (why == CAPTURE_FAIL_NOT_ROOT)
			fprintf(stderr, "buddyscope capture: hint: run it with sudo\n");
		return 1;
	}
	st = capture_stats(r->c);
	if (!r->quiet)
		fprintf(stderr, "buddyscope capture: recording into %s.partial (renamed to %s at "
				"the end)\n", r->opts.output, r->opts.output);
	for (uint32_t i = 0; i < st->nr_missing; i++)
		fprintf(stderr, "buddyscope capture: warning: this kernel has no tracepoint "
				"kmem:%s; capturing the others without it\n", st->missing[i]);
	if (!r->quiet && st->classic_reason[0])
		fprintf(stderr, "buddyscope capture: note: recording through the classic (slower) "
				"tracepoints: %s\n", st->classic_reason);
	if (r->snapshot)
		snapshot_at_start(r->c, r->quiet);
	if (!r->quiet)
		print_startup(st, start_cpu_ns);
	if (r->cmd) {
		fflush(stderr);
		r->child = spawn(r->cmd, &r->prio);
		if (r->child < 0) {
			cli_error("capture", "fork: %s", strerror(errno));
			return 1;
		}
	}
	if (r->duration_s > 0)
		r->deadline = st->start_ns + (uint64_t)(r->duration_s * 1e9);
	if (r->rec && recorder_start(r->rec, r->c, &err)) {
		cli_error("capture", "%s", err.text);
		r->failed = true;
		stop_signal = SIGTERM;
	}
	return -1;
}

/* Drains until a signal, the clock, the recorder or COMMAND's end stops it. */
static void capture_loop(struct capture_run *r)
{
	const struct capture_stats *st = capture_stats(r->c);
	struct bs_error err = { 0 };
	uint64_t last_progress = 0, now;
	int ret;

	while (!stop_signal) {
		ret = capture_poll(r->c, 100, &err);
		if (ret) {
			if (r->tty && !r->quiet)
				fputc('\n', stderr); /* off the progress line */
			cli_error("capture", "%s", err.text);
			r->failed = true;
			break;
		}
		now = capture_now_ns();
		if (r->rec && dump_requested) {
			dump_requested = 0;
			recorder_dump_request(r->rec);
		}
		if (r->rec && (ret = recorder_poll(r->rec, r->c, now, &err)) != 0) {
			if (ret < 0)
				cli_error("capture", "%s", err.text);
			r->failed = ret < 0;
			break;
		}
		if (!r->quiet &&
		    now - (last_progress ? last_progress : st->start_ns) >= 1000000000ull) {
			print_progress(st, now, r->tty);
			last_progress = now;
		}
		if (r->deadline && now >= r->deadline)
			break;
		if (r->child > 0 && waitpid(r->child, &r->status, WNOHANG) == r->child) {
			r->child = -1;
			r->cmd_ended = true;
			break;
		}
	}
	if (!r->quiet && r->tty && last_progress)
		fputc('\n', stderr);
}

static void print_losses(const struct capture_stats *st, bool quiet)
{
	if (st->lost)
		fprintf(stderr, "buddyscope capture: warning: %llu events lost, written as %llu "
				"lost-event records: %llu with the ring full (try a larger "
				"--buffer-mib), %llu skipped by the kernel because another BPF "
				"program was running on that cpu (an interrupt during one)\n",
			(unsigned long long)st->lost, (unsigned long long)st->lost_records,
			(unsigned long long)(st->lost - st->lost_recursion),
			(unsigned long long)st->lost_recursion);
	else if (!quiet)
		fprintf(stderr, "buddyscope capture: 0 events lost\n");
	if (st->wmarks_overwritten)
		fprintf(stderr, "buddyscope capture: warning: %llu watermark recompute records lost "
				"(over 64 recomputes between two reads of the rings)\n",
			(unsigned long long)st->wmarks_overwritten);
}

/* Writes the trace's end, says what was lost, and ends COMMAND; returns the exit status. */
static int capture_end(struct capture_run *r)
{
	const struct capture_stats *st = capture_stats(r->c);
	struct bs_error err = { 0 };
	int ret;

	/* A reading still in flight is written first: the free-order triggers see it. */
	if (!r->failed && capture_reading_settle(r->c, &err)) {
		cli_error("capture", "%s", err.text);
		r->failed = true;
	}
	recorder_before_finish(r->rec, r->c);
	ret = capture_finish(r->c, &err);
	if (ret && !r->failed) {
		cli_fail("capture", r->opts.output, ret, err.text);
		r->failed = true;
	}
	/* A ring's last segment is scratch: its dumps were said as they were written. */
	if (!r->quiet && !r->failed && !r->ro.ring_bytes)
		print_summary(capture_output(r->c), st, capture_now_ns());
	print_losses(st, r->quiet);
	if (r->child > 0) {
		/* Stopped by a signal or the clock while the command still runs. */
		kill(r->child, SIGTERM);
		waitpid(r->child, &r->status, 0);
	} else if (r->cmd_ended && !r->quiet && command_status(r->status)) {
		fprintf(stderr, "buddyscope capture: note: '%s' exited with status %d\n", r->cmd[0],
			command_status(r->status));
	}
	/* A capture that failed says 1 whatever the command did. */
	return r->failed ? 1 : r->cmd_ended ? command_status(r->status) : 0;
}

int cmd_capture(int argc, char **argv)
{
	struct capture_run r = {
		.prio = { .nice = DEFAULT_DRAIN_NICE },
		.ro = { .post_ns = DEFAULT_POST_S * 1000000000ull, .note = rec_note_print },
		.tty = isatty(2),
		.snapshot = true,
		.child = -1,
	};
	int rc;

	rc = capture_parse_options(&r, argc, argv);
	if (rc < 0)
		rc = capture_check_options(&r, argc, argv);
	if (rc >= 0)
		return rc;
	capture_signals_install();
	rc = capture_recorder_start(&r);
	if (rc < 0)
		rc = capture_start(&r);
	if (rc < 0) {
		capture_loop(&r);
		rc = capture_end(&r);
	}
	recorder_destroy(r.rec, r.c);
	capture_destroy(r.c);
	return rc;
}

#endif /* BUDDYSCOPE_WITH_CAPTURE */
