/* neardup--0.1.0.sql -- install script for neardup 0.1.0 */

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

CREATE OPERATOR % (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_similar_op,
	COMMUTATOR = OPERATOR(public.%),
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint, fingerprint) IS
'similarity >= neardup.similarity_threshold';

CREATE OPERATOR <-> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_distance,
	COMMUTATOR = OPERATOR(public.<->)
);
COMMENT ON OPERATOR <-> (fingerprint, fingerprint) IS
'distance: 1 - similarity';

CREATE OPERATOR <% (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_contained_op,
	COMMUTATOR = OPERATOR(public.%>),
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint, fingerprint) IS
'left text is contained in the right one: containment(left, right) >= neardup.containment_threshold';

CREATE OPERATOR %> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_contains_op,
	COMMUTATOR = OPERATOR(public.<%),
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
	COMMUTATOR = OPERATOR(public.=), NEGATOR = OPERATOR(public.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_ne,
	COMMUTATOR = OPERATOR(public.<>), NEGATOR = OPERATOR(public.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_lt,
	COMMUTATOR = OPERATOR(public.>), NEGATOR = OPERATOR(public.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_le,
	COMMUTATOR = OPERATOR(public.>=), NEGATOR = OPERATOR(public.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_gt,
	COMMUTATOR = OPERATOR(public.<), NEGATOR = OPERATOR(public.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = fingerprint, RIGHTARG = fingerprint, FUNCTION = fingerprint_ge,
	COMMUTATOR = OPERATOR(public.<=), NEGATOR = OPERATOR(public.<),
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
