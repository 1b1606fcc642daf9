/*
 * test_text.c -- unit tests of src/core/text.c: normalization (NFKC_CF and
 * the typographic folds), token rules, malformed UTF-8, limits, ticks and a
 * random-bytes fuzz loop.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include "text.h"
#include "unit.h"

#define OUT_CAP (1 << 16)

typedef struct Joined
{
	char		out[OUT_CAP];
	size_t		len;
	size_t		ntok;
	int			bad;			/* a token was empty or too long */
} Joined;

static Joined joined;

static void
join_cb(void *arg, const char *tok, size_t len)
{
	Joined	   *j = arg;

	if (len == 0 || len > ND_MAX_TOKEN_BYTES)
		j->bad = 1;
	j->ntok++;
	if (j->len + len + 1 >= OUT_CAP)
		return;
	if (j->len > 0)
		j->out[j->len++] = ' ';
	memcpy(j->out + j->len, tok, len);
	j->len += len;
	j->out[j->len] = '\0';
}

/* Tokenizes s[0..len) and returns the tokens joined by single spaces. */
static const char *
toks_n(const char *s, size_t len)
{
	size_t		n;

	joined.len = 0;
	joined.ntok = 0;
	joined.bad = 0;
	joined.out[0] = '\0';
	n = nd_tokenize(s, len, join_cb, &joined);
	if (n != joined.ntok || joined.bad)
		return "<<callback count mismatch or bad token length>>";
	return joined.out;
}

static const char *
toks(const char *s)
{
	return toks_n(s, strlen(s));
}

#define T(in, expect) \
	do { \
		const char *tt_got = toks(in); \
		CHECK_MEM_STR(tt_got, strlen(tt_got), (expect), "tokens of \"" in "\""); \
	} while (0)

#define TN(in, n, expect, name) \
	do { \
		const char *tt_got = toks_n((in), (n)); \
		CHECK_MEM_STR(tt_got, strlen(tt_got), (expect), (name)); \
	} while (0)

static void
count_cb(void *arg, const char *tok, size_t len)
{
	uint64_t   *h = arg;
	size_t		i;

	if (len == 0 || len > ND_MAX_TOKEN_BYTES)
		h[1]++;
	for (i = 0; i < len; i++)
		h[0] = (h[0] ^ (unsigned char) tok[i]) * UINT64_C(0x100000001B3);
	h[0] = (h[0] ^ 0xFF) * UINT64_C(0x100000001B3);
}

static int	ticks;
static jmp_buf tick_jmp;
static int	tick_jump_at;

static void
tick_cb(void *arg)
{
	(void) arg;
	ticks++;
	if (tick_jump_at && ticks == tick_jump_at)
		longjmp(tick_jmp, 1);
}

/* unit_rng() of unit.h, from its default seed */
#define rng unit_rng

static void
test_basics(void)
{
	CHECK(strcmp(nd_unicode_version(), "15.0.0") == 0, "unicode version 15.0.0");
	T("", "");
	CHECK(nd_tokenize("", 0, join_cb, &joined) == 0, "empty string: 0 tokens");
	CHECK(nd_tokenize(NULL, 0, join_cb, &joined) == 0, "NULL with length 0");
	TN("   \t\n ,.;!? ", 12, "", "only separators");
	T("Hello, World!", "hello world");
	T("The QUICK brown fox.", "the quick brown fox");
	TN("a\0b", 3, "a b", "NUL byte is a separator");
	T("x", "x");
}

static void
test_quotes_apostrophes(void)
{
	T("\u201CLet\u2019s go,\u201D he said", "lets go he said");
	T("don\u2019t don't dont don\u02BCt don\u2018t don\u2032t don`t don\u00B4t",
	  "dont dont dont dont dont dont dont dont");
	T("\u2018quoted\u2019 'single' \"double\" \u00ABguillemets\u00BB \u201Elow\u201C",
	  "quoted single double guillemets low");
	T("the \u201990s and the '90s", "the 90s and the 90s");
	T("students\u2019 union; students' union", "students union students union");
	T("rock''n'roll", "rock nroll");
	T("l\u2019\u00E9t\u00E9 l'\u00C9T\u00C9", "l\u00E9t\u00E9 l\u00E9t\u00E9");
	T("O\u2019Brien", "obrien");
	T("'", "");
	T("a'", "a");
	T("'a", "a");
	T("\u2019", "");
	/* Ukrainian apostrophe variants */
	T("\u043C'\u044F\u0441\u043E \u043C\u02BC\u044F\u0441\u043E \u043C\u2019\u044F\u0441\u043E",
	  "\u043C\u044F\u0441\u043E \u043C\u044F\u0441\u043E \u043C\u044F\u0441\u043E");
	/* full-width apostrophe folds like the ASCII one */
	T("don\uFF07t", "dont");
}

static void
test_case_folding(void)
{
	T("\u00C0\u00C9\u00CE \u00E0\u00E9\u00EE", "\u00E0\u00E9\u00EE \u00E0\u00E9\u00EE");
	T("Stra\u00DFe STRASSE stra\u1E9Ee", "strasse strasse strasse");
	T("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3 \u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2",
	  "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C3 \u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C3");
	/* NFKC_CF: İ -> i + combining dot above; ı stays dotless */
	T("\u0130stanbul", "i\u0307stanbul");
	T("\u0131", "\u0131");
	T("\u0401\u0436 \u0451\u0436 \u0415\u0416", "\u0451\u0436 \u0451\u0436 \u0435\u0436");
	T("\u0531\u0532", "\u0561\u0562");	/* Armenian */
	T("\u13A0", "\u13A0");		/* Cherokee folds to upper: U+13A0 is stable */
	T("\uAB70", "\u13A0");		/* ... and small ꭰ folds to Ꭰ */
	T("\U00010400", "\U00010428");	/* Deseret, 4-byte UTF-8 */
	T("\u212A\u212B", "k\u00E5");	/* Kelvin, Angstrom signs */
}

static void
test_nfkc(void)
{
	T("\uFB01nance \uFB02ow", "finance flow");
	T("\uFF21\uFF22\uFF23\uFF11\uFF12\uFF13", "abc123");
	T("\u2460 \u2461\u2462", "1 23");
	T("x\u00B2 10\u207B\u00B3 H\u2082O", "x2 10 3 h2o");
	T("\u00BD", "1 2");			/* 1 FRACTION SLASH 2 */
	T("\u2163 \u216B", "iv xii");	/* Roman numerals */
	T("\u2122 \u3392", "tm mhz");
	T("\u00C5 A\u030A \u212B", "\u00E5 \u00E5 \u00E5");
	/* composition across the ASCII / non-ASCII boundary */
	T("cafe\u0301 caf\u00E9 CAFE\u0301", "caf\u00E9 caf\u00E9 caf\u00E9");
	T("e\u0301", "\u00E9");
	/* canonical reordering: dot below (220) before circumflex (230) */
	T("e\u0302\u0323 e\u0323\u0302 \u1EC7 \u00EA\u0323 \u1EB9\u0302",
	  "\u1EC7 \u1EC7 \u1EC7 \u1EC7 \u1EC7");
	/* canonically equivalent inputs give equal tokens (NormalizationTest.txt) */
	T("\u1E0A\u0323 D\u0323\u0307 \u1E0C\u0307 D\u0307\u0323",
	  "\u1E0D\u0307 \u1E0D\u0307 \u1E0D\u0307 \u1E0D\u0307");
	/* U+0345 ypogegrammeni folds to iota only after canonical reordering */
	T("a\u0345\u035D\u0345b a\u035D\u0345\u0345b",
	  "a\u035D\u03B9\u03B9b a\u035D\u03B9\u03B9b");
	T("\u1FB3 \u03B1\u0345 \u1FBC \u0345", "\u03B1\u03B9 \u03B1\u03B9 \u03B1\u03B9 \u03B9");
	T("\u1F80 \u1F88", "\u1F00\u03B9 \u1F00\u03B9");
	/* GREEK OXIA is canonically the acute accent, so it folds alike */
	T("don\u1FFDt don\u1FEFt", "dont dont");
	/* blocked composition: mark 230 then 230 */
	T("a\u0301\u0301", "\u00E1\u0301");
	/* Hangul: jamo compose algorithmically; LV + T */
	T("\u1112\u1161\u11AB \uD55C \u1100\u1161 \uAC00\u11A8",
	  "\uD55C \uD55C \uAC00 \uAC01");
	/* compatibility jamo and half-width katakana */
	T("\u3131\u314F", "\uAC00");
	T("\uFF76\uFF9E", "\u30AC");	/* ｶﾞ -> ガ (single unigram) */
	/* a combining sequence longer than the stream-safe limit */
	{
		char		buf[4 + 200 * 2 + 1];
		size_t		n = 0;
		int			i;

		buf[n++] = 'a';
		for (i = 0; i < 200; i++)
		{
			buf[n++] = (char) 0xCC;
			buf[n++] = (char) 0x81;	/* U+0301 */
		}
		toks_n(buf, n);
		CHECK(joined.ntok == 1 && joined.len <= ND_MAX_TOKEN_BYTES &&
			  memcmp(joined.out, "\xC3\xA1", 2) == 0,
			  "long combining sequence: one capped token starting with a-acute");
	}
}

static void
test_hyphens_spaces(void)
{
	T("co\u00ADoperate", "cooperate");
	T("co-operate", "co operate");
	T("al-Sudani Shi'ite", "al sudani shiite");
	T("a\u2013b a\u2014b a\u2010b a\u2011b a\u2212b a\u2012b a\u2015b a\uFE63b a\uFF0Db",
	  "a b a b a b a b a b a b a b a b a b");
	T("a\u00A0b a\u2009b a\u202Fb a\u3000b a\u2028b", "a b a b a b a b a b");
	T("co\u200Boperate in\u200Cside ze\u200Dro wo\u2060rd \uFEFFbom",
	  "cooperate inside zero word bom");
	T("a\u200Eb\u200F", "ab");	/* bidi marks are default ignorable */
	T("\u00AD\u200B", "");
}

static void
test_numbers(void)
{
	T("2,500 people and 3.5% of 1,000,000", "2 500 people and 3 5 of 1 000 000");
	T("06 January 2024", "06 january 2024");
	T("COVID-19 F-16s", "covid 19 f 16s");
	T("\u0661\u0662\u0663 \u0967\u0968 \u0E51\u0E52", "\u0661\u0662\u0663 \u0967\u0968 \u0E51\u0E52");
	T("$100 \u20AC50 \u00A320", "100 50 20");
}

static void
test_rtl_and_other_scripts(void)
{
	/* Arabic: words split at spaces/punctuation; tatweel removed; harakat kept */
	T("\u0627\u0644\u0633\u0648\u062F\u0627\u0646\u064A\u060C \u0628\u063A\u062F\u0627\u062F.",
	  "\u0627\u0644\u0633\u0648\u062F\u0627\u0646\u064A \u0628\u063A\u062F\u0627\u062F");
	T("\u0643\u0640\u0640\u062A\u0627\u0628 \u0643\u062A\u0627\u0628",
	  "\u0643\u062A\u0627\u0628 \u0643\u062A\u0627\u0628");
	T("\u0643\u064E\u062A\u064E\u0628\u064E", "\u0643\u064E\u062A\u064E\u0628\u064E");
	/* Arabic presentation forms fold to the base letters (NFKC) */
	T("\uFEB3\uFEE0\uFE8E\uFEE1", "\u0633\u0644\u0627\u0645");
	T("\uFEFB", "\u0644\u0627");
	/* Hebrew with niqqud, maqaf separates */
	T("\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD \u05E2\u05D5\u05B9\u05DC\u05B8\u05DD\u05BE\u05D4\u05D6\u05D4",
	  "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD \u05E2\u05D5\u05B9\u05DC\u05B8\u05DD \u05D4\u05D6\u05D4");
	T("\uFB2A", "\u05E9\u05C1");	/* composition-excluded: stays decomposed */
	/* Cyrillic, Greek */
	T("\u041C\u043E\u0441\u043A\u0432\u0430, \u0420\u043E\u0441\u0441\u0438\u044F!",
	  "\u043C\u043E\u0441\u043A\u0432\u0430 \u0440\u043E\u0441\u0441\u0438\u044F");
	T("\u0391\u03B8\u03AE\u03BD\u03B1 \u0386\u03C1\u03B7\u03C2",
	  "\u03B1\u03B8\u03AE\u03BD\u03B1 \u03AC\u03C1\u03B7\u03C3");
	/* Devanagari: vowel signs (Mc/Mn) stay in the word; danda separates */
	T("\u0928\u092E\u0938\u094D\u0924\u0947 \u092D\u093E\u0930\u0924\u0964",
	  "\u0928\u092E\u0938\u094D\u0924\u0947 \u092D\u093E\u0930\u0924");
	/* Korean uses spaces: words */
	T("\uD55C\uAD6D\uC5B4 \uBB38\uC7A5", "\uD55C\uAD6D\uC5B4 \uBB38\uC7A5");
	/* a mark with nothing to attach to is dropped */
	T("\u0301 \u0301a", "a");
}

static void
test_bigrams(void)
{
	T("\u4E2D\u534E\u4EBA\u6C11\u5171\u548C\u56FD",
	  "\u4E2D\u534E \u534E\u4EBA \u4EBA\u6C11 \u6C11\u5171 \u5171\u548C \u548C\u56FD");
	T("\u4E2D", "\u4E2D");
	T("\u4E2D\u56FD", "\u4E2D\u56FD");
	T("\u4E2D\u3002\u56FD", "\u4E2D \u56FD");
	T("Apple\u53D1\u5E03iPhone", "apple \u53D1\u5E03 iphone");
	T("2024\u5E74", "2024 \u5E74");
	/* Japanese: kanji, hiragana, katakana and ー form one run */
	T("\u6771\u4EAC\u306B\u884C\u304F", "\u6771\u4EAC \u4EAC\u306B \u306B\u884C \u884C\u304F");
	T("\u30B3\u30FC\u30D2\u30FC\u3092", "\u30B3\u30FC \u30FC\u30D2 \u30D2\u30FC \u30FC\u3092");
	/* NFD kana composes: か + U+3099 = が */
	T("\u304B\u3099\u3063\u3053\u3046", "\u304C\u3063 \u3063\u3053 \u3053\u3046");
	/* Thai: vowel and tone marks stay on their consonant */
	T("\u0E2A\u0E27\u0E31\u0E2A\u0E14\u0E35",
	  "\u0E2A\u0E27\u0E31 \u0E27\u0E31\u0E2A \u0E2A\u0E14\u0E35");
	/* Lao, Khmer, Myanmar */
	T("\u0EA5\u0EB2\u0EA7", "\u0EA5\u0EB2 \u0EB2\u0EA7");
	T("\u1780\u1798\u17D2\u1796\u17BB\u1787\u17B6", "\u1780\u1798\u17D2 \u1798\u17D2\u1796\u17BB \u1796\u17BB\u1787\u17B6");
	T("\u1019\u103C\u1014\u103A", "\u1019\u103C\u1014\u103A");
	/* CJK compatibility ideograph folds to the unified one */
	T("\uF900", "\u8C48");
	/* full-width punctuation separates bigram runs */
	T("\u4F60\u597D\uFF0C\u4E16\u754C\uFF01", "\u4F60\u597D \u4E16\u754C");
	/* a bigram run next to an apostrophe and a word */
	T("abc'\u4E2D\u56FD", "abc \u4E2D\u56FD");
	T("\u4E2D'x", "\u4E2D x");
}

/*
 * Invalid and truncated UTF-8: every bad byte separates; nothing is read
 * past the end.
 */
static void
test_invalid_utf8(void)
{
	TN("ab\xFF" "cd", 5, "ab cd", "0xFF separates");
	TN("ab\x80\x80" "cd", 6, "ab cd", "stray continuation bytes separate");
	TN("ab\xC3", 3, "ab", "truncated 2-byte sequence at end");
	TN("ab\xE4\xB8", 4, "ab", "truncated 3-byte sequence at end");
	TN("ab\xF0\x9F\x98", 5, "ab", "truncated 4-byte sequence at end");
	TN("\xE4\xB8" "x", 3, "x", "truncated sequence before ASCII");
	TN("\xC0\xAF" "a", 3, "a", "overlong slash");
	TN("\xE0\x80\xAF" "a", 4, "a", "overlong 3-byte");
	TN("x\xED\xA0\x80y", 5, "x y", "encoded surrogate separates");
	TN("x\xF4\x90\x80\x80y", 6, "x y", "above U+10FFFF separates");
	TN("\xE4\xB8\xAD\xFF\xE5\x9B\xBD", 7, "\xE4\xB8\xAD \xE5\x9B\xBD", "bad byte splits a bigram run");
	TN("\xE4\xB8\xAD\xE5\x9B", 5, "\xE4\xB8\xAD", "truncated CJK at the end");
	{
		/* a buffer whose last byte starts a sequence, on the heap for ASan */
		char	   *b = malloc(3);

		memcpy(b, "a\xE4\xB8", 3);
		TN(b, 3, "a", "no read past the end (heap, 3 bytes)");
		memcpy(b, "\xF0\x9F\x98", 3);
		TN(b, 3, "", "no read past the end (4-byte lead)");
		free(b);
	}
}

static void
test_limits(void)
{
	char		buf[2000];
	const char *got;
	int			i;

	/* ASCII word of 300 letters: first 256 kept */
	memset(buf, 'A', 300);
	buf[300] = ' ';
	buf[301] = 'b';
	got = toks_n(buf, 302);
	CHECK(joined.ntok == 2 && strlen(got) == 256 + 2 &&
		  got[0] == 'a' && got[255] == 'a' && got[256] == ' ' && got[257] == 'b',
		  "300-letter ASCII word cut to 256 bytes");

	/* 2-byte letters: cut at a character boundary (128 letters) */
	for (i = 0; i < 200; i++)
	{
		buf[2 * i] = (char) 0xC3;
		buf[2 * i + 1] = (char) 0xA9;
	}
	buf[400] = 'x';				/* ASCII continuing a full word is dropped */
	got = toks_n(buf, 401);
	CHECK(joined.ntok == 1 && strlen(got) == 256, "200 x é cut to 128 chars");

	/* 3-byte letters: 85 fit (255 bytes) */
	for (i = 0; i < 100; i++)
		memcpy(buf + 3 * i, "\xE1\xBA\xA1", 3);	/* U+1EA1 ạ */
	got = toks_n(buf, 300);
	CHECK(joined.ntok == 1 && strlen(got) == 255, "3-byte letters cut at 255 bytes");

	/* a word that ends exactly at 256 bytes, then a mark */
	memset(buf, 'a', 256);
	memcpy(buf + 256, "\xCC\x81 z", 4);
	got = toks_n(buf, 260);
	CHECK(joined.ntok == 2 && strlen(got) == 257 && got[254] == 'a' && got[256] == 'z',
		  "a x 256 + U+0301: a-acute does not fit, word cut to 255 bytes");

	/* mixed ASCII + non-ASCII long word stays bounded */
	for (i = 0; i < 600; i++)
		buf[i] = (i % 3 == 0) ? 'e' : (i % 3 == 1) ? (char) 0xCC : (char) 0x81;
	got = toks_n(buf, 600);
	CHECK(joined.ntok == 1 && strlen(got) <= 256 && !joined.bad, "e+U+0301 x200 bounded");
}

static void
test_ticks(void)
{
	static const char pattern[] =
		"Caf\xC3\xA9 na\xC3\xAFve \xE4\xB8\xAD\xE5\x9B\xBD e\xCC\x81 don't ";
	size_t		n = (size_t) 3 * ND_TICK_BYTES + 123;
	char	   *big = malloc(n);
	uint64_t	h1[2] = {1469598103934665603ULL, 0};
	uint64_t	h2[2] = {1469598103934665603ULL, 0};
	size_t		i,
				c1,
				c2;

	for (i = 0; i < n; i++)
		big[i] = pattern[i % (sizeof(pattern) - 1)];
	ticks = 0;
	tick_jump_at = 0;
	c1 = nd_tokenize_ex(big, n, count_cb, h1, tick_cb, NULL);
	c2 = nd_tokenize(big, n, count_cb, h2);
	CHECK(ticks >= 4, "tick called at least once per ND_TICK_BYTES");
	CHECK(c1 == c2 && h1[0] == h2[0], "tick chunking does not change tokens");

	/* one huge word: ticks still happen, tokens still capped */
	memset(big, 'x', n);
	ticks = 0;
	h1[1] = 0;
	c1 = nd_tokenize_ex(big, n, count_cb, h1, tick_cb, NULL);
	CHECK(ticks >= 4 && c1 == 1 && h1[1] == 0, "huge word: ticks and one capped token");

	/* a huge CJK run */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "\xE4\xB8\xAD", 3);
	ticks = 0;
	c1 = nd_tokenize_ex(big, n - n % 3, count_cb, h1, tick_cb, NULL);
	CHECK(ticks >= 4 && c1 == (n / 3) - 1, "huge CJK run: ticks, n-1 bigrams");

	/* longjmp out of the tick */
	ticks = 0;
	tick_jump_at = 2;
	if (setjmp(tick_jmp) == 0)
	{
		nd_tokenize_ex(big, n, count_cb, h1, tick_cb, NULL);
		CHECK(0, "tick longjmp");
	}
	else
		CHECK(ticks == 2, "tick may longjmp out");
	tick_jump_at = 0;
	CHECK(nd_tokenize_ex("", 0, count_cb, h1, tick_cb, NULL) == 0, "empty input with tick");
	free(big);
}

/*
 * Every printable ASCII character and its full-width form (U+FF01..FF5E,
 * NFKC -> ASCII) must tokenize alike: the fast path agrees with the tables.
 */
static void
test_fullwidth_agrees_with_ascii(void)
{
	int			c,
				ok = 1;

	for (c = 0x21; c <= 0x7E; c++)
	{
		char		a[16],
					f[16];
		char		ra[64];
		uint32_t	w = 0xFF01 + (c - 0x21);

		/* "x<c>y" in ASCII and in full width for <c> */
		a[0] = 'x';
		a[1] = (char) c;
		a[2] = 'y';
		strcpy(ra, toks_n(a, 3));
		f[0] = 'x';
		f[1] = (char) (0xE0 | (w >> 12));
		f[2] = (char) (0x80 | ((w >> 6) & 0x3F));
		f[3] = (char) (0x80 | (w & 0x3F));
		f[4] = 'y';
		if (strcmp(ra, toks_n(f, 5)) != 0)
		{
			printf("#   mismatch for 0x%02X: \"%s\" vs \"%s\"\n", c, ra, joined.out);
			ok = 0;
		}
	}
	CHECK(ok, "full-width ASCII tokenizes like ASCII (fast path = tables)");
}

/*
 * Random bytes, random valid code points, and random mixtures: no crash,
 * tokens bounded, deterministic, and chunking by tick does not matter.
 */
static void
test_fuzz(void)
{
	size_t		n = (size_t) 1 << 20;
	unsigned char *b = malloc(n);
	uint64_t	h1[2],
				h2[2];
	size_t		i,
				c1,
				c2;
	int			round,
				ok = 1;

	for (round = 0; round < 3; round++)
	{
		i = 0;
		while (i < n)
		{
			uint64_t	r = rng();

			if (round == 0)
				b[i++] = (unsigned char) r;
			else
			{
				/* valid UTF-8 of random scalar values, biased to BMP and marks */
				uint32_t	cp;
				size_t		k;

				switch (r & 3)
				{
					case 0:
						cp = (uint32_t) ((r >> 8) % 0x80);
						break;
					case 1:
						cp = 0x300 + (uint32_t) ((r >> 8) % 0x70);
						break;
					case 2:
						cp = (uint32_t) ((r >> 8) % 0x10000);
						break;
					default:
						cp = (uint32_t) ((r >> 8) % 0x110000);
						break;
				}
				if (cp >= 0xD800 && cp < 0xE000)
					cp = 'z';
				if (round == 2 && (r & 0x100))
					cp = 0xAC00 + (uint32_t) ((r >> 24) % 11172);
				if (cp < 0x80)
					k = 1;
				else if (cp < 0x800)
					k = 2;
				else if (cp < 0x10000)
					k = 3;
				else
					k = 4;
				if (i + k > n)
					break;
				if (k == 1)
					b[i] = (unsigned char) cp;
				else if (k == 2)
				{
					b[i] = (unsigned char) (0xC0 | (cp >> 6));
					b[i + 1] = (unsigned char) (0x80 | (cp & 0x3F));
				}
				else if (k == 3)
				{
					b[i] = (unsigned char) (0xE0 | (cp >> 12));
					b[i + 1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
					b[i + 2] = (unsigned char) (0x80 | (cp & 0x3F));
				}
				else
				{
					b[i] = (unsigned char) (0xF0 | (cp >> 18));
					b[i + 1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
					b[i + 2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
					b[i + 3] = (unsigned char) (0x80 | (cp & 0x3F));
				}
				i += k;
			}
		}
		h1[0] = h2[0] = 1469598103934665603ULL;
		h1[1] = h2[1] = 0;
		c1 = nd_tokenize((const char *) b, i, count_cb, h1);
		c2 = nd_tokenize_ex((const char *) b, i, count_cb, h2, tick_cb, NULL);
		if (c1 != c2 || h1[0] != h2[0] || h1[1] != 0 || h2[1] != 0)
			ok = 0;
		/* every prefix length near the end: no overread */
		for (i = 1; i <= 8 && i <= n; i++)
		{
			unsigned char *tail = malloc(i);

			memcpy(tail, b + n - i, i);
			nd_tokenize((const char *) tail, i, count_cb, h1);
			free(tail);
		}
	}
	CHECK(ok, "1 MB fuzz (random bytes, random code points, Hangul): bounded, deterministic");

	/* short random byte strings from a small alphabet of tricky bytes */
	{
		static const unsigned char alpha[] = {
			'a', 'E', '\'', '`', ' ', '-', 0xC3, 0xA9, 0xCC, 0x81, 0xE2, 0x80, 0x99,
			0xE4, 0xB8, 0xAD, 0xF0, 0x9F, 0x98, 0x80, 0xFF, 0xE1, 0x84, 0x92,
			0xEA, 0xB0, 0x80, 0xE0, 0xB8, 0xB1
		};
		unsigned char s[24];
		int			k;

		ok = 1;
		for (k = 0; k < 200000; k++)
		{
			size_t		len = rng() % sizeof(s);
			size_t		j;
			unsigned char *h;

			for (j = 0; j < len; j++)
				s[j] = alpha[rng() % sizeof(alpha)];
			h = malloc(len ? len : 1);
			memcpy(h, s, len);
			h1[0] = h2[0] = 0;
			h1[1] = h2[1] = 0;
			c1 = nd_tokenize((const char *) h, len, count_cb, h1);
			c2 = nd_tokenize((const char *) h, len, count_cb, h2);
			if (c1 != c2 || h1[0] != h2[0] || h1[1] != 0)
				ok = 0;
			free(h);
		}
		CHECK(ok, "200k short strings of tricky bytes: deterministic, bounded");
	}
	free(b);
}

/*
 * The ASCII fast path processes 16-byte blocks where SSE2 is available and
 * falls back to a byte loop near the end of the input and around special
 * bytes.  Shifting the same text by 0..31 leading spaces moves every block
 * boundary; the tokens must not change.
 */
static void
test_alignment(void)
{
	static const char *const pieces[] = {
		"the", "The", "QUICK", "don't", "it`s", "'quoted'", "a", "", "2,500",
		"caf\xC3\xA9", "e\xCC\x81", "\xE2\x80\x9CHi\xE2\x80\x9D", "x-y", "\xE4\xB8\xAD\xE5\x9B\xBD",
		"abcdefghijklmnopqrstuvwxyz0123456789", "''", "o'", "\xFF", "\xE4\xB8",
		"Na\xC3\xAFve", "ABCDEFGHIJKLMNOP", "abcdefghijklmno", "\n\n"
	};
	static char text[70000],
				shifted[70000];
	size_t		len = 0;
	uint64_t	ref[2],
				h[2];
	size_t		nref,
				n;
	int			k,
				ok = 1;

	while (len < 60000)
	{
		const char *piece = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
		uint64_t	r = rng();

		memcpy(text + len, piece, strlen(piece));
		len += strlen(piece);
		text[len++] = (r & 7) == 0 ? ',' : (r & 7) == 1 ? '\'' : ' ';
		if ((r & 0x3F0) == 0)
		{
			/* a long word: exercises the 256-byte cap on both paths */
			memset(text + len, 'Q', 300 + (r >> 20) % 40);
			len += 300 + (r >> 20) % 40;
		}
	}
	ref[0] = h[0] = 0;
	ref[1] = h[1] = 0;
	nref = nd_tokenize(text, len, count_cb, ref);
	for (k = 1; k < 32; k++)
	{
		memset(shifted, ' ', (size_t) k);
		memcpy(shifted + k, text, len);
		h[0] = h[1] = 0;
		n = nd_tokenize(shifted, len + (size_t) k, count_cb, h);
		if (n != nref || h[0] != ref[0] || h[1] != 0)
			ok = 0;
	}
	CHECK(ok && nref > 1000, "tokens independent of block alignment (0..31 byte shifts)");
}

/*
 * Tokens of normalized text are stable: re-tokenizing the space-joined
 * word tokens of a mixed-script text gives the same tokens.
 */
static void
test_idempotent(void)
{
	const char *src =
		"\u201CLet\u2019s\u201D \uFB01ne CAF\u00C9 Stra\u00DFe \u0130stanbul \u2460\u00B2 "
		"\u0391\u03B8\u03AE\u03BD\u03B1 \u041C\u043E\u0441\u043A\u0432\u0430 \u0643\u064E\u062A\u064E\u0628\u064E "
		"\u1112\u1161\u11AB e\u0302\u0323 \uFB2A \u212B x\u0301\u0301";
	char		first[4096];

	strcpy(first, toks(src));
	{
		const char *again = toks(first);

		CHECK(strcmp(again, first) == 0, "normalized word tokens are a fixed point");
	}
	{
		char		copy[4096];

		strcpy(copy, toks(src));
		CHECK(strcmp(copy, first) == 0, "same input, same output");
	}
}

/* A news-style paragraph, as the fingerprint sees it. */
static void
test_news(void)
{
	T("Prime Minister Mohammed Shia al-Sudani said on Jan. 6, 2024: "
	  "\u201CIraq\u2019s army \u2014 the country\u2019s pride \u2014 won\u2019t leave.\u201D",
	  "prime minister mohammed shia al sudani said on jan 6 2024 "
	  "iraqs army the countrys pride wont leave");
	T("Na\u00EFve r\u00E9sum\u00E9 \u00FCber Z\u00FCrich \u2026 (EPA)",
	  "na\u00EFve r\u00E9sum\u00E9 \u00FCber z\u00FCrich epa");
	T("e-mail: news@example.com, https://example.com/a_b?x=1",
	  "e mail news example com https example com a b x 1");
	T("emoji \U0001F600 and \u2764\uFE0F here", "emoji and here");
}

int
main(void)
{
	test_basics();
	test_quotes_apostrophes();
	test_case_folding();
	test_nfkc();
	test_hyphens_spaces();
	test_numbers();
	test_rtl_and_other_scripts();
	test_bigrams();
	test_invalid_utf8();
	test_limits();
	test_ticks();
	test_fullwidth_agrees_with_ascii();
	test_fuzz();
	test_alignment();
	test_idempotent();
	test_news();
	return unit_done();
}
