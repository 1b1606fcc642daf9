-- pgbench script of test_track.sh: one copy of one of 30 new stories, autocommit
\set s random(1, 30)
\set e random(12, 40)
INSERT INTO tracked (story, fp) VALUES (:s, fingerprint(doc(10000 + :s, 120, :e)));
