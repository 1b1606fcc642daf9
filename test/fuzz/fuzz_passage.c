/*
 * fuzz_passage.c -- libFuzzer harness of src/core/passage.c against brute
 * force on small inputs: nd_shared_passages, nd_winnow and
 * nd_passage_hashes.
 *
 * Input: byte 0 picks min_words (1..6), byte 1 k and byte 2 w of the
 * winnowing (1..6 each); the rest becomes two texts a and b (a 0xFF byte
 * switches to b): each byte is a word of an 8-word vocabulary, in one of
 * several spellings (case, punctuation, curly quotes) that normalize to
 * the same token, so that the texts share many runs.  b is cut at 48
 * words, under ND_PASSAGE_MAX_CANDIDATES occurrences of any gram.
 * Invariants:
 *	 - nd_shared_passages returns exactly the runs of the greedy parse of
 *	   its contract, computed by brute force over the token lists (at each
 *	   token of a the longest run starting there, the leftmost in b among
 *	   equally long ones, taken when at least min_words long; the parse
 *	   continues after it), with byte spans from the first byte of the first
 *	   token to the last byte of the last;
 *	 - nd_winnow calls fn for exactly the selections of robust winnowing
 *	   over nd_shingle_hash of each k-gram of token hashes (brute force:
 *	   each window's rightmost minimum, unless the previous selection is
 *	   still in the window and minimal); fewer grams than a window select
 *	   the rightmost minimum;
 *	 - nd_passage_hashes is the sorted set of nd_winnow's hashes for
 *	   ND_WINNOW_K and ND_WINNOW_W.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "passage.h"
#include "sketch.h"
#include "text.h"

#define MAX_TOK 200
#define MAX_B_WORDS 48

typedef struct Toks
{
	int			n;
	uint64_t	h[MAX_TOK];
	size_t		start[MAX_TOK];
	size_t		end[MAX_TOK];
} Toks;

static void
on_token(void *arg, const char *tok, size_t len, size_t start, size_t end)
{
	Toks	   *t = arg;

	FUZZ_ASSERT(t->n < MAX_TOK);
	t->h[t->n] = nd_token_hash(tok, len);
	t->start[t->n] = start;
	t->end[t->n] = end;
	t->n++;
}

static void *
fz_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void
fz_free(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

static const NdAllocator allocator = {fz_alloc, fz_free, NULL};

/* Spellings of word v (0..7); all normalize to the same token. */
static size_t
spell(char *out, unsigned v, unsigned style)
{
	static const char *const words[8] = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"};
	const char *w = words[v & 7];
	size_t		n = 0;

	if (style == 1)
		out[n++] = '"';
	for (const char *c = w; *c; c++)
		out[n++] = (style == 2 && c == w) ? (char) (*c - 'a' + 'A') : *c;
	if (style == 3)
		out[n++] = ',';
	if (style == 1)
		out[n++] = '"';
	out[n++] = (style == 3) ? '\n' : ' ';
	return n;
}

typedef struct Sel
{
	int			n;
	uint64_t	h[MAX_TOK];
	size_t		pos[MAX_TOK];
} Sel;

static void
on_select(void *arg, uint64_t h, size_t pos)
{
	Sel		   *s = arg;

	FUZZ_ASSERT(s->n < MAX_TOK);
	s->h[s->n] = h;
	s->pos[s->n] = pos;
	s->n++;
}

/* Robust winnowing by brute force over the grams of t. */
static void
brute_winnow(const Toks *t, int k, int w, Sel *out)
{
	uint64_t	g[MAX_TOK];
	int			ng = t->n - k + 1;
	long		sel = -1;

	out->n = 0;
	if (ng < 1)
		return;
	for (int i = 0; i < ng; i++)
		g[i] = nd_shingle_hash(&t->h[i], k);
	if (ng < w)
	{
		int			m = 0;

		for (int i = 1; i < ng; i++)
			if (g[i] <= g[m])
				m = i;
		on_select(out, g[m], (size_t) m);
		return;
	}
	for (int s = 0; s + w <= ng; s++)
	{
		int			m = s;

		for (int i = s + 1; i < s + w; i++)
			if (g[i] <= g[m])
				m = i;
		if (sel >= s && g[sel] == g[m])
			continue;			/* the previous selection stays */
		sel = m;
		on_select(out, g[m], (size_t) m);
	}
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x,
				b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		a[MAX_TOK * 10],
				b[MAX_TOK * 10];
	size_t		alen = 0,
				blen = 0;
	int			awords = 0,
				bwords = 0;
	bool		in_b = false;
	int			min_words,
				k,
				w;
	Toks		ta = {0},
				tb = {0};
	NdPassageRun *runs = NULL;
	size_t		nruns = 0;
	int			rc;

	if (size < 3)
		return 0;
	min_words = 1 + data[0] % 6;
	k = 1 + data[1] % 6;
	w = 1 + data[2] % 6;
	for (size_t i = 3; i < size; i++)
	{
		if (data[i] == 0xFF)
		{
			in_b = true;
			continue;
		}
		if (!in_b && awords < MAX_TOK - 10)
		{
			alen += spell(a + alen, data[i] & 7, (data[i] >> 3) & 3);
			awords++;
		}
		else if (in_b && bwords < MAX_B_WORDS)
		{
			blen += spell(b + blen, data[i] & 7, (data[i] >> 3) & 3);
			bwords++;
		}
	}
	nd_tokenize_spans(a, alen, on_token, &ta, NULL, NULL);
	nd_tokenize_spans(b, blen, on_token, &tb, NULL, NULL);
	FUZZ_ASSERT(ta.n == awords && tb.n == bwords);

	/* nd_shared_passages = the greedy parse */
	rc = nd_shared_passages(a, alen, b, blen, min_words, &allocator, NULL, NULL, &runs, &nruns);
	FUZZ_ASSERT(rc == ND_PASSAGE_OK);
	{
		size_t		r = 0;

		for (int i = 0; i < ta.n;)
		{
			int			best = 0,
						bj = -1;

			for (int j = 0; j < tb.n; j++)
			{
				int			l = 0;

				while (i + l < ta.n && j + l < tb.n && ta.h[i + l] == tb.h[j + l])
					l++;
				if (l > best)
				{
					best = l;
					bj = j;
				}
			}
			if (best < min_words)
			{
				i++;
				continue;
			}
			FUZZ_ASSERT(r < nruns);
			FUZZ_ASSERT(runs[r].a_token == (uint32_t) i && runs[r].b_token == (uint32_t) bj &&
						runs[r].words == (uint32_t) best);
			FUZZ_ASSERT(runs[r].a_start == ta.start[i] && runs[r].a_end == ta.end[i + best - 1]);
			FUZZ_ASSERT(runs[r].b_start == tb.start[bj] && runs[r].b_end == tb.end[bj + best - 1]);
			r++;
			i += best;
		}
		FUZZ_ASSERT(r == nruns);
	}
	free(runs);

	/* nd_winnow = robust winnowing */
	{
		Sel			got = {0},
					want;
		size_t		calls = nd_winnow(a, alen, k, w, on_select, &got, NULL, NULL);

		brute_winnow(&ta, k, w, &want);
		FUZZ_ASSERT(calls == (size_t) got.n);
		FUZZ_ASSERT(got.n == want.n);
		for (int i = 0; i < got.n; i++)
			FUZZ_ASSERT(got.h[i] == want.h[i] && got.pos[i] == want.pos[i]);
	}

	/* nd_passage_hashes = sorted set of the default winnowing */
	{
		Sel			want;
		int64_t		set[MAX_TOK];
		int			nset = 0;
		int64_t    *h = NULL;
		size_t		nh = 0;

		brute_winnow(&ta, ND_WINNOW_K, ND_WINNOW_W, &want);
		for (int i = 0; i < want.n; i++)
			set[nset++] = (int64_t) want.h[i];
		qsort(set, (size_t) nset, sizeof(set[0]), cmp_i64);
		{
			int			u = 0;

			for (int i = 0; i < nset; i++)
				if (u == 0 || set[u - 1] != set[i])
					set[u++] = set[i];
			nset = u;
		}
		rc = nd_passage_hashes(a, alen, &allocator, NULL, NULL, &h, &nh);
		FUZZ_ASSERT(rc == ND_PASSAGE_OK);
		FUZZ_ASSERT(nh == (size_t) nset);
		for (int i = 0; i < nset; i++)
			FUZZ_ASSERT(h[i] == set[i]);
		free(h);
	}
	return 0;
}
