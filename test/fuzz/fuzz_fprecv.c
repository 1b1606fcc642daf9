/*
 * fuzz_fprecv.c -- libFuzzer harness of the fingerprint binary input
 * (nd_fp_decode in src/core/fpio.c, behind fingerprint_recv).
 *
 * Input: arbitrary bytes, decoded as they are, and once more padded or cut
 * to exactly ND_FP_WIRE_SIZE bytes (so most inputs reach the field checks).
 * Invariants:
 *	 - a length other than ND_FP_WIRE_SIZE is rejected;
 *	 - a rejection comes with a NUL-terminated sentence ending in '.';
 *	 - an accepted value passes nd_fp_check, and nd_fp_encode gives back
 *	   exactly the input bytes (the binary form is canonical);
 *	 - its text form parses back to the same struct.
 */
#include <stdbool.h>
#include <string.h>

#include "fpio.h"
#include "fuzz.h"

static void
check(const unsigned char *b, size_t len)
{
	NdFingerprint fp,
				back;
	char		detail[ND_FP_DETAIL_LEN];
	unsigned char wire[ND_FP_WIRE_SIZE];
	char		text[ND_FP_TEXT_MAXLEN + 1];

	detail[0] = '\0';
	if (!nd_fp_decode(b, len, &fp, detail, sizeof(detail)))
	{
		const char *end = memchr(detail, '\0', sizeof(detail));

		FUZZ_ASSERT(end != NULL && end > detail && end[-1] == '.');
		return;
	}
	FUZZ_ASSERT(len == ND_FP_WIRE_SIZE);
	FUZZ_ASSERT(nd_fp_check(&fp, detail, sizeof(detail)));
	nd_fp_encode(&fp, wire);
	FUZZ_ASSERT(memcmp(wire, b, ND_FP_WIRE_SIZE) == 0);
	FUZZ_ASSERT(nd_fp_format(&fp, text) <= ND_FP_TEXT_MAXLEN);
	FUZZ_ASSERT(nd_fp_parse(text, &back, detail, sizeof(detail)));
	FUZZ_ASSERT(memcmp(&fp, &back, sizeof(fp)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char fixed[ND_FP_WIRE_SIZE];

	check(data, size);
	memset(fixed, 0xFF, sizeof(fixed));
	memcpy(fixed, data, size < sizeof(fixed) ? size : sizeof(fixed));
	check(fixed, sizeof(fixed));
	return 0;
}
