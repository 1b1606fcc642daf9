/*
 * bench/tools/clusters.c -- duplicate_clusters' clustering (src/core's
 * nd_cluster_run, the keyed rule of 0.4.0) outside the server, so that a
 * variant of the rule can be compared with the extension's result in
 * seconds:
 *
 *   clusters [SIM [CONT]] < ROWS.tsv > CLUSTERS.tsv
 *
 * ROWS.tsv: "key TAB fingerprint" lines in ascending key order (as
 * `COPY (SELECT id, fp FROM t ORDER BY id) TO STDOUT` writes them); SIM
 * (default 0.5) the similarity threshold, CONT the containment threshold
 * (default none: no containment links).  Output: "key TAB cluster_id" per
 * row, cluster_id the smallest key of the cluster, as duplicate_clusters(t,
 * 'id', 'fp', SIM, CONT) with representative 'first'.  Counts go to stderr.
 *
 * bench/tools/build also compiles clusters-exhaustive: the same with every
 * band bucket verified pair by pair (ND_CLUSTER_SMALL_RUN unbounded), where
 * the extension verifies each row of a bucket of more than 16 rows against
 * 16 leaders only: what that approximation changes (doc/ingest.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "fpio.h"

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n ? n : 1);

	if (p == NULL)
	{
		fprintf(stderr, "clusters: out of memory\n");
		exit(1);
	}
	return p;
}

int
main(int argc, char **argv)
{
	size_t		cap = 1024,
				n = 0,
				ll = 0;
	NdFingerprint *fp = xmalloc(cap * sizeof(*fp));
	long long  *key = xmalloc(cap * sizeof(*key));
	char	   *line = NULL;
	ssize_t		len;
	NdEdgeRule	rule = {0};
	NdClusterStats st = {0};
	NdUnionFind uf;
	const NdSketch **sk;
	uint32_t   *rep,
			   *size,
			   *order,
			   *tmp;

	rule.sim_threshold = argc > 1 ? strtof(argv[1], NULL) : 0.5f;
	rule.use_containment = argc > 2;
	rule.cont_threshold = argc > 2 ? strtof(argv[2], NULL) : 1.0f;
	rule.keyed_runs = true;
	while ((len = getline(&line, &ll, stdin)) > 0)
	{
		char	   *tab = strchr(line, '\t');
		char		detail[ND_FP_DETAIL_LEN];

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (tab == NULL)
		{
			fprintf(stderr, "clusters: line %zu: no TAB\n", n + 1);
			return 1;
		}
		*tab = '\0';
		if (n == cap)
		{
			cap *= 2;
			fp = realloc(fp, cap * sizeof(*fp));
			key = realloc(key, cap * sizeof(*key));
			if (fp == NULL || key == NULL)
				return 1;
		}
		key[n] = strtoll(line, NULL, 10);
		if (n > 0 && key[n] <= key[n - 1])
		{
			fprintf(stderr, "clusters: keys must ascend (line %zu)\n", n + 1);
			return 1;
		}
		if (!nd_fp_parse(tab + 1, &fp[n], detail, sizeof(detail)))
		{
			fprintf(stderr, "clusters: key %lld: %s\n", key[n], detail);
			return 1;
		}
		n++;
	}
	free(line);
	sk = xmalloc(n * sizeof(*sk));
	for (size_t i = 0; i < n; i++)
		sk[i] = &fp[i].sketch;
	nd_uf_init(&uf, xmalloc(n * sizeof(uint32_t)), xmalloc(n), n);
	nd_cluster_run(sk, n, &rule, &uf, xmalloc(nd_cluster_work_size(n)), &st,
				   NULL, NULL);
	rep = xmalloc(n * sizeof(uint32_t));
	size = xmalloc(n * sizeof(uint32_t));
	order = xmalloc(n * sizeof(uint32_t));
	tmp = xmalloc(n * sizeof(uint32_t));
	nd_cluster_finish(&uf, sk, n, ND_REP_FIRST, rep, size, order, tmp);
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%lld\n", key[i], key[rep[i]]);
	fprintf(stderr, "clusters: %zu rows, %llu pairs verified, %llu buckets over %d rows, %llu containment links\n",
			n, (unsigned long long) st.comparisons,
			(unsigned long long) st.big_runs, ND_CLUSTER_SMALL_RUN,
			(unsigned long long) st.containment_links);
	return 0;
}
