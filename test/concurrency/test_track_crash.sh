#!/usr/bin/env bash
# test/concurrency/test_track_crash.sh -- cluster tracking survives crashes
# (issue 15): a load into a tracked table (batches of 20 rows, copies,
# new stories and bridging rows that merge clusters, one transaction per
# batch, each batch noted in a side table in the same transaction) is cut
# by kill -9 of its backend (the server then resets every backend and
# runs crash recovery, as after a server crash); after the restart every committed batch is there whole (and nothing else), every
# row has its cluster id, the merge map is consistent (flat, no live id
# mapped away, no row holding a merged id), pending rows settle, and the
# sequence is past every id.  Runs its own server (ND_PGBIN, port
# ND_PGPORT + 5, fsync on) in a temporary directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
source tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
port=$((ND_PGPORT + 5))
dir=$(mktemp -d /tmp/neardup-crash.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
data=$dir/data
pgctl() { nd_as_owner "$ND_PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 120 -o "-p $port -k $dir -c listen_addresses='' -c max_connections=20" "$@"; }
cleanup() { pgctl stop -m immediate >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
q() { psql -X -qtA -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

nd_as_owner "$ND_PGBIN/initdb" -D "$data" -U postgres --auth=trust >"$dir/initdb.log" 2>&1
ok $? "initdb"
pgctl start >/dev/null; ok $? "server start (port $port)"
out=$(psql -X -q -v ON_ERROR_STOP=1 -v doc_schema=public 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION neardup;
\i test/sql/docs.sql
CREATE TABLE arts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, batch int, body text, fp fingerprint);
CREATE INDEX ON arts USING gin (fp);
-- containment links search batch's band keys (0.5.0)
CREATE INDEX ON arts USING gin (cluster_band_keys(fp, true)) WITH (fastupdate = off);
CREATE TABLE batches (batch int PRIMARY KEY, nrows int);
SELECT neardup_track_clusters('arts', 'id', 'fp', 'cluster_id', 0.5, 0.5);
-- batch b: 20 rows: copies of 50 stories, excerpts, and rows that bridge
-- two stories (words 26..125 of a 150-word text whose halves are stories)
CREATE PROCEDURE load(first int, last int) LANGUAGE plpgsql AS $$
BEGIN
	FOR b IN first .. last LOOP
		INSERT INTO arts (batch, body)
		SELECT b, CASE WHEN k % 7 = 0 THEN array_to_string((string_to_array(doc(s, 150, 0), ' '))[26:125], ' ')
		               WHEN k % 7 = 1 THEN array_to_string((string_to_array(doc(s, 150, 0), ' '))[1:100], ' ')
		               WHEN k % 7 = 2 THEN array_to_string((string_to_array(doc(s, 150, 0), ' '))[51:150], ' ')
		               WHEN k % 7 = 3 THEN array_to_string((string_to_array(doc(s, 150, 0), ' '))[1:40], ' ')
		               ELSE doc(s, 120, 15 + k % 20) END
		  FROM generate_series(1, 20) k, LATERAL (SELECT 1 + (b * 31 + k * 17) % 50 AS s) x;
		UPDATE arts SET fp = fingerprint(body) WHERE batch = b;
		INSERT INTO batches VALUES (b, 20);
		COMMIT;
	END LOOP;
END $$;
SQL
)
ok $? "setup: tracked table (similarity 0.5, containment 0.5), load procedure" "$out"

check() {	# WHEN: the checks after a restart
	local when=$1
	is "$(q "SELECT count(*) FROM arts a LEFT JOIN batches b USING (batch) WHERE b.batch IS NULL")" 0 "$when: no row of an uncommitted batch"
	is "$(q "SELECT count(*) FROM batches b WHERE b.nrows <> (SELECT count(*) FROM arts a WHERE a.batch = b.batch)")" 0 \
		"$when: every committed batch is whole ($(q 'SELECT count(*) FROM batches') batches, $(q 'SELECT count(*) FROM arts') rows)"
	is "$(q "SELECT count(*) FROM arts WHERE fp IS NOT NULL AND cluster_id IS NULL")" 0 "$when: every committed row has its cluster id"
	is "$(q "SELECT count(*) FROM arts_cluster_merges a JOIN arts_cluster_merges b ON b.from_id = a.into_id")" 0 "$when: merge map flat"
	is "$(q "SELECT count(*) FROM arts a JOIN arts_cluster_merges m ON m.from_id = a.cluster_id")" 0 "$when: no row holds a merged id"
	is "$(q "SELECT (SELECT last_value FROM arts_cluster_seq) >= (SELECT coalesce(max(cluster_id), 0) FROM arts)")" t "$when: the sequence is past every id"
	local s
	for i in $(seq 1 50); do s=$(q "SELECT neardup_settle('arts')"); [ "$s" = 0 ] && break; done
	is "$s" 0 "$when: pending rows settle"
	is "$(q "SELECT count(*) FROM (SELECT 1 FROM arts WHERE fp IS NOT NULL LIMIT 1) x")" 1 "$when: there are rows"
}

# 1. kill -9 of the loading backend
q "SELECT count(*) FROM batches" >/dev/null
psql -X -q -c "CALL load(1, 100000)" >"$dir/load1.log" 2>&1 &
sleep 3
pid=$(q "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL load%' AND pid <> pg_backend_pid()")
[ -n "$pid" ]; ok $? "the load is running (backend $pid, $(q 'SELECT count(*) FROM batches') batches committed)"
nd_as_owner kill -9 "$pid"
wait
for i in $(seq 1 60); do q "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
grep -q "terminated by signal 9" "$dir/server.log"; ok $? "the server saw the backend killed and restarted"
check "after kill -9 of the backend"

is "$(q "SELECT count(*) > 0 FROM arts_cluster_merges")" t "the load merged clusters ($(q 'SELECT count(*) FROM arts_cluster_merges') merges)"
echo "1..$n"
echo "track crash: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
