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
#define ND_STRATEGY_SIMILAR_AT	4	/* fp % at_least(q, t)	(GIN, GiST; 0.3.0) */

/*
 * The query of a scan and the similarity threshold it is compared with:
 * for ND_STRATEGY_SIMILAR_AT the fingerprint_query's own fingerprint and
 * threshold, for the other strategies the fingerprint and
 * neardup.similarity_threshold.  *threshold4 is what the operator compares
 * in single precision.  *threshold is returned as the double
 * a SET of the same decimal gives the GUC (nd_fpq_threshold_double), so
 * that fp % at_least(q, t) asks the index exactly what fp % q asks with
 * the GUC at t.
 */
static inline const Fingerprint *
NeardupScanQuery(Datum query, StrategyNumber strategy, double *threshold,
				 float4 *threshold4)
{
	if (strategy == ND_STRATEGY_SIMILAR_AT)
	{
		FingerprintQuery *q = DatumGetFingerprintQueryP(query);

		*threshold = nd_fpq_threshold_double(q->threshold);
		*threshold4 = q->threshold;
		return &q->fp;
	}
	*threshold = NeardupSimilarityThreshold;
	*threshold4 = (float4) NeardupSimilarityThreshold;
	return DatumGetFingerprintP(query);
}

/* Keys of fp in the default GIN layout (src/gin.c); room for 21 keys. */
#define ND_GIN_DEFAULT_MAX_KEYS 21
extern int	NdGinDefaultKeys(const Fingerprint *fp, int32 *keys);

#endif							/* NEARDUP_INDEX_COMMON_H */
