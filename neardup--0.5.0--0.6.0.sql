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
-- row is waited for (doc/ingest.md, "Settling").  A row committed while
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
