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
#include "utils/array.h"
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
#include "passage.h"
#include "plinks.h"

PG_FUNCTION_INFO_V1(duplicate_clusters);
PG_FUNCTION_INFO_V1(duplicate_clusters_keyed);
PG_FUNCTION_INFO_V1(boilerplate_passages);
PG_FUNCTION_INFO_V1(boilerplate_passages_keyed);

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

/*
 * With passage links, a row costs PH_ROW_BYTES more (its hash array's
 * pointer and count in read and key order, its similarity cluster, the
 * proposals and links of plinks.c) and 8 bytes a hash; the passage pass
 * then allocates its scratch through plinks_alloc, held to the same limit.
 */
#define PH_ROW_BYTES (2 * (sizeof(int64 *) + sizeof(uint32)) + 4 + 24 + 16)
#define PLINKS_MAX_PART ((size_t) 8 * 1024 * 1024)

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
	const char *fname;			/* the SQL function, for messages */
	bool		use_fp;			/* fpcol given (boilerplate_passages: optional) */

	/* passage links (issue 14): passages column, NULL = none */
	char	   *phcol;
	NdPassageRule prule;
	int32		boiler_rows;
	float4		boiler_frac;
	Size		ph_bytes;		/* hashes and their bookkeeping, as read */
	Size		extra_bytes;	/* the passage pass's scratch, now */
	int64	  **ph_read;		/* per row in read order */
	uint32	   *nph_read;
	const int64_t **ph;			/* per row in key order */
	uint32	   *nph;
	uint32	   *simcl;			/* similarity cluster (lowest row) per row */

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

/* The relation and its key column (arguments 0 and 1). */
static void
cluster_resolve_rel(ClusterBuild *b, FunctionCallInfo fcinfo)
{
	char	   *relname;
	char		relkind;
	AttrNumber	keyatt;
	Oid			keytype;

	b->relid = PG_GETARG_OID(0);
	b->keycol = NameStr(*PG_GETARG_NAME(1));
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
}

/* The fingerprint column b->fpcol must be of neardup's fingerprint type. */
static void
cluster_check_fp_column(ClusterBuild *b, FunctionCallInfo fcinfo)
{
	AttrNumber	fpatt = column_attnum(b->relid, b->qualname, b->fpcol, "fp_column");

	if (getBaseType(get_atttype(b->relid, fpatt)) != fingerprint_type_oid(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("fingerprint column \"%s\" of %s is of type %s, not fingerprint",
						b->fpcol, b->qualname, format_type_be(get_atttype(b->relid, fpatt))),
				 errhint("Store fingerprint(body) in a column of type fingerprint and pass that column.")));
}

/*
 * The passage arguments: the passages column (a bigint[] of
 * passage_hashes(body)), min_shared_passages (argument ms, or -1: none),
 * boilerplate_rows and boilerplate_fraction (arguments br and bf).
 */
static void
cluster_resolve_passages(ClusterBuild *b, FunctionCallInfo fcinfo, int pc,
						 int ms, int br, int bf)
{
	AttrNumber	att;
	Oid			typ;
	int32		minshared = 2;

	b->phcol = NameStr(*PG_GETARG_NAME(pc));
	att = column_attnum(b->relid, b->qualname, b->phcol, "passages_column");
	typ = getBaseType(get_atttype(b->relid, att));
	if (typ != INT8ARRAYOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("passages column \"%s\" of %s is of type %s, not bigint[]",
						b->phcol, b->qualname, format_type_be(get_atttype(b->relid, att))),
				 errhint("Store passage_hashes(body) in a bigint[] column: ALTER TABLE %s ADD COLUMN ph bigint[]; UPDATE %s SET ph = passage_hashes(body);",
						 b->qualname, b->qualname)));
	if (ms >= 0 && PG_NARGS() > ms && !PG_ARGISNULL(ms))
		minshared = PG_GETARG_INT32(ms);
	if (minshared < 1 || minshared > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_shared_passages must be 1 to 1000, not %d", minshared),
				 errhint("Pass 2 (the default) or 3: a wire story's quote gives several passage hashes.")));
	b->boiler_rows = (PG_NARGS() > br && !PG_ARGISNULL(br)) ? PG_GETARG_INT32(br) : 50;
	if (b->boiler_rows < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("boilerplate_rows must be at least 2, not %d", b->boiler_rows),
				 errhint("Pass the number of unrelated clusters from which on a passage is boilerplate, such as 50.")));
	b->boiler_frac = (PG_NARGS() > bf && !PG_ARGISNULL(bf)) ? PG_GETARG_FLOAT4(bf) : 0.0001f;
	if (!(b->boiler_frac >= 0.0f && b->boiler_frac <= 1.0f))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("boilerplate_fraction must be between 0 and 1, not %g",
						(double) b->boiler_frac),
				 errhint("Pass a share of the rows such as 0.0001, or 0 for boilerplate_rows alone.")));
	b->prule.min_shared = (uint32) minshared;
}

/* Phase 1: the arguments and the catalog's view of the relation. */
static void
cluster_resolve_args(ClusterBuild *b, FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the relation, key column and fingerprint column of duplicate_clusters must not be null")));
	b->fname = "duplicate_clusters";
	b->use_fp = true;
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

	cluster_resolve_rel(b, fcinfo);
	cluster_check_fp_column(b, fcinfo);
	/* 0.2.0's SQL calls this with six arguments: no passage links */
	if (PG_NARGS() > 6 && !PG_ARGISNULL(6))
		cluster_resolve_passages(b, fcinfo, 6, 7, 8, 9);
}

/* Fails when n rows would need more memory than the limit allows. */
static void
cluster_check_memory(ClusterBuild *b, size_t n)
{
	double		need = (double) n * CLUSTER_ROW_BYTES + (double) b->ph_bytes +
		(double) b->extra_bytes;

	if (need <= (double) b->mem_limit)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s needs more memory than maintenance_work_mem allows", b->fname),
			 errdetail("The first %zu rows of %s already need about %.0f MB (%d bytes a row%s); maintenance_work_mem is %d MB.",
					   n, b->qualname, need / (1024.0 * 1024.0),
					   (int) CLUSTER_ROW_BYTES,
					   b->phcol ? ", plus 8 bytes a passage hash and the passage pass's scratch" : "",
					   maintenance_work_mem / 1024),
			 errhint("Raise maintenance_work_mem for this session (about %d MB a million rows, e.g. SET maintenance_work_mem = '1GB'), or cluster a subset of the rows.",
					 (int) (1000000.0 * CLUSTER_ROW_BYTES / (1024.0 * 1024.0)) + 1)));
}

/* Keeps one row read: its key and a copy of its sketch. */
static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y;
}

/*
 * Row n's passage hashes from the array ad (NULL: none): NULL elements
 * skipped, sorted, duplicates dropped, whatever the array held.
 */
static void
cluster_add_hashes(ClusterBuild *b, size_t n, Datum ad, bool isnull)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *enulls;
	int			nelems,
				m = 0;
	int64	   *h = NULL;

	if (n % CHUNK_ROWS == 0)
	{
		size_t		cap = n + CHUNK_ROWS;

		b->ph_read = b->ph_read ? repalloc_huge(b->ph_read, cap * sizeof(int64 *)) :
			alloc_huge(b->cxt, cap * sizeof(int64 *));
		b->nph_read = b->nph_read ? repalloc_huge(b->nph_read, cap * sizeof(uint32)) :
			alloc_huge(b->cxt, cap * sizeof(uint32));
	}
	b->ph_bytes += PH_ROW_BYTES;
	if (!isnull)
	{
		MemoryContext old = MemoryContextSwitchTo(b->cxt);

		arr = DatumGetArrayTypeP(ad);
		deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &enulls, &nelems);
		MemoryContextSwitchTo(old);
		if (nelems > 0)
		{
			h = MemoryContextAlloc(b->cxt, nelems * sizeof(int64));
			for (int i = 0; i < nelems; i++)
				if (!enulls[i])
					h[m++] = DatumGetInt64(elems[i]);
			if (m > 1)
			{
				int			k = 1;

				qsort(h, m, sizeof(int64), int64_cmp);
				for (int i = 1; i < m; i++)
					if (h[i] != h[k - 1])
						h[k++] = h[i];
				m = k;
			}
			b->ph_bytes += (Size) nelems * sizeof(int64);
		}
		if (elems)
			pfree(elems);
		if (enulls)
			pfree(enulls);
		if ((Pointer) arr != DatumGetPointer(ad))
			pfree(arr);
	}
	b->ph_read[n] = h;
	b->nph_read[n] = (uint32) m;
	if (b->ph_bytes > b->mem_limit / 2 || (n % CHUNK_ROWS) == 0)
		cluster_check_memory(b, n + 1);
}

static void
cluster_add_row(ClusterBuild *b, int64 key, const Fingerprint *fp)
{
	size_t		n = b->n;

	if (n >= (size_t) PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s can read at most %d rows", b->fname,
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
		if (b->use_fp)
			b->chunks[b->nchunks++] = MemoryContextAlloc(b->cxt, CHUNK_ROWS * sizeof(NdSketch));
	}
	if (b->use_fp)
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
	appendStringInfo(&query, "SELECT %s::pg_catalog.int8, %s, %s FROM %s",
					 quote_identifier(b->keycol),
					 b->use_fp ? quote_identifier(b->fpcol) : "NULL::pg_catalog.int4",
					 b->phcol ? quote_identifier(b->phcol) : "NULL::pg_catalog.int8[]",
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
						fnull,
						pnull;
			Datum		kd = SPI_getbinval(tup, desc, 1, &knull);
			Datum		fd = SPI_getbinval(tup, desc, 2, &fnull);
			Datum		pd = SPI_getbinval(tup, desc, 3, &pnull);
			const Fingerprint *fp = NULL;

			if (knull || (b->use_fp && fnull))
				continue;
			rstate.key = DatumGetInt64(kd);
			rstate.have_key = true;
			if (b->use_fp)
			{
				fp = DatumGetFingerprintP(fd);
				if (!have_first)
				{
					first = *fp;
					have_first = true;
				}
				else
					FingerprintCheckCompatible(&first, fp);
			}
			if (b->phcol)
				cluster_add_hashes(b, b->n, pd, pnull);
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
	if (b->phcol)
	{
		b->ph = alloc_huge(b->cxt, n * sizeof(int64 *));
		b->nph = alloc_huge(b->cxt, n * sizeof(uint32));
	}
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
		b->sk[i] = b->use_fp ? &b->chunks[r->row / CHUNK_ROWS][r->row % CHUNK_ROWS] : NULL;
		if (b->phcol)
		{
			b->ph[i] = (const int64_t *) b->ph_read[r->row];
			b->nph[i] = b->nph_read[r->row];
		}
	}
	if (b->ph_read)
	{
		pfree(b->ph_read);
		pfree(b->nph_read);
		b->ph_read = NULL;
		b->nph_read = NULL;
	}
	if (b->rows)
		pfree(b->rows);
	b->rows = NULL;
}

/*
 * The allocator of the passage pass: held, with everything read, to
 * maintenance_work_mem (the error names the setting to raise).
 */
static void *
plinks_alloc(void *ctx, size_t size)
{
	ClusterBuild *b = (ClusterBuild *) ctx;
	Size	   *p;

	b->extra_bytes += size + sizeof(Size);
	cluster_check_memory(b, b->n);
	p = alloc_huge(b->cxt, size + MAXALIGN(sizeof(Size)));
	*p = size + sizeof(Size);
	return (char *) p + MAXALIGN(sizeof(Size));
}

static void
plinks_free(void *ctx, void *ptr)
{
	ClusterBuild *b = (ClusterBuild *) ctx;
	Size	   *p = (Size *) ((char *) ptr - MAXALIGN(sizeof(Size)));

	b->extra_bytes -= *p;
	pfree(p);
}

/*
 * The passage pass (src/core/plinks.c): boilerplate hashes reported to
 * boiler, passage links made in uf when uf is not NULL.
 */
static void
cluster_passages(ClusterBuild *b, NdUnionFind *uf, NdBoilerFn boiler,
				 void *boiler_arg)
{
	NdAllocator al = {plinks_alloc, plinks_free, b};
	double		used = (double) b->n * CLUSTER_ROW_BYTES + (double) b->ph_bytes;
	double		left = (double) b->mem_limit - used;
	size_t		part;
	int			rc;

	/*
	 * A quarter of what is left for one partition's 16-byte entries, at
	 * most 8M of them (128 MB): a partition is sorted with qsort, which
	 * cannot be interrupted, in about a second at that size.
	 */
	part = left > 0 ? (size_t) (left / 4 / 16) : 0;
	if (part > PLINKS_MAX_PART)
		part = PLINKS_MAX_PART;
	if (part < 65536)
		part = 65536;
	b->prule.boiler_min = nd_plinks_boiler_min((uint32) b->boiler_rows,
											   (double) b->boiler_frac, b->n);
	rc = nd_plinks_run(b->ph, b->nph, b->n, b->simcl, &b->prule, uf, part, &al,
					   boiler, boiler_arg, NULL, NeardupInterruptTick, NULL);
	if (rc != ND_PASSAGE_OK)
		elog(ERROR, "passage links failed (%d)", rc);
}

/*
 * Phase 4: candidate pairs from the band keys, verification, unions and
 * containment links (src/core/cluster.c), passage links
 * (src/core/plinks.c), then representatives and the output order.
 */
static void
cluster_components(ClusterBuild *b)
{
	size_t		n = b->n;
	void	   *work = alloc_huge(b->cxt, nd_cluster_work_size(n));
	uint32	   *tmp;

	nd_uf_init(&b->uf, alloc_huge(b->cxt, n * sizeof(uint32)),
			   alloc_huge(b->cxt, n), n);
	if (b->phcol)
		b->simcl = alloc_huge(b->cxt, n * sizeof(uint32));
	nd_cluster_run_ex(b->sk, n, &b->rule, &b->uf, work, NULL,
					  NeardupInterruptTick, NULL, b->simcl);
	pfree(work);
	if (b->phcol)
	{
		cluster_passages(b, &b->uf, NULL, NULL);
		pfree(b->simcl);
		b->simcl = NULL;
	}

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
static Datum
duplicate_clusters_impl(FunctionCallInfo fcinfo, bool keyed)
{
	ClusterBuild b;
	MemoryContext oldcxt;

	memset(&b, 0, sizeof(b));
	cluster_resolve_args(&b, fcinfo);
	b.rule.keyed_runs = keyed;
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

/*
 * The C symbol of 0.1.0 to 0.3.0 catalogs: large band buckets verified
 * against leaders chosen in the order the unions happen (the 0.3.0 rule,
 * kept so that their results do not change).
 */
Datum
duplicate_clusters(PG_FUNCTION_ARGS)
{
	return duplicate_clusters_impl(fcinfo, false);
}

/*
 * 0.4.0: the keyed per-run rule (src/core/cluster.c, "Buckets"), which
 * cluster_bucket_edges() and cluster_bucket_links() apply to one bucket,
 * so that the recipe of a sharded table gives the same clusters.
 */
Datum
duplicate_clusters_keyed(PG_FUNCTION_ARGS)
{
	return duplicate_clusters_impl(fcinfo, true);
}

/* ---------- boilerplate_passages ---------- */

#define BOILER_NATTS 6

/* One boilerplate hash found. */
typedef struct BoilerRow
{
	int64		hash;
	uint32		rows;
	uint32		clusters;
	uint32		first;
	uint32		other;
} BoilerRow;

typedef struct BoilerList
{
	BoilerRow  *v;
	size_t		n;
	size_t		cap;
	MemoryContext cxt;
} BoilerList;

static void
boiler_collect(void *arg, int64_t hash, uint32_t rows, uint32_t clusters,
			   uint32_t first_row, uint32_t other_row)
{
	BoilerList *l = (BoilerList *) arg;

	if (l->n == l->cap)
	{
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = l->v ? repalloc_huge(l->v, l->cap * sizeof(BoilerRow)) :
			alloc_huge(l->cxt, l->cap * sizeof(BoilerRow));
	}
	l->v[l->n].hash = hash;
	l->v[l->n].rows = rows;
	l->v[l->n].clusters = clusters;
	l->v[l->n].first = first_row;
	l->v[l->n].other = other_row;
	l->n++;
}

/* Most rows first, then the hash. */
static int
boiler_cmp(const void *pa, const void *pb)
{
	const BoilerRow *a = pa,
			   *b = pb;

	if (a->rows != b->rows)
		return a->rows > b->rows ? -1 : 1;
	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

static void *
huge_palloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size > 0 ? size : 1);
}

static void
huge_pfree(void *ctx, void *p)
{
	pfree(p);
}

/* The first k-gram position of the winnowed hash looked for. */
typedef struct FindGram
{
	int64		hash;
	size_t		pos;
	bool		found;
} FindGram;

static void
find_gram(void *arg, uint64_t h, size_t pos)
{
	FindGram   *f = (FindGram *) arg;

	if (!f->found && (int64) h == f->hash)
	{
		f->pos = pos;
		f->found = true;
	}
}

/*
 * The run of words that texts a and b share around the passage hash h of
 * a (the shared_passages run holding its k-gram), or NULL.
 */
static text *
boiler_example(text *a, text *b, int64 h)
{
	static const NdAllocator al = {huge_palloc, huge_pfree, NULL};
	const char *as = VARDATA_ANY(a),
			   *bs = VARDATA_ANY(b);
	size_t		alen = VARSIZE_ANY_EXHDR(a),
				blen = VARSIZE_ANY_EXHDR(b);
	FindGram	f = {h, 0, false};
	NdPassageRun *runs = NULL;
	size_t		nruns = 0;
	text	   *res = NULL;

	nd_winnow(as, alen, ND_WINNOW_K, ND_WINNOW_W, find_gram, &f,
			  NeardupInterruptTick, NULL);
	if (!f.found)
		return NULL;
	if (nd_shared_passages(as, alen, bs, blen, ND_WINNOW_K, &al,
						   NeardupInterruptTick, NULL, &runs, &nruns) != ND_PASSAGE_OK)
		return NULL;
	for (size_t i = 0; i < nruns; i++)
		if (runs[i].a_token <= f.pos && f.pos < (size_t) runs[i].a_token + runs[i].words)
		{
			res = cstring_to_text_with_len(as + runs[i].a_start,
										   (int) (runs[i].a_end - runs[i].a_start));
			break;
		}
	if (runs)
		pfree(runs);
	return res;
}

/*
 * boilerplate_passages(rel regclass, key_column name, passages_column name,
 *						fp_column name DEFAULT NULL,
 *						similarity_threshold real DEFAULT NULL,
 *						text_column name DEFAULT NULL,
 *						boilerplate_rows integer DEFAULT 50,
 *						boilerplate_fraction real DEFAULT 0.0001)
 * RETURNS TABLE(hash bigint, row_count integer, cluster_count integer,
 *				 example_key bigint, other_key bigint, example text)
 *
 * The passage hashes duplicate_clusters' passage links treat as
 * boilerplate: held by rows of at least max(boilerplate_rows,
 * ceil(boilerplate_fraction * rows)) similarity clusters (fp_column NULL:
 * every row its own cluster).  example_key is the smallest key holding the
 * hash, other_key the smallest in another cluster; example (text_column
 * given) is the run of words those two rows share around the hash.
 */
static Datum
boilerplate_passages_impl(FunctionCallInfo fcinfo, bool keyed)
{
	ClusterBuild b;
	MemoryContext oldcxt;
	BoilerList	list;
	ReturnSetInfo *rsinfo;
	char	   *textcol = NULL;
	SPIPlanPtr	plan = NULL;
	MemoryContext excxt = NULL;

	memset(&b, 0, sizeof(b));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the relation, key column and passages column of boilerplate_passages must not be null")));
	b.fname = "boilerplate_passages";
	cluster_resolve_rel(&b, fcinfo);
	cluster_resolve_passages(&b, fcinfo, 2, -1, 6, 7);
	b.use_fp = !PG_ARGISNULL(3);
	if (b.use_fp)
	{
		b.fpcol = NameStr(*PG_GETARG_NAME(3));
		cluster_check_fp_column(&b, fcinfo);
	}
	b.rule.sim_threshold = threshold_arg(fcinfo, 4, NeardupSimilarityThreshold,
										 "similarity");
	b.rule.use_containment = false;
	b.rule.keyed_runs = keyed;
	if (!PG_ARGISNULL(5))
	{
		textcol = NameStr(*PG_GETARG_NAME(5));
		(void) column_attnum(b.relid, b.qualname, textcol, "text_column");
	}

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	b.cxt = AllocSetContextCreate(CurrentMemoryContext, "boilerplate_passages",
								  ALLOCSET_DEFAULT_SIZES);
	cluster_read(&b);
	oldcxt = MemoryContextSwitchTo(b.cxt);
	cluster_order_by_key(&b);
	b.simcl = alloc_huge(b.cxt, (b.n ? b.n : 1) * sizeof(uint32));
	if (b.use_fp)
	{
		void	   *work = alloc_huge(b.cxt, nd_cluster_work_size(b.n));

		nd_uf_init(&b.uf, alloc_huge(b.cxt, (b.n ? b.n : 1) * sizeof(uint32)),
				   alloc_huge(b.cxt, b.n ? b.n : 1), b.n);
		nd_cluster_run_ex(b.sk, b.n, &b.rule, &b.uf, work, NULL,
						  NeardupInterruptTick, NULL, b.simcl);
		pfree(work);
	}
	else
		for (size_t i = 0; i < b.n; i++)
			b.simcl[i] = (uint32) i;
	memset(&list, 0, sizeof(list));
	list.cxt = b.cxt;
	cluster_passages(&b, NULL, boiler_collect, &list);
	if (list.n > 1)
		qsort(list.v, list.n, sizeof(BoilerRow), boiler_cmp);
	MemoryContextSwitchTo(oldcxt);

	if (textcol)
	{
		StringInfoData q;
		Oid			argtype = INT8OID;

		initStringInfo(&q);
		appendStringInfo(&q, "SELECT %s::pg_catalog.text FROM %s WHERE %s OPERATOR(pg_catalog.=) $1",
						 quote_identifier(textcol), b.qualname, quote_identifier(b.keycol));
		excxt = AllocSetContextCreate(CurrentMemoryContext, "boilerplate_passages examples",
									  ALLOCSET_DEFAULT_SIZES);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		plan = SPI_prepare(q.data, 1, &argtype);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare(\"%s\") failed: %s", q.data,
				 SPI_result_code_string(SPI_result));
	}
	for (size_t i = 0; i < list.n; i++)
	{
		const BoilerRow *r = &list.v[i];
		Datum		values[BOILER_NATTS];
		bool		nulls[BOILER_NATTS] = {false};

		values[0] = Int64GetDatum(r->hash);
		values[1] = Int32GetDatum((int32) r->rows);
		values[2] = Int32GetDatum((int32) r->clusters);
		values[3] = Int64GetDatum(b.keys[r->first]);
		values[4] = Int64GetDatum(b.keys[r->other]);
		nulls[5] = true;
		if (plan)
		{
			text	   *t[2] = {NULL, NULL};
			int64		k[2] = {b.keys[r->first], b.keys[r->other]};

			for (int j = 0; j < 2; j++)
			{
				Datum		arg = Int64GetDatum(k[j]);
				bool		isnull;
				Datum		d;

				if (SPI_execute_plan(plan, &arg, NULL, true, 1) != SPI_OK_SELECT)
					elog(ERROR, "boilerplate_passages: reading the text of a row failed");
				if (SPI_processed == 1)
				{
					d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
					if (!isnull)
					{
						MemoryContext c = MemoryContextSwitchTo(excxt);

						t[j] = (text *) PG_DETOAST_DATUM_COPY(d);
						MemoryContextSwitchTo(c);
					}
				}
				SPI_freetuptable(SPI_tuptable);
			}
			if (t[0] && t[1])
			{
				MemoryContext c = MemoryContextSwitchTo(excxt);
				text	   *ex = boiler_example(t[0], t[1], r->hash);

				MemoryContextSwitchTo(c);
				if (ex)
				{
					values[5] = PointerGetDatum(ex);
					nulls[5] = false;
				}
			}
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (excxt)
			MemoryContextReset(excxt);
		CHECK_FOR_INTERRUPTS();
	}
	if (plan)
		SPI_finish();
	if (excxt)
		MemoryContextDelete(excxt);
	MemoryContextDelete(b.cxt);
	return (Datum) 0;
}

/* 0.3.0 catalogs: the similarity clusters of duplicate_clusters of 0.3.0. */
Datum
boilerplate_passages(PG_FUNCTION_ARGS)
{
	return boilerplate_passages_impl(fcinfo, false);
}

/* 0.4.0: those of duplicate_clusters_keyed. */
Datum
boilerplate_passages_keyed(PG_FUNCTION_ARGS)
{
	return boilerplate_passages_impl(fcinfo, true);
}
