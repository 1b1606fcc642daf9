/*-------------------------------------------------------------------------
 *
 * neardup.h
 *	  The on-disk Fingerprint struct, limits, GUCs and shared prototypes of
 *	  the neardup PostgreSQL glue.
 *
 * The pure algorithms live in src/core/ and know nothing about
 * PostgreSQL; this header is for the fmgr-facing files in src/.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include "postgres.h"

#include "fmgr.h"

#include "fpio.h"
#include "sketch.h"

/*
 * Fingerprint: a fixed-size (536 bytes), pass-by-reference, never-TOASTed
 * value, the NdFingerprint of src/core/fpio.h (which documents the fields
 * and the text form).  Its bytes are in host order on disk, like every
 * PostgreSQL type; the text and binary forms are byte-order independent.
 * The values themselves depend only on the text and the parameters.
 */
typedef NdFingerprint Fingerprint;

#define ND_FP_SIZE			((int) sizeof(Fingerprint))

StaticAssertDecl(sizeof(Fingerprint) == 24 + 2 * ND_SKETCH_SLOTS &&
				 offsetof(Fingerprint, sketch) == 8,
				 "Fingerprint must have no padding");

#define DatumGetFingerprintP(d)		((Fingerprint *) DatumGetPointer(d))
#define FingerprintPGetDatum(p)		PointerGetDatum(p)
#define PG_GETARG_FINGERPRINT_P(n)	DatumGetFingerprintP(PG_GETARG_DATUM(n))
#define PG_RETURN_FINGERPRINT_P(p)	PG_RETURN_POINTER(p)

/*
 * FingerprintQuery: a fingerprint and a threshold (SQL fingerprint_query,
 * built by at_least()), the NdFingerprintQuery of src/core/fpio.h: 544
 * bytes, fixed size, pass by reference (src/query.c).
 */
typedef NdFingerprintQuery FingerprintQuery;

#define ND_FPQ_SIZE			((int) sizeof(FingerprintQuery))

#define DatumGetFingerprintQueryP(d)	((FingerprintQuery *) DatumGetPointer(d))
#define PG_GETARG_FINGERPRINT_QUERY_P(n) DatumGetFingerprintQueryP(PG_GETARG_DATUM(n))

/* GUCs (neardup.c) */
extern double NeardupSimilarityThreshold;
extern double NeardupContainmentThreshold;
extern bool NeardupTrackBulk;
extern bool NeardupGinSingleKey;

/* neardup.c */
extern void NeardupInterruptTick(void *arg);
extern const char *NeardupTextAsUtf8(text *t, size_t *len);

/* fingerprint.c */
/* bytes of a bad input value that error messages echo (NeardupEchoPrefix) */
#define ND_ECHO_MAX		64
extern const char *NeardupEchoPrefix(const char *str);

/* similarity.c */
extern void FingerprintCheckCompatible(const Fingerprint *a,
									   const Fingerprint *b);
extern double FingerprintSimilarity(const Fingerprint *a, const Fingerprint *b);
extern double FingerprintContainment(const Fingerprint *a, const Fingerprint *b);

#endif							/* NEARDUP_H */
