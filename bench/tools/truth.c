/*
 * bench/tools/truth.c -- exact word-shingle Jaccard and containment of
 * article pairs, computed with the extension's own normalization and
 * shingle hashing (src/core).
 *
 *   truth [-w W] ARTICLES.tsv PAIRS.tsv > TRUTH.tsv
 *
 * PAIRS.tsv: lines "a TAB b [TAB anything]" (article ids).  Output, one line
 * per input pair, in input order:
 *   a  b  [anything]  jaccard  cont_ab  cont_ba  na  nb  ninter
 * over the DISTINCT 64-bit shingle hashes of the two bodies (sort + unique):
 * jaccard = |A∩B| / |A∪B|, cont_ab = |A∩B| / |A| (share of a's shingles found
 * in b), cont_ba = |A∩B| / |B|.  Two empty sets give 1, one empty set 0.
 * W defaults to ND_SHINGLE_DEFAULT.
 *
 * Shingles come from nd_shingle_hashes() of src/core/sketch.h when the
 * build finds it (bench/tools/build defines BENCH_HAVE_SKETCH).  Until then a
 * stand-in with the same contract is compiled in: xxh3-64 of the W tokens
 * joined by 0x1F, a text shorter than W tokens forming one shingle.  The
 * Jaccard numbers do not depend on which hash is used (barring 64-bit
 * collisions), only on the token stream, which is always nd_tokenize's.
 * The first output line on stderr says which one was used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"
#include "tsv.h"

#ifdef BENCH_HAVE_SKETCH
#include "sketch.h"
#define SHINGLER "src/core/sketch.h nd_shingle_hashes"
#define SHINGLES nd_shingle_hashes
#else
#include <xxhash.h>
#ifndef ND_SHINGLE_DEFAULT
#define ND_SHINGLE_DEFAULT 4
#endif
#define SHINGLER "bench stand-in (sketch.h not found): xxh3 of W tokens"
#define SHINGLES bench_shingle_hashes

typedef struct
{
	char	   *buf;
	size_t		len, cap;
	size_t	   *off;			/* token i is buf[off[i] .. off[i+1]-1) */
	size_t		n, ncap;
} TokBuf;

static void
tok_collect(void *arg, const char *tok, size_t len)
{
	TokBuf	   *t = arg;

	if (t->len + len + 1 > t->cap)
	{
		t->cap = (t->len + len + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
	}
	if (t->n + 2 > t->ncap)
	{
		t->ncap = (t->n + 2) * 2;
		t->off = realloc(t->off, t->ncap * sizeof(size_t));
	}
	if (!t->buf || !t->off)
		abort();
	t->off[t->n++] = t->len;
	memcpy(t->buf + t->len, tok, len);
	t->len += len;
	t->buf[t->len++] = 0x1f;	/* separator, never inside a token */
}

static size_t
bench_shingle_hashes(const char *s, size_t len, int w,
				  void (*fn) (void *arg, uint64_t h), void *arg)
{
	static TokBuf t;
	size_t		i, n;

	t.len = t.n = 0;
	nd_tokenize(s, len, tok_collect, &t);
	if (t.n == 0)
		return 0;
	t.off[t.n] = t.len;
	if (t.n < (size_t) w)
	{
		fn(arg, XXH3_64bits(t.buf, t.len - 1));
		return 1;
	}
	n = t.n - (size_t) w + 1;
	for (i = 0; i < n; i++)
		fn(arg, XXH3_64bits(t.buf + t.off[i], t.off[i + w] - t.off[i] - 1));
	return n;
}
#endif

typedef struct
{
	uint64_t   *h;
	size_t		n, cap;
} HashSet;

static void
add_hash(void *arg, uint64_t h)
{
	HashSet    *s = arg;

	if (s->n == s->cap)
	{
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->h = realloc(s->h, s->cap * sizeof(uint64_t));
		if (!s->h)
			abort();
	}
	s->h[s->n++] = h;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a, y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

typedef struct
{
	long		a, b;
	char	   *rest;
} Pair;

int
main(int argc, char **argv)
{
	int			w = ND_SHINGLE_DEFAULT;
	int			opt;
	FILE	   *fp, *fa;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n;
	Pair	   *pairs = NULL;
	size_t		npairs = 0, pcap = 0, i;
	long		maxid = 0;
	unsigned char *need;
	HashSet    *sets;
	HashSet		tmp = {0};

	while ((opt = getopt(argc, argv, "w:")) != -1)
	{
		if (opt == 'w')
			w = atoi(optarg);
		else
			goto usage;
	}
	if (argc - optind != 2 || w < 1)
		goto usage;
	fprintf(stderr, "truth: shingles from %s, w=%d\n", SHINGLER, w);

	if (!(fp = fopen(argv[optind + 1], "r")))
	{
		perror(argv[optind + 1]);
		return 1;
	}
	while ((n = getline(&line, &cap, fp)) > 0)
	{
		Pair		p;
		char	   *e;

		if (line[n - 1] == '\n')
			line[--n] = 0;
		p.a = strtol(line, &e, 10);
		if (*e != '\t')
		{
			fprintf(stderr, "truth: bad pair line: %s\n", line);
			return 1;
		}
		p.b = strtol(e + 1, &e, 10);
		if (*e != '\t' && *e != 0)
		{
			fprintf(stderr, "truth: bad pair line: %s\n", line);
			return 1;
		}
		p.rest = strdup(*e ? e : "");
		if (npairs == pcap)
		{
			pcap = pcap ? pcap * 2 : 1024;
			pairs = realloc(pairs, pcap * sizeof(Pair));
			if (!pairs)
				abort();
		}
		pairs[npairs++] = p;
		if (p.a > maxid)
			maxid = p.a;
		if (p.b > maxid)
			maxid = p.b;
	}
	fclose(fp);
	need = calloc((size_t) maxid + 1, 1);
	sets = calloc((size_t) maxid + 1, sizeof(HashSet));
	if (!need || !sets)
		abort();
	for (i = 0; i < npairs; i++)
		need[pairs[i].a] = need[pairs[i].b] = 1;

	if (!(fa = fopen(argv[optind], "r")))
	{
		perror(argv[optind]);
		return 1;
	}
	while ((n = getline(&line, &cap, fa)) > 0)
	{
		long		id;
		char	   *body;
		size_t		blen, k, u;

		if (line[n - 1] == '\n')
			n--;
		if (tsv_id_body(line, (size_t) n, &id, &body, &blen) != 0)
		{
			fprintf(stderr, "truth: bad article row\n");
			return 1;
		}
		if (id < 0 || id > maxid || !need[id])
			continue;
		tmp.n = 0;
		SHINGLES(body, blen, w, add_hash, &tmp);
		qsort(tmp.h, tmp.n, sizeof(uint64_t), cmp_u64);
		for (k = 0, u = 0; k < tmp.n; k++)
			if (u == 0 || tmp.h[k] != tmp.h[u - 1])
				tmp.h[u++] = tmp.h[k];
		sets[id].h = malloc((u ? u : 1) * sizeof(uint64_t));
		if (!sets[id].h)
			abort();
		memcpy(sets[id].h, tmp.h, u * sizeof(uint64_t));
		sets[id].n = u;
		sets[id].cap = 1;		/* marks "seen" */
	}
	fclose(fa);

	for (i = 0; i < npairs; i++)
	{
		HashSet    *x = &sets[pairs[i].a], *y = &sets[pairs[i].b];
		size_t		p = 0, q = 0, inter = 0, uni;
		double		j, cab, cba;

		if (!x->cap || !y->cap)
		{
			fprintf(stderr, "truth: article %ld not found\n", !x->cap ? pairs[i].a : pairs[i].b);
			return 1;
		}
		while (p < x->n && q < y->n)
		{
			if (x->h[p] < y->h[q])
				p++;
			else if (x->h[p] > y->h[q])
				q++;
			else
				inter++, p++, q++;
		}
		uni = x->n + y->n - inter;
		j = uni ? (double) inter / uni : 1.0;
		cab = x->n ? (double) inter / x->n : (y->n ? 0.0 : 1.0);
		cba = y->n ? (double) inter / y->n : (x->n ? 0.0 : 1.0);
		printf("%ld\t%ld%s\t%.12f\t%.12f\t%.12f\t%zu\t%zu\t%zu\n",
			   pairs[i].a, pairs[i].b, pairs[i].rest, j, cab, cba, x->n, y->n, inter);
	}
	return 0;

usage:
	fprintf(stderr, "usage: truth [-w W] ARTICLES.tsv PAIRS.tsv\n");
	return 2;
}
