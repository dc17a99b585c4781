/* SPDX-License-Identifier: MIT */
/*
 * outfile: how every buddyscope output reaches its name. A file is written
 * under another name in the same directory, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (so a symlink planted where the file goes is
 * never followed, and two writers never share a file), and renamed over
 * its final name only when it is complete and on disk (outfile_commit()).
 * Until then the final name keeps whatever it held before: a failed or
 * killed run never destroys an existing output and never leaves a
 * half-written one under the final name. The rename replaces a symlink at
 * the final name, it does not write through it.
 *
 * Two ways of naming the file being written:
 *   - default: a hidden temporary ".NAME.XXXXXX.tmp", removed by
 *     outfile_discard() (a run killed with SIGKILL leaves it behind; it is
 *     never mistaken for an output);
 *   - OUTFILE_PARTIAL: "NAME.partial", kept when the run dies, for outputs
 *     that are useful cut short (a capture's trace keeps every complete
 *     block). Such a file from an earlier run is refused (-EEXIST) unless
 *     OUTFILE_REPLACE is given.
 *
 * libc only; no printing. Functions return 0 or -errno.
 */
#ifndef BUDDYSCOPE_OUTFILE_H
#define BUDDYSCOPE_OUTFILE_H

#include <stdio.h>
#include <sys/types.h>

enum outfile_flags {
	OUTFILE_NO_REPLACE = 1 << 0, /* -EEXIST when the final name exists, checked at
					open and again, atomically, at commit */
	OUTFILE_PARTIAL = 1 << 1,    /* write NAME.partial and keep it if not committed */
	OUTFILE_REPLACE = 1 << 2,    /* with OUTFILE_PARTIAL: remove a stale NAME.partial */
};

/*
 * An output being written. @fd is the file to write (or use
 * outfile_stream()); @tmp its name until commit; @path the final name.
 * Initialise with OUTFILE_INIT so outfile_discard() is always safe.
 */
struct outfile {
	int fd;
	int error;	/* first -errno of a write through the stream */
	unsigned int flags;
	FILE *stream;	/* set by outfile_stream(), owned */
	char *path;	/* final name (owned copy) */
	char *tmp;	/* name being written (owned) */
};

#define OUTFILE_INIT { .fd = -1 }

/**
 * outfile_open() - create the file that will become @path.
 * @mode: permission bits, filtered by the umask as open(2) does.
 *
 * Returns 0, or -errno: -EEXIST when @flags has OUTFILE_NO_REPLACE and
 * @path exists (a dangling symlink counts), or with OUTFILE_PARTIAL when
 * NAME.partial exists and OUTFILE_REPLACE is not set; -EISDIR when @path is
 * a directory; whatever open(2) says about the directory (-EACCES,
 * -ENOENT, -EROFS, -ENOSPC...). outfile_name() then names the file at
 * fault, until outfile_discard() frees it.
 */
int outfile_open(struct outfile *of, const char *path, unsigned int flags, mode_t mode);

/* A stdio stream on the file, owned by @of (closed by commit/discard); NULL + errno. */
FILE *outfile_stream(struct outfile *of);

/**
 * outfile_commit() - flush, fsync and close the file, then rename it to its
 * final name (without replacing an existing one under OUTFILE_NO_REPLACE).
 * Returns 0 or the first -errno met (a write error of the stream that
 * happened earlier included, as it was: -ENOSPC stays -ENOSPC). On failure
 * the temporary is removed, except an OUTFILE_PARTIAL file that is kept
 * for what it holds. Either way @of is released.
 */
int outfile_commit(struct outfile *of);

/*
 * Close and remove the file being written (NAME.partial too); release @of.
 * NULL-safe; also frees what a failed outfile_open() kept.
 */
void outfile_discard(struct outfile *of);

/* Close without removing or renaming (an OUTFILE_PARTIAL file stays as it is). */
void outfile_abandon(struct outfile *of);

/* The name being written: the temporary until commit, "" when none. */
const char *outfile_name(const struct outfile *of);

/**
 * outfile_partial_name() - "PATH.partial" into @buf of @len bytes.
 * Returns 0 or -ENAMETOOLONG.
 */
int outfile_partial_name(const char *path, char *buf, size_t len);

#endif /* BUDDYSCOPE_OUTFILE_H */
