/*
 * test_text_spans.c -- unit tests of nd_tokenize_spans (src/core/text.c):
 * the same tokens as nd_tokenize, and the right source span for each, on
 * crafted cases (apostrophes, combining marks, compatibility characters,
 * ignorables, bigrams, cut words, tick boundaries) and on random inputs.
 */
#include <stdint.h>
#include <stdlib.h>

#include "text.h"
#include "unit.h"

#define MAX_TOK 4096

typedef struct Tokens
{
	size_t		n;
	size_t		len[MAX_TOK];
	size_t		start[MAX_TOK];
	size_t		end[MAX_TOK];
	char		tok[MAX_TOK][ND_MAX_TOKEN_BYTES];
} Tokens;

static Tokens plain,
			spanned;

static void
plain_cb(void *arg, const char *tok, size_t len)
{
	Tokens	   *t = arg;

	if (t->n < MAX_TOK)
	{
		memcpy(t->tok[t->n], tok, len);
		t->len[t->n] = len;
	}
	t->n++;
}

static void
span_cb(void *arg, const char *tok, size_t len, size_t start, size_t end)
{
	Tokens	   *t = arg;

	if (t->n < MAX_TOK)
	{
		memcpy(t->tok[t->n], tok, len);
		t->len[t->n] = len;
		t->start[t->n] = start;
		t->end[t->n] = end;
	}
	t->n++;
}

static int	nticks;

/* Folds each token and its span into a 64-bit digest. */
static void
digest_cb(void *arg, const char *tok, size_t len, size_t start, size_t end)
{
	uint64_t   *h = arg;
	size_t		i;

	for (i = 0; i < len; i++)
		*h = (*h ^ (unsigned char) tok[i]) * UINT64_C(0x100000001B3);
	*h = (*h ^ len ^ (start << 20) ^ ((uint64_t) end << 42)) * UINT64_C(0x100000001B3);
}

static void
tick_cb(void *arg)
{
	(void) arg;
	nticks++;
}

/* Does s[0..len) hold U+0345 COMBINING GREEK YPOGEGRAMMENI? */
static int
has_0345(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i + 1 < len; i++)
		if ((unsigned char) s[i] == 0xCD && (unsigned char) s[i + 1] == 0x85)
			return 1;
	return 0;
}

/* Tokenizes both ways; true if the tokens agree and the spans are sane. */
static int
both(const char *s, size_t len, void (*tick) (void *))
{
	size_t		n1,
				n2,
				i;

	plain.n = 0;
	spanned.n = 0;
	n1 = nd_tokenize(s, len, plain_cb, &plain);
	n2 = nd_tokenize_spans(s, len, span_cb, &spanned, tick, NULL);
	if (n1 != n2 || n1 != plain.n || n2 != spanned.n)
		return 0;
	for (i = 0; i < n1 && i < MAX_TOK; i++)
	{
		if (plain.len[i] != spanned.len[i] ||
			memcmp(plain.tok[i], spanned.tok[i], plain.len[i]) != 0)
			return 0;
		if (!(spanned.start[i] < spanned.end[i] && spanned.end[i] <= len))
			return 0;
		if (i > 0 && spanned.start[i] < spanned.start[i - 1])
			return 0;
		/* ends too, unless a mark was reordered past U+0345 (text.h) */
		if (i > 0 && spanned.end[i] < spanned.end[i - 1] && !has_0345(s, len))
			return 0;
	}
	return 1;
}

/* The source text of token i of the last call, as a NUL-terminated string. */
static const char *
src_of(const char *s, size_t i)
{
	static char out[1024];
	size_t		n = spanned.end[i] - spanned.start[i];

	if (n >= sizeof(out))
		n = sizeof(out) - 1;
	memcpy(out, s + spanned.start[i], n);
	out[n] = '\0';
	return out;
}

/* Checks that s tokenizes into tokens whose sources are expect[0..n). */
static void
check_sources(const char *s, const char *const *expect, size_t n,
			  const char *name)
{
	int			ok = both(s, strlen(s), NULL) && spanned.n == n;
	size_t		i;

	for (i = 0; ok && i < n; i++)
		if (strcmp(src_of(s, i), expect[i]) != 0)
			ok = 0;
	CHECK(ok, name);
	if (!ok)
	{
		printf("#   %zu tokens:", spanned.n);
		for (i = 0; i < spanned.n && i < 20; i++)
			printf(" [%s]", src_of(s, i));
		printf("\n");
	}
}

#define SOURCES(s, name, ...) \
	do { \
		static const char *const ex_[] = {__VA_ARGS__}; \
		check_sources((s), ex_, sizeof(ex_) / sizeof(ex_[0]), (name)); \
	} while (0)

static const char *const pieces[] = {
	"a", "B", "z", "0", "9", " ", "'", "`", "\xe2\x80\x99", "-", ".", "\n",
	"e\xcc\x81", "\xcc\x81", "\xcc\xa3", "\xc3\xa9", "\xc3\x9f",
	"\xe4\xb8\xad", "\xe5\x8d\x8e", "\xe3\x83\xbc", "\xef\xac\x81",
	"\xc2\xbd", "\xe2\x91\xb4", "\xc2\xad", "\xe2\x80\x8b", "\xd0\x9f",
	"\xd1\x80", "\xe0\xb8\x81", "\xe0\xb8\xb4", "\xcd\x85", "\xce\xb1",
	"\xea\xb0\x80", "\xe1\x84\x80", "\xe1\x85\xa1", "\xff", "\xe2",
	"\xf0\x9f\x98\x80", "Hello", "WORLD", "don't", "\xef\xbc\xa1",
	"\xe3\x8d\xbf", "\xd9\x80", "\xcc\x88\xcc\xa3",
};

/* Random text of n pieces (and now and then a long ASCII word). */
static size_t
random_text(char *buf, size_t cap, int n)
{
	size_t		len = 0;
	size_t		np = sizeof(pieces) / sizeof(pieces[0]);
	int			k;

	for (k = 0; k < n; k++)
	{
		const char *p = pieces[rand() % np];
		size_t		l = strlen(p);

		if (rand() % 60 == 0)
		{
			int			r;

			for (r = 0; r < 300 && len + 1 < cap; r++)
				buf[len++] = (char) ('a' + r % 26);
		}
		if (len + l >= cap)
			break;
		memcpy(buf + len, p, l);
		len += l;
	}
	return len;
}

int
main(void)
{
	static char buf[1 << 16];
	int			it;
	int			ok;

	/* plain ASCII: spans are the words as written */
	SOURCES("The  Quick, brown fox.", "ascii words",
			"The", "Quick", "brown", "fox");
	SOURCES("  don't  Don`t  l'ete ", "inner apostrophes are inside the span",
			"don't", "Don`t", "l'ete");
	SOURCES("rock 'n' roll'", "outer apostrophes are not",
			"rock", "n", "roll");
	SOURCES("Don\xe2\x80\x99t stop", "curly apostrophe inside a word",
			"Don\xe2\x80\x99t", "stop");
	SOURCES("al-Sudani 3.5 2,500", "hyphens and decimal points separate",
			"al", "Sudani", "3", "5", "2", "500");

	/* combining marks and composition */
	SOURCES("cafe\xcc\x81 au lait", "e + combining acute: the span covers the mark",
			"cafe\xcc\x81", "au", "lait");
	SOURCES("caf\xc3\xa9 na\xc3\xafve", "precomposed letters",
			"caf\xc3\xa9", "na\xc3\xafve");
	SOURCES("x\xcc\x88\xcc\xa3y z", "reordered marks stay inside the span",
			"x\xcc\x88\xcc\xa3y", "z");
	SOURCES("\xcc\x81word", "a leading mark is dropped and not in the span",
			"word");
	SOURCES("\xe1\x84\x80\xe1\x85\xa1 ok", "conjoining jamo compose into one syllable",
			"\xe1\x84\x80\xe1\x85\xa1", "ok");

	/* ignorables and compatibility characters */
	SOURCES("\xe2\x80\x8bword\xe2\x80\x8b next", "ignorables at the edges are not in the span",
			"word", "next");
	SOURCES("co\xc2\xadoperate", "soft hyphen inside a word is",
			"co\xc2\xadoperate");
	SOURCES("\xef\xac\x81nd \xef\xbc\xa1\xef\xbc\xa2", "ligature and fullwidth letters",
			"\xef\xac\x81nd", "\xef\xbc\xa1\xef\xbc\xa2");
	SOURCES("1\xc2\xbd", "one character giving two tokens: both get its span",
			"1\xc2\xbd", "\xc2\xbd");
	SOURCES("\xe2\x91\xb4 item", "parenthesized digit", "\xe2\x91\xb4", "item");

	/* bigrams */
	SOURCES("\xe4\xb8\xad\xe5\x8d\x8e\xe4\xba\xba\xe6\xb0\x91 x",
			"bigram spans cover both characters",
			"\xe4\xb8\xad\xe5\x8d\x8e", "\xe5\x8d\x8e\xe4\xba\xba",
			"\xe4\xba\xba\xe6\xb0\x91", "x");
	SOURCES("a\xe4\xb8\xad" "b", "a single bigram character between words",
			"a", "\xe4\xb8\xad", "b");
	SOURCES("\xe3\x8d\xbf", "one compatibility character giving three bigrams",
			"\xe3\x8d\xbf", "\xe3\x8d\xbf", "\xe3\x8d\xbf");

	/* a word cut at ND_MAX_TOKEN_BYTES still spans the whole source word */
	{
		size_t		n = 0;

		buf[n++] = ' ';
		while (n < 1 + 3 * ND_MAX_TOKEN_BYTES)
			buf[n++] = 'W';
		buf[n++] = '\xc3';
		buf[n++] = '\xa9';
		memcpy(buf + n, " end", 4);
		n += 4;
		ok = both(buf, n, NULL) && spanned.n == 2 &&
			spanned.len[0] == ND_MAX_TOKEN_BYTES && spanned.start[0] == 1 &&
			spanned.end[0] == n - 4 && spanned.start[1] == n - 3 &&
			spanned.end[1] == n;
		CHECK(ok, "a cut word spans its whole source");
	}

	/* words across 16-byte blocks and ASCII/non-ASCII boundaries */
	{
		const char *s = "abcdefghijklmnopqrstuvwxyz0123456789 e\xcc\x81tude \xc3\xa9t\xc3\xa9" "abc";

		SOURCES(s, "long ASCII word, then mixed words",
				"abcdefghijklmnopqrstuvwxyz0123456789", "e\xcc\x81tude",
				"\xc3\xa9t\xc3\xa9" "abc");
	}

	/* a word straddling the tick boundary: same spans as without ticks */
	{
		size_t		total = ND_TICK_BYTES + 4096;
		char	   *big = malloc(total);
		size_t		i;
		uint64_t	h1 = 1,
					h2 = 1;
		size_t		n1,
					n2;

		for (i = 0; i < total; i++)
			big[i] = (i % 7 == 6) ? ' ' : 'q';
		/* a combining sequence and a word right across the boundary */
		memcpy(big + ND_TICK_BYTES - 3, "e\xcc\x81xyz", 6);
		n1 = nd_tokenize_spans(big, total, digest_cb, &h1, NULL, NULL);
		nticks = 0;
		n2 = nd_tokenize_spans(big, total, digest_cb, &h2, tick_cb, NULL);
		CHECK(n1 == n2 && h1 == h2 && nticks == 2,
			  "ticks do not change tokens or spans");
		free(big);
	}

	/* random inputs: same tokens, sane and monotone spans */
	srand(12345);
	ok = 1;
	for (it = 0; it < 20000 && ok; it++)
	{
		size_t		len = random_text(buf, sizeof(buf), 1 + rand() % 60);

		ok = both(buf, len, NULL);
		if (!ok)
		{
			size_t		i;

			printf("# failing input:");
			for (i = 0; i < len; i++)
				printf(" %02x", (unsigned char) buf[i]);
			printf("\n#");
			for (i = 0; i < spanned.n && i < 40; i++)
				printf(" [%zu,%zu)", spanned.start[i], spanned.end[i]);
			printf("\n");
		}
	}
	CHECK(ok, "random inputs: tokens identical to nd_tokenize, spans in bounds, starts monotone");

	/*
	 * random words: retokenizing a word token's source gives that token (a
	 * character that gives several tokens is excluded by the alphabet)
	 */
	ok = 1;
	for (it = 0; it < 5000 && ok; it++)
	{
		static const char *const w[] = {
			"Alpha", "b\xc3\xa9ta", "ga\xcc\x88mma", "DEL'TA", "eps\xe2\x80\x99ilon",
			"\xd0\x9f\xd1\x80", "z\xc2\xad" "eta", "\xe2\x80\x8b", "\xce\xb1",
		};
		static const char *const sep[] = {" ", ", ", "-", "\n", " \xe2\x80\x94 ", "\"", "'"};
		size_t		len = 0;
		int			k,
					n = 1 + rand() % 30;
		size_t		i;

		for (k = 0; k < n; k++)
		{
			const char *a = w[rand() % 9];
			const char *b = sep[rand() % 7];

			memcpy(buf + len, a, strlen(a));
			len += strlen(a);
			memcpy(buf + len, b, strlen(b));
			len += strlen(b);
		}
		ok = both(buf, len, NULL);
		for (i = 0; ok && i < spanned.n; i++)
		{
			Tokens	   *one = malloc(sizeof(Tokens));

			one->n = 0;
			nd_tokenize(buf + spanned.start[i], spanned.end[i] - spanned.start[i],
						plain_cb, one);
			ok = one->n == 1 && one->len[0] == spanned.len[i] &&
				memcmp(one->tok[0], spanned.tok[i], one->len[0]) == 0;
			free(one);
		}
	}
	CHECK(ok, "random words: each span retokenizes to its token");

	/* empty input */
	nticks = 0;
	ok = nd_tokenize_spans("", 0, span_cb, &spanned, tick_cb, NULL) == 0 && nticks == 1;
	CHECK(ok, "empty input: no tokens, one tick");

	return unit_done();
}
