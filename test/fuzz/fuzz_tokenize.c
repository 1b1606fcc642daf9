/*
 * fuzz_tokenize.c -- libFuzzer harness of the normalizer and tokenizer
 * (src/core/text.c) and the shingling on top of it (src/core/sketch.c).
 *
 * Input: arbitrary bytes, tokenized as a text.  Invariants checked:
 *	 - every token is 1..ND_MAX_TOKEN_BYTES bytes of well-formed UTF-8
 *	   (shortest form, no surrogates, at most U+10FFFF);
 *	 - the returned count is the number of callbacks;
 *	 - tokenizing again, with nd_tokenize_ex and a tick hook, and with the
 *	   scalar (no SSE2) build of text.c gives the same tokens; the hook runs
 *	   at least once;
 *	 - normalization is idempotent: the tokens joined by spaces tokenize to
 *	   the same tokens (skipped when a combining sequence gets near
 *	   text.c's SEG_MAX of 32 code points: those are normalized in pieces,
 *	   as documented, and the pieces can compose differently next time;
 *	   and when a token holds a Hangul L+V or LV+T pair, which only a
 *	   dropped apostrophe inside a word leaves uncomposed, by the rules:
 *	   "가'ᆨ" gives U+AC00 U+11A8, which normalizes again to U+AC01);
 *	 - nd_sketch_text at the shingle size picked by the first byte counts
 *	   the same tokens, nshingles follows from them, nd_shingle_hashes calls
 *	   back nshingles times, and the fingerprint passes nd_fp_check and
 *	   round-trips through the text form;
 *	 - (when text.h has nd_tokenize_spans) the span tokenizer gives the same
 *	   tokens, each with a source range 0 <= start < end <= len, starts
 *	   and ends non-decreasing in token order.
 */
#include <stdbool.h>
#include <string.h>

#include "fpio.h"
#include "fuzz.h"
#include "sketch.h"
#include "text.h"
#include "unicode_tables.h"		/* for long_mark_run() only */

/* text.c compiled with -DND_NO_SIMD and its entry points renamed. */
extern size_t nd_tokenize_nosimd(const char *s, size_t len, NdTokenFn fn,
								 void *arg);

/* Tokens as (length, bytes) records in one growing buffer. */
typedef struct Toks
{
	unsigned char *buf;
	size_t		len;
	size_t		cap;
	size_t		n;
} Toks;

/* Is s[0..len) well-formed UTF-8 (RFC 3629)? */
static bool
utf8_valid(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		size_t		n;
		uint32_t	cp;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++)
		{
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
			(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += n + 1;
	}
	return true;
}

/*
 * Does s[0..len) hold a run of about SEG_MAX combining code points after
 * mapping and decomposition (the point where text.c cuts a sequence)?
 * Decodes as text.c does (malformed bytes separate) and counts code
 * points of non-zero combining class in a row, with some margin.
 */
static bool
long_mark_run(const unsigned char *s, size_t len)
{
	int			run = 0;

	for (size_t i = 0; i < len;)
	{
		unsigned char c = s[i];
		size_t		n = 0;
		uint32_t	cp = 0;

		if (c < 0x80)
			n = 1, cp = c;
		else if (c >= 0xC2 && c <= 0xF4)
		{
			size_t		want = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

			if (want <= len - i && utf8_valid(s + i, want))
			{
				n = want;
				cp = c & (want == 2 ? 0x1F : want == 3 ? 0x0F : 0x07);
				for (size_t k = 1; k < n; k++)
					cp = (cp << 6) | (s[i + k] & 0x3F);
			}
		}
		if (n == 0)
		{
			run = 0;
			i++;
			continue;
		}
		i += n;
		{
			const UtRecord *r = &ut_records[ut_stage2[((uint32_t) ut_stage1[cp >> UT_SHIFT] << UT_SHIFT) |
													  (cp & UT_MASK)]];
			int			m = (r->flags & 4) ? r->maplen : 1;	/* FLAG_MAP */

			for (int k = 0; k < m; k++)
			{
				uint32_t	d = (r->flags & 4) ? ut_pool[r->mapoff + k] : cp;
				const UtRecord *rd = &ut_records[ut_stage2[((uint32_t) ut_stage1[d >> UT_SHIFT] << UT_SHIFT) |
														   (d & UT_MASK)]];

				run = rd->ccc != 0 ? run + 1 : 0;
				if (run >= 24)
					return true;
			}
		}
	}
	return false;
}

/*
 * Does any token hold a conjoining Hangul pair that NFC composes (L+V, or
 * an LV syllable + T)?  Tokens are well-formed UTF-8 here.
 */
static bool
has_hangul_pair(const Toks *t)
{
	for (size_t i = 0; i < t->len;)
	{
		size_t		n = ((size_t) t->buf[i] << 8) | t->buf[i + 1];
		const unsigned char *p = t->buf + i + 2;
		uint32_t	prev = 0;

		for (size_t k = 0; k < n;)
		{
			unsigned char c = p[k];
			size_t		m = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
			uint32_t	cp = m == 1 ? c : c & (0xFF >> (m + 1));

			for (size_t j = 1; j < m; j++)
				cp = (cp << 6) | (p[k + j] & 0x3F);
			if ((prev >= 0x1100 && prev <= 0x1112 && cp >= 0x1161 && cp <= 0x1175) ||
				(prev >= 0xAC00 && prev <= 0xD7A3 && (prev - 0xAC00) % 28 == 0 &&
				 cp >= 0x11A8 && cp <= 0x11C2))
				return true;
			prev = cp;
			k += m;
		}
		i += n + 2;
	}
	return false;
}

static void
collect(void *arg, const char *tok, size_t len)
{
	Toks	   *t = arg;

	FUZZ_ASSERT(tok != NULL);
	FUZZ_ASSERT(len >= 1 && len <= ND_MAX_TOKEN_BYTES);
	FUZZ_ASSERT(utf8_valid((const unsigned char *) tok, len));
	if (t->len + len + 2 > t->cap)
	{
		t->cap = (t->len + len + 2) * 2;
		t->buf = realloc(t->buf, t->cap);
		FUZZ_ASSERT(t->buf != NULL);
	}
	t->buf[t->len++] = (unsigned char) (len >> 8);
	t->buf[t->len++] = (unsigned char) len;
	memcpy(t->buf + t->len, tok, len);
	t->len += len;
	t->n++;
}

static bool
toks_equal(const Toks *a, const Toks *b)
{
	return a->n == b->n && a->len == b->len &&
		(a->len == 0 || memcmp(a->buf, b->buf, a->len) == 0);
}

/* The tokens joined by single spaces (what normalize_text() returns). */
static char *
toks_join(const Toks *t, size_t *len)
{
	char	   *s = malloc(t->len + 1);
	size_t		out = 0;

	FUZZ_ASSERT(s != NULL);
	for (size_t i = 0; i < t->len;)
	{
		size_t		n = ((size_t) t->buf[i] << 8) | t->buf[i + 1];

		if (out > 0)
			s[out++] = ' ';
		memcpy(s + out, t->buf + i + 2, n);
		out += n;
		i += n + 2;
	}
	*len = out;
	return s;
}

#ifdef FUZZ_HAVE_SPANS
typedef struct SpanToks
{
	Toks		toks;
	size_t		len;			/* of the input */
	size_t		last_start;
	size_t		last_end;
} SpanToks;

static void
collect_span(void *arg, const char *tok, size_t len, size_t start, size_t end)
{
	SpanToks   *st = arg;

	FUZZ_ASSERT(start < end && end <= st->len);
	FUZZ_ASSERT(start >= st->last_start);
	/*
	 * Ends may go backwards (text.h: a mark reordered past U+0345 ends the
	 * previous span after the iota's own span starts), so only the order of
	 * starts is checked.
	 */
	st->last_start = start;
	st->last_end = end;
	collect(&st->toks, tok, len);
}
#endif

static int	ticks;

static void
tick(void *arg)
{
	(void) arg;
	ticks++;
}

static void
count_hash(void *arg, uint64_t h)
{
	(void) h;
	(*(size_t *) arg)++;
}

static uint32_t
expected_shingles(size_t ntokens, int w)
{
	if (ntokens == 0)
		return 0;
	if (ntokens < (size_t) w)
		return 1;
	return (uint32_t) (ntokens - (size_t) w + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	Toks		a = {0},
				b = {0},
				c = {0},
				d = {0};
	size_t		n,
				jlen,
				nhashes = 0;
	char	   *joined;
	int			w = size > 0 ? 1 + data[0] % ND_SHINGLE_MAX : ND_SHINGLE_DEFAULT;
	NdFingerprint fp,
				back;
	char		text[ND_FP_TEXT_MAXLEN + 1];
	char		detail[ND_FP_DETAIL_LEN];
	int			filled = 0;

	n = nd_tokenize(s, size, collect, &a);
	FUZZ_ASSERT(n == a.n);

	ticks = 0;
	FUZZ_ASSERT(nd_tokenize_ex(s, size, collect, &b, tick, NULL) == n);
	FUZZ_ASSERT(ticks >= 1);
	FUZZ_ASSERT(toks_equal(&a, &b));

	FUZZ_ASSERT(nd_tokenize_nosimd(s, size, collect, &c) == n);
	FUZZ_ASSERT(toks_equal(&a, &c));

#ifdef FUZZ_HAVE_SPANS
	{
		SpanToks	sp = {{0}, size, 0, 0};

		ticks = 0;
		FUZZ_ASSERT(nd_tokenize_spans(s, size, collect_span, &sp, tick, NULL) == n);
		FUZZ_ASSERT(ticks >= 1);
		FUZZ_ASSERT(toks_equal(&a, &sp.toks));
		free(sp.toks.buf);
	}
#endif

	if (!long_mark_run(data, size) && !has_hangul_pair(&a))
	{
		joined = toks_join(&a, &jlen);
		FUZZ_ASSERT(nd_tokenize(joined, jlen, collect, &d) == n);
		FUZZ_ASSERT(toks_equal(&a, &d));
		free(joined);
	}

	memset(&fp, 0, sizeof(fp));
	fp.version = ND_FP_VERSION;
	fp.shingle_size = (uint8_t) w;
	fp.nslots = ND_SKETCH_SLOTS;
	FUZZ_ASSERT(nd_sketch_text(s, size, w, &fp.sketch, NULL, NULL));
	FUZZ_ASSERT(fp.sketch.ntokens == n);
	FUZZ_ASSERT(fp.sketch.nshingles == expected_shingles(n, w));
	FUZZ_ASSERT(nd_shingle_hashes(s, size, w, count_hash, &nhashes) == fp.sketch.nshingles);
	FUZZ_ASSERT(nhashes == fp.sketch.nshingles);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		filled += fp.sketch.slots[i] != ND_SLOT_EMPTY;
	FUZZ_ASSERT((uint32_t) filled <= fp.sketch.nshingles);
	FUZZ_ASSERT((filled == 0) == (fp.sketch.nshingles == 0));
	FUZZ_ASSERT(nd_fp_check(&fp, detail, sizeof(detail)));
	nd_fp_format(&fp, text);
	FUZZ_ASSERT(nd_fp_parse(text, &back, detail, sizeof(detail)));
	FUZZ_ASSERT(memcmp(&fp, &back, sizeof(fp)) == 0);

	free(a.buf);
	free(b.buf);
	free(c.buf);
	free(d.buf);
	return 0;
}
