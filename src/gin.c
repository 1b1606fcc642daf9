/*-------------------------------------------------------------------------
 *
 * gin.c
 *	  gin_fingerprint_ops: a GIN operator class for fingerprints that
 *	  answers % (similarity at or above the threshold) at any threshold
 *	  chosen at query time, and = (identical fingerprints).
 *
 * The keys of a row are the LSH band keys of its sketch (src/core/bands.c,
 * the one definition shared with clustering): the first bands * rows slots
 * in bands of `rows`, one int4 key per full band, and the reserved key
 * ND_GIN_EMPTY_KEY for a text with no shingles.  A query asks for the
 * number of matching keys that misses a pair at exactly the threshold with
 * probability ND_BAND_MISS_RATE, and every candidate is rechecked, so every
 * row returned satisfies the operator.  A threshold the layout cannot
 * serve reads every row instead.  doc/index.md has the design, the key
 * formats and the measurements.
 *
 * Key formats.  Format 1 is 0.1.0's (texts under 128 shingles densified,
 * 24 bands by default); format 2 (0.2.0) densifies every text in bands of
 * two or more slots, which fixes the recall of mid-length texts, with 20
 * bands by default.  An index stores no format, so the
 * SQL support functions of each release call their own entry points: the
 * 0.1.0 script's symbols keep computing format 1 forever, and the upgrade
 * to 0.2.0 marks existing indexes invalid until they are rebuilt.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/reloptions.h"
#include "fmgr.h"

#include "bands.h"
#include "index_common.h"
#include "neardup.h"

PG_FUNCTION_INFO_V1(fingerprint_gin_extract_value);
PG_FUNCTION_INFO_V1(fingerprint_gin_extract_query);
PG_FUNCTION_INFO_V1(fingerprint_gin_extract_value_v2);
PG_FUNCTION_INFO_V1(fingerprint_gin_extract_query_v2);
PG_FUNCTION_INFO_V1(fingerprint_gin_consistent);
PG_FUNCTION_INFO_V1(fingerprint_gin_triconsistent);
PG_FUNCTION_INFO_V1(fingerprint_gin_options);
PG_FUNCTION_INFO_V1(fingerprint_gin_options_v2);

/*
 * Opclass options and their defaults: 2 rows and 16 bits in both key
 * formats, 24 bands in format 1 and 20 in format 2, whose densified keys
 * would otherwise exceed 200 bytes an article at 1M rows, and whose 24
 * keys a query made the planner prefer a single-slot index at 0.3
 * (doc/index.md).
 */
#define ND_GIN_BANDS_DEFAULT_V1	24
#define ND_GIN_BANDS_DEFAULT	20
#define ND_GIN_ROWS_DEFAULT		2
#define ND_GIN_BITS_DEFAULT		16
#define ND_GIN_BITS_MIN			4
#define ND_GIN_BITS_MAX			23	/* band 255 << 23 still fits an int4 */

/*
 * Texts with fewer shingles than this have the empty slots of their bands
 * filled from other slots: key format 1 (0.1.0) and format 2.
 */
#define ND_GIN_DENSIFY_BELOW_V1	128
#define ND_GIN_DENSIFY_BELOW	ND_DENSIFY_ALL

/* The key of a text with no shingles; band keys are never negative. */
#define ND_GIN_EMPTY_KEY		(-1)

typedef struct NdGinOptions
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int			bands;
	int			rows;
	int			bits;
} NdGinOptions;

/* What extractQuery hands to the consistent functions. */
typedef struct NdGinQuery
{
	StrategyNumber strategy;
	int			nkeys;
	int			need;			/* keys that must match */
} NdGinQuery;

static void
gin_options_validate(void *parsed, relopt_value *vals, int nvals)
{
	NdGinOptions *o = (NdGinOptions *) parsed;

	if (o->bands * o->rows > ND_SKETCH_SLOTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bands * rows must not exceed %d", ND_SKETCH_SLOTS),
				 errdetail("The options ask for %d bands of %d rows, %d slots.",
						   o->bands, o->rows, o->bands * o->rows),
				 errhint("Lower bands or rows.")));
}

static int
gin_default_bands(int format)
{
	return format == 1 ? ND_GIN_BANDS_DEFAULT_V1 : ND_GIN_BANDS_DEFAULT;
}

/*
 * options(internal): declares the opclass options bands, rows and bits
 * (CREATE INDEX ... USING gin (fp gin_fingerprint_ops (bands = 32))) with
 * the defaults of key format `format`.
 */
static Datum
gin_options(FunctionCallInfo fcinfo, int format)
{
	local_relopts *relopts = (local_relopts *) PG_GETARG_POINTER(0);

	init_local_reloptions(relopts, sizeof(NdGinOptions));
	add_local_int_reloption(relopts, "bands",
							"number of LSH bands (index keys per row at most)",
							gin_default_bands(format), 1, ND_SKETCH_SLOTS,
							offsetof(NdGinOptions, bands));
	add_local_int_reloption(relopts, "rows",
							"sketch slots per band",
							ND_GIN_ROWS_DEFAULT, 1, 16,
							offsetof(NdGinOptions, rows));
	add_local_int_reloption(relopts, "bits",
							"bits of each band's key value (at most 2^bits keys per band)",
							ND_GIN_BITS_DEFAULT, ND_GIN_BITS_MIN, ND_GIN_BITS_MAX,
							offsetof(NdGinOptions, bits));
	register_reloptions_validator(relopts, gin_options_validate);
	PG_RETURN_VOID();
}

/* The options of the index being used, or the defaults of the format. */
static void
gin_get_options(FunctionCallInfo fcinfo, int format, int *bands, int *rows,
				int *bits)
{
	*bands = gin_default_bands(format);
	*rows = ND_GIN_ROWS_DEFAULT;
	*bits = ND_GIN_BITS_DEFAULT;
	if (PG_HAS_OPCLASS_OPTIONS())
	{
		NdGinOptions *o = (NdGinOptions *) PG_GET_OPCLASS_OPTIONS();

		*bands = o->bands;
		*rows = o->rows;
		*bits = o->bits;
	}
}

/*
 * The band layout of an index: 0.1.0's key format (format 1) densified
 * only texts under 128 shingles; format 2 densifies every text when a band
 * has two or more slots, and keeps 128 for single-slot bands, whose keys
 * are full whenever the slot is (densifying them cost 26 % more index for
 * no measured recall; doc/index.md, "Recall per text length").
 */
static NdBandLayout
gin_layout(int bands, int rows, int format)
{
	NdBandLayout l;

	l.bands = bands;
	l.rows = rows;
	l.first = 0;
	l.stride = rows;
	l.densify_below = (format == 1 || rows == 1) ?
		ND_GIN_DENSIFY_BELOW_V1 : ND_GIN_DENSIFY_BELOW;
	l.densify = ND_DENSIFY_OPTIMAL;
	return l;
}

/*
 * Fills keys[] (room for bands + 1) with the keys of fp in key format
 * `format` and returns how many there are.
 */
static int
gin_band_keys(const Fingerprint *fp, int bands, int rows, int bits,
			  int format, int32 *keys)
{
	NdBandLayout l = gin_layout(bands, rows, format);
	int			n = 0;

	if (fp->sketch.nshingles == 0)
	{
		keys[0] = ND_GIN_EMPTY_KEY;
		return 1;
	}
	for (int j = 0; j < bands; j++)
	{
		uint64		h;

		if (nd_band_hash(&fp->sketch, &l, j, &h))
			keys[n++] = nd_band_key32(j, h, bits);
	}
	return n;
}

/*
 * NdGinDefaultKeys: the keys the default gin_fingerprint_ops index (key
 * format 2, 20 bands of 2 slots, 16 bits) stores for fp; keys[] needs room
 * for ND_GIN_BANDS_DEFAULT + 1.  Cluster tracking (src/track.c) locks
 * these, so a row and its near duplicates meet on the keys they share.
 */
int
NdGinDefaultKeys(const Fingerprint *fp, int32 *keys)
{
	return gin_band_keys(fp, ND_GIN_BANDS_DEFAULT, ND_GIN_ROWS_DEFAULT,
						 ND_GIN_BITS_DEFAULT, 2, keys);
}

/* extractValue(fingerprint, internal nkeys, internal nullFlags) */
static Datum
gin_extract_value(FunctionCallInfo fcinfo, int format)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	int			bands,
				rows,
				bits;
	int32	   *keys;
	Datum	   *entries;
	int			n;

	gin_get_options(fcinfo, format, &bands, &rows, &bits);
	keys = palloc((bands + 1) * sizeof(int32));
	n = gin_band_keys(fp, bands, rows, bits, format, keys);
	entries = palloc(Max(n, 1) * sizeof(Datum));
	for (int i = 0; i < n; i++)
		entries[i] = Int32GetDatum(keys[i]);
	pfree(keys);
	*nkeys = n;
	PG_RETURN_POINTER(entries);
}

/* How many of the n query keys must match for strategy % at threshold t. */
static int
gin_similar_need(const int32 *keys, int n, int bands, int rows, double t)
{
	int			need;

	if (t > 0.0 && n == 1 && keys[0] == ND_GIN_EMPTY_KEY)
		return 1;				/* only empty texts are similar to it */
	/* 0 (every row) at t = 0 or below what the layout serves */
	need = nd_band_query_need(n, bands, rows, t);
	/*
	 * neardup.gin_single_key off: two matching keys at least where one
	 * would do (one is mostly chance at scale; cluster tracking's lookups)
	 */
	if (!NeardupGinSingleKey && need == 1 && n >= 2)
		need = 2;
	return need;
}

/*
 * extractQuery(fingerprint, internal nkeys, int2 strategy, internal
 * pmatch, internal extra_data, internal nullFlags, internal searchMode)
 *
 * Strategy % (1) reads neardup.similarity_threshold now, at scan start;
 * strategy % at_least (4, 0.3.0) takes the threshold from the query value
 * and asks for the same number of keys the GUC form would at that
 * threshold, so both give the same rows.  The other strategies and both
 * key formats are unchanged.
 */
static Datum
gin_extract_query(FunctionCallInfo fcinfo, int format)
{
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	double		threshold;
	float4		threshold4;
	const Fingerprint *fp = NeardupScanQuery(PG_GETARG_DATUM(0), strategy,
											 &threshold, &threshold4);
	int			bands,
				rows,
				bits;
	int32	   *keys;
	Datum	   *entries;
	NdGinQuery *q;
	int			n;

	gin_get_options(fcinfo, format, &bands, &rows, &bits);
	keys = palloc((bands + 1) * sizeof(int32));
	n = gin_band_keys(fp, bands, rows, bits, format, keys);

	q = palloc(sizeof(NdGinQuery));
	q->strategy = strategy;
	q->nkeys = n;
	switch (strategy)
	{
		case ND_STRATEGY_SIMILAR:
		case ND_STRATEGY_SIMILAR_AT:
			q->need = gin_similar_need(keys, n, bands, rows, threshold);
			if (q->need == 0)
			{
				/*
				 * Threshold 0, a threshold below what the layout serves,
				 * or a non-empty text with no full band: no key can bound
				 * the similarity, look at every row.
				 */
				n = 0;
				*searchMode = GIN_SEARCH_MODE_ALL;
			}
			break;
		case ND_STRATEGY_EQUAL:
			q->need = n;
			if (n == 0)
				*searchMode = GIN_SEARCH_MODE_INCLUDE_EMPTY;
			break;
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
	}

	entries = palloc(Max(n, 1) * sizeof(Datum));
	*extra_data = palloc(Max(n, 1) * sizeof(Pointer));
	for (int i = 0; i < n; i++)
	{
		entries[i] = Int32GetDatum(keys[i]);
		(*extra_data)[i] = (Pointer) q;
	}
	pfree(keys);
	*nkeys = n;
	PG_RETURN_POINTER(entries);
}

/* Key format 1: the entry points of neardup 0.1.0's install script. */
Datum
fingerprint_gin_options(PG_FUNCTION_ARGS)
{
	return gin_options(fcinfo, 1);
}

Datum
fingerprint_gin_extract_value(PG_FUNCTION_ARGS)
{
	return gin_extract_value(fcinfo, 1);
}

Datum
fingerprint_gin_extract_query(PG_FUNCTION_ARGS)
{
	return gin_extract_query(fcinfo, 1);
}

/* Key format 2: neardup 0.2.0 and later. */
Datum
fingerprint_gin_options_v2(PG_FUNCTION_ARGS)
{
	return gin_options(fcinfo, 2);
}

Datum
fingerprint_gin_extract_value_v2(PG_FUNCTION_ARGS)
{
	return gin_extract_value(fcinfo, 2);
}

Datum
fingerprint_gin_extract_query_v2(PG_FUNCTION_ARGS)
{
	return gin_extract_query(fcinfo, 2);
}

/*
 * consistent(internal check, int2 strategy, fingerprint query, int4 nkeys,
 * internal extra_data, internal recheck, internal queryKeys, internal
 * nullFlags): true when enough keys match; always with recheck.
 */
Datum
fingerprint_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);
	NdGinQuery *q;
	int			hits = 0;

	*recheck = true;
	if (nkeys <= 0)
		PG_RETURN_BOOL(true);	/* full scan or empty items: recheck all */
	q = (NdGinQuery *) extra_data[0];
	for (int i = 0; i < nkeys; i++)
		hits += check[i] ? 1 : 0;
	PG_RETURN_BOOL(hits >= q->need);
}

/*
 * triConsistent(internal check, int2 strategy, fingerprint query, int4
 * nkeys, internal extra_data, internal queryKeys, internal nullFlags):
 * GIN_FALSE when even the undecided keys cannot reach the count, else
 * GIN_MAYBE (never GIN_TRUE: the estimate must be rechecked).
 */
Datum
fingerprint_gin_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	NdGinQuery *q;
	int			possible = 0;

	if (nkeys <= 0)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	q = (NdGinQuery *) extra_data[0];
	for (int i = 0; i < nkeys; i++)
		possible += (check[i] != GIN_FALSE) ? 1 : 0;
	PG_RETURN_GIN_TERNARY_VALUE(possible >= q->need ? GIN_MAYBE : GIN_FALSE);
}
