-- delete one of the seed rows (when still there)
\set id random(1, 1200)
BEGIN;
DELETE FROM docs_gin WHERE id = :id;
DELETE FROM docs_gist WHERE id = :id;
COMMIT;
