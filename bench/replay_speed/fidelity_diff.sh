#!/bin/sh
# SPDX-License-Identifier: MIT
# Fidelity guard for speed work: replays traces in shadow and what-if mode and
# keeps their `replay --json` summaries minus the timing fields (wall_seconds,
# events_per_second). `record DIR` writes the reference; `check DIR` replays
# again and diffs byte for byte against it (exit 1 on any difference).
# usage: fidelity_diff.sh record|check DIR BUDDYSCOPE TRACE...
# WHATIF_SETTINGS (default "--watermark-scale-factor 200 --max-order 12") gives
# the what-if run's settings.
set -eu
verb=$1 dir=$2 bin=$3
shift 3
whatif=${WHATIF_SETTINGS:---watermark-scale-factor 200 --max-order 12}
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for trace in "$@"; do
	name=$(basename "$trace" .bst)
	for mode in shadow whatif; do
		settings=
		[ "$mode" = whatif ] && settings=$whatif
		# shellcheck disable=SC2086
		"$bin" replay "$trace" --db "$tmp/runs.db" --mode "$mode" $settings --json \
			2>/dev/null | jq -S 'del(.wall_seconds, .events_per_second)' \
			>"$tmp/$name.$mode.json"
		rm -f "$tmp/runs.db" "$tmp/runs.db-wal" "$tmp/runs.db-shm"
		if [ "$verb" = record ]; then
			cp "$tmp/$name.$mode.json" "$dir/"
		elif ! cmp -s "$dir/$name.$mode.json" "$tmp/$name.$mode.json"; then
			echo "DIFFERS: $name $mode"
			diff "$dir/$name.$mode.json" "$tmp/$name.$mode.json" | head -20
			rc=1
		else
			echo "same: $name $mode"
		fi
	done
done
exit $rc
