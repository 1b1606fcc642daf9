/*
 * fuzz_bands.c -- libFuzzer harness of the LSH band keys (src/core/bands.c).
 *
 * Input: a layout (bands, rows, first, stride, densification, densify
 * cutoff, key bits) from the first 7 bytes, then up to 256 slot values of
 * a sketch (2 bytes each; 0xFFFF is an empty slot) and a shingle count.
 * Invariants, whatever the bytes:
 *	 - nd_band_hashes returns at most `bands` hashes, in increasing band
 *	   order, each equal to nd_band_hash of that band, and never touches a
 *	   slot outside the sketch (ASan);
 *	 - a sketch with no shingles has no full band; a densified sketch with
 *	   a filled slot has every band full; an undensified band is full
 *	   exactly when its slots are all filled;
 *	 - a densified slot value never equals a natural one (>= 2^16) and
 *	   names a filled slot;
 *	 - the same input gives the same hashes (no hidden state);
 *	 - nd_band_key32 is non-negative and keeps the band in its high bits;
 *	 - the threshold maths stay in range: 0 <= need <= n, find
 *	   probabilities in [0, 1].
 */
#include <math.h>
#include <string.h>

#include "bands.h"
#include "fuzz.h"

static void
check_sketch(const NdSketch *sk, const NdBandLayout *l, int bits)
{
	uint64_t	h[ND_SKETCH_SLOTS],
				h2[ND_SKETCH_SLOTS];
	int			band[ND_SKETCH_SLOTS],
				band2[ND_SKETCH_SLOTS];
	int			n = nd_band_hashes(sk, l, h, band);
	bool		dens = nd_band_densifies(sk, l);
	int			filled = nd_sketch_filled(sk);

	FUZZ_ASSERT(n >= 0 && n <= l->bands);
	FUZZ_ASSERT(nd_band_hashes(sk, l, h2, band2) == n);
	for (int k = 0; k < n; k++)
	{
		uint64_t	x;
		int32_t		key = nd_band_key32(band[k], h[k], bits);

		FUZZ_ASSERT(h[k] == h2[k] && band[k] == band2[k]);
		FUZZ_ASSERT(k == 0 || band[k] > band[k - 1]);
		FUZZ_ASSERT(nd_band_hash(sk, l, band[k], &x) && x == h[k]);
		FUZZ_ASSERT(key >= 0 && (key >> bits) == band[k]);
	}
	if (sk->nshingles == 0)
		FUZZ_ASSERT(n == 0);
	if (dens && filled > 0)
		FUZZ_ASSERT(n == l->bands);
	if (!dens)
		for (int j = 0, k = 0; j < l->bands; j++)
		{
			bool		full = sk->nshingles > 0;

			for (int r = 0; r < l->rows; r++)
				full &= sk->slots[l->first + j * l->stride + r] != ND_SLOT_EMPTY;
			FUZZ_ASSERT(full == (k < n && band[k] == j));
			k += (k < n && band[k] == j);
		}
	/* every 7th slot: a borrow can cost 1024 probes, keep runs short */
	for (int i = 0; i < ND_SKETCH_SLOTS; i += 7)
	{
		uint32_t	v = nd_band_slot_value(sk, i, true, l->densify);

		if (sk->slots[i] != ND_SLOT_EMPTY)
			FUZZ_ASSERT(v == sk->slots[i]);
		else if (filled == 0)
			FUZZ_ASSERT(v == UINT32_MAX);
		else
		{
			uint32_t	tag = v >> 16;
			int			src = l->densify == ND_DENSIFY_OPTIMAL ? (int) tag - 1 :
				(int) ((i + tag) & (ND_SKETCH_SLOTS - 1));

			FUZZ_ASSERT(v != UINT32_MAX && tag >= 1 && tag <= ND_SKETCH_SLOTS);
			FUZZ_ASSERT(src >= 0 && src < ND_SKETCH_SLOTS);
			FUZZ_ASSERT(sk->slots[src] != ND_SLOT_EMPTY && (v & 0xFFFF) == sk->slots[src]);
		}
	}
}

static void
check_maths(int n, int rows, double t)
{
	int			need = nd_band_query_need(n, n > 0 ? n : 1, rows, t);
	double		p = nd_band_find_prob(n, need, rows, t);

	FUZZ_ASSERT(need >= 0 && need <= (n > 2 ? n : 2));
	FUZZ_ASSERT(p >= 0.0 && p <= 1.0);
	FUZZ_ASSERT(nd_band_miss_one(n, rows, t) >= 0.0 && nd_band_miss_one(n, rows, t) <= 1.0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NdBandLayout l;
	NdSketch	sk;
	int			bits;

	if (size < 7)
		return 0;
	l.rows = 1 + data[1] % 16;
	l.stride = 1 + data[3] % 16;
	l.first = data[2] % ND_SKETCH_SLOTS;
	l.bands = 1 + data[0] % ND_SKETCH_SLOTS;
	/* shrink to a valid layout */
	while (l.bands > 1 && !nd_band_layout_valid(&l))
		l.bands--;
	if (!nd_band_layout_valid(&l))
		return 0;
	l.densify = (data[4] & 1) ? ND_DENSIFY_ROTATION : ND_DENSIFY_OPTIMAL;
	l.densify_below = (data[4] & 2) ? ND_DENSIFY_ALL : (uint32_t) data[5] * 4;
	bits = 4 + data[6] % 20;
	data += 7;
	size -= 7;

	memset(&sk, 0, sizeof(sk));
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		sk.slots[i] = ND_SLOT_EMPTY;
	for (int i = 0; i < ND_SKETCH_SLOTS && 2 * (size_t) i + 1 < size; i++)
		sk.slots[i] = (uint16_t) (data[2 * i] | data[2 * i + 1] << 8);
	sk.nshingles = size >= 514 ? data[512] | (uint32_t) data[513] << 8 : (uint32_t) size;
	sk.ntokens = sk.nshingles;
	check_sketch(&sk, &l, bits);
	check_maths(l.bands, l.rows, (size % 101) / 100.0);
	return 0;
}
