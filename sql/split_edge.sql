--
-- split_articles on small edge cases written inline: empty input, blank
-- lines only, line endings, BOM, missing final newline, junk.
--
\pset null '(null)'

SELECT count(*) FROM split_articles('');
SELECT count(*) FROM split_articles(E'   \n\n\t\n \r\n\r');

-- A plain article with no trailing newline, CRLF endings, trailing spaces.
SELECT ordinal, layout, title, subtitle, body, byline, start_pos, char_length
  FROM split_articles(E'Storm Closes Ports Along the Coast  \r\nHAMBURG (AP) – Ports closed on Sunday.\r\nShips waited offshore.   ');

-- A lone CR as line ending and a UTF-8 BOM.
SELECT ordinal, layout, title, body, start_pos, char_length
  FROM split_articles(E'\uFEFFStorm Closes Ports Along the Coast\rHAMBURG (AP) – Ports closed on Sunday.\rShips waited offshore.\r');

-- A single line of prose is no article: it comes back as unknown, intact.
SELECT ordinal, layout, title, body, start_pos, char_length
  FROM split_articles('Some text without any structure at all, ending in a period.');

-- Two tt articles separated by a single blank line only.
SELECT ordinal, layout, title, caption, body
  FROM split_articles(E'First Headline Here\n\nA caption (AP)\nA caption (AP)\nTT\n\nFirst Headline Here\n\nA caption (AP)\nA caption (AP)\n\nBody one.\n\nSecond Headline Here\n\nOther caption (AFP)\nOther caption (AFP)\nTT\n\nSecond Headline Here\n\nOther caption (AFP)\nOther caption (AFP)\n\nBody two, line one.\nBody two, line two.');

-- A tt article without a caption and without the repeated title.
SELECT ordinal, layout, title, caption, body
  FROM split_articles(E'Headline Without Photo\n\nTT\n\nThe body starts here.\nIt goes on.');

-- substr() with the returned positions gives the raw span back, in
-- characters, also after multibyte text.
WITH d(dump) AS (VALUES (E'Ünïcödé Headline “One”\nBödy of öne.\n\n\nŠecond Headline\nBody of two – with dashes.\n'))
SELECT ordinal, start_pos, char_length, substr(dump, start_pos, char_length) AS raw
  FROM d, split_articles(dump);

-- NULL in, nothing out (STRICT).
SELECT count(*) FROM split_articles(NULL);
