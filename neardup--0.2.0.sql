/* neardup--0.2.0.sql -- install script for neardup 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION neardup" to load this file. \quit

--
-- Splitting raw scraped dumps into articles
--
CREATE FUNCTION split_articles(dump text,
	OUT ordinal integer,
	OUT title text,
	OUT subtitle text,
	OUT caption text,
	OUT body text,
	OUT byline text,
	OUT layout text,
	OUT start_pos integer,
	OUT char_length integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'split_articles'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 20;

COMMENT ON FUNCTION split_articles(text) IS
'split a raw scraped dump into one row per article, with scraper noise removed; substr(dump, start_pos, char_length) is the article''s raw span';

--
-- The fingerprint type
--
CREATE TYPE fingerprint;

CREATE FUNCTION fingerprint_in(cstring) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_out(fingerprint) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_recv(internal) RETURNS fingerprint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_send(fingerprint) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint (
	INTERNALLENGTH = 536,
	INPUT = fingerprint_in,
	OUTPUT = fingerprint_out,
	RECEIVE = fingerprint_recv,
	SEND = fingerprint_send,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE fingerprint IS
'fixed-size MinHash sketch of a text''s normalized word shingles';
COMMENT ON FUNCTION fingerprint_in(cstring) IS 'input function of type fingerprint';
COMMENT ON FUNCTION fingerprint_out(fingerprint) IS 'output function of type fingerprint';
COMMENT ON FUNCTION fingerprint_recv(internal) IS 'binary input function of type fingerprint';
COMMENT ON FUNCTION fingerprint_send(fingerprint) IS 'binary output function of type fingerprint';

CREATE FUNCTION fingerprint(text) RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_from_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint(text) IS
'fingerprint of a text with the default shingle size';

CREATE FUNCTION fingerprint(text, shingle_size integer) RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_from_text_size'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint(text, integer) IS
'fingerprint of a text with shingles of shingle_size words';

CREATE FUNCTION normalize_text(text) RETURNS text
AS 'MODULE_PATHNAME', 'normalize_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION normalize_text(text) IS
'the normalized tokens a fingerprint is computed from, separated by spaces';

CREATE FUNCTION fingerprint_info(fingerprint,
	OUT version integer,
	OUT shingle_size integer,
	OUT slots integer,
	OUT shingle_count bigint,
	OUT token_count bigint,
	OUT filled_slots integer,
	OUT exact_hash text)
RETURNS record
AS 'MODULE_PATHNAME', 'fingerprint_info'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_info(fingerprint) IS
'format version, parameters and counts stored in a fingerprint';

--
-- Similarity, containment, distance
--
CREATE FUNCTION similarity(fingerprint, fingerprint) RETURNS real
AS 'MODULE_PATHNAME', 'fingerprint_similarity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION similarity(fingerprint, fingerprint) IS
'estimated Jaccard resemblance of the two texts'' shingle sets, 0..1';

CREATE FUNCTION containment(fingerprint, fingerprint) RETURNS real
AS 'MODULE_PATHNAME', 'fingerprint_containment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION containment(fingerprint, fingerprint) IS
'estimated share of the first text''s shingles found in the second, 0..1';

CREATE FUNCTION fingerprint_distance(fingerprint, fingerprint) RETURNS real
AS 'MODULE_PATHNAME', 'fingerprint_distance'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_distance(fingerprint, fingerprint) IS
'1 - similarity, implementation of the <-> operator';

CREATE FUNCTION fingerprint_similar_op(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME', 'fingerprint_similar_op'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_similar_op(fingerprint, fingerprint) IS
'similarity >= neardup.similarity_threshold, implementation of the % operator';

CREATE FUNCTION fingerprint_contained_op(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME', 'fingerprint_contained_op'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_contained_op(fingerprint, fingerprint) IS
'containment(left, right) >= neardup.containment_threshold, implementation of the <% operator';

CREATE FUNCTION fingerprint_contains_op(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME', 'fingerprint_contains_op'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_contains_op(fingerprint, fingerprint) IS
'containment(right, left) >= neardup.containment_threshold, implementation of the %> operator';

-- Commutators and negators are named unqualified: they are found, or made,
-- in the extension's own schema, whichever it is (0.1.0 wrote
-- OPERATOR(public.…), which broke installs into other schemas).
CREATE OPERATOR % (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_similar_op,
	COMMUTATOR = '%',
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint, fingerprint) IS
'similarity >= neardup.similarity_threshold';

CREATE OPERATOR <-> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_distance,
	COMMUTATOR = '<->'
);
COMMENT ON OPERATOR <-> (fingerprint, fingerprint) IS
'distance: 1 - similarity';

CREATE OPERATOR <% (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_contained_op,
	COMMUTATOR = '%>',
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint, fingerprint) IS
'left text is contained in the right one: containment(left, right) >= neardup.containment_threshold';

CREATE OPERATOR %> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_contains_op,
	COMMUTATOR = '<%',
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR %> (fingerprint, fingerprint) IS
'left text contains the right one: containment(right, left) >= neardup.containment_threshold';

--
-- Equality and ordering: exact duplicates after normalization
--
CREATE FUNCTION fingerprint_eq(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_ne(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_lt(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_le(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_gt(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_ge(fingerprint, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_cmp(fingerprint, fingerprint) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_hash(fingerprint) RETURNS integer
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION fingerprint_hash_extended(fingerprint, bigint) RETURNS bigint
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION fingerprint_eq(fingerprint, fingerprint) IS 'implementation of = (identical fingerprints)';
COMMENT ON FUNCTION fingerprint_ne(fingerprint, fingerprint) IS 'implementation of <>';
COMMENT ON FUNCTION fingerprint_lt(fingerprint, fingerprint) IS 'implementation of < (an arbitrary total order for sorting)';
COMMENT ON FUNCTION fingerprint_le(fingerprint, fingerprint) IS 'implementation of <=';
COMMENT ON FUNCTION fingerprint_gt(fingerprint, fingerprint) IS 'implementation of >';
COMMENT ON FUNCTION fingerprint_ge(fingerprint, fingerprint) IS 'implementation of >=';
COMMENT ON FUNCTION fingerprint_cmp(fingerprint, fingerprint) IS 'btree support: three-way comparison';
COMMENT ON FUNCTION fingerprint_hash(fingerprint) IS 'hash support';
COMMENT ON FUNCTION fingerprint_hash_extended(fingerprint, bigint) IS 'hash support with a seed';

CREATE OPERATOR = (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_eq,
	COMMUTATOR = '=', NEGATOR = '<>',
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_ne,
	COMMUTATOR = '<>', NEGATOR = '=',
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_lt,
	COMMUTATOR = '>', NEGATOR = '>=',
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_le,
	COMMUTATOR = '>=', NEGATOR = '>',
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_gt,
	COMMUTATOR = '<', NEGATOR = '<=',
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_ge,
	COMMUTATOR = '<=', NEGATOR = '<',
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR = (fingerprint, fingerprint) IS 'identical fingerprints: exact duplicates after normalization';
COMMENT ON OPERATOR <> (fingerprint, fingerprint) IS 'not identical';
COMMENT ON OPERATOR < (fingerprint, fingerprint) IS 'sorts before (arbitrary but total order)';
COMMENT ON OPERATOR <= (fingerprint, fingerprint) IS 'sorts before or equal';
COMMENT ON OPERATOR > (fingerprint, fingerprint) IS 'sorts after';
COMMENT ON OPERATOR >= (fingerprint, fingerprint) IS 'sorts after or equal';

CREATE OPERATOR CLASS btree_fingerprint_ops
DEFAULT FOR TYPE fingerprint USING btree AS
	OPERATOR 1 < ,
	OPERATOR 2 <= ,
	OPERATOR 3 = ,
	OPERATOR 4 >= ,
	OPERATOR 5 > ,
	FUNCTION 1 fingerprint_cmp(fingerprint, fingerprint);

CREATE OPERATOR CLASS hash_fingerprint_ops
DEFAULT FOR TYPE fingerprint USING hash AS
	OPERATOR 1 = ,
	FUNCTION 1 fingerprint_hash(fingerprint),
	FUNCTION 2 fingerprint_hash_extended(fingerprint, bigint);
COMMENT ON OPERATOR CLASS btree_fingerprint_ops USING btree IS
'sorting and btree indexes on fingerprints: = finds exact duplicates';
COMMENT ON OPERATOR FAMILY btree_fingerprint_ops USING btree IS
'btree operators of type fingerprint';
COMMENT ON OPERATOR CLASS hash_fingerprint_ops USING hash IS
'hashing of fingerprints: GROUP BY, DISTINCT, hash joins and hash indexes on =';
COMMENT ON OPERATOR FAMILY hash_fingerprint_ops USING hash IS
'hash operators of type fingerprint';

--
-- Index support
--
-- gin_fingerprint_ops (DEFAULT for GIN): LSH band keys, % at any
-- threshold and =.  gist_fingerprint_ops: ORDER BY fp <-> q (top-k), % and
-- =.  Strategy numbers (src/index_common.h): 1 %, 2 <->, 3 =.  Design and
-- measurements: doc/index.md.
--
CREATE FUNCTION fingerprint_gin_extract_value(fingerprint, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fingerprint_gin_extract_value_v2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_extract_value(fingerprint, internal, internal) IS
'GIN support: band keys of an indexed fingerprint';

CREATE FUNCTION fingerprint_gin_extract_query(fingerprint, internal, int2, internal, internal, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fingerprint_gin_extract_query_v2' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_extract_query(fingerprint, internal, int2, internal, internal, internal, internal) IS
'GIN support: band keys of a query and the number that must match at the current neardup.similarity_threshold';

CREATE FUNCTION fingerprint_gin_consistent(internal, int2, fingerprint, int4, internal, internal, internal, internal)
RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_consistent(internal, int2, fingerprint, int4, internal, internal, internal, internal) IS
'GIN support: enough matching band keys (always rechecked)';

CREATE FUNCTION fingerprint_gin_triconsistent(internal, int2, fingerprint, int4, internal, internal, internal)
RETURNS "char"
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_triconsistent(internal, int2, fingerprint, int4, internal, internal, internal) IS
'GIN support: ternary version of fingerprint_gin_consistent';

CREATE FUNCTION fingerprint_gin_options(internal)
RETURNS void
AS 'MODULE_PATHNAME', 'fingerprint_gin_options_v2' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_options(internal) IS
'GIN support: the opclass options bands, rows and bits';

CREATE OPERATOR CLASS gin_fingerprint_ops
DEFAULT FOR TYPE fingerprint USING gin AS
	OPERATOR 1 % (fingerprint, fingerprint),
	OPERATOR 3 = (fingerprint, fingerprint),
	FUNCTION 1 pg_catalog.btint4cmp(int4, int4),
	FUNCTION 2 fingerprint_gin_extract_value(fingerprint, internal, internal),
	FUNCTION 3 fingerprint_gin_extract_query(fingerprint, internal, int2, internal, internal, internal, internal),
	FUNCTION 4 fingerprint_gin_consistent(internal, int2, fingerprint, int4, internal, internal, internal, internal),
	FUNCTION 6 fingerprint_gin_triconsistent(internal, int2, fingerprint, int4, internal, internal, internal),
	FUNCTION 7 fingerprint_gin_options(internal),
	STORAGE int4;
COMMENT ON OPERATOR CLASS gin_fingerprint_ops USING gin IS
'GIN index on fingerprints for % (any threshold, rechecked) and =; options bands, rows, bits';
COMMENT ON OPERATOR FAMILY gin_fingerprint_ops USING gin IS
'GIN operators of type fingerprint';

CREATE TYPE fingerprint_gist_key;
CREATE FUNCTION fingerprint_gist_key_in(cstring) RETURNS fingerprint_gist_key
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_gist_key_out(fingerprint_gist_key) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE fingerprint_gist_key (
	INTERNALLENGTH = -1,
	INPUT = fingerprint_gist_key_in,
	OUTPUT = fingerprint_gist_key_out,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE fingerprint_gist_key IS
'internal: key of gist_fingerprint_ops (a fingerprint, or a signature of a subtree)';
COMMENT ON FUNCTION fingerprint_gist_key_in(cstring) IS 'input function of type fingerprint_gist_key (always fails)';
COMMENT ON FUNCTION fingerprint_gist_key_out(fingerprint_gist_key) IS 'output function of type fingerprint_gist_key (always fails)';

CREATE FUNCTION fingerprint_gist_consistent(internal, fingerprint, int2, oid, internal)
RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_consistent(internal, fingerprint, int2, oid, internal) IS
'GiST support: exact % and = at leaves, a bound at inner keys';

CREATE FUNCTION fingerprint_gist_distance(internal, fingerprint, int2, oid, internal)
RETURNS float8
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_distance(internal, fingerprint, int2, oid, internal) IS
'GiST support: <-> at leaves, a lower bound on it at inner keys';

CREATE FUNCTION fingerprint_gist_union(internal, internal)
RETURNS fingerprint_gist_key
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_union(internal, internal) IS
'GiST support: signature of a set of keys';

CREATE FUNCTION fingerprint_gist_compress(internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_compress(internal) IS
'GiST support: leaf key of a fingerprint';

CREATE FUNCTION fingerprint_gist_fetch(internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_fetch(internal) IS
'GiST support: the fingerprint of a leaf key (index-only scans)';

CREATE FUNCTION fingerprint_gist_penalty(internal, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_penalty(internal, internal, internal) IS
'GiST support: signature bits an entry would add';

CREATE FUNCTION fingerprint_gist_picksplit(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_picksplit(internal, internal) IS
'GiST support: page split by signature distance';

CREATE FUNCTION fingerprint_gist_same(fingerprint_gist_key, fingerprint_gist_key, internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_same(fingerprint_gist_key, fingerprint_gist_key, internal) IS
'GiST support: key equality';

CREATE FUNCTION fingerprint_gist_options(internal)
RETURNS void
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gist_options(internal) IS
'GiST support: the opclass option siglen';

CREATE OPERATOR CLASS gist_fingerprint_ops
DEFAULT FOR TYPE fingerprint USING gist AS
	OPERATOR 1 % (fingerprint, fingerprint),
	OPERATOR 2 <-> (fingerprint, fingerprint) FOR ORDER BY pg_catalog.float_ops,
	OPERATOR 3 = (fingerprint, fingerprint),
	FUNCTION 1 fingerprint_gist_consistent(internal, fingerprint, int2, oid, internal),
	FUNCTION 2 fingerprint_gist_union(internal, internal),
	FUNCTION 3 fingerprint_gist_compress(internal),
	FUNCTION 5 fingerprint_gist_penalty(internal, internal, internal),
	FUNCTION 6 fingerprint_gist_picksplit(internal, internal),
	FUNCTION 7 fingerprint_gist_same(fingerprint_gist_key, fingerprint_gist_key, internal),
	FUNCTION 8 fingerprint_gist_distance(internal, fingerprint, int2, oid, internal),
	FUNCTION 9 fingerprint_gist_fetch(internal),
	FUNCTION 10 fingerprint_gist_options(internal),
	STORAGE fingerprint_gist_key;
COMMENT ON OPERATOR CLASS gist_fingerprint_ops USING gist IS
'GiST index on fingerprints for ORDER BY <-> (exact top-k), % and =; option siglen';
COMMENT ON OPERATOR FAMILY gist_fingerprint_ops USING gist IS
'GiST operators of type fingerprint';

--
-- Passage reuse (issue 6): exact shared runs of words, and winnowed passage
-- hashes for finding them through a GIN index.
--
CREATE FUNCTION shared_passages(a text, b text, min_words integer DEFAULT 8,
	OUT passage text,
	OUT words integer,
	OUT a_start integer,
	OUT a_length integer,
	OUT b_start integer,
	OUT b_length integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'shared_passages'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 10;

COMMENT ON FUNCTION shared_passages(text, text, integer) IS
'the runs of at least min_words normalized words that a and b share, in order of position in a; substr(a, a_start, a_length) and substr(b, b_start, b_length) are the run as written in each text';

CREATE FUNCTION passage_hashes(text) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'passage_hashes'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION passage_hashes(text) IS
'winnowed hashes of the text''s 8-word passages, sorted and unique (empty below 8 words); texts sharing a run of 12 or more words always share a hash: index with GIN and search with &&';

--
-- Duplicate clusters (src/cluster.c)
--
CREATE FUNCTION duplicate_clusters(rel regclass,
	key_column name,
	fp_column name,
	similarity_threshold real DEFAULT NULL,
	containment_threshold real DEFAULT NULL,
	representative text DEFAULT 'first',
	OUT key bigint,
	OUT cluster_id bigint,
	OUT is_representative boolean,
	OUT similarity real,
	OUT cluster_size integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'duplicate_clusters'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 1000;

COMMENT ON FUNCTION duplicate_clusters(regclass, name, name, real, real, text) IS
'every row of a table with its near-duplicate cluster: rows are joined when similarity reaches the threshold, and, if a containment threshold is given, each cluster joins the cluster of its best container; cluster_id is the key of the representative (''first'': smallest key, ''longest'': most tokens)';

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
