/*-------------------------------------------------------------------------
 *
 * gin.c
 *	  gin_fingerprint_ops: a GIN operator class for fingerprints that
 *	  answers % (similarity at or above neardup.similarity_threshold) at
 *	  any threshold chosen at query time, and = (identical fingerprints).
 *
 * Design notes
 * ------------
 * Keys.  The first bands * rows slots of the sketch are cut into `bands`
 * bands of `rows` consecutive slots.  A band whose slots are all non-empty
 * yields one int4 key: the band number in the high bits and `bits` bits of
 * a hash of (band, slot values) in the low bits.  A band with an empty slot
 * yields no key (an empty bin carries no evidence; indexing it would make
 * short texts look alike).  A text with no shingles at all yields the one
 * reserved key ND_GIN_EMPTY_KEY, so that empty texts find each other.
 * A text whose first bands * rows slots are all empty in every band has no
 * key; GIN records it as an empty item.  The keys depend only on the
 * fingerprint and the three options, never on the threshold: one index
 * serves every threshold.
 *
 * Densification of short texts.  A text with fewer than
 * ND_GIN_DENSIFY_BELOW (128) shingles fills few slots, so with rows = 2
 * almost none of its bands would be full: it could not be found, and as a
 * query it would have to scan the whole index.  Such a text fills each
 * empty slot of its bands from the first non-empty slot of a fixed
 * pseudo-random probe sequence of that slot (optimal densification,
 * Shrivastava 2017: for two texts the borrowed values agree with
 * probability J), tagged with the source slot so that a borrowed value
 * never equals a natural one.  Natural slots are unchanged, so a short
 * text still matches a longer one on the bands both fill naturally, as
 * before; only short texts pay the extra keys.
 *
 * Why it works.  For a bin where the union of two shingle sets is not
 * empty, the two slots are equal with probability J (the resemblance);
 * given that the query's slot is not empty the probability is at least J.
 * A full band of the query therefore matches the candidate's band with
 * probability at least J^rows, and the number of matching bands among the
 * query's n full bands is (nearly) Binomial(n, J^rows).  Conditioned on
 * the full-sketch estimate s that recheck computes, the matching bands
 * among the indexed slots are a sample of the sketch's slots, so the same
 * bound holds with J replaced by s.
 *
 * Query.  At scan start extractQuery reads neardup.similarity_threshold t
 * and asks for at least m of the query's n keys, m the largest count with
 * P(Binomial(n, t^rows) >= m) >= 1 - ND_GIN_MISS_RATE: a pair whose
 * estimate is t is missed with probability at most about ND_GIN_MISS_RATE,
 * one with a higher estimate much less often.  m is at least 1; so a query
 * with very few full bands (a text of a few dozen words) can miss more
 * than that rate (doc/index.md has the numbers).  The consistent functions
 * count matching keys and always ask for a recheck, which computes the
 * real estimate: every row returned satisfies the operator.
 *
 * A threshold too low for the layout (even m = 1 would miss more than half
 * of the pairs at t: below 0.17 for 24 bands of 2 rows) is answered by
 * reading every row, never by a fast but lossy scan; when it sees the
 * query fingerprint (a constant) the planner prices that as a full index
 * scan and prefers another index or a sequential scan.  Top-k ("the ten
 * most similar", weak neighbours included) therefore wants an index of
 * single-slot keys, (bands = 32, rows = 1), and the pattern `% at 0.05
 * ORDER BY <-> LIMIT 10`; with both indexes present the planner picks the
 * single-slot one at such thresholds and the default above them when the
 * fingerprint is a constant, and the smaller index otherwise
 * (doc/index.md).
 *
 * For = every key of the query must match (identical fingerprints have
 * identical keys); a query with no keys looks at the items with no keys.
 * Recheck compares the fingerprints.
 *
 * Size.  Each key of a row costs one posting-list entry, 1-4 bytes once
 * GIN compresses it, and `bits` bounds the number of distinct keys per
 * band (2^bits), i.e. the entry-tuple overhead.  Defaults: 24 bands of 2
 * rows and 16 bits.  Why rows = 2: at a million articles, common word
 * triples ("one of the") are the minimum of their bin in tens of thousands
 * of articles, so single-slot keys have posting lists that long and a scan
 * at a low threshold (few matching keys required) reads them all; a key
 * made of two slots is shared only when both coincide, which common
 * shingles rarely do together (at 0.3, repeated queries: p99 183 ms with
 * 32 x 1, 10 ms with 24 x 2 at 190 bytes per article).  doc/index.md has
 * the measurements, including the slower once-per-query figures.
 *
 * Containment (<%, %>) is not indexed: a short text inside a long one
 * shares few slots with it (about |A| / |B| of them), so no count of
 * matching keys bounds containment from below.  See doc/index.md for the
 * fallback.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/gin.h"
#include "access/reloptions.h"
#include "fmgr.h"

#include "index_common.h"

PG_FUNCTION_INFO_V1(fingerprint_gin_extract_value);
PG_FUNCTION_INFO_V1(fingerprint_gin_extract_query);
PG_FUNCTION_INFO_V1(fingerprint_gin_consistent);
PG_FUNCTION_INFO_V1(fingerprint_gin_triconsistent);
PG_FUNCTION_INFO_V1(fingerprint_gin_options);

/* Opclass options and their defaults. */
#define ND_GIN_BANDS_DEFAULT	24
#define ND_GIN_ROWS_DEFAULT		2
#define ND_GIN_BITS_DEFAULT		16
#define ND_GIN_BITS_MIN			4
#define ND_GIN_BITS_MAX			23	/* band 255 << 23 still fits an int4 */

/* Chance of missing a pair whose estimate is exactly the threshold. */
#define ND_GIN_MISS_RATE		0.02

/*
 * Texts with fewer shingles than this have the empty slots of their bands
 * filled from other slots (densification, see the design notes).
 */
#define ND_GIN_DENSIFY_BELOW	128

/*
 * A layout whose bands would miss more than this share of the pairs at the
 * threshold even when one matching key is enough does not serve that
 * threshold: the scan reads every row instead (exact, slower than a
 * sequential scan, and costed as a full index scan when the planner sees
 * the query; see gin_serves_threshold).
 */
#define ND_GIN_SERVE_MISS		0.5

/* Queries with this many single-slot keys need at least two to match. */
#define ND_GIN_FLOOR2_KEYS		16

/* Probes of the densification sequence before a plain scan takes over. */
#define ND_GIN_DENSIFY_PROBES	1024

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

/*
 * options(internal): declares the opclass options bands, rows and bits
 * (CREATE INDEX ... USING gin (fp gin_fingerprint_ops (bands = 32))).
 */
Datum
fingerprint_gin_options(PG_FUNCTION_ARGS)
{
	local_relopts *relopts = (local_relopts *) PG_GETARG_POINTER(0);

	init_local_reloptions(relopts, sizeof(NdGinOptions));
	add_local_int_reloption(relopts, "bands",
							"number of LSH bands (index keys per row at most)",
							ND_GIN_BANDS_DEFAULT, 1, ND_SKETCH_SLOTS,
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

/* The options of the index being used, or the defaults. */
static void
gin_get_options(FunctionCallInfo fcinfo, int *bands, int *rows, int *bits)
{
	*bands = ND_GIN_BANDS_DEFAULT;
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
 * The slot an empty slot i borrows from (optimal densification): the first
 * non-empty slot in a fixed pseudo-random sequence of slots that depends
 * only on i.  slots must hold at least one non-empty slot.
 */
static int
gin_borrow(const uint16 *slots, int i)
{
	for (uint64 a = 1; a <= ND_GIN_DENSIFY_PROBES; a++)
	{
		int			j = (int) (nd_mix64(UINT64CONST(0x64656E7369667921) ^
										((uint64) i << 32) ^ a) &
							   (ND_SKETCH_SLOTS - 1));

		if (slots[j] != ND_SLOT_EMPTY)
			return j;
	}
	/* (reached with chance (1 - 1/256)^1024 < 2 % when one slot is filled) */
	for (int k = 1; k < ND_SKETCH_SLOTS; k++)
	{
		int			j = (i + k) & (ND_SKETCH_SLOTS - 1);

		if (slots[j] != ND_SLOT_EMPTY)
			return j;
	}
	return i;					/* not reached: some slot is filled */
}

/*
 * Fills keys[] (room for bands + 1) with the keys of fp and returns how
 * many there are.
 */
static int
gin_band_keys(const Fingerprint *fp, int bands, int rows, int bits,
			  int32 *keys)
{
	const uint16 *slots = fp->sketch.slots;
	bool		densify = fp->sketch.nshingles < ND_GIN_DENSIFY_BELOW;
	int			n = 0;

	if (fp->sketch.nshingles == 0)
	{
		keys[0] = ND_GIN_EMPTY_KEY;
		return 1;
	}
	for (int j = 0; j < bands; j++)
	{
		uint64		h = nd_mix64(UINT64CONST(0x6E64676962616E64) ^ (uint64) j);
		bool		full = true;

		for (int r = 0; r < rows; r++)
		{
			int			i = j * rows + r;
			uint16		v = slots[i];

			if (v != ND_SLOT_EMPTY)
				h = nd_mix64(h ^ v);
			else if (densify)
			{
				/* a borrowed value, tagged with its slot: never a natural v */
				int			src = gin_borrow(slots, i);

				h = nd_mix64(h ^ (((uint64) (src + 1) << 16) | slots[src]));
			}
			else
			{
				full = false;
				break;
			}
		}
		if (full)
			keys[n++] = (int32) (((uint32) j << bits) |
								 (uint32) (h >> (64 - bits)));
	}
	return n;
}

/*
 * The least number of matching bands to ask of a query with n full bands
 * at similarity threshold t: the largest m (m <= n) such that
 * P(Binomial(n, t^rows) >= m) >= 1 - ND_GIN_MISS_RATE, but at least the
 * floor below; or 0 when t is 0 (every row qualifies).
 *
 * The floor is 1, except for single-slot keys (rows = 1) and a query with
 * at least ND_GIN_FLOOR2_KEYS keys, where it is 2: one matching slot value
 * is mostly chance at scale (a common word triple is the minimum of its bin
 * in tens of thousands of articles), so at low thresholds m = 1 made a
 * million-row scan recheck ~47,000 candidates; two matching slots cut that
 * a hundredfold and cost recall only near t (a pair at exactly 0.1 with 32
 * keys is found 85 % of the time instead of 97 %, at 0.2 99.6 %).
 */
static int
gin_needed_bands(int n, int rows, double t)
{
	double		p,
				cdf = 0.0;
	int			least = (rows == 1 && n >= ND_GIN_FLOOR2_KEYS) ? 2 : 1;

	if (t <= 0.0 || n == 0)
		return 0;
	p = pow(t, rows);
	if (p >= 1.0)
		return n;
	for (int k = 0; k < n; k++)
	{
		double		lpmf = lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
			k * log(p) + (n - k) * log1p(-p);

		cdf += exp(lpmf);
		if (cdf > ND_GIN_MISS_RATE)
			return Max(k, least);
	}
	return n;
}

/*
 * Whether an index of `bands` bands of `rows` slots can answer % at
 * threshold t: a pair at similarity t shares a given band with probability
 * t^rows, so with m = 1 it is missed with probability (1 - t^rows)^bands.
 * Above ND_GIN_SERVE_MISS the index would silently lose most pairs near t
 * (24 bands of 2 rows: t < 0.17, e.g. the top-k pattern at 0.05, where it
 * found about half of the true top ten at 1M rows), so it reads every row
 * instead.  A planner that sees the query (a constant) prices that as a
 * full index scan and prefers a single-slot index (bands = 32, rows = 1:
 * t >= 0.022) when there is one, or a sequential scan; with a subquery it
 * cannot see it, and the scan reads every row.  The query's own key
 * count does not enter, so the rule depends only on the index and the
 * threshold.
 */
static bool
gin_serves_threshold(int bands, int rows, double t)
{
	return pow(1.0 - pow(t, rows), bands) <= ND_GIN_SERVE_MISS;
}

/* extractValue(fingerprint, internal nkeys, internal nullFlags) */
Datum
fingerprint_gin_extract_value(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	int			bands,
				rows,
				bits;
	int32	   *keys;
	Datum	   *entries;
	int			n;

	gin_get_options(fcinfo, &bands, &rows, &bits);
	keys = palloc((bands + 1) * sizeof(int32));
	n = gin_band_keys(fp, bands, rows, bits, keys);
	entries = palloc(Max(n, 1) * sizeof(Datum));
	for (int i = 0; i < n; i++)
		entries[i] = Int32GetDatum(keys[i]);
	pfree(keys);
	*nkeys = n;
	PG_RETURN_POINTER(entries);
}

/*
 * extractQuery(fingerprint, internal nkeys, int2 strategy, internal
 * pmatch, internal extra_data, internal nullFlags, internal searchMode)
 *
 * Reads neardup.similarity_threshold now, at scan start.
 */
Datum
fingerprint_gin_extract_query(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	int			bands,
				rows,
				bits;
	int32	   *keys;
	Datum	   *entries;
	NdGinQuery *q;
	int			n;

	gin_get_options(fcinfo, &bands, &rows, &bits);
	keys = palloc((bands + 1) * sizeof(int32));
	n = gin_band_keys(fp, bands, rows, bits, keys);

	q = palloc(sizeof(NdGinQuery));
	q->strategy = strategy;
	q->nkeys = n;
	switch (strategy)
	{
		case ND_STRATEGY_SIMILAR:
			if (NeardupSimilarityThreshold <= 0.0)
				q->need = 0;	/* every row qualifies */
			else if (n == 1 && keys[0] == ND_GIN_EMPTY_KEY)
				q->need = 1;	/* only empty texts are similar to it */
			else if (!gin_serves_threshold(bands, rows,
										   NeardupSimilarityThreshold))
				q->need = 0;	/* too low for this layout: every row */
			else
				q->need = gin_needed_bands(n, rows, NeardupSimilarityThreshold);
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
