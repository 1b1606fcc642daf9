/*
 * bench_sketch.c -- throughput of the fingerprint pipeline of src/core:
 * nd_tokenize (text.c) + token and shingle hashing + the MinHash sketch
 * (sketch.c).  Not a test; it asserts nothing about time.
 *
 * Reads the files named on the command line, concatenates them with blank
 * lines between, repeats the result to about MB megabytes and reports
 * MB/s, best of 5 runs, for
 *	 tokenize	nd_tokenize with a callback that only counts tokens (the
 *				floor set by text.c);
 *	 sketch-1	nd_sketch_text over the whole buffer as one text;
 *	 sketch-art	nd_sketch_text once per "article": the buffer cut at blank
 *				lines into pieces of at least 3 KB (news-article size), so
 *				the per-call setup (slot init, short-text path, exact-hash
 *				close) is paid as it is in a table of articles;
 *	 compare	nd_sketch_similarity + nd_sketch_containment over pairs of
 *				article sketches (ns per pair).
 *
 *	 bench/micro/run-sketch [MB] [W]		(builds with -O2 and runs this)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sketch.h"
#include "text.h"

#define RUNS 5
#define ARTICLE_MIN 3000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
count_cb(void *arg, const char *tok, size_t len)
{
	(void) tok;
	(void) len;
	(*(size_t *) arg)++;
}

int
main(int argc, char **argv)
{
	size_t		target;
	int			w;
	char	   *corpus = NULL,
			   *text;
	size_t		corpus_len = 0,
				len = 0,
				ntok = 0,
				nart = 0,
				i;
	size_t	   *art_off,
			   *art_len;
	NdSketch   *sk;
	double		best,
				t0,
				sink = 0;
	int			r;

	if (argc < 4)
	{
		fprintf(stderr, "usage: %s MB W file...\n", argv[0]);
		return 2;
	}
	target = (size_t) atoi(argv[1]) << 20;
	w = atoi(argv[2]);
	for (i = 3; i < (size_t) argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		long		n;

		if (f == NULL)
		{
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		corpus = realloc(corpus, corpus_len + (size_t) n + 2);
		if (fread(corpus + corpus_len, 1, (size_t) n, f) != (size_t) n)
			return 1;
		corpus_len += (size_t) n;
		memcpy(corpus + corpus_len, "\n\n", 2);
		corpus_len += 2;
		fclose(f);
	}
	text = malloc(target + corpus_len);
	while (len < target)
	{
		memcpy(text + len, corpus, corpus_len);
		len += corpus_len;
	}

	/* cut into articles at blank lines, each at least ARTICLE_MIN bytes */
	art_off = malloc(sizeof(size_t) * (len / ARTICLE_MIN + 2));
	art_len = malloc(sizeof(size_t) * (len / ARTICLE_MIN + 2));
	{
		size_t		start = 0,
					p = 0;

		while (p < len)
		{
			char	   *q = memchr(text + p, '\n', len - p);

			p = q ? (size_t) (q - text) + 1 : len;
			if (p == len ||
				(p - start >= ARTICLE_MIN && p < len && text[p] == '\n'))
			{
				art_off[nart] = start;
				art_len[nart] = p - start;
				nart++;
				start = p;
			}
		}
	}
	sk = malloc(sizeof(NdSketch) * nart);

	printf("corpus: %d files, %zu bytes, repeated to %zu bytes; "
		   "%zu articles of ~%zu bytes; w = %d, K = %d\n",
		   argc - 3, corpus_len, len, nart, len / nart, w, ND_SKETCH_SLOTS);

	best = 1e30;
	for (r = 0; r < RUNS; r++)
	{
		ntok = 0;
		t0 = now();
		nd_tokenize(text, len, count_cb, &ntok);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("tokenize   %7.1f MB/s  %5.2f ns/token  (%zu tokens)\n",
		   len / best / 1e6, best * 1e9 / ntok, ntok);

	best = 1e30;
	for (r = 0; r < RUNS; r++)
	{
		t0 = now();
		nd_sketch_text(text, len, w, &sk[0], NULL, NULL);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("sketch-1   %7.1f MB/s  %5.2f ns/token  (exact_hash %016llx)\n",
		   len / best / 1e6, best * 1e9 / ntok,
		   (unsigned long long) sk[0].exact_hash);

	best = 1e30;
	for (r = 0; r < RUNS; r++)
	{
		t0 = now();
		for (i = 0; i < nart; i++)
			nd_sketch_text(text + art_off[i], art_len[i], w, &sk[i], NULL, NULL);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("sketch-art %7.1f MB/s  %5.2f ns/token\n",
		   len / best / 1e6, best * 1e9 / ntok);

	best = 1e30;
	for (r = 0; r < RUNS; r++)
	{
		t0 = now();
		for (i = 1; i < nart; i++)
			sink += nd_sketch_similarity(&sk[i - 1], &sk[i]) +
				nd_sketch_containment(&sk[i], &sk[i - 1]);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	printf("compare    %7.1f ns per similarity+containment pair (sink %.3f)\n",
		   best * 1e9 / (nart - 1), sink);

	free(sk);
	free(art_off);
	free(art_len);
	free(text);
	free(corpus);
	return 0;
}
