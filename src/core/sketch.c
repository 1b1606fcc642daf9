/*-------------------------------------------------------------------------
 *
 * sketch.c
 *	  Word shingles, their 64-bit hashes, and the one-permutation MinHash
 *	  sketch of a text; resemblance and containment estimators.
 *
 * Design notes
 * ------------
 * Tokens.  The text goes through nd_tokenize (text.c), which normalizes and
 * splits it.  Each token is hashed exactly once, with XXH3_64bits_withSeed
 * and the fixed seed ND_TOKEN_SEED.  XXH3's output is specified
 * byte-for-byte, so token hashes are the same on every platform.
 *
 * Shingles.  A shingle is a window of w consecutive tokens (w = shingle
 * size, 1..16).  Its hash is computed from the w token hashes, never from
 * strings: with B an odd 64-bit constant,
 *
 *		S = t[0]*B^(w-1) + t[1]*B^(w-2) + ... + t[w-1]	(mod 2^64)
 *		h = nd_fmix64(S)									(murmur3's finalizer)
 *
 * B^k are distinct odd multipliers, one per position (B = 5 mod 8 has
 * multiplicative order 2^62), so the order of the words matters: "a b" and
 * "b a" differ unless t[a] = t[b] mod 2^63.  S slides in O(1) per token
 * whatever w is: S' = S*B + t_new - t_old*B^w, with the last 16 token
 * hashes kept in a ring.  fmix64 is a bijection with full avalanche, so
 * the top bits used below are well mixed even though S is linear.  Only
 * unsigned 64-bit integer arithmetic: same result on every platform and
 * byte order.  A text with 1 <= n < w tokens has one shingle, the window of
 * all n tokens (same formula with n for w); an empty text has none.
 *
 * Sketch.  One-permutation MinHash (Li, Owen & Zhang 2012): the shingle
 * hash h is split into a bin, its top 8 bits, and a value, the next 16
 * bits (bits 55..40); each of the 256 slots keeps the minimum value seen
 * in its bin.  Truncation to the top bits is monotonic, so the slot holds
 * the truncation of the bin's true minimum.  0xFFFF marks an empty bin; a
 * real 0xFFFF is stored as 0xFFFE (a 2^-16 nudge that can only create a
 * tie, never reorder).  Empty bins are left empty: no densification, so
 * the estimators below can tell "no shingle here" from a value.
 *
 * Exact hash.  A chain over the token hashes, x = rotl(x ^ t, 29) * P
 * (P odd) from x = ND_EXACT_SEED, closed by XXH3 of (token count, x) with
 * that seed.  For a fixed token hash each step is a bijection of x, so two
 * token sequences that differ meet only if some later step has
 * x ^ t == x' ^ t' (chance about 2^-64 per step for random token hashes):
 * equal sequences give equal hashes and different ones collide with about
 * n * 2^-64 probability.  One xor, rotate and multiply per token, no
 * buffering.
 *
 * Estimators.  For a bin i where the union A u B is non-empty, the
 * union's minimum is a uniform draw from the bin's part of A u B.
 *	 resemblance: a_i == b_i exactly when that minimum lies in A n B (up to
 *	   16-bit ties), so J = matches / (bins where a or b is non-empty).
 *	 containment of A in B: "b empty or a_i <= b_i" says the union's
 *	   minimum lies in A; given that, it is a uniform draw from A and lies
 *	   in B too with probability |A n B| / |A|.  So C = matches / (bins
 *	   where a is non-empty and (b is empty or a_i <= b_i)).
 * Both are ratio estimators over the bins the union fills; their error is
 * at most that of K-permutation MinHash, sqrt(J(1-J)/K), and smaller for
 * texts with fewer shingles than K (sampling without replacement).  For
 * containment only the bins where A holds the union's minimum count, about
 * K*|A|/|A u B| of them, so a short A inside a long B is estimated from few
 * bins.  Measurements: doc/sketch.md.
 *
 * Cost.  Per token: one XXH3 of a short string, two multiplies for the
 * rolling sum, the finalizer (two multiplies), one compare-and-store into
 * a 512-byte array, and one multiply for the exact hash; no branch that
 * depends on the data.  No heap; the state is about 200 bytes of stack
 * (plus nd_tokenize's).  Comparing two sketches is one
 * pass over 256 slots.
 *
 *-------------------------------------------------------------------------
 */
#include "sketch.h"

#include <string.h>

/*
 * Inline XXH3 so the short-token path is specialized for our constant seed
 * (no PLT call, no length-dispatch through a function pointer); the output
 * is the same as libxxhash's, which stays linked for other modules.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "text.h"

#define SHINGLE_B	ND_SHINGLE_B

/* Token hashes kept for the sliding window; a power of two >= MAX. */
#define RING_SIZE	16
#define RING_MASK	(RING_SIZE - 1)

/* Multiplier of the exact-hash chain: odd. */
#define EXACT_P		UINT64_C(0xD6E8FEB86659FD93)

#if ND_SHINGLE_MAX > RING_SIZE
#error "ND_SHINGLE_MAX must not exceed RING_SIZE"
#endif

typedef struct ShingleState
{
	uint64_t	ring[RING_SIZE];	/* last token hashes, by token number */
	uint64_t	sum;			/* S of the current (partial) window */
	uint64_t	bw;				/* B^w */
	uint64_t	exact;			/* exact-hash chain so far */
	size_t		ntokens;
	size_t		w;
	uint16_t   *slots;			/* sketch mode: slots to fill */
	void		(*fn) (void *arg, uint64_t h);	/* hash mode: callback */
	void	   *fn_arg;
} ShingleState;


/* Stores v little-endian at p, whatever the host byte order. */
static inline void
store_le64(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char) v;
	p[1] = (unsigned char) (v >> 8);
	p[2] = (unsigned char) (v >> 16);
	p[3] = (unsigned char) (v >> 24);
	p[4] = (unsigned char) (v >> 32);
	p[5] = (unsigned char) (v >> 40);
	p[6] = (unsigned char) (v >> 48);
	p[7] = (unsigned char) (v >> 56);
}

/* Folds shingle hash h into the slots. */
static inline void
sketch_add(uint16_t *slots, uint64_t h)
{
	unsigned	bin = (unsigned) (h >> 56);
	unsigned	val = (unsigned) (h >> 40) & 0xFFFF;
	unsigned	cur = slots[bin];

	val -= (val == ND_SLOT_EMPTY);
	slots[bin] = (uint16_t) (val < cur ? val : cur);
}

/*
 * Takes in the token hash t: updates the exact hash and the window sum.
 * Returns true when a full window ends at this token (st->sum is then its
 * S).
 */
static inline bool
shingle_step(ShingleState *st, uint64_t t)
{
	size_t		n = st->ntokens;
	unsigned	slot = (unsigned) n & RING_MASK;
	uint64_t	sum = st->sum * SHINGLE_B + t;
	uint64_t	x = st->exact ^ t;

	st->exact = ((x << 29) | (x >> 35)) * EXACT_P;
	if (n >= st->w)
		sum -= st->ring[(n - st->w) & RING_MASK] * st->bw;
	st->sum = sum;
	st->ring[slot] = t;
	st->ntokens = n + 1;
	return n + 1 >= st->w;
}

static void
sketch_token(void *arg, const char *tok, size_t len)
{
	ShingleState *st = arg;

	if (shingle_step(st, XXH3_64bits_withSeed(tok, len, ND_TOKEN_SEED)))
		sketch_add(st->slots, nd_fmix64(st->sum));
}

static void
hash_token(void *arg, const char *tok, size_t len)
{
	ShingleState *st = arg;

	if (shingle_step(st, XXH3_64bits_withSeed(tok, len, ND_TOKEN_SEED)))
		st->fn(st->fn_arg, nd_fmix64(st->sum));
}

/*
 * A count clamped to 32 bits.  A function rather than an inline test, so
 * that a 32-bit size_t argument does not make the comparison trivially
 * false (-Wtype-limits under -m32).
 */
static uint32_t
clamp_u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t) v;
}

static void
state_init(ShingleState *st, int w)
{
	int			i;

	memset(st, 0, sizeof(*st));
	st->w = (size_t) w;
	st->bw = 1;
	for (i = 0; i < w; i++)
		st->bw *= SHINGLE_B;
	st->exact = ND_EXACT_SEED;
}

/*
 * Closes the exact-hash chain.  Returns the hash of the one short shingle
 * in *shortp and true if the text had 1..w-1 tokens.
 */
static bool
state_finish(ShingleState *st, uint64_t *shortp)
{
	unsigned char buf[16];

	store_le64(buf, (uint64_t) st->ntokens);
	store_le64(buf + 8, st->exact);
	st->exact = XXH3_64bits_withSeed(buf, sizeof(buf), ND_EXACT_SEED);

	if (st->ntokens > 0 && st->ntokens < st->w)
	{
		*shortp = nd_fmix64(st->sum);
		return true;
	}
	return false;
}

uint64_t
nd_token_hash(const char *tok, size_t len)
{
	return XXH3_64bits_withSeed(tok, len, ND_TOKEN_SEED);
}

uint64_t
nd_shingle_hash(const uint64_t *t, int n)
{
	uint64_t	sum = 0;
	int			i;

	for (i = 0; i < n; i++)
		sum = sum * SHINGLE_B + t[i];
	return nd_fmix64(sum);
}

bool
nd_sketch_text(const char *s, size_t len, int shingle_size, NdSketch *out,
			   void (*tick) (void *), void *tick_arg)
{
	ShingleState st;
	uint64_t	h;
	bool		ok = nd_shingle_size_valid(shingle_size);

	state_init(&st, ok ? shingle_size : 1);
	memset(out->slots, 0xFF, sizeof(out->slots));
	st.slots = out->slots;
	if (ok)
		nd_tokenize_ex(s, len, sketch_token, &st, tick, tick_arg);
	if (state_finish(&st, &h))
		sketch_add(out->slots, h);

	out->exact_hash = st.exact;
	out->ntokens = clamp_u32(st.ntokens);
	if (st.ntokens >= st.w)
		st.ntokens = st.ntokens - st.w + 1;
	else if (st.ntokens > 0)
		st.ntokens = 1;
	out->nshingles = clamp_u32(st.ntokens);
	return ok;
}

size_t
nd_shingle_hashes(const char *s, size_t len, int shingle_size,
				  void (*fn) (void *arg, uint64_t h), void *arg)
{
	ShingleState st;
	uint64_t	h;

	if (!nd_shingle_size_valid(shingle_size))
		return 0;
	state_init(&st, shingle_size);
	st.fn = fn;
	st.fn_arg = arg;
	nd_tokenize(s, len, hash_token, &st);
	if (state_finish(&st, &h))
	{
		fn(arg, h);
		return 1;
	}
	return st.ntokens >= st.w ? st.ntokens - st.w + 1 : 0;
}

void
nd_sketch_compare(const NdSketch *a, const NdSketch *b, NdSketchCounts *c)
{
	int			matches = 0,
				unionbins = 0,
				abins = 0,
				bbins = 0;
	int			i;

	for (i = 0; i < ND_SKETCH_SLOTS; i++)
	{
		unsigned	x = a->slots[i],
					y = b->slots[i];

		/* the empty marker is the largest value, so it sorts last */
		matches += (x == y) & (x != ND_SLOT_EMPTY);
		unionbins += (x != ND_SLOT_EMPTY) | (y != ND_SLOT_EMPTY);
		abins += (x != ND_SLOT_EMPTY) & (x <= y);
		bbins += (y != ND_SLOT_EMPTY) & (y <= x);
	}
	c->matches = matches;
	c->unionbins = unionbins;
	c->abins = abins;
	c->bbins = bbins;
}

double
nd_sketch_similarity(const NdSketch *a, const NdSketch *b)
{
	NdSketchCounts c;

	if (a->nshingles == 0 || b->nshingles == 0)
		return (a->nshingles == 0 && b->nshingles == 0) ? 1.0 : 0.0;
	nd_sketch_compare(a, b, &c);
	return c.unionbins > 0 ? (double) c.matches / c.unionbins : 0.0;
}

double
nd_sketch_containment(const NdSketch *a, const NdSketch *b)
{
	NdSketchCounts c;

	if (a->nshingles == 0 || b->nshingles == 0)
		return (a->nshingles == 0 && b->nshingles == 0) ? 1.0 : 0.0;
	nd_sketch_compare(a, b, &c);
	return c.abins > 0 ? (double) c.matches / c.abins : 0.0;
}
