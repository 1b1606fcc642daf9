/*-------------------------------------------------------------------------
 *
 * index_common.h
 *	  Strategy numbers shared by the GIN and GiST operator classes of
 *	  fingerprint (src/gin.c, src/gist.c).
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

/* Keys of fp in the default GIN layout (src/gin.c); room for 21 keys. */
#define ND_GIN_DEFAULT_MAX_KEYS 21
extern int	NdGinDefaultKeys(const Fingerprint *fp, int32 *keys);

#endif							/* NEARDUP_INDEX_COMMON_H */
