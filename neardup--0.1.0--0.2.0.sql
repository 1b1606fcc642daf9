/* neardup--0.1.0--0.2.0.sql -- upgrade neardup 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.2.0'" to load this file. \quit

-- Every change to SQL objects between 0.1.0 and 0.2.0 is made here as well
-- as in neardup--0.2.0.sql: an installed 0.1.0 updated by this script and a
-- fresh 0.2.0 install must hold the same objects (tested).
