-- test/sql/docs.sql -- the generated articles of the SQL tests, one
-- definition for pg_regress (sql/*.sql), pgTAP (test/pgtap) and the
-- concurrency test: \i it from the repository root (pg_regress feeds psql
-- on stdin, so \ir would not find it), after \set doc_schema SCHEMA to
-- create the function elsewhere than pg_temp.
--
-- doc(seed, nwords, edit): nwords words drawn from a 5000-word vocabulary
-- ('w0' .. 'w4999') by hashint4 of (seed, position), the same text for the
-- same seed; with edit > 0, every edit-th word is replaced by a rare word
-- ('x<n>'), so doc(s, n, 10) shares about 54 % of its 3-word shingles
-- with doc(s, n, 0) (edit 6: about 33 %, edit 20: about 74 %).
\if :{?doc_schema}
\else
\set doc_schema pg_temp
\endif
CREATE FUNCTION :doc_schema.doc(seed int, nwords int, edit int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT string_agg(CASE WHEN edit > 0 AND k % edit = 0
				THEN 'x' || abs(hashint4(seed * 7919 + k)) % 100000
				ELSE 'w' || abs(hashint4(seed * 100003 + k)) % 5000 END,
			' ' ORDER BY k)
	  FROM generate_series(1, nwords) k
$$;
