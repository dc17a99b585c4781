/* SPDX-License-Identifier: MIT */
/* Private to buddyscope::capture: what its files share (capture.c, recorder_loop.c). */
#ifndef BUDDYSCOPE_CAPTURE_INTERNAL_H
#define BUDDYSCOPE_CAPTURE_INTERNAL_H

#include "tracefmt.h"

/* Fill @err (may be NULL): @code and the text; returns @code. */
int capture_set_err(struct tracefmt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* BUDDYSCOPE_CAPTURE_INTERNAL_H */
