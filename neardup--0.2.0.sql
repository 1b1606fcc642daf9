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
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_gin_extract_value(fingerprint, internal, internal) IS
'GIN support: band keys of an indexed fingerprint';

CREATE FUNCTION fingerprint_gin_extract_query(fingerprint, internal, int2, internal, internal, internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
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
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
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
