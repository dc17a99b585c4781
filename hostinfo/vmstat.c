/* SPDX-License-Identifier: MIT */
/*
 * /proc/vmstat's reclaim and compaction counters (vmstat.h): "name value"
 * lines, kept by name prefix so counters a later kernel adds under the
 * same prefixes are recorded too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hostinfo.h"
#include "hostinfo_internal.h"
#include "vmstat.h"

bool sysinfo_vmstat_recorded(const char *name)
{
	static const char *const prefixes[] = {
		"pgscan", "pgsteal", "compact_", "pgmigrate_", "allocstall", "kswapd_",
		"pageoutrun", "drop_",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* One "name value" line [@p, @end) into @ev: 1 recorded, 0 not recorded, -1 malformed. */
static int vmstat_line(const char *p, const char *end, uint32_t seq, struct tracefmt_event *ev)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	char name[TRACEFMT_VMSTAT_NAME_MAX + 2], num[24];
	size_t n = sp ? (size_t)(sp - p) : 0, vlen = sp ? (size_t)(end - sp - 1) : 0;
	char *num_end;

	if (!n || !vlen || vlen >= sizeof(num))
		return -1;
	if (n >= sizeof(name))
		return 0; /* longer than a record holds: not one of ours */
	memcpy(name, p, n);
	name[n] = '\0';
	if (!sysinfo_vmstat_recorded(name))
		return 0;
	memcpy(num, sp + 1, vlen);
	num[vlen] = '\0';
	errno = 0;
	uint64_t value = strtoull(num, &num_end, 10);
	if (num[0] < '0' || num[0] > '9' || *num_end || errno)
		return -1;
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACEFMT_VMSTAT;
	ev->u.vmstat.seq = seq;
	ev->u.vmstat.value = value;
	memcpy(ev->u.vmstat.name, name, n + 1);
	return 1;
}

int sysinfo_vmstat_parse(const char *buf, size_t len, uint32_t seq, uint64_t ts_ns,
			 struct tracefmt_event *out, size_t max, size_t *nr,
			 struct bs_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned int line = 0;
	struct tracefmt_event spare;

	*nr = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		line++;
		if (le > p) {
			struct tracefmt_event *ev = *nr < max ? &out[*nr] : &spare;
			int rc = vmstat_line(p, le, seq, ev);

			if (rc < 0)
				return sysinfo_error_set(err, BS_NOWHERE, -EINVAL,
							  "vmstat: line %u is not 'name value'", line);
			if (rc > 0 && *nr < max) {
				ev->ts_ns = ts_ns;
				(*nr)++;
			}
		}
		p = le + 1;
	}
	return 0;
}

int sysinfo_vmstat_read(const char *root, uint32_t seq, uint64_t ts_ns,
			struct tracefmt_event *out, size_t max, size_t *nr,
			struct bs_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret = sysinfo_file_read(root, "proc/vmstat", &buf, &len, err);

	*nr = 0;
	if (!ret)
		ret = sysinfo_vmstat_parse(buf, len, seq, ts_ns, out, max, nr, err);
	free(buf);
	return ret;
}
