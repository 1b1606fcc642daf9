--
-- gist_fingerprint_ops: opclass validity, options, plans, exact top-k by
-- <->, % and = compared with a sequential scan, index maintenance.
--
SELECT amvalidate(oid) FROM pg_opclass WHERE opcname = 'gist_fingerprint_ops';

-- pg_temp.doc(seed, nwords, edit), from the repository root (tools/test runs there)
\set ECHO none
\i test/sql/docs.sql
\set ECHO all
CREATE TABLE docs (id int PRIMARY KEY, fp fingerprint);
INSERT INTO docs SELECT g, fingerprint(pg_temp.doc(g, 100 + g % 300, 0)) FROM generate_series(1, 400) g;
INSERT INTO docs SELECT 1000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 10)) FROM generate_series(1, 100) g;
INSERT INTO docs SELECT 2000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 6)) FROM generate_series(1, 100) g;
INSERT INTO docs SELECT 3000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 20)) FROM generate_series(1, 100) g;
INSERT INTO docs VALUES (5001, fingerprint(text '')), (5002, fingerprint(text '')),
	(5003, fingerprint(text 'one')), (5004, fingerprint(text 'one')), (5005, fingerprint(text 'two words')),
	(5006, fingerprint(repeat('a very long article ', 20000)));
ANALYZE docs;

CREATE INDEX docs_gist ON docs USING gist (fp gist_fingerprint_ops (siglen = 64));

SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs ORDER BY fp <-> (SELECT fp FROM docs WHERE id = 1) LIMIT 10;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE fp % (SELECT fp FROM docs WHERE id = 1);
RESET enable_seqscan;

-- Top-10 through the index equals the exact ranking (compared as
-- distance lists, so that ties cannot reorder ids).
CREATE FUNCTION pg_temp.topk_mismatches(k int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	bad bigint := 0;
	r record;
	a real[];
	b real[];
BEGIN
	FOR r IN SELECT id, fp FROM docs ORDER BY id LOOP
		PERFORM set_config('enable_seqscan', 'off', true);
		PERFORM set_config('enable_indexscan', 'on', true);
		SELECT array_agg(d ORDER BY n) INTO a FROM
			(SELECT fp <-> r.fp AS d, row_number() OVER () AS n
			   FROM (SELECT fp FROM docs ORDER BY fp <-> r.fp LIMIT k) x) y;
		PERFORM set_config('enable_seqscan', 'on', true);
		PERFORM set_config('enable_indexscan', 'off', true);
		SELECT array_agg(d ORDER BY d) INTO b FROM
			(SELECT fp <-> r.fp AS d FROM docs ORDER BY 1 LIMIT k) x;
		IF a IS DISTINCT FROM b THEN
			bad := bad + 1;
		END IF;
	END LOOP;
	RETURN bad;
END $$;
SELECT pg_temp.topk_mismatches(10);

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
CREATE FUNCTION pg_temp.compare(op text, t float8)
RETURNS TABLE (threshold float8, seq_pairs bigint, extra bigint, missed bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('neardup.similarity_threshold', t::text, true);
	CREATE TEMP TABLE s AS SELECT * FROM pg_temp.pairs(op, false);
	CREATE TEMP TABLE i AS SELECT * FROM pg_temp.pairs(op, true);
	RETURN QUERY SELECT t, (SELECT count(*) FROM s),
		(SELECT count(*) FROM (SELECT * FROM i EXCEPT SELECT * FROM s) x),
		(SELECT count(*) FROM (SELECT * FROM s EXCEPT SELECT * FROM i) x);
	DROP TABLE s, i;
END $$;
-- % and = are exact through GiST: no extra, no missed rows.
SELECT * FROM pg_temp.compare('%', 0.3);
SELECT * FROM pg_temp.compare('%', 0.5);
SELECT * FROM pg_temp.compare('%', 0.8);
SELECT * FROM pg_temp.compare('=', 0.5);

-- Index-only scan returns the fingerprint itself.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
VACUUM docs;
EXPLAIN (COSTS OFF) SELECT fp FROM docs ORDER BY fp <-> (SELECT fp FROM docs WHERE id = 5003) LIMIT 3;
SELECT fp = fingerprint(text 'one') AS same FROM docs ORDER BY fp <-> fingerprint(text 'one') LIMIT 2;
SELECT id FROM docs WHERE fp = fingerprint(text '') ORDER BY id;
RESET enable_seqscan;
RESET enable_bitmapscan;

-- Options
CREATE INDEX docs_gist_bad ON docs USING gist (fp gist_fingerprint_ops (siglen = 4));
CREATE INDEX docs_gist_bad ON docs USING gist (fp gist_fingerprint_ops (siglen = 5000));

-- Maintenance
INSERT INTO docs SELECT 6000 + g, fingerprint(pg_temp.doc(g, 100 + g % 300, 10)) FROM generate_series(1, 50) g;
UPDATE docs SET fp = fingerprint(pg_temp.doc(id + 7, 150, 0)) WHERE id BETWEEN 1001 AND 1020;
DELETE FROM docs WHERE id BETWEEN 2001 AND 2030;
VACUUM docs;
SELECT * FROM pg_temp.compare('%', 0.5);
SELECT pg_temp.topk_mismatches(5);
REINDEX INDEX docs_gist;
DROP INDEX docs_gist;
CREATE INDEX CONCURRENTLY docs_gist ON docs USING gist (fp);
SELECT * FROM pg_temp.compare('%', 0.5);
SELECT pg_temp.topk_mismatches(10);

DROP TABLE docs;
