// SPDX-License-Identifier: MIT
/*
 * Colour-blind-safe palettes. Sequential viridis and cividis, and the
 * diverging PuOr, are interpolated linearly in sRGB between evenly spaced
 * anchors taken from their published tables (viridis at 11 and cividis at 10
 * evenly spaced points of the 256-entry matplotlib maps, as R's viridisLite
 * lists them; PuOr is ColorBrewer's 11-class scheme). Migratetypes use the
 * eight colours of Okabe and Ito, which stay distinct under the common
 * colour-vision deficiencies.
 */
#include <math.h>

#include "viz.h"

static const uint32_t viridis[] = { 0x440154, 0x482576, 0x414487, 0x35608d,
				    0x2a788e, 0x21908c, 0x22a884, 0x43bf71,
				    0x7ad151, 0xbbdf27, 0xfde725 };
static const uint32_t cividis[] = { 0x00204d, 0x00336f, 0x39486b, 0x575d6d, 0x707173,
				    0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b, 0xffea46 };
/* Low (orange, "less than base") to high (purple, "more than base"). */
static const uint32_t puor[] = { 0x7f3b08, 0xb35806, 0xe08214, 0xfdb863,
				 0xfee0b6, 0xf7f7f7, 0xd8daeb, 0xb2abd2,
				 0x8073ac, 0x542788, 0x2d004b };
static const uint32_t okabe_ito[] = { 0xd55e00, 0x0072b2, 0x009e73, 0xcc79a7,
				      0xe69f00, 0x000000, 0x56b4e9, 0xf0e442 };

static void unpack(uint32_t c, double rgb[3])
{
	rgb[0] = ((c >> 16) & 0xff) / 255.0;
	rgb[1] = ((c >> 8) & 0xff) / 255.0;
	rgb[2] = (c & 0xff) / 255.0;
}

void viz_palette_rgb(enum viz_palette p, double x, double rgb[3])
{
	const uint32_t *a;
	size_t n, i;
	double a0[3], a1[3], pos, f;

	switch (p) {
	case VIZ_PALETTE_CIVIDIS:
		a = cividis;
		n = sizeof(cividis) / sizeof(cividis[0]);
		break;
	case VIZ_PALETTE_PUOR:
		a = puor;
		n = sizeof(puor) / sizeof(puor[0]);
		break;
	default:
		a = viridis;
		n = sizeof(viridis) / sizeof(viridis[0]);
		break;
	}
	if (!(x > 0))	/* also NaN */
		x = 0;
	if (x > 1)
		x = 1;
	pos = x * (double)(n - 1);
	i = (size_t)pos;
	if (i >= n - 1)
		i = n - 2;
	f = pos - (double)i;
	unpack(a[i], a0);
	unpack(a[i + 1], a1);
	for (int k = 0; k < 3; k++)
		rgb[k] = a0[k] + (a1[k] - a0[k]) * f;
}

void viz_migratetype_rgb(uint32_t mt, double rgb[3])
{
	unpack(okabe_ito[mt % (sizeof(okabe_ito) / sizeof(okabe_ito[0]))], rgb);
}

void viz_order_rgb(uint32_t order, double rgb[3])
{
	/* viridis' last tenth is too pale on white for a line */
	viz_palette_rgb(VIZ_PALETTE_VIRIDIS, 0.9 * (order > 13 ? 13 : order) / 13.0, rgb);
}

double viz_heat_position(double v, double vmax)
{
	if (!(vmax > 0) || !(v > 0))
		return 0;
	if (v >= vmax)
		return 1;
	return log10(1 + v) / log10(1 + vmax);
}
