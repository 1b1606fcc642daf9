--
-- split_articles over every fixture: counts, layouts and titles, and the
-- rule that line endings, a BOM and trailing whitespace change nothing.
--
\pset null '(null)'
CREATE TEMP TABLE fixtures (name text PRIMARY KEY, dump text);
\set f `cat test/fixtures/tt_basic.txt`
INSERT INTO fixtures VALUES ('tt_basic', :'f');
\set f `cat test/fixtures/tt_crlf.txt`
INSERT INTO fixtures VALUES ('tt_crlf', :'f');
\set f `cat test/fixtures/tt_cr_only.txt`
INSERT INTO fixtures VALUES ('tt_cr_only', :'f');
\set f `cat test/fixtures/tt_trailing_whitespace.txt`
INSERT INTO fixtures VALUES ('tt_trailing_whitespace', :'f');
\set f `cat test/fixtures/tt_bom.txt`
INSERT INTO fixtures VALUES ('tt_bom', :'f');
\set f `cat test/fixtures/tt_no_final_newline.txt`
INSERT INTO fixtures VALUES ('tt_no_final_newline', :'f');
\set f `cat test/fixtures/tt_one_blank_separator.txt`
INSERT INTO fixtures VALUES ('tt_one_blank_separator', :'f');
\set f `cat test/fixtures/tt_five_blank_lines.txt`
INSERT INTO fixtures VALUES ('tt_five_blank_lines', :'f');
\set f `cat test/fixtures/tt_no_caption.txt`
INSERT INTO fixtures VALUES ('tt_no_caption', :'f');
\set f `cat test/fixtures/tt_no_title_repeat.txt`
INSERT INTO fixtures VALUES ('tt_no_title_repeat', :'f');
\set f `cat test/fixtures/mixed_tt_plain.txt`
INSERT INTO fixtures VALUES ('mixed_tt_plain', :'f');
\set f `cat test/fixtures/plain_several.txt`
INSERT INTO fixtures VALUES ('plain_several', :'f');
\set f `cat test/fixtures/plain_subtitle_byline.txt`
INSERT INTO fixtures VALUES ('plain_subtitle_byline', :'f');
\set f `cat test/fixtures/plain_paragraphs_no_subtitle.txt`
INSERT INTO fixtures VALUES ('plain_paragraphs_no_subtitle', :'f');
\set f `cat test/fixtures/unknown_junk.txt`
INSERT INTO fixtures VALUES ('unknown_junk', :'f');
\set f `cat test/fixtures/whitespace_only.txt`
INSERT INTO fixtures VALUES ('whitespace_only', :'f');
\set f `cat test/fixtures/empty.txt`
INSERT INTO fixtures VALUES ('empty', :'f');

-- One line per article: which layout, which fields are present.
SELECT f.name, a.ordinal, a.layout, a.title,
       a.subtitle IS NOT NULL AS sub, a.caption IS NOT NULL AS cap,
       a.byline IS NOT NULL AS by,
       array_length(string_to_array(a.body, E'\n'), 1) AS body_lines
  FROM fixtures f, split_articles(f.dump) a
 ORDER BY f.name, a.ordinal;

-- Fixtures that give no article at all.
SELECT name FROM fixtures f
 WHERE NOT EXISTS (SELECT 1 FROM split_articles(f.dump))
 ORDER BY name;

-- The CRLF, CR-only and trailing-whitespace copies of tt_basic split into
-- exactly the same fields.
SELECT f.name,
       array_agg(row(a.title, a.subtitle, a.caption, a.body, a.byline, a.layout)::text ORDER BY a.ordinal)
         = (SELECT array_agg(row(b.title, b.subtitle, b.caption, b.body, b.byline, b.layout)::text ORDER BY b.ordinal)
              FROM fixtures g, split_articles(g.dump) b WHERE g.name = 'tt_basic') AS same_as_tt_basic
  FROM fixtures f, split_articles(f.dump) a
 WHERE f.name IN ('tt_crlf', 'tt_cr_only', 'tt_trailing_whitespace')
 GROUP BY f.name ORDER BY f.name;

-- Nothing is lost: every non-blank line of every fixture is in a field of
-- some article, or repeats a kept title or caption, or is a TT marker.
SELECT f.name, l.line
  FROM fixtures f,
       regexp_split_to_table(f.dump, E'\r\n|\r|\n') AS l(line)
 WHERE btrim(l.line, E' \t\uFEFF') NOT IN ('', 'TT')
   AND NOT EXISTS (
	SELECT 1 FROM split_articles(f.dump) a,
	       regexp_split_to_table(concat_ws(E'\n', a.title, a.subtitle, a.caption, a.body, a.byline), E'\n') AS x(piece)
	 WHERE x.piece = btrim(l.line, E' \t\uFEFF')
	    OR x.piece = regexp_replace(btrim(l.line, E' \t'), '^author:[ \t]*', '', 'i'));
