/*
 * synth_fp.c -- a synthetic fingerprint-only table for doc/scale.md: N rows
 * of (id bigint, fp fingerprint) as PostgreSQL COPY BINARY on stdout, each
 * the fingerprint (src/core, the server's own code) of a generated text.
 *
 *   synth_fp N [SEED]  |  psql -c "COPY t (id, fp) FROM STDIN (FORMAT binary)"
 *
 * Texts: 40 to about 1,600 words (cube of a uniform: mostly short, a long
 * tail), words 'w<k>' from a 60,000-word vocabulary with a skewed (squared
 * uniform) frequency.  One row in ten is a near-copy of an earlier row:
 * the same text with every word replaced with probability 0, 0.1 or 0.3
 * (about 1, 0.7 and 0.4 of the shingles kept), so % and clustering find
 * real neighbours.  Deterministic in (N, SEED).  Measures nothing itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpio.h"
#include "sketch.h"

static uint64_t
mix(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

static double
unit(uint64_t h)
{
	return (double) (h >> 11) / 9007199254740992.0;
}

/* The text of base row `base`, words replaced with probability `edit`. */
static size_t
gen_text(uint64_t seed, uint64_t base, uint64_t copy, double edit, char *buf)
{
	uint64_t	h = mix(seed ^ mix(base));
	double		u = unit(h);
	int			nwords = 40 + (int) (u * u * u * 1560.0);
	size_t		len = 0;

	for (int k = 0; k < nwords; k++)
	{
		uint64_t	w = mix(h + (uint64_t) k);
		double		v = unit(w);
		unsigned	word = (unsigned) (v * v * 60000.0);

		if (edit > 0 && unit(mix(w ^ mix(copy + 1))) < edit)
			word = 60000 + (unsigned) (mix(w + copy) % 1000000);
		len += (size_t) sprintf(buf + len, k ? " w%u" : "w%u", word);
	}
	return len;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

int
main(int argc, char **argv)
{
	uint64_t	n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
	uint64_t	seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	static char text[1600 * 12 + 64];
	static const unsigned char hdr[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	unsigned char row[2 + 4 + 8 + 4 + ND_FP_WIRE_SIZE];
	static const double edits[3] = {0.0, 0.1, 0.3};

	fwrite(hdr, 1, sizeof(hdr), stdout);
	for (uint64_t i = 1; i <= n; i++)
	{
		uint64_t	r = mix(seed * 31 + i);
		uint64_t	base = i;
		double		edit = 0;
		size_t		len;
		NdFingerprint fp;

		if (i > 10 && r % 10 == 0)
		{
			base = 1 + mix(r) % (i - 1);
			edit = edits[(r / 10) % 3];
		}
		len = gen_text(seed, base, i, edit, text);
		memset(&fp, 0, sizeof(fp));
		fp.version = ND_FP_VERSION;
		fp.shingle_size = ND_SHINGLE_DEFAULT;
		fp.nslots = ND_SKETCH_SLOTS;
		nd_sketch_text(text, len, ND_SHINGLE_DEFAULT, &fp.sketch, NULL, NULL);
		row[0] = 0; row[1] = 2;
		put32(row + 2, 8);
		put32(row + 6, (uint32_t) (i >> 32));
		put32(row + 10, (uint32_t) i);
		put32(row + 14, ND_FP_WIRE_SIZE);
		nd_fp_encode(&fp, row + 18);
		fwrite(row, 1, sizeof(row), stdout);
	}
	fputc(0xFF, stdout);
	fputc(0xFF, stdout);
	return fflush(stdout) != 0;
}
