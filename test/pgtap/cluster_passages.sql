-- Passage links in duplicate_clusters and boilerplate_passages (issue 14):
-- a fixture of the project's samples/ with another outlet's write-up that
-- quotes two passages of the wire story, and 60 unrelated articles under
-- one author's bio line; then the real dumps of ../shared/dumps when that
-- folder exists (skipped otherwise).  Run from the repository root.
\set ON_ERROR_STOP 1
\set shared `test -f ../shared/dumps/000_7e0565da9356d275.txt && echo true || echo false`
BEGIN;
SELECT plan(24);
\i test/sql/docs.sql

\set tt `cat samples/wire_tt.txt`
\set plain `cat samples/wire_plain.txt`
CREATE TEMP TABLE s AS
SELECT 'tt' AS dump, a.ordinal, a.body FROM split_articles(:'tt') a
UNION ALL
SELECT 'plain', a.ordinal, a.body FROM split_articles(:'plain') a;
-- 1 wire story, 2 its rewrite (plain), 3 and 4 other stories of the samples
CREATE TEMP TABLE art (id int PRIMARY KEY, body text, fp fingerprint, ph bigint[]);
INSERT INTO art (id, body)
SELECT CASE WHEN dump = 'tt' AND ordinal = 1 THEN 1 WHEN dump = 'plain' AND ordinal = 1 THEN 2
	WHEN dump = 'tt' THEN 3 ELSE 4 END, body FROM s;
-- 5: another outlet: new text around two quoted passages (25 and 30 words)
INSERT INTO art (id, body)
SELECT 5, pg_temp.doc(11, 60, 0) || ' ' || array_to_string(w[5:29], ' ') || ' ' || pg_temp.doc(12, 60, 0)
	|| ' ' || array_to_string(w[120:149], ' ') || ' ' || pg_temp.doc(13, 40, 0)
  FROM (SELECT regexp_split_to_array(body, '\s+') AS w FROM art WHERE id = 1) x;
-- 6: one quoted passage only (13 words) inside new text
INSERT INTO art (id, body)
SELECT 6, pg_temp.doc(14, 80, 0) || ' ' || array_to_string(w[60:72], ' ') || ' ' || pg_temp.doc(15, 80, 0)
  FROM (SELECT regexp_split_to_array(body, '\s+') AS w FROM art WHERE id = 1) x;
-- 101..160: unrelated articles, each under one author's bio line
INSERT INTO art (id, body)
SELECT 100 + g, pg_temp.doc(100 + g, 120, 0) || '. Jane Doe is a senior correspondent who covers the environment and climate for the Daily Courier newsroom.'
  FROM generate_series(1, 60) g;
UPDATE art SET fp = fingerprint(body), ph = passage_hashes(body);

SELECT cmp_ok((SELECT similarity(x.fp, y.fp) FROM art x, art y WHERE x.id = 5 AND y.id = 1), '<', 0.2::real,
	'fixture: the outlet''s write-up is not similar to the wire story');
SELECT cmp_ok((SELECT containment(x.fp, y.fp) FROM art x, art y WHERE x.id = 5 AND y.id = 1), '<', 0.5::real,
	'fixture: nor contained in it');

CREATE TEMP TABLE c0 AS SELECT * FROM duplicate_clusters('art', 'id', 'fp', similarity_threshold => 0.5, containment_threshold => 0.5);
CREATE TEMP TABLE c1 AS SELECT * FROM duplicate_clusters('art', 'id', 'fp', similarity_threshold => 0.5,
	containment_threshold => 0.5, passages_column => 'ph');
SELECT isnt((SELECT cluster_id FROM c0 WHERE key = 5), (SELECT cluster_id FROM c0 WHERE key = 1),
	'without passage links the write-up is a story of its own');
SELECT is((SELECT array_agg(key ORDER BY key) FROM c1 WHERE cluster_id = (SELECT cluster_id FROM c1 WHERE key = 1)),
	ARRAY[1, 2, 5, 6]::bigint[], 'with passage links: wire story, rewrite and both write-ups are one story');
SELECT ok((SELECT cardinality(ARRAY(SELECT unnest(x.ph) INTERSECT SELECT unnest(y.ph))) BETWEEN 1 AND 3
	FROM art x, art y WHERE x.id = 6 AND y.id = 1),
	'one shared 13-word run gives 1 to 3 shared passage hashes');
SELECT is((SELECT array_agg(key ORDER BY key) FROM duplicate_clusters('art', 'id', 'fp', 0.5, 0.5, 'first', 'ph', 4)
	WHERE cluster_id = (SELECT cluster_id FROM c1 WHERE key = 1)),
	ARRAY[1, 2, 5]::bigint[], 'min_shared_passages 4: two quoted passages link, one 13-word run does not');
SELECT is((SELECT count(*) FROM c1 WHERE key > 100 AND cluster_size > 1), 0::bigint,
	'the bio line under 60 unrelated articles links none of them');
SELECT cmp_ok((SELECT count(*) FROM duplicate_clusters('art', 'id', 'fp', passages_column => 'ph', boilerplate_rows => 100)
	WHERE key > 100 AND cluster_size > 1), '>', 50::bigint,
	'with the boilerplate threshold above 60 the bio line chains them');
SELECT is((SELECT count(*) FROM c1 WHERE key IN (3, 4) AND cluster_size > 1), 0::bigint,
	'the other sample stories stay apart');

-- boilerplate_passages
CREATE TEMP TABLE b AS SELECT * FROM boilerplate_passages('art', 'id', 'ph', 'fp', text_column => 'body');
SELECT is((SELECT count(*) FROM b), (SELECT count(*) FROM unnest(passage_hashes('Jane Doe is a senior correspondent who covers the environment and climate for the Daily Courier newsroom.')))::bigint,
	'boilerplate_passages: as many hashes as the bio line has');
SELECT ok((SELECT bool_and(b.hash = ANY (passage_hashes('x. Jane Doe is a senior correspondent who covers the environment and climate for the Daily Courier newsroom.'))) FROM b)
	OR (SELECT bool_and(EXISTS (SELECT 1 FROM art WHERE id > 100 AND b.hash = ANY (art.ph))) FROM b),
	'boilerplate_passages: every hash is in the bio rows');
SELECT is((SELECT array_agg(DISTINCT row_count) FROM b), ARRAY[60], 'boilerplate_passages: 60 rows each');
SELECT is((SELECT array_agg(DISTINCT (example_key, other_key)::text) FROM b), ARRAY['(101,102)'],
	'boilerplate_passages: the two smallest keys as examples');
SELECT is((SELECT array_agg(DISTINCT example) FROM b),
	ARRAY['Jane Doe is a senior correspondent who covers the environment and climate for the Daily Courier newsroom'],
	'boilerplate_passages: the example is the bio line as written');
SELECT is((SELECT count(*) FROM boilerplate_passages('art', 'id', 'ph', boilerplate_rows => 61)), 0::bigint,
	'boilerplate_passages: none at a threshold above 60');
SELECT is((SELECT count(*) FROM boilerplate_passages('art', 'id', 'ph') WHERE example IS NULL), (SELECT count(*) FROM b),
	'boilerplate_passages: without text_column no example, without fp_column each row its own cluster');

-- old calls, errors
SELECT is((SELECT count(*) FROM duplicate_clusters('art', 'id', 'fp', 0.5, 0.5, 'first')), 66::bigint,
	'the six positional arguments of 0.2.0 still work');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('art', 'id', 'fp', passages_column => 'body')$$, '42804', NULL,
	'passages column must be bigint[]');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('art', 'id', 'fp', passages_column => 'nope')$$, '42703', NULL,
	'passages column must exist');
SELECT throws_ok($$SELECT * FROM duplicate_clusters('art', 'id', 'fp', passages_column => 'ph', min_shared_passages => 0)$$, '22023', NULL,
	'min_shared_passages must be at least 1');
SELECT throws_ok($$SELECT * FROM boilerplate_passages('art', 'id', 'ph', boilerplate_rows => 1)$$, '22023', NULL,
	'boilerplate_rows must be at least 2');
SELECT throws_ok($$SELECT * FROM boilerplate_passages('art', 'id', 'ph', boilerplate_fraction => 2)$$, '22023', NULL,
	'boilerplate_fraction must be in [0, 1]');

-- the shared dumps: the wire story (000#1), its exact copy (001#1) and its
-- rewrite (002) form one story; the others stay apart
\if :shared
\i test/sql/shared_dumps.sql
CREATE TEMP TABLE sd AS
SELECT row_number() OVER (ORDER BY d.name, a.ordinal)::int AS id, d.name || '#' || a.ordinal AS art, a.body
  FROM d, split_articles(d.content) a;
ALTER TABLE sd ADD fp fingerprint, ADD ph bigint[];
UPDATE sd SET fp = fingerprint(body), ph = passage_hashes(body);
CREATE TEMP TABLE sc AS
SELECT sd.art, c.cluster_id FROM duplicate_clusters('sd', 'id', 'fp', passages_column => 'ph') c JOIN sd ON sd.id = c.key;
SELECT is((SELECT array_agg(art ORDER BY art) FROM sc WHERE cluster_id = (SELECT cluster_id FROM sc WHERE art = '000#1')),
	ARRAY['000#1', '001#1', '002#1'], 'shared dumps: wire story, copy and rewrite are one story by passage links alone');
SELECT is((SELECT count(DISTINCT cluster_id) FROM sc WHERE art NOT IN ('000#1', '001#1', '002#1')), 4::bigint,
	'shared dumps: the four other articles stay apart');
\else
SELECT skip('../shared/dumps not present', 2);
\endif

SELECT * FROM finish();
ROLLBACK;
