#!/bin/sh
# SPDX-License-Identifier: MIT
# The command line's conventions (issue 13): -V/--version, `help CMD` equal to
# `CMD --help`, bash completion offering every command and every option the
# help texts document, man pages holding the same options, `cmake --install`
# into a DESTDIR, one meaning of -o, and replay saying its run id.
# usage: test_conventions.sh BUDDYSCOPE SAMPLES WORKDIR BUILD_DIR VERSION SRC_DIR
bs=$1 samples=$2 work=$3 build=$4 version=$5 src=$6
rm -rf "$work" && mkdir -p "$work" || exit 1
. "$(dirname "$0")/lib.sh"

# -V and --version: the project() version, then git describe when there is one
for v in -V --version; do
	expect 0 "" "$bs" $v
	check "$v prints the version" grep -qE "^buddyscope $version( \(git [^)]+\))?\$" "$work/out"
done

cmds=$("$bs" help | sed -n 's/^  \([a-z][a-z-]*\)  *.*/\1/p' | grep -v '^help$')
check "help lists the commands" [ "$(echo "$cmds" | wc -l)" -ge 9 ]
for c in $cmds; do
	"$bs" help "$c" >"$work/help.$c" 2>&1
	"$bs" "$c" --help >"$work/opt.$c" 2>&1
	check "help $c equals $c --help" cmp -s "$work/help.$c" "$work/opt.$c"
done
expect 2 "unknown command 'nope'" "$bs" help nope

# The options each help text documents (long and short), read here with its own pattern.
options_of() {
	grep -oE -- '(^|[][ ,|(])--?[a-zA-Z][a-zA-Z0-9-]*' "$work/opt.$1" | sed 's/^[][ ,|(]//' |
		sort -u
}

# bash completion: commands, and each command's options after "-"
if command -v bash >/dev/null; then
	comp=$src/share/bash-completion/buddyscope
	bash -c '. "$1"; COMP_WORDS=("$2" ""); COMP_CWORD=1; _buddyscope;
		printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$bs" >"$work/comp.cmds"
	for c in $cmds help; do
		check "completion offers command $c" grep -qx "$c" "$work/comp.cmds"
	done
	for c in $cmds; do
		bash -c '. "$1"; COMP_WORDS=("$2" "$3" "-"); COMP_CWORD=2; _buddyscope;
			printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$bs" "$c" >"$work/comp.$c"
		for o in $(options_of "$c"); do
			check "completion of '$c' offers $o" grep -qx -- "$o" "$work/comp.$c"
		done
	done
	bash -c '. "$1"; COMP_WORDS=("$2" export --format ""); COMP_CWORD=3; _buddyscope;
		printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$bs" >"$work/comp.fmt"
	check "completion of export --format" grep -qx openmetrics "$work/comp.fmt"
else
	echo "note: no bash here; completion not checked"
fi

# Man pages (built when help2man was found): one per command, with its options.
man=$build/cli/man
if [ -f "$man/buddyscope.1" ]; then
	for c in $cmds; do
		page=$man/buddyscope-$c.1
		check "man page of $c" [ -s "$page" ]
		sed 's/\\-/-/g; s/\\f[BRI]//g' "$page" >"$work/man.$c"
		for o in $(options_of "$c"); do
			check "man page of $c documents $o" grep -q -- "$o" "$work/man.$c"
		done
	done
else
	echo "note: $man/buddyscope.1 missing (no help2man at build time); man pages not checked"
fi

# cmake --install into a DESTDIR: the binary, the man pages, the completion
if DESTDIR=$work/dest cmake --install "$build" --prefix /usr >"$work/install.log" 2>&1; then
	check "installed binary runs" "$work/dest/usr/bin/buddyscope" -V
	check "installed completion" [ -s "$work/dest/usr/share/bash-completion/completions/buddyscope" ]
	if [ -f "$man/buddyscope.1" ]; then
		for c in "" $(echo "$cmds" | sed 's/^/-/'); do
			check "installed man page buddyscope$c.1" [ -s "$work/dest/usr/share/man/man1/buddyscope$c.1" ]
		done
	fi
else
	bad "cmake --install failed"; cat "$work/install.log" >&2
fi

# One meaning of -o: every command that has it documents "-o, --output".
for c in $cmds; do
	if grep -qE -- '(^| )-o[ ,]' "$work/opt.$c"; then
		check "$c: -o is --output" grep -qE -- '-o, --output' "$work/opt.$c"
	fi
done

# replay says its run id, in text and as run_id in --json
make_tiny_trace
"$bs" replay "$work/tiny.bst" --db "$work/runs.db" >"$work/r1.txt" 2>/dev/null
check "replay prints its run id" grep -q "run 1 stored in $work/runs.db (--run 1)" "$work/r1.txt"
"$bs" replay "$work/tiny.bst" --db "$work/runs.db" --json >"$work/r2.json" 2>/dev/null
check "replay --json has run_id 2" python3 -c '
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
ids = [r[0] for r in sqlite3.connect(sys.argv[2]).execute("SELECT id FROM runs ORDER BY id")]
assert j["run_id"] == 2 and ids == [1, 2], (j.get("run_id"), ids)' "$work/r2.json" "$work/runs.db"
# export's old spelling --out still works (hidden alias)
expect 0 "" "$bs" export --db "$work/runs.db" --run 1 --format csv --out "$work/r1.csv"
check "export --out wrote the file" [ -s "$work/r1.csv" ]
# README and docs: every relative link points into the clone (no ../shared/)
check "relative links resolve inside the repository" python3 - "$src" <<'PY'
import glob, os, re, sys
root = os.path.realpath(sys.argv[1])
bad = []
for md in [os.path.join(root, "README.md")] + glob.glob(os.path.join(root, "docs", "*.md")):
    for m in re.finditer(r"\]\(([^)\s]+)\)", open(md).read()):
        t = m.group(1).split("#")[0]
        if not t or re.match(r"[a-z]+:", t):
            continue
        p = os.path.realpath(os.path.join(os.path.dirname(md), t))
        if not os.path.exists(p) or not p.startswith(root + os.sep):
            bad.append((os.path.relpath(md, root), t))
assert not bad, bad
PY
check "LICENSE is MIT" grep -q "^MIT License" "$src/LICENSE"
finish
