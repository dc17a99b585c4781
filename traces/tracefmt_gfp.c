// SPDX-License-Identifier: MIT
/*
 * The gfp flag name table (tracefmt_gfp.h): the names the kernel's
 * show_gfp_flags() prints, composites first, so that a greedy walk gives the
 * same decomposition as the kernel's trace output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tracefmt_gfp.h"

#define GFP_NAME(n, b) { n, sizeof(n) - 1, b }

static const struct gfp_name {
	const char *name;
	size_t len;
	uint64_t bits;
} gfp_names[] = {
	GFP_NAME("GFP_TRANSHUGE", 0x1c24ca),
	GFP_NAME("GFP_TRANSHUGE_LIGHT", 0x1c20ca),
	GFP_NAME("GFP_HIGHUSER_MOVABLE", 0x100cca),
	GFP_NAME("GFP_HIGHUSER", 0x100cc2),
	GFP_NAME("GFP_USER", 0x100cc0),
	GFP_NAME("GFP_KERNEL_ACCOUNT", 0x400cc0),
	GFP_NAME("GFP_KERNEL", 0xcc0),
	GFP_NAME("GFP_NOFS", 0xc40),
	GFP_NAME("GFP_ATOMIC", 0xa20),
	/* 6.18's GFP_ATOMIC (no __GFP_ATOMIC since 6.4); found second by a lookup */
	GFP_NAME("GFP_ATOMIC", 0x820),
	GFP_NAME("GFP_NOIO", 0xc00),
	GFP_NAME("GFP_NOWAIT", 0x2800),
	GFP_NAME("GFP_DMA", 0x1),
	GFP_NAME("GFP_DMA32", 0x4),
	GFP_NAME("__GFP_RECLAIM", 0xc00),
	GFP_NAME("__GFP_DMA", 0x1),
	GFP_NAME("__GFP_HIGHMEM", 0x2),
	GFP_NAME("__GFP_DMA32", 0x4),
	GFP_NAME("__GFP_MOVABLE", 0x8),
	GFP_NAME("__GFP_RECLAIMABLE", 0x10),
	GFP_NAME("__GFP_HIGH", 0x20),
	GFP_NAME("__GFP_IO", 0x40),
	GFP_NAME("__GFP_FS", 0x80),
	GFP_NAME("__GFP_ZERO", 0x100),
	GFP_NAME("__GFP_ATOMIC", 0x200),
	GFP_NAME("__GFP_DIRECT_RECLAIM", 0x400),
	GFP_NAME("__GFP_KSWAPD_RECLAIM", 0x800),
	GFP_NAME("__GFP_WRITE", 0x1000),
	GFP_NAME("__GFP_NOWARN", 0x2000),
	GFP_NAME("__GFP_RETRY_MAYFAIL", 0x4000),
	GFP_NAME("__GFP_NOFAIL", 0x8000),
	GFP_NAME("__GFP_NORETRY", 0x10000),
	GFP_NAME("__GFP_MEMALLOC", 0x20000),
	GFP_NAME("__GFP_COMP", 0x40000),
	GFP_NAME("__GFP_NOMEMALLOC", 0x80000),
	GFP_NAME("__GFP_HARDWALL", 0x100000),
	GFP_NAME("__GFP_THISNODE", 0x200000),
	GFP_NAME("__GFP_ACCOUNT", 0x400000),
	GFP_NAME("__GFP_ZEROTAGS", 0x800000),
	GFP_NAME("__GFP_NO_OBJ_EXT", 0x1000000),
};

#define NR_GFP_NAMES (sizeof(gfp_names) / sizeof(gfp_names[0]))

int tracefmt_gfp_lookup(const char *name, size_t len, uint64_t *bits)
{
	for (size_t i = 0; i < NR_GFP_NAMES; i++) {
		if (gfp_names[i].len == len && !memcmp(gfp_names[i].name, name, len)) {
			*bits = gfp_names[i].bits;
			return 0;
		}
	}
	return -ENOENT;
}

/* Append text at *pos of buf (cut at len - 1); *pos counts the full length. */
static void gfp_append(char *buf, size_t len, size_t *pos, const char *text)
{
	size_t n = strlen(text);

	if (*pos + 1 < len) {
		size_t room = len - 1 - *pos;

		memcpy(buf + *pos, text, n < room ? n : room);
		buf[*pos + (n < room ? n : room)] = '\0';
	}
	*pos += n;
}

size_t tracefmt_gfp_format(uint64_t gfp, char *buf, size_t len)
{
	size_t pos = 0;
	char hex[24];

	if (len)
		buf[0] = '\0';
	if (!gfp) {
		gfp_append(buf, len, &pos, "none");
		return pos;
	}
	for (size_t i = 0; i < NR_GFP_NAMES && gfp; i++) {
		if ((gfp & gfp_names[i].bits) != gfp_names[i].bits)
			continue;
		if (pos)
			gfp_append(buf, len, &pos, "|");
		gfp_append(buf, len, &pos, gfp_names[i].name);
		gfp &= ~gfp_names[i].bits;
	}
	if (gfp) {
		snprintf(hex, sizeof(hex), "%s%#llx", pos ? "|" : "", (unsigned long long)gfp);
		gfp_append(buf, len, &pos, hex);
	}
	return pos;
}
