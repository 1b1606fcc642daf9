/* neardup--0.3.0--0.4.0.sql -- upgrade neardup 0.3.0 to 0.4.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.4.0'" to load this file. \quit

-- 0.4.0 has no install script of its own: CREATE EXTENSION neardup runs
-- neardup--0.2.0.sql, neardup--0.2.0--0.3.0.sql and then this file, so a
-- fresh 0.4.0 and an updated 0.3.0, 0.2.0 or 0.1.0 are the same objects by
-- construction.  Every SQL object 0.4.0 adds or changes is defined here,
-- once, written as the earlier scripts are: objects named through
-- @extschema@, pg_catalog operators spelled out where a hostile search_path
-- could shadow them, function bodies with their search_path pinned.
-- Sections by topic, in the order they landed.

-- Issue 16: clustering of a sharded table equal to duplicate_clusters.
--
-- duplicate_clusters verified a band bucket of more than 16 rows against
-- leaders that depended on what other buckets had joined; 0.4.0 uses a
-- rule of the bucket's own rows in key order (src/core/cluster.c,
-- "Buckets"), exposed to SQL as cluster_bucket_edges and
-- cluster_bucket_links so that the recipe of a sharded table (README,
-- "Clustering a sharded table") gives the same clusters, containment links
-- and representatives included.  New C symbols: 0.3.0 catalogs keep the
-- old rule.
CREATE OR REPLACE FUNCTION @extschema@.duplicate_clusters(rel regclass,
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
AS 'MODULE_PATHNAME', 'duplicate_clusters_keyed'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 1000;

CREATE OR REPLACE FUNCTION @extschema@.boilerplate_passages(rel regclass,
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
AS 'MODULE_PATHNAME', 'boilerplate_passages_keyed'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 100;

CREATE FUNCTION @extschema@.cluster_band_keys(fingerprint, containment boolean) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'cluster_band_keys_all' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cluster_band_keys(fingerprint, boolean) IS
'the LSH band keys duplicate_clusters compares: with containment, the 255 of its containment pass, else the 128 of cluster_band_keys(fingerprint) (band number in the high 32 bits; -1 for a text with no shingles)';

CREATE FUNCTION @extschema@.cluster_bucket_edges(ids bigint[], fps fingerprint[],
	similarity_threshold real,
	OUT a bigint,
	OUT b bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cluster_bucket_edges'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 100;
COMMENT ON FUNCTION @extschema@.cluster_bucket_edges(bigint[], fingerprint[], real) IS
'the similarity edges duplicate_clusters verifies in one band bucket (ids ascending, fps in the same order), enough for its components: a bucket of more than 16 rows is verified against up to 16 leaders';

CREATE FUNCTION @extschema@.cluster_bucket_links(ids bigint[], fps fingerprint[],
	containment_threshold real,
	OUT a bigint,
	OUT b bigint,
	OUT containment real)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cluster_bucket_links'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 100;
COMMENT ON FUNCTION @extschema@.cluster_bucket_links(bigint[], fingerprint[], real) IS
'the containment proposals duplicate_clusters'' containment pass verifies in one band bucket (ids ascending): a is in b (at least as long) with that containment, at least the threshold';
