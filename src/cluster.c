/*-------------------------------------------------------------------------
 *
 * cluster.c
 *	  duplicate_clusters(rel, key_column, fp_column, ...): every row of a
 *	  table with the near-duplicate cluster it belongs to.
 *
 * The clustering itself (LSH candidates, verification, union-find,
 * representatives) is src/core/cluster.c.  This file checks the arguments,
 * reads (key, fingerprint) from the table through SPI as the calling
 * user, so privileges and row-level security apply, and puts the result
 * into a tuplestore.
 *
 * Safety.  The table and column names never reach the query as text the
 * user wrote: the table is a regclass (an OID), the columns are looked up
 * in the catalog by name, and the query is built from the catalog's names
 * with quote_identifier/quote_qualified_identifier.
 *
 * Phases, over one ClusterBuild state (in the manner of pgvector's
 * hnswbuild.c): resolve and check the arguments; read keys and sketches;
 * order the rows by key; cluster (candidate pairs, verification, unions
 * and containment links: nd_cluster_run); representatives; emit.
 *
 * Memory.  Every row's sketch (528 bytes) is kept in memory, in chunks,
 * with bookkeeping: CLUSTER_ROW_BYTES a row at the peak, about 600 MB for
 * a million rows, freed before the function returns.  The total is held
 * to maintenance_work_mem, checked as rows are read, so a call fails with
 * the setting to raise before it allocates past it.  The result rows go to
 * a tuplestore, which spills to disk past work_mem.
 *
 * Determinism.  Rows are sorted by key before clustering, so the result
 * depends on the table's contents and the arguments only, never on its
 * physical order or the plan.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "neardup.h"
#include "cluster.h"

PG_FUNCTION_INFO_V1(duplicate_clusters);

#define CLUSTER_NATTS 5
#define FETCH_ROWS 10000
#define CHUNK_ROWS 4096

/*
 * Bytes a row costs at the peak: its sketch, its KeyRow (twice while the
 * array doubles), the sketch pointer and key, union-find (5), the core's
 * scratch (nd_cluster_work_size: 24) and the four result arrays (16).
 */
#define CLUSTER_ROW_BYTES \
	(sizeof(NdSketch) + 2 * sizeof(KeyRow) + sizeof(NdSketch *) + \
	 sizeof(int64) + 5 + 24 + 16)

/* One row as read: its key and where its sketch went. */
typedef struct KeyRow
{
	int64		key;
	uint32		row;			/* read order: chunk row / CHUNK_ROWS */
} KeyRow;

/* What the error context callback reports. */
typedef struct ReadState
{
	const char *relname;
	bool		have_key;
	int64		key;
} ReadState;

static void
read_error_context(void *arg)
{
	ReadState  *st = (ReadState *) arg;

	if (st->have_key)
		errcontext("duplicate_clusters reading the row with key " INT64_FORMAT " of %s",
				   st->key, st->relname);
	else
		errcontext("duplicate_clusters reading %s", st->relname);
}

static int
keyrow_cmp(const void *a, const void *b)
{
	int64		x = ((const KeyRow *) a)->key,
				y = ((const KeyRow *) b)->key;

	return x < y ? -1 : x > y;
}

static void *
alloc_huge(MemoryContext cxt, Size size)
{
	return MemoryContextAllocExtended(cxt, size > 0 ? size : 1, MCXT_ALLOC_HUGE);
}

/*
 * The OID of neardup's fingerprint type: the one in the schema of the
 * function being called (the extension's schema), whatever search_path
 * says.
 */
static Oid
fingerprint_type_oid(FunctionCallInfo fcinfo)
{
	Oid			nsp = get_func_namespace(fcinfo->flinfo->fn_oid);
	Oid			typoid;

	typoid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
							 CStringGetDatum("fingerprint"),
							 ObjectIdGetDatum(nsp));
	if (!OidIsValid(typoid))
		elog(ERROR, "type fingerprint of extension neardup not found");
	return typoid;
}

/*
 * The attribute number of column colname of relid, whose type (or the
 * base type of its domain) must pass the check done by the caller.
 */
static AttrNumber
column_attnum(Oid relid, const char *relname, const char *colname,
			  const char *argname)
{
	AttrNumber	attnum = get_attnum(relid, colname);

	if (attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation %s does not exist",
						colname, relname),
				 errhint("Pass the name of an existing column as %s.", argname)));
	return attnum;
}

/* A threshold argument in (0, 1], or the GUC's value when NULL. */
static float4
threshold_arg(FunctionCallInfo fcinfo, int argno, double guc, const char *what)
{
	float4		v = PG_ARGISNULL(argno) ? (float4) guc : PG_GETARG_FLOAT4(argno);

	if (!(v > 0.0f && v <= 1.0f))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s threshold must be greater than 0 and at most 1, not %g",
						what, (double) v),
				 errhint("Pass a threshold such as 0.5.")));
	return v;
}

/* Everything one call of duplicate_clusters works on, phase by phase. */
typedef struct ClusterBuild
{
	/* arguments, resolved */
	Oid			relid;
	char	   *keycol;
	char	   *fpcol;
	char	   *qualname;
	NdEdgeRule	rule;
	NdRepRule	reprule;
	Size		mem_limit;		/* bytes: maintenance_work_mem */

	MemoryContext cxt;			/* everything below lives here */

	/* read: sketches in chunks of CHUNK_ROWS, keys in read order */
	NdSketch  **chunks;
	int			nchunks;
	int			maxchunks;
	KeyRow	   *rows;
	size_t		maxrows;
	size_t		n;

	/* ordered by key */
	const NdSketch **sk;
	int64	   *keys;

	/* clusters */
	NdUnionFind uf;
	uint32	   *rep;
	uint32	   *size;
	uint32	   *order;
} ClusterBuild;

/* Phase 1: the arguments and the catalog's view of the relation. */
static void
cluster_resolve_args(ClusterBuild *b, FunctionCallInfo fcinfo)
{
	char	   *relname;
	char		relkind;
	AttrNumber	keyatt,
				fpatt;
	Oid			keytype;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the relation, key column and fingerprint column of duplicate_clusters must not be null")));
	b->relid = PG_GETARG_OID(0);
	b->keycol = NameStr(*PG_GETARG_NAME(1));
	b->fpcol = NameStr(*PG_GETARG_NAME(2));

	b->rule.sim_threshold = threshold_arg(fcinfo, 3, NeardupSimilarityThreshold,
										  "similarity");
	b->rule.use_containment = !PG_ARGISNULL(4);
	b->rule.cont_threshold = b->rule.use_containment ?
		threshold_arg(fcinfo, 4, 0.0, "containment") : 0.0f;
	b->reprule = ND_REP_FIRST;
	if (!PG_ARGISNULL(5))
	{
		char	   *r = text_to_cstring(PG_GETARG_TEXT_PP(5));

		if (strcmp(r, "first") == 0)
			b->reprule = ND_REP_FIRST;
		else if (strcmp(r, "longest") == 0)
			b->reprule = ND_REP_LONGEST;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown representative rule \"%s\"", NeardupEchoPrefix(r)),
					 errhint("Use 'first' (the smallest key) or 'longest' (the most tokens).")));
	}
	b->mem_limit = (Size) maintenance_work_mem * 1024;

	relname = get_rel_name(b->relid);
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", b->relid)));
	b->qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(b->relid)),
											 relname);
	relkind = get_rel_relkind(b->relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_MATVIEW && relkind != RELKIND_VIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a table, view, materialized view or foreign table",
						b->qualname)));

	keyatt = column_attnum(b->relid, b->qualname, b->keycol, "key_column");
	keytype = getBaseType(get_atttype(b->relid, keyatt));
	if (keytype != INT2OID && keytype != INT4OID && keytype != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("key column \"%s\" of %s is of type %s, not an integer type",
						b->keycol, b->qualname, format_type_be(get_atttype(b->relid, keyatt))),
				 errdetail("The key column must be smallint, integer or bigint and unique."),
				 errhint("Add a key column: ALTER TABLE %s ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY.",
						 b->qualname)));

	fpatt = column_attnum(b->relid, b->qualname, b->fpcol, "fp_column");
	if (getBaseType(get_atttype(b->relid, fpatt)) != fingerprint_type_oid(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("fingerprint column \"%s\" of %s is of type %s, not fingerprint",
						b->fpcol, b->qualname, format_type_be(get_atttype(b->relid, fpatt))),
				 errhint("Store fingerprint(body) in a column of type fingerprint and pass that column.")));
}

/* Fails when n rows would need more memory than the limit allows. */
static void
cluster_check_memory(ClusterBuild *b, size_t n)
{
	double		need = (double) n * CLUSTER_ROW_BYTES;

	if (need <= (double) b->mem_limit)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("duplicate_clusters needs more memory than maintenance_work_mem allows"),
			 errdetail("The first %zu rows of %s already need about %.0f MB (%d bytes a row); maintenance_work_mem is %d MB.",
					   n, b->qualname, need / (1024.0 * 1024.0),
					   (int) CLUSTER_ROW_BYTES, maintenance_work_mem / 1024),
			 errhint("Raise maintenance_work_mem for this session (about %d MB a million rows, e.g. SET maintenance_work_mem = '1GB'), or cluster a subset of the rows.",
					 (int) (1000000.0 * CLUSTER_ROW_BYTES / (1024.0 * 1024.0)) + 1)));
}

/* Keeps one row read: its key and a copy of its sketch. */
static void
cluster_add_row(ClusterBuild *b, int64 key, const Fingerprint *fp)
{
	size_t		n = b->n;

	if (n >= (size_t) PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("duplicate_clusters can cluster at most %d rows",
						PG_INT32_MAX)));
	if (n == b->maxrows)
	{
		b->maxrows = b->maxrows ? 2 * b->maxrows : 65536;
		b->rows = b->rows ? repalloc_huge(b->rows, b->maxrows * sizeof(KeyRow)) :
			alloc_huge(b->cxt, b->maxrows * sizeof(KeyRow));
	}
	if (n % CHUNK_ROWS == 0)
	{
		cluster_check_memory(b, n + CHUNK_ROWS);
		if (b->nchunks == b->maxchunks)
		{
			b->maxchunks = b->maxchunks ? 2 * b->maxchunks : 64;
			b->chunks = b->chunks ?
				repalloc_huge(b->chunks, b->maxchunks * sizeof(NdSketch *)) :
				alloc_huge(b->cxt, b->maxchunks * sizeof(NdSketch *));
		}
		b->chunks[b->nchunks++] = MemoryContextAlloc(b->cxt, CHUNK_ROWS * sizeof(NdSketch));
	}
	b->chunks[n / CHUNK_ROWS][n % CHUNK_ROWS] = fp->sketch;
	b->rows[n].key = key;
	b->rows[n].row = (uint32) n;
	b->n = n + 1;
}

/*
 * Phase 2: (key, sketch) of every row with both not NULL, through SPI as
 * the calling user; every fingerprint must be comparable with the first.
 */
static void
cluster_read(ClusterBuild *b)
{
	StringInfoData query;
	SPIPlanPtr	plan;
	Portal		portal;
	ReadState	rstate;
	ErrorContextCallback errcb;
	Fingerprint first;
	bool		have_first = false;

	initStringInfo(&query);
	appendStringInfo(&query, "SELECT %s::pg_catalog.int8, %s FROM %s",
					 quote_identifier(b->keycol), quote_identifier(b->fpcol),
					 b->qualname);
	rstate.relname = b->qualname;
	rstate.have_key = false;
	errcb.callback = read_error_context;
	errcb.arg = &rstate;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare(\"%s\") failed: %s", query.data,
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, FETCH_ROWS);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		knull,
						fnull;
			Datum		kd = SPI_getbinval(tup, desc, 1, &knull);
			Datum		fd = SPI_getbinval(tup, desc, 2, &fnull);
			const Fingerprint *fp;

			if (knull || fnull)
				continue;
			fp = DatumGetFingerprintP(fd);
			rstate.key = DatumGetInt64(kd);
			rstate.have_key = true;
			if (!have_first)
			{
				first = *fp;
				have_first = true;
			}
			else
				FingerprintCheckCompatible(&first, fp);
			cluster_add_row(b, rstate.key, fp);
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	SPI_finish();
	error_context_stack = errcb.previous;
}

/* Phase 3: key order is row order; duplicate keys are refused. */
static void
cluster_order_by_key(ClusterBuild *b)
{
	size_t		n = b->n;

	if (n > 1)
		qsort(b->rows, n, sizeof(KeyRow), keyrow_cmp);
	b->sk = alloc_huge(b->cxt, n * sizeof(NdSketch *));
	b->keys = alloc_huge(b->cxt, n * sizeof(int64));
	for (size_t i = 0; i < n; i++)
	{
		const KeyRow *r = &b->rows[i];

		if (i > 0 && r->key == b->rows[i - 1].key)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("key column \"%s\" of %s holds the value " INT64_FORMAT " more than once",
							b->keycol, b->qualname, r->key),
					 errdetail("duplicate_clusters identifies rows by their key, which must be unique."),
					 errhint("Use the primary key, or add one: ALTER TABLE %s ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY.",
							 b->qualname)));
		b->keys[i] = r->key;
		b->sk[i] = &b->chunks[r->row / CHUNK_ROWS][r->row % CHUNK_ROWS];
	}
	if (b->rows)
		pfree(b->rows);
	b->rows = NULL;
}

/*
 * Phase 4: candidate pairs from the band keys, verification, unions and
 * containment links (src/core/cluster.c), then representatives and the
 * output order.
 */
static void
cluster_components(ClusterBuild *b)
{
	size_t		n = b->n;
	void	   *work = alloc_huge(b->cxt, nd_cluster_work_size(n));
	uint32	   *tmp;

	nd_uf_init(&b->uf, alloc_huge(b->cxt, n * sizeof(uint32)),
			   alloc_huge(b->cxt, n), n);
	nd_cluster_run(b->sk, n, &b->rule, &b->uf, work, NULL,
				   NeardupInterruptTick, NULL);
	pfree(work);

	b->rep = alloc_huge(b->cxt, n * sizeof(uint32));
	b->size = alloc_huge(b->cxt, n * sizeof(uint32));
	b->order = alloc_huge(b->cxt, n * sizeof(uint32));
	tmp = alloc_huge(b->cxt, n * sizeof(uint32));
	nd_cluster_finish(&b->uf, b->sk, n, b->reprule, b->rep, b->size, b->order,
					  tmp);
	pfree(tmp);
}

/* Phase 5: one result row per row, cluster by cluster. */
static void
cluster_emit(ClusterBuild *b, ReturnSetInfo *rsinfo)
{
	for (size_t i = 0; i < b->n; i++)
	{
		uint32		r = b->order[i];
		uint32		c = b->rep[r];
		Datum		values[CLUSTER_NATTS];
		bool		nulls[CLUSTER_NATTS] = {false};

		values[0] = Int64GetDatum(b->keys[r]);
		values[1] = Int64GetDatum(b->keys[c]);
		values[2] = BoolGetDatum(r == c);
		values[3] = Float4GetDatum(r == c ? 1.0f :
								   (float4) nd_sketch_similarity(b->sk[r], b->sk[c]));
		values[4] = Int32GetDatum((int32) b->size[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * duplicate_clusters(rel regclass, key_column name, fp_column name,
 *					  similarity_threshold real DEFAULT NULL,
 *					  containment_threshold real DEFAULT NULL,
 *					  representative text DEFAULT 'first')
 * RETURNS TABLE(key bigint, cluster_id bigint, is_representative boolean,
 *				 similarity real, cluster_size integer)
 *
 * One row per row of rel whose key and fingerprint are not NULL, in
 * (cluster_id, key) order.  Two rows are joined when their similarity is
 * at least similarity_threshold (NULL: neardup.similarity_threshold);
 * clusters are the connected components.  When containment_threshold is
 * not NULL, each cluster is also joined to the cluster of its rows' best
 * container (at most one link per cluster: src/core/cluster.c).
 * cluster_id is the key of the cluster's representative: the smallest key
 * ('first') or the row with the most tokens, smallest key on ties
 * ('longest').  similarity is the row's similarity to the representative.
 */
Datum
duplicate_clusters(PG_FUNCTION_ARGS)
{
	ClusterBuild b;
	MemoryContext oldcxt;

	memset(&b, 0, sizeof(b));
	cluster_resolve_args(&b, fcinfo);
	InitMaterializedSRF(fcinfo, 0);
	b.cxt = AllocSetContextCreate(CurrentMemoryContext, "duplicate_clusters",
								  ALLOCSET_DEFAULT_SIZES);
	cluster_read(&b);
	oldcxt = MemoryContextSwitchTo(b.cxt);
	cluster_order_by_key(&b);
	cluster_components(&b);
	MemoryContextSwitchTo(oldcxt);
	cluster_emit(&b, (ReturnSetInfo *) fcinfo->resultinfo);
	MemoryContextDelete(b.cxt);
	return (Datum) 0;
}
