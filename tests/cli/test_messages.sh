#!/bin/sh
# SPDX-License-Identifier: MIT
# The failure paths of the command line, as a table: each bad invocation must
# exit with its documented status (1 failure, 2 usage, 127 a command that
# cannot run), and its message must name the file (and the field where there
# is one) after a non-empty "error: ", never say "(line -1)", and never say
# "Input/output error" for something that is not an I/O error.
# usage: test_messages.sh BUDDYSCOPE SAMPLES_DIR WORKDIR
set -u
bs=$1 samples=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"
make_tiny_trace
w=$work
"$bs" replay "$w/tiny.bst" --db "$w/good.db" >/dev/null 2>&1 || bad "replay into good.db"

# Damaged stores, one field each (the store's own rows, as a bad tool or disk leaves them).
damage() { # damage NAME SQL
	cp "$w/good.db" "$w/$1.db" &&
		python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
c.execute(sys.argv[2]); c.commit()" "$w/$1.db" "$2" || bad "cannot damage $1.db"
}
damage orders99 "UPDATE zones SET nr_orders = 99"
damage mtnotjson "UPDATE zones SET migratetypes = 'not json'"
damage mtempty "UPDATE zones SET migratetypes = '[]'"
damage pborder "UPDATE zones SET pageblock_order = 70"
damage tmax "UPDATE samples SET t_ns = 9223372036854775807 WHERE rowid = (SELECT max(rowid) FROM samples)"
mkdir -p "$w/si/proc"
cp -r "$samples/ftrace-churn-6.18.sysinfo/." "$w/si/"
echo garbage >"$w/si/proc/zoneinfo"
printf '{"max-order": 12,\n "cpus": }\n' >"$w/bad.json"

# STATUS|PATTERN (grep -E on stderr)|COMMAND ARGS (split on spaces; paths without spaces)
while IFS='|' read -r status pattern cmd; do
	case "$status" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086 # the command is split on purpose
	expect "$status" "$pattern" $cmd
	if grep -q -E "error: *$" "$w/err"; then bad "empty message: $cmd"; fi
	if grep -q "line -1" "$w/err"; then bad "'(line -1)' in: $cmd"; fi
	if grep -q "Input/output error" "$w/err"; then bad "EIO reported by: $cmd"; fi
	[ "$status" -ne 0 ] && ! grep -q "error: " "$w/err" && bad "no 'error: ' from: $cmd"
done <<TABLE
# stores whose rows cannot be what they say
1|orders99.db: run 1 zone 0: nr_orders 99 is out of range|$bs export --db $w/orders99.db --format csv -o $w/x.csv
1|orders99.db: run 1 zone 0: nr_orders 99 is out of range|$bs export --db $w/orders99.db --format json -o $w/x.json
1|orders99.db: run 1 zone 0: nr_orders 99 is out of range|$bs report --db $w/orders99.db -o $w/rep
1|mtnotjson.db: run 1 zone 0: migratetypes is not a JSON array|$bs export --db $w/mtnotjson.db --format csv
1|mtnotjson.db: run 1 zone 0: migratetypes is not a JSON array|$bs report --db $w/mtnotjson.db -o $w/rep
1|mtempty.db: run 1 zone 0: migratetypes|$bs export --db $w/mtempty.db --format json
1|pborder.db: run 1 zone 0: pageblock_order 70 is out of range|$bs report --db $w/pborder.db -o $w/rep
1|tmax.db: run 1: sample t_ns .* is out of range|$bs report --db $w/tmax.db -o $w/rep
# files that are missing or cannot be made
1|$w/nonexistent.db: cannot open: .*No such file or directory|$bs export --db $w/nonexistent.db --format csv
1|$w/nodir/x.csv: No such file or directory|$bs export --db $w/good.db --format csv -o $w/nodir/x.csv
1|$w/nonexistent.db: cannot open|$bs merge $w/good.db $w/nonexistent.db
1|/proc/nodir: cannot create directory|$bs report --db $w/good.db -o /proc/nodir
1|$w/missing.bst|$bs replay $w/missing.bst --db $w/r.db
1|$w/missing.bst|$bs info $w/missing.bst
1|$w/missing.txt: cannot open: No such file or directory|$bs import --from ftrace $w/missing.txt -o $w/x.bst
1|$w/nodir/x.bst: cannot create: No such file or directory|$bs import --from ftrace $w/tiny.txt -o $w/nodir/x.bst
1|$w/si/proc/zoneinfo: |$bs import --from ftrace $w/tiny.txt -o $w/x.bst --sysinfo $w/si
# settings: the file and line, or the field the model cannot hold
2|$w/missing.json: cannot read: No such file or directory|$bs replay $w/tiny.bst --db $w/r.db --config $w/missing.json
2|$w/bad.json:2: |$bs replay $w/tiny.bst --db $w/r.db --config $w/bad.json
1|tiny.bst: the model cannot hold this configuration: pageblock_order|$bs replay $w/tiny.bst --db $w/r.db --mode whatif --pageblock-order 11
2|grid: key 'max-order' given twice|$bs sweep $w/tiny.bst --db $w/s.db --grid max-order=11;max-order=12
2|grid: an empty value for 'max-order'|$bs sweep $w/tiny.bst --db $w/s.db --grid max-order=11,,12
2|grid: an empty part|$bs sweep $w/tiny.bst --db $w/s.db --grid max-order=11;
TABLE
# capture's usage errors come before any privilege is needed
if "$bs" capture --help >/dev/null 2>&1; then
	for d in inf 1e12 2e10; do
		expect 2 "--duration '$d' is not a number of seconds" \
			"$bs" capture -o "$w/c.bst" --duration "$d"
	done
fi
finish
