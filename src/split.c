/*-------------------------------------------------------------------------
 *
 * split.c
 *	  split_articles(dump text): raw scraped dump -> one row per article.
 *
 * The layout rules live in src/core/dump.c, which hands back byte spans
 * into the dump.  This file turns them into a result set: it cleans the
 * body and byline regions, converts byte offsets into the character
 * positions that substr() understands, and keeps memory bounded by
 * building each row in a short-lived context before it goes into the
 * tuplestore (which spills to disk past work_mem).
 *
 * Encoding: the parser only treats ASCII bytes as structural, and every
 * server encoding keeps ASCII bytes out of multibyte characters, so the
 * dump is parsed in the server encoding as is.  Character positions are
 * counted once over the dump in total (count_chars).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "neardup.h"
#include "dump.h"

PG_FUNCTION_INFO_V1(split_articles);

#define SPLIT_NATTS 9

#define COUNT_CHUNK	((size_t) 1 << 20)

/*
 * Characters in buf[0..len) in the server encoding, as substr() counts
 * them.  UTF-8 counts the bytes that start a character (a loop the
 * compiler vectorizes); single-byte encodings count bytes; anything else
 * steps with pg_mblen().  Checks for interrupts once per megabyte, since
 * one article may span the whole dump.
 */
static int64
count_chars(const char *buf, size_t len)
{
	int64		n = 0;

	if (GetDatabaseEncoding() == PG_UTF8)
	{
		const unsigned char *p = (const unsigned char *) buf;
		size_t		i = 0;

		while (i < len)
		{
			size_t		stop = (len - i > COUNT_CHUNK) ? i + COUNT_CHUNK : len;

			for (; i < stop; i++)
				n += (p[i] & 0xC0) != 0x80;
			CHECK_FOR_INTERRUPTS();
		}
		return n;
	}
	if (pg_database_encoding_max_length() == 1)
		return (int64) len;
	{
		size_t		i = 0;
		size_t		next_check = COUNT_CHUNK;

		while (i < len)
		{
			i += pg_mblen(buf + i);
			n++;
			if (i >= next_check)
			{
				CHECK_FOR_INTERRUPTS();
				next_check = i + COUNT_CHUNK;
			}
		}
	}
	return n;
}

/* A text datum for a one-line field, or NULL when absent or empty. */
static bool
span_datum(const char *buf, NdSpan span, Datum *value)
{
	if (span.off == ND_ABSENT || span.len == 0)
		return false;
	*value = PointerGetDatum(cstring_to_text_with_len(buf + span.off,
													  (int) span.len));
	return true;
}

/*
 * A text datum for a multi-line region, cleaned line by line (checking for
 * interrupts as it goes: a region may be most of the dump).
 */
static bool
region_datum(const char *buf, NdSpan span, Datum *value)
{
	text	   *result;
	size_t		len;

	if (span.off == ND_ABSENT || span.len == 0)
		return false;
	result = (text *) palloc(VARHDRSZ + span.len);
	len = nd_clean_lines_tick(buf + span.off, span.len, VARDATA(result),
							  NeardupInterruptTick, NULL);
	if (len == 0)
	{
		pfree(result);
		return false;
	}
	SET_VARSIZE(result, VARHDRSZ + len);
	*value = PointerGetDatum(result);
	return true;
}

/*
 * split_articles(dump text) RETURNS TABLE(ordinal, title, subtitle,
 * caption, body, byline, layout, start_pos, char_length)
 *
 * One row per article in dump order.  start_pos is 1-based and, with
 * char_length, in characters, so substr(dump, start_pos, char_length) is
 * the article's raw span (first to last non-blank line).  An empty or
 * all-blank dump yields no rows; text that fits no layout comes back as
 * rows with layout 'unknown', never dropped.
 */
Datum
split_articles(PG_FUNCTION_ARGS)
{
	text	   *dump = PG_GETARG_TEXT_PP(0);
	const char *buf = VARDATA_ANY(dump);
	size_t		len = VARSIZE_ANY_EXHDR(dump);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext rowcxt;
	NdDumpParser parser;
	NdArticle	art;
	size_t		seen_bytes = 0;
	int64		seen_chars = 0;
	int32		ordinal = 0;

	InitMaterializedSRF(fcinfo, 0);

	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "split_articles row",
								   ALLOCSET_DEFAULT_SIZES);

	nd_dump_init(&parser, buf, len);
	parser.tick = NeardupInterruptTick;
	parser.tick_arg = NULL;

	while (nd_dump_next(&parser, &art))
	{
		Datum		values[SPLIT_NATTS];
		bool		nulls[SPLIT_NATTS];
		MemoryContext oldcxt;
		int64		start_chars;
		int64		span_chars;

		CHECK_FOR_INTERRUPTS();

		Assert(art.raw.off >= seen_bytes);
		seen_chars += count_chars(buf + seen_bytes, art.raw.off - seen_bytes);
		start_chars = seen_chars;
		span_chars = count_chars(buf + art.raw.off, art.raw.len);
		seen_bytes = art.raw.off + art.raw.len;
		seen_chars += span_chars;

		if (ordinal == PG_INT32_MAX || start_chars + 1 > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("dump holds too many articles")));
		ordinal++;

		oldcxt = MemoryContextSwitchTo(rowcxt);
		memset(nulls, 0, sizeof(nulls));
		values[0] = Int32GetDatum(ordinal);
		nulls[1] = !span_datum(buf, art.title, &values[1]);
		nulls[2] = !span_datum(buf, art.subtitle, &values[2]);
		nulls[3] = !span_datum(buf, art.caption, &values[3]);
		nulls[4] = !region_datum(buf, art.body, &values[4]);
		nulls[5] = !region_datum(buf, art.byline, &values[5]);
		values[6] = CStringGetTextDatum(nd_layout_name(art.layout));
		values[7] = Int32GetDatum((int32) (start_chars + 1));
		values[8] = Int32GetDatum((int32) span_chars);
		/* the last chance to stop before a large row is stored */
		CHECK_FOR_INTERRUPTS();
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}

	MemoryContextDelete(rowcxt);
	PG_FREE_IF_COPY(dump, 0);
	return (Datum) 0;
}
