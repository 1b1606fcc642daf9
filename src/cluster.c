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
 * Memory.  Every row's sketch (528 bytes) is kept in memory, in chunks,
 * with about 70 bytes of bookkeeping: roughly 600 bytes per row, 600 MB
 * for a million rows, freed before the function returns.  The result rows
 * go to a tuplestore, which spills to disk past work_mem.
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
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid;
	char	   *keycol;
	char	   *fpcol;
	char	   *relname;
	char	   *qualname;
	char		relkind;
	AttrNumber	keyatt,
				fpatt;
	Oid			keytype,
				fptype;
	NdEdgeRule	rule;
	NdRepRule	reprule = ND_REP_FIRST;
	StringInfoData query;
	MemoryContext cxt,
				oldcxt;
	SPIPlanPtr	plan;
	Portal		portal;
	ReadState	rstate;
	ErrorContextCallback errcb;
	NdSketch  **chunks = NULL;
	int			nchunks = 0,
				maxchunks = 0;
	KeyRow	   *rows = NULL;
	size_t		n = 0,
				maxrows = 0,
				i;
	Fingerprint first;
	bool		have_first = false;
	const NdSketch **sk;
	int64	   *keys;
	uint32	   *parent,
			   *rep,
			   *size,
			   *order,
			   *tmp;
	uint8	   *rank;
	NdUnionFind uf;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the relation, key column and fingerprint column of duplicate_clusters must not be null")));
	relid = PG_GETARG_OID(0);
	keycol = NameStr(*PG_GETARG_NAME(1));
	fpcol = NameStr(*PG_GETARG_NAME(2));

	rule.sim_threshold = threshold_arg(fcinfo, 3, NeardupSimilarityThreshold,
									   "similarity");
	rule.use_containment = !PG_ARGISNULL(4);
	rule.cont_threshold = rule.use_containment ?
		threshold_arg(fcinfo, 4, 0.0, "containment") : 0.0f;
	if (!PG_ARGISNULL(5))
	{
		char	   *r = text_to_cstring(PG_GETARG_TEXT_PP(5));

		if (strcmp(r, "first") == 0)
			reprule = ND_REP_FIRST;
		else if (strcmp(r, "longest") == 0)
			reprule = ND_REP_LONGEST;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown representative rule \"%s\"", r),
					 errhint("Use 'first' (the smallest key) or 'longest' (the most tokens).")));
	}

	/* The relation and its columns, from the catalog. */
	relname = get_rel_name(relid);
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
										  relname);
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE &&
		relkind != RELKIND_MATVIEW && relkind != RELKIND_VIEW &&
		relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a table, view, materialized view or foreign table",
						qualname)));

	keyatt = column_attnum(relid, qualname, keycol, "key_column");
	keytype = getBaseType(get_atttype(relid, keyatt));
	if (keytype != INT2OID && keytype != INT4OID && keytype != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("key column \"%s\" of %s is of type %s, not an integer type",
						keycol, qualname, format_type_be(get_atttype(relid, keyatt))),
				 errdetail("The key column must be smallint, integer or bigint and unique."),
				 errhint("Add a key column: ALTER TABLE %s ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY.",
						 qualname)));

	fptype = fingerprint_type_oid(fcinfo);
	fpatt = column_attnum(relid, qualname, fpcol, "fp_column");
	if (getBaseType(get_atttype(relid, fpatt)) != fptype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("fingerprint column \"%s\" of %s is of type %s, not fingerprint",
						fpcol, qualname, format_type_be(get_atttype(relid, fpatt))),
				 errhint("Store fingerprint(body) in a column of type fingerprint and pass that column.")));

	initStringInfo(&query);
	appendStringInfo(&query, "SELECT %s::pg_catalog.int8, %s FROM %s",
					 quote_identifier(keycol), quote_identifier(fpcol), qualname);

	InitMaterializedSRF(fcinfo, 0);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "duplicate_clusters",
								ALLOCSET_DEFAULT_SIZES);

	rstate.relname = qualname;
	rstate.have_key = false;
	errcb.callback = read_error_context;
	errcb.arg = &rstate;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* 1. Read (key, sketch) of every row with both not NULL. */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query.data, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare(\"%s\") failed: %s", query.data,
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);

	for (;;)
	{
		uint64		got;

		SPI_cursor_fetch(portal, true, FETCH_ROWS);
		got = SPI_processed;
		if (got == 0)
			break;
		for (i = 0; i < got; i++)
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

			if (n >= (size_t) PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("duplicate_clusters can cluster at most %d rows",
								PG_INT32_MAX)));
			if (n == maxrows)
			{
				maxrows = maxrows ? 2 * maxrows : 65536;
				rows = rows ? repalloc_huge(rows, maxrows * sizeof(KeyRow)) :
					alloc_huge(cxt, maxrows * sizeof(KeyRow));
			}
			if (n % CHUNK_ROWS == 0)
			{
				if (nchunks == maxchunks)
				{
					maxchunks = maxchunks ? 2 * maxchunks : 64;
					chunks = chunks ? repalloc_huge(chunks, maxchunks * sizeof(NdSketch *)) :
						alloc_huge(cxt, maxchunks * sizeof(NdSketch *));
				}
				chunks[nchunks++] = MemoryContextAlloc(cxt, CHUNK_ROWS * sizeof(NdSketch));
			}
			chunks[n / CHUNK_ROWS][n % CHUNK_ROWS] = fp->sketch;
			rows[n].key = rstate.key;
			rows[n].row = (uint32) n;
			n++;
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	SPI_finish();
	error_context_stack = errcb.previous;

	/* 2. Key order is row order: sort, and refuse duplicate keys. */
	oldcxt = MemoryContextSwitchTo(cxt);
	if (n > 1)
		qsort(rows, n, sizeof(KeyRow), keyrow_cmp);
	sk = alloc_huge(cxt, n * sizeof(NdSketch *));
	keys = alloc_huge(cxt, n * sizeof(int64));
	for (i = 0; i < n; i++)
	{
		if (i > 0 && rows[i].key == rows[i - 1].key)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("key column \"%s\" of %s holds the value " INT64_FORMAT " more than once",
							keycol, qualname, rows[i].key),
					 errdetail("duplicate_clusters identifies rows by their key, which must be unique."),
					 errhint("Use the primary key, or add one: ALTER TABLE %s ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY.",
							 qualname)));
		keys[i] = rows[i].key;
		sk[i] = &chunks[rows[i].row / CHUNK_ROWS][rows[i].row % CHUNK_ROWS];
	}
	if (rows)
		pfree(rows);

	/* 3. Edges and components. */
	parent = alloc_huge(cxt, n * sizeof(uint32));
	rank = alloc_huge(cxt, n);
	nd_uf_init(&uf, parent, rank, n);
	{
		void	   *work = alloc_huge(cxt, nd_cluster_work_size(n));

		nd_cluster_run(sk, n, &rule, &uf, work, NULL,
					   NeardupInterruptTick, NULL);
		pfree(work);
	}

	/* 4. Representatives, output order. */
	rep = alloc_huge(cxt, n * sizeof(uint32));
	size = alloc_huge(cxt, n * sizeof(uint32));
	order = alloc_huge(cxt, n * sizeof(uint32));
	tmp = alloc_huge(cxt, n * sizeof(uint32));
	nd_cluster_finish(&uf, sk, n, reprule, rep, size, order, tmp);
	MemoryContextSwitchTo(oldcxt);

	/* 5. The result. */
	for (i = 0; i < n; i++)
	{
		uint32		r = order[i];
		uint32		c = rep[r];
		Datum		values[CLUSTER_NATTS];
		bool		nulls[CLUSTER_NATTS] = {false};

		values[0] = Int64GetDatum(keys[r]);
		values[1] = Int64GetDatum(keys[c]);
		values[2] = BoolGetDatum(r == c);
		values[3] = Float4GetDatum(r == c ? 1.0f :
								   (float4) nd_sketch_similarity(sk[r], sk[c]));
		values[4] = Int32GetDatum((int32) size[c]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	MemoryContextDelete(cxt);
	return (Datum) 0;
}
