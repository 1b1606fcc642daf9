-- bench/index-1m/top10.sql -- latency and recall@10 of the GIN top-10 pattern
-- (threshold :top_t, default 0.05, ORDER BY <->) against the exact top-10 that bench/run
-- stored in bench_lat (method nd_seqscan_top10), using whatever GIN index
-- exists on fps.  Run in the database bench/run 1m leaves behind, after
-- CREATE INDEX ... ON fps USING gin (fp ...).  Two passes (cold, warm).
-- Recall is given twice: by id (a row of the exact top-10 is found), and
-- tie-aware (a returned row counts when its similarity is at least the
-- exact tenth similarity: any such row belongs to some exact top-10, since
-- the sequential scan breaks ties arbitrarily; the ann-benchmarks rule).
SET max_parallel_workers_per_gather = 0;
SET enable_seqscan = off;
CREATE OR REPLACE FUNCTION pg_temp.top(t float8) RETURNS text LANGUAGE plpgsql AS $$
DECLARE q fingerprint; t0 timestamptz; ms float8[] := '{}'; r record; got int[]; gsims float8[]; ht int := 0; nt int := 0; h0 int := 0; n0 int := 0; h1 int := 0; n1 int := 0; h3 int := 0; n3 int := 0;
BEGIN
  PERFORM set_config('neardup.similarity_threshold', t::text, true);
  FOR r IN SELECT qid, ids, sims FROM bench_lat WHERE method = 'nd_seqscan_top10' ORDER BY qid LOOP
    SELECT fp INTO q FROM fps WHERE id = r.qid;
    t0 := clock_timestamp();
    SELECT array_agg(id), array_agg(1 - d) INTO got, gsims
      FROM (SELECT id, fp <-> q AS d FROM fps WHERE fp % q AND id <> r.qid ORDER BY fp <-> q LIMIT 10) s;
    ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000);
    got := coalesce(got, '{}');
    nt := nt + coalesce(array_length(r.ids, 1), 0);
    ht := ht + (SELECT count(*) FROM unnest(gsims) g WHERE g >= (SELECT min(x) FROM unnest(r.sims) x) - 1e-6);
    FOR i IN 1 .. coalesce(array_length(r.ids, 1), 0) LOOP
      n0 := n0 + 1; h0 := h0 + (r.ids[i] = ANY(got))::int;
      IF r.sims[i] >= 0.1 THEN n1 := n1 + 1; h1 := h1 + (r.ids[i] = ANY(got))::int; END IF;
      IF r.sims[i] >= 0.3 THEN n3 := n3 + 1; h3 := h3 + (r.ids[i] = ANY(got))::int; END IF;
    END LOOP;
  END LOOP;
  RETURN format('top10 t=%s p50=%s p95=%s p99=%s recall tie-aware=%s by id: all=%s >=0.1=%s (%s) >=0.3=%s (%s)', t,
     round((SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round((SELECT percentile_disc(0.95) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round((SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY x) FROM unnest(ms) x)::numeric, 2),
     round(ht::numeric / nt, 3), round(h0::numeric / n0, 3), round(h1::numeric / n1, 3), n1, round(h3::numeric / nullif(n3, 0), 3), n3);
END $$;
\if :{?top_t}
\else
\set top_t 0.05
\endif
SELECT pg_temp.top(:top_t);
SELECT pg_temp.top(:top_t);
