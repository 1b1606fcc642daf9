/*-------------------------------------------------------------------------
 *
 * sketch.h
 *	  Word shingling and the one-permutation MinHash sketch that neardup
 *	  fingerprints are made of, plus the resemblance and containment
 *	  estimators.  Pure C99: no PostgreSQL headers, no locale, no heap.
 *
 * See the design-notes block at the top of sketch.c and doc/sketch.md for
 * the hashing scheme, the estimators and the measurements behind
 * ND_SKETCH_SLOTS and ND_SHINGLE_DEFAULT.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_SKETCH_H
#define NEARDUP_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number of sketch slots (bins); the bin of a shingle is its top 8 bits. */
#define ND_SKETCH_SLOTS 256

/* Slot value of a bin that no shingle fell into. */
#define ND_SLOT_EMPTY 0xFFFF

/* Shingle sizes (words per shingle) accepted; see doc/sketch.md. */
#define ND_SHINGLE_MIN 1
#define ND_SHINGLE_MAX 16
#define ND_SHINGLE_DEFAULT 3

/*
 * Seeds of the hash functions.  Changing any of these, or anything else in
 * the hashing, changes every fingerprint: bump the fingerprint format
 * version when you do (the golden values in test/unit/test_sketch.c pin
 * them).
 */
#define ND_TOKEN_SEED UINT64_C(0x6E65617264757031)	/* "neardup1" */
#define ND_EXACT_SEED UINT64_C(0x6E64657861637431)	/* "ndexact1" */

/*
 * Positional multiplier B of the shingle hash fmix64(t[0]*B^(k-1) + ... +
 * t[k-1]): odd, = 5 mod 8.  The passage k-gram hash (passage.c) uses the
 * same B so that its rolling hash equals nd_shingle_hash.
 */
#define ND_SHINGLE_B UINT64_C(0x9E3779B97F4A7C15)

/*
 * The sketch of one text.  Fixed size (528 bytes), no pointers; two
 * sketches of the same text and shingle size are byte-for-byte equal on
 * every platform.  The shingle size is not stored: callers keep it next to
 * the sketch and must only compare sketches built with the same one.
 */
typedef struct NdSketch
{
	uint64_t	exact_hash;		/* hash of the whole token sequence */
	uint32_t	nshingles;		/* shingle positions: ntokens - w + 1, or 1
								 * if 0 < ntokens < w, or 0 */
	uint32_t	ntokens;		/* tokens (saturates at UINT32_MAX) */
	uint16_t	slots[ND_SKETCH_SLOTS]; /* per-bin minimum, ND_SLOT_EMPTY */
} NdSketch;

/* murmur3's 64-bit finalizer: a bijection with full avalanche. */
static inline uint64_t
nd_fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	h *= UINT64_C(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return h;
}

/* Number of filled (non-empty) slots of a sketch. */
static inline int
nd_sketch_filled(const NdSketch *s)
{
	int			n = 0;

	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		n += (s->slots[i] != ND_SLOT_EMPTY);
	return n;
}

/* Is w an accepted shingle size? */
static inline bool
nd_shingle_size_valid(int w)
{
	return w >= ND_SHINGLE_MIN && w <= ND_SHINGLE_MAX;
}

/*
 * Tokenizes s[0..len) with nd_tokenize (text.h), shingles the tokens into
 * windows of shingle_size words, and fills *out with the sketch.  One pass,
 * O(len + ND_SKETCH_SLOTS) time, no heap, about 1.5 KB of stack.  tick, if
 * not NULL, is called as nd_tokenize_ex calls it (at least once, then once
 * per ND_TICK_BYTES of input) and may longjmp out; *out is then partly
 * written and nothing needs cleaning up.  Returns false, leaving *out as
 * the sketch of the empty text, if shingle_size is not valid.
 */
extern bool nd_sketch_text(const char *s, size_t len, int shingle_size,
						   NdSketch *out, void (*tick) (void *),
						   void *tick_arg);

/*
 * Calls fn(arg, h) once per shingle of s[0..len), in text order, duplicates
 * included, with the same 64-bit shingle hash nd_sketch_text bins; returns
 * the number of calls (== the sketch's nshingles).  For exact ground truth
 * in tests and benchmarks.  Returns 0 without calling fn if shingle_size is
 * not valid.
 */
extern size_t nd_shingle_hashes(const char *s, size_t len, int shingle_size,
								void (*fn) (void *arg, uint64_t h),
								void *arg);

/*
 * The 64-bit hash of one token (normalized bytes as nd_tokenize hands them
 * out), and the shingle hash of the window of token hashes t[0..n), n >= 1.
 * nd_shingle_hashes calls fn with nd_shingle_hash of each window; exposed
 * so tests can check the composition.
 */
extern uint64_t nd_token_hash(const char *tok, size_t len);
extern uint64_t nd_shingle_hash(const uint64_t *t, int n);

/*
 * Estimated Jaccard resemblance |A n B| / |A u B| of the two texts' shingle
 * sets, in [0, 1].  Both texts empty (no tokens): 1; exactly one empty: 0.
 * Both sketches must have been built with the same shingle size.
 */
extern double nd_sketch_similarity(const NdSketch *a, const NdSketch *b);

/*
 * Estimated containment |A n B| / |A| of text a in text b (the share of
 * a's shingles that also occur in b), in [0, 1].  Both empty: 1; a empty
 * and b not: 0 (an empty text is not reported as part of every text); a
 * not empty and b empty: 0.  Same shingle size required.
 */
extern double nd_sketch_containment(const NdSketch *a, const NdSketch *b);

/*
 * The counts behind the two estimators, for callers that want them (for
 * instance to report how many bins an estimate rests on):
 *	 matches	bins where both are non-empty and equal;
 *	 unionbins	bins where at least one is non-empty;
 *	 abins		bins where a is non-empty and b is empty or a <= b;
 *	 bbins		the same with a and b swapped.
 */
typedef struct NdSketchCounts
{
	int			matches;
	int			unionbins;
	int			abins;
	int			bbins;
} NdSketchCounts;

extern void nd_sketch_compare(const NdSketch *a, const NdSketch *b,
							  NdSketchCounts *c);

#endif							/* NEARDUP_SKETCH_H */
