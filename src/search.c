/*-------------------------------------------------------------------------
 *
 * search.c
 *	  Impact-ordered lists for search_stories() (issue 19).
 *
 * For a query of one plain lexeme, ts_rank(tsv, q) with the default
 * weights and normalization 0 depends only on that lexeme's entry in the
 * row's tsvector (its positions and their weights).  So the best hits of a
 * lexeme can be computed ahead of time, one row at a time, and kept
 * current by row triggers.  This file has the two C pieces:
 *
 *   lexeme_ranks(tsvector) -> (lexeme, rank): the single-lexeme ts_rank of
 *     every lexeme of a tsvector, computed once per row instead of once
 *     per (row, lexeme) detoast.  It evaluates the same expression, in the
 *     same float/double order, as PostgreSQL 15's ts_rank for a query of
 *     one operand (sum over the lexeme's positions p_j, j = 1.., of
 *     w(p_j) / j^2, plus the largest weight w_m minus its own term
 *     w_m / m^2, divided by pi^2 / 6; an entry without positions counts as
 *     one position of weight D).  test/pgtap/search_lists.sql checks it
 *     equals ts_rank(tsv, lexeme) for every lexeme of a generated table.
 *
 *   search_lists_collect(rel, tsv_column, key_column, depth, lexemes):
 *     one sequential pass over the table keeping, for every lexeme of
 *     the given list, its `depth` best rows in (rank desc, key asc) order
 *     in a bounded heap; the result rows come out in that order per
 *     lexeme.  Memory: at most n_lexemes * depth * 16 bytes of heaps
 *     (checked against maintenance_work_mem before the scan) plus the
 *     lexeme table.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tsearch/ts_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "neardup.h"

PG_FUNCTION_INFO_V1(neardup_lexeme_ranks);
PG_FUNCTION_INFO_V1(neardup_search_lists_collect);

/* ts_rank's default weights of D, C, B, A */
static const float rank_weights[4] = {0.1f, 0.2f, 0.4f, 1.0f};

/*
 * The single-lexeme ts_rank of one tsvector entry.  Kept to the same
 * operations and types as the server's, so the float result is the same
 * bits (the test compares with ts_rank for equality).
 */
static float4
entry_rank(TSVector t, WordEntry *e)
{
	WordEntryPos nopos = 0;
	WordEntryPos *pos;
	int32		npos;
	int32		j;
	int32		jm = 0;
	float		sum = 0.0;
	float		wmax = -1.0;
	float		res = 0.0;

	if (e->haspos)
	{
		npos = POSDATALEN(t, e);
		pos = POSDATAPTR(t, e);
	}
	else
	{
		npos = 1;
		pos = &nopos;
	}
	for (j = 0; j < npos; j++)
	{
		float		w = rank_weights[WEP_GETWEIGHT(pos[j])];

		sum = sum + w / ((j + 1) * (j + 1));
		if (w > wmax)
		{
			wmax = w;
			jm = j;
		}
	}
	res = res + (wmax + sum - wmax / ((jm + 1) * (jm + 1))) / 1.64493406685;
	res = res / 1;
	if (res < 0)
		res = 1e-20f;
	return res;
}

Datum
neardup_lexeme_ranks(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TSVector	t = PG_GETARG_TSVECTOR(0);
	WordEntry  *e = ARRPTR(t);
	char	   *str = STRPTR(t);
	int32		i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < t->size; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PointerGetDatum(cstring_to_text_with_len(str + e[i].pos, e[i].len));
		values[1] = Float4GetDatum(entry_rank(t, &e[i]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

/* ---- search_lists_collect ---- */

typedef struct ListHit
{
	float4		rank;
	int64		key;
} ListHit;

typedef struct LexList
{
	char	   *lexeme;			/* not terminated */
	int32		len;
	uint32		hash;
	int32		n;				/* hits in the heap */
	int32		cap;			/* allocated */
	ListHit    *heap;			/* worst hit at [0] */
} LexList;

/* a before b in the search order: rank desc, key asc */
static inline bool
hit_before(const ListHit *a, const ListHit *b)
{
	return a->rank > b->rank || (a->rank == b->rank && a->key < b->key);
}

/* heap of the best hits, the worst (last in search order) at the root */
static void
heap_sift_down(ListHit *h, int32 n, int32 i)
{
	for (;;)
	{
		int32		l = 2 * i + 1,
					r = l + 1,
					w = i;
		ListHit		tmp;

		if (l < n && hit_before(&h[w], &h[l]))
			w = l;
		if (r < n && hit_before(&h[w], &h[r]))
			w = r;
		if (w == i)
			return;
		tmp = h[i];
		h[i] = h[w];
		h[w] = tmp;
		i = w;
	}
}

static void
heap_push(LexList *l, ListHit hit, int32 depth)
{
	if (l->n < depth)
	{
		int32		i;

		if (l->n == l->cap)
		{
			int32		cap = Min(depth, Max(16, l->cap * 2));

			l->heap = l->heap ? repalloc(l->heap, sizeof(ListHit) * cap) : palloc(sizeof(ListHit) * cap);
			l->cap = cap;
		}
		i = l->n++;
		l->heap[i] = hit;
		while (i > 0)			/* sift up: a worse hit moves to the root */
		{
			int32		p = (i - 1) / 2;
			ListHit		tmp;

			if (!hit_before(&l->heap[p], &l->heap[i]))
				break;
			tmp = l->heap[p];
			l->heap[p] = l->heap[i];
			l->heap[i] = tmp;
			i = p;
		}
	}
	else if (hit_before(&hit, &l->heap[0]))
	{
		l->heap[0] = hit;
		heap_sift_down(l->heap, l->n, 0);
	}
}

static int
hit_cmp(const void *a, const void *b)
{
	const ListHit *x = a,
			   *y = b;

	if (hit_before(x, y))
		return -1;
	if (hit_before(y, x))
		return 1;
	return 0;
}

/* open addressing table of the listed lexemes */
typedef struct LexTable
{
	int32		size;			/* power of 2 */
	LexList   **slots;
} LexTable;

static LexList *
lex_find(LexTable *tab, const char *s, int32 len, uint32 h)
{
	uint32		mask = tab->size - 1;
	uint32		i = h & mask;

	for (;;)
	{
		LexList    *l = tab->slots[i];

		if (l == NULL)
			return NULL;
		if (l->hash == h && l->len == len && memcmp(l->lexeme, s, len) == 0)
			return l;
		i = (i + 1) & mask;
	}
}

Datum
neardup_search_lists_collect(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			rel;
	Name		tsv_col,
				key_col;
	int32		depth;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;
	LexTable	tab;
	LexList    *lists;
	int32		nlists = 0;
	int32		i;
	char	   *relname;
	StringInfoData q;
	Portal		portal;
	MemoryContext callcxt = CurrentMemoryContext;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("search_lists_collect: arguments must not be NULL")));
	rel = PG_GETARG_OID(0);
	tsv_col = PG_GETARG_NAME(1);
	key_col = PG_GETARG_NAME(2);
	depth = PG_GETARG_INT32(3);
	arr = PG_GETARG_ARRAYTYPE_P(4);
	if (depth < 1 || depth > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("search_lists_collect: depth must be between 1 and 1000000, not %d", depth)));
	if ((double) ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) * depth * sizeof(ListHit)
		> (double) maintenance_work_mem * 1024.0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("search_lists_collect: %d lexemes of %d hits need more than maintenance_work_mem (%d kB)",
						ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)), depth, maintenance_work_mem),
				 errhint("Raise maintenance_work_mem, or pass a smaller depth or a larger min_df.")));

	InitMaterializedSRF(fcinfo, 0);

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &nelems);
	lists = palloc0(sizeof(LexList) * Max(nelems, 1));
	tab.size = 16;
	while (tab.size < 2 * nelems)
		tab.size *= 2;
	tab.slots = palloc0(sizeof(LexList *) * tab.size);
	for (i = 0; i < nelems; i++)
	{
		text	   *t;
		LexList    *l;
		uint32		h;
		uint32		j;

		if (elem_nulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		h = hash_bytes((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		if (lex_find(&tab, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), h))
			continue;			/* listed twice */
		l = &lists[nlists++];
		l->lexeme = VARDATA_ANY(t);
		l->len = VARSIZE_ANY_EXHDR(t);
		l->hash = h;
		for (j = h & (tab.size - 1); tab.slots[j]; j = (j + 1) & (tab.size - 1))
			;
		tab.slots[j] = l;
	}

	relname = get_rel_name(rel);
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("search_lists_collect: relation with OID %u does not exist", rel)));
	initStringInfo(&q);
	appendStringInfo(&q, "SELECT t.%s::pg_catalog.int8, t.%s FROM %s.%s t WHERE t.%s IS NOT NULL AND t.%s IS NOT NULL",
					 quote_identifier(NameStr(*key_col)), quote_identifier(NameStr(*tsv_col)),
					 quote_identifier(get_namespace_name(get_rel_namespace(rel))), quote_identifier(relname),
					 quote_identifier(NameStr(*key_col)), quote_identifier(NameStr(*tsv_col)));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "search_lists_collect: SPI_connect failed");
	portal = SPI_cursor_open_with_args(NULL, q.data, 0, NULL, NULL, NULL, true, CURSOR_OPT_NO_SCROLL);
	for (;;)
	{
		uint64		r;

		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		isnull;
			int64		key = DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
			Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull);
			TSVector	t;
			WordEntry  *e;
			char	   *str;
			int32		k;
			MemoryContext old;

			CHECK_FOR_INTERRUPTS();
			t = DatumGetTSVector(d);
			e = ARRPTR(t);
			str = STRPTR(t);
			old = MemoryContextSwitchTo(callcxt);	/* heaps outlive SPI */
			for (k = 0; k < t->size; k++)
			{
				LexList    *l = lex_find(&tab, str + e[k].pos, e[k].len,
										 hash_bytes((const unsigned char *) (str + e[k].pos), e[k].len));

				if (l)
				{
					ListHit		hit;

					hit.rank = entry_rank(t, &e[k]);
					hit.key = key;
					heap_push(l, hit, depth);
				}
			}
			MemoryContextSwitchTo(old);
			if ((Pointer) t != DatumGetPointer(d))
				pfree(t);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_finish();

	for (i = 0; i < nlists; i++)
	{
		LexList    *l = &lists[i];
		text	   *lex;
		int32		k;

		CHECK_FOR_INTERRUPTS();
		if (l->n == 0)
			continue;
		qsort(l->heap, l->n, sizeof(ListHit), hit_cmp);
		lex = cstring_to_text_with_len(l->lexeme, l->len);
		for (k = 0; k < l->n; k++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = PointerGetDatum(lex);
			values[1] = Float4GetDatum(l->heap[k].rank);
			values[2] = Int64GetDatum(l->heap[k].key);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		pfree(l->heap);
		pfree(lex);
	}
	PG_RETURN_NULL();
}
