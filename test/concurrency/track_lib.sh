# test/concurrency/track_lib.sh -- shared by the cluster-tracking
# concurrency tests; source it from the repository root.
#   track_setup DB [VERSION]  (re)creates DB with neardup (VERSION, else the
#                             default), doc() of test/sql/docs.sql and a
#                             table `tracked` (id, story, fp) of 200 old
#                             stories (story -1 .. -200), GIN-indexed and
#                             tracked at similarity 0.5
track_setup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null 2>&1
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -v doc_schema=public 2>&1 <<SQL
SET client_min_messages = warning;
CREATE EXTENSION neardup ${2:+VERSION '$2'};
\\i test/sql/docs.sql
CREATE TABLE tracked (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, story int, fp fingerprint);
INSERT INTO tracked (story, fp) SELECT -g, fingerprint(doc(g, 100, 0)) FROM generate_series(1, 200) g;
CREATE INDEX ON tracked USING gin (fp);
SELECT neardup_track_clusters('tracked', 'id', 'fp', 'cluster_id', 0.5);
SQL
}
