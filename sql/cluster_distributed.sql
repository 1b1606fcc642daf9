--
-- Clustering that scales out (issue 16): cluster_band_keys(fp) and
-- connected_components(edges_query), and the README's recipe for a
-- sharded or partitioned table giving exactly duplicate_clusters' rows.
--
\set ECHO none
\i test/sql/docs.sql
\set ECHO all

-- connected_components over literal edge lists
SELECT * FROM connected_components('VALUES (1, 2), (2, 3), (10, 11), (5, NULL), (NULL, 7), (3, 1), (-4, 11), (9, 9)');
SELECT * FROM connected_components('SELECT 1::smallint, 2::bigint UNION ALL SELECT 9223372036854775807, -9223372036854775808');
SELECT count(*) AS nodes, count(DISTINCT component) AS components, min(component), max(node)
  FROM connected_components('SELECT g, g + 1 FROM generate_series(1, 100000, 2) g');
-- a chain: one component however the unions go
SELECT count(*) AS nodes, count(DISTINCT component) AS components, min(component)
  FROM connected_components('SELECT g, g + 1 FROM generate_series(1, 50000) g ORDER BY random()');
SELECT count(*) FROM connected_components('SELECT 1, 2 WHERE false');
-- bad edge queries
SELECT * FROM connected_components($$SELECT 1::int, 'x'::text$$);
SELECT * FROM connected_components('SELECT 1');
SELECT * FROM connected_components('CREATE TABLE cc_x ()');
SELECT * FROM connected_components('SELECT * FROM no_such_table');
SET maintenance_work_mem = '1MB';
SELECT count(*) FROM connected_components('SELECT g, g + 1 FROM generate_series(1, 100000) g');
RESET maintenance_work_mem;

-- cluster_band_keys: 128 keys, band number in the high 32 bits; one key
-- (-1) for a text with no shingles; the same keys for the same text
SELECT cardinality(k) AS keys, (SELECT array_agg(DISTINCT x >> 32 ORDER BY x >> 32) = (SELECT array_agg(g::bigint) FROM generate_series(0, 127) g) FROM unnest(k) x) AS bands
  FROM (SELECT cluster_band_keys(fingerprint(text 'one two three four five six seven')) AS k) s;
SELECT cluster_band_keys(fingerprint(text '')) AS empty,
       cardinality(cluster_band_keys(fingerprint(text 'one'))) AS one_word,
       cluster_band_keys(fingerprint(text 'a b c d e')) = cluster_band_keys(fingerprint(text 'A  b, c d E')) AS same;
SELECT provolatile, proparallel FROM pg_proc WHERE oid = 'cluster_band_keys(fingerprint)'::regprocedure;

-- A partitioned table (4 hash partitions): near-copies (about 74 %, 54 %
-- and 33 % of shingles shared), 30 identical copies of one text (a band
-- bucket larger than 16 rows), empty texts, and unrelated rows.
CREATE TABLE cd (id bigint PRIMARY KEY, fp fingerprint) PARTITION BY HASH (id);
CREATE TABLE cd0 PARTITION OF cd FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE cd1 PARTITION OF cd FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE cd2 PARTITION OF cd FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE cd3 PARTITION OF cd FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO cd SELECT g, fingerprint(pg_temp.doc(g, 40 + g % 200, 0)) FROM generate_series(1, 400) g;
INSERT INTO cd SELECT 1000 + g, fingerprint(pg_temp.doc(g, 40 + g % 200, 20)) FROM generate_series(1, 150) g;
INSERT INTO cd SELECT 2000 + g, fingerprint(pg_temp.doc(g, 40 + g % 200, 10)) FROM generate_series(1, 100) g;
INSERT INTO cd SELECT 3000 + g, fingerprint(pg_temp.doc(g, 40 + g % 200, 6)) FROM generate_series(1, 100) g;
INSERT INTO cd SELECT 4000 + g, fingerprint(pg_temp.doc(7, 120, 0)) FROM generate_series(1, 30) g;
INSERT INTO cd SELECT 5000 + g, fingerprint(text '') FROM generate_series(1, 20) g;

-- The recipe (README, "Clustering a sharded table"), as a function of the
-- threshold for this test.
CREATE FUNCTION pg_temp.distributed_clusters(t real)
RETURNS TABLE (key bigint, cluster_id bigint, is_representative boolean, similarity real, cluster_size integer)
LANGUAGE plpgsql AS $$
BEGIN
	DROP TABLE IF EXISTS edges;
	-- 1. candidates: rows sharing a band key (each row against the first 16
	--    of a bucket, as duplicate_clusters bounds large buckets);
	-- 2. verified with the IMMUTABLE operator
	CREATE TEMP TABLE edges AS
	WITH buckets AS MATERIALIZED (
		SELECT array_agg(s.id ORDER BY s.id) AS ids
		  FROM (SELECT id, cluster_band_keys(fp) AS ks FROM cd) s, unnest(s.ks) AS k(band_key)
		 GROUP BY k.band_key HAVING count(*) > 1
	), candidates AS MATERIALIZED (
		SELECT DISTINCT ids[i] AS a, ids[j] AS b
		  FROM buckets, generate_series(1, least(16, cardinality(ids))) i,
		       generate_series(i + 1, cardinality(ids)) j
	), half AS MATERIALIZED (
		SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN cd x ON x.id = c.a
	)
	SELECT h.a, h.b FROM half h JOIN cd y ON y.id = h.b
	 WHERE y.fp % at_least(h.a_fp, t);
	-- 3. components of the edges; rows with no edge are clusters of one
	RETURN QUERY
	WITH comp AS MATERIALIZED (
		SELECT node AS id, component AS cluster_id FROM connected_components('TABLE edges')
	), sizes AS MATERIALIZED (
		SELECT c.cluster_id, count(*)::integer AS cluster_size FROM comp c GROUP BY c.cluster_id
	), rep AS MATERIALIZED (
		SELECT c.id, r.fp AS rep_fp FROM comp c JOIN cd r ON r.id = c.cluster_id WHERE c.id <> c.cluster_id
	), sims AS MATERIALIZED (
		SELECT p.id, similarity(m.fp, p.rep_fp) AS similarity FROM rep p JOIN cd m ON m.id = p.id
	)
	SELECT t.id, coalesce(c.cluster_id, t.id), coalesce(c.cluster_id, t.id) = t.id,
	       coalesce(s.similarity, 1::real), coalesce(z.cluster_size, 1)
	  FROM cd t LEFT JOIN comp c ON c.id = t.id LEFT JOIN sims s ON s.id = t.id
	       LEFT JOIN sizes z ON z.cluster_id = c.cluster_id
	 ORDER BY 2, 1;
END $$;
CREATE FUNCTION pg_temp.compare(t real)
RETURNS TABLE (threshold real, rows bigint, clusters bigint, largest integer, local_only bigint, distributed_only bigint)
LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE l AS SELECT * FROM duplicate_clusters('cd', 'id', 'fp', t);
	CREATE TEMP TABLE d AS SELECT * FROM pg_temp.distributed_clusters(t);
	RETURN QUERY SELECT t, (SELECT count(*) FROM l), (SELECT count(DISTINCT l.cluster_id) FROM l),
		(SELECT max(l.cluster_size) FROM l),
		(SELECT count(*) FROM (SELECT * FROM l EXCEPT SELECT * FROM d) x),
		(SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT * FROM l) x);
	DROP TABLE l, d;
END $$;
SET client_min_messages = warning;
SELECT c.* FROM unnest(ARRAY[0.2, 0.3, 0.5, 0.8, 1]::real[]) t, pg_temp.compare(t) c;
-- the bucket of 30 copies is larger than 16 rows, and one cluster
SELECT count(*) AS copies, count(DISTINCT cluster_id) AS clusters
  FROM pg_temp.distributed_clusters(0.5) WHERE key BETWEEN 4001 AND 4030;
DROP TABLE cd;
RESET client_min_messages;
