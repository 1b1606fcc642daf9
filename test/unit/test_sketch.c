/*
 * test_sketch.c -- unit tests of src/core/sketch.c: shingle hashing, the
 * one-permutation MinHash sketch and its estimators.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <xxhash.h>

#include "sketch.h"
#include "text.h"
#include "unit.h"

/* ---------- helpers ---------- */

static NdSketch
sk(const char *s, int w)
{
	NdSketch	k;

	nd_sketch_text(s, strlen(s), w, &k, NULL, NULL);
	return k;
}

static int
sketch_eq(const NdSketch *a, const NdSketch *b)
{
	return a->exact_hash == b->exact_hash && a->nshingles == b->nshingles &&
		a->ntokens == b->ntokens &&
		memcmp(a->slots, b->slots, sizeof(a->slots)) == 0;
}

static int
nonempty(const NdSketch *k)
{
	int			i,
				n = 0;

	for (i = 0; i < ND_SKETCH_SLOTS; i++)
		n += k->slots[i] != ND_SLOT_EMPTY;
	return n;
}

/* collects shingle hashes */
typedef struct Hashes
{
	uint64_t	h[4096];
	size_t		n;
} Hashes;

static void
collect(void *arg, uint64_t h)
{
	Hashes	   *hs = arg;

	if (hs->n < 4096)
		hs->h[hs->n] = h;
	hs->n++;
}

/* collects token hashes */
typedef struct Toks
{
	uint64_t	t[4096];
	size_t		n;
} Toks;

static void
collect_tok(void *arg, const char *tok, size_t len)
{
	Toks	   *ts = arg;

	if (ts->n < 4096)
		ts->t[ts->n] = nd_token_hash(tok, len);
	ts->n++;
}

/* the sketch built by hand from a list of shingle hashes */
static void
reference_sketch(const uint64_t *h, size_t n, uint16_t *slots)
{
	size_t		i;

	memset(slots, 0xFF, sizeof(uint16_t) * ND_SKETCH_SLOTS);
	for (i = 0; i < n; i++)
	{
		unsigned	bin = (unsigned) (h[i] >> 56);
		unsigned	v = (unsigned) ((h[i] >> 40) & 0xFFFF);

		if (v == 0xFFFF)
			v = 0xFFFE;
		if (v < slots[bin])
			slots[bin] = (uint16_t) v;
	}
}

/* "w<first> w<first+1> ... w<first+n-1>": n distinct one-token words */
static char *
word_list(int first, int n)
{
	char	   *s = malloc((size_t) n * 12 + 1);
	size_t		len = 0;
	int			i;

	for (i = 0; i < n; i++)
		len += (size_t) sprintf(s + len, "w%d ", first + i);
	s[len] = 0;
	return s;
}

static int
fabs_ok(double d, double tol)
{
	return d < tol && d > -tol;
}

static void
count_only(void *arg, const char *tok, size_t len)
{
	(void) tok;
	(void) len;
	(*(size_t *) arg)++;
}

/* The counting tick hook of unit.h, and one that jumps out. */
#define ticks unit_ticks
#define count_tick unit_count_tick
static jmp_buf tick_jmp;

static void
jump_tick(void *arg)
{
	(void) arg;
	if (++ticks == 2)
		longjmp(tick_jmp, 1);
}

static const char *sentence =
"The quick brown fox jumps over the lazy dog, said the Prime Minister on Monday.";

int
main(void)
{
	/* ---- struct and constants ---- */
	CHECK(sizeof(NdSketch) == 8 + 4 + 4 + 2 * ND_SKETCH_SLOTS, "NdSketch has no padding");
	CHECK(nd_shingle_size_valid(ND_SHINGLE_DEFAULT), "default shingle size valid");
	CHECK(!nd_shingle_size_valid(0) && !nd_shingle_size_valid(17) &&
		  nd_shingle_size_valid(1) && nd_shingle_size_valid(16), "shingle size range 1..16");

	/* ---- identical texts ---- */
	{
		NdSketch	a = sk(sentence, ND_SHINGLE_DEFAULT),
					b = sk(sentence, ND_SHINGLE_DEFAULT);

		CHECK(sketch_eq(&a, &b), "identical texts give identical sketches");
		CHECK(nd_sketch_similarity(&a, &b) == 1.0, "identical texts: similarity 1");
		CHECK(nd_sketch_containment(&a, &b) == 1.0, "identical texts: containment 1");
		CHECK(a.ntokens == 15 && a.nshingles == 15 - ND_SHINGLE_DEFAULT + 1,
			  "token and shingle counts");
	}

	/* ---- normalization: case, quotes, punctuation, spacing ---- */
	{
		NdSketch	a = sk("Don’t STOP believing — “Journey”, 1981!", 3),
					b = sk("don't stop believing journey 1981", 3),
					c = sk("  DON'T\tStop\n\nBelieving... (journey) 1981 ", 3);

		CHECK(sketch_eq(&a, &b), "case/quote/punctuation variants: same sketch");
		CHECK(sketch_eq(&a, &c), "whitespace/punctuation variants: same sketch");
		CHECK(a.exact_hash == b.exact_hash, "variants: same exact_hash");
	}

	/* ---- exact hash distinguishes sequences ---- */
	{
		NdSketch	a = sk("a b c d e f", 3),
					b = sk("a b c d e g", 3),
					c = sk("a b c d e f a", 3),
					d = sk("b a c d e f", 3);

		CHECK(a.exact_hash != b.exact_hash, "exact_hash: one token changed");
		CHECK(a.exact_hash != c.exact_hash, "exact_hash: one token appended");
		CHECK(a.exact_hash != d.exact_hash, "exact_hash: two tokens swapped");
		CHECK(sk("ab", 1).exact_hash != sk("a b", 1).exact_hash,
			  "exact_hash: token boundaries count");
	}

	/* ---- word order matters ---- */
	{
		uint64_t	t[2] = {nd_token_hash("a", 1), nd_token_hash("b", 1)};
		uint64_t	u[2] = {t[1], t[0]};
		NdSketch	a = sk("one two three four five six seven eight", 2),
					b = sk("eight seven six five four three two one", 2);

		CHECK(nd_shingle_hash(t, 2) != nd_shingle_hash(u, 2), "shingle \"a b\" != \"b a\"");
		CHECK(nd_sketch_similarity(&a, &b) == 0.0, "reversed text shares no 2-shingle");
		CHECK(sketch_eq(&a, &a) && a.exact_hash != b.exact_hash, "reversed text: other exact_hash");
		CHECK(nd_sketch_similarity(&a, &b) == nd_sketch_similarity(&b, &a), "similarity symmetric");
	}

	/* ---- short and empty texts ---- */
	{
		NdSketch	e = sk("", 4),
					p = sk(" ... --- !!! ", 4),
					s2 = sk("Hello, world", 4),
					s2b = sk("hello world", 4),
					s3 = sk("hello world again", 4),
					one = sk("hello", 1);
		int			i,
					allempty = 1;

		for (i = 0; i < ND_SKETCH_SLOTS; i++)
			allempty &= e.slots[i] == ND_SLOT_EMPTY;
		CHECK(allempty && e.nshingles == 0 && e.ntokens == 0, "empty text: empty sketch");
		CHECK(sketch_eq(&e, &p), "punctuation-only text equals empty text");
		CHECK(nd_sketch_similarity(&e, &p) == 1.0, "empty vs empty: similarity 1");
		CHECK(nd_sketch_containment(&e, &p) == 1.0, "empty in empty: containment 1");
		CHECK(nd_sketch_similarity(&e, &s2) == 0.0 && nd_sketch_similarity(&s2, &e) == 0.0,
			  "empty vs non-empty: similarity 0");
		CHECK(nd_sketch_containment(&e, &s2) == 0.0, "empty in non-empty: containment 0");
		CHECK(nd_sketch_containment(&s2, &e) == 0.0, "non-empty in empty: containment 0");
		CHECK(s2.ntokens == 2 && s2.nshingles == 1 && nonempty(&s2) == 1,
			  "2 tokens, w=4: one shingle");
		CHECK(sketch_eq(&s2, &s2b), "short text normalized");
		CHECK(s3.nshingles == 1 && nd_sketch_similarity(&s2, &s3) == 0.0,
			  "short texts of different lengths are different shingles");
		CHECK(one.nshingles == 1 && one.ntokens == 1 && nonempty(&one) == 1, "one token, w=1");

		/* the short shingle is the hash of all the tokens */
		{
			uint64_t	t[2] = {nd_token_hash("hello", 5), nd_token_hash("world", 5)};
			uint16_t	ref[ND_SKETCH_SLOTS];
			uint64_t	h = nd_shingle_hash(t, 2);

			reference_sketch(&h, 1, ref);
			CHECK(memcmp(ref, s2.slots, sizeof(ref)) == 0, "short shingle = hash of all tokens");
		}
		/* exactly w tokens: one shingle, same as the short rule would give */
		CHECK(sk("a b c d", 4).nshingles == 1 && sk("a b c d e", 4).nshingles == 2,
			  "w tokens: 1 shingle; w+1 tokens: 2");
	}

	/* ---- nd_shingle_hashes: determinism, composition, counts ---- */
	{
		static Hashes h1,
					h2;
		static Toks ts;
		const char *txt = "It was the best of times, it was the worst of times, it was the age "
		"of wisdom, it was the age of foolishness, it was the epoch of belief.";
		int			w,
					ok_count = 1,
					ok_comp = 1,
					ok_sketch = 1;

		for (w = ND_SHINGLE_MIN; w <= ND_SHINGLE_MAX; w++)
		{
			size_t		n,
						i;
			NdSketch	k;
			uint16_t	ref[ND_SKETCH_SLOTS];

			h1.n = h2.n = ts.n = 0;
			n = nd_shingle_hashes(txt, strlen(txt), w, collect, &h1);
			nd_shingle_hashes(txt, strlen(txt), w, collect, &h2);
			nd_tokenize(txt, strlen(txt), collect_tok, &ts);
			nd_sketch_text(txt, strlen(txt), w, &k, NULL, NULL);
			ok_count &= n == h1.n && n == k.nshingles && n == ts.n - (size_t) w + 1;
			ok_count &= memcmp(h1.h, h2.h, n * sizeof(uint64_t)) == 0;
			for (i = 0; i < n; i++)
				ok_comp &= h1.h[i] == nd_shingle_hash(ts.t + i, w);
			reference_sketch(h1.h, n, ref);
			ok_sketch &= memcmp(ref, k.slots, sizeof(ref)) == 0;
		}
		CHECK(ok_count, "nd_shingle_hashes: deterministic, count = ntokens - w + 1 = nshingles");
		CHECK(ok_comp, "shingle hash = nd_shingle_hash of the window's token hashes (w = 1..16)");
		CHECK(ok_sketch, "sketch = per-bin minimum of the shingle hashes (w = 1..16)");
		CHECK(ts.n == 30, "30 tokens in the test text");
		/* repeated shingles are reported each time */
		h1.n = 0;
		CHECK(nd_shingle_hashes("a b a b a b", 11, 2, collect, &h1) == 5 &&
			  h1.h[0] == h1.h[2] && h1.h[1] == h1.h[3] && h1.h[0] != h1.h[1],
			  "duplicates included, in text order");
		h1.n = 0;
		CHECK(nd_shingle_hashes("", 0, 3, collect, &h1) == 0 && h1.n == 0, "empty: no shingles");
		CHECK(nd_shingle_hashes("a b", 3, 3, collect, &h1) == 1 && h1.n == 1, "short: one shingle");
	}

	/* ---- invalid shingle size ---- */
	{
		NdSketch	k;
		static Hashes h;

		memset(&k, 0x55, sizeof(k));
		h.n = 0;
		CHECK(!nd_sketch_text("a b c", 5, 0, &k, NULL, NULL) && k.nshingles == 0 &&
			  nonempty(&k) == 0, "w = 0 rejected, empty sketch");
		CHECK(!nd_sketch_text("a b c", 5, 17, &k, NULL, NULL), "w = 17 rejected");
		CHECK(nd_shingle_hashes("a b c", 5, 17, collect, &h) == 0 && h.n == 0,
			  "nd_shingle_hashes: w = 17 rejected");
		CHECK(nd_sketch_text("a b c", 5, 16, &k, NULL, NULL), "w = 16 accepted");
	}

	/* ---- the 0xFFFF value is stored as 0xFFFE ---- */
	{
		char		word[32];
		int			i,
					found = 0;

		for (i = 0; i < 4000000 && !found; i++)
		{
			uint64_t	t;

			sprintf(word, "x%d", i);
			t = nd_token_hash(word, strlen(word));
			if (((nd_shingle_hash(&t, 1) >> 40) & 0xFFFF) == 0xFFFF)
			{
				NdSketch	k = sk(word, 1);

				found = k.slots[nd_shingle_hash(&t, 1) >> 56] == 0xFFFE && nonempty(&k) == 1;
				break;
			}
		}
		CHECK(found, "shingle value 0xFFFF stored as 0xFFFE, bin not empty");
	}

	/* ---- small sets: estimates close to exact ---- */
	{
		/*
		 * w = 1 and distinct words make the shingle sets exact word sets. A
		 * = w0..w39, B = w20..w59: exact J = 20/60 = 1/3. With 60 elements in
		 * 256 bins about 6 share a bin, so the estimate is the exact ratio
		 * over ~54 bins of which at most a handful are decided by a
		 * collision: the error is a few bins in ~54 (sd about 0.03 after the
		 * finite-population correction).  Tolerance 0.1 (> 3 sd); the values
		 * are deterministic, so this never flaps.
		 */
		char	   *sa = word_list(0, 40),
				   *sb = word_list(20, 40),
				   *sc = word_list(100, 40),
				   *sd = word_list(0, 10),
				   *big = word_list(0, 1000),
				   *half = word_list(0, 500);
		NdSketch	a = sk(sa, 1),
					b = sk(sb, 1),
					c = sk(sc, 1),
					d = sk(sd, 1),
					kb = sk(big, 1),
					kh = sk(half, 1);
		double		j = nd_sketch_similarity(&a, &b);

		printf("# small sets: J(A,B) est %.4f exact %.4f; C(A in B) est %.4f exact 0.5; "
			   "C(big in half) est %.4f exact 0.5; J(big, half) est %.4f exact 0.5\n",
			   j, 1.0 / 3, nd_sketch_containment(&a, &b),
			   nd_sketch_containment(&kb, &kh), nd_sketch_similarity(&kb, &kh));
		CHECK(j > 1.0 / 3 - 0.1 && j < 1.0 / 3 + 0.1, "J of 40-word sets overlapping by 20 ~ 1/3");
		CHECK(fabs_ok(nd_sketch_containment(&a, &b) - 0.5, 0.15), "C of 40-word sets overlapping by 20 ~ 1/2");
		CHECK(nd_sketch_similarity(&a, &c) == 0.0, "disjoint sets: J = 0 exactly");
		CHECK(nd_sketch_containment(&d, &a) == 1.0, "subset: containment 1 exactly");
		CHECK(nd_sketch_containment(&kh, &kb) == 1.0, "500-word prefix in 1000 words: containment 1");
		/* 1000 and 500 elements: every bin used; sd ~ sqrt(.25/256) = 0.031 */
		CHECK(fabs_ok(nd_sketch_similarity(&kb, &kh) - 0.5, 0.12), "J(1000 words, first 500) ~ 0.5");
		CHECK(fabs_ok(nd_sketch_containment(&kb, &kh) - 0.5, 0.12), "C(1000 words in first 500) ~ 0.5");
		free(sa);
		free(sb);
		free(sc);
		free(sd);
		free(big);
		free(half);
	}

	/* ---- prefix of real text contained in the whole ---- */
	{
		const char *para =
		"Iraq wants a quick and orderly negotiated exit of US-led military forces from its "
		"soil but has not set a deadline, Prime Minister Mohammed Shia al-Sudani said, "
		"describing their presence as destabilizing amid regional spillover from the Gaza war. "
		"Longstanding calls by mostly Shi'ite Muslim factions, many close to Iran, for the "
		"US-led coalition's departure have gained steam after a series of US strikes on "
		"Iran-linked militant groups that are also part of Iraq's formal security forces.";
		size_t		len = strlen(para),
					cut = len / 2;
		NdSketch	whole,
					prefix;

		while (para[cut] != ' ')	/* cut between words */
			cut--;

		nd_sketch_text(para, len, ND_SHINGLE_DEFAULT, &whole, NULL, NULL);
		nd_sketch_text(para, cut, ND_SHINGLE_DEFAULT, &prefix, NULL, NULL);
		CHECK(nd_sketch_containment(&prefix, &whole) == 1.0, "prefix contained in whole: 1");
		CHECK(nd_sketch_containment(&whole, &prefix) < 0.8, "whole not contained in half");
	}

	/* ---- golden values: any change in hashing must show here ---- */
	{
		NdSketch	g = sk(sentence, 4),
					g3 = sk(sentence, 3);
		uint64_t	th = nd_token_hash("fox", 3);
		int			i,
					printed = 0;

		printf("# golden w=4: exact_hash %016llx nshingles %u ntokens %u; token fox %016llx\n#  ",
			   (unsigned long long) g.exact_hash, g.nshingles, g.ntokens,
			   (unsigned long long) th);
		for (i = 0; i < ND_SKETCH_SLOTS; i++)
			if (g.slots[i] != ND_SLOT_EMPTY && printed++ < 6)
				printf(" slots[%d]=0x%04x", i, g.slots[i]);
		printf("\n# golden w=3: exact_hash %016llx\n", (unsigned long long) g3.exact_hash);
		CHECK(th == UINT64_C(0x9b4cdf9c38593d2a), "golden: token hash of \"fox\"");
		CHECK(th == XXH3_64bits_withSeed("fox", 3, ND_TOKEN_SEED),
			  "token hash = libxxhash XXH3_64bits_withSeed");
		CHECK(g.exact_hash == UINT64_C(0x2f107541dbbb3328), "golden: exact_hash");
		CHECK(g.slots[1] == 0x2c01 && g.slots[33] == 0x2447 && g.slots[44] == 0x857d &&
			  g.slots[50] == 0x8edf && g.slots[69] == 0xd8ff && g.slots[81] == 0x1cf6,
			  "golden: slot values");
		CHECK(nonempty(&g) == 12, "golden: 12 shingles in 12 bins");
		CHECK(g3.exact_hash == g.exact_hash, "exact_hash does not depend on w");
		CHECK(g.nshingles == 12 && g.ntokens == 15, "golden: counts");
	}

	/* ---- tick: called for large inputs, may longjmp ---- */
	{
		size_t		len = 3 * ND_TICK_BYTES + 12345,
					i;
		char	   *big = malloc(len);
		NdSketch	k;

		for (i = 0; i < len; i++)
			big[i] = "lorem ipsum dolor sit amet "[i % 27];
		ticks = 0;
		CHECK(nd_sketch_text(big, len, 4, &k, count_tick, NULL) && ticks >= 3,
			  "tick called at least once per ND_TICK_BYTES");
		{
			size_t		n = 0;

			nd_tokenize(big, len, count_only, &n);
			CHECK(k.ntokens == n && k.nshingles == n - 3, "big text: counts match nd_tokenize");
		}
		ticks = 0;
		if (setjmp(tick_jmp) == 0)
		{
			nd_sketch_text(big, len, 4, &k, jump_tick, NULL);
			CHECK(0, "longjmp out of tick");
		}
		else
			CHECK(ticks == 2, "longjmp out of tick");
		ticks = 0;
		nd_sketch_text("a", 1, 4, &k, count_tick, NULL);
		CHECK(ticks >= 1, "tick called for a small input too");
		free(big);
	}

	return unit_done();
}
