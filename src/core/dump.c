/*-------------------------------------------------------------------------
 *
 * dump.c
 *	  Split a raw scraped news dump into articles: title, subtitle,
 *	  caption, body and byline as byte spans into the dump.
 *
 * Design notes
 * ------------
 * Lines.  A line ends at "\n", "\r\n" or a lone "\r"; the last line needs
 * no terminator.  A UTF-8 byte order mark (EF BB BF) at offset 0 is
 * skipped.  Whitespace means space and tab only; a line holding nothing
 * else is blank.  "Trimmed" means without leading/trailing spaces and
 * tabs; two lines are "the same" when their trimmed bytes are equal.
 * Only these ASCII bytes are structural and every other byte is opaque,
 * so the parser works for UTF-8 and any other ASCII-compatible encoding
 * and never splits inside a multibyte character.  A "gap" is a run of 2
 * or more blank lines; a "block" is the text between gaps.  Below, "line"
 * means non-blank line and "before/after" skips blank lines.
 *
 * TT headers.  A marker is a line whose trimmed text is exactly "TT".
 * The lines before a marker are read as follows.  Caption copies: the run
 * of up to 4 lines right before the marker that are the same as the line
 * just before it.
 *   1. Run of 2 or more: they are the caption; the line before the run is
 *      the title.
 *   2. Run of 1 (line L, and K the line before it): L is the caption and
 *      K the title if the line after the marker is the same as K (the
 *      title repeat), or else if L touches the marker (no blank line
 *      between them).  Otherwise L is the title and there is no caption.
 *   3. The title must lie within 5 lines before the marker, and must not
 *      belong to the previous article's header; if the run reaches back to
 *      the first line still available, that line is the title.  A marker
 *      with no line available for a title is ordinary text.
 * After the marker, up to 5 consecutive lines that are the same as the
 * title or the caption are noise (the repeats), whatever blank lines sit
 * between them, unless such a line is itself the title of a new header.
 *
 * Article boundaries.  A new article starts (1) at the title of a TT
 * header, even with no blank line before it, and (2) at the first line
 * after a gap.  The one exception: a tt article whose body is still empty
 * takes its first body line across a gap (extra blank lines after the
 * header).  Everything else, including single blank lines, stays inside
 * the current article.
 *
 * Layouts.  An article that starts at a TT header is "tt": title, caption
 * (absent without one), body = every line after the repeats up to the
 * next article (absent if none).  Any other article is a block, which is
 * "plain" when it has at least two lines and its first line passes the
 * title test: at most 300 bytes and 30 words (runs of non-space/tab
 * bytes), not ending in '.', ',', ';' or ':'.  Otherwise the block is
 * "unknown": body = the whole block, every other field absent.  So text
 * that fits no layout becomes an unknown article and nothing is dropped;
 * a dump with no recognizable layout gives one unknown article per block.
 *
 * Plain fields.  Title: the first line.  Byline: the block's last line if
 * it starts with "Author:" (ASCII case-insensitive) and a name; else its
 * last two lines if the second to last starts so and the last (the bio)
 * directly follows it (no blank line) and is at most 300 bytes; in both
 * cases only if at least one body line lies between title and byline.
 * The byline region starts right after the label.  Subtitle: the second
 * line, when a blank line separates it from the title and from the next
 * line, it is at most 500 bytes, at least one body line follows it, and
 * the body after it is not written as one-line paragraphs separated by
 * blank lines (two of its lines are adjacent, or it is a single line).
 * Otherwise that line is just the first body line, such as a dateline
 * paragraph "BAGHDAD (Dispatches) - ...".  Body: the lines in between.
 *
 * Fields.  title, subtitle and caption are single trimmed lines.  raw,
 * body and byline are regions from the first byte of their first line to
 * the last byte of their last line (no terminator), with whatever blank
 * lines, CRs and outer blanks lie inside; nd_clean_lines() tidies them.
 *
 * Guarantees.  Articles come in dump order with strictly increasing,
 * disjoint raw spans.  Every non-blank line is in exactly one article,
 * either inside a field or as noise: a TT marker, or a caption copy or
 * repeat that is the same as the article's kept title or caption.  An
 * empty or all-blank dump has no articles.
 *
 * Cost.  One pass: each byte is scanned a bounded number of times (memchr
 * for line ends, with the next '\n' and '\r' positions cached so LF-only
 * or CR-only input is never rescanned); non-blank lines go through an
 * 8-entry ring for lookahead, blank runs are only counted.  No allocation;
 * memory is the fixed-size NdDumpParser.  The tick hook runs at least once
 * per megabyte scanned, also inside one huge line, and sees no half-made
 * state that matters: the caller may abandon the parser from it.
 *
 *-------------------------------------------------------------------------
 */
#include "dump.h"

#include <string.h>

#define ND_DUMP_TICK_BYTES	((size_t) 1 << 20)
#define RING_MASK			(ND_DUMP_LOOKAHEAD - 1)

#define MAX_CAPTION_COPIES	4	/* caption copies looked at before TT */
#define MAX_HEADER_SPAN		(MAX_CAPTION_COPIES + 1)	/* title..TT */
#define MAX_REPEATS			5	/* noise lines skipped after TT */
#define TITLE_MAX_BYTES		300
#define TITLE_MAX_WORDS		30
#define SUBTITLE_MAX_BYTES	500
#define BIO_MAX_BYTES		300

#define AUTHOR_LABEL		"author:"
#define AUTHOR_LABEL_LEN	7

#if (ND_DUMP_LOOKAHEAD & RING_MASK) != 0 || \
	ND_DUMP_LOOKAHEAD < MAX_HEADER_SPAN + 2
#error "ND_DUMP_LOOKAHEAD must be a power of two covering a header and one line"
#endif

/* A TT header found at the front of the ring (indexes relative to it). */
typedef struct Header
{
	unsigned	marker;			/* index of the TT line */
	unsigned	caption;		/* index of the kept caption copy, or 0 */
	bool		has_caption;
} Header;

static inline size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static inline bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Accounts for n bytes of scanning and calls the tick hook once a
 * megabyte has accumulated.  Callers keep their own state consistent
 * before calling this, since the hook may not return.
 */
static inline void
charge(NdDumpParser *p, size_t n)
{
	p->work += n;
	if (p->work >= ND_DUMP_TICK_BYTES)
	{
		p->work = 0;
		if (p->tick != NULL)
			p->tick(p->tick_arg);
	}
}

/*
 * Offset of the first byte c in buf[from..len), or len if none.  Searches
 * in chunks of at most a megabyte so the tick hook keeps running.
 */
static size_t
find_byte(NdDumpParser *p, size_t from, int c)
{
	while (from < p->len)
	{
		size_t		n = min_size(p->len - from, ND_DUMP_TICK_BYTES);
		const char *hit = memchr(p->buf + from, c, n);

		if (hit != NULL)
		{
			size_t		at = (size_t) (hit - p->buf);

			charge(p, at - from + 1);
			return at;
		}
		charge(p, n);
		from += n;
	}
	return p->len;
}

/* First offset in [i, e) that is not a space or tab, or e. */
static size_t
skip_ws_forward(NdDumpParser *p, size_t i, size_t e)
{
	while (i < e)
	{
		size_t		stop = min_size(e, i + ND_DUMP_TICK_BYTES);
		size_t		j = i;

		while (j < stop && is_ws(p->buf[j]))
			j++;
		charge(p, j - i);
		if (j < stop)
			return j;
		i = stop;
	}
	return e;
}

/* One past the last offset in [s, e) that is not a space or tab (s <= e). */
static size_t
skip_ws_backward(NdDumpParser *p, size_t s, size_t e)
{
	while (e > s)
	{
		size_t		stop = e - min_size(e - s, ND_DUMP_TICK_BYTES);
		size_t		j = e;

		while (j > stop && is_ws(p->buf[j - 1]))
			j--;
		charge(p, e - j);
		if (j > stop)
			return j;
		e = stop;
	}
	return s;
}

/* True when the trimmed texts of two lines are byte-for-byte equal. */
static bool
same_text(NdDumpParser *p, const NdDumpLine *a, const NdDumpLine *b)
{
	size_t		n = a->tend - a->toff;
	size_t		done = 0;

	if (n != b->tend - b->toff)
		return false;
	while (done < n)
	{
		size_t		chunk = min_size(n - done, ND_DUMP_TICK_BYTES);

		if (memcmp(p->buf + a->toff + done, p->buf + b->toff + done, chunk) != 0)
			return false;
		done += chunk;
		charge(p, chunk);
	}
	return true;
}

/*
 * Scans forward to the next non-blank line and fills *out, counting the
 * blank lines skipped on the way into out->gap.  Returns false at the end
 * of the dump.  Each byte is looked at a bounded number of times overall.
 */
static bool
scan_line(NdDumpParser *p, NdDumpLine *out)
{
	size_t		gap = 0;

	while (p->pos < p->len)
	{
		size_t		s = p->pos;
		size_t		e;
		size_t		ts;

		if (p->nl_at == ND_ABSENT || p->nl_at < s)
			p->nl_at = find_byte(p, s, '\n');
		if (p->cr_at == ND_ABSENT || p->cr_at < s)
			p->cr_at = find_byte(p, s, '\r');
		e = min_size(p->nl_at, p->cr_at);
		if (e == p->len)
			p->pos = p->len;
		else if (p->buf[e] == '\r' && e + 1 < p->len && p->buf[e + 1] == '\n')
			p->pos = e + 2;
		else
			p->pos = e + 1;

		ts = skip_ws_forward(p, s, e);
		if (ts == e)
		{
			gap++;
			continue;
		}
		out->off = s;
		out->end = e;
		out->toff = ts;
		out->tend = skip_ws_backward(p, ts, e);
		out->gap = gap;
		out->tt = (out->tend - ts == 2 && p->buf[ts] == 'T' && p->buf[ts + 1] == 'T');
		return true;
	}
	return false;
}

/*
 * The k-th buffered non-blank line from the front (k < ND_DUMP_LOOKAHEAD),
 * scanning more lines as needed, or NULL when the dump ends first.
 */
static NdDumpLine *
peek(NdDumpParser *p, unsigned k)
{
	while (p->count <= k)
	{
		if (p->exhausted ||
			!scan_line(p, &p->ring[(p->head + p->count) & RING_MASK]))
		{
			p->exhausted = true;
			return NULL;
		}
		p->count++;
	}
	return &p->ring[(p->head + k) & RING_MASK];
}

/* Removes the front line from the ring. */
static void
drop(NdDumpParser *p)
{
	p->head = (p->head + 1) & RING_MASK;
	p->count--;
}

/*
 * True when a TT header's title is the front line, filling *h.  Looks at
 * most MAX_HEADER_SPAN lines ahead for the marker and one line past it;
 * the front line is the earliest line a header may use.  The rules are
 * the "TT headers" paragraph of the design notes.
 */
static bool
header_at_front(NdDumpParser *p, Header *h)
{
	NdDumpLine *front = peek(p, 0);
	NdDumpLine *last;
	NdDumpLine *after;
	unsigned	j;
	unsigned	run;
	unsigned	title;

	if (front == NULL || front->tt)
		return false;
	for (j = 1;; j++)
	{
		NdDumpLine *l;

		if (j > MAX_HEADER_SPAN || (l = peek(p, j)) == NULL)
			return false;
		if (l->tt)
			break;
	}

	/* caption copies: the run of lines the same as the one before TT */
	last = peek(p, j - 1);
	run = 1;
	while (run < MAX_CAPTION_COPIES && run < j &&
		   same_text(p, peek(p, j - 1 - run), last))
		run++;

	after = peek(p, j + 1);
	h->marker = j;
	if (run >= 2)
	{
		h->has_caption = true;
		title = (run == j) ? 0 : j - 1 - run;
	}
	else if (j >= 2 &&
			 ((after != NULL && same_text(p, after, peek(p, j - 2))) ||
			  peek(p, j)->gap == 0))
	{
		h->has_caption = true;
		title = j - 2;
	}
	else
	{
		h->has_caption = false;
		title = j - 1;
	}
	h->caption = h->has_caption ? j - 1 : 0;
	return title == 0;
}

static inline NdSpan
span(size_t from, size_t to)
{
	NdSpan		s;

	s.off = from;
	s.len = to - from;
	return s;
}

static inline NdSpan
trimmed_span(const NdDumpLine *l)
{
	return span(l->toff, l->tend);
}

static const NdSpan absent_span = {ND_ABSENT, 0};

/*
 * Fills *out with a tt article whose header (title at the front) is *h,
 * consuming the header, the repeats and the body.
 */
static void
take_tt(NdDumpParser *p, const Header *h, NdArticle *out)
{
	NdDumpLine	title = *peek(p, 0);
	NdDumpLine	caption = *peek(p, h->caption);
	size_t		raw_end = peek(p, h->marker)->end;
	size_t		body_off = ND_ABSENT;
	size_t		body_end = 0;
	unsigned	i;
	NdDumpLine *l;
	Header		next;

	for (i = 0; i <= h->marker; i++)
		drop(p);

	/* the repeats: lines the same as the title or caption */
	for (i = 0; i < MAX_REPEATS; i++)
	{
		l = peek(p, 0);
		if (l == NULL ||
			!(same_text(p, l, &title) ||
			  (h->has_caption && same_text(p, l, &caption))) ||
			header_at_front(p, &next))
			break;
		raw_end = l->end;
		drop(p);
	}

	/* the body, up to the next gap or header */
	while ((l = peek(p, 0)) != NULL)
	{
		if (body_off != ND_ABSENT && l->gap >= 2)
			break;
		if (header_at_front(p, &next))
			break;
		if (body_off == ND_ABSENT)
			body_off = l->off;
		body_end = l->end;
		drop(p);
	}

	out->layout = ND_LAYOUT_TT;
	out->title = trimmed_span(&title);
	out->caption = h->has_caption ? trimmed_span(&caption) : absent_span;
	if (body_off != ND_ABSENT)
	{
		out->body = span(body_off, body_end);
		raw_end = body_end;
	}
	out->raw = span(title.off, raw_end);
}

/* Passes the plain title test of the design notes. */
static bool
is_title(const NdDumpParser *p, const NdDumpLine *l)
{
	size_t		n = l->tend - l->toff;
	const char *s = p->buf + l->toff;
	char		lastc;
	unsigned	words = 0;
	size_t		i;

	if (n > TITLE_MAX_BYTES)
		return false;
	lastc = s[n - 1];
	if (lastc == '.' || lastc == ',' || lastc == ';' || lastc == ':')
		return false;
	for (i = 0; i < n; i++)
		if (!is_ws(s[i]) && (i == 0 || is_ws(s[i - 1])))
			words++;
	return words <= TITLE_MAX_WORDS;
}

/* Offset just past an "Author:" label opening the line, or ND_ABSENT. */
static size_t
author_label_end(const NdDumpParser *p, const NdDumpLine *l)
{
	size_t		i;

	if (l->tend - l->toff <= AUTHOR_LABEL_LEN)
		return ND_ABSENT;
	for (i = 0; i < AUTHOR_LABEL_LEN; i++)
	{
		char		c = p->buf[l->toff + i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != AUTHOR_LABEL[i])
			return ND_ABSENT;
	}
	/* a name must follow; tend points past a non-space byte */
	return l->toff + AUTHOR_LABEL_LEN;
}

/*
 * Streaming summary of a block: its first three and last three lines, its
 * length in lines, and how many lines from the fourth on directly follow
 * the previous line (no blank between).
 */
typedef struct Block
{
	NdDumpLine	first[3];
	NdDumpLine	last[3];		/* line i is last[i % 3] */
	size_t		n;
	size_t		adjacent;		/* lines i >= 3 with gap == 0 */
} Block;

static const NdDumpLine *
block_line(const Block *b, size_t i)
{
	return (i < 3) ? &b->first[i] : &b->last[i % 3];
}

/*
 * Fills *out with the block starting at the front line (which is not a
 * header title): plain when it passes the rules, else unknown.
 */
static void
take_block(NdDumpParser *p, NdArticle *out)
{
	Block		b;
	NdDumpLine *l;
	const NdDumpLine *bio;
	Header		next;
	size_t		byline = 0;		/* index of the Author: line, 0 = none */
	size_t		label_end = ND_ABSENT;
	size_t		body_first;
	size_t		body_last;
	bool		has_subtitle = false;

	b.n = 0;
	b.adjacent = 0;
	while ((l = peek(p, 0)) != NULL)
	{
		if (b.n > 0 && (l->gap >= 2 || header_at_front(p, &next)))
			break;
		if (b.n < 3)
			b.first[b.n] = *l;
		else if (l->gap == 0)
			b.adjacent++;
		b.last[b.n % 3] = *l;
		b.n++;
		drop(p);
	}

	out->raw = span(block_line(&b, 0)->off, block_line(&b, b.n - 1)->end);

	/* byline: needs the title and one body line before it */
	if (b.n >= 3 &&
		(label_end = author_label_end(p, block_line(&b, b.n - 1))) != ND_ABSENT)
		byline = b.n - 1;
	else if (b.n >= 4 &&
			 (bio = block_line(&b, b.n - 1))->gap == 0 &&
			 bio->tend - bio->toff <= BIO_MAX_BYTES &&
			 (label_end = author_label_end(p, block_line(&b, b.n - 2))) != ND_ABSENT)
		byline = b.n - 2;
	body_last = (byline != 0) ? byline - 1 : b.n - 1;

	/* subtitle: see the design notes */
	if (body_last >= 2 &&
		b.first[1].gap >= 1 && b.first[2].gap >= 1 &&
		b.first[1].tend - b.first[1].toff <= SUBTITLE_MAX_BYTES)
	{
		size_t		adjacent = b.adjacent;
		size_t		i;

		/* adjacency counted past the body belongs to the byline */
		for (i = (body_last + 1 > 3 ? body_last + 1 : 3); i < b.n; i++)
			if (block_line(&b, i)->gap == 0)
				adjacent--;
		has_subtitle = (body_last == 2 || adjacent > 0);
	}
	body_first = has_subtitle ? 2 : 1;

	if (b.n < 2 || !is_title(p, &b.first[0]))
	{
		out->layout = ND_LAYOUT_UNKNOWN;
		out->body = out->raw;
		return;
	}
	out->layout = ND_LAYOUT_PLAIN;
	out->title = trimmed_span(&b.first[0]);
	if (has_subtitle)
		out->subtitle = trimmed_span(&b.first[1]);
	out->body = span(block_line(&b, body_first)->off,
					 block_line(&b, body_last)->end);
	if (byline != 0)
		out->byline = span(label_end, block_line(&b, b.n - 1)->end);
}

/*
 * Returns "tt", "plain" or "unknown", the SQL spelling of a layout; any
 * value outside the enum reads as "unknown".
 */
const char *
nd_layout_name(NdLayout layout)
{
	switch (layout)
	{
		case ND_LAYOUT_TT:
			return "tt";
		case ND_LAYOUT_PLAIN:
			return "plain";
		case ND_LAYOUT_UNKNOWN:
			break;
	}
	return "unknown";
}

/*
 * Prepares *p to split buf[0..len), which must stay valid and unchanged
 * while the parser is used; skips a leading UTF-8 byte order mark and sets
 * tick to NULL.  Does not scan anything, so it never calls tick.
 */
void
nd_dump_init(NdDumpParser *p, const char *buf, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->len = len;
	if (len >= 3 && (unsigned char) buf[0] == 0xEF &&
		(unsigned char) buf[1] == 0xBB && (unsigned char) buf[2] == 0xBF)
		p->pos = 3;
	p->nl_at = ND_ABSENT;
	p->cr_at = ND_ABSENT;
	p->tick = NULL;
	p->tick_arg = NULL;
}

/*
 * Fills *out with the next article in dump order and returns true, or
 * returns false at the end of the dump (then *out is left unspecified).
 * All spans point into the buffer given to nd_dump_init; absent fields
 * have off == ND_ABSENT.  Total work over all calls is linear in the dump
 * size; the tick hook is called at least once per ~1 MB scanned and may
 * longjmp out, after which the parser must not be used again.
 */
bool
nd_dump_next(NdDumpParser *p, NdArticle *out)
{
	Header		h;

	if (peek(p, 0) == NULL)
		return false;
	out->title = absent_span;
	out->subtitle = absent_span;
	out->caption = absent_span;
	out->body = absent_span;
	out->byline = absent_span;
	if (header_at_front(p, &h))
		take_tt(p, &h, out);
	else
		take_block(p, out);
	return true;
}

/*
 * Copies src[0..len) to dst line by line: each line (ended by "\n",
 * "\r\n" or "\r") is trimmed of leading and trailing spaces and tabs,
 * blank lines are dropped, and the remaining lines are joined with a
 * single "\n" and no trailing newline.  Returns the bytes written, at most
 * len, so dst must hold len bytes; dst may not alias src.  Other bytes are
 * copied unchanged.
 */
size_t
nd_clean_lines(const char *src, size_t len, char *dst)
{
	size_t		out = 0;
	size_t		i = 0;
	size_t		nl_at = 0;		/* next '\n' at or after i, once searched */
	bool		nl_known = false;

	while (i < len)
	{
		size_t		e;
		size_t		next;
		size_t		s = i;
		const char *cr;

		if (!nl_known || nl_at < i)
		{
			const char *nl = memchr(src + i, '\n', len - i);

			nl_at = (nl != NULL) ? (size_t) (nl - src) : len;
			nl_known = true;
		}
		e = nl_at;
		cr = memchr(src + i, '\r', e - i);
		if (cr != NULL)
		{
			e = (size_t) (cr - src);
			next = (e + 1 < len && src[e + 1] == '\n') ? e + 2 : e + 1;
		}
		else
			next = (e < len) ? e + 1 : len;

		while (s < e && is_ws(src[s]))
			s++;
		while (e > s && is_ws(src[e - 1]))
			e--;
		if (e > s)
		{
			if (out > 0)
				dst[out++] = '\n';
			memcpy(dst + out, src + s, e - s);
			out += e - s;
		}
		i = next;
	}
	return out;
}
