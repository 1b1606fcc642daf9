--
-- gin_fingerprint_ops: opclass validity, options, plans, = and % through
-- the index compared with a sequential scan, index maintenance.
--
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'gin_fingerprint_ops';

-- Deterministic articles of 100-400 words from a 5000-word vocabulary, and
-- variants with every 10th / 6th / 20th word replaced (J about 0.54 / 0.33 / 0.74).
-- pg_temp.doc(seed, nwords, edit), from the repository root (tools/test runs there)
\set ECHO none
\i test/sql/docs.sql
\set ECHO all
CREATE TABLE docs (id int PRIMARY KEY, fp fingerprint)
  WITH (autovacuum_enabled = off);	-- it would flush the pending list under us
INSERT INTO docs SELECT g, fingerprint(pg_temp.doc(g, 100 + g % 300, 0)) FROM generate_series(1, 400) g;
INSERT INTO docs SELECT 1000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 10)) FROM generate_series(1, 100) g;
INSERT INTO docs SELECT 2000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 6)) FROM generate_series(1, 100) g;
INSERT INTO docs SELECT 3000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 20)) FROM generate_series(1, 100) g;
INSERT INTO docs SELECT 4000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 0)) FROM generate_series(1, 20) g;
INSERT INTO docs VALUES (5001, fingerprint(text '')), (5002, fingerprint(text '')),
	(5003, fingerprint(text 'one')), (5004, fingerprint(text 'one')), (5005, fingerprint(text 'two words')),
	(5006, fingerprint(repeat('a very long article ', 20000)));
ANALYZE docs;

CREATE INDEX docs_gin ON docs USING gin (fp);

-- Plans
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE fp % (SELECT fp FROM docs WHERE id = 1);
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE fp = (SELECT fp FROM docs WHERE id = 1);
RESET enable_seqscan;

-- Index results as a table, and the same through a sequential scan.
CREATE FUNCTION pg_temp.pairs(op text, use_index bool)
RETURNS TABLE (qid int, id int) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('enable_seqscan', (NOT use_index)::text, true);
	PERFORM set_config('enable_indexscan', use_index::text, true);
	PERFORM set_config('enable_bitmapscan', use_index::text, true);
	RETURN QUERY EXECUTE format(
		'SELECT q.id, d.id FROM docs q CROSS JOIN LATERAL
			(SELECT d.id FROM docs d WHERE d.fp %s q.fp) d', op);
END $$;

-- = returns exactly what a sequential scan returns.
SELECT count(*) AS eq_pairs,
	(SELECT count(*) FROM (SELECT * FROM pg_temp.pairs('=', true)
		EXCEPT SELECT * FROM pg_temp.pairs('=', false)) x) AS extra,
	(SELECT count(*) FROM (SELECT * FROM pg_temp.pairs('=', false)
		EXCEPT SELECT * FROM pg_temp.pairs('=', true)) x) AS missed
  FROM pg_temp.pairs('=', false);

-- % at three thresholds: never a row the operator rejects; misses counted.
CREATE FUNCTION pg_temp.compare(t float8)
RETURNS TABLE (threshold float8, seq_pairs bigint, extra bigint, missed bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('neardup.similarity_threshold', t::text, true);
	CREATE TEMP TABLE s AS SELECT * FROM pg_temp.pairs('%', false);
	CREATE TEMP TABLE i AS SELECT * FROM pg_temp.pairs('%', true);
	RETURN QUERY SELECT t, (SELECT count(*) FROM s),
		(SELECT count(*) FROM (SELECT * FROM i EXCEPT SELECT * FROM s) x),
		(SELECT count(*) FROM (SELECT * FROM s EXCEPT SELECT * FROM i) x);
	DROP TABLE s, i;
END $$;
SELECT * FROM pg_temp.compare(0.3);
SELECT * FROM pg_temp.compare(0.5);
SELECT * FROM pg_temp.compare(0.8);
SELECT * FROM pg_temp.compare(1.0);
SELECT * FROM pg_temp.compare(0.0);

-- Empty and very short texts.
SET enable_seqscan = off;
SELECT id FROM docs WHERE fp = fingerprint(text '') ORDER BY id;
SELECT id FROM docs WHERE fp % fingerprint(text '') ORDER BY id;
SELECT id FROM docs WHERE fp = fingerprint(text 'one') ORDER BY id;
SELECT id FROM docs WHERE fp % fingerprint(text 'One!') ORDER BY id;
RESET enable_seqscan;

-- Options
CREATE INDEX docs_gin_b ON docs USING gin (fp gin_fingerprint_ops (bands = 64, rows = 2, bits = 12));
SELECT * FROM pg_temp.compare(0.5);
DROP INDEX docs_gin_b;
CREATE INDEX docs_gin_bad ON docs USING gin (fp gin_fingerprint_ops (bands = 200, rows = 2));
CREATE INDEX docs_gin_bad ON docs USING gin (fp gin_fingerprint_ops (bits = 30));
CREATE INDEX docs_gin_bad ON docs USING gin (fp gin_fingerprint_ops (siglen = 8));

-- Maintenance: the pending list, UPDATE, DELETE, VACUUM, REINDEX,
-- CREATE INDEX CONCURRENTLY.
ALTER INDEX docs_gin SET (fastupdate = on);
INSERT INTO docs SELECT 6000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 10)) FROM generate_series(1, 50) g;
SELECT * FROM pg_temp.compare(0.5);
SELECT gin_clean_pending_list('docs_gin') > 0 AS flushed;
UPDATE docs SET fp = fingerprint(pg_temp.doc(id + 7, 150, 0)) WHERE id BETWEEN 1001 AND 1020;
DELETE FROM docs WHERE id BETWEEN 2001 AND 2030;
VACUUM docs;
SELECT * FROM pg_temp.compare(0.5);
REINDEX INDEX docs_gin;
SELECT * FROM pg_temp.compare(0.5);
DROP INDEX docs_gin;
CREATE INDEX CONCURRENTLY docs_gin ON docs USING gin (fp);
SELECT * FROM pg_temp.compare(0.5);
SELECT count(*) AS eq_pairs,
	(SELECT count(*) FROM (SELECT * FROM pg_temp.pairs('=', false)
		EXCEPT SELECT * FROM pg_temp.pairs('=', true)) x) AS missed
  FROM pg_temp.pairs('=', false);

DROP TABLE docs;
