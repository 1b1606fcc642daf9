-- Catalog properties of every object the extension installs.
BEGIN;
SELECT plan(9);

SELECT has_extension('neardup');
SELECT has_function('split_articles', ARRAY['text']);
SELECT function_returns('split_articles', ARRAY['text'], 'setof record');
SELECT volatility_is('split_articles', ARRAY['text'], 'immutable');
SELECT is_strict('split_articles', ARRAY['text']);

-- Every function of the extension is PARALLEL SAFE except
-- boilerplate_passages, connected_components, duplicate_clusters,
-- search_lists_collect, search_stories and similar_stories, which read
-- tables (RESTRICTED), and the cluster-tracking and search-list functions
-- that take locks or write (UNSAFE).
SELECT is(
	(SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text COLLATE "C")
	   FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
	  WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
	    AND d.deptype = 'e' AND p.proparallel <> 's'),
	ARRAY['boilerplate_passages(regclass,name,name,name,real,name,integer,real)',
	      'connected_components(text)',
	      'duplicate_clusters(regclass,name,name,real,real,text,name,integer,integer,real)',
	      'neardup_recluster(regclass)',
	      'neardup_settle(regclass,integer)',
	      'neardup_track_clusters(regclass,name,name,name,real,real)',
	      'neardup_track_lock(oid,fingerprint)',
	      'neardup_track_lock_all(oid,fingerprint[])',
	      'neardup_track_on_drop()',
	      'neardup_track_regenerate_trigger(regclass)',
	      'neardup_untrack_clusters(regclass)',
	      'search_lists_build(regclass,name,name,integer,integer)',
	      'search_lists_collect(regclass,name,name,integer,text[])',
	      'search_lists_drop(regclass)',
	      'search_lists_trigger()',
	      'search_stories(regclass,text,integer,name,name,name,name,regconfig,name,regclass,name,integer,text,boolean,boolean)',
	      'similar_stories(regclass,bigint,integer,name,name,name,name,regclass,real,integer)'],
	'every neardup function but boilerplate_passages, connected_components, duplicate_clusters, search_stories, similar_stories and the tracking and search-list ones is PARALLEL SAFE');

SELECT is(
	(SELECT array_agg(p.oid::regprocedure::text ORDER BY 1)
	   FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
	  WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'neardup')
	    AND d.deptype = 'e' AND obj_description(p.oid, 'pg_proc') IS NULL),
	NULL,
	'every neardup function has a comment');

SELECT is(
	(SELECT array_agg(a.attname::text ORDER BY a.attnum)
	   FROM unnest(ARRAY['ordinal','title','subtitle','caption','body','byline','layout','start_pos','char_length']) WITH ORDINALITY a(attname, attnum)),
	(SELECT array_agg(n ORDER BY o)
	   FROM pg_proc p, unnest(p.proargnames) WITH ORDINALITY u(n, o)
	  WHERE p.oid = 'split_articles(text)'::regprocedure AND o > 1),
	'split_articles output columns in contract order');

SELECT is((SELECT count(*) FROM split_articles(NULL::text)), 0::bigint,
	'STRICT: NULL dump gives no rows');

SELECT * FROM finish();
ROLLBACK;
