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
