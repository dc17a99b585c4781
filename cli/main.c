/* SPDX-License-Identifier: MIT */
/*
 * buddyscope: the single entry point. A bpftool-style table of sub-commands;
 * each one parses its own options and calls the libraries.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd commands[] = {
#ifdef HAVE_CMD_capture
	{ "capture", cmd_capture, "record the page allocator of this host with eBPF" },
#endif
#ifdef HAVE_CMD_import
	{ "import", cmd_import, "convert trace.dat, perf.data, ftrace or perf script text to .bst" },
#endif
#ifdef HAVE_CMD_info
	{ "info", cmd_info, "describe a .bst trace: host, zones, events, losses" },
#endif
#ifdef HAVE_CMD_replay
	{ "replay", cmd_replay, "replay a trace through the model (shadow or what-if)" },
#endif
#ifdef HAVE_CMD_sweep
	{ "sweep", cmd_sweep, "what-if replays over a grid of settings" },
#endif
#ifdef HAVE_CMD_merge
	{ "merge", cmd_merge, "join run stores written by sweep shards" },
#endif
#ifdef HAVE_CMD_report
	{ "report", cmd_report, "render heatmaps, memory maps and an HTML index" },
#endif
#ifdef HAVE_CMD_export
	{ "export", cmd_export, "write a run's series as CSV or JSON" },
#endif
#ifdef HAVE_CMD_sysinfo
	{ "sysinfo", cmd_sysinfo, "save this host's description for import --sysinfo" },
#endif
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: buddyscope <command> [options]\n\ncommands:\n");
	for (const struct cmd *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\n'buddyscope <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("buddyscope %s\n", BUDDYSCOPE_VERSION);
		return 0;
	}
	for (const struct cmd *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "buddyscope: error: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
