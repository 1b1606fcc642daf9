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
# id, fp) at threshold T, as one SQL script whose last statement returns
# duplicate_clusters' columns; KEYS, if given, is a relation (id, ks) of
# the band keys computed elsewhere (on the shards).  EDGES is the temp
# table it fills.
recipe_sql() {	# recipe_sql REL T [KEYS]
	local keys="(SELECT id, cluster_band_keys(fp) AS ks FROM $1)"
	[ -n "${3:-}" ] && keys=$3
	cat <<SQL
CREATE TEMP TABLE edges AS
WITH buckets AS MATERIALIZED (
	SELECT array_agg(s.id ORDER BY s.id) AS ids
	  FROM $keys s, unnest(s.ks) AS k(band_key)
	 GROUP BY k.band_key HAVING count(*) > 1
), candidates AS MATERIALIZED (
	SELECT DISTINCT ids[i] AS a, ids[j] AS b
	  FROM buckets, generate_series(1, least(16, cardinality(ids))) i,
	       generate_series(i + 1, cardinality(ids)) j
), half AS MATERIALIZED (
	SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN $1 x ON x.id = c.a
)
SELECT h.a, h.b FROM half h JOIN $1 y ON y.id = h.b
 WHERE y.fp % at_least(h.a_fp, $2);
WITH comp AS MATERIALIZED (
	SELECT node AS id, component AS cluster_id FROM connected_components('TABLE edges')
), sizes AS MATERIALIZED (
	SELECT cluster_id, count(*)::integer AS cluster_size FROM comp GROUP BY cluster_id
), rep AS MATERIALIZED (
	SELECT c.id, r.fp AS rep_fp FROM comp c JOIN $1 r ON r.id = c.cluster_id WHERE c.id <> c.cluster_id
), sims AS MATERIALIZED (
	SELECT p.id, similarity(m.fp, p.rep_fp) AS similarity FROM rep p JOIN $1 m ON m.id = p.id
)
SELECT t.id AS key, coalesce(c.cluster_id, t.id) AS cluster_id,
       coalesce(c.cluster_id, t.id) = t.id AS is_representative,
       coalesce(s.similarity, 1) AS similarity, coalesce(z.cluster_size, 1) AS cluster_size
  FROM $1 t LEFT JOIN comp c ON c.id = t.id LEFT JOIN sims s ON s.id = t.id
       LEFT JOIN sizes z ON z.cluster_id = c.cluster_id
 ORDER BY 2, 1;
SQL
}
