/*-------------------------------------------------------------------------
 *
 * neardup.c
 *	  Module entry point of the neardup extension: module magic, GUCs, and
 *	  small shared helpers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "neardup.h"

PG_MODULE_MAGIC;

double		NeardupSimilarityThreshold = 0.5;
double		NeardupContainmentThreshold = 0.5;
bool		NeardupTrackBulk = true;
bool		NeardupGinSingleKey = true;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomRealVariable("neardup.similarity_threshold",
							 "Sets the similarity threshold used by the % operator.",
							 "Two fingerprints are similar when their estimated resemblance is at least this.",
							 &NeardupSimilarityThreshold,
							 0.5, 0.0, 1.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("neardup.containment_threshold",
							 "Sets the containment threshold used by the <% and %> operators.",
							 "A text is contained in another when this share of its shingles is estimated to be there.",
							 &NeardupContainmentThreshold,
							 0.5, 0.0, 1.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("neardup.track_bulk",
							 "Lets a big transaction on a cluster-tracked table that is alone on it lock the whole table instead of band keys.",
							 "Off: rows beyond the lock budget stay provisional until neardup_settle(), and concurrent loaders keep running in parallel.",
							 &NeardupTrackBulk,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomBoolVariable("neardup.gin_single_key",
							 "Lets a GIN % query return rows that share a single band key with the query where the threshold allows it.",
							 "Off: at least two matching keys (far fewer chance candidates to recheck at scale; a pair right at the threshold is missed more often). Cluster tracking turns it off for its similarity lookups.",
							 &NeardupGinSingleKey,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("neardup");
}

/*
 * Tick hook handed to the src/core parsers and tokenizers: they call it at
 * least once per megabyte of input so that a long statement can be
 * cancelled.  It may longjmp out; the core keeps no state that matters.
 */
void
NeardupInterruptTick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * The bytes of a text argument as UTF-8 (what src/core reads): converted
 * from the server encoding when that is neither UTF-8 nor SQL_ASCII, else
 * the text's own bytes.  *len is set.
 */
const char *
NeardupTextAsUtf8(text *t, size_t *len)
{
	const char *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);
	char	   *u;

	u = pg_server_to_any(s, n, PG_UTF8);
	*len = (u != s) ? strlen(u) : (size_t) n;
	return u;
}
