/* SPDX-License-Identifier: MIT */
/*
 * The shared error formatter: the sentence's shape, a long path shortened
 * from its start so the reason survives, a long reason cut at the buffer,
 * and a NULL detail that still returns the code.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "bs_error.h"
#include "harness.h"

static int set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = bs_error_vformat(err, where, code, fmt, ap);
	va_end(ap);
	return code;
}

static void test_shape(void)
{
	struct bs_error e = { 0 };

	CHECK(set(&e, BS_AT("t.bsc", 4096), -EPROTO, "block %d: bad magic", 3) == -EPROTO);
	CHECK(!strcmp(e.text, "t.bsc: block 3: bad magic"));
	CHECK_EQ_U64(e.offset, 4096);
	CHECK(e.code == -EPROTO);

	CHECK(set(&e, BS_NOWHERE, -EINVAL, "--order %s: not a number", "x") == -EINVAL);
	CHECK(!strcmp(e.text, "--order x: not a number"));
	CHECK_EQ_U64(e.offset, 0);

	set(&e, BS_IN("dir/f"), -ENOENT, "cannot open");
	CHECK(!strcmp(e.text, "dir/f: cannot open"));
}

static void test_null_err(void)
{
	CHECK(set(NULL, BS_AT("x", 1), -EIO, "lost") == -EIO);
}

static void test_long_path_keeps_reason(void)
{
	struct bs_error e;
	char path[1000];
	const char *reason = "line 7: field 'order' is 99, above 10";

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memcpy(path + sizeof(path) - 10, "trace.txt", 9);
	set(&e, BS_AT(path, 7), -EINVAL, "%s", reason);
	CHECK(strlen(e.text) == sizeof(e.text) - 1);
	CHECK(!strncmp(e.text, "...ppp", 6));
	CHECK_STR_CONTAINS(e.text, "trace.txt: line 7");
	/* the whole reason, at the end */
	CHECK(!strcmp(e.text + strlen(e.text) - strlen(reason), reason));
}

static void test_long_reason_cut(void)
{
	struct bs_error e;
	char reason[600];

	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	set(&e, BS_IN("f"), -E2BIG, "%s", reason);
	CHECK(strlen(e.text) == BS_ERROR_TEXT_LEN - 1);
	CHECK(!strncmp(e.text, "f: rrr", 6));
}

int main(void)
{
	test_shape();
	test_null_err();
	test_long_path_keeps_reason();
	test_long_reason_cut();
	return TEST_REPORT();
}
