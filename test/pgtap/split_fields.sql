-- Fields of split_articles() pinned on two fixtures read byte-exact: the
-- byline and subtitle of plain articles, the caption of tt ones (none of
-- them may silently go missing).  Run from the repository root.
\set ON_ERROR_STOP 1
BEGIN;
SELECT plan(4);
\set plain `cat test/fixtures/plain_subtitle_byline.txt; printf x`
\set tt `cat test/fixtures/tt_basic.txt; printf x`
CREATE TEMP TABLE p AS SELECT * FROM split_articles(left(:'plain', -1));
CREATE TEMP TABLE t AS SELECT * FROM split_articles(left(:'tt', -1));
SELECT is((SELECT array_agg(byline ORDER BY ordinal) FROM p),
	ARRAY['Daniel Okafor' || E'\n' || 'Daniel Okafor covers housing and urban policy from the capital.', 'Mira Santos'],
	'plain: the bylines, after the Author: label');
SELECT is((SELECT array_agg(subtitle ORDER BY ordinal) FROM p),
	ARRAY['The measure would limit annual rent increases to 3 percent in cities with more than 500,000 residents.',
	      'Flights resumed on Saturday after a three-week closure.'],
	'plain: the subtitles');
SELECT is((SELECT array_agg(layout ORDER BY ordinal) FROM p) || (SELECT array_agg(layout ORDER BY ordinal) FROM t),
	ARRAY['plain', 'plain', 'tt', 'tt'], 'layouts: two plain articles, two tt ones');
SELECT is((SELECT count(*) FROM t WHERE caption IS NULL OR strpos(body, caption) > 0), 0::bigint,
	'tt: every article has a caption, not repeated in its body');
SELECT * FROM finish();
ROLLBACK;
