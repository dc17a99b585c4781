#!/bin/sh
# SPDX-License-Identifier: MIT
# CONTRIBUTING.md's layout table matches the tree: every top-level folder
# with a CMakeLists.txt has a row (`folder/`), and every library target
# of a library folder (add_library(buddyscope_NAME ...)) is named in it (`NAME`), so a module
# added or renamed without its row fails here.
# Usage: test_layout.sh SOURCE_DIR
set -u
top=$1
doc=$top/CONTRIBUTING.md
fails=0
for cm in "$top"/*/CMakeLists.txt; do
	dir=$(basename "$(dirname "$cm")")
	if ! grep -q "\`$dir/\`" "$doc"; then
		echo "CONTRIBUTING.md: no row for $dir/"
		fails=$((fails + 1))
	fi
done
libs=$(grep -rhoE 'add_library\(buddyscope_[a-z0-9_]+ ' --include=CMakeLists.txt --exclude-dir=tests \
	--exclude-dir=bench --exclude-dir='build*' "$top" |
	sed 's/add_library(buddyscope_//; s/ $//' | sort -u)
for lib in $libs; do
	if ! grep -q "\`$lib\`" "$doc"; then
		echo "CONTRIBUTING.md: the library target buddyscope::$lib is not named"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ] && echo "CONTRIBUTING.md names every folder and library target"
[ "$fails" -eq 0 ]
