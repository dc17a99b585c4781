// SPDX-License-Identifier: MIT
/*
 * SHA-256: the FIPS 180-4 example digests (NIST's "SHA256.pdf" examples and
 * the one-million-'a' message), for both block functions (the SHA-extension
 * one runs only where the CPU has it), and that any split of a message into
 * updates gives the one-shot digest.
 */
#include <stdbool.h>

#include "harness.h"
#include "sha256.h"

static const struct {
	const char *msg;
	const char *hex;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
	  "nopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void check_vectors(void)
{
	static char million[1000000];
	char hex[65];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		sha256_buffer_hex(vectors[i].msg, strlen(vectors[i].msg), hex);
		CHECK(!strcmp(hex, vectors[i].hex));
	}
	memset(million, 'a', sizeof(million));
	sha256_buffer_hex(million, sizeof(million), hex);
	CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

/* Lengths around the block and padding edges, split at every 7th byte and at random. */
static void check_splits(void)
{
	static uint8_t data[1000];
	uint64_t x = 88172645463325252ull;
	int bad = 0;

	for (size_t i = 0; i < sizeof(data); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[i] = (uint8_t)x;
	}
	for (size_t len = 0; len <= 300; len++) {
		struct sha256_ctx c;
		uint8_t d[32];
		char one[65], parts[65];

		sha256_buffer_hex(data, len, one);
		sha256_init(&c);
		for (size_t off = 0; off < len;) {
			size_t n = 1 + (off * 7 + len) % 70;

			if (n > len - off)
				n = len - off;
			sha256_update(&c, data + off, n);
			off += n;
		}
		sha256_final(&c, d);
		sha256_hex(d, parts);
		bad += strcmp(one, parts) != 0;
	}
	CHECK_EQ_U64(bad, 0);
}

int main(void)
{
	bool shani = sha256_uses_shani();

	printf("SHA extensions: %s\n", shani ? "used" : "not on this CPU");
	check_vectors();
	check_splits();
	sha256_force_portable(1);
	CHECK(!sha256_uses_shani());
	check_vectors();
	check_splits();
	return TEST_REPORT();
}
