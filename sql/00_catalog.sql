--
-- Catalog validation: every object neardup installs, with its volatility,
-- strictness and parallel safety.  Runs first.
--
SELECT p.oid::regprocedure AS function,
       p.provolatile AS vol, p.proisstrict AS strict, p.proparallel AS par,
       p.proretset AS setof
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND d.deptype = 'e'
 ORDER BY 1::text;

-- Every installed object belongs to the extension and has a comment.
SELECT pg_describe_object(classid, objid, objsubid) AS object
  FROM pg_depend
 WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND deptype = 'e'
 ORDER BY 1;
