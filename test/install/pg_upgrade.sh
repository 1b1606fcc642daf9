#!/usr/bin/env bash
# test/install/pg_upgrade.sh -- binary compatibility under pg_upgrade: a
# cluster with neardup databases (in public and in another schema) holding
# every kind of neardup object is upgraded with pg_upgrade (PostgreSQL 15
# to 15, the only version here: it exercises pg_dump --binary-upgrade of
# the extension and the reuse of its data and index files), and the new
# cluster is compared with the old: data, definitions, answers through
# every index, clusters, the extension's members, and amcheck on the
# btree index.  Starts its own two servers on ports ND_PGPORT + 2 and + 3
# under build/pg-upgrade/.  Prints TAP, last line
# "install-pg-upgrade: N passed, M failed".
source "$(dirname "$0")/../../tools/lib.sh"
set +e
source "$(dirname "$0")/lib.sh"
# The clusters live under the build tree, or, when the postgres user cannot
# reach it (a clone under /root, as CI may make), in a private directory
# under /tmp (as tools/lib.sh does for the main cluster).
base="$ND_BUILD/pg-upgrade"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ND_BUILD" 2>/dev/null; then
	base=$(mktemp -d /tmp/neardup-pg-upgrade.XXXXXX)
fi
sock="$base/sock"
port_old=$((ND_PGPORT + 2)); port_new=$((ND_PGPORT + 3))
stop_all() {
	for d in old new; do
		[ -f "$base/$d/postmaster.pid" ] && nd_as_owner "$ND_PGBIN/pg_ctl" -D "$base/$d" -m fast -w stop >/dev/null 2>&1
	done
	return 0
}
stop_all; rm -rf "$base"; mkdir -p "$sock"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$base"
trap 'stop_all; case "$base" in /tmp/neardup-pg-upgrade.*) rm -rf "$base" ;; esac' EXIT
start() {	# start DIR PORT
	nd_as_owner "$ND_PGBIN/pg_ctl" -D "$base/$1" -l "$base/$1.log" -w -t 60 \
		-o "-p $2 -k $sock -c listen_addresses='' -c fsync=off" start >/dev/null
}
export PGHOST="$sock" PGUSER=postgres
dbs="neardup_upg_public neardup_upg_schema"
schema_of() { [ "$1" = neardup_upg_public ] && echo public || echo '"Up Schema"'; }

nd_as_owner "$ND_PGBIN/initdb" -D "$base/old" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb-old.log" 2>&1
ok $? "initdb of the old cluster" "$(cat "$base/initdb-old.log")"
start old $port_old; ok $? "old cluster started on port $port_old" "$(tail "$base/old.log")"
export PGPORT=$port_old
for db in $dbs; do
	schema=$(schema_of $db)
	newdb $db
	[ "$schema" != public ] && q $db "CREATE SCHEMA $schema; ALTER DATABASE $db SET search_path = public, $schema" >/dev/null
	fill_all $db "$schema" >/dev/null 2>"$base/err"; ok $? "$db: every kind of neardup object, neardup in schema $schema" "$(cat "$base/err")"
	# A tracked table (issue 15): its config row, generated functions,
	# merge map, sequence and event trigger must come through pg_upgrade.
	q $db "CREATE TABLE trk (id bigint PRIMARY KEY, body text, fp fingerprint);
		CREATE INDEX ON trk USING gin (fp);
		INSERT INTO trk SELECT g, t, fingerprint(t) FROM (VALUES
			(1, 'The harbour authority on Tuesday approved a plan to deepen the northern shipping channel by two metres so that larger ships can call'),
			(2, 'Negotiators were to meet in the capital again on Friday in an effort to hammer out a ceasefire agreement officials said')) v(g, t);
		SELECT neardup_track_clusters('trk', 'id', 'fp', 'cluster_id', similarity_threshold => 0.5);" >/dev/null 2>"$base/err"
	ok $? "$db: a table tracked by neardup_track_clusters" "$(cat "$base/err")"
	digest $db > "$base/$db.before"; members $db > "$base/$db.members-before"
done
nd_as_owner "$ND_PGBIN/pg_ctl" -D "$base/old" -m fast -w stop >/dev/null

nd_as_owner "$ND_PGBIN/initdb" -D "$base/new" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb-new.log" 2>&1
ok $? "initdb of the new cluster" "$(cat "$base/initdb-new.log")"
if [ "$(id -u)" -eq 0 ]; then
	(cd "$base" && runuser -u postgres -- "$ND_PGBIN/pg_upgrade" -b "$ND_PGBIN" -B "$ND_PGBIN" -d "$base/old" -D "$base/new" \
		-p $port_old -P $port_new -s "$sock" -U postgres) >"$base/pg_upgrade.log" 2>&1
else
	(cd "$base" && "$ND_PGBIN/pg_upgrade" -b "$ND_PGBIN" -B "$ND_PGBIN" -d "$base/old" -D "$base/new" \
		-p $port_old -P $port_new -s "$sock" -U postgres) >"$base/pg_upgrade.log" 2>&1
fi
ok $? "pg_upgrade" "$(tail -30 "$base/pg_upgrade.log")"

start new $port_new; ok $? "new cluster started on port $port_new" "$(tail "$base/new.log")"
export PGPORT=$port_new
for db in $dbs; do
	d=$(diff "$base/$db.before" <(digest $db)); ok $? "$db: data, definitions, index answers and clusters as before ($(wc -l < "$base/$db.before") lines)" "$d"
	d=$(diff "$base/$db.members-before" <(members $db)); ok $? "$db: the extension holds the same objects" "$d"
	is "$(q $db "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" 0 "$db: every index valid"
	q $db "CREATE EXTENSION amcheck; SELECT bt_index_check('arts_btree', true)" >/dev/null 2>"$base/err"; ok $? "$db: amcheck bt_index_check on the btree index" "$(cat "$base/err")"
	is "$(q $db "SET enable_seqscan = off; SELECT count(*) FROM arts WHERE fp = fingerprint(body)")" 300 "$db: fingerprints recomputed in the new cluster equal the stored ones (through the hash/btree index)"
	r=$(q $db "INSERT INTO trk SELECT 3, upper(body), fingerprint(upper(body)) FROM trk WHERE id = 1;
		SELECT (SELECT cluster_id FROM trk WHERE id = 3) = (SELECT cluster_id FROM trk WHERE id = 1)
		   AND (SELECT cluster_id FROM trk WHERE id = 2) <> (SELECT cluster_id FROM trk WHERE id = 1)" 2>&1)
	is "$r" t "$db: the tracked table still assigns clusters after pg_upgrade (a new copy joins its story)"
done
finish install-pg-upgrade
