// SPDX-License-Identifier: MIT
/*
 * One line of `perf script` text (the default fields for a tracepoint
 * recording: comm, tid, cpu, time, event, trace) to a record. The columns
 * before the timestamp are "COMM TID" or "COMM PID/TID", then "[CPU]" when
 * the recording sampled the cpu; COMM may hold spaces and is the command
 * name the driver turns into COMM records. The rest of the line is common to
 * both formats (import.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "import_internal.h"

static enum import_line_kind bad(char *reason, const char *what)
{
	snprintf(reason, IMPORT_REASON_LEN, "%s", what);
	return IMPORT_LINE_BAD;
}

enum import_line_kind import_perf_line(char *line, size_t len, struct tracefmt_event *ev,
				       char *reason, struct import_task *task)
{
	size_t prefix_end;
	unsigned int type;
	char *body;
	uint64_t pid;
	uint32_t cpu = 0;

	(void)len;
	enum import_line_kind kind = import_line_head(line, ev, reason, &prefix_end, &type, &body);
	if (kind != IMPORT_LINE_EVENT)
		return kind;

	/* Right to left: [CPU] then TID or PID/TID, then COMM. */
	size_t e = import_col_end(line, prefix_end), s = import_col_start(line, e);
	if (e - s >= 2 && line[s] == '[') {
		if (!import_parse_cpu(line, s, e, &cpu))
			return bad(reason, "bad [cpu] column");
		e = import_col_end(line, s);
		s = import_col_start(line, e);
	}
	const char *slash = memchr(line + s, '/', e - s);
	size_t tid_at = slash ? (size_t)(slash - line) + 1 : s;
	if (e == s || import_parse_u64(line + tid_at, e - tid_at, &pid) < 0 ||
	    (line[tid_at] == '0' && e - tid_at > 1) || pid > UINT32_MAX)
		return bad(reason, "no pid column");

	if (import_event_body(type, body, ev, reason) < 0)
		return IMPORT_LINE_BAD;
	/* COMM is right-aligned; perf prints ":TID" for a thread it has no name for. */
	size_t cs = 0, ce = import_col_end(line, s);
	uint64_t tid;
	while (cs < ce && isspace((unsigned char)line[cs]))
		cs++;
	task->name = NULL;
	task->len = 0;
	if (cs < ce && !(line[cs] == ':' && ce - cs > 1 &&
			 import_parse_u64(line + cs + 1, ce - cs - 1, &tid) == 0)) {
		task->name = line + cs;
		task->len = ce - cs;
	}
	ev->cpu = cpu;
	ev->pid = (uint32_t)pid;
	return IMPORT_LINE_EVENT;
}
