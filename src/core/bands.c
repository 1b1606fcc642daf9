/*-------------------------------------------------------------------------
 *
 * bands.c
 *	  LSH band keys of a one-permutation MinHash sketch, and the binomial
 *	  threshold maths that decide how many agreeing bands to ask for.
 *
 * Design notes
 * ------------
 * Keys.  A band is `rows` slots; its key is a hash of their values, seeded
 * with the band number.  Two sketches with resemblance J agree on a filled
 * slot with probability about J, so on a band with probability about
 * J^rows: a pair is a candidate when enough bands agree.
 *
 * Densification.  A text with few shingles leaves many bins empty, and a
 * band with an empty slot says nothing.  Densified sketches fill every
 * empty slot from a filled one: optimal densification (Shrivastava 2017)
 * borrows from the first filled slot of a fixed pseudo-random probe
 * sequence of the slot, rotation (Shrivastava & Li 2014) from the first
 * filled slot to its right; either way two densified sketches agree on a
 * slot with probability about J, even where both bins were empty, and the
 * borrowed value is tagged so that it never equals a natural one.  Natural
 * slots are never changed.  Rotation makes neighbouring slots borrow the
 * same value, so the slots of a band are correlated (bands.h, NdDensify).  The layout says which texts are densified (densify_below):
 * the GIN opclass of 0.1.0 densified texts under 128 shingles only, which
 * left mid-length texts with few full bands; doc/index.md has the per-length
 * recall that chose the current layouts.
 *
 * Cost.  A filled slot costs one hash step.  An empty slot costs about
 * 256 / filled probes (one finalizer each), at most ND_DENSIFY_PROBES
 * before a linear scan takes over.
 *
 *-------------------------------------------------------------------------
 */
#include "bands.h"

#include <math.h>

bool
nd_band_layout_valid(const NdBandLayout *l)
{
	return l->bands >= 1 && l->rows >= 1 && l->first >= 0 && l->stride >= 1 &&
		l->bands <= ND_SKETCH_SLOTS && l->rows <= ND_SKETCH_SLOTS &&
		l->first + (l->bands - 1) * l->stride + l->rows <= ND_SKETCH_SLOTS;
}

/* The filled slot an empty slot i borrows from; -1 if none is filled. */
static int
borrow_slot(const NdSketch *sk, int i)
{
	for (uint64_t a = 1; a <= ND_DENSIFY_PROBES; a++)
	{
		int			j = (int) (nd_fmix64(ND_DENSIFY_SEED ^ ((uint64_t) i << 32) ^ a) &
							   (ND_SKETCH_SLOTS - 1));

		if (sk->slots[j] != ND_SLOT_EMPTY)
			return j;
	}
	/* (reached with chance (1 - 1/256)^1024 < 2 % when one slot is filled) */
	for (int k = 1; k < ND_SKETCH_SLOTS; k++)
	{
		int			j = (i + k) & (ND_SKETCH_SLOTS - 1);

		if (sk->slots[j] != ND_SLOT_EMPTY)
			return j;
	}
	return -1;
}

/* Rotation: the distance to the first filled slot right of i; 0 if none. */
static int
rotate_distance(const NdSketch *sk, int i)
{
	for (int d = 1; d < ND_SKETCH_SLOTS; d++)
		if (sk->slots[(i + d) & (ND_SKETCH_SLOTS - 1)] != ND_SLOT_EMPTY)
			return d;
	return 0;
}

uint32_t
nd_band_slot_value(const NdSketch *sk, int i, bool densify, NdDensify how)
{
	int			src,
				d;

	if (sk->slots[i] != ND_SLOT_EMPTY)
		return sk->slots[i];
	if (!densify)
		return UINT32_MAX;
	if (how == ND_DENSIFY_ROTATION)
	{
		if ((d = rotate_distance(sk, i)) == 0)
			return UINT32_MAX;
		return ((uint32_t) d << 16) | sk->slots[(i + d) & (ND_SKETCH_SLOTS - 1)];
	}
	if ((src = borrow_slot(sk, i)) < 0)
		return UINT32_MAX;
	return ((uint32_t) (src + 1) << 16) | sk->slots[src];
}

bool
nd_band_hash(const NdSketch *sk, const NdBandLayout *l, int j, uint64_t *h)
{
	bool		densify = nd_band_densifies(sk, l);
	int			s = l->first + j * l->stride;
	uint64_t	x = nd_fmix64(ND_BAND_SEED ^ (uint64_t) j);

	if (sk->nshingles == 0)
		return false;
	for (int r = 0; r < l->rows; r++)
	{
		uint32_t	v = nd_band_slot_value(sk, s + r, densify, l->densify);

		if (v == UINT32_MAX)
			return false;
		x = nd_fmix64(x ^ v);
	}
	*h = x;
	return true;
}

int
nd_band_hashes(const NdSketch *sk, const NdBandLayout *l, uint64_t *h,
			   int *band)
{
	int			n = 0;

	for (int j = 0; j < l->bands; j++)
	{
		if (!nd_band_hash(sk, l, j, &h[n]))
			continue;
		if (band)
			band[n] = j;
		n++;
	}
	return n;
}

/* ---------- threshold maths ---------- */

double
nd_band_agree(double j, int rows)
{
	return pow(j, rows);
}

/* log of the Binomial(n, p) probability of k, 0 < p < 1 */
static double
binom_lpmf(int n, int k, double p)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
		k * log(p) + (n - k) * log1p(-p);
}

double
nd_band_find_prob(int n, int need, int rows, double j)
{
	double		p = nd_band_agree(j, rows),
				cdf = 0.0;

	if (need <= 0)
		return 1.0;
	if (need > n || p <= 0.0)
		return 0.0;
	if (p >= 1.0)
		return 1.0;
	for (int k = 0; k < need; k++)
		cdf += exp(binom_lpmf(n, k, p));
	return cdf >= 1.0 ? 0.0 : 1.0 - cdf;
}

int
nd_band_needed(int n, int rows, double t, double miss_rate, int least)
{
	double		p,
				cdf = 0.0;

	if (t <= 0.0 || n == 0)
		return 0;
	p = nd_band_agree(t, rows);
	if (p >= 1.0)
		return n;
	for (int k = 0; k < n; k++)
	{
		cdf += exp(binom_lpmf(n, k, p));
		if (cdf > miss_rate)
			return k > least ? k : least;
	}
	return n;
}

double
nd_band_miss_one(int bands, int rows, double t)
{
	return pow(1.0 - nd_band_agree(t, rows), bands);
}

bool
nd_band_serves(int bands, int rows, double t)
{
	return nd_band_miss_one(bands, rows, t) <= ND_BAND_SERVE_MISS;
}

int
nd_band_query_need(int n, int bands, int rows, double t)
{
	int			least = (rows == 1 && n >= ND_BAND_FLOOR2_KEYS) ? 2 : 1;

	if (t <= 0.0 || !nd_band_serves(bands, rows, t))
		return 0;
	return nd_band_needed(n, rows, t, ND_BAND_MISS_RATE, least);
}
