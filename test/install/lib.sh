# test/install/lib.sh -- TAP helpers for the install, upgrade, dump/restore
# and install-safety suites (sourced).  They run against the server that
# PGHOST/PGPORT/PGUSER name (a superuser; tools/test sets them) and create
# and drop their own databases, all named neardup_inst_*.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
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

# fill_all DB SCHEMA: neardup installed in SCHEMA and a table arts using
# every kind of neardup object: fingerprint columns (plain, shingle size 5,
# generated), GIN (default and with options), GiST (siglen), btree, hash,
# passage-hash GIN and expression indexes, a view using % and similarity,
# a CHECK calling neardup, a materialized view of duplicate_clusters.
fill_all() {
	local schema=$2
	qs "$1" <<SQL
CREATE EXTENSION neardup SCHEMA $schema;
SET search_path = public, $schema;
CREATE TABLE arts (
	id int PRIMARY KEY,
	body text NOT NULL CHECK (normalize_text(body) <> ''),
	fp fingerprint,
	fp5 fingerprint,
	fpg fingerprint GENERATED ALWAYS AS (fingerprint(body, 4)) STORED,
	ph bigint[]);
INSERT INTO arts (id, body)
	SELECT g, 'Story ' || (g % 40) || ' ' || repeat('about the harbour and the channel and the plan number ' || (g % 40) || ' ', 3)
	       || CASE WHEN g % 3 = 0 THEN ' with an extra sentence ' || g ELSE '' END
	  FROM generate_series(1, 300) g;
UPDATE arts SET fp = fingerprint(body), fp5 = fingerprint(body, 5), ph = passage_hashes(body);
CREATE INDEX arts_gin ON arts USING gin (fp);
CREATE INDEX arts_gin_opts ON arts USING gin (fp5 gin_fingerprint_ops (bands = 32, rows = 1));
CREATE INDEX arts_gist ON arts USING gist (fp gist_fingerprint_ops (siglen = 256));
CREATE INDEX arts_btree ON arts (fp);
CREATE INDEX arts_hash ON arts USING hash (fp);
CREATE INDEX arts_ph ON arts USING gin (ph);
CREATE INDEX arts_expr ON arts USING gin (fingerprint(body, 2));
CREATE VIEW similar_pairs AS
	SELECT a.id AS a, b.id AS b, round(similarity(a.fp, b.fp)::numeric, 4) AS sim
	  FROM arts a JOIN arts b ON a.id < b.id AND a.fp % b.fp;
CREATE MATERIALIZED VIEW mv_clusters AS SELECT * FROM duplicate_clusters('arts', 'id', 'fp', 0.5);
CREATE INDEX ON mv_clusters (cluster_id);
ANALYZE;
SQL
}

# digest DB: everything that must survive a dump and restore, as text.
digest() {
	qs "$1" <<'SQL'
SELECT 'row ' || id || ' ' || md5(body) || ' ' || fp::text || ' ' || fp5::text || ' ' || fpg::text || ' ' || ph::text FROM arts ORDER BY id;
SELECT 'index ' || indexrelid::regclass || ' ' || pg_get_indexdef(indexrelid) || ' ' || indisvalid
  FROM pg_index WHERE indrelid IN ('arts'::regclass, 'mv_clusters'::regclass) ORDER BY 1;
SELECT 'view ' || pg_get_viewdef('similar_pairs'::regclass);
SELECT 'check ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'arts'::regclass ORDER BY 1;
SELECT 'pairs ' || count(*) || ' ' || md5(string_agg(a || ',' || b || ',' || sim, ';' ORDER BY a, b)) FROM similar_pairs;
SELECT 'clusters ' || md5(string_agg(key || ',' || cluster_id || ',' || is_representative, ';' ORDER BY key)) FROM mv_clusters;
SELECT 'extension ' || extversion || ' ' || extnamespace::regnamespace FROM pg_extension WHERE extname = 'neardup';
SQL
	# answers through each index, the sequential scan off
	for query in "fp % (SELECT fp FROM arts WHERE id = 7)" "fp5 % (SELECT fp5 FROM arts WHERE id = 7)" \
		"fp = (SELECT fp FROM arts WHERE id = 7)" "ph && (SELECT ph FROM arts WHERE id = 7)" \
		"fingerprint(body, 2) % (SELECT fingerprint(body, 2) FROM arts WHERE id = 7)"; do
		echo "answer $query: $(q "$1" "SET enable_seqscan = off; SET neardup.similarity_threshold = 0.3;
			SELECT string_agg(id::text, ',' ORDER BY id) FROM arts WHERE $query")"
	done
	echo "knn: $(q "$1" "SET enable_seqscan = off; SELECT string_agg(round((fp <-> (SELECT fp FROM arts WHERE id = 7))::numeric, 5)::text, ',')
		FROM (SELECT fp FROM arts ORDER BY fp <-> (SELECT fp FROM arts WHERE id = 7) LIMIT 8) s")"
}

