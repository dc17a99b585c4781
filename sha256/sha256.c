// SPDX-License-Identifier: MIT
/*
 * SHA-256 (FIPS 180-4), written from the standard's description. The
 * portable block function follows §6.2.2 step by step; the SHA-extension one
 * does the same rounds four at a time with the instructions made for them
 * (sha256rnds2 two rounds, sha256msg1/msg2 the message schedule), about five
 * times faster, so hashing a trace while it is read costs little beside
 * decoding it.
 */
#include <string.h>

#include "sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI_CODE 1
#endif

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void blocks_portable(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	for (; nblocks; nblocks--, p += 64) {
		uint32_t w[64], a, b, c, d, e, f, g, hh;

		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
				      ((e & f) ^ (~e & g)) + k256[i] + w[i];
			uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
				      ((a & b) ^ (a & c) ^ (b & c));

			hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d;
		h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
	}
}

#ifdef HAVE_SHANI_CODE
/*
 * The SHA extensions keep the eight working variables as two vectors, ABEF
 * and CDGH (a in the top lane). Each group of four rounds takes four message
 * words w[4i..4i+3] plus their constants; sha256rnds2 does two rounds with
 * the low two lanes, so the group shuffles the high two down for the next
 * two. From group 4 on the words come from the schedule
 * w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16]: msg1 adds the s0 and
 * w[t-16] terms, the w[t-7] words are the middle of the two previous
 * groups, and msg2 adds the s1 terms (which depend on the words just made).
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_shani(uint32_t h[8],
								      const uint8_t *p,
								      size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	__m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

	for (; nblocks; nblocks--, p += 64) {
		__m128i abef_in = abef, cdgh_in = cdgh, w[4];

		for (int i = 0; i < 16; i++) {
			__m128i msg;

			if (i < 4) {
				w[i] = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
					bswap);
			} else {
				__m128i t = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);

				t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
				w[i & 3] = _mm_sha256msg2_epu32(t, w[(i + 3) & 3]);
			}
			msg = _mm_add_epi32(w[i & 3],
					    _mm_loadu_si128((const __m128i *)(const void *)&k256[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			/* after two rounds the old ABEF is the CDGH: the names hold again after four */
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)(void *)&h[0], _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)(void *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

static int shani = -1;	  /* -1 not probed yet */
static int forced_portable;

int sha256_uses_shani(void)
{
#ifdef HAVE_SHANI_CODE
	int v = __atomic_load_n(&shani, __ATOMIC_RELAXED);

	if (v < 0) {
		/* cpuid directly: clang 14 (the fuzz build) knows no "sha" feature name */
		unsigned int a, b, c, d;

		v = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3) &&
		    __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
		__atomic_store_n(&shani, v, __ATOMIC_RELAXED);
	}
	return v && !__atomic_load_n(&forced_portable, __ATOMIC_RELAXED);
#else
	return 0;
#endif
}

void sha256_force_portable(int on)
{
	__atomic_store_n(&forced_portable, on ? 1 : 0, __ATOMIC_RELAXED);
}

static void blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
#ifdef HAVE_SHANI_CODE
	if (sha256_uses_shani()) {
		blocks_shani(h, p, nblocks);
		return;
	}
#endif
	blocks_portable(h, p, nblocks);
}

void sha256_init(struct sha256_ctx *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
	c->buf_len = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->bytes += len;
	if (c->buf_len) {
		size_t take = 64 - c->buf_len < len ? 64 - c->buf_len : len;

		memcpy(c->buf + c->buf_len, p, take);
		c->buf_len += (uint32_t)take;
		p += take;
		len -= take;
		if (c->buf_len < 64)
			return;
		blocks(c->h, c->buf, 1);
		c->buf_len = 0;
	}
	if (len >= 64) {
		blocks(c->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(c->buf, p, len);
	c->buf_len = (uint32_t)len;
}

void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_LEN])
{
	uint64_t bits = c->bytes * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = c->buf_len < 56 ? 56 - c->buf_len : 120 - c->buf_len;

	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(c, pad, padlen + 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			digest[4 * i + j] = (uint8_t)(c->h[i] >> (24 - 8 * j));
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

void sha256_buffer_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_LEN];

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, d);
	sha256_hex(d, hex);
}
