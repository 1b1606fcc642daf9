/* neardup--0.5.0--0.6.0.sql -- upgrade neardup 0.5.0 to 0.6.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.6.0'" to load this file. \quit

-- 0.6.0 has no install script of its own: CREATE EXTENSION neardup runs
-- neardup--0.2.0.sql, the updates to 0.3.0, 0.4.0 and 0.5.0, and then this
-- file, so a fresh 0.6.0 and an updated 0.5.0 (or older) are the same
-- objects by construction.  Every SQL object 0.6.0 adds or changes is
-- defined here, once, written as the earlier scripts are: objects named
-- through @extschema@, pg_catalog operators spelled out where a hostile
-- search_path could shadow them, function bodies with their search_path
-- pinned.  Sections by topic, in the order they landed.
