/*
 * fuzz_cluster.c -- libFuzzer harness of the clustering core (the public
 * API of src/core/cluster.h: nd_cluster_run, nd_uf_*, nd_cluster_finish,
 * NdEdgeRule) against a brute force over every pair.
 *
 * Input: byte 0 picks the row count (2..17), byte 1 the rule (similarity
 * threshold, containment on/off and its threshold), byte 2 the
 * representative rule; the rest describes the rows: each row is either a
 * copy of an earlier row with a few slots changed, or new slots drawn from
 * a 4-value alphabet (so rows share many slots and band keys), or empty
 * (no shingles).  Invariants:
 *	 - sound: rows that nd_cluster_run puts in one cluster are connected in
 *	   the brute-force graph of pairs the rule accepts (nd_cluster_edge,
 *	   checked against nd_sketch_similarity/containment);
 *	 - complete where it must be: identical non-empty rows are in one
 *	   cluster, and so are all rows without shingles;
 *	 - nd_cluster_finish: rep[] is constant on each cluster and is its
 *	   lowest row (ND_REP_FIRST) or its row with the most tokens, ties to
 *	   the lowest (ND_REP_LONGEST); size[rep] counts the cluster; order[]
 *	   lists the rows sorted by (rep, row);
 *	 - the same rows give the same clusters twice.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "fuzz.h"
#include "sketch.h"

#define MAX_ROWS 17

typedef struct Input
{
	const uint8_t *p;
	size_t		n;
} Input;

static unsigned
take(Input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* Fills rows[i] from the input. */
static void
make_row(Input *in, NdSketch *rows, int i)
{
	NdSketch   *sk = &rows[i];
	unsigned	kind = take(in) % 4;

	if (kind == 0 && i > 0)
	{
		/* a copy of an earlier row with up to 7 slots changed */
		int			src = (int) (take(in) % (unsigned) i);
		unsigned	changes = take(in) % 8;

		*sk = rows[src];
		if (sk->nshingles == 0)
			return;
		for (unsigned c = 0; c < changes; c++)
		{
			unsigned	s = take(in) % ND_SKETCH_SLOTS;

			sk->slots[s] = (uint16_t) (take(in) % 5);
		}
		sk->ntokens += take(in) % 3;
		return;
	}
	memset(sk, 0, sizeof(*sk));
	if (kind == 1)
	{
		for (int s = 0; s < ND_SKETCH_SLOTS; s++)
			sk->slots[s] = ND_SLOT_EMPTY;
		return;					/* no shingles */
	}
	{
		unsigned	fill = 1 + take(in) % 4;	/* 1 in fill slots empty */
		uint64_t	seed = take(in) | (uint64_t) take(in) << 8;

		for (int s = 0; s < ND_SKETCH_SLOTS; s++)
		{
			seed = nd_fmix64(seed + (uint64_t) s + 1);
			sk->slots[s] = (fill > 1 && seed % fill == 0) ? ND_SLOT_EMPTY
				: (uint16_t) ((seed >> 8) % 4);
		}
		sk->slots[take(in) % ND_SKETCH_SLOTS] = (uint16_t) (take(in) % 4);
		sk->ntokens = 3 + take(in);
		sk->nshingles = sk->ntokens - 2;
		sk->exact_hash = seed;
	}
}

/* Brute-force components: comp[i] = lowest row connected to i. */
static void
brute_components(const NdSketch *const *sk, int n, const NdEdgeRule *rule, int *comp)
{
	for (int i = 0; i < n; i++)
		comp[i] = i;
	for (bool changed = true; changed;)
	{
		changed = false;
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
			{
				int			lo;

				if (comp[i] == comp[j] || !nd_cluster_edge(sk[i], sk[j], rule))
					continue;
				lo = comp[i] < comp[j] ? comp[i] : comp[j];
				comp[i] = comp[j] = lo;
				changed = true;
			}
	}
}

static void
run(const NdSketch *const *sk, int n, const NdEdgeRule *rule, uint32_t *parent,
	uint8_t *rank, uint32_t *cl)
{
	NdUnionFind uf;
	void	   *work = malloc(nd_cluster_work_size((size_t) n));	/* 16-aligned */

	FUZZ_ASSERT(work != NULL);
	nd_uf_init(&uf, parent, rank, (size_t) n);
	nd_cluster_run(sk, (size_t) n, rule, &uf, work, NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		cl[i] = nd_uf_find(&uf, (uint32_t) i);
	free(work);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input		in = {data, size};
	NdSketch	rows[MAX_ROWS];
	const NdSketch *sk[MAX_ROWS];
	uint32_t	parent[MAX_ROWS], cl[MAX_ROWS], cl2[MAX_ROWS];
	uint8_t		rank[MAX_ROWS];
	uint32_t	rep[MAX_ROWS], sz[MAX_ROWS], order[MAX_ROWS], tmp[MAX_ROWS];
	int			comp[MAX_ROWS];
	int			n = 2 + (int) (take(&in) % (MAX_ROWS - 1));
	unsigned	r = take(&in);
	NdEdgeRule	rule;
	NdRepRule	reprule = (take(&in) & 1) ? ND_REP_LONGEST : ND_REP_FIRST;
	NdUnionFind uf;

	rule.sim_threshold = (float) (1 + r % 10) / 10.0f;
	rule.use_containment = (r & 0x80) != 0;
	rule.cont_threshold = (float) (5 + (r >> 4) % 5) / 10.0f;
	rule.keyed_runs = (r & 0x100) != 0;	/* both run rules */
	for (int i = 0; i < n; i++)
	{
		make_row(&in, rows, i);
		sk[i] = &rows[i];
	}

	/* nd_cluster_edge is the rule it says */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
		{
			bool		e = (float) nd_sketch_similarity(sk[i], sk[j]) >= rule.sim_threshold ||
				(rule.use_containment &&
				 ((float) nd_sketch_containment(sk[i], sk[j]) >= rule.cont_threshold ||
				  (float) nd_sketch_containment(sk[j], sk[i]) >= rule.cont_threshold));

			FUZZ_ASSERT(nd_cluster_edge(sk[i], sk[j], &rule) == e);
		}

	run(sk, n, &rule, parent, rank, cl);
	brute_components(sk, n, &rule, comp);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
		{
			if (cl[i] == cl[j])
				FUZZ_ASSERT(comp[i] == comp[j]);	/* sound */
			if (sk[i]->nshingles == 0 && sk[j]->nshingles == 0)
				FUZZ_ASSERT(cl[i] == cl[j]);
			if (sk[i]->nshingles > 0 &&
				memcmp(sk[i]->slots, sk[j]->slots, sizeof(sk[i]->slots)) == 0 &&
				sk[i]->nshingles == sk[j]->nshingles)
				FUZZ_ASSERT(cl[i] == cl[j]);	/* identical rows */
		}

	/* deterministic */
	run(sk, n, &rule, parent, rank, cl2);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			FUZZ_ASSERT((cl[i] == cl[j]) == (cl2[i] == cl2[j]));

	/* nd_cluster_finish */
	uf.parent = parent;
	uf.rank = rank;
	uf.n = (size_t) n;
	nd_cluster_finish(&uf, sk, (size_t) n, reprule, rep, sz, order, tmp);
	for (int i = 0; i < n; i++)
	{
		uint32_t	best = UINT32_MAX,
					count = 0;

		for (int j = 0; j < n; j++)
		{
			if (cl2[j] != cl2[i])
				continue;
			count++;
			FUZZ_ASSERT(rep[j] == rep[i]);
			if (best == UINT32_MAX ||
				(reprule == ND_REP_LONGEST && sk[j]->ntokens > sk[best]->ntokens))
				best = (uint32_t) j;
		}
		FUZZ_ASSERT(rep[i] == best);
		FUZZ_ASSERT(sz[rep[i]] == count);
	}
	for (int k = 0; k < n; k++)
	{
		FUZZ_ASSERT(order[k] < (uint32_t) n);
		if (k > 0)
			FUZZ_ASSERT(rep[order[k - 1]] < rep[order[k]] ||
						(rep[order[k - 1]] == rep[order[k]] && order[k - 1] < order[k]));
	}
	return 0;
}
