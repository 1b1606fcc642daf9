-- test/sql/briefs.sql -- a family of four texts for the "one containment
-- link per similarity component" rule of cluster tracking (issue 15),
-- shared by test/pgtap/track_containment.sql and test/install/upgrade.sh.
-- \i it after test/sql/docs.sql, with the same doc_schema (default
-- pg_temp).
--
-- part(s, a, b): words a..b of story s (doc(s, n, 0) is a prefix of
-- doc(s, m, 0), n <= m).
-- brief(s, v), variant v of family s: 1 = article A1, 2 = brief B
-- (contained in A1), 3 = article A2 (unrelated to A1), 4 = variant B2 of
-- B (similar to B, contained in A2 only).  Batch links the component
-- {B, B2} once, to the better container A1; A2 stays apart.
\if :{?doc_schema}
\else
\set doc_schema pg_temp
\endif
SELECT format($f$CREATE FUNCTION %1$I.part(s int, a int, b int) RETURNS text LANGUAGE sql IMMUTABLE AS
	$b$ SELECT array_to_string((string_to_array(%1$I.doc(s, b, 0), ' '))[a:b], ' ') $b$$f$, :'doc_schema') \gexec
SELECT format($f$CREATE FUNCTION %1$I.brief(s int, v int) RETURNS text LANGUAGE sql IMMUTABLE AS $b$
	SELECT CASE v
	  WHEN 1 THEN %1$I.doc(10 * s + 1, 300, 0) || ' ' || %1$I.part(10 * s, 1, 85) || ' ' || %1$I.doc(10 * s + 2, 100, 0)
	  WHEN 2 THEN %1$I.part(10 * s, 1, 120)
	  WHEN 3 THEN %1$I.doc(10 * s + 3, 300, 0) || ' ' || %1$I.part(10 * s, 71, 150) || ' ' || %1$I.doc(10 * s + 4, 100, 0)
	  WHEN 4 THEN %1$I.part(10 * s, 31, 150) END $b$$f$, :'doc_schema') \gexec
