// SPDX-License-Identifier: MIT
/*
 * SHA-256 of an in-memory buffer, for the checksums of the files a report
 * writes: the shared implementation (sha256/) as viz's hex helper.
 */
#include "sha256.h"
#include "viz.h"

void viz_sha256_hex(const void *data, size_t len, char hex[65])
{
	sha256_buffer_hex(data, len, hex);
}
