/*-------------------------------------------------------------------------
 *
 * track.c
 *	  The locks of cluster tracking (neardup_track_clusters): transaction
 *	  advisory locks on the LSH band keys of a new row's fingerprint, so
 *	  that two transactions writing near duplicates of one new story at
 *	  the same time are ordered, and the second one's lookup sees the
 *	  first one's committed row.  The SQL side (trigger, merge map,
 *	  settle, recluster) is in neardup--0.2.0--0.3.0.sql; doc/ingest.md
 *	  has the design.
 *
 * Design notes.  Near duplicates share band keys (that is how the GIN
 * index finds them), so the keys are the natural lock names: the keys are
 * those of the default gin_fingerprint_ops layout, from src/core/bands.c
 * through NdGinDefaultKeys (one definition of banding).  A lock is the
 * advisory lock (relation oid, key), the same lock as
 * pg_advisory_xact_lock(oid::int4, key), held to the end of the
 * transaction.
 *
 * Deadlocks.  Keys are taken in ascending order.  Only the first tracked
 * row of a transaction may wait: it holds no tracking lock yet, so its
 * waits follow the global key order.  Every later row of the transaction
 * only tries its keys.  Every tracked transaction also holds the table
 * key (relation oid, -3) in share mode, taken first.  When a later row's
 * key is busy or the transaction reaches ND_TRACK_MAX_LOCKS (bounded lock
 * table use for big COPYs), it tries the table key in exclusive mode: if
 * no other tracked writer is running it gets it ("bulk": the rest of the
 * transaction needs no key locks, nobody can write near duplicates
 * meanwhile); if not, the caller is told so and records the row as
 * pending, to be re-checked by neardup_settle() after commit.  Waits
 * happen only in a transaction's first call (holding nothing but what
 * it takes in order), so no cycle of tracking locks can form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "index_common.h"

PG_FUNCTION_INFO_V1(neardup_track_lock);
PG_FUNCTION_INFO_V1(neardup_track_lock_all);
PG_FUNCTION_INFO_V1(neardup_track_lock_keys);

/*
 * Most tracking locks one transaction takes through neardup_track_lock:
 * ND_TRACK_LOCK_SHARE times max_locks_per_transaction (512 by default,
 * about 25 rows of 20 keys).  The shared lock table holds about
 * max_locks_per_transaction * max_connections entries, so even 8
 * transactions at the cap leave room for 8 more connections' worth.
 */
#define ND_TRACK_LOCK_SHARE 8
#define ND_TRACK_MAX_LOCKS (ND_TRACK_LOCK_SHARE * max_locks_per_xact)

/* Key of the per-table lock: shared by every tracked writer, exclusive in bulk. */
#define ND_TRACK_TABLE_KEY (-3)

/*
 * Per-transaction state: tracking locks acquired (not re-acquired); bulk:
 * the transaction holds the table key exclusively, so no other tracked
 * writer runs and its rows need no key locks; degraded: a subtransaction
 * that held tracking locks was rolled back (they are gone), so every later
 * row is provisional.
 */
static int	track_locks_held = 0;
static bool track_bulk = false;
static bool track_degraded = false;
static bool track_callback_registered = false;

static void
track_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			track_locks_held = 0;
			track_bulk = false;
			track_degraded = false;
			break;
		default:
			break;
	}
}

static void
track_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB && track_locks_held > 0)
		track_degraded = true;
}

static void
track_register(void)
{
	if (!track_callback_registered)
	{
		RegisterXactCallback(track_xact_callback, NULL);
		RegisterSubXactCallback(track_subxact_callback, NULL);
		track_callback_registered = true;
	}
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* Sorts keys[0..n) and drops repeats; returns the new count. */
static int
sort_unique(int32 *keys, int n)
{
	int			m = 0;

	if (n <= 1)
		return n;
	qsort(keys, n, sizeof(int32), cmp_int32);
	for (int i = 0; i < n; i++)
		if (m == 0 || keys[m - 1] != keys[i])
			keys[m++] = keys[i];
	return m;
}

/*
 * Takes the lock (relid, key); with wait false, only if it is free.
 * Returns false when it was busy (wait false only).
 */
static bool
track_acquire_mode(Oid relid, int32 key, LOCKMODE mode, bool wait)
{
	LOCKTAG		tag;
	LockAcquireResult r;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) relid, (uint32) key, 2);
	r = LockAcquire(&tag, mode, false, !wait);
	if (r == LOCKACQUIRE_NOT_AVAIL)
		return false;
	if (r == LOCKACQUIRE_OK)
		track_locks_held++;
	return true;
}

static bool
track_acquire(Oid relid, int32 key, bool wait)
{
	return track_acquire_mode(relid, key, ExclusiveLock, wait);
}

/* The sorted, distinct lock keys of fp; returns how many. */
static int
track_keys(const Fingerprint *fp, int32 *keys)
{
	return sort_unique(keys, NdGinDefaultKeys(fp, keys));
}

/*
 * neardup_track_lock(relid oid, fp fingerprint) RETURNS boolean
 *
 * Locks the band keys of fp on relation relid for the rest of the
 * transaction, in ascending order.  The transaction's first call waits for
 * busy keys; later calls only try them.  True: every key is held (the
 * caller's lookups that follow see every committed row that shares a key
 * with fp, and every concurrent writer of such a row will see this one).
 * False: some key was busy, or the transaction is at its lock budget; the
 * caller must treat its assignment as provisional (pending).
 */
Datum
neardup_track_lock(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(1);
	int32		keys[ND_GIN_DEFAULT_MAX_KEYS];
	int			n;
	bool		first;

	track_register();
	if (track_degraded)
		PG_RETURN_BOOL(false);
	if (track_bulk)
		PG_RETURN_BOOL(true);
	n = track_keys(fp, keys);
	first = (track_locks_held == 0);
	if (first)
		(void) track_acquire_mode(relid, ND_TRACK_TABLE_KEY, ShareLock, true);
	else if (track_locks_held + n > ND_TRACK_MAX_LOCKS)
		goto escalate;
	for (int i = 0; i < n; i++)
	{
		if (track_acquire(relid, keys[i], false))
			continue;
		if (!first)
			goto escalate;
		/* first row: wait, in key order */
		(void) track_acquire(relid, keys[i], true);
	}
	PG_RETURN_BOOL(true);

escalate:
	/* alone on the table?  Then every later row is safe without keys. */
	if (NeardupTrackBulk && track_acquire_mode(relid, ND_TRACK_TABLE_KEY, ExclusiveLock, false))
	{
		track_bulk = true;
		PG_RETURN_BOOL(true);
	}
	PG_RETURN_BOOL(false);
}

/*
 * neardup_track_lock_all(relid oid, fps fingerprint[]) RETURNS void
 *
 * Waits for and locks the union of the band keys of fps, in ascending
 * order: neardup_settle's step, run at the start of a transaction that
 * holds no other tracking lock (so its waits follow the key order).  NULL
 * elements are skipped.
 */
Datum
neardup_track_lock_all(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int32	   *keys;
	int			n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	track_register();
	if (track_locks_held > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("neardup_settle must run in a transaction of its own"),
				 errdetail("This transaction already holds %d cluster-tracking locks; waiting for more could deadlock.",
						   track_locks_held),
				 errhint("Commit first, then call neardup_settle() outside an explicit transaction block.")));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);
	if ((Size) nelems > MaxAllocSize / (ND_GIN_DEFAULT_MAX_KEYS * sizeof(int32)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many fingerprints to lock at once: %d", nelems),
				 errhint("Pass fewer rows per call.")));
	keys = palloc(Max(nelems, 1) * ND_GIN_DEFAULT_MAX_KEYS * sizeof(int32));
	for (int i = 0; i < nelems; i++)
		if (!nulls[i])
			n += NdGinDefaultKeys(DatumGetFingerprintP(elems[i]), keys + n);
	n = sort_unique(keys, n);
	(void) track_acquire_mode(relid, ND_TRACK_TABLE_KEY, ShareLock, true);
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		(void) track_acquire(relid, keys[i], true);
	}
	pfree(keys);
	PG_RETURN_VOID();
}

/*
 * neardup_track_lock_keys(fp fingerprint) RETURNS int4[]
 *
 * The sorted, distinct keys neardup_track_lock locks for fp (the default
 * GIN index's keys of fp), for explaining waits in pg_locks.
 */
Datum
neardup_track_lock_keys(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	int32		keys[ND_GIN_DEFAULT_MAX_KEYS];
	Datum		d[ND_GIN_DEFAULT_MAX_KEYS];
	int			n = track_keys(fp, keys);

	for (int i = 0; i < n; i++)
		d[i] = Int32GetDatum(keys[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, INT4OID, sizeof(int32), true,
										  TYPALIGN_INT));
}
