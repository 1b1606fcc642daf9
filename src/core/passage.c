/*-------------------------------------------------------------------------
 *
 * passage.c
 *	  Passage reuse: exact shared runs of words between two texts, and
 *	  winnowed passage hashes for indexing.
 *
 * Design notes
 * ------------
 * Tokens.  Both texts go through nd_tokenize_spans (text.c): the same
 * normalized tokens that fingerprints see, so case, punctuation, accents
 * written precomposed or combining, curly or straight apostrophes and
 * hyphenation do not break a run, plus the byte span of each token in the
 * original text.  Each token is kept as its 64-bit hash (nd_token_hash)
 * and its span; tokens are compared by hash (two different tokens collide
 * with probability 2^-64).
 *
 * Shared runs (nd_shared_passages).  With k = min_words: every k-gram of
 * b (k consecutive tokens) is hashed (nd_shingle_hash of its token hashes,
 * computed rolling in O(1) per token) into an open-addressing table that
 * maps a k-gram to its first position in b; later positions of the same
 * k-gram are chained behind it in increasing order.  Then a is parsed
 * greedily from left to right:
 *
 *	 i = 0
 *	 while a has a k-gram at i:
 *		 among the first ND_PASSAGE_MAX_CANDIDATES positions j of a[i..i+k)
 *		 in b, take the one with the longest common run a[i..i+L) =
 *		 b[j..j+L) (ties: the smallest j, the first occurrence in b)
 *		 if there is one: report (i, j, L) and continue at i = i + L
 *		 else i = i + 1
 *
 * So runs are reported once each, in order of their position in a, and
 * never overlap in a (their spans in b may overlap, or coincide, when a
 * repeats a passage of b).  Every run is maximal forwards; it is maximal
 * backwards too (the token before it in a differs from the token before it
 * in b) unless it starts exactly where the previous run ends, because a
 * run that could start earlier would have been found from that earlier
 * position.  When b repeats a passage, the run points at its first
 * occurrence in b that gives the longest run.  The candidate cap only
 * matters for texts in which one k-gram occurs more than 64 times (a line
 * repeated 65 times); the result is then still correct runs, possibly
 * shorter or split.
 *
 * Cost of the runs.  Tokenizing is linear.  Building the table is O(|b|)
 * expected (load factor at most 1/2, 64-bit keys, linear probing).  The
 * parse looks a k-gram up at each position of a; a hit costs at most
 * 64 * (k + L) token comparisons and moves i past L >= k tokens, a miss
 * O(1) expected: O(|a| + |b|) expected overall, at most 64 times that on
 * adversarial repetitive input.  Memory: each text is tokenized twice,
 * once to count its tokens so that every array is allocated at its exact
 * size: 16 bytes per token of a (hash, start, end), and per token of b 16
 * bytes plus 8 (k-gram hash), 4 (chain link) and 8 to 16 (table of
 * 32-bit slots, a power of two at least twice the k-grams): at most 16 per
 * token of a plus 44 per token of b, plus the runs (48 bytes each, grown
 * by doubling).  ND_PASSAGE_MAX_TOKENS (4 Mi tokens per text) caps this at
 * about 250 MB; a 5,000-word article needs about 300 KB.
 *
 * Winnowing (nd_winnow, nd_passage_hashes).  Schleimer, Wilkerson and
 * Aiken, "Winnowing: local algorithms for document fingerprinting"
 * (SIGMOD 2003).  The hashes of the k-grams of a text, h[0..n-k], are
 * scanned with windows of w consecutive hashes; each window selects its
 * minimum.  Robust tie rule: if the gram selected for the previous window
 * is still in the window and still minimal, it stays selected; otherwise
 * the rightmost minimal gram is selected.  A gram is reported when it
 * becomes selected.  A monotone deque gives O(1) amortized per gram.
 * Guarantee: a run of t = k + w - 1 shared tokens holds w consecutive
 * k-grams, a full window in both texts, whose (equal) minimum both select;
 * so two texts sharing a run of t or more tokens share a selected hash.
 * Runs shorter than k share none; in between, it depends on the hashes.
 * The set of selected hash values is the set of window minima, whatever
 * the tie rule (the rule only changes which of several equal grams is
 * reported, and so the density).  Expected density 2/(w + 1) of the
 * grams for random hashes.  A text with fewer grams than a window selects
 * its minimum gram; a text with fewer than k tokens selects nothing.
 *
 * Parameters of passage hashes: k = 8 (the default min_words of
 * shared_passages, and long enough that common phrases rarely collide
 * across unrelated articles), w = 5, so t = 12: any shared run of 12 words
 * or more is guaranteed to be found through the index, and shared runs of
 * 8 to 11 words usually are.  Density 1/3 of the grams: an article of 600
 * words has about 200 passage hashes.  Each gram hash is exactly
 * nd_shingle_hash of its 8 token hashes, the shingle hash a fingerprint
 * with shingle size 8 uses, so passage hashes are as portable as
 * fingerprints (only unsigned 64-bit arithmetic and XXH3).
 *
 * nd_passage_hashes winnows in one pass, collecting the selected hashes
 * into an array grown by doubling, radix-sorts them as signed 64-bit
 * integers (radix.c, with a second buffer of the same size) and
 * drops duplicates: linear time; memory at most 24 bytes per selected
 * gram, so at most 24 per token and about 8 on real text (a third of the
 * grams are selected).  Past ND_PASSAGE_MAX_TOKENS it stops collecting
 * and fails.  Time: doc/passages.md.
 *
 *-------------------------------------------------------------------------
 */
#include "passage.h"

#include <string.h>

#include "radix.h"
#include "sketch.h"
#include "text.h"

/*
 * The k-gram hash, computed rolling.  Must equal nd_shingle_hash (sketch.c):
 * nd_fmix64(t[0]*B^(k-1) + ... + t[k-1]) with the same B; test_passage.c
 * checks that it does.
 */
#define GRAM_B	ND_SHINGLE_B

/* Tick every this many tokens in the matching loops. */
#define TICK_TOKENS ((size_t) 1 << 16)

/* Empty slot of the k-gram table (slots hold position + 1). */
#define SLOT_EMPTY 0

/* No next occurrence in a chain. */
#define NO_NEXT UINT32_MAX


/* B^k mod 2^64. */
static uint64_t
pow_b(int k)
{
	uint64_t	p = 1;

	while (k-- > 0)
		p *= GRAM_B;
	return p;
}

/* One token of a text: its hash and source span. */
typedef struct Tok
{
	uint64_t	hash;
	uint32_t	start;
	uint32_t	end;
} Tok;

/* Callback state of the counting and collecting passes. */
typedef struct Collect
{
	Tok		   *tok;
	size_t		n;
	size_t		cap;
} Collect;

static void
count_token(void *arg, const char *tok, size_t len)
{
	(void) tok;
	(void) len;
	(*(size_t *) arg)++;
}

static void
collect_token(void *arg, const char *tok, size_t len, size_t start,
			  size_t end)
{
	Collect    *c = arg;

	/* the second pass sees the same tokens as the first */
	if (c->n < c->cap)
	{
		/* ends are kept non-decreasing (text.h: one contrived exception) */
		if (c->n > 0 && end < c->tok[c->n - 1].end)
			end = c->tok[c->n - 1].end;
		c->tok[c->n].hash = nd_token_hash(tok, len);
		c->tok[c->n].start = (uint32_t) start;
		c->tok[c->n].end = (uint32_t) end;
	}
	c->n++;
}

/*
 * Tokenizes s[0..len) into *out (allocated with al, exactly *n entries;
 * NULL when there are none).
 */
static int
tokenize_text(const char *s, size_t len, const NdAllocator *al,
			  void (*tick) (void *), void *tick_arg, Tok **out, size_t *n)
{
	size_t		count = 0;
	Collect		c;

	*out = NULL;
	*n = 0;
	if (len > UINT32_MAX)
		return ND_PASSAGE_ETOOBIG;
	nd_tokenize_ex(s, len, count_token, &count, tick, tick_arg);
	if (count > ND_PASSAGE_MAX_TOKENS)
		return ND_PASSAGE_ETOOBIG;
	if (count == 0)
		return ND_PASSAGE_OK;
	c.tok = al->alloc(al->ctx, count * sizeof(Tok));
	if (c.tok == NULL)
		return ND_PASSAGE_ENOMEM;
	c.n = 0;
	c.cap = count;
	nd_tokenize_spans(s, len, collect_token, &c, tick, tick_arg);
	*out = c.tok;
	*n = count;
	return ND_PASSAGE_OK;
}

static inline void
maybe_tick(size_t i, void (*tick) (void *), void *tick_arg)
{
	if (tick != NULL && (i & (TICK_TOKENS - 1)) == 0)
		tick(tick_arg);
}

/* Frees p through al if both are set. */
static inline void
release(const NdAllocator *al, void *p)
{
	if (p != NULL && al->free != NULL)
		al->free(al->ctx, p);
}

/*
 * The k-gram index of b: kh[j] is the hash of b[j..j+k), slot[] an
 * open-addressing table of first positions (+ 1), next[j] the next
 * position of the same k-gram.
 */
typedef struct GramIndex
{
	uint64_t   *kh;
	uint32_t   *next;
	uint32_t   *slot;
	size_t		mask;
} GramIndex;

/* Smallest power of two >= 2 * n (n >= 1). */
static size_t
table_size(size_t n)
{
	size_t		size = 2;

	while (size < 2 * n)
		size <<= 1;
	return size;
}

/* Home slot of a k-gram hash: its high bits (fmix64 mixed them well). */
static inline size_t
home_slot(uint64_t h, size_t mask)
{
	return (size_t) (h >> 32 ^ h) & mask;
}

/*
 * Builds the index of the ngrams k-grams of b.  Positions are inserted from
 * last to first, each becoming the head of its chain, so chains run in
 * increasing position order.
 */
static int
index_build(const Tok *b, size_t ngrams, int k, const NdAllocator *al,
			void (*tick) (void *), void *tick_arg, GramIndex *ix)
{
	uint64_t	bk = pow_b(k);
	uint64_t	sum = 0;
	size_t		size = table_size(ngrams);
	size_t		j;

	ix->kh = al->alloc(al->ctx, ngrams * sizeof(uint64_t));
	ix->next = ix->kh ? al->alloc(al->ctx, ngrams * sizeof(uint32_t)) : NULL;
	ix->slot = ix->next ? al->alloc(al->ctx, size * sizeof(uint32_t)) : NULL;
	if (ix->slot == NULL)
		return ND_PASSAGE_ENOMEM;
	memset(ix->slot, 0, size * sizeof(uint32_t));
	ix->mask = size - 1;

	for (j = 0; j < ngrams + (size_t) k - 1; j++)
	{
		maybe_tick(j, tick, tick_arg);
		sum = sum * GRAM_B + b[j].hash;
		if (j >= (size_t) k)
			sum -= b[j - k].hash * bk;
		if (j + 1 >= (size_t) k)
			ix->kh[j + 1 - k] = nd_fmix64(sum);
	}

	for (j = ngrams; j-- > 0;)
	{
		uint64_t	h = ix->kh[j];
		size_t		s = home_slot(h, ix->mask);

		maybe_tick(j, tick, tick_arg);
		for (;;)
		{
			uint32_t	v = ix->slot[s];

			if (v == SLOT_EMPTY)
			{
				ix->next[j] = NO_NEXT;
				ix->slot[s] = (uint32_t) j + 1;
				break;
			}
			if (ix->kh[v - 1] == h)
			{
				ix->next[j] = v - 1;
				ix->slot[s] = (uint32_t) j + 1;
				break;
			}
			s = (s + 1) & ix->mask;
		}
	}
	return ND_PASSAGE_OK;
}

/* First position in b of a k-gram with hash h, or NO_NEXT. */
static inline uint32_t
index_find(const GramIndex *ix, uint64_t h)
{
	size_t		s = home_slot(h, ix->mask);

	for (;;)
	{
		uint32_t	v = ix->slot[s];

		if (v == SLOT_EMPTY)
			return NO_NEXT;
		if (ix->kh[v - 1] == h)
			return v - 1;
		s = (s + 1) & ix->mask;
	}
}

/* Appends a run to the growing result array. */
static int
push_run(const NdAllocator *al, NdPassageRun **runs, size_t *n, size_t *cap,
		 const NdPassageRun *r)
{
	if (*n == *cap)
	{
		size_t		ncap = *cap ? *cap * 2 : 16;
		NdPassageRun *p = al->alloc(al->ctx, ncap * sizeof(NdPassageRun));

		if (p == NULL)
			return ND_PASSAGE_ENOMEM;
		if (*n > 0)
			memcpy(p, *runs, *n * sizeof(NdPassageRun));
		release(al, *runs);
		*runs = p;
		*cap = ncap;
	}
	(*runs)[(*n)++] = *r;
	return ND_PASSAGE_OK;
}

/*
 * The longest run of equal tokens starting at ta[i] and at some candidate
 * position of tb whose k-gram hash is h (the first ND_PASSAGE_MAX_CANDIDATES
 * candidates of the index), at least k long; 0 if none.  *best_j is where
 * it starts in b.
 */
static size_t
longest_match(const Tok *ta, size_t na, const Tok *tb, size_t nb,
			  const GramIndex *ix, size_t i, uint64_t h, size_t k,
			  size_t *best_j)
{
	size_t		best_len = 0;
	int			tries = 0;

	for (uint32_t j = index_find(ix, h);
		 j != NO_NEXT && tries < ND_PASSAGE_MAX_CANDIDATES;
		 j = ix->next[j], tries++)
	{
		size_t		len = 0;
		size_t		maxlen = na - i < nb - j ? na - i : nb - j;

		while (len < maxlen && ta[i + len].hash == tb[j + len].hash)
			len++;
		if (len >= k && len > best_len)
		{
			best_len = len;
			*best_j = j;
			if (len == maxlen && maxlen == na - i)
				break;			/* no candidate can do better */
		}
	}
	return best_len;
}

/*
 * The greedy parse of a against the index of b's k-grams: left to right,
 * at each position of a not inside a run already taken, the longest match
 * in b becomes a run (pushed to *runs) and the parse resumes after it.
 */
static int
greedy_parse(const Tok *ta, size_t na, const Tok *tb, size_t nb,
			 const GramIndex *ix, size_t k, const NdAllocator *al,
			 void (*tick) (void *), void *tick_arg,
			 NdPassageRun **runs, size_t *nruns, size_t *cap)
{
	uint64_t	bk = pow_b((int) k);
	uint64_t	sum = 0;
	size_t		resume = 0;		/* next position the parse looks at */

	/* x is the last token of the k-gram that starts at x + 1 - k */
	for (size_t x = 0; x < na; x++)
	{
		size_t		i,
					best_j = 0,
					best_len;
		NdPassageRun r;
		int			rc;

		maybe_tick(x, tick, tick_arg);
		sum = sum * GRAM_B + ta[x].hash;
		if (x >= k)
			sum -= ta[x - k].hash * bk;
		if (x + 1 < k || (i = x + 1 - k) < resume)
			continue;
		best_len = longest_match(ta, na, tb, nb, ix, i, nd_fmix64(sum), k, &best_j);
		if (best_len == 0)
			continue;
		r.a_token = (uint32_t) i;
		r.b_token = (uint32_t) best_j;
		r.words = (uint32_t) best_len;
		r.a_start = ta[i].start;
		r.a_end = ta[i + best_len - 1].end;
		r.b_start = tb[best_j].start;
		r.b_end = tb[best_j + best_len - 1].end;
		rc = push_run(al, runs, nruns, cap, &r);
		if (rc != ND_PASSAGE_OK)
			return rc;
		resume = i + best_len;
	}
	return ND_PASSAGE_OK;
}

int
nd_shared_passages(const char *a, size_t alen, const char *b, size_t blen,
				   int min_words, const NdAllocator *al,
				   void (*tick) (void *), void *tick_arg,
				   NdPassageRun **runs, size_t *nruns)
{
	Tok		   *ta = NULL;
	Tok		   *tb = NULL;
	size_t		na = 0;
	size_t		nb = 0;
	size_t		k = (size_t) min_words;
	size_t		cap = 0;
	GramIndex	ix = {NULL, NULL, NULL, 0};
	int			rc;

	*runs = NULL;
	*nruns = 0;
	if (min_words < ND_PASSAGE_MIN_WORDS_MIN ||
		min_words > ND_PASSAGE_MIN_WORDS_MAX)
		return ND_PASSAGE_EINVAL;

	rc = tokenize_text(a, alen, al, tick, tick_arg, &ta, &na);
	if (rc == ND_PASSAGE_OK)
		rc = tokenize_text(b, blen, al, tick, tick_arg, &tb, &nb);
	if (rc != ND_PASSAGE_OK || na < k || nb < k)
		goto done;
	rc = index_build(tb, nb - k + 1, min_words, al, tick, tick_arg, &ix);
	if (rc != ND_PASSAGE_OK)
		goto done;

	rc = greedy_parse(ta, na, tb, nb, &ix, k, al, tick, tick_arg,
					  runs, nruns, &cap);

done:
	release(al, ix.slot);
	release(al, ix.next);
	release(al, ix.kh);
	release(al, tb);
	release(al, ta);
	if (rc != ND_PASSAGE_OK)
	{
		release(al, *runs);
		*runs = NULL;
		*nruns = 0;
	}
	else if (*nruns == 0)
	{
		release(al, *runs);
		*runs = NULL;
	}
	return rc;
}

/*
 * Winnowing state: the last k token hashes (for the rolling gram hash),
 * the monotone deque of the current window, and the selection.  Ring and
 * deque indices wrap by comparison, not by division.
 */
typedef struct Winnow
{
	int			k;
	int			w;
	uint64_t	bk;				/* B^k */
	uint64_t	sum;
	size_t		ntokens;
	int			ring_pos;		/* slot of the token k places back */
	uint64_t	ring[ND_WINNOW_MAX];	/* the last k token hashes */
	/* deque of (hash, gram position), hashes strictly increasing */
	uint64_t	dq_h[ND_WINNOW_MAX];
	size_t		dq_pos[ND_WINNOW_MAX];
	int			dq_head;
	int			dq_len;
	int			have_sel;
	size_t		sel_pos;
	uint64_t	sel_h;
	size_t		nsel;
	void		(*fn) (void *arg, uint64_t h, size_t pos);
	void	   *arg;
} Winnow;

static inline void
winnow_select(Winnow *wn, uint64_t h, size_t pos)
{
	wn->have_sel = 1;
	wn->sel_h = h;
	wn->sel_pos = pos;
	wn->fn(wn->arg, h, pos);
	wn->nsel++;
}

/* Index of the i-th deque entry (0 = front). */
static inline int
dq_index(const Winnow *wn, int i)
{
	int			t = wn->dq_head + i;

	return t >= wn->w ? t - wn->w : t;
}

/* Takes in gram hash h at gram position g; selects if a window ends here. */
static inline void
winnow_gram(Winnow *wn, uint64_t h, size_t g)
{
	int			w = wn->w;
	int			t;

	/*
	 * Drop the gram that has left the window [g - w + 1, g] from the front
	 * (at most one per step), and grams that can no longer be a rightmost
	 * minimum (hash >= h) from the back.
	 */
	if (wn->dq_len > 0 && wn->dq_pos[wn->dq_head] + (size_t) w <= g)
	{
		wn->dq_head = (wn->dq_head + 1 == w) ? 0 : wn->dq_head + 1;
		wn->dq_len--;
	}
	while (wn->dq_len > 0 && wn->dq_h[dq_index(wn, wn->dq_len - 1)] >= h)
		wn->dq_len--;
	t = dq_index(wn, wn->dq_len);
	wn->dq_h[t] = h;
	wn->dq_pos[t] = g;
	wn->dq_len++;

	if (g + 1 >= (size_t) w)
	{
		uint64_t	m = wn->dq_h[wn->dq_head];

		/* robust rule: keep the previous selection while it is a minimum */
		if (wn->have_sel && wn->sel_pos + (size_t) w > g && wn->sel_h == m)
			return;
		winnow_select(wn, m, wn->dq_pos[wn->dq_head]);
	}
}

static void
winnow_token(void *arg, const char *tok, size_t len)
{
	Winnow	   *wn = arg;
	uint64_t	t = nd_token_hash(tok, len);
	size_t		n = wn->ntokens;
	int			slot = wn->ring_pos;
	uint64_t	sum = wn->sum * GRAM_B + t;

	if (n >= (size_t) wn->k)
		sum -= wn->ring[slot] * wn->bk;	/* the token k places back */
	wn->ring[slot] = t;
	wn->ring_pos = (slot + 1 == wn->k) ? 0 : slot + 1;
	wn->sum = sum;
	wn->ntokens = n + 1;
	if (n + 1 >= (size_t) wn->k)
		winnow_gram(wn, nd_fmix64(sum), n + 1 - (size_t) wn->k);
}

/* Runs the winnower wn over s[0..len); k and w must be valid. */
static void
winnow_run(Winnow *wn, const char *s, size_t len, int k, int w,
		   void (*fn) (void *arg, uint64_t h, size_t pos), void *arg,
		   void (*tick) (void *), void *tick_arg)
{
	memset(wn, 0, sizeof(*wn));
	wn->k = k;
	wn->w = w;
	wn->bk = pow_b(k);
	wn->fn = fn;
	wn->arg = arg;
	nd_tokenize_ex(s, len, winnow_token, wn, tick, tick_arg);

	/* fewer grams than a window: the whole text is one (short) window */
	if (wn->ntokens >= (size_t) k && wn->ntokens - (size_t) k + 1 < (size_t) w)
		winnow_select(wn, wn->dq_h[wn->dq_head], wn->dq_pos[wn->dq_head]);
}

size_t
nd_winnow(const char *s, size_t len, int k, int w,
		  void (*fn) (void *arg, uint64_t h, size_t pos), void *arg,
		  void (*tick) (void *), void *tick_arg)
{
	Winnow		wn;

	if (k < 1 || k > ND_WINNOW_MAX || w < 1 || w > ND_WINNOW_MAX)
		return (size_t) -1;
	winnow_run(&wn, s, len, k, w, fn, arg, tick, tick_arg);
	return wn.nsel;
}

/*
 * Collects selected hashes into an array grown by doubling; stops
 * collecting (but counts tokens on) once the text has too many tokens.
 */
typedef struct HashSink
{
	const NdAllocator *al;
	uint64_t   *h;
	size_t		n;
	size_t		cap;
	const size_t *ntokens;		/* the winnower's token count */
	int			rc;
} HashSink;

static void
sink_hash(void *arg, uint64_t h, size_t pos)
{
	HashSink   *hs = arg;

	(void) pos;
	if (hs->rc != ND_PASSAGE_OK)
		return;
	if (*hs->ntokens > ND_PASSAGE_MAX_TOKENS)
	{
		hs->rc = ND_PASSAGE_ETOOBIG;
		return;
	}
	if (hs->n == hs->cap)
	{
		size_t		ncap = hs->cap ? hs->cap * 2 : 64;
		uint64_t   *p = hs->al->alloc(hs->al->ctx, ncap * sizeof(uint64_t));

		if (p == NULL)
		{
			hs->rc = ND_PASSAGE_ENOMEM;
			return;
		}
		if (hs->n > 0)
			memcpy(p, hs->h, hs->n * sizeof(uint64_t));
		release(hs->al, hs->h);
		hs->h = p;
		hs->cap = ncap;
	}
	hs->h[hs->n++] = h;
}

int
nd_passage_hashes(const char *s, size_t len, const NdAllocator *al,
				  void (*tick) (void *), void *tick_arg,
				  int64_t **hashes, size_t *n)
{
	Winnow		wn;
	HashSink	hs;
	uint64_t   *tmp;
	size_t		i,
				u;

	*hashes = NULL;
	*n = 0;
	if (len > UINT32_MAX)
		return ND_PASSAGE_ETOOBIG;
	hs.al = al;
	hs.h = NULL;
	hs.n = 0;
	hs.cap = 0;
	hs.ntokens = &wn.ntokens;
	hs.rc = ND_PASSAGE_OK;
	winnow_run(&wn, s, len, ND_WINNOW_K, ND_WINNOW_W, sink_hash, &hs, tick,
			   tick_arg);
	if (hs.rc == ND_PASSAGE_OK && wn.ntokens > ND_PASSAGE_MAX_TOKENS)
		hs.rc = ND_PASSAGE_ETOOBIG;
	if (hs.rc != ND_PASSAGE_OK || hs.n == 0)
	{
		release(al, hs.h);
		return hs.rc;
	}

	tmp = al->alloc(al->ctx, hs.n * sizeof(uint64_t));
	if (tmp == NULL)
	{
		release(al, hs.h);
		return ND_PASSAGE_ENOMEM;
	}
	nd_radix_sort_i64(hs.h, tmp, hs.n, tick, tick_arg);
	release(al, tmp);

	for (i = 0, u = 0; i < hs.n; i++)
		if (u == 0 || hs.h[i] != hs.h[u - 1])
			hs.h[u++] = hs.h[i];

	/* two's complement reinterpretation, as PostgreSQL's int8 stores it */
	*hashes = (int64_t *) hs.h;
	*n = u;
	return ND_PASSAGE_OK;
}
