/*
 * test_cluster.c -- unit tests of src/core/cluster.c: union-find, radix
 * sort, the edge rule, the LSH band keys, the clustering against brute
 * force on generated texts (with the measured recall printed as TAP
 * comments), representatives and determinism.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "sketch.h"
#include "unit.h"

/* ---------- a deterministic generator ---------- */

/* unit_rng() of unit.h, from its default seed */
#define rng unit_rng

static unsigned
rnd(unsigned n)
{
	return (unsigned) (rng() % n);
}

/* A text is a list of word numbers; words are spelled "w<number>". */
typedef struct Words
{
	unsigned   *w;
	size_t		n;
} Words;

static Words
words_random(size_t n, unsigned vocab)
{
	Words		t;
	size_t		i;

	t.w = malloc((n ? n : 1) * sizeof(unsigned));
	t.n = n;
	for (i = 0; i < n; i++)
		t.w[i] = rnd(vocab);
	return t;
}

/* A copy with each word substituted/deleted/followed by an insertion at rate per mille. */
static Words
words_edit(const Words *src, unsigned rate, unsigned vocab)
{
	Words		t;
	size_t		i;

	t.w = malloc((2 * src->n + 1) * sizeof(unsigned));
	t.n = 0;
	for (i = 0; i < src->n; i++)
	{
		unsigned	r = rnd(3000);

		if (r < rate)
			t.w[t.n++] = rnd(vocab);	/* substitute */
		else if (r < 2 * rate)
			;					/* delete */
		else if (r < 3 * rate)
		{
			t.w[t.n++] = src->w[i];
			t.w[t.n++] = rnd(vocab);	/* insert */
		}
		else
			t.w[t.n++] = src->w[i];
	}
	return t;
}

/* The words [from, from + len) of src. */
static Words
words_slice(const Words *src, size_t from, size_t len)
{
	Words		t;

	t.w = malloc((len ? len : 1) * sizeof(unsigned));
	t.n = len;
	memcpy(t.w, src->w + from, len * sizeof(unsigned));
	return t;
}

static NdSketch
words_sketch(const Words *t)
{
	char	   *buf = malloc(t->n * 12 + 1);
	size_t		len = 0,
				i;
	NdSketch	k;

	for (i = 0; i < t->n; i++)
		len += (size_t) sprintf(buf + len, "w%u ", t->w[i]);
	nd_sketch_text(buf, len, ND_SHINGLE_DEFAULT, &k, NULL, NULL);
	free(buf);
	return k;
}

static NdSketch
text_sketch(const char *s)
{
	NdSketch	k;

	nd_sketch_text(s, strlen(s), ND_SHINGLE_DEFAULT, &k, NULL, NULL);
	return k;
}

/* ---------- clustering helpers ---------- */

typedef struct Result
{
	uint32_t   *rep;
	uint32_t   *size;
	uint32_t   *order;
	NdClusterStats stats;
} Result;

static Result
cluster(NdSketch *sk, size_t n, const NdEdgeRule *rule, NdRepRule reprule)
{
	const NdSketch **p = malloc((n + 1) * sizeof(*p));
	uint32_t   *parent = malloc((n + 1) * sizeof(uint32_t));
	uint8_t    *rank = malloc(n + 1);
	uint32_t   *tmp = malloc((n + 1) * sizeof(uint32_t));
	void	   *work = malloc(nd_cluster_work_size(n) + 8);
	NdUnionFind uf;
	Result		r;
	size_t		i;

	for (i = 0; i < n; i++)
		p[i] = &sk[i];
	r.rep = malloc((n + 1) * sizeof(uint32_t));
	r.size = malloc((n + 1) * sizeof(uint32_t));
	r.order = malloc((n + 1) * sizeof(uint32_t));
	nd_uf_init(&uf, parent, rank, n);
	nd_cluster_run(p, n, rule, &uf, work, &r.stats, NULL, NULL);
	nd_cluster_finish(&uf, p, n, reprule, r.rep, r.size, r.order, tmp);
	free(p);
	free(parent);
	free(rank);
	free(tmp);
	free(work);
	return r;
}

static void
result_free(Result *r)
{
	free(r->rep);
	free(r->size);
	free(r->order);
}

/*
 * Brute force, written independently of cluster.c's passes: the
 * similarity components over all pairs; with containment, every row's
 * best container among all rows of other components (highest estimate,
 * in a row at least as long, ties: the lower index), then each component
 * joined to the component of its rows' best container.  Returns the
 * representative (lowest index) of each row.
 */
static uint32_t *
brute_force(NdSketch *sk, size_t n, const NdEdgeRule *rule)
{
	uint32_t   *parent = malloc((n + 1) * sizeof(uint32_t));
	uint8_t    *rank = malloc(n + 1);
	uint32_t   *low = malloc((n + 1) * sizeof(uint32_t));
	uint32_t   *rep = malloc((n + 1) * sizeof(uint32_t));
	NdEdgeRule	simrule = *rule;
	NdUnionFind uf;
	size_t		i,
				j;

	simrule.use_containment = false;
	nd_uf_init(&uf, parent, rank, n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (nd_cluster_edge(&sk[i], &sk[j], &simrule))
				nd_uf_union(&uf, (uint32_t) i, (uint32_t) j);
	if (rule->use_containment)
	{
		float	   *best = malloc((n + 1) * sizeof(float));	/* per row */
		uint32_t   *to = malloc((n + 1) * sizeof(uint32_t));
		float	   *cbest = malloc((n + 1) * sizeof(float));	/* per root */
		uint32_t   *cto = malloc((n + 1) * sizeof(uint32_t));
		uint32_t   *target = malloc((n + 1) * sizeof(uint32_t));

		for (i = 0; i < n; i++)
		{
			to[i] = cto[i] = UINT32_MAX;
			for (j = 0; j < n; j++)
			{
				float		cij,
							cji;
				bool		shorter;

				if (i == j || nd_uf_find(&uf, (uint32_t) i) == nd_uf_find(&uf, (uint32_t) j))
					continue;
				shorter = sk[i].nshingles < sk[j].nshingles ||
					(sk[i].nshingles == sk[j].nshingles && i > j);
				if (!shorter ||
					nd_cluster_verify(&sk[i], &sk[j], rule, &cij, &cji) != ND_EDGE_CONTAINED ||
					cij < rule->cont_threshold)
					continue;
				if (to[i] == UINT32_MAX || cij > best[i] || (cij == best[i] && j < to[i]))
				{
					best[i] = cij;
					to[i] = (uint32_t) j;
				}
			}
		}
		for (i = 0; i < n; i++)
		{
			uint32_t	r = nd_uf_find(&uf, (uint32_t) i);

			if (to[i] == UINT32_MAX)
				continue;
			if (cto[r] == UINT32_MAX || best[i] > cbest[r] || (best[i] == cbest[r] && to[i] < cto[r]))
			{
				cbest[r] = best[i];
				cto[r] = to[i];
			}
		}
		for (i = 0; i < n; i++)
			target[i] = cto[i] == UINT32_MAX ? UINT32_MAX : nd_uf_find(&uf, cto[i]);
		for (i = 0; i < n; i++)
			if (target[i] != UINT32_MAX)
				nd_uf_union(&uf, (uint32_t) i, target[i]);
		free(best);
		free(to);
		free(cbest);
		free(cto);
		free(target);
	}
	for (i = 0; i < n; i++)
		low[i] = UINT32_MAX;
	for (i = 0; i < n; i++)
	{
		uint32_t	r = nd_uf_find(&uf, (uint32_t) i);

		if (low[r] == UINT32_MAX)
			low[r] = (uint32_t) i;
	}
	for (i = 0; i < n; i++)
		rep[i] = low[nd_uf_find(&uf, (uint32_t) i)];
	free(parent);
	free(rank);
	free(low);
	return rep;
}

static bool
share_band(const uint32_t *ka, const uint32_t *kb, int nbands)
{
	int			j;

	for (j = 0; j < nbands; j++)
		if (ka[j] == kb[j])
			return true;
	return false;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a >> 20,
				y = *(const uint64_t *) b >> 20;

	return x < y ? -1 : x > y;
}

/* ---------- tests ---------- */

static void
test_union_find(void)
{
	uint32_t	parent[10];
	uint8_t		rank[10];
	NdUnionFind uf;

	nd_uf_init(&uf, parent, rank, 10);
	CHECK(nd_uf_find(&uf, 7) == 7, "uf: singleton is its own root");
	CHECK(nd_uf_union(&uf, 1, 2), "uf: union of two sets");
	CHECK(nd_uf_union(&uf, 3, 2), "uf: union into a set");
	CHECK(!nd_uf_union(&uf, 1, 3), "uf: union within a set is a no-op");
	CHECK(nd_uf_find(&uf, 1) == nd_uf_find(&uf, 3), "uf: transitive");
	CHECK(nd_uf_find(&uf, 1) != nd_uf_find(&uf, 4), "uf: others stay apart");
}

static void
test_radix(void)
{
	size_t		n = 100000,
				i;
	uint64_t   *a = malloc(n * sizeof(uint64_t));
	uint64_t   *b = malloc(n * sizeof(uint64_t));
	uint64_t   *tmp = malloc(n * sizeof(uint64_t));
	bool		ok = true;

	/* top 44 bits: key (few distinct values), low 20 bits: input position */
	for (i = 0; i < n; i++)
		a[i] = b[i] = ((rng() % 5000) << 20) | i;
	nd_radix_sort_u64(a, tmp, n, 20);
	qsort(b, n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < n; i++)
		ok &= (a[i] >> 20) == (b[i] >> 20);
	CHECK(ok, "radix: sorts like qsort on the key bits");
	ok = true;
	for (i = 1; i < n; i++)
		if ((a[i] >> 20) == (a[i - 1] >> 20))
			ok &= (a[i] & 0xFFFFF) > (a[i - 1] & 0xFFFFF);
	CHECK(ok, "radix: stable (equal keys keep input order)");

	for (i = 0; i < n; i++)
		a[i] = (UINT64_C(7) << 40) | (n - i);
	nd_radix_sort_u64(a, tmp, n, 32);
	CHECK(a[0] == ((UINT64_C(7) << 40) | n), "radix: constant key keeps order");
	nd_radix_sort_u64(a, tmp, 0, 32);
	CHECK(true, "radix: empty input");
	free(a);
	free(b);
	free(tmp);
}

static void
test_edge_rule(void)
{
	const char *texts[] = {
		"the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres",
		"the harbour authority on tuesday approved a plan to deepen the northern channel by three metres",
		"the harbour authority on tuesday approved a plan",
		"negotiators were to meet in the qatari capital again on friday",
		"",
		"two words",
	};
	size_t		nt = sizeof(texts) / sizeof(texts[0]),
				i,
				j;
	NdSketch	sk[6];
	bool		ok = true;
	float		thr[] = {0.0f, 0.2f, 0.3f, 0.5f, 0.7f, 1.0f};

	for (i = 0; i < nt; i++)
		sk[i] = text_sketch(texts[i]);
	for (i = 0; i < nt; i++)
		for (j = 0; j < nt; j++)
		{
			size_t		t;

			for (t = 0; t < 6; t++)
			{
				NdEdgeRule	s = {thr[t], false, 0.0f, false};
				NdEdgeRule	c = {1.5f, true, thr[t], false};
				bool		se = (float) nd_sketch_similarity(&sk[i], &sk[j]) >= thr[t];
				bool		ce = (float) nd_sketch_containment(&sk[i], &sk[j]) >= thr[t] ||
					(float) nd_sketch_containment(&sk[j], &sk[i]) >= thr[t];

				ok &= nd_cluster_edge(&sk[i], &sk[j], &s) == se;
				ok &= nd_cluster_edge(&sk[i], &sk[j], &c) == ce;
			}
		}
	CHECK(ok, "edge: same decisions as nd_sketch_similarity/containment");
	{
		NdEdgeRule	r = {0.5f, false, 0.0f, false};

		CHECK(nd_cluster_edge(&sk[4], &sk[4], &r), "edge: two empty texts are alike");
		CHECK(!nd_cluster_edge(&sk[4], &sk[5], &r), "edge: empty and non-empty are not");
	}
}

static void
test_band_keys(void)
{
	NdSketch	a = text_sketch("one two three four five"),
				b = text_sketch("one two three four five"),
				e = text_sketch("");
	uint32_t	ka[ND_CLUSTER_ALL_BANDS],
				kb[ND_CLUSTER_ALL_BANDS];
	int			j,
				distinct = 0;

	CHECK(nd_cluster_band_keys(&a, ka), "bands: a short text has keys");
	nd_cluster_band_keys(&b, kb);
	CHECK(memcmp(ka, kb, sizeof(ka)) == 0, "bands: equal texts, equal keys");
	for (j = 1; j < ND_CLUSTER_BANDS; j++)
		distinct += ka[j] != ka[j - 1];
	CHECK(distinct > 100, "bands: densified keys of a short text vary by band");
	CHECK(!nd_cluster_band_keys(&e, ka), "bands: an empty text has none");
}

/*
 * A generated corpus: groups of edited copies, truncations (containment),
 * short texts and empty ones; compare with brute force and print recall.
 */
static void
test_corpus(void)
{
	enum
	{
		NBASE = 200, PER = 8
	};
	size_t		cap = NBASE * PER + 200,
				n = 0,
				i,
				j;
	NdSketch   *sk = malloc(cap * sizeof(NdSketch));
	uint32_t  (*keys)[ND_CLUSTER_ALL_BANDS] = malloc(cap * sizeof(*keys));
	bool	   *haskeys = malloc(cap);
	unsigned	vocab = 20000;
	NdEdgeRule	rules[3] = {{0.5f, false, 0.0f, false}, {0.3f, false, 0.0f, false}, {0.5f, true, 0.5f, false}};
	const char *rulename[3] = {"sim 0.5", "sim 0.3", "sim 0.5 or containment 0.5"};
	int			ri;

	for (i = 0; i < NBASE; i++)
	{
		Words		base = words_random(50 + rnd(700), vocab);
		int			k;

		sk[n++] = words_sketch(&base);
		for (k = 1; k < PER; k++)
		{
			Words		v;

			switch (rnd(4))
			{
				case 0:			/* light edit */
				case 1:
					v = words_edit(&base, 5 + rnd(60), vocab);
					break;
				case 2:			/* a part of it (containment) */
					{
						size_t		len = base.n / (2 + rnd(8)) + 1;

						v = words_slice(&base, rnd((unsigned) (base.n - len + 1)), len);
					}
					break;
				default:		/* heavy edit */
					v = words_edit(&base, 150 + rnd(250), vocab);
					break;
			}
			sk[n++] = words_sketch(&v);
			free(v.w);
		}
		free(base.w);
	}
	/* short texts: some repeated, and empty ones */
	for (i = 0; i < 150; i++)
	{
		Words		s = words_random(1 + rnd(4), 30);

		sk[n++] = words_sketch(&s);
		free(s.w);
	}
	for (i = 0; i < 3; i++)
		sk[n++] = text_sketch("");

	for (i = 0; i < n; i++)
		haskeys[i] = nd_cluster_band_keys(&sk[i], keys[i]);

	for (ri = 0; ri < 3; ri++)
	{
		const NdEdgeRule *rule = &rules[ri];
		Result		r = cluster(sk, n, rule, ND_REP_FIRST);
		uint32_t   *bf = brute_force(sk, n, rule);
		bool		same = true;
		size_t		edges = 0,
					found = 0,
					margin = 0,
					margin_found = 0,
					tiny = 0,
					tiny_found = 0,
					bin_all[10] = {0},
					bin_found[10] = {0};
		char		name[160];

		for (i = 0; i < n; i++)
			same &= r.rep[i] == bf[i];
		if (!rule->use_containment)
		{
			snprintf(name, sizeof(name), "corpus (%s): clusters equal brute force", rulename[ri]);
			CHECK(same, name);
		}
		else
		{
			/*
			 * Containment of a tiny text in a long one can be missed by
			 * the bands, and then a row's best container is another.
			 */
			size_t		diff = 0,
						largest = 0;
			uint32_t   *cnt = calloc(n + 1, sizeof(uint32_t));

			for (i = 0; i < n; i++)
			{
				diff += r.rep[i] != bf[i];
				if (++cnt[r.rep[i]] > largest)
					largest = cnt[r.rep[i]];
			}
			free(cnt);
			snprintf(name, sizeof(name), "corpus (%s): clusters equal brute force but for < 1%% of rows", rulename[ri]);
			CHECK(diff * 100 < n, name);
			snprintf(name, sizeof(name), "corpus (%s): no cluster larger than a story's %d versions and a few short texts",
					 rulename[ri], (int) PER);
			CHECK(largest <= 2 * PER, name);
			printf("#   largest cluster: %zu rows, %llu containment links\n", largest,
				   (unsigned long long) r.stats.containment_links);
		}
		if (!same)
		{
			size_t		diff = 0;

			for (i = 0; i < n; i++)
				diff += r.rep[i] != bf[i];
			printf("#   %zu of %zu rows differ\n", diff, n);
		}

		/* band-level recall of the edges (before union-find helps) */
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
			{
				double		sim;
				bool		hit;

				if (!nd_cluster_edge(&sk[i], &sk[j], rule) ||
					sk[i].nshingles == 0 || sk[j].nshingles == 0)
					continue;
				sim = nd_sketch_similarity(&sk[i], &sk[j]);
				hit = haskeys[i] && haskeys[j] && share_band(keys[i], keys[j],
													 rule->use_containment ? ND_CLUSTER_ALL_BANDS : ND_CLUSTER_BANDS);
				edges++;
				found += hit;
				bin_all[sim >= 1.0 ? 9 : (int) (sim * 10)]++;
				bin_found[sim >= 1.0 ? 9 : (int) (sim * 10)] += hit;
				if (sim < 0.05)
				{
					tiny++;
					tiny_found += hit;
				}
				if ((float) sim >= (rule->use_containment ? 0.1f : rule->sim_threshold + 0.05f))
				{
					margin++;
					margin_found += hit;
				}
			}
		printf("# %s: %zu rows, %zu edges, %zu share a band (%.4f); "
			   "%zu of %zu at J >= %s; %zu of %zu at J < 0.05; %llu verifications, %llu big runs\n",
			   rulename[ri], n, edges, found, edges ? (double) found / edges : 1.0,
			   margin_found, margin, rule->use_containment ? "0.1" : "threshold + 0.05",
			   tiny_found, tiny,
			   (unsigned long long) r.stats.comparisons,
			   (unsigned long long) r.stats.big_runs);
		for (i = 0; i < 10; i++)
			if (bin_all[i])
				printf("#   J in [%.1f, %.1f): %zu of %zu edges share a band\n",
					   i / 10.0, (i + 1) / 10.0, bin_found[i], bin_all[i]);
		snprintf(name, sizeof(name), "corpus (%s): every edge at J >= %s shares a band",
				 rulename[ri], rule->use_containment ? "0.1" : "threshold + 0.05");
		CHECK(margin_found == margin, name);
		free(bf);
		result_free(&r);
	}
	free(sk);
	free(keys);
	free(haskeys);
}

static void
test_reps_and_order(void)
{
	/* rows: 0 short, 1 long copy of 0's story, 2 unrelated, 3 = 0 */
	const char *base = "the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres a project it says";
	NdSketch	sk[5];
	NdEdgeRule	rule = {0.5f, false, 0.0f, false};
	Result		r;

	sk[0] = text_sketch(base);
	sk[1] = text_sketch("the harbour authority on tuesday approved a plan to deepen the northern shipping channel by two metres a project it says will");
	sk[2] = text_sketch("negotiators were to meet in the qatari capital again on friday in an effort to hammer out an agreement");
	sk[3] = text_sketch(base);
	sk[4] = text_sketch("");

	r = cluster(sk, 5, &rule, ND_REP_FIRST);
	CHECK(r.rep[0] == 0 && r.rep[1] == 0 && r.rep[3] == 0, "reps first: lowest index");
	CHECK(r.rep[2] == 2 && r.rep[4] == 4, "reps first: singletons represent themselves");
	CHECK(r.size[0] == 3 && r.size[2] == 1 && r.size[4] == 1, "sizes");
	CHECK(r.order[0] == 0 && r.order[1] == 1 && r.order[2] == 3 &&
		  r.order[3] == 2 && r.order[4] == 4, "order: by representative, then row");
	result_free(&r);

	r = cluster(sk, 5, &rule, ND_REP_LONGEST);
	CHECK(r.rep[0] == 1 && r.rep[3] == 1 && r.rep[1] == 1, "reps longest: most tokens");
	CHECK(r.order[0] == 0 && r.order[1] == 1 && r.order[2] == 3, "order: by representative index");
	result_free(&r);
}

static void
test_big_runs(void)
{
	size_t		n = 2000,
				i;
	NdSketch   *sk = malloc(n * sizeof(NdSketch));
	NdEdgeRule	rule = {0.5f, false, 0.0f, false};
	Result		r;
	Result		r2;
	bool		ok = true;

	/* 1000 copies of one text, interleaved with 1000 one-word texts over 3 words */
	for (i = 0; i < n; i++)
	{
		if (i % 2 == 0)
			sk[i] = text_sketch("subscribe to our newsletter for the latest news");
		else
		{
			char		w[16];

			snprintf(w, sizeof(w), "x%zu", i % 3);
			sk[i] = text_sketch(w);
		}
	}
	r = cluster(sk, n, &rule, ND_REP_FIRST);
	for (i = 0; i < n; i++)
		ok &= r.rep[i] == (i % 2 == 0 ? 0 : (i % 3 == 1 ? 1 : (i % 3 == 2 ? 5 : 3)));
	CHECK(ok, "big runs: copies cluster together, nothing else joins");
	CHECK(r.stats.big_runs > 0, "big runs: the leader path was taken");
	CHECK(r.stats.comparisons < n * 4, "big runs: verifications stay linear");
	r2 = cluster(sk, n, &rule, ND_REP_FIRST);
	CHECK(memcmp(r.rep, r2.rep, n * sizeof(uint32_t)) == 0 &&
		  memcmp(r.order, r2.order, n * sizeof(uint32_t)) == 0, "deterministic");
	result_free(&r);
	result_free(&r2);
	free(sk);
}

/*
 * Containment links: a short text contained in two unrelated articles
 * joins one of them, not both; an excerpt joins its article.
 */
static void
test_containment_links(void)
{
	Words		s = words_random(30, 20000),
				a = words_random(400, 20000),
				b = words_random(400, 20000),
				la,
				lb,
				ex;
	NdSketch	sk[4];
	NdEdgeRule	rule = {0.5f, true, 0.5f, false},
				plain = {0.5f, false, 0.0f, false};
	Result		r;
	uint32_t   *bf;
	size_t		i;

	la.n = a.n + s.n;
	la.w = malloc(la.n * sizeof(unsigned));
	memcpy(la.w, a.w, a.n * sizeof(unsigned));
	memcpy(la.w + a.n, s.w, s.n * sizeof(unsigned));
	lb.n = b.n + s.n;
	lb.w = malloc(lb.n * sizeof(unsigned));
	memcpy(lb.w, s.w, s.n * sizeof(unsigned));
	memcpy(lb.w + s.n, b.w, b.n * sizeof(unsigned));
	ex = words_slice(&a, 100, 120);
	sk[0] = words_sketch(&la);	/* article A with the paragraph S */
	sk[1] = words_sketch(&lb);	/* unrelated article B with S */
	sk[2] = words_sketch(&s);	/* S alone */
	sk[3] = words_sketch(&ex);	/* an excerpt of A */

	CHECK(nd_sketch_containment(&sk[2], &sk[0]) >= 0.5f &&
		  nd_sketch_containment(&sk[2], &sk[1]) >= 0.5f &&
		  nd_sketch_containment(&sk[3], &sk[0]) >= 0.5f &&
		  nd_sketch_similarity(&sk[0], &sk[1]) < 0.5f,
		  "links: S is in A and in B, the excerpt in A, A and B are not alike");
	r = cluster(sk, 4, &rule, ND_REP_FIRST);
	CHECK(r.rep[0] != r.rep[1], "links: two articles sharing a paragraph stay apart");
	CHECK((r.rep[2] == r.rep[0]) != (r.rep[2] == r.rep[1]), "links: the paragraph joins one of them");
	CHECK(r.rep[3] == r.rep[0], "links: the excerpt joins its article");
	CHECK(r.stats.containment_links == 2, "links: two links made");
	bf = brute_force(sk, 4, &rule);
	for (i = 0; i < 4; i++)
		CHECK(r.rep[i] == bf[i], "links: as brute force");
	free(bf);
	result_free(&r);
	r = cluster(sk, 4, &plain, ND_REP_FIRST);
	CHECK(r.rep[0] == 0 && r.rep[1] == 1 && r.rep[2] == 2 && r.rep[3] == 3,
		  "links: none without containment");
	result_free(&r);
	free(s.w);
	free(a.w);
	free(b.w);
	free(la.w);
	free(lb.w);
	free(ex.w);
}

/* ---------- the keyed run rule and its buckets (0.4.0) ---------- */

/* One (band, key) entry of the bucket reconstruction. */
typedef struct BandEntry
{
	uint64_t	key;			/* band << 32 | key */
	uint32_t	row;
} BandEntry;

static int
band_entry_cmp(const void *x, const void *y)
{
	const BandEntry *a = x,
			   *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->row < b->row ? -1 : a->row > b->row;
}

typedef struct Recon
{
	NdUnionFind *uf;
	const uint32_t *rows;		/* bucket index -> row */
	/* containment: per component root, best (score, container) */
	float	   *bscore;
	uint32_t   *bto;
	bool		links;
} Recon;

static void
recon_emit(void *arg, uint32_t a, uint32_t b, float score)
{
	Recon	   *rc = arg;
	uint32_t	ra = rc->rows[a],
				rb = rc->rows[b],
				r;

	if (!rc->links)
	{
		nd_uf_union(rc->uf, ra, rb);
		return;
	}
	r = nd_uf_find(rc->uf, ra);
	if (r == nd_uf_find(rc->uf, rb))
		return;
	if (rc->bto[r] == UINT32_MAX || score > rc->bscore[r] ||
		(score == rc->bscore[r] && rb < rc->bto[r]))
	{
		rc->bscore[r] = score;
		rc->bto[r] = rb;
	}
}

/*
 * The clusters rebuilt from nd_cluster_bucket alone, as the SQL recipe
 * does: every band's buckets by themselves, the edges' components; with
 * containment, each component joined to its best proposed container in
 * another component.  Representatives: lowest row.
 */
static uint32_t *
recon_buckets(const NdSketch *sk, size_t n, const NdEdgeRule *rule)
{
	uint32_t	(*keys)[ND_CLUSTER_ALL_BANDS] = malloc((n + 1) * sizeof(*keys));
	bool	   *has = malloc(n + 1);
	BandEntry  *e = malloc((n * ND_CLUSTER_ALL_BANDS + 1) * sizeof(BandEntry));
	uint32_t   *rows = malloc((n + 1) * sizeof(uint32_t));
	const NdSketch **bsk = malloc((n + 1) * sizeof(*bsk));
	void	   *work = malloc(nd_cluster_bucket_work_size(n + 1) + 8);
	uint32_t   *parent = malloc((n + 1) * sizeof(uint32_t)),
			   *rep = malloc((n + 1) * sizeof(uint32_t)),
			   *target = malloc((n + 1) * sizeof(uint32_t));
	uint8_t    *rank = malloc(n + 1);
	NdUnionFind uf;
	Recon		rc;
	size_t		i,
				m,
				s,
				t;
	int			pass;
	int64_t		first_empty = -1;

	nd_uf_init(&uf, parent, rank, n);
	rc.uf = &uf;
	rc.rows = rows;
	rc.bscore = malloc((n + 1) * sizeof(float));
	rc.bto = malloc((n + 1) * sizeof(uint32_t));
	for (i = 0; i < n; i++)
	{
		has[i] = nd_cluster_band_keys(&sk[i], keys[i]);
		rc.bto[i] = UINT32_MAX;
		if (sk[i].nshingles == 0)
		{
			if (first_empty < 0)
				first_empty = (int64_t) i;
			else
				nd_uf_union(&uf, (uint32_t) first_empty, (uint32_t) i);
		}
	}
	for (pass = 0; pass < (rule->use_containment ? 2 : 1); pass++)
	{
		int			nb = pass ? ND_CLUSTER_ALL_BANDS : ND_CLUSTER_BANDS;

		rc.links = pass == 1;
		m = 0;
		for (i = 0; i < n; i++)
			if (has[i])
				for (int b = 0; b < nb; b++)
				{
					e[m].key = ((uint64_t) b << 32) | keys[i][b];
					e[m++].row = (uint32_t) i;
				}
		qsort(e, m, sizeof(BandEntry), band_entry_cmp);
		for (s = 0; s < m; s = t)
		{
			for (t = s + 1; t < m && e[t].key == e[s].key; t++)
				;
			if (t - s < 2)
				continue;
			for (i = s; i < t; i++)
			{
				rows[i - s] = e[i].row;
				bsk[i - s] = &sk[e[i].row];
			}
			nd_cluster_bucket(bsk, t - s, rule, rc.links, work, recon_emit, &rc,
							  NULL, NULL, NULL);
		}
	}
	if (rule->use_containment)
	{
		for (i = 0; i < n; i++)
			target[i] = rc.bto[i] == UINT32_MAX ? UINT32_MAX : rc.bto[i];
		for (i = 0; i < n; i++)
			if (target[i] != UINT32_MAX)
				nd_uf_union(&uf, (uint32_t) i, target[i]);
	}
	for (i = 0; i < n; i++)
		rep[i] = UINT32_MAX;
	for (i = 0; i < n; i++)
	{
		uint32_t	r = nd_uf_find(&uf, (uint32_t) i);

		if (rep[r] == UINT32_MAX)
			rep[r] = (uint32_t) i;
	}
	for (i = 0; i < n; i++)
		rep[i] = rep[nd_uf_find(&uf, (uint32_t) i)];
	free(keys);
	free(has);
	free(e);
	free(rows);
	free(bsk);
	free(work);
	free(parent);
	free(target);
	free(rank);
	free(rc.bscore);
	free(rc.bto);
	return rep;
}

/*
 * The bucket that separates the rules: 17 rows sharing band 100 (slots
 * 200, 201).  L (row 0) and Y (1) are similar and share bands 0..79; Y and
 * M (2) are similar and share bands 48..127; Z (3) is similar to M only
 * (every even slot: 129 of 256) and shares no band with it but 100.  Bands
 * 0 and 48 join L, Y and M before band 100; the 0.3.0 rule then counts M
 * as joined to leader L without verifying, never makes it a leader, and
 * never compares Z with M; the keyed rule verifies M against L, makes it
 * a leader, and joins Z.
 */
static unsigned
crafted_slot(int id, int s)
{
	if (s == 200 || s == 201)
		return 60000u + (unsigned) s;
	switch (id)
	{
		case 0:
			return 256u + (unsigned) s;
		case 1:
			return s < 160 ? crafted_slot(0, s) : 512u + (unsigned) s;
		case 2:
			return s >= 96 ? crafted_slot(1, s) : 768u + (unsigned) s;
		case 3:
			return s % 2 == 0 ? crafted_slot(2, s) : 1024u + (unsigned) s;
		default:
			return (unsigned) (id + 1) * 256u + (unsigned) s;
	}
}

static void
test_keyed_runs(void)
{
	enum
	{
		NC = 17
	};
	NdSketch	c[NC];
	NdEdgeRule	old = {0.5f, false, 0.0f, false},
				keyed = {0.5f, false, 0.0f, true};
	Result		r;
	uint32_t   *rb;

	memset(c, 0, sizeof(c));
	for (int id = 0; id < NC; id++)
	{
		c[id].nshingles = 398;
		c[id].ntokens = 400;
		for (int s = 0; s < ND_SKETCH_SLOTS; s++)
			c[id].slots[s] = (uint16_t) crafted_slot(id, s);
	}
	CHECK(nd_sketch_similarity(&c[2], &c[3]) >= 0.5 &&
		  nd_sketch_similarity(&c[0], &c[3]) < 0.5 &&
		  nd_sketch_similarity(&c[1], &c[3]) < 0.5 &&
		  nd_sketch_similarity(&c[0], &c[2]) < 0.5, "crafted bucket: Z similar to M only");
	r = cluster(c, NC, &old, ND_REP_FIRST);
	CHECK(r.rep[1] == 0 && r.rep[2] == 0 && r.rep[3] == 3,
		  "0.3.0 rule: Z is left out (leaders depend on other bands)");
	result_free(&r);
	r = cluster(c, NC, &keyed, ND_REP_FIRST);
	CHECK(r.rep[1] == 0 && r.rep[2] == 0 && r.rep[3] == 0 && r.rep[4] == 4,
		  "keyed rule: Z joins M's cluster");
	rb = recon_buckets(c, NC, &keyed);
	CHECK(memcmp(rb, r.rep, NC * sizeof(uint32_t)) == 0,
		  "keyed rule: the buckets by themselves give the same clusters");
	free(rb);
	result_free(&r);

	/* generated corpus: boilerplate groups, near copies, excerpts */
	{
		size_t		cap = 4000,
					n = 0,
					i;
		NdSketch   *sk = malloc(cap * sizeof(NdSketch));
		NdEdgeRule	rules[4] = {{0.5f, false, 0.0f, true}, {0.3f, false, 0.0f, true},
		{0.5f, true, 0.5f, true}, {0.8f, true, 0.3f, true}};
		unsigned	vocab = 5000;

		for (i = 0; i < 60; i++)
		{
			Words		base = words_random(40 + rnd(400), vocab);
			int			copies = rnd(3) == 0 ? 20 + rnd(40) : 1 + rnd(6);

			for (int k = 0; k < copies; k++)
			{
				Words		v;

				switch (rnd(4))
				{
					case 0:
						v = words_slice(&base, 0, base.n);
						break;
					case 1:
						v = words_edit(&base, 20 + rnd(300), vocab);
						break;
					case 2:
						{
							size_t		len = base.n / (2 + rnd(5)) + 1;

							v = words_slice(&base, rnd((unsigned) (base.n - len + 1)), len);
						}
						break;
					default:
						v = words_edit(&base, 100 + rnd(200), vocab);
						break;
				}
				if (n < cap)
					sk[n++] = words_sketch(&v);
				free(v.w);
			}
			free(base.w);
		}
		for (i = 0; i < 5 && n < cap; i++)
			sk[n++] = text_sketch("");
		/* shuffle, so that copies are not adjacent in row order */
		for (i = n - 1; i > 0; i--)
		{
			size_t		j = rnd((unsigned) (i + 1));
			NdSketch	x = sk[i];

			sk[i] = sk[j];
			sk[j] = x;
		}
		for (int ri = 0; ri < 4; ri++)
		{
			r = cluster(sk, n, &rules[ri], ND_REP_FIRST);
			rb = recon_buckets(sk, n, &rules[ri]);
			{
				char		name[160];

				snprintf(name, sizeof(name), "generated corpus %d: %llu buckets above 16 rows", ri,
						 (unsigned long long) r.stats.big_runs);
				CHECK(r.stats.big_runs > 0, name);
				snprintf(name, sizeof(name),
						 "generated corpus %d (%zu rows, sim %.1f%s): nd_cluster_run = its buckets by themselves",
						 ri, n, (double) rules[ri].sim_threshold,
						 rules[ri].use_containment ? ", containment links" : "");
				CHECK(memcmp(rb, r.rep, n * sizeof(uint32_t)) == 0, name);
			}
			free(rb);
			result_free(&r);
		}
		free(sk);
	}
}

static void
test_empty_input(void)
{
	Result		r = cluster(NULL, 0, &(NdEdgeRule) {0.5f, false, 0.0f, false}, ND_REP_FIRST);

	CHECK(r.stats.band_entries == 0, "no rows: nothing to do");
	result_free(&r);
}

int
main(void)
{
	test_union_find();
	test_radix();
	test_edge_rule();
	test_band_keys();
	test_reps_and_order();
	test_big_runs();
	test_empty_input();
	test_containment_links();
	test_keyed_runs();
	test_corpus();
	return unit_done();
}
