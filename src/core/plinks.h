/*-------------------------------------------------------------------------
 *
 * plinks.h
 *	  Passage links for duplicate_clusters(): rows of different similarity
 *	  clusters that share at least min_shared distinct passage hashes
 *	  (passage.h's winnowed hashes) are linked, except through boilerplate:
 *	  a hash held by rows of at least boiler_min different similarity
 *	  clusters links nothing.  Pure C99: no PostgreSQL headers; memory
 *	  comes from the caller's allocator (passage.h), which may refuse.
 *
 * See the design-notes block at the top of plinks.c and doc/cluster.md.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_PLINKS_H
#define NEARDUP_PLINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "passage.h"

/* The rule.  min_shared >= 1, boiler_min >= 2. */
typedef struct NdPassageRule
{
	uint32_t	min_shared;		/* distinct shared non-boilerplate hashes */
	uint32_t	boiler_min;		/* clusters holding a hash that make it
								 * boilerplate */
} NdPassageRule;

/* The boilerplate threshold: max(rows, ceil(fraction * nrows)), >= 2. */
extern uint32_t nd_plinks_boiler_min(uint32_t rows, double fraction,
									 size_t nrows);

/* Counters of one nd_plinks_run. */
typedef struct NdPassageStats
{
	uint64_t	entries;		/* (hash, row) pairs read */
	uint64_t	partitions;		/* passes over the hash space */
	uint64_t	hashes;			/* distinct hashes */
	uint64_t	shared;			/* hashes in >= 2 clusters, not boilerplate */
	uint64_t	boilerplate;	/* boilerplate hashes */
	uint64_t	cluster_pairs;	/* (cluster, cluster, hash) triples counted */
	uint64_t	linked_pairs;	/* cluster pairs sharing >= min_shared */
	uint64_t	links;			/* components joined by a passage link */
} NdPassageStats;

/*
 * Called once per boilerplate hash, in an order that depends only on the
 * input: rows = rows holding it, clusters = similarity clusters among them,
 * first_row = the lowest row holding it, other_row = the lowest row
 * holding it in another cluster than first_row's.
 */
typedef void (*NdBoilerFn) (void *arg, int64_t hash, uint32_t rows,
							uint32_t clusters, uint32_t first_row,
							uint32_t other_row);

/*
 * The passage links among rows 0..n-1.  ph[i][0..nph[i]) are row i's
 * passage hashes, sorted ascending (signed) without duplicates (nph[i] = 0:
 * none).  simcl[i] is row i's similarity cluster, named by its lowest row
 * (nd_cluster_run_ex).  When uf is not NULL, every similarity cluster's
 * best partner is the cluster sharing the most distinct non-boilerplate
 * hashes with it, at least min_shared (ties: the lowest cluster), and each
 * component of uf (which may already hold containment links) is joined
 * to the component of the best partner of its similarity clusters that is
 * in another component (the most shared hashes, then the lowest partner),
 * at most one link per component, all chosen before any is made.  boiler,
 * if not NULL, is told every boilerplate hash.  part_entries bounds the
 * (hash, row) entries held at once (>= 1; 16 bytes each): the hash space
 * is cut into as many partitions as that needs.  Returns ND_PASSAGE_OK or
 * ND_PASSAGE_ENOMEM / ND_PASSAGE_EINVAL (uf untouched then).  tick as in
 * nd_cluster_run.
 */
extern int	nd_plinks_run(const int64_t *const *ph, const uint32_t *nph,
						  size_t n, const uint32_t *simcl,
						  const NdPassageRule *rule, NdUnionFind *uf,
						  size_t part_entries, const NdAllocator *al,
						  NdBoilerFn boiler, void *boiler_arg,
						  NdPassageStats *stats,
						  void (*tick) (void *), void *tick_arg);

#endif							/* NEARDUP_PLINKS_H */
