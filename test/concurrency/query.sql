-- % through the GIN index, % and the k nearest through the GiST index
\set id random(1, 1200)
SET enable_seqscan = off;
SELECT count(*) FROM docs_gin WHERE fp % (SELECT fp FROM docs_gin WHERE id = :id);
SELECT count(*) FROM docs_gist WHERE fp % (SELECT fp FROM docs_gist WHERE id = :id);
SELECT id FROM docs_gist ORDER BY fp <-> (SELECT fp FROM docs_gist WHERE id = :id) LIMIT 5;
