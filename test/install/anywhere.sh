#!/usr/bin/env bash
# test/install/anywhere.sh -- neardup installed in a schema other than
# public (issue 13, defect 1), with public searched first.
#
# Checks that nothing of neardup lands in public, that every operator's
# commutator and negator is neardup's own, that NOT (a = b) and the
# commuted q % fp (through the GIN index) work, then runs the whole pgTAP
# suite (test/pgtap) in that database.  Prints TAP, last line
# "install-anywhere: N passed, M failed".
source "$(dirname "$0")/lib.sh"
cd "$root"
schema='"Near Dup"'
db=neardup_inst_any
setup() {	# setup DB: neardup in $schema, public searched first
	newdb "$1" "${2:-}"
	# as a DBA would: every role may use the schema (as public's USAGE)
	q "$1" "CREATE SCHEMA $schema; GRANT USAGE ON SCHEMA $schema TO PUBLIC; CREATE EXTENSION neardup SCHEMA $schema;
		ALTER DATABASE $1 SET search_path = public, $schema" >/dev/null
}
setup $db
q $db "CREATE EXTENSION pgtap SCHEMA public" >/dev/null

is "$(q $db "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'neardup'
	WHERE d.deptype = 'e' AND 'public'::regnamespace IN (
		(SELECT pronamespace FROM pg_proc WHERE d.classid = 'pg_proc'::regclass AND oid = d.objid),
		(SELECT oprnamespace FROM pg_operator WHERE d.classid = 'pg_operator'::regclass AND oid = d.objid),
		(SELECT typnamespace FROM pg_type WHERE d.classid = 'pg_type'::regclass AND oid = d.objid),
		(SELECT opcnamespace FROM pg_opclass WHERE d.classid = 'pg_opclass'::regclass AND oid = d.objid),
		(SELECT opfnamespace FROM pg_opfamily WHERE d.classid = 'pg_opfamily'::regclass AND oid = d.objid))")" 0 \
	"no member of neardup in schema public"
is "$(q $db "SELECT count(*) FROM pg_operator WHERE oprnamespace = 'public'::regnamespace")" 0 "no (shell) operator in public"
is "$(q $db "SELECT count(*) FROM pg_operator o WHERE o.oprnamespace = '$schema'::regnamespace
	AND ((o.oprcom <> 0 AND (SELECT oprnamespace FROM pg_operator c WHERE c.oid = o.oprcom) <> o.oprnamespace)
	  OR (o.oprnegate <> 0 AND (SELECT oprnamespace FROM pg_operator c WHERE c.oid = o.oprnegate) <> o.oprnamespace))")" 0 \
	"every commutator and negator is in neardup's schema"
is "$(q $db "SELECT count(*) FROM pg_operator WHERE oprnamespace = '$schema'::regnamespace AND oprcom = 0 AND oprname IN ('%', '<->', '<%', '%>', '=', '<>', '<', '<=', '>', '>=')")" 0 \
	"every operator has its commutator"
is "$(q $db "SELECT NOT (fingerprint(text 'a b c') OPERATOR($schema.=) fingerprint(text 'a b d')),
	NOT (fingerprint(text 'a b c') = fingerprint(text 'a b c'))")" "t|f" "NOT (a = b) works (was: cache lookup failed for function 0)"
q $db "CREATE TABLE docs AS SELECT g AS id, fingerprint(repeat('w' || g || ' ', 3) || 'common words here and there') AS fp FROM generate_series(1, 2000) g;
	CREATE INDEX docs_fp ON docs USING gin (fp); ANALYZE docs" >/dev/null
plan=$(q $db "SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE (SELECT fp FROM docs WHERE id = 1) % fp")
case "$plan" in *docs_fp*) ok 0 "the commuted form q % fp uses the GIN index";; *) ok 1 "the commuted form q % fp uses the GIN index" "$plan";; esac
is "$(q $db "SET neardup.similarity_threshold = 0.3; SET enable_seqscan = off;
	SELECT string_agg(id::text, ',' ORDER BY id) FROM docs WHERE (SELECT fp FROM docs WHERE id = 1) % fp")" \
	"$(q $db "SET neardup.similarity_threshold = 0.3; SET enable_seqscan = off;
	SELECT string_agg(id::text, ',' ORDER BY id) FROM docs WHERE fp % (SELECT fp FROM docs WHERE id = 1)")" \
	"...and returns the rows of fp % q through the index"

# The pgTAP suite, with the databases test/pgtap/determinism.sql reaches
# made the same way (tools/test recreates them for its own run).
for spec in "neardup_tap_c UTF8 C" "neardup_tap_latin1 LATIN1 C" "neardup_tap_tr UTF8 tr_TR.UTF-8"; do
	set -- $spec
	setup "$1" "TEMPLATE template0 ENCODING '$2' LOCALE '$3'" 2>/dev/null || echo "# no database with locale $3 ($1)"
done
log=$(mktemp "${TMPDIR:-/tmp}/neardup-anywhere.XXXXXX")
trap 'rm -f "$log"' EXIT
pg_prove -d $db --ext .sql -r test/pgtap > "$log" 2>&1
rc=$?
sed 's/^/# pg_prove: /' "$log"
nfiles=0
while read -r f; do
	nfiles=$((nfiles + 1))
	if grep -qE "^$f \.+ ok" "$log"; then ok 0 "pgTAP $f with neardup in schema $schema"
	else ok 1 "pgTAP $f with neardup in schema $schema" "$(grep -A20 "^$f " "$log")"; fi
done < <(find test/pgtap -name '*.sql' | sort)
ok $([ "$nfiles" -gt 0 ] && [ "$rc" = 0 ]; echo $?) "pg_prove: $(grep -E '^(Files|Result)' "$log" | tr '\n' ' ')"
for d in $db neardup_tap_c neardup_tap_latin1 neardup_tap_tr; do dropdb_ $d; done
finish install-anywhere
