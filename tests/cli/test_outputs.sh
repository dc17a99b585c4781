#!/bin/sh
# SPDX-License-Identifier: MIT
# Outputs are never clobbered, never half-written, never written through a
# symlink; new run stores appear atomically. (Issue 16, "faults".) The disk-full
# and read-only cases are in test_full_disk.sh: they need a mount.
# usage: test_outputs.sh BUDDYSCOPE SAMPLES_DIR WORKDIR
set -u
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
make_tiny_trace

# ---- a failed import leaves an existing output exactly as it was -----------
cp "$work/tiny.bst" "$work/keep.bst"
head -c 20000 /dev/urandom >"$work/garbage.txt"
expect 1 "garbage.txt: no kmem page event.*keep.bst not written" \
	"$bs" import --from ftrace "$work/garbage.txt" -o "$work/keep.bst"
check "failed import (no event) kept the old output" cmp -s "$work/tiny.bst" "$work/keep.bst"
sed '7s/order=[0-9]*/order=x/' "$work/tiny.txt" >"$work/bad.txt"
expect 1 "1 kmem page lines could not be parsed.*keep.bst not written" \
	"$bs" import --from ftrace "$work/bad.txt" -o "$work/keep.bst"
check "failed import (bad line) kept the old output" cmp -s "$work/tiny.bst" "$work/keep.bst"
expect 1 "missing.txt" "$bs" import --from ftrace "$work/missing.txt" -o "$work/keep.bst"
check "failed import (no input) kept the old output" cmp -s "$work/tiny.bst" "$work/keep.bst"
check "no temporary left behind" [ -z "$(ls -A "$work" | grep '\.tmp$')" ]
expect 0 "" "$bs" import --from ftrace "$work/bad.txt" -o "$work/keep.bst" --max-bad 1 -q
check "a successful import replaced it" sh -c "! cmp -s '$work/tiny.bst' '$work/keep.bst'"

# ---- symlinks planted in a world-writable directory are never followed -----
mkdir -m 1777 "$work/pub"
printf 'secret\n' >"$work/secret" && chmod 600 "$work/secret"
plant() { ln -s "$work/secret" "$work/pub/$1" && chown -h nobody "$work/pub/$1" 2>/dev/null; :; }
untouched() { [ "$(cat "$work/secret")" = secret ] && [ ! -L "$work/pub/$1" ]; }
plant import.bst
expect 0 "" "$bs" import --from ftrace "$work/tiny.txt" -o "$work/pub/import.bst" -q
check "import -o SYMLINK: the target is intact, the link replaced" untouched import.bst
check "the import is a complete trace" sh -c "'$bs' info '$work/pub/import.bst' | grep -q complete"
"$bs" replay "$work/tiny.bst" --db "$work/runs.db" >/dev/null 2>&1 ||
	bad "replay into a new store"
plant export.csv
expect 0 "" "$bs" export --db "$work/runs.db" --format csv -o "$work/pub/export.csv"
check "export -o SYMLINK: the target is intact" untouched export.csv
mkdir -m 1777 "$work/pub/rep" && ln -s "$work/secret" "$work/pub/rep/index.html"
expect 0 "" "$bs" report --db "$work/runs.db" -o "$work/pub/rep"
check "report -o DIR with DIR/index.html a symlink: the target is intact" \
	untouched rep/index.html
# -o DIR itself planted by another user in a sticky world-writable directory
if id nobody >/dev/null 2>&1; then
	mkdir "$work/private"
	ln -s "$work/private" "$work/pub/repdir" && chown -h nobody "$work/pub/repdir"
	expect 1 "pub/repdir: a symlink another user made in a world-writable directory" \
		"$bs" report --db "$work/runs.db" -o "$work/pub/repdir"
	check "nothing written through a planted -o DIR" [ -z "$(ls -A "$work/private")" ]
fi
# a dangling symlink where a store or a capture goes: nothing is created through it
ln -s "$work/made-through-link.db" "$work/pub/dangling.db"
expect 1 "dangling.db: a symlink to a missing file" \
	"$bs" replay "$work/tiny.bst" --db "$work/pub/dangling.db"
check "no store created through a dangling symlink" [ ! -e "$work/made-through-link.db" ]

# ---- capture: refuses an existing output; a command that cannot run records nothing
if "$bs" capture --help >/dev/null 2>&1; then
	plant capture.bst
	expect 1 "capture.bst: the file exists; use --force" \
		"$bs" capture -o "$work/pub/capture.bst" --duration 1
	check "capture -o SYMLINK: the target is intact" [ "$(cat "$work/secret")" = secret ]
	ln -s "$work/made-by-capture" "$work/pub/dangling.bst"
	expect 1 "dangling.bst: the file exists" "$bs" capture -o "$work/pub/dangling.bst"
	check "capture made nothing through a dangling symlink" [ ! -e "$work/made-by-capture" ]
	cp "$work/tiny.bst" "$work/existing.bst"
	expect 1 "existing.bst: the file exists" \
		"$bs" capture -o "$work/existing.bst" -- /nonexistent/cmd
	expect 127 "cannot run '/nonexistent/cmd': No such file or directory; nothing recorded" \
		"$bs" capture --force -o "$work/existing.bst" -- /nonexistent/cmd
	check "capture with a command that cannot run kept the output" \
		cmp -s "$work/tiny.bst" "$work/existing.bst"
	: >"$work/stale.bst.partial"
	expect 1 "stale.bst.partial: the file exists \(a capture killed" \
		"$bs" capture -o "$work/stale.bst"
	for d in inf 1e12 2e10 nan -1 0 1s; do
		expect 2 "--duration '$d' is not a number of seconds" \
			"$bs" capture -o "$work/d.bst" --duration "$d"
	done
fi

# ---- two replays creating the same new store both succeed ------------------
for trial in 1 2 3 4 5 6 7 8 9 10; do
	db="$work/race$trial.db"
	"$bs" replay "$work/tiny.bst" --db "$db" >/dev/null 2>"$work/race-a" & a=$!
	"$bs" replay "$work/tiny.bst" --db "$db" >/dev/null 2>"$work/race-b" & b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	if [ $ra -ne 0 ] || [ $rb -ne 0 ]; then
		bad "trial $trial: concurrent creators exit $ra and $rb"
		cat "$work/race-a" "$work/race-b" >&2
	else
		ok
	fi
	"$bs" export --db "$db" --format json -o "$work/race.json" 2>/dev/null
	n=$(grep -o '"uuid"' "$work/race.json" | wc -l)
	check "trial $trial: the store holds both runs ($n)" [ "$n" -eq 2 ]
done
# Bytes 18 and 19 of an SQLite header are 2 in WAL mode (sqlite.org/fileformat2.html).
# A new store is born in WAL mode so that racing openers never switch it: the
# switch needs the file to itself and SQLite answers "locked" without waiting
# (CI saw trial 3 fail so; the race above catches it about once in 80 trials).
check "the store is in WAL mode" \
	[ "$(od -An -tu1 -j18 -N2 "$work/race1.db" | tr -s ' ')" = " 2 2" ]
check "no temporary store left behind" [ -z "$(ls -A "$work" | grep '\.tmp$')" ]
finish
