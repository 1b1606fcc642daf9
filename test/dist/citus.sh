#!/usr/bin/env bash
# test/dist/citus.sh -- neardup on Citus: a coordinator and two workers
# (three throwaway clusters on ports ND_PGPORT + 6 .. + 8, loopback only,
# shared_preload_libraries = citus), the articles distributed by id in 8
# shards, compared with the same rows in a plain table:
#   - fp % / <% / %> at_least(q, t) give the single node's rows while the
#     coordinator's GUC says otherwise (the workers get the threshold from
#     the query);
#   - UPDATE and DELETE ... WHERE fp % at_least(q, t) are accepted and
#     change the single node's rows;
#   - top-10 by <-> (pushed to every shard and merged) = the single node;
#   - the clustering recipe of the README = duplicate_clusters on one node.
# Citus is not a dependency of neardup and CI has none: without citus.so
# in the server's library directory this prints "skipped: Citus not
# installed" and one skipped check.  Prints TAP, last line
# "citus: N passed, M failed".
source "$(dirname "$0")/../../tools/lib.sh"
set +e
source "$(dirname "$0")/../install/lib.sh"
source "$(dirname "$0")/lib.sh"
export PGUSER=postgres
# is_same GOT EXPECTED NAME: is, and the expected answer is not empty.
is_same() { if [ -z "$2" ] || [ "$2" = 0 ]; then ok 1 "$3" "expected answer is empty: the check would be vacuous"; else is "$1" "$2" "$3"; fi; }

if [ ! -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; then
	echo "skipped: Citus not installed"
	echo "ok 1 - Citus tests # SKIP Citus not installed"
	echo "1..1"
	echo "citus: 0 passed, 0 failed (skipped: Citus not installed)"
	exit 0
fi

base="$ND_BUILD/pg-citus"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ND_BUILD" 2>/dev/null; then
	base=$(mktemp -d /tmp/neardup-pg-citus.XXXXXX)
fi
shard_port0=$((ND_PGPORT + 6))
[ -n "${ND_KEEP:-}" ] || trap 'stop_shards; case "$base" in /tmp/neardup-pg-citus.*) rm -rf "$base" ;; esac' EXIT
start_shards 3 "$base" $shard_port0 "-c shared_preload_libraries=citus -c max_prepared_transactions=20"

db=cit
for i in 1 2 3; do
	psql -X -q -h "$base/sock" -p $((shard_port0 + i - 1)) -d postgres -c "CREATE DATABASE $db" >/dev/null
	on_shard $i $db "CREATE EXTENSION citus; CREATE EXTENSION neardup" >/dev/null 2>"$base/err"
	ok $? "node $i: citus and neardup installed" "$(cat "$base/err")"
done
# the coordinator is node 1
c() { on_shard 1 $db "$1"; }
c "SELECT citus_set_coordinator_host('$base/sock', $shard_port0);
	SELECT citus_add_node('$base/sock', $((shard_port0 + 1)));
	SELECT citus_add_node('$base/sock', $((shard_port0 + 2)))" >/dev/null 2>"$base/err"
ok $? "coordinator with two workers" "$(cat "$base/err")"
psql -X -qtA -v ON_ERROR_STOP=1 -h "$base/sock" -p $shard_port0 -d $db >/dev/null 2>"$base/err" <<SQL
CREATE SCHEMA gen;
\set doc_schema gen
\i $root/test/sql/docs.sql
CREATE TABLE single (id bigint PRIMARY KEY, body text NOT NULL, fp fingerprint NOT NULL, hit boolean DEFAULT false);
INSERT INTO single (id, body, fp)
	SELECT id, body, fingerprint(body) FROM (
	SELECT g AS id, gen.doc(g, 40 + g % 200, 0) AS body FROM generate_series(1, 300) g
	UNION ALL SELECT 1000 + g, gen.doc(g, 40 + g % 200, 20) FROM generate_series(1, 120) g
	UNION ALL SELECT 2000 + g, gen.doc(g, 40 + g % 200, 10) FROM generate_series(1, 80) g
	UNION ALL SELECT 3000 + g, gen.doc(g, 40 + g % 200, 6) FROM generate_series(1, 60) g
	UNION ALL SELECT 4000 + g, gen.doc(7, 120, 0) FROM generate_series(1, 20) g
	UNION ALL SELECT 5000 + g, gen.doc(g, 60, 0) || ' ' || gen.doc(g + 7000, 240, 0) FROM generate_series(2, 40, 2) g
	UNION ALL SELECT 6000 + g, gen.doc(7, 30 + 2 * g, 0) FROM generate_series(1, 20) g) s;
CREATE TABLE articles (id bigint PRIMARY KEY, body text NOT NULL, fp fingerprint NOT NULL, hit boolean DEFAULT false);
SELECT create_distributed_table('articles', 'id', shard_count => 8);
INSERT INTO articles SELECT * FROM single;
CREATE INDEX ON articles USING gin (fp);
CREATE INDEX ON single USING gin (fp);
SQL
ok $? "articles distributed by id in 8 shards, 620 rows, GIN on every shard" "$(cat "$base/err")"
is "$(c "SELECT count(*) FROM articles")" 620 "620 rows through the coordinator"

ids() { c "$1" | tr '\n' ,; }
for qid in 14 1003 4001 5010; do
	lit=$(c "SELECT fp::text FROM single WHERE id = $qid")
	for op in '%' '<%' '%>'; do
		for t in 0.2 0.5; do
			b=$(ids "SELECT id FROM single WHERE fp $op at_least('$lit', $t) ORDER BY id")
			a=$(ids "SET neardup.similarity_threshold = 0.99; SET neardup.containment_threshold = 0.99;
				SELECT id FROM articles WHERE fp $op at_least('$lit', $t) ORDER BY id")
			is_same "$a" "$b" "query $qid: fp $op at_least(q, $t) on 8 shards = single node ($b) with the coordinator's GUCs at 0.99"
		done
	done
	b=$(ids "SELECT id || ':' || round((fp <-> '$lit')::numeric, 6) FROM single ORDER BY fp <-> '$lit', id LIMIT 10")
	a=$(ids "SELECT id || ':' || round((fp <-> '$lit')::numeric, 6) FROM articles ORDER BY fp <-> '$lit', id LIMIT 10")
	is_same "$a" "$b" "query $qid: top-10 by <-> on 8 shards = single node"
done

lit=$(c "SELECT fp::text FROM single WHERE id = 7")
c "UPDATE articles SET hit = true WHERE fp % at_least('$lit', 0.5)" >/dev/null 2>"$base/err"
ok $? "UPDATE ... WHERE fp % at_least(q, 0.5) on a distributed table is accepted" "$(cat "$base/err")"
c "UPDATE single SET hit = true WHERE fp % at_least('$lit', 0.5)" >/dev/null
is_same "$(ids "SELECT id FROM articles WHERE hit ORDER BY id")" "$(ids "SELECT id FROM single WHERE hit ORDER BY id")" "UPDATE: the rows the single node updates"
lit=$(c "SELECT fp::text FROM single WHERE id = 1009")
a=$(c "DELETE FROM articles WHERE fp % at_least('$lit', 0.5) RETURNING id" | sort -n | tr '\n' ,)
b=$(c "DELETE FROM single WHERE fp % at_least('$lit', 0.5) RETURNING id" | sort -n | tr '\n' ,)
is_same "$a" "$b" "DELETE ... WHERE fp % at_least(q, 0.5): the rows the single node deletes ($b)"

for t in 0.3 0.5 0.8; do
	a=$( { recipe_sql articles $t; } | psql -X -qtA -v ON_ERROR_STOP=1 -h "$base/sock" -p $shard_port0 -d $db 2>&1 | md5sum)
	b=$(c "SELECT key, cluster_id, is_representative, similarity, cluster_size FROM duplicate_clusters('single', 'id', 'fp', $t)" | md5sum)
	ncl=$(c "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters('single', 'id', 'fp', $t)")
	is "$a" "$b" "clusters at $t on 8 shards (recipe) = duplicate_clusters on the single node ($ncl clusters)"
done
for args in "0.5 0.5 first" "0.5 0.5 longest" "0.3 0.8 longest" "0.8 0.3 first"; do
	read -r t ct rep <<<"$args"
	a=$( { recipe_sql articles $t "" $ct $rep; } | psql -X -qtA -v ON_ERROR_STOP=1 -h "$base/sock" -p $shard_port0 -d $db 2>&1 | md5sum)
	b=$(c "SELECT key, cluster_id, is_representative, similarity, cluster_size FROM duplicate_clusters('single', 'id', 'fp', $t, $ct, '$rep')" | md5sum)
	ncl=$(c "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters('single', 'id', 'fp', $t, $ct, '$rep')")
	is "$a" "$b" "clusters at $t, containment $ct, representative $rep on 8 shards (recipe) = duplicate_clusters on the single node ($ncl clusters)"
done
finish citus
