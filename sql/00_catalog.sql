--
-- Catalog validation: every object neardup installs, with its volatility,
-- strictness and parallel safety; every operator class passes amvalidate.
-- Runs first.
--
SELECT p.oid::regprocedure AS function,
       p.provolatile AS vol, p.proisstrict AS strict, p.proparallel AS par,
       p.proretset AS setof
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND d.deptype = 'e'
 ORDER BY p.oid::regprocedure::text;

-- Operators, with their commutators, negators and selectivity estimators.
SELECT o.oid::regoperator AS operator, o.oprcode AS function,
       o.oprcom::regoperator AS commutator, o.oprnegate::regoperator AS negator,
       o.oprrest AS restrict, o.oprjoin AS join
  FROM pg_operator o
  JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND d.deptype = 'e'
 ORDER BY o.oid::regoperator::text;

-- Every operator class is valid for its access method.
SELECT opc.opcname, am.amname, amvalidate(opc.oid) AS valid
  FROM pg_opclass opc
  JOIN pg_am am ON am.oid = opc.opcmethod
  JOIN pg_depend d ON d.classid = 'pg_opclass'::regclass AND d.objid = opc.oid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND d.deptype = 'e'
 ORDER BY am.amname, opc.opcname;

-- Every installed object belongs to the extension; the ones a user sees
-- (functions, operators, types) have comments.
SELECT pg_describe_object(classid, objid, objsubid) AS object,
       obj_description(objid, (SELECT relname FROM pg_class WHERE oid = classid)) IS NOT NULL AS commented
  FROM pg_depend
 WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
   AND deptype = 'e'
 ORDER BY 1;
