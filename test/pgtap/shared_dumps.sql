-- The real scraped dumps in ../shared/dumps (when that folder exists):
-- counts, titles, captions once, no repeated caption or title in a body.
-- Run from the repository root (tools/test does).
\set ON_ERROR_STOP 1
\set shared `test -f ../shared/dumps/000_7e0565da9356d275.txt && echo true || echo false`
BEGIN;
SELECT plan(12);
CREATE TEMP TABLE d (name text PRIMARY KEY, content text);
\if :shared
\set c0 `cat ../shared/dumps/000_7e0565da9356d275.txt`
\set c1 `cat ../shared/dumps/001_b7151a86ead9373e.txt`
\set c2 `cat ../shared/dumps/002_9a58fa54104eb1a7.txt`
INSERT INTO d VALUES ('000', :'c0'), ('001', :'c1'), ('002', :'c2');
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
SELECT is((SELECT count(*) FROM a WHERE body LIKE '%' || caption || '%'), 0::bigint, 'no body contains its caption');
SELECT is((SELECT left(body, 41) FROM a WHERE name = '002'),
	'BAGHDAD (Dispatches) – Iraq wants a quick', '002: body opens with the dateline');
SELECT is((SELECT string_agg(left(body, 30), ' | ' ORDER BY ordinal) FROM a WHERE name = '000'),
	'Iraq wants a quick and orderly | The UN migration agency on Mon | Saudi Arabia and seven other M | Syrian Foreign Minister, Asaad',
	'000: bodies start right after the noise');
SELECT ok((SELECT bool_and(substr(d.content, a.start_pos, a.char_length) LIKE a.title || '%')
	FROM a JOIN d USING (name)), 'raw spans start with the title');
\else
SELECT skip('../shared/dumps is not present', 12);
\endif
SELECT * FROM finish();
ROLLBACK;
