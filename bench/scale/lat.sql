-- bench/scale/lat.sql -- latency helpers for bench/scale/run (created in
-- pg_temp of the measuring session).  Server-side wall time of each
-- statement, planned afresh (EXECUTE of a literal query), so the plan is
-- the one an application with a literal or a custom plan gets.
CREATE FUNCTION pg_temp.lat_pct(rel regclass, op text, t real, nq int)
RETURNS TABLE (p50_ms float8, p99_ms float8, avg_rows float8) LANGUAGE plpgsql AS $$
DECLARE
	ms float8[] := '{}';
	rows_ float8 := 0;
	q text;
	c bigint;
	t0 timestamptz;
BEGIN
	FOR q IN EXECUTE format('SELECT fp::text FROM %s WHERE id %% 9973 = 17 ORDER BY id LIMIT %s', rel, nq) LOOP
		t0 := clock_timestamp();
		EXECUTE format('SELECT count(*) FROM %s WHERE fp %s at_least(%L::fingerprint, %s)', rel, op, q, t) INTO c;
		ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000);
		rows_ := rows_ + c;
	END LOOP;
	RETURN QUERY SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.99) WITHIN GROUP (ORDER BY x),
		rows_ / cardinality(ms) FROM unnest(ms) x;
END $$;
-- top-10 by <-> among fp % at_least(q, t) through the index, p50, and its
-- tie-aware recall@10 against the exact top-10 (a sequential scan):
-- a returned row counts when its distance is within the exact 10th.
CREATE FUNCTION pg_temp.topk(rel regclass, t real, nq int, exact bool)
RETURNS TABLE (p50_ms float8, p99_ms float8, recall float8) LANGUAGE plpgsql AS $$
DECLARE
	ms float8[] := '{}';
	hit float8 := 0;
	tot float8 := 0;
	q text;
	d10 real;
	got real[];
	t0 timestamptz;
BEGIN
	FOR q IN EXECUTE format('SELECT fp::text FROM %s WHERE id %% 9973 = 17 ORDER BY id LIMIT %s', rel, nq) LOOP
		t0 := clock_timestamp();
		EXECUTE format('SELECT array_agg(d) FROM (SELECT fp <-> %L::fingerprint AS d FROM %s WHERE fp %% at_least(%L::fingerprint, %s) ORDER BY 1 LIMIT 10) s',
			q, rel, q, t) INTO got;
		ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000);
		IF exact THEN
			SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;
			EXECUTE format('SELECT max(d) FROM (SELECT fp <-> %L::fingerprint AS d FROM %s ORDER BY 1 LIMIT 10) s', q, rel) INTO d10;
			RESET enable_indexscan; RESET enable_bitmapscan;
			hit := hit + (SELECT count(*) FROM unnest(coalesce(got, '{}')) x WHERE x <= d10);
			tot := tot + 10;
		END IF;
	END LOOP;
	RETURN QUERY SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.99) WITHIN GROUP (ORDER BY x),
		CASE WHEN tot > 0 THEN hit / tot END FROM unnest(ms) x;
END $$;
