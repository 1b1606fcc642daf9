-- Impact-ordered search lists (search_lists_build()) and search_stories()
-- reading them: the lists are exactly the prefix of every lexeme's hits
-- in (ts_rank desc, key asc) order down to its floor, before and after
-- inserts, deletes, updates and TRUNCATE; search results through them
-- equal brute force and the GIN (and RUM) paths.
BEGIN;
SELECT plan(56);

-- A generated table like search.sql's: story 1 has 300 copies that say
-- "harbour" three times; 300 more stories of 1 to 6 copies and 200
-- unclustered rows say it 0 to 2 times; titles are weighted A, so ranks
-- differ by weight as well as by count, and many rows tie.
SELECT setseed(0.23);
CREATE TEMP TABLE vocab AS
SELECT array_agg(w) AS wa FROM unnest(string_to_array(
	'authority plan deepen channel ships port tide loan bank project northern metres container '
	'negotiators capital friday ceasefire agreement officials fighting territory south tenth day meet '
	'markets steadied tuesday investors bonds yields inflation central rates oil prices week analysts '
	'storm coast ports closed sunday waited offshore wind rain flood river town mayor residents school', ' ')) w;
CREATE TEMP TABLE base AS
SELECT b, (SELECT string_agg(wa[1 + floor(random() * cardinality(wa) + i * 0)::int], ' ')
             FROM generate_series(1, 40 + b % 30) i) AS txt
  FROM vocab, generate_series(1, 501) b;
CREATE TEMP TABLE arts (id integer PRIMARY KEY, title text, body text, cl integer, tsv tsvector, fp fingerprint);
INSERT INTO arts (id, title, body, cl)
SELECT g, CASE WHEN g % 7 = 0 THEN 'harbour news ' ELSE 'big ' END || g,
       'harbour harbour harbour ' || (SELECT txt FROM base WHERE b = 1) || ' copy ' || g, 1
  FROM generate_series(1, 300) g;
INSERT INTO arts (id, title, body, cl)
SELECT 1000 + g, CASE WHEN g % 5 = 0 THEN 'harbour story ' ELSE 'story ' END || (2 + g % 300) || ' copy ' || g,
       repeat('harbour ', (g * 7) % 3) || (SELECT txt FROM base WHERE b = 2 + g % 300) || ' copy ' || g, 2 + g % 300
  FROM generate_series(1, 900) g;
INSERT INTO arts (id, title, body, cl)
SELECT 3000 + g, 'single ' || g, (SELECT txt FROM base WHERE b = 301 + g) || repeat(' harbour', g % 3), NULL
  FROM generate_series(1, 200) g;
UPDATE arts SET tsv = setweight(to_tsvector('english', coalesce(title, '')), 'A') || to_tsvector('english', body),
                fp = fingerprint(body);
CREATE INDEX ON arts USING gin (tsv);
CREATE TEMP TABLE clus AS SELECT id AS key, cl AS cluster_id FROM arts WHERE cl IS NOT NULL;
SET neardup.similarity_threshold = 0.5;

-- lexeme_ranks() is ts_rank for a one-lexeme query, bit for bit.
SELECT is((SELECT count(*) FROM arts a, lexeme_ranks(a.tsv) r WHERE r.rank <> ts_rank(a.tsv, r.lexeme::tsquery)),
	0::bigint, 'lexeme_ranks: every lexeme of every row has ts_rank''s value');
SELECT is((SELECT count(*) FROM arts a, lexeme_ranks(a.tsv) r), (SELECT sum(length(tsv)) FROM arts),
	'lexeme_ranks: one row per lexeme');
SELECT is((SELECT rank FROM lexeme_ranks(strip(to_tsvector('english', 'harbour harbour')))),
	ts_rank(strip(to_tsvector('english', 'harbour harbour')), 'harbour'), 'lexeme_ranks: a stripped tsvector too');
SELECT is((SELECT count(*) FROM lexeme_ranks(''::tsvector)), 0::bigint, 'lexeme_ranks: empty tsvector, no rows');

-- Brute force over the whole table (as in search.sql), and the lists'
-- defining property: per listed lexeme, every row at or before its floor
-- in (rank desc, key asc) order, and no other.
CREATE FUNCTION pg_temp.brute(qtext text, k int, max_keys int DEFAULT 10)
RETURNS TABLE (story bigint, key bigint, title text, rank real, hits integer, keys bigint[])
LANGUAGE sql AS $$
	WITH q AS (SELECT websearch_to_tsquery('english', qtext) AS q),
	h AS (SELECT a.id, a.title, a.cl, coalesce(a.cl::bigint, -a.id) AS g, ts_rank(a.tsv, q.q) AS r
	        FROM arts a, q WHERE a.tsv @@ q.q),
	best AS (SELECT DISTINCT ON (g) g, cl, id, title, r FROM h ORDER BY g, r DESC, id),
	cnt AS (SELECT g, count(*)::int AS n, (array_agg(id::bigint ORDER BY id))[1:max_keys] AS ks FROM h GROUP BY g)
	SELECT best.cl::bigint, best.id::bigint, best.title, best.r::real, cnt.n, CASE WHEN max_keys = 0 THEN '{}' ELSE cnt.ks END
	  FROM best JOIN cnt USING (g) ORDER BY best.r DESC, best.id LIMIT k
$$;
CREATE FUNCTION pg_temp.lists_exact() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RETURN (WITH want AS (
		SELECT f.lexeme, ts_rank(a.tsv, f.lexeme::tsquery) AS rank, a.id::bigint AS key
		  FROM arts_search_floors f JOIN arts a ON a.tsv @@ f.lexeme::tsquery
		 WHERE ts_rank(a.tsv, f.lexeme::tsquery) > f.rank
		    OR (ts_rank(a.tsv, f.lexeme::tsquery) = f.rank AND a.id <= f.key))
	SELECT NOT EXISTS (SELECT * FROM want EXCEPT ALL SELECT lexeme, rank, key FROM arts_search_lists)
	   AND NOT EXISTS (SELECT lexeme, rank, key FROM arts_search_lists EXCEPT ALL SELECT * FROM want));
END
$$;

-- Errors first (nothing built yet).
CREATE TEMP TABLE nokey (id integer, tsv tsvector);
SELECT throws_ok($$SELECT search_lists_build('nokey')$$, '42P17',
	'search_lists_build: nokey has no unique index on "id"', 'a key without a unique index is an error');
SELECT throws_ok($$SELECT search_lists_build('arts', depth => 0)$$, '22023',
	'search_lists_build: depth must be between 1 and 100000, not 0', 'depth 0 is an error');
SELECT throws_ok($$SELECT search_lists_build('arts', min_df => 0)$$, '22023',
	'search_lists_build: min_df must be at least 1, not 0', 'min_df 0 is an error');
SELECT throws_ok($$SELECT search_lists_build('arts', tsv_column => 'body')$$, '42703',
	'search_lists_build: arts has no tsvector column "body"', 'a tsv_column that is no tsvector is an error');
SELECT throws_ok($$SELECT search_lists_build('arts', key_column => 'title')$$, '42703',
	'search_lists_build: arts has no integer column "title"', 'a text key column is an error');
SELECT is(search_lists_drop('arts'), false, 'search_lists_drop: false when there are no lists');

-- Build: depth 350 (story 1's 300 copies fit), lexemes in at least 30 rows.
SELECT is(search_lists_build('arts', depth => 350, min_df => 30),
	(SELECT sum(least(n, 350)) FROM (SELECT count(*) AS n FROM arts a, lexeme_ranks(a.tsv) r GROUP BY r.lexeme HAVING count(*) >= 30) x)::bigint,
	'build: min(df, depth) rows per lexeme in at least min_df rows');
SELECT is((SELECT count(*) FROM arts_search_floors), (SELECT count(*) FROM ts_stat('SELECT tsv FROM arts') WHERE ndoc >= 30),
	'build: one floor per lexeme in at least min_df rows');
SELECT is((SELECT bool_and(f.df = s.ndoc) FROM arts_search_floors f JOIN ts_stat('SELECT tsv FROM arts') s ON s.word = f.lexeme),
	true, 'build: floors record each lexeme''s document frequency');
SELECT ok(pg_temp.lists_exact(), 'build: each list is its lexeme''s hits down to the floor, in full');
SELECT is((SELECT (depth, min_df, lists, floors) FROM search_lists WHERE rel = 'arts'::regclass),
	(350, 30, 'arts_search_lists'::regclass, 'arts_search_floors'::regclass), 'build: registered in search_lists');

-- Search through the lists: the same as brute force and as the GIN path.
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl')),
	ARRAY['lists'], 'a one-lexeme query with a list reads the list');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 10)$$,
	'lists, cluster column: top 10 equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbours', 10, clusters => 'clus', max_keys => 3)$$,
	$$SELECT * FROM pg_temp.brute('harbours', 10, 3)$$,
	'lists, clusters table, a stemmed word: equal brute force');
SELECT results_eq(
	$$SELECT key, rank, hits, keys FROM search_stories('arts', 'harbour', 10)$$,
	$$SELECT key, rank, hits, keys FROM pg_temp.brute('harbour', 10)$$,
	'lists, collapsing by fingerprint: equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys, headline FROM search_stories('arts', 'tide', 8, cluster_column => 'cl')$$,
	$$SELECT story, key, title, rank, hits, keys, headline FROM search_stories('arts', 'tide', 8, cluster_column => 'cl', method => 'gin', lists => false)$$,
	'lists and the GIN path give the same rows, headlines included');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys, NULL::text, via FROM search_stories('arts', 'tide', 8, cluster_column => 'cl')$$,
	$$SELECT story, key, title, rank, hits, keys, headline, via FROM search_stories('arts', 'tide', 8, cluster_column => 'cl', headlines => false)$$,
	'headlines => false: the same rows with no headline');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'tide', 8, cluster_column => 'cl', lists => false)),
	ARRAY['gin'], 'lists => false takes the ranked scan');
SELECT is((SELECT count(*) || ':' || count(DISTINCT story) FROM search_stories('arts', 'harbour', 5, cluster_column => 'cl')),
	'5:5', 'lists: k = 5 gives 5 distinct stories although story 1 has the first 300 hits');

-- A list too short for k stories: the ranked scan runs instead.
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'harbour', 100, cluster_column => 'cl')),
	ARRAY['lists, then gin'], 'a list that runs out before k stories falls back to the ranked scan');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 100, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 100)$$,
	'after the fallback: equal brute force');

-- Queries that take no list: two words, a prefix, a weight, an unlisted lexeme.
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'harbour tide', 5, cluster_column => 'cl')),
	ARRAY['gin'], 'two lexemes: no list');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'zzunlisted', 5, cluster_column => 'cl')),
	NULL, 'no hits: no rows');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', '250', 3, cluster_column => 'cl')),
	ARRAY['gin'], 'a lexeme in fewer than min_df rows: no list');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'single', 3, cluster_column => 'cl')),
	ARRAY['lists'], 'a title-only lexeme in at least min_df rows: its list');

-- Writes: the trigger keeps every list exact.
-- New rows that sort before the floor (more "harbour"s, title weight A),
-- at a tie with a smaller key, and after it.
INSERT INTO arts (id, title, body, cl) VALUES
	(-5, 'harbour harbour', 'harbour harbour harbour harbour harbour tide tide', 999),
	(0, 'copy', 'copy', 998),
	(9000, 'nothing', 'harbour', 997);
UPDATE arts SET tsv = setweight(to_tsvector('english', coalesce(title, '')), 'A') || to_tsvector('english', body),
                fp = fingerprint(body)
 WHERE id IN (-5, 0, 9000);
SELECT ok(pg_temp.lists_exact(), 'after inserts: the lists are exact');
SELECT ok((SELECT count(*) FROM arts_search_lists WHERE key = -5 AND lexeme = 'harbour') = 1
          AND (SELECT count(*) FROM arts_search_lists WHERE key = 9000 AND lexeme = 'harbour') = 0,
	'after inserts: a row before the floor joined the list, one after it did not');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 10)$$,
	'after inserts: equal brute force');
SELECT is((SELECT key FROM search_stories('arts', 'harbour', 1, cluster_column => 'cl')), -5::bigint,
	'after inserts: the new best row comes first');
-- Deletes: of listed rows (the best ones) and of others.
DELETE FROM arts WHERE id IN (-5, 7, 14, 21, 1005, 3001) OR id BETWEEN 100 AND 150;
SELECT ok(pg_temp.lists_exact(), 'after deletes: the lists are exact');
SELECT is((SELECT count(*) FROM arts_search_lists WHERE key IN (-5, 7, 14, 21)), 0::bigint,
	'after deletes: deleted rows left every list');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 10)$$,
	'after deletes: equal brute force');
-- Updates: a changed tsvector, a changed key, an unrelated column.
UPDATE arts SET tsv = tsv || 'harbour:1A,2A,3A'::tsvector WHERE id IN (1010, 3002);
UPDATE arts SET tsv = to_tsvector('english', 'nothing at all') WHERE id IN (28, 35);
UPDATE arts SET id = id + 20000 WHERE id IN (42, 49);
UPDATE arts SET title = title || '!' WHERE id BETWEEN 1 AND 60;
SELECT ok(pg_temp.lists_exact(), 'after updates: the lists are exact');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 10)$$,
	'after updates: equal brute force');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'copy', 12, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('copy', 12)$$,
	'after updates, another lexeme: equal brute force');

-- A rebuild trims the lists back to depth; it can change the settings.
SELECT ok(search_lists_build('arts', depth => 500, min_df => 100) > 0, 'rebuild with other settings');
SELECT ok(pg_temp.lists_exact(), 'after the rebuild: the lists are exact');
SELECT is((SELECT max(n) FROM (SELECT count(*) AS n FROM arts_search_lists GROUP BY lexeme) x), 500::bigint,
	'after the rebuild: lists hold depth rows');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 100, cluster_column => 'cl')$$,
	$$SELECT * FROM pg_temp.brute('harbour', 100)$$,
	'after the rebuild, k = 100: equal brute force');

-- The RUM path: one-lexeme queries with a list take the list, others rank
-- like GIN (ts_rank, smallest key first), so RUM and GIN give the same rows.
-- The titles are weighted A, so "250" (title "story 250 ...", body "copy
-- 250") has rows with two weights for it: every hit is ranked.
SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') AS have_rum \gset
\if :have_rum
CREATE EXTENSION IF NOT EXISTS rum;
CREATE INDEX arts_rum ON arts USING rum (tsv rum_tsvector_ops);
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl', method => 'rum')),
	ARRAY['lists'], 'rum installed and indexed: a listed lexeme still reads its list');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour', 10, cluster_column => 'cl', method => 'gin')$$,
	'rum and gin: the same rows for a listed lexeme, ranks included');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', 'harbour tide', 5, cluster_column => 'cl')),
	ARRAY['all hits'], 'rum: a two-lexeme query ranks every hit');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour tide', 20, cluster_column => 'cl')$$,
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', 'harbour tide', 20, cluster_column => 'cl', method => 'gin')$$,
	'rum and gin: the same rows for a two-lexeme query');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', '250', 5, cluster_column => 'cl')),
	ARRAY['gin'], 'rum, auto: a one-lexeme query without a list ranks with ts_rank (GIN) like the listed ones');
SELECT is((SELECT array_agg(DISTINCT via) FROM search_stories('arts', '250', 5, cluster_column => 'cl', method => 'rum')),
	ARRAY['all hits (weights)'], 'rum, method => rum, a lexeme with two weights in a row: every hit ranked');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', '250', 20, cluster_column => 'cl', method => 'rum')$$,
	$$SELECT story, key, title, rank, hits, keys FROM search_stories('arts', '250', 20, cluster_column => 'cl', method => 'gin')$$,
	'rum and gin: the same rows for it');
SELECT results_eq(
	$$SELECT story, key, title, rank, hits, keys, via FROM search_stories('arts', 'news', 20, cluster_column => 'cl', method => 'rum', lists => false)$$,
	$$SELECT story, key, title, rank, hits, keys, 'rum' FROM search_stories('arts', 'news', 20, cluster_column => 'cl', method => 'gin', lists => false)$$,
	'rum, lists off, a lexeme of the A-weighted titles only: the RUM prefix, the same rows as gin');
\else
SELECT skip('rum is not installed (Debian package postgresql-15-rum): RUM path not tested', 8);
\endif

-- A generated tsvector column (as tools/neardup-load --search-index makes
-- it): an UPDATE of the text it is computed from fires the trigger.
CREATE TEMP TABLE gen (id bigint PRIMARY KEY, body text,
	tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
INSERT INTO gen SELECT g, repeat('quay ', g % 4 + 1) || 'copy ' || g FROM generate_series(1, 40) g;
SELECT is(search_lists_build('gen', min_df => 1, depth => 5), 5 * 2 + 40::bigint,
	'generated column: quay and copi lists of 5, each number its own list');
UPDATE gen SET body = repeat('quay ', 9) WHERE id = 40;
SELECT is((SELECT array_agg(key ORDER BY rank DESC, key) FROM gen_search_lists WHERE lexeme = 'quay'),
	ARRAY[40, 3, 7, 11, 15, 19]::bigint[], 'generated column: an UPDATE of the source column reaches the lists');

-- TRUNCATE empties the lists; dropping removes them and the trigger.
TRUNCATE arts;
SELECT is((SELECT count(*) FROM arts_search_lists), 0::bigint, 'TRUNCATE empties the lists');
SELECT is(search_lists_drop('arts'), true, 'search_lists_drop: true when there were lists');
SELECT ok(to_regclass('arts_search_lists') IS NULL AND to_regclass('arts_search_floors') IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'arts'::regclass AND tgname LIKE 'neardup_search_lists%')
          AND NOT EXISTS (SELECT 1 FROM search_lists WHERE rel = 'arts'::regclass),
	'search_lists_drop: tables, triggers and entry gone');

SELECT * FROM finish();
ROLLBACK;
