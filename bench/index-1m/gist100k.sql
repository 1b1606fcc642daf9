\timing on
DROP TABLE IF EXISTS b100k;
CREATE TABLE b100k AS SELECT * FROM big WHERE id <= 10000 OR id <= 190000;
VACUUM ANALYZE b100k;
SELECT count(*) FROM b100k;
SET maintenance_work_mem = '512MB';
CREATE INDEX b100k_gist ON b100k USING gist (fp);
SELECT pg_relation_size('b100k_gist') / (SELECT count(*) FROM b100k) AS gist_bytes_per_row;
DROP TABLE IF EXISTS glat;
CREATE TABLE glat (what text, ms float8, n int);
CREATE OR REPLACE FUNCTION run_glat(what text, sql text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; n int; r record;
BEGIN
  FOR r IN SELECT b.fp FROM qs JOIN b100k b USING (id) LIMIT 60 LOOP
    t0 := clock_timestamp();
    EXECUTE sql INTO n USING r.fp;
    INSERT INTO glat VALUES (what, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
  END LOOP;
END $f$;
SET enable_seqscan = off;
SELECT run_glat('gist_top10', 'SELECT count(*) FROM (SELECT id FROM b100k ORDER BY fp <-> $1 LIMIT 10) s');
SET neardup.similarity_threshold = 0.5;
SELECT run_glat('gist_sim05', 'SELECT count(*) FROM b100k WHERE fp % $1');
SELECT what, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) p50,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2) p99 FROM glat GROUP BY 1;
