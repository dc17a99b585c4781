// SPDX-License-Identifier: MIT
/*
 * One line of ftrace text — /sys/kernel/tracing/trace, trace_pipe, or
 * `trace-cmd report` — to a record. The columns before the timestamp are
 * "TASK-PID", an optional "(TGID)" (the record-tgid option), "[CPU]" and
 * an optional irq-info column ("d..1."); TASK may itself hold spaces and
 * dashes, so the pid is what follows the last dash; TASK is the command
 * name the driver turns into COMM records. The rest of the line is common
 * to both formats (import.c).
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

/*
 * TASK is line[0..@dash), right-aligned in its column; a `trace-cmd report`
 * of an instance puts "INSTANCE:" first, at the very start of the line,
 * where a task column always begins with padding. "<...>" is ftrace's "not
 * in the comm cache".
 */
static void task_name(const char *line, size_t dash, struct import_task *task)
{
	size_t s = 0;

	if (!isspace((unsigned char)line[0])) {
		size_t e = 0;
		while (e < dash && !isspace((unsigned char)line[e]))
			e++;
		if (e < dash && e > 1 && line[e - 1] == ':')
			s = e;
	}
	while (s < dash && isspace((unsigned char)line[s]))
		s++;
	task->name = NULL;
	task->len = 0;
	if (s == dash || (dash - s == 5 && !memcmp(line + s, "<...>", 5)))
		return;
	task->name = line + s;
	task->len = dash - s;
}

enum import_line_kind import_ftrace_line(char *line, size_t len, struct tracefmt_event *ev,
					 char *reason, struct import_task *task)
{
	size_t prefix_end;
	unsigned int type;
	char *body;

	(void)len;
	enum import_line_kind kind = import_line_head(line, ev, reason, &prefix_end, &type, &body);
	if (kind != IMPORT_LINE_EVENT)
		return kind;

	/* Right to left: [irq-info] [CPU] [(TGID)] TASK-PID */
	size_t e = import_col_end(line, prefix_end), s = import_col_start(line, e);
	uint32_t cpu;
	if (e == 0)
		return bad(reason, "no task and cpu columns before the timestamp");
	if (!import_parse_cpu(line, s, e, &cpu)) {
		e = import_col_end(line, s);
		s = import_col_start(line, e);
		if (!import_parse_cpu(line, s, e, &cpu))
			return bad(reason, "no [cpu] column");
	}
	e = import_col_end(line, s);
	if (e > 0 && line[e - 1] == ')') {
		while (e > 0 && line[e - 1] != '(')
			e--;
		if (e == 0)
			return bad(reason, "unbalanced (tgid) column");
		e = import_col_end(line, e - 1);
	}
	s = e;
	while (s > 0 && isdigit((unsigned char)line[s - 1]))
		s--;
	uint64_t pid;
	if (s == e || s == 0 || line[s - 1] != '-' ||
	    import_parse_u64(line + s, e - s, &pid) < 0 || pid > UINT32_MAX)
		return bad(reason, "no TASK-PID column");

	if (import_event_body(type, body, ev, reason) < 0)
		return IMPORT_LINE_BAD;
	task_name(line, s - 1, task);
	ev->cpu = cpu;
	ev->pid = (uint32_t)pid;
	return IMPORT_LINE_EVENT;
}
