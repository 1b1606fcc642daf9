-- Passage reuse on the real scraped dumps in ../shared/dumps (when that
-- folder exists): 002's article is a wire story rewritten by another
-- outlet; its resemblance to 000's first article is low, but most of its
-- sentences are shared word for word, which shared_passages() lists and
-- passage_hashes() finds through a GIN index.  Also properties and errors
-- of both functions that need no dump.
-- Run from the repository root (tools/test does).
\set ON_ERROR_STOP 1
\set shared `test -f ../shared/dumps/000_7e0565da9356d275.txt && echo true || echo false`
BEGIN;
SELECT plan(21);

-- Catalog properties.
SELECT volatility_is('shared_passages', ARRAY['text', 'text', 'integer'], 'immutable');
SELECT is_strict('shared_passages', ARRAY['text', 'text', 'integer']);
SELECT volatility_is('passage_hashes', ARRAY['text'], 'immutable');
SELECT is_strict('passage_hashes', ARRAY['text']);

-- Errors.
SELECT throws_ok($$SELECT * FROM shared_passages('a b', 'a b', 0)$$, '22023',
	'min_words 0 is out of range', 'min_words 0 is rejected');
SELECT throws_ok($$SELECT * FROM shared_passages('a b', 'a b', 1001)$$, '22023',
	'min_words 1001 is out of range', 'min_words above 1000 is rejected');
SELECT lives_ok($$SELECT * FROM shared_passages('a b', 'a b', 1000)$$, 'min_words 1000 is accepted');

-- A property: every row's positions give the passage back in a, and the
-- same normalized words in b, whatever the spacing and case in b.
SELECT ok((SELECT bool_and(substr(a, a_start, a_length) = passage
			  AND normalize_text(substr(b, b_start, b_length)) = normalize_text(passage))
	FROM (VALUES ('One two, THREE four five six seven eight nine ten. Eleven!',
		'x x one   two three-four five six seven eight nine TEN eleven y')) v(a, b),
	shared_passages(v.a, v.b, 3)), 'positions give the passage back in both texts');

\if :shared
\i test/sql/shared_dumps.sql
CREATE TEMP TABLE a AS
SELECT d.name, s.*, cardinality(string_to_array(normalize_text(s.body), ' ')) AS ntokens
  FROM d, split_articles(d.content) s;
CREATE TEMP TABLE p AS
SELECT sp.* FROM a x, a y, shared_passages(x.body, y.body) sp
 WHERE x.name = '000' AND x.ordinal = 1 AND y.name = '002';

SELECT is((SELECT count(*) FROM p), 16::bigint, '000#1 vs 002: 16 shared runs of 8 words or more');
SELECT is((SELECT sum(words) FROM p), 383::bigint, '000#1 vs 002: 383 words in shared runs');
SELECT ok((SELECT sum(p.words)::float8 / a.ntokens FROM p, a WHERE a.name = '002' GROUP BY a.ntokens) > 0.55,
	'most of 002''s words lie in runs shared with 000#1');
SELECT ok((SELECT similarity(fingerprint(x.body), fingerprint(y.body)) FROM a x, a y
	WHERE x.name = '000' AND x.ordinal = 1 AND y.name = '002') < 0.35,
	'while the resemblance stays low');
SELECT is((SELECT max(words) FROM p), 54, 'the longest shared run has 54 words');
SELECT is((SELECT passage FROM p ORDER BY a_start LIMIT 1), 'Iraq wants a quick and orderly negotiated exit of',
	'the first run, as written in 000');
SELECT ok((SELECT bool_and(substr(x.body, p.a_start, p.a_length) = p.passage) FROM p, a x
	WHERE x.name = '000' AND x.ordinal = 1), 'every passage is substr(a, a_start, a_length)');
SELECT ok((SELECT bool_and(normalize_text(substr(y.body, p.b_start, p.b_length)) = normalize_text(p.passage))
	FROM p, a y WHERE y.name = '002'), 'every b span holds the same words');
SELECT ok((SELECT bool_and(p1.a_start + p1.a_length <= p2.a_start)
	FROM (SELECT *, lead(a_start) OVER (ORDER BY a_start) AS next FROM p) p1
	JOIN p p2 ON p2.a_start = p1.next), 'runs are ordered and do not overlap in a');

-- Exact duplicates share one run covering the whole text.
SELECT is((SELECT array_agg(sp.words) FROM a x, a y, shared_passages(x.body, y.body) sp
	WHERE x.name = '000' AND x.ordinal = 1 AND y.name = '001' AND y.ordinal = 1),
	(SELECT ARRAY[ntokens] FROM a WHERE name = '000' AND ordinal = 1),
	'000#1 vs its exact duplicate 001#1: one run of every word');

-- The indexable search: 002's article finds the story it rewrites (both
-- copies) and itself, nothing else; the index agrees with a seq scan.
CREATE INDEX ON a USING gin (passage_hashes(body));
ANALYZE a;
SET LOCAL enable_seqscan = off;
SELECT is((SELECT array_agg(name || '#' || ordinal ORDER BY name, ordinal) FROM a
	WHERE passage_hashes(body) && (SELECT passage_hashes(body) FROM a WHERE name = '002')),
	ARRAY['000#1', '001#1', '002#1'], 'GIN && search from 002 finds 000#1, 001#1 and itself');
SET LOCAL enable_seqscan = on;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexscan = off;
SELECT is((SELECT array_agg(name || '#' || ordinal ORDER BY name, ordinal) FROM a
	WHERE passage_hashes(body) && (SELECT passage_hashes(body) FROM a WHERE name = '002')),
	ARRAY['000#1', '001#1', '002#1'], 'a sequential scan finds the same');
SELECT is((SELECT count(*) FROM a x, a y
	WHERE (x.name, x.ordinal) < (y.name, y.ordinal) AND passage_hashes(x.body) && passage_hashes(y.body)), 3::bigint,
	'exactly three pairs of articles share a passage hash');
\else
SELECT skip('../shared/dumps is not present', 13);
\endif
SELECT * FROM finish();
ROLLBACK;
