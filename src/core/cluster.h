/*-------------------------------------------------------------------------
 *
 * cluster.h
 *	  Near-duplicate clustering of sketches: LSH candidates from the band
 *	  keys of bands.h, candidate verification with the same
 *	  estimators as similarity()/containment(), union-find, and the
 *	  representative and output order of each cluster.  Pure C99: no
 *	  PostgreSQL headers, no locale, no heap (the caller hands in every
 *	  buffer).  src/cluster.c wraps this in duplicate_clusters().
 *
 * See the design-notes block at the top of cluster.c and doc/cluster.md.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_CLUSTER_H
#define NEARDUP_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radix.h"
#include "sketch.h"

/*
 * LSH bands of two consecutive slots each: ND_CLUSTER_BANDS bands on slots
 * (2j, 2j+1), and, when containment links are wanted, ND_CLUSTER_BANDS - 1
 * more on slots (2j+1, 2j+2).  ND_CLUSTER_ALL_BANDS counts both sets.
 */
#define ND_CLUSTER_BANDS (ND_SKETCH_SLOTS / 2)
#define ND_CLUSTER_ALL_BANDS (2 * ND_CLUSTER_BANDS - 1)

/*
 * Buckets up to this size are verified pair by pair.  (Defined on the
 * command line only by bench/tools/build, for an experiment.)
 */
#ifndef ND_CLUSTER_SMALL_RUN
#define ND_CLUSTER_SMALL_RUN 16
#endif

/* Larger buckets: each member is verified against up to this many leaders. */
#define ND_CLUSTER_LEADERS 16

/* Most rows one call can cluster (row indexes are 32-bit). */
#define ND_CLUSTER_MAX_ROWS ((size_t) UINT32_MAX - 1)

/*
 * The rule for pairs.  Both thresholds are compared in single precision,
 * as the SQL operators % and <% compare them.  nd_cluster_edge is true
 * when
 *	 (float) similarity(a, b) >= sim_threshold, or
 *	 use_containment and (float) containment(a, b) >= cont_threshold or
 *	 (float) containment(b, a) >= cont_threshold;
 * nd_cluster_verify tells which (similarity first) and returns both
 * containment estimates.  nd_cluster_run joins similar pairs; containment
 * only makes links (see there).
 */
typedef struct NdEdgeRule
{
	float		sim_threshold;
	bool		use_containment;
	float		cont_threshold;
	bool		keyed_runs;		/* the per-run rule of 0.4.0 (cluster.c,
								 * "Buckets"): a bucket's edges depend on its
								 * own rows only; false: the rule of 0.3.0 */
} NdEdgeRule;

/* Does the rule join a and b?  Same numbers as nd_sketch_similarity etc. */
extern bool nd_cluster_edge(const NdSketch *a, const NdSketch *b,
							const NdEdgeRule *rule);

/* What a verified pair is under a rule. */
typedef enum NdEdgeKind
{
	ND_EDGE_NONE,
	ND_EDGE_SIMILAR,			/* similarity >= sim_threshold */
	ND_EDGE_CONTAINED			/* not similar, but containment either way
								 * >= cont_threshold (use_containment) */
} NdEdgeKind;

extern NdEdgeKind nd_cluster_verify(const NdSketch *a, const NdSketch *b,
									const NdEdgeRule *rule,
									float *cab, float *cba);

/*
 * Union-find over 0..n-1 with union by rank and path halving; the arrays
 * are caller-owned (n entries each).
 */
typedef struct NdUnionFind
{
	uint32_t   *parent;
	uint8_t    *rank;
	size_t		n;
} NdUnionFind;

extern void nd_uf_init(NdUnionFind *uf, uint32_t *parent, uint8_t *rank,
					   size_t n);
extern uint32_t nd_uf_find(NdUnionFind *uf, uint32_t x);
/* Joins the sets of a and b; returns false if they were already one set. */
extern bool nd_uf_union(NdUnionFind *uf, uint32_t a, uint32_t b);

/*
 * The ND_CLUSTER_ALL_BANDS band keys of a sketch, for reference and tests:
 * band j < ND_CLUSTER_BANDS is the top half of the bands.h hash of slots
 * 2j and 2j+1, band ND_CLUSTER_BANDS + j that of slots 2j+1 and 2j+2, every
 * sketch densified.  Returns false (keys untouched) for a sketch with no
 * filled slot, which has no band keys.
 */
extern bool nd_cluster_band_keys(const NdSketch *sk,
								 uint32_t keys[ND_CLUSTER_ALL_BANDS]);

/* Counters of one nd_cluster_run, for benchmarks and tests. */
typedef struct NdClusterStats
{
	uint64_t	band_entries;	/* (row, band) keys sorted */
	uint64_t	comparisons;	/* candidate pairs verified */
	uint64_t	unions;			/* edges that merged two clusters */
	uint64_t	big_runs;		/* buckets above ND_CLUSTER_SMALL_RUN */
	uint64_t	containment_links;	/* components joined to a container's */
} NdClusterStats;

/*
 * Bytes of scratch nd_cluster_run needs for n rows (8-aligned).
 */
extern size_t nd_cluster_work_size(size_t n);

/*
 * Finds the edges among sk[0..n) (n <= ND_CLUSTER_MAX_ROWS) and joins
 * them in uf (initialized by the caller, n rows).  Candidates come from
 * the first ND_CLUSTER_BANDS bands.  When the rule uses containment, a
 * second pass over all bands finds every row's best container and then
 * joins each similarity component to at most one other (see cluster.c,
 * "Containment links").  Rows with no shingles
 * are all joined together (their similarity is 1).  Row order decides
 * which pairs of a large bucket are verified, so the same rows in the
 * same order always give the same clusters; with rule->keyed_runs a
 * bucket's pairs depend on its own rows only (nd_cluster_bucket).  work must hold
 * nd_cluster_work_size(n) bytes, 8-aligned.  tick, if not NULL, is called
 * regularly (at least once per band) and may longjmp out.  stats may be
 * NULL.
 */
extern void nd_cluster_run(const NdSketch *const *sk, size_t n,
						   const NdEdgeRule *rule, NdUnionFind *uf,
						   void *work, NdClusterStats *stats,
						   void (*tick) (void *), void *tick_arg);

/*
 * nd_cluster_run, and when simcl is not NULL, simcl[i] = the lowest row of
 * i's similarity cluster (the components before containment links).
 */
extern void nd_cluster_run_ex(const NdSketch *const *sk, size_t n,
							  const NdEdgeRule *rule, NdUnionFind *uf,
							  void *work, NdClusterStats *stats,
							  void (*tick) (void *), void *tick_arg,
							  uint32_t *simcl);

/*
 * What nd_cluster_bucket reports: a similarity edge (a, b) (score 1), or a
 * containment proposal: a is in b with estimate score.
 */
typedef void (*NdBucketEmit) (void *arg, uint32_t a, uint32_t b, float score);

/* Bytes of scratch nd_cluster_bucket needs for k rows (8-aligned). */
extern size_t nd_cluster_bucket_work_size(size_t k);

/*
 * One band bucket by itself, with the keyed per-run rule nd_cluster_run
 * applies to every bucket when rule->keyed_runs: sk[0..k) are the bucket's
 * rows in key order.  links false: the similarity edges, reported when they
 * join two sets of the bucket's own union-find (so the components of the
 * reported edges are those of every edge the rule verifies).  links true:
 * every containment proposal the rule verifies (a in b at score >=
 * cont_threshold, b at least as long: the rule of nd_cluster_run's
 * containment pass, before it drops the pairs inside one similarity
 * component and keeps each row's best).  The union of these over every
 * bucket gives nd_cluster_run's components and containment links
 * (cluster.c, "Buckets").  work: nd_cluster_bucket_work_size(k) bytes.
 * tick as for nd_cluster_run; stats may be NULL.
 */
extern void nd_cluster_bucket(const NdSketch *const *sk, size_t k,
							  const NdEdgeRule *rule, bool links, void *work,
							  NdBucketEmit emit, void *emit_arg,
							  NdClusterStats *stats,
							  void (*tick) (void *), void *tick_arg);

/* simcl[i] = the lowest row of i's set in uf (n rows). */
extern void nd_cluster_simcl(NdUnionFind *uf, size_t n, uint32_t *simcl);

/* How a cluster's representative is chosen. */
typedef enum NdRepRule
{
	ND_REP_FIRST,				/* the lowest row index */
	ND_REP_LONGEST				/* the most tokens; ties: the lowest index */
} NdRepRule;

/*
 * After nd_cluster_run: rep[i] = the representative row of i's cluster,
 * size[rep[i]] = the number of rows of i's cluster (size is indexed by
 * representative; other entries are 0), and order[0..n) = the rows
 * sorted by (rep, row index), i.e. cluster by cluster, each cluster's rows
 * in index order.  tmp must hold n entries.  Compresses uf's paths.
 */
extern void nd_cluster_finish(NdUnionFind *uf, const NdSketch *const *sk,
							  size_t n, NdRepRule rule, uint32_t *rep,
							  uint32_t *size, uint32_t *order, uint32_t *tmp);

#endif							/* NEARDUP_CLUSTER_H */
