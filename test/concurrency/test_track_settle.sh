#!/usr/bin/env bash
# test/concurrency/test_track_settle.sh -- neardup_settle chooses the
# rows it checks among those committed before its wait for the writers
# in progress (issue 15, 0.6.0).  A row committed while settle waits may
# have a concurrent writer that settle's wait does not cover (one that
# starts after the wait), so that call must leave it for the next one.
#
# Three sessions, ordered by polling pg_locks and pg_stat_activity, not by
# sleeping, so the interleaving is the same on a slow machine:
#   Y  inserts a copy of story Z (its first row: final), keeps its
#      transaction open, commits once X's provisional row is committed;
#   X  inserts a row of its own, then another copy of Z, whose band key Y
#      holds: provisional (pending); commits once settle is waiting;
#   S  neardup_settle(), with one old row pending (committed before it
#      starts, so it has a row to take and waits for X and Y).
# 0.6.0's first call returns 1 (the old row; X's row was not committed
# when it chose) and leaves Z in two clusters; the next call merges them.
# 0.5.0's settle (CREATE EXTENSION neardup VERSION '0.5.0') chooses after
# its wait, takes X's row too and returns 2: the mutant, so the test can
# fail.  Needs a
# running server (PGHOST/PGPORT/PGUSER).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
source "$here/track_lib.sh"


# until DB SQL: polls (fresh connections, so fresh statistics) until the
# query returns t, at most 60 s
until_true() {
	local i
	for i in $(seq 1 600); do
		[ "$(psql -X -qtA -d "$1" -c "$2" 2>/dev/null)" = t ] && return 0
		sleep 0.1
	done
	return 1
}

# a DO block that waits, inside an open transaction, until SQL is true
# (pg_locks and each statement's snapshot are read afresh; at most 60 s)
gate() {
	echo "DO \$\$ BEGIN FOR i IN 1 .. 600 LOOP EXIT WHEN ($1); PERFORM pg_sleep(0.1); END LOOP; END \$\$"
}

# run DB: the three sessions; prints "first_call pending clusters_of_Z
# second_call clusters_of_Z_after"
run() {
	local db=$1 first
	# an old row marked pending, committed before settle starts: the one
	# row its first call should take
	psql -X -qtA -d "$db" -c "INSERT INTO tracked_cluster_pending (key) SELECT id FROM tracked WHERE story = -1" >/dev/null
	PGAPPNAME=nd_y psql -X -qtA -d "$db" -c "BEGIN" \
		-c "INSERT INTO tracked (story, fp) VALUES (0, fingerprint(doc(19101, 150, 20)))" \
		-c "$(gate "EXISTS (SELECT 1 FROM tracked_cluster_pending p JOIN tracked t ON t.id = p.key WHERE t.story = 0)")" -c "COMMIT" >/dev/null 2>&1 &
	until_true "$db" "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'nd_y' AND wait_event = 'PgSleep')" ||
		echo "Y did not reach its wait" >>"$order"
	PGAPPNAME=nd_x psql -X -qtA -d "$db" -c "BEGIN" \
		-c "INSERT INTO tracked (story, fp) VALUES (1, fingerprint(doc(19102, 150, 0)))" \
		-c "INSERT INTO tracked (story, fp) VALUES (0, fingerprint(doc(19101, 150, 25)))" \
		-c "$(gate "EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND NOT granted)")" \
		-c "COMMIT" >/dev/null 2>&1 &
	until_true "$db" "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'nd_x' AND wait_event = 'PgSleep')" ||
		echo "X did not reach its wait" >>"$order"
	first=$(psql -X -qtA -d "$db" -c "SELECT neardup_settle('tracked')" 2>&1)
	wait
	# X commits once settle waits, Y once X's row is committed: both gates
	# must have opened before their 60 s limit
	[ "$(psql -X -qtA -d "$db" -c "SELECT count(*) FROM tracked WHERE story IN (0, 1)")" = 3 ] ||
		echo "X or Y did not commit" >>"$order"
	echo "$first" \
		"$(psql -X -qtA -d "$db" -c "SELECT count(*) FROM tracked_cluster_pending")" \
		"$(psql -X -qtA -d "$db" -c "SELECT count(DISTINCT tracked_clusters.cluster_id) FROM tracked_clusters JOIN tracked ON id = key WHERE story = 0")" \
		"$(psql -X -qtA -d "$db" -c "SELECT neardup_settle('tracked')" 2>&1)" \
		"$(psql -X -qtA -d "$db" -c "SELECT count(DISTINCT tracked_clusters.cluster_id) FROM tracked_clusters JOIN tracked ON id = key WHERE story = 0")"
}

order=$(mktemp); trap 'rm -f "$order"' EXIT
db=neardup_track_settle
out=$(track_setup $db); ok $? "setup: tracked table of 200 rows" "$out"
set -- $(run $db)
is "$(cat "$order")" "" "the three sessions reached their steps in order"
is "${1:-}" 1 "settle takes the row committed before it started, not the one committed while it waited for the writers"
is "${2:-}" 1 "... that row is still pending"
is "${3:-}" 2 "... and its story is still two clusters"
is "${4:-}" 1 "the next call settles it"
is "${5:-}" 1 "... and the story is one cluster"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1

mdb=neardup_track_settle_050
out=$(track_setup $mdb 0.5.0); ok $? "mutant setup: extension version 0.5.0 (its settle chooses after the wait)" "$out"
: >"$order"; set -- $(run $mdb)
is "$(cat "$order")" "" "mutant: the three sessions reached their steps in order"
is "${1:-}" 2 "mutant 0.5.0: the first call takes the row committed while it waited too (the test can fail)"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $mdb" >/dev/null 2>&1
echo "1..$n"
echo "track settle: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
