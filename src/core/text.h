/*-------------------------------------------------------------------------
 *
 * text.h
 *	  Unicode normalization (NFKC + full case folding) and tokenization of
 *	  UTF-8 text into the word / character-bigram tokens that neardup
 *	  fingerprints.  Pure C99: no PostgreSQL headers, no locale.
 *
 * See the design-notes block at the top of text.c for the exact rules.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_TEXT_H
#define NEARDUP_TEXT_H

#include <stddef.h>

/*
 * Longest token handed to a NdTokenFn, in bytes.  Longer words are cut to
 * their longest prefix of whole characters that fits; each half of a
 * character bigram is cut to ND_MAX_TOKEN_BYTES / 2 bytes the same way.
 */
#define ND_MAX_TOKEN_BYTES 256

/* The tick hook is called at least once per ND_TICK_BYTES of input. */
#define ND_TICK_BYTES ((size_t) 1 << 20)

/*
 * Receives one normalized token: UTF-8, not NUL-terminated, 1 to
 * ND_MAX_TOKEN_BYTES bytes.  The bytes are valid only during the call.
 */
typedef void (*NdTokenFn) (void *arg, const char *tok, size_t len);

/*
 * Normalizes s[0..len) and calls fn(arg, tok, toklen) once per token, in
 * text order; returns the number of tokens.  s need not be NUL-terminated
 * and may hold any bytes: each byte that is not part of a well-formed UTF-8
 * sequence acts as a separator.  Never reads outside s[0..len), never
 * allocates; uses a few kilobytes of stack.  The result depends only on the
 * bytes of s (and the compiled-in Unicode version).
 */
extern size_t nd_tokenize(const char *s, size_t len, NdTokenFn fn, void *arg);

/*
 * As nd_tokenize, and also calls tick(tick_arg), if tick is not NULL, once
 * before each ND_TICK_BYTES of input is processed (so at least once per
 * call, never in the middle of fn).  tick may longjmp out (for instance to
 * honour a query cancel); nothing needs cleaning up.
 */
extern size_t nd_tokenize_ex(const char *s, size_t len, NdTokenFn fn,
							 void *arg, void (*tick) (void *),
							 void *tick_arg);

/*
 * Receives one normalized token, as NdTokenFn does, plus the byte range
 * [start, end) of the original input it came from: start is the first byte
 * of the first source character that contributes a code point to the
 * token, end is one past the last byte of the last such character (so a
 * word cut at ND_MAX_TOKEN_BYTES still spans the whole source word, and an
 * apostrophe dropped inside a word lies inside the span).  For a character
 * bigram the range covers both characters.  0 <= start < end <= len.
 */
typedef void (*NdSpanTokenFn) (void *arg, const char *tok, size_t len,
							   size_t start, size_t end);

/*
 * As nd_tokenize_ex, handing each token's source span to fn as well.  The
 * tokens (bytes, number and order) are exactly those of nd_tokenize.  In
 * token order start never decreases, and end does not either except in
 * one contrived case (a combining mark after U+0345 COMBINING GREEK
 * YPOGEGRAMMENI is reordered before it, then U+0345 becomes the letter
 * iota and starts a token: the previous token's span takes in the mark,
 * whose source comes after).  Spans of consecutive word tokens do not
 * overlap, except that tokens made from one source character share its
 * span (U+00BD VULGAR FRACTION ONE HALF gives "1" and "2"); consecutive
 * bigrams of one run share a character.
 */
extern size_t nd_tokenize_spans(const char *s, size_t len, NdSpanTokenFn fn,
								void *arg, void (*tick) (void *),
								void *tick_arg);

/* Version of the Unicode Character Database compiled in, e.g. "15.0.0". */
extern const char *nd_unicode_version(void);

#endif							/* NEARDUP_TEXT_H */
