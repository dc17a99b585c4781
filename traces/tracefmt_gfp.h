/* SPDX-License-Identifier: MIT */
/*
 * gfp flag names as the kernel prints them (include/trace/events/mmflags.h,
 * show_gfp_flags()): one table shared by the text importers (names to bits)
 * and the reports (bits to names). Built as its own libc-only library,
 * buddyscope::gfp, so viz can name flags without linking the trace reader.
 *
 * Bit values are those of x86-64 6.1 and 6.18 (gfp_types.h), where they
 * agree. Where a composite changed between the two kernels the parser takes
 * the union of both definitions (GFP_ATOMIC keeps 6.1's __GFP_ATOMIC 0x200,
 * GFP_NOWAIT 6.18's __GFP_NOWARN); the formatter also knows 6.18's GFP_ATOMIC
 * (0x820) so a 6.18 trace reads as its kernel would print it. traces/IMPORT.md
 * explains the choice.
 */
#ifndef BUDDYSCOPE_TRACEFMT_GFP_H
#define BUDDYSCOPE_TRACEFMT_GFP_H

#include <stddef.h>
#include <stdint.h>

/**
 * tracefmt_gfp_lookup() - the bits of one flag name
 * @name: "GFP_KERNEL", "__GFP_ZERO", ... (not NUL-terminated)
 * @len: its length
 * @bits: receives the bits
 *
 * Return: 0, or -ENOENT for a name the kernel does not print.
 */
int tracefmt_gfp_lookup(const char *name, size_t len, uint64_t *bits);

/**
 * tracefmt_gfp_format() - gfp bits as the kernel's trace output names them
 * @gfp: the bits
 * @buf: receives "GFP_KERNEL|__GFP_ZERO", "none" for 0, and any bits no name
 *       covers as a trailing hex value ("GFP_KERNEL|0x4000000")
 * @len: size of @buf (the text is cut, NUL-terminated, when it is short)
 *
 * Names are taken greedily in the kernel's order, composites first: each
 * name whose bits are all still set is printed and its bits removed.
 *
 * Return: the length the whole text needs (as snprintf).
 */
size_t tracefmt_gfp_format(uint64_t gfp, char *buf, size_t len);

#endif
