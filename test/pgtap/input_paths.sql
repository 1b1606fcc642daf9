-- Input paths (issue 13): normalize_text in a database whose encoding is
-- not UTF-8 (defect 4), and the echo of bad input in error messages cut
-- to a short prefix (defect 8).  The LATIN1 database neardup_tap_latin1 is
-- made by tools/test (and test/install/anywhere.sh); reached by dblink.
BEGIN;
SELECT plan(9);
CREATE EXTENSION IF NOT EXISTS dblink;

CREATE FUNCTION pg_temp.latin1(query text) RETURNS text LANGUAGE sql AS $$
	SELECT r FROM dblink(format('dbname=neardup_tap_latin1 host=%s port=%s user=%s',
			split_part(current_setting('unix_socket_directories'), ',', 1),
			current_setting('port'), current_user), query) AS t(r text)
$$;

-- Defect 4: the micro sign is LATIN1, its NFKC form (Greek mu) is not.
SELECT is(pg_temp.latin1($$SELECT normalize_text(convert_from('\xb5', 'LATIN1'))$$), '\u03BC',
	'LATIN1: normalize_text of the micro sign is \u03BC (was: 22P05)');
SELECT is(pg_temp.latin1($$SELECT normalize_text(convert_from('\x41b5e920c6', 'LATIN1'))$$), 'a\u03BCé æ',
	'LATIN1: representable characters come back as they are, the others as escapes');
SELECT is(pg_temp.latin1($$SELECT normalize_text(convert_from('\x41b5e920c6', 'LATIN1'))$$),
	replace(normalize_text(text 'Aµé Æ'), 'μ', '\u03BC'),
	'LATIN1: the same tokens as in a UTF-8 database, with the escape');
SELECT is(pg_temp.latin1($$SELECT normalize_text(convert_from('\x5354524153dfc520b5b5', 'LATIN1'))$$), 'strassså \u03BC\u03BC',
	'LATIN1: case folding to ss and å stays LATIN1; each µ is one escape');
SELECT is(pg_temp.latin1($$SELECT normalize_text(convert_from('\x4361666520c9c4', 'LATIN1'))$$), 'cafe éä',
	'LATIN1: plain LATIN1 text is unchanged by the escaping');
SELECT is(pg_temp.latin1($$SELECT fingerprint(convert_from('\xb5', 'LATIN1'))::text$$),
	fingerprint(text 'µ')::text, 'LATIN1: fingerprint of the same text as in UTF-8');

-- Defect 8: a huge bad literal is echoed as a short prefix.
CREATE FUNCTION pg_temp.input_error(v text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM v::fingerprint;
	RETURN 'no error';
EXCEPTION WHEN invalid_text_representation THEN
	RETURN SQLERRM;
END
$$;
SELECT is(pg_temp.input_error(repeat('x', 1000000)),
	'invalid input syntax for type fingerprint: "' || repeat('x', 64) || '..."',
	'a 1 MB bad value is echoed as its first 64 bytes and "..."');
SELECT is(pg_temp.input_error(repeat('é', 100)),
	'invalid input syntax for type fingerprint: "' || repeat('é', 32) || '..."',
	'...cut at a character boundary');
SELECT is(pg_temp.input_error('1:3:zz'),
	'invalid input syntax for type fingerprint: "1:3:zz"', 'a short bad value is echoed whole');

SELECT * FROM finish();
ROLLBACK;
