/*-------------------------------------------------------------------------
 *
 * fpio.h
 *	  The fingerprint value (NdFingerprint) and its text form: parsing,
 *	  formatting and validation.  Pure C99: no PostgreSQL headers, no
 *	  locale, no heap, so it can be unit-tested and fuzzed without a
 *	  server.  src/fingerprint.c wraps these in the type's I/O functions.
 *
 * Text form (canonical, round-trips exactly):
 *
 *		V:W:K:T:N:HHHHHHHHHHHHHHHH:SSSS...SSSS
 *
 * V format version, W shingle size, K slots, T tokens, N shingles, all
 * decimal without sign or leading zeros; H the 16 hex digits of the exact
 * hash; S the K slots as 4 hex digits each (ffff = empty bin).  Hex is
 * written in lowercase and read in either case; spaces, tabs, CR and LF
 * around the value are ignored.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_FPIO_H
#define NEARDUP_FPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sketch.h"

/* Format version written into every fingerprint. */
#define ND_FP_VERSION 1

/*
 * A fingerprint: a fixed-size (536 bytes) value with no padding and no
 * pointers, stored as is by the SQL type (src/neardup.h).
 *
 * version		format version (ND_FP_VERSION); a fingerprint of another
 *				version is never compared silently
 * shingle_size	words per shingle (ND_SHINGLE_MIN .. ND_SHINGLE_MAX)
 * nslots		sketch slots (ND_SKETCH_SLOTS)
 * reserved		zero
 * sketch		what sketch.c computes: the 64-bit hash of the normalized
 *				token stream (equal for exact duplicates), the shingle and
 *				token counts, and the one-permutation MinHash slots
 *				(ND_SLOT_EMPTY for an empty bin)
 */
typedef struct NdFingerprint
{
	uint8_t		version;
	uint8_t		shingle_size;
	uint16_t	nslots;
	uint32_t	reserved;
	NdSketch	sketch;
} NdFingerprint;

/* C99 static assertion: the layout above has no padding. */
typedef char nd_fp_layout_check[(sizeof(NdFingerprint) == 24 + 2 * ND_SKETCH_SLOTS &&
								 offsetof(NdFingerprint, sketch) == 8) ? 1 : -1];

/*
 * Longest text nd_fp_format can produce, for any bytes in the struct
 * (every header field at its widest), without the terminating NUL.
 */
#define ND_FP_TEXT_MAXLEN \
	(3 + 1 + 3 + 1 + 5 + 1 + 10 + 1 + 10 + 1 + 16 + 1 + 4 * ND_SKETCH_SLOTS)

/* A detail buffer of this size never truncates a sentence. */
#define ND_FP_DETAIL_LEN 128

/*
 * Parses the NUL-terminated text form str into *out.  Returns true if str
 * is a well-formed text form of a fingerprint that nd_fp_check accepts.
 * Otherwise returns false and, if detail is not NULL, writes a sentence
 * saying what is wrong (for errdetail) into detail[0..detail_len), cut to
 * fit and NUL-terminated; *out is then partly written.  The header fields
 * are validated before the slots are read.  Reads str only up to its NUL.
 */
extern bool nd_fp_parse(const char *str, NdFingerprint *out,
						char *detail, size_t detail_len);

/*
 * Writes the canonical text form of *fp (lowercase hex) and a NUL into
 * buf, which must hold ND_FP_TEXT_MAXLEN + 1 bytes; returns its length.
 * Defined for any bytes in *fp; only a valid fingerprint's text parses
 * back.
 */
extern size_t nd_fp_format(const NdFingerprint *fp, char *buf);

/*
 * Checks *fp for everything neardup guarantees of the values it computes:
 * supported version, shingle size and slot count, reserved field zero,
 * shingle count consistent with the token count, filled slots consistent
 * with the shingle count, and the exact hash of an empty text.  Returns
 * true when valid; else false with a sentence in detail as nd_fp_parse.
 */
extern bool nd_fp_check(const NdFingerprint *fp, char *detail,
						size_t detail_len);

/*
 * The binary (send/recv) form: every field in network byte order, in
 * struct order (version, shingle size, slot count, reserved, tokens,
 * shingles, exact hash, then the slots), ND_FP_WIRE_SIZE bytes.
 * nd_fp_decode reads exactly that many bytes (len must equal it) and
 * validates the result with nd_fp_check; false with a sentence in detail
 * otherwise.  nd_fp_encode writes the same form.
 */
#define ND_FP_WIRE_SIZE (24 + 2 * ND_SKETCH_SLOTS)

extern bool nd_fp_decode(const unsigned char *b, size_t len,
						 NdFingerprint *out, char *detail, size_t detail_len);
extern void nd_fp_encode(const NdFingerprint *fp,
						 unsigned char out[ND_FP_WIRE_SIZE]);

/*
 * A fingerprint query (SQL type fingerprint_query, built by at_least()):
 * a fingerprint and the threshold the operators % <% %> compare against,
 * so that the threshold travels with the query instead of being read from
 * a GUC on whichever server evaluates it.  544 bytes, no padding: the
 * threshold in single precision (as the operators compare), a reserved
 * zero word, then the fingerprint 8-aligned.
 *
 * Text form:  T@V:W:K:T:N:HHHHHHHHHHHHHHHH:SSSS...SSSS
 *
 * T a decimal number from 0 to 1 (digits, an optional fraction, an
 * optional exponent; no sign, no spaces), read as a single-precision float
 * in the C locale's notation, then '@' and a fingerprint's text form.
 * Written with the fewest significant digits that read back to the same
 * float.  Binary form: the threshold's IEEE-754 bits (4 bytes, network
 * order), then the fingerprint's binary form.
 */
typedef struct NdFingerprintQuery
{
	float		threshold;
	uint32_t	reserved;
	NdFingerprint fp;
} NdFingerprintQuery;

typedef char nd_fpq_layout_check[(sizeof(NdFingerprintQuery) == 8 + sizeof(NdFingerprint) &&
								  offsetof(NdFingerprintQuery, fp) == 8) ? 1 : -1];

/* Longest threshold text nd_fpq_parse accepts (and nd_fpq_format writes). */
#define ND_FPQ_THRESHOLD_MAXLEN 32
#define ND_FPQ_TEXT_MAXLEN (ND_FPQ_THRESHOLD_MAXLEN + 1 + ND_FP_TEXT_MAXLEN)
#define ND_FPQ_WIRE_SIZE (4 + ND_FP_WIRE_SIZE)

/* Is t a threshold a query may carry (0 <= t <= 1, not NaN)? */
extern bool nd_fpq_threshold_valid(float t);

/*
 * Reads a threshold from the start of str (grammar above) into *out and
 * returns the number of bytes read, or 0 with a sentence in detail when
 * str does not start with a threshold from 0 to 1.
 */
extern size_t nd_fpq_parse_threshold(const char *str, float *out,
									 char *detail, size_t detail_len);

/* As nd_fp_parse, for the text form of a fingerprint query. */
extern bool nd_fpq_parse(const char *str, NdFingerprintQuery *out,
						 char *detail, size_t detail_len);

/*
 * Writes the shortest decimal text of t that reads back (strtof) to t, at
 * most ND_FPQ_THRESHOLD_MAXLEN bytes plus a NUL, into buf; returns its
 * length.  For thresholds that nd_fpq_threshold_valid accepts.
 */
extern size_t nd_fpq_format_threshold(float t, char *buf);

/*
 * The double that strtod reads from t's shortest text (so 0.3f gives 0.3,
 * as SET neardup.similarity_threshold = 0.3 does).
 */
extern double nd_fpq_threshold_double(float t);

/* Canonical text of *q into buf (ND_FPQ_TEXT_MAXLEN + 1 bytes). */
extern size_t nd_fpq_format(const NdFingerprintQuery *q, char *buf);

/* Valid threshold, reserved zero, and a fingerprint nd_fp_check accepts. */
extern bool nd_fpq_check(const NdFingerprintQuery *q, char *detail,
						 size_t detail_len);

/* Binary form, as nd_fp_decode/nd_fp_encode; a threshold of -0 reads as 0. */
extern bool nd_fpq_decode(const unsigned char *b, size_t len,
						  NdFingerprintQuery *out, char *detail,
						  size_t detail_len);
extern void nd_fpq_encode(const NdFingerprintQuery *q,
						  unsigned char out[ND_FPQ_WIRE_SIZE]);

#endif							/* NEARDUP_FPIO_H */
