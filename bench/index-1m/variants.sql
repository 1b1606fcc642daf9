-- bench/index-1m/variants.sql -- latency of `%` through the GIN index
-- fps_exp at five thresholds (0.5 twice: the first pass warms the cache).
-- Run by bench/index-1m/variants; needs the tables fps(id, fp) and
-- qids(id) of the database bench/run 1m leaves behind.
SET max_parallel_workers_per_gather = 0;
SET enable_seqscan = off;
CREATE OR REPLACE FUNCTION pg_temp.lat(t float8, lim int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE q fingerprint; t0 timestamptz; ms float8[] := '{}'; c bigint; tot bigint := 0; r record;
BEGIN
  PERFORM set_config('neardup.similarity_threshold', t::text, true);
  FOR r IN SELECT id FROM qids ORDER BY id LIMIT lim LOOP
    SELECT fp INTO q FROM fps WHERE id = r.id;
    t0 := clock_timestamp();
    SELECT count(*) INTO c FROM fps WHERE fp % q;
    ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000);
    tot := tot + c;
  END LOOP;
  RETURN format('t=%s p50=%s p95=%s p99=%s rows/q=%s', t,
     round((SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round((SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round((SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round(tot::numeric / array_length(ms, 1), 2));
END $$;
SELECT pg_size_pretty(pg_relation_size('fps_exp')) AS size,
       round(pg_relation_size('fps_exp') / (SELECT count(*) FROM fps)::numeric, 1) AS bytes_per_article;
SELECT pg_temp.lat(0.5, 250);
SELECT pg_temp.lat(0.8, 250);
SELECT pg_temp.lat(0.5, 250);
SELECT pg_temp.lat(0.3, 250);
SELECT pg_temp.lat(0.2, 100);
SELECT pg_temp.lat(0.1, 100);
