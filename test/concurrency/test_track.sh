#!/usr/bin/env bash
# test/concurrency/test_track.sh -- cluster tracking under concurrency
# (issue 15): two sessions inserting copies of one new story at the same
# time must end in one cluster.  A deterministic race (session A inserts a
# copy and keeps its transaction open, session B inserts another copy
# meanwhile), checked also against a mutant without the band-key locks,
# which must split the story (so the test can fail); then pgbench: 4
# sessions insert copies of 30 new stories, single rows and 3-row
# transactions, for ND_CONCURRENCY_SECONDS s; after neardup_settle every
# story is one cluster, no transaction failed (no deadlock), the merge
# map is flat.  Needs a running server (PGHOST/PGPORT/PGUSER) and pgbench.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
source "$here/track_lib.sh"
pgbench=$(command -v "${ND_PGBIN:-/usr/lib/postgresql/15/bin}/pgbench" || command -v pgbench || true)
secs=${ND_CONCURRENCY_SECONDS:-4}


# race DB: A opens a transaction, inserts a copy, sleeps 2 s, commits; B
# inserts another copy 0.7 s after A started.  Prints "clusters B_ms".
race() {
	local db=$1 t0 t1
	psql -X -qtA -d "$db" -c "BEGIN" -c "INSERT INTO tracked (story, fp) VALUES (0, fingerprint(doc(19001, 150, 20)))" \
		-c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null 2>&1 &
	sleep 0.7
	t0=$(date +%s%N)
	psql -X -qtA -d "$db" -c "INSERT INTO tracked (story, fp) VALUES (0, fingerprint(doc(19001, 150, 25)))" >/dev/null 2>&1
	t1=$(date +%s%N)
	wait
	echo "$(psql -X -qtA -d "$db" -c "SELECT count(DISTINCT cluster_id) FROM tracked WHERE story = 0") $(( (t1 - t0) / 1000000 ))"
}

db=neardup_track_race
out=$(track_setup $db); ok $? "setup: tracked table of 200 rows" "$out"
set -- $(race $db)
is "$1" 1 "race: two sessions insert copies of a new story at once: one cluster"
[ "${2:-0}" -ge 800 ]; ok $? "race: the second session waited for the first one's commit (${2:-?} ms)"
is "$(psql -X -qtA -d $db -c 'SELECT count(*) FROM tracked_cluster_pending')" 0 "race: nothing left pending"

# The mutant: neardup_track_lock replaced by a function that locks nothing.
mdb=neardup_track_race_mutant
out=$(track_setup $mdb && psql -X -q -v ON_ERROR_STOP=1 -d $mdb -c "CREATE OR REPLACE FUNCTION neardup_track_lock(oid, fingerprint) RETURNS boolean LANGUAGE sql AS 'SELECT true'" 2>&1)
ok $? "mutant setup: neardup_track_lock locks nothing" "$out"
set -- $(race $mdb)
is "$1" 2 "mutant without the locks: the same race splits the story in two (the test can fail)"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $mdb" >/dev/null 2>&1

if [ -z "$pgbench" ]; then
	ok 1 "pgbench is installed (Debian package postgresql-15)"
else
	out=$("$pgbench" -n -c 4 -j 2 -T "$secs" --random-seed="${ND_CONCURRENCY_SEED:-1}" -f "$here/track_insert.sql@3" \
		-f "$here/track_batch.sql@1" $db 2>&1); rc=$?
	ok $rc "pgbench: 4 sessions for $secs s, exit status 0" "$out"
	failures=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
	is "${failures:-0}" 0 "pgbench: no failed transaction (no deadlock, no rejected row)"
	rows=$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked WHERE story > 0")
	[ "$rows" -gt 50 ]; ok $? "pgbench inserted $rows copies"
	is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked WHERE fp IS NOT NULL AND cluster_id IS NULL")" 0 "every row has a cluster id"
	pend=$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked_cluster_pending")
	s=1; left=0
	for i in $(seq 1 100); do
		s=$(psql -X -qtA -d $db -c "SELECT neardup_settle('tracked')" 2>&1) || break
		[ "$s" = 0 ] && break
	done
	is "$s" 0 "neardup_settle settles the $pend provisional rows"
	is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT story FROM tracked_clusters JOIN tracked ON id = key WHERE story > 0 GROUP BY story HAVING count(DISTINCT tracked_clusters.cluster_id) > 1) x")" 0 \
		"every story is one cluster (resolved through the merge map)"
	is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT cluster_id FROM tracked WHERE story > 0 GROUP BY cluster_id HAVING count(DISTINCT story) > 1) x")" 0 \
		"no cluster holds two stories"
	is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked_cluster_merges a JOIN tracked_cluster_merges b ON b.from_id = a.into_id")" 0 \
		"the merge map is flat (no chain)"
	is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT story FROM tracked WHERE story < 0 GROUP BY story HAVING count(DISTINCT cluster_id) > 1) x")" 0 \
		"the 200 old rows kept one id each"
fi

# Two big transactions at once (neardup.track_bulk off, as the loader's
# workers): each writes 400 copies of the same 100 new stories and 400
# stories of its own, so most rows are beyond the lock budget and stay
# provisional, and neither saw the other's copies.  One neardup_settle
# call takes 1,000 of them (locking their band keys, as 0.3.0 did:
# ~15,000 locks, more than the shared lock table holds), two settlers then
# run at once; every story ends in one cluster.
big() {	# DB OFFSET: one transaction of 801 rows, open 2 s (its first row,
	# the only one that may wait for band keys, is of a story of its own)
	psql -X -qtA -d "$1" -c "BEGIN" -c "SET LOCAL neardup.track_bulk = off" \
		-c "INSERT INTO tracked (story, fp) VALUES (20900 + $2, fingerprint(doc(20900 + $2, 120, 0)))" \
		-c "INSERT INTO tracked (story, fp) SELECT 20000 + g % 100, fingerprint(doc(20000 + g % 100, 120, 24 + g / 100 * 4 + $2)) FROM generate_series(0, 399) g" \
		-c "INSERT INTO tracked (story, fp) SELECT 20100 + g + 400 * $2, fingerprint(doc(20100 + g + 400 * $2, 120, 0)) FROM generate_series(0, 399) g" \
		-c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null 2>&1
}
big $db 0 & sleep 0.5; big $db 1 & wait
pend=$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked_cluster_pending")
[ "$pend" -ge 1500 ]; ok $? "two concurrent 801-row transactions: $pend rows provisional"
split=$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT story FROM tracked WHERE story BETWEEN 20000 AND 20099 GROUP BY story HAVING count(DISTINCT cluster_id) > 1) x")
[ "$split" -gt 0 ]; ok $? "... and $split of the 100 stories are split before settling (the test can fail)"
out=$(psql -X -qtA -v ON_ERROR_STOP=1 -d $db -c "SELECT neardup_settle('tracked', 1000)" 2>&1)
is "$out" 1000 "one neardup_settle call settles 1,000 rows (no lock-table overflow)"
out=$( (psql -X -qtA -d $db -c "DO \$\$ BEGIN LOOP EXIT WHEN neardup_settle('tracked', 50) = 0; COMMIT; END LOOP; END \$\$" 2>&1 &
        psql -X -qtA -d $db -c "DO \$\$ BEGIN LOOP EXIT WHEN neardup_settle('tracked', 50) = 0; COMMIT; END LOOP; END \$\$" 2>&1; wait) )
ok $([ -z "$out" ]; echo $?) "two settlers at once: no error, no deadlock" "$out"
is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM tracked_cluster_pending")" 0 "... nothing left pending"
is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT story FROM tracked_clusters JOIN tracked ON id = key WHERE story >= 20000 GROUP BY story HAVING count(DISTINCT tracked_clusters.cluster_id) > 1) x")" 0 \
	"... every one of the 100 stories is one cluster"
is "$(psql -X -qtA -d $db -c "SELECT count(*) FROM (SELECT tracked_clusters.cluster_id FROM tracked_clusters JOIN tracked ON id = key WHERE story >= 20000 GROUP BY 1 HAVING count(DISTINCT story) > 1) x")" 0 \
	"... and no cluster holds two of them"
[ -n "${ND_CONCURRENCY_KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
echo "1..$n"
echo "track concurrency: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
