--
-- split_articles on the plain variants: blank-line paragraphs, a
-- standfirst without a final stop, author blocks with a blank line or no
-- bio, "By Name" at the top or the bottom; and the counter-examples that
-- must keep their first line in the body (a list, a poem, a full-sentence
-- lede, a dateline, a photo credit).
--
\pset null '(null)'
CREATE TEMP TABLE variants (name text PRIMARY KEY, dump text);
\set f `cat test/fixtures/plain_blank_standfirst.txt`
INSERT INTO variants VALUES ('plain_blank_standfirst', :'f');
\set f `cat test/fixtures/plain_blank_bylines.txt`
INSERT INTO variants VALUES ('plain_blank_bylines', :'f');
\set f `cat test/fixtures/plain_counter_examples.txt`
INSERT INTO variants VALUES ('plain_counter_examples', :'f');

SELECT v.name, a.ordinal, a.layout, a.title, a.subtitle, a.byline,
       split_part(a.body, E'\n', 1) AS body_first_line,
       array_length(string_to_array(a.body, E'\n'), 1) AS body_lines
  FROM variants v, split_articles(v.dump) a
 ORDER BY v.name, a.ordinal;

-- Nothing is lost: every non-blank line is in a field (the "Author:" and
-- "By" labels removed) of some article.
SELECT v.name, l.line
  FROM variants v,
       regexp_split_to_table(v.dump, E'\r\n|\r|\n') AS l(line)
 WHERE btrim(l.line, E' \t') <> ''
   AND NOT EXISTS (
	SELECT 1 FROM split_articles(v.dump) a,
	       regexp_split_to_table(concat_ws(E'\n', a.title, a.subtitle, a.caption, a.body, a.byline), E'\n') AS x(piece)
	 WHERE x.piece = btrim(l.line, E' \t')
	    OR x.piece = regexp_replace(btrim(l.line, E' \t'), '^(author:|by)[ \t]*', '', 'i'));

-- Inline: the standfirst needs the body's own evidence.
SELECT ordinal, subtitle, body, byline
  FROM split_articles(E'Port Deal Signed\n\nThe deal ends a year of talks\n\nThe port and the union signed the agreement on Monday.\n\nIt runs for five years.\n\nAuthor: Jo Lind\n\nJo Lind covers the port.');
-- a full-sentence first paragraph stays in the body
SELECT ordinal, subtitle, body
  FROM split_articles(E'Port Deal Signed\n\nThe port and the union signed the agreement on Monday.\n\nIt runs for five years.\n\nBoth sides welcomed it.');
-- a list: no line ends like a paragraph, so none is a standfirst
SELECT ordinal, subtitle, body
  FROM split_articles(E'What to Bring\n\nWarm clothes\n\nA torch\n\nWater for a day');
-- By and a name, at the top and at the bottom; By and a sentence is body
SELECT ordinal, subtitle, body, byline
  FROM split_articles(E'Port Deal Signed\nBy Jo Lind\n\nThe port and the union signed the agreement on Monday.\n\n\nRoad Reopens\n\nCrews cleared the road overnight.\n\nBY ANA DE LA CRUZ\n\n\nRoad Reopens\n\nCrews cleared the road overnight.\n\nBy then it was over.');
