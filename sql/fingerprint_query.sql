--
-- fingerprint_query and at_least() (issue 16): text and binary I/O, bad
-- input, and fp % / <% / %> at_least(q, t) giving exactly the rows of the
-- GUC forms at the same threshold, by sequential scan and through
-- gin_fingerprint_ops and gist_fingerprint_ops; IMMUTABLE, usable in
-- generated columns, prepared statements, UPDATE and DELETE.
--
\set ECHO none
\i test/sql/docs.sql
\set ECHO all
CREATE TABLE fq (id int PRIMARY KEY, fp fingerprint);
INSERT INTO fq SELECT g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 100 END, 0))
  FROM generate_series(1, 120) g;
-- near-copies at about 74 %, 54 % and 33 % of shingles, and identical copies
INSERT INTO fq SELECT 1000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 100 END, 20))
  FROM generate_series(1, 120) g;
INSERT INTO fq SELECT 2000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 100 END, 10))
  FROM generate_series(1, 60) g;
INSERT INTO fq SELECT 3000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 100 END, 6))
  FROM generate_series(1, 60) g;
INSERT INTO fq SELECT 4000 + g, fingerprint(pg_temp.doc(g, 60, 0)) FROM generate_series(1, 20) g;
-- a short text inside a longer one, for containment
INSERT INTO fq SELECT 5000 + g, fingerprint(pg_temp.doc(g, 80, 0) || ' ' || pg_temp.doc(g + 9000, 200, 0))
  FROM generate_series(2, 40, 2) g;
INSERT INTO fq VALUES (6001, fingerprint(text '')), (6002, fingerprint(text '')), (6003, fingerprint(text 'one'));
ANALYZE fq;

-- Text form: threshold@fingerprint, the threshold in its shortest form.
SELECT split_part(at_least(fp, 0.3)::text, '@', 1) AS t03,
       split_part(at_least(fp, 1)::text, '@', 1) AS t1,
       split_part(at_least(fp, 0)::text, '@', 1) AS t0,
       split_part(at_least(fp, 1e-5)::text, '@', 1) AS t1e5,
       split_part(at_least(fp, 0.123456789)::text, '@', 1) AS t9,
       split_part(at_least(fp, '-0'::real)::text, '@', 1) AS tneg0,
       split_part(at_least(fp, 0.3)::text, '@', 2) = fp::text AS fp_part
  FROM fq WHERE id = 1;
-- round trips: text, accessors
SELECT count(*) AS rows,
       count(*) FILTER (WHERE q::text::fingerprint_query::text = q::text) AS text_round_trip,
       count(*) FILTER (WHERE fingerprint(q) = fp AND threshold(q) = t) AS accessors
  FROM (SELECT fp, t, at_least(fp, t) AS q FROM fq, unnest(ARRAY[0, 0.05, 0.3, 0.5, 1, 1e-30, 0.7777777]::real[]) t) x;
-- accepted spellings of the threshold, and the canonical form they read as
SELECT s, split_part((s || '@' || (SELECT fp::text FROM fq WHERE id = 1))::fingerprint_query::text, '@', 1) AS canonical
  FROM unnest(ARRAY['0.5', '.5', '5e-1', '0.50000', '1', '1.0', '0', '00.25', '1E0', ' 0.5']) s;
-- binary form: 4 bytes of threshold, then the fingerprint's binary form
SELECT length(fingerprint_query_send(at_least(fp, 0.5))) AS bytes,
       substr(fingerprint_query_send(at_least(fp, 0.5)), 1, 4) AS threshold_bits,
       substr(fingerprint_query_send(at_least(fp, 0.5)), 5) = fingerprint_send(fp) AS fp_part
  FROM fq WHERE id = 1;
-- binary round trip through COPY BINARY
CREATE TEMP TABLE fqb (q fingerprint_query);
INSERT INTO fqb SELECT at_least(fp, (id % 10) / 10.0) FROM fq;
SELECT '/tmp/neardup_fpq_' || pg_backend_pid() || '.bin' AS f \gset
COPY fqb TO :'f' (FORMAT binary);
CREATE TEMP TABLE fqb2 (q fingerprint_query);
COPY fqb2 FROM :'f' (FORMAT binary);
SELECT count(*) AS copied FROM fqb2 WHERE q::text IN (SELECT q::text FROM fqb);
-- bad binary values: threshold 2, NaN, a fingerprint with a bad version, short
CREATE FUNCTION pg_temp.copy_bad(patch_at int, bytes bytea, cut int DEFAULT 0) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/neardup_fpq_bad_' || pg_backend_pid() || '.bin';
	b bytea;
	lo oid;
BEGIN
	CREATE TEMP TABLE one (q fingerprint_query);
	INSERT INTO one SELECT at_least(fp, 0.5) FROM fq WHERE id = 1;
	EXECUTE format('COPY one TO %L (FORMAT binary)', f);
	b := pg_read_binary_file(f);
	-- header 19 bytes, field count 2, field length 4: the value starts at 26
	b := overlay(b PLACING bytes FROM 25 + patch_at);
	IF cut > 0 THEN
		b := overlay(b PLACING int4send(540 - cut) FROM 22);
		b := substr(b, 1, 25 + 540 - cut) || substr(b, 25 + 540 + 1);
	END IF;
	lo := lo_from_bytea(0, b);
	PERFORM lo_export(lo, f);
	PERFORM lo_unlink(lo);
	DELETE FROM one;
	BEGIN
		EXECUTE format('COPY one FROM %L (FORMAT binary)', f);
		RETURN 'accepted';
	EXCEPTION WHEN invalid_binary_representation THEN
		RETURN SQLERRM;
	END;
END $$;
SELECT pg_temp.copy_bad(1, '\x40000000');
DROP TABLE one;
SELECT pg_temp.copy_bad(1, '\x7fc00000');
DROP TABLE one;
SELECT pg_temp.copy_bad(5, '\x02');
DROP TABLE one;
SELECT pg_temp.copy_bad(1, '\x3f000000', 2);
DROP TABLE one;
\set VERBOSITY default
-- bad text input, with the detail that says why
SELECT '0.3@bad'::fingerprint_query;
SELECT '1.5@1:5:256'::fingerprint_query;
SELECT '-0.5@1:5:256'::fingerprint_query;
SELECT 'nan@1:5:256'::fingerprint_query;
SELECT 'inf@1:5:256'::fingerprint_query;
SELECT '0x1p-1@1:5:256'::fingerprint_query;
SELECT '0.5e@1:5:256'::fingerprint_query;
SELECT '0.5'::fingerprint_query;
SELECT '0.5:1:5:256'::fingerprint_query;
SELECT '0.50000000000000000000000000000000001@1'::fingerprint_query;
SELECT ('0.5@ ' || (SELECT fp::text FROM fq WHERE id = 1))::fingerprint_query;
SELECT ('0.5@' || (SELECT fp::text FROM fq WHERE id = 1) || 'x')::fingerprint_query;
SELECT ('0.5@' || replace((SELECT fp::text FROM fq WHERE id = 1), '1:3:256:', '2:3:256:'))::fingerprint_query;
SELECT at_least(fp, 1.01) FROM fq WHERE id = 1;
SELECT at_least(fp, -0.01) FROM fq WHERE id = 1;
SELECT at_least(fp, 'NaN') FROM fq WHERE id = 1;
SELECT at_least(NULL, 0.5) IS NULL AS strict;
-- fingerprints of different parameters: the same error as the GUC forms
SELECT fp % at_least(fingerprint(text 'a b c d e f', 4), 0.5) FROM fq WHERE id = 1;
\set VERBOSITY terse

-- IMMUTABLE (and PARALLEL SAFE): the catalog, and a generated column
SELECT p.oid::regprocedure AS function, provolatile, proparallel
  FROM pg_proc p JOIN pg_operator o ON o.oprcode = p.oid
 WHERE o.oprright = 'fingerprint_query'::regtype ORDER BY 1;
SELECT provolatile, proparallel FROM pg_proc WHERE oid = 'at_least(fingerprint, real)'::regprocedure;
CREATE TEMP TABLE gen (fp fingerprint,
	near1 boolean GENERATED ALWAYS AS (fp % at_least(fingerprint(text 'w1 w2 w3 w4 w5 w6'), 0.5)) STORED);
INSERT INTO gen VALUES (fingerprint(text 'w1 w2 w3 w4 w5 w6')), (fingerprint(text 'w1 w2 w3 w4 w5 w7')),
	(fingerprint(text 'other words entirely here'));
SELECT near1 FROM gen;

-- The same pairs as the GUC forms: every query row against the table, at
-- several thresholds (0.05 is below what the GIN layout serves, so GIN
-- reads every row for both forms), by sequential scan, GIN and GiST.
CREATE FUNCTION pg_temp.pairs(cond text, scan text)
RETURNS TABLE (qid int, id int) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('enable_seqscan', (scan = 'seq')::text, true);
	PERFORM set_config('enable_indexscan', (scan <> 'seq')::text, true);
	PERFORM set_config('enable_bitmapscan', (scan <> 'seq')::text, true);
	RETURN QUERY EXECUTE format(
		'SELECT q.id, d.id FROM fq q CROSS JOIN LATERAL
			(SELECT d.id FROM fq d WHERE %s) d', cond);
END $$;
CREATE FUNCTION pg_temp.diff(a_cond text, a_scan text, b_cond text, b_scan text, t float8)
RETURNS TABLE (pairs bigint, a_only bigint, b_only bigint)
LANGUAGE plpgsql AS $$
BEGIN
	-- the GUCs at another value while the at_least form runs: they must not
	-- matter to it (nor to the index's keys for it)
	PERFORM set_config('neardup.similarity_threshold', '0.99', true);
	PERFORM set_config('neardup.containment_threshold', '0.99', true);
	CREATE TEMP TABLE a AS SELECT * FROM pg_temp.pairs(replace(a_cond, 'T', t::text), a_scan);
	PERFORM set_config('neardup.similarity_threshold', t::text, true);
	PERFORM set_config('neardup.containment_threshold', t::text, true);
	CREATE TEMP TABLE b AS SELECT * FROM pg_temp.pairs(replace(b_cond, 'T', t::text), b_scan);
	RETURN QUERY SELECT (SELECT count(*) FROM a),
		(SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b) x),
		(SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a) x);
	DROP TABLE a, b;
END $$;
CREATE FUNCTION pg_temp.compare_all(scan text)
RETURNS TABLE (op text, threshold float8, pairs bigint, at_least_only bigint, guc_only bigint)
LANGUAGE sql AS $$
	SELECT o, t, d.*
	  FROM unnest(ARRAY['%', '<%', '%>']) o, unnest(ARRAY[0.05, 0.3, 0.5, 0.8]::float8[]) t,
	       pg_temp.diff(format('d.fp %s at_least(q.fp, T)', o), scan, format('d.fp %s q.fp', o), scan, t) d
	 WHERE o = '%' OR scan = 'seq'
	 ORDER BY 1, 2
$$;
SELECT * FROM pg_temp.compare_all('seq');
CREATE INDEX fq_gin ON fq USING gin (fp);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fq WHERE fp % at_least((SELECT fp FROM fq WHERE id = 1), 0.3);
RESET enable_seqscan;
SELECT * FROM pg_temp.compare_all('gin');
-- and the index gives what the sequential scan gives, at thresholds away
-- from the data's resemblances (about 0, 0.2, 0.37, 0.59 and 1); at 0.3,
-- below the pairs at 0.37, GIN misses some of them (LSH, doc/index.md),
-- and exactly the same ones for both forms (above)
SELECT pg_temp.diff('d.fp % at_least(q.fp, T)', 'gin', 'd.fp % at_least(q.fp, T)', 'seq', t), t
  FROM unnest(ARRAY[0.05, 0.3, 0.5, 0.8]::float8[]) t;
DROP INDEX fq_gin;
CREATE INDEX fq_gist ON fq USING gist (fp);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fq WHERE fp % at_least((SELECT fp FROM fq WHERE id = 1), 0.3);
RESET enable_seqscan;
SELECT * FROM pg_temp.compare_all('gist');
SELECT pg_temp.diff('d.fp % at_least(q.fp, T)', 'gist', 'd.fp % at_least(q.fp, T)', 'seq', t), t
  FROM unnest(ARRAY[0.05, 0.3, 0.5, 0.8]::float8[]) t;
DROP INDEX fq_gist;

-- The commutators: at_least(q, t) % fp is fp % at_least(q, t) (and uses
-- the index), at_least(q, t) <% fp is fp %> at_least(q, t), and %> is <%.
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (at_least(q.fp, 0.5) % d.fp) = (d.fp % at_least(q.fp, 0.5))) AS sim_same,
       count(*) FILTER (WHERE (at_least(q.fp, 0.5) <% d.fp) = (d.fp %> at_least(q.fp, 0.5))) AS contained_same,
       count(*) FILTER (WHERE (at_least(q.fp, 0.5) %> d.fp) = (d.fp <% at_least(q.fp, 0.5))) AS contains_same,
       count(*) FILTER (WHERE at_least(q.fp, 0.5) <% d.fp) AS q_in_d,
       count(*) FILTER (WHERE at_least(q.fp, 0.5) %> d.fp) AS d_in_q
  FROM fq q, fq d WHERE q.id % 5 = 0;
CREATE INDEX fq_gin ON fq USING gin (fp);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fq WHERE at_least((SELECT fp FROM fq WHERE id = 1), 0.3) % fp;
RESET enable_seqscan;
DROP INDEX fq_gin;

-- Selectivity: the estimate follows the query's threshold.
CREATE INDEX fq_gin ON fq USING gin (fp);
CREATE FUNCTION pg_temp.est(t real) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE p json;
BEGIN
	EXECUTE format('EXPLAIN (FORMAT json) SELECT * FROM fq WHERE fp %% at_least(%L::fingerprint, %s)',
		(SELECT fp::text FROM fq WHERE id = 1), t) INTO p;
	RETURN (p -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
SELECT pg_temp.est(0.0) > pg_temp.est(0.5) AS fewer_at_higher,
       pg_temp.est(0.0) >= (SELECT count(*) FROM fq) * 0.9 AS all_at_zero;

-- Prepared statements: one plan, the threshold a parameter.
PREPARE near(fingerprint, real) AS SELECT count(*) FROM fq WHERE fp % at_least($1, $2);
SET plan_cache_mode = force_generic_plan;
SELECT fp AS fp2 FROM fq WHERE id = 2 \gset
EXECUTE near(:'fp2', 0.3);
EXECUTE near(:'fp2', 0.8);
SET neardup.similarity_threshold = 0.3;
SELECT count(*) FROM fq WHERE fp % (SELECT fp FROM fq WHERE id = 2);
SET neardup.similarity_threshold = 0.8;
SELECT count(*) FROM fq WHERE fp % (SELECT fp FROM fq WHERE id = 2);
RESET plan_cache_mode;
RESET neardup.similarity_threshold;
DEALLOCATE near;

-- UPDATE and DELETE ... WHERE fp % at_least(q, t), with and without the
-- index: the rows the GUC form selects.
ALTER TABLE fq ADD COLUMN hit boolean DEFAULT false;
SET neardup.similarity_threshold = 0.5;
SELECT count(*) AS guc_rows FROM fq WHERE fp % (SELECT fp FROM fq WHERE id = 3);
RESET neardup.similarity_threshold;
UPDATE fq SET hit = true WHERE fp % at_least((SELECT fp FROM fq WHERE id = 3), 0.5);
SELECT array_agg(id ORDER BY id) AS updated FROM fq WHERE hit;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) DELETE FROM fq WHERE fp % at_least((SELECT fp FROM fq WHERE id = 3), 0.5);
DELETE FROM fq WHERE fp % at_least((SELECT fp FROM fq WHERE id = 3), 0.5) RETURNING id;
RESET enable_seqscan;
SELECT count(*) AS left_hit FROM fq WHERE hit;
DROP TABLE fq;
