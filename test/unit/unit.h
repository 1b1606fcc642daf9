/*
 * unit.h -- a tiny TAP-emitting assertion kit for the src/core unit tests.
 *
 * Each test binary calls CHECK()/CHECK_EQ_STR()/... and ends with
 * `return unit_done();`, which prints the plan and a summary line and
 * returns non-zero when any check failed.
 */
#ifndef NEARDUP_UNIT_H
#define NEARDUP_UNIT_H

#include <stdio.h>
#include <string.h>

static int	unit_run = 0;
static int	unit_failed = 0;

#define CHECK(cond, name) \
	do { \
		unit_run++; \
		if (cond) \
			printf("ok %d - %s\n", unit_run, (name)); \
		else \
		{ \
			unit_failed++; \
			printf("not ok %d - %s\n#   at %s:%d: %s\n", unit_run, (name), \
				   __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Compare a (pointer, length) string with a NUL-terminated expectation. */
#define CHECK_MEM_STR(ptr, len, expect, name) \
	do { \
		const char *ux_p = (ptr); size_t ux_l = (len); const char *ux_e = (expect); \
		int ux_ok = (ux_e == NULL) ? (ux_p == NULL) : \
			(ux_p != NULL && ux_l == strlen(ux_e) && memcmp(ux_p, ux_e, ux_l) == 0); \
		CHECK(ux_ok, name); \
		if (!ux_ok) \
			printf("#   got:      \"%.*s\"\n#   expected: \"%s\"\n", \
				   ux_p ? (int) (ux_l > 400 ? 400 : ux_l) : 6, ux_p ? ux_p : "(null)", \
				   ux_e ? ux_e : "(null)"); \
	} while (0)

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_run);
	printf("# %d passed, %d failed\n", unit_run - unit_failed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
