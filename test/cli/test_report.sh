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
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
db=neardup_report_test
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
psql -X -q -d "$db" -c 'CREATE EXTENSION neardup' >/dev/null

# Two stories, each copied or rewritten; one story alone.
cp "$root"/samples/*.txt "$work/"
awk 'BEGIN { RS = "" } NR == 1' "$root/samples/wire_plain.txt" | sed 's/two metres/three metres/; s/Tuesday/Wednesday/' > "$work/wire_plain_edited.txt"
{ echo "Night Buses Will Run Later in Eastern Suburbs"
  grep -E "^(The city council voted|Five new routes|The council.s transport)" "$root/samples/wire_tt.txt"; } > "$work/bus_plain.txt"
# The harbour story with its second half moved to the top: in the original,
# the two shared passages touch (one line break between them), so they must
# come out as two highlights, not one.
awk 'BEGIN { RS = "" } NR == 1' "$root/samples/wire_plain.txt" \
	| awk 'NR == 1 { print "Deeper Channel Approved: The Reaction First"; next } NR <= 4 { top[NR] = $0; next } { print } END { for (i = 2; i <= 4; i++) print top[i] }' > "$work/wire_plain_reordered.txt"
"$root/tools/neardup-load" -q -d "$db" "$work" || ok 1 "loader"
[ -d "$root/../shared/dumps" ] && "$root/tools/neardup-load" -q -d "$db" "$root/../shared/dumps"

out=$("$root/tools/neardup-report" -d "$db" -o "$work/report.html" --containment 0.5 2>&1); rc=$?
ok $rc "neardup-report exits 0" "$out"

# 1. missing table, unwritable output, plural forms
out=$("$root/tools/neardup-report" -d "$db" -o /nonexistent/dir/r.html 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == "neardup-report: cannot write /nonexistent/dir/r.html: no such directory"* ]] && [[ "$out" != *Traceback* ]]
ok $? "an unwritable output path is one clear line, exit 2 (no traceback)" "$out"
psql -X -q -d "$db" -c "CREATE TABLE two_copies AS SELECT * FROM articles WHERE dump IN ('wire_plain.txt', 'wire_plain_edited.txt') AND ordinal = 1" >/dev/null
"$root/tools/neardup-report" -d "$db" -t two_copies -o "$work/one.html" 2>/dev/null
grep -q '2 articles in 1 cluster; 1 cluster has copies; the largest is shown.' "$work/one.html"
ok $? "plural forms: 2 articles in 1 cluster; 1 cluster has copies" "$(grep -o '<p id="summary">[^<]*' "$work/one.html")"

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
	grep -q '<mark[^>]*>[^<]*harbour authority on Tuesday approved a plan to deepen the northern shipping channel' "$work/dom.html"
	ok $? "the passage the wire copies share is highlighted"
	grep -q '<mark[^>]*>[^<]*Library Opens' "$work/dom.html"; [ $? -ne 0 ]; ok $? "an unrelated article's title is not highlighted"
	grep -q 'Library Opens Reading Room' "$work/dom.html"; [ $? -ne 0 ]; ok $? "a story without copies is not listed as a cluster"

	# The header: table, row count, thresholds, date.
	rows=$(psql -X -qtA -d "$db" -c "SELECT count(*) FROM articles")
	grep -q '<dd id="h-table">public.articles</dd>' "$work/dom.html"; ok $? "the header names the table"
	grep -q "<dd id=\"h-rows\" data-rows=\"$rows\">$rows rows</dd>" "$work/dom.html"; ok $? "the header gives the row count ($rows)"
	grep -q '<dd id="h-thresholds"[^>]*>similarity ≥ 0.5; containment ≥ 0.5;' "$work/dom.html"
	ok $? "the header gives the thresholds (similarity 0.5, containment 0.5)" "$(grep -o '<dd id="h-thresholds".*</dd>' "$work/dom.html")"
	grep -q "<dd id=\"h-date\">$(date -u +%Y-%m-%d) [0-9][0-9]:[0-9][0-9] UTC</dd>" "$work/dom.html"; ok $? "the header gives the date"
	# The histogram: two axis titles, the count on every bar.
	axis=$(sed -n 's/.*<body[^>]*data-axis-titles="\([0-9]*\)".*/\1/p' "$work/dom.html")
	[ "$axis" = 2 ] && grep -q '>cluster size (articles in the cluster)</text>' "$work/dom.html" && grep -q '>number of clusters</text>' "$work/dom.html"
	ok $? "the histogram has both axis titles ($axis laid out)"
	python3 - "$work/dom.html" >"$work/bars.txt" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
bars = re.findall(r'<g class="bar" data-size="(\d+)" data-count="(\d+)">.*?<text class="count"[^>]*>([\d,]+)</text>', page)
bad = [b for b in bars if b[1] != b[2].replace(",", "")]
print(len(bars), len(bad))
PY
	read -r nbars badbars <"$work/bars.txt"
	[ "$nbars" = "$bars" ] && [ "$badbars" = 0 ]; ok $? "every bar shows its count ($nbars bars, $badbars wrong)"
	# Highlights: one per shared passage on each side; passages that touch
	# (only white space or a line break between them) are separate marks of
	# alternating colours.
	python3 - "$work/dom.html" >"$work/marks.txt" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
pairs = re.findall(r'<div class="pair" data-passages="(\d+)">(.*?)</div></div></div>', page, re.S)
wrong = adjacent = same = 0
for n, body in pairs:
    sides = re.findall(r'<div class="text">(.*?)</div>', body, re.S)
    for side in sides:
        marks = list(re.finditer(r'<mark class="(p[01])" data-passage="(\d+)">.*?</mark>', side, re.S))
        if len(marks) != int(n):
            wrong += 1
        for a, b in zip(marks, marks[1:]):
            between = re.sub(r'<br>|\s', '', side[a.end():b.start()])
            if between == '':
                adjacent += 1
                if a.group(1) == b.group(1):
                    same += 1
print(len(pairs), wrong, adjacent, same)
PY
	read -r npairs wrong adjacent same <"$work/marks.txt"
	[ "$npairs" -ge 3 ] && [ "$wrong" = 0 ]; ok $? "each shared passage is one highlight on each side ($npairs pairs, $wrong sides wrong)"
	[ "$adjacent" -ge 1 ] && [ "$same" = 0 ]; ok $? "touching passages are separate highlights in alternating colours ($adjacent touching, $same alike)"
fi

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
echo "report: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
