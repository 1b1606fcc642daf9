/*-------------------------------------------------------------------------
 *
 * similarity.c
 *	  similarity(), containment(), the distance <-> and the boolean
 *	  operators %, <% and %> on fingerprints.
 *
 * The estimators are in src/core/sketch.c; this file checks that two
 * fingerprints are comparable (same format version and parameters, else a
 * DATA_EXCEPTION with a hint) and applies the GUC thresholds.  similarity,
 * containment and <-> are IMMUTABLE; the boolean operators read a GUC and
 * are therefore STABLE, as in pg_trgm.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "neardup.h"

PG_FUNCTION_INFO_V1(fingerprint_similarity);
PG_FUNCTION_INFO_V1(fingerprint_containment);
PG_FUNCTION_INFO_V1(fingerprint_distance);
PG_FUNCTION_INFO_V1(fingerprint_similar_op);
PG_FUNCTION_INFO_V1(fingerprint_contained_op);
PG_FUNCTION_INFO_V1(fingerprint_contains_op);

/*
 * Errors out unless a and b were built by the same format version with the
 * same parameters: their estimates would be meaningless.
 */
void
FingerprintCheckCompatible(const Fingerprint *a, const Fingerprint *b)
{
	if (a->version != b->version || a->nslots != b->nslots)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot compare fingerprints of different format versions (%d and %d)",
						a->version, b->version),
				 errhint("Recompute both fingerprints with this version of neardup.")));
	if (a->shingle_size != b->shingle_size)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot compare fingerprints of different shingle sizes (%d and %d)",
						a->shingle_size, b->shingle_size),
				 errhint("Compute both fingerprints with the same shingle size, e.g. fingerprint(text, %d).",
						 a->shingle_size)));
}

double
FingerprintSimilarity(const Fingerprint *a, const Fingerprint *b)
{
	FingerprintCheckCompatible(a, b);
	return nd_sketch_similarity(&a->sketch, &b->sketch);
}

double
FingerprintContainment(const Fingerprint *a, const Fingerprint *b)
{
	FingerprintCheckCompatible(a, b);
	return nd_sketch_containment(&a->sketch, &b->sketch);
}

/* similarity(a, b): estimated Jaccard resemblance of the shingle sets. */
Datum
fingerprint_similarity(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT4((float4) FingerprintSimilarity(PG_GETARG_FINGERPRINT_P(0),
													PG_GETARG_FINGERPRINT_P(1)));
}

/* containment(a, b): estimated share of a's shingles that are in b. */
Datum
fingerprint_containment(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT4((float4) FingerprintContainment(PG_GETARG_FINGERPRINT_P(0),
													 PG_GETARG_FINGERPRINT_P(1)));
}

/* a <-> b = 1 - similarity(a, b) */
Datum
fingerprint_distance(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT4(1.0f - (float4) FingerprintSimilarity(PG_GETARG_FINGERPRINT_P(0),
															PG_GETARG_FINGERPRINT_P(1)));
}

/* a % b: similarity(a, b) >= neardup.similarity_threshold */
Datum
fingerprint_similar_op(PG_FUNCTION_ARGS)
{
	float4		sim = (float4) FingerprintSimilarity(PG_GETARG_FINGERPRINT_P(0),
													 PG_GETARG_FINGERPRINT_P(1));

	PG_RETURN_BOOL(sim >= (float4) NeardupSimilarityThreshold);
}

/* a <% b: containment(a, b) >= neardup.containment_threshold */
Datum
fingerprint_contained_op(PG_FUNCTION_ARGS)
{
	float4		c = (float4) FingerprintContainment(PG_GETARG_FINGERPRINT_P(0),
												   PG_GETARG_FINGERPRINT_P(1));

	PG_RETURN_BOOL(c >= (float4) NeardupContainmentThreshold);
}

/* a %> b: containment(b, a) >= neardup.containment_threshold */
Datum
fingerprint_contains_op(PG_FUNCTION_ARGS)
{
	float4		c = (float4) FingerprintContainment(PG_GETARG_FINGERPRINT_P(1),
												   PG_GETARG_FINGERPRINT_P(0));

	PG_RETURN_BOOL(c >= (float4) NeardupContainmentThreshold);
}
