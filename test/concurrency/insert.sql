-- A new article and its near-copy (every 20th word replaced, about 74 % of
-- the shingles shared), the same rows in both tables.  The seed is the new
-- row's id, so no two inserted articles are related; lengths avoid 120-300
-- words (see test_concurrency.sh).
\set r random(0, 219)
\set n CASE WHEN :r < 80 THEN 40 + :r ELSE 220 + :r END
WITH ids AS (SELECT nextval('docs_gin_id_seq') AS a, nextval('docs_gin_id_seq') AS b),
r AS (INSERT INTO docs_gin SELECT a, fingerprint(doc(a::int, :n, 0)) FROM ids
	UNION ALL SELECT b, fingerprint(doc(a::int, :n, 20)) FROM ids RETURNING *)
INSERT INTO docs_gist SELECT * FROM r;
