/* neardup--0.1.0--0.2.0.sql -- upgrade neardup 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.2.0'" to load this file. \quit

-- Every change to SQL objects between 0.1.0 and 0.2.0 is made here as well
-- as in neardup--0.2.0.sql: an installed 0.1.0 updated by this script and a
-- fresh 0.2.0 install must hold the same objects (tested).

--
-- GIN key format 2 (src/gin.c, doc/index.md "Key formats"): every text is
-- densified in bands of two or more slots, not only those under 128
-- shingles, which fixes the recall of mid-length texts, and there are 20
-- bands by default instead of 24.  The support functions now call the
-- format-2 entry points (0.1.0's keep computing format 1).  An index stores no format, so
-- every existing gin_fingerprint_ops index holds format-1 keys that the new
-- functions would silently misread: each is marked invalid (the planner no
-- longer uses it; inserts still maintain it), as pg_upgrade once did for
-- hash indexes, and reported with the REINDEX that makes it valid again.
--
CREATE OR REPLACE FUNCTION fingerprint_gin_extract_value(fingerprint, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fingerprint_gin_extract_value_v2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION fingerprint_gin_extract_query(fingerprint, internal, int2, internal, internal, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fingerprint_gin_extract_query_v2' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION fingerprint_gin_options(internal)
RETURNS void
AS 'MODULE_PATHNAME', 'fingerprint_gin_options_v2' LANGUAGE C IMMUTABLE PARALLEL SAFE;

DO $nd$
DECLARE
	ix regclass;
BEGIN
	FOR ix IN
		SELECT DISTINCT i.indexrelid::regclass
		FROM pg_catalog.pg_index i
		JOIN pg_catalog.pg_opclass c ON c.oid = ANY (i.indclass::pg_catalog.oid[])
		JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod
		WHERE a.amname = 'gin' AND c.opcname = 'gin_fingerprint_ops'
		  AND c.opcnamespace = '@extschema@'::regnamespace
		  AND i.indisvalid
	LOOP
		UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = ix;
		RAISE WARNING 'index % holds GIN keys of neardup 0.1.0 and is disabled until it is rebuilt', ix
			USING DETAIL = 'neardup 0.2.0 computes band keys differently (key format 2); reading the old keys would miss rows.',
			      HINT = pg_catalog.format('REINDEX INDEX %s;', ix);
	END LOOP;
END
$nd$;
