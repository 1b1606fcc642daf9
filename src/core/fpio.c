/*-------------------------------------------------------------------------
 *
 * fpio.c
 *	  The fingerprint text form (parse, format) and the validation rules
 *	  shared by the text and binary inputs.
 *
 * Validation.  Both inputs accept exactly the values neardup can compute:
 * the header fields are checked first, then the counts for consistency
 * (the shingle count follows from the token count and the shingle size,
 * an empty text has an empty sketch and the one exact hash of the empty
 * token stream, a non-empty text fills at least one and at most nshingles
 * slots).  The sentences written into detail are the errdetail of the SQL
 * errors and are pinned by expected/fingerprint_io.out.
 *
 * The parser reads the NUL-terminated string left to right and never looks
 * past the first byte that does not fit, so it never reads past the NUL.
 *
 *-------------------------------------------------------------------------
 */
#include "fpio.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define ND_PRINTF_ATTR(f, a) __attribute__((format(printf, f, a)))
#else
#define ND_PRINTF_ATTR(f, a)
#endif

static bool fail(char *detail, size_t detail_len, const char *fmt,...) ND_PRINTF_ATTR(3, 4);

/* Writes a printf-style sentence into detail, if there is one; false. */
static bool
fail(char *detail, size_t detail_len, const char *fmt,...)
{
	va_list		ap;

	if (detail != NULL && detail_len > 0)
	{
		va_start(ap, fmt);
		vsnprintf(detail, detail_len, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Shingle positions of a text of ntokens tokens (see sketch.h). */
static uint32_t
expected_shingles(uint32_t ntokens, int shingle_size)
{
	if (ntokens == 0)
		return 0;
	if (ntokens < (uint32_t) shingle_size)
		return 1;
	return ntokens - (uint32_t) shingle_size + 1;
}

bool
nd_fp_check(const NdFingerprint *fp, char *detail, size_t detail_len)
{
	uint32_t	filled = 0;

	if (fp->version != ND_FP_VERSION)
		return fail(detail, detail_len,
					"Format version %d is not supported; this build reads version %d.",
					fp->version, ND_FP_VERSION);
	if (!nd_shingle_size_valid(fp->shingle_size))
		return fail(detail, detail_len,
					"Shingle size %d is out of range %d..%d.",
					fp->shingle_size, ND_SHINGLE_MIN, ND_SHINGLE_MAX);
	if (fp->nslots != ND_SKETCH_SLOTS)
		return fail(detail, detail_len,
					"Slot count %d is not supported; this build uses %d.",
					fp->nslots, ND_SKETCH_SLOTS);
	if (fp->reserved != 0)
		return fail(detail, detail_len, "Reserved field is not zero.");
	if (fp->sketch.nshingles != expected_shingles(fp->sketch.ntokens, fp->shingle_size))
		return fail(detail, detail_len,
					"Shingle count %" PRIu32 " does not match token count %" PRIu32 " at shingle size %d.",
					fp->sketch.nshingles, fp->sketch.ntokens, fp->shingle_size);
	filled = (uint32_t) nd_sketch_filled(&fp->sketch);
	if (fp->sketch.nshingles == 0 && filled != 0)
		return fail(detail, detail_len, "An empty text must have an empty sketch.");
	if (fp->sketch.nshingles > 0 && filled == 0)
		return fail(detail, detail_len, "A non-empty text must have a non-empty sketch.");
	if (filled > fp->sketch.nshingles)
		return fail(detail, detail_len,
					"%d filled slots exceed the shingle count %" PRIu32 ".",
					(int) filled, fp->sketch.nshingles);
	if (fp->sketch.ntokens == 0)
	{
		NdSketch	empty;

		nd_sketch_text("", 0, fp->shingle_size, &empty, NULL, NULL);
		if (fp->sketch.exact_hash != empty.exact_hash)
			return fail(detail, detail_len, "The exact hash of an empty text is wrong.");
	}
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Reads a decimal field of at most 10 digits, no sign, no leading zero,
 * at most max, ended by ':'.  Advances *p past the ':'.
 */
static bool
parse_uint_field(const char **p, uint64_t max, uint64_t *out)
{
	const char *s = *p;
	uint64_t	v = 0;
	int			n = 0;

	while (s[n] >= '0' && s[n] <= '9')
	{
		if (n == 10)
			return false;
		v = v * 10 + (uint64_t) (s[n] - '0');
		n++;
	}
	if (n == 0 || (n > 1 && s[0] == '0') || v > max || s[n] != ':')
		return false;
	*out = v;
	*p = s + n + 1;
	return true;
}

/* Reads exactly ndigits hex digits into *out (ndigits <= 16). */
static bool
parse_hex(const char **p, int ndigits, uint64_t *out)
{
	uint64_t	v = 0;

	for (int i = 0; i < ndigits; i++)
	{
		int			h = hexval((*p)[i]);

		if (h < 0)
			return false;
		v = (v << 4) | (uint64_t) h;
	}
	*out = v;
	*p += ndigits;
	return true;
}

bool
nd_fp_parse(const char *str, NdFingerprint *out, char *detail,
			size_t detail_len)
{
	const char *p = str;
	uint64_t	v,
				w,
				k,
				t,
				n,
				h;

	memset(out, 0, sizeof(NdFingerprint));
	while (is_space(*p))
		p++;
	if (!parse_uint_field(&p, UINT8_MAX, &v) ||
		!parse_uint_field(&p, UINT8_MAX, &w) ||
		!parse_uint_field(&p, UINT16_MAX, &k) ||
		!parse_uint_field(&p, UINT32_MAX, &t) ||
		!parse_uint_field(&p, UINT32_MAX, &n))
		return fail(detail, detail_len,
					"Expected five decimal fields \"version:shingle_size:slots:tokens:shingles:\".");
	out->version = (uint8_t) v;
	out->shingle_size = (uint8_t) w;
	out->nslots = (uint16_t) k;
	out->sketch.ntokens = (uint32_t) t;
	out->sketch.nshingles = (uint32_t) n;
	/* a header this build cannot read: say so before looking further */
	if (out->version != ND_FP_VERSION || out->nslots != ND_SKETCH_SLOTS ||
		!nd_shingle_size_valid(out->shingle_size))
		return nd_fp_check(out, detail, detail_len);
	if (!parse_hex(&p, 16, &h) || *p++ != ':')
		return fail(detail, detail_len,
					"Expected 16 hexadecimal digits of exact hash followed by \":\".");
	out->sketch.exact_hash = h;
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
	{
		if (!parse_hex(&p, 4, &v))
			return fail(detail, detail_len,
						"Expected %d slots of 4 hexadecimal digits each.",
						ND_SKETCH_SLOTS);
		out->sketch.slots[i] = (uint16_t) v;
	}
	while (is_space(*p))
		p++;
	if (*p != '\0')
		return fail(detail, detail_len, "Unexpected characters after the last slot.");
	return nd_fp_check(out, detail, detail_len);
}

/* Writes v in decimal at buf; returns the digits written. */
static size_t
put_uint(char *buf, uint32_t v)
{
	char		tmp[10];
	size_t		n = 0;

	do
	{
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* Writes the low 4 * ndigits bits of v as ndigits lowercase hex digits. */
static size_t
put_hex(char *buf, uint64_t v, int ndigits)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = ndigits - 1; i >= 0; i--)
	{
		buf[i] = hex[v & 0xF];
		v >>= 4;
	}
	return (size_t) ndigits;
}

size_t
nd_fp_format(const NdFingerprint *fp, char *buf)
{
	size_t		len = 0;

	len += put_uint(buf + len, fp->version);
	buf[len++] = ':';
	len += put_uint(buf + len, fp->shingle_size);
	buf[len++] = ':';
	len += put_uint(buf + len, fp->nslots);
	buf[len++] = ':';
	len += put_uint(buf + len, fp->sketch.ntokens);
	buf[len++] = ':';
	len += put_uint(buf + len, fp->sketch.nshingles);
	buf[len++] = ':';
	len += put_hex(buf + len, fp->sketch.exact_hash, 16);
	buf[len++] = ':';
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		len += put_hex(buf + len, fp->sketch.slots[i], 4);
	buf[len] = '\0';
	return len;
}

/* ---------- binary form ---------- */

static uint64_t
get_be(const unsigned char **p, int n)
{
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | *(*p)++;
	return v;
}

static void
put_be(unsigned char **p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--)
		*(*p)++ = (unsigned char) (v >> (8 * i));
}

bool
nd_fp_decode(const unsigned char *b, size_t len, NdFingerprint *out,
			 char *detail, size_t detail_len)
{
	const unsigned char *p = b;

	memset(out, 0, sizeof(*out));
	if (len != ND_FP_WIRE_SIZE)
		return fail(detail, detail_len, "Expected %d bytes, got %zu.",
					(int) ND_FP_WIRE_SIZE, len);
	out->version = (uint8_t) get_be(&p, 1);
	out->shingle_size = (uint8_t) get_be(&p, 1);
	out->nslots = (uint16_t) get_be(&p, 2);
	out->reserved = (uint32_t) get_be(&p, 4);
	out->sketch.ntokens = (uint32_t) get_be(&p, 4);
	out->sketch.nshingles = (uint32_t) get_be(&p, 4);
	out->sketch.exact_hash = get_be(&p, 8);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		out->sketch.slots[i] = (uint16_t) get_be(&p, 2);
	return nd_fp_check(out, detail, detail_len);
}

void
nd_fp_encode(const NdFingerprint *fp, unsigned char out[ND_FP_WIRE_SIZE])
{
	unsigned char *p = out;

	put_be(&p, fp->version, 1);
	put_be(&p, fp->shingle_size, 1);
	put_be(&p, fp->nslots, 2);
	put_be(&p, fp->reserved, 4);
	put_be(&p, fp->sketch.ntokens, 4);
	put_be(&p, fp->sketch.nshingles, 4);
	put_be(&p, fp->sketch.exact_hash, 8);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		put_be(&p, fp->sketch.slots[i], 2);
}

/* ---------- fingerprint queries (fingerprint_query, at_least()) ---------- */

bool
nd_fpq_threshold_valid(float t)
{
	return t >= 0.0f && t <= 1.0f;	/* false for NaN */
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The grammar is checked here, byte by byte, so that strtof only ever sees
 * a plain decimal number (never "inf", "nan", hex floats, signs or
 * spaces) and never reads past what was checked: it gets a NUL-terminated
 * copy.
 */
size_t
nd_fpq_parse_threshold(const char *str, float *out, char *detail,
					   size_t detail_len)
{
	char		buf[ND_FPQ_THRESHOLD_MAXLEN + 1];
	size_t		n = 0;
	int			digits = 0;
	char	   *end;
	float		v;

	while (is_digit(str[n]) && n <= ND_FPQ_THRESHOLD_MAXLEN)
		n++, digits++;
	if (str[n] == '.')
	{
		n++;
		while (is_digit(str[n]) && n <= ND_FPQ_THRESHOLD_MAXLEN)
			n++, digits++;
	}
	if (digits == 0)
		return fail(detail, detail_len,
					"Expected a threshold from 0 to 1 followed by \"@\" and a fingerprint."), 0;
	if (str[n] == 'e' || str[n] == 'E')
	{
		size_t		e = n + 1;

		if (str[e] == '+' || str[e] == '-')
			e++;
		if (!is_digit(str[e]))
			return fail(detail, detail_len,
						"Expected digits after the exponent of the threshold."), 0;
		while (is_digit(str[e]) && e <= ND_FPQ_THRESHOLD_MAXLEN)
			e++;
		n = e;
	}
	if (n > ND_FPQ_THRESHOLD_MAXLEN)
		return fail(detail, detail_len,
					"The threshold has more than %d characters.",
					ND_FPQ_THRESHOLD_MAXLEN), 0;
	memcpy(buf, str, n);
	buf[n] = '\0';
	v = strtof(buf, &end);
	if (end != buf + n || !nd_fpq_threshold_valid(v))
		return fail(detail, detail_len,
					"The threshold must be a number from 0 to 1."), 0;
	*out = v;
	return n;
}

bool
nd_fpq_parse(const char *str, NdFingerprintQuery *out, char *detail,
			 size_t detail_len)
{
	const char *p = str;
	size_t		n;

	memset(out, 0, sizeof(*out));
	while (is_space(*p))
		p++;
	n = nd_fpq_parse_threshold(p, &out->threshold, detail, detail_len);
	if (n == 0)
		return false;
	p += n;
	if (*p != '@')
		return fail(detail, detail_len,
					"Expected \"@\" and a fingerprint after the threshold.");
	p++;
	if (is_space(*p))
		return fail(detail, detail_len,
					"Expected a fingerprint right after \"@\".");
	return nd_fp_parse(p, &out->fp, detail, detail_len);
}

size_t
nd_fpq_format_threshold(float t, char *buf)
{
	int			len = 0;

	/* %.9g always reads back; stop at the first shorter one that does */
	for (int prec = 1; prec <= 9; prec++)
	{
		len = snprintf(buf, ND_FPQ_THRESHOLD_MAXLEN + 1, "%.*g", prec, (double) t);
		if (strtof(buf, NULL) == t)
			break;
	}
	return (size_t) len;
}

double
nd_fpq_threshold_double(float t)
{
	char		buf[ND_FPQ_THRESHOLD_MAXLEN + 1];

	nd_fpq_format_threshold(t, buf);
	return strtod(buf, NULL);
}

size_t
nd_fpq_format(const NdFingerprintQuery *q, char *buf)
{
	size_t		n = nd_fpq_format_threshold(q->threshold, buf);

	buf[n++] = '@';
	return n + nd_fp_format(&q->fp, buf + n);
}

bool
nd_fpq_check(const NdFingerprintQuery *q, char *detail, size_t detail_len)
{
	if (!nd_fpq_threshold_valid(q->threshold))
		return fail(detail, detail_len,
					"The threshold must be a number from 0 to 1.");
	if (q->reserved != 0)
		return fail(detail, detail_len, "The reserved field must be zero.");
	return nd_fp_check(&q->fp, detail, detail_len);
}

bool
nd_fpq_decode(const unsigned char *b, size_t len, NdFingerprintQuery *out,
			  char *detail, size_t detail_len)
{
	const unsigned char *p = b;
	uint32_t	bits;

	memset(out, 0, sizeof(*out));
	if (len != ND_FPQ_WIRE_SIZE)
		return fail(detail, detail_len, "Expected %d bytes, got %zu.",
					(int) ND_FPQ_WIRE_SIZE, len);
	bits = (uint32_t) get_be(&p, 4);
	memcpy(&out->threshold, &bits, sizeof(bits));
	if (!nd_fpq_threshold_valid(out->threshold))
		return fail(detail, detail_len,
					"The threshold must be a number from 0 to 1.");
	if (out->threshold == 0.0f)
		out->threshold = 0.0f;	/* -0 reads as 0, which the text form can write */
	return nd_fp_decode(p, ND_FP_WIRE_SIZE, &out->fp, detail, detail_len);
}

void
nd_fpq_encode(const NdFingerprintQuery *q, unsigned char out[ND_FPQ_WIRE_SIZE])
{
	unsigned char *p = out;
	uint32_t	bits;

	memcpy(&bits, &q->threshold, sizeof(bits));
	put_be(&p, bits, 4);
	nd_fp_encode(&q->fp, p);
}
