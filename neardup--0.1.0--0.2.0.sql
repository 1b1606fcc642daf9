/* neardup--0.1.0--0.2.0.sql -- upgrade neardup 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.2.0'" to load this file. \quit

-- Every change to SQL objects between 0.1.0 and 0.2.0 is made here as well
-- as in neardup--0.2.0.sql: an installed 0.1.0 updated by this script and a
-- fresh 0.2.0 install must hold the same objects (tested).

--
-- Operators' commutator and negator links (issue 13, defect 1).  0.1.0
-- named them OPERATOR(public.…): installed in any other schema, that made
-- ten empty shell operators in public (members of the extension) and left
-- the real operators pointing at them, so NOT (a = b) failed and q % fp
-- could not use an index.  0.2.0 names them unqualified (found in the
-- extension's own schema).  Here the shells are dropped and every link is
-- set to the operator in the extension's schema; in a 0.1.0 installed in
-- public this sets the links it already has.  PostgreSQL 15 has no ALTER
-- OPERATOR ... SET (COMMUTATOR = ...) (17 has), hence the catalog update.
--
DO $$
DECLARE
	ext_ns oid := '@extschema@'::pg_catalog.regnamespace;
	fp oid := '@extschema@.fingerprint'::pg_catalog.regtype;
	shell record;
BEGIN
	FOR shell IN
		SELECT n.nspname, o.oprname
		  FROM pg_catalog.pg_operator o
		  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) o.oprnamespace
		  JOIN pg_catalog.pg_depend d
		    ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass
		   AND d.objid OPERATOR(pg_catalog.=) o.oid
		   AND d.deptype OPERATOR(pg_catalog.=) 'e'
		   AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
		   AND d.refobjid OPERATOR(pg_catalog.=)
		       (SELECT e.oid FROM pg_catalog.pg_extension e
		         WHERE e.extname OPERATOR(pg_catalog.=) 'neardup')
		 WHERE o.oprnamespace OPERATOR(pg_catalog.<>) ext_ns
		   AND o.oprcode OPERATOR(pg_catalog.=) 0
		   AND o.oprleft OPERATOR(pg_catalog.=) fp
		   AND o.oprright OPERATOR(pg_catalog.=) fp
	LOOP
		EXECUTE pg_catalog.format('DROP OPERATOR %I.%s (@extschema@.fingerprint, @extschema@.fingerprint)',
								  shell.nspname, shell.oprname);
	END LOOP;

	UPDATE pg_catalog.pg_operator o
	   SET oprcom = COALESCE((SELECT c.oid FROM pg_catalog.pg_operator c
	                           WHERE c.oprnamespace OPERATOR(pg_catalog.=) ext_ns
	                             AND c.oprname OPERATOR(pg_catalog.=) l.com
	                             AND c.oprleft OPERATOR(pg_catalog.=) fp
	                             AND c.oprright OPERATOR(pg_catalog.=) fp), 0),
	       oprnegate = COALESCE((SELECT c.oid FROM pg_catalog.pg_operator c
	                              WHERE c.oprnamespace OPERATOR(pg_catalog.=) ext_ns
	                                AND c.oprname OPERATOR(pg_catalog.=) l.neg
	                                AND c.oprleft OPERATOR(pg_catalog.=) fp
	                                AND c.oprright OPERATOR(pg_catalog.=) fp), 0)
	  FROM (VALUES ('%', '%', NULL), ('<->', '<->', NULL),
	               ('<%', '%>', NULL), ('%>', '<%', NULL),
	               ('=', '=', '<>'), ('<>', '<>', '='),
	               ('<', '>', '>='), ('<=', '>=', '>'),
	               ('>', '<', '<='), ('>=', '<=', '<'))
	       AS l(op, com, neg)
	 WHERE o.oprnamespace OPERATOR(pg_catalog.=) ext_ns
	   AND o.oprname OPERATOR(pg_catalog.=) l.op::pg_catalog.name
	   AND o.oprleft OPERATOR(pg_catalog.=) fp
	   AND o.oprright OPERATOR(pg_catalog.=) fp;
END
$$;
