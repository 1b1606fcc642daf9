/*-------------------------------------------------------------------------
 *
 * dump.h
 *	  Split a raw scraped news dump into articles (plain C99, no server).
 *
 * The parser works on the caller's buffer and hands back byte spans into
 * it; it never allocates and never copies.  The layout rules are stated
 * in the design notes at the top of dump.c.
 *
 * Typical use:
 *
 *		NdDumpParser p;
 *		NdArticle	a;
 *
 *		nd_dump_init(&p, buf, len);
 *		p.tick = my_interrupt_check;	(optional)
 *		while (nd_dump_next(&p, &a))
 *			... a.title.off / a.title.len are offsets into buf ...
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_DUMP_H
#define NEARDUP_DUMP_H

#include <stdbool.h>
#include <stddef.h>

typedef enum NdLayout
{
	ND_LAYOUT_TT,				/* title, caption x2, "TT", repeats, body */
	ND_LAYOUT_PLAIN,			/* title, [subtitle], body, [Author: block] */
	ND_LAYOUT_UNKNOWN			/* a block that fits no layout; body only */
} NdLayout;

/* Marks an absent span (SQL NULL). */
#define ND_ABSENT ((size_t) -1)

/* A byte range [off, off + len) of the dump; off == ND_ABSENT: absent. */
typedef struct NdSpan
{
	size_t		off;
	size_t		len;
} NdSpan;

typedef struct NdArticle
{
	NdLayout	layout;
	NdSpan		raw;			/* first byte of the first non-blank line ..
								 * last byte of the last non-blank line, no
								 * line terminator */
	NdSpan		title;			/* one line, trimmed */
	NdSpan		subtitle;		/* one line, trimmed (plain only) */
	NdSpan		caption;		/* one line, trimmed (tt only) */
	NdSpan		body;			/* raw region; clean with nd_clean_lines */
	NdSpan		byline;			/* raw region after the "Author:" label;
								 * clean with nd_clean_lines (plain only) */
} NdArticle;

/* Non-blank lines the parser can look ahead over (a power of two). */
#define ND_DUMP_LOOKAHEAD 8

/* One non-blank line seen by the scanner; internal to dump.c. */
typedef struct NdDumpLine
{
	size_t		off;			/* first byte of the line */
	size_t		end;			/* one past its last byte (no terminator) */
	size_t		toff;			/* first byte after leading spaces/tabs */
	size_t		tend;			/* one past the last non-space/tab byte */
	size_t		gap;			/* blank lines right before this line */
	bool		tt;				/* trimmed text is exactly "TT" */
} NdDumpLine;

/*
 * Parser state.  Lives wherever the caller likes (stack is fine); holds no
 * heap pointers, so abandoning it at any point (e.g. when tick longjmps)
 * leaks nothing.  Only tick and tick_arg are meant to be set by callers.
 */
typedef struct NdDumpParser
{
	const char *buf;
	size_t		len;
	size_t		pos;			/* start of the next line not yet scanned */
	size_t		nl_at;			/* next '\n' at or after pos (cache) */
	size_t		cr_at;			/* next '\r' at or after pos (cache) */
	size_t		work;			/* bytes scanned since the last tick */
	bool		exhausted;		/* scanner has reached the end */
	unsigned	head;			/* ring index of the first buffered line */
	unsigned	count;			/* buffered lines */
	NdDumpLine	ring[ND_DUMP_LOOKAHEAD];

	/* Called (when non-NULL) at least once per ~1 MB scanned; may longjmp. */
	void		(*tick) (void *arg);
	void	   *tick_arg;
} NdDumpParser;

extern const char *nd_layout_name(NdLayout layout);
extern void nd_dump_init(NdDumpParser *p, const char *buf, size_t len);
extern bool nd_dump_next(NdDumpParser *p, NdArticle *out);
extern size_t nd_clean_lines(const char *src, size_t len, char *dst);
extern size_t nd_clean_lines_tick(const char *src, size_t len, char *dst,
								  void (*tick) (void *arg), void *tick_arg);

#endif							/* NEARDUP_DUMP_H */
