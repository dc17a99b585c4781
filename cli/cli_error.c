/* SPDX-License-Identifier: MIT */
/*
 * The one shape of a command's failure message: "buddyscope CMD: error:
 * WHAT", where WHAT is the library's sentence (which names the file and the
 * field) or, when a library gave none, the file and the errno as it was.
 * No command prints an empty "error: ".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

int cli_fail(const char *cmd, const char *file, int err, const char *text)
{
	if (text && text[0])
		fprintf(stderr, "buddyscope %s: error: %s\n", cmd, text);
	else
		fprintf(stderr, "buddyscope %s: error: %s: %s\n", cmd, file ? file : "(no file)",
			strerror(err < 0 ? -err : err ? err : EIO));
	return 1;
}

int cli_sysinfo_dir_fail(const char *cmd, const char *dir, const char *text)
{
	size_t n = strlen(dir);
	bool file = !strncmp(text, "proc/", 5) || !strncmp(text, "sys/", 4) ||
		    !strncmp(text, "page_size", 9);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	fprintf(stderr, "buddyscope %s: error: %.*s%s%s\n", cmd, (int)n, dir, file ? "/" : ": ",
		text);
	return 1;
}
