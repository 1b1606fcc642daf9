--
-- Passage reuse: shared_passages() and passage_hashes().
--
-- A run shared by two texts, with its positions in both (1-based characters).
SELECT * FROM shared_passages(
  'Officials said on Monday that the new bridge over the river will open in the spring of next year, weeks late.',
  'The new bridge over the river will open in the spring of next year, the mayor said.');

-- Runs are compared as normalized words: case, punctuation, hyphens and
-- quotes inside a run do not break it; the positions give each text's own
-- spelling back.
\set a 'IRAQ wants a quick and orderly exit of U.S.-led coalition forces from its territory.'
\set b 'Iraq wants a "quick" and orderly exit of U.S. led coalition forces, officials said.'
SELECT words, a_start, a_length, b_start, b_length,
       passage, substr(:'b', b_start, b_length) AS in_b
  FROM shared_passages(:'a', :'b');

-- Multibyte text: positions count characters.  a has guillemets and a
-- curly apostrophe, b a straight apostrophe.
\set a 'Le président a déclaré à l’AFP que «la réforme des retraites sera adoptée» avant l’été.'
\set b 'Selon lui, le président a déclaré à l''AFP que la réforme des retraites sera adoptée.'
SELECT words, a_start, a_length, b_start, b_length,
       passage = substr(:'a', a_start, a_length) AS a_ok,
       substr(:'b', b_start, b_length) AS in_b
  FROM shared_passages(:'a', :'b');
-- The same with b in NFD (accents as combining marks): the run is the
-- same, its span in b is longer by the six combining marks.
SELECT words, b_start, b_length,
       normalize(substr(b, b_start, b_length), NFC) AS in_b_nfc
  FROM (SELECT normalize(:'b', NFD) AS b) t, shared_passages(:'a', t.b);

-- Repeats: a run that occurs twice in b is reported at its first
-- occurrence; a passage of b that a repeats is reported once per copy in a.
SELECT words, a_start, b_start, passage FROM shared_passages(
  'intro. one two three four five six seven eight nine ten. outro',
  'one two three four five six seven eight nine ten; later: one two three four five six seven eight nine ten');
SELECT words, a_start, b_start, passage FROM shared_passages(
  'one two three four five six seven eight nine ten. and again: one two three four five six seven eight nine ten',
  'start one two three four five six seven eight nine ten end');

-- Runs never overlap in a: the second match here starts inside the first,
-- so it is reported from where the first one ends.
SELECT words, a_start, b_start, passage FROM shared_passages(
  'a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20',
  'a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 x x x a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20');

-- min_words: the default is 8; a run of exactly min_words words counts.
SELECT count(*) FROM shared_passages('x one two three four five six seven y', 'one two three four five six seven');
SELECT count(*) FROM shared_passages('x one two three four five six seven y', 'one two three four five six seven', 7);
SELECT words, passage FROM shared_passages('the cat sat', 'a cat sat down', 1);
SELECT count(*) FROM shared_passages('', 'some words');
SELECT count(*) FROM shared_passages(NULL, 'some words');
SELECT count(*) FROM shared_passages('a b', 'a b', 0);
SELECT count(*) FROM shared_passages('a b', 'a b', 1001);

-- passage_hashes: sorted, unique; empty below 8 words; NULL for NULL.
SELECT passage_hashes(NULL) IS NULL AS is_null,
       passage_hashes('') AS empty,
       passage_hashes('one two three four five six seven') AS seven_words,
       cardinality(passage_hashes('one two three four five six seven eight')) AS eight_words;
SELECT passage_hashes('Iraq wants a quick and orderly exit of U.S.-led coalition forces from its territory, but has not set a deadline, Prime Minister Mohammed Shia al-Sudani said on Monday.');
SELECT passage_hashes('IRAQ WANTS A QUICK AND ORDERLY EXIT OF U.S. LED COALITION FORCES')
     = passage_hashes('Iraq wants a quick and orderly exit of U.S.-led coalition forces') AS normalized;

-- The samples: article 1 of wire_plain.txt is another outlet's rewrite of
-- article 1 of wire_tt.txt.
-- Files are read byte-exact: psql's backquotes drop a final newline, so
-- each command prints an x after the file, which left(..., -1) removes.
\set tt `cat samples/wire_tt.txt; printf x`
\set plain `cat samples/wire_plain.txt; printf x`
CREATE TABLE passage_articles AS
SELECT 'wire_tt' AS dump, * FROM split_articles(left(:'tt', -1))
UNION ALL
SELECT 'wire_plain', * FROM split_articles(left(:'plain', -1));
SELECT dump, ordinal, title FROM passage_articles ORDER BY dump, ordinal;

SELECT p.words, p.a_start, p.a_length, p.b_start, p.b_length, p.passage
  FROM passage_articles x, passage_articles y, shared_passages(x.body, y.body) p
 WHERE x.dump = 'wire_plain' AND x.ordinal = 1 AND y.dump = 'wire_tt' AND y.ordinal = 1;
SELECT bool_and(substr(x.body, p.a_start, p.a_length) = p.passage) AS a_ok,
       bool_and(normalize_text(substr(y.body, p.b_start, p.b_length)) = normalize_text(p.passage)) AS b_ok
  FROM passage_articles x, passage_articles y, shared_passages(x.body, y.body) p
 WHERE x.dump = 'wire_plain' AND x.ordinal = 1 AND y.dump = 'wire_tt' AND y.ordinal = 1;

-- Which articles share a passage with a given text: a GIN index on
-- passage_hashes(body), searched with the array overlap operator &&.
CREATE INDEX passage_articles_hashes ON passage_articles USING gin (passage_hashes(body));
ANALYZE passage_articles;
\set q 'Fishermen''s groups oppose the project, saying the dredging will stir up sediment and drive fish away from the bay.'
SET enable_seqscan = off;
EXPLAIN (costs off)
SELECT dump, ordinal FROM passage_articles WHERE passage_hashes(body) && passage_hashes(:'q');
SELECT a.dump, a.ordinal, a.title, p.words, p.passage
  FROM passage_articles a, shared_passages(:'q', a.body) p
 WHERE passage_hashes(a.body) && passage_hashes(:'q')
 ORDER BY a.dump, a.ordinal, p.a_start;
-- All pairs of articles sharing a passage: the index serves the inner
-- side of a nested loop.
EXPLAIN (costs off)
SELECT x.dump AS xd, x.ordinal AS xo, y.dump AS yd, y.ordinal AS yo
  FROM passage_articles x, passage_articles y
 WHERE passage_hashes(y.body) && passage_hashes(x.body) AND (x.dump, x.ordinal) <> (y.dump, y.ordinal);
-- The index returns what a sequential scan returns.
CREATE TEMP TABLE by_index AS
SELECT x.dump AS xd, x.ordinal AS xo, y.dump AS yd, y.ordinal AS yo
  FROM passage_articles x, passage_articles y
 WHERE passage_hashes(y.body) && passage_hashes(x.body) AND (x.dump, x.ordinal) <> (y.dump, y.ordinal);
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT x.dump AS xd, x.ordinal AS xo, y.dump AS yd, y.ordinal AS yo
  FROM passage_articles x, passage_articles y
 WHERE passage_hashes(y.body) && passage_hashes(x.body) AND (x.dump, x.ordinal) <> (y.dump, y.ordinal)
EXCEPT ALL SELECT * FROM by_index;
SELECT count(*) AS pairs FROM by_index;
RESET enable_indexscan;
RESET enable_bitmapscan;
DROP TABLE passage_articles;
