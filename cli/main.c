/* SPDX-License-Identifier: MIT */
/*
 * buddyscope: the single entry point. A bpftool-style table of sub-commands;
 * each one parses its own options and calls the libraries.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "version.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd commands[] = {
	{ "capture", cmd_capture, "record the page allocator of this host with eBPF" },
	{ "import", cmd_import, "convert trace.dat, perf.data, ftrace or perf script text to .bst" },
	{ "info", cmd_info, "describe a .bst trace: host, zones, events, losses" },
	{ "dump", cmd_dump, "print a trace's records as text or JSON lines" },
	{ "replay", cmd_replay, "replay a trace through the model (shadow or what-if)" },
	{ "sweep", cmd_sweep, "what-if replays over a grid of settings" },
	{ "merge", cmd_merge, "join run stores written by sweep shards" },
	{ "report", cmd_report, "render heatmaps, memory maps and an HTML index" },
	{ "export", cmd_export, "write runs as CSV, JSON, a Perfetto trace or OpenMetrics" },
	{ "sysinfo", cmd_sysinfo, "save this host's description for import --sysinfo" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: buddyscope <command> [options]\n"
		   "       buddyscope help [<command>]\n"
		   "       buddyscope -V | --version\n\ncommands:\n");
	for (const struct cmd *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "  %-8s %s\n", "help", "this text, or a command's options (same as <command> --help)");
	fprintf(f, "\n'buddyscope <command> --help' describes a command's options.\n"
		   "Manual pages: buddyscope(1), buddyscope-<command>(1).\n");
}

static const struct cmd *find_command(const char *name)
{
	for (const struct cmd *c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

/* "buddyscope help CMD" prints what "buddyscope CMD --help" prints. */
static int help_command(const char *name)
{
	const struct cmd *c = find_command(name);
	char *args[] = { (char *)name, "--help", NULL };

	if (!c)
		return cli_usage_fail("help", usage, "unknown command '%s'", name);
	return c->fn(2, args);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") && argc > 2)
		return help_command(argv[2]);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("buddyscope %s\n", BUDDYSCOPE_VERSION_TEXT);
		return 0;
	}
	const struct cmd *c = find_command(argv[1]);

	if (c)
		return c->fn(argc - 1, argv + 1);
	return cli_usage_fail(NULL, usage, "unknown command '%s'", argv[1]);
}
