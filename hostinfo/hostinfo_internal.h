/* SPDX-License-Identifier: MIT */
/* Private to hostinfo/: sysinfo.c's text helpers, for sysinfo_dir.c. */
#ifndef BUDDYSCOPE_HOSTINFO_INTERNAL_H
#define BUDDYSCOPE_HOSTINFO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bs_error.h"

/*
 * The sysinfo library's one error setter: @err (may be NULL) gets @where,
 * @code (-errno) and the sentence through bs_error_vformat(); returns @code.
 */
int sysinfo_error_set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* <root>/<rel> without trailing blanks, malloc'd; NULL if it cannot be read. */
char *sysinfo_read_trimmed(const char *root, const char *rel);
/* A whole text that is one integer. */
bool sysinfo_value_i64(const char *s, int64_t *v);
/* Cpus in a list like "0-3,5"; 0 if it does not parse. */
uint32_t sysinfo_count_cpu_list(const char *s);
/* Orders (columns) of /proc/buddyinfo text; 0 if none. */
uint32_t sysinfo_buddyinfo_nr_orders(const char *text);

#endif
