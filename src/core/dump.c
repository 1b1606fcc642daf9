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
 * Plain fields.  Title: the first line.  Byline, at the end of the block
 * (only if at least one body line lies between title and byline): the
 * last line if it starts with "Author:" (ASCII case-insensitive) and a
 * name; else the last two lines if the second to last starts so and the
 * last (the bio, with or without a blank line before it) is at most 300
 * bytes and no label line itself; else the last line if it is a "By line":
 * "By" (any case), a blank and a name and nothing else (1 to 6 words, each
 * capitalized or a particle such as "de", "van", "and"; letters, '-',
 * '\'', '.'; no final '.'; at most 80 bytes).  With no byline at the end,
 * a By line right under the title is the byline.  The byline region starts
 * right after the label.
 * Subtitle (the standfirst): the line S after the title (or after a top By
 * line), when a blank line separates it from the line before and the line
 * after, it is at most 500 bytes and at least one body line follows; a By
 * line right after S is then the byline.  S must not open like a body
 * paragraph: a dateline "BAGHDAD (Dispatches) - ..." or a page label
 * ("Photo:", "Read more:", "Related:", ...).
 * The evidence is the body after S.  A dense body (at least two lines,
 * at least half of them directly after the line before) takes S as its
 * subtitle.  Above one-line paragraphs between blank lines: if S ends like
 * a paragraph ('.', '"', U+201D, '?', '!') it is just the lede, unless it
 * is followed by a single, longer body line; if S does not, most body
 * lines must end like paragraphs and S must be shorter than the longest of
 * them, so a list or a poem (short lines, no final punctuation) keeps its
 * first line.  Body: the lines in between.
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
#define BY_MAX_BYTES		80
#define BY_MAX_WORDS		6

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

/* The line's trimmed text ends like a body paragraph: . " ” ? or ! */
static bool
ends_terminal(const NdDumpParser *p, const NdDumpLine *l)
{
	const unsigned char *s = (const unsigned char *) p->buf + l->toff;
	size_t		n = l->tend - l->toff;
	unsigned char c = s[n - 1];

	if (c == '.' || c == '"' || c == '?' || c == '!')
		return true;
	/* U+201D RIGHT DOUBLE QUOTATION MARK */
	return n >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 && c == 0x9D;
}

/* Labels of the lines a page puts around a story ("Photo: ..."). */
static const char *const body_labels[] = {
	"advertisement", "file photo", "image", "listen", "photo", "photos",
	"picture", "read more", "related", "see also", "video", "watch",
};

/*
 * The line opens like a news paragraph or page furniture, never a
 * standfirst: a dateline (capitals, an optional "(Agency)", then '-', en
 * or em dash between blanks: "BAGHDAD (Dispatches) – ...") or one of body_labels and a
 * colon ("Photo: ...", "Read more: ...", any case).
 */
static bool
opens_body(const NdDumpParser *p, const NdDumpLine *l)
{
	const unsigned char *s = (const unsigned char *) p->buf + l->toff;
	size_t		n = min_size(l->tend - l->toff, 80);
	size_t		i = 0;
	unsigned	caps = 0;

	/* a label */
	for (i = 0; i < sizeof(body_labels) / sizeof(body_labels[0]); i++)
	{
		size_t		m = strlen(body_labels[i]);
		size_t		j;

		if (n <= m + 1 || s[m] != ':')
			continue;
		for (j = 0; j < m; j++)
		{
			unsigned char c = s[j];

			if (c >= 'A' && c <= 'Z')
				c = (unsigned char) (c - 'A' + 'a');
			if (c != (unsigned char) body_labels[i][j])
				break;
		}
		if (j == m)
			return true;
	}

	/* a dateline */
	for (i = 0; i < n; i++)
	{
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			caps++;
		else if (!(c == ' ' || c == '.' || c == ',' || c == '\'' || c >= 0x80))
			break;
		if (c >= 0x80 && !(i + 2 < n && c == 0xE2 && s[i + 1] == 0x80))
			continue;
		if (c >= 0x80)
			break;				/* an E2 80 xx punctuation mark: look at it below */
	}
	if (caps < 2)
		return false;
	if (i < n && s[i] == '(')
	{
		while (i < n && s[i] != ')')
			i++;
		i++;
		while (i < n && is_ws((char) s[i]))
			i++;
	}
	/* the dash stands between blanks: "LIMA - ...", not "TO-DATE" */
	if (i == 0 || !is_ws((char) s[i - 1]))
		return false;
	if (i + 1 < n && s[i] == '-')
		return is_ws((char) s[i + 1]);
	return i + 3 < n && s[i] == 0xE2 && s[i + 1] == 0x80 &&
		(s[i + 2] == 0x93 || s[i + 2] == 0x94) && is_ws((char) s[i + 3]);
}

/* Lower-case particles a name may hold ("Ana de la Cruz", "A and B"). */
static bool
is_name_particle(const char *w, size_t n)
{
	static const char *const particles[] = {
		"and", "al", "bin", "da", "de", "del", "der", "den", "di", "du",
		"el", "ibn", "la", "le", "van", "von",
	};
	size_t		i;

	for (i = 0; i < sizeof(particles) / sizeof(particles[0]); i++)
		if (strlen(particles[i]) == n && memcmp(particles[i], w, n) == 0)
			return true;
	return false;
}

/*
 * Offset just past the "By" of a line that is "By" (any case) and a name
 * and nothing else, or ND_ABSENT.  A name is 1 to BY_MAX_WORDS words,
 * each starting with a capital (or a non-ASCII byte) or a lower-case
 * particle, made of letters, non-ASCII bytes, '-', '\'' and '.', and not
 * ending in '.' (so it is no sentence).
 */
static size_t
by_label_end(const NdDumpParser *p, const NdDumpLine *l)
{
	const char *s = p->buf + l->toff;
	size_t		n = l->tend - l->toff;
	size_t		i = 2;
	unsigned	words = 0;

	if (n < 4 || n > BY_MAX_BYTES || (s[0] != 'B' && s[0] != 'b') ||
		(s[1] != 'y' && s[1] != 'Y') || !is_ws(s[2]) || s[n - 1] == '.')
		return ND_ABSENT;
	while (i < n)
	{
		size_t		w;
		unsigned char c;

		while (i < n && is_ws(s[i]))
			i++;
		w = i;
		while (i < n && !is_ws(s[i]))
		{
			c = (unsigned char) s[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
				  c == '-' || c == '\'' || c == '.'))
				return ND_ABSENT;
			i++;
		}
		c = (unsigned char) s[w];
		if (!((c >= 'A' && c <= 'Z') || c >= 0x80 || is_name_particle(s + w, i - w)))
			return ND_ABSENT;
		if (++words > BY_MAX_WORDS)
			return ND_ABSENT;
	}
	return l->toff + 2;
}

/*
 * Streaming summary of a block: its first four and last four lines, its
 * length in lines, and what plain_fields needs to know about the lines in
 * between (indexes 4 .. n - 5), which always belong to the body.
 */
#define BLOCK_EDGE 4

typedef struct BodyStats
{
	size_t		lines;
	size_t		adjacent;		/* lines with no blank line before them */
	size_t		terminal;		/* lines ending like a body paragraph */
	size_t		max_len;		/* longest trimmed line */
} BodyStats;

typedef struct Block
{
	NdDumpLine	first[BLOCK_EDGE];
	NdDumpLine	last[BLOCK_EDGE];	/* line i is last[i % BLOCK_EDGE] */
	size_t		n;
	BodyStats	middle;
} Block;

static const NdDumpLine *
block_line(const Block *b, size_t i)
{
	return (i < BLOCK_EDGE) ? &b->first[i] : &b->last[i % BLOCK_EDGE];
}

static void
stats_add(const NdDumpParser *p, BodyStats *st, const NdDumpLine *l)
{
	size_t		len = l->tend - l->toff;

	st->lines++;
	st->adjacent += (l->gap == 0);
	st->terminal += ends_terminal(p, l);
	if (len > st->max_len)
		st->max_len = len;
}

/*
 * Stats of the block's lines from..to (inclusive, from >= 1), the first
 * one's adjacency not counted (it follows whatever comes before the body).
 */
static BodyStats
body_stats(const NdDumpParser *p, const Block *b, size_t from, size_t to)
{
	BodyStats	st = b->middle;
	size_t		i;

	for (i = from; i <= to; i++)
	{
		if (i >= BLOCK_EDGE && i + BLOCK_EDGE < b->n)
			continue;			/* in b->middle already */
		stats_add(p, &st, block_line(b, i));
	}
	if (block_line(b, from)->gap == 0)
		st.adjacent--;
	return st;
}

/* Where the fields of a plain block lie, as line indexes into the block. */
typedef struct PlainFields
{
	size_t		body_first;
	size_t		body_last;
	size_t		subtitle;		/* 0 = none */
	size_t		byline;			/* first byline line, 0 = none */
	size_t		byline_last;
	size_t		label_end;		/* first byte after the byline's label */
} PlainFields;

/*
 * Reads the plain fields of a block whose first line is its title (and
 * which has at least two lines): see "Plain fields" in the design notes.
 * Looks only at the block's first and last BLOCK_EDGE lines and its
 * middle stats, so the cost does not depend on the block's length.
 */
static PlainFields
plain_fields(const NdDumpParser *p, const Block *b)
{
	PlainFields f = {1, b->n - 1, 0, 0, 0, ND_ABSENT};
	const NdDumpLine *bio = block_line(b, b->n - 1);
	size_t		top_by = 0;
	size_t		cand;
	size_t		after;

	/* the author block at the end: needs the title and a body line */
	if (b->n >= 3 && (f.label_end = author_label_end(p, bio)) != ND_ABSENT)
		f.byline = b->n - 1;
	else if (b->n >= 4 && bio->tend - bio->toff <= BIO_MAX_BYTES &&
			 author_label_end(p, bio) == ND_ABSENT && by_label_end(p, bio) == ND_ABSENT &&
			 (f.label_end = author_label_end(p, block_line(b, b->n - 2))) != ND_ABSENT)
		f.byline = b->n - 2;
	else if (b->n >= 3 && (f.label_end = by_label_end(p, bio)) != ND_ABSENT)
		f.byline = b->n - 1;
	if (f.byline != 0)
	{
		f.byline_last = b->n - 1;
		f.body_last = f.byline - 1;
	}
	else if (b->n >= 3 &&
			 (f.label_end = by_label_end(p, block_line(b, 1))) != ND_ABSENT)
	{
		/* "By Name" right under the title */
		top_by = 1;
		f.byline = f.byline_last = 1;
		f.body_first = 2;
	}

	/* the subtitle candidate, between blank lines, a body line after it */
	cand = top_by + 1;
	after = cand + 1;
	if (after > f.body_last || cand >= BLOCK_EDGE - 1 ||
		block_line(b, cand)->gap == 0 || block_line(b, after)->gap == 0 ||
		block_line(b, cand)->tend - block_line(b, cand)->toff > SUBTITLE_MAX_BYTES)
		return f;
	/* "By Name" between the subtitle and the body */
	if (f.byline == 0 && after + 1 <= f.body_last &&
		by_label_end(p, block_line(b, after)) != ND_ABSENT)
		after++;
	{
		const NdDumpLine *c = block_line(b, cand);
		BodyStats	st = body_stats(p, b, after, f.body_last);
		bool		ok;

		size_t		len = c->tend - c->toff;

		if (opens_body(p, c))
			ok = false;
		else if (st.lines >= 2 && 2 * st.adjacent >= st.lines)
			ok = true;			/* a dense body */
		else if (ends_terminal(p, c))
			ok = (st.lines == 1 && len < st.max_len);
		else
			ok = (2 * st.terminal > st.lines && len < st.max_len);
		if (!ok)
			return f;
	}
	f.subtitle = cand;
	if (after == cand + 2)
	{
		f.byline = f.byline_last = cand + 1;
		f.label_end = by_label_end(p, block_line(b, cand + 1));
	}
	f.body_first = after;
	return f;
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
	Header		next;
	PlainFields f;

	memset(&b.middle, 0, sizeof(b.middle));
	b.n = 0;
	while ((l = peek(p, 0)) != NULL)
	{
		if (b.n > 0 && (l->gap >= 2 || header_at_front(p, &next)))
			break;
		if (b.n < BLOCK_EDGE)
			b.first[b.n] = *l;
		else if (b.n >= 2 * BLOCK_EDGE)
			stats_add(p, &b.middle, &b.last[b.n % BLOCK_EDGE]);	/* leaves */
		b.last[b.n % BLOCK_EDGE] = *l;
		b.n++;
		drop(p);
	}

	out->raw = span(block_line(&b, 0)->off, block_line(&b, b.n - 1)->end);
	if (b.n < 2 || !is_title(p, &b.first[0]))
	{
		out->layout = ND_LAYOUT_UNKNOWN;
		out->body = out->raw;
		return;
	}
	f = plain_fields(p, &b);
	out->layout = ND_LAYOUT_PLAIN;
	out->title = trimmed_span(&b.first[0]);
	if (f.subtitle != 0)
		out->subtitle = trimmed_span(block_line(&b, f.subtitle));
	out->body = span(block_line(&b, f.body_first)->off,
					 block_line(&b, f.body_last)->end);
	if (f.byline != 0)
		out->byline = span(f.label_end, block_line(&b, f.byline_last)->end);
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
 * copied unchanged.  Never calls a tick hook: for large regions use
 * nd_clean_lines_tick.
 */
size_t
nd_clean_lines(const char *src, size_t len, char *dst)
{
	return nd_clean_lines_tick(src, len, dst, NULL, NULL);
}

/* A tick hook and the bytes looked at since it last ran. */
typedef struct Ticker
{
	void		(*tick) (void *arg);
	void	   *arg;
	size_t		work;
} Ticker;

static inline void
ticker_charge(Ticker *t, size_t n)
{
	t->work += n;
	if (t->work >= ND_DUMP_TICK_BYTES)
	{
		t->work = 0;
		if (t->tick != NULL)
			t->tick(t->arg);
	}
}

/* Offset of the first byte c in src[from..to), or to; ticks per chunk. */
static size_t
find_byte_ticking(Ticker *t, const char *src, size_t from, size_t to, int c)
{
	while (from < to)
	{
		size_t		n = min_size(to - from, ND_DUMP_TICK_BYTES);
		const char *hit = memchr(src + from, c, n);

		if (hit != NULL)
		{
			size_t		at = (size_t) (hit - src);

			ticker_charge(t, at - from + 1);
			return at;
		}
		ticker_charge(t, n);
		from += n;
	}
	return to;
}

/*
 * nd_clean_lines, calling tick(tick_arg) (when non-NULL) at least once per
 * ~1 MB of src looked at or copied, also inside one huge line.  tick may
 * longjmp; dst then holds a partial result and nothing else is left
 * behind.
 */
size_t
nd_clean_lines_tick(const char *src, size_t len, char *dst,
					void (*tick) (void *arg), void *tick_arg)
{
	Ticker		t = {tick, tick_arg, 0};
	size_t		out = 0;
	size_t		i = 0;
	size_t		nl_at = 0;		/* next '\n' at or after i, once searched */
	bool		nl_known = false;

	while (i < len)
	{
		size_t		e;
		size_t		next;
		size_t		s = i;
		size_t		cr;

		if (!nl_known || nl_at < i)
		{
			nl_at = find_byte_ticking(&t, src, i, len, '\n');
			nl_known = true;
		}
		e = nl_at;
		cr = find_byte_ticking(&t, src, i, e, '\r');
		if (cr < e)
		{
			e = cr;
			next = (e + 1 < len && src[e + 1] == '\n') ? e + 2 : e + 1;
		}
		else
			next = (e < len) ? e + 1 : len;

		/* trim; a huge run of blanks is charged a megabyte at a time */
		while (s < e && is_ws(src[s]))
			if ((++s - i) % ND_DUMP_TICK_BYTES == 0)
				ticker_charge(&t, ND_DUMP_TICK_BYTES);
		while (e > s && is_ws(src[e - 1]))
			if ((next - --e) % ND_DUMP_TICK_BYTES == 0)
				ticker_charge(&t, ND_DUMP_TICK_BYTES);
		if (e > s)
		{
			if (out > 0)
				dst[out++] = '\n';
			/* copied in slices so the hook keeps running */
			while (s < e)
			{
				size_t		n = min_size(e - s, ND_DUMP_TICK_BYTES);

				memcpy(dst + out, src + s, n);
				out += n;
				s += n;
				ticker_charge(&t, n);
			}
		}
		i = next;
	}
	return out;
}
