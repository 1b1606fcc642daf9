/*-------------------------------------------------------------------------
 *
 * fingerprint.c
 *	  The fingerprint type: constructors, text and binary I/O, validation,
 *	  fingerprint_info(), normalize_text(), and btree/hash support.
 *
 * Text form (canonical, round-trips exactly):
 *
 *		V:W:K:T:N:HHHHHHHHHHHHHHHH:SSSS...SSSS
 *
 * V format version, W shingle size, K slots, T tokens, N shingles, all
 * decimal without sign or leading zeros; H the 16 hex digits of the exact
 * hash; S the K slots as 4 hex digits each (ffff = empty bin).  Hex is
 * written in lowercase and read in either case; ASCII whitespace around the
 * value is ignored.  Binary form: the same fields in network byte order.
 * Both inputs are validated field by field and for consistency (the shingle
 * count follows from the token count, an empty text has an empty sketch),
 * so a value that neardup could not have computed is rejected.
 *
 * Encoding: the core works on UTF-8.  Text in another server encoding is
 * converted to UTF-8 first, so a fingerprint does not depend on the
 * database encoding (SQL_ASCII text is taken as UTF-8 as is).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/hash.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "neardup.h"
#include "text.h"

PG_FUNCTION_INFO_V1(fingerprint_in);
PG_FUNCTION_INFO_V1(fingerprint_out);
PG_FUNCTION_INFO_V1(fingerprint_recv);
PG_FUNCTION_INFO_V1(fingerprint_send);
PG_FUNCTION_INFO_V1(fingerprint_from_text);
PG_FUNCTION_INFO_V1(fingerprint_from_text_size);
PG_FUNCTION_INFO_V1(fingerprint_info);
PG_FUNCTION_INFO_V1(normalize_text);
PG_FUNCTION_INFO_V1(fingerprint_eq);
PG_FUNCTION_INFO_V1(fingerprint_ne);
PG_FUNCTION_INFO_V1(fingerprint_lt);
PG_FUNCTION_INFO_V1(fingerprint_le);
PG_FUNCTION_INFO_V1(fingerprint_gt);
PG_FUNCTION_INFO_V1(fingerprint_ge);
PG_FUNCTION_INFO_V1(fingerprint_cmp);
PG_FUNCTION_INFO_V1(fingerprint_hash);
PG_FUNCTION_INFO_V1(fingerprint_hash_extended);

#define TEXT_FORM_MAXLEN (3 + 1 + 2 + 1 + 3 + 1 + 10 + 1 + 10 + 1 + 16 + 1 + 4 * ND_SKETCH_SLOTS)

/* Shingle positions of a text of ntokens tokens (see sketch.h). */
static uint32
expected_shingles(uint32 ntokens, int shingle_size)
{
	if (ntokens == 0)
		return 0;
	if (ntokens < (uint32) shingle_size)
		return 1;
	return ntokens - (uint32) shingle_size + 1;
}

/*
 * Checks a decoded fingerprint for everything neardup guarantees of the
 * values it computes.  Returns NULL when valid, else a sentence for
 * errdetail.
 */
static const char *
fingerprint_check(const Fingerprint *fp)
{
	int			filled = 0;

	if (fp->version != ND_FP_VERSION)
		return psprintf("Format version %d is not supported; this build reads version %d.",
						fp->version, ND_FP_VERSION);
	if (fp->shingle_size < ND_SHINGLE_MIN || fp->shingle_size > ND_SHINGLE_MAX)
		return psprintf("Shingle size %d is out of range %d..%d.",
						fp->shingle_size, ND_SHINGLE_MIN, ND_SHINGLE_MAX);
	if (fp->nslots != ND_SKETCH_SLOTS)
		return psprintf("Slot count %d is not supported; this build uses %d.",
						fp->nslots, ND_SKETCH_SLOTS);
	if (fp->reserved != 0)
		return pstrdup("Reserved field is not zero.");
	if (fp->sketch.nshingles != expected_shingles(fp->sketch.ntokens, fp->shingle_size))
		return psprintf("Shingle count %u does not match token count %u at shingle size %d.",
						fp->sketch.nshingles, fp->sketch.ntokens, fp->shingle_size);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		filled += (fp->sketch.slots[i] != ND_SLOT_EMPTY);
	if (fp->sketch.nshingles == 0 && filled != 0)
		return pstrdup("An empty text must have an empty sketch.");
	if (fp->sketch.nshingles > 0 && filled == 0)
		return pstrdup("A non-empty text must have a non-empty sketch.");
	if ((uint32) filled > fp->sketch.nshingles)
		return psprintf("%d filled slots exceed the shingle count %u.",
						filled, fp->sketch.nshingles);
	if (fp->sketch.ntokens == 0)
	{
		NdSketch	empty;

		nd_sketch_text("", 0, fp->shingle_size, &empty, NULL, NULL);
		if (fp->sketch.exact_hash != empty.exact_hash)
			return pstrdup("The exact hash of an empty text is wrong.");
	}
	return NULL;
}

/* Raises the type's input error (soft on PostgreSQL 16 and later). */
/*
 * The hint covers the common slip: fingerprint('some words') with a quoted
 * literal is PostgreSQL's function-style cast to the type, not a call of
 * fingerprint(text), so the words arrive here.
 */
#define FP_INPUT_HINT(str) \
	((str)[0] >= '0' && (str)[0] <= '9' ? 0 : \
	 errhint("To fingerprint a string literal, give it a type: fingerprint(text '...') or fingerprint('...'::text)."))

#if PG_VERSION_NUM >= 160000
#define FP_INPUT_ERROR(escontext, code, str, detail) \
	ereturn((escontext), (Datum) 0, \
			(errcode(code), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint", (str)), \
			 errdetail("%s", (detail)), FP_INPUT_HINT(str)))
#else
#define FP_INPUT_ERROR(escontext, code, str, detail) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint", (str)), \
			 errdetail("%s", (detail)), FP_INPUT_HINT(str)))
#endif

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
parse_uint_field(const char **p, uint64 max, uint64 *out)
{
	const char *s = *p;
	uint64		v = 0;
	int			n = 0;

	while (s[n] >= '0' && s[n] <= '9')
	{
		if (n == 10)
			return false;
		v = v * 10 + (s[n] - '0');
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
parse_hex(const char **p, int ndigits, uint64 *out)
{
	uint64		v = 0;

	for (int i = 0; i < ndigits; i++)
	{
		int			h = hexval((*p)[i]);

		if (h < 0)
			return false;
		v = (v << 4) | (uint64) h;
	}
	*out = v;
	*p += ndigits;
	return true;
}

/*
 * Parses the text form into *fp.  Returns NULL on success, else a sentence
 * for errdetail.
 */
static const char *
fingerprint_parse(const char *str, Fingerprint *fp)
{
	const char *p = str;
	uint64		v,
				w,
				k,
				t,
				n,
				h;

	memset(fp, 0, sizeof(Fingerprint));
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (!parse_uint_field(&p, 255, &v) ||
		!parse_uint_field(&p, 255, &w) ||
		!parse_uint_field(&p, 65535, &k) ||
		!parse_uint_field(&p, PG_UINT32_MAX, &t) ||
		!parse_uint_field(&p, PG_UINT32_MAX, &n))
		return "Expected five decimal fields \"version:shingle_size:slots:tokens:shingles:\".";
	fp->version = (uint8) v;
	fp->shingle_size = (uint8) w;
	fp->nslots = (uint16) k;
	fp->sketch.ntokens = (uint32) t;
	fp->sketch.nshingles = (uint32) n;
	if (fp->version != ND_FP_VERSION || fp->nslots != ND_SKETCH_SLOTS ||
		!nd_shingle_size_valid(fp->shingle_size))
		return fingerprint_check(fp);
	if (!parse_hex(&p, 16, &h) || *p++ != ':')
		return "Expected 16 hexadecimal digits of exact hash followed by \":\".";
	fp->sketch.exact_hash = h;
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
	{
		if (!parse_hex(&p, 4, &v))
			return psprintf("Expected %d slots of 4 hexadecimal digits each.",
							ND_SKETCH_SLOTS);
		fp->sketch.slots[i] = (uint16) v;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '\0')
		return "Unexpected characters after the last slot.";
	return fingerprint_check(fp);
}

Datum
fingerprint_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Fingerprint *fp = (Fingerprint *) palloc(ND_FP_SIZE);
	const char *detail = fingerprint_parse(str, fp);

	if (detail != NULL)
		FP_INPUT_ERROR(fcinfo->context, ERRCODE_INVALID_TEXT_REPRESENTATION,
					   str, detail);
	PG_RETURN_FINGERPRINT_P(fp);
}

Datum
fingerprint_out(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	static const char hex[] = "0123456789abcdef";
	char	   *buf = palloc(TEXT_FORM_MAXLEN + 1);
	int			len;

	len = snprintf(buf, TEXT_FORM_MAXLEN + 1, "%d:%d:%d:%u:%u:%016" INT64_MODIFIER "x:",
				   fp->version, fp->shingle_size, fp->nslots,
				   fp->sketch.ntokens, fp->sketch.nshingles,
				   fp->sketch.exact_hash);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
	{
		uint16		s = fp->sketch.slots[i];

		buf[len++] = hex[(s >> 12) & 0xF];
		buf[len++] = hex[(s >> 8) & 0xF];
		buf[len++] = hex[(s >> 4) & 0xF];
		buf[len++] = hex[s & 0xF];
	}
	buf[len] = '\0';
	PG_RETURN_CSTRING(buf);
}

/*
 * Binary input: version (1 byte), shingle size (1), slots (2), reserved
 * (4), tokens (4), shingles (4), exact hash (8), then the slots (2 each),
 * all in network byte order; validated like the text form.
 */
Datum
fingerprint_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Fingerprint *fp = (Fingerprint *) palloc0(ND_FP_SIZE);
	const char *detail;

	if (buf->len - buf->cursor != ND_FP_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary fingerprint"),
				 errdetail("Expected %d bytes, got %d.", ND_FP_SIZE,
						   buf->len - buf->cursor)));
	fp->version = (uint8) pq_getmsgint(buf, 1);
	fp->shingle_size = (uint8) pq_getmsgint(buf, 1);
	fp->nslots = (uint16) pq_getmsgint(buf, 2);
	fp->reserved = (uint32) pq_getmsgint(buf, 4);
	fp->sketch.ntokens = (uint32) pq_getmsgint(buf, 4);
	fp->sketch.nshingles = (uint32) pq_getmsgint(buf, 4);
	fp->sketch.exact_hash = (uint64) pq_getmsgint64(buf);
	if (fp->nslots != ND_SKETCH_SLOTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary fingerprint"),
				 errdetail("Slot count %d is not supported; this build uses %d.",
						   fp->nslots, ND_SKETCH_SLOTS)));
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		fp->sketch.slots[i] = (uint16) pq_getmsgint(buf, 2);
	detail = fingerprint_check(fp);
	if (detail != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary fingerprint"),
				 errdetail("%s", detail)));
	PG_RETURN_FINGERPRINT_P(fp);
}

Datum
fingerprint_send(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, fp->version);
	pq_sendint8(&buf, fp->shingle_size);
	pq_sendint16(&buf, fp->nslots);
	pq_sendint32(&buf, fp->reserved);
	pq_sendint32(&buf, fp->sketch.ntokens);
	pq_sendint32(&buf, fp->sketch.nshingles);
	pq_sendint64(&buf, fp->sketch.exact_hash);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		pq_sendint16(&buf, fp->sketch.slots[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * The text's bytes as UTF-8: converted from the server encoding when that
 * is neither UTF-8 nor SQL_ASCII.  *len is updated.
 */
static const char *
text_as_utf8(text *t, int *len)
{
	const char *s = VARDATA_ANY(t);
	char	   *u;

	*len = VARSIZE_ANY_EXHDR(t);
	u = pg_server_to_any(s, *len, PG_UTF8);
	if (u != s)
		*len = strlen(u);
	return u;
}

static Fingerprint *
fingerprint_compute(text *t, int shingle_size)
{
	Fingerprint *fp;
	const char *s;
	int			len;

	if (shingle_size < ND_SHINGLE_MIN || shingle_size > ND_SHINGLE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shingle size %d is out of range", shingle_size),
				 errhint("Use a shingle size from %d to %d words; fingerprint(text) uses %d.",
						 ND_SHINGLE_MIN, ND_SHINGLE_MAX, ND_SHINGLE_DEFAULT)));
	s = text_as_utf8(t, &len);
	fp = (Fingerprint *) palloc0(ND_FP_SIZE);
	fp->version = ND_FP_VERSION;
	fp->shingle_size = (uint8) shingle_size;
	fp->nslots = ND_SKETCH_SLOTS;
	nd_sketch_text(s, (size_t) len, shingle_size, &fp->sketch,
				   NeardupInterruptTick, NULL);
	return fp;
}

/*
 * fingerprint(text) and fingerprint(text, shingle_size): the sketch of the
 * text's normalized word shingles.  IMMUTABLE: depends only on the text and
 * the shingle size.
 */
Datum
fingerprint_from_text(PG_FUNCTION_ARGS)
{
	PG_RETURN_FINGERPRINT_P(fingerprint_compute(PG_GETARG_TEXT_PP(0),
												ND_SHINGLE_DEFAULT));
}

Datum
fingerprint_from_text_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_FINGERPRINT_P(fingerprint_compute(PG_GETARG_TEXT_PP(0),
												PG_GETARG_INT32(1)));
}

/*
 * fingerprint_info(fingerprint) -> (version, shingle_size, slots,
 * shingle_count, token_count, filled_slots, exact_hash)
 */
Datum
fingerprint_info(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {0};
	int			filled = 0;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		filled += (fp->sketch.slots[i] != ND_SLOT_EMPTY);
	values[0] = Int32GetDatum(fp->version);
	values[1] = Int32GetDatum(fp->shingle_size);
	values[2] = Int32GetDatum(fp->nslots);
	values[3] = Int64GetDatum((int64) fp->sketch.nshingles);
	values[4] = Int64GetDatum((int64) fp->sketch.ntokens);
	values[5] = Int32GetDatum(filled);
	values[6] = CStringGetTextDatum(psprintf("%016" INT64_MODIFIER "x", fp->sketch.exact_hash));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static void
append_token(void *arg, const char *tok, size_t len)
{
	StringInfo	out = (StringInfo) arg;

	if (out->len > 0)
		appendStringInfoChar(out, ' ');
	appendBinaryStringInfo(out, tok, (int) len);
}

/*
 * normalize_text(text): the token stream a fingerprint sees, tokens
 * separated by single spaces.  For explaining results.
 */
Datum
normalize_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	StringInfoData out;
	const char *s;
	int			len;
	char	   *res;

	s = text_as_utf8(t, &len);
	initStringInfo(&out);
	nd_tokenize_ex(s, (size_t) len, append_token, &out,
				   NeardupInterruptTick, NULL);
	res = pg_any_to_server(out.data, out.len, PG_UTF8);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(res, res == out.data ? out.len : (int) strlen(res)));
}

/*
 * Total order for btree: version, shingle size, exact hash, counts, then
 * the slots.  Equal exactly when all bytes are equal.
 */
static int
fingerprint_compare(const Fingerprint *a, const Fingerprint *b)
{
	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	if (a->shingle_size != b->shingle_size)
		return a->shingle_size < b->shingle_size ? -1 : 1;
	if (a->sketch.exact_hash != b->sketch.exact_hash)
		return a->sketch.exact_hash < b->sketch.exact_hash ? -1 : 1;
	if (a->sketch.ntokens != b->sketch.ntokens)
		return a->sketch.ntokens < b->sketch.ntokens ? -1 : 1;
	if (a->sketch.nshingles != b->sketch.nshingles)
		return a->sketch.nshingles < b->sketch.nshingles ? -1 : 1;
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
		if (a->sketch.slots[i] != b->sketch.slots[i])
			return a->sketch.slots[i] < b->sketch.slots[i] ? -1 : 1;
	return 0;
}

#define FP_CMP_FUNC(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(fingerprint_compare(PG_GETARG_FINGERPRINT_P(0), \
									   PG_GETARG_FINGERPRINT_P(1)) op 0); \
}

FP_CMP_FUNC(fingerprint_eq, ==)
FP_CMP_FUNC(fingerprint_ne, !=)
FP_CMP_FUNC(fingerprint_lt, <)
FP_CMP_FUNC(fingerprint_le, <=)
FP_CMP_FUNC(fingerprint_gt, >)
FP_CMP_FUNC(fingerprint_ge, >=)

Datum
fingerprint_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(fingerprint_compare(PG_GETARG_FINGERPRINT_P(0),
										PG_GETARG_FINGERPRINT_P(1)));
}

/* Hash support: equal fingerprints have equal exact hashes and sizes. */
Datum
fingerprint_hash(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);

	PG_RETURN_DATUM(hash_uint32((uint32) (fp->sketch.exact_hash ^ (fp->sketch.exact_hash >> 32)) ^
								((uint32) fp->shingle_size << 24)));
}

Datum
fingerprint_hash_extended(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	uint64		seed = (uint64) PG_GETARG_INT64(1);

	PG_RETURN_DATUM(hash_uint32_extended((uint32) (fp->sketch.exact_hash ^ (fp->sketch.exact_hash >> 32)) ^
										 ((uint32) fp->shingle_size << 24), seed));
}
