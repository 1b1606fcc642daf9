/*-------------------------------------------------------------------------
 *
 * cluster.c
 *	  Near-duplicate clustering of sketches: LSH candidates, verification,
 *	  union-find, representatives.
 *
 * Design notes
 * ------------
 * Goal.  The connected components of the graph whose edges are the pairs
 * of rows whose similarity is at or above a threshold, for up to millions
 * of rows in memory, in O(n) passes with no index lookups; optionally
 * joined by containment links (below).  Verifying all n^2/2 pairs is out
 * of reach, so candidates come from locality-sensitive hashing on the
 * sketches themselves and each candidate is verified with the same
 * estimator the SQL functions use: every edge is a pair the rule accepts,
 * and the approximation is only in which pairs are looked at.
 *
 * Containment links.  Containment is not symmetric and not transitive: a
 * short text (a boilerplate paragraph, a recycled sentence or two) can be
 * contained in thousands of unrelated articles, and as plain edges such
 * containments chained 717,000 of a million generated articles into one
 * component.  So containment never joins two components through a third:
 * after the similarity components are complete, a second pass over the
 * bands records for every row the one row it is best contained in (the
 * highest containment at or above the threshold, in a row at least as long;
 * ties: the lowest index), and then each similarity component joins, at
 * most, the component of the best of its rows' containers.  Every
 * component has at most one outgoing link, so a short text inside two
 * articles joins one of them, never both, and the articles stay apart.
 *
 * Bands.  The 256 slots are cut into 128 bands of two consecutive slots
 * (bands.c, the band keys GIN uses too, with every sketch densified, so
 * that short texts still have 128 keys).  Two rows are candidates when
 * they agree on both slots of some band, which a pair at resemblance J
 * does with probability about J^2 per band: it is missed by all 128 with
 * probability about (1 - J^2)^128, 1e-16 at J = 0.5, 6e-6 at 0.3.  A
 * containment pair of a short text and a much longer one has a small J
 * and can be missed, so when the rule uses containment 127 more bands on
 * the slots in between (2j+1, 2j+2) are added (doc/cluster.md).
 *
 * Buckets.  Per band, every row's band key (32 bits) is packed with the
 * row index into one 64-bit word; an LSD radix sort on the top 32 bits
 * (radix.c: 3 passes of 11 bits, skipped when a digit is constant) groups equal keys into runs, rows in index order inside a run.
 * A run of up to 16 rows is verified pair by pair; a larger one (a
 * boilerplate text copied many times, or a common 32-bit collision) is
 * verified against at most 16 "leaders" per row, so a run costs at most
 * 16 verifications per member and never goes quadratic.  Two rules pick
 * the leaders (NdEdgeRule.keyed_runs):
 *
 *   keyed (0.4.0).  Rows are indexed in key order (the caller's order:
 *   duplicate_clusters sorts by key).  A member becomes a leader, while
 *   there are fewer than 16, iff it is related (similar; in the
 *   containment pass, contained either way at the containment threshold)
 *   to none of the current leaders, verified.  A pair already in one set
 *   is skipped only when its answer cannot change the choice (the member
 *   is already related to an earlier leader, or there are 16 leaders) and
 *   an edge would change nothing.  So which rows lead, and so which pairs
 *   can join, depends on the run's own rows only, and a bucket computed
 *   by itself (nd_cluster_bucket: cluster_bucket_edges() and
 *   cluster_bucket_links() in SQL) gives edges whose union over every
 *   bucket has the components nd_cluster_run finds: the recipe of a
 *   sharded table (README) groups rows by band key and gets the same
 *   clusters.  The containment pass makes no unions (the similarity
 *   components are complete), and a pair inside one component proposes
 *   no container.
 *
 *   0.3.0 (keyed_runs false, kept for the C symbols of older catalogs).  A
 *   member that matches no leader becomes one; a pair already in one set
 *   counts as a match without verification, so the leaders depend on what
 *   other bands and buckets joined before, and the containment pass also
 *   joins similar pairs it finds.
 *
 * Pairs already in one set are otherwise skipped (a find per pair), which
 * makes the later bands of a duplicate group nearly free.  Either way the
 * same rows in the same order always give the same edges and clusters.
 *
 * Cost.  Per band: one pass over the rows to build keys (three hash steps
 * a row, more for the empty slots of short texts), a 3-pass radix sort of
 * 8-byte words, one pass over the runs; 128 bands, and with containment links 255 more.  Memory:
 * 24 bytes per row of scratch, plus the caller's union-find (5 bytes per
 * row).  Verification is one pass over 256 slots.
 *
 *-------------------------------------------------------------------------
 */
#include "cluster.h"

#include "bands.h"

#include <string.h>

#define TICK_ROWS 65536

/* ---------- verification ---------- */

NdEdgeKind
nd_cluster_verify(const NdSketch *a, const NdSketch *b, const NdEdgeRule *rule,
				  float *cab, float *cba)
{
	NdSketchCounts c;
	double		sim,
				ca,
				cb;

	*cab = *cba = 0.0f;
	/* the special cases of nd_sketch_similarity and nd_sketch_containment */
	if (a->nshingles == 0 || b->nshingles == 0)
	{
		double		v = (a->nshingles == 0 && b->nshingles == 0) ? 1.0 : 0.0;

		if ((float) v >= rule->sim_threshold)
			return ND_EDGE_SIMILAR;
		*cab = *cba = (float) v;
		return (rule->use_containment && (float) v >= rule->cont_threshold) ?
			ND_EDGE_CONTAINED : ND_EDGE_NONE;
	}

	nd_sketch_compare(a, b, &c);
	sim = c.unionbins > 0 ? (double) c.matches / c.unionbins : 0.0;
	if ((float) sim >= rule->sim_threshold)
		return ND_EDGE_SIMILAR;
	if (!rule->use_containment)
		return ND_EDGE_NONE;
	ca = c.abins > 0 ? (double) c.matches / c.abins : 0.0;
	cb = c.bbins > 0 ? (double) c.matches / c.bbins : 0.0;
	*cab = (float) ca;
	*cba = (float) cb;
	return ((float) ca >= rule->cont_threshold ||
			(float) cb >= rule->cont_threshold) ? ND_EDGE_CONTAINED : ND_EDGE_NONE;
}

bool
nd_cluster_edge(const NdSketch *a, const NdSketch *b, const NdEdgeRule *rule)
{
	float		cab,
				cba;

	return nd_cluster_verify(a, b, rule, &cab, &cba) != ND_EDGE_NONE;
}

/* ---------- union-find ---------- */

void
nd_uf_init(NdUnionFind *uf, uint32_t *parent, uint8_t *rank, size_t n)
{
	size_t		i;

	uf->parent = parent;
	uf->rank = rank;
	uf->n = n;
	for (i = 0; i < n; i++)
		parent[i] = (uint32_t) i;
	memset(rank, 0, n);
}

uint32_t
nd_uf_find(NdUnionFind *uf, uint32_t x)
{
	uint32_t   *p = uf->parent;

	while (p[x] != x)
	{
		p[x] = p[p[x]];			/* path halving */
		x = p[x];
	}
	return x;
}

bool
nd_uf_union(NdUnionFind *uf, uint32_t a, uint32_t b)
{
	a = nd_uf_find(uf, a);
	b = nd_uf_find(uf, b);
	if (a == b)
		return false;
	if (uf->rank[a] < uf->rank[b])
	{
		uint32_t	t = a;

		a = b;
		b = t;
	}
	uf->parent[b] = a;
	if (uf->rank[a] == uf->rank[b])
		uf->rank[a]++;
	return true;
}

/* ---------- band keys ---------- */

/*
 * The band layouts (bands.h): ND_CLUSTER_BANDS disjoint bands of two
 * slots, and for containment ND_CLUSTER_BANDS - 1 more on the slots in
 * between; every sketch densified by rotation, whose correlated slots
 * find the containment pairs of short excerpts that optimal densification
 * misses (doc/cluster.md).
 */
static const NdBandLayout sim_layout = {ND_CLUSTER_BANDS, 2, 0, 2, ND_DENSIFY_ALL,
ND_DENSIFY_ROTATION};
static const NdBandLayout link_layout = {ND_CLUSTER_BANDS - 1, 2, 1, 2, ND_DENSIFY_ALL,
ND_DENSIFY_ROTATION};

/* The 32-bit key of band b (0 <= b < ND_CLUSTER_ALL_BANDS) of sk. */
static inline bool
band_key(const NdSketch *sk, int b, uint32_t *key)
{
	uint64_t	h;
	bool		full = b < ND_CLUSTER_BANDS ?
		nd_band_hash(sk, &sim_layout, b, &h) :
		nd_band_hash(sk, &link_layout, b - ND_CLUSTER_BANDS, &h);

	if (full)
		*key = (uint32_t) (h >> 32);
	return full;
}

bool
nd_cluster_band_keys(const NdSketch *sk, uint32_t keys[ND_CLUSTER_ALL_BANDS])
{
	uint32_t	k[ND_CLUSTER_ALL_BANDS];

	for (int b = 0; b < ND_CLUSTER_ALL_BANDS; b++)
		if (!band_key(sk, b, &k[b]))
			return false;
	memcpy(keys, k, sizeof(k));
	return true;
}

/* ---------- the run ---------- */

#define NO_ROW UINT32_MAX

size_t
nd_cluster_work_size(size_t n)
{
	/* band words and their sort buffer, containment proposals */
	return 3 * n * sizeof(uint64_t);
}

/* What the band passes share. */
typedef struct RunState
{
	const NdSketch *const *sk;
	NdEdgeRule	rule;			/* of the current pass */
	NdUnionFind *uf;
	NdClusterStats *st;
	bool		links;			/* the containment pass */
	float	   *pscore;			/* per row: best containment found */
	uint32_t   *pto;			/* per row: the row it is in, or NO_ROW */
	/* nd_cluster_bucket: edges and proposals reported, not recorded */
	NdBucketEmit emit;
	void	   *emit_arg;
	void		(*tick) (void *);
	void	   *tick_arg;
} RunState;

/*
 * Row a (contained with estimate c in row b) records b as its container
 * when a is not the longer of the two (shingles; ties: the higher index is
 * the contained one) and b beats its current container: higher estimate,
 * then lower index.  When a is the longer, b is then mostly inside a too
 * and the other direction records it.
 */
static inline void
propose(RunState *rs, uint32_t a, uint32_t b, float c)
{
	const NdSketch *sa = rs->sk[a],
			   *sb = rs->sk[b];

	if (c < rs->rule.cont_threshold)
		return;
	if (sa->nshingles > sb->nshingles ||
		(sa->nshingles == sb->nshingles && a < b))
		return;
	if (rs->pto[a] == NO_ROW || c > rs->pscore[a] ||
		(c == rs->pscore[a] && b < rs->pto[a]))
	{
		rs->pscore[a] = c;
		rs->pto[a] = b;
	}
}

/*
 * Verifies a and b unless already joined (or already known as container
 * and contained); joins them on a similarity edge, records containment in
 * the containment pass.  True when the pair is related.
 */
static inline bool
try_pair(RunState *rs, uint32_t a, uint32_t b)
{
	float		cab,
				cba;

	if (nd_uf_find(rs->uf, a) == nd_uf_find(rs->uf, b))
		return true;
	if (rs->links && (rs->pto[a] == b || rs->pto[b] == a))
		return true;
	rs->st->comparisons++;
	switch (nd_cluster_verify(rs->sk[a], rs->sk[b], &rs->rule, &cab, &cba))
	{
		case ND_EDGE_SIMILAR:
			nd_uf_union(rs->uf, a, b);
			rs->st->unions++;
			return true;
		case ND_EDGE_CONTAINED:
			propose(rs, a, b, cab);
			propose(rs, b, a, cba);
			return true;
		case ND_EDGE_NONE:
			break;
	}
	return false;
}

/* Verifies the candidates of one run of rows r[0..k) sharing a band key. */
static void
verify_run(RunState *rs, const uint64_t *r, size_t k)
{
	size_t		i,
				j;

	if (k <= ND_CLUSTER_SMALL_RUN)
	{
		for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++)
				try_pair(rs, (uint32_t) r[i], (uint32_t) r[j]);
	}
	else
	{
		uint32_t	leaders[ND_CLUSTER_LEADERS];
		int			nleaders = 0,
					l;

		rs->st->big_runs++;
		for (i = 0; i < k; i++)
		{
			uint32_t	m = (uint32_t) r[i];
			bool		joined = false;

			for (l = 0; l < nleaders; l++)
				joined |= try_pair(rs, leaders[l], m);
			if (!joined && nleaders < ND_CLUSTER_LEADERS)
				leaders[nleaders++] = m;
		}
	}
}

/* ---------- the keyed run rule (0.4.0) ---------- */

/* Both containment estimates of a pair, as containment() computes them. */
static inline void
contain_both(const NdSketch *a, const NdSketch *b, float *cab, float *cba)
{
	NdSketchCounts c;

	if (a->nshingles == 0 || b->nshingles == 0)
	{
		*cab = *cba = (a->nshingles == 0 && b->nshingles == 0) ? 1.0f : 0.0f;
		return;
	}
	nd_sketch_compare(a, b, &c);
	*cab = (float) (c.abins > 0 ? (double) c.matches / c.abins : 0.0);
	*cba = (float) (c.bbins > 0 ? (double) c.matches / c.bbins : 0.0);
}

/* a in b at c: recorded (propose) or reported, when b may contain a. */
static inline void
offer(RunState *rs, uint32_t a, uint32_t b, float c)
{
	const NdSketch *sa = rs->sk[a],
			   *sb = rs->sk[b];

	if (rs->emit == NULL)
	{
		propose(rs, a, b, c);
		return;
	}
	if (c < rs->rule.cont_threshold)
		return;
	if (sa->nshingles > sb->nshingles ||
		(sa->nshingles == sb->nshingles && a < b))
		return;
	rs->emit(rs->emit_arg, a, b, c);
}

/*
 * Is the pair related (similar; in the containment pass: either contained
 * in the other at cont_threshold)?  Verified, except when skip says the
 * answer cannot matter (the caller's leader choice is made) and the pair
 * is in one set already, so that an edge changes nothing.  Similar pairs
 * are joined; in the containment pass no set changes (the similarity
 * components are complete) and pairs in one set propose nothing.
 */
static inline bool
keyed_pair(RunState *rs, uint32_t a, uint32_t b, bool skip)
{
	float		cab,
				cba;
	bool		same;

	if (rs->links)
	{
		if (rs->pto && (rs->pto[a] == b || rs->pto[b] == a))
			return true;		/* proposed already: contained */
		/* nd_cluster_bucket knows no components; its caller drops those */
		same = rs->emit == NULL &&
			nd_uf_find(rs->uf, a) == nd_uf_find(rs->uf, b);
		if (skip && same)
			return true;
		rs->st->comparisons++;
		contain_both(rs->sk[a], rs->sk[b], &cab, &cba);
		if (!same)
		{
			offer(rs, a, b, cab);
			offer(rs, b, a, cba);
		}
		return cab >= rs->rule.cont_threshold || cba >= rs->rule.cont_threshold;
	}
	if (skip && nd_uf_find(rs->uf, a) == nd_uf_find(rs->uf, b))
		return true;
	rs->st->comparisons++;
	if (nd_cluster_verify(rs->sk[a], rs->sk[b], &rs->rule, &cab, &cba) != ND_EDGE_SIMILAR)
		return false;
	if (nd_uf_union(rs->uf, a, b))
	{
		rs->st->unions++;
		if (rs->emit)
			rs->emit(rs->emit_arg, a, b, 1.0f);
	}
	return true;
}

/*
 * The keyed rule for the run r[0..k) (rows in key order): a run of up to
 * ND_CLUSTER_SMALL_RUN rows, every pair; a larger one, each member against
 * the leaders so far, and a member becomes a leader (while there are fewer
 * than ND_CLUSTER_LEADERS) iff it is related to none of them.  Which rows
 * lead depends on the run's rows alone, never on what other bands joined.
 */
static void
verify_run_keyed(RunState *rs, const uint64_t *r, size_t k)
{
	size_t		i,
				j;

	if (k <= ND_CLUSTER_SMALL_RUN)
	{
		for (i = 0; i < k; i++)
			for (j = i + 1; j < k; j++)
				keyed_pair(rs, (uint32_t) r[i], (uint32_t) r[j], true);
		return;
	}
	else
	{
		uint32_t	leaders[ND_CLUSTER_LEADERS];
		int			nleaders = 0,
					l;

		rs->st->big_runs++;
		for (i = 0; i < k; i++)
		{
			uint32_t	m = (uint32_t) r[i];
			bool		joined = false;

			for (l = 0; l < nleaders; l++)
				joined |= keyed_pair(rs, leaders[l], m,
									 joined || nleaders == ND_CLUSTER_LEADERS);
			if (!joined && nleaders < ND_CLUSTER_LEADERS)
				leaders[nleaders++] = m;
			if (rs->tick && (i & 1023) == 1023)
				rs->tick(rs->tick_arg);
		}
	}
}

size_t
nd_cluster_bucket_work_size(size_t k)
{
	/* the run, the bucket's union-find (parent, rank) */
	return k * sizeof(uint64_t) + k * sizeof(uint32_t) + ((k + 7) & ~(size_t) 7);
}

void
nd_cluster_bucket(const NdSketch *const *sk, size_t k, const NdEdgeRule *rule,
				  bool links, void *work, NdBucketEmit emit, void *emit_arg,
				  NdClusterStats *stats, void (*tick) (void *), void *tick_arg)
{
	uint64_t   *r = (uint64_t *) work;
	uint32_t   *parent = (uint32_t *) (r + k);
	uint8_t    *rank = (uint8_t *) (parent + k);
	NdUnionFind uf;
	NdClusterStats st;
	RunState	rs;
	size_t		i;

	memset(&st, 0, sizeof(st));
	memset(&rs, 0, sizeof(rs));
	nd_uf_init(&uf, parent, rank, k);
	for (i = 0; i < k; i++)
		r[i] = i;
	rs.sk = sk;
	rs.rule = *rule;
	rs.rule.use_containment = false;
	rs.uf = &uf;
	rs.st = &st;
	rs.links = links;
	rs.emit = emit;
	rs.emit_arg = emit_arg;
	rs.tick = tick;
	rs.tick_arg = tick_arg;
	if (k > 1)
		verify_run_keyed(&rs, r, k);
	if (stats)
		*stats = st;
}

/* Bands [0, nbands): keys, sort, runs. */
static void
band_pass(RunState *rs, size_t n, int nbands, uint64_t *a, uint64_t *tmp,
		  void (*tick) (void *), void *tick_arg)
{
	const NdSketch *const *sk = rs->sk;
	size_t		i;
	int			j;

	for (j = 0; j < nbands; j++)
	{
		size_t		m = 0,
					start,
					since_tick = 0;

		if (tick)
			tick(tick_arg);
		for (i = 0; i < n; i++)
		{
			uint32_t	key;

			if (band_key(sk[i], j, &key))
				a[m++] = ((uint64_t) key << 32) | i;
		}
		rs->st->band_entries += m;

		nd_radix_sort_u64(a, tmp, m, 32);
		if (tick)
			tick(tick_arg);

		for (start = 0; start < m;)
		{
			uint32_t	key = (uint32_t) (a[start] >> 32);
			size_t		end = start + 1;

			while (end < m && (uint32_t) (a[end] >> 32) == key)
				end++;
			if (end - start > 1)
			{
				if (rs->rule.keyed_runs)
					verify_run_keyed(rs, a + start, end - start);
				else
					verify_run(rs, a + start, end - start);
				/* a big run costs up to 16 verifications a row */
				since_tick += (end - start) * (end - start > ND_CLUSTER_SMALL_RUN ?
											   ND_CLUSTER_LEADERS : 1);
			}
			since_tick += 1;
			if (tick && since_tick >= TICK_ROWS)
			{
				tick(tick_arg);
				since_tick = 0;
			}
			start = end;
		}
	}
}

/*
 * Joins each similarity component to the component of the best container
 * of its rows, at most one link per component.  The links are chosen
 * before any is made, so a component's link never depends on another's.
 * best and target are scratch arrays of n words.
 */
static void
link_containers(RunState *rs, size_t n, uint64_t *best, uint64_t *target)
{
	size_t		i;

	memset(best, 0, n * sizeof(uint64_t));
	for (i = 0; i < n; i++)
	{
		uint32_t	r,
					bits;
		uint64_t	key;

		if (rs->pto[i] == NO_ROW)
			continue;
		r = nd_uf_find(rs->uf, (uint32_t) i);
		if (r == nd_uf_find(rs->uf, rs->pto[i]))
			continue;			/* joined by similarity since */
		/* a score >= 0 orders as its bits; then the lower container row */
		memcpy(&bits, &rs->pscore[i], sizeof(bits));
		key = ((uint64_t) bits << 32) | (uint64_t) (NO_ROW - rs->pto[i]);
		if (key > best[r])
			best[r] = key;
	}
	for (i = 0; i < n; i++)
		target[i] = best[i] ?
			nd_uf_find(rs->uf, NO_ROW - (uint32_t) best[i]) : NO_ROW;
	for (i = 0; i < n; i++)
		if (target[i] != NO_ROW &&
			nd_uf_union(rs->uf, (uint32_t) i, (uint32_t) target[i]))
		{
			rs->st->unions++;
			rs->st->containment_links++;
		}
}

void
nd_cluster_run(const NdSketch *const *sk, size_t n, const NdEdgeRule *rule,
			   NdUnionFind *uf, void *work, NdClusterStats *stats,
			   void (*tick) (void *), void *tick_arg)
{
	nd_cluster_run_ex(sk, n, rule, uf, work, stats, tick, tick_arg, NULL);
}

void
nd_cluster_simcl(NdUnionFind *uf, size_t n, uint32_t *simcl)
{
	size_t		i;

	/* simcl[root] = lowest row of the set (rows ascend), then per row */
	for (i = 0; i < n; i++)
		simcl[i] = NO_ROW;
	for (i = 0; i < n; i++)
	{
		uint32_t	r = nd_uf_find(uf, (uint32_t) i);

		if (simcl[r] == NO_ROW || simcl[r] > (uint32_t) i)
			simcl[r] = (uint32_t) i;
	}
	for (i = 0; i < n; i++)
	{
		uint32_t	r = nd_uf_find(uf, (uint32_t) i);

		if ((uint32_t) i != r)
			simcl[i] = simcl[r];
	}
}

void
nd_cluster_run_ex(const NdSketch *const *sk, size_t n, const NdEdgeRule *rule,
				  NdUnionFind *uf, void *work, NdClusterStats *stats,
				  void (*tick) (void *), void *tick_arg, uint32_t *simcl)
{
	uint64_t   *a = (uint64_t *) work;
	uint64_t   *tmp = a + n;
	float	   *pscore = (float *) (tmp + n);
	uint32_t   *pto = (uint32_t *) (pscore + n);
	NdClusterStats st;
	RunState	rs;
	size_t		i;
	int64_t		first_empty = -1;

	memset(&st, 0, sizeof(st));

	/* Texts with no shingles are all alike (similarity 1). */
	for (i = 0; i < n; i++)
	{
		if (sk[i]->nshingles == 0)
		{
			if (first_empty < 0)
				first_empty = (int64_t) i;
			else if (nd_uf_union(uf, (uint32_t) first_empty, (uint32_t) i))
				st.unions++;
		}
	}

	/* the similarity components */
	memset(&rs, 0, sizeof(rs));
	rs.sk = sk;
	rs.rule = *rule;
	rs.rule.use_containment = false;
	rs.uf = uf;
	rs.tick = tick;
	rs.tick_arg = tick_arg;
	rs.st = &st;
	rs.links = false;
	rs.pscore = pscore;
	rs.pto = pto;
	band_pass(&rs, n, ND_CLUSTER_BANDS, a, tmp, tick, tick_arg);
	if (simcl)
		nd_cluster_simcl(uf, n, simcl);

	/* containment: every row's best container, then one link a component */
	if (rule->use_containment)
	{
		for (i = 0; i < n; i++)
			pto[i] = NO_ROW;
		rs.rule.use_containment = true;
		rs.links = true;
		band_pass(&rs, n, ND_CLUSTER_ALL_BANDS, a, tmp, tick, tick_arg);
		if (tick)
			tick(tick_arg);
		link_containers(&rs, n, a, tmp);
	}
	if (stats)
		*stats = st;
}

/* ---------- representatives and output order ---------- */

void
nd_cluster_finish(NdUnionFind *uf, const NdSketch *const *sk, size_t n,
				  NdRepRule rule, uint32_t *rep, uint32_t *size,
				  uint32_t *order, uint32_t *tmp)
{
	size_t		i;
	uint32_t	sum = 0;

	/* tmp[i] = root of i; order[root] = best row of the set so far */
	for (i = 0; i < n; i++)
	{
		tmp[i] = nd_uf_find(uf, (uint32_t) i);
		order[i] = UINT32_MAX;
	}
	for (i = 0; i < n; i++)
	{
		uint32_t	r = tmp[i];
		uint32_t	b = order[r];

		if (b == UINT32_MAX ||
			(rule == ND_REP_LONGEST && sk[i]->ntokens > sk[b]->ntokens))
			order[r] = (uint32_t) i;
	}
	memset(size, 0, n * sizeof(uint32_t));
	for (i = 0; i < n; i++)
	{
		rep[i] = order[tmp[i]];
		size[rep[i]]++;
	}

	/* counting sort by representative; rows ascend within a cluster */
	for (i = 0; i < n; i++)
	{
		tmp[i] = sum;
		sum += size[i];
	}
	for (i = 0; i < n; i++)
		order[tmp[rep[i]]++] = (uint32_t) i;
}
