/* SPDX-License-Identifier: MIT */
/*
 * A scratch directory for fuzz targets that need files (a trace, a store):
 * created once per process on tmpfs when there is one (so SQLite's syncs
 * cost nothing), removed at exit.
 */
#ifndef BUDDYSCOPE_FUZZ_TMPDIR_H
#define BUDDYSCOPE_FUZZ_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_dir[64];

static void fuzz_tmpdir_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", fuzz_dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", fuzz_dir);
}

/* The directory, or NULL if it cannot be made. */
static const char *fuzz_tmpdir(void)
{
	if (fuzz_dir[0])
		return fuzz_dir;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/bs-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(fuzz_dir)) {
		fuzz_dir[0] = '\0';
		return NULL;
	}
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

#endif
