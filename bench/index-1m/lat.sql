
CREATE INDEX IF NOT EXISTS big_id ON big (id);
DROP TABLE IF EXISTS lat;
CREATE TABLE lat (what text, t float8, ms float8, n int);
DROP TABLE IF EXISTS qs;
CREATE TABLE qs AS (SELECT id FROM big WHERE id <= 10000 ORDER BY hashint4(id) LIMIT 150) UNION ALL (SELECT id FROM big WHERE id > 100000 ORDER BY hashint4(id) LIMIT 150);
CREATE OR REPLACE FUNCTION run_lat(what text, t float8, sql text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE q fingerprint; t0 timestamptz; n int; r record;
BEGIN
  PERFORM set_config('neardup.similarity_threshold', t::text, true);
  FOR r IN SELECT b.fp FROM qs JOIN big b USING (id) LOOP
    t0 := clock_timestamp();
    EXECUTE sql INTO n USING r.fp;
    INSERT INTO lat VALUES (what, t, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
  END LOOP;
END $f$;
SELECT run_lat('warm', 0.5, 'SELECT count(*) FROM big WHERE fp % $1');
TRUNCATE lat;
SELECT run_lat('sim', 0.3, 'SELECT count(*) FROM big WHERE fp % $1');
SELECT run_lat('sim', 0.5, 'SELECT count(*) FROM big WHERE fp % $1');
SELECT run_lat('sim', 0.8, 'SELECT count(*) FROM big WHERE fp % $1');
SELECT run_lat('eq', 0.5, 'SELECT count(*) FROM big WHERE fp = $1');
SELECT run_lat('top10_gin', 0.1, 'SELECT count(*) FROM (SELECT id FROM big WHERE fp % $1 ORDER BY fp <-> $1 LIMIT 10) s');
SELECT what, t, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) p50,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2) p99, round(avg(n), 1) avg_rows
  FROM lat GROUP BY 1, 2 ORDER BY 1, 2;
