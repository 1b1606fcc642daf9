/*
 * bench_tokenize.c -- throughput microbenchmark of nd_tokenize (not a test).
 *
 * Concatenates the given text files (default: every .txt file in /work/shared/dumps),
 * repeats them to about 100 MB, and reports MB/s for
 *   tokenize: nd_tokenize with a callback that only counts tokens;
 *   +xxh3:    the same, hashing each token with XXH3_64bits (inlined) and
 *             mixing the last three token hashes into a 3-word shingle
 *             hash (roughly the fingerprint's inner loop, minus the
 *             MinHash update, which belongs to shingle.c/sketch.c).
 * Best of 7 runs.  Build and run by hand:
 *
 *   cc -O2 -std=c99 -Isrc/core -o /tmp/bench_tokenize \
 *       bench/micro/bench_tokenize.c src/core/text.c -lxxhash
 *   /tmp/bench_tokenize [file ...]
 */
#define _POSIX_C_SOURCE 200809L

#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "text.h"

#define TARGET_BYTES ((size_t) 100 << 20)

typedef struct Sink
{
	size_t		ntok;
	uint64_t	h[3];
	uint64_t	acc;
} Sink;

static void
count_cb(void *arg, const char *tok, size_t len)
{
	Sink	   *s = arg;

	(void) tok;
	(void) len;
	s->ntok++;
}

static void
hash_cb(void *arg, const char *tok, size_t len)
{
	Sink	   *s = arg;

	uint64_t	sh;

	s->h[0] = s->h[1];
	s->h[1] = s->h[2];
	s->h[2] = XXH3_64bits(tok, len);
	sh = (s->h[0] * UINT64_C(0x9E3779B97F4A7C15)) ^
		((s->h[1] << 21 | s->h[1] >> 43) * UINT64_C(0xC2B2AE3D27D4EB4F)) ^ s->h[2];
	s->acc += sh ^ (sh >> 29);
	s->ntok++;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t) n : 1);
	*len = fread(buf, 1, (size_t) n, f);
	fclose(f);
	return buf;
}

static void
measure(const char *name, const char *text, size_t len, NdTokenFn fn)
{
	double		best = 1e30;
	Sink		sink;
	int			r;

	for (r = 0; r < 7; r++)
	{
		double		t0;

		memset(&sink, 0, sizeof(sink));
		t0 = now();
		nd_tokenize(text, len, fn, &sink);
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
	}
	printf("%-9s %8.1f MB/s  (%zu bytes, %zu tokens, %.1f ms, acc %llx)\n",
		   name, len / best / 1e6, len, sink.ntok, best * 1e3,
		   (unsigned long long) sink.acc);
}

int
main(int argc, char **argv)
{
	glob_t		g;
	char	  **files;
	size_t		nfiles,
				i,
				corpus_len = 0,
				len = 0;
	char	   *corpus = NULL,
			   *text;

	memset(&g, 0, sizeof(g));
	if (argc > 1)
	{
		files = argv + 1;
		nfiles = (size_t) argc - 1;
	}
	else
	{
		glob("/work/shared/dumps/*.txt", 0, NULL, &g);
		files = g.gl_pathv;
		nfiles = g.gl_pathc;
	}
	for (i = 0; i < nfiles; i++)
	{
		size_t		n;
		char	   *b = slurp(files[i], &n);

		if (b == NULL)
		{
			fprintf(stderr, "cannot read %s\n", files[i]);
			return 1;
		}
		corpus = realloc(corpus, corpus_len + n + 1);
		memcpy(corpus + corpus_len, b, n);
		corpus_len += n;
		corpus[corpus_len++] = '\n';
		free(b);
	}
	if (corpus_len == 0)
	{
		fprintf(stderr, "no input\n");
		return 1;
	}
	text = malloc(TARGET_BYTES + corpus_len);
	while (len < TARGET_BYTES)
	{
		memcpy(text + len, corpus, corpus_len);
		len += corpus_len;
	}
	printf("corpus: %zu files, %zu bytes, repeated to %zu bytes; Unicode %s\n",
		   nfiles, corpus_len, len, nd_unicode_version());
	measure("tokenize", text, len, count_cb);
	measure("+xxh3", text, len, hash_cb);
	free(text);
	free(corpus);
	if (argc <= 1)
		globfree(&g);
	return 0;
}
