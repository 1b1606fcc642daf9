/*-------------------------------------------------------------------------
 *
 * plinks.c
 *	  Passage links with boilerplate suppression.
 *
 * Design notes
 * ------------
 * Goal.  Another outlet's write-up of a wire story quotes two or three of
 * its passages and is otherwise new text: similarity about 0.1,
 * containment about 0.25, no similarity edge and no containment link.
 * What it does share are exact runs of words, which passage_hashes()
 * (winnowing, passage.c) turns into hashes: a run of 12 or more words
 * always gives at least one hash both texts hold.  So two rows are
 * related when they share at least min_shared distinct passage hashes.
 *
 * Boilerplate.  Linking on anything shared chains unrelated stories
 * through boilerplate: an author's bio line under all of their articles, a
 * "Read more" footer, a copyright line, a disclaimer.  Such a passage is
 * recognized from the data: it is held by rows of many different
 * similarity clusters (copies of one story, which may be many, count once),
 * at least boiler_min of them; a boilerplate hash links nothing.  A quote
 * of a wire story is held by the story's own cluster and the few outlets
 * that quote it, which stays far below the threshold.
 *
 * Unit of counting.  Hashes are counted per pair of similarity clusters,
 * not per pair of rows: a hash held by rows of c clusters (c <
 * boiler_min) adds one to each of the c(c-1)/2 cluster pairs, however
 * many copies each cluster has.  That bounds the work per hash by
 * boiler_min^2/2 whatever the duplication, and a story's copies are
 * already one cluster.  Two clusters share min_shared hashes when some of
 * their rows do; for clusters of one row (the usual case) it is exactly
 * the row rule.
 *
 * Links, not edges.  As with containment (cluster.c), a passage never
 * joins two components through a third: every similarity cluster picks its
 * best partner (most shared hashes, then the lowest cluster), and each
 * component of the union-find, which may already hold containment links,
 * joins at most the component of the best of its clusters' partners,
 * all links chosen before any is made.  Shared passages below the
 * boilerplate threshold (a famous quote used by a dozen unrelated stories)
 * then join one story each, never everything that quotes them.
 *
 * Memory.  The (hash, cluster, row) entries are sorted partition by
 * partition (a partition: the hashes whose mixed top bits fall into one
 * of P equal ranges), P chosen so that a partition holds at most
 * part_entries entries on average; every hash lives in one partition, so
 * its rows are all seen together.  The cluster pairs are gathered over all
 * partitions (8 bytes a (pair, hash), doubling through the caller's
 * allocator, which enforces the caller's limit), radix-sorted and counted;
 * then 16 bytes a row for the proposals and the links.
 *
 *-------------------------------------------------------------------------
 */
#include "plinks.h"

#include "radix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_ROW UINT32_MAX
#define TICK_ENTRIES 65536

typedef struct Entry
{
	int64_t		h;
	uint32_t	cl;
	uint32_t	row;
} Entry;

uint32_t
nd_plinks_boiler_min(uint32_t rows, double fraction, size_t nrows)
{
	double		rel = (fraction > 0.0) ? ceil(fraction * (double) nrows) : 0.0;
	uint32_t	t = rows;

	if (rel > (double) t)
		t = rel >= (double) UINT32_MAX ? UINT32_MAX : (uint32_t) rel;
	return t < 2 ? 2 : t;
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const Entry *a = pa,
			   *b = pb;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	if (a->cl != b->cl)
		return a->cl < b->cl ? -1 : 1;
	return a->row < b->row ? -1 : a->row > b->row;
}

static inline uint32_t
part_of(int64_t h, uint32_t nparts)
{
	uint64_t	x = (uint64_t) h * UINT64_C(0x9E3779B97F4A7C15);

	return (uint32_t) (((x >> 32) * (uint64_t) nparts) >> 32);
}

/* A growing array of 64-bit words through the caller's allocator. */
typedef struct Words64
{
	uint64_t   *v;
	size_t		n;
	size_t		cap;
} Words64;

static bool
words_push(Words64 *w, uint64_t x, const NdAllocator *al)
{
	if (w->n == w->cap)
	{
		size_t		cap = w->cap ? 2 * w->cap : 4096;
		uint64_t   *v = al->alloc(al->ctx, cap * sizeof(uint64_t));

		if (v == NULL)
			return false;
		if (w->n)
			memcpy(v, w->v, w->n * sizeof(uint64_t));
		if (w->v)
			al->free(al->ctx, w->v);
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = x;
	return true;
}

/*
 * One run e[0..k) of entries of one hash, sorted by (cluster, row): a
 * boilerplate hash is reported, a shared one adds its cluster pairs.
 */
static bool
handle_run(const Entry *e, size_t k, const NdPassageRule *rule,
		   Words64 *pairs, bool want_pairs, const NdAllocator *al,
		   NdBoilerFn boiler, void *boiler_arg, NdPassageStats *st)
{
	uint32_t	nclusters = 1;
	size_t		i,
				j;

	st->hashes++;
	for (i = 1; i < k; i++)
		if (e[i].cl != e[i - 1].cl)
			nclusters++;
	if (nclusters >= rule->boiler_min)
	{
		st->boilerplate++;
		if (boiler)
		{
			uint32_t	first = NO_ROW,
						fcl = NO_ROW,
						other = NO_ROW;

			for (i = 0; i < k; i++)
				if (e[i].row < first)
				{
					first = e[i].row;
					fcl = e[i].cl;
				}
			for (i = 0; i < k; i++)
				if (e[i].cl != fcl && e[i].row < other)
					other = e[i].row;
			boiler(boiler_arg, e[0].h, (uint32_t) k, nclusters, first, other);
		}
		return true;
	}
	if (nclusters < 2 || !want_pairs)
		return true;
	st->shared++;
	/* every pair of distinct clusters, once */
	for (i = 0; i < k; i++)
	{
		if (i > 0 && e[i].cl == e[i - 1].cl)
			continue;
		for (j = i + 1; j < k; j++)
		{
			if (e[j].cl == e[j - 1].cl)
				continue;
			if (!words_push(pairs, ((uint64_t) e[i].cl << 32) | e[j].cl, al))
				return false;
			st->cluster_pairs++;
		}
	}
	return true;
}

int
nd_plinks_run(const int64_t *const *ph, const uint32_t *nph, size_t n,
			  const uint32_t *simcl, const NdPassageRule *rule,
			  NdUnionFind *uf, size_t part_entries, const NdAllocator *al,
			  NdBoilerFn boiler, void *boiler_arg, NdPassageStats *stats,
			  void (*tick) (void *), void *tick_arg)
{
	NdPassageStats st;
	uint64_t	total = 0;
	uint32_t	nparts,
				p;
	size_t		i,
				cap = 0;
	Entry	   *ent = NULL;
	Words64		pairs = {NULL, 0, 0};
	uint64_t   *tmp = NULL;
	uint32_t   *bestcnt = NULL,
			   *bestto = NULL;
	uint64_t   *best = NULL,
			   *target = NULL;
	int			rc = ND_PASSAGE_ENOMEM;

	memset(&st, 0, sizeof(st));
	if (rule->min_shared < 1 || rule->boiler_min < 2 || part_entries < 1 ||
		n > ND_CLUSTER_MAX_ROWS)
		return ND_PASSAGE_EINVAL;
	for (i = 0; i < n; i++)
		total += nph[i];
	st.entries = total;
	if (total / part_entries + 1 > UINT32_MAX)
		return ND_PASSAGE_EINVAL;
	nparts = (uint32_t) ((total + part_entries - 1) / part_entries);
	if (nparts == 0)
		nparts = 1;
	st.partitions = nparts;

	for (p = 0; p < nparts; p++)
	{
		size_t		m = 0,
					start,
					since = 0;

		if (tick)
			tick(tick_arg);
		/* count, then gather this partition's entries */
		for (i = 0; i < n; i++)
		{
			for (uint32_t k = 0; k < nph[i]; k++)
				if (nparts == 1 || part_of(ph[i][k], nparts) == p)
					m++;
			if (tick && ++since >= TICK_ENTRIES)
			{
				tick(tick_arg);
				since = 0;
			}
		}
		if (m > cap)
		{
			if (ent)
				al->free(al->ctx, ent);
			cap = m;
			ent = al->alloc(al->ctx, cap * sizeof(Entry));
			if (ent == NULL)
				goto done;
		}
		m = 0;
		for (i = 0; i < n; i++)
		{
			for (uint32_t k = 0; k < nph[i]; k++)
				if (nparts == 1 || part_of(ph[i][k], nparts) == p)
				{
					ent[m].h = ph[i][k];
					ent[m].cl = simcl[i];
					ent[m].row = (uint32_t) i;
					m++;
				}
			if (tick && ++since >= TICK_ENTRIES)
			{
				tick(tick_arg);
				since = 0;
			}
		}
		if (m > 1)
			qsort(ent, m, sizeof(Entry), entry_cmp);
		if (tick)
			tick(tick_arg);
		since = 0;
		for (start = 0; start < m;)
		{
			size_t		end = start + 1;

			while (end < m && ent[end].h == ent[start].h)
				end++;
			if (!handle_run(ent + start, end - start, rule, &pairs, uf != NULL,
							al, boiler, boiler_arg, &st))
				goto done;
			since += end - start;
			if (tick && since >= TICK_ENTRIES)
			{
				tick(tick_arg);
				since = 0;
			}
			start = end;
		}
	}
	if (ent)
		al->free(al->ctx, ent);
	ent = NULL;

	if (uf != NULL)
	{
		size_t		start;

		/* count each cluster pair's hashes; best partner per cluster */
		bestcnt = al->alloc(al->ctx, (n ? n : 1) * sizeof(uint32_t));
		bestto = al->alloc(al->ctx, (n ? n : 1) * sizeof(uint32_t));
		if (bestcnt == NULL || bestto == NULL)
			goto done;
		for (i = 0; i < n; i++)
		{
			bestcnt[i] = 0;
			bestto[i] = NO_ROW;
		}
		if (pairs.n > 1)
		{
			tmp = al->alloc(al->ctx, pairs.n * sizeof(uint64_t));
			if (tmp == NULL)
				goto done;
			nd_radix_sort_u64_tick(pairs.v, tmp, pairs.n, 0, tick, tick_arg);
			al->free(al->ctx, tmp);
			tmp = NULL;
		}
		for (start = 0; start < pairs.n;)
		{
			size_t		end = start + 1;
			uint32_t	a,
						b,
						c;

			while (end < pairs.n && pairs.v[end] == pairs.v[start])
				end++;
			c = (end - start) > UINT32_MAX ? UINT32_MAX : (uint32_t) (end - start);
			a = (uint32_t) (pairs.v[start] >> 32);
			b = (uint32_t) pairs.v[start];
			if (c >= rule->min_shared)
			{
				st.linked_pairs++;
				/* pairs come in ascending (a, b): ties keep the lower */
				if (c > bestcnt[a] || (c == bestcnt[a] && b < bestto[a]))
				{
					bestcnt[a] = c;
					bestto[a] = b;
				}
				if (c > bestcnt[b] || (c == bestcnt[b] && a < bestto[b]))
				{
					bestcnt[b] = c;
					bestto[b] = a;
				}
			}
			start = end;
		}
		if (pairs.v)
			al->free(al->ctx, pairs.v);
		pairs.v = NULL;
		if (tick)
			tick(tick_arg);

		/* one link per component: its clusters' best partner elsewhere */
		best = al->alloc(al->ctx, (n ? n : 1) * sizeof(uint64_t));
		target = al->alloc(al->ctx, (n ? n : 1) * sizeof(uint64_t));
		if (best == NULL || target == NULL)
			goto done;
		memset(best, 0, (n ? n : 1) * sizeof(uint64_t));
		for (i = 0; i < n; i++)
		{
			uint32_t	r;
			uint64_t	key;

			if (bestto[i] == NO_ROW)
				continue;
			r = nd_uf_find(uf, (uint32_t) i);
			if (r == nd_uf_find(uf, bestto[i]))
				continue;
			key = ((uint64_t) bestcnt[i] << 32) | (uint64_t) (NO_ROW - bestto[i]);
			if (key > best[r])
				best[r] = key;
		}
		for (i = 0; i < n; i++)
			target[i] = best[i] ?
				nd_uf_find(uf, NO_ROW - (uint32_t) best[i]) : NO_ROW;
		for (i = 0; i < n; i++)
			if (target[i] != NO_ROW &&
				nd_uf_union(uf, (uint32_t) i, (uint32_t) target[i]))
				st.links++;
	}
	rc = ND_PASSAGE_OK;

done:
	if (ent)
		al->free(al->ctx, ent);
	if (pairs.v)
		al->free(al->ctx, pairs.v);
	if (tmp)
		al->free(al->ctx, tmp);
	if (bestcnt)
		al->free(al->ctx, bestcnt);
	if (bestto)
		al->free(al->ctx, bestto);
	if (best)
		al->free(al->ctx, best);
	if (target)
		al->free(al->ctx, target);
	if (stats)
		*stats = st;
	return rc;
}
