/*
 * fuzz_fpin.c -- libFuzzer harness of the fingerprint text input
 * (nd_fp_parse in src/core/fpio.c, behind fingerprint_in).
 *
 * Input: arbitrary bytes, copied into a heap block of exactly size + 1
 * bytes and NUL-terminated (so ASan sees any read past the NUL; an
 * embedded NUL ends the string, as it would for a cstring).  Invariants:
 *	 - a rejection comes with a NUL-terminated sentence ending in '.';
 *	 - an accepted value passes nd_fp_check; its nd_fp_format text parses
 *	   back to the same struct, and equals the input with the ASCII
 *	   whitespace around it trimmed and its letters lowercased (the text
 *	   form is canonical up to hex case and outer whitespace);
 *	 - when the input has at least sizeof(NdFingerprint) bytes, the first
 *	   ones are also taken as a struct (as fingerprint_recv sees one):
 *	   nd_fp_format never writes past ND_FP_TEXT_MAXLEN, and if
 *	   nd_fp_check accepts, the text round-trips.
 */
#include <stdbool.h>
#include <string.h>

#include "fpio.h"
#include "fuzz.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
check_detail(const char *detail)
{
	const char *end = memchr(detail, '\0', ND_FP_DETAIL_LEN);

	FUZZ_ASSERT(end != NULL);
	FUZZ_ASSERT(end > detail && end[-1] == '.');
}

/* Formats fp into a guarded buffer and checks it parses back if valid. */
static void
check_struct(const NdFingerprint *fp)
{
	char	   *text = malloc(ND_FP_TEXT_MAXLEN + 1);	/* ASan guards the end */
	char		detail[ND_FP_DETAIL_LEN];
	NdFingerprint back;
	size_t		len;

	FUZZ_ASSERT(text != NULL);
	len = nd_fp_format(fp, text);
	FUZZ_ASSERT(len <= ND_FP_TEXT_MAXLEN && strlen(text) == len);
	if (nd_fp_check(fp, detail, sizeof(detail)))
	{
		FUZZ_ASSERT(nd_fp_parse(text, &back, detail, sizeof(detail)));
		FUZZ_ASSERT(memcmp(fp, &back, sizeof(back)) == 0);
	}
	else
		check_detail(detail);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *str = malloc(size + 1);
	char		detail[ND_FP_DETAIL_LEN];
	NdFingerprint fp;

	FUZZ_ASSERT(str != NULL);
	memcpy(str, data, size);
	str[size] = '\0';

	memset(detail, 'x', sizeof(detail));
	if (nd_fp_parse(str, &fp, detail, sizeof(detail)))
	{
		char		canon[ND_FP_TEXT_MAXLEN + 1];
		size_t		clen = nd_fp_format(&fp, canon);
		size_t		b = 0,
					e = strlen(str);

		check_struct(&fp);
		FUZZ_ASSERT(nd_fp_check(&fp, NULL, 0));
		while (b < e && is_space(str[b]))
			b++;
		while (e > b && is_space(str[e - 1]))
			e--;
		FUZZ_ASSERT(e - b == clen);
		for (size_t i = 0; i < clen; i++)
		{
			char		ch = str[b + i];

			if (ch >= 'A' && ch <= 'Z')
				ch = (char) (ch - 'A' + 'a');
			FUZZ_ASSERT(ch == canon[i]);
		}
	}
	else
		check_detail(detail);

	if (size >= sizeof(NdFingerprint))
	{
		memcpy(&fp, data, sizeof(fp));
		check_struct(&fp);
	}
	free(str);
	return 0;
}
