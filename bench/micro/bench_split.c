/*
 * bench_split.c -- throughput of the pure-C dump parser (src/core/dump.c).
 *
 * Reads dump files given on the command line (default: the three shared
 * dumps and samples/), concatenates them with gap lines, repeats the result
 * up to ~TARGET_MB megabytes, and times nd_dump_next() plus nd_clean_lines()
 * on every body over the whole buffer, best of 5 runs.  Prints MB/s.
 * Not a test; it asserts nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dump.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t		target = (size_t) (argc > 1 ? atoi(argv[1]) : 100) << 20;
	char	   *seed = NULL;
	size_t		seedlen = 0;
	char	   *buf;
	char	   *scratch;
	size_t		len = 0;
	double		best = 1e9;
	size_t		articles = 0;

	for (int i = 2; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		long		n;

		if (!f)
		{
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		seed = realloc(seed, seedlen + n + 3);
		if (fread(seed + seedlen, 1, n, f) != (size_t) n)
			return 1;
		seedlen += n;
		memcpy(seed + seedlen, "\n\n\n", 3);
		seedlen += 3;
		fclose(f);
	}
	if (seedlen == 0)
	{
		fprintf(stderr, "usage: bench_split MB file...\n");
		return 1;
	}
	buf = malloc(target + seedlen);
	scratch = malloc(target + seedlen);
	while (len < target)
	{
		memcpy(buf + len, seed, seedlen);
		len += seedlen;
	}

	for (int run = 0; run < 5; run++)
	{
		NdDumpParser p;
		NdArticle	a;
		size_t		out = 0;
		double		t0 = now(), t;

		articles = 0;
		nd_dump_init(&p, buf, len);
		while (nd_dump_next(&p, &a))
		{
			articles++;
			if (a.body.off != ND_ABSENT)
				out += nd_clean_lines(buf + a.body.off, a.body.len, scratch);
		}
		t = now() - t0;
		if (t < best)
			best = t;
		if (out == 0)
			return 1;
	}
	printf("split: %.1f MB, %zu articles, best of 5: %.3f s = %.0f MB/s\n",
		   len / 1048576.0, articles, best, len / 1048576.0 / best);
	free(buf);
	free(scratch);
	free(seed);
	return 0;
}
