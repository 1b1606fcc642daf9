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

--
-- Issue 15: bulk-load speed
--
-- The generated trigger function runs its statements with generic plans
-- (SET plan_cache_mode = force_generic_plan, the one change to 0.4.0's
-- template): PL/pgSQL chose a custom plan for the candidate lookup on
-- every row (the new fingerprint is a parameter whose constant value the
-- estimator of % prices against the column's statistics), and planning
-- it was ~20 % of a tracked bulk insert and a third of the trigger
-- (perf).  The generic plan is the same Bitmap Index Scan on the GIN
-- index (enable_seqscan = off keeps it there).  Tables tracked before get
-- it from neardup_track_regenerate_trigger(rel).
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
