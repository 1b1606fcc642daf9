# test/dist/lib.sh -- what the sharding suites share (sourced after
# tools/lib.sh and test/install/lib.sh): throwaway shard servers, the
# generated articles, and the README's clustering recipe as SQL.
#
# start_shards N BASE PORT0: initdb and start N servers (loopback only: no
# TCP, a private socket directory BASE/sock; as the postgres user when run
# as root) on ports PORT0 .. PORT0+N-1, data in BASE/shardI; stop_shards
# stops them.  The caller sets a trap that calls stop_shards.
shard_base=""; shard_n=0
stop_shards() {
	local i
	for ((i = 1; i <= shard_n; i++)); do
		[ -f "$shard_base/shard$i/postmaster.pid" ] &&
			nd_as_owner "$ND_PGBIN/pg_ctl" -D "$shard_base/shard$i" -m fast -w stop >/dev/null 2>&1
	done
	return 0
}
start_shards() {	# start_shards N BASE PORT0 [extra postgres options]
	local i port
	shard_n=$1; shard_base=$2
	stop_shards; rm -rf "$shard_base"; mkdir -p "$shard_base/sock"
	[ "$(id -u)" -eq 0 ] && chown -R postgres: "$shard_base"
	for ((i = 1; i <= shard_n; i++)); do
		port=$(($3 + i - 1))
		nd_as_owner "$ND_PGBIN/initdb" -D "$shard_base/shard$i" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$shard_base/initdb$i.log" 2>&1
		ok $? "initdb of shard $i" "$(cat "$shard_base/initdb$i.log")"
		nd_as_owner "$ND_PGBIN/pg_ctl" -D "$shard_base/shard$i" -l "$shard_base/shard$i.log" -w -t 60 \
			-o "-p $port -k $shard_base/sock -c listen_addresses='' -c fsync=off ${4:-}" start >/dev/null
		ok $? "shard $i started on port $port, socket $shard_base/sock" "$(tail "$shard_base/shard$i.log")"
	done
}
# on_shard I DB SQL: one query on shard I (q's output).
on_shard() { psql -X -qtA -v ON_ERROR_STOP=1 -h "$shard_base/sock" -p $((shard_port0 + $1 - 1)) -d "$2" -c "$3"; }

# The recipe of README "Clustering a sharded table" for table REL (columns
# id, fp) at similarity threshold T, as one SQL script whose last statement
# returns duplicate_clusters' columns; KEYS, if given (not empty), is a
# relation (id, ks) of the band keys computed elsewhere (on the shards);
# CT, if given, the containment threshold (containment links); REP 'first'
# (default) or 'longest'; LKEYS the relation (id, ks) of the keys of
# cluster_band_keys(fp, true), for CT.  The temp tables it fills: edges,
# simcomp, links.
recipe_sql() {	# recipe_sql REL T [KEYS] [CT] [REP] [LKEYS]
	local rel=$1 t=$2 keys=${3:-} ct=${4:-} rep=${5:-first} lkeys=${6:-} order
	[ -n "$keys" ] || keys="(SELECT id, cluster_band_keys(fp) AS ks FROM $rel)"
	[ -n "$lkeys" ] || lkeys="(SELECT id, cluster_band_keys(fp, true) AS ks FROM $rel)"
	order="component, id"; [ "$rep" = longest ] && order="component, len DESC, id"
	cat <<SQL
CREATE TEMP TABLE edges AS
WITH buckets AS MATERIALIZED (
	SELECT array_agg(s.id ORDER BY s.id) AS ids
	  FROM $keys s, unnest(s.ks) AS k(band_key)
	 GROUP BY k.band_key HAVING count(*) > 1
), candidates AS MATERIALIZED (
	SELECT DISTINCT ids[i] AS a, ids[j] AS b
	  FROM buckets, generate_series(1, cardinality(ids)) i, generate_series(i + 1, cardinality(ids)) j
	 WHERE cardinality(ids) <= 16
), half AS MATERIALIZED (
	SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN $rel x ON x.id = c.a
), members AS MATERIALIZED (
	SELECT b.bucket, m.ord, m.id
	  FROM (SELECT row_number() OVER () AS bucket, ids FROM buckets WHERE cardinality(ids) > 16) b,
	       unnest(b.ids) WITH ORDINALITY AS m(id, ord)
), big AS MATERIALIZED (
	SELECT m.bucket, m.ord, m.id, x.fp FROM members m JOIN $rel x ON x.id = m.id
)
SELECT h.a, h.b FROM half h JOIN $rel y ON y.id = h.b
 WHERE y.fp % at_least(h.a_fp, $t)
UNION ALL
SELECT e.a, e.b
  FROM (SELECT array_agg(id ORDER BY ord) AS ids, array_agg(fp ORDER BY ord) AS fps FROM big GROUP BY bucket) g,
       cluster_bucket_edges(g.ids, g.fps, $t) e;
SQL
	if [ -n "$ct" ]; then
		cat <<SQL
CREATE TEMP TABLE simcomp AS SELECT node AS id, component FROM connected_components('TABLE edges');
CREATE TEMP TABLE links AS
WITH buckets AS MATERIALIZED (
	SELECT array_agg(s.id ORDER BY s.id) AS ids
	  FROM $lkeys s, unnest(s.ks) AS k(band_key)
	 GROUP BY k.band_key HAVING count(*) > 1
), candidates AS MATERIALIZED (
	SELECT DISTINCT ids[i] AS a, ids[j] AS b
	  FROM buckets, generate_series(1, cardinality(ids)) i, generate_series(i + 1, cardinality(ids)) j
	 WHERE cardinality(ids) <= 16
), half AS MATERIALIZED (
	SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN $rel x ON x.id = c.a
), pairs AS MATERIALIZED (
	SELECT h.a, h.b, containment(h.a_fp, y.fp) AS cab, containment(y.fp, h.a_fp) AS cba,
	       (fingerprint_info(h.a_fp)).shingle_count AS la, (fingerprint_info(y.fp)).shingle_count AS lb
	  FROM half h JOIN $rel y ON y.id = h.b
), members AS MATERIALIZED (
	SELECT b.bucket, m.ord, m.id
	  FROM (SELECT row_number() OVER () AS bucket, ids FROM buckets WHERE cardinality(ids) > 16) b,
	       unnest(b.ids) WITH ORDINALITY AS m(id, ord)
), big AS MATERIALIZED (
	SELECT m.bucket, m.ord, m.id, x.fp FROM members m JOIN $rel x ON x.id = m.id
), proposals AS MATERIALIZED (
	SELECT a, b, cab AS c FROM pairs WHERE cab >= ${ct}::real AND (la < lb OR (la = lb AND a > b))
	UNION ALL
	SELECT b, a, cba FROM pairs WHERE cba >= ${ct}::real AND (lb < la OR (lb = la AND b > a))
	UNION ALL
	SELECT l.a, l.b, l.containment
	  FROM (SELECT array_agg(id ORDER BY ord) AS ids, array_agg(fp ORDER BY ord) AS fps FROM big GROUP BY bucket) g,
	       cluster_bucket_links(g.ids, g.fps, $ct) l
), comp AS MATERIALIZED (
	SELECT id, component FROM simcomp
)
SELECT DISTINCT ON (coalesce(ca.component, p.a)) coalesce(ca.component, p.a) AS a, p.b
  FROM proposals p LEFT JOIN comp ca ON ca.id = p.a LEFT JOIN comp cb ON cb.id = p.b
 WHERE coalesce(ca.component, p.a) <> coalesce(cb.component, p.b)
 ORDER BY coalesce(ca.component, p.a), p.c DESC, p.b;
SQL
	fi
	local all="TABLE edges"
	[ -n "$ct" ] && all="SELECT a, b FROM edges UNION ALL SELECT a, b FROM links"
	cat <<SQL
WITH comp AS MATERIALIZED (
	SELECT node AS id, component FROM connected_components('$all')
), cl AS MATERIALIZED (
	SELECT c.id, c.component, (fingerprint_info(x.fp)).token_count AS len FROM comp c JOIN $rel x ON x.id = c.id
), reps AS MATERIALIZED (
	SELECT DISTINCT ON (component) component, id AS rep FROM cl ORDER BY $order
), members AS MATERIALIZED (
	SELECT cl.id, r.rep, z.cluster_size
	  FROM cl JOIN reps r USING (component)
	       JOIN (SELECT component, count(*)::integer AS cluster_size FROM cl GROUP BY component) z USING (component)
), repfp AS MATERIALIZED (
	SELECT m.id, x.fp AS rep_fp FROM members m JOIN $rel x ON x.id = m.rep WHERE m.id <> m.rep
), sims AS MATERIALIZED (
	SELECT p.id, similarity(y.fp, p.rep_fp) AS similarity FROM repfp p JOIN $rel y ON y.id = p.id
), result AS MATERIALIZED (
	SELECT m.id, m.rep, m.cluster_size, coalesce(s.similarity, 1) AS similarity
	  FROM members m LEFT JOIN sims s ON s.id = m.id
)
SELECT t.id AS key, coalesce(o.rep, t.id) AS cluster_id,
       coalesce(o.rep, t.id) = t.id AS is_representative,
       coalesce(o.similarity, 1) AS similarity, coalesce(o.cluster_size, 1) AS cluster_size
  FROM $rel t LEFT JOIN result o ON o.id = t.id
 WHERE t.id IS NOT NULL AND t.fp IS NOT NULL
 ORDER BY 2, 1;
SQL
}
