-- recall on the truth pairs of table :tbl, index given by enable_* settings
CREATE TEMP TABLE qa AS SELECT DISTINCT a AS id FROM truth;
CREATE TEMP TABLE res (t float8, mode text, a int, b int);
DO $$
DECLARE t float8;
BEGIN
  FOREACH t IN ARRAY ARRAY[0.3, 0.5, 0.8] LOOP
    PERFORM set_config('neardup.similarity_threshold', t::text, true);
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'on', true);
    PERFORM set_config('enable_bitmapscan', 'on', true);
    INSERT INTO res SELECT t, 'idx', q.id, f.id FROM qa q JOIN fps x ON x.id = q.id, LATERAL (SELECT id FROM fps f WHERE f.fp % x.fp) f;
    PERFORM set_config('enable_seqscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    PERFORM set_config('enable_bitmapscan', 'off', true);
    INSERT INTO res SELECT t, 'seq', q.id, f.id FROM qa q JOIN fps x ON x.id = q.id JOIN fps f ON similarity(f.fp, x.fp) >= t::float4;
  END LOOP;
END $$;
SELECT r.t,
  (SELECT count(*) FROM res WHERE t = r.t AND mode = 'seq') AS seq_rows,
  (SELECT count(*) FROM res WHERE t = r.t AND mode = 'idx') AS idx_rows,
  round((SELECT count(*) FROM res i JOIN res s USING (t, a, b) WHERE i.t = r.t AND i.mode = 'idx' AND s.mode = 'seq')::numeric
        / (SELECT count(*) FROM res WHERE t = r.t AND mode = 'seq'), 4) AS recall_vs_seq,
  (SELECT count(*) FROM truth WHERE j >= r.t + 0.05) AS truth_pairs,
  round((SELECT count(*) FROM truth tr WHERE tr.j >= r.t + 0.05 AND EXISTS (SELECT 1 FROM res i WHERE i.t = r.t AND i.mode = 'idx' AND i.a = tr.a AND i.b = tr.b))::numeric
        / (SELECT count(*) FROM truth WHERE j >= r.t + 0.05), 4) AS recall_vs_exact,
  round((SELECT count(*) FROM truth tr WHERE tr.j >= r.t + 0.05 AND EXISTS (SELECT 1 FROM res i WHERE i.t = r.t AND i.mode = 'seq' AND i.a = tr.a AND i.b = tr.b))::numeric
        / (SELECT count(*) FROM truth WHERE j >= r.t + 0.05), 4) AS seq_recall_vs_exact
FROM (VALUES (0.3::float8), (0.5), (0.8)) r(t);
