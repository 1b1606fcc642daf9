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

-- cluster_band_keys(fp, containment): 255 keys with containment (the
-- containment pass's bands), the 128 of cluster_band_keys(fp) without
SELECT cardinality(cluster_band_keys(fingerprint(text 'one two three four five six seven'), true)) AS all_bands,
       cluster_band_keys(fingerprint(text 'one two three four five six seven'), false) = cluster_band_keys(fingerprint(text 'one two three four five six seven')) AS same_128,
       (cluster_band_keys(fingerprint(text 'one two three four five six seven'), true))[1:128] = cluster_band_keys(fingerprint(text 'one two three four five six seven')) AS prefix,
       cluster_band_keys(fingerprint(text ''), true) AS empty;
SELECT p.oid::regprocedure, provolatile, proparallel, proisstrict FROM pg_proc p
 WHERE p.oid IN ('cluster_band_keys(fingerprint, boolean)'::regprocedure,
                 'cluster_bucket_edges(bigint[], fingerprint[], real)'::regprocedure,
                 'cluster_bucket_links(bigint[], fingerprint[], real)'::regprocedure) ORDER BY 1::text;

-- cluster_bucket_edges / cluster_bucket_links: one bucket; bad input
SELECT * FROM cluster_bucket_edges(ARRAY[1, 2, 3], ARRAY[fingerprint(text 'a b c d e f'), fingerprint(text 'a b c d e f'), fingerprint(text 'x y z')], 0.5);
SELECT * FROM cluster_bucket_links(ARRAY[1, 2], ARRAY[fingerprint(text 'a b c d e f g h i j'), fingerprint(text 'a b c d e')], 0.5);
SELECT * FROM cluster_bucket_edges('{}', '{}', 0.5);
SELECT * FROM cluster_bucket_edges(ARRAY[2, 1], ARRAY[fingerprint(text 'a b c'), fingerprint(text 'a b c')], 0.5);
SELECT * FROM cluster_bucket_edges(ARRAY[1, 2], ARRAY[fingerprint(text 'a b c')], 0.5);
SELECT * FROM cluster_bucket_edges(ARRAY[1, NULL], ARRAY[fingerprint(text 'a b c'), fingerprint(text 'a b c')], 0.5);
SELECT * FROM cluster_bucket_edges(ARRAY[1, 2], ARRAY[fingerprint(text 'a b c'), fingerprint(text 'a b c', 2)], 0.5);
SELECT * FROM cluster_bucket_links(ARRAY[1, 2], ARRAY[fingerprint(text 'a b c'), fingerprint(text 'a b c')], 0);
SELECT * FROM cluster_bucket_edges(ARRAY[[1, 2]], ARRAY[fingerprint(text 'a b c'), fingerprint(text 'a b c')], 0.5);

-- A partitioned table (4 hash partitions): near-copies (about 74 %, 54 %
-- and 33 % of shingles shared), 30 identical copies of one text (a band
-- bucket larger than 16 rows) and 25 excerpts of it (containment in big
-- buckets), excerpts of other texts, empty texts, and unrelated rows.
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
INSERT INTO cd SELECT 6000 + g, fingerprint(array_to_string((regexp_split_to_array(pg_temp.doc(7, 120, 0), ' '))[1 + g:40 + 2 * g], ' ')) FROM generate_series(1, 25) g;
INSERT INTO cd SELECT 7000 + g, fingerprint(array_to_string((regexp_split_to_array(pg_temp.doc(g, 40 + g % 200, 0), ' '))[1:20 + g % 30], ' ')) FROM generate_series(1, 80) g;

-- The recipe (README, "Clustering a sharded table"), as a function of the
-- thresholds and the representative rule for this test.
CREATE FUNCTION pg_temp.distributed_clusters(rel regclass, t real, ct real, rep text)
RETURNS TABLE (key bigint, cluster_id bigint, is_representative boolean, similarity real, cluster_size integer)
LANGUAGE plpgsql AS $fn$
DECLARE
	longest boolean := rep = 'longest';
BEGIN
	DROP TABLE IF EXISTS edges, links, simcomp, src;
	EXECUTE format('CREATE TEMP TABLE src AS SELECT id, fp FROM %s', rel);
	-- 1. similarity edges: buckets of the band keys; up to 16 rows, every
	--    pair verified with the IMMUTABLE %; larger, cluster_bucket_edges
	CREATE TEMP TABLE edges AS
	WITH buckets AS MATERIALIZED (
		SELECT array_agg(s.id ORDER BY s.id) AS ids
		  FROM (SELECT id, cluster_band_keys(fp) AS ks FROM src) s, unnest(s.ks) AS k(band_key)
		 GROUP BY k.band_key HAVING count(*) > 1
	), candidates AS MATERIALIZED (
		SELECT DISTINCT ids[i] AS a, ids[j] AS b
		  FROM buckets, generate_series(1, cardinality(ids)) i, generate_series(i + 1, cardinality(ids)) j
		 WHERE cardinality(ids) <= 16
	), half AS MATERIALIZED (
		SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN src x ON x.id = c.a
	), members AS MATERIALIZED (
		SELECT b.bucket, m.ord, m.id
		  FROM (SELECT row_number() OVER () AS bucket, ids FROM buckets WHERE cardinality(ids) > 16) b,
		       unnest(b.ids) WITH ORDINALITY AS m(id, ord)
	), big AS MATERIALIZED (
		SELECT m.bucket, m.ord, m.id, x.fp FROM members m JOIN src x ON x.id = m.id
	)
	SELECT h.a, h.b FROM half h JOIN src y ON y.id = h.b WHERE y.fp % at_least(h.a_fp, t)
	UNION ALL
	SELECT e.a, e.b
	  FROM (SELECT array_agg(id ORDER BY ord) AS ids, array_agg(fp ORDER BY ord) AS fps FROM big GROUP BY bucket) g,
	       cluster_bucket_edges(g.ids, g.fps, t) e;
	-- 2. containment links: every proposal (a in b, b at least as long)
	--    of the 255 bands' buckets, those between similarity components,
	--    and each component's best (highest containment, then lowest b)
	CREATE TEMP TABLE simcomp AS SELECT node AS id, component FROM connected_components('TABLE edges');
	CREATE TEMP TABLE links (a bigint, b bigint);
	IF ct IS NOT NULL THEN
		INSERT INTO links
		WITH buckets AS MATERIALIZED (
			SELECT array_agg(s.id ORDER BY s.id) AS ids
			  FROM (SELECT id, cluster_band_keys(fp, true) AS ks FROM src) s, unnest(s.ks) AS k(band_key)
			 GROUP BY k.band_key HAVING count(*) > 1
		), candidates AS MATERIALIZED (
			SELECT DISTINCT ids[i] AS a, ids[j] AS b
			  FROM buckets, generate_series(1, cardinality(ids)) i, generate_series(i + 1, cardinality(ids)) j
			 WHERE cardinality(ids) <= 16
		), half AS MATERIALIZED (
			SELECT c.a, c.b, x.fp AS a_fp FROM candidates c JOIN src x ON x.id = c.a
		), pairs AS MATERIALIZED (
			SELECT h.a, h.b, containment(h.a_fp, y.fp) AS cab, containment(y.fp, h.a_fp) AS cba,
			       (fingerprint_info(h.a_fp)).shingle_count AS la, (fingerprint_info(y.fp)).shingle_count AS lb
			  FROM half h JOIN src y ON y.id = h.b
		), members AS MATERIALIZED (
			SELECT b.bucket, m.ord, m.id
			  FROM (SELECT row_number() OVER () AS bucket, ids FROM buckets WHERE cardinality(ids) > 16) b,
			       unnest(b.ids) WITH ORDINALITY AS m(id, ord)
		), big AS MATERIALIZED (
			SELECT m.bucket, m.ord, m.id, x.fp FROM members m JOIN src x ON x.id = m.id
		), proposals AS MATERIALIZED (
			SELECT p.a, p.b, p.cab AS c FROM pairs p WHERE p.cab >= ct AND (p.la < p.lb OR (p.la = p.lb AND p.a > p.b))
			UNION ALL
			SELECT p.b, p.a, p.cba FROM pairs p WHERE p.cba >= ct AND (p.lb < p.la OR (p.lb = p.la AND p.b > p.a))
			UNION ALL
			SELECT l.a, l.b, l.containment
			  FROM (SELECT array_agg(id ORDER BY ord) AS ids, array_agg(fp ORDER BY ord) AS fps FROM big GROUP BY bucket) g,
			       cluster_bucket_links(g.ids, g.fps, ct) l
		)
		SELECT DISTINCT ON (coalesce(ca.component, p.a)) coalesce(ca.component, p.a), p.b
		  FROM proposals p LEFT JOIN simcomp ca ON ca.id = p.a LEFT JOIN simcomp cb ON cb.id = p.b
		 WHERE coalesce(ca.component, p.a) <> coalesce(cb.component, p.b)
		 ORDER BY coalesce(ca.component, p.a), p.c DESC, p.b;
	END IF;
	-- 3. components of both; representatives; rows with no edge are
	--    clusters of one
	RETURN QUERY
	WITH comp AS MATERIALIZED (
		SELECT node AS id, component FROM connected_components('SELECT a, b FROM edges UNION ALL SELECT a, b FROM links')
	), cl AS MATERIALIZED (
		SELECT c.id, c.component, (fingerprint_info(x.fp)).token_count AS len FROM comp c JOIN src x ON x.id = c.id
	), reps AS MATERIALIZED (
		SELECT DISTINCT ON (cl.component) cl.component, cl.id AS rep FROM cl
		 ORDER BY cl.component, CASE WHEN longest THEN -cl.len ELSE 0 END, cl.id
	), members AS MATERIALIZED (
		SELECT cl.id, r.rep, z.cluster_size
		  FROM cl JOIN reps r USING (component)
		       JOIN (SELECT cl.component, count(*)::integer AS cluster_size FROM cl GROUP BY cl.component) z USING (component)
	), repfp AS MATERIALIZED (
		SELECT m.id, x.fp AS rep_fp FROM members m JOIN src x ON x.id = m.rep WHERE m.id <> m.rep
	), sims AS MATERIALIZED (
		SELECT p.id, similarity(y.fp, p.rep_fp) AS similarity FROM repfp p JOIN src y ON y.id = p.id
	), result AS MATERIALIZED (
		SELECT m.id, m.rep, m.cluster_size, coalesce(s.similarity, 1) AS similarity
		  FROM members m LEFT JOIN sims s ON s.id = m.id
	)
	SELECT t.id, coalesce(o.rep, t.id), coalesce(o.rep, t.id) = t.id,
	       coalesce(o.similarity, 1::real), coalesce(o.cluster_size, 1)
	  FROM src t LEFT JOIN result o ON o.id = t.id
	 WHERE t.id IS NOT NULL AND t.fp IS NOT NULL
	 ORDER BY 2, 1;
END $fn$;
-- duplicate_clusters with the C symbol of 0.3.0 catalogs (the old rule)
CREATE FUNCTION public.dc_03(rel regclass, key_column name, fp_column name,
	similarity_threshold real DEFAULT NULL, containment_threshold real DEFAULT NULL, representative text DEFAULT 'first',
	OUT key bigint, OUT cluster_id bigint, OUT is_representative boolean, OUT similarity real, OUT cluster_size integer)
RETURNS SETOF record AS '$libdir/neardup', 'duplicate_clusters' LANGUAGE C STABLE;
CREATE FUNCTION pg_temp.compare(rel regclass, t real, ct real, rep text)
RETURNS TABLE (threshold real, containment real, representative text, rows bigint, clusters bigint, largest integer,
               local_only bigint, distributed_only bigint, differ_from_03 bigint)
LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE l AS SELECT * FROM duplicate_clusters(rel, 'id', 'fp', t, ct, rep);
	CREATE TEMP TABLE d AS SELECT * FROM pg_temp.distributed_clusters(rel, t, ct, rep);
	CREATE TEMP TABLE o AS SELECT * FROM public.dc_03(rel, 'id', 'fp', t, ct, rep);
	RETURN QUERY SELECT t, ct, rep, (SELECT count(*) FROM l), (SELECT count(DISTINCT l.cluster_id) FROM l),
		(SELECT max(l.cluster_size) FROM l),
		(SELECT count(*) FROM (SELECT * FROM l EXCEPT SELECT * FROM d) x),
		(SELECT count(*) FROM (SELECT * FROM d EXCEPT SELECT * FROM l) x),
		(SELECT count(*) FROM (SELECT * FROM o EXCEPT SELECT * FROM l) x);
	DROP TABLE l, d, o;
END $$;
SET client_min_messages = warning;
SELECT c.* FROM unnest(ARRAY[0.2, 0.3, 0.5, 0.8, 1]::real[]) t, pg_temp.compare('cd', t, NULL, 'first') c;
SELECT c.* FROM (VALUES (0.5::real, 0.5::real, 'first'), (0.5, 0.5, 'longest'), (0.3, 0.8, 'longest'),
                        (0.8, 0.3, 'first'), (0.5, NULL, 'longest')) v(t, ct, rep),
       pg_temp.compare('cd', v.t, v.ct, v.rep) c;
-- the bucket of 30 copies is larger than 16 rows, and one cluster; with
-- containment links, its excerpts join it
SELECT count(*) AS copies, count(DISTINCT cluster_id) AS clusters
  FROM pg_temp.distributed_clusters('cd', 0.5, NULL, 'first') WHERE key BETWEEN 4001 AND 4030;
SELECT count(*) FILTER (WHERE key > 6000) AS excerpts, count(DISTINCT cluster_id) AS clusters
  FROM pg_temp.distributed_clusters('cd', 0.5, 0.5, 'first') WHERE key BETWEEN 4001 AND 4030 OR key BETWEEN 6001 AND 6025;

-- A bucket the 0.3.0 rule splits (fingerprints written slot by slot): 17
-- rows share band 100 (slots 200, 201).  L (1) and Y (2) are similar and
-- share bands 0..79, Y and M (3) are similar and share bands 48..127, Z (4)
-- is similar to M only (every even slot) and shares no band with it but
-- 100.  Bands 0 and 48 join L, Y and M first; the 0.3.0 rule then counts
-- M as joined to leader L without verifying it, never makes it a leader
-- and never compares Z with M: Z stays alone.  The keyed rule verifies M
-- against L, makes it a leader and joins Z, as the recipe does.
CREATE FUNCTION pg_temp.slot(id int, s int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
  WHEN s IN (200, 201) THEN 60000 + s
  WHEN id = 1 THEN 256 + s
  WHEN id = 2 THEN CASE WHEN s < 160 THEN pg_temp.slot(1, s) ELSE 512 + s END
  WHEN id = 3 THEN CASE WHEN s >= 96 THEN pg_temp.slot(2, s) ELSE 768 + s END
  WHEN id = 4 THEN CASE WHEN s % 2 = 0 THEN pg_temp.slot(3, s) ELSE 1024 + s END
  ELSE id * 256 + s END $$;
CREATE FUNCTION pg_temp.crafted(id int) RETURNS fingerprint LANGUAGE sql IMMUTABLE AS $$
SELECT ('1:3:256:400:398:00000000000000' || lpad(to_hex(id), 2, '0') || ':' ||
        string_agg(lpad(to_hex(pg_temp.slot(id, s)), 4, '0'), '' ORDER BY s))::fingerprint
  FROM generate_series(0, 255) s $$;
CREATE TABLE big (id bigint PRIMARY KEY, fp fingerprint);
INSERT INTO big SELECT g, pg_temp.crafted(g) FROM generate_series(1, 17) g;
SELECT a.id AS a, b.id AS b, similarity(a.fp, b.fp) >= 0.5 AS similar
  FROM big a, big b WHERE a.id < b.id AND b.id <= 4 ORDER BY 1, 2;
SELECT (SELECT array_agg(key ORDER BY key) FROM duplicate_clusters('big', 'id', 'fp', 0.5) WHERE cluster_id = 1) AS keyed,
       (SELECT array_agg(key ORDER BY key) FROM public.dc_03('big', 'id', 'fp', 0.5) WHERE cluster_id = 1) AS rule_030,
       (SELECT array_agg(key ORDER BY key) FROM pg_temp.distributed_clusters('big', 0.5, NULL, 'first') WHERE cluster_id = 1) AS recipe;
SELECT c.* FROM pg_temp.compare('big', 0.5, NULL, 'first') c;
DROP FUNCTION public.dc_03(regclass, name, name, real, real, text);
DROP TABLE cd, big;
RESET client_min_messages;
