/*-------------------------------------------------------------------------
 *
 * neardup.c
 *	  Module entry point of the neardup extension and small shared helpers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "neardup.h"

PG_MODULE_MAGIC;

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
