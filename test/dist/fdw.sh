#!/usr/bin/env bash
# test/dist/fdw.sh -- neardup over postgres_fdw: an articles table
# partitioned by hash of id across two foreign servers (two throwaway
# clusters this script starts on ports ND_PGPORT + 4 and + 5, loopback
# only: a private socket directory, no TCP), whose server definitions list
# neardup in `extensions`; the coordinator is the suite's own server
# (PGHOST/PGPORT, as tools/test sets them).  Checks that
#   - fp % / <% / %> at_least(q, t) are pushed down (EXPLAIN VERBOSE shows
#     the operator in Remote SQL) and give the single node's rows;
#   - the GUC forms are not pushed down (they are STABLE), and still give
#     the single node's rows when the shards' GUC agrees;
#   - top-k per partition (ORDER BY <-> LIMIT k pushed to each shard),
#     merged, gives the single node's top-k;
#   - the clustering recipe of the README (cluster_band_keys computed on
#     the shards, connected_components on the coordinator) gives exactly
#     duplicate_clusters of the same rows on one node;
#   - UPDATE and DELETE ... WHERE fp % at_least(q, t) through the
#     partitioned table change the rows the single node changes.
# Prints TAP, last line "fdw: N passed, M failed".
source "$(dirname "$0")/../../tools/lib.sh"
set +e
source "$(dirname "$0")/../install/lib.sh"
source "$(dirname "$0")/lib.sh"
# is_same GOT EXPECTED NAME: is, and the expected answer is not empty.
is_same() { if [ -z "$2" ] || [ "$2" = 0 ]; then ok 1 "$3" "expected answer is empty: the check would be vacuous"; else is "$1" "$2" "$3"; fi; }

base="$ND_BUILD/pg-fdw"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$ND_BUILD" 2>/dev/null; then
	base=$(mktemp -d /tmp/neardup-pg-fdw.XXXXXX)
fi
shard_port0=$((ND_PGPORT + 4))
[ -n "${ND_KEEP:-}" ] || trap 'stop_shards; case "$base" in /tmp/neardup-pg-fdw.*) rm -rf "$base" ;; esac' EXIT
start_shards 2 "$base" $shard_port0

db=neardup_fdw
for i in 1 2; do
	psql -X -q -h "$base/sock" -p $((shard_port0 + i - 1)) -d postgres -c "CREATE DATABASE shard" >/dev/null
	on_shard $i shard "CREATE EXTENSION neardup;
		CREATE TABLE articles_p$i (id bigint PRIMARY KEY, body text NOT NULL, fp fingerprint NOT NULL);
		CREATE INDEX ON articles_p$i USING gin (fp);
		CREATE INDEX ON articles_p$i USING gist (fp);" >/dev/null 2>"$base/err"
	ok $? "shard $i: neardup, table articles_p$i with GIN and GiST indexes" "$(cat "$base/err")"
done

newdb $db
qs $db >/dev/null 2>"$base/err" <<SQL
CREATE EXTENSION neardup;
CREATE EXTENSION postgres_fdw;
CREATE SCHEMA gen;
\set doc_schema gen
\i $root/test/sql/docs.sql
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '$base/sock', port '$shard_port0', dbname 'shard', extensions 'neardup');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host '$base/sock', port '$((shard_port0 + 1))', dbname 'shard', extensions 'neardup');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');
CREATE TABLE articles (id bigint NOT NULL, body text NOT NULL, fp fingerprint NOT NULL) PARTITION BY HASH (id);
CREATE FOREIGN TABLE articles_p1 PARTITION OF articles FOR VALUES WITH (MODULUS 2, REMAINDER 0)
	SERVER shard1 OPTIONS (table_name 'articles_p1');
CREATE FOREIGN TABLE articles_p2 PARTITION OF articles FOR VALUES WITH (MODULUS 2, REMAINDER 1)
	SERVER shard2 OPTIONS (table_name 'articles_p2');
-- the single node: the same rows in one local table
CREATE TABLE single (id bigint PRIMARY KEY, body text NOT NULL, fp fingerprint NOT NULL);
INSERT INTO single (id, body, fp)
	SELECT id, body, fingerprint(body) FROM (
	SELECT g AS id, gen.doc(g, 40 + g % 200, 0) AS body FROM generate_series(1, 300) g
	UNION ALL SELECT 1000 + g, gen.doc(g, 40 + g % 200, 20) FROM generate_series(1, 120) g
	UNION ALL SELECT 2000 + g, gen.doc(g, 40 + g % 200, 10) FROM generate_series(1, 80) g
	UNION ALL SELECT 3000 + g, gen.doc(g, 40 + g % 200, 6) FROM generate_series(1, 60) g
	UNION ALL SELECT 4000 + g, gen.doc(7, 120, 0) FROM generate_series(1, 20) g
	UNION ALL SELECT 5000 + g, gen.doc(g, 60, 0) || ' ' || gen.doc(g + 7000, 240, 0) FROM generate_series(2, 40, 2) g
	UNION ALL SELECT 6000 + g, gen.doc(7, 30 + 2 * g, 0) FROM generate_series(1, 20) g) s;
CREATE INDEX ON single USING gin (fp);
CREATE INDEX ON single USING gist (fp);
INSERT INTO articles SELECT * FROM single;
ANALYZE single;
SQL
ok $? "coordinator: postgres_fdw servers with extensions 'neardup', articles partitioned across them, single-node copy" "$(cat "$base/err")"
is "$(q $db "SELECT (SELECT count(*) FROM articles_p1) > 200 AND (SELECT count(*) FROM articles_p2) > 200, (SELECT count(*) FROM articles)")" "t|620" "620 rows, both shards hold a share"
for i in 1 2; do on_shard $i shard "ANALYZE" >/dev/null; done

# at_least is pushed down: the operator appears in Remote SQL
plan=$(q $db "EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM articles WHERE fp % at_least((SELECT fp FROM single WHERE id = 5), 0.3)")
n_remote=$(grep -c 'Remote SQL: .* WHERE ((fp OPERATOR(public.%) public.at_least(\$1::public.fingerprint, 0.3::real)))' <<<"$plan")
is "$n_remote" 2 "fp % at_least(q, 0.3): both shards' Remote SQL has WHERE fp OPERATOR(public.%) public.at_least(\$1, 0.3)"
[ "$n_remote" = 2 ] || printf '%s\n' "$plan" | sed 's/^/#   /' | cut -c1-200
lit=$(q $db "SELECT fp::text FROM single WHERE id = 5")
plan=$(q $db "EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM articles WHERE fp <% at_least('$lit', 0.5)")
is "$(grep -c "Remote SQL: .* WHERE ((fp OPERATOR(public.<%) '0.5@1:" <<<"$plan")" 2 "fp <% at_least(literal, 0.5): the constant query ships as a fingerprint_query literal"
plan=$(q $db "PREPARE p(fingerprint, real) AS SELECT id FROM articles WHERE fp %> at_least(\$1, \$2);
	SET plan_cache_mode = force_generic_plan; EXPLAIN (VERBOSE, COSTS OFF) EXECUTE p('$lit', 0.5)")
is "$(grep -c 'Remote SQL: .* WHERE ((fp OPERATOR(public.%>) public.at_least(\$1::public.fingerprint, \$2::real)))' <<<"$plan")" 2 "prepared fp %> at_least(\$1, \$2), generic plan: the parameters ship"
plan=$(q $db "SET neardup.similarity_threshold = 0.3; EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM articles WHERE fp % (SELECT fp FROM single WHERE id = 5)")
is "$(grep 'Remote SQL' <<<"$plan" | grep -c 'OPERATOR')" 0 "the GUC form fp % q is STABLE: never in Remote SQL (every row crosses)"

# the same rows as the single node, at several thresholds
cmp_rows() {	# cmp_rows OP T
	q $db "SELECT count(*) FROM single q, LATERAL (SELECT id FROM articles d WHERE d.fp $1 at_least(q.fp, $2)) s WHERE q.id % 7 = 0;
		SELECT md5(string_agg(q.id || ':' || s.id, ',' ORDER BY q.id, s.id)) FROM single q,
			LATERAL (SELECT id FROM articles d WHERE d.fp $1 at_least(q.fp, $2)) s WHERE q.id % 7 = 0"
}
cmp_single() {
	q $db "SELECT count(*) FROM single q, LATERAL (SELECT id FROM single d WHERE d.fp $1 at_least(q.fp, $2)) s WHERE q.id % 7 = 0;
		SELECT md5(string_agg(q.id || ':' || s.id, ',' ORDER BY q.id, s.id)) FROM single q,
			LATERAL (SELECT id FROM single d WHERE d.fp $1 at_least(q.fp, $2)) s WHERE q.id % 7 = 0"
}
for op in '%' '<%' '%>'; do
	for t in 0.3 0.5 0.8; do
		a=$(cmp_rows "$op" $t); b=$(cmp_single "$op" $t)
		is_same "$a" "$b" "fp $op at_least(q, $t) over 2 shards = single node ($(head -1 <<<"$b") pairs for 86 queries)"
	done
done
# seq scan on the single node vs GIN on the shards at 0.5 (well away from the data)
a=$(q $db "SET enable_seqscan = off; SELECT string_agg(id::text, ',' ORDER BY id) FROM articles WHERE fp % at_least((SELECT fp FROM single WHERE id = 14), 0.5)")
b=$(q $db "SET enable_indexscan = off; SET enable_bitmapscan = off; SELECT string_agg(id::text, ',' ORDER BY id) FROM single WHERE fp % at_least((SELECT fp FROM single WHERE id = 14), 0.5)")
is_same "$a" "$b" "one query at 0.5: shards = single node's sequential scan ($b)"
remote_plan=$(on_shard 1 shard "SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM articles_p1 WHERE fp OPERATOR(public.%) at_least((SELECT fp FROM articles_p1 LIMIT 1), 0.5)")
is "$(grep -c 'Bitmap Index Scan on articles_p1_fp_idx' <<<"$remote_plan")" 1 "the shard answers the shipped operator through its GIN index"
# the shards' own GUC does not matter to at_least
a=$(q $db "ALTER SERVER shard1 OPTIONS (ADD options '-c neardup.similarity_threshold=0.99');
	SELECT string_agg(id::text, ',' ORDER BY id) FROM articles WHERE fp % at_least((SELECT fp FROM single WHERE id = 14), 0.5)")
is_same "$a" "$b" "with neardup.similarity_threshold = 0.99 on shard 1, at_least(q, 0.5) still = single node"
a=$(q $db "SET neardup.similarity_threshold = 0.5; SELECT string_agg(id::text, ',' ORDER BY id) FROM articles WHERE fp % (SELECT fp FROM single WHERE id = 14)")
is_same "$a" "$b" "the GUC form, evaluated on the coordinator, agrees too (but reads every row)"
q $db "ALTER SERVER shard1 OPTIONS (DROP options)" >/dev/null

# top-k: ORDER BY <-> LIMIT k pushed to each shard, merged on the coordinator
topk_sql="SELECT id, round((d)::numeric, 6) FROM (
	(SELECT a.id, a.fp <-> (SELECT fp FROM single WHERE id = QID) AS d FROM articles_p1 a
	  ORDER BY a.fp <-> (SELECT fp FROM single WHERE id = QID), a.id LIMIT 10)
	UNION ALL
	(SELECT a.id, a.fp <-> (SELECT fp FROM single WHERE id = QID) AS d FROM articles_p2 a
	  ORDER BY a.fp <-> (SELECT fp FROM single WHERE id = QID), a.id LIMIT 10)) s
	ORDER BY d, id LIMIT 10"
plan=$(q $db "EXPLAIN (VERBOSE, COSTS OFF) ${topk_sql//QID/14}")
is "$(grep -c 'Remote SQL: .*ORDER BY (fp OPERATOR(public.<->) \$[0-9]*::public.fingerprint) ASC NULLS LAST, id ASC NULLS LAST LIMIT 10::bigint$' <<<"$plan")" 2 "top-10: each shard's Remote SQL orders by <-> and has LIMIT 10"
[ "$(grep -c 'LIMIT 10' <<<"$plan")" -ge 2 ] || printf '%s\n' "$plan" | grep Remote | sed 's/^/#   /' | cut -c1-300
for qid in 14 1003 4001 5010; do
	a=$(q $db "${topk_sql//QID/$qid}" | tr '\n' ' ')
	b=$(q $db "SELECT a.id, round((a.fp <-> q.fp)::numeric, 6) FROM single a, (SELECT fp FROM single WHERE id = $qid) q ORDER BY a.fp <-> q.fp, a.id LIMIT 10" | tr '\n' ' ')
	is_same "$a" "$b" "top-10 of query $qid, per shard and merged = single node"
done
a=$(q $db "SELECT string_agg(id::text, ',' ORDER BY d, id) FROM (SELECT a.id, a.fp <-> q.fp AS d FROM articles a, (SELECT fp FROM single WHERE id = 1003) q
	WHERE a.fp % at_least(q.fp, 0.05) ORDER BY a.fp <-> q.fp, a.id LIMIT 10) s")
b=$(q $db "SELECT string_agg(id::text, ',' ORDER BY d, id) FROM (SELECT a.id, a.fp <-> q.fp AS d FROM single a, (SELECT fp FROM single WHERE id = 1003) q
	WHERE a.fp % at_least(q.fp, 0.05) ORDER BY a.fp <-> q.fp, a.id LIMIT 10) s")
is_same "$a" "$b" "top-10 among fp % at_least(q, 0.05) through the partitioned table = single node"

# clustering across the shards: the recipe vs duplicate_clusters on one node
# postgres_fdw ships only columns from a plain scan, so the band keys are
# computed on the shards by a view there, read as a partitioned foreign table
# (article_keys; article_lkeys: the 255 keys of the containment pass)
for i in 1 2; do
	on_shard $i shard "CREATE VIEW article_keys_p$i AS SELECT id, cluster_band_keys(fp) AS ks FROM articles_p$i;
		CREATE VIEW article_lkeys_p$i AS SELECT id, cluster_band_keys(fp, true) AS ks FROM articles_p$i" >/dev/null
done
for k in keys lkeys; do
	q $db "CREATE TABLE article_$k (id bigint, ks bigint[]) PARTITION BY HASH (id);
		CREATE FOREIGN TABLE article_${k}_p1 PARTITION OF article_$k FOR VALUES WITH (MODULUS 2, REMAINDER 0)
			SERVER shard1 OPTIONS (table_name 'article_${k}_p1');
		CREATE FOREIGN TABLE article_${k}_p2 PARTITION OF article_$k FOR VALUES WITH (MODULUS 2, REMAINDER 1)
			SERVER shard2 OPTIONS (table_name 'article_${k}_p2')" >/dev/null 2>"$base/err"
	ok $? "coordinator: article_$k, foreign partitions over the shards' band-key views" "$(cat "$base/err")"
done
plan=$( { recipe_sql articles 0.5 article_keys | awk '{print} /;$/ {exit}' | sed 's/^CREATE TEMP TABLE edges AS/EXPLAIN (VERBOSE, COSTS OFF)/'; } | qs $db 2>&1)
is "$(grep -c 'Remote SQL: SELECT id, ks FROM public.article_keys_p[12]$' <<<"$plan")" 2 "the recipe reads band keys computed on the shards, not fingerprints"
for t in 0.3 0.5 0.8; do
	a=$( { recipe_sql articles $t article_keys; } | qs $db 2>&1 | md5sum)
	b=$(q $db "SELECT key, cluster_id, is_representative, similarity, cluster_size FROM duplicate_clusters('single', 'id', 'fp', $t)" | md5sum)
	c=$(q $db "SELECT key, cluster_id, is_representative, similarity, cluster_size FROM duplicate_clusters('articles', 'id', 'fp', $t)" | md5sum)
	ncl=$(q $db "SELECT count(DISTINCT cluster_id) || ' clusters, ' || count(*) FILTER (WHERE cluster_size > 1) || ' rows in clusters of 2 or more' FROM duplicate_clusters('single', 'id', 'fp', $t)")
	is "$a" "$b" "clusters at $t across 2 shards (recipe) = duplicate_clusters on the single node ($ncl)"
	is "$c" "$b" "duplicate_clusters on the partitioned foreign table itself = single node at $t"
done
# containment links and representative 'longest' (a bucket of 20 copies
# and 20 excerpts of them: containment in buckets above 16 rows)
for args in "0.5 0.5 first" "0.5 0.5 longest" "0.3 0.8 longest" "0.8 0.3 first"; do
	read -r t ct rep <<<"$args"
	a=$( { recipe_sql articles $t article_keys $ct $rep article_lkeys; } | qs $db 2>&1 | md5sum)
	b=$(q $db "SELECT key, cluster_id, is_representative, similarity, cluster_size FROM duplicate_clusters('single', 'id', 'fp', $t, $ct, '$rep')" | md5sum)
	ncl=$(q $db "SELECT count(DISTINCT cluster_id) FROM duplicate_clusters('single', 'id', 'fp', $t, $ct, '$rep')")
	is "$a" "$b" "clusters at $t, containment $ct, representative $rep across 2 shards (recipe) = duplicate_clusters on the single node ($ncl clusters)"
done

# UPDATE and DELETE through the partitioned table
q $db "ALTER TABLE single ADD COLUMN hit boolean DEFAULT false" >/dev/null
for i in 1 2; do on_shard $i shard "ALTER TABLE articles_p$i ADD COLUMN hit boolean DEFAULT false" >/dev/null; done
q $db "ALTER TABLE articles ADD COLUMN hit boolean DEFAULT false" >/dev/null 2>"$base/err"
ok $? "hit column on the coordinator's partitioned table" "$(cat "$base/err")"
plan=$(q $db "EXPLAIN (VERBOSE, COSTS OFF) UPDATE articles SET hit = true WHERE fp % at_least((SELECT fp FROM single WHERE id = 7), 0.5)")
is "$(grep -c 'Remote SQL: UPDATE public.articles_p[12] SET hit = true WHERE ((fp OPERATOR(public.%) public.at_least(\$1::public.fingerprint, 0.5::real)))$' <<<"$plan")" 2 "UPDATE ... WHERE fp % at_least(q, 0.5) runs as one remote UPDATE per shard"
q $db "UPDATE articles SET hit = true WHERE fp % at_least((SELECT fp FROM single WHERE id = 7), 0.5);
	UPDATE single SET hit = true WHERE fp % at_least((SELECT fp FROM single WHERE id = 7), 0.5)" >/dev/null
is_same "$(q $db "SELECT string_agg(id::text, ',' ORDER BY id) FROM articles WHERE hit")" "$(q $db "SELECT string_agg(id::text, ',' ORDER BY id) FROM single WHERE hit")" "UPDATE: the rows the single node updates"
a=$(q $db "DELETE FROM articles WHERE fp % at_least((SELECT fp FROM single WHERE id = 1009), 0.5) RETURNING id" | sort -n | tr '\n' ,)
b=$(q $db "DELETE FROM single WHERE fp % at_least((SELECT fp FROM single WHERE id = 1009), 0.5) RETURNING id" | sort -n | tr '\n' ,)
is_same "$a" "$b" "DELETE ... WHERE fp % at_least(q, 0.5): the rows the single node deletes ($b)"
is "$(q $db "SELECT count(*) FROM articles")" "$(q $db "SELECT count(*) FROM single")" "row counts agree after the DELETE"

[ -n "${ND_KEEP:-}" ] || dropdb_ $db
finish fdw
