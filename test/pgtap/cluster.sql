-- Properties and errors of duplicate_clusters(), and the "search with
-- duplicates collapsed" pattern of doc/cluster.md.
BEGIN;
SELECT plan(30);

SELECT has_function('duplicate_clusters', ARRAY['regclass', 'name', 'name', 'real', 'real', 'text', 'name', 'integer', 'integer', 'real']);
SELECT volatility_is('duplicate_clusters', ARRAY['regclass', 'name', 'name', 'real', 'real', 'text', 'name', 'integer', 'integer', 'real'], 'stable');
SELECT isnt_strict('duplicate_clusters', ARRAY['regclass', 'name', 'name', 'real', 'real', 'text', 'name', 'integer', 'integer', 'real']);

-- A generated corpus: 60 stories of 40 to 100 random words, each with 0 to
-- 3 copies (a word changed every ~25 words), plus a few empty texts.
SELECT setseed(0.5);
CREATE TEMP TABLE words AS
SELECT i, w FROM unnest(string_to_array(
	'harbour authority plan deepen channel ships port tide loan bank project northern metres container '
	'negotiators capital friday ceasefire agreement officials fighting territory south tenth day meet '
	'markets steadied tuesday investors bonds yields inflation central rates oil prices week analysts '
	'storm coast ports closed sunday waited offshore wind rain flood river town mayor residents school '
	'election vote party leader minister parliament budget tax reform health hospital doctors nurses '
	'court judge trial verdict police arrest suspect city council housing rent water power grid summer', ' '))
	WITH ORDINALITY AS t(w, i);
CREATE TEMP TABLE stories AS
SELECT s, array_agg(wa[1 + floor(random() * cardinality(wa))::int] ORDER BY k) AS ws
  FROM (SELECT array_agg(w ORDER BY i) AS wa FROM words) v,
       generate_series(1, 60) s, generate_series(1, 40 + s % 60) k
 GROUP BY s;
CREATE TEMP TABLE arts (id int PRIMARY KEY, story int, body text, fp fingerprint);
INSERT INTO arts (id, story, body)
SELECT row_number() OVER (ORDER BY s, c), s,
       (SELECT string_agg(CASE WHEN c > 0 AND random() < 0.04 THEN 'edited' ELSE w END, ' ' ORDER BY k)
          FROM unnest(ws) WITH ORDINALITY u(w, k))
  FROM stories, generate_series(0, s % 4) c;
INSERT INTO arts (id, story, body) VALUES (1000, 0, ''), (1001, 0, '!!!');
UPDATE arts SET fp = fingerprint(body);

CREATE TEMP TABLE r1 AS SELECT * FROM duplicate_clusters('arts', 'id', 'fp', 0.5);

-- Brute force: every edge is inside a cluster, and every row of a cluster
-- has an edge to some other row of it (no row joins without a reason).
SELECT is((SELECT count(*) FROM arts a JOIN arts b ON a.id < b.id
             JOIN r1 x ON x.key = a.id JOIN r1 y ON y.key = b.id
            WHERE similarity(a.fp, b.fp) >= 0.5::real AND x.cluster_id <> y.cluster_id),
          0::bigint, 'every pair at similarity >= threshold is in one cluster');
SELECT is((SELECT count(*) FROM r1 x WHERE x.cluster_size > 1 AND NOT EXISTS (
             SELECT 1 FROM r1 y JOIN arts a ON a.id = x.key JOIN arts b ON b.id = y.key
              WHERE y.cluster_id = x.cluster_id AND y.key <> x.key
                AND similarity(a.fp, b.fp) >= 0.5::real)),
          0::bigint, 'every clustered row has an edge inside its cluster');
SELECT is((SELECT count(*) FROM r1), (SELECT count(*) FROM arts), 'one row per input row');
SELECT is((SELECT count(*) FROM r1 WHERE is_representative),
          (SELECT count(DISTINCT cluster_id) FROM r1), 'one representative per cluster');
SELECT is((SELECT count(*) FROM r1 WHERE is_representative AND key <> cluster_id), 0::bigint,
          'cluster_id is the key of the representative');
SELECT is((SELECT count(*) FROM r1 WHERE cluster_id <> (SELECT min(key) FROM r1 y WHERE y.cluster_id = r1.cluster_id)),
          0::bigint, '''first'': the smallest key represents');
SELECT is((SELECT count(*) FROM (SELECT cluster_id, count(*) AS n, max(cluster_size) AS s, min(cluster_size) AS s2
                                   FROM r1 GROUP BY 1) z WHERE n <> s OR s <> s2), 0::bigint,
          'cluster_size is the size of the cluster');
SELECT is((SELECT count(*) FROM r1 JOIN arts a ON a.id = r1.key JOIN arts b ON b.id = r1.cluster_id
            WHERE r1.similarity <> similarity(a.fp, b.fp)), 0::bigint,
          'similarity is the similarity to the representative');
SELECT is((SELECT array_agg(key ORDER BY key) FROM r1 WHERE cluster_id = 1000), ARRAY[1000::bigint, 1001],
          'texts without tokens are one cluster');
SELECT ok((SELECT bool_and(cluster_size = 1 AND is_representative AND cluster_id = key AND similarity = 1)
             FROM r1 JOIN arts a ON a.id = r1.key JOIN stories s ON s.s = a.story WHERE s.s % 4 = 0),
          'stories without copies are singletons');
SELECT ok((SELECT count(DISTINCT cluster_id) = 60 + 1 FROM r1), 'the planted stories are found, one cluster each');
SELECT is(ARRAY(SELECT (key, cluster_id, is_representative, similarity, cluster_size)::text FROM r1),
          ARRAY(SELECT (key, cluster_id, is_representative, similarity, cluster_size)::text FROM r1 ORDER BY cluster_id, key),
          'rows come out by cluster_id, key');

-- Determinism: twice, and after shuffling the physical order.
SELECT results_eq('SELECT * FROM duplicate_clusters(''arts'', ''id'', ''fp'', 0.5)', 'SELECT * FROM r1',
                  'same result twice');
CREATE TEMP TABLE shuffled AS SELECT * FROM arts ORDER BY random();
SELECT results_eq('SELECT * FROM duplicate_clusters(''shuffled'', ''id'', ''fp'', 0.5)', 'SELECT * FROM r1',
                  'same result after shuffling the physical order');
UPDATE shuffled SET id = id;  -- new row versions, another order again
SELECT results_eq('SELECT * FROM duplicate_clusters(''shuffled'', ''id'', ''fp'', 0.5)', 'SELECT * FROM r1',
                  'same result after an update moved every row');

-- 'longest'
SELECT is((SELECT count(*) FROM duplicate_clusters('arts', 'id', 'fp', 0.5, NULL, 'longest') r
             JOIN arts a ON a.id = r.key JOIN arts rep ON rep.id = r.cluster_id
            WHERE (fingerprint_info(a.fp)).token_count > (fingerprint_info(rep.fp)).token_count
               OR ((fingerprint_info(a.fp)).token_count = (fingerprint_info(rep.fp)).token_count AND a.id < rep.id)),
          0::bigint, '''longest'': most tokens, then smallest key');

CREATE TEMP TABLE lens (id int PRIMARY KEY, fp fingerprint);
INSERT INTO lens VALUES
  (1, fingerprint(text 'the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres a project it says will take three years')),
  (2, fingerprint(text 'the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres a project it says will take three years and cost more than the port expected')),
  (3, fingerprint(text 'the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres a project it says will take three years and cost more'));
SELECT results_eq($$SELECT key, cluster_id FROM duplicate_clusters('lens', 'id', 'fp', 0.5, NULL, 'longest') ORDER BY key$$,
                  $$VALUES (1::bigint, 2::bigint), (2, 2), (3, 2)$$,
                  '''longest'': the copy with the most tokens represents the cluster, not the lowest key');

-- Names that need quoting, and injection attempts.
CREATE TEMP TABLE "My Articles" ("select" bigint PRIMARY KEY, "fp"" FROM pg_class; --" fingerprint);
INSERT INTO "My Articles" SELECT id, fp FROM arts;
SELECT results_eq($$SELECT * FROM duplicate_clusters('"My Articles"', 'select', 'fp" FROM pg_class; --', 0.5)$$,
                  'SELECT * FROM r1', 'quoted table and column names work');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('arts', 'id', 'fp FROM arts; DROP TABLE arts; --')$$,
                 '42703', NULL, 'an injection attempt in a column name is just a missing column');
SELECT ok(to_regclass('arts') IS NOT NULL, 'and the table is still there');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('arts; DROP TABLE arts', 'id', 'fp')$$,
                 '42602', NULL, 'an injection attempt in the table name is rejected by regclass');

-- Errors
SELECT throws_like($$SELECT * FROM duplicate_clusters('arts', 'nope', 'fp')$$,
                   'column "nope" of relation %arts does not exist', 'missing column: named with its table');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('arts', 'body', 'fp')$$, '42804', NULL, 'key column of the wrong type');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('arts', 'id', 'body')$$, '42804', NULL, 'fingerprint column of the wrong type');
CREATE ROLE nd_cluster_nobody;
SET LOCAL ROLE nd_cluster_nobody;
SELECT throws_ok($$SELECT * FROM duplicate_clusters('arts', 'id', 'fp')$$, '42501', NULL,
                 'runs as the caller: no SELECT privilege, no clusters');
RESET ROLE;
UPDATE shuffled SET id = 1 WHERE id = 2;
SELECT throws_ok($$SELECT * FROM duplicate_clusters('shuffled', 'id', 'fp')$$, '23505', NULL, 'duplicate keys');

-- Search with duplicates collapsed (doc/cluster.md): one row per story.
CREATE TEMP TABLE story_clusters AS SELECT * FROM duplicate_clusters('arts', 'id', 'fp', 0.5);
SELECT is((
	WITH hits AS (
		SELECT a.id, ts_rank(to_tsvector('english', a.body), q) AS rank
		  FROM arts a, websearch_to_tsquery('english', 'harbour OR ceasefire') q
		 WHERE to_tsvector('english', a.body) @@ q)
	SELECT count(*) FROM (
		SELECT c.cluster_id, count(*) AS copies, array_agg(h.id ORDER BY h.id) AS ids
		  FROM hits h JOIN story_clusters c ON c.key = h.id
		 GROUP BY c.cluster_id) s),
	(SELECT count(DISTINCT a.story) FROM arts a
	  WHERE to_tsvector('english', a.body) @@ websearch_to_tsquery('english', 'harbour OR ceasefire')),
	'collapsed search: one row per matching story');

SELECT * FROM finish();
ROLLBACK;
