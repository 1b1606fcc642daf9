/* neardup--0.4.0--0.5.0.sql -- upgrade neardup 0.4.0 to 0.5.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.5.0'" to load this file. \quit

-- 0.5.0 has no install script of its own: CREATE EXTENSION neardup runs
-- neardup--0.2.0.sql, the updates to 0.3.0 and 0.4.0, and then this file,
-- so a fresh 0.5.0 and an updated 0.4.0, 0.3.0, 0.2.0 or 0.1.0 are the same
-- objects by construction.  Every SQL object 0.5.0 adds or changes is
-- defined here, once, written as the earlier scripts are: objects named
-- through @extschema@, pg_catalog operators spelled out where a hostile
-- search_path could shadow them, function bodies with their search_path
-- pinned.  Sections by topic, in the order they landed.


-- Issue 19: one rank and one tie order on every path of search_stories().
--
-- 0.4.0's RUM path ranked by rum_ts_score in the index's order, so it could
-- return other stories than the GIN path (ts_rank, smallest key first).
-- 0.5.0 ranks every path by ts_rank(tsv, q) with ties by smallest key: the
-- RUM path reads a prefix of the index's order, re-ranked by ts_rank, only
-- for a query of one plain lexeme (where ts_rank is a non-decreasing
-- function of RUM's score when no row holds the lexeme with two weights,
-- checked through the index) and stops after a whole group of equal
-- scores ranked below the k-th story; every other query ranks all hits.
-- Same signature, so DROP + CREATE (doc/search.md).
DROP FUNCTION search_stories(regclass, text, integer, name, name, name, name, regconfig, name, regclass, name, integer, text, boolean, boolean);
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
	lists boolean DEFAULT true,
	headlines boolean DEFAULT true,
	OUT story bigint,
	OUT key bigint,
	OUT title text,
	OUT rank real,
	OUT hits integer,
	OUT keys bigint[],
	OUT headline text,
	OUT via text)
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
	sql text;
	r record;
	n integer := 0;
	grp text;
	i integer;
	s_grp text[] := '{}';
	s_story bigint[] := '{}';
	s_key bigint[] := '{}';
	s_rank real[] := '{}';
	s_tid tid[] := '{}';
	s_fp @extschema@.fingerprint[] := '{}';
	qt text;
	lexeme text;
	sl @extschema@.search_lists;
	via_lists boolean := false;
	via_text text;
	step text;
	inner_sql text;
	all_sql text;
	lists_sql text;
	all_name text;
	-- the RUM prefix (step 'rum'): rows read in the index's order
	cur refcursor;
	rr record;
	a_key bigint[] := '{}';
	a_rank real[] := '{}';
	a_tid tid[] := '{}';
	a_cid bigint[] := '{}';
	a_fp @extschema@.fingerprint[] := '{}';
	nread integer := 0;
	next_check integer;
	exhausted boolean := false;
	broken boolean := false;
	mixed boolean;
	g_score real;
	g_min real;
	before_min real;
	save_seq text;
	save_bitmap text;
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

	-- A query of one plain lexeme (no prefix, no weight, no negation).
	IF tsv_column IS NOT NULL AND numnode(q) OPERATOR(pg_catalog.=) 1 THEN
		qt := q::text;
		IF length(qt) OPERATOR(pg_catalog.>=) 3 AND left(qt, 1) OPERATOR(pg_catalog.=) '''' AND right(qt, 1) OPERATOR(pg_catalog.=) '''' THEN
			lexeme := replace(replace(substr(qt, 2, length(qt) - 2), repeat(chr(92), 2), chr(92)), '''''', '''');
			IF NOT (array_to_tsvector(ARRAY[lexeme]) @@ q) THEN
				lexeme := NULL;
			END IF;
		END IF;
	END IF;

	-- With search lists (search_lists_build()) for that lexeme: read its
	-- list best-first.  The list is the prefix, down to the lexeme's floor,
	-- of all its hits in (ts_rank desc, key asc) order, so stopping at k
	-- stories gives the same result as ranking every hit; if the list runs
	-- out first, the next path below runs instead.
	IF lists AND lexeme IS NOT NULL THEN
		SELECT * INTO sl FROM @extschema@.search_lists e
		 WHERE e.rel OPERATOR(pg_catalog.=) search_stories.rel
		   AND e.tsv_column OPERATOR(pg_catalog.=) search_stories.tsv_column
		   AND e.key_column OPERATOR(pg_catalog.=) search_stories.key_column;
		IF FOUND THEN
			EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s f WHERE f.lexeme OPERATOR(pg_catalog.=) $1)', sl.floors)
				INTO via_lists USING lexeme;
			-- a lexeme without a list was in fewer than min_df rows: few
			-- hits, so 'auto' ranks them all with ts_rank, and every
			-- one-lexeme query of a table with lists ranks the same way
			IF NOT via_lists AND search_stories.method OPERATOR(pg_catalog.=) 'auto' THEN
				use_method := 'gin';
			END IF;
		END IF;
	END IF;

	-- Every path ranks by ts_rank(tsv, q) and breaks ties by the smallest
	-- key (doc/search.md):
	--   lists     the lexeme's list, best first;
	--   rum       one plain lexeme through RUM: a prefix of the index's
	--             order (ORDER BY tsv <=> q), re-ranked by ts_rank; exact
	--             because for such a query ts_rank is a non-decreasing
	--             function of RUM's score unless a row holds the lexeme
	--             with positions of different weights (checked first);
	--   all hits  every hit of the @@ filter ranked (the GIN path, 'gin';
	--             on a RUM table the same for the queries RUM's order
	--             does not serve exactly).
	-- Cluster ids (or fingerprints) are looked up per row read.
	all_name := CASE WHEN use_method = 'rum' THEN 'all hits' ELSE 'gin' END;
	FOREACH inner_sql IN ARRAY ARRAY[
		format('SELECT t.%1$I::bigint AS key, ts_rank(%2$s, $1) AS rank, t.ctid AS tid'
		       ' FROM %3$s t WHERE %2$s @@ $1 ORDER BY 2 DESC, 1 OFFSET 0', key_column, tsv_expr, rel),
		CASE WHEN via_lists THEN
		format('SELECT l.key, l.rank, t.ctid AS tid FROM %1$s l JOIN %2$s t ON t.%3$I OPERATOR(pg_catalog.=) l.key'
		       ' WHERE l.lexeme OPERATOR(pg_catalog.=) $4 ORDER BY l.rank DESC, l.key', sl.lists, rel, key_column) END]
	LOOP
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
		IF all_sql IS NULL THEN
			all_sql := sql;
		ELSE
			lists_sql := sql;
		END IF;
	END LOOP;
	IF via_lists THEN
		step := 'lists';
	ELSIF use_method = 'rum' AND lexeme IS NOT NULL THEN
		step := 'rum';
	ELSE
		step := 'all';
	END IF;

	<<paths>>
	LOOP
		IF step = 'lists' THEN
			sql := lists_sql;
		ELSIF step = 'all' THEN
			sql := all_sql;
		ELSE
			IF cur IS NULL THEN
				-- A row holding the lexeme with positions of two weights is
				-- the one case where ts_rank and RUM's score can disagree
				-- on the order (ts_rank counts the heaviest position at
				-- full weight, RUM's score at its place).  RUM keeps the
				-- weights in the index, so this is one index scan.
				save_seq := current_setting('enable_seqscan');
				save_bitmap := current_setting('enable_bitmapscan');
				PERFORM set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true);
				EXECUTE format('SELECT EXISTS (SELECT 1 FROM %1$s t WHERE t.%2$I @@ $1)', rel, tsv_column) INTO mixed
					USING format('(%1$s:A & %1$s:BCD) | (%1$s:B & %1$s:CD) | (%1$s:C & %1$s:D)', qt)::tsquery;
				IF NOT mixed THEN
					-- the ordered index scan, read lazily (a cursor: no LIMIT
					-- to guess, no rescans)
					OPEN cur FOR EXECUTE format(
						'SELECT t.%1$I::bigint AS key, ts_rank(t.%2$I, $1) AS rank, %3$I.rum_ts_score(t.%2$I, $1) AS score,'
						' t.ctid AS tid, %4$s AS cid, %5$s AS fp FROM %6$s t %7$s'
						' WHERE t.%2$I @@ $1 ORDER BY t.%2$I OPERATOR(%3$I.<=>) $1',
						key_column, tsv_column, rum_schema,
						CASE mode WHEN 'column' THEN format('t.%I::bigint', cluster_column) WHEN 'table' THEN 'g.v::bigint' ELSE 'NULL::bigint' END,
						CASE mode WHEN 'fp' THEN format('t.%I', fp_column) ELSE 'NULL::@extschema@.fingerprint' END,
						rel,
						CASE mode WHEN 'table' THEN format('LEFT JOIN LATERAL (SELECT c.cluster_id AS v FROM %s c WHERE c.key = t.%I LIMIT 1) g ON true',
						                                   clusters, key_column) ELSE '' END)
						USING q;
				END IF;
				PERFORM set_config('enable_seqscan', save_seq, true), set_config('enable_bitmapscan', save_bitmap, true);
				IF mixed THEN
					step := 'all';
					all_name := 'all hits (weights)';
					CONTINUE paths;
				END IF;
				next_check := 4 * k;
			END IF;
			-- Read on to next_check rows.  Checked as they come: RUM's score
			-- does not increase, and ts_rank does not increase from one
			-- score to a lower one (g_* the current score's group, before_min
			-- the lowest ts_rank of the groups before it).
			WHILE nread < next_check LOOP
				FETCH cur INTO rr;
				IF NOT FOUND THEN
					exhausted := true;
					EXIT;
				END IF;
				IF g_score IS NULL OR rr.score < g_score THEN
					before_min := least(before_min, g_min);
					g_score := rr.score;
					g_min := rr.rank;
				ELSIF rr.score > g_score THEN
					broken := true;
				ELSE
					g_min := least(g_min, rr.rank);
				END IF;
				IF rr.rank > before_min THEN
					broken := true;
				END IF;
				EXIT WHEN broken;
				nread := nread + 1;
				a_key := a_key || rr.key;
				a_rank := a_rank || rr.rank;
				a_tid := a_tid || rr.tid;
				a_cid := a_cid || rr.cid;
				a_fp := a_fp || rr.fp;
			END LOOP;
			IF broken THEN
				-- not seen in tests; exact anyway
				CLOSE cur;
				step := 'all';
				all_name := 'all hits (rum order not by ts_rank)';
				CONTINUE paths;
			END IF;
			sql := 'SELECT u.key, u.rank, u.tid, u.cid, u.fp FROM unnest($5, $6, $7, $8, $9) u(key, rank, tid, cid, fp)'
			       ' ORDER BY u.rank DESC, u.key';
		END IF;

		-- Collapse the hits, best first, until k stories.
		n := 0;
		s_grp := '{}';
		s_story := '{}';
		s_key := '{}';
		s_rank := '{}';
		s_tid := '{}';
		s_fp := '{}';
		FOR r IN EXECUTE sql USING q, NULL::bigint, 0::bigint, lexeme, a_key, a_rank, a_tid, a_cid, a_fp
		LOOP
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
				EXIT WHEN n >= k;
			END IF;
		END LOOP;

		IF step = 'lists' THEN
			via_text := 'lists';
			EXIT paths WHEN n >= k;
			-- the list ran out before k stories: start again on the next path
			step := CASE WHEN use_method = 'rum' AND lexeme IS NOT NULL THEN 'rum' ELSE 'all' END;
		ELSIF step = 'all' THEN
			via_text := coalesce(via_text || ', then ', '') || all_name;
			EXIT paths;
		ELSE
			-- Done when every hit is read, or when a whole group of equal
			-- scores below the k-th story's ts_rank is read: every row not
			-- read has a lower score, so a ts_rank no higher than that
			-- group's, below the k-th story's.
			IF exhausted OR (n >= k AND before_min < s_rank[k]) THEN
				CLOSE cur;
				via_text := coalesce(via_text || ', then ', '') || 'rum';
				EXIT paths;
			END IF;
			next_check := 2 * next_check;
		END IF;
	END LOOP paths;
	IF n = 0 THEN
		RETURN;
	END IF;


	-- Hits of each story over all its copies (not only the ones read above):
	-- the query is evaluated on the stories' members only.  The members
	-- are fetched first (OFFSET 0 keeps the planner from AND-ing in a
	-- bitmap of every hit of a common word, which at 1M rows costs more
	-- than the members' rows), when an index finds them: a btree on the
	-- cluster column, or the clusters table.
	IF mode = 'column' AND EXISTS (
		SELECT 1 FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
		 WHERE x.indrelid = rel AND am.amname = 'btree' AND x.indpred IS NULL AND x.indkey[0] =
		       (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = cluster_column)) THEN
		sql := format('SELECT m.cid, count(*)::integer AS hits,'
		              ' (array_agg(m.key ORDER BY m.key))[1:$3] AS keys'
		              ' FROM (SELECT t.%1$I::bigint AS cid, t.%2$I::bigint AS key, %4$s @@ $1 AS hit'
		              '         FROM %3$s t WHERE t.%1$I = ANY ($2) OFFSET 0) m WHERE m.hit GROUP BY 1',
		              cluster_column, key_column, rel, tsv_expr);
	ELSIF mode = 'column' THEN
		sql := format('SELECT t.%1$I::bigint AS cid, count(*)::integer AS hits,'
		              ' (array_agg(t.%2$I::bigint ORDER BY t.%2$I))[1:$3] AS keys'
		              ' FROM %3$s t WHERE %4$s @@ $1 AND t.%1$I = ANY ($2) GROUP BY 1',
		              cluster_column, key_column, rel, tsv_expr);
	ELSIF mode = 'table' THEN
		sql := format('SELECT c.cluster_id::bigint AS cid, count(*)::integer AS hits,'
		              ' (array_agg(t.%1$I::bigint ORDER BY t.%1$I))[1:$3] AS keys'
		              ' FROM (SELECT c.key, c.cluster_id FROM %2$s c WHERE c.cluster_id = ANY ($2) OFFSET 0) c'
		              ' JOIN %3$s t ON t.%1$I = c.key WHERE %4$s @@ $1 GROUP BY 1',
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
		'        CASE WHEN $11 THEN ts_headline(%3$L::regconfig, t.%4$I, $1) END, $10'
		'   FROM s JOIN %5$s t ON t.ctid = s.tid'
		'   LEFT JOIN agg a ON a.cid = CASE WHEN %6$L = ''fp'' THEN s.ord ELSE s.story END'
		'  ORDER BY s.ord',
		sql,
		CASE WHEN title_column IS NULL THEN 'NULL::text' ELSE format('t.%I::text', title_column) END,
		config::text, text_column, rel, mode)
		USING q, s_story, max_keys, s_fp, s_story, s_key, s_rank, s_tid, s_grp, via_text, headlines;
END
$search_stories$;

COMMENT ON FUNCTION search_stories(regclass, text, integer, name, name, name, name, regconfig, name, regclass, name, integer, text, boolean, boolean) IS
'full-text search with near-duplicates collapsed: the k best stories by ts_rank (ties: smallest key), one row each (representative = best-ranked hit, its rank, the number of hits in the story, up to max_keys keys, a ts_headline of the representative unless headlines is false, the path taken: lists, rum, gin or all hits); a one-lexeme query reads its search list (search_lists_build()) or a prefix of a RUM index''s order, others rank every hit';

-- Issue 15: containment candidates like batch; generic plans in the trigger
--
-- With containment links the candidates are the rows sharing one of
-- batch's 255 band keys (the keys duplicate_clusters buckets rows by,
-- cluster_band_keys(fp, true)), found through a GIN index on that
-- expression and verified before the 256 cap; 0.4.0 searched the
-- fingerprint index at 0.2, so an excerpt whose resemblance to its source
-- is below 0.2 was never a candidate.  neardup_track_clusters() requires
-- the index when containment links are on (neardup_track_band_index()).
-- The assignment, trigger, settle and regenerate functions are copies of
-- 0.4.0's with that change.
--
-- The generated trigger runs its statements with generic plans (SET
-- plan_cache_mode = force_generic_plan): PL/pgSQL chose a custom plan for
-- the candidate lookup on every row (the new fingerprint is a parameter
-- whose value the estimator of % prices against the column's statistics),
-- and planning it was ~20 % of a tracked bulk insert, a third of the
-- trigger (perf).  The generic plan is the same Bitmap Index Scan on the
-- GIN index (enable_seqscan = off keeps it there).  Tables tracked before
-- get both from the regeneration at the end of this section.
--
CREATE OR REPLACE FUNCTION neardup_track_template_assign()
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $tmpl$
CREATE FUNCTION {ASSIGN}(k bigint, q @extschema@.fingerprint, c0 bigint, mode text,
	OUT cluster bigint, OUT pending boolean)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET neardup.similarity_threshold = {CAND}
SET enable_seqscan = off	-- a generic plan must still search through the GIN index
AS $assign$
DECLARE
	r record;
	mylen bigint;
	best_s real;
	best_k bigint;
	best_c bigint;
	sims bigint[] := '{}';
	cont_v real;
	cont_k bigint;
	cont_c bigint;
	cand bigint[];
	conts bigint[] := '{}';
	rev_c bigint[] := '{}';
	rev_k bigint[] := '{}';
	rev_v real[] := '{}';
	rev_fp @extschema@.fingerprint[] := '{}';
	rev_len bigint[] := '{}';
	targets bigint[] := '{}';
	i integer;
	x bigint;
	small bigint;
	na bigint;
	nb bigint;
	lim bigint;
BEGIN
	pending := false;
	IF {USE_CONT} THEN
		mylen := (@extschema@.fingerprint_info(q)).shingle_count;
		-- containment links: the rows sharing one of batch's band keys
		-- (the expression index; the only index this statement can use,
		-- whatever the planner thinks of && on 255 keys), verified here,
		-- so that the cap below counts candidates that matter, not rows
		-- sharing a boilerplate band
		cand := ARRAY(SELECT o.{K}::bigint FROM {T} o
		               WHERE @extschema@.cluster_band_keys(o.{F}, true) OPERATOR(pg_catalog.&&) @extschema@.cluster_band_keys(q, true)
		                 AND o.{K} OPERATOR(pg_catalog.<>) k
		                 AND (@extschema@.similarity(o.{F}, q) >= {SIM} OR @extschema@.containment(q, o.{F}) >= {CONT}
		                      OR @extschema@.containment(o.{F}, q) >= {CONT}));
	END IF;
	-- candidates through the GIN index; ids resolved through the merge map
	FOR r IN
		SELECT o.{K}::bigint AS k, coalesce(m.into_id, o.{C}) AS c,
		       @extschema@.similarity(o.{F}, q) AS s,
		       CASE WHEN {USE_CONT} THEN @extschema@.containment(q, o.{F}) END AS cin,
		       CASE WHEN {USE_CONT} THEN @extschema@.containment(o.{F}, q) END AS cout,
		       CASE WHEN {USE_CONT} THEN (@extschema@.fingerprint_info(o.{F})).shingle_count END AS len,
		       CASE WHEN {USE_CONT} THEN o.{F} END AS fp
		  FROM {T} o LEFT JOIN {M} m ON m.from_id OPERATOR(pg_catalog.=) o.{C}
		 WHERE CASE WHEN {USE_CONT} THEN o.{K} OPERATOR(pg_catalog.=) ANY (cand) ELSE o.{F} OPERATOR(@extschema@.%) q END
		   AND o.{K} OPERATOR(pg_catalog.<>) k
		   AND o.{C} IS NOT NULL
		 LIMIT 256		-- bounded work per row: a text copied thousands of times
	LOOP
		IF r.s >= {SIM} THEN
			IF best_s IS NULL OR r.s > best_s OR (r.s = best_s AND r.k < best_k) THEN
				best_s := r.s; best_k := r.k; best_c := r.c;
			END IF;
			IF NOT r.c = ANY (sims) THEN
				sims := sims || r.c;
			END IF;
		ELSIF {USE_CONT} THEN
			-- r contains the new row: a container (at least as long; equal: lower key)
			IF r.cin >= {CONT} AND (r.len > mylen OR (r.len = mylen AND r.k < k)) THEN
				conts := conts || r.c;
				IF cont_v IS NULL OR r.cin > cont_v OR (r.cin = cont_v AND r.k < cont_k) THEN
					cont_v := r.cin; cont_k := r.k; cont_c := r.c;
				END IF;
			-- the new row contains r
			ELSIF r.cout >= {CONT} AND (mylen > r.len OR (mylen = r.len AND k < r.k)) THEN
				i := array_position(rev_c, r.c);
				IF i IS NULL THEN
					rev_c := rev_c || r.c; rev_k := rev_k || r.k; rev_v := rev_v || r.cout;
					rev_fp := rev_fp || r.fp; rev_len := rev_len || r.len;
				ELSIF r.cout > rev_v[i] THEN
					rev_k[i] := r.k; rev_v[i] := r.cout; rev_fp[i] := r.fp; rev_len[i] := r.len;
				END IF;
			END IF;
		END IF;
	END LOOP;

	IF best_c IS NOT NULL THEN
		cluster := best_c;
		targets := sims;
		-- a container of the new row in another cluster: the link of its
		-- similarity component, unless its clusters hold a container of it
		-- already (one link per cluster, as for reverse links)
		IF cont_c IS NOT NULL AND NOT conts && sims THEN
			targets := targets || cont_c;
		END IF;
	ELSIF cont_c IS NOT NULL THEN
		cluster := cont_c;
		targets := ARRAY[cont_c];
	END IF;
	IF mode = 'settle' AND c0 IS NOT NULL THEN
		IF best_c IS NULL AND cont_c IS NOT NULL AND cont_c <> c0 AND EXISTS (
				SELECT 1 FROM {T} mm
				 WHERE mm.{C} OPERATOR(pg_catalog.=) c0 AND mm.{K} OPERATOR(pg_catalog.<>) k
				   AND @extschema@.containment(q, mm.{F}) >= {CONT}
				   AND @extschema@.similarity(q, mm.{F}) < {SIM}) THEN
			targets := '{}';		-- already linked to a container of its own
			cluster := c0;
		END IF;
		IF NOT c0 = ANY (targets) THEN
			targets := c0 || targets;
		END IF;
		cluster := coalesce(cluster, c0);
	END IF;
	-- reverse links: clusters of shorter rows this one contains, unless
	-- they already hold a container of that row (one link per cluster)
	FOR i IN 1 .. coalesce(array_length(rev_c, 1), 0) LOOP
		CONTINUE WHEN rev_c[i] = ANY (targets);
		CONTINUE WHEN (SELECT count(*) FROM (SELECT 1 FROM {T} mm
		                WHERE mm.{C} OPERATOR(pg_catalog.=) rev_c[i] LIMIT 65) z) > 64;
		CONTINUE WHEN EXISTS (
			SELECT 1 FROM {T} mm
			 WHERE mm.{C} OPERATOR(pg_catalog.=) rev_c[i] AND mm.{K} OPERATOR(pg_catalog.<>) rev_k[i]
			   AND @extschema@.containment(rev_fp[i], mm.{F}) >= {CONT}
			   AND @extschema@.similarity(rev_fp[i], mm.{F}) < {SIM}
			   AND (@extschema@.fingerprint_info(mm.{F})).shingle_count >= rev_len[i]);
		targets := targets || rev_c[i];
	END LOOP;
	IF cluster IS NULL AND cardinality(targets) > 0 AND mode <> 'settle' THEN
		-- only reverse links: the new row founds a cluster they join
		cluster := nextval('{S}'::regclass);
		targets := cluster || targets;
	END IF;
	IF cardinality(targets) <= 1 THEN
		RETURN;
	END IF;
	IF mode NOT IN ('insert', 'settle') THEN
		pending := true;		-- merges wait for neardup_settle
		RETURN;
	END IF;

	-- Merge: one transaction at a time per table, ids resolved afresh
	-- under the lock; the larger cluster's id survives (equal: the lower
	-- id), the smaller one's rows are relabelled and its id mapped.
	PERFORM pg_advisory_xact_lock(@extschema@.neardup_track_relint({TLIT}::regclass), -2);
	SELECT array_agg(DISTINCT coalesce(m.into_id, t.id)) INTO targets
	  FROM unnest(targets) t(id) LEFT JOIN {M} m ON m.from_id OPERATOR(pg_catalog.=) t.id;
	cluster := coalesce((SELECT m.into_id FROM {M} m WHERE m.from_id OPERATOR(pg_catalog.=) cluster), cluster);
	FOREACH x IN ARRAY targets LOOP
		CONTINUE WHEN x = cluster;
		lim := 16;
		LOOP
			SELECT count(*) INTO na FROM (SELECT 1 FROM {T} t WHERE t.{C} OPERATOR(pg_catalog.=) cluster LIMIT lim) z;
			SELECT count(*) INTO nb FROM (SELECT 1 FROM {T} t WHERE t.{C} OPERATOR(pg_catalog.=) x LIMIT lim) z;
			EXIT WHEN na < lim OR nb < lim;
			lim := lim * 4;
		END LOOP;
		IF nb > na OR (nb = na AND x < cluster) THEN
			small := cluster; cluster := x;
		ELSE
			small := x;
		END IF;
		UPDATE {T} t SET {C} = cluster WHERE t.{C} OPERATOR(pg_catalog.=) small;
		UPDATE {M} m SET into_id = cluster WHERE m.into_id OPERATOR(pg_catalog.=) small;
		DELETE FROM {M} m WHERE m.from_id OPERATOR(pg_catalog.=) cluster;
		INSERT INTO {M} (from_id, into_id) VALUES (small, cluster)
			ON CONFLICT (from_id) DO UPDATE SET into_id = EXCLUDED.into_id, merged_at = pg_catalog.now();
	END LOOP;
END
$assign$;
$tmpl$;

CREATE OR REPLACE FUNCTION neardup_track_template_trigger()
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $tmpl$
CREATE FUNCTION {TRIGGER}()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off	-- a generic plan must still search through the GIN index
-- one generic plan per statement for the session: the lookup's custom plan
-- (the default, as the new fingerprint is a constant to the planner) was
-- planned again for every row, a third of the trigger's time (issue 15)
SET plan_cache_mode = force_generic_plan
-- similarity only: candidates must share two band keys with the row (at
-- 1M rows one shared key is mostly chance: ~700 rows rechecked per insert
-- instead of a few); with containment links the 0.2 search keeps one
SET neardup.gin_single_key = {USE_CONT}
AS $trigger$
DECLARE
	safe boolean := false;
	info record;
	a record;
	r record;
	c bigint;
	p boolean := true;
	simple boolean := true;
	has_sim boolean := false;
	cand bigint[];
BEGIN
	IF TG_OP = 'UPDATE' AND ((NEW.{F} IS NULL AND OLD.{F} IS NULL) OR coalesce(NEW.{F} OPERATOR(@extschema@.=) OLD.{F}, false)) THEN
		RETURN NEW;
	END IF;
	IF NEW.{F} IS NULL THEN
		NEW.{C} := NULL;
		RETURN NEW;
	END IF;
	info := @extschema@.fingerprint_info(NEW.{F});
	IF NEW.{K} IS NULL OR info.version IS DISTINCT FROM {VERSION} OR info.shingle_size IS DISTINCT FROM {SHINGLE} THEN
		-- not comparable with the table's fingerprints: a cluster of its own
		NEW.{C} := nextval('{S}'::regclass);
		RETURN NEW;
	END IF;
	BEGIN
		-- a trigger never rejects an article because of clustering
		safe := current_setting('transaction_isolation') = 'read committed'
		        AND @extschema@.neardup_track_lock(TG_RELID, NEW.{F});
		IF TG_OP = 'INSERT' THEN
			IF {USE_CONT} THEN
				-- containment links: the verified rows sharing one of
				-- batch's band keys (as the assignment function finds them)
				cand := ARRAY(SELECT o.{K}::bigint FROM {T} o
				               WHERE @extschema@.cluster_band_keys(o.{F}, true) OPERATOR(pg_catalog.&&) @extschema@.cluster_band_keys(NEW.{F}, true)
				                 AND o.{K} OPERATOR(pg_catalog.<>) NEW.{K}
				                 AND (@extschema@.similarity(o.{F}, NEW.{F}) >= {SIM} OR @extschema@.containment(NEW.{F}, o.{F}) >= {CONT}
				                      OR @extschema@.containment(o.{F}, NEW.{F}) >= {CONT}));
			END IF;
			-- fast path: the candidates (as the assignment function finds
			-- them); all that matter similar and in one cluster: that one
			FOR r IN
				SELECT coalesce(m.into_id, o.{C}) AS c, @extschema@.similarity(o.{F}, NEW.{F}) AS s,
				       CASE WHEN {USE_CONT} THEN @extschema@.containment(NEW.{F}, o.{F}) END AS cin,
				       CASE WHEN {USE_CONT} THEN @extschema@.containment(o.{F}, NEW.{F}) END AS cout
				  FROM {T} o LEFT JOIN {M} m ON m.from_id OPERATOR(pg_catalog.=) o.{C}
				 WHERE CASE WHEN {USE_CONT} THEN o.{K} OPERATOR(pg_catalog.=) ANY (cand)
				            ELSE o.{F} OPERATOR(@extschema@.%) @extschema@.at_least(NEW.{F}, {CAND}::real) END
				   AND o.{K} OPERATOR(pg_catalog.<>) NEW.{K}
				   AND o.{C} IS NOT NULL
				 LIMIT 256
			LOOP
				IF r.s >= {SIM} THEN
					has_sim := true;
				ELSIF NOT ({USE_CONT} AND (r.cin >= {CONT} OR r.cout >= {CONT})) THEN
					CONTINUE;		-- a candidate below every threshold
				END IF;
				IF c IS NULL THEN
					c := r.c;
				ELSIF r.c <> c THEN
					simple := false;	-- two clusters: a merge, or a link to weigh
					EXIT;
				END IF;
			END LOOP;
			IF c IS NOT NULL AND NOT has_sim THEN
				simple := false;		-- containment links only
			END IF;
			IF simple THEN
				p := NOT safe;
			END IF;
		END IF;
		IF TG_OP = 'UPDATE' OR NOT simple THEN
			a := {ASSIGN}(NEW.{K}::bigint, NEW.{F},
			              CASE WHEN TG_OP = 'UPDATE' THEN OLD.{C} END,
			              CASE WHEN TG_OP = 'UPDATE' THEN 'update' WHEN safe THEN 'insert' ELSE 'provisional' END);
			c := a.cluster;
			p := a.pending OR NOT safe;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		RAISE WARNING 'neardup cluster tracking: row % gets a provisional cluster: %', NEW.{K}, SQLERRM
			USING HINT = 'neardup_settle() or neardup_recluster() assigns it properly later.';
		c := NULL;
		p := true;
	END;
	IF c IS NULL THEN
		IF TG_OP = 'UPDATE' AND OLD.{C} IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM {T} t WHERE t.{C} OPERATOR(pg_catalog.=) OLD.{C}
				   AND t.{K} OPERATOR(pg_catalog.<>) NEW.{K}) THEN
			c := OLD.{C};
		ELSE
			c := nextval('{S}'::regclass);
		END IF;
	END IF;
	NEW.{C} := c;
	IF p THEN
		INSERT INTO {P} (key) VALUES (NEW.{K}) ON CONFLICT (key) DO NOTHING;
	END IF;
	RETURN NEW;
END
$trigger$;
$tmpl$;

-- The GIN index on cluster_band_keys(fp, true) of a table (built-in
-- array opclass, valid), through which tracking with containment links
-- finds candidates; NULL if there is none.
CREATE FUNCTION neardup_track_band_index(rel regclass, fp_column name)
RETURNS regclass
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT i.indexrelid::regclass
	  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
	  JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
	  JOIN pg_catalog.pg_opclass oc ON oc.oid OPERATOR(pg_catalog.=) i.indclass[0]
	 WHERE i.indrelid OPERATOR(pg_catalog.=) rel AND i.indisvalid AND i.indisready
	   AND i.indnatts OPERATOR(pg_catalog.=) 1 AND i.indkey[0] OPERATOR(pg_catalog.=) 0 AND i.indpred IS NULL
	   AND am.amname OPERATOR(pg_catalog.=) 'gin' AND oc.opcname OPERATOR(pg_catalog.=) 'array_ops'
	   AND oc.opcnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace
	   AND pg_catalog.pg_get_expr(i.indexprs, i.indrelid) OPERATOR(pg_catalog.=) pg_catalog.format('%s.cluster_band_keys(%s, true)',
	           (SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_proc p ON p.pronamespace OPERATOR(pg_catalog.=) n.oid
	             WHERE p.oid OPERATOR(pg_catalog.=) 'cluster_band_keys(fingerprint, boolean)'::pg_catalog.regprocedure),
	           pg_catalog.quote_ident(fp_column))
	 ORDER BY ('fastupdate=off' OPERATOR(pg_catalog.=) ANY (coalesce(ic.reloptions, '{}'))
	           OR 'fastupdate=false' OPERATOR(pg_catalog.=) ANY (coalesce(ic.reloptions, '{}'))) DESC, ic.relname
	 LIMIT 1;
END;
COMMENT ON FUNCTION neardup_track_band_index(regclass, name) IS
'cluster tracking: the GIN index on cluster_band_keys(fp_column, true) of a table (through which containment links find their candidates), or NULL';

-- The generated functions of a tracked table, made again from the
-- current templates (the trigger and, since 0.5.0, the assignment
-- function).  Names come out schema-qualified: search_path is pinned.
CREATE OR REPLACE FUNCTION neardup_track_regenerate_trigger(rel regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $regen$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
	body text;
	fn regprocedure := tr.trigger_function::regprocedure;
	afn regprocedure := tr.assign_function::regprocedure;
	q_fn text;
	q_afn text;
BEGIN
	IF tr.containment_threshold IS NOT NULL AND @extschema@.neardup_track_band_index(tr.rel, tr.fp_column) IS NULL THEN
		RAISE EXCEPTION 'neardup_track_regenerate_trigger: containment links need a GIN index on cluster_band_keys(%, true) of %', tr.fp_column, tr.rel
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = 'Since 0.5.0 a new row finds its containers, and the shorter texts it contains, through the band keys duplicate_clusters compares.',
			      HINT = format('CREATE INDEX ON %s USING gin (%s.cluster_band_keys(%I, true)) WITH (fastupdate = off);',
			                    tr.rel, '@extschema@', tr.fp_column);
	END IF;
	SELECT format('%I.%I', n.nspname, p.proname) INTO q_fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = fn;
	SELECT format('%I.%I', n.nspname, p.proname) INTO q_afn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = afn;
	FOREACH body IN ARRAY ARRAY[@extschema@.neardup_track_template_assign(), @extschema@.neardup_track_template_trigger()] LOOP
		body := regexp_replace(body, '^\s*CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');
		body := replace(body, '{ASSIGN}', q_afn);
		body := replace(body, '{TRIGGER}', q_fn);
		body := replace(body, '{T}', tr.rel::text);
		body := replace(body, '{TLIT}', quote_literal(tr.rel::text));
		body := replace(body, '{K}', quote_ident(tr.key_column));
		body := replace(body, '{F}', quote_ident(tr.fp_column));
		body := replace(body, '{C}', quote_ident(tr.cluster_column));
		body := replace(body, '{M}', tr.merges::text);
		body := replace(body, '{P}', tr.pending::text);
		body := replace(body, '{S}', replace(tr.seq::text, '''', ''''''));
		body := replace(body, '{SIM}', format('%s::real', tr.similarity_threshold));
		body := replace(body, '{CONT}', format('%s::real', coalesce(tr.containment_threshold, 1)));
		body := replace(body, '{USE_CONT}', CASE WHEN tr.containment_threshold IS NULL THEN 'false' ELSE 'true' END);
		body := replace(body, '{CAND}', quote_literal(CASE WHEN tr.containment_threshold IS NULL THEN tr.similarity_threshold
		                                                   ELSE least(tr.similarity_threshold, 0.2::real) END::text));
		body := replace(body, '{VERSION}', tr.fp_version::text);
		body := replace(body, '{SHINGLE}', tr.shingle_size::text);
		EXECUTE body;
	END LOOP;
END
$regen$;
COMMENT ON FUNCTION neardup_track_regenerate_trigger(regclass) IS
'cluster tracking: generates the trigger and assignment functions of a tracked table again from the current templates (ALTER EXTENSION UPDATE does it for every tracked table it can; a table with containment links needs its band-key index first)';

CREATE OR REPLACE FUNCTION neardup_settle(rel regclass, max_rows integer DEFAULT 500)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off	-- the candidate search goes through the GIN index
SET jit = off			-- a batch's plan looks costly; compiling it costs more than it saves
AS $settle$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
	relint integer;
	keys bigint[];
	fps @extschema@.fingerprint[];
	cur bigint[];
	todo bigint[];
	c bigint;
	a record;
	single text := coalesce(current_setting('neardup.gin_single_key', true), 'on');	-- (the library may not be loaded yet)
BEGIN
	IF max_rows IS NULL OR max_rows < 1 OR max_rows > 100000 THEN
		RAISE EXCEPTION 'max_rows must be between 1 and 100000' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Call neardup_settle() repeatedly until it returns 0.';
	END IF;
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'neardup_settle needs READ COMMITTED' USING ERRCODE = 'invalid_transaction_state',
			HINT = 'Run it in a READ COMMITTED transaction of its own.';
	END IF;
	relint := @extschema@.neardup_track_relint(tr.rel);
	-- the table key in exclusive mode, taken and released at once: every
	-- tracked writer holds it in share mode to its commit, so this waits
	-- for all of those in progress, and every near duplicate written
	-- concurrently with a pending row is committed and visible below.
	-- Writers that start later see the pending rows (committed) and
	-- resolve merges through the map; settlers run in parallel, their
	-- merges one at a time (the merge lock, taken by the assignment).
	PERFORM pg_advisory_lock(relint, -3);
	PERFORM pg_advisory_unlock(relint, -3);
	EXECUTE format($q$
		SELECT array_agg(p.key ORDER BY p.key), array_agg(t.%3$I ORDER BY p.key),
		       array_agg(coalesce(m.into_id, t.%4$I) ORDER BY p.key)
		  FROM (SELECT key FROM %1$s ORDER BY key LIMIT $1 FOR UPDATE SKIP LOCKED) p
		  LEFT JOIN %2$s t ON t.%5$I::bigint OPERATOR(pg_catalog.=) p.key
		  LEFT JOIN %6$s m ON m.from_id OPERATOR(pg_catalog.=) t.%4$I$q$,
		tr.pending, tr.rel, tr.fp_column, tr.cluster_column, tr.key_column, tr.merges)
		INTO keys, fps, cur USING max_rows;
	IF keys IS NULL THEN
		RETURN 0;
	END IF;
	-- the trigger's lookup setting: similarity only, two matching band
	-- keys (restored below; an error ends the transaction, which undoes it)
	PERFORM set_config('neardup.gin_single_key', (tr.containment_threshold IS NOT NULL)::text, true);
	-- one query for the batch: the rows with a candidate that matters
	-- (similar, or a containment link) in another cluster; for the others
	-- the lookup would change nothing
	EXECUTE format($q$
		SELECT coalesce(array_agg(p.k), '{}') FROM unnest($1::bigint[], $2::@extschema@.fingerprint[], $3::bigint[]) p(k, fp, c)
		 WHERE p.fp IS NOT NULL AND p.c IS NOT NULL
		   AND (@extschema@.fingerprint_info(p.fp)).shingle_size IS NOT DISTINCT FROM %7$s
		   AND EXISTS (
			SELECT 1 FROM %12$s o LEFT JOIN %2$s m ON m.from_id OPERATOR(pg_catalog.=) o.%3$I
			 WHERE %11$s
			   AND o.%6$I::bigint OPERATOR(pg_catalog.<>) p.k AND o.%3$I IS NOT NULL
			   AND coalesce(m.into_id, o.%3$I) OPERATOR(pg_catalog.<>) p.c
			   AND (@extschema@.similarity(o.%4$I, p.fp) OPERATOR(pg_catalog.>=) %8$L::real
			        OR (%9$s AND (@extschema@.containment(p.fp, o.%4$I) OPERATOR(pg_catalog.>=) %10$L::real
			                     OR @extschema@.containment(o.%4$I, p.fp) OPERATOR(pg_catalog.>=) %10$L::real))))$q$,
		tr.rel, tr.merges, tr.cluster_column, tr.fp_column,
		CASE WHEN tr.containment_threshold IS NULL THEN tr.similarity_threshold
		     ELSE least(tr.similarity_threshold, 0.2::real) END,
		tr.key_column, coalesce(tr.shingle_size::text, 'NULL'), tr.similarity_threshold,
		CASE WHEN tr.containment_threshold IS NULL THEN 'false' ELSE 'true' END,
		coalesce(tr.containment_threshold, 1),
		-- the trigger's candidates: with containment links batch's band
		-- keys (the expression index), else the fingerprint index
		CASE WHEN tr.containment_threshold IS NULL
		     THEN format('o.%I OPERATOR(@extschema@.%%) @extschema@.at_least(p.fp, %L::real)', tr.fp_column, tr.similarity_threshold)
		     ELSE 'true' END,
		CASE WHEN tr.containment_threshold IS NULL THEN tr.rel::text
		     -- (a derived table: the band-key index is the only one it can use)
		     ELSE format('(SELECT * FROM %s x WHERE @extschema@.cluster_band_keys(x.%I, true) OPERATOR(pg_catalog.&&) @extschema@.cluster_band_keys(p.fp, true) OFFSET 0)',
		                 tr.rel, tr.fp_column) END)
		INTO todo USING keys, fps, cur;
	FOR i IN 1 .. cardinality(keys) LOOP
		CONTINUE WHEN NOT keys[i] = ANY (todo);
		c := @extschema@.neardup_cluster_id(tr.rel, cur[i]);
		EXECUTE format('SELECT * FROM %s($1, $2, $3, $4)', tr.assign_function::pg_catalog.regprocedure::pg_catalog.oid::pg_catalog.regproc)
			INTO a USING keys[i], fps[i], c, 'settle';
		-- the row's own id, if it changed (merges relabel the rest)
		EXECUTE format('UPDATE %1$s t SET %2$I = $1 WHERE t.%3$I::bigint OPERATOR(pg_catalog.=) $2 AND t.%2$I IS DISTINCT FROM $1',
			tr.rel, tr.cluster_column, tr.key_column)
			USING @extschema@.neardup_cluster_id(tr.rel, coalesce(a.cluster, c)), keys[i];
	END LOOP;
	PERFORM set_config('neardup.gin_single_key', single, true);
	EXECUTE format('DELETE FROM %s WHERE key = ANY ($1)', tr.pending) USING keys;
	RETURN cardinality(keys);
END
$settle$;

CREATE OR REPLACE FUNCTION neardup_track_clusters(rel regclass,
	key_column name DEFAULT 'id',
	fp_column name DEFAULT 'fp',
	cluster_column name DEFAULT 'cluster_id',
	similarity_threshold real DEFAULT NULL,
	containment_threshold real DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $track$
DECLARE
	nsp name;
	relname name;
	base text;
	kind "char";
	band_idx regclass;
	band_fastupdate boolean;
	owner oid;
	typ oid;
	key_att smallint;
	fp_att smallint;
	sim real := similarity_threshold;
	cont real := containment_threshold;
	fp_type oid := '@extschema@.fingerprint'::regtype;
	ext_nsp oid;
	n integer;
	ver integer;
	shs integer;
	q_merges text;
	q_pending text;
	q_seq text;
	q_view text;
	q_assign text;
	q_trigger text;
	body text;
	col name;
	clusters bigint;
BEGIN
	IF rel IS NULL OR key_column IS NULL OR fp_column IS NULL OR cluster_column IS NULL THEN
		RAISE EXCEPTION 'neardup_track_clusters: rel and the column names must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
			      HINT = 'Example: neardup_track_clusters(''articles'', ''id'', ''fp'', ''cluster_id'').';
	END IF;
	SELECT n.nspname, c.relname, c.relkind, c.relowner INTO nsp, relname, kind, owner
	  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
	IF kind <> 'r' THEN
		RAISE EXCEPTION 'neardup_track_clusters: % is not an ordinary table', rel
			USING ERRCODE = 'wrong_object_type',
			      HINT = 'Clusters are tracked on plain tables (not views, partitioned or foreign tables); use duplicate_clusters() for those.';
	END IF;
	IF NOT pg_has_role(current_user, owner, 'USAGE') THEN
		RAISE EXCEPTION 'neardup_track_clusters: must be the owner of table %', rel
			USING ERRCODE = 'insufficient_privilege', HINT = 'Run it as the table''s owner.';
	END IF;
	IF EXISTS (SELECT 1 FROM @extschema@.neardup_tracked t WHERE t.rel = neardup_track_clusters.rel) THEN
		RAISE EXCEPTION 'neardup_track_clusters: clusters of % are already tracked', rel
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = 'Call neardup_untrack_clusters() first to change the settings, or neardup_recluster() to rebuild.';
	END IF;
	IF sim IS NULL THEN
		-- (a call into the library defines its settings in this session)
		PERFORM @extschema@.neardup_track_lock_keys(@extschema@.fingerprint(''::text));
		sim := current_setting('neardup.similarity_threshold')::real;
	END IF;
	IF sim < 0.2 OR sim > 1 OR sim <> sim THEN
		RAISE EXCEPTION 'neardup_track_clusters: similarity_threshold must be between 0.2 and 1, not %', sim
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'The GIN index finds near duplicates from 0.2 up; 0.5 joins light rewrites.';
	END IF;
	IF cont IS NOT NULL AND (cont <= 0 OR cont > 1 OR cont <> cont) THEN
		RAISE EXCEPTION 'neardup_track_clusters: containment_threshold must be in (0, 1], not %', cont
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Use NULL for no containment links, or e.g. 0.5.';
	END IF;
	IF cluster_column IN (key_column, fp_column) THEN
		RAISE EXCEPTION 'neardup_track_clusters: cluster_column must differ from key_column and fp_column'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a new column, e.g. cluster_id.';
	END IF;

	-- the table is not written while tracking is set up
	EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', rel);

	FOREACH col IN ARRAY ARRAY[key_column, fp_column] LOOP
		SELECT a.atttypid, a.attnum INTO typ, n FROM pg_attribute a
		 WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'neardup_track_clusters: column "%" of relation % does not exist', col, rel
				USING ERRCODE = 'undefined_column', HINT = 'Name the key column with key_column and the fingerprint column with fp_column.';
		END IF;
		typ := coalesce((SELECT t.typbasetype FROM pg_type t WHERE t.oid = typ AND t.typtype = 'd'), typ);
		IF col = key_column THEN
			key_att := n;
			IF typ NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
				RAISE EXCEPTION 'neardup_track_clusters: key column "%" must be smallint, integer or bigint, not %', col, typ::regtype
					USING ERRCODE = 'datatype_mismatch',
					      HINT = 'Add one: ALTER TABLE ... ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY.';
			END IF;
		ELSE
			fp_att := n;
			IF typ <> fp_type THEN
				RAISE EXCEPTION 'neardup_track_clusters: column "%" is of type %, not fingerprint', col, typ::regtype
					USING ERRCODE = 'datatype_mismatch', HINT = 'Name the fingerprint column with fp_column.';
			END IF;
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = rel AND i.indisunique AND i.indisvalid
	                  AND i.indnatts = 1 AND i.indkey[0] = key_att AND i.indpred IS NULL AND i.indexprs IS NULL) THEN
		RAISE EXCEPTION 'neardup_track_clusters: key column "%" of % has no unique index', key_column, rel
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      HINT = format('Make it the primary key: ALTER TABLE %s ADD PRIMARY KEY (%I).', rel, key_column);
	END IF;
	SELECT oc.opcnamespace INTO ext_nsp FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
	 WHERE oc.opcname = 'gin_fingerprint_ops' AND am.amname = 'gin' AND oc.opcintype = fp_type;
	IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_opclass oc ON oc.oid = i.indclass[0]
	                WHERE i.indrelid = rel AND i.indisvalid AND i.indisready AND i.indnatts = 1
	                  AND i.indkey[0] = fp_att AND i.indpred IS NULL
	                  AND oc.opcname = 'gin_fingerprint_ops' AND oc.opcnamespace = ext_nsp) THEN
		RAISE EXCEPTION 'neardup_track_clusters: % has no valid GIN index on column "%"', rel, fp_column
			USING ERRCODE = 'object_not_in_prerequisite_state',
			      DETAIL = 'New rows find their cluster through the index; without it every insert would read the whole table.',
			      HINT = format('CREATE INDEX ON %s USING gin (%I); (REINDEX it if it was marked invalid by an upgrade).', rel, fp_column);
	END IF;
	-- GIN's pending list (fastupdate) is read sequentially by every
	-- search: with it, each new row's lookup would scan up to
	-- gin_pending_list_limit of recent entries
	FOR col IN SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
	             JOIN pg_opclass oc ON oc.oid = i.indclass[0]
	            WHERE i.indrelid = rel AND i.indkey[0] = fp_att AND oc.opcname = 'gin_fingerprint_ops'
	              AND oc.opcnamespace = ext_nsp
	              AND NOT coalesce('fastupdate=off' = ANY (ic.reloptions) OR 'fastupdate=false' = ANY (ic.reloptions), false) LOOP
		EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = off)', nsp, col);
		RAISE NOTICE 'neardup_track_clusters: GIN index %.% set to fastupdate = off', nsp, col
			USING DETAIL = 'Every new row searches the index; a pending list would be scanned whole by each search.';
	END LOOP;
	-- containment links: containers and contained texts are found like
	-- batch finds them, through its band keys, so a GIN index on
	-- cluster_band_keys(fp, true) (the built-in array opclass) is needed
	IF cont IS NOT NULL THEN
		band_idx := @extschema@.neardup_track_band_index(rel, fp_column);
		IF band_idx IS NULL THEN
			RAISE EXCEPTION 'neardup_track_clusters: containment links need a GIN index on cluster_band_keys(%, true) of %', fp_column, rel
				USING ERRCODE = 'object_not_in_prerequisite_state',
				      DETAIL = 'A new row finds its containers, and the shorter texts it contains, through the band keys duplicate_clusters compares; the fingerprint index finds only similar texts.',
				      HINT = format('CREATE INDEX ON %s USING gin (%s.cluster_band_keys(%I, true)) WITH (fastupdate = off);',
				                    rel, '@extschema@', fp_column);
		END IF;
		SELECT NOT coalesce('fastupdate=off' = ANY (c.reloptions) OR 'fastupdate=false' = ANY (c.reloptions), false) INTO band_fastupdate
		  FROM pg_class c WHERE c.oid = band_idx;
		IF band_fastupdate THEN
			EXECUTE format('ALTER INDEX %s SET (fastupdate = off)', band_idx);
			RAISE NOTICE 'neardup_track_clusters: GIN index % set to fastupdate = off', band_idx
				USING DETAIL = 'Every new row searches the index; a pending list would be scanned whole by each search.';
		END IF;
	END IF;
	-- one kind of fingerprint in the column
	EXECUTE format('SELECT count(*), min(v), min(s) FROM (SELECT DISTINCT (@extschema@.fingerprint_info(%1$I)).version AS v, (@extschema@.fingerprint_info(%1$I)).shingle_size AS s FROM %2$s WHERE %1$I IS NOT NULL) x',
		fp_column, rel) INTO n, ver, shs;
	IF n > 1 THEN
		RAISE EXCEPTION 'neardup_track_clusters: column "%" of % holds fingerprints of % different kinds', fp_column, rel, n
			USING ERRCODE = 'data_exception',
			      DETAIL = 'Fingerprints of different shingle sizes or format versions cannot be compared.',
			      HINT = format('Recompute them with one setting, e.g. UPDATE %s SET %I = fingerprint(body).', rel, fp_column);
	END IF;
	IF n = 0 THEN
		SELECT (@extschema@.fingerprint_info(@extschema@.fingerprint(''::text))).version,
		       (@extschema@.fingerprint_info(@extschema@.fingerprint(''::text))).shingle_size INTO ver, shs;
	END IF;

	SELECT a.atttypid INTO typ FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attname = cluster_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF FOUND AND typ <> 'int8'::regtype THEN
		RAISE EXCEPTION 'neardup_track_clusters: cluster column "%" must be bigint, not %', cluster_column, typ::regtype
			USING ERRCODE = 'datatype_mismatch', HINT = 'Name a new column (it is added as bigint) or a bigint one.';
	ELSIF NOT FOUND THEN
		EXECUTE format('ALTER TABLE %s ADD COLUMN %I bigint', rel, cluster_column);
	END IF;

	base := left(relname, 40);
	q_merges := format('%I.%I', nsp, base || '_cluster_merges');
	q_pending := format('%I.%I', nsp, base || '_cluster_pending');
	q_seq := format('%I.%I', nsp, base || '_cluster_seq');
	q_view := format('%I.%I', nsp, base || '_clusters');
	q_assign := format('%I.%I', nsp, base || '_neardup_assign');
	q_trigger := format('%I.%I', nsp, base || '_neardup_trigger');
	IF to_regclass(q_merges) IS NOT NULL OR to_regclass(q_pending) IS NOT NULL
	   OR to_regclass(q_seq) IS NOT NULL OR to_regclass(q_view) IS NOT NULL THEN
		RAISE EXCEPTION 'neardup_track_clusters: a relation named like %, %, % or % exists already', q_merges, q_pending, q_seq, q_view
			USING ERRCODE = 'duplicate_table', HINT = 'Rename or drop it (left over from an earlier tracking?).';
	END IF;
	EXECUTE format('CREATE TABLE %s (from_id bigint PRIMARY KEY, into_id bigint NOT NULL, merged_at timestamptz NOT NULL DEFAULT pg_catalog.now())', q_merges);
	EXECUTE format('CREATE INDEX ON %s (into_id)', q_merges);
	EXECUTE format('COMMENT ON TABLE %s IS %L', q_merges,
		format('neardup merge map of %s: cluster id from_id was merged into into_id', rel));
	EXECUTE format('CREATE TABLE %s (key bigint PRIMARY KEY, since timestamptz NOT NULL DEFAULT pg_catalog.now())', q_pending);
	EXECUTE format('COMMENT ON TABLE %s IS %L', q_pending,
		format('neardup: rows of %s with a provisional cluster id, re-checked by neardup_settle()', rel));
	EXECUTE format('CREATE SEQUENCE %s AS bigint', q_seq);
	IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = i.indkey[0]
	                WHERE i.indrelid = rel AND a.attname = cluster_column AND i.indpred IS NULL AND i.indisvalid
	                  AND (SELECT am.amname FROM pg_class ic JOIN pg_am am ON am.oid = ic.relam WHERE ic.oid = i.indexrelid) = 'btree') THEN
		EXECUTE format('CREATE INDEX %I ON %s (%I)', left(base || '_' || cluster_column, 54) || '_idx', rel, cluster_column);
	END IF;
	EXECUTE format('CREATE VIEW %s AS SELECT t.%I::bigint AS key, coalesce(m.into_id, t.%I) AS cluster_id FROM %s t LEFT JOIN %s m ON m.from_id OPERATOR(pg_catalog.=) t.%I',
		q_view, key_column, cluster_column, rel, q_merges, cluster_column);
	EXECUTE format('COMMENT ON VIEW %s IS %L', q_view,
		format('neardup: every row of %s with its current cluster id (merged ids resolved)', rel));

	FOREACH body IN ARRAY ARRAY[@extschema@.neardup_track_template_assign(), @extschema@.neardup_track_template_trigger()] LOOP
		body := replace(body, '{ASSIGN}', q_assign);
		body := replace(body, '{TRIGGER}', q_trigger);
		body := replace(body, '{T}', rel::text);
		body := replace(body, '{TLIT}', quote_literal(rel::text));
		body := replace(body, '{K}', quote_ident(key_column));
		body := replace(body, '{F}', quote_ident(fp_column));
		body := replace(body, '{C}', quote_ident(cluster_column));
		body := replace(body, '{M}', q_merges);
		body := replace(body, '{P}', q_pending);
		body := replace(body, '{S}', replace(q_seq, '''', ''''''));
		body := replace(body, '{SIM}', format('%s::real', sim));
		body := replace(body, '{CONT}', format('%s::real', coalesce(cont, 1)));
		body := replace(body, '{USE_CONT}', CASE WHEN cont IS NULL THEN 'false' ELSE 'true' END);
		body := replace(body, '{CAND}', quote_literal(CASE WHEN cont IS NULL THEN sim ELSE least(sim, 0.2::real) END::text));
		body := replace(body, '{VERSION}', ver::text);
		body := replace(body, '{SHINGLE}', shs::text);
		EXECUTE body;
	END LOOP;
	EXECUTE format('CREATE TRIGGER neardup_track BEFORE INSERT OR UPDATE OF %I ON %s FOR EACH ROW EXECUTE FUNCTION %s()',
		fp_column, rel, q_trigger);

	INSERT INTO @extschema@.neardup_tracked VALUES (rel, key_column, fp_column, cluster_column, sim, cont, ver, shs,
		q_merges::regclass, q_pending::regclass, q_seq::regclass, q_view::regclass,
		(q_assign || '(bigint, @extschema@.fingerprint, bigint, text)')::pg_catalog.regprocedure::text,
		(q_trigger || '()')::pg_catalog.regprocedure::text, pg_catalog.now());
	-- backfill: the batch clusters, keeping the ids the column already had
	SELECT r.clusters INTO clusters FROM @extschema@.neardup_recluster(rel) r;
	RETURN clusters;
END
$track$;

-- Tables tracked before 0.5.0 get their generated functions made again
-- from the templates above.  An extension script may not replace an
-- object that is not a member (the generated functions belong to the
-- table's owner, not to neardup), so each is made a member, replaced and
-- released again.  A table with containment links but no band-key index
-- keeps its 0.4.0 functions (still correct, with 0.4.0's candidates)
-- until the index is made and neardup_track_regenerate_trigger() is run.
DO $update_tracked$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT t.rel, t.fp_column, t.containment_threshold,
	                t.trigger_function::regprocedure AS fn, t.assign_function::regprocedure AS afn
	           FROM @extschema@.neardup_tracked t ORDER BY t.rel::oid LOOP
		IF r.containment_threshold IS NOT NULL AND @extschema@.neardup_track_band_index(r.rel, r.fp_column) IS NULL THEN
			RAISE WARNING 'clusters of % keep their 0.4.0 tracking functions: containment links now need a GIN index on cluster_band_keys(%, true)', r.rel, r.fp_column
				USING HINT = format('CREATE INDEX ON %s USING gin (%s.cluster_band_keys(%I, true)) WITH (fastupdate = off); SELECT %s.neardup_track_regenerate_trigger(%L);',
				                    r.rel, '@extschema@', r.fp_column, '@extschema@', r.rel::text);
			CONTINUE;
		END IF;
		EXECUTE format('ALTER EXTENSION neardup ADD FUNCTION %s', r.fn);
		EXECUTE format('ALTER EXTENSION neardup ADD FUNCTION %s', r.afn);
		PERFORM @extschema@.neardup_track_regenerate_trigger(r.rel);
		EXECUTE format('ALTER EXTENSION neardup DROP FUNCTION %s', r.fn);
		EXECUTE format('ALTER EXTENSION neardup DROP FUNCTION %s', r.afn);
	END LOOP;
END
$update_tracked$;
