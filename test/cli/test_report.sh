#!/usr/bin/env bash
# test/cli/test_report.sh -- tools/neardup-report rendered in a real
# headless Chromium: loads the sample dumps (and ../shared/dumps when it
# exists) with tools/neardup-load, writes the report, renders it, and checks
# the rendered page.  Needs a running server (PGHOST/PGPORT/PGUSER) and
# Debian's chromium.  Prints TAP and "report: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-report.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
n=0; fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fails=$((fails + 1)); echo "not ok $n - $2"; [ -n "${3:-}" ] && printf '%s\n' "$3" | head -20 | sed 's/^/#   /'; fi; }
db=neardup_report_test
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
psql -X -q -d "$db" -c 'CREATE EXTENSION neardup' >/dev/null

# Two stories, each copied or rewritten; one story alone.
cp "$root"/samples/*.txt "$work/"
awk 'BEGIN { RS = "" } NR == 1' "$root/samples/wire_plain.txt" | sed 's/two metres/three metres/; s/Tuesday/Wednesday/' > "$work/wire_plain_edited.txt"
{ echo "Night Buses Will Run Later in Eastern Suburbs"
  grep -E "^(The city council voted|Five new routes|The council.s transport)" "$root/samples/wire_tt.txt"; } > "$work/bus_plain.txt"
"$root/tools/neardup-load" -q -d "$db" "$work" || ok 1 "loader"
[ -d "$root/../shared/dumps" ] && "$root/tools/neardup-load" -q -d "$db" "$root/../shared/dumps"

out=$("$root/tools/neardup-report" -d "$db" -o "$work/report.html" --containment 0.5 2>&1); rc=$?
ok $rc "neardup-report exits 0" "$out"

# 1. missing table / missing extension are reported, not crashes
out=$("$root/tools/neardup-report" -d "$db" -t no_such_table -o "$work/x.html" 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *"no table no_such_table"* ]]; ok $? "a missing table is reported (exit 2)" "$out"

# 2. render in headless Chromium
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	ok 1 "chromium is installed (Debian package chromium)"
else
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	       --disable-component-update --disable-sync --user-data-dir="$work/profile")
	timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2>"$work/chrome.log"
	ok $? "chromium renders the page" "$(tail -5 "$work/chrome.log")"
	timeout 120 "$chrome" "${flags[@]}" --window-size=1280,1600 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>>"$work/chrome.log"
	size=$(stat -c %s "$work/report.png" 2>/dev/null || echo 0)
	[ "$size" -gt 20000 ]; ok $? "a screenshot of the page is drawn ($size bytes)"
	[ -n "${ND_KEEP_REPORT:-}" ] && cp "$work/report.png" "$work/report.html" "$ND_KEEP_REPORT/"
	# What the browser laid out (set by the page's script from the live DOM).
	clusters=$(sed -n 's/.*<body[^>]*data-clusters="\([0-9]*\)".*/\1/p' "$work/dom.html")
	marks=$(sed -n 's/.*<body[^>]*data-marks="\([0-9]*\)".*/\1/p' "$work/dom.html")
	bars=$(sed -n 's/.*<body[^>]*data-bars="\([0-9]*\)".*/\1/p' "$work/dom.html")
	expected_clusters=$(psql -X -qtA -d "$db" -c "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters('articles', 'id', 'fp', NULL, 0.5) WHERE cluster_size > 1")
	expected_bars=$(psql -X -qtA -d "$db" -c "SELECT count(DISTINCT cluster_size) FROM duplicate_clusters('articles', 'id', 'fp', NULL, 0.5)")
	[ -n "$clusters" ] && [ "$clusters" = "$expected_clusters" ] && [ "$clusters" -ge 2 ]
	ok $? "the page shows every cluster with copies ($clusters, database says $expected_clusters)"
	[ -n "$bars" ] && [ "$bars" = "$expected_bars" ]; ok $? "the histogram has one bar per cluster size ($bars, database says $expected_bars)"
	[ -n "$marks" ] && [ "$marks" -ge 4 ]; ok $? "shared passages are highlighted ($marks marks)"
	grep -q '<mark>[^<]*harbour authority on Tuesday approved a plan to deepen the northern shipping channel' "$work/dom.html"
	ok $? "the passage the wire copies share is highlighted"
	grep -q '<mark>[^<]*Library Opens' "$work/dom.html"; [ $? -ne 0 ]; ok $? "an unrelated article's title is not highlighted"
	grep -q 'Library Opens Reading Room' "$work/dom.html"; [ $? -ne 0 ]; ok $? "a story without copies is not listed as a cluster"
fi

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
echo "report: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
