/* SPDX-License-Identifier: MIT */
/*
 * Compiled, never run: with SWAPPED defined, the errno and the position of
 * two error setters (traces', and sysinfo's whose order used to be the
 * other way round) are given in the wrong order, and the compiler must
 * refuse it (common_error_args_swapped); without, the same calls in order
 * compile (common_error_args_in_order), so the refusal is the order's.
 */
#include <errno.h>

#include "hostinfo_internal.h"
#include "tracefmt.h"

int in_order_or_swapped(struct bs_error *err, unsigned long long off);

int in_order_or_swapped(struct bs_error *err, unsigned long long off)
{
#ifdef SWAPPED
	sysinfo_error_set(err, -EINVAL, BS_AT(NULL, off), "zoneinfo: bad line");
	return tracefmt_error_set(err, -EINVAL, BS_AT("t.bst", off), "bad block");
#else
	sysinfo_error_set(err, BS_AT(NULL, off), -EINVAL, "zoneinfo: bad line");
	return tracefmt_error_set(err, BS_AT("t.bst", off), -EINVAL, "bad block");
#endif
}
