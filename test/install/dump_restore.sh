#!/usr/bin/env bash
# test/install/dump_restore.sh -- pg_dump / pg_restore of a database using
# every kind of neardup object, with the extension in public and in
# another schema; and COPY BINARY of fingerprints between databases.
#
# The source database holds fingerprint columns (plain, with shingle size
# 5, a generated column), GIN (default and with options), GiST (with
# siglen), btree, hash and passage-hash GIN indexes, an expression index, a
# view using % and similarity, a CHECK constraint calling neardup, and a
# materialized view of duplicate_clusters.  It is dumped (custom format
# and plain SQL), restored into new databases, and compared: data, index
# and view definitions, query answers through each index, clusters, the
# extension's members.  Prints TAP, last line
# "install-dump: N passed, M failed".
source "$(dirname "$0")/lib.sh"
export PATH="$(dirname "$(command -v psql)"):$PATH"
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-dump.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

for schema in public '"Dup Schema"'; do
	src=neardup_inst_dsrc; dst=neardup_inst_ddst; dst2=neardup_inst_ddst2
	label="schema $schema"
	newdb $src
	[ "$schema" != public ] && q $src "CREATE SCHEMA $schema; ALTER DATABASE $src SET search_path = public, $schema" >/dev/null
	fill_all $src "$schema" >/dev/null 2>"$work/err"
	ok $? "$label: source database with every kind of neardup object" "$(cat "$work/err")"
	digest $src > "$work/src.txt"
	members $src > "$work/src-members.txt"

	"$bindir/pg_dump" -Fc -d $src -f "$work/db.dump" 2>"$work/err"; ok $? "$label: pg_dump -Fc" "$(cat "$work/err")"
	newdb $dst
	"$bindir/pg_restore" --exit-on-error -d $dst "$work/db.dump" 2>"$work/err"; ok $? "$label: pg_restore into a new database" "$(cat "$work/err")"
	[ "$schema" != public ] && q $dst "ALTER DATABASE $dst SET search_path = public, $schema" >/dev/null
	d=$(diff "$work/src.txt" <(digest $dst)); ok $? "$label: restored data, index and view definitions, index answers and clusters are the same ($(wc -l < "$work/src.txt") lines)" "$d"
	d=$(diff "$work/src-members.txt" <(members $dst)); ok $? "$label: the restored extension holds the same objects" "$d"
	is "$(q $dst "SELECT count(*) FROM arts a JOIN mv_clusters c ON c.key = a.id WHERE NOT EXISTS (SELECT 1 FROM duplicate_clusters('arts', 'id', 'fp', 0.5) d WHERE d.key = c.key AND d.cluster_id = c.cluster_id)")" 0 \
		"$label: duplicate_clusters on the restored table gives the stored clusters"

	"$bindir/pg_dump" -Fp -d $src -f "$work/db.sql" 2>"$work/err"; ok $? "$label: pg_dump plain SQL" "$(cat "$work/err")"
	newdb $dst2
	psql -X -q -v ON_ERROR_STOP=1 -d $dst2 -f "$work/db.sql" >/dev/null 2>"$work/err"; ok $? "$label: the plain dump restores with psql" "$(cat "$work/err")"
	[ "$schema" != public ] && q $dst2 "ALTER DATABASE $dst2 SET search_path = public, $schema" >/dev/null
	d=$(diff "$work/src.txt" <(digest $dst2)); ok $? "$label: ...and gives the same database" "$d"

	# COPY BINARY (the binary protocol's send/recv) between the databases.
	psql -X -q -d $src -c "\\copy (SELECT id, fp, fp5 FROM arts) TO '$work/fp.bin' WITH (FORMAT binary)" 2>"$work/err"; ok $? "$label: COPY TO binary" "$(cat "$work/err")"
	q $dst "CREATE TABLE copied (id int, fp fingerprint, fp5 fingerprint)" >/dev/null
	psql -X -q -d $dst -c "\\copy copied FROM '$work/fp.bin' WITH (FORMAT binary)" 2>"$work/err"; ok $? "$label: COPY FROM binary into another database" "$(cat "$work/err")"
	is "$(q $dst "SELECT count(*) FROM copied c JOIN arts a USING (id) WHERE c.fp = a.fp AND c.fp5 = a.fp5 AND c.fp::text = a.fp::text")" 300 "$label: ...every fingerprint identical"
	dropdb_ $src; dropdb_ $dst; dropdb_ $dst2
done
finish install-dump
