# SPDX-License-Identifier: MIT
# Shared by the fault tests of tests/cli (sourced): counters, checks, and a
# small trace made from the ftrace sample, so replays take well under a second.
# Needs: $bs (the buddyscope binary), $samples (traces/samples), $work.
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }
# check DESCRIPTION command...: the command must succeed.
check() { what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# expect STATUS PATTERN command...: exit status and a grep -E pattern on stderr
# (an empty PATTERN checks the status only).
expect() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ] || { [ -n "$pattern" ] && ! grep -q -E -- "$pattern" "$work/err"; }; then
		bad "$* -> exit $got (want $want, stderr matching '$pattern'):"
		sed 's/^/    /' "$work/err" >&2
	else
		ok
	fi
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# $work/tiny.bst: the first 3000 lines of the ftrace sample with its host.
make_tiny_trace() {
	zstd -dc "$samples/ftrace-churn-6.18.txt.zst" | head -n 3000 >"$work/tiny.txt" &&
		"$bs" import --from ftrace "$work/tiny.txt" -o "$work/tiny.bst" -q \
			--sysinfo "$samples/ftrace-churn-6.18.sysinfo" 2>"$work/err" ||
		{ cat "$work/err" >&2; echo "cannot build tiny.bst" >&2; exit 1; }
}
