#!/usr/bin/env bash
# test/install/upgrade.sh -- ALTER EXTENSION neardup UPDATE in place from
# every earlier version, in schema public and in another schema.
#
# Installs 0.1.0 from its own script, fills tables with fingerprints and
# every kind of index on them (GIN default and with opclass options, GiST,
# btree, hash), records the sequential-scan and index-scan answers of a
# set of queries, the similarity and containment values and a
# duplicate_clusters result, updates, and checks:
#   - data, values and clusters are unchanged;
#   - every neardup index took exactly one of two paths: still valid, and
#     its answers are what they were (and never more than the sequential
#     scan's; exactly it for the exact operators), or reported by name by
#     the update with the hint REINDEX INDEX <name> and marked invalid, and
#     after that REINDEX its answers are right again;
#   - the updated extension holds the same objects as a fresh install of
#     the default version.
# It does so from 0.1.0 (in public and in another schema), 0.2.0, 0.3.0, 0.4.0 and 0.5.0.
# A self-check drives the "reported and invalid" path with a fake report,
# so neither path is dead code.  Prints TAP, last line
# "install-upgrade: N passed, M failed".
source "$(dirname "$0")/lib.sh"

to=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/neardup.control")

# The test's helpers, in schema t of the database (not part of neardup).
helpers() {
	qs "$1" <<'SQL'
CREATE SCHEMA t;
CREATE FUNCTION t.doc(seed int, nwords int, edit int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT string_agg(CASE WHEN edit > 0 AND k % edit = 0
				THEN 'x' || abs(hashint4(seed * 7919 + k)) % 100000
				ELSE 'w' || abs(hashint4(seed * 100003 + k)) % 3000 END,
			' ' ORDER BY k)
	  FROM generate_series(1, nwords) k
$$;
-- The queries an index of access method am must answer like a scan.
CREATE FUNCTION t.queries(am name) RETURNS TABLE (query text, exact bool) LANGUAGE sql AS $$
	SELECT v.query, v.exact FROM (VALUES
		('gin', '% 0.3', false), ('gin', '% 0.5', false), ('gin', '% 0.8', false), ('gin', '=', true),
		('gist', '% 0.3', true), ('gist', '% 0.8', true), ('gist', '=', true), ('gist', 'knn', true),
		('btree', '=', true), ('btree', '<', true),
		('hash', '=', true)) v(am, query, exact)
	 WHERE v.am = $1
$$;
-- The answers of one query over table tbl by index idx (use_index) or by
-- a sequential scan: (qid, id) pairs; for knn (qid, 0, distance) of the 5 nearest.
-- Raises when an index scan is asked for and the plan does not use idx.
CREATE FUNCTION t.answers(tbl regclass, idx regclass, col name, query text, use_index bool)
RETURNS TABLE (qid int, id int, dist real) LANGUAGE plpgsql AS $$
DECLARE
	sql text;
	op text := split_part(query, ' ', 1);
	plan text;
BEGIN
	PERFORM set_config('enable_seqscan', (NOT use_index)::text, true);
	PERFORM set_config('enable_indexscan', use_index::text, true);
	PERFORM set_config('enable_bitmapscan', use_index::text, true);
	PERFORM set_config('enable_indexonlyscan', use_index::text, true);
	IF op = '%' THEN
		PERFORM set_config('neardup.similarity_threshold', split_part(query, ' ', 2), true);
	END IF;
	IF op = 'knn' THEN
		sql := format('SELECT q.id, 0, d.dist FROM %1$s q CROSS JOIN LATERAL
			(SELECT x.%2$I <-> q.%2$I AS dist FROM %1$s x
			  ORDER BY x.%2$I <-> q.%2$I LIMIT 5) d WHERE q.id <= 30', tbl, col);
	ELSE
		sql := format('SELECT q.id, d.id, NULL::real FROM %1$s q CROSS JOIN LATERAL
			(SELECT x.id FROM %1$s x WHERE x.%3$I %2$s q.%3$I) d WHERE q.id <= 30', tbl, op, col);
	END IF;
	IF use_index THEN
		EXECUTE 'EXPLAIN (COSTS OFF) ' || sql INTO plan;
		FOR plan IN EXECUTE 'EXPLAIN (COSTS OFF) ' || sql LOOP
			IF plan LIKE '%' || (SELECT relname FROM pg_class WHERE oid = idx) || '%' THEN
				RETURN QUERY EXECUTE sql;
				RETURN;
			END IF;
		END LOOP;
		RAISE EXCEPTION 'the plan of % does not use index %', sql, idx;
	END IF;
	RETURN QUERY EXECUTE sql;
END
$$;
-- Every index of a neardup operator class, with its access method.
CREATE VIEW t.nd_indexes AS
	SELECT DISTINCT i.indexrelid::regclass AS idx, i.indrelid::regclass AS tbl, am.amname AS am,
	       c.relname AS name, i.indisvalid AS valid, a.attname AS col
	  FROM pg_index i
	  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
	  JOIN pg_class c ON c.oid = i.indexrelid
	  JOIN pg_am am ON am.oid = c.relam
	  JOIN pg_opclass oc ON oc.oid = ANY (i.indclass::oid[])
	  JOIN pg_depend d ON d.classid = 'pg_opclass'::regclass AND d.objid = oc.oid AND d.deptype = 'e'
	  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'neardup'
	 WHERE c.relname NOT IN ('trk_fp_idx', 'trc_fp_idx', 'tcb_fp_idx');	-- the tracked tables' (written to after the update)
CREATE TABLE t.answers_log (phase text, idx text, query text, mode text, qid int, id int, dist real);
-- Queries that failed (0.1.0 in a schema other than public: defect 1).
CREATE TABLE t.broken (phase text, idx text, query text, err text);
CREATE FUNCTION t.record(phase text, only_idx text DEFAULT NULL) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record; qq record;
BEGIN
	FOR r IN SELECT * FROM t.nd_indexes WHERE valid AND (only_idx IS NULL OR name = only_idx) LOOP
		FOR qq IN SELECT * FROM t.queries(r.am) LOOP
			BEGIN
				INSERT INTO t.answers_log SELECT phase, r.name, qq.query, 'seq', a.* FROM t.answers(r.tbl, r.idx, r.col, qq.query, false) a;
				INSERT INTO t.answers_log SELECT phase, r.name, qq.query, 'index', a.* FROM t.answers(r.tbl, r.idx, r.col, qq.query, true) a;
			EXCEPTION WHEN OTHERS THEN
				INSERT INTO t.broken VALUES (phase, r.name, qq.query, SQLERRM);
			END;
		END LOOP;
	END LOOP;
END
$$;
-- Rows of (phase a, mode ma) not in (phase b, mode mb), for one index and query.
CREATE FUNCTION t.missing(i text, qy text, pa text, ma text, pb text, mb text) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM (
		SELECT qid, id, dist FROM t.answers_log WHERE idx = i AND query = qy AND phase = pa AND mode = ma
		EXCEPT ALL
		SELECT qid, id, dist FROM t.answers_log WHERE idx = i AND query = qy AND phase = pb AND mode = mb) s
$$;
SQL
}

# The data set: 600 texts and edited copies of 150 of them, the same rows in
# one table per index (so that each query can be forced onto each index).
fill() {
	qs "$1" <<'SQL'
CREATE TABLE docs (id int PRIMARY KEY, body text, fp fingerprint, fp5 fingerprint);
INSERT INTO docs SELECT g, t.doc(g, 20 + (g * 37) % 400, 0) FROM generate_series(1, 400) g;
INSERT INTO docs SELECT 1000 * e + g, t.doc(g, 20 + (g * 37) % 400, e)
  FROM generate_series(1, 100) g, unnest(ARRAY[5, 9, 20]) e;
INSERT INTO docs VALUES (90001, ''), (90002, 'x');
UPDATE docs SET fp = fingerprint(body), fp5 = fingerprint(body, 5);
CREATE TABLE gin_default AS SELECT id, fp FROM docs;
CREATE TABLE gin_opts AS SELECT id, fp FROM docs;
CREATE TABLE gist_plain AS SELECT id, fp FROM docs;
CREATE TABLE btree_plain AS SELECT id, fp FROM docs;
CREATE TABLE hash_plain AS SELECT id, fp FROM docs;
CREATE INDEX gin_default_idx ON gin_default USING gin (fp);
CREATE INDEX gin_opts_idx ON gin_opts USING gin (fp gin_fingerprint_ops (bands = 32, rows = 1));
CREATE INDEX gist_plain_idx ON gist_plain USING gist (fp);
CREATE INDEX btree_plain_idx ON btree_plain (fp);
CREATE INDEX hash_plain_idx ON hash_plain USING hash (fp);
CREATE INDEX docs_fp5_gin ON docs USING gin (fp5);
ANALYZE;
CREATE TABLE t.values_before AS
	SELECT a.id AS a, b.id AS b, similarity(a.fp, b.fp) AS sim, containment(a.fp, b.fp) AS cont,
	       a.fp <-> b.fp AS dist, similarity(a.fp5, b.fp5) AS sim5
	  FROM docs a, docs b WHERE a.id <= 30;
CREATE TABLE t.data_before AS SELECT id, body, fp::text AS fp, fp5::text AS fp5 FROM docs;
CREATE TABLE t.clusters_before AS SELECT * FROM duplicate_clusters('docs', 'id', 'fp', 0.5);
CREATE TABLE t.clusters_cont_before AS SELECT * FROM duplicate_clusters('docs', 'id', 'fp', 0.5, 0.6, 'longest');
SQL
}

# check_indexes DB UPDATE_LOG: the per-index paths; prints counts "valid reported".
check_indexes() {
	local db=$1 log=$2 name valid am tbl qy exact seen_valid=0 seen_reported=0 total
	total=$(q "$db" "SELECT count(*) FROM t.nd_indexes")
	q "$db" "SELECT t.record('after')" >/dev/null 2>"$work/err"; ok $? "queries on the indexes still valid after the update" "$(cat "$work/err")"
	while IFS='|' read -r name valid am; do
		if [ "$valid" = t ]; then
			seen_valid=$((seen_valid + 1))
			if grep -q "\b$name\b" "$log"; then ok 1 "$name: still valid, yet the update reported it" "$(cat "$log")"; fi
			while IFS='|' read -r qy exact; do
				err=$(q "$db" "SELECT err FROM t.broken WHERE phase = 'before' AND idx = '$name' AND query = '$qy'")
				if [ -n "$err" ]; then
					is "$(q "$db" "SELECT count(*) FROM t.broken WHERE phase = 'after' AND idx = '$name' AND query = '$qy'")" 0 \
						"$name ($am), $qy: still valid; failed under $from here ($err), works now"
				else
					is "$(q "$db" "SELECT t.missing('$name', '$qy', 'before', 'index', 'after', 'index') + t.missing('$name', '$qy', 'after', 'index', 'before', 'index')")" 0 \
						"$name ($am), $qy: still valid, index answers unchanged by the update"
				fi
				is "$(q "$db" "SELECT t.missing('$name', '$qy', 'after', 'index', 'after', 'seq')")" 0 "$name ($am), $qy: ...never a row the sequential scan does not return"
				if [ "$exact" = t ]; then
					is "$(q "$db" "SELECT t.missing('$name', '$qy', 'after', 'seq', 'after', 'index')")" 0 "$name ($am), $qy: ...and every row it returns"
				fi
			done < <(q "$db" "SELECT query, exact FROM t.queries('$am')")
		else
			seen_reported=$((seen_reported + 1))
			local hint
			hint=$(grep -o "REINDEX INDEX [^;]*$name\"\?" "$log" | head -1)
			if grep -q "WARNING:.*\b$name\b" "$log" && [ -n "$hint" ]; then
				ok 0 "$name ($am): invalid after the update, and the update named it with the hint $hint"
			else
				ok 1 "$name ($am): invalid after the update, but not reported by name with its REINDEX" "$(cat "$log")"
				hint="REINDEX INDEX $(q "$db" "SELECT idx FROM t.nd_indexes WHERE name = '$name'")"
			fi
			q "$db" "$hint" >/dev/null 2>"$work/err"; ok $? "$name: $hint runs" "$(cat "$work/err")"
			is "$(q "$db" "SELECT valid FROM t.nd_indexes WHERE name = '$name'")" t "$name: valid after the REINDEX"
			q "$db" "DELETE FROM t.answers_log WHERE phase = 'reindexed' AND idx = '$name';
				SELECT t.record('reindexed', '$name')" >/dev/null 2>"$work/err" || ok 1 "$name: queries after the REINDEX" "$(cat "$work/err")"
			is "$(q "$db" "SELECT coalesce(string_agg(query || ': ' || err, '; '), 'none') FROM t.broken WHERE phase = 'reindexed' AND idx = '$name'")" none \
				"$name: every query works after the REINDEX"
			while IFS='|' read -r qy exact; do
				is "$(q "$db" "SELECT t.missing('$name', '$qy', 'reindexed', 'index', 'reindexed', 'seq')")" 0 "$name ($am), $qy: after the REINDEX, never a row the sequential scan does not return"
				if [ "$exact" = t ]; then
					is "$(q "$db" "SELECT t.missing('$name', '$qy', 'reindexed', 'seq', 'reindexed', 'index')")" 0 "$name ($am), $qy: ...and every row it returns"
				else
					# approximate (LSH) answers: most of the sequential scan's rows
					r=$(q "$db" "SELECT (1 - t.missing('$name', '$qy', 'reindexed', 'seq', 'reindexed', 'index')::float
						/ greatest(1, (SELECT count(*) FROM t.answers_log WHERE phase = 'reindexed' AND idx = '$name' AND query = '$qy' AND mode = 'seq'))) >= 0.9")
					is "$r" t "$name ($am), $qy: ...and at least 90 % of its rows"
				fi
			done < <(q "$db" "SELECT query, exact FROM t.queries('$am')")
		fi
	done < <(q "$db" "SELECT name, valid, am FROM t.nd_indexes ORDER BY name")
	echo "$seen_valid $seen_reported $total" > "$work/paths"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-upgrade.XXXXXX")
trap 'rm -rf "$work"' EXIT

for case in "0.1.0 public" '0.1.0 "Nd Ext"' "0.2.0 public" "0.3.0 public" "0.4.0 public" "0.5.0 public"; do
	from=${case%% *}; schema=${case#* }
	db=neardup_inst_up; fresh=neardup_inst_fresh
	label="$from, schema $schema"
	newdb $db; newdb $fresh
	if [ "$schema" != public ]; then
		# $schema before public: 0.1.0 left shell operators in public that
		# would hide its own (issue 13, defect 1; the anywhere suite tests
		# 0.2.0 with public first).
		for d in $db $fresh; do q $d "CREATE SCHEMA $schema; ALTER DATABASE $d SET search_path = $schema, public" >/dev/null; done
	fi
	q $db "CREATE EXTENSION neardup SCHEMA $schema VERSION '$from'" >/dev/null
	is "$(q $db "SELECT extversion FROM pg_extension WHERE extname = 'neardup'")" "$from" "$label: $from installed from its own script"
	helpers $db >/dev/null 2>"$work/err"; ok $? "$label: test helpers created" "$(cat "$work/err")"
	fill $db >/dev/null 2>"$work/err"; ok $? "$label: tables, GIN/GiST/btree/hash indexes and clusters made under $from" "$(cat "$work/err")"
	q $db "SELECT t.record('before')" >/dev/null 2>"$work/err"; ok $? "$label: index and sequential answers recorded under $from" "$(cat "$work/err")"
	nbroken=$(q $db "SELECT count(*) FROM t.broken")
	if [ "$schema" = public ] || [ "$from" != 0.1.0 ]; then
		is "$nbroken" 0 "$label: every query works under $from"
	else
		ok $([ "$nbroken" -gt 0 ]; echo $?) "$label: $nbroken queries fail under $from in this schema (defect 1: $(q $db "SELECT min(err) FROM t.broken"))"
	fi
	is "$(q $db "SELECT count(*) FROM t.nd_indexes")" 6 "$label: six neardup indexes"
	if [ "$from" = 0.3.0 ]; then
		# a table tracked under 0.3.0 (issue 15): its generated trigger
		# function is made again from 0.4.0's template by the update
		q $db "CREATE TABLE trk (id int PRIMARY KEY, story int, fp fingerprint);
			INSERT INTO trk SELECT g, g % 50, fingerprint(t.doc(g % 50, 80, CASE WHEN g < 50 THEN 0 ELSE 17 END)) FROM generate_series(0, 99) g;
			CREATE INDEX ON trk USING gin (fp);
			SELECT neardup_track_clusters('trk', 'id', 'fp', 'cluster_id', 0.5)" >/dev/null 2>"$work/err"
		ok $? "$label: a table tracked under $from" "$(cat "$work/err")"
	fi
	if [ "$from" = 0.4.0 ]; then
		# tables tracked under 0.4.0 (issue 15): similarity only (trk) and
		# with containment links (trc: no band-key index, which 0.4.0 did
		# not need); story s is 400 words, its excerpt words 101..150
		q $db "CREATE TABLE trk (id int PRIMARY KEY, story int, fp fingerprint);
			INSERT INTO trk SELECT g, g % 50, fingerprint(t.doc(g % 50, 80, CASE WHEN g < 50 THEN 0 ELSE 17 END)) FROM generate_series(0, 99) g;
			CREATE INDEX ON trk USING gin (fp);
			SELECT neardup_track_clusters('trk', 'id', 'fp', 'cluster_id', 0.5);
			CREATE TABLE trc (id int PRIMARY KEY, fp fingerprint);
			INSERT INTO trc SELECT g, fingerprint(t.doc(g, 400, 0)) FROM generate_series(1, 20) g;
			CREATE INDEX ON trc USING gin (fp);
			SELECT neardup_track_clusters('trc', 'id', 'fp', 'cluster_id', 0.5, 0.5)" >/dev/null 2>"$work/err"
		ok $? "$label: tables tracked under $from, similarity only and with containment links" "$(cat "$work/err")"
	fi

	if [ "$from" = 0.5.0 ]; then
		# a table tracked under 0.5.0 with containment links (issue 15):
		# the update makes its functions again from 0.6.0's templates (one
		# link per similarity component).  d.brief(s, v) of
		# test/sql/briefs.sql: v = 1 article A1, 2 brief B (contained in
		# A1), 3 article A2, 4 variant B2 of B (contained in A2 only)
		psql -X -q -v ON_ERROR_STOP=1 -v doc_schema=d -d $db -c "SET client_min_messages = warning" -c "CREATE SCHEMA d" \
			-f "$root/test/sql/docs.sql" -f "$root/test/sql/briefs.sql" >/dev/null 2>"$work/err" &&
		q $db "CREATE TABLE tcb (id int PRIMARY KEY, fp fingerprint);
			INSERT INTO tcb SELECT g, fingerprint(d.doc(g, 200, 0)) FROM generate_series(1, 9) g;
			CREATE INDEX ON tcb USING gin (fp);
			CREATE INDEX ON tcb USING gin (cluster_band_keys(fp, true)) WITH (fastupdate = off);
			SELECT neardup_track_clusters('tcb', 'id', 'fp', 'cluster_id', 0.5, 0.5)" >/dev/null 2>"$work/err"
		ok $? "$label: a table tracked under $from with containment links" "$(cat "$work/err")"
	fi

	psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'ALTER EXTENSION neardup UPDATE' >"$work/update.log" 2>&1
	ok $? "$label: ALTER EXTENSION neardup UPDATE" "$(cat "$work/update.log")"
	sed 's/^/# update: /' "$work/update.log"
	is "$(q $db "SELECT extversion FROM pg_extension WHERE extname = 'neardup'")" "$to" "$label: ...now at $to"

	is "$(q $db "SELECT count(*) FROM (SELECT id, body, fp::text, fp5::text FROM docs EXCEPT SELECT * FROM t.data_before) s")" 0 "$label: stored fingerprints unchanged"
	is "$(q $db "SELECT count(*) FROM docs WHERE fp <> fingerprint(body) OR fp5 <> fingerprint(body, 5)")" 0 "$label: $to computes the same fingerprints as $from"
	is "$(q $db "SELECT count(*) FROM (SELECT a.id, b.id, similarity(a.fp, b.fp), containment(a.fp, b.fp), a.fp <-> b.fp, similarity(a.fp5, b.fp5)
		FROM docs a, docs b WHERE a.id <= 30 EXCEPT SELECT * FROM t.values_before) s")" 0 "$label: similarity, containment and <-> values unchanged"
	is "$(q $db "SELECT count(*) FROM (SELECT * FROM duplicate_clusters('docs', 'id', 'fp', 0.5) EXCEPT ALL SELECT * FROM t.clusters_before) s")" 0 "$label: duplicate_clusters unchanged"
	is "$(q $db "SELECT count(*) FROM (SELECT * FROM duplicate_clusters('docs', 'id', 'fp', 0.5, 0.6, 'longest') EXCEPT ALL SELECT * FROM t.clusters_cont_before) s")" 0 "$label: duplicate_clusters with containment links unchanged"

	if [ "$from" = 0.3.0 ]; then
		# its 0.3.0 trigger function still works, and is made again from
		# the current template (the fast path) on request
		for how in "after the update" "regenerated"; do
			if [ "$how" = regenerated ]; then
				q $db "SELECT neardup_track_regenerate_trigger('trk')" >/dev/null 2>"$work/err"
				ok $? "$label: neardup_track_regenerate_trigger('trk')" "$(cat "$work/err")"
			fi
			k=$((1000 + ${#how}))
			q $db "INSERT INTO trk VALUES ($k, 7, fingerprint(t.doc(7, 80, 23))), ($k + 1, -1, fingerprint(t.doc(700 + $k % 100, 80, 0)))" >/dev/null 2>"$work/err"
			is "$(q $db "SELECT (SELECT cluster_id FROM trk WHERE id = $k) = (SELECT cluster_id FROM trk WHERE id = 7)
				AND (SELECT cluster_id FROM trk WHERE id = $k + 1) NOT IN (SELECT cluster_id FROM trk WHERE id <> $k + 1)")" t \
				"$label: trigger $how: a new copy joins its story, a new story gets a new id" "$(cat "$work/err")"
		done
		is "$(q $db "SELECT pg_get_functiondef('trk_neardup_trigger'::regproc) LIKE '%at_least(NEW.fp%'")" t \
			"$label: ...and the regenerated trigger function has the fast path"
	fi
	if [ "$from" = 0.4.0 ]; then
		# the update made trk's generated functions again from the 0.5.0
		# templates; trc keeps its 0.4.0 ones (no band-key index) and says so
		is "$(q $db "SELECT pg_get_functiondef('trk_neardup_trigger'::regproc) LIKE '%cluster_band_keys%'
			AND pg_get_functiondef('trk_neardup_assign'::regproc) LIKE '%cluster_band_keys%'")" t \
			"$label: the update regenerated the generated functions of a similarity-only tracked table"
		q $db "INSERT INTO trk VALUES (1000, 7, fingerprint(t.doc(7, 80, 23))), (1001, -1, fingerprint(t.doc(777, 80, 0)))" >/dev/null 2>"$work/err"
		is "$(q $db "SELECT (SELECT cluster_id FROM trk WHERE id = 1000) = (SELECT cluster_id FROM trk WHERE id = 7)
			AND (SELECT cluster_id FROM trk WHERE id = 1001) NOT IN (SELECT cluster_id FROM trk WHERE id <> 1001)")" t \
			"$label: ...and its trigger works: a new copy joins its story, a new story gets a new id" "$(cat "$work/err")"
		grep -q "WARNING:  clusters of trc keep their 0.4.0 tracking functions" "$work/update.log"
		ok $? "$label: the update warns that trc (containment links, no band-key index) keeps its 0.4.0 functions" "$(cat "$work/update.log")"
		grep -q "HINT:  CREATE INDEX ON trc USING gin (public.cluster_band_keys(fp, true)) WITH (fastupdate = off); SELECT public.neardup_track_regenerate_trigger('trc');" "$work/update.log"
		ok $? "$label: ...with the index to make and the call to run as its hint"
		is "$(q $db "SELECT pg_get_functiondef('trc_neardup_trigger'::regproc) LIKE '%cluster_band_keys%'")" f "$label: ...and trc's trigger is 0.4.0's"
		ex="array_to_string((string_to_array(t.doc(3, 400, 0), ' '))[101:150], ' ')"
		q $db "INSERT INTO trc VALUES (100, fingerprint($ex))" >/dev/null 2>"$work/err"
		is "$(q $db "SELECT (SELECT cluster_id FROM trc WHERE id = 100) <> (SELECT cluster_id FROM trc WHERE id = 3)")" t \
			"$label: under 0.4.0's trigger an excerpt (resemblance below 0.2) does not find its source" "$(cat "$work/err")"
		q $db "SELECT neardup_track_regenerate_trigger('trc')" >/dev/null 2>"$work/err"
		is "$(sed -n 's/^ERROR:  \(.*\)/\1/p' "$work/err")" \
			"neardup_track_regenerate_trigger: containment links need a GIN index on cluster_band_keys(fp, true) of public.trc" \
			"$label: regenerating trc without the index is refused"
		q $db "CREATE INDEX ON trc USING gin (cluster_band_keys(fp, true)) WITH (fastupdate = off); SELECT neardup_track_regenerate_trigger('trc')" >/dev/null 2>"$work/err"
		ok $? "$label: with the index made, neardup_track_regenerate_trigger('trc')" "$(cat "$work/err")"
		q $db "DELETE FROM trc WHERE id = 100; INSERT INTO trc VALUES (101, fingerprint($ex))" >/dev/null 2>"$work/err"
		is "$(q $db "SELECT (SELECT cluster_id FROM trc WHERE id = 101) = (SELECT cluster_id FROM trc WHERE id = 3)")" t \
			"$label: ...and then the excerpt joins its source" "$(cat "$work/err")"
	fi
	if [ "$from" = 0.5.0 ]; then
		is "$(q $db "SELECT pg_get_functiondef('tcb_neardup_assign'::regproc) LIKE '%sim_k%'")" t \
			"$label: the update regenerated the generated functions of a table tracked with containment links"
		ok $(grep -q WARNING "$work/update.log" && echo 1 || echo 0) "$label: ...without a warning (it has its band-key index)" "$(cat "$work/update.log")"
		q $db "INSERT INTO tcb VALUES (11, fingerprint(d.brief(1, 1))); INSERT INTO tcb VALUES (12, fingerprint(d.brief(1, 2)));
			INSERT INTO tcb VALUES (13, fingerprint(d.brief(1, 3))); INSERT INTO tcb VALUES (14, fingerprint(d.brief(1, 4)))" >/dev/null 2>"$work/err"
		is "$(q $db "SELECT array_agg(id ORDER BY id) FROM tcb WHERE cluster_id = (SELECT cluster_id FROM tcb WHERE id = 12)")" "{11,12,14}" \
			"$label: ...and its trigger links the brief and its variant once: A2 stays apart, as in batch" "$(cat "$work/err")"
	fi
	check_indexes $db "$work/update.log"
	read -r nvalid nreported total < "$work/paths"
	is "$((nvalid + nreported))" "$total" "$label: every one of the $total indexes took one path ($nvalid still valid, $nreported reported and reindexed)"

	is "$(q $db "SELECT count(*) FROM pg_operator o JOIN pg_depend d ON d.objid = o.oid AND d.deptype = 'e'
		WHERE o.oprcode = 0")" 0 "$label: no shell operators left in the extension"
	is "$(q $db "SELECT NOT (fingerprint(text 'a b c') OPERATOR($schema.=) fingerprint(text 'a b c'))")" f "$label: NOT (a = b) works after the update"

	q $fresh "CREATE EXTENSION neardup SCHEMA $schema" >/dev/null
	members $db > "$work/updated.txt"; members $fresh > "$work/fresh.txt"
	d=$(diff "$work/fresh.txt" "$work/updated.txt"); ok $? "$label: updated $from holds the same $(wc -l < "$work/fresh.txt") objects as a fresh $to install" "$d"
	dropdb_ $db; dropdb_ $fresh
done

# Self-check of the second path: an index the "update" marked invalid and
# reported must be taken through REINDEX; one marked invalid but not
# reported must fail the check.
db=neardup_inst_up
newdb $db
q $db "CREATE EXTENSION neardup" >/dev/null; helpers $db >/dev/null; fill $db >/dev/null
q $db "SELECT t.record('before')" >/dev/null
q $db "UPDATE pg_index SET indisvalid = false WHERE indexrelid IN ('gin_default_idx'::regclass, 'gin_opts_idx'::regclass)" >/dev/null
printf 'WARNING:  index public.gin_default_idx uses gin_fingerprint_ops, whose keys changed\nHINT:  REINDEX INDEX public.gin_default_idx;\n' > "$work/fake.log"
before_fails=$fails; before_n=$n
check_indexes $db "$work/fake.log" > "$work/self.tap"
read -r nvalid nreported total < "$work/paths"
self_fails=$((fails - before_fails)); fails=$before_fails; n=$before_n
is "$nvalid $nreported" "4 2" "self-check: two indexes marked invalid take the reported path, four the valid path"
is "$(grep -c '^not ok' "$work/self.tap")" 1 "self-check: exactly the unreported invalid index fails" "$(cat "$work/self.tap")"
grep -q "^not ok.*gin_opts_idx.*not reported" "$work/self.tap"; ok $? "self-check: ...and it is gin_opts_idx"
grep -q "^ok.*gin_default_idx.*hint REINDEX INDEX public.gin_default_idx" "$work/self.tap"; ok $? "self-check: the reported one passes through its REINDEX"
is "$(q $db "SELECT count(*) FROM t.nd_indexes WHERE NOT valid")" 0 "self-check: both are valid after their REINDEX"
dropdb_ $db

finish install-upgrade
