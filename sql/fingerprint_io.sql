--
-- The fingerprint type: golden values of fixture texts (any change in
-- normalization, hashing or the sketch shows up here), text and binary
-- I/O, fingerprint_info(), and strict input validation.
--
-- Files are read byte-exact: psql's backquotes drop a final newline, so
-- each command prints an x after the file, which left(..., -1) removes.
\set tt `cat test/fixtures/tt_basic.txt; printf x`
CREATE TABLE fp_fixture AS
SELECT ordinal, title, body, fingerprint(body) AS fp
  FROM split_articles(left(:'tt', -1));

-- Golden fingerprints: the full text form, pinned.
SELECT ordinal, fp FROM fp_fixture ORDER BY ordinal;
SELECT fingerprint(text 'The quick brown fox jumps over the lazy dog.') AS fox,
       fingerprint(text 'The quick brown fox jumps over the lazy dog.', 1) AS fox_w1;
SELECT fingerprint(text '') AS empty, fingerprint(text 'Two words') AS short;

SELECT (fingerprint_info(fp)).* FROM fp_fixture ORDER BY ordinal;
SELECT (fingerprint_info(fingerprint(text ''))).*;

-- Round trips: text form, and binary form through COPY (FORMAT binary)
-- to a file in the data directory.
SELECT ordinal, fp::text::fingerprint = fp AS text_roundtrip FROM fp_fixture ORDER BY ordinal;
SELECT current_setting('data_directory') || '/neardup_fp.bin' AS binfile \gset
COPY (SELECT ordinal, fp FROM fp_fixture ORDER BY ordinal) TO :'binfile' WITH (FORMAT binary);
CREATE TABLE fp_back (ordinal int, fp fingerprint);
COPY fp_back FROM :'binfile' WITH (FORMAT binary);
SELECT f.ordinal, f.fp = b.fp AS binary_roundtrip
  FROM fp_fixture f JOIN fp_back b USING (ordinal) ORDER BY 1;
-- The binary form is in network byte order: version, shingle size,
-- slots, reserved, tokens, shingles, exact hash, then the slots.
SELECT encode(substr(fingerprint_send(fp), 1, 24), 'hex') AS header FROM fp_fixture ORDER BY ordinal;

-- Corrupted binary values are rejected.  A binary COPY file of one row
-- (int4, fingerprint): 19-byte header, field count (2 bytes), length and
-- value of the int4 (4 + 4), length of the fingerprint (4), its 536 bytes
-- from offset 33, and a 2-byte trailer.
COPY (SELECT 1, fp FROM fp_fixture WHERE ordinal = 1) TO :'binfile' WITH (FORMAT binary);
CREATE TABLE fp_bytes AS SELECT pg_read_binary_file(:'binfile') AS b;
SELECT length(b) AS file_bytes, get_byte(b, 33) AS version_byte, get_byte(b, 34) AS shingle_size_byte FROM fp_bytes;
CREATE FUNCTION pg_temp.write_and_copy(path text, content bytea) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('COPY (SELECT %L) TO PROGRAM %L', encode(content, 'hex'),
		format('perl -ne ''chomp; print pack("H*", $_)'' > %s', path));
	EXECUTE format('COPY fp_back FROM %L WITH (FORMAT binary)', path);
END $$;
\set SHOW_CONTEXT never
-- version 9
SELECT pg_temp.write_and_copy(:'binfile', set_byte(b, 33, 9)) FROM fp_bytes;
-- shingle size 0
SELECT pg_temp.write_and_copy(:'binfile', set_byte(b, 34, 0)) FROM fp_bytes;
-- two bytes short
SELECT pg_temp.write_and_copy(:'binfile', substr(b, 1, 29) || '\x00000216'::bytea || substr(b, 34, 534) || '\xffff'::bytea) FROM fp_bytes;
-- token count changed: the shingle count no longer follows from it
SELECT pg_temp.write_and_copy(:'binfile', set_byte(b, 44, get_byte(b, 44) # 1)) FROM fp_bytes;
-- reserved field not zero
SELECT pg_temp.write_and_copy(:'binfile', set_byte(b, 37, 1)) FROM fp_bytes;
-- the untouched file still loads
SELECT pg_temp.write_and_copy(:'binfile', b) FROM fp_bytes;
SELECT ordinal, fp = (SELECT fp FROM fp_fixture WHERE ordinal = 1) AS same FROM fp_back ORDER BY ordinal;
-- 60 corruptions of one byte of the value (deterministic offsets and
-- values): what binary input accepts must be a fingerprint the strict text
-- input accepts too, and most corruptions of the header are refused.
CREATE FUNCTION pg_temp.corrupt(b bytea, path text) RETURNS TABLE (tried int, accepted int, not_text_valid int)
LANGUAGE plpgsql AS $$
DECLARE off int; v int; ok int := 0; bad int := 0; fp fingerprint;
BEGIN
	FOR i IN 1..60 LOOP
		off := 33 + abs(hashint4(i * 7919)) % 536;
		v := abs(hashint4(i * 104729)) % 256;
		IF v = get_byte(b, off) THEN v := (v + 1) % 256; END IF;
		DELETE FROM fp_back;
		BEGIN
			PERFORM pg_temp.write_and_copy(path, set_byte(b, off, v));
			ok := ok + 1;
			SELECT f.fp INTO fp FROM fp_back f;
			BEGIN
				IF fp::text::fingerprint IS DISTINCT FROM fp THEN bad := bad + 1; END IF;
			EXCEPTION WHEN invalid_text_representation THEN bad := bad + 1;
			END;
		EXCEPTION WHEN invalid_binary_representation THEN NULL;
		END;
	END LOOP;
	RETURN QUERY SELECT 60, ok, bad;
END $$;
SELECT * FROM pg_temp.corrupt((SELECT b FROM fp_bytes), :'binfile');
COPY (SELECT 1) TO PROGRAM 'rm -f neardup_fp.bin';
\set SHOW_CONTEXT errors

-- Strict text input.
SELECT 'garbage'::fingerprint;
SELECT ''::fingerprint;
SELECT '2:3:256:0:0:0000000000000000:'::fingerprint;
SELECT '1:3:128:0:0:0000000000000000:'::fingerprint;
SELECT '1:0:256:0:0:0000000000000000:'::fingerprint;
SELECT '1:03:256:2:1:0000000000000000:'::fingerprint;
SELECT '1:3:256:-2:1:0000000000000000:'::fingerprint;
SELECT '1:3:256:99999999999:1:0000000000000000:'::fingerprint;
SELECT (regexp_replace((SELECT fp::text FROM fp_fixture WHERE ordinal = 1), ':\d+:(\d+):', ':7:\1:'))::fingerprint;
SELECT (regexp_replace(fingerprint(text 'a b c d')::text, '[0-9a-f]{4}$', 'fffg'))::fingerprint;
SELECT ((SELECT fp::text FROM fp_fixture WHERE ordinal = 1) || 'ff')::fingerprint;
SELECT (regexp_replace(fingerprint(text '')::text, ':[0-9a-f]{16}:', ':0123456789abcdef:'))::fingerprint;
SELECT (regexp_replace(fingerprint(text '')::text, 'ffff$', '0001'))::fingerprint;
SELECT fingerprint('Some words, not a fingerprint');

-- Different parameters never compare silently.
SELECT similarity(fingerprint(text 'one two three four'), fingerprint(text 'one two three four', 4));
SELECT fingerprint(text 'x', 0);

-- Equality, ordering and hashing: GROUP BY and DISTINCT group exact
-- duplicates after normalization.
SELECT count(DISTINCT fp) AS distinct_fps, count(*) AS n
  FROM (SELECT fingerprint(t) AS fp FROM (VALUES
	('Markets steadied on Tuesday.'), ('MARKETS STEADIED ON TUESDAY!'), ('“Markets” steadied — on Tuesday'),
	('Markets fell on Tuesday.')) v(t)) s;
SELECT count(*) FROM (SELECT fingerprint(t) AS fp FROM (VALUES ('a b c'), ('A B C'), ('a b d')) v(t)) s GROUP BY fp ORDER BY 1;
SET enable_hashagg = off;
SELECT count(*) FROM (SELECT fingerprint(t) AS fp FROM (VALUES ('a b c'), ('A B C'), ('a b d')) v(t)) s GROUP BY fp ORDER BY 1;
RESET enable_hashagg;
DROP TABLE fp_fixture, fp_back, fp_bytes;
