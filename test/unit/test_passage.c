/*
 * test_passage.c -- unit tests of src/core/passage.c: shared runs on crafted
 * texts (spans in the originals, normalization inside a run, multibyte
 * text, repeats, overlaps, min_words boundaries, empty texts, limits,
 * allocation failures), the greedy parse against a brute-force reference,
 * and winnowing: gram hashes, the robust tie rule against a brute-force
 * reference, the short-text rules, and the t = k + w - 1 guarantee.
 */
#include <stdint.h>
#include <stdlib.h>

#include "passage.h"
#include "sketch.h"
#include "text.h"
#include "unit.h"

/* ---- allocator that counts live blocks and can fail on demand ---- */

static long live_blocks;
static long fail_after = -1;	/* fail the allocation after this many */

static void *
t_alloc(void *ctx, size_t n)
{
	(void) ctx;
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	live_blocks++;
	return malloc(n ? n : 1);
}

static void
t_free(void *ctx, void *p)
{
	(void) ctx;
	live_blocks--;
	free(p);
}

static const NdAllocator al = {t_alloc, t_free, NULL};

static int	nticks;

static void
tick_cb(void *arg)
{
	(void) arg;
	nticks++;
}

/* ---- helpers ---- */

static NdPassageRun *runs;
static size_t nruns;

static void
drop_runs(void)
{
	if (runs)
		t_free(NULL, runs);
	runs = NULL;
	nruns = 0;
}

static int
passages(const char *a, const char *b, int k)
{
	drop_runs();
	return nd_shared_passages(a, strlen(a), b, strlen(b), k, &al, NULL, NULL,
							  &runs, &nruns);
}

/* Copies s[start..end) into a static buffer. */
static const char *
cut(const char *s, size_t start, size_t end, int which)
{
	static char out[2][4096];
	size_t		n = end - start;

	if (n >= sizeof(out[0]))
		n = sizeof(out[0]) - 1;
	memcpy(out[which], s + start, n);
	out[which][n] = '\0';
	return out[which];
}

#define CHECK_RUN(a, b, r, words_, atext, btext, name) \
	do { \
		CHECK((r).words == (words_), name ": words"); \
		CHECK_MEM_STR(cut((a), (r).a_start, (r).a_end, 0), (r).a_end - (r).a_start, (atext), name ": text in a"); \
		CHECK_MEM_STR(cut((b), (r).b_start, (r).b_end, 1), (r).b_end - (r).b_start, (btext), name ": text in b"); \
	} while (0)

/* Token hashes of a text. */
typedef struct Hashes
{
	uint64_t   *h;
	size_t		n;
	size_t		cap;
} Hashes;

static void
hash_cb(void *arg, const char *tok, size_t len)
{
	Hashes	   *hs = arg;

	if (hs->n == hs->cap)
	{
		hs->cap = hs->cap ? hs->cap * 2 : 64;
		hs->h = realloc(hs->h, hs->cap * sizeof(uint64_t));
	}
	hs->h[hs->n++] = nd_token_hash(tok, len);
}

static Hashes
token_hashes(const char *s, size_t len)
{
	Hashes		hs = {NULL, 0, 0};

	nd_tokenize(s, len, hash_cb, &hs);
	return hs;
}

/* Builds a text of n words drawn from vocab[0..nv), and their indices. */
static size_t
make_text(char *buf, int *idx, int n, const char *const *vocab, int nv)
{
	static const char *const seps[] = {" ", ", ", ". ", " -- ", "\n"};
	size_t		len = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		int			v = rand() % nv;
		const char *sep = seps[rand() % 5];

		idx[i] = v;
		memcpy(buf + len, vocab[v], strlen(vocab[v]));
		len += strlen(vocab[v]);
		memcpy(buf + len, sep, strlen(sep));
		len += strlen(sep);
	}
	buf[len] = '\0';
	return len;
}

/* The greedy parse of passage.c, by brute force over word indices. */
static size_t
reference_runs(const int *a, int na, const int *b, int nb, int k,
			   NdPassageRun *out)
{
	size_t		n = 0;
	int			i = 0;

	while (i + k <= na)
	{
		int			best = 0,
					bj = 0,
					j;

		for (j = 0; j + k <= nb; j++)
		{
			int			l = 0;

			while (i + l < na && j + l < nb && a[i + l] == b[j + l])
				l++;
			if (l >= k && l > best)
			{
				best = l;
				bj = j;
			}
		}
		if (best > 0)
		{
			out[n].a_token = (uint32_t) i;
			out[n].b_token = (uint32_t) bj;
			out[n].words = (uint32_t) best;
			n++;
			i += best;
		}
		else
			i++;
	}
	return n;
}

/* ---- winnowing references ---- */

typedef struct Sel
{
	uint64_t	h[1 << 14];
	size_t		pos[1 << 14];
	size_t		n;
} Sel;

static void
sel_cb(void *arg, uint64_t h, size_t pos)
{
	Sel		   *s = arg;

	if (s->n < (1 << 14))
	{
		s->h[s->n] = h;
		s->pos[s->n] = pos;
	}
	s->n++;
}

/* Robust winnowing by brute force over the gram hashes g[0..ng). */
static void
reference_winnow(const uint64_t *g, size_t ng, int w, Sel *out)
{
	size_t		e;
	int			have = 0;
	size_t		sel = 0;

	out->n = 0;
	if (ng == 0)
		return;
	if (ng < (size_t) w)
	{
		size_t		m = 0,
					i;

		for (i = 1; i < ng; i++)
			if (g[i] <= g[m])
				m = i;
		sel_cb(out, g[m], m);
		return;
	}
	for (e = (size_t) w - 1; e < ng; e++)
	{
		size_t		m = e + 1 - (size_t) w,
					i;

		for (i = m + 1; i <= e; i++)
			if (g[i] <= g[m])
				m = i;			/* rightmost minimum */
		if (have && sel + (size_t) w > e && g[sel] == g[m])
			continue;
		have = 1;
		sel = m;
		sel_cb(out, g[m], m);
	}
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x,
				b = *(const int64_t *) y;

	return (a > b) - (a < b);
}

static int
intersects(const int64_t *x, size_t nx, const int64_t *y, size_t ny)
{
	size_t		i = 0,
				j = 0;

	while (i < nx && j < ny)
	{
		if (x[i] == y[j])
			return 1;
		if (x[i] < y[j])
			i++;
		else
			j++;
	}
	return 0;
}

static char bigbuf_a[1 << 20];
static char bigbuf_b[1 << 20];
static int	idx_a[1 << 16];
static int	idx_b[1 << 16];

int
main(void)
{
	int			ok;
	int			it;

	/* ---- crafted texts ---- */
	{
		const char *a = "Officials said on Monday that the new bridge over the river will open in the spring of next year, weeks late.";
		const char *b = "The new bridge over the river will open in the spring of next year, the mayor said.";

		CHECK(passages(a, b, 8) == ND_PASSAGE_OK && nruns == 1, "one shared run");
		if (nruns == 1)
		{
			CHECK_RUN(a, b, runs[0], 14,
					  "the new bridge over the river will open in the spring of next year",
					  "The new bridge over the river will open in the spring of next year",
					  "bridge");
			CHECK(runs[0].a_token == 5 && runs[0].b_token == 0, "bridge: token positions");
		}
		CHECK(passages(a, b, 14) == ND_PASSAGE_OK && nruns == 1, "min_words = run length: found");
		CHECK(passages(a, b, 15) == ND_PASSAGE_OK && nruns == 0, "min_words = run length + 1: not found");
		CHECK(passages(b, a, 8) == ND_PASSAGE_OK && nruns == 1 && runs[0].a_token == 0 &&
			  runs[0].b_token == 5 && runs[0].words == 14, "swapping a and b swaps the positions");
	}
	{
		const char *a = "IRAQ wants a quick and orderly exit of U.S.-led coalition forces from its territory.";
		const char *b = "Iraq wants a \"quick\" and orderly exit of U.S. led coalition forces, officials said.";

		CHECK(passages(a, b, 8) == ND_PASSAGE_OK && nruns == 1, "case and punctuation inside a run");
		if (nruns == 1)
			CHECK_RUN(a, b, runs[0], 13,
					  "IRAQ wants a quick and orderly exit of U.S.-led coalition forces",
					  "Iraq wants a \"quick\" and orderly exit of U.S. led coalition forces",
					  "case and punctuation");
	}
	{
		/* precomposed in a, combining marks and straight apostrophe in b */
		const char *a = "Le pr\xc3\xa9sident a d\xc3\xa9" "clar\xc3\xa9 \xc3\xa0 l\xe2\x80\x99" "AFP que \xc2\xabla r\xc3\xa9" "forme des retraites sera adopt\xc3\xa9" "e\xc2\xbb avant l\xe2\x80\x99\xc3\xa9t\xc3\xa9.";
		const char *b = "Selon lui, le pre\xcc\x81sident a de\xcc\x81" "clare\xcc\x81 a\xcc\x80 l'AFP que la re\xcc\x81" "forme des retraites sera adopte\xcc\x81" "e.";

		CHECK(passages(a, b, 8) == ND_PASSAGE_OK && nruns == 1, "multibyte: one run");
		if (nruns == 1)
			CHECK_RUN(a, b, runs[0], 13,
					  "Le pr\xc3\xa9sident a d\xc3\xa9" "clar\xc3\xa9 \xc3\xa0 l\xe2\x80\x99" "AFP que \xc2\xabla r\xc3\xa9" "forme des retraites sera adopt\xc3\xa9" "e",
					  "le pre\xcc\x81sident a de\xcc\x81" "clare\xcc\x81 a\xcc\x80 l'AFP que la re\xcc\x81" "forme des retraites sera adopte\xcc\x81" "e",
					  "multibyte");
	}
	{
		/* Chinese: bigram tokens; the span covers whole characters */
		const char *a = "\xe6\x96\xb0\xe5\x8d\x8e\xe7\xa4\xbe\xe6\x8a\xa5\xe9\x81\x93\xef\xbc\x9a\xe4\xb8\xad\xe5\x9b\xbd\xe7\xbb\x8f\xe6\xb5\x8e\xe5\xa2\x9e\xe9\x95\xbf\xe7\xa8\xb3\xe5\xae\x9a\xe3\x80\x82";
		const char *b = "\xe4\xb8\xad\xe5\x9b\xbd\xe7\xbb\x8f\xe6\xb5\x8e\xe5\xa2\x9e\xe9\x95\xbf\xe7\xa8\xb3\xe5\xae\x9a";

		CHECK(passages(a, b, 4) == ND_PASSAGE_OK && nruns == 1, "bigrams: one run");
		if (nruns == 1)
			CHECK_RUN(a, b, runs[0], 7, b, b, "bigrams");
	}
	{
		/* b repeats the passage: the first occurrence is reported */
		const char *p = "one two three four five six seven eight nine ten";
		char		a[512],
					b[512];

		snprintf(a, sizeof(a), "intro words here. %s. outro", p);
		snprintf(b, sizeof(b), "%s. something else entirely. %s.", p, p);
		CHECK(passages(a, b, 8) == ND_PASSAGE_OK && nruns == 1 &&
			  runs[0].b_token == 0 && runs[0].words == 10, "repeat in b: first occurrence");

		/* unless a later occurrence gives a longer run */
		snprintf(a, sizeof(a), "%s eleven twelve", p);
		snprintf(b, sizeof(b), "%s. filler. %s eleven twelve", p, p);
		CHECK(passages(a, b, 8) == ND_PASSAGE_OK && nruns == 1 &&
			  runs[0].b_token == 11 && runs[0].words == 12, "repeat in b: the longest run wins");

		/* a repeats a passage of b: two runs, the same span in b */
		snprintf(a, sizeof(a), "%s. in between. %s!", p, p);
		snprintf(b, sizeof(b), "before %s after", p);
		ok = passages(a, b, 8) == ND_PASSAGE_OK && nruns == 2;
		CHECK(ok, "repeat in a: two runs");
		if (ok)
			CHECK(runs[0].b_start == runs[1].b_start && runs[0].b_end == runs[1].b_end &&
				  runs[0].a_token == 0 && runs[1].a_token == 12 &&
				  runs[0].b_token == 1 && runs[1].b_token == 1, "repeat in a: same span in b");
	}
	{
		/*
		 * Overlapping matches in a: a[0..12) matches b at 0, a[8..20) matches
		 * b elsewhere.  The parse takes the first, then continues at 12 with
		 * what is left of the second (8 words, so min_words 8 still finds it,
		 * 9 does not).
		 */
		const char *a = "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20";
		const char *b = "a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 x x x a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20";

		ok = passages(a, b, 8) == ND_PASSAGE_OK && nruns == 2 &&
			runs[0].a_token == 0 && runs[0].words == 12 && runs[0].b_token == 0 &&
			runs[1].a_token == 12 && runs[1].words == 8 && runs[1].b_token == 19;
		CHECK(ok, "overlap in a: the second run starts where the first ends");
		ok = passages(a, b, 9) == ND_PASSAGE_OK && nruns == 1 && runs[0].words == 12;
		CHECK(ok, "overlap in a: the rest is shorter than min_words");
	}
	{
		/* min_words 1: every shared word is a run of its own or longer */
		CHECK(passages("x cat y dog z", "dog cat", 1) == ND_PASSAGE_OK && nruns == 2 &&
			  runs[0].a_token == 1 && runs[0].b_token == 1 &&
			  runs[1].a_token == 3 && runs[1].b_token == 0, "min_words 1");
		CHECK(passages("x y", "x y", 3) == ND_PASSAGE_OK && nruns == 0, "fewer tokens than min_words");
		CHECK(passages("x y z", "x y z", 3) == ND_PASSAGE_OK && nruns == 1 &&
			  runs[0].a_start == 0 && runs[0].a_end == 5, "exactly min_words tokens");
	}
	{
		CHECK(passages("", "", 8) == ND_PASSAGE_OK && nruns == 0 && runs == NULL, "both empty");
		CHECK(passages("some words here", "", 1) == ND_PASSAGE_OK && nruns == 0, "b empty");
		CHECK(passages("", "some words here", 1) == ND_PASSAGE_OK && nruns == 0, "a empty");
		CHECK(passages(" ... -- !!", "... -- !!", 1) == ND_PASSAGE_OK && nruns == 0, "no tokens");
		CHECK(passages("a b", "a b", 0) == ND_PASSAGE_EINVAL, "min_words 0 rejected");
		CHECK(passages("a b", "a b", ND_PASSAGE_MIN_WORDS_MAX + 1) == ND_PASSAGE_EINVAL,
			  "min_words above the cap rejected");
		CHECK(passages("a b", "a b", ND_PASSAGE_MIN_WORDS_MAX) == ND_PASSAGE_OK && nruns == 0,
			  "min_words at the cap accepted");
	}
	{
		/* repetitive texts: bounded work, sensible runs */
		size_t		i;

		for (i = 0; i < 5000; i++)
			memcpy(bigbuf_a + 3 * i, "la ", 3);
		bigbuf_a[3 * 5000] = '\0';
		for (i = 0; i < 100; i++)
			memcpy(bigbuf_b + 3 * i, "la ", 3);
		bigbuf_b[300] = '\0';
		CHECK(passages(bigbuf_a, bigbuf_a, 8) == ND_PASSAGE_OK && nruns == 1 &&
			  runs[0].words == 5000, "'la' x 5000 against itself: one run");
		ok = passages(bigbuf_a, bigbuf_b, 8) == ND_PASSAGE_OK && nruns == 50;
		for (i = 0; ok && i < nruns; i++)
			ok = runs[i].words == 100 && runs[i].b_token == 0 && runs[i].a_token == 100 * i;
		CHECK(ok, "'la' x 5000 against 'la' x 100: 50 runs of 100");
	}

	/* ---- the greedy parse against brute force ---- */
	{
		static const char *const vocab[] = {"alpha", "Beta", "gamma", "d\xc3\xa9lta", "EPSILON", "zeta"};

		srand(7);
		ok = 1;
		for (it = 0; it < 3000 && ok; it++)
		{
			int			na = rand() % 60,
						nb = rand() % 60,
						k = 1 + rand() % 6,
						nv = 2 + rand() % 5;
			size_t		la = make_text(bigbuf_a, idx_a, na, vocab, nv);
			size_t		lb = make_text(bigbuf_b, idx_b, nb, vocab, nv);
			static NdPassageRun ref[64];
			size_t		nref = reference_runs(idx_a, na, idx_b, nb, k, ref),
						i;

			drop_runs();
			ok = nd_shared_passages(bigbuf_a, la, bigbuf_b, lb, k, &al, NULL, NULL,
									&runs, &nruns) == ND_PASSAGE_OK && nruns == nref;
			for (i = 0; ok && i < nruns; i++)
				ok = runs[i].a_token == ref[i].a_token &&
					runs[i].b_token == ref[i].b_token && runs[i].words == ref[i].words;
			if (!ok)
				printf("# mismatch: na %d nb %d k %d: %zu runs, expected %zu\n", na, nb, k, nruns, nref);
		}
		CHECK(ok, "random texts: runs equal the brute-force greedy parse");
		CHECK(live_blocks == (runs ? 1 : 0), "random texts: no block leaked");
	}

	/* ---- limits, allocation failures, ticks ---- */
	{
		const char *a = "Officials said on Monday that the new bridge over the river will open in the spring of next year, weeks late.";
		const char *b = "The new bridge over the river will open in the spring of next year, the mayor said.";
		long		f;
		int			all_ok = 1;

		drop_runs();
		for (f = 0; f < 8; f++)
		{
			NdPassageRun *r = NULL;
			size_t		n = 0;
			int			rc;

			fail_after = f;
			rc = nd_shared_passages(a, strlen(a), b, strlen(b), 8, &al, NULL, NULL, &r, &n);
			fail_after = -1;
			if (rc == ND_PASSAGE_ENOMEM)
				all_ok &= (r == NULL && n == 0 && live_blocks == 0);
			else
			{
				all_ok &= (rc == ND_PASSAGE_OK && n == 1 && live_blocks == 1);
				t_free(NULL, r);
			}
		}
		CHECK(all_ok, "allocation failure at every step: ENOMEM, nothing leaked");

		all_ok = 1;
		make_text(bigbuf_a, idx_a, 3000, (const char *const[]) {"u", "v", "w", "x", "y", "z"}, 6);
		for (f = 0; f < 12; f++)
		{
			int64_t    *h = NULL;
			size_t		n = 0;
			int			rc;

			fail_after = f;
			rc = nd_passage_hashes(bigbuf_a, strlen(bigbuf_a), &al, NULL, NULL, &h, &n);
			fail_after = -1;
			if (rc == ND_PASSAGE_ENOMEM)
				all_ok &= (h == NULL && n == 0 && live_blocks == 0);
			else
			{
				all_ok &= (rc == ND_PASSAGE_OK && n > 0 && live_blocks == 1);
				t_free(NULL, h);
			}
		}
		CHECK(all_ok, "passage hashes: allocation failure at every step: ENOMEM, nothing leaked");

		nticks = 0;
		ok = nd_shared_passages(a, strlen(a), b, strlen(b), 8, &al, tick_cb, NULL,
								&runs, &nruns) == ND_PASSAGE_OK && nticks >= 4;
		CHECK(ok, "ticks are called");
		drop_runs();
	}
	{
		size_t		n = ND_PASSAGE_MAX_TOKENS + 1,
					i;
		char	   *big = malloc(2 * n + 1);
		int64_t    *h = NULL;
		size_t		nh = 0;

		for (i = 0; i < n; i++)
		{
			big[2 * i] = (char) ('a' + i % 26);
			big[2 * i + 1] = ' ';
		}
		drop_runs();
		CHECK(nd_shared_passages(big, 2 * n, "a b", 3, 1, &al, NULL, NULL, &runs, &nruns) ==
			  ND_PASSAGE_ETOOBIG && live_blocks == 0, "too many tokens in a");
		CHECK(nd_shared_passages("a b", 3, big, 2 * n, 1, &al, NULL, NULL, &runs, &nruns) ==
			  ND_PASSAGE_ETOOBIG && live_blocks == 0, "too many tokens in b");
		CHECK(nd_passage_hashes(big, 2 * n, &al, NULL, NULL, &h, &nh) == ND_PASSAGE_ETOOBIG &&
			  h == NULL && live_blocks == 0, "passage hashes: too many tokens");
		ok = nd_passage_hashes(big, 2 * (n - 1), &al, NULL, NULL, &h, &nh) == ND_PASSAGE_OK && nh > 0;
		CHECK(ok, "passage hashes: the largest accepted text");
		if (h)
			t_free(NULL, h);
		free(big);
	}

	/* ---- winnowing ---- */
	{
		const char *s = "The quick brown fox jumps over the lazy dog while the farmer sleeps in the barn near the old mill.";
		Hashes		th = token_hashes(s, strlen(s));
		Sel		   *sel = malloc(sizeof(Sel));
		size_t		i;

		/* w = 1 selects every gram: the gram hashes are the shingle hashes */
		sel->n = 0;
		ok = nd_winnow(s, strlen(s), 8, 1, sel_cb, sel, NULL, NULL) == th.n - 7 &&
			sel->n == th.n - 7;
		for (i = 0; ok && i < sel->n; i++)
			ok = sel->h[i] == nd_shingle_hash(th.h + i, 8) && sel->pos[i] == i;
		CHECK(ok, "gram hash = nd_shingle_hash of the window's token hashes");
		CHECK(nd_winnow(s, strlen(s), 0, 5, sel_cb, sel, NULL, NULL) == (size_t) -1 &&
			  nd_winnow(s, strlen(s), 8, ND_WINNOW_MAX + 1, sel_cb, sel, NULL, NULL) == (size_t) -1,
			  "k or w out of range");
		free(th.h);
		free(sel);
	}
	{
		/* short texts */
		int64_t    *h = NULL;
		size_t		n = 99;
		const char *s7 = "one two three four five six seven";
		const char *s8 = "one two three four five six seven eight";
		const char *s11 = "one two three four five six seven eight nine ten eleven";
		Hashes		th = token_hashes(s11, strlen(s11));
		uint64_t	m = UINT64_MAX;
		int			i;

		CHECK(nd_passage_hashes("", 0, &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK &&
			  n == 0 && h == NULL, "passage hashes of an empty text: none");
		CHECK(nd_passage_hashes(s7, strlen(s7), &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK &&
			  n == 0 && h == NULL, "7 tokens: no passage hash");
		ok = nd_passage_hashes(s8, strlen(s8), &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK &&
			n == 1 && (uint64_t) h[0] == nd_shingle_hash(th.h, 8);
		CHECK(ok, "8 tokens: one passage hash, the text's only gram");
		if (h)
			t_free(NULL, h);
		for (i = 0; i < 4; i++)
			if (nd_shingle_hash(th.h + i, 8) < m)
				m = nd_shingle_hash(th.h + i, 8);
		ok = nd_passage_hashes(s11, strlen(s11), &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK &&
			n == 1 && (uint64_t) h[0] == m;
		CHECK(ok, "11 tokens (fewer grams than a window): the minimum gram");
		if (h)
			t_free(NULL, h);
		free(th.h);
	}
	{
		/* golden values: passage hashes must never change silently */
		const char *s = "Iraq wants a quick and orderly exit of U.S.-led coalition forces from its territory, "
			"but has not set a deadline, Prime Minister Mohammed Shia al-Sudani said on Monday.";
		static const int64_t golden[] = {
			INT64_C(684951488204434750),
			INT64_C(1257604090596503207),
			INT64_C(2129413105602292448),
			INT64_C(2744509488924175884),
			INT64_C(4322765810212729557),
			INT64_C(5447485913368761770),
			INT64_C(8547709569760882958),
		};
		int64_t    *h = NULL;
		size_t		n = 0,
					i;

		ok = nd_passage_hashes(s, strlen(s), &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK;
		if (getenv("ND_PRINT_GOLDEN"))
			for (i = 0; i < n; i++)
				printf("INT64_C(%lld),\n", (long long) h[i]);
		ok = ok && n == sizeof(golden) / sizeof(golden[0]);
		for (i = 0; ok && i < n; i++)
			ok = h[i] == golden[i];
		CHECK(ok, "golden passage hashes");
		for (i = 1, ok = 1; i < n; i++)
			ok &= h[i - 1] < h[i];
		CHECK(ok && n > 1, "sorted ascending as signed integers, no duplicates");
		if (h)
			t_free(NULL, h);
	}
	{
		/* a long text: sorted unique signed values = the set nd_winnow selects */
		static const char *const vocab[] = {"red", "green", "blue", "cyan", "magenta", "yellow",
		"black", "white", "grey", "pink", "brown", "olive", "navy", "teal", "lime", "gold"};
		Sel		   *sel = malloc(sizeof(Sel));
		int64_t    *h = NULL,
				   *want;
		size_t		n = 0,
					nw = 0,
					i;
		size_t		len;
		int			neg = 0;

		srand(5);
		len = make_text(bigbuf_a, idx_a, 6000, vocab, 16);
		sel->n = 0;
		nd_winnow(bigbuf_a, len, ND_WINNOW_K, ND_WINNOW_W, sel_cb, sel, NULL, NULL);
		want = malloc(sel->n * sizeof(int64_t));
		for (i = 0; i < sel->n; i++)
			want[i] = (int64_t) sel->h[i];
		qsort(want, sel->n, sizeof(int64_t), cmp_i64);
		for (i = 0; i < sel->n; i++)
			if (nw == 0 || want[nw - 1] != want[i])
				want[nw++] = want[i];
		ok = nd_passage_hashes(bigbuf_a, len, &al, NULL, NULL, &h, &n) == ND_PASSAGE_OK &&
			n == nw && memcmp(h, want, n * sizeof(int64_t)) == 0;
		for (i = 0; i < n; i++)
			neg += h[i] < 0;
		CHECK(ok && neg > 0, "long text: radix-sorted unique hashes, negative ones first");
		printf("# 6000 words: %zu grams selected, %zu distinct, %d negative\n", sel->n, n, neg);
		if (h)
			t_free(NULL, h);
		free(want);
		free(sel);
	}
	{
		/* robust winnowing against brute force; small vocabularies make ties */
		static const char *const vocab[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
		Sel		   *got = malloc(sizeof(Sel));
		Sel		   *want = malloc(sizeof(Sel));
		uint64_t   *grams = malloc(sizeof(uint64_t) * 4096);

		srand(11);
		ok = 1;
		for (it = 0; it < 3000 && ok; it++)
		{
			int			n = rand() % 300,
						k = 1 + rand() % 10,
						w = 1 + rand() % 10,
						nv = 1 + rand() % 8;
			size_t		len = make_text(bigbuf_a, idx_a, n, vocab, nv);
			Hashes		th = token_hashes(bigbuf_a, len);
			size_t		ng = th.n >= (size_t) k ? th.n - (size_t) k + 1 : 0,
						i,
						ret;

			for (i = 0; i < ng; i++)
				grams[i] = nd_shingle_hash(th.h + i, k);
			reference_winnow(grams, ng, w, want);
			got->n = 0;
			ret = nd_winnow(bigbuf_a, len, k, w, sel_cb, got, NULL, NULL);
			ok = ret == got->n && got->n == want->n;
			for (i = 0; ok && i < got->n; i++)
				ok = got->h[i] == want->h[i] && got->pos[i] == want->pos[i];
			if (!ok)
				printf("# winnow mismatch: n %d k %d w %d: %zu selected, expected %zu\n",
					   n, k, w, got->n, want->n);
			free(th.h);
		}
		CHECK(ok, "robust winnowing equals the brute-force reference (positions and hashes)");
		free(got);
		free(want);
		free(grams);
	}
	{
		/*
		 * The guarantee: a shared run of K + W - 1 = 12 words always gives a
		 * shared passage hash, wherever it lies; shorter runs are reported
		 * as a rate only.
		 */
		char		vocab_store[2000][16];
		const char *vocab[2000];
		int			t,
					hits[13] = {0},
					trials = 1500;

		for (t = 0; t < 2000; t++)
		{
			snprintf(vocab_store[t], sizeof(vocab_store[t]), "w%d", t);
			vocab[t] = vocab_store[t];
		}
		srand(3);
		for (t = 8; t <= 12; t++)
		{
			for (it = 0; it < trials; it++)
			{
				int			na = t + rand() % 150,
							nb = t + rand() % 150,
							pa = rand() % (na - t + 1),
							pb = rand() % (nb - t + 1),
							i;
				char	   *p;
				int64_t    *ha = NULL,
						   *hb = NULL;
				size_t		nha = 0,
							nhb = 0;

				/* shared run: words 'sN'; fillers differ between a and b */
				for (i = 0; i < na; i++)
					idx_a[i] = rand() % 1000;
				for (i = 0; i < nb; i++)
					idx_b[i] = 1000 + rand() % 1000;
				for (i = 0; i < t; i++)
					idx_a[pa + i] = idx_b[pb + i] = rand() % 2000;
				for (p = bigbuf_a, i = 0; i < na; i++)
					p += sprintf(p, "%s ", vocab[idx_a[i]]);
				for (p = bigbuf_b, i = 0; i < nb; i++)
					p += sprintf(p, "%s ", vocab[idx_b[i]]);
				nd_passage_hashes(bigbuf_a, strlen(bigbuf_a), &al, NULL, NULL, &ha, &nha);
				nd_passage_hashes(bigbuf_b, strlen(bigbuf_b), &al, NULL, NULL, &hb, &nhb);
				hits[t] += intersects(ha, nha, hb, nhb);
				if (ha)
					t_free(NULL, ha);
				if (hb)
					t_free(NULL, hb);
			}
		}
		printf("# shared run of 8..12 words -> shared passage hash in %d %d %d %d %d of %d\n",
			   hits[8], hits[9], hits[10], hits[11], hits[12], trials);
		CHECK(hits[12] == trials, "winnowing guarantee: every 12-word shared run shares a hash");
		CHECK(live_blocks == 0, "no block leaked");
	}
	{
		/* normalization: case and punctuation do not change passage hashes */
		const char *x = "Iraq wants a quick and orderly exit of U.S.-led coalition forces from its territory.";
		const char *y = "IRAQ WANTS A \"QUICK\" AND ORDERLY EXIT OF U.S. LED COALITION FORCES FROM ITS TERRITORY";
		int64_t    *hx = NULL,
				   *hy = NULL;
		size_t		nx = 0,
					ny = 0;

		nd_passage_hashes(x, strlen(x), &al, NULL, NULL, &hx, &nx);
		nd_passage_hashes(y, strlen(y), &al, NULL, NULL, &hy, &ny);
		CHECK(nx == ny && nx > 0 && memcmp(hx, hy, nx * sizeof(int64_t)) == 0,
			  "passage hashes see normalized tokens");
		t_free(NULL, hx);
		t_free(NULL, hy);
	}

	drop_runs();
	CHECK(live_blocks == 0, "every block freed");
	return unit_done();
}
