/* neardup--0.2.0--0.3.0.sql -- upgrade neardup 0.2.0 to 0.3.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.3.0'" to load this file. \quit

-- 0.3.0 has no install script of its own: CREATE EXTENSION neardup runs
-- neardup--0.2.0.sql and then this file, so a fresh 0.3.0 and an updated
-- 0.2.0 (or 0.1.0) are the same objects by construction.  Every SQL object
-- 0.3.0 adds or changes is defined here, once, written as the 0.2.0 script
-- is: objects named through @extschema@, pg_catalog operators spelled out
-- where a hostile search_path could shadow them, function bodies with
-- their search_path pinned.  Sections by topic, in the order they landed.

--
-- Issue 16: thresholds in the query (fingerprint_query, at_least) and
-- clustering across shards (cluster_band_keys, connected_components).
--
-- fp % at_least(q, t), fp <% at_least(q, t) and fp %> at_least(q, t) are
-- the GUC operators with the threshold carried in the right operand, so
-- they are IMMUTABLE: postgres_fdw ships them to foreign servers that
-- list neardup in their `extensions` option, Citus evaluates them on the
-- workers with the caller's threshold and accepts them in UPDATE/DELETE,
-- and a prepared statement's plan does not depend on a setting.  % with
-- at_least is strategy 4 of gin_fingerprint_ops and gist_fingerprint_ops
-- (src/index_common.h); the index asks for exactly the keys the GUC form
-- asks for at the same threshold.
--
CREATE TYPE fingerprint_query;

CREATE FUNCTION fingerprint_query_in(cstring) RETURNS fingerprint_query
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_out(fingerprint_query) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_recv(internal) RETURNS fingerprint_query
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_send(fingerprint_query) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint_query (
	INTERNALLENGTH = 544,
	INPUT = fingerprint_query_in,
	OUTPUT = fingerprint_query_out,
	RECEIVE = fingerprint_query_recv,
	SEND = fingerprint_query_send,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE fingerprint_query IS
'a fingerprint and a threshold from 0 to 1, built by at_least(fingerprint, real); text form threshold@fingerprint';
COMMENT ON FUNCTION fingerprint_query_in(cstring) IS 'input function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_out(fingerprint_query) IS 'output function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_recv(internal) IS 'binary input function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_send(fingerprint_query) IS 'binary output function of type fingerprint_query';

CREATE FUNCTION at_least(fingerprint, threshold real) RETURNS fingerprint_query
AS 'MODULE_PATHNAME', 'fingerprint_at_least' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION at_least(fingerprint, real) IS
'the query "at least threshold" for the operators %, <% and %>: fp % at_least(q, 0.5) is similarity(fp, q) >= 0.5, IMMUTABLE and indexable';

CREATE FUNCTION threshold(fingerprint_query) RETURNS real
AS 'MODULE_PATHNAME', 'fingerprint_query_threshold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION threshold(fingerprint_query) IS
'the threshold of a fingerprint query';

CREATE FUNCTION fingerprint(fingerprint_query) RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_query_fingerprint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint(fingerprint_query) IS
'the fingerprint of a fingerprint query';

CREATE FUNCTION fingerprint_query_similar_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_similar_op(fingerprint, fingerprint_query) IS
'implementation of % (fingerprint, fingerprint_query)';
CREATE FUNCTION fingerprint_query_contained_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contained_op(fingerprint, fingerprint_query) IS
'implementation of <% (fingerprint, fingerprint_query)';
CREATE FUNCTION fingerprint_query_contains_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contains_op(fingerprint, fingerprint_query) IS
'implementation of %> (fingerprint, fingerprint_query)';

CREATE FUNCTION fingerprint_query_similar_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_similar_op_commuted(fingerprint_query, fingerprint) IS
'implementation of % (fingerprint_query, fingerprint)';
CREATE FUNCTION fingerprint_query_contained_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contained_op_commuted(fingerprint_query, fingerprint) IS
'implementation of <% (fingerprint_query, fingerprint)';
CREATE FUNCTION fingerprint_query_contains_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contains_op_commuted(fingerprint_query, fingerprint) IS
'implementation of %> (fingerprint_query, fingerprint)';

-- matchingsel applies the operator to the column's most common values and
-- histogram (the btree opclass makes ANALYZE collect them), with the
-- query's own threshold; the GUC forms use the same estimator.  Each
-- operator has its commutator with the query on the left (q % fp is
-- fp % q, q <% fp is fp %> q), so either spelling can use the index.
CREATE OPERATOR % (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_similar_op,
	COMMUTATOR = %,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint, fingerprint_query) IS
'similarity at or above the query''s threshold: fp % at_least(q, t) (IMMUTABLE; GIN and GiST indexable)';
CREATE OPERATOR <% (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_contained_op,
	COMMUTATOR = %>,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint, fingerprint_query) IS
'containment of the left text in the query''s text at or above the query''s threshold (IMMUTABLE)';
CREATE OPERATOR %> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_contains_op,
	COMMUTATOR = <%,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR %> (fingerprint, fingerprint_query) IS
'containment of the query''s text in the left text at or above the query''s threshold (IMMUTABLE)';
CREATE OPERATOR % (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_similar_op_commuted,
	COMMUTATOR = %,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint_query, fingerprint) IS
'at_least(q, t) % fp: the commutator of fp % at_least(q, t)';
CREATE OPERATOR <% (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_contained_op_commuted,
	COMMUTATOR = %>,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint_query, fingerprint) IS
'at_least(q, t) <% fp: the query''s text contained in fp''s, the commutator of fp %> at_least(q, t)';
CREATE OPERATOR %> (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_contains_op_commuted,
	COMMUTATOR = <%,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR %> (fingerprint_query, fingerprint) IS
'at_least(q, t) %> fp: fp''s text contained in the query''s, the commutator of fp <% at_least(q, t)';

ALTER OPERATOR FAMILY gin_fingerprint_ops USING gin ADD
	OPERATOR 4 % (fingerprint, fingerprint_query);
ALTER OPERATOR FAMILY gist_fingerprint_ops USING gist ADD
	OPERATOR 4 % (fingerprint, fingerprint_query);

-- Clustering across shards: the band keys of duplicate_clusters as an
-- IMMUTABLE function (candidate pairs are rows sharing a key: a GROUP BY
-- any engine distributes) and union-find over the verified edges.  The
-- recipe is in the README ("Clustering a sharded table").
CREATE FUNCTION cluster_band_keys(fingerprint) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'cluster_band_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cluster_band_keys(fingerprint) IS
'the 128 LSH band keys duplicate_clusters compares (band number in the high 32 bits; -1 for a text with no shingles): rows sharing a key are its candidate pairs';

CREATE FUNCTION connected_components(edges_query text,
	OUT node bigint,
	OUT component bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'connected_components'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED
ROWS 1000;
COMMENT ON FUNCTION connected_components(text) IS
'every node of the edge list the query returns (its first two columns, integer node ids a and b; b NULL: a alone) with its connected component, named by the component''s smallest node id; memory proportional to the nodes';
