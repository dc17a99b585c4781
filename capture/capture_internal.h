/* SPDX-License-Identifier: MIT */
/* Private to buddyscope::capture: what its files share (capture.c, recorder_loop.c). */
#ifndef BUDDYSCOPE_CAPTURE_INTERNAL_H
#define BUDDYSCOPE_CAPTURE_INTERNAL_H

#include "tracefmt.h"

/*
 * The capture library's one error setter: @err (may be NULL) gets @where,
 * @code (-errno) and the sentence through bs_error_vformat(); returns @code.
 */
int capture_error_set(struct bs_error *err, struct bs_where where, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* BUDDYSCOPE_CAPTURE_INTERNAL_H */
