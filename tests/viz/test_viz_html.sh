#!/bin/sh
# SPDX-License-Identifier: MIT
# index.html in headless Chromium (Debian's package): the page loads from
# file:// with every image decoded (naturalWidth > 0) and no external
# resource, and a screenshot is taken. The image check runs in a copy of the
# page with a small script appended; a second copy with one image renamed
# must be reported broken, which shows the check can fail.
# Chromium comes from scripts/install-deps.sh --tests; a test never installs
# anything. Without it the test skips (77), unless BUDDYSCOPE_REQUIRE_CHROMIUM=1
# (scripts/test.sh sets it after installing it) makes that a failure.
# usage: test_viz_html.sh BUDDYSCOPE VIZ_FILL SRCDIR WORKDIR
set -u
bs=$1 fill=$2 src=$3 work=$4
if ! command -v chromium >/dev/null 2>&1; then
	if [ "${BUDDYSCOPE_REQUIRE_CHROMIUM:-0}" = 1 ]; then
		echo "FAIL: BUDDYSCOPE_REQUIRE_CHROMIUM=1 but chromium is not installed" >&2
		exit 1
	fi
	echo "skipped: chromium is not installed (scripts/install-deps.sh --tests installs it)"
	exit 77
fi
rm -rf "$work" && mkdir -p "$work" || exit 1
"$fill" "$work/runs.db" 30 2 11 4 --activity || exit 1
"$bs" report --db "$work/runs.db" -o "$work/rep" --compare 1:2 || exit 1
rep=$(cd "$work/rep" && pwd)

chrome() {
	profile=$(mktemp -d)
	timeout 240 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --virtual-time-budget=10000 "$@" 2>>"$work/chromium.log"
	st=$?
	rm -rf "$profile"
	return $st
}

# The checker goes in with python (sed would eat its '&&').
python3 - "$rep" <<'PY' || exit 1
import sys
rep = sys.argv[1]
checker = """<script>
window.addEventListener("load", function () {
	var imgs = document.images, ok = 0, broken = [];
	for (var i = 0; i < imgs.length; i++) {
		if (imgs[i].complete && imgs[i].naturalWidth > 0)
			ok++;
		else
			broken.push(imgs[i].getAttribute("src"));
	}
	var ext = performance.getEntriesByType("resource").filter(function (r) {
		return !r.name.startsWith("file:");
	}).length;
	var p = document.createElement("pre");
	p.textContent = "IMG" + "CHECK ok=" + ok + " total=" + imgs.length + " external=" + ext +
		" broken=[" + broken.join(",") + "]";
	/* the answers come first: verdict near the top, hover values in image maps */
	/* the first answer on the page: a sweep view (runs of one trace differing by
	   settings come first) or a run's or comparison's verdict */
	var v = document.querySelector('[id^="sweep-"], [id$="-verdict"]');
	var maps = 0, areas = document.querySelectorAll("map area[title]").length;
	for (var i = 0; i < imgs.length; i++) {
		var u = imgs[i].getAttribute("usemap");
		if (u && document.querySelector("map[name='" + u.slice(1) + "']"))
			maps++;
	}
	var q = document.createElement("pre");
	q.textContent = "NAV" + "CHECK verdict_top=" + (v ? Math.round(v.getBoundingClientRect().top) : -1) +
		" height=" + document.documentElement.scrollHeight + " maps=" + maps + " areas=" + areas +
		" toc=" + document.querySelectorAll("nav a").length;
	/* reclaim and compaction: a section per run and one for the comparison; its figures decoded */
	var act = 0;
	for (var i = 0; i < imgs.length; i++)
		if (/-activity\.(png|svg)$/.test(imgs[i].getAttribute("src")) && imgs[i].naturalWidth > 0)
			act++;
	q.textContent += " activity_sections=" + document.querySelectorAll('h3[id$="-activity"]').length +
		" activity_figures=" + act + " activity_none=" +
		document.querySelectorAll("p.activity-none").length;
	document.body.appendChild(p);
	document.body.appendChild(q);
});
</script>
"""
page = open(rep + "/index.html", encoding="utf-8").read()
assert page.count("</body>") == 1
check = page.replace("</body>", checker + "</body>")
open(rep + "/check.html", "w", encoding="utf-8").write(check)
broken = check.replace('src="run1-heatmap-z0.png"', 'src="run1-heatmap-z0-missing.png"')
assert broken != check
open(rep + "/broken.html", "w", encoding="utf-8").write(broken)
PY
nimg=$(grep -o '<img ' "$rep/index.html" | wc -l)
fail=0

chrome --dump-dom "file://$rep/check.html" >"$work/dom.html"
line=$(grep -o 'IMGCHECK[^<]*' "$work/dom.html")
echo "index.html: $line (page has $nimg images)"
[ "$line" = "IMGCHECK ok=$nimg total=$nimg external=0 broken=[]" ] && [ "$nimg" -gt 10 ] || {
	echo "FAIL: images missing or not decoded in index.html" >&2
	fail=1
}
line=$(grep -o 'NAVCHECK[^<]*' "$work/dom.html")
echo "index.html: $line"
top=$(echo "$line" | sed -n 's/.*verdict_top=\([-0-9]*\).*/\1/p')
maps=$(echo "$line" | sed -n 's/.* maps=\([0-9]*\).*/\1/p')
# the first verdict (or sweep view) within the first screen (after the contents); every
# heatmap and memory map image has its map of hover values
[ -n "$top" ] && [ "$top" -ge 0 ] && [ "$top" -lt 1500 ] || {
	echo "FAIL: the verdict is not near the top of the page ($line)" >&2
	fail=1
}
nmaps=$(grep -c 'usemap=' "$rep/index.html")
[ -n "$maps" ] && [ "$maps" -eq "$nmaps" ] && [ "$nmaps" -gt 5 ] || {
	echo "FAIL: $nmaps images with hover maps in the page, $maps resolved in the browser" >&2
	fail=1
}
# runs 1 and 2 (viz_fill --activity) and their comparison have figures; run 3 has none, in words
case "$line" in
*" activity_sections=4 activity_figures=3 activity_none=1"*) ;;
*) echo "FAIL: reclaim and compaction sections, figures or the no-activity sentence ($line)" >&2; fail=1 ;;
esac
chrome --dump-dom "file://$rep/broken.html" >"$work/dom-broken.html"
line=$(grep -o 'IMGCHECK[^<]*' "$work/dom-broken.html")
echo "control with a missing image: $line"
case "$line" in
*"broken=[run1-heatmap-z0-missing.png]"*) ;;
*) echo "FAIL: the image check did not notice a missing image" >&2; fail=1 ;;
esac

chrome --screenshot="$work/index.png" --window-size=1280,2000 "file://$rep/index.html" >/dev/null
size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:4]==b"\x89PNG" else "none")' "$work/index.png" 2>/dev/null)
echo "screenshot: $work/index.png ($size)"
[ "$size" = "1280x2000" ] || { echo "FAIL: no 1280x2000 screenshot" >&2; fail=1; }
exit $fail
