/* SPDX-License-Identifier: MIT */
/*
 * The one shape of a command's failure message: "buddyscope CMD: error:
 * WHAT", where WHAT is the library's sentence (which names the file and the
 * field) or, when a library gave none, the file and the errno as it was.
 * No command prints an empty "error: ".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* One write per message, so that a progress line cannot land inside it. */
static void cli_verror(const char *cmd, const char *fmt, va_list ap)
{
	char *what = NULL;

	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	fprintf(stderr, "buddyscope%s%s: error: %s\n", cmd ? " " : "", cmd ? cmd : "",
		what ? what : strerror(ENOMEM));
	free(what);
}

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(cmd, fmt, ap);
	va_end(ap);
	return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(cmd, fmt, ap);
	va_end(ap);
	return 2;
}

int cli_usage_fail(const char *cmd, void (*usage)(FILE *f), const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(cmd, fmt, ap);
	va_end(ap);
	usage(stderr);
	return 2;
}

int cli_built_without(const char *cmd, const char *what)
{
	fprintf(stderr, "buddyscope %s: built without %s\n", cmd, what);
	return 2;
}

int cli_help_or_usage(int opt, void (*usage)(FILE *f))
{
	usage(opt == 'h' ? stdout : stderr);
	return opt == 'h' ? 0 : 2;
}

int cli_fail(const char *cmd, const char *file, int err, const char *text)
{
	if (text && text[0])
		return cli_error(cmd, "%s", text);
	return cli_error(cmd, "%s: %s", file ? file : "(no file)",
			 strerror(err < 0 ? -err : err ? err : EIO));
}

int cli_sysinfo_dir_fail(const char *cmd, const char *dir, const char *text)
{
	size_t n = strlen(dir);
	bool file = !strncmp(text, "proc/", 5) || !strncmp(text, "sys/", 4) ||
		    !strncmp(text, "page_size", 9);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return cli_error(cmd, "%.*s%s%s", (int)n, dir, file ? "/" : ": ", text);
}
