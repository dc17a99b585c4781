/* SPDX-License-Identifier: MIT */
/*
 * The one shape of a command's failure message: "buddyscope CMD: error:
 * WHAT", where WHAT is the library's sentence (which names the file and the
 * field) or, when a library gave none, the file and the errno as it was.
 * No command prints an empty "error: ".
 */
#include <errno.h>
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
