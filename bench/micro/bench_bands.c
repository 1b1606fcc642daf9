/*
 * bench_bands.c -- GIN band keys (src/core/bands.c) measured without a
 * server: recall per text length and keys per row for candidate layouts,
 * and the time to compute the keys.  Not a test; it asserts nothing.
 *
 * Recall.  For each length L (words) it makes PAIRS pairs of texts: A of L
 * words drawn from a Zipf(1.0) vocabulary of 50,000 words (so common word
 * triples recur across texts, as in news), B = A with a random share e of
 * its words replaced, e uniform in [0, 0.4) (similarities from about 0.1
 * to 1).  For threshold t it keeps the pairs with estimated similarity
 * (nd_sketch_similarity, what the index rechecks) >= t + 0.05, and counts
 * one as found when at least nd_band_query_need(n, ...) of the n keys of
 * A (the query) are keys of B (the row): exactly the test
 * gin_fingerprint_ops applies before its recheck.  Both directions.
 *
 *	 bench/micro/run-bands [PAIRS]		(builds with -O2 and runs this)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bands.h"
#include "sketch.h"

#define VOCAB 50000
#define MAXW 3000

typedef struct Layout
{
	const char *name;
	int			bands,
				rows;
	uint32_t	densify_below;
	NdDensify	how;
	int			bits;
} Layout;

static const Layout layouts[] = {
	{"24x2 bits 16, densify <128 (format 1, 0.1.0 default)", 24, 2, 128, ND_DENSIFY_OPTIMAL, 16},
	{"24x2 bits 16, densify <256", 24, 2, 256, ND_DENSIFY_OPTIMAL, 16},
	{"24x2 bits 15, densify all", 24, 2, ND_DENSIFY_ALL, ND_DENSIFY_OPTIMAL, 15},
	{"24x2 bits 15, densify all by rotation", 24, 2, ND_DENSIFY_ALL, ND_DENSIFY_ROTATION, 15},
	{"20x2 bits 16, densify all (format 2, 0.2.0 default)", 20, 2, ND_DENSIFY_ALL, ND_DENSIFY_OPTIMAL, 16},
	{"32x1 bits 16, densify <128 (top-k; formats 1 and 2)", 32, 1, 128, ND_DENSIFY_OPTIMAL, 16},
	{"32x1 bits 16, densify all", 32, 1, ND_DENSIFY_ALL, ND_DENSIFY_OPTIMAL, 16},
};
#define NLAYOUTS (int) (sizeof(layouts) / sizeof(layouts[0]))

static const int lengths[] = {20, 60, 120, 140, 200, 260, 400, 1000, 3000};
#define NLENGTHS (int) (sizeof(lengths) / sizeof(lengths[0]))

static const double thresholds[] = {0.3, 0.5, 0.8};

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
next64(void)
{
	uint64_t	z = (rng += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static double
unif(void)
{
	return (next64() >> 11) * (1.0 / 9007199254740992.0);
}

static double zipf_cdf[VOCAB];

static int
zipf_word(void)
{
	double		u = unif();
	int			lo = 0,
				hi = VOCAB - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (zipf_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
render(const int *w, int n, char *buf)
{
	size_t		len = 0;

	for (int i = 0; i < n; i++)
		len += (size_t) sprintf(buf + len, "w%d ", w[i]);
	return len;
}

/* keys of sk under layout l: the same int32 keys gin.c computes */
static int
keys_of(const NdSketch *sk, const NdBandLayout *l, int bits, int32_t *keys)
{
	uint64_t	h[ND_SKETCH_SLOTS];
	int			band[ND_SKETCH_SLOTS];
	int			n = nd_band_hashes(sk, l, h, band);

	for (int k = 0; k < n; k++)
		keys[k] = nd_band_key32(band[k], h[k], bits);
	return n;
}

static int
common_keys(const int32_t *a, int na, const int32_t *b, int nb)
{
	int			c = 0;

	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			if (a[i] == b[j])
			{
				c++;
				break;
			}
	return c;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	int			pairs = argc > 1 ? atoi(argv[1]) : 2000;
	static int	wa[MAXW],
				wb[MAXW];
	static char ta[MAXW * 8],
				tb[MAXW * 8];
	double		sum = 0;
	/* found / eligible per layout, length, threshold; keys per row */
	static long found[NLAYOUTS][NLENGTHS][3],
				elig[NLAYOUTS][NLENGTHS][3];
	static double nkeys[NLAYOUTS][NLENGTHS];

	for (int i = 0; i < VOCAB; i++)
		zipf_cdf[i] = (sum += 1.0 / (i + 1));
	for (int i = 0; i < VOCAB; i++)
		zipf_cdf[i] /= sum;

	for (int li = 0; li < NLENGTHS; li++)
	{
		int			L = lengths[li];

		for (int p = 0; p < pairs; p++)
		{
			NdSketch	a,
						b;
			double		e = 0.4 * unif(),
						s;

			for (int i = 0; i < L; i++)
				wa[i] = wb[i] = zipf_word();
			for (int i = 0; i < L; i++)
				if (unif() < e)
					wb[i] = zipf_word();
			nd_sketch_text(ta, render(wa, L, ta), ND_SHINGLE_DEFAULT, &a, NULL, NULL);
			nd_sketch_text(tb, render(wb, L, tb), ND_SHINGLE_DEFAULT, &b, NULL, NULL);
			s = nd_sketch_similarity(&a, &b);
			for (int k = 0; k < NLAYOUTS; k++)
			{
				NdBandLayout l = {layouts[k].bands, layouts[k].rows, 0,
				layouts[k].rows, layouts[k].densify_below, layouts[k].how};
				int32_t		ka[ND_SKETCH_SLOTS],
							kb[ND_SKETCH_SLOTS];
				int			na = keys_of(&a, &l, layouts[k].bits, ka),
							nb = keys_of(&b, &l, layouts[k].bits, kb),
							c = common_keys(ka, na, kb, nb);

				nkeys[k][li] += (na + nb) / 2.0;
				for (int ti = 0; ti < 3; ti++)
				{
					double		t = thresholds[ti];

					if ((float) s < (float) (t + 0.05))
						continue;
					/* both directions: A as the query, then B */
					elig[k][li][ti] += 2;
					found[k][li][ti] += (c >= nd_band_query_need(na, l.bands, l.rows, t));
					found[k][li][ti] += (c >= nd_band_query_need(nb, l.bands, l.rows, t));
				}
			}
		}
	}

	printf("recall of %% (pairs with similarity >= t + 0.05, %d pairs per length)\n\n", pairs);
	printf("| layout | t |");
	for (int li = 0; li < NLENGTHS; li++)
		printf(" %d |", lengths[li]);
	printf("\n|---|---|");
	for (int li = 0; li < NLENGTHS; li++)
		printf("---|");
	printf("\n");
	for (int k = 0; k < NLAYOUTS; k++)
		for (int ti = 0; ti < 3; ti++)
		{
			printf("| %s | %.1f |", layouts[k].name, thresholds[ti]);
			for (int li = 0; li < NLENGTHS; li++)
				if (elig[k][li][ti])
					printf(" %.3f |", (double) found[k][li][ti] / elig[k][li][ti]);
				else
					printf(" - |");
			printf("\n");
		}
	printf("\nkeys per row\n\n| layout |");
	for (int li = 0; li < NLENGTHS; li++)
		printf(" %d |", lengths[li]);
	printf("\n|---|");
	for (int li = 0; li < NLENGTHS; li++)
		printf("---|");
	printf("\n");
	for (int k = 0; k < NLAYOUTS; k++)
	{
		printf("| %s |", layouts[k].name);
		for (int li = 0; li < NLENGTHS; li++)
			printf(" %.1f |", nkeys[k][li] / pairs);
		printf("\n");
	}

	/* time: keys of one sketch per length, densify all, 24 x 2 */
	printf("\nns per nd_band_hashes call (24x2, densify all)\n\n| words | ns |\n|---|---|\n");
	for (int li = 0; li < NLENGTHS; li++)
	{
		NdBandLayout l = {24, 2, 0, 2, ND_DENSIFY_ALL, ND_DENSIFY_OPTIMAL};
		NdSketch	a;
		uint64_t	h[ND_SKETCH_SLOTS];
		int			reps = 200000,
					acc = 0;
		double		t0;

		for (int i = 0; i < lengths[li]; i++)
			wa[i] = zipf_word();
		nd_sketch_text(ta, render(wa, lengths[li], ta), ND_SHINGLE_DEFAULT, &a, NULL, NULL);
		t0 = now();
		for (int r = 0; r < reps; r++)
		{
			a.slots[0] ^= (uint16_t) (r & 1);	/* defeat hoisting */
			acc += nd_band_hashes(&a, &l, h, NULL);
		}
		printf("| %d | %.0f |\n", lengths[li], (now() - t0) / reps * 1e9 + (acc < 0));
	}
	return 0;
}
