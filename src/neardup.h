/*-------------------------------------------------------------------------
 *
 * neardup.h
 *	  Shared declarations of the neardup PostgreSQL glue.
 *
 * The pure algorithms live in src/core/ and know nothing about
 * PostgreSQL; this header is for the fmgr-facing files in src/.
 *
 *-------------------------------------------------------------------------
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include "postgres.h"

/* Called by src/core long loops through their tick hooks. */
extern void NeardupInterruptTick(void *arg);

#endif							/* NEARDUP_H */
