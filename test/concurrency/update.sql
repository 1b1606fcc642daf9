-- Rewrite one seed row into an unrelated article (seed 20000 + id), in
-- both tables.
\set id random(1, 1200)
BEGIN;
UPDATE docs_gin SET fp = fingerprint(doc(20000 + :id, 150, 0)) WHERE id = :id;
UPDATE docs_gist SET fp = fingerprint(doc(20000 + :id, 150, 0)) WHERE id = :id;
COMMIT;
