/* SPDX-License-Identifier: MIT */
/*
 * The shared formatter behind every module's error setter (bs_error.h).
 */
#include <stdio.h>
#include <string.h>

#include "bs_error.h"

/* A path shortened below this keeps too little to be recognised. */
#define BS_PATH_MIN 16

/* Writes "[...]PATH: " into @out (@size bytes) leaving @reason_len bytes for the reason. */
static void put_path(char *out, size_t size, const char *path, size_t reason_len)
{
	size_t len = strlen(path);
	size_t room = size > reason_len + 3 ? size - reason_len - 3 : 0;
	const char *dots = "";

	if (room < BS_PATH_MIN)
		room = BS_PATH_MIN;
	if (len > room) {
		path += len - (room - 3);
		dots = "...";
	}
	snprintf(out, size, "%s%s: ", dots, path);
}

int bs_error_vformat(struct bs_error *err, struct bs_where where, int code, const char *fmt,
		     va_list ap)
{
	char reason[BS_ERROR_TEXT_LEN];
	int n;
	size_t reason_len, used;

	if (!err)
		return code;
	err->offset = where.offset;
	err->code = code;
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	reason_len = n < 0 ? 0 : (size_t)n < sizeof(reason) ? (size_t)n : sizeof(reason) - 1;
	if (n < 0)
		reason[0] = '\0';
	err->text[0] = '\0';
	if (where.path)
		put_path(err->text, sizeof(err->text), where.path, reason_len);
	used = strlen(err->text);
	/* A reason that does not fit loses its end, marked by the NUL alone. */
	memcpy(err->text + used, reason, reason_len < sizeof(err->text) - used ?
	       reason_len + 1 : sizeof(err->text) - used);
	err->text[sizeof(err->text) - 1] = '\0';
	return code;
}
