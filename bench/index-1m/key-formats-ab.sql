-- bench/index-1m/key-formats-ab.sql -- GIN key format 1 (neardup 0.1.0)
-- against format 2 on the same rows and the same 200 query articles,
-- queries interleaved so that both see the same machine load.  Run in the
-- database bench/index-1m/key-formats leaves behind (table f: id, fp):
--   psql -d neardup_keyformats -f bench/index-1m/key-formats-ab.sql
-- Format 1 is reached through an ad-hoc opclass on 0.1.0's C entry points
-- (which every later release keeps).  Recall: rows of the exact answer
-- (similarity >= t + 0.05, sequential scan) that the index scan returns.
-- Not a test.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DO $$ BEGIN
IF to_regproc('gin_v1_extract_value') IS NULL THEN
CREATE FUNCTION gin_v1_extract_value(fingerprint, internal, internal) RETURNS internal AS '$libdir/neardup', 'fingerprint_gin_extract_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_v1_extract_query(fingerprint, internal, int2, internal, internal, internal, internal) RETURNS internal AS '$libdir/neardup', 'fingerprint_gin_extract_query' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gin_v1_options(internal) RETURNS void AS '$libdir/neardup', 'fingerprint_gin_options' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OPERATOR CLASS gin_v1_ops FOR TYPE fingerprint USING gin AS
	OPERATOR 1 % (fingerprint, fingerprint), OPERATOR 3 = (fingerprint, fingerprint),
	FUNCTION 1 pg_catalog.btint4cmp(int4, int4),
	FUNCTION 2 gin_v1_extract_value(fingerprint, internal, internal),
	FUNCTION 3 gin_v1_extract_query(fingerprint, internal, int2, internal, internal, internal, internal),
	FUNCTION 4 fingerprint_gin_consistent(internal, int2, fingerprint, int4, internal, internal, internal, internal),
	FUNCTION 6 fingerprint_gin_triconsistent(internal, int2, fingerprint, int4, internal, internal, internal),
	FUNCTION 7 gin_v1_options(internal), STORAGE int4;
END IF; END $$;
SET maintenance_work_mem = '1GB';
DROP TABLE IF EXISTS f1, f2;
CREATE TABLE f1 AS SELECT * FROM f;
CREATE TABLE f2 AS SELECT * FROM f;
CREATE INDEX f1_fp_idx ON f1 USING gin (fp gin_v1_ops);
VACUUM ANALYZE f1;
CREATE INDEX f2_fp_idx ON f2 USING gin (fp gin_fingerprint_ops (bands = 20, rows = 2, bits = 16));
VACUUM ANALYZE f2;
SELECT 'size B/article', round(pg_relation_size('f1_fp_idx')::numeric / (SELECT count(*) FROM f), 1) AS v1, round(pg_relation_size('f2_fp_idx')::numeric / (SELECT count(*) FROM f), 1) AS v2;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT pg_prewarm('f1'), pg_prewarm('f2'), pg_prewarm('f1_fp_idx'), pg_prewarm('f2_fp_idx');
DROP TABLE IF EXISTS ab;
CREATE TABLE ab (t real, fmt int, qid int, ms float8, found int, want int);
DO $$
DECLARE q record; t real; t0 timestamptz; n int; w int; ids int[];
BEGIN
 PERFORM set_config('enable_seqscan', 'off', false);
 FOREACH t IN ARRAY ARRAY[0.3, 0.5, 0.8]::real[] LOOP
  PERFORM set_config('neardup.similarity_threshold', t::text, false);
  FOR q IN SELECT id, fp FROM f WHERE id % 4999 = 7 ORDER BY id LIMIT 200 LOOP
   -- exact answer: rows with similarity >= t + 0.05 (seq scan on f)
   SELECT array_agg(id) INTO ids FROM f WHERE similarity(fp, q.fp) >= t + 0.05;
   t0 := clock_timestamp();
   SELECT count(*) FILTER (WHERE id = ANY(ids)) INTO n FROM f1 WHERE fp % q.fp;
   INSERT INTO ab VALUES (t, 1, q.id, extract(epoch FROM clock_timestamp() - t0) * 1000, n, cardinality(ids));
   t0 := clock_timestamp();
   SELECT count(*) FILTER (WHERE id = ANY(ids)) INTO n FROM f2 WHERE fp % q.fp;
   INSERT INTO ab VALUES (t, 2, q.id, extract(epoch FROM clock_timestamp() - t0) * 1000, n, cardinality(ids));
  END LOOP;
 END LOOP;
END $$;
SELECT t, fmt, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) p50,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2) p99,
       round(sum(found)::numeric / nullif(sum(want), 0), 4) AS recall, sum(want) pairs
  FROM ab GROUP BY 1, 2 ORDER BY 1, 2;
