#!/usr/bin/env bash
# test/cli/test_readme.sh -- every ```sql block of README.md runs as written
# in a database made the way tools/demo makes its own (tools/demo
# --load-only: the sample dumps loaded with tools/neardup-load).
#
# The blocks run in README order, each in its own psql session (settings
# do not leak from one block to the next) and in its own transaction
# (psql -1; a failing block leaves nothing behind), committed, so a later
# block sees the tables an earlier one made, as a reader pasting them in
# order would.  psql runs in the repository root (`cat samples/...` works).
# A failure names the block's line in README.md and shows psql's error.
#
# Documented exceptions (each one a TAP "# SKIP" with its reason, or a
# different database):
#   * the blocks of the section "Getting started: from a raw dump to
#     articles" build by hand, in an empty database, the table the demo
#     loads with the loader (CREATE EXTENSION, CREATE TABLE articles):
#     they run in order in a fresh database of their own;
#   * the blocks listed in SKIP below, by a text they contain.
# Needs a running server (PGHOST/PGPORT/PGUSER).  Prints TAP and
# "readme: N passed, M failed, K skipped".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-readme.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
cd "$root"
db=neardup_readme_test
fresh=neardup_readme_fresh

# text a block contains => why it does not run here
declare -A SKIP=(
	["CREATE EXTENSION neardup SCHEMA nd"]="installs neardup into a schema of a database mydb: test/install/anywhere.sh does that"
	["pg_read_file('/path/on/server/dump.txt')"]="reads a placeholder path on the database server"
	["CREATE SERVER shard1"]="a deployment over foreign servers (hosts shard1/shard2.internal): test/dist/fdw.sh runs the same steps on throwaway servers"
	["create_distributed_table"]="needs Citus: test/dist/citus.sh runs the same steps where Citus is installed"
)

source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
skips=0
skip() { n=$((n + 1)); skips=$((skips + 1)); echo "ok $n - $1 # SKIP $2"; }

# 1. the demo's database
out=$(ND_DEMO_DB=$db bash "$root/tools/demo" --load-only 2>&1); rc=$?
ok $rc "tools/demo --load-only builds the demo's database ($db)" "$out"
articles=$(psql -X -qtA -d "$db" -c 'SELECT count(*) FROM articles' 2>&1)
[[ "$articles" =~ ^[0-9]+$ ]] && [ "$articles" -ge 20 ]
ok $? "its table articles holds the sample articles ($articles rows)" "$articles"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $fresh" -c "CREATE DATABASE $fresh" >/dev/null 2>&1
ok $? "a fresh database for the Getting-started blocks ($fresh)"

# 2. the blocks: "LINE<TAB>FRESH<TAB>HEADING" per block, its text in $work/LINE.sql
python3 - "$root/README.md" "$work" >"$work/blocks.tsv" <<'PY'
import re, sys
readme, out = sys.argv[1], sys.argv[2]
heading, fresh_section, block, start, other = "", False, None, 0, False
for no, line in enumerate(open(readme, encoding="utf-8"), 1):
    if other:                     # inside a fence of another language
        other = not line.startswith("```")
        continue
    if block is not None:
        if line.startswith("```"):
            open("%s/%d.sql" % (out, start), "w", encoding="utf-8").write("".join(block))
            print("%d\t%d\t%s" % (start, fresh_section, heading))
            block = None
        else:
            block.append(line)
        continue
    if re.match(r"^```sql\s*$", line):
        block, start = [], no
    elif line.startswith("```"):
        other = True
    m = re.match(r"^(#+)\s+(.*)", line)
    if m:
        heading = m.group(2).strip()
        fresh_section = heading.startswith("Getting started: from a raw dump to articles")
PY
ok $? "README.md's sql blocks extracted"
total=$(wc -l <"$work/blocks.tsv")
[ "$total" -ge 20 ]; ok $? "README.md has sql blocks ($total)"

while IFS=$'\t' read -r line isfresh heading; do
	f="$work/$line.sql"
	what="README.md line $line ($heading)"
	why=""
	for k in "${!SKIP[@]}"; do grep -qF -- "$k" "$f" && why=${SKIP[$k]}; done
	if [ -n "$why" ]; then skip "$what" "$why"; continue; fi
	target=$db; [ "$isfresh" = 1 ] && target=$fresh && what="$what, in a fresh database"
	single=(-1); grep -qiE 'CONCURRENTLY|^\s*VACUUM' "$f" && single=()
	out=$(psql -X -q -v ON_ERROR_STOP=1 "${single[@]}" -d "$target" -f "$f" 2>&1 >/dev/null); rc=$?
	if [ $rc -ne 0 ]; then
		# psql's "psql:FILE:N:" as the README's line
		out=$(awk -v f="psql:$f:" -v l="$line" '{ i = index($0, f)
			if (i) { rest = substr($0, i + length(f)); n = rest + 0; sub(/^[0-9]+:/, "", rest)
			         $0 = substr($0, 1, i - 1) "README.md:" (l + n) ":" rest } print }' <<<"$out")
		ok $rc "$what" "$(printf '%s\n--- the block:\n%s' "$out" "$(head -12 "$f")")"
	else
		ok 0 "$what"
	fi
done <"$work/blocks.tsv"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $fresh WITH (FORCE)" >/dev/null 2>&1
echo "1..$n"
echo "readme: $((n - fails - skips)) passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
