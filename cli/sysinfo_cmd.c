/* SPDX-License-Identifier: MIT */
/*
 * buddyscope sysinfo save DIR: write this host's description (the files of
 * sysinfo_dir_files(), capture/HEADER.md) into DIR, for `import --sysinfo
 * DIR` of a text trace made here. `sysinfo check DIR` validates a directory.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "sysinfo.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope sysinfo save DIR\n"
		"       buddyscope sysinfo check DIR\n"
		"\n"
		"save: copy what `buddyscope import --sysinfo DIR` needs from this host into\n"
		"DIR (zoneinfo, pagetypeinfo, buddyinfo, the vm sysctls, kernel release, cpus,\n"
		"page size, THP and cache sizes), laid out as under /. Run it as root, on the\n"
		"host the trace was recorded on, just before (and, for --sysinfo-end, just\n"
		"after) the recording. check: say whether DIR is complete.\n"
		"\n"
		"Exit status: 0 done, 1 failure or incomplete directory, 2 usage.\n");
}

int cmd_sysinfo(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "save") && strcmp(argv[1], "check"))) {
		usage(stderr);
		return 2;
	}
	struct tracefmt_error err = { 0 };
	const char *dir = argv[2];

	if (!strcmp(argv[1], "check")) {
		if (sysinfo_dir_check(dir, &err) < 0)
			return cli_sysinfo_dir_fail("sysinfo", dir, err.text);
		printf("%s: complete\n", dir);
		return 0;
	}
	struct sysinfo_save_stats st;
	int rc = sysinfo_dir_save(NULL, dir, &st, &err);
	for (uint32_t i = 0; i < st.nr_unreadable && i < 24; i++)
		fprintf(stderr, "buddyscope sysinfo: note: /%s not readable here; not saved\n",
			st.unreadable[i]);
	if (rc < 0)
		return cli_sysinfo_dir_fail("sysinfo", dir, err.text);
	printf("%s: %u files written\n", dir, st.written);
	return 0;
}
