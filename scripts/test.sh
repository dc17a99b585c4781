#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what the tests need, build with warnings as errors, and run the whole
# suite: unit, golden, CLI, privileged capture tests (as root), the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and every fuzz target for
# a bounded time (FUZZ_SECONDS, default 30) with libFuzzer.
# Usage (as root on Debian 12): scripts/test.sh
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)
status=0

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh --tests || exit 1

if [ "$(id -u)" -eq 0 ] && ! grep -q ' /sys/kernel/tracing ' /proc/mounts; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi

step "build (warnings are errors)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUDDYSCOPE_WERROR=ON >/dev/null &&
	cmake --build build-test -j"$jobs" || exit 1

step "test suite"
(cd build-test && ctest --output-on-failure -j"$jobs" --timeout 1200) || status=1

step "test suite under ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBUDDYSCOPE_WERROR=ON -DBUDDYSCOPE_SANITIZE=ON \
	-DBUDDYSCOPE_BUILD_BENCH=OFF >/dev/null &&
	cmake --build build-asan -j"$jobs" || exit 1
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j"$jobs" --timeout 1800 -LE privileged) || status=1

step "fuzz targets (libFuzzer, ${FUZZ_SECONDS:-30} s each)"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUDDYSCOPE_FUZZ=ON \
	-DBUDDYSCOPE_SANITIZE=ON -DBUDDYSCOPE_WITH_CAPTURE=OFF -DBUDDYSCOPE_BUILD_BENCH=OFF >/dev/null &&
	cmake --build build-fuzz -j"$jobs" || exit 1
for bin in build-fuzz/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work=build-fuzz/corpus-$name
	rm -rf "$work" && mkdir -p "$work"
	cp "$top"/tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
	if "$bin" -max_total_time="${FUZZ_SECONDS:-30}" -timeout=10 -rss_limit_mb=2048 \
		"$work" >"build-fuzz/$name.log" 2>&1; then
		echo "fuzz $name: $(grep -c . "build-fuzz/$name.log") log lines, no crash"
	else
		echo "fuzz $name: FAILED, see build-fuzz/$name.log"
		tail -30 "build-fuzz/$name.log"
		status=1
	fi
done

step "result"
[ $status -eq 0 ] && echo "all tests passed" || echo "some tests FAILED"
exit $status
