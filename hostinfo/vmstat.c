/* SPDX-License-Identifier: MIT */
/*
 * /proc/vmstat's reclaim and compaction counters (vmstat.h): "name value"
 * lines, the names kept by prefix so counters a later kernel adds under
 * the same prefixes are recorded too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmstat.h"

int vmstat_name_recorded(const char *name)
{
	static const char *const prefixes[] = {
		"pgscan", "pgsteal", "compact_", "pgmigrate_", "allocstall", "kswapd_",
		"pageoutrun", "drop_",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* One "name value" line into @ev; 0 when it is not a recorded counter, -1 when malformed. */
static int vmstat_line(const char *line, uint32_t seq, struct tracefmt_event *ev)
{
	char name[64], *end;
	const char *v;
	size_t n = strcspn(line, " ");

	if (!n || n >= sizeof(name) || line[n] != ' ')
		return -1;
	memcpy(name, line, n);
	name[n] = '\0';
	if (!vmstat_name_recorded(name) || n > TRACEFMT_VMSTAT_NAME_MAX)
		return 0;
	v = line + n + 1;
	errno = 0;
	uint64_t value = strtoull(v, &end, 10);
	if (end == v || errno || (*end && *end != '\n'))
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_VMSTAT;
	ev->u.vmstat.seq = seq;
	ev->u.vmstat.value = value;
	memcpy(ev->u.vmstat.name, name, n + 1);
	return 1;
}

int vmstat_read(const char *path, uint32_t seq, struct tracefmt_event *ev, size_t cap, size_t *nr,
		struct tracefmt_error *err)
{
	const char *p = path ? path : "/proc/vmstat";
	FILE *f = fopen(p, "re");
	char line[256];
	unsigned int line_no = 0;
	int ret = 0;

	*nr = 0;
	if (!f)
		return tracefmt_error_set(err, -errno, "%s: %s", p, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line_no++;
		int rc = vmstat_line(line, seq, *nr < cap ? &ev[*nr] : &(struct tracefmt_event){ 0 });
		if (rc < 0) {
			ret = tracefmt_error_set(err, -EBADMSG, "%s: line %u is not 'name value'", p,
						 line_no);
			break;
		}
		if (rc > 0 && *nr < cap)
			(*nr)++;
	}
	if (!ret && ferror(f))
		ret = tracefmt_error_set(err, -EIO, "%s: read error", p);
	fclose(f);
	return ret;
}
