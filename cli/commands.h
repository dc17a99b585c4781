/* SPDX-License-Identifier: MIT */
/*
 * Sub-commands of the buddyscope executable. Each returns the process exit
 * status: 0 success, 1 failure, 2 usage error. A command reports its own
 * errors on stderr as "buddyscope <cmd>: error: <what>".
 */
#ifndef BUDDYSCOPE_CLI_COMMANDS_H
#define BUDDYSCOPE_CLI_COMMANDS_H

#include <stdio.h>

int cmd_capture(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_sysinfo(int argc, char **argv);

/*
 * cli_error() - print "buddyscope CMD: error: " and the printf-formatted
 * sentence, which names the file (or option) and what is wrong, and a
 * newline; "buddyscope: error: ..." when @cmd is NULL. The one way a
 * command reports a failure. Returns 1, the failure exit status.
 */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * cli_help_or_usage() - the end of a command's option switch: for -h/--help
 * (@opt 'h') prints @usage to stdout and returns 0; for anything else
 * (an unknown option, a missing value) prints it to stderr and returns 2.
 */
int cli_help_or_usage(int opt, void (*usage)(FILE *f));

/* cli_usage_error() - the same message for a usage error; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cli_usage_fail() - cli_usage_error(), then @usage on stderr; returns 2. */
int cli_usage_fail(const char *cmd, void (*usage)(FILE *f), const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * cli_built_without() - "buddyscope CMD: built without WHAT" on stderr, for a
 * command whose part was left out of the build; returns 2.
 */
int cli_built_without(const char *cmd, const char *what);

/* The whole sub-command cmd_NAME of a part left out of the build. */
#define CLI_COMMAND_BUILT_WITHOUT(name, what)                                           \
	int cmd_##name(int argc, char **argv)                                           \
	{                                                                               \
		(void)argc;                                                             \
		(void)argv;                                                             \
		return cli_built_without(#name, what);                                  \
	}

/*
 * cli_fail() - print "buddyscope CMD: error: TEXT", or "FILE: strerror(ERR)"
 * when TEXT is NULL or empty (@err is an errno, either sign). Returns 1,
 * the failure exit status.
 */
int cli_fail(const char *cmd, const char *file, int err, const char *text);

/*
 * cli_sysinfo_dir_fail() - print a sysinfo_dir_check() / sysinfo_dir_save()
 * error of directory @dir: "DIR/FILE: what" when @text names a file in it,
 * "DIR: what" otherwise. Returns 1.
 */
int cli_sysinfo_dir_fail(const char *cmd, const char *dir, const char *text);

#endif
