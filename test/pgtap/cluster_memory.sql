-- duplicate_clusters holds its memory to maintenance_work_mem: it fails
-- with a clear error (errcode 54000) before allocating past the limit, and
-- succeeds on the same rows when the limit allows them.
BEGIN;
SELECT plan(3);

CREATE TEMP TABLE cm (id int PRIMARY KEY, fp fingerprint);
INSERT INTO cm SELECT g, fingerprint('w' || g || ' x' || g % 7 || ' y' || g % 13 || ' z' || g % 5)
  FROM generate_series(1, 20000) g;

SET LOCAL maintenance_work_mem = '1MB';
SELECT throws_ok($$SELECT count(*) FROM duplicate_clusters('cm', 'id', 'fp')$$,
				 '54000', 'duplicate_clusters needs more memory than maintenance_work_mem allows',
				 '20,000 rows do not fit in 1 MB: program_limit_exceeded');
SELECT throws_matching($$SELECT count(*) FROM duplicate_clusters('cm', 'id', 'fp')$$,
					   'maintenance_work_mem',
					   'the message names the setting to raise');
SET LOCAL maintenance_work_mem = '64MB';
SELECT is((SELECT count(*) FROM duplicate_clusters('cm', 'id', 'fp'))::int, 20000,
		  'the same rows cluster within 64 MB');

SELECT * FROM finish();
ROLLBACK;
