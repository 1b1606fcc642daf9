/*-------------------------------------------------------------------------
 *
 * passage.h
 *	  Passage reuse: the exact runs of words two texts share (with their
 *	  byte spans in both originals), and winnowed passage hashes for
 *	  finding, through an index, the texts that share a passage with a
 *	  given one.  Pure C99: no PostgreSQL headers, no locale, no global
 *	  state; memory comes from a caller-supplied allocator.
 *
 * See the design-notes block at the top of passage.c for the exact
 * semantics, the winnowing guarantee and the costs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_PASSAGE_H
#define NEARDUP_PASSAGE_H

#include <stddef.h>
#include <stdint.h>

/* Accepted min_words (run length in words) for nd_shared_passages. */
#define ND_PASSAGE_MIN_WORDS_MIN 1
#define ND_PASSAGE_MIN_WORDS_MAX 1000
#define ND_PASSAGE_MIN_WORDS_DEFAULT 8

/*
 * Longest text, in tokens, either function accepts: 4,194,304 (about
 * 25 MB of English).  It bounds the memory used; see passage.c.
 */
#define ND_PASSAGE_MAX_TOKENS ((size_t) 1 << 22)

/*
 * Occurrences in b of one min_words-gram of a that nd_shared_passages
 * tries, first ones first.  Only texts that repeat one passage more than
 * this many times are affected (see passage.c).
 */
#define ND_PASSAGE_MAX_CANDIDATES 64

/*
 * Winnowing parameters of passage hashes: k-grams of ND_WINNOW_K words,
 * windows of ND_WINNOW_W consecutive k-grams.  Two texts that share a run
 * of at least ND_WINNOW_GUARANTEE = K + W - 1 = 12 words share at least
 * one passage hash.  Changing any of these changes every passage hash.
 */
#define ND_WINNOW_K 8
#define ND_WINNOW_W 5
#define ND_WINNOW_GUARANTEE (ND_WINNOW_K + ND_WINNOW_W - 1)

/* Largest k and w nd_winnow accepts. */
#define ND_WINNOW_MAX 64

/* Result codes. */
#define ND_PASSAGE_OK		0
#define ND_PASSAGE_EINVAL	1	/* a parameter is out of range */
#define ND_PASSAGE_ENOMEM	2	/* the allocator returned NULL */
#define ND_PASSAGE_ETOOBIG	3	/* a text has more than ND_PASSAGE_MAX_TOKENS
								 * tokens */

/*
 * The caller's allocator.  alloc(ctx, size) returns size bytes aligned for
 * any type, or NULL (the function then returns ND_PASSAGE_ENOMEM after
 * freeing what it allocated), or does not return at all (palloc).
 * free(ctx, p) releases a block alloc returned; it may be a no-op.
 */
typedef struct NdAllocator
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *p);
	void	   *ctx;
} NdAllocator;

/*
 * One shared run of words: tokens a_token .. a_token + words - 1 of a equal
 * tokens b_token .. b_token + words - 1 of b (compared as normalized
 * tokens).  [a_start, a_end) and [b_start, b_end) are the byte spans of the
 * run in the original a and b: from the first byte of its first token to
 * the last byte of its last token, so punctuation and spacing inside the
 * run are included as written.
 */
typedef struct NdPassageRun
{
	size_t		a_start;
	size_t		a_end;
	size_t		b_start;
	size_t		b_end;
	uint32_t	a_token;
	uint32_t	b_token;
	uint32_t	words;
} NdPassageRun;

/*
 * Finds the runs of at least min_words tokens that a[0..alen) and
 * b[0..blen) share (UTF-8, tokenized by nd_tokenize_spans).  On success
 * returns ND_PASSAGE_OK with *runs (allocated with al, free it with al;
 * NULL when *nruns is 0) holding *nruns runs in increasing a_token order.
 * Semantics (passage.c has the details): a greedy left-to-right parse of a;
 * at each token the longest run starting there, the leftmost in b among
 * equally long ones, then the parse continues after the run.  Runs never
 * overlap in a; each is maximal unless it starts right where the previous
 * one ends.  tick, if not NULL, is called at least once per ND_TICK_BYTES
 * of input and once per 65,536 tokens of each loop, and may longjmp out
 * (memory allocated so far is then the allocator's to reclaim).
 * Expected time O(alen + blen); memory at most 16 bytes per token of a
 * plus 44 per token of b, plus the result.
 */
extern int	nd_shared_passages(const char *a, size_t alen,
							   const char *b, size_t blen, int min_words,
							   const NdAllocator *al,
							   void (*tick) (void *), void *tick_arg,
							   NdPassageRun **runs, size_t *nruns);

/*
 * Winnows the k-gram hashes of s[0..len) (k tokens per gram, 1..
 * ND_WINNOW_MAX; the hash of a k-gram is nd_shingle_hash of its k token
 * hashes, as sketch.h defines it) with windows of w grams (1..
 * ND_WINNOW_MAX), robust tie rule: fn(arg, h, pos) is called once per
 * selected gram, in text order, pos being the gram's first token.  A text
 * with fewer than k tokens selects nothing; one with k to k + w - 2 tokens
 * (fewer grams than a window) selects its minimum.  Returns the number of
 * calls, or (size_t) -1 if k or w is out of range.  No heap; about 1.6 KB
 * of stack.  tick as in nd_tokenize_ex.
 */
extern size_t nd_winnow(const char *s, size_t len, int k, int w,
						void (*fn) (void *arg, uint64_t h, size_t pos),
						void *arg, void (*tick) (void *), void *tick_arg);

/*
 * The passage hashes of s[0..len): nd_winnow with ND_WINNOW_K and
 * ND_WINNOW_W, as signed 64-bit values sorted ascending without
 * duplicates.  *hashes is allocated with al (NULL when *n is 0: a text of
 * fewer than ND_WINNOW_K tokens).  Returns ND_PASSAGE_OK, ND_PASSAGE_ENOMEM
 * or ND_PASSAGE_ETOOBIG (more than ND_PASSAGE_MAX_TOKENS tokens).  Linear
 * time (radix sort); memory at most 24 bytes per selected gram, about 8
 * per token on real text.
 */
extern int	nd_passage_hashes(const char *s, size_t len,
							  const NdAllocator *al,
							  void (*tick) (void *), void *tick_arg,
							  int64_t **hashes, size_t *n);

#endif							/* NEARDUP_PASSAGE_H */
