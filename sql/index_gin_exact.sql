--
-- gin_fingerprint_ops is exact on well-separated data: near-copies (about
-- 74 % of shingles shared, or identical) and unrelated articles (about
-- 0 %), so every pair is far from the thresholds 0.3, 0.5 and 0.9 and the
-- index must return what a sequential scan returns, both ways (no extra
-- row, none missed): with every row still in the pending list
-- (fastupdate = on), after the pending list is flushed, after DELETE,
-- UPDATE and VACUUM.  Lengths of 120-300 words are left out: there the
-- default layout misses some pairs even at 0.74 (issue 11).
--
-- pg_temp.doc(seed, nwords, edit), from the repository root (tools/test runs there)
\set ECHO none
\i test/sql/docs.sql
\set ECHO all
CREATE TABLE ex (id int PRIMARY KEY, fp fingerprint)
  WITH (autovacuum_enabled = off);	-- it would flush the pending list under us
CREATE INDEX ex_gin ON ex USING gin (fp) WITH (fastupdate = on, gin_pending_list_limit = 4096);
INSERT INTO ex SELECT g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 140 END, 0))
  FROM generate_series(1, 300) g;
INSERT INTO ex SELECT 1000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 140 END, 20))
  FROM generate_series(1, 300) g;
INSERT INTO ex SELECT 2000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 140 END, 0))
  FROM generate_series(1, 60) g;
INSERT INTO ex VALUES (3001, fingerprint(text '')), (3002, fingerprint(text '')), (3003, fingerprint(text 'one'));
ANALYZE ex;

CREATE FUNCTION pg_temp.pairs(op text, use_index bool)
RETURNS TABLE (qid int, id int) LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('enable_seqscan', (NOT use_index)::text, true);
	PERFORM set_config('enable_indexscan', use_index::text, true);
	PERFORM set_config('enable_bitmapscan', use_index::text, true);
	RETURN QUERY EXECUTE format(
		'SELECT q.id, d.id FROM ex q CROSS JOIN LATERAL
			(SELECT d.id FROM ex d WHERE d.fp %s q.fp) d', op);
END $$;
-- pairs found by a sequential scan; index pairs it lacks; pairs it missed
CREATE FUNCTION pg_temp.compare(o text, t float8)
RETURNS TABLE (op text, threshold float8, seq_pairs bigint, extra bigint, missed bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('neardup.similarity_threshold', t::text, true);
	CREATE TEMP TABLE s AS SELECT * FROM pg_temp.pairs(o, false);
	CREATE TEMP TABLE i AS SELECT * FROM pg_temp.pairs(o, true);
	RETURN QUERY SELECT o, t, (SELECT count(*) FROM s),
		(SELECT count(*) FROM (SELECT * FROM i EXCEPT SELECT * FROM s) x),
		(SELECT count(*) FROM (SELECT * FROM s EXCEPT SELECT * FROM i) x);
	DROP TABLE s, i;
END $$;
CREATE FUNCTION pg_temp.compare_all()
RETURNS TABLE (op text, threshold float8, seq_pairs bigint, extra bigint, missed bigint)
LANGUAGE sql AS $$
	SELECT * FROM pg_temp.compare('%', 0.3) UNION ALL
	SELECT * FROM pg_temp.compare('%', 0.5) UNION ALL
	SELECT * FROM pg_temp.compare('%', 0.9) UNION ALL
	SELECT * FROM pg_temp.compare('=', 0.5)
$$;

-- Every row is in the pending list (nothing was flushed yet).
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ex WHERE fp % (SELECT fp FROM ex WHERE id = 1);
RESET enable_seqscan;
SELECT * FROM pg_temp.compare_all();
-- Flushed into the entry tree.
SELECT gin_clean_pending_list('ex_gin') > 0 AS flushed;
SELECT * FROM pg_temp.compare_all();
-- Half in the tree, half pending; then DELETE, UPDATE and VACUUM.
INSERT INTO ex SELECT 4000 + g, fingerprint(pg_temp.doc(g, CASE WHEN g % 2 = 0 THEN 40 + g % 80 ELSE 300 + g % 140 END, 20))
  FROM generate_series(100, 200) g;
SELECT * FROM pg_temp.compare_all();
DELETE FROM ex WHERE id BETWEEN 1001 AND 1050;
UPDATE ex SET fp = fingerprint(pg_temp.doc(id + 5000, 80, 0)) WHERE id BETWEEN 51 AND 80;
VACUUM ex;
SELECT * FROM pg_temp.compare_all();
DROP TABLE ex;
