/*-------------------------------------------------------------------------
 *
 * radix.c
 *	  LSD radix sort of 64-bit words (radix.h).  O(n) per 11-bit digit;
 *	  a digit every element shares is detected by its counting pass and
 *	  costs no move, so sorting on the top 32 bits of keys that differ only
 *	  there costs three moves, not six.
 *
 *-------------------------------------------------------------------------
 */
#include "radix.h"

#include <string.h>

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)

void
nd_radix_sort_u64_tick(uint64_t *a, uint64_t *tmp, size_t n, int lo_bit,
					   void (*tick) (void *), void *tick_arg)
{
	size_t		count[RADIX_SIZE];
	uint64_t   *src = a,
			   *dst = tmp;

	for (int shift = lo_bit; shift < 64; shift += RADIX_BITS)
	{
		size_t		sum = 0;
		uint64_t   *t;

		if (tick)
			tick(tick_arg);
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
		if (n == 0 || count[(src[0] >> shift) & (RADIX_SIZE - 1)] == n)
			continue;			/* every element has this digit */
		for (int d = 0; d < RADIX_SIZE; d++)
		{
			size_t		c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(uint64_t));
}

void
nd_radix_sort_i64(uint64_t *v, uint64_t *tmp, size_t n,
				  void (*tick) (void *), void *tick_arg)
{
	const uint64_t flip = UINT64_C(1) << 63;

	/* flipping the sign bit makes signed order unsigned order */
	for (size_t i = 0; i < n; i++)
		v[i] ^= flip;
	nd_radix_sort_u64_tick(v, tmp, n, 0, tick, tick_arg);
	for (size_t i = 0; i < n; i++)
		v[i] ^= flip;
}
