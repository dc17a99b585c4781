// SPDX-License-Identifier: MIT
/*
 * failalloc: make the kernel's page allocator report one failed allocation
 * (kmem:mm_page_alloc with no page) without any memory pressure on the host.
 *
 * How (mm/page_alloc.c, __alloc_frozen_pages_noprof(), 6.18): an allocation
 * with __GFP_ACCOUNT whose memory-cgroup charge fails has its page freed and
 * the tracepoint fires with page NULL (pfn -1). This process moves itself
 * into a fresh memory cgroup whose limit is 0 and creates a BPF array map of
 * ~26 KiB: kernel/bpf/syscall.c __bpf_map_area_alloc() asks kmalloc for it
 * with __GFP_ACCOUNT | __GFP_NORETRY, which above 8 KiB is a page allocation
 * of order 3. The charge fails; __GFP_NORETRY (and the vmalloc fallback's
 * __GFP_RETRY_MAYFAIL) keep the cgroup's OOM killer out of it; the map
 * creation fails with ENOMEM. Every page of this process is faulted in and
 * locked first, and both cgroup.procs files are opened before the move, so
 * nothing else is charged to the empty cgroup.
 *
 * Exit: 0 the map creation failed with ENOMEM (the failure happened), 1 it
 * did not fail, 77 no memory cgroup here (v1 /sys/fs/cgroup/memory or v2 with
 * the memory controller) or not root.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The memory cgroup root and its limit file: v1 first (this VM), then v2. */
static int memcg_root(const char **root, const char **limit_file)
{
	char buf[256] = "";
	int fd;

	if (!access("/sys/fs/cgroup/memory/memory.limit_in_bytes", W_OK)) {
		*root = "/sys/fs/cgroup/memory";
		*limit_file = "memory.limit_in_bytes";
		return 0;
	}
	fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		close(fd);
		if (n > 0 && strstr(buf, "memory")) {
			*root = "/sys/fs/cgroup";
			*limit_file = "memory.max";
			return 0;
		}
	}
	return -1;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Grow the stack now, so the calls below fault nothing in. */
static void stack_grow(void)
{
	volatile char b[65536];

	for (size_t i = 0; i < sizeof(b); i += 4096)
		b[i] = 1;
}

int main(void)
{
	const char *root, *limit_file;
	char dir[256], in_path[512], out_path[512], pid[32];
	union bpf_attr a;
	int in, out, err;
	long fd;

	if (geteuid() != 0 || memcg_root(&root, &limit_file)) {
		fprintf(stderr, "failalloc: skip: needs root and a memory cgroup\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/buddyscope-failalloc-%d", root, (int)getpid());
	if (mkdir(dir, 0755) || write_file(dir, limit_file, "0")) {
		fprintf(stderr, "failalloc: skip: %s: %s\n", dir, strerror(errno));
		rmdir(dir);
		return 77;
	}
	stack_grow();
	mlockall(MCL_CURRENT);
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 64;
	a.max_entries = 400; /* 25.6 KiB of values: one order-3 kmalloc */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(in_path, sizeof(in_path), "%s/cgroup.procs", dir);
	snprintf(out_path, sizeof(out_path), "%s/cgroup.procs", root);
	in = open(in_path, O_WRONLY);
	out = open(out_path, O_WRONLY);
	if (in < 0 || out < 0 || write(in, pid, strlen(pid)) < 0) {
		fprintf(stderr, "failalloc: skip: cannot join %s: %s\n", dir, strerror(errno));
		rmdir(dir);
		return 77;
	}
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	err = errno;
	if (write(out, pid, strlen(pid)) < 0)
		fprintf(stderr, "failalloc: cannot leave %s: %s\n", dir, strerror(errno));
	close(in);
	close(out);
	rmdir(dir);
	if (fd >= 0 || err != ENOMEM) {
		fprintf(stderr, "failalloc: the map creation %s\n",
			fd >= 0 ? "succeeded" : strerror(err));
		return 1;
	}
	return 0;
}
