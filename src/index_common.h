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

#endif							/* NEARDUP_INDEX_COMMON_H */
