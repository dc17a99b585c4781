#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes the hostile seeds of tests/fuzz/corpus/replay: each input encodes, byte by byte
# in the order fuzz_replay.c reads them, a header and records holding one value of issue 16.
# usage: replay_seeds.py tests/fuzz/corpus/replay
import struct, os, sys
out = sys.argv[1]
H = {'0':200,'-1':201,'1':202,'2':203,'9':204,'11':205,'12':206,'14':207,'16':208,'17':209,
     '99':210,'255':211,'2^32-1':212,'2^32+11':213,'2^31-1':214,'2^31':215,'100000':216,
     'INT64_MAX':217,'INT64_MIN':218,'2^52':219}
P = 0  # plausible
def zone(spanned=8192, sp=P, pr=P, ma=P, node=P, start=P, marks=None, pcp=None):
    b = struct.pack('<H', (spanned - 1) % 8192) + bytes([sp, pr, ma, node, start])
    if marks is None: b += b'\0'
    else: b += b'\1' + bytes(marks[:4] + marks[4:9])
    if pcp is None: b += b'\0'
    else: b += b'\1' + bytes(pcp)
    return b
def header(cpus=P, orders=P, pb=P, sys=(P,P,P), z=None, normal=None, release=0):
    b = bytes([0, release, 1, cpus, orders, pb, 0]) + bytes(sys)
    b += z if z is not None else zone()
    b += b'\0' if normal is None else b'\1' + normal
    return b
def ts(k=1): return bytes([k])
def rec_page(op, pfn_off=0, pfn_k=0, order=(0, P), cpu=(0, P), extra=b'', t=1):
    b = bytes([op]) + ts(t) + b'\x07'
    if pfn_k >= 240: b += bytes([pfn_k])
    else: b += bytes([pfn_k]) + struct.pack('<H', pfn_off)
    b += bytes(order) + bytes(cpu) + extra
    return b
def alloc(pfn_off, order=0, none=False, **kw): return rec_page(0, pfn_off, order=(order, P), extra=bytes([0 if none else 200, 2, 1]), **kw)
def free(pfn_off, order=0, **kw): return rec_page(1, pfn_off, order=(order, P), **kw)
def snap_mark(end): return bytes([160]) + ts() + b'\0' + bytes([1 if end else 0])
def snap_block(pfn_off, order=0, order_k=P, pfn_k=0, zone_normal=0):
    b = bytes([161]) + ts() + b'\0'
    b += bytes([pfn_k]) + (struct.pack('<H', pfn_off) if pfn_k < 240 else b'')
    b += bytes([order, order_k, 0, 2, 0, 0, P, zone_normal])
    return b
def ckpt(counts_k=None):
    # seq 0, zone DMA32 (even byte), 11 orders, 5 mt
    b = bytes([163]) + ts() + b'\0' + bytes([0, 0, 11, 5])
    for o in range(11):
        for t in range(5):
            k = P if counts_k is None or (o, t) not in counts_k else counts_k[(o, t)]
            b += bytes([1, k])
    return b
def body():
    return (snap_mark(0) + snap_block(0, 10) + snap_block(1024, 9) + snap_block(2048, 3)
            + snap_mark(1) + ckpt() + alloc(0, 0) + free(0, 0) + alloc(16, 2) + free(16, 2))
seeds = {
  'valid': b'\0' + header() + body(),
  'valid-whatif-max-order-12': b'\x03' + header() + body(),
  'hdr-nr-page-orders-0': b'\0' + header(orders=H['0']) + body(),
  'hdr-nr-page-orders-minus1': b'\0' + header(orders=H['-1']) + body(),
  'hdr-nr-page-orders-2^32+11': b'\0' + header(orders=H['2^32+11']) + body(),
  'hdr-nr-page-orders-0-max-order-10': b'\x01' + header(orders=H['0']) + body(),
  'hdr-nr-page-orders-17': b'\0' + header(orders=H['17']) + body(),
  'hdr-pageblock-order-99': b'\0' + header(pb=H['99']) + body(),
  'hdr-cpus-0': b'\0' + header(cpus=H['0']) + body(),
  'hdr-cpus-100000': b'\0' + header(cpus=H['100000']) + body(),
  'hdr-spanned-minus1': b'\0' + header(z=zone(sp=H['-1'])) + body(),
  'hdr-spanned-2^31': b'\0' + header(z=zone(sp=H['2^31'])) + body(),
  'hdr-start-pfn-2^52': b'\0' + header(z=zone(start=H['2^52'])) + body(),
  'hdr-present-over-spanned': b'\0' + header(z=zone(pr=H['100000'])) + body(),
  'hdr-managed-minus1': b'\0' + header(z=zone(ma=H['-1'])) + body(),
  'hdr-wmark-min-minus1': b'\0' + header(z=zone(marks=[H['-1'], P, P, P, P, P, P, P, P])) + body(),
  'hdr-wmark-high-int64-max': b'\0' + header(z=zone(marks=[P, P, H['INT64_MAX'], P, P, P, P, P, P])) + body(),
  'hdr-protection-int64-max': b'\0' + header(z=zone(marks=[P, P, P, P, P, H['INT64_MAX'], P, P, P])) + body(),
  'hdr-protection-2^31-1': b'\0' + header(z=zone(marks=[P, P, P, P, P, H['2^31-1'], P, P, P])) + body(),
  'hdr-pcp-batch-2^31-1': b'\0' + header(z=zone(pcp=[0, H['2^31-1'], 0, H['2^31-1']])) + body(),
  'hdr-sysctl-scale-minus1': b'\0' + header(sys=(P, H['-1'], P)) + body(),
  'rec-cpu-0xffffffff': b'\0' + header() + body() + alloc(32, 0, cpu=(0, 224)),
  'rec-cpu-2000000': b'\0' + header() + body() + free(0, 0, cpu=(0, 225)),
  'rec-order-99': b'\1' + header() + body() + rec_page(0, 0, order=(0, 226), extra=bytes([200, 2, 1])),
  'rec-order-255-free': b'\1' + header() + body() + rec_page(1, 0, order=(0, 228)),
  'rec-free-pfn-minus1': b'\1' + header() + body() + free(0, 0, pfn_k=240),
  'rec-free-pfn-2^64-2': b'\1' + header() + body() + free(0, 0, pfn_k=242),
  'rec-drain-pfn-2^52-1-order-1': b'\0' + header() + body() + rec_page(4, 0, pfn_k=244, order=(1, P), extra=b'\0'),
  'rec-checkpoint-2^31-and-2^32-1': b'\0' + header() + ckpt({(0, 1): 231, (3, 1): 224, (10, 1): 224}) + alloc(0, 0),
  'rec-snapshot-pfn-0xfffffffffffffffe': b'\0' + header() + snap_mark(0) + snap_block(0, 0, pfn_k=242) + snap_mark(1) + alloc(0, 0),
  'rec-snapshot-order-2^32-1': b'\0' + header() + snap_mark(0) + snap_block(0, 0, order_k=224) + snap_mark(1) + alloc(0, 0),
  'rec-timestamps-near-2^63': b'\1' + header() + body() + alloc(64, 0, t=252) + free(64, 0, t=253) + alloc(80, 0, t=254) + free(80, 0, t=255),
}
for k, v in seeds.items():
    open(os.path.join(out, k), 'wb').write(v)
print(len(seeds))
