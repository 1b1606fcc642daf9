-- search_stories(): full-text search with near-duplicates collapsed.
-- Results are compared with brute-force SQL over a generated table, on the
-- GIN path always and on the RUM path when the rum extension is available.
BEGIN;
SELECT plan(57);

SELECT has_function('search_stories');
SELECT volatility_is('search_stories', ARRAY['regclass', 'text', 'integer', 'name', 'name', 'name', 'name',
	'regconfig', 'name', 'regclass', 'name', 'integer', 'text', 'boolean', 'boolean'], 'stable');

-- A generated table: story 1 has 500 copies that mention "harbour" three
-- times (they rank above everything else); 300 further stories of 1 to 6
-- copies and 200 unclustered rows (cl NULL) mention it 0 to 2 times.  Each
-- story has its own random base text; copies add a few words, so their
-- fingerprints are near-duplicates of each other and of nothing else.
SELECT setseed(0.19);
CREATE TEMP TABLE vocab AS
SELECT array_agg(w) AS wa FROM unnest(string_to_array(
	'authority plan deepen channel ships port tide loan bank project northern metres container '
	'negotiators capital friday ceasefire agreement officials fighting territory south tenth day meet '
	'markets steadied tuesday investors bonds yields inflation central rates oil prices week analysts '
	'storm coast ports closed sunday waited offshore wind rain flood river town mayor residents school '
	'election vote party leader minister parliament budget tax reform health hospital doctors nurses '
	'court judge trial verdict police arrest suspect city council housing rent water power grid summer', ' ')) w;
CREATE TEMP TABLE base AS
SELECT b, (SELECT string_agg(wa[1 + floor(random() * cardinality(wa) + i * 0)::int], ' ')
             FROM generate_series(1, 60 + b % 40) i) AS txt
  FROM vocab, generate_series(1, 501) b;
CREATE TEMP TABLE arts (id bigint PRIMARY KEY, title text, body text, cl integer, tsv tsvector, fp fingerprint);
INSERT INTO arts (id, title, body, cl)
SELECT g, 'big ' || g, 'harbour harbour harbour ' || (SELECT txt FROM base WHERE b = 1) || ' copy ' || g, 1
  FROM generate_series(1, 500) g;
INSERT INTO arts (id, title, body, cl)
SELECT 1000 + g, 'story ' || (2 + g % 300) || ' copy ' || g,
       repeat('harbour ', (g * 7) % 3) || (SELECT txt FROM base WHERE b = 2 + g % 300) || ' copy ' || g, 2 + g % 300
  FROM generate_series(1, 900) g;
INSERT INTO arts (id, title, body, cl)
SELECT 3000 + g, 'single ' || g, (SELECT txt FROM base WHERE b = 301 + g) || repeat(' harbour', g % 3), NULL
  FROM generate_series(1, 200) g;
UPDATE arts SET tsv = to_tsvector('english', coalesce(title, '') || ' ' || body), fp = fingerprint(body);
CREATE INDEX ON arts USING gin (tsv);
CREATE TEMP TABLE clus AS SELECT id AS key, cl AS cluster_id FROM arts WHERE cl IS NOT NULL;
SET neardup.similarity_threshold = 0.5;

-- Brute force: rank every hit, the best hit (rank, then key) of each story
-- represents it, stories ordered by that hit.
CREATE FUNCTION pg_temp.brute(qtext text, k int, max_keys int DEFAULT 10, rankfn text DEFAULT 'ts_rank')
RETURNS TABLE (story bigint, key bigint, title text, rank real, hits integer, keys bigint[])
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
	WITH q AS (SELECT websearch_to_tsquery('english', $1) AS q),
	h AS (SELECT a.id, a.title, a.cl, coalesce(a.cl::bigint, -a.id) AS g, %s(a.tsv, q.q) AS r
	        FROM arts a, q WHERE a.tsv @@ q.q),
	best AS (SELECT DISTINCT ON (g) g, cl, id, title, r FROM h ORDER BY g, r DESC, id),
	cnt AS (SELECT g, count(*)::int AS n, (array_agg(id ORDER BY id))[1:$3] AS ks FROM h GROUP BY g)
	SELECT best.cl::bigint, best.id, best.title, best.r::real, cnt.n, CASE WHEN $3 = 0 THEN '{}' ELSE cnt.ks END
	  FROM best JOIN cnt USING (g) ORDER BY best.r DESC, best.id LIMIT $2$q$, rankfn)
	USING qtext, k, max_keys;
END
$$;

-- Collapsing with a cluster id column.
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 20)$$,
	'cluster column: the top 20 stories equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 1000, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 1000)$$,
	'cluster column: all stories equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour tide', 7, cluster_column => 'cl', max_keys => 3)$$,
	$$SELECT * FROM pg_temp.brute('harbour tide', 7, 3)$$,
	'cluster column, two words, max_keys 3: equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, clusters => 'clus')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 20)$$,
	'clusters table: the top 20 stories equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, clusters => 'clus', max_keys => 0)$$,
	$$SELECT * FROM pg_temp.brute('harbour', 20, 0)$$,
	'clusters table, max_keys 0: equal brute force, no keys');

-- The 500 copies of story 1 cannot push the others out.
SELECT is((SELECT count(*) FROM search_stories('arts', 'harbour', 5, cluster_column => 'cl')), 5::bigint,
	'k = 5 gives 5 stories although the first 500 hits are one story');
SELECT is((SELECT array_agg(story ORDER BY story) FROM search_stories('arts', 'harbour', 1000, cluster_column => 'cl')
            WHERE story IS NOT NULL)
          = (SELECT array_agg(DISTINCT cl::bigint ORDER BY cl::bigint) FROM arts WHERE cl IS NOT NULL AND tsv @@ 'harbour'::tsquery), true,
	'one row per story: every matching story exactly once');
SELECT is((SELECT count(*) FROM search_stories('arts', 'harbour', 1000, cluster_column => 'cl') WHERE story IS NULL),
          (SELECT count(*) FROM arts WHERE cl IS NULL AND tsv @@ 'harbour'::tsquery),
	'rows without a cluster id are stories of their own');
SELECT is((SELECT (hits, key, cardinality(keys)) FROM search_stories('arts', 'harbour', 3, cluster_column => 'cl') WHERE story = 1),
          (500, 1::bigint, 10),
	'story 1: 500 hits counted, representative = best hit (smallest key among ties), keys capped at 10');
SELECT is((SELECT keys FROM search_stories('arts', 'harbour', 3, cluster_column => 'cl', max_keys => 4) WHERE story = 1),
          '{1,2,3,4}'::bigint[], 'max_keys 4: the 4 smallest keys');
SELECT is((SELECT bool_and(s.headline = ts_headline('english', a.body, websearch_to_tsquery('english', 'harbour tide'))
                           AND s.title = a.title)
             FROM search_stories('arts', 'harbour tide', 50, cluster_column => 'cl') s JOIN arts a ON a.id = s.key),
          true, 'headline and title are the representative''s');
SET client_min_messages = warning;   -- the server's NOTICE about a stop-word query is expected
SELECT is((SELECT count(*) FROM search_stories('arts', 'the of', 5, cluster_column => 'cl')), 0::bigint,
	'a query of stop words only gives no rows');
RESET client_min_messages;
SELECT is((SELECT count(*) FROM search_stories('arts', 'nosuchwordanywhere', 5, cluster_column => 'cl')), 0::bigint,
	'no hits, no rows');
SELECT is((SELECT count(*) FROM search_stories('arts', NULL, 5, cluster_column => 'cl')), 0::bigint,
	'a NULL query gives no rows');

-- The same through the text column parsed on the fly (no stored tsvector).
ALTER TABLE arts ADD COLUMN tsvb tsvector;
UPDATE arts SET tsvb = to_tsvector('english', body);
SELECT results_eq(
	$$SELECT story, key, rank, hits, keys, headline FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl', tsv_column => NULL)$$,
	$$SELECT story, key, rank, hits, keys, headline FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl', tsv_column => 'tsvb')$$,
	'tsv_column NULL parses text_column: the same as a stored tsvector of it');

-- Collapsing by fingerprint on the fly: the same stories as the cluster
-- column here (the generated copies are near-duplicates), the story id is
-- the representative's key.
SELECT results_eq(
	$$SELECT key, rank, hits, keys FROM search_stories('arts', 'harbour', 20)$$,
	$$SELECT key, rank, hits, keys FROM pg_temp.brute('harbour', 20)$$,
	'fingerprint collapsing: same representatives, hits and keys as the cluster column');
SELECT is((SELECT bool_and(story = key) FROM search_stories('arts', 'harbour', 20)), true,
	'fingerprint collapsing: story = representative key');

-- Safe under a hostile search_path: a ts_rank in a schema searched first
-- is not called.
CREATE TEMP TABLE expect AS SELECT * FROM pg_temp.brute('harbour', 20);
CREATE SCHEMA evil;
CREATE FUNCTION evil.ts_rank(tsvector, tsquery) RETURNS real LANGUAGE sql AS 'SELECT 1000::real';
CREATE FUNCTION evil.array_position(text[], text) RETURNS integer LANGUAGE sql AS 'SELECT 1';
-- (the extension's schema after evil and pg_catalog, wherever it is installed)
SELECT set_config('search_path', 'evil, pg_catalog, ' ||
	(SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	  WHERE e.extname = 'neardup') || ', public, pg_temp', true) IS NOT NULL AS hostile_path \gset
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl')$$,
	$$SELECT * FROM expect$$,
	'a hostile search_path changes nothing');
RESET search_path;

-- Errors.
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 0)$$, '22023',
	'search_stories: k must be between 1 and 10000, not 0', 'k = 0 is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, max_keys => -1)$$, '22023',
	'search_stories: max_keys must be between 0 and 100000, not -1', 'max_keys < 0 is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, method => 'bm25')$$, '22023',
	'search_stories: unknown method "bm25"', 'an unknown method is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, cluster_column => 'cl', clusters => 'clus')$$, '22023',
	'search_stories: cluster_column and clusters are exclusive', 'two cluster sources are an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, cluster_column => 'nope')$$, '42703',
	'search_stories: column "nope" does not exist in arts', 'a missing column is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, cluster_column => 'title')$$, '42804',
	'search_stories: cluster column "title" must be smallint, integer or bigint', 'a text cluster column is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, tsv_column => 'body', cluster_column => 'cl')$$, '42804',
	'search_stories: column "body" is not a tsvector', 'a tsv_column that is no tsvector is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, clusters => 'vocab')$$, '42703',
	'search_stories: vocab has no integer columns key and cluster_id', 'a clusters table without key, cluster_id is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, fp_column => 'body')$$, '22023',
	'search_stories: no cluster source', 'no cluster source is an error');
SELECT throws_ok($$SELECT * FROM search_stories('arts', 'harbour', 5, cluster_column => 'cl', method => 'rum')$$, '42704',
	'search_stories: no rum index on arts.tsv', 'method rum without a rum index is an error');

-- Robust to the plan: the same answers when the planner would rather hash
-- than loop (the hits' order must survive the per-row lookups).
SET LOCAL enable_nestloop = off;
SET LOCAL enable_tidscan = off;
SET LOCAL enable_indexscan = off;
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 20)$$,
	'cluster column, nested loops and TID scans off: equal brute force');
SELECT results_eq(
	$$SELECT key, rank, hits, keys FROM search_stories('arts', 'harbour', 20)$$,
	$$SELECT key, rank, hits, keys FROM pg_temp.brute('harbour', 20)$$,
	'fingerprint collapsing, nested loops and TID scans off: equal brute force');
RESET enable_nestloop;
RESET enable_tidscan;
RESET enable_indexscan;

-- More like this, collapsed: similar_stories().  Story s (1..40, with 1
-- to 4 copies) is the first half of base text s and the first half of base
-- text s + 1, so it shares a quarter of its words' runs with stories s - 1
-- and s + 1 (similarity about 0.3) and nothing with the others.
CREATE TEMP TABLE mm (id bigint PRIMARY KEY, title text, body text, cl integer, fp fingerprint);
INSERT INTO mm SELECT s * 10 + c, 's' || s || 'c' || c,
       array_to_string((SELECT string_to_array(txt, ' ') FROM base WHERE b = s)[1:30], ' ') || ' '
       || array_to_string((SELECT string_to_array(txt, ' ') FROM base WHERE b = s + 1)[1:30], ' ') || ' copy' || c,
       s, NULL
  FROM generate_series(1, 40) s, generate_series(0, 3) c WHERE c <= s % 4;
UPDATE mm SET fp = fingerprint(body);
CREATE INDEX ON mm USING gist (fp);
CREATE TEMP TABLE mmc AS SELECT id AS key, cl AS cluster_id FROM mm;
CREATE FUNCTION pg_temp.brute_similar(article bigint, k int, min_sim real DEFAULT 0.1)
RETURNS TABLE (story bigint, key bigint, title text, similarity real, copies integer, keys bigint[])
LANGUAGE sql AS $$
	WITH t AS (SELECT fp, cl FROM mm WHERE id = article),
	h AS (SELECT b.id, b.title, b.cl, similarity(b.fp, t.fp) AS s FROM mm b, t
	       WHERE b.cl IS DISTINCT FROM t.cl AND similarity(b.fp, t.fp) >= min_sim),
	best AS (SELECT DISTINCT ON (cl) cl, id, title, s FROM h ORDER BY cl, s DESC, id),
	size AS (SELECT cl, count(*)::int AS n, (array_agg(id ORDER BY id))[1:10] AS ks FROM mm GROUP BY cl)
	SELECT best.cl::bigint, best.id, best.title, best.s, size.n, size.ks
	  FROM best JOIN size USING (cl) ORDER BY best.s DESC, best.id LIMIT k
$$;
SELECT is((SELECT count(*) FROM pg_temp.brute_similar(211, 10)), 2::bigint,
	'the generated neighbours exist (stories 20 and 22 for story 21)');
SELECT results_eq($$SELECT * FROM similar_stories('mm', 211, 10, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute_similar(211, 10)$$, 'similar_stories, cluster column: equal brute force');
SELECT results_eq($$SELECT * FROM similar_stories('mm', 111, 1, clusters => 'mmc', min_similarity => 0.2)$$,
	$$SELECT * FROM pg_temp.brute_similar(111, 1, 0.2)$$, 'similar_stories, clusters table, k = 1: equal brute force');
SELECT results_eq($$SELECT key, similarity, copies, keys FROM similar_stories('mm', 211, 10)$$,
	$$SELECT key, similarity, copies, keys FROM pg_temp.brute_similar(211, 10)$$,
	'similar_stories by fingerprint: the same stories as the cluster column');
SELECT is((SELECT count(*) FROM similar_stories('mm', 211, 10, cluster_column => 'cl') WHERE story = 21), 0::bigint,
	'the article''s own story is left out');
SELECT throws_ok($$SELECT * FROM similar_stories('mm', 999999)$$, '22023',
	'similar_stories: no row with id = 999999 and a fingerprint in mm', 'an unknown article is an error');
SELECT throws_ok($$SELECT * FROM similar_stories('mm', 211, min_similarity => 0)$$, '22023',
	'similar_stories: min_similarity must be in (0, 1], not 0', 'min_similarity 0 is an error');
SELECT throws_ok($$SELECT * FROM similar_stories('mm', 211, fp_column => 'body')$$, '42804',
	'similar_stories: column "body" is not a fingerprint', 'a fp_column that is no fingerprint is an error');

-- The RUM path ranks like the others: ts_rank, ties by smallest key.
-- The table has big tie groups (story 1: 500 copies of one rank; most
-- other hits say "harbour" once or twice), so any other tie order or rank
-- picks other representatives or stories.  Every query, every k, both
-- cluster sources, lists off and on (lists of depth 40: 'harbour''s runs
-- out inside story 1, so that query goes on to the next path): the rum and
-- gin methods return identical rows, equal to brute force.
SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') AS have_rum \gset
\if :have_rum
CREATE EXTENSION IF NOT EXISTS rum;
CREATE INDEX arts_rum ON arts USING rum (tsv rum_tsvector_ops);
CREATE TEMP TABLE rq (qtext text, k integer);
INSERT INTO rq SELECT qtext, k
  FROM unnest(ARRAY['harbour', 'tide', 'channel', 'copy', 'big', 'harbour tide', 'harbour or tide', '"harbour harbour"',
                    'harbour -tide', 'ships port', 'nosuchword', 'harbour nosuchword']) qtext,
       unnest(ARRAY[1, 5, 20, 1000]) k;
CREATE FUNCTION pg_temp.rows_of(qtext text, k int, meth text, src text, use_lists boolean)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE res text[];
BEGIN
	IF src = 'column' THEN
		SELECT array_agg(row(story, key, title, rank, hits, keys)::text) INTO res
		  FROM search_stories('arts', qtext, k, cluster_column => 'cl', method => meth, lists => use_lists, headlines => false);
	ELSIF src = 'table' THEN
		SELECT array_agg(row(story, key, title, rank, hits, keys)::text) INTO res
		  FROM search_stories('arts', qtext, k, clusters => 'clus', method => meth, lists => use_lists, headlines => false);
	ELSIF src = 'fp' THEN
		SELECT array_agg(row(story, key, title, rank, hits, keys)::text) INTO res
		  FROM search_stories('arts', qtext, k, method => meth, lists => use_lists, headlines => false);
	ELSE
		SELECT array_agg(row(story, key, title, rank, hits, keys)::text) INTO res FROM pg_temp.brute(qtext, k);
	END IF;
	RETURN coalesce(res, '{}');
END
$$;
CREATE TEMP TABLE rum_diff (qtext text, k int, meth text, src text, use_lists boolean);
CREATE FUNCTION pg_temp.collect_diffs(use_lists boolean) RETURNS bigint LANGUAGE sql AS $$
	INSERT INTO rum_diff
	SELECT rq.qtext, rq.k, m.meth, s.src, use_lists FROM rq, unnest(ARRAY['rum', 'gin']) m(meth), unnest(ARRAY['column', 'table']) s(src)
	 WHERE pg_temp.rows_of(rq.qtext, rq.k, m.meth, s.src, use_lists) IS DISTINCT FROM pg_temp.rows_of(rq.qtext, rq.k, 'brute', 'brute', use_lists);
	SELECT count(*) FROM rum_diff WHERE rum_diff.use_lists = collect_diffs.use_lists
$$;
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 20)$$,
	'rum, one word, 500 tied copies: the top 20 stories equal brute force (ts_rank, smallest key first)');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour tide', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT * FROM pg_temp.brute('harbour tide', 20)$$,
	'rum, two words: the top 20 stories equal brute force');
SELECT is(pg_temp.collect_diffs(false), 0::bigint,
	'rum and gin, lists off: identical rows, equal to brute force, for 12 queries x 4 k x 2 cluster sources');
SELECT is((SELECT string_agg(format('%s/%s/%s/%s', qtext, k, meth, src), ', ') FROM rum_diff), NULL, 'no query differs (lists off)');
SELECT is((SELECT count(*) FROM rq WHERE pg_temp.rows_of(qtext, k, 'rum', 'fp', false) IS DISTINCT FROM pg_temp.rows_of(qtext, k, 'gin', 'fp', false)),
	0::bigint, 'rum and gin, collapsing by fingerprint: identical rows');
SELECT is((SELECT array_agg(DISTINCT via ORDER BY via) FROM rq, search_stories('arts', rq.qtext, rq.k, cluster_column => 'cl', method => 'rum')),
	ARRAY['all hits', 'rum'], 'via: rum for the one-word queries, all hits for the others');
SELECT is((SELECT count(*) || ':' || count(DISTINCT story) FROM search_stories('arts', 'harbour', 5, cluster_column => 'cl')),
	'5:5', 'rum: k = 5 gives 5 distinct stories');
SELECT search_lists_build('arts', 'tsv', 'id', depth => 40, min_df => 50) > 0 AS built \gset
SELECT is(pg_temp.collect_diffs(true), 0::bigint,
	'rum and gin, lists on (depth 40): identical rows, equal to brute force');
SELECT is((SELECT array_agg(DISTINCT via ORDER BY via) FROM search_stories('arts', 'harbour', 20, cluster_column => 'cl', method => 'rum')),
	ARRAY['lists, then rum'], 'a list that runs out inside a big story: then the RUM prefix');

-- Weights: rows whose tsvector holds the word with one weight each (any
-- weight) keep ts_rank in RUM's order; a row with two weights for it
-- does not, and the query ranks every hit instead.
CREATE TEMP TABLE wts AS SELECT id, title, body, cl, fp,
	CASE WHEN id % 10 = 3 THEN to_tsvector('english', body) || setweight(to_tsvector('english', title), 'A')
	     ELSE setweight(to_tsvector('english', coalesce(title, '') || ' ' || body), (ARRAY['A', 'B', 'C', 'D'])[1 + id % 4]::"char") END AS tsv
  FROM arts;
ALTER TABLE wts ADD PRIMARY KEY (id);
CREATE INDEX ON wts USING gin (tsv);
CREATE INDEX ON wts USING rum (tsv rum_tsvector_ops);
SELECT results_eq(
	$$SELECT story, key, rank, hits, keys, via FROM search_stories('wts', 'harbour', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT story, key, rank, hits, keys, 'rum' FROM search_stories('wts', 'harbour', 20, cluster_column => 'cl', method => 'gin')$$,
	'one weight per row, four weights in the table: the RUM prefix, the same rows as gin');
SELECT results_eq(
	$$SELECT story, key, rank, hits, keys, via FROM search_stories('wts', 'copy', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT story, key, rank, hits, keys, 'all hits (weights)' FROM search_stories('wts', 'copy', 20, cluster_column => 'cl', method => 'gin')$$,
	'a word with two weights in a row (body D, then title A): every hit ranked, the same rows as gin');
-- Why the weight check is needed: one row (21) holds the word nine
-- times at weight D, then once at A; RUM scores it below every A, B and C
-- row, ts_rank above all of them.  Without the check the prefix would stop
-- after the A, B and C rows (k = 5 stories filled by A rows, a whole B
-- group below them) and never see it.
CREATE TEMP TABLE inv (id bigint PRIMARY KEY, title text, body text, cl integer, tsv tsvector);
INSERT INTO inv SELECT g, 't' || g, 'b' || g, NULL,
	CASE WHEN g <= 10 THEN 'word:1A' WHEN g <= 15 THEN 'word:1B' WHEN g <= 20 THEN 'word:1C'
	     WHEN g = 21 THEN 'word:1,2,3,4,5,6,7,8,9,10A' ELSE 'word:1' END::tsvector
  FROM generate_series(1, 30) g;
CREATE INDEX ON inv USING gin (tsv);
CREATE INDEX ON inv USING rum (tsv rum_tsvector_ops);
SELECT results_eq(
	$$SELECT key, rank, via FROM search_stories('inv', 'word', 5, cluster_column => 'cl', method => 'rum', config => 'simple')$$,
	$$SELECT key, rank, 'all hits (weights)' FROM search_stories('inv', 'word', 5, cluster_column => 'cl', method => 'gin', config => 'simple')$$,
	'a late heavy position scored below the RUM prefix''s end: every hit ranked, row 21 first as in gin');
SELECT is((SELECT key FROM search_stories('inv', 'word', 1, cluster_column => 'cl', config => 'simple')), 21::bigint,
	'row 21 is the best hit');

-- What the RUM path rests on, checked row by row: no hit with a higher
-- RUM score has a lower ts_rank (pairs counted; doc/search.md) -- true for
-- one word with one weight per row, false with two weights in a row and
-- for two words.
CREATE FUNCTION pg_temp.inversions(qtext text) RETURNS bigint LANGUAGE sql AS $$
	WITH r AS (SELECT rum_ts_score(w.tsv, q) AS s, ts_rank(w.tsv, q) AS t
	             FROM wts w, websearch_to_tsquery('english', qtext) q WHERE w.tsv @@ q)
	SELECT count(*) FROM r a JOIN r b ON b.s > a.s AND b.t < a.t
$$;
SELECT is(pg_temp.inversions('harbour') + pg_temp.inversions('tide') + pg_temp.inversions('big'), 0::bigint,
	'one word, one weight per row: ts_rank never falls as RUM''s score rises');
SELECT cmp_ok(pg_temp.inversions('copy'), '>', 0::bigint, 'two weights in a row: it does (so every hit is ranked)');
SELECT cmp_ok(pg_temp.inversions('harbour tide'), '>', 0::bigint, 'two words: it does (so every hit is ranked)');
-- A stripped tsvector (no positions) matches every weight: also ranked in full.
UPDATE wts SET tsv = strip(tsv) WHERE id % 10 = 7;
SELECT results_eq(
	$$SELECT story, key, rank, hits, keys, via FROM search_stories('wts', 'harbour', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT story, key, rank, hits, keys, 'all hits (weights)' FROM search_stories('wts', 'harbour', 20, cluster_column => 'cl', method => 'gin')$$,
	'rows without positions for the word: every hit ranked, the same rows as gin');
\else
SELECT skip('rum is not installed (Debian package postgresql-15-rum): RUM path not tested', 17);
\endif

SELECT * FROM finish();
ROLLBACK;
