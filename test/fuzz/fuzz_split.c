/*
 * fuzz_split.c -- libFuzzer harness of the dump splitter
 * (nd_dump_next and nd_clean_lines in src/core/dump.c).
 *
 * Input: arbitrary bytes, taken as a dump.  Invariants (the "Guarantees"
 * of dump.c's design notes):
 *	 - every span is absent or inside the buffer; raw spans are non-empty,
 *	   strictly increasing and disjoint; every field lies inside its
 *	   article's raw span; fields come in the order title, caption /
 *	   subtitle, body, byline without overlapping;
 *	 - title, subtitle and caption are single trimmed non-empty lines; no
 *	   span starts or ends with a line terminator;
 *	 - the fields present match the layout;
 *	 - every byte other than space, tab, CR and LF (after a leading BOM)
 *	   is inside some article's raw span, and the number of articles is
 *	   bounded by the number of lines;
 *	 - every non-blank line of an article's raw span meets one of its
 *	   fields, or is noise: a TT marker, or the same (trimmed) as the
 *	   kept title or caption; a tt body never starts with a copy of the
 *	   caption or the title (the repeats after the marker are noise);
 *	 - a second parse gives the same articles;
 *	 - nd_clean_lines (of the whole input, and of every body and byline)
 *	   writes at most len bytes, with no CR, no empty line and no line with
 *	   outer spaces or tabs, keeps every other byte in order, and is
 *	   idempotent.
 */
#include <stdbool.h>
#include <string.h>

#include "dump.h"
#include "fuzz.h"

static bool
is_blank_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool
present(NdSpan s)
{
	return s.off != ND_ABSENT;
}

static bool
same_span(NdSpan a, NdSpan b)
{
	return a.off == b.off && a.len == b.len;
}

static size_t
span_end(NdSpan s)
{
	return s.off + s.len;
}

/* s is absent, or a non-empty span of buf[0..size) inside raw. */
static void
check_region(const unsigned char *buf, size_t size, NdSpan s, NdSpan raw)
{
	if (!present(s))
	{
		FUZZ_ASSERT(s.len == 0);
		return;
	}
	FUZZ_ASSERT(s.len > 0 && s.off < size && s.len <= size - s.off);
	FUZZ_ASSERT(s.off >= raw.off && span_end(s) <= span_end(raw));
	FUZZ_ASSERT(buf[s.off] != '\r' && buf[s.off] != '\n');
	FUZZ_ASSERT(buf[span_end(s) - 1] != '\r' && buf[span_end(s) - 1] != '\n');
}

/* s is absent, or one trimmed non-empty line inside raw. */
static void
check_line(const unsigned char *buf, size_t size, NdSpan s, NdSpan raw)
{
	check_region(buf, size, s, raw);
	if (!present(s))
		return;
	FUZZ_ASSERT(!is_ws(buf[s.off]) && !is_ws(buf[span_end(s) - 1]));
	FUZZ_ASSERT(memchr(buf + s.off, '\n', s.len) == NULL);
	FUZZ_ASSERT(memchr(buf + s.off, '\r', s.len) == NULL);
}

/* a (if present) ends before b (if present) starts */
static void
check_before(NdSpan a, NdSpan b)
{
	if (present(a) && present(b))
		FUZZ_ASSERT(span_end(a) <= b.off);
}

/* Runs nd_clean_lines on src[0..len) and checks its output. */
static void
check_clean(const unsigned char *src, size_t len)
{
	char	   *dst = malloc(len > 0 ? len : 1);
	char	   *again = malloc(len > 0 ? len : 1);
	size_t		n,
				m,
				j = 0;

	FUZZ_ASSERT(dst != NULL && again != NULL);
	n = nd_clean_lines((const char *) src, len, dst);
	FUZZ_ASSERT(n <= len);
	if (n > 0)
		FUZZ_ASSERT(dst[0] != '\n' && dst[n - 1] != '\n');
	for (size_t i = 0; i < n; i++)
	{
		FUZZ_ASSERT(dst[i] != '\r');
		if (dst[i] == '\n')
			FUZZ_ASSERT(dst[i + 1] != '\n' && !is_ws((unsigned char) dst[i + 1]) &&
						!is_ws((unsigned char) dst[i - 1]));
	}
	if (n > 0)
		FUZZ_ASSERT(!is_ws((unsigned char) dst[0]) && !is_ws((unsigned char) dst[n - 1]));
	/* the non-blank bytes are kept, in order */
	for (size_t i = 0; i < len; i++)
	{
		if (is_blank_byte(src[i]))
			continue;
		while (j < n && is_blank_byte((unsigned char) dst[j]))
			j++;
		FUZZ_ASSERT(j < n && (unsigned char) dst[j] == src[i]);
		j++;
	}
	while (j < n && is_blank_byte((unsigned char) dst[j]))
		j++;
	FUZZ_ASSERT(j == n);
	m = nd_clean_lines(dst, n, again);
	FUZZ_ASSERT(m == n && (n == 0 || memcmp(dst, again, n) == 0));
	free(dst);
	free(again);
}

static bool
meets(NdSpan s, size_t from, size_t to)
{
	return present(s) && s.off < to && from < span_end(s);
}

static bool
same_text(const uint8_t *buf, size_t from, size_t to, NdSpan s)
{
	return present(s) && s.len == to - from && memcmp(buf + from, buf + s.off, s.len) == 0;
}

/* The first line of [from, to) trimmed of spaces and tabs: [*ls, *le). */
static size_t
next_line(const uint8_t *buf, size_t from, size_t to, size_t *ls, size_t *le)
{
	size_t		e = from;

	while (e < to && buf[e] != '\n' && buf[e] != '\r')
		e++;
	*ls = from;
	*le = e;
	while (*ls < *le && is_ws(buf[*ls]))
		(*ls)++;
	while (*le > *ls && is_ws(buf[*le - 1]))
		(*le)--;
	return e < to ? e + 1 : to;
}

/* Field-level invariants of article a (raw span r). */
static void
check_fields(const uint8_t *buf, const NdArticle *a)
{
	NdSpan		r = a->raw;

	for (size_t p = r.off; p < span_end(r);)
	{
		size_t		ls,
					le;

		p = next_line(buf, p, span_end(r), &ls, &le);
		if (ls == le)
			continue;			/* a blank line */
		if (meets(a->title, ls, le) || meets(a->subtitle, ls, le) || meets(a->caption, ls, le) ||
			meets(a->body, ls, le) || meets(a->byline, ls, le))
			continue;
		FUZZ_ASSERT((le - ls == 2 && buf[ls] == 'T' && buf[ls + 1] == 'T') ||
					same_text(buf, ls, le, a->title) || same_text(buf, ls, le, a->caption));
	}
	if (a->layout == ND_LAYOUT_TT && present(a->body))
	{
		size_t		ls,
					le;

		next_line(buf, a->body.off, span_end(a->body), &ls, &le);
		FUZZ_ASSERT(!same_text(buf, ls, le, a->caption));
	}
}

static int	ticks;

static void
tick(void *arg)
{
	(void) arg;
	ticks++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *buf;
	unsigned char *copy = malloc(size > 0 ? size : 1);	/* exact-size block */
	NdDumpParser p,
				q;
	NdArticle	a,
				b;
	size_t		covered = 0;	/* bytes before this are checked */
	size_t		narticles = 0;
	size_t		lines = 1;

	FUZZ_ASSERT(copy != NULL);
	memcpy(copy, data, size);
	buf = copy;
	for (size_t i = 0; i < size; i++)
		lines += (buf[i] == '\n' || buf[i] == '\r');

	nd_dump_init(&p, (const char *) buf, size);
	nd_dump_init(&q, (const char *) buf, size);
	p.tick = tick;
	if (size >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		covered = 3;

	while (nd_dump_next(&p, &a))
	{
		NdSpan		r = a.raw;

		narticles++;
		FUZZ_ASSERT(narticles <= lines);
		FUZZ_ASSERT(nd_dump_next(&q, &b));
		FUZZ_ASSERT(a.layout == b.layout && same_span(a.raw, b.raw) &&
					same_span(a.title, b.title) && same_span(a.subtitle, b.subtitle) &&
					same_span(a.caption, b.caption) && same_span(a.body, b.body) &&
					same_span(a.byline, b.byline));
		FUZZ_ASSERT(nd_layout_name(a.layout) != NULL);

		/* raw: non-empty, in bounds, after the previous article */
		FUZZ_ASSERT(present(r) && r.len > 0 && r.off < size && r.len <= size - r.off);
		FUZZ_ASSERT(r.off >= covered);
		for (size_t i = covered; i < r.off; i++)
			FUZZ_ASSERT(is_blank_byte(buf[i]));
		FUZZ_ASSERT(buf[r.off] != '\r' && buf[r.off] != '\n');
		FUZZ_ASSERT(buf[span_end(r) - 1] != '\r' && buf[span_end(r) - 1] != '\n');
		covered = span_end(r);

		check_line(buf, size, a.title, r);
		check_line(buf, size, a.subtitle, r);
		check_line(buf, size, a.caption, r);
		check_region(buf, size, a.body, r);
		check_region(buf, size, a.byline, r);

		check_before(a.title, a.caption);
		check_before(a.title, a.subtitle);
		check_before(a.title, a.body);
		check_before(a.caption, a.body);
		check_before(a.subtitle, a.body);
		check_before(a.body, a.byline);
		check_before(a.subtitle, a.byline);

		switch (a.layout)
		{
			case ND_LAYOUT_TT:
				FUZZ_ASSERT(present(a.title));
				FUZZ_ASSERT(!present(a.subtitle) && !present(a.byline));
				break;
			case ND_LAYOUT_PLAIN:
				FUZZ_ASSERT(present(a.title) && present(a.body) && !present(a.caption));
				break;
			case ND_LAYOUT_UNKNOWN:
				FUZZ_ASSERT(!present(a.title) && !present(a.subtitle) &&
							!present(a.caption) && !present(a.byline));
				FUZZ_ASSERT(a.body.off == r.off && a.body.len == r.len);
				break;
			default:
				FUZZ_ASSERT(!"layout out of range");
		}
		/* the article's first line holds its first field */
		if (present(a.title))
			for (size_t i = r.off; i < a.title.off; i++)
				FUZZ_ASSERT(is_ws(buf[i]));

		check_fields(buf, &a);
		if (present(a.body))
			check_clean(buf + a.body.off, a.body.len);
		if (present(a.byline))
			check_clean(buf + a.byline.off, a.byline.len);
	}
	FUZZ_ASSERT(!nd_dump_next(&q, &b));
	for (size_t i = covered; i < size; i++)
		FUZZ_ASSERT(is_blank_byte(buf[i]));
	/* an empty or all-blank dump has no articles, and only those */
	{
		bool		blank = true;

		for (size_t i = (size >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) ? 3 : 0;
			 i < size && blank; i++)
			blank = is_blank_byte(buf[i]);
		FUZZ_ASSERT((narticles == 0) == blank);
	}

	check_clean(buf, size);
	free(copy);
	return 0;
}
