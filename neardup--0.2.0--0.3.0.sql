/* neardup--0.2.0--0.3.0.sql -- upgrade neardup 0.2.0 to 0.3.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION neardup UPDATE TO '0.3.0'" to load this file. \quit

-- 0.3.0 has no install script of its own: CREATE EXTENSION neardup runs
-- neardup--0.2.0.sql and then this file, so a fresh 0.3.0 and an updated
-- 0.2.0 (or 0.1.0) are the same objects by construction.  Every SQL object
-- 0.3.0 adds or changes is defined here, once, written as the 0.2.0 script
-- is: objects named through @extschema@, pg_catalog operators spelled out
-- where a hostile search_path could shadow them, function bodies with
-- their search_path pinned.  Sections by topic, in the order they landed.

-- Issue 14: passage links in duplicate_clusters, boilerplate_passages().
--
-- duplicate_clusters gains trailing arguments; the old six-argument
-- signature is replaced (same C symbol, which reads the arguments it is
-- given, so a 0.2.0 catalog on the new library keeps its meaning), and
-- every existing call, positional or named, resolves to the new one.
DROP FUNCTION @extschema@.duplicate_clusters(regclass, name, name, real, real, text);

CREATE FUNCTION @extschema@.duplicate_clusters(rel regclass,
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
AS 'MODULE_PATHNAME', 'duplicate_clusters'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 1000;

COMMENT ON FUNCTION @extschema@.duplicate_clusters(regclass, name, name, real, real, text, name, integer, integer, real) IS
'every row of a table with its near-duplicate cluster: rows are joined when similarity reaches the threshold; if a containment threshold is given, each cluster joins the cluster of its best container; if a passages column (bigint[] of passage_hashes) is given, each cluster joins the cluster it shares the most (at least min_shared_passages) non-boilerplate passage hashes with; cluster_id is the key of the representative (''first'': smallest key, ''longest'': most tokens)';

CREATE FUNCTION @extschema@.boilerplate_passages(rel regclass,
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
AS 'MODULE_PATHNAME', 'boilerplate_passages'
LANGUAGE C STABLE PARALLEL RESTRICTED
ROWS 100;

COMMENT ON FUNCTION @extschema@.boilerplate_passages(regclass, name, name, name, real, name, integer, real) IS
'the passage hashes duplicate_clusters'' passage links ignore as boilerplate: held by rows of at least max(boilerplate_rows, ceil(boilerplate_fraction * rows)) different similarity clusters; with the row count, the cluster count, two example keys and the run of words they share around the hash';

-- Issue 15: continuous ingestion: clusters kept current on INSERT/UPDATE
--
-- neardup_track_clusters() installs, on one table, a BEFORE INSERT OR
-- UPDATE OF <fp> row trigger that gives each new fingerprint the cluster
-- id of its best match found through the table's GIN index (or a new id),
-- merges clusters a new row joins, and records merges in a small merge
-- map; neardup_settle() re-checks the rows a trigger could only assign
-- provisionally, neardup_recluster() rebuilds from scratch keeping ids.
-- The per-table trigger and assignment functions are generated (static
-- SQL, so their plans are cached) from the templates below.  Design,
-- locking and isolation levels: doc/ingest.md.
--

CREATE FUNCTION neardup_track_lock(oid, fingerprint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'neardup_track_lock'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION neardup_track_lock(oid, fingerprint) IS
'cluster tracking: lock the band keys of a fingerprint on a relation until the end of the transaction (the first tracked row of a transaction waits, later rows only try); false when the assignment must stay provisional';

CREATE FUNCTION neardup_track_lock_all(oid, fingerprint[])
RETURNS void
AS 'MODULE_PATHNAME', 'neardup_track_lock_all'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION neardup_track_lock_all(oid, fingerprint[]) IS
'cluster tracking: wait for and lock the band keys of all the fingerprints, in key order (neardup_settle; a transaction that holds no tracking lock)';

CREATE FUNCTION neardup_track_lock_keys(fingerprint)
RETURNS integer[]
AS 'MODULE_PATHNAME', 'neardup_track_lock_keys'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION neardup_track_lock_keys(fingerprint) IS
'the sorted band keys (those of the default GIN index) cluster tracking locks for a fingerprint, as pg_advisory_xact_lock(table oid, key)';

CREATE TABLE neardup_tracked (
	rel regclass PRIMARY KEY,
	key_column name NOT NULL,
	fp_column name NOT NULL,
	cluster_column name NOT NULL,
	similarity_threshold real NOT NULL,
	containment_threshold real,
	fp_version integer,
	shingle_size integer,
	merges regclass NOT NULL,
	pending regclass NOT NULL,
	seq regclass NOT NULL,
	clusters_view regclass NOT NULL,
	-- the generated functions' signatures, schema-qualified, as text:
	-- pg_upgrade refuses user tables with regprocedure columns
	-- (function OIDs are not preserved); read back with ::regprocedure
	assign_function text NOT NULL,
	trigger_function text NOT NULL,
	tracked_since timestamptz NOT NULL DEFAULT pg_catalog.now());
COMMENT ON TABLE neardup_tracked IS
'tables whose clusters neardup_track_clusters() keeps current, with their settings and helper objects';
GRANT SELECT ON neardup_tracked TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('neardup_tracked', '');

CREATE FUNCTION neardup_track_relint(regclass)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ($1::oid::bigint - CASE WHEN $1::oid::bigint > 2147483647 THEN 4294967296 ELSE 0 END)::integer;
COMMENT ON FUNCTION neardup_track_relint(regclass) IS
'cluster tracking: a table''s oid as the int4 first key of its advisory locks (pg_advisory_xact_lock(int4, int4))';

-- The per-table assignment function (template; {X} are filled in by
-- neardup_track_clusters with quoted names and literals).
CREATE FUNCTION neardup_track_template_assign()
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
		 WHERE o.{F} OPERATOR(@extschema@.%) q
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
COMMENT ON FUNCTION neardup_track_template_assign() IS
'cluster tracking: template of the per-table assignment function neardup_track_clusters() generates';

CREATE FUNCTION neardup_track_template_trigger()
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN $tmpl$
CREATE FUNCTION {TRIGGER}()
RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $trigger$
DECLARE
	safe boolean := false;
	info record;
	a record;
	c bigint;
	p boolean := true;
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
		a := {ASSIGN}(NEW.{K}::bigint, NEW.{F},
		              CASE WHEN TG_OP = 'UPDATE' THEN OLD.{C} END,
		              CASE WHEN TG_OP = 'UPDATE' THEN 'update' WHEN safe THEN 'insert' ELSE 'provisional' END);
		c := a.cluster;
		p := a.pending OR NOT safe;
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

-- The tracking entry of rel, or an error saying it is not tracked.
CREATE FUNCTION neardup_tracked_entry(rel regclass)
RETURNS @extschema@.neardup_tracked
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $entry$
DECLARE
	e @extschema@.neardup_tracked;
BEGIN
	IF rel IS NULL THEN
		RAISE EXCEPTION 'rel must not be NULL' USING ERRCODE = 'null_value_not_allowed',
			HINT = 'Pass the tracked table, e.g. ''articles''.';
	END IF;
	SELECT * INTO e FROM @extschema@.neardup_tracked t WHERE t.rel OPERATOR(pg_catalog.=) neardup_tracked_entry.rel;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'clusters of % are not tracked', rel USING ERRCODE = 'object_not_in_prerequisite_state',
			HINT = 'Start tracking with neardup_track_clusters().';
	END IF;
	RETURN e;
END
$entry$;
COMMENT ON FUNCTION neardup_tracked_entry(regclass) IS
'cluster tracking: the neardup_tracked row of a table (an error if it is not tracked)';

CREATE FUNCTION neardup_cluster_id(rel regclass, cluster_id bigint)
RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $resolve$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
	id bigint := cluster_id;
	nxt bigint;
BEGIN
	FOR i IN 1 .. 64 LOOP		-- the map is kept flat; a chain only after concurrent merges
		EXECUTE format('SELECT into_id FROM %s WHERE from_id = $1', tr.merges) INTO nxt USING id;
		EXIT WHEN nxt IS NULL OR nxt = id;
		id := nxt;
	END LOOP;
	RETURN id;
END
$resolve$;
COMMENT ON FUNCTION neardup_cluster_id(regclass, bigint) IS
'the current id of a cluster id of a tracked table: the id it was merged into (through the merge map), or itself';

CREATE FUNCTION neardup_recluster(rel regclass,
	OUT clusters bigint, OUT kept_ids bigint, OUT new_ids bigint, OUT rows_changed bigint)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $recluster$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
BEGIN
	-- no concurrent writers while the whole table is re-clustered
	EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', tr.rel);
	-- batch cluster b of every row, and its current (resolved) id e
	EXECUTE format($q$
		CREATE TEMP TABLE neardup_recluster_batch ON COMMIT DROP AS
		SELECT d.key, d.cluster_id AS b, coalesce(m.into_id, t.%3$I) AS e, NULL::bigint AS n
		  FROM @extschema@.duplicate_clusters(%1$L::regclass, %4$L, %5$L, %6$L, %7$L) d
		  JOIN %1$s t ON t.%4$I::bigint OPERATOR(pg_catalog.=) d.key
		  LEFT JOIN %2$s m ON m.from_id OPERATOR(pg_catalog.=) t.%3$I$q$,
		tr.rel, tr.merges, tr.cluster_column, tr.key_column, tr.fp_column,
		tr.similarity_threshold, tr.containment_threshold);
	-- each old id goes to the batch cluster holding most of its rows (ties:
	-- the lowest), and each batch cluster keeps the old id most of its rows
	-- had (ties: the lowest) among those that chose it: ids kept as far as
	-- a one-to-one matching allows
	CREATE TEMP TABLE neardup_recluster_succ ON COMMIT DROP AS
	WITH pairs AS (
		SELECT b, e, count(*) AS cnt FROM pg_temp.neardup_recluster_batch WHERE e IS NOT NULL GROUP BY b, e),
	per_old AS (
		SELECT DISTINCT ON (e) e, b, cnt FROM pairs ORDER BY e, cnt DESC, b),
	per_batch AS (
		SELECT DISTINCT ON (b) b, e FROM per_old ORDER BY b, cnt DESC, e)
	SELECT b.b, pb.e AS id FROM (SELECT DISTINCT b FROM pg_temp.neardup_recluster_batch) b
	  LEFT JOIN per_batch pb ON pb.b = b.b;
	EXECUTE format($q$UPDATE pg_temp.neardup_recluster_succ s SET id = x.nid
		FROM (SELECT b, nextval(%L::regclass) AS nid FROM (SELECT b FROM pg_temp.neardup_recluster_succ
		       WHERE id IS NULL ORDER BY b) o) x WHERE s.b = x.b$q$, tr.seq);
	SELECT count(*), count(*) FILTER (WHERE id IS NOT NULL) INTO clusters, kept_ids FROM pg_temp.neardup_recluster_succ;
	UPDATE pg_temp.neardup_recluster_batch x SET n = s.id FROM pg_temp.neardup_recluster_succ s WHERE s.b = x.b;
	-- rows: the new ids; rows without a fingerprint: none
	EXECUTE format($q$UPDATE %1$s t SET %2$I = x.n FROM pg_temp.neardup_recluster_batch x
		WHERE t.%3$I::bigint OPERATOR(pg_catalog.=) x.key AND t.%2$I IS DISTINCT FROM x.n$q$,
		tr.rel, tr.cluster_column, tr.key_column);
	GET DIAGNOSTICS rows_changed = ROW_COUNT;
	EXECUTE format('UPDATE %1$s t SET %2$I = NULL WHERE t.%3$I IS NULL AND t.%2$I IS NOT NULL',
		tr.rel, tr.cluster_column, tr.fp_column);
	-- merge map: every id that no longer names a cluster maps to the
	-- cluster that holds most of its former rows; entries stay flat
	EXECUTE format($q$
		WITH gone AS (
			SELECT DISTINCT ON (x.e) x.e, x.n FROM (
				SELECT e, n, count(*) AS cnt FROM pg_temp.neardup_recluster_batch WHERE e IS NOT NULL GROUP BY e, n) x
			 WHERE NOT EXISTS (SELECT 1 FROM pg_temp.neardup_recluster_succ s WHERE s.id = x.e)
			 ORDER BY x.e, x.cnt DESC, x.n),
		repoint AS (
			UPDATE %1$s m SET into_id = g.n, merged_at = pg_catalog.now() FROM gone g
			 WHERE m.into_id OPERATOR(pg_catalog.=) g.e RETURNING m.from_id)
		INSERT INTO %1$s (from_id, into_id) SELECT e, n FROM gone
			ON CONFLICT (from_id) DO UPDATE SET into_id = EXCLUDED.into_id, merged_at = pg_catalog.now()$q$,
		tr.merges);
	EXECUTE format($q$DELETE FROM %1$s m USING pg_temp.neardup_recluster_succ s
		WHERE m.from_id OPERATOR(pg_catalog.=) s.id$q$, tr.merges);
	EXECUTE format('DELETE FROM %s', tr.pending);
	new_ids := clusters - kept_ids;
	DROP TABLE pg_temp.neardup_recluster_batch, pg_temp.neardup_recluster_succ;
END
$recluster$;
COMMENT ON FUNCTION neardup_recluster(regclass) IS
'rebuild the clusters of a tracked table from scratch with duplicate_clusters(), keeping as many existing cluster ids as possible; ids that disappear are mapped to their successor';

CREATE FUNCTION neardup_settle(rel regclass, max_rows integer DEFAULT 500)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $settle$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
	relint integer;
	keys bigint[];
	fps @extschema@.fingerprint[];
	cur bigint[];
	c bigint;
	a record;
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
	EXECUTE format($q$
		SELECT array_agg(p.key ORDER BY p.key), array_agg(t.%3$I ORDER BY p.key), array_agg(t.%4$I ORDER BY p.key)
		  FROM (SELECT key FROM %1$s ORDER BY key LIMIT $1 FOR UPDATE SKIP LOCKED) p
		  LEFT JOIN %2$s t ON t.%5$I::bigint OPERATOR(pg_catalog.=) p.key$q$,
		tr.pending, tr.rel, tr.fp_column, tr.cluster_column, tr.key_column)
		INTO keys, fps, cur USING max_rows;
	IF keys IS NULL THEN
		RETURN 0;
	END IF;
	PERFORM @extschema@.neardup_track_lock_all(tr.rel::oid, fps);
	PERFORM pg_advisory_xact_lock(relint, -2);
	FOR i IN 1 .. cardinality(keys) LOOP
		CONTINUE WHEN fps[i] IS NULL OR cur[i] IS NULL;		-- deleted, or no fingerprint
		CONTINUE WHEN (@extschema@.fingerprint_info(fps[i])).shingle_size IS DISTINCT FROM tr.shingle_size;
		c := @extschema@.neardup_cluster_id(tr.rel, cur[i]);
		EXECUTE format('SELECT * FROM %s($1, $2, $3, $4)', tr.assign_function::pg_catalog.regprocedure::pg_catalog.oid::pg_catalog.regproc)
			INTO a USING keys[i], fps[i], c, 'settle';
		-- the row's own id, if it changed (merges relabel the rest)
		EXECUTE format('UPDATE %1$s t SET %2$I = $1 WHERE t.%3$I::bigint OPERATOR(pg_catalog.=) $2 AND t.%2$I IS DISTINCT FROM $1',
			tr.rel, tr.cluster_column, tr.key_column)
			USING @extschema@.neardup_cluster_id(tr.rel, coalesce(a.cluster, c)), keys[i];
	END LOOP;
	EXECUTE format('DELETE FROM %s WHERE key = ANY ($1)', tr.pending) USING keys;
	RETURN cardinality(keys);
END
$settle$;
COMMENT ON FUNCTION neardup_settle(regclass, integer) IS
'cluster tracking: re-check up to max_rows rows whose cluster was assigned provisionally (busy locks, big transactions, REPEATABLE READ, merges during UPDATE); call in its own transaction until it returns 0';

CREATE FUNCTION neardup_track_clusters(rel regclass,
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
COMMENT ON FUNCTION neardup_track_clusters(regclass, name, name, name, real, real) IS
'keep the near-duplicate clusters of a table current: adds the cluster column if missing, backfills it with duplicate_clusters() and installs a trigger that assigns every new or updated fingerprint the cluster of its best match (GIN index); returns the number of clusters';

CREATE FUNCTION neardup_untrack_clusters(rel regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $untrack$
DECLARE
	tr @extschema@.neardup_tracked := @extschema@.neardup_tracked_entry(rel);
BEGIN
	EXECUTE format('DROP TRIGGER IF EXISTS neardup_track ON %s', tr.rel);
	EXECUTE format('DROP FUNCTION IF EXISTS %s', tr.trigger_function);
	EXECUTE format('DROP FUNCTION IF EXISTS %s', tr.assign_function);
	EXECUTE format('DROP VIEW IF EXISTS %s', tr.clusters_view);
	EXECUTE format('DROP TABLE IF EXISTS %s, %s', tr.merges, tr.pending);
	EXECUTE format('DROP SEQUENCE IF EXISTS %s', tr.seq);
	DELETE FROM @extschema@.neardup_tracked t WHERE t.rel = tr.rel;
END
$untrack$;
COMMENT ON FUNCTION neardup_untrack_clusters(regclass) IS
'stop tracking the clusters of a table: drops its trigger, merge map, pending list, sequence and view; the cluster column and its values stay';

-- Dropping a tracked table drops its tracking objects too.
CREATE FUNCTION neardup_track_on_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $ondrop$
DECLARE
	r record;
BEGIN
	FOR r IN
		DELETE FROM @extschema@.neardup_tracked t
		 USING pg_event_trigger_dropped_objects() d
		 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND t.rel::oid = d.objid
		RETURNING t.*
	LOOP
		EXECUTE format('DROP FUNCTION IF EXISTS %s', r.trigger_function);
		EXECUTE format('DROP FUNCTION IF EXISTS %s', r.assign_function);
		EXECUTE format('DROP VIEW IF EXISTS %s', r.clusters_view);
		EXECUTE format('DROP TABLE IF EXISTS %s, %s', r.merges, r.pending);
		EXECUTE format('DROP SEQUENCE IF EXISTS %s', r.seq);
	END LOOP;
END
$ondrop$;
COMMENT ON FUNCTION neardup_track_on_drop() IS
'cluster tracking: drops the merge map, pending list, sequence, view and functions of a tracked table that is dropped';
CREATE EVENT TRIGGER neardup_track_on_drop ON sql_drop EXECUTE FUNCTION neardup_track_on_drop();
COMMENT ON EVENT TRIGGER neardup_track_on_drop IS
'drops the cluster-tracking objects of a tracked table when the table is dropped';

--
-- Issue 16: thresholds in the query (fingerprint_query, at_least) and
-- clustering across shards (cluster_band_keys, connected_components).
--
-- fp % at_least(q, t), fp <% at_least(q, t) and fp %> at_least(q, t) are
-- the GUC operators with the threshold carried in the right operand, so
-- they are IMMUTABLE: postgres_fdw ships them to foreign servers that
-- list neardup in their `extensions` option, Citus evaluates them on the
-- workers with the caller's threshold and accepts them in UPDATE/DELETE,
-- and a prepared statement's plan does not depend on a setting.  % with
-- at_least is strategy 4 of gin_fingerprint_ops and gist_fingerprint_ops
-- (src/index_common.h); the index asks for exactly the keys the GUC form
-- asks for at the same threshold.
--
CREATE TYPE fingerprint_query;

CREATE FUNCTION fingerprint_query_in(cstring) RETURNS fingerprint_query
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_out(fingerprint_query) RETURNS cstring
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_recv(internal) RETURNS fingerprint_query
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION fingerprint_query_send(fingerprint_query) RETURNS bytea
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE fingerprint_query (
	INTERNALLENGTH = 544,
	INPUT = fingerprint_query_in,
	OUTPUT = fingerprint_query_out,
	RECEIVE = fingerprint_query_recv,
	SEND = fingerprint_query_send,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE fingerprint_query IS
'a fingerprint and a threshold from 0 to 1, built by at_least(fingerprint, real); text form threshold@fingerprint';
COMMENT ON FUNCTION fingerprint_query_in(cstring) IS 'input function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_out(fingerprint_query) IS 'output function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_recv(internal) IS 'binary input function of type fingerprint_query';
COMMENT ON FUNCTION fingerprint_query_send(fingerprint_query) IS 'binary output function of type fingerprint_query';

CREATE FUNCTION at_least(fingerprint, threshold real) RETURNS fingerprint_query
AS 'MODULE_PATHNAME', 'fingerprint_at_least' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION at_least(fingerprint, real) IS
'the query "at least threshold" for the operators %, <% and %>: fp % at_least(q, 0.5) is similarity(fp, q) >= 0.5, IMMUTABLE and indexable';

CREATE FUNCTION threshold(fingerprint_query) RETURNS real
AS 'MODULE_PATHNAME', 'fingerprint_query_threshold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION threshold(fingerprint_query) IS
'the threshold of a fingerprint query';

CREATE FUNCTION fingerprint(fingerprint_query) RETURNS fingerprint
AS 'MODULE_PATHNAME', 'fingerprint_query_fingerprint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint(fingerprint_query) IS
'the fingerprint of a fingerprint query';

CREATE FUNCTION fingerprint_query_similar_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_similar_op(fingerprint, fingerprint_query) IS
'implementation of % (fingerprint, fingerprint_query)';
CREATE FUNCTION fingerprint_query_contained_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contained_op(fingerprint, fingerprint_query) IS
'implementation of <% (fingerprint, fingerprint_query)';
CREATE FUNCTION fingerprint_query_contains_op(fingerprint, fingerprint_query) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contains_op(fingerprint, fingerprint_query) IS
'implementation of %> (fingerprint, fingerprint_query)';

CREATE FUNCTION fingerprint_query_similar_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_similar_op_commuted(fingerprint_query, fingerprint) IS
'implementation of % (fingerprint_query, fingerprint)';
CREATE FUNCTION fingerprint_query_contained_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contained_op_commuted(fingerprint_query, fingerprint) IS
'implementation of <% (fingerprint_query, fingerprint)';
CREATE FUNCTION fingerprint_query_contains_op_commuted(fingerprint_query, fingerprint) RETURNS boolean
AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION fingerprint_query_contains_op_commuted(fingerprint_query, fingerprint) IS
'implementation of %> (fingerprint_query, fingerprint)';

-- matchingsel applies the operator to the column's most common values and
-- histogram (the btree opclass makes ANALYZE collect them), with the
-- query's own threshold; the GUC forms use the same estimator.  Each
-- operator has its commutator with the query on the left (q % fp is
-- fp % q, q <% fp is fp %> q), so either spelling can use the index.
CREATE OPERATOR % (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_similar_op,
	COMMUTATOR = %,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint, fingerprint_query) IS
'similarity at or above the query''s threshold: fp % at_least(q, t) (IMMUTABLE; GIN and GiST indexable)';
CREATE OPERATOR <% (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_contained_op,
	COMMUTATOR = %>,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint, fingerprint_query) IS
'containment of the left text in the query''s text at or above the query''s threshold (IMMUTABLE)';
CREATE OPERATOR %> (
	LEFTARG = fingerprint, RIGHTARG = fingerprint_query,
	FUNCTION = fingerprint_query_contains_op,
	COMMUTATOR = <%,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR %> (fingerprint, fingerprint_query) IS
'containment of the query''s text in the left text at or above the query''s threshold (IMMUTABLE)';
CREATE OPERATOR % (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_similar_op_commuted,
	COMMUTATOR = %,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR % (fingerprint_query, fingerprint) IS
'at_least(q, t) % fp: the commutator of fp % at_least(q, t)';
CREATE OPERATOR <% (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_contained_op_commuted,
	COMMUTATOR = %>,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR <% (fingerprint_query, fingerprint) IS
'at_least(q, t) <% fp: the query''s text contained in fp''s, the commutator of fp %> at_least(q, t)';
CREATE OPERATOR %> (
	LEFTARG = fingerprint_query, RIGHTARG = fingerprint,
	FUNCTION = fingerprint_query_contains_op_commuted,
	COMMUTATOR = <%,
	RESTRICT = matchingsel, JOIN = matchingjoinsel
);
COMMENT ON OPERATOR %> (fingerprint_query, fingerprint) IS
'at_least(q, t) %> fp: fp''s text contained in the query''s, the commutator of fp <% at_least(q, t)';

ALTER OPERATOR FAMILY gin_fingerprint_ops USING gin ADD
	OPERATOR 4 % (fingerprint, fingerprint_query);
ALTER OPERATOR FAMILY gist_fingerprint_ops USING gist ADD
	OPERATOR 4 % (fingerprint, fingerprint_query);

-- Clustering across shards: the band keys of duplicate_clusters as an
-- IMMUTABLE function (candidate pairs are rows sharing a key: a GROUP BY
-- any engine distributes) and union-find over the verified edges.  The
-- recipe is in the README ("Clustering a sharded table").
CREATE FUNCTION cluster_band_keys(fingerprint) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'cluster_band_keys' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cluster_band_keys(fingerprint) IS
'the 128 LSH band keys duplicate_clusters compares (band number in the high 32 bits; -1 for a text with no shingles): rows sharing a key are its candidate pairs';

CREATE FUNCTION connected_components(edges_query text,
	OUT node bigint,
	OUT component bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'connected_components'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED
ROWS 1000;
COMMENT ON FUNCTION connected_components(text) IS
'every node of the edge list the query returns (its first two columns, integer node ids a and b; b NULL: a alone) with its connected component, named by the component''s smallest node id; memory proportional to the nodes';
