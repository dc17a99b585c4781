/* SPDX-License-Identifier: MIT */
/*
 * The capture command's wiring of the flight recorder (capture_rec.h): the
 * recorder's notes on stderr, and --dump, which asks a running capture for
 * a dump with SIGUSR1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BUDDYSCOPE_WITH_CAPTURE

#include "capture_rec.h"
#include "commands.h"

#define PROG "buddyscope capture"

void rec_note_print(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s\n", text);
}

int rec_send_dump(const char *target)
{
	char buf[64], *end;
	long pid;
	FILE *f;

	pid = strtol(target, &end, 10);
	if (end == target || *end) {
		f = fopen(target, "r");
		if (!f || !fgets(buf, sizeof(buf), f)) {
			cli_error("capture", "%s: cannot read a pid: %s", target,
				f ? "empty file" : strerror(errno));
			if (f)
				fclose(f);
			return 1;
		}
		fclose(f);
		pid = strtol(buf, &end, 10);
		if (end == buf || (*end && *end != '\n')) {
			return cli_error("capture", "%s: '%s' is not a pid", target, buf);
		}
	}
	if (pid <= 0 || kill((pid_t)pid, SIGUSR1)) {
		return cli_error("capture", "cannot signal pid %ld: %s", pid,
			       pid <= 0 ? "not a pid" : strerror(errno));
	}
	fprintf(stderr, PROG ": asked pid %ld for a dump (it prints the file it writes)\n", pid);
	return 0;
}

#endif /* BUDDYSCOPE_WITH_CAPTURE */
