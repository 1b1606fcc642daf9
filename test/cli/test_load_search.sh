#!/usr/bin/env bash
# test/cli/test_load_search.sh -- tools/neardup-load --search-index: the
# stored tsvector column and its GIN or RUM index, and search_stories() on
# the loaded table.  Needs a running server (PGHOST/PGPORT/PGUSER, e.g. set
# by tools/test).  Prints TAP and a last line "cli-search: N passed, M failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
load="$root/tools/neardup-load"
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
q() { psql -X -qtA -d "$db" -c "$1"; }

db=neardup_cli_search_test
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
psql -X -q -d "$db" -c 'CREATE EXTENSION neardup' >/dev/null

# GIN: the column holds to_tsvector(title || body), the index exists, and
# search_stories finds the harbour story once with its two copies.
"$load" -q -d "$db" -t g --search-index gin "$root/samples"; rc=$?
is "$rc" 0 "--search-index gin: exit status 0"
is "$(q "SELECT count(*) FROM g WHERE tsv IS DISTINCT FROM to_tsvector('english', coalesce(title, '') || ' ' || coalesce(body, ''))")" 0 \
	"every row has tsv = to_tsvector(title, body)"
is "$(q "SELECT am.amname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
          WHERE x.indrelid = 'g'::regclass AND c.relname = 'g_tsv_gin_idx'")" gin "a GIN index g_tsv_gin_idx on tsv"
is "$(q "SELECT count(*) || ':' || max(hits) FROM search_stories('g', 'harbour')")" "1:2" \
	"search_stories on the loaded table: one story, two hits"
"$load" -q -d "$db" -t g --search-index gin "$root/samples"; rc=$?
is "$rc" 0 "running it again (column and index exist) is fine"

# --search-lists: lists built after the load (every word of the samples in
# at least 2 articles), search_stories reads them and equals the GIN path;
# a second load keeps them (the trigger maintains them).
"$load" -q -d "$db" -t sl --search-index gin --search-lists --search-lists-min-df 2 --search-lists-depth 50 "$root/samples"; rc=$?
is "$rc" 0 "--search-lists: exit status 0"
is "$(q "SELECT depth || ':' || min_df FROM search_lists WHERE rel = 'sl'::regclass")" "50:2" "--search-lists: registered with its depth and min_df"
is "$(q "SELECT count(*) > 0 FROM sl_search_floors WHERE lexeme = 'harbour'")" t "--search-lists: harbour has a list"
is "$(q "SELECT string_agg(DISTINCT via, ',') FROM search_stories('sl', 'harbour', 1)")" lists "search_stories reads the list (k = 1: the list has enough)"
is "$(q "SELECT string_agg(story || ':' || key || ':' || hits || ':' || rank, ',') FROM search_stories('sl', 'harbour')")" \
   "$(q "SELECT string_agg(story || ':' || key || ':' || hits || ':' || rank, ',') FROM search_stories('sl', 'harbour', lists => false, method => 'gin')")" \
   "…and gives the rows of the GIN path"
out=$("$load" -d "$db" -t sl --search-lists --force "$root/samples" 2>&1); rc=$?
is "$rc" 0 "--search-lists again with --force: exit status 0"
case "$out" in *"has search lists already"*) ok 0 "…keeps the lists and says so";; *) ok 1 "…keeps the lists and says so" "$out";; esac
is "$(q "SELECT count(*) FROM sl_search_lists l WHERE NOT EXISTS (SELECT 1 FROM sl WHERE sl.id = l.key)")" 0 \
   "…and the replaced articles left the lists (trigger)"
out=$("$load" -q -d "$db" -t nl --search-lists "$root/samples" 2>&1); rc=$?
is "$rc" 1 "--search-lists without a tsv column: exit status 1"
case "$out" in *"no tsvector column"*) ok 0 "…and says why";; *) ok 1 "…and says why" "$out";; esac

# RUM: only when the extension is available.
if [ "$(q "SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")" = 1 ]; then
	out=$("$load" -q -d "$db" -t r --search-index rum "$root/samples" 2>&1); rc=$?
	is "$rc" 2 "--search-index rum without CREATE EXTENSION rum: exit status 2"
	case "$out" in *"CREATE EXTENSION rum"*) ok 0 "…and says what to do";; *) ok 1 "…and says what to do" "$out";; esac
	q "CREATE EXTENSION rum" >/dev/null
	"$load" -q -d "$db" -t r --search-index rum "$root/samples"; rc=$?
	is "$rc" 0 "--search-index rum: exit status 0"
	is "$(q "SELECT am.amname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
	          WHERE x.indrelid = 'r'::regclass AND c.relname = 'r_tsv_rum_idx'")" rum "a RUM index r_tsv_rum_idx on tsv"
	is "$(q "SELECT string_agg(story || ':' || hits, ',' ORDER BY story) FROM search_stories('r', 'harbour', method => 'rum')")" \
	   "$(q "SELECT string_agg(story || ':' || hits, ',' ORDER BY story) FROM search_stories('g', 'harbour', method => 'gin')")" \
	   "the RUM table gives the same stories as the GIN one"
else
	for t in 1 2 3 4 5; do n=$((n + 1)); echo "ok $n # skip rum is not installed (Debian package postgresql-15-rum)"; done
fi

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
echo "1..$n"
echo "cli-search: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
