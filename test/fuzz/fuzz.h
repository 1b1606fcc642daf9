/*
 * fuzz.h -- shared helpers of the libFuzzer harnesses in test/fuzz.
 *
 * FUZZ_ASSERT reports a broken invariant on stderr and aborts, which
 * libFuzzer records as a crash (with the input saved as an artifact).
 */
#ifndef NEARDUP_FUZZ_H
#define NEARDUP_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
					__FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The libFuzzer entry point. */
extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
