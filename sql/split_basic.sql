--
-- split_articles on the two layouts, every field shown: a tt dump and a
-- plain dump with subtitle and byline (fixtures in test/fixtures/, read by
-- psql from the repository root).
--
\pset null '(null)'
\set tt `cat test/fixtures/tt_basic.txt`
\set plain `cat test/fixtures/plain_subtitle_byline.txt`

\x on
SELECT * FROM split_articles(:'tt');
SELECT * FROM split_articles(:'plain');
\x off

-- The raw span of each article, as substr() gives it back.
SELECT ordinal, left(substr(:'tt', start_pos, char_length), 50) AS raw_starts,
       right(substr(:'tt', start_pos, char_length), 40) AS raw_ends
  FROM split_articles(:'tt');
