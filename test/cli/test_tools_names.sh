#!/usr/bin/env bash
# test/cli/test_tools_names.sh -- tools/neardup-load when the connection is
# lost mid-load (issue 13, defect 3), and tools/neardup-report finding a
# table that tools/neardup-load made under a mixed-case name (defect 5).
# Needs a running server (PGHOST/PGPORT/PGUSER, a superuser).  Prints TAP
# and a last line "cli-lost: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
load="$root/tools/neardup-load"; report="$root/tools/neardup-report"
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-cli13.XXXXXX")
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
db=neardup_cli13_test
q() { psql -X -qtA -d "$db" -c "$1"; }
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
q "CREATE EXTENSION neardup" >/dev/null
for f in a b c; do printf 'Headline Of File %s\nThe body of the article in file %s, long enough.\n' $f $f > "$work/$f.txt"; done

# Defect 3: the server ends the loader's connection while it loads b.txt
# (a trigger terminates its own backend), as a crash or restart would.
"$load" -q -d "$db" "$work/a.txt" || ok 1 "first file loads"
q "CREATE FUNCTION kill_me() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN IF NEW.dump = 'b.txt' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NEW; END\$\$;
	CREATE TRIGGER kill_me BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION kill_me()" >/dev/null
out=$("$load" -d "$db" "$work/b.txt" "$work/c.txt" 2>&1); rc=$?
is "$rc" 1 "connection lost while loading: exit status 1 (some failed)"
case "$out" in *Traceback*) ok 1 "...no traceback" "$out";; *) ok 0 "...no traceback";; esac
case "$out" in *"0 loaded (0 read by the server itself), 0 skipped (already loaded), 2 failed"*) ok 0 "...the summary line";; *) ok 1 "...the summary line" "$out";; esac
case "$out" in *"FAILED $work/b.txt: connection lost"*) ok 0 "...b.txt: connection lost";; *) ok 1 "...b.txt: connection lost" "$out";; esac
case "$out" in *"FAILED $work/c.txt: not attempted"*) ok 0 "...c.txt listed as not attempted";; *) ok 1 "...c.txt listed as not attempted" "$out";; esac
q "DROP TRIGGER kill_me ON articles" >/dev/null
"$load" -q -d "$db" "$work/a.txt" "$work/b.txt" "$work/c.txt"; rc=$?
is "$rc|$(q "SELECT string_agg(dump, ',' ORDER BY dump) FROM articles")" "0|a.txt,b.txt,c.txt" "a rerun loads the rest, each file once"

# Defect 5: -t takes the name literally in both tools.
"$load" -q -d "$db" -t News "$work/a.txt" "$work/b.txt"; rc=$?
is "$rc|$(q "SELECT count(*) FROM \"News\"")" "0|2" "neardup-load -t News makes the table \"News\""
out=$("$report" -d "$db" -t News -o "$work/r.html" 2>&1); rc=$?
is "$rc" 0 "neardup-report -t News finds it" "$out"
grep -q "2 articles in 2 clusters" "$work/r.html"; ok $? "...and reports its two articles"
q "CREATE SCHEMA \"Desk\"" >/dev/null
"$load" -q -d "$db" -t Desk.Wire "$work/c.txt"; rc=$?
out=$("$report" -d "$db" -t Desk.Wire -o "$work/r2.html" 2>&1); rc2=$?
is "$rc|$rc2|$(q "SELECT count(*) FROM \"Desk\".\"Wire\"")" "0|0|1" "-t Desk.Wire: both tools use the table \"Desk\".\"Wire\"" "$out"
out=$("$report" -d "$db" -t nosuch -o "$work/r3.html" 2>&1); rc=$?
case "$rc|$out" in "2|"*"no table nosuch"*) ok 0 "neardup-report -t nosuch: exit 2, no table";; *) ok 1 "neardup-report -t nosuch: exit 2, no table" "$out";; esac

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
echo "cli-lost: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
