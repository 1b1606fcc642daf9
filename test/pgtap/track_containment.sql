-- Cluster tracking with containment links (issue 15, 0.5.0): new rows find
-- their containers and the shorter texts they contain through batch's band
-- keys (a GIN index on cluster_band_keys(fp, true)), so an excerpt whose
-- resemblance to its source is far below 0.2 (the lowest similarity the
-- fingerprint index serves) joins the source's cluster in either arrival
-- order, one row at a time or in one statement, as duplicate_clusters
-- joins them; and the index is checked at neardup_track_clusters time.
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(15);
\i test/sql/docs.sql

-- words a..b of story s (doc(s, n, 0) is a prefix of doc(s, m, 0), n <= m)
CREATE FUNCTION pg_temp.part(s int, a int, b int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT array_to_string((string_to_array(pg_temp.doc(s, b, 0), ' '))[a:b], ' ') $$;
-- the SQLSTATE and hint of the error a statement raises
CREATE FUNCTION pg_temp.error_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; h text;
BEGIN
	EXECUTE stmt;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, h = PG_EXCEPTION_HINT;
	RETURN st || ': ' || h;
END $$;
-- source s: 400 words; its excerpt: words 101..150 (48 of the source's
-- 398 shingles: resemblance about 0.12, containment 1)
CREATE FUNCTION pg_temp.src(s int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.doc(s, 400, 0) $$;
CREATE FUNCTION pg_temp.excerpt(s int) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.part(s, 101, 150) $$;

CREATE TABLE ct (id bigint PRIMARY KEY, story int, body text, fp fingerprint);
CREATE INDEX ct_fp ON ct USING gin (fp);
SELECT ok((SELECT bool_and(similarity(fingerprint(pg_temp.src(s)), fingerprint(pg_temp.excerpt(s))) < 0.2
                      AND containment(fingerprint(pg_temp.excerpt(s)), fingerprint(pg_temp.src(s))) >= 0.5)
             FROM generate_series(1, 8) s),
	'the excerpts: resemblance to their source below 0.2, containment at least 0.5');

-- the extension's schema as the generated SQL names it (the suite also
-- runs with neardup installed in a schema that needs quoting)
CREATE FUNCTION pg_temp.ext_schema() RETURNS text LANGUAGE sql STABLE AS
$$SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'neardup'$$;

-- No band-key index: a clear error at track time, with the index to make.
SELECT throws_ok($$SELECT neardup_track_clusters('ct', 'id', 'fp', 'cluster_id', 0.5, 0.5)$$, '55000',
	'neardup_track_clusters: containment links need a GIN index on cluster_band_keys(fp, true) of public.ct',
	'containment links without the band-key index: 55000');
SELECT is(pg_temp.error_of($$SELECT neardup_track_clusters('ct', 'id', 'fp', 'cluster_id', 0.5, 0.5)$$),
	'55000: CREATE INDEX ON public.ct USING gin (' || pg_temp.ext_schema() || '.cluster_band_keys(fp, true)) WITH (fastupdate = off);',
	'... whose hint is the CREATE INDEX');
SELECT hasnt_column('ct', 'cluster_id', '... and it left nothing behind');
CREATE INDEX ct_bands_wrong ON ct USING gin (cluster_band_keys(fp, false));
SELECT throws_ok($$SELECT neardup_track_clusters('ct', 'id', 'fp', 'cluster_id', 0.5, 0.5)$$, '55000', NULL,
	'an index on the similarity band keys only is not the one: 55000');
DROP INDEX ct_bands_wrong;
CREATE INDEX ct_bands ON ct USING gin (cluster_band_keys(fp, true));
SELECT is(neardup_track_band_index('ct', 'fp'), 'ct_bands'::regclass, 'neardup_track_band_index finds it');
SELECT lives_ok($$SELECT neardup_track_clusters('ct', 'id', 'fp', 'cluster_id', 0.5, 0.5)$$, 'track with containment links 0.5');
SELECT ok((SELECT reloptions FROM pg_class WHERE oid = 'ct_bands'::regclass) @> ARRAY['fastupdate=off'],
	'the band-key index is set to fastupdate = off');

-- Single rows: source first (the excerpt finds its container), and
-- excerpt first (the source finds the text it contains).
INSERT INTO ct VALUES (1, 1, pg_temp.src(1), fingerprint(pg_temp.src(1)));
INSERT INTO ct VALUES (2, 1, pg_temp.excerpt(1), fingerprint(pg_temp.excerpt(1)));
SELECT is((SELECT cluster_id FROM ct WHERE id = 2), (SELECT cluster_id FROM ct WHERE id = 1),
	'source, then its excerpt: the excerpt joins the source''s cluster');
INSERT INTO ct VALUES (3, 2, pg_temp.excerpt(2), fingerprint(pg_temp.excerpt(2)));
INSERT INTO ct VALUES (4, 2, pg_temp.src(2), fingerprint(pg_temp.src(2)));
SELECT is((SELECT cluster_id FROM ct WHERE id = 4), (SELECT cluster_id FROM ct WHERE id = 3),
	'excerpt, then its source: one cluster');
-- an unrelated story stays apart
INSERT INTO ct VALUES (5, 3, pg_temp.src(3), fingerprint(pg_temp.src(3)));
SELECT is((SELECT count(DISTINCT cluster_id) FROM ct), 3::bigint, 'three stories, three clusters');

-- One statement, both orders.
INSERT INTO ct SELECT 100 + 2 * s + o, 100 + s, b, fingerprint(b)
  FROM generate_series(0, 5) s, generate_series(0, 1) o,
       LATERAL (SELECT CASE WHEN (o = 0) = (s % 2 = 0) THEN pg_temp.src(100 + s) ELSE pg_temp.excerpt(100 + s) END AS b) x
 ORDER BY s, o;
SELECT is((SELECT count(*) FROM (SELECT story FROM ct WHERE id >= 100 GROUP BY story HAVING count(DISTINCT cluster_id) = 1) x), 6::bigint,
	'INSERT ... SELECT with fingerprints, either order: each source with its excerpt');
SELECT is((SELECT count(*) FROM ct_cluster_pending), 0::bigint, 'nothing pending');

-- The same as batch.
CREATE FUNCTION pg_temp.same_partition(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n1 bigint; n2 bigint; n12 bigint;
BEGIN
	EXECUTE format('SELECT count(DISTINCT x.c), count(DISTINCT y.c), count(DISTINCT (x.c, y.c)) FROM (%s) x(k, c) FULL JOIN (%s) y(k, c) USING (k)', a, b)
		INTO n1, n2, n12;
	RETURN n1 = n2 AND n2 = n12;
END $$;
SELECT ok(pg_temp.same_partition('SELECT id, cluster_id FROM ct', $$SELECT key, cluster_id FROM duplicate_clusters('ct', 'id', 'fp', 0.5, 0.5)$$),
	'tracked clusters = duplicate_clusters(ct, 0.5, 0.5), up to relabelling');
SELECT ok(pg_get_functiondef('ct_neardup_trigger'::regproc) LIKE '%cluster_band_keys(o.fp, true) OPERATOR(pg_catalog.&&) ' || pg_temp.ext_schema() || '.cluster_band_keys(NEW.fp, true)%',
	'the trigger searches the band keys');

SELECT * FROM finish();
ROLLBACK;
