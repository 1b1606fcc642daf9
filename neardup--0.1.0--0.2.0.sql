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

-- Search with duplicates collapsed (issue 19): PL/pgSQL, safe under any
-- search_path (pinned to pg_catalog, pg_temp; neardup objects through
-- @extschema@, identifiers through format(%I) and regclass).
--
CREATE FUNCTION search_stories(rel regclass,
	query text,
	k integer DEFAULT 20,
	key_column name DEFAULT 'id',
	tsv_column name DEFAULT 'tsv',
	text_column name DEFAULT 'body',
	title_column name DEFAULT 'title',
	config regconfig DEFAULT 'english',
	cluster_column name DEFAULT NULL,
	clusters regclass DEFAULT NULL,
	fp_column name DEFAULT 'fp',
	max_keys integer DEFAULT 10,
	method text DEFAULT 'auto',
	OUT story bigint,
	OUT key bigint,
	OUT title text,
	OUT rank real,
	OUT hits integer,
	OUT keys bigint[],
	OUT headline text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
ROWS 20
AS $search_stories$
DECLARE
	q tsquery;
	tsv_expr text;
	mode text;
	use_method text := method;
	rum_schema name;
	typ oid;
	col name;
	inner_sql text;
	sql text;
	r record;
	n integer := 0;
	got bigint;
	lim bigint;
	off bigint := 0;
	grp text;
	i integer;
	s_grp text[] := '{}';
	s_story bigint[] := '{}';
	s_key bigint[] := '{}';
	s_rank real[] := '{}';
	s_tid tid[] := '{}';
	s_fp @extschema@.fingerprint[] := '{}';
BEGIN
	IF rel IS NULL THEN
		RAISE EXCEPTION 'search_stories: rel must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass the table to search, e.g. ''articles''.';
	END IF;
	IF query IS NULL THEN
		RETURN;
	END IF;
	IF k IS NULL OR k < 1 OR k > 10000 THEN
		RAISE EXCEPTION 'search_stories: k must be between 1 and 10000, not %', coalesce(k::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Ask for the number of stories to return, e.g. k => 20.';
	END IF;
	IF max_keys IS NULL OR max_keys < 0 OR max_keys > 100000 THEN
		RAISE EXCEPTION 'search_stories: max_keys must be between 0 and 100000, not %', coalesce(max_keys::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'max_keys caps the keys listed per story; 0 lists none.';
	END IF;
	IF use_method IS NULL OR use_method NOT IN ('auto', 'rum', 'gin') THEN
		RAISE EXCEPTION 'search_stories: unknown method "%"', coalesce(use_method, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Use ''auto'', ''rum'' or ''gin''.';
	END IF;
	IF cluster_column IS NOT NULL AND clusters IS NOT NULL THEN
		RAISE EXCEPTION 'search_stories: cluster_column and clusters are exclusive'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Name a cluster id column of the table, or a clusters table (key, cluster_id), not both.';
	END IF;

	-- Every named column must exist with a usable type.
	FOREACH col IN ARRAY ARRAY[key_column, tsv_column, text_column, title_column, cluster_column,
	                           CASE WHEN cluster_column IS NULL AND clusters IS NULL THEN fp_column END]
	LOOP
		CONTINUE WHEN col IS NULL;
		SELECT a.atttypid INTO typ FROM pg_attribute a
		 WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'search_stories: column "%" does not exist in %', col, rel
				USING ERRCODE = 'undefined_column',
				      HINT = 'Name existing columns with key_column, tsv_column, text_column, title_column, cluster_column or fp_column (NULL for tsv_column and title_column if there are none).';
		END IF;
	END LOOP;
	IF key_column IS NULL OR text_column IS NULL THEN
		RAISE EXCEPTION 'search_stories: key_column and text_column must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Name the table''s integer key and its text column.';
	END IF;
	IF (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = key_column)
	   NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		RAISE EXCEPTION 'search_stories: key column "%" must be smallint, integer or bigint', key_column
			USING ERRCODE = 'datatype_mismatch', HINT = 'Use the table''s integer primary key.';
	END IF;
	IF cluster_column IS NOT NULL AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = cluster_column)
	   NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		RAISE EXCEPTION 'search_stories: cluster column "%" must be smallint, integer or bigint', cluster_column
			USING ERRCODE = 'datatype_mismatch', HINT = 'Name a column holding integer cluster ids.';
	END IF;
	IF tsv_column IS NOT NULL AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = tsv_column)
	   <> 'tsvector'::regtype THEN
		RAISE EXCEPTION 'search_stories: column "%" is not a tsvector', tsv_column
			USING ERRCODE = 'datatype_mismatch',
			      HINT = 'Name the stored tsvector column, or pass tsv_column => NULL to parse text_column (slow).';
	END IF;
	IF clusters IS NOT NULL AND (SELECT count(*) FROM pg_attribute a
	     WHERE a.attrelid = clusters AND a.attname IN ('key', 'cluster_id') AND a.attnum > 0 AND NOT a.attisdropped
	       AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)) <> 2 THEN
		RAISE EXCEPTION 'search_stories: % has no integer columns key and cluster_id', clusters
			USING ERRCODE = 'undefined_column',
			      HINT = 'Store duplicate_clusters() output: CREATE TABLE c AS SELECT * FROM duplicate_clusters(...).';
	END IF;
	IF cluster_column IS NULL AND clusters IS NULL
	   AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = fp_column)
	       IS DISTINCT FROM '@extschema@.fingerprint'::regtype THEN
		RAISE EXCEPTION 'search_stories: no cluster source'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('fp_column "%s" is not a fingerprint column.', fp_column),
			      HINT = 'Pass cluster_column, clusters, or a fingerprint column as fp_column.';
	END IF;

	mode := CASE WHEN cluster_column IS NOT NULL THEN 'column' WHEN clusters IS NOT NULL THEN 'table' ELSE 'fp' END;
	q := websearch_to_tsquery(config, query);
	IF numnode(q) = 0 THEN
		RETURN;	-- only stop words: nothing matches
	END IF;
	tsv_expr := CASE WHEN tsv_column IS NOT NULL THEN format('t.%I', tsv_column)
	                 ELSE format('to_tsvector(%L::regconfig, t.%I)', config::text, text_column) END;

	-- RUM when an index of that access method covers the tsvector column.
	SELECT e.extnamespace::regnamespace::name INTO rum_schema FROM pg_extension e WHERE e.extname = 'rum';
	IF use_method IN ('auto', 'rum') THEN
		IF tsv_column IS NOT NULL AND rum_schema IS NOT NULL AND EXISTS (
			SELECT 1 FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
			 WHERE x.indrelid = rel AND am.amname = 'rum' AND x.indkey[0] =
			       (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = tsv_column)) THEN
			use_method := 'rum';
		ELSIF use_method = 'rum' THEN
			RAISE EXCEPTION 'search_stories: no rum index on %.%', rel, coalesce(tsv_column, 'NULL')
				USING ERRCODE = 'undefined_object',
				      HINT = CASE WHEN rum_schema IS NULL
				                  THEN 'Install postgresql-15-rum and CREATE EXTENSION rum, then CREATE INDEX ON the table USING rum (tsv rum_tsvector_ops); or use method => ''gin''.'
				                  ELSE 'CREATE INDEX ON the table USING rum (tsv rum_tsvector_ops), or use method => ''gin''.' END;
		ELSE
			use_method := 'gin';
		END IF;
	END IF;

	-- Hits best first, read lazily: the loop below stops once k stories
	-- are found.  GIN: one cursor over all hits ranked (they must all be
	-- ranked anyway), ties by key; only the key, rank and tid go through
	-- the sort.  RUM: batches of 10 k, 20 k, 40 k ... hits in the index's
	-- order (a LIMIT, and no tie-breaking key, so that the planner takes the
	-- ordered index scan), until k stories are found or the hits run out.
	-- The cluster id (or the fingerprint) is fetched per row read.
	IF use_method = 'rum' THEN
		inner_sql := format('SELECT t.%1$I::bigint AS key, %2$I.rum_ts_score(%3$s, $1) AS rank, t.ctid AS tid'
		                    ' FROM %4$s t WHERE %3$s @@ $1 ORDER BY %3$s OPERATOR(%2$I.<=>) $1 LIMIT $2 OFFSET $3',
		                    key_column, rum_schema, tsv_expr, rel);
	ELSE
		inner_sql := format('SELECT t.%1$I::bigint AS key, ts_rank(%2$s, $1) AS rank, t.ctid AS tid'
		                    ' FROM %3$s t WHERE %2$s @@ $1 ORDER BY 2 DESC, 1 OFFSET 0',
		                    key_column, tsv_expr, rel);
	END IF;
	sql := CASE mode
		WHEN 'column' THEN format('SELECT h.key, h.rank, h.tid, g.v::bigint AS cid, NULL::%4$s.fingerprint AS fp'
		                          ' FROM (%1$s) h LEFT JOIN LATERAL (SELECT t.%3$I AS v FROM %2$s t WHERE t.ctid = h.tid LIMIT 1) g ON true',
		                          inner_sql, rel, cluster_column, '@extschema@')
		WHEN 'table' THEN format('SELECT h.key, h.rank, h.tid, g.v::bigint AS cid, NULL::%3$s.fingerprint AS fp'
		                         ' FROM (%1$s) h LEFT JOIN LATERAL (SELECT c.cluster_id AS v FROM %2$s c WHERE c.key = h.key LIMIT 1) g ON true',
		                         inner_sql, clusters, '@extschema@')
		ELSE format('SELECT h.key, h.rank, h.tid, NULL::bigint AS cid, g.v AS fp'
		            ' FROM (%1$s) h LEFT JOIN LATERAL (SELECT t.%3$I AS v FROM %2$s t WHERE t.ctid = h.tid LIMIT 1) g ON true',
		            inner_sql, rel, fp_column)
		END;

	lim := CASE WHEN use_method = 'rum' THEN 10 * k ELSE NULL END;
	<<batches>>
	LOOP
	got := 0;
	FOR r IN EXECUTE sql USING q, lim, off
	LOOP
		got := got + 1;
		IF mode = 'fp' THEN
			i := NULL;
			IF r.fp IS NOT NULL THEN
				FOR j IN 1 .. n LOOP
					IF s_fp[j] IS NOT NULL AND r.fp OPERATOR(@extschema@.%) s_fp[j] THEN
						i := j;
						EXIT;
					END IF;
				END LOOP;
			END IF;
		ELSE
			grp := CASE WHEN r.cid IS NULL THEN 'k' || r.key ELSE 'c' || r.cid END;
			i := array_position(s_grp, grp);
		END IF;
		IF i IS NULL THEN
			n := n + 1;
			s_grp := s_grp || grp;
			s_story := s_story || CASE mode WHEN 'fp' THEN r.key ELSE r.cid END;
			s_key := s_key || r.key;
			s_rank := s_rank || r.rank;
			s_tid := s_tid || r.tid;
			s_fp := s_fp || r.fp;
			EXIT batches WHEN n >= k;
		END IF;
	END LOOP;
	EXIT batches WHEN lim IS NULL OR got < lim;
	off := off + lim;
	lim := lim * 2;
	END LOOP batches;
	IF n = 0 THEN
		RETURN;
	END IF;

	-- Hits of each story over all its copies (not only the ones read above):
	-- the query is evaluated on the stories' members only.
	IF mode = 'column' THEN
		sql := format('SELECT t.%1$I::bigint AS cid, count(*)::integer AS hits,'
		              ' (array_agg(t.%2$I::bigint ORDER BY t.%2$I))[1:$3] AS keys'
		              ' FROM %3$s t WHERE %4$s @@ $1 AND t.%1$I = ANY ($2) GROUP BY 1',
		              cluster_column, key_column, rel, tsv_expr);
	ELSIF mode = 'table' THEN
		sql := format('SELECT c.cluster_id::bigint AS cid, count(*)::integer AS hits,'
		              ' (array_agg(t.%1$I::bigint ORDER BY t.%1$I))[1:$3] AS keys'
		              ' FROM %2$s c JOIN %3$s t ON t.%1$I = c.key WHERE %4$s @@ $1 AND c.cluster_id = ANY ($2) GROUP BY 1',
		              key_column, clusters, rel, tsv_expr);
	ELSE
		sql := format('SELECT s.i::bigint AS cid, count(*)::integer AS hits,'
		              ' (array_agg(t.%1$I::bigint ORDER BY t.%1$I))[1:$3] AS keys'
		              ' FROM unnest($4) WITH ORDINALITY s(fp, i) JOIN %2$s t ON t.%3$I OPERATOR(%4$s.%%) s.fp'
		              ' WHERE %5$s @@ $1 GROUP BY 1',
		              key_column, rel, fp_column, '@extschema@', tsv_expr);
	END IF;

	RETURN QUERY EXECUTE format(
		'WITH s AS (SELECT * FROM unnest($5, $6, $7, $8, $9) WITH ORDINALITY s(story, key, rank, tid, grp, ord)),'
		' agg AS (%1$s)'
		' SELECT s.story, s.key, %2$s, s.rank,'
		'        coalesce(a.hits, 1), CASE WHEN $3 = 0 THEN ''{}''::bigint[] ELSE coalesce(a.keys, ARRAY[s.key]) END,'
		'        ts_headline(%3$L::regconfig, t.%4$I, $1)'
		'   FROM s JOIN %5$s t ON t.ctid = s.tid'
		'   LEFT JOIN agg a ON a.cid = CASE WHEN %6$L = ''fp'' THEN s.ord ELSE s.story END'
		'  ORDER BY s.ord',
		sql,
		CASE WHEN title_column IS NULL THEN 'NULL::text' ELSE format('t.%I::text', title_column) END,
		config::text, text_column, rel, mode)
		USING q, s_story, max_keys, s_fp, s_story, s_key, s_rank, s_tid, s_grp;
END
$search_stories$;

COMMENT ON FUNCTION search_stories(regclass, text, integer, name, name, name, name, regconfig, name, regclass, name, integer, text) IS
'full-text search with near-duplicates collapsed: the k best stories (one row each: representative = best-ranked hit, its rank, the number of hits in the story, up to max_keys keys, a ts_headline of the representative); ranked hits are read lazily through a RUM index when there is one, else GIN on the stored tsvector, only until k stories are found';

CREATE FUNCTION similar_stories(rel regclass,
	article bigint,
	k integer DEFAULT 10,
	key_column name DEFAULT 'id',
	fp_column name DEFAULT 'fp',
	title_column name DEFAULT 'title',
	cluster_column name DEFAULT NULL,
	clusters regclass DEFAULT NULL,
	min_similarity real DEFAULT 0.1,
	max_keys integer DEFAULT 10,
	OUT story bigint,
	OUT key bigint,
	OUT title text,
	OUT similarity real,
	OUT copies integer,
	OUT keys bigint[])
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
ROWS 10
AS $similar_stories$
DECLARE
	mode text;
	col name;
	typ oid;
	tfp @extschema@.fingerprint;
	tgrp text;
	sql text;
	r record;
	n integer := 0;
	grp text;
	i integer;
	s_grp text[] := '{}';
	s_story bigint[] := '{}';
	s_key bigint[] := '{}';
	s_sim real[] := '{}';
	s_tid tid[] := '{}';
	s_fp @extschema@.fingerprint[] := '{}';
BEGIN
	IF rel IS NULL OR article IS NULL THEN
		RAISE EXCEPTION 'similar_stories: rel and article must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass the table and the key of the article to match.';
	END IF;
	IF k IS NULL OR k < 1 OR k > 10000 THEN
		RAISE EXCEPTION 'similar_stories: k must be between 1 and 10000, not %', coalesce(k::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Ask for the number of stories to return, e.g. k => 10.';
	END IF;
	IF max_keys IS NULL OR max_keys < 0 OR max_keys > 100000 THEN
		RAISE EXCEPTION 'similar_stories: max_keys must be between 0 and 100000, not %', coalesce(max_keys::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'max_keys caps the keys listed per story; 0 lists none.';
	END IF;
	IF min_similarity IS NULL OR NOT (min_similarity > 0 AND min_similarity <= 1) THEN
		RAISE EXCEPTION 'similar_stories: min_similarity must be in (0, 1], not %', coalesce(min_similarity::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Use e.g. min_similarity => 0.1.';
	END IF;
	IF cluster_column IS NOT NULL AND clusters IS NOT NULL THEN
		RAISE EXCEPTION 'similar_stories: cluster_column and clusters are exclusive'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Name a cluster id column of the table, or a clusters table (key, cluster_id), not both.';
	END IF;
	FOREACH col IN ARRAY ARRAY[key_column, fp_column, title_column, cluster_column]
	LOOP
		CONTINUE WHEN col IS NULL;
		SELECT a.atttypid INTO typ FROM pg_attribute a
		 WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'similar_stories: column "%" does not exist in %', col, rel
				USING ERRCODE = 'undefined_column',
				      HINT = 'Name existing columns with key_column, fp_column, title_column or cluster_column.';
		END IF;
		IF col IN (key_column, cluster_column) AND typ NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
			RAISE EXCEPTION 'similar_stories: column "%" must be smallint, integer or bigint', col
				USING ERRCODE = 'datatype_mismatch', HINT = 'Name the integer key and an integer cluster id column.';
		END IF;
		IF col = fp_column AND typ <> '@extschema@.fingerprint'::regtype THEN
			RAISE EXCEPTION 'similar_stories: column "%" is not a fingerprint', col
				USING ERRCODE = 'datatype_mismatch', HINT = 'Name the fingerprint column with fp_column.';
		END IF;
	END LOOP;
	IF key_column IS NULL OR fp_column IS NULL THEN
		RAISE EXCEPTION 'similar_stories: key_column and fp_column must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Name the table''s integer key and its fingerprint column.';
	END IF;
	IF clusters IS NOT NULL AND (SELECT count(*) FROM pg_attribute a
	     WHERE a.attrelid = clusters AND a.attname IN ('key', 'cluster_id') AND a.attnum > 0 AND NOT a.attisdropped
	       AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)) <> 2 THEN
		RAISE EXCEPTION 'similar_stories: % has no integer columns key and cluster_id', clusters
			USING ERRCODE = 'undefined_column',
			      HINT = 'Store duplicate_clusters() output: CREATE TABLE c AS SELECT * FROM duplicate_clusters(...).';
	END IF;
	mode := CASE WHEN cluster_column IS NOT NULL THEN 'column' WHEN clusters IS NOT NULL THEN 'table' ELSE 'fp' END;

	-- The article's fingerprint and its own story, which is left out.
	sql := CASE mode
		WHEN 'column' THEN format('SELECT t.%1$I AS fp, t.%2$I::bigint AS cid FROM %3$s t WHERE t.%4$I = $1', fp_column, cluster_column, rel, key_column)
		WHEN 'table' THEN format('SELECT t.%1$I AS fp, (SELECT c.cluster_id::bigint FROM %2$s c WHERE c.key = t.%4$I LIMIT 1) AS cid'
		                         ' FROM %3$s t WHERE t.%4$I = $1', fp_column, clusters, rel, key_column)
		ELSE format('SELECT t.%1$I AS fp, NULL::bigint AS cid FROM %2$s t WHERE t.%3$I = $1', fp_column, rel, key_column)
		END;
	EXECUTE sql INTO r USING article;
	IF r.fp IS NULL THEN
		RAISE EXCEPTION 'similar_stories: no row with % = % and a fingerprint in %', key_column, article, rel
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass the key of an article that has a fingerprint.';
	END IF;
	tfp := r.fp;
	tgrp := CASE WHEN r.cid IS NULL THEN 'k' || article ELSE 'c' || r.cid END;

	-- Rows nearest first (fp <-> article, then key; a GiST index serves
	-- this order), read lazily until k other stories are found or the
	-- similarity falls below min_similarity.
	sql := format('SELECT h.key, h.sim, h.tid, %5$s AS cid, g.fp FROM'
	              ' (SELECT t.%1$I::bigint AS key, %3$s.similarity(t.%2$I, $1) AS sim, t.ctid AS tid FROM %4$s t'
	              '   WHERE t.%2$I IS NOT NULL ORDER BY t.%2$I OPERATOR(%3$s.<->) $1, t.%1$I OFFSET 0) h'
	              ' LEFT JOIN LATERAL (SELECT %6$s AS cid, t.%2$I AS fp FROM %4$s t WHERE t.ctid = h.tid LIMIT 1) g ON true',
	              key_column, fp_column, '@extschema@', rel,
	              CASE mode WHEN 'table' THEN format('(SELECT c.cluster_id::bigint FROM %s c WHERE c.key = h.key LIMIT 1)', clusters)
	                        ELSE 'g.cid' END,
	              CASE mode WHEN 'column' THEN format('t.%I::bigint', cluster_column) ELSE 'NULL::bigint' END);
	FOR r IN EXECUTE sql USING tfp
	LOOP
		EXIT WHEN r.sim < min_similarity;
		CONTINUE WHEN r.key = article;
		IF mode = 'fp' THEN
			CONTINUE WHEN r.fp OPERATOR(@extschema@.%) tfp;	-- a copy of the article itself
			i := NULL;
			FOR j IN 1 .. n LOOP
				IF r.fp OPERATOR(@extschema@.%) s_fp[j] THEN
					i := j;
					EXIT;
				END IF;
			END LOOP;
		ELSE
			grp := CASE WHEN r.cid IS NULL THEN 'k' || r.key ELSE 'c' || r.cid END;
			CONTINUE WHEN grp = tgrp;
			i := array_position(s_grp, grp);
		END IF;
		IF i IS NULL THEN
			n := n + 1;
			s_grp := s_grp || grp;
			s_story := s_story || CASE mode WHEN 'fp' THEN r.key ELSE r.cid END;
			s_key := s_key || r.key;
			s_sim := s_sim || r.sim;
			s_tid := s_tid || r.tid;
			s_fp := s_fp || r.fp;
			EXIT WHEN n >= k;
		END IF;
	END LOOP;
	IF n = 0 THEN
		RETURN;
	END IF;

	-- Each story's size: the rows of its cluster id, or the rows % to its
	-- representative.
	IF mode = 'column' THEN
		sql := format('SELECT t.%1$I::bigint AS cid, count(*)::integer AS copies,'
		              ' (array_agg(t.%2$I::bigint ORDER BY t.%2$I))[1:$3] AS keys'
		              ' FROM %3$s t WHERE t.%1$I = ANY ($2) GROUP BY 1', cluster_column, key_column, rel);
	ELSIF mode = 'table' THEN
		sql := format('SELECT c.cluster_id::bigint AS cid, count(*)::integer AS copies,'
		              ' (array_agg(c.key::bigint ORDER BY c.key))[1:$3] AS keys'
		              ' FROM %1$s c WHERE c.cluster_id = ANY ($2) GROUP BY 1', clusters);
	ELSE
		sql := format('SELECT s.i::bigint AS cid, count(*)::integer AS copies,'
		              ' (array_agg(t.%1$I::bigint ORDER BY t.%1$I))[1:$3] AS keys'
		              ' FROM unnest($4) WITH ORDINALITY s(fp, i) JOIN %2$s t ON t.%3$I OPERATOR(%4$s.%%) s.fp GROUP BY 1',
		              key_column, rel, fp_column, '@extschema@');
	END IF;
	RETURN QUERY EXECUTE format(
		'WITH s AS (SELECT * FROM unnest($5, $6, $7, $8) WITH ORDINALITY s(story, key, sim, tid, ord)),'
		' agg AS (%1$s)'
		' SELECT s.story, s.key, %2$s, s.sim, coalesce(a.copies, 1),'
		'        CASE WHEN $3 = 0 THEN ''{}''::bigint[] ELSE coalesce(a.keys, ARRAY[s.key]) END'
		'   FROM s JOIN %3$s t ON t.ctid = s.tid'
		'   LEFT JOIN agg a ON a.cid = CASE WHEN %4$L = ''fp'' THEN s.ord ELSE s.story END'
		'  ORDER BY s.ord',
		sql, CASE WHEN title_column IS NULL THEN 'NULL::text' ELSE format('t.%I::text', title_column) END, rel, mode)
		USING NULL::integer, s_story, max_keys, s_fp, s_story, s_key, s_sim, s_tid;
END
$similar_stories$;

COMMENT ON FUNCTION similar_stories(regclass, bigint, integer, name, name, name, name, regclass, real, integer) IS
'more like this, collapsed: the k stories nearest to an article by fingerprint (one row each: representative = its nearest row, that similarity, the story''s size and up to max_keys keys), leaving out the article''s own story; rows are read nearest first, only until k stories are found';
