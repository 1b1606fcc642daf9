# test/install/lib.sh -- TAP helpers for the install, upgrade, dump/restore
# and install-safety suites (sourced).  They run against the server that
# PGHOST/PGPORT/PGUSER name (a superuser; tools/test sets them) and create
# and drop their own databases, all named neardup_inst_*.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=0; fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fails=$((fails + 1)); echo "not ok $n - $2"; [ -n "${3:-}" ] && printf '%s\n' "$3" | head -40 | sed 's/^/#   /'; fi; return 0; }
is() { if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3" "got:      $1
expected: $2"; fi; }
# q DB SQL: one query, unaligned tuples only; errors go to stderr.
q() { psql -X -qtA -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
# qs DB: a script on stdin, output as q's.
qs() { psql -X -qtA -v ON_ERROR_STOP=1 -d "$1"; }
newdb() { psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 ${2:-}" >/dev/null; }
dropdb_() { psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1 || true; }
# finish NAME: the TAP plan and the summary line tools/test counts.
finish() { echo "1..$n"; echo "$1: $((n - fails)) passed, $fails failed"; [ "$fails" -eq 0 ]; }

# members DB: every member of the extension, described with its defining
# properties (so two installs can be compared as text): the object, and
# for functions their signature, volatility, strictness, parallel safety,
# C symbol and comment; for operators their links and estimators; for
# opclasses their operators and support functions.
members() {
	qs "$1" <<'SQL'
WITH m AS (
	SELECT d.classid, d.objid, d.objsubid
	  FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'neardup')
SELECT pg_describe_object(m.classid, m.objid, m.objsubid)
	|| coalesce(' | ' || (SELECT concat_ws(' ', p.provolatile, p.proisstrict, p.proparallel, p.proleakproof,
			p.prorettype::regtype, p.prosrc, p.probin, p.prorows, p.proretset, p.prokind,
			pg_get_function_arguments(p.oid))
		FROM pg_proc p WHERE m.classid = 'pg_proc'::regclass AND p.oid = m.objid), '')
	|| coalesce(' | ' || (SELECT concat_ws(' ', o.oprcode::regproc, o.oprcom::regoperator, o.oprnegate::regoperator,
			o.oprrest, o.oprjoin, o.oprcanhash, o.oprcanmerge)
		FROM pg_operator o WHERE m.classid = 'pg_operator'::regclass AND o.oid = m.objid), '')
	|| coalesce(' | ' || (SELECT concat_ws(' ', t.typlen, t.typalign, t.typstorage, t.typinput, t.typoutput,
			t.typreceive, t.typsend)
		FROM pg_type t WHERE m.classid = 'pg_type'::regclass AND t.oid = m.objid), '')
	|| coalesce(' | ' || (SELECT string_agg(x, ', ' ORDER BY x) FROM (
			SELECT format('op %s %s %s', a.amopstrategy, a.amopopr::regoperator, a.amopsortfamily) AS x
			  FROM pg_amop a JOIN pg_opclass c ON c.opcfamily = a.amopfamily
			 WHERE c.oid = m.objid
			UNION ALL
			SELECT format('fn %s %s', a.amprocnum, a.amproc::regprocedure)
			  FROM pg_amproc a JOIN pg_opclass c ON c.opcfamily = a.amprocfamily
			 WHERE c.oid = m.objid) s
		 WHERE m.classid = 'pg_opclass'::regclass), '')
	|| coalesce(' | ' || obj_description(m.objid, (SELECT relname FROM pg_class WHERE oid = m.classid)), '')
  FROM m
 ORDER BY 1;
SQL
}
