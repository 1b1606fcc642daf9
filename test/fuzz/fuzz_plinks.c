/*
 * fuzz_plinks.c -- libFuzzer harness of the passage links
 * (src/core/plinks.h: nd_plinks_run) against a brute force.
 *
 * Input: byte 0 the row count (1..16), byte 1 the rule (min_shared 1..4,
 * boiler_min 2..9), byte 2 the partition size (1..8 entries) and whether
 * an allocation fails (which one); then per row: its similarity cluster
 * (itself or an earlier row's), an optional pre-link to an earlier row
 * (as containment leaves them) and up to 12 hashes from a 24-value
 * alphabet, sorted and made unique.  Invariants:
 *	 - with every allocation granted: ND_PASSAGE_OK, and the components are
 *	   exactly those of the brute force (boilerplate by distinct clusters,
 *	   counts per cluster pair, best partner per cluster, one link per
 *	   pre-component, all chosen first);
 *	 - every boilerplate hash reported is held by >= boiler_min clusters,
 *	   and each such hash is reported once;
 *	 - a failed allocation gives ND_PASSAGE_ENOMEM with nothing leaked
 *	   (and the union-find untouched).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "fuzz.h"
#include "plinks.h"

#define MAX_ROWS 16
#define MAX_H 12

static int	fail_at = -1,
			nallocs = 0,
			live = 0;

static void *
f_alloc(void *ctx, size_t size)
{
	void	   *p;

	(void) ctx;
	if (nallocs++ == fail_at)
		return NULL;
	p = malloc(size ? size : 1);
	live += p != NULL;
	return p;
}

static void
f_free(void *ctx, void *p)
{
	(void) ctx;
	live -= p != NULL;
	free(p);
}

static int64_t hs[MAX_ROWS][MAX_H];
static uint32_t nh[MAX_ROWS];
static uint32_t simcl[MAX_ROWS];
static uint32_t pre[MAX_ROWS];	/* pre-component: lowest row */
static size_t nrows;

static bool
has(size_t i, int64_t h)
{
	for (uint32_t k = 0; k < nh[i]; k++)
		if (hs[i][k] == h)
			return true;
	return false;
}

static uint32_t
nclusters(int64_t h)
{
	bool		seen[MAX_ROWS] = {false};
	uint32_t	c = 0;

	for (size_t i = 0; i < nrows; i++)
		if (has(i, h) && !seen[simcl[i]])
		{
			seen[simcl[i]] = true;
			c++;
		}
	return c;
}

typedef struct Rep
{
	int64_t		h[MAX_ROWS * MAX_H];
	size_t		n;
	uint32_t	boiler_min;
	bool		ok;
} Rep;

static void
on_boiler(void *arg, int64_t hash, uint32_t rows, uint32_t clusters,
		  uint32_t first, uint32_t other)
{
	Rep		   *r = (Rep *) arg;

	(void) rows;
	r->ok &= clusters >= r->boiler_min && nclusters(hash) == clusters &&
		has(first, hash) && has(other, hash) && simcl[first] != simcl[other];
	for (size_t k = 0; k < r->n; k++)
		r->ok &= r->h[k] != hash;
	r->h[r->n++] = hash;
}

static void
brute(const NdPassageRule *rule, uint32_t *lab)
{
	uint32_t	cnt[MAX_ROWS] = {0},
				partner[MAX_ROWS];
	uint64_t	best[MAX_ROWS] = {0};
	uint32_t	target[MAX_ROWS];

	for (size_t a = 0; a < nrows; a++)
		partner[a] = UINT32_MAX;
	for (size_t a = 0; a < nrows; a++)
		for (size_t b = 0; b < nrows; b++)
		{
			uint32_t	c = 0;

			if (simcl[a] != a || simcl[b] != b || a == b)
				continue;
			/* distinct hashes (0..23) held by a row of a and a row of b */
			for (int64_t h = 0; h < 24; h++)
			{
				bool		ina = false,
							inb = false;

				for (size_t i = 0; i < nrows; i++)
				{
					ina |= simcl[i] == a && has(i, h);
					inb |= simcl[i] == b && has(i, h);
				}
				c += ina && inb && nclusters(h) < rule->boiler_min;
			}
			if (c >= rule->min_shared && (c > cnt[a] || (c == cnt[a] && b < partner[a])))
			{
				cnt[a] = c;
				partner[a] = (uint32_t) b;
			}
		}
	for (size_t a = 0; a < nrows; a++)
		if (partner[a] != UINT32_MAX && pre[a] != pre[partner[a]])
		{
			uint64_t	key = ((uint64_t) cnt[a] << 32) | (UINT32_MAX - partner[a]);

			if (key > best[pre[a]])
				best[pre[a]] = key;
		}
	for (size_t i = 0; i < nrows; i++)
	{
		target[i] = best[i] ? pre[UINT32_MAX - (uint32_t) best[i]] : UINT32_MAX;
		lab[i] = pre[i];
	}
	for (bool changed = true; changed;)
	{
		changed = false;
		for (size_t c = 0; c < nrows; c++)
			if (target[c] != UINT32_MAX && lab[c] != lab[target[c]])
			{
				uint32_t	x = lab[c],
							y = lab[target[c]],
							m = x < y ? x : y;

				for (size_t i = 0; i < nrows; i++)
					if (lab[i] == x || lab[i] == y)
						lab[i] = m;
				changed = true;
			}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const NdAllocator al = {f_alloc, f_free, NULL};
	const int64_t *ph[MAX_ROWS];
	uint32_t	parent[MAX_ROWS],
				lab[MAX_ROWS],
				want[MAX_ROWS],
				before[MAX_ROWS];
	uint8_t		rank[MAX_ROWS];
	NdUnionFind uf;
	NdPassageRule rule;
	size_t		pos = 3,
				part;
	Rep			rep;
	int			rc;

	if (size < 3)
		return 0;
	nrows = 1 + data[0] % MAX_ROWS;
	rule.min_shared = 1 + data[1] % 4;
	rule.boiler_min = 2 + (data[1] >> 2) % 8;
	part = 1 + data[2] % 8;
	fail_at = (data[2] & 0x80) ? (data[2] >> 3) % 8 : -1;
	nd_uf_init(&uf, parent, rank, nrows);
	for (size_t i = 0; i < nrows; i++)
	{
		uint8_t		b = pos < size ? data[pos++] : 0;
		uint32_t	k = 0;

		simcl[i] = (i > 0 && (b & 1)) ? simcl[(b >> 1) % i] : (uint32_t) i;
		nd_uf_union(&uf, (uint32_t) i, simcl[i]);
		b = pos < size ? data[pos++] : 0;
		if (i > 0 && (b & 1))
			nd_uf_union(&uf, (uint32_t) i, (uint32_t) ((b >> 1) % i));
		b = pos < size ? data[pos++] : 0;
		for (uint32_t j = 0; j < (uint32_t) (b % (MAX_H + 1)); j++)
		{
			int64_t		h = pos < size ? data[pos++] % 24 : 0,
						t;
			uint32_t	m = k;

			/* insert sorted, no duplicates */
			while (m > 0 && hs[i][m - 1] > h)
				m--;
			if (m > 0 && hs[i][m - 1] == h)
				continue;
			for (uint32_t q = k; q > m; q--)
				hs[i][q] = hs[i][q - 1];
			hs[i][m] = h;
			k++;
			(void) t;
		}
		nh[i] = k;
		ph[i] = hs[i];
	}
	nd_cluster_simcl(&uf, nrows, pre);
	memcpy(before, parent, sizeof(uint32_t) * nrows);

	memset(&rep, 0, sizeof(rep));
	rep.boiler_min = rule.boiler_min;
	rep.ok = true;
	nallocs = 0;
	live = 0;
	rc = nd_plinks_run(ph, nh, nrows, simcl, &rule, &uf, part, &al, on_boiler, &rep,
					   NULL, NULL, NULL);
	FUZZ_ASSERT(live == 0);
	if (rc == ND_PASSAGE_ENOMEM)
	{
		FUZZ_ASSERT(fail_at >= 0);
		FUZZ_ASSERT(memcmp(before, parent, sizeof(uint32_t) * nrows) == 0);
		return 0;
	}
	FUZZ_ASSERT(rc == ND_PASSAGE_OK);
	FUZZ_ASSERT(rep.ok);
	{
		size_t		nb = 0;

		for (int64_t h = 0; h < 24; h++)
			nb += nclusters(h) >= rule.boiler_min;
		FUZZ_ASSERT(rep.n == nb);
	}
	nd_cluster_simcl(&uf, nrows, lab);
	brute(&rule, want);
	for (size_t i = 0; i < nrows; i++)
		FUZZ_ASSERT(lab[i] == want[i]);
	return 0;
}
