/*
 * test_bands.c -- unit tests of the LSH band keys (src/core/bands.c).
 *
 * The GIN keys of neardup 0.1.0 (key format 1) must never change, or
 * indexes built by 0.1.0 would be misread: a reference implementation of
 * 0.1.0's key function, written from its description (first `rows * bands`
 * slots, optimal densification with probes below 128 shingles, murmur
 * finalizer chain seeded by the band number), is compared with
 * nd_band_hash on texts of every length, and a few keys are pinned.  The
 * rotation values must equal those batch clustering used before bands.c.
 * The threshold maths is checked against a direct binomial sum.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bands.h"
#include "sketch.h"
#include "unit.h"

static NdSketch
text_sketch(const char *s)
{
	NdSketch	k;

	nd_sketch_text(s, strlen(s), ND_SHINGLE_DEFAULT, &k, NULL, NULL);
	return k;
}

/* A text of n words w<i> drawn from a small vocabulary, seeded. */
static NdSketch
words_sketch(int n, uint32_t seed)
{
	char	   *buf = malloc((size_t) n * 8 + 1);
	size_t		len = 0;
	NdSketch	k;
	uint32_t	x = seed * 2654435761u + 1;

	for (int i = 0; i < n; i++)
	{
		x = x * 1103515245u + 12345u;
		len += (size_t) sprintf(buf + len, "w%u ", (x >> 16) % 4000);
	}
	nd_sketch_text(buf, len, ND_SHINGLE_DEFAULT, &k, NULL, NULL);
	free(buf);
	return k;
}

/* ---------- a reference of 0.1.0's GIN keys (format 1) ---------- */

static uint64_t
ref_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	h *= UINT64_C(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return h;
}

static int
ref_borrow(const uint16_t *slots, int i)
{
	for (uint64_t a = 1; a <= 1024; a++)
	{
		int			j = (int) (ref_mix(UINT64_C(0x64656E7369667921) ^ ((uint64_t) i << 32) ^ a) & 255);

		if (slots[j] != 0xFFFF)
			return j;
	}
	for (int k = 1; k < 256; k++)
		if (slots[(i + k) & 255] != 0xFFFF)
			return (i + k) & 255;
	return i;
}

static int
ref_keys_v1(const NdSketch *sk, int bands, int rows, int bits, int32_t *keys)
{
	int			n = 0;
	int			densify = sk->nshingles < 128;

	if (sk->nshingles == 0)
	{
		keys[0] = -1;
		return 1;
	}
	for (int j = 0; j < bands; j++)
	{
		uint64_t	h = ref_mix(UINT64_C(0x6E64676962616E64) ^ (uint64_t) j);
		int			full = 1;

		for (int r = 0; r < rows && full; r++)
		{
			int			i = j * rows + r;
			uint16_t	v = sk->slots[i];

			if (v != 0xFFFF)
				h = ref_mix(h ^ v);
			else if (densify)
			{
				int			src = ref_borrow(sk->slots, i);

				h = ref_mix(h ^ (((uint64_t) (src + 1) << 16) | sk->slots[src]));
			}
			else
				full = 0;
		}
		if (full)
			keys[n++] = (int32_t) (((uint32_t) j << bits) | (uint32_t) (h >> (64 - bits)));
	}
	return n;
}

/* nd_band_hash with the GIN layout of key format 1 */
static int
keys_v1(const NdSketch *sk, int bands, int rows, int bits, int32_t *keys)
{
	NdBandLayout l = {bands, rows, 0, rows, 128, ND_DENSIFY_OPTIMAL};
	int			n = 0;

	if (sk->nshingles == 0)
	{
		keys[0] = -1;
		return 1;
	}
	for (int j = 0; j < bands; j++)
	{
		uint64_t	h;

		if (nd_band_hash(sk, &l, j, &h))
			keys[n++] = nd_band_key32(j, h, bits);
	}
	return n;
}

static void
test_format1_unchanged(void)
{
	static const int lengths[] = {0, 1, 2, 3, 5, 20, 60, 120, 126, 127, 128, 129, 140, 200, 400, 1000, 3000};
	static const int layouts[][3] = {{24, 2, 16}, {32, 1, 16}, {64, 2, 12}, {16, 4, 20}, {128, 2, 16}};
	int			mismatches = 0,
				total = 0;

	for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
		for (uint32_t seed = 1; seed <= 6; seed++)
		{
			NdSketch	sk = words_sketch(lengths[li], seed);

			for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++)
			{
				int32_t		a[257],
							b[257];
				int			na = ref_keys_v1(&sk, layouts[k][0], layouts[k][1], layouts[k][2], a),
							nb = keys_v1(&sk, layouts[k][0], layouts[k][1], layouts[k][2], b);

				total++;
				if (na != nb || memcmp(a, b, (size_t) na * sizeof(int32_t)) != 0)
					mismatches++;
			}
		}
	CHECK(mismatches == 0, "format 1: nd_band_hash gives 0.1.0's GIN keys for every length and layout");
	printf("#   %d sketch x layout cases\n", total);

	{
		NdSketch	sk = text_sketch("the harbour authority on tuesday approved a plan to deepen the northern shipping channel");
		int32_t		k[25];
		int			n = keys_v1(&sk, 24, 2, 16, k);

		/* pinned (computed by the reference above, i.e. 0.1.0's code): a
		 * change here means 0.1.0 indexes would be misread */
		CHECK(n == 24, "format 1: a 14-word text has 24 densified keys");
		printf("#   pinned keys: %d %d %d\n", k[0], k[1], k[23]);
		CHECK(k[0] == 21715 && k[1] == 119435 && k[23] == 1523287,
			  "format 1: pinned keys of a short text");
	}
}

static void
test_densify(void)
{
	NdSketch	mid = words_sketch(160, 3),
				empty = text_sketch("");
	NdBandLayout v1 = {24, 2, 0, 2, 128, ND_DENSIFY_OPTIMAL},
				v2 = {24, 2, 0, 2, ND_DENSIFY_ALL, ND_DENSIFY_OPTIMAL};
	uint64_t	h1[24],
				h2[24];
	int			band1[24],
				band2[24],
				n1 = nd_band_hashes(&mid, &v1, h1, band1),
				n2 = nd_band_hashes(&mid, &v2, h2, band2),
				same = 1;
	uint64_t	h;

	CHECK(n1 < 12, "a 160-word text has few full bands without densification");
	CHECK(n2 == 24, "densified, every band of a 160-word text is full");
	/* natural bands keep their hash */
	for (int a = 0, b = 0; a < n1; a++)
	{
		while (b < n2 && band2[b] < band1[a])
			b++;
		same &= b < n2 && band2[b] == band1[a] && h2[b] == h1[a];
	}
	CHECK(same, "densification leaves the hash of a naturally full band unchanged");
	CHECK(!nd_band_hash(&empty, &v2, 0, &h), "an empty text has no band");
	CHECK(nd_band_slot_value(&mid, 0, false, ND_DENSIFY_OPTIMAL) == mid.slots[0],
		  "a filled slot is its own value");
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		if (mid.slots[i] == ND_SLOT_EMPTY)
		{
			uint32_t	o = nd_band_slot_value(&mid, i, true, ND_DENSIFY_OPTIMAL),
						r = nd_band_slot_value(&mid, i, true, ND_DENSIFY_ROTATION);
			int			d = (int) (r >> 16);

			CHECK(o >= 0x10000 && mid.slots[(o >> 16) - 1] == (o & 0xFFFF),
				  "optimal: an empty slot borrows a filled slot, tagged with it");
			CHECK(d >= 1 && mid.slots[(i + d) % 256] == (r & 0xFFFF) &&
				  mid.slots[(i + 1) % 256] == (d == 1 ? (r & 0xFFFF) : ND_SLOT_EMPTY),
				  "rotation: an empty slot takes the next filled slot, tagged with the distance");
			CHECK(nd_band_slot_value(&mid, i, false, ND_DENSIFY_OPTIMAL) == UINT32_MAX,
				  "undensified, an empty slot has no value");
			break;
		}
}

/* P(Binomial(n, p) >= m) summed directly */
static double
binom_tail(int n, int m, double p)
{
	double		s = 0.0;

	for (int k = m; k <= n; k++)
	{
		double		c = 1.0;

		for (int i = 1; i <= k; i++)
			c *= (double) (n - k + i) / i;
		s += c * pow(p, k) * pow(1.0 - p, n - k);
	}
	return s;
}

static void
test_maths(void)
{
	int			ok_need = 1,
				ok_prob = 1;

	for (int n = 1; n <= 40; n++)
		for (int ti = 1; ti <= 19; ti++)
		{
			double		t = ti / 20.0,
						p = t * t;
			int			m = nd_band_needed(n, 2, t, 0.02, 1);

			/* the largest m with tail >= 0.98, at least 1 */
			if (m < 1 || m > n ||
				(m > 1 && binom_tail(n, m, p) < 0.98 - 1e-9) ||
				(m < n && binom_tail(n, m + 1, p) >= 0.98 + 1e-9))
				ok_need = 0;
			if (fabs(nd_band_find_prob(n, m, 2, t) - binom_tail(n, m, p)) > 1e-9)
				ok_prob = 0;
		}
	CHECK(ok_need, "nd_band_needed: the largest count a pair at t reaches with 98 %");
	CHECK(ok_prob, "nd_band_find_prob equals the binomial tail");
	CHECK(nd_band_needed(24, 2, 0.0, 0.02, 1) == 0, "threshold 0 needs no band");
	CHECK(nd_band_needed(0, 2, 0.5, 0.02, 1) == 0, "no band, nothing to ask");
	CHECK(!nd_band_serves(24, 2, 0.16) && nd_band_serves(24, 2, 0.18),
		  "24 x 2 serves thresholds from about 0.17");
	CHECK(nd_band_serves(32, 1, 0.05), "32 x 1 serves 0.05");
	CHECK(nd_band_query_need(32, 32, 1, 0.1) >= 2, "single-slot keys: two matches for a long query");
	CHECK(fabs(nd_band_miss_one(24, 2, 0.3) - pow(1 - 0.09, 24)) < 1e-12, "miss rate with one key");
}

static void
test_layout(void)
{
	NdBandLayout ok = {127, 2, 1, 2, ND_DENSIFY_ALL, ND_DENSIFY_ROTATION},
				over = {128, 2, 1, 2, ND_DENSIFY_ALL, ND_DENSIFY_ROTATION},
				zero = {0, 2, 0, 2, 0, ND_DENSIFY_OPTIMAL};

	CHECK(nd_band_layout_valid(&ok), "127 bands of 2 from slot 1 fit");
	CHECK(!nd_band_layout_valid(&over), "128 bands of 2 from slot 1 do not");
	CHECK(!nd_band_layout_valid(&zero), "no band is not a layout");
}

int
main(void)
{
	test_format1_unchanged();
	test_densify();
	test_maths();
	test_layout();
	return unit_done();
}
