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

-- Issue 15: neardup_settle chooses its rows before it waits
--
-- 0.5.0's neardup_settle waited for the tracked writers in progress and
-- then chose the pending rows to check.  Two writers that both started
-- after that wait could interleave so that neither lookup saw the other:
-- R looks up (P not committed yet), W commits the provisional row P,
-- settle chooses P and checks it while R is uncommitted, R commits.  The
-- pair was missed until neardup_recluster.  0.6.0 chooses among the rows
-- committed before the wait, so every writer that overlapped a chosen
-- row is waited for (doc/ingest.md, "Locking").  A row committed while
-- settle waits is left for the next call.

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
	-- The rows to settle are chosen among those committed *before* the
	-- wait below: read their keys first (no lock), then take the table key
	-- in exclusive mode and release it at once.  Every tracked writer holds
	-- that key in share mode from its first row to its commit, so the wait
	-- ends only when every writer in progress has finished.  A writer whose
	-- lookup missed a chosen row (uncommitted then) already held the key
	-- when that row committed, so it is waited for and visible below;
	-- writers that start after the wait see the chosen rows committed.
	-- Choosing after the wait would take rows committed since, whose
	-- concurrent writers may still be running (neither lookup sees the
	-- other).  A window of 4 x max_rows keys lets parallel settlers skip
	-- each other's rows; their merges run one at a time (the merge lock,
	-- taken by the assignment).
	EXECUTE format('SELECT array_agg(key ORDER BY key) FROM (SELECT key FROM %s ORDER BY key LIMIT $1) p', tr.pending)
		INTO keys USING least(4 * max_rows, 400000);
	IF keys IS NULL THEN
		RETURN 0;
	END IF;
	PERFORM pg_advisory_lock(relint, -3);
	PERFORM pg_advisory_unlock(relint, -3);
	EXECUTE format($q$
		SELECT array_agg(p.key ORDER BY p.key), array_agg(t.%3$I ORDER BY p.key),
		       array_agg(coalesce(m.into_id, t.%4$I) ORDER BY p.key)
		  FROM (SELECT key FROM %1$s WHERE key OPERATOR(pg_catalog.=) ANY ($2) ORDER BY key LIMIT $1 FOR UPDATE SKIP LOCKED) p
		  LEFT JOIN %2$s t ON t.%5$I::bigint OPERATOR(pg_catalog.=) p.key
		  LEFT JOIN %6$s m ON m.from_id OPERATOR(pg_catalog.=) t.%4$I$q$,
		tr.pending, tr.rel, tr.fp_column, tr.cluster_column, tr.key_column, tr.merges)
		INTO keys, fps, cur USING max_rows, keys;
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

-- Issue 15: containment agreement
--
-- Batch (duplicate_clusters with containment links) gives every
-- similarity component at most one link: to the best container of any of
-- its rows.  0.5.0's trigger asked, before linking, whether the cluster
-- held a container of the one row at hand, so a component whose rows
-- were contained in different articles (variants of a brief, of a
-- boilerplate paragraph) linked once per row and chained those articles
-- into one cluster.  The assignment now asks whether the component (the
-- row and the rows of its cluster similar to it) has its link already:
-- the cluster holds a container of the row or of a row similar to it.
-- Only the assignment template changes; tracked tables get it when their
-- functions are generated again (neardup_track_regenerate_trigger).
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
	sim_k bigint[] := '{}';
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
			IF {USE_CONT} THEN
				sim_k := sim_k || r.k;
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
		-- similarity component, unless that component has its link
		-- already: its clusters hold a container of the new row, or of a
		-- row similar to it (0.6.0; batch: one link per similarity
		-- component, whichever of its rows brings the container)
		IF cont_c IS NOT NULL AND NOT conts && sims AND NOT EXISTS (
				SELECT 1 FROM {T} s JOIN {T} mm ON mm.{C} OPERATOR(pg_catalog.=) s.{C}
				 WHERE s.{K}::bigint OPERATOR(pg_catalog.=) ANY (sim_k) AND mm.{K} OPERATOR(pg_catalog.<>) s.{K}
				   AND (SELECT count(*) FROM (SELECT 1 FROM {T} z
				         WHERE z.{C} OPERATOR(pg_catalog.=) s.{C} LIMIT 65) zz) <= 64
				   AND @extschema@.containment(s.{F}, mm.{F}) >= {CONT}
				   AND @extschema@.similarity(s.{F}, mm.{F}) < {SIM}
				   AND @extschema@.similarity(q, mm.{F}) < {SIM}
				   AND (@extschema@.fingerprint_info(mm.{F})).shingle_count >= (@extschema@.fingerprint_info(s.{F})).shingle_count) THEN
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
	-- the contained row's similarity component has its link already: its
	-- cluster holds a container of that row or of a row similar to it
	-- (one link per similarity component; 0.5.0 looked at the row only)
	FOR i IN 1 .. coalesce(array_length(rev_c, 1), 0) LOOP
		CONTINUE WHEN rev_c[i] = ANY (targets);
		CONTINUE WHEN (SELECT count(*) FROM (SELECT 1 FROM {T} mm
		                WHERE mm.{C} OPERATOR(pg_catalog.=) rev_c[i] LIMIT 65) z) > 64;
		CONTINUE WHEN EXISTS (
			SELECT 1 FROM {T} s JOIN {T} mm ON mm.{C} OPERATOR(pg_catalog.=) s.{C}
			 WHERE s.{C} OPERATOR(pg_catalog.=) rev_c[i] AND mm.{K} OPERATOR(pg_catalog.<>) s.{K}
			   AND (s.{K}::bigint OPERATOR(pg_catalog.=) rev_k[i] OR @extschema@.similarity(rev_fp[i], s.{F}) >= {SIM})
			   AND @extschema@.containment(s.{F}, mm.{F}) >= {CONT}
			   AND @extschema@.similarity(s.{F}, mm.{F}) < {SIM}
			   AND @extschema@.similarity(rev_fp[i], mm.{F}) < {SIM}
			   AND (@extschema@.fingerprint_info(mm.{F})).shingle_count >= (@extschema@.fingerprint_info(s.{F})).shingle_count);
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

-- Tables tracked before 0.6.0 get their generated functions made again
-- from the templates above (the assignment's one link per similarity
-- component), as the 0.5.0 update did: each generated function is made a
-- member of the extension, replaced and released again (an extension
-- script may not replace an object that is not a member; they belong to
-- the table's owner).  A table with containment links but no band-key
-- index keeps the functions it has until the index is made and
-- neardup_track_regenerate_trigger() is run.
DO $update_tracked$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT t.rel, t.fp_column, t.containment_threshold,
	                t.trigger_function::regprocedure AS fn, t.assign_function::regprocedure AS afn
	           FROM @extschema@.neardup_tracked t ORDER BY t.rel::oid LOOP
		IF r.containment_threshold IS NOT NULL AND @extschema@.neardup_track_band_index(r.rel, r.fp_column) IS NULL THEN
			RAISE WARNING 'clusters of % keep the tracking functions of an earlier version: containment links need a GIN index on cluster_band_keys(%, true)', r.rel, r.fp_column
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
