/*
 * fuzz_fpqin.c -- libFuzzer harness of the fingerprint_query text and
 * binary inputs (nd_fpq_parse and nd_fpq_decode in src/core/fpio.c,
 * behind fingerprint_query_in and _recv).
 *
 * Input: arbitrary bytes, copied into a heap block of exactly size + 1
 * bytes and NUL-terminated (ASan sees any read past the NUL).  Invariants:
 *	 - a rejection comes with a NUL-terminated sentence ending in '.';
 *	 - an accepted text has a threshold from 0 to 1 and passes
 *	   nd_fpq_check; its nd_fpq_format text (within ND_FPQ_TEXT_MAXLEN)
 *	   parses back to the same struct, and formatting that gives the same
 *	   text (the output is canonical);
 *	 - the first ND_FPQ_WIRE_SIZE bytes, when there are that many, taken
 *	   as the binary form: if accepted, the value passes nd_fpq_check and
 *	   encodes back to the same bytes (a threshold of -0 excepted, which
 *	   reads as 0), and its text round-trips.
 */
#include <stdbool.h>
#include <string.h>

#include "fpio.h"
#include "fuzz.h"

static void
check_detail(const char *detail)
{
	const char *end = memchr(detail, '\0', ND_FP_DETAIL_LEN);

	FUZZ_ASSERT(end != NULL);
	FUZZ_ASSERT(end > detail && end[-1] == '.');
}

static void
check_text_round_trip(const NdFingerprintQuery *q)
{
	char	   *text = malloc(ND_FPQ_TEXT_MAXLEN + 1);
	char	   *again = malloc(ND_FPQ_TEXT_MAXLEN + 1);
	char		detail[ND_FP_DETAIL_LEN];
	NdFingerprintQuery back;
	size_t		len;

	FUZZ_ASSERT(text != NULL && again != NULL);
	FUZZ_ASSERT(nd_fpq_check(q, detail, sizeof(detail)));
	len = nd_fpq_format(q, text);
	FUZZ_ASSERT(len <= ND_FPQ_TEXT_MAXLEN && strlen(text) == len);
	FUZZ_ASSERT(nd_fpq_parse(text, &back, detail, sizeof(detail)));
	FUZZ_ASSERT(memcmp(q, &back, sizeof(back)) == 0);
	nd_fpq_format(&back, again);
	FUZZ_ASSERT(strcmp(text, again) == 0);
	free(text);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *str = malloc(size + 1);
	char		detail[ND_FP_DETAIL_LEN];
	NdFingerprintQuery q;

	FUZZ_ASSERT(str != NULL);
	memcpy(str, data, size);
	str[size] = '\0';

	memset(detail, 'x', sizeof(detail));
	if (nd_fpq_parse(str, &q, detail, sizeof(detail)))
	{
		FUZZ_ASSERT(nd_fpq_threshold_valid(q.threshold));
		check_text_round_trip(&q);
	}
	else
		check_detail(detail);

	if (size >= ND_FPQ_WIRE_SIZE)
	{
		unsigned char wire[ND_FPQ_WIRE_SIZE];

		memset(detail, 'x', sizeof(detail));
		if (nd_fpq_decode(data, ND_FPQ_WIRE_SIZE, &q, detail, sizeof(detail)))
		{
			nd_fpq_encode(&q, wire);
			FUZZ_ASSERT(memcmp(wire + 4, data + 4, ND_FPQ_WIRE_SIZE - 4) == 0);
			FUZZ_ASSERT(memcmp(wire, data, 4) == 0 ||
						(q.threshold == 0.0f && memcmp(data, "\x80\0\0\0", 4) == 0));
			check_text_round_trip(&q);
		}
		else
			check_detail(detail);
	}
	free(str);
	return 0;
}
