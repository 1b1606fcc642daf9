/*
 * exp_sketch.c -- accuracy experiment behind doc/sketch.md (not a test, not
 * part of the build).
 *
 * Builds document pairs with controlled edits from real text, computes the
 * EXACT Jaccard resemblance and containment of their distinct shingle-hash
 * sets (nd_shingle_hashes + sort/unique) and compares the sketch estimates
 * (nd_sketch_text + nd_sketch_similarity / nd_sketch_containment).  Also
 * compares shingle sizes on the shared dumps' known rewrite pair and on
 * unrelated articles, and simulates other slot counts K with the same
 * hashing.
 *
 *	 cc -O2 -std=c99 -D_POSIX_C_SOURCE=200809L -Isrc/core \
 *		-o build/bench/exp_sketch bench/micro/exp_sketch.c \
 *		src/core/sketch.c src/core/text.c src/core/dump.c -lxxhash -lm
 *	 build/bench/exp_sketch W dump.txt... -- prose-file...
 *
 * Dump files are split into articles with src/core/dump.c (bodies only);
 * prose files are cut at blank lines into documents of 150..2500 words.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "sketch.h"
#include "text.h"

#define K ND_SKETCH_SLOTS

/* ---------- small utilities ---------- */

static uint64_t rng_state = 0x1234567;

static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static double
rnd01(void)
{
	return (rng() >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct Str
{
	char	   *p;
	size_t		len;
	char	   *title;
} Str;

static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	*len = fread(buf, 1, (size_t) n, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* ---------- exact shingle sets ---------- */

typedef struct HSet
{
	uint64_t   *h;
	size_t		n,
				cap;
} HSet;

static void
hs_add(void *arg, uint64_t h)
{
	HSet	   *s = arg;

	if (s->n == s->cap)
	{
		s->cap = s->cap ? s->cap * 2 : 256;
		s->h = realloc(s->h, s->cap * sizeof(uint64_t));
	}
	s->h[s->n++] = h;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

static HSet
shingle_set(const char *s, size_t len, int w)
{
	HSet		set = {0};
	size_t		i,
				j = 0;

	nd_shingle_hashes(s, len, w, hs_add, &set);
	qsort(set.h, set.n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < set.n; i++)
		if (j == 0 || set.h[i] != set.h[j - 1])
			set.h[j++] = set.h[i];
	set.n = j;
	return set;
}

static size_t
inter(const HSet *a, const HSet *b)
{
	size_t		i = 0,
				j = 0,
				c = 0;

	while (i < a->n && j < b->n)
	{
		if (a->h[i] < b->h[j])
			i++;
		else if (a->h[i] > b->h[j])
			j++;
		else
		{
			c++;
			i++;
			j++;
		}
	}
	return c;
}

/* ---------- simulated OPH with k slots (k a power of two) ---------- */

static void
oph(const HSet *s, int k, uint16_t *slots)
{
	int			bits = 0;
	size_t		i;

	while ((1 << bits) < k)
		bits++;
	memset(slots, 0xFF, sizeof(uint16_t) * k);
	for (i = 0; i < s->n; i++)
	{
		unsigned	bin = bits ? (unsigned) (s->h[i] >> (64 - bits)) : 0;
		unsigned	v = (unsigned) (s->h[i] >> (48 - bits)) & 0xFFFF;

		if (v == 0xFFFF)
			v = 0xFFFE;
		if (v < slots[bin])
			slots[bin] = (uint16_t) v;
	}
}

static void
oph_est(const uint16_t *a, const uint16_t *b, int k, double *j, double *c)
{
	int			m = 0,
				u = 0,
				ab = 0,
				i;

	for (i = 0; i < k; i++)
	{
		m += a[i] == b[i] && a[i] != 0xFFFF;
		u += a[i] != 0xFFFF || b[i] != 0xFFFF;
		ab += a[i] != 0xFFFF && a[i] <= b[i];
	}
	*j = u ? (double) m / u : 0;
	*c = ab ? (double) m / ab : 0;
}

/* ---------- documents and edits ---------- */

typedef struct Words
{
	char	  **w;
	size_t		n;
} Words;

static Words
split_words(const char *s, size_t len)
{
	Words		r = {0};
	size_t		i = 0;

	r.w = malloc(sizeof(char *) * (len / 2 + 2));
	while (i < len)
	{
		size_t		st;

		while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
			i++;
		st = i;
		while (i < len && !(s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i > st)
		{
			char	   *w = malloc(i - st + 1);

			memcpy(w, s + st, i - st);
			w[i - st] = 0;
			r.w[r.n++] = w;
		}
	}
	return r;
}

static Words vocab;

static Str
join(char **w, size_t n)
{
	Str			r;
	size_t		i,
				len = 0;

	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	r.p = malloc(len + 1);
	r.len = 0;
	for (i = 0; i < n; i++)
	{
		size_t		l = strlen(w[i]);

		memcpy(r.p + r.len, w[i], l);
		r.len += l;
		r.p[r.len++] = ' ';
	}
	r.p[r.len] = 0;
	r.title = NULL;
	return r;
}

/* words [from, to) of d with each replaced by a random vocabulary word at rate sub */
static Str
edit(const Words *d, size_t from, size_t to, double sub, double del)
{
	char	  **w = malloc(sizeof(char *) * (to - from + 1));
	size_t		n = 0,
				i;
	int			deleting = del > 0 && rnd01() < del;

	for (i = from; i < to; i++)
	{
		const char *x = d->w[i];
		size_t		l = strlen(x);
		int			end = l > 0 && (x[l - 1] == '.' || x[l - 1] == '?' || x[l - 1] == '!');

		if (!deleting)
			w[n++] = (sub > 0 && rnd01() < sub) ? vocab.w[rng() % vocab.n] : (char *) x;
		if (end)
			deleting = del > 0 && rnd01() < del;
	}
	{
		Str			r = join(w, n);

		free(w);
		return r;
	}
}

/* ---------- accumulators ---------- */

#define NJB 10

typedef struct Acc
{
	long		n;
	double		sum_err,
				sum_err2,
				sum_j,
				sum_var;
} Acc;

static void
acc_add(Acc *a, double exact, double est)
{
	a->n++;
	a->sum_err += est - exact;
	a->sum_err2 += (est - exact) * (est - exact);
	a->sum_j += exact;
	a->sum_var += exact * (1 - exact) / K;
}

static void
acc_print(const char *label, const Acc *a)
{
	double		mean,
				sd,
				bound;

	if (a->n < 2)
	{
		printf("| %-9s | %5ld | | | | | |\n", label, a->n);
		return;
	}
	mean = a->sum_err / a->n;
	sd = sqrt((a->sum_err2 - a->n * mean * mean) / (a->n - 1));
	bound = sqrt(a->sum_var / a->n);
	printf("| %-9s | %5ld | %.3f | %+.4f | %.4f | %.4f | %.2f |\n", label, a->n,
		   a->sum_j / a->n, mean, sd, bound, bound > 0 ? sd / bound : 0);
}

/* ---------- main ---------- */

static Str *docs;
static size_t ndocs;
static int *doc_src;
static Str *arts;
static size_t narts;

static void
add_doc(Str **arr, size_t *n, const char *p, size_t len, char *title)
{
	*arr = realloc(*arr, sizeof(Str) * (*n + 1));
	(*arr)[*n].p = malloc(len + 1);
	memcpy((*arr)[*n].p, p, len);
	(*arr)[*n].p[len] = 0;
	(*arr)[*n].len = len;
	(*arr)[*n].title = title;
	(*n)++;
}

static char *shared;			/* [p * ndocs + q]: share an 8-word passage */

static double
exact_j(const HSet *a, const HSet *b)
{
	size_t		i = inter(a, b);

	return a->n + b->n - i ? (double) i / (a->n + b->n - i) : 1;
}

static double
exact_c(const HSet *a, const HSet *b)
{
	return a->n ? (double) inter(a, b) / a->n : 1;
}

int
main(int argc, char **argv)
{
	int			w = atoi(argv[1]);
	int			i,
				prose = 0,
				src = 0;
	Acc			jb[NJB] = {{0}},
				jbig[NJB] = {{0}};
	double		cm_sum[5] = {0},
				cm_err[5] = {0};
	long		cm_n[5] = {0};
	static const char *cm_label[5] = {">= 0.5", "0.2-0.5", "0.1-0.2", "< 0.1", "all"};

	if (getenv("SEED"))
		rng_state = strtoull(getenv("SEED"), NULL, 10);
	/* ---- load ---- */
	for (i = 2; i < argc; i++)
	{
		size_t		len;
		char	   *buf;

		if (strcmp(argv[i], "--") == 0)
		{
			prose = 1;
			continue;
		}
		buf = slurp(argv[i], &len);
		if (!prose)
		{
			NdDumpParser p;
			NdArticle	a;

			nd_dump_init(&p, buf, len);
			while (nd_dump_next(&p, &a))
			{
				char	   *body = malloc(a.body.len + 1);
				size_t		bl = nd_clean_lines(buf + a.body.off, a.body.len, body);
				char	   *t = malloc(a.title.len + 64);

				snprintf(t, a.title.len + 64, "%s#%zu %.*s",
						 strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i],
						 narts + 1, (int) (a.title.off == ND_ABSENT ? 0 : a.title.len > 40 ? 40 : a.title.len),
						 a.title.off == ND_ABSENT ? "" : buf + a.title.off);
				add_doc(&arts, &narts, body, bl, t);
				add_doc(&docs, &ndocs, body, bl, NULL);
				doc_src = realloc(doc_src, sizeof(int) * ndocs);
				doc_src[ndocs - 1] = src;
				free(body);
			}
		}
		else
		{
			/* cut at blank lines into documents of 150..2500 words */
			size_t		pos = 0;

			while (pos < len)
			{
				size_t		target = 150 + rng() % 2350,
							words = 0,
							st = pos;

				while (pos < len && words < target)
				{
					char	   *nl = memchr(buf + pos, '\n', len - pos);
					size_t		e = nl ? (size_t) (nl - buf) + 1 : len,
								k;

					for (k = pos; k < e; k++)
						words += buf[k] == ' ';
					pos = e;
				}
				/* extend to a blank line */
				while (pos < len && !(buf[pos] == '\n' && pos > 0 && buf[pos - 1] == '\n'))
					pos++;
				if (words >= 150)
				{
					add_doc(&docs, &ndocs, buf + st, pos - st, NULL);
					doc_src = realloc(doc_src, sizeof(int) * ndocs);
					doc_src[ndocs - 1] = src;
				}
			}
		}
		src++;
		free(buf);
	}
	{
		/* vocabulary: every word of every document */
		size_t		d;

		vocab.w = NULL;
		vocab.n = 0;
		for (d = 0; d < ndocs; d++)
		{
			Words		x = split_words(docs[d].p, docs[d].len);

			vocab.w = realloc(vocab.w, sizeof(char *) * (vocab.n + x.n));
			memcpy(vocab.w + vocab.n, x.w, sizeof(char *) * x.n);
			vocab.n += x.n;
			free(x.w);
		}
	}
	printf("# w = %d, K = %d: %zu documents (%zu news articles), vocabulary %zu words\n\n",
		   w, K, ndocs, narts, vocab.n);

	/* ---- accuracy over edited pairs ---- */
	{
		static const double subs[] = {0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6};
		size_t		d;
		long		npairs = 0,
					identical_sketch_check = 0;

		for (d = 0; d < ndocs; d++)
		{
			Words		x = split_words(docs[d].p, docs[d].len);
			int			variant;

			if (x.n < 20)
				continue;
			for (variant = 0; variant < 40; variant++)
			{
				Str			a,
							b;
				HSet		sa,
							sb;
				NdSketch	ka,
							kb;
				double		ej,
							ec,
							j,
							c,
							ratio;
				int			kind = variant % 5;
				double		sub = subs[rng() % 11];

				if (kind == 0)		/* substitutions */
				{
					a = edit(&x, 0, x.n, 0, 0);
					b = edit(&x, 0, x.n, sub, 0);
				}
				else if (kind == 1) /* sentence deletions + substitutions */
				{
					a = edit(&x, 0, x.n, 0, 0);
					b = edit(&x, 0, x.n, sub / 3, 0.1 + 0.4 * rnd01());
				}
				else if (kind == 2) /* append unrelated text */
				{
					Str			base = edit(&x, 0, x.n, sub / 3, 0);
					const Str  *o = &docs[rng() % ndocs];
					size_t		ol = (size_t) (o->len * (0.2 + 1.8 * rnd01()));
					Str			t;

					if (ol > o->len)
						ol = o->len;
					t.len = base.len + ol + 1;
					t.p = malloc(t.len + 1);
					memcpy(t.p, base.p, base.len);
					t.p[base.len] = ' ';
					memcpy(t.p + base.len + 1, o->p, ol);
					t.p[t.len] = 0;
					free(base.p);
					a = edit(&x, 0, x.n, 0, 0);
					b = t;
				}
				else			/* a (possibly edited) excerpt of the doc */
				{
					double		f = 0.05 + 0.9 * rnd01();
					size_t		n = (size_t) (x.n * f),
								st = kind == 3 ? 0 : rng() % (x.n - n + 1);

					a = edit(&x, st, st + n, sub / 2, 0);
					b = edit(&x, 0, x.n, 0, 0);
				}
				sa = shingle_set(a.p, a.len, w);
				sb = shingle_set(b.p, b.len, w);
				nd_sketch_text(a.p, a.len, w, &ka, NULL, NULL);
				nd_sketch_text(b.p, b.len, w, &kb, NULL, NULL);
				{
					/* the simulated OPH must equal the real sketch */
					uint16_t	s[K];

					oph(&sa, K, s);
					if (memcmp(s, ka.slots, sizeof(s)) != 0)
						identical_sketch_check++;
				}
				ej = exact_j(&sa, &sb);
				ec = exact_c(&sa, &sb);
				j = nd_sketch_similarity(&ka, &kb);
				c = nd_sketch_containment(&ka, &kb);
				{
					int			bkt = ej >= 1 ? NJB - 1 : (int) (ej * NJB);
					size_t		un = sa.n + sb.n - inter(&sa, &sb);

					acc_add(&jb[bkt], ej, j);
					if (un >= 4 * K)
						acc_add(&jbig[bkt], ej, j);
					ratio = (double) sa.n / un;
				}
				if (ec >= 0.3 && ec <= 1.0 && kind >= 2)
				{
					int			rb = ratio >= 0.5 ? 0 : ratio >= 0.2 ? 1 : ratio >= 0.1 ? 2 : 3;

					cm_n[rb]++;
					cm_sum[rb] += fabs(c - ec);
					cm_err[rb] += c - ec;
					cm_n[4]++;
					cm_sum[4] += fabs(c - ec);
					cm_err[4] += c - ec;
				}
				npairs++;
				free(a.p);
				free(b.p);
				free(sa.h);
				free(sb.h);
			}
			free(x.w);
		}
		printf("## Resemblance: estimate - exact, by exact J (%ld pairs; sketch != simulated OPH: %ld)\n\n",
			   npairs, identical_sketch_check);
		printf("| J bucket  | pairs | mean J | mean err | sd err | sqrt(J(1-J)/K) | sd/bound |\n");
		printf("|---|---|---|---|---|---|---|\n");
		for (i = 0; i < NJB; i++)
		{
			char		l[32];

			snprintf(l, sizeof(l), "%.1f-%.1f", i / 10.0, (i + 1) / 10.0);
			acc_print(l, &jb[i]);
		}
		printf("\n## Same, only pairs whose union has >= 4K = %d distinct shingles\n\n", 4 * K);
		printf("| J bucket  | pairs | mean J | mean err | sd err | sqrt(J(1-J)/K) | sd/bound |\n");
		printf("|---|---|---|---|---|---|---|\n");
		for (i = 0; i < NJB; i++)
		{
			char		l[32];

			snprintf(l, sizeof(l), "%.1f-%.1f", i / 10.0, (i + 1) / 10.0);
			acc_print(l, &jbig[i]);
		}
		printf("\n## Containment of A in B, exact C in [0.3, 1], by |A| / |A u B|\n\n");
		printf("| |A|/|AuB| | pairs | MAE | mean err |\n|---|---|---|---|\n");
		for (i = 0; i < 5; i++)
			printf("| %-8s | %5ld | %.4f | %+.4f |\n", cm_label[i], cm_n[i],
				   cm_n[i] ? cm_sum[i] / cm_n[i] : 0, cm_n[i] ? cm_err[i] / cm_n[i] : 0);
	}

	/* ---- slot count K: simulated, same hashes ---- */
	{
		static const int ks[] = {64, 128, 256, 512, 1024};
		int			ki;

		printf("\n## Slot count (simulated OPH, 16-bit values): sd of J error for 0.3<=J<0.7, containment MAE (C in [0.3,1]) by |A|/|AuB|\n\n");
		printf("| K | bytes | sd err J 0.3-0.7 | bound | C MAE ratio>=0.5 | C MAE 0.2-0.5 | C MAE <0.2 |\n|---|---|---|---|---|---|---|\n");
		for (ki = 0; ki < 5; ki++)
		{
			int			k = ks[ki];
			double		se2 = 0,
						sv = 0,
						cm[3] = {0};
			long		n = 0,
						cn[3] = {0};
			size_t		d;
			uint16_t   *s1 = malloc(2 * k),
					   *s2 = malloc(2 * k);

			rng_state = 777;
			for (d = 0; d < ndocs; d++)
			{
				Words		x = split_words(docs[d].p, docs[d].len);
				int			v;

				if (x.n < 20)
					continue;
				for (v = 0; v < 12; v++)
				{
					Str			a,
								b;
					HSet		sa,
								sb;
					double		ej,
								ec,
								j,
								c,
								ratio;

					if (v % 2 == 0)
					{
						a = edit(&x, 0, x.n, 0, 0);
						b = edit(&x, 0, x.n, 0.02 + 0.2 * rnd01(), 0);
					}
					else
					{
						size_t		n2 = (size_t) (x.n * (0.05 + 0.9 * rnd01()));

						a = edit(&x, 0, n2, 0.1 * rnd01(), 0);
						b = edit(&x, 0, x.n, 0, 0);
					}
					sa = shingle_set(a.p, a.len, w);
					sb = shingle_set(b.p, b.len, w);
					oph(&sa, k, s1);
					oph(&sb, k, s2);
					oph_est(s1, s2, k, &j, &c);
					ej = exact_j(&sa, &sb);
					ec = exact_c(&sa, &sb);
					if (ej >= 0.3 && ej < 0.7)
					{
						se2 += (j - ej) * (j - ej);
						sv += ej * (1 - ej) / k;
						n++;
					}
					ratio = (double) sa.n / (sa.n + sb.n - inter(&sa, &sb));
					if (v % 2 == 1 && ec >= 0.3)
					{
						int			rb = ratio >= 0.5 ? 0 : ratio >= 0.2 ? 1 : 2;

						cm[rb] += fabs(c - ec);
						cn[rb]++;
					}
					free(a.p);
					free(b.p);
					free(sa.h);
					free(sb.h);
				}
				free(x.w);
			}
			printf("| %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f |\n", k, 2 * k,
				   sqrt(se2 / n), sqrt(sv / n), cm[0] / cn[0], cm[1] / cn[1], cm[2] / cn[2]);
			free(s1);
			free(s2);
		}
	}

	/* ---- shingle size comparison on the news articles ---- */
	{
		int			ww;
		size_t		a1 = (size_t) -1,
					a2 = (size_t) -1,
					p,
					q;

		for (p = 0; p < narts; p++)
		{
			if (a1 == (size_t) -1 && strncmp(arts[p].title, "000_", 4) == 0)
				a1 = p;
			if (a2 == (size_t) -1 && strncmp(arts[p].title, "002_", 4) == 0)
				a2 = p;
		}
		printf("\n## Shingle size on the news articles (%zu articles; \"unrelated\" = pairs with 8-word-shingle containment < 0.05 both ways)\n\n", narts);
		printf("known rewrite pair: A = %s (%zu bytes), B = %s (%zu bytes)\n\n",
			   arts[a1].title, arts[a1].len, arts[a2].title, arts[a2].len);
		printf("| w | J exact | J est | C(B in A) exact | est | C(A in B) exact | est | unrelated J mean | unrelated J max | unrelated C max | sub 10%%: J | sub 20%%: J |\n");
		printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		{
			HSet	   *s8 = malloc(sizeof(HSet) * ndocs);

			shared = calloc(ndocs * ndocs, 1);
			for (p = 0; p < ndocs; p++)
				s8[p] = shingle_set(docs[p].p, docs[p].len, 8);
			for (p = 0; p < ndocs; p++)
				for (q = 0; q < ndocs; q++)
					shared[p * ndocs + q] = p != q &&
						(exact_c(&s8[p], &s8[q]) >= 0.05 || exact_c(&s8[q], &s8[p]) >= 0.05);
			for (p = 0; p < ndocs; p++)
				free(s8[p].h);
			free(s8);
		}
		for (ww = 1; ww <= 8; ww++)
		{
			HSet	   *sets = malloc(sizeof(HSet) * narts);
			NdSketch	ka,
						kb;
			double		usum = 0,
						umax = 0,
						cmax = 0,
						s10 = 0,
						s20 = 0;
			long		un = 0,
						sn = 0;

			for (p = 0; p < narts; p++)
				sets[p] = shingle_set(arts[p].p, arts[p].len, ww);
			nd_sketch_text(arts[a1].p, arts[a1].len, ww, &ka, NULL, NULL);
			nd_sketch_text(arts[a2].p, arts[a2].len, ww, &kb, NULL, NULL);
			for (p = 0; p < narts; p++)
				for (q = p + 1; q < narts; q++)
				{
					double		jj,
								cc;

					if (shared[p * ndocs + q])	/* docs[0..narts) are the articles */
						continue;
					jj = exact_j(&sets[p], &sets[q]);
					cc = exact_c(&sets[p], &sets[q]);
					if (exact_c(&sets[q], &sets[p]) > cc)
						cc = exact_c(&sets[q], &sets[p]);
					usum += jj;
					un++;
					if (jj > umax)
						umax = jj;
					if (cc > cmax)
						cmax = cc;
				}
			/* sensitivity: 10% and 20% of words substituted, articles only */
			rng_state = 99;
			for (p = 0; p < narts; p++)
			{
				Words		x = split_words(arts[p].p, arts[p].len);
				Str			e1 = edit(&x, 0, x.n, 0.1, 0),
							e2 = edit(&x, 0, x.n, 0.2, 0);
				HSet		h1 = shingle_set(e1.p, e1.len, ww),
							h2 = shingle_set(e2.p, e2.len, ww);

				if (x.n >= 50)
				{
					s10 += exact_j(&sets[p], &h1);
					s20 += exact_j(&sets[p], &h2);
					sn++;
				}
				free(e1.p);
				free(e2.p);
				free(h1.h);
				free(h2.h);
				free(x.w);
			}
			printf("| %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.4f | %.3f | %.3f | %.3f | %.3f |\n",
				   ww, exact_j(&sets[a1], &sets[a2]), nd_sketch_similarity(&ka, &kb),
				   exact_c(&sets[a2], &sets[a1]), nd_sketch_containment(&kb, &ka),
				   exact_c(&sets[a1], &sets[a2]), nd_sketch_containment(&ka, &kb),
				   usum / un, umax, cmax, s10 / sn, s20 / sn);
			for (p = 0; p < narts; p++)
				free(sets[p].h);
			free(sets);
		}
		/* unrelated prose documents from different source files */
		printf("\n## Unrelated prose documents (different source files, no shared 8-word passages), exact J\n\n");
		printf("| w | pairs | mean J | max J | share of pairs with J >= 0.05 |\n|---|---|---|---|---|\n");
		for (ww = 1; ww <= 8; ww++)
		{
			HSet	   *sets = malloc(sizeof(HSet) * ndocs);
			double		s = 0,
						mx = 0;
			long		n = 0,
						hi = 0;

			for (p = 0; p < ndocs; p++)
				sets[p] = shingle_set(docs[p].p, docs[p].len, ww);
			for (p = 0; p < ndocs; p++)
				for (q = p + 1; q < ndocs; q++)
				{
					double		jj;

					if (doc_src[p] == doc_src[q] || p < narts || q < narts ||
						shared[p * ndocs + q])
						continue;
					jj = exact_j(&sets[p], &sets[q]);
					s += jj;
					n++;
					hi += jj >= 0.05;
					if (jj > mx)
						mx = jj;
				}
			printf("| %d | %ld | %.4f | %.3f | %.4f |\n", ww, n, s / n, mx, (double) hi / n);
			for (p = 0; p < ndocs; p++)
				free(sets[p].h);
			free(sets);
		}
		printf("\n## Article pairs with the highest exact J at w = %d\n\n", w);
		{
			HSet	   *sets = malloc(sizeof(HSet) * narts);

			for (p = 0; p < narts; p++)
				sets[p] = shingle_set(arts[p].p, arts[p].len, w);
			for (p = 0; p < narts; p++)
				for (q = p + 1; q < narts; q++)
				{
					double		jj = exact_j(&sets[p], &sets[q]);

					if (jj >= 0.05)
						printf("- %.3f  %s  |  %s\n", jj, arts[p].title, arts[q].title);
				}
		}
	}
	return 0;
}
