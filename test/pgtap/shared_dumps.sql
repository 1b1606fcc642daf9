-- The real scraped dumps in ../shared/dumps (when that folder exists):
-- counts, titles, captions once, no repeated caption or title in a body.
-- Run from the repository root (tools/test does).
\set ON_ERROR_STOP 1
\set shared `test -f ../shared/dumps/000_7e0565da9356d275.txt && echo true || echo false`
BEGIN;
SELECT plan(17);
\if :shared
\i test/sql/shared_dumps.sql
CREATE TEMP TABLE a AS SELECT d.name, s.* FROM d, split_articles(d.content) s;

SELECT is((SELECT array_agg(title ORDER BY ordinal) FROM a WHERE name = '000'),
	ARRAY['Iraq PM: Country Seeks Quick Exit of US Forces but No Deadline Set',
	      'UN: 53 Migrants Dead or Missing in Shipwreck Off Libya',
	      'Eight Muslim Countries Condemn Israel’s ‘Illegal’ West Bank Control Measures',
	      'Shibani Meets Barrack in Riyadh'], '000: four articles with their titles');
SELECT is((SELECT array_agg(title ORDER BY ordinal) FROM a WHERE name = '001'),
	ARRAY['Iraq PM: Country Seeks Quick Exit of US Forces but No Deadline Set',
	      'Gaza Ceasefire Negotiations Extend to Another Day'], '001: two articles with their titles');
SELECT is((SELECT array_agg(title ORDER BY ordinal) FROM a WHERE name = '002'),
	ARRAY['PM Sudani: Iraq Wants Quick Exit of U.S. Troops'], '002: one article');
SELECT is((SELECT array_agg(DISTINCT layout) FROM a WHERE name IN ('000', '001')), ARRAY['tt'], '000 and 001 are tt');
SELECT is((SELECT layout FROM a WHERE name = '002'), 'plain', '002 is plain');
SELECT is((SELECT count(*) FROM a WHERE name IN ('000', '001') AND caption IS NOT NULL
	AND caption !~ '^\s' AND caption !~ E'\n'), 6::bigint, 'every tt article has one trimmed caption line');
SELECT is((SELECT caption FROM a WHERE name = '000' AND ordinal = 3),
	'Israeli soldiers stand guard during a weekly settlers'' tour in Hebron, in the Israeli-occupied West Bank, February 7, 2026. (Reuters)',
	'caption whose first copy had a leading space');
SELECT is((SELECT count(*) FROM a, regexp_split_to_table(a.body, E'\n') l
	WHERE l = a.title OR l = a.caption OR l = 'TT'), 0::bigint,
	'no body holds the title, the caption or a TT marker');
SELECT is((SELECT count(*) FROM a WHERE (layout = 'tt' AND caption IS NULL) OR strpos(body, caption) > 0), 0::bigint,
	'every tt article has a caption, and no body contains its caption');
SELECT is((SELECT left(body, 41) FROM a WHERE name = '002'),
	'BAGHDAD (Dispatches) – Iraq wants a quick', '002: body opens with the dateline');
SELECT is((SELECT string_agg(left(body, 30), ' | ' ORDER BY ordinal) FROM a WHERE name = '000'),
	'Iraq wants a quick and orderly | The UN migration agency on Mon | Saudi Arabia and seven other M | Syrian Foreign Minister, Asaad',
	'000: bodies start right after the noise');
SELECT ok((SELECT bool_and(substr(d.content, a.start_pos, a.char_length) LIKE a.title || '%')
	FROM a JOIN d USING (name)), 'raw spans start with the title');

-- Fingerprints: the first articles of 000 and 001 are the same story
-- (exact duplicates after normalization); 002 is that wire story
-- rewritten by another outlet: most of it is contained in 000's article
-- (containment about 0.55 at the default shingle size 3), which the
-- default neardup.containment_threshold of 0.5 catches, while the
-- resemblance (about 0.3) stays under the default similarity threshold.
CREATE TEMP TABLE f AS SELECT name, ordinal, fingerprint(body) AS fp FROM a;
SELECT ok((SELECT x.fp = y.fp FROM f x, f y WHERE x.name = '000' AND x.ordinal = 1 AND y.name = '001' AND y.ordinal = 1),
	'000#1 = 001#1 (exact duplicate)');
SELECT is((SELECT count(*) FROM f x, f y WHERE (x.name, x.ordinal) < (y.name, y.ordinal) AND x.fp = y.fp), 1::bigint,
	'no other pair of articles is an exact duplicate');
SELECT is((SELECT array_agg(y.name || '#' || y.ordinal ORDER BY y.name, y.ordinal)
	FROM f x, f y WHERE x.name = '002' AND y.name <> '002' AND x.fp <% y.fp), ARRAY['000#1', '001#1'],
	'002''s article <% the first articles of 000 and 001 at the default threshold, nothing else');
SELECT is((SELECT array_agg(x.name || '#' || x.ordinal ORDER BY x.name, x.ordinal)
	FROM f x, f y WHERE y.name = '002' AND x.name <> '002' AND x.fp %> y.fp), ARRAY['000#1', '001#1'],
	'%> finds the same pairs from the other side');

-- Clusters: the two copies and the rewrite (linked by containment) are one
-- cluster with 000#1 as representative; every other article is alone.
CREATE TEMP TABLE fk AS SELECT row_number() OVER (ORDER BY name, ordinal) AS id, name, ordinal, fp FROM f;
SELECT is((SELECT array_agg(k.name || '#' || k.ordinal || ':' || c.cluster_size || ':' || c.is_representative
		ORDER BY k.name, k.ordinal)
	FROM duplicate_clusters('fk', 'id', 'fp', NULL, 0.5) c JOIN fk k ON k.id = c.key),
	ARRAY['000#1:3:true', '000#2:1:true', '000#3:1:true', '000#4:1:true', '001#1:3:false', '001#2:1:true', '002#1:3:false'],
	'duplicate_clusters: 000#1, 001#1 and the rewrite 002#1 form one cluster; the rest are alone');
\else
SELECT skip('../shared/dumps is not present', 17);
\endif
SELECT * FROM finish();
ROLLBACK;
