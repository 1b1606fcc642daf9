-- test/sql/shared_dumps.sql -- the three real scraped dumps of
-- ../shared/dumps as the temp table d (name, content), byte-exact:
-- psql's backquotes drop a final newline, so each command prints an x
-- after the file, which left(..., -1) removes.  \i it from the repository
-- root, inside \if :shared (the folder may be missing).
CREATE TEMP TABLE d (name text PRIMARY KEY, content text);
\set c0 `cat ../shared/dumps/000_7e0565da9356d275.txt; printf x`
\set c1 `cat ../shared/dumps/001_b7151a86ead9373e.txt; printf x`
\set c2 `cat ../shared/dumps/002_9a58fa54104eb1a7.txt; printf x`
INSERT INTO d VALUES ('000', left(:'c0', -1)), ('001', left(:'c1', -1)), ('002', left(:'c2', -1));
