#!/usr/bin/env bash
# test/install/safety.sh -- install safety in the manner of CVE-2018-1058
# and CVE-2020-14350: an unprivileged role (nd_mallory) owns a schema
# searched first, holding look-alikes of the core's and of neardup's
# functions and operators that log every call and return plausible values.
#
#   1. Objects pre-created by that role in the target schema make CREATE
#      EXTENSION fail instead of being taken over (no CREATE OR REPLACE).
#   2. CREATE EXTENSION and ALTER EXTENSION UPDATE with the hostile schema
#      first in search_path (even before pg_catalog) use none of its
#      objects: nothing of neardup depends on it, nothing was called.
#   3. With look-alikes of neardup's own functions and operators on its
#      types there, duplicate_clusters, tools/neardup-load and
#      tools/neardup-report call none of them and give the clean answers.
# Prints TAP, last line "install-safety: N passed, M failed".
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/neardup-safety.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
db=neardup_inst_safe
role=nd_mallory
newdb $db
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role NOLOGIN" >/dev/null
q $db "CREATE SCHEMA evil AUTHORIZATION $role; GRANT USAGE ON SCHEMA evil TO PUBLIC;
	CREATE SCHEMA shared; GRANT CREATE, USAGE ON SCHEMA shared TO $role" >/dev/null

# 1. Pre-created objects in the target schema.
for obj in "FUNCTION shared.normalize_text(text) RETURNS text LANGUAGE sql AS 'SELECT \$1'" \
	"FUNCTION shared.split_articles(dump text) RETURNS int LANGUAGE sql AS 'SELECT 1'" \
	"TYPE shared.fingerprint AS (x int)" \
	"FUNCTION shared.passage_hashes(text) RETURNS bigint[] LANGUAGE sql AS 'SELECT ARRAY[1::bigint]'"; do
	name=$(sed 's/^[A-Z]* shared\.\([a-z_]*\).*/\1/' <<<"$obj")
	q $db "SET ROLE $role; CREATE $obj" >/dev/null
	out=$(q $db "CREATE EXTENSION neardup SCHEMA shared" 2>&1); rc=$?
	ok $([ $rc -ne 0 ]; echo $?) "a $name pre-created by $role in the target schema: CREATE EXTENSION fails" "$out"
	case "$out" in *"already exists"*) ok 0 "...saying it already exists";; *) ok 1 "...saying it already exists" "$out";; esac
	is "$(q $db "SELECT count(*) FROM pg_extension WHERE extname = 'neardup'")|$(q $db "SELECT (SELECT count(*) FROM pg_proc WHERE proname = '$name' AND proowner = '$role'::regrole) + (SELECT count(*) FROM pg_type WHERE typname = '$name' AND typowner = '$role'::regrole)")" "0|1" \
		"...and $role's $name is left as it was"
	q $db "DROP $(cut -d'(' -f1 <<<"$obj" | sed 's/ AS$//; s/^TYPE \(.*\) AS .*/TYPE \1/') $(grep -o '^FUNCTION [^ ]*(\([a-z ]*\))' <<<"$obj" | grep -o '(.*)' || true) CASCADE" >/dev/null 2>&1 \
		|| q $db "DROP TYPE IF EXISTS shared.$name CASCADE; DROP FUNCTION IF EXISTS shared.$name CASCADE" >/dev/null
done

# Look-alikes of core objects, owned by the role: each logs its call.
qs $db >/dev/null <<SQL
SET ROLE $role;
CREATE TABLE evil.calls (what text);
GRANT INSERT, SELECT ON evil.calls TO PUBLIC;
CREATE FUNCTION evil.btint4cmp(int4, int4) RETURNS int LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('btint4cmp'); RETURN pg_catalog.btint4cmp(\$1, \$2); END\$\$;
CREATE FUNCTION evil.lower(varchar) RETURNS text LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('lower'); RETURN pg_catalog.lower(\$1::text); END\$\$;
CREATE FUNCTION evil.texteq(text, text) RETURNS bool LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('text ='); RETURN pg_catalog.texteq(\$1, \$2); END\$\$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE FUNCTION evil.oideq(oid, oid) RETURNS bool LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('oid ='); RETURN pg_catalog.oideq(\$1, \$2); END\$\$;
CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.oideq);
CREATE OPERATOR evil.< (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.oideq);
CREATE FUNCTION evil.format(text, text) RETURNS text LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('format'); RETURN 'x'; END\$\$;
SQL
calls() { q $db "SELECT coalesce(string_agg(what, ', '), 'none') FROM evil.calls"; }
core_deps() { q $db "SELECT count(*) FROM pg_depend d JOIN pg_depend m ON m.classid = d.classid AND m.objid = d.objid AND m.deptype = 'e'
	AND m.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
	WHERE (d.refclassid = 'pg_proc'::regclass AND d.refobjid IN (SELECT oid FROM pg_proc WHERE pronamespace = 'evil'::regnamespace))
	   OR (d.refclassid = 'pg_operator'::regclass AND d.refobjid IN (SELECT oid FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace))"; }

# 2. Install and update with the hostile schema first.
for how in "CREATE EXTENSION neardup SCHEMA public VERSION '0.1.0'|ALTER EXTENSION neardup UPDATE" "CREATE EXTENSION neardup SCHEMA public"; do
	q $db "DROP EXTENSION IF EXISTS neardup CASCADE; TRUNCATE evil.calls" >/dev/null 2>&1
	IFS='|' read -ra steps <<<"$how"
	for step in "${steps[@]}"; do
		out=$(q $db "SET search_path = evil, pg_catalog, public; $step" 2>&1); ok $? "search_path = evil, pg_catalog, public: $step" "$out"
	done
	is "$(calls)" none "...calls none of $role's functions"
	is "$(core_deps)" 0 "...and nothing of neardup depends on them"
done

# 3. Look-alikes of neardup's own objects, on its types.
qs $db >/dev/null <<SQL
SET ROLE $role;
CREATE FUNCTION evil.similarity(public.fingerprint, public.fingerprint) RETURNS real LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('similarity'); RETURN 1; END\$\$;
CREATE FUNCTION evil.fp_op(public.fingerprint, public.fingerprint) RETURNS bool LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('fingerprint op'); RETURN true; END\$\$;
CREATE OPERATOR evil.% (LEFTARG = public.fingerprint, RIGHTARG = public.fingerprint, FUNCTION = evil.fp_op);
CREATE OPERATOR evil.= (LEFTARG = public.fingerprint, RIGHTARG = public.fingerprint, FUNCTION = evil.fp_op);
CREATE FUNCTION evil.fingerprint(text) RETURNS public.fingerprint LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('fingerprint'); RETURN public.fingerprint(\$1 || ' tampered'); END\$\$;
CREATE FUNCTION evil.fingerprint(varchar) RETURNS public.fingerprint LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('fingerprint varchar'); RETURN public.fingerprint(\$1 || ' tampered'); END\$\$;
CREATE FUNCTION evil.split_articles(varchar) RETURNS SETOF record LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('split_articles'); END\$\$;
CREATE FUNCTION evil.int8(int4) RETURNS int8 LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO evil.calls VALUES ('int8'); RETURN \$1; END\$\$;
SQL
q $db "TRUNCATE evil.calls; CREATE TABLE docs AS SELECT g AS id, fingerprint('story ' || (g % 30) || ' of the harbour plan and the channel') AS fp FROM generate_series(1, 200) g" >/dev/null
clean=$(q $db "SELECT md5(string_agg(key || ',' || cluster_id, ';' ORDER BY key)) FROM duplicate_clusters('docs', 'id', 'fp', 0.5)")
hostile=$(q $db "SET search_path = evil, pg_catalog, public; SELECT md5(string_agg(key || ',' || cluster_id, ';' ORDER BY key)) FROM public.duplicate_clusters('docs', 'id', 'fp', 0.5)")
is "$hostile" "$clean" "duplicate_clusters with search_path = evil, pg_catalog, public: the clean clusters"
is "$(calls)" none "...calling none of $role's functions"

export PGDATABASE=$db
for path in "evil, public" "evil, pg_catalog, public"; do
	q $db "SET client_min_messages = warning; TRUNCATE evil.calls; DROP TABLE IF EXISTS articles, articles_files CASCADE" >/dev/null
	out=$(PGOPTIONS="-c search_path=$(sed 's/ //g' <<<"$path")" "$root/tools/neardup-load" -q -d $db -t public.articles "$root/samples" 2>&1); ok $? "tools/neardup-load with search_path = $path" "$out"
	is "$(q $db "SELECT count(*) FROM public.articles WHERE fp IS DISTINCT FROM public.fingerprint(body)")|$(q $db "SELECT count(*) > 0 FROM public.articles")" "0|t" "...loads into public.articles with neardup's fingerprint(body)"
	is "$(calls)" none "...calling none of $role's functions"
	q $db "TRUNCATE evil.calls" >/dev/null
	out=$(PGOPTIONS="-c search_path=$(sed 's/ //g' <<<"$path")" "$root/tools/neardup-report" -d $db -t public.articles -o "$work/report.html" 2>&1); ok $? "tools/neardup-report with search_path = $path" "$out"
	is "$(calls)" none "...calling none of $role's functions"
done

dropdb_ $db
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
finish install-safety
