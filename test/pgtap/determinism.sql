-- Fingerprints do not depend on the database's locale or encoding: the
-- same texts give the same fingerprints (text form compared) in databases
-- created by tools/test with other settings, reached through dblink:
--   neardup_tap_c       ENCODING UTF8   LOCALE 'C'
--   neardup_tap_latin1  ENCODING LATIN1 LOCALE 'C'
--   neardup_tap_tr      ENCODING UTF8   LOCALE 'tr_TR.UTF-8' (when the locale exists)
BEGIN;
SELECT plan(6);
CREATE EXTENSION IF NOT EXISTS dblink;

CREATE TEMP TABLE texts (id int PRIMARY KEY, body text);
-- LATIN1-representable texts, with case, accents and sharp s.
INSERT INTO texts VALUES
	(1, 'ISTANBUL - Die Straße war geschlossen; Ärzte und Lehrer protestierten gegen die Kürzungen.'),
	(2, 'Iraq wants a quick and orderly negotiated exit of US-led military forces from its soil, Sudani said.'),
	(3, 'IIII İSTANBUL iiii ıııı DİYARBAKIR Işık'),   -- Turkish dotted/dotless i (UTF-8 databases only)
	(4, 'Café «crème» à 3,50 £ - NAÏVE façade, ÉLAN, ½ Øre.'),
	(5, '');

CREATE TEMP TABLE here AS
	SELECT id, fingerprint(body)::text AS fp, normalize_text(body) AS norm FROM texts;

CREATE FUNCTION pg_temp.conn(db text) RETURNS text LANGUAGE sql AS $$
	SELECT format('dbname=%s host=%s port=%s user=%s', db,
		split_part(current_setting('unix_socket_directories'), ',', 1),
		current_setting('port'), current_user)
$$;

CREATE FUNCTION pg_temp.remote(db text, ids int[]) RETURNS TABLE (id int, fp text, norm text)
LANGUAGE sql AS $$
	SELECT * FROM dblink(pg_temp.conn(db),
		format('SELECT id, fingerprint(body)::text, normalize_text(body) FROM (VALUES %s) v(id, body)',
			(SELECT string_agg(format('(%s, %L)', t.id, t.body), ', ') FROM texts t WHERE t.id = ANY (ids))))
	AS r(id int, fp text, norm text)
$$;

SELECT is((SELECT count(*) FROM pg_temp.remote('neardup_tap_c', ARRAY[1,2,3,4,5]) r JOIN here h USING (id)
	WHERE r.fp = h.fp AND r.norm = h.norm), 5::bigint, 'same fingerprints and tokens in a UTF8 database with LOCALE C');
SELECT is((SELECT count(*) FROM pg_temp.remote('neardup_tap_latin1', ARRAY[1,2,4,5]) r JOIN here h USING (id)
	WHERE r.fp = h.fp AND r.norm = h.norm), 4::bigint, 'same fingerprints and tokens in a LATIN1 database');
SELECT is((SELECT norm FROM here WHERE id = 1),
	'istanbul die strasse war geschlossen ärzte und lehrer protestierten gegen die kürzungen',
	'normalization: case folded, ß -> ss, punctuation dropped');
SELECT ok((SELECT fp FROM here WHERE id = 2) = fingerprint(upper((SELECT body FROM texts WHERE id = 2)))::text,
	'case does not change a fingerprint');

SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_database WHERE datname = 'neardup_tap_tr')
	THEN is((SELECT count(*) FROM pg_temp.remote('neardup_tap_tr', ARRAY[1,2,3,4,5]) r JOIN here h USING (id)
		WHERE r.fp = h.fp AND r.norm = h.norm), 5::bigint, 'same fingerprints and tokens in a tr_TR.UTF-8 database')
	ELSE skip('locale tr_TR.UTF-8 not available', 1) END;
SELECT is((SELECT norm FROM here WHERE id = 3), 'iiii i̇stanbul iiii ıııı di̇yarbakir işık',
	'Turkish I folds by Unicode rules, not by locale');

SELECT * FROM finish();
ROLLBACK;
