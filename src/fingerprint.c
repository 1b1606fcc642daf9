/*-------------------------------------------------------------------------
 *
 * fingerprint.c
 *	  The fingerprint type: constructors, text and binary I/O, validation,
 *	  fingerprint_info(), normalize_text(), and btree/hash support.
 *
 * Text form: V:W:K:T:N:<16 hex>:<K * 4 hex>, parsed, formatted and
 * validated by src/core/fpio.c (see fpio.h), so that it can be tested and
 * fuzzed without a server.  Binary form: the same fields in network byte
 * order.  Both inputs are validated field by field and for consistency by
 * nd_fp_check, so a value that neardup could not have computed is
 * rejected.
 *
 * Encoding: the core works on UTF-8.  Text in another server encoding is
 * converted to UTF-8 first, so a fingerprint does not depend on the
 * database encoding (SQL_ASCII text is taken as UTF-8 as is).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/hash.h"
#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "fpio.h"
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

/* Raises the type's input error (soft on PostgreSQL 16 and later). */
/*
 * The hint covers the common slip: fingerprint('some words') with a quoted
 * literal is PostgreSQL's function-style cast to the type, not a call of
 * fingerprint(text), so the words arrive here.
 */
#define FP_INPUT_HINT(str) \
	((str)[0] >= '0' && (str)[0] <= '9' ? 0 : \
	 errhint("To fingerprint a string literal, give it a type: fingerprint(text '...') or fingerprint('...'::text)."))

/*
 * The start of a bad input value, for an error message: at most
 * ND_ECHO_MAX bytes cut at a character boundary, "..." appended when cut,
 * so that a huge bad value does not go whole into the server log.
 */
const char *
NeardupEchoPrefix(const char *str)
{
	int			len = (int) strnlen(str, ND_ECHO_MAX + 1);

	if (len <= ND_ECHO_MAX)
		return str;
	return psprintf("%.*s...", pg_mbcliplen(str, len, ND_ECHO_MAX), str);
}

#if PG_VERSION_NUM >= 160000
#define FP_INPUT_ERROR(escontext, code, str, detail) \
	ereturn((escontext), (Datum) 0, \
			(errcode(code), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint", NeardupEchoPrefix(str)), \
			 errdetail("%s", (detail)), FP_INPUT_HINT(str)))
#else
#define FP_INPUT_ERROR(escontext, code, str, detail) \
	ereport(ERROR, \
			(errcode(code), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint", NeardupEchoPrefix(str)), \
			 errdetail("%s", (detail)), FP_INPUT_HINT(str)))
#endif

Datum
fingerprint_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Fingerprint *fp = (Fingerprint *) palloc(ND_FP_SIZE);
	char		detail[ND_FP_DETAIL_LEN];

	if (!nd_fp_parse(str, fp, detail, sizeof(detail)))
		FP_INPUT_ERROR(fcinfo->context, ERRCODE_INVALID_TEXT_REPRESENTATION,
					   str, detail);
	PG_RETURN_FINGERPRINT_P(fp);
}

Datum
fingerprint_out(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	char	   *buf = palloc(ND_FP_TEXT_MAXLEN + 1);

	nd_fp_format(fp, buf);
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
	char		detail[ND_FP_DETAIL_LEN];

	/* the byte layout and its validation: src/core/fpio.c (fuzz_fprecv) */
	if (!nd_fp_decode((const unsigned char *) buf->data + buf->cursor,
					  (size_t) (buf->len - buf->cursor), fp, detail, sizeof(detail)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary fingerprint"),
				 errdetail("%s", detail)));
	buf->cursor = buf->len;
	PG_RETURN_FINGERPRINT_P(fp);
}

Datum
fingerprint_send(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	StringInfoData buf;
	unsigned char wire[ND_FP_WIRE_SIZE];

	nd_fp_encode(fp, wire);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) wire, ND_FP_WIRE_SIZE);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static Fingerprint *
fingerprint_compute(text *t, int shingle_size)
{
	Fingerprint *fp;
	const char *s;
	size_t		len;

	if (shingle_size < ND_SHINGLE_MIN || shingle_size > ND_SHINGLE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shingle size %d is out of range", shingle_size),
				 errhint("Use a shingle size from %d to %d words; fingerprint(text) uses %d.",
						 ND_SHINGLE_MIN, ND_SHINGLE_MAX, ND_SHINGLE_DEFAULT)));
	s = NeardupTextAsUtf8(t, &len);
	fp = (Fingerprint *) palloc0(ND_FP_SIZE);
	fp->version = ND_FP_VERSION;
	fp->shingle_size = (uint8) shingle_size;
	fp->nslots = ND_SKETCH_SLOTS;
	nd_sketch_text(s, len, shingle_size, &fp->sketch,
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
	int			filled = nd_sketch_filled(&fp->sketch);

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
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
 * Appends UTF-8 text (tokens: letters, digits, marks and spaces) to out in
 * the server encoding.  A character the server encoding cannot represent
 * (normalize_text(convert_from('\xb5', 'LATIN1')) is the Greek μ that NFKC
 * makes of the micro sign) is written as the escape \uXXXX, or \UXXXXXXXX
 * above U+FFFF, the form E'...' strings use: tokens hold no backslash,
 * so the escapes cannot be mistaken for text.  All server
 * encodings are ASCII supersets, so the escapes always fit.  Linear: the
 * text is converted in chunks by the conversion function with noError
 * (PostgreSQL 14 and later; on 13 an unrepresentable character is an
 * error, as before).
 */
static void
append_utf8_as_server(StringInfo out, const char *s, int len)
{
	int			enc = GetDatabaseEncoding();
#if PG_VERSION_NUM >= 140000
	Oid			proc;
	int			bufsize = 8192 * MAX_CONVERSION_GROWTH + 1;
	unsigned char *buf;
	int			pos = 0;
#endif

	if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
	{
		appendBinaryStringInfo(out, s, len);
		return;
	}
#if PG_VERSION_NUM >= 140000
	proc = FindDefaultConversionProc(PG_UTF8, enc);
	if (OidIsValid(proc))
	{
		buf = palloc(bufsize);
		while (pos < len)
		{
			int			done;

			CHECK_FOR_INTERRUPTS();
			done = pg_do_encoding_conversion_buf(proc, PG_UTF8, enc,
												 (unsigned char *) s + pos, len - pos,
												 buf, bufsize, true);
			appendStringInfoString(out, (char *) buf);
			pos += done;
			if (done == 0)
			{
				/* the character at pos has no equivalent: escape it */
				const unsigned char *c = (const unsigned char *) s + pos;
				int			clen = pg_utf_mblen(c);
				pg_wchar	u;

				if (clen > len - pos || !pg_utf8_islegal(c, clen))
					elog(ERROR, "normalize_text produced invalid UTF-8");
				u = utf8_to_unicode(c);
				if (u > 0xFFFF)
					appendStringInfo(out, "\\U%08X", (unsigned int) u);
				else
					appendStringInfo(out, "\\u%04X", (unsigned int) u);
				pos += clen;
			}
		}
		pfree(buf);
		return;
	}
#endif
	appendStringInfoString(out, pg_any_to_server(s, len, PG_UTF8));
}

/*
 * normalize_text(text): the token stream a fingerprint sees, tokens
 * separated by single spaces.  For explaining results.  In a database
 * whose encoding is not UTF-8, characters of the tokens that encoding
 * cannot hold come back as \uXXXX escapes (append_utf8_as_server): the
 * function never fails on text that fingerprint() accepts.
 */
Datum
normalize_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	StringInfoData out;
	StringInfoData res;
	const char *s;
	size_t		len;

	s = NeardupTextAsUtf8(t, &len);
	initStringInfo(&out);
	nd_tokenize_ex(s, len, append_token, &out,
				   NeardupInterruptTick, NULL);
	if (GetDatabaseEncoding() == PG_UTF8 || GetDatabaseEncoding() == PG_SQL_ASCII)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
	initStringInfo(&res);
	append_utf8_as_server(&res, out.data, out.len);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(res.data, res.len));
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
