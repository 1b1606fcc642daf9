/*-------------------------------------------------------------------------
 *
 * radix.h
 *	  LSD radix sort of 64-bit words, the one sort of src/core (clustering's
 *	  band buckets, passage hash sets).  Pure C99, no heap: the caller hands
 *	  in the scratch buffer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_RADIX_H
#define NEARDUP_RADIX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Sorts a[0..n) by bits [lo_bit, 64), unsigned (LSD radix, 11-bit digits,
 * stable: equal keys keep their input order), using tmp[0..n) as scratch.
 * Digits on which all elements agree cost one counting pass and no move.
 * tick, if not NULL, is called once per digit and may longjmp out (a is
 * then in some order of its elements, or partly in tmp).
 */
extern void nd_radix_sort_u64_tick(uint64_t *a, uint64_t *tmp, size_t n,
								   int lo_bit, void (*tick) (void *),
								   void *tick_arg);

static inline void
nd_radix_sort_u64(uint64_t *a, uint64_t *tmp, size_t n, int lo_bit)
{
	nd_radix_sort_u64_tick(a, tmp, n, lo_bit, NULL, NULL);
}

/* Sorts v[0..n) as signed 64-bit integers (all 64 bits), as above. */
extern void nd_radix_sort_i64(uint64_t *v, uint64_t *tmp, size_t n,
							  void (*tick) (void *), void *tick_arg);

#endif							/* NEARDUP_RADIX_H */
