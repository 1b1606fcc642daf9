-- GIN recall per text length (issue: mid-length texts, just above the
-- 128-shingle cutoff of 0.1.0's densification, were silently missed).
-- 150 pairs of texts of 140 words each, the second with every k-th word
-- replaced (k = 4..12); for every pair whose similarity is at least
-- t + 0.05, the default GIN index and the top-k index must find the
-- partner at t = 0.3 (and 0.5) as a sequential scan does.  With 0.1.0's
-- keys (format 1) the default index found about 85 % of them.
BEGIN;
SELECT plan(5);

\i test/sql/docs.sql
CREATE TEMP TABLE mid (id int PRIMARY KEY, partner int, fp fingerprint);
INSERT INTO mid SELECT g, 10000 + g, fingerprint(pg_temp.doc(g, 140, 0))
  FROM generate_series(1, 150) g;
INSERT INTO mid SELECT 10000 + g, g, fingerprint(pg_temp.doc(g, 140, 4 + g % 9))
  FROM generate_series(1, 150) g;
ANALYZE mid;

CREATE FUNCTION pg_temp.recall(t real) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	found int := 0;
	total int := 0;
	r record;
BEGIN
	PERFORM set_config('neardup.similarity_threshold', t::text, true);
	PERFORM set_config('enable_seqscan', 'off', true);
	PERFORM set_config('enable_indexscan', 'off', true);
	FOR r IN SELECT q.id, q.partner, q.fp FROM mid q JOIN mid p ON p.id = q.partner
			  WHERE similarity(q.fp, p.fp) >= t + 0.05 LOOP
		total := total + 1;
		IF EXISTS (SELECT 1 FROM mid d WHERE d.fp % r.fp AND d.id + 0 = r.partner) THEN
			found := found + 1;
		END IF;
	END LOOP;
	RETURN CASE WHEN total = 0 THEN NULL ELSE found::float8 / total END;
END
$$;

SELECT cmp_ok((SELECT count(*) FROM mid q JOIN mid p ON p.id = q.partner
				WHERE similarity(q.fp, p.fp) >= 0.35)::int, '>=', 200,
			  'most 140-word pairs are at similarity >= 0.35');

CREATE INDEX mid_gin ON mid USING gin (fp);
CREATE FUNCTION pg_temp.plan_uses(ix text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	l text;
BEGIN
	PERFORM set_config('enable_seqscan', 'off', true);
	PERFORM set_config('enable_indexscan', 'off', true);
	FOR l IN EXECUTE 'EXPLAIN SELECT 1 FROM mid d WHERE d.fp % (SELECT fp FROM mid WHERE id = 1)' LOOP
		IF l LIKE '%Bitmap Index Scan on ' || ix || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END
$$;
SELECT ok(pg_temp.plan_uses('mid_gin'), 'the recall queries are GIN index scans');
SELECT cmp_ok(pg_temp.recall(0.3), '>=', 0.98::float8,
			  'default GIN index: recall >= 0.98 at 0.3 on 140-word pairs at >= 0.35');
SELECT cmp_ok(pg_temp.recall(0.5), '>=', 0.98::float8,
			  'default GIN index: recall >= 0.98 at 0.5 on 140-word pairs at >= 0.55');
DROP INDEX mid_gin;

CREATE INDEX mid_gin_topk ON mid USING gin (fp gin_fingerprint_ops (bands = 32, rows = 1));
SELECT cmp_ok(pg_temp.recall(0.3), '>=', 0.98::float8,
			  'top-k GIN index (32 x 1): recall >= 0.98 at 0.3 on 140-word pairs');

SELECT * FROM finish();
ROLLBACK;
