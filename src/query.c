/*-------------------------------------------------------------------------
 *
 * query.c
 *	  The fingerprint_query type (a fingerprint and a threshold), its
 *	  constructor at_least(fingerprint, real), its text and binary I/O, and
 *	  the IMMUTABLE operators fingerprint % fingerprint_query,
 *	  fingerprint <% fingerprint_query and fingerprint %> fingerprint_query.
 *
 * The GUC operators (similarity.c) compare against
 * neardup.similarity_threshold / containment_threshold as set where the
 * operator runs, which makes them STABLE: a Citus worker or a
 * postgres_fdw remote server uses its own setting, postgres_fdw will not
 * ship them, and Citus refuses them in UPDATE/DELETE.  A fingerprint_query
 * carries the threshold in the value, so these operators depend only on
 * their arguments.  Same estimators, same single-precision comparison as
 * the GUC forms: fp % at_least(q, t) is exactly fp % q with the GUC at t.
 *
 * The text and binary forms are parsed and validated by src/core/fpio.c
 * (nd_fpq_*), which reuses the fingerprint's own rules for the fingerprint
 * part; the threshold must be from 0 to 1.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "fpio.h"
#include "neardup.h"

PG_FUNCTION_INFO_V1(fingerprint_query_in);
PG_FUNCTION_INFO_V1(fingerprint_query_out);
PG_FUNCTION_INFO_V1(fingerprint_query_recv);
PG_FUNCTION_INFO_V1(fingerprint_query_send);
PG_FUNCTION_INFO_V1(fingerprint_at_least);
PG_FUNCTION_INFO_V1(fingerprint_query_threshold);
PG_FUNCTION_INFO_V1(fingerprint_query_fingerprint);
PG_FUNCTION_INFO_V1(fingerprint_query_similar_op);
PG_FUNCTION_INFO_V1(fingerprint_query_contained_op);
PG_FUNCTION_INFO_V1(fingerprint_query_contains_op);
PG_FUNCTION_INFO_V1(fingerprint_query_similar_op_commuted);
PG_FUNCTION_INFO_V1(fingerprint_query_contained_op_commuted);
PG_FUNCTION_INFO_V1(fingerprint_query_contains_op_commuted);

#if PG_VERSION_NUM >= 160000
#define FPQ_INPUT_ERROR(escontext, str, detail) \
	ereturn((escontext), (Datum) 0, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint_query", NeardupEchoPrefix(str)), \
			 errdetail("%s", (detail)), \
			 errhint("Build a query with at_least(fingerprint, threshold).")))
#else
#define FPQ_INPUT_ERROR(escontext, str, detail) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "fingerprint_query", NeardupEchoPrefix(str)), \
			 errdetail("%s", (detail)), \
			 errhint("Build a query with at_least(fingerprint, threshold).")))
#endif

/* Text input: threshold@fingerprint-text (src/core/fpio.h). */
Datum
fingerprint_query_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	FingerprintQuery *q = (FingerprintQuery *) palloc(ND_FPQ_SIZE);
	char		detail[ND_FP_DETAIL_LEN];

	if (!nd_fpq_parse(str, q, detail, sizeof(detail)))
		FPQ_INPUT_ERROR(fcinfo->context, str, detail);
	PG_RETURN_POINTER(q);
}

Datum
fingerprint_query_out(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	char	   *buf = palloc(ND_FPQ_TEXT_MAXLEN + 1);

	nd_fpq_format(q, buf);
	PG_RETURN_CSTRING(buf);
}

/*
 * Binary input: the threshold's IEEE-754 bits (4 bytes), then the binary
 * form of a fingerprint, all in network byte order; validated like the
 * text form.
 */
Datum
fingerprint_query_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	FingerprintQuery *q = (FingerprintQuery *) palloc0(ND_FPQ_SIZE);
	char		detail[ND_FP_DETAIL_LEN];

	if (!nd_fpq_decode((const unsigned char *) buf->data + buf->cursor,
					   (size_t) (buf->len - buf->cursor), q, detail, sizeof(detail)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary fingerprint_query"),
				 errdetail("%s", detail)));
	buf->cursor = buf->len;
	PG_RETURN_POINTER(q);
}

Datum
fingerprint_query_send(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	StringInfoData buf;
	unsigned char wire[ND_FPQ_WIRE_SIZE];

	nd_fpq_encode(q, wire);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) wire, ND_FPQ_WIRE_SIZE);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* at_least(fp, threshold): the query "fp, at or above threshold". */
Datum
fingerprint_at_least(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	float4		t = PG_GETARG_FLOAT4(1);
	FingerprintQuery *q;

	if (!nd_fpq_threshold_valid(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold %g is out of range", (double) t),
				 errhint("Use a threshold from 0 to 1, e.g. at_least(fp, 0.5).")));
	q = (FingerprintQuery *) palloc0(ND_FPQ_SIZE);
	q->threshold = (t == 0.0f) ? 0.0f : t;	/* -0 as 0: the text form has no sign */
	memcpy(&q->fp, fp, sizeof(Fingerprint));
	PG_RETURN_POINTER(q);
}

/* threshold(fingerprint_query) */
Datum
fingerprint_query_threshold(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT4(PG_GETARG_FINGERPRINT_QUERY_P(0)->threshold);
}

/* fingerprint(fingerprint_query) */
Datum
fingerprint_query_fingerprint(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	Fingerprint *fp = (Fingerprint *) palloc(ND_FP_SIZE);

	memcpy(fp, &q->fp, sizeof(Fingerprint));
	PG_RETURN_FINGERPRINT_P(fp);
}

/* fp % q: similarity(fp, q's fingerprint) >= q's threshold */
Datum
fingerprint_query_similar_op(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(1);

	PG_RETURN_BOOL((float4) FingerprintSimilarity(fp, &q->fp) >= q->threshold);
}

/* fp <% q: containment(fp, q's fingerprint) >= q's threshold */
Datum
fingerprint_query_contained_op(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(1);

	PG_RETURN_BOOL((float4) FingerprintContainment(fp, &q->fp) >= q->threshold);
}

/* fp %> q: containment(q's fingerprint, fp) >= q's threshold */
Datum
fingerprint_query_contains_op(PG_FUNCTION_ARGS)
{
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(0);
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(1);

	PG_RETURN_BOOL((float4) FingerprintContainment(&q->fp, fp) >= q->threshold);
}

/*
 * The commutators, query on the left: q % fp is fp % q, q <% fp is
 * fp %> q (q's text contained in fp's), q %> fp is fp <% q.
 */
Datum
fingerprint_query_similar_op_commuted(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL((float4) FingerprintSimilarity(fp, &q->fp) >= q->threshold);
}

/* q <% fp: containment(q's fingerprint, fp) >= q's threshold */
Datum
fingerprint_query_contained_op_commuted(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL((float4) FingerprintContainment(&q->fp, fp) >= q->threshold);
}

/* q %> fp: containment(fp, q's fingerprint) >= q's threshold */
Datum
fingerprint_query_contains_op_commuted(PG_FUNCTION_ARGS)
{
	FingerprintQuery *q = PG_GETARG_FINGERPRINT_QUERY_P(0);
	Fingerprint *fp = PG_GETARG_FINGERPRINT_P(1);

	PG_RETURN_BOOL((float4) FingerprintContainment(fp, &q->fp) >= q->threshold);
}
