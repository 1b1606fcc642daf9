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
