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

-- Issue 14: passage links in duplicate_clusters, boilerplate_passages().
--
-- duplicate_clusters gains trailing arguments; the old six-argument
-- signature is replaced (same C symbol, which reads the arguments it is
-- given, so a 0.2.0 catalog on the new library keeps its meaning), and
-- every existing call, positional or named, resolves to the new one.
DROP FUNCTION @extschema@.duplicate_clusters(regclass, name, name, real, real, text);

CREATE FUNCTION @extschema@.duplicate_clusters(rel regclass,
	key_column name,
	fp_column name,
	similarity_threshold real DEFAULT NULL,
	containment_threshold real DEFAULT NULL,
	representative text DEFAULT 'first',
	passages_column name DEFAULT NULL,
	min_shared_passages integer DEFAULT 2,
	boilerplate_rows integer DEFAULT 50,
	boilerplate_fraction real DEFAULT 0.0001,
	OUT key bigint,
	OUT cluster_id bigint,
	OUT is_representative boolean,
	OUT similarity real,
	OUT cluster_size integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'duplicate_clusters'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 1000;

COMMENT ON FUNCTION @extschema@.duplicate_clusters(regclass, name, name, real, real, text, name, integer, integer, real) IS
'every row of a table with its near-duplicate cluster: rows are joined when similarity reaches the threshold; if a containment threshold is given, each cluster joins the cluster of its best container; if a passages column (bigint[] of passage_hashes) is given, each cluster joins the cluster it shares the most (at least min_shared_passages) non-boilerplate passage hashes with; cluster_id is the key of the representative (''first'': smallest key, ''longest'': most tokens)';

CREATE FUNCTION @extschema@.boilerplate_passages(rel regclass,
	key_column name,
	passages_column name,
	fp_column name DEFAULT NULL,
	similarity_threshold real DEFAULT NULL,
	text_column name DEFAULT NULL,
	boilerplate_rows integer DEFAULT 50,
	boilerplate_fraction real DEFAULT 0.0001,
	OUT hash bigint,
	OUT row_count integer,
	OUT cluster_count integer,
	OUT example_key bigint,
	OUT other_key bigint,
	OUT example text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'boilerplate_passages'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 100;

COMMENT ON FUNCTION @extschema@.boilerplate_passages(regclass, name, name, name, real, name, integer, real) IS
'the passage hashes duplicate_clusters'' passage links ignore as boilerplate: held by rows of at least max(boilerplate_rows, ceil(boilerplate_fraction * rows)) different similarity clusters; with the row count, the cluster count, two example keys and the run of words they share around the hash';
