/* SPDX-License-Identifier: MIT */
/*
 * Output files that appear whole or not at all (outfile.h): created under a
 * name of our own with O_EXCL|O_NOFOLLOW next to the final name, renamed
 * over it once complete. The stream wrapper remembers the errno of the first
 * failed write, because stdio keeps only a sticky error flag and a later
 * call may have changed errno by the time the caller looks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

#define TMP_ATTEMPTS 64

int outfile_partial_name(const char *path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.partial", path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* "DIR/.BASE.XXXXXX.tmp" for @path, with @salt making the X part. */
static char *tmp_name(const char *path, uint64_t salt)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	size_t len = strlen(path) + 32;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%.*s.%s.%06llx.tmp", (int)dirlen, path, base,
			 (unsigned long long)(salt & 0xffffff));
	return s;
}

static uint64_t salt_next(void)
{
	static uint64_t counter;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Unpredictable enough that a planted name is rarely hit; O_EXCL does the rest. */
	return ((uint64_t)getpid() * 0x9E3779B97F4A7C15ull) ^ (uint64_t)ts.tv_nsec ^
	       (++counter * 0xBF58476D1CE4E5B9ull);
}

static int create_excl(const char *name, mode_t mode)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	return fd < 0 ? -errno : fd;
}

static void release(struct outfile *of)
{
	free(of->path);
	free(of->tmp);
	of->path = NULL;
	of->tmp = NULL;
	of->fd = -1;
	of->error = 0;
	of->stream = NULL;
}

/* The final name itself, checked before any work: a directory, or one we must not replace. */
static int check_final(const char *path, unsigned int flags)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return flags & OUTFILE_NO_REPLACE ? -EEXIST : 0;
}

static int open_partial(struct outfile *of, mode_t mode)
{
	size_t len = strlen(of->path) + sizeof(".partial");
	int fd;

	of->tmp = malloc(len);
	if (!of->tmp)
		return -ENOMEM;
	if (outfile_partial_name(of->path, of->tmp, len))
		return -ENAMETOOLONG;
	/* unlink removes a stale file or a planted symlink, never its target. */
	if ((of->flags & OUTFILE_REPLACE) && unlink(of->tmp) < 0 && errno != ENOENT)
		return -errno;
	fd = create_excl(of->tmp, mode);
	return fd;
}

static int open_tmp(struct outfile *of, mode_t mode)
{
	for (int i = 0; i < TMP_ATTEMPTS; i++) {
		free(of->tmp);
		of->tmp = tmp_name(of->path, salt_next());
		if (!of->tmp)
			return -ENOMEM;
		int fd = create_excl(of->tmp, mode);
		if (fd != -EEXIST)
			return fd;
	}
	return -EEXIST;
}

int outfile_open(struct outfile *of, const char *path, unsigned int flags, mode_t mode)
{
	int ret;

	of->fd = -1;
	of->error = 0;
	of->stream = NULL;
	of->tmp = NULL;
	of->flags = flags;
	of->path = strdup(path);
	if (!of->path)
		return -ENOMEM;
	ret = check_final(path, flags);
	if (!ret)
		ret = flags & OUTFILE_PARTIAL ? open_partial(of, mode) : open_tmp(of, mode);
	if (ret < 0) {
		/* outfile_name() keeps naming what failed until release. */
		if (!of->tmp || (!(flags & OUTFILE_PARTIAL) && ret != -EEXIST)) {
			free(of->tmp);
			of->tmp = strdup(path);
		}
		return ret;
	}
	of->fd = ret;
	return 0;
}

/* The stream's write: all of @buf, or the first error kept in the outfile. */
static ssize_t cookie_write(void *c, const char *buf, size_t len)
{
	struct outfile *of = c;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(of->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!of->error)
				of->error = n < 0 ? -errno : -EIO;
			errno = -of->error;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

FILE *outfile_stream(struct outfile *of)
{
	static const cookie_io_functions_t io = { .write = cookie_write };

	if (!of->stream)
		of->stream = fopencookie(of, "w", io);
	return of->stream;
}

/* Flush and close the stream (not the fd); the first write error as it was. */
static int stream_close(struct outfile *of)
{
	int ret;

	if (!of->stream)
		return of->error;
	ret = fflush(of->stream) && !of->error ? -EIO : 0;
	fclose(of->stream);
	of->stream = NULL;
	return of->error ? of->error : ret;
}

static int rename_final(const struct outfile *of)
{
	if (!(of->flags & OUTFILE_NO_REPLACE))
		return rename(of->tmp, of->path) < 0 ? -errno : 0;
	if (renameat2(AT_FDCWD, of->tmp, AT_FDCWD, of->path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE: link() never replaces either. */
	if (link(of->tmp, of->path) < 0)
		return -errno;
	unlink(of->tmp);
	return 0;
}

int outfile_commit(struct outfile *of)
{
	int ret = stream_close(of);

	if (!ret && fsync(of->fd) < 0 && errno != EINVAL)
		ret = -errno;
	if (close(of->fd) < 0 && !ret)
		ret = -errno;
	of->fd = -1;
	if (!ret)
		ret = rename_final(of);
	if (ret && !(of->flags & OUTFILE_PARTIAL))
		unlink(of->tmp);
	release(of);
	return ret;
}

void outfile_abandon(struct outfile *of)
{
	if (!of)
		return;
	if (of->stream)
		fclose(of->stream);
	if (of->fd >= 0)
		close(of->fd);
	release(of);
}

void outfile_discard(struct outfile *of)
{
	if (!of)
		return;
	if (of->fd >= 0 && of->tmp)
		unlink(of->tmp);
	outfile_abandon(of);
}

const char *outfile_name(const struct outfile *of)
{
	return of->tmp ? of->tmp : of->path ? of->path : "";
}
