\timing on
DROP TABLE IF EXISTS big;
CREATE TABLE big (id int, fp fingerprint);
INSERT INTO big SELECT id, fp FROM fps;
SELECT max(sid) AS nsent FROM sent \gset
DO $$ BEGIN FOR b IN 0..9 LOOP
  INSERT INTO big SELECT 100000 + g,
    (SELECT fingerprint(string_agg(s, '. ')) FROM sent
      WHERE sid = ANY (ARRAY(SELECT 1 + (random() * (176875 - 1))::int FROM generate_series(1, 5 + (g % 36)))))
  FROM generate_series(b * 99000 + 1, (b + 1) * 99000) g;
  RAISE NOTICE 'batch % done at %', b, clock_timestamp();
  COMMIT;
END LOOP; END $$;
VACUUM ANALYZE big;
SELECT count(*), pg_relation_size('big') FROM big;
