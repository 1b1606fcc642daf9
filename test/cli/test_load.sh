#!/usr/bin/env bash
# test/cli/test_load.sh -- tests of tools/neardup-load against a running
# server (PGHOST/PGPORT/PGUSER set, e.g. by tools/test).  Prints TAP and a
# last line "cli: N passed, M failed"; exits non-zero on failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
load="$root/tools/neardup-load"
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-cli.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
q() { psql -X -qtA -d "$db" -c "$1"; }

db=neardup_cli_test
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1

# 1. A database without the extension: clear message, exit 2, nothing created.
out=$("$load" -q -d "$db" "$root/samples" 2>&1); rc=$?
is "$rc" 2 "database without the extension: exit status 2"
case "$out" in *"extension neardup is not installed"*"CREATE EXTENSION neardup"*) ok 0 "…and says what to do";; *) ok 1 "…and says what to do" "$out";; esac
is "$(q "SELECT count(*) FROM pg_class WHERE relname IN ('articles', 'articles_files')")" 0 "…and creates no table"
psql -X -q -d "$db" -c 'CREATE EXTENSION neardup' >/dev/null

# 2. A folder loads; every article of every file is there, fingerprinted.
"$load" -q -d "$db" "$root/samples"; rc=$?
is "$rc" 0 "samples/ loads: exit status 0"
expected=0
for f in "$root"/samples/*.txt; do
	c=$(psql -X -qtA -d "$db" -v f="$f" <<'SQL'
\set content `cat -- :'f'; printf x`
SELECT count(*) FROM split_articles(left(:'content', -1));
SQL
)
	expected=$((expected + c))
done
is "$expected" 4 "split_articles finds the 4 articles of samples/ (2 per file)"
is "$(q 'SELECT count(*) FROM articles')" "$expected" "as many rows as split_articles gives for the files"
is "$(q "SELECT string_agg(dump || '#' || ordinal || ' ' || left(title, 24), ' | ' ORDER BY dump, ordinal) FROM articles")" \
	"wire_plain.txt#1 Port Chief: Deeper Chann | wire_plain.txt#2 Library Opens Reading Ro | wire_tt.txt#1 Harbour Authority Approv | wire_tt.txt#2 City Council Votes to Ex" \
	"every article under its file name, ordinal and title"
is "$(q "SELECT string_agg(layout, ',' ORDER BY dump, ordinal) FROM articles")" "plain,plain,tt,tt" "…and its layout"
is "$(q 'SELECT count(*) FROM articles WHERE fp IS DISTINCT FROM fingerprint(body)')" 0 "every row carries fingerprint(body)"
is "$(q 'SELECT count(*) FROM articles_files')" "$(ls "$root"/samples/*.txt | wc -l)" "one files row per file"

# 2b. The server reads local dumps itself (a role that may read server
# files, the server on this machine); --send sends them; a file the server
# cannot see is sent too.  The rows are the same either way.
mkdir -p "$work/pub" "$work/hidden"; cp "$root"/samples/*.txt "$work/pub/"; chmod 755 "$work/pub"; chmod 644 "$work/pub"/*.txt
nfiles=$(ls "$work"/pub/*.txt | wc -l)
out=$("$load" -d "$db" -t by_server "$work/pub" 2>&1); rc=$?
case "$rc|$out" in "0|"*"$nfiles loaded ($nfiles read by the server itself)"*) ok 0 "the server reads the $nfiles local dumps itself";;
	*) ok 1 "the server reads the $nfiles local dumps itself" "$out";; esac
out=$("$load" --send -d "$db" -t by_client "$work/pub" 2>&1); rc=$?
case "$rc|$out" in "0|"*"$nfiles loaded (0 read by the server itself)"*) ok 0 "--send: the loader sends them";;
	*) ok 1 "--send: the loader sends them" "$out";; esac
is "$(q "SELECT count(*) FROM (SELECT dump, ordinal, title, body, fp::text FROM by_server EXCEPT SELECT dump, ordinal, title, body, fp::text FROM by_client) x")|$(q 'SELECT count(*) FROM by_server')" \
	"0|$expected" "...the same $expected rows either way"
if [ "$(id -u)" -eq 0 ]; then	# a folder only root can read: the server (postgres) cannot see it
	cp "$root/samples/wire_tt.txt" "$work/hidden/"; chmod 700 "$work/hidden"; chown root "$work/hidden"
	out=$("$load" -d "$db" -t by_fallback "$work/hidden" 2>&1); rc=$?
	case "$rc|$out" in "0|"*"1 loaded (0 read by the server itself)"*) ok 0 "a dump the server cannot read is sent";;
		*) ok 1 "a dump the server cannot read is sent" "$out";; esac
else
	ok 0 "a dump the server cannot read is sent # SKIP not root (the server can read what we can)"
fi

# 3. Idempotent: the same files again, or the same content under another name.
cp "$root/samples/wire_tt.txt" "$work/renamed copy.txt"
out=$("$load" -d "$db" "$root/samples" "$work/renamed copy.txt" 2>&1); rc=$?
is "$rc" 0 "loading again: exit status 0"
case "$out" in *"0 loaded (0 read by the server itself), 3 skipped"*) ok 0 "…all three skipped (content already loaded)";; *) ok 1 "…all three skipped" "$out";; esac
is "$(q 'SELECT count(*) FROM articles')" "$expected" "…and no row duplicated"

# 4. --force replaces a file's articles instead of adding to them: new
# rows under a new files row, the old ones gone, the other file untouched.
before=$(q "SELECT f.file_id || ':' || string_agg(a.id::text, ',' ORDER BY a.id) FROM articles_files f JOIN articles a USING (file_id) WHERE f.name = 'wire_tt.txt' GROUP BY f.file_id")
other=$(q "SELECT string_agg(a.id::text, ',' ORDER BY a.id) FROM articles a WHERE a.dump = 'wire_plain.txt'")
"$load" -q -f -d "$db" "$root/samples/wire_tt.txt"; rc=$?
is "$rc" 0 "--force: exit status 0"
is "$(q 'SELECT count(*) FROM articles')" "$expected" "--force replaces, never duplicates"
after=$(q "SELECT f.file_id || ':' || string_agg(a.id::text, ',' ORDER BY a.id) FROM articles_files f JOIN articles a USING (file_id) WHERE f.name = 'wire_tt.txt' GROUP BY f.file_id")
[ -n "$before" ] && [ -n "$after" ] && [ "${before%%:*}" != "${after%%:*}" ] && \
	[ -z "$(comm -12 <(tr , '\n' <<<"${before#*:}" | sort) <(tr , '\n' <<<"${after#*:}" | sort))" ]
ok $? "--force: a new files row and new article rows, none of the old ones left ($before -> $after)"
is "$(q "SELECT count(*) FROM articles a JOIN articles_files f USING (file_id) WHERE f.name = 'wire_tt.txt'")" 2 "--force: the file's 2 articles are there again"
is "$(q "SELECT string_agg(a.id::text, ',' ORDER BY a.id) FROM articles a WHERE a.dump = 'wire_plain.txt'")" "$other" "--force: the other file's rows are untouched"

# 5. Failures are reported one by one; the other files still load.
: > "$work/empty.txt"
printf 'Title Line\nBody with a bad byte \xff here.\n' > "$work/latin1.txt"
printf 'Good Headline Here\nA body line for the good file.\n' > "$work/good.txt"
printf 'Locked Headline\nA body nobody may read.\n' > "$work/locked.txt"; chmod 000 "$work/locked.txt"
mkdir "$work/dir.txt"
args=("$work/empty.txt" "$work/latin1.txt" "$work/missing.txt" "$work/good.txt" "$work/locked.txt")
if [ "$(id -u)" -eq 0 ]; then	# root reads any file: run the loader as postgres
	cp "$load" "$work/neardup-load"; chmod 755 "$work/neardup-load"	# the clone may be out of its reach
	out=$(cd / && runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" "$work/neardup-load" -d "$db" "${args[@]}" 2>&1); rc=$?
else
	out=$("$load" -d "$db" "${args[@]}" 2>&1); rc=$?
fi
is "$rc" 1 "some files failed: exit status 1"
for want in "empty.txt: empty file" "latin1.txt: not valid UTF-8 (byte 0xff at offset 32)" "missing.txt: no such file" "locked.txt: permission denied"; do
	case "$out" in *"FAILED $work/$want"*) ok 0 "reports $want";; *) ok 1 "reports $want" "$out";; esac
done
is "$(q "SELECT count(*) FROM articles WHERE dump = 'good.txt'")" 1 "the good file among them still loads"
is "$(q "SELECT count(*) FROM articles_files WHERE name IN ('empty.txt', 'latin1.txt', 'locked.txt')")" 0 "failed files leave nothing behind"

# 6. A killed load leaves only whole files, and a rerun completes the rest.
mkdir "$work/many"
for i in $(seq 1 60); do
	awk -v i="$i" 'BEGIN { for (j = 1; j <= 2000; j++)
		printf "Headline %d Number %d Of The Day\nBody of article %d in file %d, with some words to split.\nA second line.\n\n\n", j, i, j, i }' \
		> "$work/many/dump_$i.txt"
done
# Waits until at least one file of the folder is committed.
wait_first() { for _ in $(seq 1 200); do [ "$(q "SELECT count(*) FROM articles_files WHERE name LIKE 'dump\_%'")" -gt 0 ] && return; sleep 0.05; done; }
"$load" -q -d "$db" "$work/many" & pid=$!
wait_first; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
partial=$(q "SELECT count(*) FROM articles_files WHERE name LIKE 'dump\_%'")
is "$(q "SELECT count(*) FROM articles_files f WHERE f.name LIKE 'dump\_%' AND (f.articles <> 2000 OR f.articles <> (SELECT count(*) FROM articles a WHERE a.file_id = f.file_id))")" 0 \
	"after kill -9 ($partial of 60 files in): every loaded file is whole"
"$load" -q -d "$db" "$work/many"; rc=$?
is "$rc" 0 "rerun after the kill: exit status 0"
is "$(q "SELECT count(*) || ' ' || sum(articles) FROM articles_files WHERE name LIKE 'dump\_%'")" "60 120000" "…and all 60 files with 120,000 articles are in, none twice"

# 7. Ctrl-C (SIGINT): exit 130, the file in flight rolled back.
q "DELETE FROM articles_files WHERE name LIKE 'dump\_%'" >/dev/null
"$load" -q -d "$db" "$work/many" & pid=$!
wait_first; kill -INT "$pid" 2>/dev/null; wait "$pid"; rc=$?
is "$rc" 130 "SIGINT: exit status 130"
is "$(q "SELECT count(*) FROM articles_files f WHERE f.name LIKE 'dump\_%' AND f.articles <> (SELECT count(*) FROM articles a WHERE a.file_id = f.file_id)")" 0 \
	"…and only whole files are kept"

# 8. Issue 15: psycopg 3, -j, lz4, schemas, nothing matched, tracked tables.
out=$("$load" -d "$db" -t j2 "$root/samples" 2>&1); rc=$?
is "$(q "SELECT string_agg(attname || ':' || attcompression::text, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'j2'::regclass AND attcompression <> ''")" \
	"title:l,subtitle:l,caption:l,body:l,byline:l" "the text columns of the table it created are stored with lz4"
case "$rc|$out" in "0|"*"stored with lz4 compression"*) ok 0 "…and it says so";; *) ok 1 "…and it says so" "$out";; esac
q "DELETE FROM articles_files WHERE name LIKE 'dump\_%'" >/dev/null
"$load" -q -j 2 -d "$db" "$work/many"; rc=$?
is "$rc|$(q "SELECT count(*) || ' ' || sum(articles) FROM articles_files WHERE name LIKE 'dump\_%'")" "0|60 120000" "-j 2: all 60 files, 120,000 articles, each once"
is "$(q "SELECT count(*) FROM articles_files f WHERE f.articles <> (SELECT count(*) FROM articles a WHERE a.file_id = f.file_id)")" 0 "-j 2: every file whole"
out=$("$load" -q -d "$db" -t nosuch.wire "$root/samples" 2>&1); rc=$?
case "$rc|$out" in "2|"*"schema 'nosuch' does not exist"*"--create-schema"*) ok 0 "-t with a missing schema: exit 2 and a clear message";; *) ok 1 "-t with a missing schema: exit 2 and a clear message" "$out";; esac
"$load" -q -d "$db" -t nosuch.wire --create-schema "$root/samples"; rc=$?
is "$rc|$(q 'SELECT count(*) FROM nosuch.wire')" "0|4" "--create-schema creates it and loads"
mkdir "$work/none"
out=$("$load" -q -d "$db" "$work/none" 2>&1); rc=$?
case "$rc|$out" in "1|"*"warning: no file matched"*) ok 0 "no file matched: a warning and exit status 1";; *) ok 1 "no file matched: a warning and exit status 1" "$out";; esac
printf 'x' > "$work/none/a.txt"; : > "$work/none/b.txt"
out=$("$load" -d "$db" "$work/none" 2>&1); rc=$?
case "$out" in *"[2/2 files]"*) ok 0 "the progress counts failed files too";; *) ok 1 "the progress counts failed files too" "$out";; esac
q "CREATE TABLE trk (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, file_id bigint, dump text, ordinal int, title text, subtitle text, caption text, body text, byline text, layout text, start_pos int, char_length int, fp fingerprint)" >/dev/null
q "CREATE TABLE trk_files (file_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, path text NOT NULL, sha256 text NOT NULL UNIQUE, bytes bigint NOT NULL, articles integer NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())" >/dev/null
q "CREATE INDEX ON trk USING gin (fp)" >/dev/null
out=$(q "SELECT neardup_track_clusters('trk')" 2>&1); ok $? "neardup_track_clusters on the loader's layout" "$out"
mkdir "$work/few"; cp "$work/many/dump_1.txt" "$work/many/dump_2.txt" "$work/many/dump_3.txt" "$work/few/"
out=$("$load" -j 2 -d "$db" -t trk "$work/few" "$root/samples" 2>&1); rc=$?
is "$rc|$(q 'SELECT count(*), count(cluster_id) FROM trk')|$(q 'SELECT count(*) FROM trk_cluster_pending')" "0|6004|6004|0" \
	"-j 2 into a tracked table: every row has its cluster id, nothing left pending"
is "$(q "SELECT count(*) FROM (SELECT 1 FROM trk_clusters c JOIN trk t ON t.id = c.key GROUP BY t.body HAVING count(DISTINCT c.cluster_id) > 1) x")" 0 \
	"…and identical articles are in one cluster"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
echo "1..$n"
echo "cli: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
