/*-------------------------------------------------------------------------
 *
 * gist.c
 *	  gist_fingerprint_ops: a GiST operator class for fingerprints that
 *	  answers ORDER BY fp <-> q (nearest neighbours, exact), fp % q and
 *	  fp = q.
 *
 * Design notes
 * ------------
 * Keys.  A leaf key holds the whole fingerprint, so distances and %
 * computed at the leaves are exact (no recheck) and index-only scans can
 * return the value.  An inner key holds a signature of `siglen` bytes, the
 * OR over its subtree of one bit per non-empty (slot, value) pair hashed
 * into siglen * 8 bits, and the least and greatest number of non-empty
 * slots in the subtree.  A saturated signature is stored as a flag only.
 *
 * Bound.  For a query q with fq non-empty slots and any x below an inner
 * key: x can match q only in slots whose (slot, q's value) bit is set, so
 * matches <= c (those slots) and matches <= filled(x) <= maxfill; the
 * estimator's denominator covers every slot non-empty in q or x, so it is
 * at least max(fq, minfill).  Hence
 *
 *		similarity(q, x) <= min(c, maxfill) / max(fq, minfill)
 *
 * and 1 minus that is a valid lower bound on <->: KNN search is exact.  An
 * empty query is similar (1) only to empty texts, which minfill = 0 flags.
 *
 * Cost.  An article fills about 200 of 256 slots, so signatures saturate
 * after a few dozen leaves: the bound prunes near the leaves but little
 * near the root.  Top-k by <-> is exact but visits a large part of the
 * index when the k-th neighbour is far (the usual case: most articles have
 * no near-duplicate); doc/index.md has measurements and the faster
 * GIN-based pattern.  Penalty is the number of signature bits an entry
 * would add; picksplit seeds the two pages with the pair of entries
 * farthest apart in Hamming distance, as pg_trgm does.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/gist.h"
#include "access/gist_private.h"
#include "access/reloptions.h"
#include "fmgr.h"
#include "port/pg_bitutils.h"

#include "index_common.h"

PG_FUNCTION_INFO_V1(fingerprint_gist_key_in);
PG_FUNCTION_INFO_V1(fingerprint_gist_key_out);
PG_FUNCTION_INFO_V1(fingerprint_gist_consistent);
PG_FUNCTION_INFO_V1(fingerprint_gist_distance);
PG_FUNCTION_INFO_V1(fingerprint_gist_union);
PG_FUNCTION_INFO_V1(fingerprint_gist_compress);
PG_FUNCTION_INFO_V1(fingerprint_gist_fetch);
PG_FUNCTION_INFO_V1(fingerprint_gist_penalty);
PG_FUNCTION_INFO_V1(fingerprint_gist_picksplit);
PG_FUNCTION_INFO_V1(fingerprint_gist_same);
PG_FUNCTION_INFO_V1(fingerprint_gist_options);

/* fingerprint_eq is in fingerprint.c */
extern Datum fingerprint_eq(PG_FUNCTION_ARGS);

#define ND_GIST_SIGLEN_DEFAULT	512
/* the largest signature whose inner key fits GiST's key size limit */
#define ND_GIST_SIGLEN_MAX		((int) (GISTMaxIndexKeySize - ND_GIST_HDRSZ))

/* Seed of the hash that maps (slot, value) to a signature bit. */
#define ND_GIST_SIG_SEED		UINT64CONST(0x6E64676973747367)	/* "ndgistsg" */

/* Slack for float4 rounding in bounds: never prune a qualifying row. */
#define ND_GIST_EPS				1e-5

typedef struct NdGistOptions
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int			siglen;			/* signature length in bytes */
} NdGistOptions;

#define ND_GIST_SIGLEN(fcinfo) \
	(PG_HAS_OPCLASS_OPTIONS() ? \
	 ((NdGistOptions *) PG_GET_OPCLASS_OPTIONS())->siglen : \
	 ND_GIST_SIGLEN_DEFAULT)

/* The key: a leaf fingerprint or an inner signature. */
typedef struct NdGistKey
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		flags;
	uint8		unused;
	uint16		minfill;		/* least non-empty slots below (leaf: own) */
	uint16		maxfill;		/* most non-empty slots below (leaf: own) */
	uint16		unused2;
	/* 8-aligned payload: Fingerprint (leaf) or siglen bytes (inner) */
	uint64		data[FLEXIBLE_ARRAY_MEMBER];
} NdGistKey;

#define ND_GIST_FP(k)			((Fingerprint *) (k)->data)
#define ND_GIST_SIG(k)			((uint8 *) (k)->data)

#define ND_GIST_LEAF		0x01
#define ND_GIST_ALLTRUE		0x02	/* inner, signature saturated: no bytes */

#define ND_GIST_HDRSZ			offsetof(NdGistKey, data)
#define ND_GIST_LEAF_SIZE		(ND_GIST_HDRSZ + sizeof(Fingerprint))
#define ND_GIST_IS_LEAF(k)		(((k)->flags & ND_GIST_LEAF) != 0)
#define ND_GIST_IS_ALLTRUE(k)	(((k)->flags & ND_GIST_ALLTRUE) != 0)
#define DatumGetGistKey(d)	((NdGistKey *) DatumGetPointer(d))

/* Bit of (slot, value) in a signature of siglen bytes. */
static inline uint32
sig_bit(int slot, uint16 value, int siglen)
{
	uint64		h = nd_fmix64(((uint64) slot << 16 | value) ^ ND_GIST_SIG_SEED);

	return (uint32) (h % ((uint64) siglen * 8));
}

#define SIG_SET(sig, b)		((sig)[(b) >> 3] |= (uint8) (1 << ((b) & 7)))
#define SIG_GET(sig, b)		(((sig)[(b) >> 3] >> ((b) & 7)) & 1)

/* Writes the signature of any key into sig[siglen]. */
static void
key_signature(const NdGistKey *key, int siglen, uint8 *sig)
{
	if (ND_GIST_IS_LEAF(key))
	{
		const uint16 *slots = ND_GIST_FP(key)->sketch.slots;

		memset(sig, 0, siglen);
		for (int i = 0; i < ND_SKETCH_SLOTS; i++)
			if (slots[i] != ND_SLOT_EMPTY)
			{
				uint32		b = sig_bit(i, slots[i], siglen);

				SIG_SET(sig, b);
			}
	}
	else if (ND_GIST_IS_ALLTRUE(key))
		memset(sig, 0xFF, siglen);
	else
		memcpy(sig, ND_GIST_SIG(key), siglen);
}

static int
sig_popcount(const uint8 *sig, int siglen)
{
	return (int) pg_popcount((const char *) sig, siglen);
}

/* A palloc'd inner key from a signature and fill range. */
static NdGistKey *
make_inner_key(const uint8 *sig, int siglen, int minfill, int maxfill)
{
	bool		all = (sig_popcount(sig, siglen) == siglen * 8);
	Size		size = ND_GIST_HDRSZ + (all ? 0 : siglen);
	NdGistKey  *key = palloc0(size);

	SET_VARSIZE(key, size);
	key->flags = all ? ND_GIST_ALLTRUE : 0;
	key->minfill = (uint16) minfill;
	key->maxfill = (uint16) maxfill;
	if (!all)
		memcpy(ND_GIST_SIG(key), sig, siglen);
	return key;
}

/*
 * The query, decoded once per scan and cached in fn_extra: its non-empty
 * slot count and the signature bit of each non-empty slot.
 */
typedef struct GistQueryCache
{
	Fingerprint q;
	int			siglen;
	int			fq;
	uint32		bits[ND_SKETCH_SLOTS];
} GistQueryCache;

static GistQueryCache *
gist_query(FunctionCallInfo fcinfo, const Fingerprint *q, int siglen)
{
	GistQueryCache *c = (GistQueryCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL || c->siglen != siglen ||
		memcmp(&c->q, q, sizeof(Fingerprint)) != 0)
	{
		if (c == NULL)
			c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(GistQueryCache));
		memcpy(&c->q, q, sizeof(Fingerprint));
		c->siglen = siglen;
		c->fq = 0;
		for (int i = 0; i < ND_SKETCH_SLOTS; i++)
			if (q->sketch.slots[i] != ND_SLOT_EMPTY)
				c->bits[c->fq++] = sig_bit(i, q->sketch.slots[i], siglen);
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

/* Upper bound on similarity(q, x) for every x below inner key. */
static double
inner_similarity_bound(const NdGistKey *key, const GistQueryCache *c)
{
	int			cnt = 0;
	int			num,
				den;

	if (c->fq == 0)
		return key->minfill == 0 ? 1.0 : 0.0;
	if (ND_GIST_IS_ALLTRUE(key))
		cnt = c->fq;
	else
		for (int i = 0; i < c->fq; i++)
			cnt += SIG_GET(ND_GIST_SIG(key), c->bits[i]);
	num = Min(cnt, (int) key->maxfill);
	den = Max(c->fq, (int) key->minfill);
	return (double) num / (double) den;
}

/* Input and output of the key type: not for users. */
Datum
fingerprint_gist_key_in(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot accept a value of type %s", "fingerprint_gist_key")));
	PG_RETURN_VOID();			/* keep compiler quiet */
}

Datum
fingerprint_gist_key_out(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot display a value of type %s", "fingerprint_gist_key")));
	PG_RETURN_VOID();			/* keep compiler quiet */
}

/* options(internal): the opclass option siglen. */
Datum
fingerprint_gist_options(PG_FUNCTION_ARGS)
{
	local_relopts *relopts = (local_relopts *) PG_GETARG_POINTER(0);

	init_local_reloptions(relopts, sizeof(NdGistOptions));
	add_local_int_reloption(relopts, "siglen",
							"signature length of inner keys in bytes",
							ND_GIST_SIGLEN_DEFAULT, 8, ND_GIST_SIGLEN_MAX,
							offsetof(NdGistOptions, siglen));
	PG_RETURN_VOID();
}

/* compress(internal): a leaf fingerprint becomes a leaf key. */
Datum
fingerprint_gist_compress(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY  *retval;
	Fingerprint *fp;
	NdGistKey  *key;
	int			fill;

	if (!entry->leafkey)
		PG_RETURN_POINTER(entry);
	fp = DatumGetFingerprintP(entry->key);
	fill = nd_sketch_filled(&fp->sketch);
	key = palloc0(ND_GIST_LEAF_SIZE);
	SET_VARSIZE(key, ND_GIST_LEAF_SIZE);
	key->flags = ND_GIST_LEAF;
	key->minfill = key->maxfill = (uint16) fill;
	memcpy(ND_GIST_FP(key), fp, sizeof(Fingerprint));

	retval = palloc(sizeof(GISTENTRY));
	gistentryinit(*retval, PointerGetDatum(key), entry->rel, entry->page,
				  entry->offset, false);
	PG_RETURN_POINTER(retval);
}

/* fetch(internal): the fingerprint of a leaf key, for index-only scans. */
Datum
fingerprint_gist_fetch(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	NdGistKey  *key = DatumGetGistKey(entry->key);
	Fingerprint *fp = palloc(sizeof(Fingerprint));
	GISTENTRY  *retval = palloc(sizeof(GISTENTRY));

	Assert(ND_GIST_IS_LEAF(key));
	memcpy(fp, ND_GIST_FP(key), sizeof(Fingerprint));
	gistentryinit(*retval, FingerprintPGetDatum(fp), entry->rel, entry->page,
				  entry->offset, false);
	PG_RETURN_POINTER(retval);
}

/*
 * consistent(internal entry, fingerprint query, int2 strategy, oid
 * subtype, internal recheck): exact at leaves, the bound above at inner
 * keys.  Never asks for a recheck.  Strategy 4 (fp % at_least(q, t),
 * 0.3.0) is strategy 1 with the query value's own threshold.
 */
Datum
fingerprint_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(4);
	NdGistKey  *key = DatumGetGistKey(entry->key);
	double		threshold;
	float4		threshold4;
	const Fingerprint *q = NeardupScanQuery(PG_GETARG_DATUM(1), strategy,
											&threshold, &threshold4);
	GistQueryCache *c;

	*recheck = false;
	switch (strategy)
	{
		case ND_STRATEGY_SIMILAR:
		case ND_STRATEGY_SIMILAR_AT:
			if (ND_GIST_IS_LEAF(key))
			{
				float4		sim = (float4) FingerprintSimilarity(ND_GIST_FP(key), q);

				PG_RETURN_BOOL(sim >= threshold4);
			}
			c = gist_query(fcinfo, q, ND_GIST_SIGLEN(fcinfo));
			PG_RETURN_BOOL(inner_similarity_bound(key, c) + ND_GIST_EPS >=
						   threshold);
		case ND_STRATEGY_EQUAL:
			if (ND_GIST_IS_LEAF(key))
				PG_RETURN_DATUM(DirectFunctionCall2(fingerprint_eq,
													PointerGetDatum(ND_GIST_FP(key)),
													PointerGetDatum(q)));
			c = gist_query(fcinfo, q, ND_GIST_SIGLEN(fcinfo));
			if (c->fq < key->minfill || c->fq > key->maxfill)
				PG_RETURN_BOOL(false);
			if (!ND_GIST_IS_ALLTRUE(key))
				for (int i = 0; i < c->fq; i++)
					if (!SIG_GET(ND_GIST_SIG(key), c->bits[i]))
						PG_RETURN_BOOL(false);
			PG_RETURN_BOOL(true);
		default:
			elog(ERROR, "unrecognized strategy number: %d", strategy);
	}
	PG_RETURN_BOOL(false);		/* keep compiler quiet */
}

/*
 * distance(internal entry, fingerprint query, int2 strategy, oid subtype,
 * internal recheck): <-> at leaves (exactly the operator's float4 value),
 * a lower bound on it at inner keys.
 */
Datum
fingerprint_gist_distance(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	Fingerprint *q = PG_GETARG_FINGERPRINT_P(1);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(4);
	NdGistKey  *key = DatumGetGistKey(entry->key);
	double		bound;

	if (strategy != ND_STRATEGY_DISTANCE)
		elog(ERROR, "unrecognized strategy number: %d", strategy);
	*recheck = false;
	if (ND_GIST_IS_LEAF(key))
	{
		float4		d = 1.0f - (float4) FingerprintSimilarity(ND_GIST_FP(key), q);

		PG_RETURN_FLOAT8((float8) d);
	}
	bound = 1.0 - inner_similarity_bound(key, gist_query(fcinfo, q, ND_GIST_SIGLEN(fcinfo)));
	PG_RETURN_FLOAT8(Max(bound - ND_GIST_EPS, 0.0));
}

/* union(internal entryvec, internal size): OR of signatures, fill range. */
Datum
fingerprint_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	int		   *size = (int *) PG_GETARG_POINTER(1);
	int			siglen = ND_GIST_SIGLEN(fcinfo);
	uint8	   *sig = palloc0(siglen);
	uint8	   *tmp = palloc(siglen);
	int			minfill = INT_MAX,
				maxfill = 0;
	NdGistKey  *res;

	for (int i = 0; i < entryvec->n; i++)
	{
		NdGistKey  *k = DatumGetGistKey(entryvec->vector[i].key);

		key_signature(k, siglen, tmp);
		for (int b = 0; b < siglen; b++)
			sig[b] |= tmp[b];
		minfill = Min(minfill, (int) k->minfill);
		maxfill = Max(maxfill, (int) k->maxfill);
	}
	res = make_inner_key(sig, siglen, minfill, maxfill);
	*size = VARSIZE(res);
	PG_RETURN_POINTER(res);
}

/* same(key, key, internal result) */
Datum
fingerprint_gist_same(PG_FUNCTION_ARGS)
{
	NdGistKey  *a = (NdGistKey *) PG_GETARG_POINTER(0);
	NdGistKey  *b = (NdGistKey *) PG_GETARG_POINTER(1);
	bool	   *result = (bool *) PG_GETARG_POINTER(2);

	*result = VARSIZE(a) == VARSIZE(b) && a->flags == b->flags &&
		a->minfill == b->minfill && a->maxfill == b->maxfill &&
		memcmp(a->data, b->data, VARSIZE(a) - ND_GIST_HDRSZ) == 0;
	PG_RETURN_POINTER(result);
}

/*
 * The signature of the entry being inserted, cached across the penalty
 * calls of one insertion (GiST asks for the penalty of the same new entry
 * against every key of a page), as pg_trgm does in fn_extra.
 */
typedef struct NdPenaltyCache
{
	int			siglen;
	Size		keysize;
	char	   *key;			/* copy of the new entry's key */
	uint8	   *sig;			/* its signature, siglen bytes */
} NdPenaltyCache;

static const uint8 *
penalty_new_signature(FunctionCallInfo fcinfo, NdGistKey *new, int siglen)
{
	NdPenaltyCache *c = (NdPenaltyCache *) fcinfo->flinfo->fn_extra;
	Size		size = VARSIZE(new);

	if (c == NULL || c->siglen != siglen || c->keysize != size ||
		memcmp(c->key, new, size) != 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (c == NULL)
			c = palloc0(sizeof(NdPenaltyCache));
		else
		{
			pfree(c->key);
			pfree(c->sig);
		}
		c->siglen = siglen;
		c->keysize = size;
		c->key = palloc(size);
		memcpy(c->key, new, size);
		c->sig = palloc(siglen);
		key_signature(new, siglen, c->sig);
		fcinfo->flinfo->fn_extra = c;
		MemoryContextSwitchTo(old);
	}
	return c->sig;
}

static int	added_bits(const uint8 *to, const uint8 *from, int siglen);

/*
 * penalty(internal orig, internal new, internal penalty): signature bits
 * the new entry would add, plus a fraction for widening the fill range.
 */
Datum
fingerprint_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY  *origentry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY  *newentry = (GISTENTRY *) PG_GETARG_POINTER(1);
	float	   *penalty = (float *) PG_GETARG_POINTER(2);
	int			siglen = ND_GIST_SIGLEN(fcinfo);
	NdGistKey  *orig = DatumGetGistKey(origentry->key);
	NdGistKey  *new = DatumGetGistKey(newentry->key);
	int			added = 0,
				widen = 0;

	if (!ND_GIST_IS_ALLTRUE(orig))
	{
		const uint8 *b = penalty_new_signature(fcinfo, new, siglen);

		if (ND_GIST_IS_LEAF(orig))
		{
			uint8	   *a = palloc(siglen);

			key_signature(orig, siglen, a);
			added = added_bits(a, b, siglen);
			pfree(a);
		}
		else
			added = added_bits(ND_GIST_SIG(orig), b, siglen);
	}
	if (new->minfill < orig->minfill)
		widen += orig->minfill - new->minfill;
	if (new->maxfill > orig->maxfill)
		widen += new->maxfill - orig->maxfill;
	*penalty = (float) added + (float) widen / (ND_SKETCH_SLOTS + 1);
	PG_RETURN_POINTER(penalty);
}

static int
hamming(const uint8 *a, const uint8 *b, int siglen)
{
	int			d = 0;

	for (int i = 0; i < siglen; i++)
		d += pg_number_of_ones[(uint8) (a[i] ^ b[i])];
	return d;
}

static int
added_bits(const uint8 *to, const uint8 *from, int siglen)
{
	int			d = 0;

	for (int i = 0; i < siglen; i++)
		d += pg_number_of_ones[(uint8) (from[i] & ~to[i])];
	return d;
}

/* An entry of picksplit and how much it prefers the left seed. */
typedef struct SplitItem
{
	OffsetNumber off;
	int			pref;			/* bits added to the left seed minus to the right */
} SplitItem;

static int
split_item_cmp(const void *a, const void *b)
{
	const SplitItem *x = (const SplitItem *) a;
	const SplitItem *y = (const SplitItem *) b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return (int) x->off - (int) y->off;
}

/*
 * picksplit(internal entryvec, internal splitvec): the seeds are the two
 * entries farthest apart in Hamming distance; the entries are ordered by
 * how much more they would grow the left seed's signature than the right
 * one's, and the first half goes left.  Always an even split: a greedy
 * assignment degenerates into one-entry pages once signatures saturate
 * (a saturated seed attracts everything).
 */
Datum
fingerprint_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *v = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	int			siglen = ND_GIST_SIGLEN(fcinfo);
	OffsetNumber maxoff = entryvec->n - 1;
	int			n = maxoff;		/* entries are 1..maxoff */
	uint8	   *sigs = palloc((Size) (n + 1) * siglen);
	uint8	   *lsig = palloc0(siglen);
	uint8	   *rsig = palloc0(siglen);
	SplitItem  *items = palloc(n * sizeof(SplitItem));
	int			lmin = INT_MAX,
				lmax = 0,
				rmin = INT_MAX,
				rmax = 0;
	int			seed1 = FirstOffsetNumber,
				seed2 = FirstOffsetNumber + 1,
				best = -1;

	for (OffsetNumber i = FirstOffsetNumber; i <= maxoff; i++)
		key_signature(DatumGetGistKey(entryvec->vector[i].key), siglen,
					  sigs + (Size) i * siglen);
	for (OffsetNumber i = FirstOffsetNumber; i < maxoff; i++)
		for (OffsetNumber j = i + 1; j <= maxoff; j++)
		{
			int			d = hamming(sigs + (Size) i * siglen,
									sigs + (Size) j * siglen, siglen);

			if (d > best)
			{
				best = d;
				seed1 = i;
				seed2 = j;
			}
		}

	for (OffsetNumber i = FirstOffsetNumber; i <= maxoff; i++)
	{
		uint8	   *s = sigs + (Size) i * siglen;

		items[i - 1].off = i;
		if (i == seed1)
			items[i - 1].pref = INT_MIN;
		else if (i == seed2)
			items[i - 1].pref = INT_MAX;
		else
			items[i - 1].pref =
				added_bits(sigs + (Size) seed1 * siglen, s, siglen) -
				added_bits(sigs + (Size) seed2 * siglen, s, siglen);
	}
	qsort(items, n, sizeof(SplitItem), split_item_cmp);

	v->spl_left = palloc((n + 1) * sizeof(OffsetNumber));
	v->spl_right = palloc((n + 1) * sizeof(OffsetNumber));
	v->spl_nleft = v->spl_nright = 0;
	for (int k = 0; k < n; k++)
	{
		OffsetNumber i = items[k].off;
		NdGistKey  *key = DatumGetGistKey(entryvec->vector[i].key);
		uint8	   *s = sigs + (Size) i * siglen;

		if (k < (n + 1) / 2)
		{
			for (int b = 0; b < siglen; b++)
				lsig[b] |= s[b];
			lmin = Min(lmin, (int) key->minfill);
			lmax = Max(lmax, (int) key->maxfill);
			v->spl_left[v->spl_nleft++] = i;
		}
		else
		{
			for (int b = 0; b < siglen; b++)
				rsig[b] |= s[b];
			rmin = Min(rmin, (int) key->minfill);
			rmax = Max(rmax, (int) key->maxfill);
			v->spl_right[v->spl_nright++] = i;
		}
	}
	v->spl_ldatum = PointerGetDatum(make_inner_key(lsig, siglen, lmin, lmax));
	v->spl_rdatum = PointerGetDatum(make_inner_key(rsig, siglen, rmin, rmax));
	PG_RETURN_POINTER(v);
}
