// SPDX-License-Identifier: MIT
/*
 * A host description directory: copies of the /proc and /sys files a trace
 * header is built from, laid out as on the host (DIR/proc/zoneinfo, ...),
 * so that a text trace made on one host can be imported on another
 * (`buddyscope sysinfo save DIR` there, `import --sysinfo DIR` here). The
 * list below is the one place that says which files; hostinfo/HEADER.md
 * documents it. sysinfo_dir_check() refuses a directory from which the
 * header would come out wrong (no orders, no pageblock order, ...), naming
 * the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostinfo.h"
#include "hostinfo_internal.h"

static const struct sysinfo_dir_file files[] = {
	{ "proc/zoneinfo", "zones: spans, managed pages, watermarks, lowmem reserves, pcp sizes",
	  SYSINFO_FILE_REQUIRED },
	{ "proc/pagetypeinfo", "pageblock order, orders, free blocks per migratetype (root only)",
	  SYSINFO_FILE_ORDERS },
	{ "proc/buddyinfo", "orders and free blocks per order (stands in for pagetypeinfo)",
	  SYSINFO_FILE_ORDERS_ALT },
	{ "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
	  "pageblock order without pagetypeinfo (the PMD order)", SYSINFO_FILE_ORDERS_ALT },
	{ "proc/sys/kernel/osrelease", "kernel release: the model's behaviour profile",
	  SYSINFO_FILE_REQUIRED },
	{ "sys/devices/system/cpu/online", "cpu count (pcp lists)", SYSINFO_FILE_REQUIRED },
	{ "page_size", "page size in bytes (written by sysinfo save; 4096 when missing)",
	  SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/min_free_kbytes", "vm.min_free_kbytes (what-if watermarks)",
	  SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/watermark_scale_factor", "vm.watermark_scale_factor", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/watermark_boost_factor", "vm.watermark_boost_factor", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/percpu_pagelist_high_fraction", "vm.percpu_pagelist_high_fraction",
	  SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/lowmem_reserve_ratio", "vm.lowmem_reserve_ratio", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/zone_reclaim_mode", "vm.zone_reclaim_mode", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/compaction_proactiveness", "vm.compaction_proactiveness",
	  SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/vm/defrag_mode", "vm.defrag_mode (6.15+)", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/kernel/version", "kernel build string", SYSINFO_FILE_OPTIONAL },
	{ "proc/sys/kernel/hostname", "host name", SYSINFO_FILE_OPTIONAL },
	{ "sys/kernel/mm/transparent_hugepage/enabled", "THP mode", SYSINFO_FILE_OPTIONAL },
	{ "sys/kernel/mm/transparent_hugepage/defrag", "THP defrag mode", SYSINFO_FILE_OPTIONAL },
	{ "sys/module/page_alloc/parameters/shuffle", "page_alloc.shuffle", SYSINFO_FILE_OPTIONAL },
	{ "sys/module/page_reporting/parameters/page_reporting_order", "page reporting order",
	  SYSINFO_FILE_OPTIONAL },
};

#define NR_FILES (sizeof(files) / sizeof(files[0]))
#define CACHE_LEAVES 8

const struct sysinfo_dir_file *sysinfo_dir_files(size_t *nr)
{
	*nr = NR_FILES;
	return files;
}

/* mkdir -p of the directories of @path (not @path itself). */
static int parents_make(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		int rc = mkdir(path, 0755);
		int e = errno;
		*p = '/';
		if (rc < 0 && e != EEXIST)
			return -e;
	}
	return 0;
}

static int file_write(const char *dir, const char *rel, const char *data, size_t len,
		      struct bs_error *err)
{
	char path[4096];
	int fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path))
		return sysinfo_error_set(err, BS_NOWHERE, -ENAMETOOLONG, "%s/%s: path too long",
					 dir, rel);
	rc = parents_make(path);
	if (rc < 0)
		return sysinfo_error_set(err, BS_NOWHERE, rc, "%s: cannot make its directory: %s",
					 path, strerror(-rc));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return sysinfo_error_set(err, BS_NOWHERE, -errno, "%s: cannot create: %s", path,
					 strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sysinfo_error_set(err, BS_NOWHERE, -errno, "%s: cannot write: %s",
					       path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 && !rc)
		rc = sysinfo_error_set(err, BS_NOWHERE, -errno, "%s: cannot write: %s", path,
				       strerror(errno));
	return rc;
}

/* Copy <root>/<rel> to <dir>/<rel>: 1 copied, 0 not readable at the source, -errno. */
static int file_copy(const char *root, const char *dir, const char *rel,
		     struct bs_error *err)
{
	char *buf;
	size_t len;

	if (sysinfo_file_read(root, rel, &buf, &len, NULL))
		return 0;
	int rc = file_write(dir, rel, buf, len, err);
	free(buf);
	return rc < 0 ? rc : 1;
}

static void save_note_missing(struct sysinfo_save_stats *st, const char *rel)
{
	size_t n = sizeof(st->unreadable) / sizeof(st->unreadable[0]);

	if (st->nr_unreadable < n)
		snprintf(st->unreadable[st->nr_unreadable], sizeof(st->unreadable[0]), "%s", rel);
	st->nr_unreadable++;
}

/* Each online cpu's cache leaves (host.llc: the pcp batch of 6.18). */
static int cache_copy(const char *root, const char *dir, struct sysinfo_save_stats *st,
		      struct bs_error *err)
{
	static const char *const leaf_files[] = { "level", "type", "size", "shared_cpu_list" };
	char *online = sysinfo_read_trimmed(root, "sys/devices/system/cpu/online");
	uint32_t cpus = online ? sysinfo_count_cpu_list(online) : 0;

	free(online);
	for (uint32_t cpu = 0; cpu < cpus && cpu < 8192; cpu++)
		for (unsigned int idx = 0; idx < CACHE_LEAVES; idx++) {
			int copied = 0;
			for (size_t f = 0; f < sizeof(leaf_files) / sizeof(leaf_files[0]); f++) {
				char rel[128];
				snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%u/cache/index%u/%s",
					 cpu, idx, leaf_files[f]);
				int rc = file_copy(root, dir, rel, err);
				if (rc < 0)
					return rc;
				copied += rc;
				st->written += (uint32_t)rc;
			}
			if (!copied)
				break;
		}
	return 0;
}

int sysinfo_dir_save(const char *root, const char *dir, struct sysinfo_save_stats *st,
		     struct bs_error *err)
{
	struct sysinfo_save_stats local;
	char ps[32];
	int rc;

	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return sysinfo_error_set(err, BS_NOWHERE, -errno,
					 "%s: cannot make the directory: %s", dir,
			       strerror(errno));
	for (size_t i = 0; i < NR_FILES; i++) {
		if (!strcmp(files[i].rel, "page_size") && (!root || !strcmp(root, "/"))) {
			int n = snprintf(ps, sizeof(ps), "%ld\n", sysconf(_SC_PAGESIZE));
			rc = file_write(dir, "page_size", ps, (size_t)n, err);
			if (rc < 0)
				return rc;
			st->written++;
			continue;
		}
		rc = file_copy(root, dir, files[i].rel, err);
		if (rc < 0)
			return rc;
		if (rc)
			st->written++;
		else
			save_note_missing(st, files[i].rel);
	}
	rc = cache_copy(root, dir, st, err);
	if (rc < 0)
		return rc;
	return sysinfo_dir_check(dir, err);
}

/* <dir>/<rel> as one integer; 0, -ENOENT (no file) or -EINVAL (not an integer). */
static int dir_int(const char *dir, const char *rel, int64_t *v)
{
	char path[4096];
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (access(path, F_OK) < 0)
		return -ENOENT;
	s = sysinfo_read_trimmed(dir, rel);
	int rc = s && sysinfo_value_i64(s, v) ? 0 : -EINVAL;
	free(s);
	return rc;
}

static bool dir_has(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, R_OK) == 0;
}

/* pageblock order and orders: pagetypeinfo, or buddyinfo and the PMD size. */
static int check_orders(const char *dir, struct bs_error *err)
{
	struct sysinfo_pagetypeinfo pti = { 0 };
	char *text;
	size_t len;
	int64_t pmd;
	int rc;

	if (dir_has(dir, "proc/pagetypeinfo")) {
		rc = sysinfo_file_read(dir, "proc/pagetypeinfo", &text, &len, err);
		if (rc)
			return rc;
		rc = sysinfo_pagetypeinfo_parse(text, len, &pti, err);
		free(text);
		bool ok = !rc && pti.pageblock_order > 0 && pti.nr_orders > pti.pageblock_order;
		sysinfo_pagetypeinfo_release(&pti);
		if (!ok)
			return sysinfo_error_set(err, BS_NOWHERE, -EINVAL,
						 "proc/pagetypeinfo: not /proc/pagetypeinfo "
					"text (no pageblock order or free-count table)");
		return 0;
	}
	if (!dir_has(dir, "proc/buddyinfo") ||
	    !dir_has(dir, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size"))
		return sysinfo_error_set(err, BS_NOWHERE, -ENOENT,
					 "proc/pagetypeinfo: missing (pageblock order, "
				"orders), and no proc/buddyinfo with sys/kernel/mm/"
				"transparent_hugepage/hpage_pmd_size instead");
	if (sysinfo_file_read(dir, "proc/buddyinfo", &text, &len, err))
		return -EIO;
	uint32_t orders = sysinfo_buddyinfo_nr_orders(text);
	free(text);
	if (!orders)
		return sysinfo_error_set(err, BS_NOWHERE, -EINVAL,
					 "proc/buddyinfo: no zone line with free counts");
	rc = dir_int(dir, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &pmd);
	if (rc < 0 || pmd < 4096 || (pmd & (pmd - 1)))
		return sysinfo_error_set(err, BS_NOWHERE, -EINVAL,
					 "sys/kernel/mm/transparent_hugepage/hpage_pmd_size: "
				"not a size in bytes (a power of two)");
	return 0;
}

static int check_zoneinfo(const char *dir, struct bs_error *err)
{
	struct sysinfo_zoneinfo zi = { 0 };
	char *text;
	size_t len;
	int rc;

	if (!dir_has(dir, "proc/zoneinfo"))
		return sysinfo_error_set(err, BS_NOWHERE, -ENOENT,
					 "proc/zoneinfo: missing (the zones)");
	rc = sysinfo_file_read(dir, "proc/zoneinfo", &text, &len, err);
	if (rc)
		return rc;
	rc = sysinfo_zoneinfo_parse(text, len, &zi, err);
	free(text);
	sysinfo_zoneinfo_release(&zi);
	if (rc) {
		char why[sizeof(err->text)];
		snprintf(why, sizeof(why), "%s", err ? err->text : "");
		return sysinfo_error_set(err, BS_NOWHERE, rc,
					 "proc/zoneinfo: not /proc/zoneinfo text (%s)", why);
	}
	return 0;
}

int sysinfo_dir_check(const char *dir, struct bs_error *err)
{
	struct stat sb;
	int64_t v;
	int rc;

	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return sysinfo_error_set(err, BS_NOWHERE, stat(dir, &sb) < 0 ? -errno : -ENOTDIR,
			       "not a directory (`buddyscope sysinfo save DIR` makes one)");
	rc = check_zoneinfo(dir, err);
	if (!rc)
		rc = check_orders(dir, err);
	if (rc)
		return rc;
	char *rel = sysinfo_read_trimmed(dir, "proc/sys/kernel/osrelease");
	bool ok = rel && rel[0] && strchr(rel, '.');
	free(rel);
	if (!ok)
		return sysinfo_error_set(err, BS_NOWHERE,
					 dir_has(dir, "proc/sys/kernel/osrelease") ? -EINVAL : -ENOENT,
			       "proc/sys/kernel/osrelease: %s",
			       dir_has(dir, "proc/sys/kernel/osrelease")
				       ? "not a kernel release (like 6.18.0)"
				       : "missing (the kernel release)");
	char *online = sysinfo_read_trimmed(dir, "sys/devices/system/cpu/online");
	ok = online && sysinfo_count_cpu_list(online) > 0;
	free(online);
	if (!ok)
		return sysinfo_error_set(err, BS_NOWHERE,
					 dir_has(dir, "sys/devices/system/cpu/online") ? -EINVAL : -ENOENT,
			       "sys/devices/system/cpu/online: %s", dir_has(dir, "sys/devices/system/cpu/online")
					    ? "not a cpu list (like 0-3)"
					    : "missing (the cpu count)");
	/* Optional files, when present, must hold what they say. */
	rc = dir_int(dir, "page_size", &v);
	if (rc == -EINVAL || (!rc && (v < 4096 || (v & (v - 1)))))
		return sysinfo_error_set(err, BS_NOWHERE, -EINVAL,
					 "page_size: not a page size in bytes");
	for (size_t i = 0; i < NR_FILES; i++) {
		if (strncmp(files[i].rel, "proc/sys/vm/", 12) ||
		    !strcmp(files[i].rel, "proc/sys/vm/lowmem_reserve_ratio"))
			continue;
		if (dir_int(dir, files[i].rel, &v) == -EINVAL)
			return sysinfo_error_set(err, BS_NOWHERE, -EINVAL, "%s: not an integer",
						 files[i].rel);
	}
	return 0;
}
