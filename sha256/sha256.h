/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) over a stream of bytes: init, update with the bytes
 * in order (any split gives the same digest), final. libc only; on x86-64
 * CPUs with the SHA extensions (sha_ni) the block function uses them,
 * otherwise a portable one; both give the same digest.
 *
 * The state is plain data the caller owns (no allocation), so a reader can
 * keep one inside its own handle.
 */
#ifndef BUDDYSCOPE_SHA256_H
#define BUDDYSCOPE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256_ctx {
	uint32_t h[8];	   /* chaining value */
	uint64_t bytes;	   /* message length so far */
	uint8_t buf[64];   /* a partial block */
	uint32_t buf_len;  /* bytes in buf */
};

/* sha256_init() - start a new message. */
void sha256_init(struct sha256_ctx *c);

/* sha256_update() - append @len bytes of @data to the message. */
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);

/* sha256_final() - pad, write the digest; @c must be initialised again before reuse. */
void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_LEN]);

/* sha256_hex() - @digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN + 1]);

/* sha256_buffer_hex() - the digest of one buffer, as hex. */
void sha256_buffer_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

/* Internal, for tests: 1 when the SHA extensions are used, 0 for the portable code;
 * sha256_force_portable(1) makes every later update use the portable code. */
int sha256_uses_shani(void);
void sha256_force_portable(int on);

#endif
