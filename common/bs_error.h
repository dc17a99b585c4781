/* SPDX-License-Identifier: MIT */
/*
 * The one error detail every buddyscope library fills (jansson's
 * json_error_t): a function returns 0 or -errno, and when its caller passed
 * a struct bs_error it also gets a sentence naming the file and what is
 * wrong. Each module has one setter (tracefmt_error_set(), capture_error_set(),
 * replay_err_set(), viz_err_set(), ...) and every setter formats through
 * bs_error_vformat(), so the shape of a message, the truncation of a long
 * path and the NULL-@err case are handled in one place.
 *
 * Where a failure is (file and offset) is passed as a struct bs_where, never
 * as a bare integer beside the errno: a call with the two swapped does not
 * compile (tests/common/swapped_args.c checks that it does not).
 *
 * libc only; no allocation, no printing.
 */
#ifndef BUDDYSCOPE_BS_ERROR_H
#define BUDDYSCOPE_BS_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#define BS_ERROR_TEXT_LEN 320

/* Where and why an operation failed. */
struct bs_error {
	uint64_t offset;	/* byte offset in the file (or line number, see text); 0 if none */
	int code;		/* -errno; 0 where the module's setter takes none */
	char text[BS_ERROR_TEXT_LEN]; /* a sentence naming the file and what is wrong */
};

/*
 * Where a failure is: the file (NULL when the sentence names it itself or
 * there is none) and the offset in it (byte or line, as the sentence says).
 */
struct bs_where {
	const char *path;
	uint64_t offset;
};

/* No file, no offset: the sentence says everything. */
#define BS_NOWHERE ((struct bs_where){ .path = NULL, .offset = 0 })
/* In file @p, at no particular offset. */
#define BS_IN(p) ((struct bs_where){ .path = (p), .offset = 0 })
/* In file @p (may be NULL) at offset @off. */
#define BS_AT(p, off) ((struct bs_where){ .path = (p), .offset = (off) })

/**
 * bs_error_vformat() - fill @err (may be NULL) with @where.offset, @code and
 * the sentence "PATH: REASON" (just "REASON" when @where.path is NULL),
 * REASON being @fmt formatted with @ap. A path too long for the message
 * keeps its end ("...dir/trace.txt") so that the reason is never cut off.
 * Returns @code, so a setter can `return bs_error_vformat(...)`.
 */
int bs_error_vformat(struct bs_error *err, struct bs_where where, int code, const char *fmt,
		     va_list ap) __attribute__((format(printf, 4, 0)));

#endif
