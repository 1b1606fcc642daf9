/*-------------------------------------------------------------------------
 *
 * passage.c
 *	  Passage reuse: shared_passages(a, b, min_words), the exact runs of
 *	  words two texts share, and passage_hashes(text), the winnowed passage
 *	  hashes that make "which articles share a passage with this text?" an
 *	  indexable query (GIN on bigint[] with &&).
 *
 * The algorithms live in src/core/passage.c (see its design notes for the
 * semantics, the winnowing guarantee and the costs); this file passes them
 * palloc as the allocator and the interrupt tick, turns byte spans into
 * the character positions substr() understands, and builds the results.
 *
 * Encoding: the core works on UTF-8.  Text in another server encoding is
 * converted to UTF-8 first (SQL_ASCII is taken as UTF-8 as is), as
 * fingerprint() does, so the runs and hashes do not depend on the
 * database encoding.  Positions are counted in the converted text: one
 * per UTF-8 character, which is one per server character for every
 * conversion PostgreSQL ships except the few JIS X 0213 characters that
 * map to two Unicode code points; in SQL_ASCII, where substr() counts
 * bytes, they are byte positions.  The passage column is the run's
 * original text (converted back to the server encoding).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "neardup.h"
#include "passage.h"

PG_FUNCTION_INFO_V1(shared_passages);
PG_FUNCTION_INFO_V1(passage_hashes);

#define PASSAGE_NATTS 6

static void *
passage_palloc(void *ctx, size_t size)
{
	return palloc(size);
}

static void
passage_pfree(void *ctx, void *p)
{
	pfree(p);
}

static const NdAllocator passage_allocator = {passage_palloc, passage_pfree, NULL};

/* Raises the error for a result code of src/core/passage.c. */
static void
passage_error(int rc, const char *func)
{
	if (rc == ND_PASSAGE_ETOOBIG)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("text is too long for %s", func),
				 errdetail("A text may have at most %zu words.",
						   ND_PASSAGE_MAX_TOKENS),
				 errhint("Compare smaller pieces, for example the articles split_articles() returns.")));
	elog(ERROR, "%s: unexpected result %d from the passage core", func, rc);
}

/* One byte offset to translate into a character position. */
typedef struct OffsetSlot
{
	size_t		byte;
	int32	   *chars;			/* where the character position goes */
} OffsetSlot;

static int
offset_slot_cmp(const void *x, const void *y)
{
	size_t		a = ((const OffsetSlot *) x)->byte;
	size_t		b = ((const OffsetSlot *) y)->byte;

	return (a > b) - (a < b);
}

/*
 * Sets *slots[i].chars to the number of characters in utf8[0..byte) for
 * each of the n slots (bytes when the database is SQL_ASCII): one sorted
 * walk over the text.
 */
static void
bytes_to_chars(const char *utf8, OffsetSlot *slots, size_t n)
{
	const unsigned char *p = (const unsigned char *) utf8;
	bool		count_bytes = GetDatabaseEncoding() == PG_SQL_ASCII;
	size_t		pos = 0;
	int64		chars = 0;

	qsort(slots, n, sizeof(OffsetSlot), offset_slot_cmp);
	for (size_t i = 0; i < n; i++)
	{
		size_t		target = slots[i].byte;

		if (count_bytes)
			chars = (int64) target;
		else
		{
			for (; pos < target; pos++)
				chars += (p[pos] & 0xC0) != 0x80;
		}
		Assert(chars <= PG_INT32_MAX);
		*slots[i].chars = (int32) chars;
	}
}

/* A run's positions: start and end in characters, 0-based. */
typedef struct RunChars
{
	int32		a_start;
	int32		a_end;
	int32		b_start;
	int32		b_end;
} RunChars;

/*
 * shared_passages(a text, b text, min_words int DEFAULT 8)
 * RETURNS TABLE(passage text, words int, a_start int, a_length int,
 *				 b_start int, b_length int)
 *
 * One row per run of at least min_words normalized words that a and b
 * share, in order of a_start: a greedy left-to-right parse of a that takes
 * at each word the longest run starting there (the first occurrence in b
 * among equally long ones) and continues after it, so rows never overlap
 * in a.  Positions are 1-based characters: substr(a, a_start, a_length)
 * is the run as written in a, substr(b, b_start, b_length) as written in
 * b; passage is the former.  No rows when either text has fewer than
 * min_words words.
 */
Datum
shared_passages(PG_FUNCTION_ARGS)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	int32		min_words = PG_GETARG_INT32(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *ua;
	const char *ub;
	size_t		alen;
	size_t		blen;
	NdPassageRun *runs;
	size_t		nruns;
	RunChars   *pos;
	OffsetSlot *slots;
	bool		same_encoding;
	int			rc;

	if (min_words < ND_PASSAGE_MIN_WORDS_MIN ||
		min_words > ND_PASSAGE_MIN_WORDS_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_words %d is out of range", min_words),
				 errhint("Use a min_words from %d to %d; the default is %d.",
						 ND_PASSAGE_MIN_WORDS_MIN, ND_PASSAGE_MIN_WORDS_MAX,
						 ND_PASSAGE_MIN_WORDS_DEFAULT)));

	InitMaterializedSRF(fcinfo, 0);

	ua = NeardupTextAsUtf8(a, &alen);
	ub = NeardupTextAsUtf8(b, &blen);
	rc = nd_shared_passages(ua, alen, ub, blen, min_words, &passage_allocator,
							NeardupInterruptTick, NULL, &runs, &nruns);
	if (rc != ND_PASSAGE_OK)
		passage_error(rc, "shared_passages");
	if (nruns == 0)
		return (Datum) 0;

	/* character positions: one sorted walk over each text */
	pos = palloc(nruns * sizeof(RunChars));
	slots = palloc(2 * nruns * sizeof(OffsetSlot));
	for (size_t i = 0; i < nruns; i++)
	{
		slots[2 * i] = (OffsetSlot) {runs[i].a_start, &pos[i].a_start};
		slots[2 * i + 1] = (OffsetSlot) {runs[i].a_end, &pos[i].a_end};
	}
	bytes_to_chars(ua, slots, 2 * nruns);
	for (size_t i = 0; i < nruns; i++)
	{
		slots[2 * i] = (OffsetSlot) {runs[i].b_start, &pos[i].b_start};
		slots[2 * i + 1] = (OffsetSlot) {runs[i].b_end, &pos[i].b_end};
	}
	bytes_to_chars(ub, slots, 2 * nruns);
	pfree(slots);

	same_encoding = (ua == VARDATA_ANY(a));
	for (size_t i = 0; i < nruns; i++)
	{
		Datum		values[PASSAGE_NATTS];
		bool		nulls[PASSAGE_NATTS] = {0};
		const NdPassageRun *r = &runs[i];
		text	   *passage;

		CHECK_FOR_INTERRUPTS();
		if (same_encoding)
			passage = cstring_to_text_with_len(ua + r->a_start,
											   (int) (r->a_end - r->a_start));
		else
		{
			const char *u = ua + r->a_start;
			int			n = (int) (r->a_end - r->a_start);
			char	   *s = pg_any_to_server(u, n, PG_UTF8);

			/* the result is NUL-terminated only when it was converted */
			passage = (s == u) ? cstring_to_text_with_len(u, n) : cstring_to_text(s);
		}
		values[0] = PointerGetDatum(passage);
		values[1] = Int32GetDatum((int32) r->words);
		values[2] = Int32GetDatum(pos[i].a_start + 1);
		values[3] = Int32GetDatum(pos[i].a_end - pos[i].a_start);
		values[4] = Int32GetDatum(pos[i].b_start + 1);
		values[5] = Int32GetDatum(pos[i].b_end - pos[i].b_start);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(passage);
	}

	pfree(pos);
	pfree(runs);
	return (Datum) 0;
}

/*
 * passage_hashes(text) RETURNS bigint[]
 *
 * The winnowed hashes of the text's 8-word passages (k = ND_WINNOW_K,
 * windows of ND_WINNOW_W), sorted ascending without duplicates.  Two texts
 * that share a run of ND_WINNOW_GUARANTEE (12) or more words always have a
 * hash in common, so passage_hashes(x) && passage_hashes(y) finds them,
 * and a GIN index on passage_hashes(body) makes that an index scan.  A
 * text with fewer than 8 words gives an empty array (never NULL, so &&
 * is simply false for it).
 */
Datum
passage_hashes(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s;
	size_t		len;
	int64_t    *h;
	size_t		n;
	Datum	   *elems;
	ArrayType  *result;
	int			rc;

	s = NeardupTextAsUtf8(t, &len);
	rc = nd_passage_hashes(s, len, &passage_allocator, NeardupInterruptTick,
						   NULL, &h, &n);
	if (rc != ND_PASSAGE_OK)
		passage_error(rc, "passage_hashes");
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));

	elems = palloc(n * sizeof(Datum));
	for (size_t i = 0; i < n; i++)
		elems[i] = Int64GetDatum(h[i]);
	result = construct_array(elems, (int) n, INT8OID, sizeof(int64),
							 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	pfree(elems);
	pfree(h);
	PG_RETURN_ARRAYTYPE_P(result);
}
