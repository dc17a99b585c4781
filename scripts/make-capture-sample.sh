#!/bin/sh
# SPDX-License-Identifier: MIT
# Make traces/samples/capture-churn-<kernel>.bst: a real `buddyscope capture`
# of this host (with its free-list snapshot and checkpoints every 250 ms)
# while the page-churn workload of bench/capture_overhead runs: order-0
# churn in two processes, then THP (order-9) churn, then order-0 again.
# Usage (root, after a build): scripts/make-capture-sample.sh [OUT.bst]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
kver=$(uname -r | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
out=${1:-$here/traces/samples/capture-churn-$kver.bst}
bs=${BUDDYSCOPE:-$here/build/cli/buddyscope}
work=$(mktemp -d /tmp/bs-capsample.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/bs-sample-churn" "$here/bench/capture_overhead/churn.c"
cat >"$work/workload.sh" <<WL
#!/bin/sh
"$work/bs-sample-churn" 2 32 3
"$work/bs-sample-churn" --thp 1 64 2
"$work/bs-sample-churn" 1 16 2
WL
chmod +x "$work/workload.sh"
"$bs" capture --force -o "$out" --checkpoint-interval 250 -- "$work/workload.sh"
"$bs" info "$out" >"$work/info.txt"
note=${out%.bst}.note.md
{
	echo "# capture sample: $(basename "$out")"
	echo
	echo "- host: the project's development machine, a 2-CPU x86-64 VM ($(free -m | awk '/Mem:/{print $2}') MiB)"
	echo "- kernel: \`uname -r\` = $(uname -r)"
	echo "- THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
	echo "- captured: $(date -u +%Y-%m-%dT%H:%MZ) by scripts/make-capture-sample.sh"
	echo "- command: \`buddyscope capture -o $(basename "$out") --checkpoint-interval 250 -- workload.sh\`"
	echo "- workload.sh (bench/capture_overhead/churn.c as bs-sample-churn):"
	echo "  \`bs-sample-churn 2 32 3; bs-sample-churn --thp 1 64 2; bs-sample-churn 1 16 2\`"
	echo "  The whole machine is traced, so other tasks appear too."
	echo
	echo '```'
	cat "$work/info.txt"
	echo '```'
} >"$note"
ls -l "$out"
