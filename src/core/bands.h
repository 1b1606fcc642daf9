/*-------------------------------------------------------------------------
 *
 * bands.h
 *	  LSH band keys of a sketch and their threshold maths: the one
 *	  definition used by the GIN operator class (src/gin.c), batch
 *	  clustering (cluster.c) and every later user.  Pure C99: no
 *	  PostgreSQL headers, no heap.
 *
 * See the design notes at the top of bands.c and doc/index.md.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_BANDS_H
#define NEARDUP_BANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "sketch.h"

/* Seeds of the band-key hash and of the densification probe sequence. */
#define ND_BAND_SEED UINT64_C(0x6E64676962616E64)	/* "ndgiband" */
#define ND_DENSIFY_SEED UINT64_C(0x64656E7369667921)	/* "densify!" */

/* Probes of the densification sequence before a plain scan takes over. */
#define ND_DENSIFY_PROBES 1024

/* densify_below value that densifies every non-empty sketch. */
#define ND_DENSIFY_ALL UINT32_MAX

/*
 * How empty slots are filled.  Optimal densification (Shrivastava 2017):
 * slot i borrows from the first filled slot of a pseudo-random probe
 * sequence of i, so the slots of a band borrow independently and a band
 * agrees with probability about J^rows.  Rotation (Shrivastava & Li 2014):
 * slot i takes the first filled slot to its right, tagged with the
 * distance, so neighbouring empty slots borrow the same value and a band
 * of empty slots agrees with probability about J: more candidates at low
 * J.  GIN uses optimal, clustering rotation (doc/index.md, doc/cluster.md).
 */
typedef enum NdDensify
{
	ND_DENSIFY_OPTIMAL,
	ND_DENSIFY_ROTATION
} NdDensify;

/*
 * Where the bands of a layout lie and how they are filled.  Band j covers
 * slots first + j * stride .. first + j * stride + rows - 1 (so stride =
 * rows gives disjoint bands from slot `first`).  A sketch with fewer than
 * densify_below shingles has its empty slots filled (by `densify`); a band
 * of any other sketch with an empty slot is not full and has no key.
 */
typedef struct NdBandLayout
{
	int			bands;
	int			rows;
	int			first;
	int			stride;
	uint32_t	densify_below;
	NdDensify	densify;
} NdBandLayout;

/* Does the layout fit in the sketch (and have at least one band)? */
extern bool nd_band_layout_valid(const NdBandLayout *l);

/* Are the empty slots of sk filled under layout l? */
static inline bool
nd_band_densifies(const NdSketch *sk, const NdBandLayout *l)
{
	return sk->nshingles > 0 && sk->nshingles < l->densify_below;
}

/*
 * The value slot i contributes to a band key: the slot itself when it is
 * filled (below 2^16), else, when densify, the value of the slot it
 * borrows from, tagged so that it never equals a natural value (optimal:
 * (source slot + 1) << 16; rotation: distance << 16); UINT32_MAX when it
 * is empty and not densified, or the sketch has no filled slot.
 */
extern uint32_t nd_band_slot_value(const NdSketch *sk, int i, bool densify,
								   NdDensify how);

/*
 * The 64-bit hash of band j of sk under l, in *h; false (and *h untouched)
 * when the band is not full.  An empty sketch (no shingles) has no full
 * band.  Same sketch and layout, same hash, on every platform.
 */
extern bool nd_band_hash(const NdSketch *sk, const NdBandLayout *l, int j,
						 uint64_t *h);

/*
 * The hashes of every full band of sk, in band order: h[k] of band
 * band[k] (band may be NULL); returns how many (at most l->bands).
 */
extern int	nd_band_hashes(const NdSketch *sk, const NdBandLayout *l,
						   uint64_t *h, int *band);

/*
 * A band hash as a non-negative 31-bit key: the band number (< 256) in the
 * high bits, the top `bits` bits of the hash below it (bits <= 23).
 */
static inline int32_t
nd_band_key32(int band, uint64_t h, int bits)
{
	return (int32_t) (((uint32_t) band << bits) | (uint32_t) (h >> (64 - bits)));
}

/*
 * Threshold maths.  For two sketches with resemblance J, a band of `rows`
 * slots agrees with probability about J^rows (nd_band_agree), and the
 * number of agreeing bands among n is about Binomial(n, J^rows).
 */
extern double nd_band_agree(double j, int rows);

/* P(Binomial(n, J^rows) >= need): the chance a pair at J is found. */
extern double nd_band_find_prob(int n, int need, int rows, double j);

/*
 * The most agreeing bands a query with n bands may require at threshold t
 * while missing a pair at exactly t with probability at most miss_rate:
 * the largest m <= n with P(Binomial(n, t^rows) >= m) >= 1 - miss_rate,
 * but at least `least`; 0 when t <= 0 or n = 0 (every row qualifies).
 */
extern int	nd_band_needed(int n, int rows, double t, double miss_rate,
						   int least);

/*
 * Chance that `bands` bands of `rows` slots all disagree for a pair at
 * resemblance t, i.e. the miss rate when one agreeing band is enough.
 */
extern double nd_band_miss_one(int bands, int rows, double t);

/*
 * The index's rule for a query of n keys at threshold t (src/gin.c):
 * ask for nd_band_needed(n, rows, t, ND_BAND_MISS_RATE, least) matching
 * keys, least = 2 for single-slot keys and n >= ND_BAND_FLOOR2_KEYS (one
 * matching slot is mostly chance at scale), else 1; but 0 (read every row)
 * when t <= 0 or the layout does not serve t: with one matching key enough
 * it would still miss more than ND_BAND_SERVE_MISS of the pairs at t.
 * doc/index.md has the measurements behind the three constants.
 */
#define ND_BAND_MISS_RATE 0.02
#define ND_BAND_SERVE_MISS 0.5
#define ND_BAND_FLOOR2_KEYS 16

extern bool nd_band_serves(int bands, int rows, double t);
extern int	nd_band_query_need(int n, int bands, int rows, double t);

#endif							/* NEARDUP_BANDS_H */
