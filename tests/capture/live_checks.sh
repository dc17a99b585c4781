# SPDX-License-Identifier: MIT
# Shared by the privileged shell tests of tests/capture (sourced, after
# "set -u"): pass/fail counting and the skip rule (77, or a failure when
# BUDDYSCOPE_REQUIRE_CAPTURE=1).
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }
check() { what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
skip() {
	if [ "${BUDDYSCOPE_REQUIRE_CAPTURE:-0}" = 1 ]; then
		echo "FAIL (BUDDYSCOPE_REQUIRE_CAPTURE=1): $*" >&2
		exit 1
	fi
	echo "skip: $*"
	exit 77
}
