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
