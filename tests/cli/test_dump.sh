#!/bin/sh
# SPDX-License-Identifier: MIT
# buddyscope dump: the records of a trace imported from known ftrace text come
# back with the text's values (pfn, order, migratetype, cpu, pid, time, comm);
# JSON lines parse; per-type counts equal info's; --type filters; -o writes the
# same bytes as standard output; bad input is refused with the file named.
# usage: test_dump.sh BUDDYSCOPE SAMPLES WORKDIR
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
make_tiny_trace

# The text's kmem lines, parsed here, against dump's JSON of the imported trace.
check "dump --json" sh -c '"$1" dump --json "$2" >"$3"' sh "$bs" "$work/tiny.bst" "$work/dump.jsonl"
check "the dump matches the ftrace text" python3 - "$work/tiny.txt" "$work/dump.jsonl" <<'PY'
import json, re, sys
line_re = re.compile(r'^\s*(.+)-(\d+)\s+\[(\d+)\]\s+\S+\s+(\d+)\.(\d+): (mm_page_alloc|mm_page_free): (.*)$')
want = []
for l in open(sys.argv[1]):
    m = line_re.match(l)
    if not m:
        continue
    f = dict(kv.split('=', 1) for kv in m.group(7).split() if '=' in kv)
    rec = {'type': m.group(6), 'cpu': int(m.group(3)), 'pid': int(m.group(2)),
           'ts_us': int(m.group(4)) * 1000000 + int(m.group(5)),
           'pfn': int(f['pfn'], 16), 'order': int(f['order'])}
    if m.group(6) == 'mm_page_alloc':
        rec['migratetype'] = int(f['migratetype'])
    want.append(rec)
got, comms = [], {}
for l in open(sys.argv[2]):
    r = json.loads(l)
    if r['type'] == 'comm':
        comms[r['pid']] = r['comm']
    if r['type'] not in ('mm_page_alloc', 'mm_page_free'):
        continue
    rec = {k: r[k] for k in ('type', 'cpu', 'pid', 'pfn', 'order')}
    rec['ts_us'] = r['ts_ns'] // 1000
    if r['type'] == 'mm_page_alloc':
        rec['migratetype'] = r['migratetype']
    got.append(rec)
assert len(want) > 1000, len(want)
assert got == want, next((w, g) for w, g in zip(want, got) if w != g) if len(got) == len(want) else (len(got), len(want))
assert comms.get(24078) == 'mkdir', comms.get(24078)
print(len(want), "alloc/free records match the text")
PY

# Counts per type against info's, and the text form has one line per record.
"$bs" info --json "$work/tiny.bst" >"$work/info.json" 2>/dev/null
"$bs" dump "$work/tiny.bst" >"$work/dump.txt"
check "counts per type equal info's" python3 - "$work/info.json" "$work/dump.jsonl" "$work/dump.txt" <<'PY'
import collections, json, sys
info = json.load(open(sys.argv[1]))
want = {k: v for k, v in info['records_by_type'].items() if v}
got = collections.Counter(json.loads(l)['type'] for l in open(sys.argv[2]))
assert dict(got) == want, (dict(got), want)
text = collections.Counter(l.split()[3].rstrip(':') for l in open(sys.argv[3]))
assert dict(text) == want, (dict(text), want)
PY

# --type, repeated and comma-separated
"$bs" dump --type comm --type mm_page_free,lost "$work/tiny.bst" >"$work/some.txt"
check "--type keeps only those types" sh -c \
	'[ -s "$1" ] && ! grep -v -E " (comm|mm_page_free|lost):" "$1"' sh "$work/some.txt"
# -o and --output write exactly what standard output gets
expect 0 "wrote [0-9]+ records to" "$bs" dump --json -o "$work/o.jsonl" "$work/tiny.bst"
check "-o equals stdout" cmp -s "$work/o.jsonl" "$work/dump.jsonl"

# refusals
expect 2 "--type 'nonsense' is not a record type" "$bs" dump --type nonsense "$work/tiny.bst"
expect 2 "expected exactly one trace file" "$bs" dump
expect 1 "$work/missing.bst" "$bs" dump "$work/missing.bst"
printf 'not a trace\n' >"$work/text.bst"
expect 1 "$work/text.bst" "$bs" dump "$work/text.bst"
# a cut trace: the records before the cut, and a warning naming the file
head -c $(($(stat -c %s "$work/tiny.bst") - 200)) "$work/tiny.bst" >"$work/cut.bst"
expect 0 "cut.bst: truncated" "$bs" dump "$work/cut.bst"
finish
