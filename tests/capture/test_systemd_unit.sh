#!/bin/sh
# SPDX-License-Identifier: MIT
# deploy/systemd/buddyscope-recorder.service parses: systemd-analyze verify
# finds no unknown key, bad value or missing binary (ExecStart is pointed at
# the binary under test). A unit with an unknown key must make it speak, so
# a verify that checks nothing is caught too. Skips (77) without
# systemd-analyze.
# usage: test_systemd_unit.sh UNIT BUDDYSCOPE WORKDIR
set -u
unit=$1 bs=$2 work=$3
command -v systemd-analyze >/dev/null ||
	{ echo "skip: systemd-analyze is not installed (package systemd)"; exit 77; }
rm -rf "$work" && mkdir -p "$work" || exit 1
name=$(basename "$unit")
sed "s|/usr/local/bin/buddyscope|$bs|" "$unit" >"$work/$name" || exit 1
grep -q "^ExecStart=$bs capture" "$work/$name" ||
	{ echo "FAIL: ExecStart does not run $bs capture"; exit 1; }
out=$(cd "$work" && systemd-analyze verify "./$name" 2>&1)
rc=$?
if [ $rc != 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify $name (exit $rc):"
	echo "$out"
	exit 1
fi
# The check itself: an unknown key is reported.
sed 's/^KillMode=/KillMood=/' "$work/$name" >"$work/bad-$name"
bad=$(cd "$work" && systemd-analyze verify "./bad-$name" 2>&1)
case $bad in
*KillMood*) ;;
*) echo "FAIL: systemd-analyze did not report an unknown key: $bad"; exit 1 ;;
esac
# The options of ExecStart are the capture's own (a usage error would exit 2).
opts=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$work/$name" | tr -d '\\\n' | sed 's/^ExecStart=[^ ]* capture//')
# shellcheck disable=SC2086
"$bs" capture $opts --help >/dev/null 2>&1 ||
	{ echo "FAIL: buddyscope capture refuses the unit's options: $opts"; exit 1; }
echo "1 passed, 0 failed"
