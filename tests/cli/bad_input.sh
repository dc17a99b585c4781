#!/bin/sh
# SPDX-License-Identifier: MIT
# Bad input and usage errors of the command line: exit status 1 with a message
# that names the file and the problem, 2 for usage, never a crash.
bin=$1
tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp"
fail=0
pass=0

# expect STATUS PATTERN CMD...: run CMD, check its exit status and that stderr matches PATTERN.
expect() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -q -- "$pattern" "$tmp/err"; then
		echo "FAIL: $* -> exit $got (want $want), stderr:" >&2
		cat "$tmp/err" >&2
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

expect 2 "usage" "$bin"
expect 2 "unknown command 'frobnicate'" "$bin" frobnicate
expect 2 "usage: buddyscope info" "$bin" info
expect 2 "usage: buddyscope info" "$bin" info --no-such-option x.bst
expect 1 "$tmp/missing.bst: cannot open: No such file" "$bin" info "$tmp/missing.bst"
expect 1 "$tmp: is a directory" "$bin" info "$tmp"
: >"$tmp/empty.bst"
expect 1 "empty.bst: empty file" "$bin" info "$tmp/empty.bst"
printf '# tracer: nop\n' >"$tmp/text.bst"
expect 1 "text.bst: wrong magic at offset 0" "$bin" info "$tmp/text.bst"
printf '\211BST\r\n\032\n\002\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000' >"$tmp/future.bst"
expect 1 "future.bst: format version 2.0 is not supported" "$bin" info "$tmp/future.bst"
if [ "$(id -u)" -ne 0 ]; then
	printf 'x' >"$tmp/noperm.bst" && chmod 000 "$tmp/noperm.bst"
	expect 1 "noperm.bst: cannot open: Permission denied" "$bin" info "$tmp/noperm.bst"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
