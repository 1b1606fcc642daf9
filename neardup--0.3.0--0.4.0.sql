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

--
-- Issue 15: continuous ingestion, the fast paths
--
-- The generated trigger looks the new row's candidates up itself (one
-- query, fp % at_least(q, t): no setting to change per row) and assigns
-- directly when every candidate that matters is similar and in one
-- cluster, or when there is none: the common cases.  Only a row that
-- joins several clusters, or has containment links to weigh, runs the
-- full assignment function (which looks up again).  Tables tracked under
-- 0.3.0 keep their generated functions (still valid: the assignment
-- function's signature and meaning are unchanged); ALTER EXTENSION UPDATE
-- regenerates their trigger functions from this template.
--
-- neardup_settle() no longer locks every pending row's band keys (up to
-- 20 per row: 500 rows overflowed the shared lock table): it takes the
-- table key in exclusive mode, so it waits for every tracked writer in
-- progress and holds new ones off while it settles one batch, and it
-- finds with one set-based query the rows whose lookup could change
-- anything (a candidate that matters in another cluster); only those run
-- the full assignment.
--
CREATE OR REPLACE FUNCTION neardup_track_template_trigger()
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $tmpl$
CREATE FUNCTION {TRIGGER}()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off	-- a generic plan must still search through the GIN index
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
			-- fast path: the candidates (as the assignment function finds
			-- them); all that matter similar and in one cluster: that one
			FOR r IN
				SELECT coalesce(m.into_id, o.{C}) AS c, @extschema@.similarity(o.{F}, NEW.{F}) AS s,
				       CASE WHEN {USE_CONT} THEN @extschema@.containment(NEW.{F}, o.{F}) END AS cin,
				       CASE WHEN {USE_CONT} THEN @extschema@.containment(o.{F}, NEW.{F}) END AS cout
				  FROM {T} o LEFT JOIN {M} m ON m.from_id OPERATOR(pg_catalog.=) o.{C}
				 WHERE o.{F} OPERATOR(@extschema@.%) @extschema@.at_least(NEW.{F}, {CAND}::real)
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
COMMENT ON FUNCTION neardup_track_template_trigger() IS
'cluster tracking: template of the per-table trigger function neardup_track_clusters() generates';

-- The trigger function of a tracked table, generated again from the
-- current template (tables tracked under 0.3.0 get the fast path).  Names
-- come out schema-qualified: search_path is pinned.
CREATE FUNCTION neardup_track_regenerate_trigger(rel regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $regen$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
	body text := @extschema@.neardup_track_template_trigger();
	fn regprocedure := tr.trigger_function::regprocedure;
	afn regprocedure := tr.assign_function::regprocedure;
	q_fn text;
	q_afn text;
BEGIN
	SELECT format('%I.%I', n.nspname, p.proname) INTO q_fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = fn;
	SELECT format('%I.%I', n.nspname, p.proname) INTO q_afn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = afn;
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
END
$regen$;
COMMENT ON FUNCTION neardup_track_regenerate_trigger(regclass) IS
'cluster tracking: generates the trigger function of a tracked table again from the current template (after ALTER EXTENSION UPDATE from 0.3.0: the trigger''s fast path)';

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
			SELECT 1 FROM %1$s o LEFT JOIN %2$s m ON m.from_id OPERATOR(pg_catalog.=) o.%3$I
			 WHERE o.%4$I OPERATOR(@extschema@.%%) @extschema@.at_least(p.fp, %5$L::real)
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
		coalesce(tr.containment_threshold, 1))
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

-- Dropping a tracked table needs CASCADE (its view <table>_clusters
-- depends on it), and 0.3.0's event trigger then failed: the view was
-- dropped by the same statement, its regclass printed as a bare OID, and
-- "DROP VIEW IF EXISTS 6445705" is a syntax error, so the DROP TABLE was
-- refused.  Helpers the statement dropped already are skipped now.
CREATE OR REPLACE FUNCTION neardup_track_on_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $ondrop$
DECLARE
	r record;
	rel regclass;
BEGIN
	FOR r IN
		DELETE FROM @extschema@.neardup_tracked t
		 USING pg_event_trigger_dropped_objects() d
		 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND t.rel::oid = d.objid
		RETURNING t.*
	LOOP
		EXECUTE format('DROP FUNCTION IF EXISTS %s', r.trigger_function);
		EXECUTE format('DROP FUNCTION IF EXISTS %s', r.assign_function);
		FOREACH rel IN ARRAY ARRAY[r.clusters_view, r.merges, r.pending, r.seq] LOOP
			CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = rel::oid);
			EXECUTE format('DROP %s IF EXISTS %s',
				CASE (SELECT c.relkind FROM pg_class c WHERE c.oid = rel::oid)
					WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, rel);
		END LOOP;
	END LOOP;
END
$ondrop$;

-- Issue 19: impact-ordered lists ("champion lists") for search_stories()
--
-- For a query of one plain lexeme, ts_rank(tsv, q) (default weights,
-- normalization 0) depends only on that lexeme's entry in the row's
-- tsvector.  search_lists_build() stores, for every lexeme in at least
-- min_df rows, its best `depth` rows in (rank desc, key asc) order -- the
-- order of search_stories()' GIN path -- and the last of them as the
-- lexeme's floor.  A row trigger keeps each list exactly the prefix of
-- that order up to its floor: a new or changed row joins a list when it
-- sorts at or before the floor, a deleted or changed row leaves.  So
-- reading a list best-first gives the first hits of the full ranking, and
-- search_stories() stops once k stories are found; when a list runs out
-- first, it falls back to the ranked scan (exact either way).

CREATE FUNCTION lexeme_ranks(tsv tsvector, OUT lexeme text, OUT rank real)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'neardup_lexeme_ranks'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 200;
COMMENT ON FUNCTION lexeme_ranks(tsvector) IS
'every lexeme of a tsvector with its single-lexeme rank: the value ts_rank(tsv, lexeme) has for a query of that one lexeme (default weights, normalization 0)';

CREATE FUNCTION search_lists_collect(rel regclass, tsv_column name, key_column name, depth integer, lexemes text[],
	OUT lexeme text, OUT rank real, OUT key bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'neardup_search_lists_collect'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 100000;
COMMENT ON FUNCTION search_lists_collect(regclass, name, name, integer, text[]) IS
'search_lists_build() helper: one pass over a table, the depth best rows (rank desc, key asc) of each given lexeme, in that order';

CREATE TABLE search_lists (
	rel regclass PRIMARY KEY,
	tsv_column name NOT NULL,
	key_column name NOT NULL,
	depth integer NOT NULL,
	min_df integer NOT NULL,
	lists regclass NOT NULL,
	floors regclass NOT NULL,
	built timestamptz NOT NULL DEFAULT pg_catalog.now());
COMMENT ON TABLE search_lists IS
'tables with impact-ordered search lists (search_lists_build()): settings and the lists and floors tables';
GRANT SELECT ON search_lists TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('search_lists', '');

CREATE FUNCTION search_lists_trigger()
RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $search_lists_trigger$
DECLARE
	o_tsv tsvector;
	o_key bigint;
	n_tsv tsvector;
	n_key bigint;
BEGIN
	-- TG_ARGV: lists table, floors table, tsvector column, key column
	IF TG_OP = 'TRUNCATE' THEN
		EXECUTE format('TRUNCATE %s', TG_ARGV[0]);
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		EXECUTE format('SELECT ($1).%I, ($1).%I::bigint', TG_ARGV[2], TG_ARGV[3]) INTO o_tsv, o_key USING OLD;
	END IF;
	IF TG_OP IN ('UPDATE', 'INSERT') THEN
		EXECUTE format('SELECT ($1).%I, ($1).%I::bigint', TG_ARGV[2], TG_ARGV[3]) INTO n_tsv, n_key USING NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND o_key IS NOT DISTINCT FROM n_key AND o_tsv IS NOT DISTINCT FROM n_tsv THEN
		RETURN NULL;
	END IF;
	IF o_tsv IS NOT NULL AND o_key IS NOT NULL THEN
		EXECUTE format('DELETE FROM %s l USING @extschema@.lexeme_ranks($1) r'
		               ' WHERE l.lexeme OPERATOR(pg_catalog.=) r.lexeme AND l.rank OPERATOR(pg_catalog.=) r.rank'
		               ' AND l.key OPERATOR(pg_catalog.=) $2', TG_ARGV[0])
			USING o_tsv, o_key;
	END IF;
	IF n_tsv IS NOT NULL AND n_key IS NOT NULL THEN
		-- at or before the floor in (rank desc, key asc) order
		EXECUTE format('INSERT INTO %s (lexeme, rank, key) SELECT r.lexeme, r.rank, $2'
		               ' FROM @extschema@.lexeme_ranks($1) r JOIN %s f ON f.lexeme OPERATOR(pg_catalog.=) r.lexeme'
		               ' WHERE r.rank OPERATOR(pg_catalog.>) f.rank'
		               ' OR (r.rank OPERATOR(pg_catalog.=) f.rank AND $2 OPERATOR(pg_catalog.<=) f.key)',
		               TG_ARGV[0], TG_ARGV[1])
			USING n_tsv, n_key;
	END IF;
	RETURN NULL;
END
$search_lists_trigger$;
COMMENT ON FUNCTION search_lists_trigger() IS
'search_lists_build() trigger: keeps a table''s impact-ordered search lists exact under INSERT, UPDATE, DELETE and TRUNCATE';

CREATE FUNCTION search_lists_drop(rel regclass)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $search_lists_drop$
DECLARE
	e @extschema@.search_lists;
BEGIN
	SELECT * INTO e FROM @extschema@.search_lists s WHERE s.rel OPERATOR(pg_catalog.=) search_lists_drop.rel;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	EXECUTE format('DROP TRIGGER IF EXISTS neardup_search_lists ON %s', e.rel);
	EXECUTE format('DROP TRIGGER IF EXISTS neardup_search_lists_truncate ON %s', e.rel);
	EXECUTE format('DROP TABLE IF EXISTS %s, %s', e.lists, e.floors);
	DELETE FROM @extschema@.search_lists s WHERE s.rel OPERATOR(pg_catalog.=) e.rel;
	RETURN true;
END
$search_lists_drop$;
COMMENT ON FUNCTION search_lists_drop(regclass) IS
'drop a table''s search lists (search_lists_build()): its trigger and its lists and floors tables; true if there were any';

CREATE FUNCTION search_lists_build(rel regclass,
	tsv_column name DEFAULT 'tsv',
	key_column name DEFAULT 'id',
	depth integer DEFAULT 200,
	min_df integer DEFAULT 1000)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $search_lists_build$
DECLARE
	nsp name;
	relname name;
	base text;
	q_lists text;
	q_floors text;
	typ oid;
	lex text[];
	ndoc bigint[];
	n bigint;
BEGIN
	IF rel IS NULL OR tsv_column IS NULL OR key_column IS NULL THEN
		RAISE EXCEPTION 'search_lists_build: rel, tsv_column and key_column must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'e.g. SELECT search_lists_build(''articles'', ''tsv'', ''id'');';
	END IF;
	IF depth IS NULL OR depth < 1 OR depth > 100000 THEN
		RAISE EXCEPTION 'search_lists_build: depth must be between 1 and 100000, not %', coalesce(depth::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'depth is the number of best rows kept per lexeme; a few times k times the copies of a big story is plenty.';
	END IF;
	IF min_df IS NULL OR min_df < 1 THEN
		RAISE EXCEPTION 'search_lists_build: min_df must be at least 1, not %', coalesce(min_df::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Lexemes in fewer rows than min_df get no list (their hits are few).';
	END IF;
	SELECT a.atttypid INTO typ FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attname = tsv_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF typ IS DISTINCT FROM 'tsvector'::regtype THEN
		RAISE EXCEPTION 'search_lists_build: % has no tsvector column "%"', rel, tsv_column
			USING ERRCODE = 'undefined_column', HINT = 'Store one: tools/neardup-load --search-index gin adds tsv.';
	END IF;
	SELECT a.atttypid INTO typ FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attname = key_column AND a.attnum > 0 AND NOT a.attisdropped;
	IF typ IS NULL OR typ NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
		RAISE EXCEPTION 'search_lists_build: % has no integer column "%"', rel, key_column
			USING ERRCODE = 'undefined_column', HINT = 'Name the table''s integer primary key as key_column.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
	                WHERE i.indrelid = rel AND a.attname = key_column AND i.indisunique AND i.indnatts = 1
	                  AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indisvalid) THEN
		RAISE EXCEPTION 'search_lists_build: % has no unique index on "%"', rel, key_column
			USING ERRCODE = 'invalid_object_definition',
			      HINT = 'search_stories() finds listed rows by key: make it the primary key (ALTER TABLE ... ADD PRIMARY KEY).';
	END IF;

	-- no writes while the lists are computed; the trigger takes over after
	EXECUTE format('LOCK TABLE %s IN SHARE MODE', rel);
	PERFORM @extschema@.search_lists_drop(rel);
	SELECT n2.nspname, c.relname INTO nsp, relname FROM pg_class c JOIN pg_namespace n2 ON n2.oid = c.relnamespace
	 WHERE c.oid = rel;
	base := left(relname, 40);
	q_lists := format('%I.%I', nsp, base || '_search_lists');
	q_floors := format('%I.%I', nsp, base || '_search_floors');
	IF to_regclass(q_lists) IS NOT NULL OR to_regclass(q_floors) IS NOT NULL THEN
		RAISE EXCEPTION 'search_lists_build: a relation named % or % exists already', q_lists, q_floors
			USING ERRCODE = 'duplicate_table', HINT = 'Rename or drop it.';
	END IF;
	EXECUTE format('CREATE TABLE %s (lexeme text NOT NULL, rank real NOT NULL, key bigint NOT NULL)', q_lists);
	EXECUTE format('COMMENT ON TABLE %s IS %L', q_lists,
		format('neardup search lists of %s.%I: per lexeme, the best rows by ts_rank (rank desc, key asc) down to its floor', rel, tsv_column));
	EXECUTE format('CREATE TABLE %s (lexeme text PRIMARY KEY, rank real NOT NULL, key bigint NOT NULL, df bigint NOT NULL)', q_floors);
	EXECUTE format('COMMENT ON TABLE %s IS %L', q_floors,
		format('neardup search lists of %s.%I: per listed lexeme, the floor (rank, key) of its list and its rows at build time', rel, tsv_column));

	EXECUTE format('SELECT array_agg(s.word ORDER BY s.word), array_agg(s.ndoc::bigint ORDER BY s.word)'
	               ' FROM pg_catalog.ts_stat(%L) s WHERE s.ndoc OPERATOR(pg_catalog.>=) $1',
	               format('SELECT %I FROM %s', tsv_column, rel))
		INTO lex, ndoc USING min_df;
	EXECUTE format('INSERT INTO %s (lexeme, rank, key) SELECT c.lexeme, c.rank, c.key'
	               ' FROM @extschema@.search_lists_collect($1, $2, $3, $4, $5) c', q_lists)
		USING rel, tsv_column, key_column, depth, coalesce(lex, '{}');
	GET DIAGNOSTICS n = ROW_COUNT;
	EXECUTE format('CREATE UNIQUE INDEX ON %s (lexeme, rank DESC, key)', q_lists);
	EXECUTE format('INSERT INTO %1$s (lexeme, rank, key, df)'
	               ' SELECT DISTINCT ON (l.lexeme) l.lexeme, l.rank, l.key, d.df FROM %2$s l'
	               ' JOIN unnest($1, $2) d(lexeme, df) ON d.lexeme OPERATOR(pg_catalog.=) l.lexeme'
	               ' ORDER BY l.lexeme, l.rank, l.key DESC', q_floors, q_lists)
		USING coalesce(lex, '{}'), coalesce(ndoc, '{}');
	EXECUTE format('ANALYZE %s', q_lists);
	EXECUTE format('ANALYZE %s', q_floors);

	EXECUTE format('CREATE TRIGGER neardup_search_lists AFTER INSERT OR DELETE OR UPDATE OF %I, %I ON %s'
	               ' FOR EACH ROW EXECUTE FUNCTION @extschema@.search_lists_trigger(%L, %L, %L, %L)',
	               tsv_column, key_column, rel, q_lists, q_floors, tsv_column, key_column);
	EXECUTE format('CREATE TRIGGER neardup_search_lists_truncate AFTER TRUNCATE ON %s'
	               ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.search_lists_trigger(%L, %L, %L, %L)',
	               rel, q_lists, q_floors, tsv_column, key_column);
	INSERT INTO @extschema@.search_lists VALUES (rel, tsv_column, key_column, depth, min_df,
		q_lists::regclass, q_floors::regclass, pg_catalog.now());
	RETURN n;
END
$search_lists_build$;
COMMENT ON FUNCTION search_lists_build(regclass, name, name, integer, integer) IS
'build (or rebuild) impact-ordered search lists for one-lexeme search_stories() queries: per lexeme in at least min_df rows, its depth best rows by ts_rank; a trigger keeps them exact; returns the number of listed rows';

-- search_stories() 0.4.0: two more arguments (lists; headlines, false:
-- no ts_headline, which parses each representative's text and is most of
-- the time of a query answered from a list) and one more column (via:
-- the path taken), so DROP + CREATE.
DROP FUNCTION search_stories(regclass, text, integer, name, name, name, name, regconfig, name, regclass, name, integer, text);
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
	inner_sql text;
	sql text;
	r record;
	n integer := 0;
	got bigint;
	lim bigint;
	off bigint := 0;
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
	scan_sql text;
	via_lists boolean := false;
	via_text text;
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

	-- A query of one plain lexeme (no prefix, no weight) with search lists
	-- (search_lists_build()) for it: read its list best-first.  The list is
	-- the prefix, down to the lexeme's floor, of all its hits in
	-- (ts_rank desc, key asc) order -- the GIN path's order, ranks equal
	-- to ts_rank -- so stopping at k stories gives the same result; if the
	-- list runs out first, the ranked scan below runs instead.
	IF lists AND tsv_column IS NOT NULL AND numnode(q) OPERATOR(pg_catalog.=) 1 THEN
		qt := q::text;
		IF length(qt) OPERATOR(pg_catalog.>=) 3 AND left(qt, 1) OPERATOR(pg_catalog.=) '''' AND right(qt, 1) OPERATOR(pg_catalog.=) '''' THEN
			lexeme := replace(replace(substr(qt, 2, length(qt) - 2), repeat(chr(92), 2), chr(92)), '''''', '''');
			IF NOT (array_to_tsvector(ARRAY[lexeme]) @@ q) THEN
				lexeme := NULL;
			END IF;
		END IF;
		IF lexeme IS NOT NULL THEN
			SELECT * INTO sl FROM @extschema@.search_lists e
			 WHERE e.rel OPERATOR(pg_catalog.=) search_stories.rel
			   AND e.tsv_column OPERATOR(pg_catalog.=) search_stories.tsv_column
			   AND e.key_column OPERATOR(pg_catalog.=) search_stories.key_column;
			IF FOUND THEN
				EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s f WHERE f.lexeme OPERATOR(pg_catalog.=) $1)', sl.floors)
					INTO via_lists USING lexeme;
				-- a lexeme without a list was in fewer than min_df rows: few
				-- hits, so 'auto' ranks them all with ts_rank (GIN), and every
				-- one-lexeme query of a table with lists ranks the same way
				IF NOT via_lists AND search_stories.method OPERATOR(pg_catalog.=) 'auto' THEN
					use_method := 'gin';
				END IF;
			END IF;
		END IF;
	END IF;

	-- Hits best first, read lazily: the loop below stops once k stories
	-- are found.  GIN: one cursor over all hits ranked (they must all be
	-- ranked anyway), ties by key; only the key, rank and tid go through
	-- the sort.  RUM: batches of 10 k, 20 k, 40 k ... hits in the index's
	-- order (a LIMIT, and no tie-breaking key, so that the planner takes the
	-- ordered index scan), until k stories are found or the hits run out.
	-- The cluster id (or the fingerprint) is fetched per row read.
	IF use_method = 'rum' THEN
		scan_sql := format('SELECT t.%1$I::bigint AS key, %2$I.rum_ts_score(%3$s, $1) AS rank, t.ctid AS tid'
		                    ' FROM %4$s t WHERE %3$s @@ $1 ORDER BY %3$s OPERATOR(%2$I.<=>) $1 LIMIT $2 OFFSET $3',
		                    key_column, rum_schema, tsv_expr, rel);
	ELSE
		scan_sql := format('SELECT t.%1$I::bigint AS key, ts_rank(%2$s, $1) AS rank, t.ctid AS tid'
		                    ' FROM %3$s t WHERE %2$s @@ $1 ORDER BY 2 DESC, 1 OFFSET 0',
		                    key_column, tsv_expr, rel);
	END IF;
	IF via_lists THEN
		inner_sql := format('SELECT l.key, l.rank, t.ctid AS tid FROM %1$s l JOIN %2$s t ON t.%3$I OPERATOR(pg_catalog.=) l.key'
		                    ' WHERE l.lexeme OPERATOR(pg_catalog.=) $4 ORDER BY l.rank DESC, l.key',
		                    sl.lists, rel, key_column);
	ELSE
		inner_sql := scan_sql;
	END IF;
	<<paths>>
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

	lim := CASE WHEN use_method = 'rum' AND NOT via_lists THEN 10 * k ELSE NULL END;
	<<batches>>
	LOOP
	got := 0;
	FOR r IN EXECUTE sql USING q, lim, off, lexeme
	LOOP
		got := got + 1;
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
			EXIT batches WHEN n >= k;
		END IF;
	END LOOP;
	EXIT batches WHEN lim IS NULL OR got < lim;
	off := off + lim;
	lim := lim * 2;
	END LOOP batches;
	via_text := CASE WHEN via_text IS NULL THEN '' ELSE via_text || ', then ' END
	            || CASE WHEN via_lists THEN 'lists' ELSE use_method END;
	-- a list that ran out before k stories: start again on the ranked scan
	EXIT paths WHEN NOT via_lists OR n >= k;
	via_lists := false;
	n := 0;
	off := 0;
	s_grp := '{}';
	s_story := '{}';
	s_key := '{}';
	s_rank := '{}';
	s_tid := '{}';
	s_fp := '{}';
	inner_sql := scan_sql;
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
'full-text search with near-duplicates collapsed: the k best stories (one row each: representative = best-ranked hit, its rank, the number of hits in the story, up to max_keys keys, a ts_headline of the representative unless headlines is false, the path taken); a one-lexeme query with search lists (search_lists_build()) reads its list best-first, others read ranked hits lazily through a RUM index when there is one, else GIN on the stored tsvector, only until k stories are found';


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
