/*-------------------------------------------------------------------------
 *
 * index_common.h
 *	  Strategy numbers shared by the GIN and GiST operator classes of
 *	  fingerprint (src/gin.c, src/gist.c) and small helpers both use.
 *
 * The numbers are part of the install script's CREATE OPERATOR CLASS
 * statements: change them in both places or not at all.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_INDEX_COMMON_H
#define NEARDUP_INDEX_COMMON_H

#include "neardup.h"

#include "access/stratnum.h"

#define ND_STRATEGY_SIMILAR		1	/* fp % q			(GIN, GiST) */
#define ND_STRATEGY_DISTANCE	2	/* ORDER BY fp <-> q	(GiST) */
#define ND_STRATEGY_EQUAL		3	/* fp = q			(GIN, GiST) */

/* Number of non-empty slots of a sketch. */
static inline int
nd_filled_slots(const NdSketch *s)
{
	int			n = 0;

	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		n += (s->slots[i] != ND_SLOT_EMPTY);
	return n;
}

/* murmur3's 64-bit finalizer; deterministic on every platform. */
static inline uint64
nd_mix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	h *= UINT64CONST(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return h;
}

#endif							/* NEARDUP_INDEX_COMMON_H */
