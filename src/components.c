/*-------------------------------------------------------------------------
 *
 * components.c
 *	  The pieces of clustering that scale out: cluster_band_keys(fp), the
 *	  LSH band keys duplicate_clusters uses, as an IMMUTABLE function, and
 *	  connected_components(edges_query), union-find over an edge list.
 *
 * duplicate_clusters reads every sketch into the calling backend.  On a
 * sharded table (Citus, or partitions over postgres_fdw) the same result
 * comes from three steps any engine distributes: unnest the band keys and
 * GROUP BY them (the candidate pairs: rows sharing a band key), verify
 * each candidate with similarity(), which is IMMUTABLE, and join the
 * verified edges into components here.  Only the edges reach this node,
 * and this function's memory is proportional to the rows that have one
 * (README, "Clustering a sharded table", has the recipe and the cases in
 * which it equals duplicate_clusters).
 *
 * Band keys.  cluster_band_keys returns the keys of the first
 * ND_CLUSTER_BANDS bands of src/core/cluster.c (two slots each, every
 * sketch densified by rotation: the layout its similarity pass sorts on),
 * band j's 32-bit key as (j << 32) | key, so keys of different bands never
 * meet in a GROUP BY.  A text with no shingles has the one key -1: such
 * rows are similar (1) only to each other, as duplicate_clusters joins
 * them.
 *
 * connected_components runs the query through SPI as the calling user,
 * reads its first two columns as (a, b) node ids (smallint, integer or
 * bigint), maps each distinct id to a dense index in a hash table, and
 * joins a and b with the union-find of src/core/cluster.c.  A row with a
 * NULL b makes a a node of its own (so a query may list every row, edge
 * or not); a NULL a is skipped.  Result: every node with its component,
 * the component named by its smallest node id, in (component, node)
 * order.  Memory: about ND_CC_NODE_BYTES a node, checked against
 * maintenance_work_mem as the edges are read.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "cluster.h"
#include "neardup.h"

PG_FUNCTION_INFO_V1(cluster_band_keys);
PG_FUNCTION_INFO_V1(connected_components);
PG_FUNCTION_INFO_V1(cluster_band_keys_all);
PG_FUNCTION_INFO_V1(cluster_bucket_edges);
PG_FUNCTION_INFO_V1(cluster_bucket_links);

#define CC_FETCH_ROWS 10000

/* Hash entry, its share of the table, the id, union-find and the sort. */
#define ND_CC_NODE_BYTES 72

typedef struct CcEntry
{
	int64		id;				/* hash key */
	uint32		idx;
} CcEntry;

typedef struct CcState
{
	HTAB	   *map;
	int64	   *ids;			/* idx -> id */
	uint32	   *parent;
	uint8	   *rank;
	size_t		n;
	size_t		cap;
	Size		mem_limit;
	MemoryContext cxt;
} CcState;

/*
 * cluster_band_keys(fingerprint) -> bigint[]: the band keys of the
 * similarity pass of duplicate_clusters.
 */
Datum
cluster_band_keys(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	uint32_t	keys[ND_CLUSTER_ALL_BANDS];
	Datum		d[ND_CLUSTER_BANDS];
	int			n = 0;

	if (fp->sketch.nshingles == 0 || !nd_cluster_band_keys(&fp->sketch, keys))
		d[n++] = Int64GetDatum(-1);
	else
		for (int j = 0; j < ND_CLUSTER_BANDS; j++)
			d[n++] = Int64GetDatum(((int64) j << 32) | (int64) keys[j]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}

static void
cc_grow(CcState *st)
{
	size_t		cap = st->cap ? st->cap * 2 : 1024;

	if ((Size) (st->n + 1) * ND_CC_NODE_BYTES > st->mem_limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("connected_components needs more memory than maintenance_work_mem allows"),
				 errdetail("%zu nodes need about %.0f MB (%d bytes a node); maintenance_work_mem is %d MB.",
						   st->n + 1, (double) (st->n + 1) * ND_CC_NODE_BYTES / (1024.0 * 1024.0),
						   ND_CC_NODE_BYTES, maintenance_work_mem / 1024),
				 errhint("Raise maintenance_work_mem for this session (about %d MB a million nodes).",
						 ND_CC_NODE_BYTES)));
	if (cap > ND_CLUSTER_MAX_ROWS)
		cap = ND_CLUSTER_MAX_ROWS;
	if (st->n >= cap)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("connected_components cannot handle more than %zu nodes",
						(size_t) ND_CLUSTER_MAX_ROWS)));
	if (st->ids == NULL)
	{
		st->ids = MemoryContextAllocHuge(st->cxt, cap * sizeof(int64));
		st->parent = MemoryContextAllocHuge(st->cxt, cap * sizeof(uint32));
		st->rank = MemoryContextAllocHuge(st->cxt, cap);
	}
	else
	{
		st->ids = repalloc_huge(st->ids, cap * sizeof(int64));
		st->parent = repalloc_huge(st->parent, cap * sizeof(uint32));
		st->rank = repalloc_huge(st->rank, cap);
	}
	st->cap = cap;
}

/* The dense index of node id, added as a singleton set if new. */
static uint32
cc_node(CcState *st, int64 id)
{
	bool		found;
	CcEntry    *e = hash_search(st->map, &id, HASH_ENTER, &found);

	if (!found)
	{
		if (st->n == st->cap)
			cc_grow(st);
		e->idx = (uint32) st->n;
		st->ids[st->n] = id;
		st->parent[st->n] = (uint32) st->n;
		st->rank[st->n] = 0;
		st->n++;
	}
	return e->idx;
}

static int64
cc_get_id(HeapTuple tup, TupleDesc desc, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(tup, desc, col, isnull);

	if (*isnull)
		return 0;
	switch (SPI_gettypeid(desc, col))
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

static void
cc_check_column(TupleDesc desc, int col)
{
	Oid			t = SPI_gettypeid(desc, col);

	if (t != INT2OID && t != INT4OID && t != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column %d of the edges query has type %s, not an integer type",
						col, format_type_be(t)),
				 errhint("Select the two node ids as smallint, integer or bigint, e.g. SELECT a, b FROM edges.")));
}

static void
cc_read(CcState *st, const char *query)
{
	SPIPlanPtr	plan;
	Portal		portal;
	NdUnionFind uf;
	bool		checked = false;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("connected_components cannot prepare the edges query: %s",
						SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the edges query of connected_components must return rows"),
				 errhint("Give a SELECT (or TABLE, VALUES) of two integer columns.")));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, CC_FETCH_ROWS);
		if (SPI_processed == 0)
			break;
		if (!checked)
		{
			if (SPI_tuptable->tupdesc->natts < 2)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the edges query of connected_components must return two columns"),
						 errhint("Select the two node ids, e.g. SELECT a, b FROM edges.")));
			cc_check_column(SPI_tuptable->tupdesc, 1);
			cc_check_column(SPI_tuptable->tupdesc, 2);
			checked = true;
		}
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		anull,
						bnull;
			int64		a = cc_get_id(tup, desc, 1, &anull),
						b = cc_get_id(tup, desc, 2, &bnull);
			uint32		ia,
						ib;

			if (anull)
				continue;
			ia = cc_node(st, a);
			if (bnull)
				continue;
			ib = cc_node(st, b);
			/* the arrays may have moved: rebuild the view each time */
			uf.parent = st->parent;
			uf.rank = st->rank;
			uf.n = st->n;
			nd_uf_union(&uf, ia, ib);
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	SPI_finish();
}

static const int64 *cc_sort_comp;
static const int64 *cc_sort_ids;

static int
cc_order_cmp(const void *x, const void *y)
{
	uint32		a = *(const uint32 *) x,
				b = *(const uint32 *) y;

	if (cc_sort_comp[a] != cc_sort_comp[b])
		return cc_sort_comp[a] < cc_sort_comp[b] ? -1 : 1;
	return cc_sort_ids[a] < cc_sort_ids[b] ? -1 : cc_sort_ids[a] > cc_sort_ids[b];
}

/*
 * connected_components(edges_query text) -> (node bigint, component
 * bigint)
 */
Datum
connected_components(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	CcState		st;
	HASHCTL		ctl;
	NdUnionFind uf;
	int64	   *comp;
	uint32	   *order;

	InitMaterializedSRF(fcinfo, 0);

	memset(&st, 0, sizeof(st));
	st.cxt = AllocSetContextCreate(CurrentMemoryContext, "connected_components",
								   ALLOCSET_DEFAULT_SIZES);
	st.mem_limit = (Size) maintenance_work_mem * 1024;
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(CcEntry);
	ctl.hcxt = st.cxt;
	st.map = hash_create("connected_components nodes", 1024, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	cc_read(&st, query);

	/* each component named by its smallest id; then sorted output */
	uf.parent = st.parent;
	uf.rank = st.rank;
	uf.n = st.n;
	hash_destroy(st.map);
	comp = MemoryContextAllocHuge(st.cxt, Max(st.n, 1) * sizeof(int64));
	order = MemoryContextAllocHuge(st.cxt, Max(st.n, 1) * sizeof(uint32));
	for (size_t i = 0; i < st.n; i++)
		comp[i] = PG_INT64_MAX;
	for (size_t i = 0; i < st.n; i++)
	{
		uint32		r = nd_uf_find(&uf, (uint32) i);

		if (st.ids[i] < comp[r])
			comp[r] = st.ids[i];
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (size_t i = 0; i < st.n; i++)
	{
		order[i] = (uint32) i;
		comp[i] = comp[nd_uf_find(&uf, (uint32) i)];
	}
	cc_sort_comp = comp;
	cc_sort_ids = st.ids;
	qsort(order, st.n, sizeof(uint32), cc_order_cmp);

	for (size_t k = 0; k < st.n; k++)
	{
		uint32		i = order[k];
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int64GetDatum(st.ids[i]);
		values[1] = Int64GetDatum(comp[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((k & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(st.cxt);
	return (Datum) 0;
}

/*
 * cluster_band_keys(fingerprint, containment boolean) -> bigint[]: with
 * containment, the keys of every band duplicate_clusters' containment pass
 * sorts on (the ND_CLUSTER_ALL_BANDS of src/core/cluster.c, band j in the
 * high 32 bits); without, those of cluster_band_keys(fingerprint).
 */
Datum
cluster_band_keys_all(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	int			nbands = PG_GETARG_BOOL(1) ? ND_CLUSTER_ALL_BANDS : ND_CLUSTER_BANDS;
	uint32_t	keys[ND_CLUSTER_ALL_BANDS];
	Datum		d[ND_CLUSTER_ALL_BANDS];
	int			n = 0;

	if (fp->sketch.nshingles == 0 || !nd_cluster_band_keys(&fp->sketch, keys))
		d[n++] = Int64GetDatum(-1);
	else
		for (int j = 0; j < nbands; j++)
			d[n++] = Int64GetDatum(((int64) j << 32) | (int64) keys[j]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}

/* What a bucket function emits into: the bucket's ids and the result. */
typedef struct BucketOut
{
	const int64 *ids;
	ReturnSetInfo *rsinfo;
	bool		links;
	uint64		rows;
} BucketOut;

static void
bucket_emit(void *arg, uint32_t a, uint32_t b, float score)
{
	BucketOut  *o = (BucketOut *) arg;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = Int64GetDatum(o->ids[a]);
	values[1] = Int64GetDatum(o->ids[b]);
	values[2] = Float4GetDatum(score);
	tuplestore_putvalues(o->rsinfo->setResult, o->rsinfo->setDesc, values, nulls);
	if ((++o->rows & 0xFFFF) == 0)
		CHECK_FOR_INTERRUPTS();
}

/*
 * cluster_bucket_edges(ids bigint[], fps fingerprint[], threshold real)
 * and cluster_bucket_links(ids, fps, containment_threshold): one band
 * bucket (the rows sharing a key of cluster_band_keys, ids ascending, fps
 * in the same order) through nd_cluster_bucket, the rule duplicate_clusters
 * applies to it.
 */
static Datum
cluster_bucket(FunctionCallInfo fcinfo, bool links)
{
	ArrayType  *ida = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *fpa = PG_GETARG_ARRAYTYPE_P(1);
	float4		t = PG_GETARG_FLOAT4(2);
	const char *fname = links ? "cluster_bucket_links" : "cluster_bucket_edges";
	Datum	   *idd,
			   *fpd;
	bool	   *idn,
			   *fpn;
	int			nid,
				nfp;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int64	   *ids;
	const NdSketch **sk;
	NdEdgeRule	rule;
	BucketOut	out;
	void	   *work;

	if (!(t > 0.0f && t <= 1.0f))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s threshold must be greater than 0 and at most 1, not %g",
						links ? "containment" : "similarity", (double) t),
				 errhint("Pass the threshold given to duplicate_clusters, such as 0.5.")));
	if (ARR_NDIM(ida) > 1 || ARR_NDIM(fpa) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the arrays of %s must be one-dimensional", fname),
				 errhint("Pass array_agg(id ORDER BY id) and array_agg(fp ORDER BY id) of one bucket.")));
	deconstruct_array(ida, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &idd, &idn, &nid);
	get_typlenbyvalalign(ARR_ELEMTYPE(fpa), &typlen, &typbyval, &typalign);
	if (typlen != ND_FP_SIZE)
		elog(ERROR, "%s: unexpected fingerprint element length %d", fname, typlen);
	deconstruct_array(fpa, ARR_ELEMTYPE(fpa), typlen, typbyval, typalign,
					  &fpd, &fpn, &nfp);
	if (nid != nfp)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s got %d ids and %d fingerprints", fname, nid, nfp),
				 errhint("Aggregate ids and fingerprints of the same rows in the same order.")));
	ids = palloc(Max(nid, 1) * sizeof(int64));
	sk = palloc(Max(nid, 1) * sizeof(NdSketch *));
	for (int i = 0; i < nid; i++)
	{
		if (idn[i] || fpn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the arrays of %s must not contain nulls", fname),
					 errhint("Leave rows with a null key or fingerprint out of the buckets, as duplicate_clusters does.")));
		ids[i] = DatumGetInt64(idd[i]);
		if (i > 0 && ids[i] <= ids[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the ids of %s must be strictly ascending: " INT64_FORMAT " follows " INT64_FORMAT,
							fname, ids[i], ids[i - 1]),
					 errdetail("Which pairs of a large bucket are verified depends on key order."),
					 errhint("Aggregate with array_agg(id ORDER BY id) and array_agg(fp ORDER BY id).")));
		if (i > 0)
			FingerprintCheckCompatible(DatumGetFingerprintP(fpd[0]),
									   DatumGetFingerprintP(fpd[i]));
		sk[i] = &DatumGetFingerprintP(fpd[i])->sketch;
	}

	InitMaterializedSRF(fcinfo, 0);
	memset(&rule, 0, sizeof(rule));
	rule.keyed_runs = true;
	if (links)
	{
		rule.sim_threshold = 1.0f;
		rule.use_containment = true;
		rule.cont_threshold = t;
	}
	else
		rule.sim_threshold = t;
	out.ids = ids;
	out.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	out.links = links;
	out.rows = 0;
	work = MemoryContextAllocHuge(CurrentMemoryContext,
								  nd_cluster_bucket_work_size((size_t) Max(nid, 1)));
	nd_cluster_bucket(sk, (size_t) nid, &rule, links, work, bucket_emit, &out,
					  NULL, NeardupInterruptTick, NULL);
	pfree(work);
	return (Datum) 0;
}

Datum
cluster_bucket_edges(PG_FUNCTION_ARGS)
{
	return cluster_bucket(fcinfo, false);
}

Datum
cluster_bucket_links(PG_FUNCTION_ARGS)
{
	return cluster_bucket(fcinfo, true);
}
