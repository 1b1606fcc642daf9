/*
 * test_plinks.c -- unit tests of src/core/plinks.c: passage links with
 * boilerplate suppression, against an independent brute force on a small
 * generated corpus (wire stories, exact copies, other outlets quoting 2-4
 * passages of 15-40 words, unrelated articles under one author's bio line
 * and one footer, and accidental single shared passages); the threshold
 * rule; partitioning; determinism; out-of-memory and bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "passage.h"
#include "plinks.h"
#include "unit.h"

static unsigned
rnd(unsigned n)
{
	return (unsigned) (unit_rng() % n);
}

/* ---------- an allocator that can be told to fail ---------- */

static long alloc_left = -1;	/* allocations allowed; -1: any */
static long live_blocks = 0;

static void *
t_alloc(void *ctx, size_t size)
{
	void	   *p;

	(void) ctx;
	if (alloc_left == 0)
		return NULL;
	if (alloc_left > 0)
		alloc_left--;
	p = malloc(size ? size : 1);
	if (p)
		live_blocks++;
	return p;
}

static void
t_free(void *ctx, void *p)
{
	(void) ctx;
	if (p)
		live_blocks--;
	free(p);
}

static const NdAllocator al = {t_alloc, t_free, NULL};

/* ---------- the corpus ---------- */

#define MAXROWS 1200
#define VOCAB 50000

typedef struct Row
{
	unsigned	w[1200];
	size_t		n;
	int			story;			/* story number, -1: unrelated */
	int			kind;			/* 0 base, 1 copy, 2 outlet, 3 unrelated */
	int			copy_of;		/* row of the base for a copy, else -1 */
	int			bio;			/* carries the bio line */
} Row;

static Row rows[MAXROWS];
static size_t nrows;

/* the boilerplate: one author's bio, one footer (word numbers >= VOCAB) */
static const unsigned bio[] = {VOCAB + 1, VOCAB + 2, VOCAB + 3, VOCAB + 4, VOCAB + 5,
	VOCAB + 6, VOCAB + 7, VOCAB + 8, VOCAB + 9, VOCAB + 10, VOCAB + 11, VOCAB + 12,
VOCAB + 13, VOCAB + 14, VOCAB + 15, VOCAB + 16, VOCAB + 17, VOCAB + 18};
static const unsigned footer[] = {VOCAB + 21, VOCAB + 22, VOCAB + 23, VOCAB + 24,
	VOCAB + 25, VOCAB + 26, VOCAB + 27, VOCAB + 28, VOCAB + 29, VOCAB + 30,
VOCAB + 31, VOCAB + 32, VOCAB + 33, VOCAB + 34};

static void
put(Row *r, unsigned w)
{
	if (r->n < sizeof(r->w) / sizeof(r->w[0]))
		r->w[r->n++] = w;
}

static void
put_random(Row *r, size_t k)
{
	while (k--)
		put(r, rnd(VOCAB));
}

static void
put_words(Row *r, const unsigned *w, size_t k)
{
	for (size_t i = 0; i < k; i++)
		put(r, w[i]);
}

static Row *
new_row(int story, int kind)
{
	Row		   *r = &rows[nrows++];

	memset(r, 0, sizeof(*r));
	r->story = story;
	r->kind = kind;
	r->copy_of = -1;
	return r;
}

static void
make_corpus(int nstories, int nunrelated)
{
	nrows = 0;
	for (int s = 0; s < nstories; s++)
	{
		size_t		b = nrows;
		Row		   *base = new_row(s, 0);
		int			ncopies = (int) rnd(3),
					noutlets = 1 + (int) rnd(4);

		put_random(base, 150 + rnd(300));
		for (int c = 0; c < ncopies; c++)
		{
			Row		   *cp = new_row(s, 1);

			*cp = rows[b];
			cp->kind = 1;
			cp->copy_of = (int) b;
		}
		for (int o = 0; o < noutlets; o++)
		{
			Row		   *out = new_row(s, 2);
			int			nq = 2 + (int) rnd(3);

			put_random(out, 20 + rnd(60));
			for (int q = 0; q < nq; q++)
			{
				size_t		len = 15 + rnd(26),
							from = rnd((unsigned) (rows[b].n - len));

				put_words(out, rows[b].w + from, len);
				put_random(out, 10 + rnd(60));
			}
		}
	}
	for (int u = 0; u < nunrelated; u++)
	{
		Row		   *r = new_row(-1, 3);

		put_random(r, 80 + rnd(200));
		if (u % 3 != 2)
		{
			put_words(r, bio, sizeof(bio) / sizeof(bio[0]));
			r->bio = 1;
		}
		if (u % 2 == 0)
			put_words(r, footer, sizeof(footer) / sizeof(footer[0]));
	}
	/* accidental sharing: 40 pairs of unrelated rows share one 13-word run */
	for (int k = 0; k < 40 && nunrelated >= 2; k++)
	{
		size_t		first = nrows - (size_t) nunrelated;
		Row		   *x = &rows[first + rnd((unsigned) nunrelated)],
				   *y = &rows[first + rnd((unsigned) nunrelated)];
		unsigned	run[13];

		for (int i = 0; i < 13; i++)
			run[i] = rnd(VOCAB);
		put_words(x, run, 13);
		put_random(x, 5);
		put_words(y, run, 13);
		put_random(y, 5);
	}
}

/* The passage hashes of every row, through nd_passage_hashes. */
static int64_t *ph[MAXROWS];
static uint32_t nph[MAXROWS];
static uint32_t simcl[MAXROWS];

static void
hash_corpus(void)
{
	static char buf[1200 * 8];

	for (size_t i = 0; i < nrows; i++)
	{
		size_t		len = 0,
					n = 0;
		int64_t    *h = NULL;

		for (size_t k = 0; k < rows[i].n; k++)
			len += (size_t) sprintf(buf + len, "%sw%u", k ? " " : "", rows[i].w[k]);
		if (nd_passage_hashes(buf, len, &al, NULL, NULL, &h, &n) != ND_PASSAGE_OK)
			abort();
		ph[i] = h;
		nph[i] = (uint32_t) n;
	}
	/* the similarity clusters: a copy is in its base's */
	for (size_t i = 0; i < nrows; i++)
		simcl[i] = rows[i].copy_of >= 0 ? (uint32_t) rows[i].copy_of : (uint32_t) i;
}

static void
free_corpus(void)
{
	for (size_t i = 0; i < nrows; i++)
		if (ph[i])
			t_free(NULL, ph[i]);
}

/* ---------- the brute force, written separately ---------- */

static bool
row_has(size_t i, int64_t h)
{
	size_t		lo = 0,
				hi = nph[i];

	while (lo < hi)				/* binary search: the arrays are sorted */
	{
		size_t		mid = (lo + hi) / 2;

		if (ph[i][mid] == h)
			return true;
		if (ph[i][mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* clusters (distinct simcl) among the rows holding h */
static uint32_t
clusters_holding(int64_t h)
{
	static uint32_t seen[MAXROWS];
	uint32_t	c = 0;

	for (size_t i = 0; i < nrows; i++)
		if (row_has(i, h))
		{
			bool		dup = false;

			for (uint32_t k = 0; k < c; k++)
				dup |= seen[k] == simcl[i];
			if (!dup)
				seen[c++] = simcl[i];
		}
	return c;
}

/*
 * lab[i] = the final component of row i (its lowest row); pre[i] = the
 * components before passage links (lowest row too).  Returns the number
 * of boilerplate hashes.
 */
static size_t
brute(const NdPassageRule *rule, const uint32_t *pre, uint32_t *lab)
{
	static uint8_t boiler_seen[MAXROWS][600];
	static uint32_t cnt[MAXROWS];
	static uint32_t partner[MAXROWS];
	static uint32_t target[MAXROWS];
	static uint64_t bestkey[MAXROWS];
	size_t		nboiler = 0;

	/* boilerplate flags per (row, hash index), counting each hash once */
	memset(boiler_seen, 0, sizeof(boiler_seen));
	for (size_t i = 0; i < nrows; i++)
		for (uint32_t k = 0; k < nph[i]; k++)
		{
			bool		first = true;

			for (size_t j = 0; j < i && first; j++)
				first = !row_has(j, ph[i][k]);
			boiler_seen[i][k] = clusters_holding(ph[i][k]) >= rule->boiler_min;
			if (first && boiler_seen[i][k])
				nboiler++;
		}
	/* per cluster pair: distinct non-boilerplate hashes held by both */
	for (size_t a = 0; a < nrows; a++)
	{
		cnt[a] = 0;
		partner[a] = UINT32_MAX;
	}
	for (size_t a = 0; a < nrows; a++)
	{
		if (simcl[a] != a)
			continue;
		for (size_t b = 0; b < nrows; b++)
		{
			uint32_t	shared = 0;

			if (simcl[b] != b || b == a)
				continue;
			/* every hash of a row of a, held by a row of b, counted once */
			for (size_t i = a; i < nrows; i++)
			{
				if (simcl[i] != a)
					continue;
				for (uint32_t k = 0; k < nph[i]; k++)
				{
					bool		dup = false,
								inb = false;

					if (boiler_seen[i][k])
						continue;
					for (size_t i2 = a; i2 < i && !dup; i2++)
						dup = simcl[i2] == a && row_has(i2, ph[i][k]);
					if (dup)
						continue;
					for (size_t j = b; j < nrows && !inb; j++)
						inb = simcl[j] == b && row_has(j, ph[i][k]);
					shared += inb;
				}
			}
			if (shared >= rule->min_shared &&
				(shared > cnt[a] || (shared == cnt[a] && b < partner[a])))
			{
				cnt[a] = shared;
				partner[a] = (uint32_t) b;
			}
		}
	}
	/* per pre-component: the best partner elsewhere; all links at once */
	for (size_t i = 0; i < nrows; i++)
		bestkey[i] = 0;
	for (size_t a = 0; a < nrows; a++)
		if (partner[a] != UINT32_MAX && pre[a] != pre[partner[a]])
		{
			uint64_t	key = ((uint64_t) cnt[a] << 32) | (UINT32_MAX - partner[a]);

			if (key > bestkey[pre[a]])
				bestkey[pre[a]] = key;
		}
	for (size_t i = 0; i < nrows; i++)
		target[i] = bestkey[i] ? pre[UINT32_MAX - (uint32_t) bestkey[i]] : UINT32_MAX;
	/* components of pre plus the links: relabel until stable */
	for (size_t i = 0; i < nrows; i++)
		lab[i] = pre[i];
	for (bool changed = true; changed;)
	{
		changed = false;
		for (size_t c = 0; c < nrows; c++)
		{
			uint32_t	x,
						y,
						m;

			if (target[c] == UINT32_MAX)
				continue;
			/* labels of the two pre-components (c and target[c]) */
			x = lab[c];
			y = lab[target[c]];
			if (x == y)
				continue;
			m = x < y ? x : y;
			for (size_t i = 0; i < nrows; i++)
				if (lab[i] == x || lab[i] == y)
					lab[i] = m;
			changed = true;
		}
	}
	return nboiler;
}

/* ---------- running the core ---------- */

typedef struct Found
{
	size_t		n;
	int64_t		h[4096];
	uint32_t	clusters[4096];
} Found;

static void
collect(void *arg, int64_t hash, uint32_t rws, uint32_t clusters,
		uint32_t first_row, uint32_t other_row)
{
	Found	   *f = (Found *) arg;

	(void) rws;
	(void) first_row;
	(void) other_row;
	if (f->n < 4096)
	{
		f->h[f->n] = hash;
		f->clusters[f->n] = clusters;
		f->n++;
	}
}

/* Components: simcl joined, then the passage links; lab = lowest row. */
static int
run_core(const NdPassageRule *rule, size_t part, uint32_t *lab, Found *found,
		 NdPassageStats *st)
{
	static uint32_t parent[MAXROWS];
	static uint8_t rank[MAXROWS];
	NdUnionFind uf;
	int			rc;

	nd_uf_init(&uf, parent, rank, nrows);
	for (size_t i = 0; i < nrows; i++)
		nd_uf_union(&uf, (uint32_t) i, simcl[i]);
	if (found)
		found->n = 0;
	rc = nd_plinks_run((const int64_t *const *) ph, nph, nrows, simcl, rule, &uf,
					   part, &al, found ? collect : NULL, found, st,
					   unit_count_tick, NULL);
	nd_cluster_simcl(&uf, nrows, lab);
	return rc;
}

static void
test_threshold_rule(void)
{
	CHECK(nd_plinks_boiler_min(50, 0.0001, 100000) == 50, "threshold: absolute at 100k");
	CHECK(nd_plinks_boiler_min(50, 0.0001, 1000000) == 100, "threshold: relative at 1M");
	CHECK(nd_plinks_boiler_min(50, 0.0, 1000000) == 50, "threshold: fraction 0 is absolute only");
	CHECK(nd_plinks_boiler_min(0, 0.0, 10) == 2, "threshold: at least 2");
	CHECK(nd_plinks_boiler_min(2, 1.0, 4000000) == 4000000,
		  "threshold: fraction 1 is every row");
}

static void
test_corpus(void)
{
	static uint32_t lab[MAXROWS],
				want[MAXROWS],
				lab2[MAXROWS];
	static Found found;
	NdPassageRule rule = {2, 20};
	NdPassageStats st;
	size_t		nboiler,
				bad = 0,
				outlets = 0,
				outlets_in = 0,
				unrelated_linked = 0,
				story_mixed = 0;
	bool		boiler_ok = true;

	unit_rng_state = 1414;
	make_corpus(60, 90);
	hash_corpus();

	CHECK(run_core(&rule, 1 << 20, lab, &found, &st) == ND_PASSAGE_OK, "corpus: run");
	nboiler = brute(&rule, simcl, want);
	for (size_t i = 0; i < nrows; i++)
		bad += lab[i] != want[i];
	printf("# corpus: %zu rows, %llu entries, %llu hashes, %llu boilerplate (brute force %zu), "
		   "%llu cluster pairs counted, %llu pairs sharing >= 2, %llu links\n",
		   nrows, (unsigned long long) st.entries, (unsigned long long) st.hashes,
		   (unsigned long long) st.boilerplate, nboiler,
		   (unsigned long long) st.cluster_pairs, (unsigned long long) st.linked_pairs,
		   (unsigned long long) st.links);
	CHECK(bad == 0, "corpus: components identical to the brute force");
	CHECK(st.boilerplate == nboiler && found.n == nboiler,
		  "corpus: boilerplate hashes as the brute force counts them");
	for (size_t k = 0; k < found.n; k++)
		boiler_ok &= found.clusters[k] >= rule.boiler_min &&
			clusters_holding(found.h[k]) == found.clusters[k];
	CHECK(boiler_ok && found.n > 0, "corpus: every reported hash is held by >= 20 clusters");

	for (size_t i = 0; i < nrows; i++)
	{
		if (rows[i].kind == 2)
		{
			size_t		b;

			for (b = i; rows[b].kind != 0; b--)
				;
			outlets++;
			outlets_in += lab[i] == lab[b];
		}
		if (rows[i].kind == 3 && lab[i] != i)
			unrelated_linked++;
		if (rows[i].kind != 3)
			for (size_t j = 0; j < nrows; j++)
				if (lab[j] == lab[i] && rows[j].story != rows[i].story)
				{
					story_mixed++;
					break;
				}
	}
	printf("# corpus: %zu of %zu outlets in their story's component; %zu unrelated rows linked; "
		   "%zu story rows with a foreign row in their component\n",
		   outlets_in, outlets, unrelated_linked, story_mixed);
	CHECK(outlets_in == outlets, "corpus: every other-outlet article joins its story");
	CHECK(story_mixed == 0, "corpus: no story component holds a row of another story");
	/* unrelated rows share only boilerplate, or one 13-word run (a few hashes) */
	CHECK(unrelated_linked <= 40, "corpus: only accidental runs link unrelated rows");

	/* min_shared high enough: a single shared 13-word run links nothing */
	{
		NdPassageRule r2 = {6, 20};
		size_t		linked = 0;

		CHECK(run_core(&r2, 1 << 20, lab2, NULL, &st) == ND_PASSAGE_OK, "min_shared 6: run");
		nboiler = brute(&r2, simcl, want);
		bad = 0;
		for (size_t i = 0; i < nrows; i++)
		{
			bad += lab2[i] != want[i];
			linked += rows[i].kind == 3 && lab2[i] != i;
		}
		CHECK(bad == 0, "min_shared 6: components identical to the brute force");
		printf("# min_shared 6: %zu unrelated rows linked\n", linked);
	}

	/* partitions: the same result in 1, a few and many passes */
	{
		size_t		parts[] = {400, 3000, 20000};
		bool		same = true;

		for (int p = 0; p < 3; p++)
		{
			run_core(&rule, parts[p], lab2, NULL, &st);
			for (size_t i = 0; i < nrows; i++)
				same &= lab2[i] == lab[i];
			printf("# part_entries %zu: %llu partitions\n", parts[p],
				   (unsigned long long) st.partitions);
		}
		CHECK(same, "partitioned runs give the same components");
	}

	/* without suppression the bio chains the unrelated articles */
	{
		NdPassageRule r3 = {2, 1000000};
		size_t		linked = 0;

		run_core(&r3, 1 << 20, lab2, NULL, &st);
		for (size_t i = 0; i < nrows; i++)
			linked += rows[i].kind == 3 && rows[i].bio && lab2[i] != i;
		printf("# boilerplate threshold off: %zu of the bio rows linked\n", linked);
		CHECK(linked > 50 && st.boilerplate == 0,
			  "without suppression the bio line links its articles (the test can fail)");
		nboiler = brute(&r3, simcl, want);
		bad = 0;
		for (size_t i = 0; i < nrows; i++)
			bad += lab2[i] != want[i];
		CHECK(bad == 0, "no suppression: components identical to the brute force");
	}

	/* pre-joined components (as containment links leave them) */
	{
		static uint32_t pre[MAXROWS];
		static uint32_t parent[MAXROWS];
		static uint8_t rank[MAXROWS];
		NdUnionFind uf;

		nd_uf_init(&uf, parent, rank, nrows);
		for (size_t i = 0; i < nrows; i++)
			nd_uf_union(&uf, (uint32_t) i, simcl[i]);
		/* join each 7th row to the one after (a made-up containment link) */
		for (size_t i = 0; i + 1 < nrows; i += 7)
			nd_uf_union(&uf, (uint32_t) i, (uint32_t) (i + 1));
		nd_cluster_simcl(&uf, nrows, pre);
		nd_plinks_run((const int64_t *const *) ph, nph, nrows, simcl, &rule, &uf,
					  1 << 20, &al, NULL, NULL, NULL, NULL, NULL);
		nd_cluster_simcl(&uf, nrows, lab2);
		brute(&rule, pre, want);
		bad = 0;
		for (size_t i = 0; i < nrows; i++)
			bad += lab2[i] != want[i];
		CHECK(bad == 0, "pre-joined components: one link per component, as the brute force");
	}

	/* determinism and memory */
	run_core(&rule, 1 << 20, lab2, NULL, &st);
	CHECK(memcmp(lab, lab2, nrows * sizeof(uint32_t)) == 0, "deterministic");
	{
		long		before = live_blocks;
		bool		all_enomem = true;

		for (long k = 0; k < 8; k++)
		{
			alloc_left = k;
			all_enomem &= run_core(&rule, 100, lab2, NULL, &st) == ND_PASSAGE_ENOMEM;
		}
		alloc_left = -1;
		CHECK(all_enomem && live_blocks == before,
			  "allocation failures: ENOMEM, nothing leaked");
	}
	CHECK(unit_ticks > 0, "tick called");
	free_corpus();
}

/* A boilerplate line under many unrelated articles links none of them. */
static void
test_bio_under_unrelated(void)
{
	static uint32_t lab[MAXROWS];
	static Found found;
	NdPassageRule rule = {2, 50};
	NdPassageStats st;
	size_t		linked = 0;

	unit_rng_state = 99;
	nrows = 0;
	for (int u = 0; u < 300; u++)
	{
		Row		   *r = new_row(-1, 3);

		put_random(r, 60 + rnd(100));
		put_words(r, bio, sizeof(bio) / sizeof(bio[0]));
		put_random(r, 5);
		put_words(r, footer, sizeof(footer) / sizeof(footer[0]));
	}
	hash_corpus();
	CHECK(run_core(&rule, 1 << 20, lab, &found, &st) == ND_PASSAGE_OK, "bio: run");
	for (size_t i = 0; i < nrows; i++)
		linked += lab[i] != i;
	printf("# bio: %zu rows, %llu boilerplate hashes, %zu rows linked\n", nrows,
		   (unsigned long long) st.boilerplate, linked);
	CHECK(linked == 0, "a bio line and a footer under 300 unrelated articles link none");
	CHECK(found.n >= 2 && st.links == 0, "bio: its hashes are reported as boilerplate");

	/* the same articles, 45 of them: below the threshold they would link */
	nrows = 45;
	run_core(&rule, 1 << 20, lab, NULL, &st);
	linked = 0;
	for (size_t i = 0; i < nrows; i++)
		linked += lab[i] != i;
	CHECK(linked > 0 && st.boilerplate == 0, "bio under 45 articles: below 50, it links");
	nrows = 300;
	free_corpus();
}

static void
test_edges(void)
{
	NdPassageRule bad1 = {0, 50},
				bad2 = {2, 1},
				ok = {2, 50};
	uint32_t	lab[1];
	NdPassageStats st;
	static uint32_t parent[4];
	static uint8_t rank[4];
	NdUnionFind uf;
	int64_t		h0[] = {1, 2, 3};
	const int64_t *p[2] = {h0, h0};
	uint32_t	n2[2] = {3, 3},
				cl[2] = {0, 1};

	nrows = 0;
	CHECK(run_core(&bad1, 10, lab, NULL, &st) == ND_PASSAGE_EINVAL, "min_shared 0 refused");
	CHECK(run_core(&bad2, 10, lab, NULL, &st) == ND_PASSAGE_EINVAL, "boiler_min 1 refused");
	CHECK(run_core(&ok, 0, lab, NULL, &st) == ND_PASSAGE_EINVAL, "part_entries 0 refused");
	CHECK(run_core(&ok, 10, lab, NULL, &st) == ND_PASSAGE_OK && st.entries == 0,
		  "no rows: nothing to do");
	nd_uf_init(&uf, parent, rank, 2);
	CHECK(nd_plinks_run(p, n2, 2, cl, &ok, &uf, 10, &al, NULL, NULL, &st, NULL, NULL) ==
		  ND_PASSAGE_OK && nd_uf_find(&uf, 0) == nd_uf_find(&uf, 1) && st.links == 1,
		  "two rows sharing 3 hashes are linked");
	nd_uf_init(&uf, parent, rank, 2);
	cl[1] = 0;
	CHECK(nd_plinks_run(p, n2, 2, cl, &ok, &uf, 10, &al, NULL, NULL, &st, NULL, NULL) ==
		  ND_PASSAGE_OK && st.links == 0 && st.shared == 0,
		  "rows of one similarity cluster: no link of their own");
}

int
main(void)
{
	test_threshold_rule();
	test_edges();
	test_bio_under_unrelated();
	test_corpus();
	return unit_done();
}
