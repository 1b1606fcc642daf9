-- Clusters kept current on write (issue 15): neardup_track_clusters(),
-- neardup_untrack_clusters(), neardup_recluster(), neardup_settle(),
-- neardup_cluster_id() and the generated trigger: contract, errors, stable
-- ids, merges, deletes, updates, recluster, COPY, bad input.  The race
-- between sessions and the crash test are in test/concurrency.
BEGIN;
SELECT plan(69);
-- calls of the generated functions, for the fast-path checks
SET LOCAL track_functions = 'pl';
\i test/sql/docs.sql

-- words a..b of story s (positions are stable: doc(s, n, 0) is a prefix
-- of doc(s, m, 0) for n <= m)
CREATE FUNCTION pg_temp.part(s int, a int, b int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT array_to_string((string_to_array(pg_temp.doc(s, b, 0), ' '))[a:b], ' ') $$;
-- are the clusters of two (key, cluster) relations the same partition?
CREATE FUNCTION pg_temp.same_partition(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE n1 bigint; n2 bigint; n12 bigint;
BEGIN
	EXECUTE format('SELECT count(DISTINCT x.c), count(DISTINCT y.c), count(DISTINCT (x.c, y.c)) FROM (%s) x(k, c) FULL JOIN (%s) y(k, c) USING (k)', a, b)
		INTO n1, n2, n12;
	RETURN n1 = n2 AND n2 = n12;
END $$;

SELECT has_function('neardup_track_clusters', ARRAY['regclass', 'name', 'name', 'name', 'real', 'real']);
SELECT has_function('neardup_untrack_clusters', ARRAY['regclass']);
SELECT has_function('neardup_recluster', ARRAY['regclass']);
SELECT has_function('neardup_settle', ARRAY['regclass', 'integer']);
SELECT has_function('neardup_cluster_id', ARRAY['regclass', 'bigint']);
SELECT volatility_is('neardup_track_lock_keys', ARRAY['fingerprint'], 'immutable');

-- 40 stories: story s has 1 + s % 3 copies (every 20th / 25th word edited).
CREATE TABLE arts (id bigint PRIMARY KEY, story int, body text, fp fingerprint);
INSERT INTO arts SELECT row_number() OVER (ORDER BY s, c), s, pg_temp.doc(s, 80 + s, CASE c WHEN 0 THEN 0 WHEN 1 THEN 20 ELSE 25 END)
  FROM generate_series(1, 40) s, generate_series(0, 2) c WHERE c <= s % 3;
UPDATE arts SET fp = fingerprint(body);

-- Validation: a clear error at track time, never a failed insert later.
SELECT throws_ok($$SELECT neardup_track_clusters('arts')$$, '55000', NULL, 'no GIN index: 55000');
CREATE INDEX arts_fp ON arts USING gin (fp);
CREATE VIEW arts_v AS SELECT * FROM arts;
SELECT throws_ok($$SELECT neardup_track_clusters('arts_v')$$, '42809', NULL, 'a view: 42809');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', key_column => 'nope')$$, '42703', NULL, 'missing key column: 42703');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', key_column => 'body')$$, '42804', NULL, 'text key column: 42804');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', key_column => 'story')$$, '55000', NULL, 'key without unique index: 55000');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', fp_column => 'body')$$, '42804', NULL, 'fp column not a fingerprint: 42804');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', cluster_column => 'body')$$, '42804', NULL, 'cluster column not bigint: 42804');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', similarity_threshold => 0.1)$$, '22023', NULL, 'similarity threshold below what the index serves: 22023');
SELECT throws_ok($$SELECT neardup_track_clusters('arts', containment_threshold => 0)$$, '22023', NULL, 'containment threshold 0: 22023');
SELECT throws_ok($$SELECT neardup_track_clusters(NULL)$$, '22004', NULL, 'NULL table: 22004');
UPDATE arts SET fp = fingerprint(body, 4) WHERE id = 1;
SELECT throws_ok($$SELECT neardup_track_clusters('arts')$$, '22000', NULL, 'fingerprints of two shingle sizes: 22000');
UPDATE arts SET fp = fingerprint(body) WHERE id = 1;
SELECT throws_ok($$SELECT neardup_untrack_clusters('arts')$$, '55000', NULL, 'untrack an untracked table: 55000');
SELECT throws_ok($$SELECT neardup_recluster('arts')$$, '55000', NULL, 'recluster an untracked table: 55000');
SELECT hasnt_column('arts', 'cluster_id', 'failed calls left no column behind');

-- Track: column added and backfilled with the batch clusters.
SELECT is(neardup_track_clusters('arts', 'id', 'fp', 'cluster_id', 0.5), 40::bigint, 'track: returns the 40 clusters');
SELECT has_column('arts', 'cluster_id', 'the cluster column is added');
SELECT throws_ok($$SELECT neardup_track_clusters('arts')$$, '55000', NULL, 'tracking twice: 55000');
SELECT ok(pg_temp.same_partition('SELECT id, cluster_id FROM arts', $$SELECT key, cluster_id FROM duplicate_clusters('arts', 'id', 'fp', 0.5)$$),
	'backfill = duplicate_clusters, up to relabelling');
SELECT is((SELECT count(DISTINCT cluster_id) FROM arts GROUP BY story HAVING count(DISTINCT cluster_id) > 1 LIMIT 1), NULL,
	'each story is one cluster');
CREATE TEMP TABLE before AS SELECT id, cluster_id FROM arts;

-- Single-row INSERT: a copy joins its story's cluster; a new story gets a new id.
INSERT INTO arts (id, story, body, fp) VALUES (1001, 5, pg_temp.doc(5, 85, 30), fingerprint(pg_temp.doc(5, 85, 30)));
SELECT is((SELECT cluster_id FROM arts WHERE id = 1001), (SELECT cluster_id FROM arts WHERE story = 5 AND id < 1000 LIMIT 1),
	'INSERT of a copy: the cluster of its story');
INSERT INTO arts (id, story, body, fp) VALUES (1002, 500, pg_temp.doc(500, 90, 0), fingerprint(pg_temp.doc(500, 90, 0)));
SELECT ok((SELECT cluster_id FROM arts WHERE id = 1002) NOT IN (SELECT cluster_id FROM before), 'INSERT of a new story: a new cluster id');
-- INSERT ... SELECT: rows of one statement see each other
INSERT INTO arts (id, story, body, fp)
SELECT 1002 + c, 501, pg_temp.doc(501, 90, 20 + c), fingerprint(pg_temp.doc(501, 90, 20 + c)) FROM generate_series(1, 3) c;
SELECT is((SELECT count(DISTINCT cluster_id) FROM arts WHERE story = 501), 1::bigint, 'INSERT ... SELECT of three copies: one cluster');
SELECT is((SELECT count(*) FROM arts WHERE story = 501 AND cluster_id IS NULL), 0::bigint, '... and every row has an id');
-- COPY
CREATE TEMP TABLE staging AS SELECT 1010 + c AS id, 502 AS story, pg_temp.doc(502, 70, 20 + c) AS body FROM generate_series(0, 2) c
	UNION ALL SELECT 1013, 7, pg_temp.doc(7, 87, 30);
UPDATE staging SET body = body;
SELECT lives_ok(format($$COPY (SELECT id, story, body, fingerprint(body) FROM staging) TO '/tmp/neardup_track_%s.copy'$$, pg_backend_pid()), 'COPY out');
SELECT lives_ok(format($$COPY arts (id, story, body, fp) FROM '/tmp/neardup_track_%s.copy'$$, pg_backend_pid()), 'COPY into the tracked table');
SELECT is((SELECT count(DISTINCT cluster_id) FROM arts WHERE story = 502), 1::bigint, 'COPY: three copies, one cluster');
SELECT is((SELECT cluster_id FROM arts WHERE id = 1013), (SELECT cluster_id FROM before WHERE id = (SELECT min(id) FROM arts WHERE story = 7)),
	'COPY: a copy of an old story joins it');
-- Stable ids: no existing row changed.
SELECT is((SELECT count(*) FROM before b JOIN arts a USING (id) WHERE a.cluster_id <> b.cluster_id), 0::bigint,
	'stable ids: inserts without a merge change no existing id');
SELECT is((SELECT count(*) FROM arts_cluster_pending), 0::bigint, 'nothing pending in a lone transaction');
-- The trigger's fast path: the inserts above each found one cluster or
-- none, so none of them ran the full assignment function.
CREATE TEMP VIEW assign_calls AS
	SELECT coalesce((SELECT sum(calls) FROM pg_stat_xact_user_functions WHERE funcname = 'arts_neardup_assign'), 0)::bigint AS n;
SELECT is((SELECT n FROM assign_calls), 0::bigint, 'fast path: copies and new stories never call the full assignment');
SELECT ok(pg_get_functiondef('arts_neardup_trigger'::regproc) LIKE '%at_least(NEW.fp, ''0.5''::real)%',
	'the trigger searches with at_least (the threshold in the query, no setting changed per row)');
SELECT ok((SELECT proconfig FROM pg_proc WHERE oid = 'arts_neardup_trigger'::regproc) @> ARRAY['neardup.gin_single_key=false'],
	'similarity only: the trigger''s lookups need two matching band keys (neardup.gin_single_key off)');
SELECT ok((SELECT proconfig FROM pg_proc WHERE oid = 'arts_neardup_trigger'::regproc) @> ARRAY['plan_cache_mode=force_generic_plan'],
	'the trigger''s statements run generic plans (a custom plan of the lookup was planned again for every row)');

-- A merge: A = words 1..100, B = 51..150 (similarity 0.33: two
-- clusters), B2 a copy of B; then C = 26..125 (0.6 with both) joins them.
INSERT INTO arts (id, story, body) VALUES (2001, 600, pg_temp.part(600, 1, 100)), (2002, 601, pg_temp.part(600, 51, 150)),
	(2003, 601, pg_temp.part(600, 51, 150) || ' extra');
UPDATE arts SET fp = fingerprint(body) WHERE id BETWEEN 2001 AND 2003;
SELECT isnt((SELECT cluster_id FROM arts WHERE id = 2001), (SELECT cluster_id FROM arts WHERE id = 2002), 'A and B start apart');
SELECT is((SELECT cluster_id FROM arts WHERE id = 2003), (SELECT cluster_id FROM arts WHERE id = 2002), 'B2 joins B (an UPDATE of fp assigns a cluster)');
CREATE TEMP TABLE ab AS SELECT (SELECT cluster_id FROM arts WHERE id = 2001) AS a, (SELECT cluster_id FROM arts WHERE id = 2002) AS b;
INSERT INTO arts (id, story, body, fp) VALUES (2004, 602, pg_temp.part(600, 26, 125), fingerprint(pg_temp.part(600, 26, 125)));
SELECT is((SELECT count(DISTINCT cluster_id) FROM arts WHERE id BETWEEN 2001 AND 2004), 1::bigint, 'the bridge merges A and B');
SELECT is((SELECT n FROM assign_calls), 4::bigint, 'the three UPDATEs of fp and the bridge (two clusters) ran the full assignment');
SELECT is((SELECT cluster_id FROM arts WHERE id = 2001), (SELECT b FROM ab), 'the larger cluster''s id survives (B: 2 rows)');
SELECT is((SELECT into_id FROM arts_cluster_merges WHERE from_id = (SELECT a FROM ab)), (SELECT b FROM ab), 'the merge map records A -> B');
SELECT is(neardup_cluster_id('arts', (SELECT a FROM ab)), (SELECT b FROM ab), 'neardup_cluster_id resolves A''s old id');
SELECT is(neardup_cluster_id('arts', (SELECT b FROM ab)), (SELECT b FROM ab), 'neardup_cluster_id of a live id is itself');
SELECT is((SELECT count(*) FROM arts_clusters c JOIN arts a ON a.id = c.key WHERE c.cluster_id <> a.cluster_id), 0::bigint,
	'the view arts_clusters agrees with the column');

-- Deletes never renumber.
CREATE TEMP TABLE before2 AS SELECT id, cluster_id FROM arts;
DELETE FROM arts WHERE id IN (SELECT min(id) FROM arts GROUP BY story);
SELECT is((SELECT count(*) FROM before2 b JOIN arts a USING (id) WHERE a.cluster_id <> b.cluster_id), 0::bigint,
	'deleting the first row of every story changes no id');

-- UPDATE of the fingerprint: the row moves to its new best match.
UPDATE arts SET body = pg_temp.doc(10, 90, 30), fp = fingerprint(pg_temp.doc(10, 90, 30)) WHERE id = 1004;
SELECT is((SELECT cluster_id FROM arts WHERE id = 1004), (SELECT cluster_id FROM arts WHERE story = 10 AND id < 1000 LIMIT 1),
	'UPDATE of fp: the row joins its new story''s cluster');
UPDATE arts SET body = 'completely new words here', fp = fingerprint(text 'completely new words here') WHERE id = 1013;
SELECT isnt((SELECT cluster_id FROM arts WHERE id = 1013), (SELECT cluster_id FROM arts WHERE story = 7 AND id <> 1013 LIMIT 1),
	'UPDATE to an unrelated text: the row leaves the cluster');
UPDATE arts SET story = -1 WHERE id = 1013;
SELECT is((SELECT count(*) FROM before2 b JOIN arts a USING (id) WHERE a.cluster_id <> b.cluster_id AND a.id NOT IN (1004, 1013)), 0::bigint,
	'UPDATEs change only the updated rows');

-- Bad input never rejects an article.
SELECT lives_ok($$INSERT INTO arts (id, body, fp) VALUES (3001, 'other shingle size text here', fingerprint(text 'other shingle size text here', 4))$$,
	'a fingerprint of another shingle size is stored');
SELECT isnt((SELECT cluster_id FROM arts WHERE id = 3001), NULL, '... with a cluster of its own');
SELECT lives_ok($$INSERT INTO arts (id, body, fp) VALUES (3002, '', fingerprint(text '')), (3003, '', fingerprint(text ''))$$, 'empty bodies are stored');
SELECT is((SELECT count(DISTINCT cluster_id) FROM arts WHERE id IN (3002, 3003)), 1::bigint, '... in one cluster (similarity 1, as in batch)');
SELECT lives_ok($$INSERT INTO arts (id, body) VALUES (3004, 'no fingerprint')$$, 'a NULL fingerprint is stored');
SELECT is((SELECT cluster_id FROM arts WHERE id = 3004), NULL, '... with no cluster');
DELETE FROM arts WHERE id = 3001;

-- A big transaction (beyond the lock budget): the lone writer takes the
-- table lock and nothing is left pending.
INSERT INTO arts (id, story, body, fp)
SELECT 5000 + g, 700 + g / 3, pg_temp.doc(700 + g / 3, 60, 20 + g % 3), fingerprint(pg_temp.doc(700 + g / 3, 60, 20 + g % 3))
  FROM generate_series(0, 299) g;
SELECT is((SELECT count(*) FROM arts_cluster_pending), 0::bigint, '300 rows in one statement: none pending');
SELECT is((SELECT count(*) FROM (SELECT story FROM arts WHERE id >= 5000 GROUP BY story HAVING count(DISTINCT cluster_id) > 1) x), 0::bigint,
	'... each of its 100 stories in one cluster');

-- Recluster: rebuilds from scratch, keeps ids.
UPDATE arts SET cluster_id = cluster_id + 100000 WHERE id IN (SELECT id FROM arts WHERE id >= 5000 AND id % 3 = 0);
SELECT is((SELECT rows_changed FROM neardup_recluster('arts')), 100::bigint, 'recluster: the 100 damaged rows (and only them) change');
SELECT ok(pg_temp.same_partition('SELECT id, cluster_id FROM arts WHERE fp IS NOT NULL', $$SELECT key, cluster_id FROM duplicate_clusters('arts', 'id', 'fp', 0.5)$$),
	'after recluster: = duplicate_clusters up to relabelling');
SELECT is((SELECT count(*) FROM before2 b JOIN arts a USING (id) WHERE a.cluster_id <> b.cluster_id AND a.id NOT IN (1004, 1013)), 0::bigint,
	'recluster kept every id it could');

-- Untrack: trigger and helpers gone, the column stays.
SELECT lives_ok($$SELECT neardup_untrack_clusters('arts')$$, 'untrack');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'arts'::regclass AND NOT tgisinternal), 0::bigint, 'no trigger left');
SELECT ok(to_regclass('arts_cluster_merges') IS NULL AND to_regclass('arts_cluster_pending') IS NULL
	AND to_regclass('arts_clusters') IS NULL AND to_regclass('arts_cluster_seq') IS NULL, 'merge map, pending list, view, sequence dropped');
SELECT has_column('arts', 'cluster_id', 'the cluster column stays');

-- Dropping a tracked table (CASCADE: its view depends on it) drops its
-- helpers and its entry (0.3.0's event trigger refused the DROP).
CREATE TABLE arts2 (id bigint PRIMARY KEY, fp fingerprint);
CREATE INDEX ON arts2 USING gin (fp);
SELECT neardup_track_clusters('arts2', 'id', 'fp', 'cluster_id', 0.5);
SELECT lives_ok($$DROP TABLE arts2 CASCADE$$, 'DROP TABLE of a tracked table, CASCADE');
SELECT ok(to_regclass('arts2_cluster_merges') IS NULL AND to_regclass('arts2_cluster_pending') IS NULL
	AND to_regclass('arts2_cluster_seq') IS NULL AND NOT EXISTS (SELECT 1 FROM neardup_tracked WHERE rel::text = 'arts2'),
	'... its merge map, pending list, sequence and tracking entry are gone');

SELECT * FROM finish();
ROLLBACK;
