/*
 * unit.h -- a tiny TAP-emitting assertion kit for the src/core unit tests.
 *
 * Each test binary calls CHECK()/CHECK_EQ_STR()/... and ends with
 * `return unit_done();`, which prints the plan and a summary line and
 * returns non-zero when any check failed.
 */
#ifndef NEARDUP_UNIT_H
#define NEARDUP_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * The whole file at path, byte-exact, NUL-terminated (not counted in
 * *len); NULL when it cannot be read.  The caller frees it.
 */
static inline char *
unit_read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
		(buf = malloc((size_t) n + 1)) == NULL)
	{
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t) n;
	return buf;
}

/*
 * A deterministic generator for test inputs: splitmix64 from
 * unit_rng_state (set it to reseed).
 */
static uint64_t unit_rng_state = 42;

static inline uint64_t
unit_rng(void)
{
	uint64_t	z = (unit_rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* A tick hook (the tick argument of src/core) counting its calls. */
static int	unit_ticks;

static inline void
unit_count_tick(void *arg)
{
	(void) arg;
	unit_ticks++;
}

static inline int
unit_done(void)
{
	printf("1..%d\n", unit_run);
	printf("# %d passed, %d failed\n", unit_run - unit_failed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
