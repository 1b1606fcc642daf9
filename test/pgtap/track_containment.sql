-- Cluster tracking with containment links (issue 15, 0.5.0): new rows find
-- their containers and the shorter texts they contain through batch's band
-- keys (a GIN index on cluster_band_keys(fp, true)), so an excerpt whose
-- resemblance to its source is far below 0.2 (the lowest similarity the
-- fingerprint index serves) joins the source's cluster in either arrival
-- order, one row at a time or in one statement, as duplicate_clusters
-- joins them; and the index is checked at neardup_track_clusters time.
BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(22);
\i test/sql/docs.sql

-- part(s, a, b): words a..b of story s; brief(s, v): the family of the
-- one-link-per-component checks below
\i test/sql/briefs.sql
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

-- One link per similarity component (0.6.0).  Two variants of a brief
-- (B and B2, similar to each other), B contained in article A1 only and
-- B2 in article A2 only: batch links the component {B, B2} once, to the
-- better container (A1), and A2 stays apart.  0.5.0 asked whether the
-- cluster held a container of the arriving row only, so B2 (or A2, when
-- it came last) linked the component a second time and chained A1 and A2.
-- variant v of family s (test/sql/briefs.sql): 1 = A1, 2 = B, 3 = A2, 4 = B2
CREATE FUNCTION pg_temp.bfp(s int, v int) RETURNS fingerprint LANGUAGE sql IMMUTABLE AS $$ SELECT fingerprint(pg_temp.brief(s, v)) $$;
SELECT ok((SELECT bool_and(similarity(pg_temp.bfp(s, 2), pg_temp.bfp(s, 4)) >= 0.5
                      AND containment(pg_temp.bfp(s, 2), pg_temp.bfp(s, 1)) >= 0.5 AND containment(pg_temp.bfp(s, 4), pg_temp.bfp(s, 1)) < 0.5
                      AND containment(pg_temp.bfp(s, 4), pg_temp.bfp(s, 3)) >= 0.5 AND containment(pg_temp.bfp(s, 2), pg_temp.bfp(s, 3)) < 0.5
                      AND containment(pg_temp.bfp(s, 2), pg_temp.bfp(s, 1)) > containment(pg_temp.bfp(s, 4), pg_temp.bfp(s, 3))
                      AND similarity(pg_temp.bfp(s, 1), pg_temp.bfp(s, 3)) < 0.2
                      AND containment(pg_temp.bfp(s, 1), pg_temp.bfp(s, 3)) < 0.5 AND containment(pg_temp.bfp(s, 3), pg_temp.bfp(s, 1)) < 0.5)
             FROM unnest(ARRAY[1, 2, 5, 6]) s),
	'the briefs: B ~ B2, B in A1 only, B2 in A2 only (less than B in A1), A1 and A2 unrelated');
CREATE TABLE cb (id bigint PRIMARY KEY, fp fingerprint);
CREATE INDEX cb_fp ON cb USING gin (fp);
CREATE INDEX cb_bands ON cb USING gin (cluster_band_keys(fp, true)) WITH (fastupdate = off);
SELECT lives_ok($$SELECT neardup_track_clusters('cb', 'id', 'fp', 'cluster_id', 0.5, 0.5)$$, 'track cb with containment links 0.5');
-- A1, B, A2, B2: B2 (similar to B, contained in A2) arrives last
INSERT INTO cb VALUES (11, pg_temp.bfp(1, 1));
INSERT INTO cb VALUES (12, pg_temp.bfp(1, 2));
INSERT INTO cb VALUES (13, pg_temp.bfp(1, 3));
INSERT INTO cb VALUES (14, pg_temp.bfp(1, 4));
SELECT is((SELECT array_agg(id ORDER BY id) FROM cb WHERE cluster_id = (SELECT cluster_id FROM cb WHERE id = 12)), '{11,12,14}'::bigint[],
	'a variant of a linked brief, contained in another article: one link per component, A2 stays apart');
-- A1, B, B2, A2: A2 (containing B2) arrives last
INSERT INTO cb VALUES (21, pg_temp.bfp(2, 1));
INSERT INTO cb VALUES (22, pg_temp.bfp(2, 2));
INSERT INTO cb VALUES (24, pg_temp.bfp(2, 4));
INSERT INTO cb VALUES (23, pg_temp.bfp(2, 3));
SELECT is((SELECT array_agg(id ORDER BY id) FROM cb WHERE cluster_id = (SELECT cluster_id FROM cb WHERE id = 22)), '{21,22,24}'::bigint[],
	'an article containing a variant of a linked brief: no second link, A2 stays apart');
SELECT ok(pg_temp.same_partition('SELECT id, cluster_id FROM cb', $$SELECT key, cluster_id FROM duplicate_clusters('cb', 'id', 'fp', 0.5, 0.5)$$),
	'tracked clusters = duplicate_clusters(cb, 0.5, 0.5), up to relabelling');
-- the same two orders in one statement
INSERT INTO cb SELECT 10 * s + v, pg_temp.bfp(s, v)
  FROM unnest(ARRAY[5, 6]) s, unnest(CASE WHEN s = 5 THEN ARRAY[1, 2, 3, 4] ELSE ARRAY[1, 2, 4, 3] END) WITH ORDINALITY AS o(v, n)
 ORDER BY s, n;
SELECT is((SELECT count(DISTINCT cluster_id) FROM cb WHERE id >= 50), 4::bigint,
	'INSERT ... SELECT of two such families: two clusters each');
SELECT ok(pg_temp.same_partition('SELECT id, cluster_id FROM cb', $$SELECT key, cluster_id FROM duplicate_clusters('cb', 'id', 'fp', 0.5, 0.5)$$),
	'... and the same as batch');

SELECT * FROM finish();
ROLLBACK;
