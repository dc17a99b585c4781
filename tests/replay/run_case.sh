#!/bin/sh
# SPDX-License-Identifier: MIT
# One data-driven replay case (tests/replay/cases/NAME/, README.md there):
# import its trace.txt, replay it with the options in its `settings` file
# (plus --json --sample-interval-ms 0: one sample, at the end), and compare
# every line of its `expected` file, "JQ_FILTER VALUE", with the summary
# (replay/SUMMARY.md). VALUE, the last word, is JSON; numbers compare as
# numbers. Lines starting with # are comments.
# Usage: run_case.sh BUDDYSCOPE CASE_DIR WORK_DIR
set -u
bin=$1 case=$2 work=$3
name=$(basename "$case")
if ! command -v jq >/dev/null 2>&1; then
	echo "$name: skipped: jq not found (scripts/install-deps.sh --tests installs it)"
	exit 77
fi
rm -rf "$work" && mkdir -p "$work" || exit 1
"$bin" import "$case/trace.txt" -o "$work/trace.bst" -q >"$work/import.log" 2>&1 || {
	cat "$work/import.log"
	echo "$name: import failed"
	exit 1
}
# settings: replay options, one or more a line; lines starting with # are comments
opts=$(grep -v '^#' "$case/settings" 2>/dev/null | tr '\n' ' ')
# shellcheck disable=SC2086 # the options are words on purpose
"$bin" replay "$work/trace.bst" --db "$work/runs.db" --json --sample-interval-ms 0 $opts \
	>"$work/summary.json" 2>"$work/replay.log" || {
	cat "$work/replay.log"
	echo "$name: replay failed"
	exit 1
}
fails=0 checks=0
while read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	path=${line% *} value=${line##* }
	checks=$((checks + 1))
	got=$(jq -c "$path" "$work/summary.json" 2>&1)
	if ! jq -e --argjson want "$value" "($path) == \$want" "$work/summary.json" >/dev/null 2>&1; then
		echo "$name: $path is $got, expected $value"
		fails=$((fails + 1))
	fi
done <"$case/expected"
if [ "$checks" -eq 0 ]; then
	echo "$name: no checks in $case/expected"
	exit 1
fi
echo "$name: $((checks - fails)) of $checks figures as expected"
[ "$fails" -eq 0 ]
