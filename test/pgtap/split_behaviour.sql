-- Properties of split_articles() on generated dumps: counts, raw spans in
-- characters, nothing lost, noise removed, line endings irrelevant.
BEGIN;
SELECT plan(18);

-- A generated tt dump: 50 articles with multibyte text, each with the
-- duplicated header, in varying blank-line separations.
CREATE TEMP TABLE gen AS
SELECT string_agg(
	format(E'Café report %s: Zoë’s “%s” plan\n\n%sPhoto %s: a crowd in Zürich (EPA)\nPhoto %s: a crowd in Zürich (EPA)\nTT\n\nCafé report %s: Zoë’s “%s” plan\n\nPhoto %s: a crowd in Zürich (EPA)\nPhoto %s: a crowd in Zürich (EPA)\n\nFirst paragraph %s says the ministry – in Genève – acted.\n%sSECOND HEADING\nSecond paragraph %s ends here.',
		i, i, CASE WHEN i % 2 = 0 THEN ' ' ELSE '' END, i, i, i, i, i, i, i,
		CASE WHEN i % 3 = 0 THEN E'\n' ELSE '' END, i),
	repeat(E'\n', 2 + (i % 3)) ORDER BY i) AS dump
FROM generate_series(1, 50) i;

CREATE TEMP TABLE art AS SELECT a.* FROM gen, split_articles(gen.dump) a;

SELECT is((SELECT count(*) FROM art), 50::bigint, 'generated tt dump: 50 articles');
SELECT is((SELECT count(*) FROM art WHERE layout = 'tt'), 50::bigint, 'all of layout tt');
SELECT is((SELECT array_agg(ordinal ORDER BY ordinal) FROM art),
	(SELECT array_agg(i) FROM generate_series(1, 50) i), 'ordinals are 1..n in dump order');
SELECT is((SELECT count(*) FROM art WHERE title = format('Café report %s: Zoë’s “%s” plan', ordinal, ordinal)),
	50::bigint, 'titles kept once, with their multibyte characters');
SELECT is((SELECT count(*) FROM art WHERE caption = format('Photo %s: a crowd in Zürich (EPA)', ordinal)),
	50::bigint, 'caption kept once, trimmed');
SELECT is((SELECT count(*) FROM art
	WHERE body = format(E'First paragraph %s says the ministry – in Genève – acted.\nSECOND HEADING\nSecond paragraph %s ends here.', ordinal, ordinal)),
	50::bigint, 'body without title, captions or TT; subheading kept');
SELECT is((SELECT count(*) FROM art, gen
	WHERE substr(gen.dump, start_pos, char_length) LIKE title || E'\n%'
	  AND substr(gen.dump, start_pos, char_length) LIKE '%Second paragraph ' || ordinal || ' ends here.'),
	50::bigint, 'substr(dump, start_pos, char_length) is the raw span in characters');
SELECT ok((SELECT bool_and(start_pos > prev_end) FROM
	(SELECT start_pos, lag(start_pos + char_length - 1, 1, 0) OVER (ORDER BY ordinal) AS prev_end FROM art) s),
	'raw spans increase and never overlap');

-- The same dump with CRLF, then CR line endings, a BOM and trailing blanks
-- on every line splits identically.
SELECT is(
	(SELECT array_agg(row(title, caption, body, layout)::text ORDER BY ordinal)
	   FROM gen, split_articles(E'\uFEFF' || replace(replace(gen.dump, E'\n', E' \t\r\n'), E'\r\n\r\n', E'\r\n  \r\n')) a),
	(SELECT array_agg(row(title, caption, body, layout)::text ORDER BY ordinal) FROM art),
	'CRLF, BOM and trailing whitespace change nothing');
SELECT is(
	(SELECT array_agg(row(title, caption, body, layout)::text ORDER BY ordinal)
	   FROM gen, split_articles(replace(gen.dump, E'\n', E'\r')) a),
	(SELECT array_agg(row(title, caption, body, layout)::text ORDER BY ordinal) FROM art),
	'CR-only line endings change nothing');

-- Nothing lost: every non-blank input line is in some output field or is
-- noise that repeats a kept title/caption or is a TT marker.
CREATE TEMP TABLE mixed AS SELECT
	(SELECT dump FROM gen) || E'\n\n\n' ||
	E'Plain Headline About Budget Talks\nLONDON (Reuters) – Talks resumed on Monday.\nThey ended late.\n\n\n' ||
	E'just some stray words without structure that end with a period.\n\n\nSecond Plain Headline\nBody line one.\nBody line two.' AS dump;
SELECT is(
	(SELECT count(*) FROM mixed, regexp_split_to_table(mixed.dump, E'\r\n|\r|\n') l
	  WHERE btrim(l, E' \t') NOT IN ('', 'TT')
	    AND btrim(l, E' \t') NOT IN (
		SELECT regexp_split_to_table(concat_ws(E'\n', title, subtitle, caption, body, byline), E'\n')
		  FROM split_articles(mixed.dump))),
	0::bigint, 'no input line is lost');
SELECT is(
	(SELECT array_agg(layout ORDER BY ordinal) FROM mixed, split_articles(mixed.dump) WHERE ordinal > 50),
	ARRAY['plain', 'unknown', 'plain'], 'mixed dump: plain, unknown and plain blocks after the tt articles');

SELECT is((SELECT count(*) FROM split_articles('')), 0::bigint, 'empty dump: no rows');
SELECT is((SELECT count(*) FROM split_articles(E' \n\t\r\n  \n\n')), 0::bigint, 'whitespace-only dump: no rows');

-- A 10 MB single line is one unknown article, intact.
CREATE TEMP TABLE oneline AS SELECT repeat('word, ', 1747627) AS dump;
SELECT is((SELECT array_agg(row(ordinal, layout, title IS NULL, md5(body) = md5(rtrim(dump)), start_pos, char_length)::text)
	FROM oneline, split_articles(oneline.dump)),
	(SELECT ARRAY[row(1, 'unknown', true, true, 1, length(dump))::text] FROM oneline), '10 MB single line: one unknown row holding it all');

-- 100,000 articles in one dump: all found, in order.
CREATE TEMP TABLE many AS SELECT string_agg(format(E'Headline number %s\nBody %s.', i, i), E'\n\n\n' ORDER BY i) AS dump
	FROM generate_series(1, 100000) i;
SELECT is((SELECT count(*) FILTER (WHERE title = 'Headline number ' || ordinal AND body = 'Body ' || ordinal || '.')
	FROM many, split_articles(many.dump)), 100000::bigint, '100,000 plain articles in one dump');

-- A long split can be cancelled (it checks for interrupts while scanning).
CREATE TEMP TABLE huge (dump text);
ALTER TABLE huge ALTER COLUMN dump SET STORAGE EXTERNAL;
INSERT INTO huge SELECT repeat(E'Headline\nbody line\n\n\n', 8000000);
-- (pgTAP's throws_ok cannot catch a cancel: plpgsql's OTHERS excludes it;
-- the block names query_canceled, so the expected error is caught and
-- checked rather than printed.)
CREATE TEMP TABLE cancel_outcome (sqlstate text);
SET LOCAL statement_timeout = '30ms';
DO $$
BEGIN
	PERFORM count(*) FROM huge, split_articles(huge.dump);
	INSERT INTO cancel_outcome VALUES ('finished');
EXCEPTION WHEN query_canceled THEN
	INSERT INTO cancel_outcome VALUES ('57014');
END
$$;
RESET statement_timeout;
SELECT is((SELECT string_agg(sqlstate, ',') FROM cancel_outcome), '57014', 'a split of a 200 MB dump is cancelled by statement_timeout');
SELECT is((SELECT count(*) FROM split_articles(E'still works\nafter cancel')), 1::bigint, 'the session is usable after the cancel');

SELECT * FROM finish();
ROLLBACK;
