#!/bin/sh
# SPDX-License-Identifier: MIT
# A full disk and a read-only store, on a small tmpfs this test mounts and
# unmounts: import, export and report say "No space left on device" with the
# file's name and leave no file behind; a full or read-only store is named
# with its real errno; report renders from a read-only store into another
# directory. Skips (77) where mount is not permitted.
# usage: test_full_disk.sh BUDDYSCOPE SAMPLES_DIR WORKDIR
set -u
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work/mnt" || exit 1
. "$(dirname "$0")/lib.sh"
if ! mount -t tmpfs -o size=1m,mode=0755 buddyscope-test "$work/mnt" 2>"$work/err"; then
	echo "skip: cannot mount a tmpfs here: $(cat "$work/err")"
	exit 77
fi
trap 'umount "$work/mnt" 2>/dev/null' EXIT INT TERM
make_tiny_trace
"$bs" replay "$work/tiny.bst" --db "$work/runs.db" >/dev/null 2>&1 || bad "replay into runs.db"
small="$work/mnt"
# Fill all but a few KiB: every output below is larger than what is left.
fill() { rm -f "$small/fill"; head -c 2m /dev/zero >"$small/fill" 2>/dev/null; :; }
no_leftover() { # no file of that name, no temporary, nothing empty
	[ ! -e "$1" ] && [ -z "$(find "$small" -name '*.tmp' -o -empty -type f | grep -v '/fill$')" ]
}

fill
expect 1 "mnt/x.bst: .*No space left on device" \
	"$bs" import --from ftrace "$work/tiny.txt" -o "$small/x.bst" -q
check "import on a full disk left no file" no_leftover "$small/x.bst"
expect 1 "mnt/x.csv: No space left on device" \
	"$bs" export --db "$work/runs.db" --format csv -o "$small/x.csv"
check "export on a full disk left no file" no_leftover "$small/x.csv"
expect 1 "mnt/x.json: No space left on device" \
	"$bs" export --db "$work/runs.db" --format json -o "$small/x.json"
check "export json on a full disk left no file" no_leftover "$small/x.json"
expect 1 "mnt/rep/[a-z0-9-]+\.png: cannot render: No space left on device" \
	"$bs" report --db "$work/runs.db" -o "$small/rep"
check "report on a full disk left no file" sh -c "[ -z \"\$(ls -A '$small/rep')\" ]"
for f in "$work/err"; do
	grep -q "Input/output error" "$f" && bad "EIO reported for a full disk"
done

# A store that fills up: the store is named, with ENOSPC as it is.
rm -rf "$small"/*
"$bs" replay "$work/tiny.bst" --db "$small/full.db" >/dev/null 2>&1 || bad "replay into full.db"
fill
expect 1 "mnt/full.db: .*(No space left on device)" \
	"$bs" replay "$work/tiny.bst" --db "$small/full.db"
grep -q "Input/output error" "$work/err" && bad "a full store reported as EIO"

# A read-only store: named, EROFS; report renders it elsewhere; export reads it.
rm -rf "$small"/*
cp "$work/runs.db" "$small/ro.db"
if mount -o remount,ro "$small" 2>/dev/null; then
	expect 1 "mnt/ro.db: cannot write the run store: Read-only file system" \
		"$bs" replay "$work/tiny.bst" --db "$small/ro.db"
	expect 0 "ro.db: cannot write the run store: Read-only file system; the files are rendered" \
		"$bs" report --db "$small/ro.db" -o "$work/rep-from-ro"
	check "report from a read-only store wrote index.html" [ -s "$work/rep-from-ro/index.html" ]
	expect 0 "" "$bs" export --db "$small/ro.db" --format csv -o "$work/from-ro.csv"
	check "export from a read-only store" [ -s "$work/from-ro.csv" ]
else
	echo "note: cannot remount read-only: the read-only store cases are not run"
fi
finish
