-- pgbench script of test_track.sh: three copies of random stories in one transaction
\set s1 random(1, 30)
\set s2 random(1, 30)
\set e random(12, 40)
BEGIN;
INSERT INTO tracked (story, fp) VALUES (:s1, fingerprint(doc(10000 + :s1, 120, :e)));
INSERT INTO tracked (story, fp) SELECT :s2, fingerprint(doc(10000 + :s2, 120, :e + k)) FROM generate_series(1, 2) k;
COMMIT;
