# SPDX-License-Identifier: MIT
"""The store's blob layout (viz/SCHEMA.md), decoded here on its own so that
the checks of tests/viz do not take their expected numbers from the code
under test: a blob is a run of LEB128 varints, zigzag-coded when signed."""


def varints(blob, n, signed=False, exact=True):
    """The first @n values of @blob; @exact: the blob holds exactly @n."""
    out, v, shift = [], 0, 0
    for b in blob:
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            out.append((v >> 1) ^ -(v & 1) if signed else v)
            v, shift = 0, 0
    if exact:
        assert len(out) == n, (len(out), n)
    else:
        assert len(out) >= n, (len(out), n)
    return out[:n]
