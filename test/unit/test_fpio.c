/*
 * test_fpio.c -- unit tests of src/core/fpio.c: the fingerprint text form
 * (parse, format) and the validation shared with the binary input.
 *
 * The detail sentences checked here are the errdetail of the SQL errors
 * pinned by expected/fingerprint_io.out.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpio.h"
#include "sketch.h"
#include "text.h"
#include "unit.h"

#define FIXTURES "test/fixtures/"

/* ---------- helpers ---------- */

/* The fingerprint neardup computes for s at shingle size w. */
static NdFingerprint
fp_of(const char *s, size_t len, int w)
{
	NdFingerprint fp;

	memset(&fp, 0, sizeof(fp));
	fp.version = ND_FP_VERSION;
	fp.shingle_size = (uint8_t) w;
	fp.nslots = ND_SKETCH_SLOTS;
	nd_sketch_text(s, len, w, &fp.sketch, NULL, NULL);
	return fp;
}

/* The text form of fp, in a static buffer. */
static const char *
text_of(const NdFingerprint *fp)
{
	static char buf[ND_FP_TEXT_MAXLEN + 1];

	nd_fp_format(fp, buf);
	return buf;
}

/* Reference formatter: the snprintf fingerprint_out used before fpio.c. */
static size_t
reference_format(const NdFingerprint *fp, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	int			len;

	len = snprintf(buf, size, "%d:%d:%d:%" PRIu32 ":%" PRIu32 ":%016" PRIx64 ":",
				   fp->version, fp->shingle_size, fp->nslots,
				   fp->sketch.ntokens, fp->sketch.nshingles,
				   fp->sketch.exact_hash);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++)
	{
		uint16_t	s = fp->sketch.slots[i];

		buf[len++] = hex[(s >> 12) & 0xF];
		buf[len++] = hex[(s >> 8) & 0xF];
		buf[len++] = hex[(s >> 4) & 0xF];
		buf[len++] = hex[s & 0xF];
	}
	buf[len] = '\0';
	return (size_t) len;
}

/* "HEAD" followed by 256 slots: all ffff except slot `at`, which is `val`. */
static char *
with_slots(const char *head, int at, const char *val)
{
	char	   *s = malloc(strlen(head) + 4 * ND_SKETCH_SLOTS + 1);
	size_t		len = strlen(head);

	memcpy(s, head, len);
	for (int i = 0; i < ND_SKETCH_SLOTS; i++, len += 4)
		memcpy(s + len, i == at ? val : "ffff", 4);
	s[len] = '\0';
	return s;
}

/* Parses a heap copy of str of exactly strlen + 1 bytes. */
static int
parse_copy(const char *str, size_t n, NdFingerprint *out, char *detail)
{
	char	   *c = malloc(n + 1);
	int			ok;

	memcpy(c, str, n);
	c[n] = '\0';
	ok = nd_fp_parse(c, out, detail, ND_FP_DETAIL_LEN);
	free(c);
	return ok;
}

/* Expects str to be rejected with exactly the given detail sentence. */
static void
check_reject(const char *str, const char *detail, const char *name)
{
	NdFingerprint fp;
	char		d[ND_FP_DETAIL_LEN] = "";
	int			ok = parse_copy(str, strlen(str), &fp, d);

	CHECK(!ok, name);
	CHECK_MEM_STR(d, strlen(d), detail, name);
}

#define EMPTY_W3_HEAD "1:3:256:0:0:e7e42328f23e1bd0:"
#define DETAIL_FIELDS "Expected five decimal fields \"version:shingle_size:slots:tokens:shingles:\"."
#define DETAIL_HASH "Expected 16 hexadecimal digits of exact hash followed by \":\"."
#define DETAIL_SLOTS "Expected 256 slots of 4 hexadecimal digits each."
#define DETAIL_TRAILING "Unexpected characters after the last slot."

static const char *texts[] = {
	"",
	"One",
	"Two words",
	"The quick brown fox jumps over the lazy dog.",
	"Don’t STOP believing — “Journey”, 1981!",
	"Премьер-министр Ирака Мухаммед Шиа ас-Судани заявил в понедельник",
	"中华人民共和国国务院总理今天在北京会见了来访的外国客人",
	"l’été dernier, à Paris, ﬁnancement ① Ａ ß İstanbul",
};

/* ---------- tests ---------- */

static void
test_golden(void)
{
	NdFingerprint fp = fp_of("", 0, 3);
	char	   *expect = with_slots(EMPTY_W3_HEAD, -1, NULL);
	const char *got = text_of(&fp);

	CHECK_MEM_STR(got, strlen(got), expect, "golden: empty text at w=3");
	free(expect);

	fp = fp_of("Two words", 9, 3);
	expect = with_slots("1:3:256:2:1:b5483eaca81b8239:", 207, "bbc0");
	got = text_of(&fp);
	CHECK_MEM_STR(got, strlen(got), expect, "golden: \"Two words\" at w=3");
	free(expect);

	/* the SQL golden value of fingerprint(text 'The quick ...', 1) */
	{
		static const struct
		{
			int			at;
			const char *val;
		}			filled[] = {
			{7, "c023"}, {24, "bfa1"}, {45, "ef6c"}, {71, "ac50"},
			{142, "7e58"}, {156, "a099"}, {173, "8589"}, {182, "80b0"}
		};
		char	   *s = with_slots("1:1:256:9:9:96551e7dcb84dcb7:", -1, NULL);
		const char *fox = "The quick brown fox jumps over the lazy dog.";

		for (size_t i = 0; i < sizeof(filled) / sizeof(filled[0]); i++)
			memcpy(s + strlen("1:1:256:9:9:96551e7dcb84dcb7:") + 4 * filled[i].at,
				   filled[i].val, 4);
		fp = fp_of(fox, strlen(fox), 1);
		got = text_of(&fp);
		CHECK_MEM_STR(got, strlen(got), s, "golden: the fox at w=1");
		free(s);
	}
}

static void
test_roundtrip(void)
{
	size_t		flen = 0;
	char	   *fixture = unit_read_file(FIXTURES "tt_basic.txt", &flen);
	int			bad_parse = 0,
				bad_equal = 0,
				bad_text = 0,
				bad_ref = 0,
				bad_check = 0,
				n = 0;

	CHECK(fixture != NULL, "fixture tt_basic.txt readable");
	for (int w = ND_SHINGLE_MIN; w <= ND_SHINGLE_MAX; w++)
	{
		for (size_t t = 0; t <= sizeof(texts) / sizeof(texts[0]); t++)
		{
			const char *s = t < sizeof(texts) / sizeof(texts[0]) ? texts[t] : fixture;
			size_t		len = t < sizeof(texts) / sizeof(texts[0]) ? strlen(s) : flen;
			NdFingerprint fp,
						back;
			char		buf[ND_FP_TEXT_MAXLEN + 1];
			char		ref[ND_FP_TEXT_MAXLEN + 64];
			char		again[ND_FP_TEXT_MAXLEN + 1];
			char		d[ND_FP_DETAIL_LEN];
			size_t		blen;

			if (s == NULL)
				continue;
			n++;
			fp = fp_of(s, len, w);
			bad_check += !nd_fp_check(&fp, d, sizeof(d));
			blen = nd_fp_format(&fp, buf);
			bad_ref += (blen != strlen(buf) ||
						blen != reference_format(&fp, ref, sizeof(ref)) ||
						strcmp(buf, ref) != 0);
			if (!nd_fp_parse(buf, &back, d, sizeof(d)))
			{
				bad_parse++;
				printf("#   w=%d text %zu: %s\n", w, t, d);
				continue;
			}
			bad_equal += memcmp(&fp, &back, sizeof(fp)) != 0;
			nd_fp_format(&back, again);
			bad_text += strcmp(buf, again) != 0;
		}
	}
	CHECK(n == 16 * (int) (sizeof(texts) / sizeof(texts[0]) + 1), "round trip: all texts at w=1..16");
	CHECK(bad_check == 0, "round trip: every computed fingerprint passes nd_fp_check");
	CHECK(bad_ref == 0, "round trip: format equals the old snprintf output");
	CHECK(bad_parse == 0, "round trip: format then parse accepts");
	CHECK(bad_equal == 0, "round trip: parse gives the same struct");
	CHECK(bad_text == 0, "round trip: text -> struct -> text is the identity");
	free(fixture);
}

static void
test_format_extremes(void)
{
	NdFingerprint fp;
	char		buf[ND_FP_TEXT_MAXLEN + 1];
	char		ref[ND_FP_TEXT_MAXLEN + 64];
	size_t		len;
	uint64_t	x = UINT64_C(0x9E3779B97F4A7C15);
	int			bad = 0;

	memset(&fp, 0xFF, sizeof(fp));
	len = nd_fp_format(&fp, buf);
	CHECK(len == ND_FP_TEXT_MAXLEN && strlen(buf) == len,
		  "format: all-ones struct fills ND_FP_TEXT_MAXLEN exactly");
	CHECK(strncmp(buf, "255:255:65535:4294967295:4294967295:ffffffffffffffff:", 53) == 0,
		  "format: widest header");
	memset(&fp, 0, sizeof(fp));
	len = nd_fp_format(&fp, buf);
	CHECK(len == 5 * 2 + 17 + 4 * ND_SKETCH_SLOTS && strncmp(buf, "0:0:0:0:0:0000000000000000:0000", 31) == 0,
		  "format: all-zero struct");

	/* pseudo-random structs: same bytes as the old snprintf formatter */
	for (int i = 0; i < 2000; i++)
	{
		unsigned char *b = (unsigned char *) &fp;

		for (size_t j = 0; j < sizeof(fp); j++)
		{
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			b[j] = (unsigned char) (x >> (8 * (j % 5)));
		}
		len = nd_fp_format(&fp, buf);
		bad += (len > ND_FP_TEXT_MAXLEN || len != reference_format(&fp, ref, sizeof(ref)) ||
				strcmp(buf, ref) != 0);
	}
	CHECK(bad == 0, "format: 2000 random structs match the old formatter");
}

static void
test_errors(void)
{
	char	   *s;

	/* header syntax */
	check_reject("garbage", DETAIL_FIELDS, "reject: garbage");
	check_reject("", DETAIL_FIELDS, "reject: empty string");
	check_reject("   ", DETAIL_FIELDS, "reject: only whitespace");
	check_reject("1:3:256:0:0", DETAIL_FIELDS, "reject: header without last colon");
	check_reject("1:3:256:0", DETAIL_FIELDS, "reject: four fields");
	check_reject("01:3:256:0:0:", DETAIL_FIELDS, "reject: leading zero");
	check_reject("1:3:256:00:0:", DETAIL_FIELDS, "reject: zero written twice");
	check_reject("+1:3:256:0:0:", DETAIL_FIELDS, "reject: plus sign");
	check_reject("-1:3:256:0:0:", DETAIL_FIELDS, "reject: minus sign");
	check_reject("1::256:0:0:", DETAIL_FIELDS, "reject: empty field");
	check_reject("1 :3:256:0:0:", DETAIL_FIELDS, "reject: space inside the header");
	check_reject("1:3:256:0x1:0:", DETAIL_FIELDS, "reject: hex in a decimal field");
	check_reject("256:3:256:0:0:", DETAIL_FIELDS, "reject: version 256 does not fit");
	check_reject("1:256:256:0:0:", DETAIL_FIELDS, "reject: shingle size 256 does not fit");
	check_reject("1:3:65536:0:0:", DETAIL_FIELDS, "reject: slots 65536 does not fit");
	check_reject("1:3:256:4294967296:1:", DETAIL_FIELDS, "reject: tokens 4294967296");
	check_reject("1:1:256:1:4294967296:", DETAIL_FIELDS, "reject: shingles 4294967296");
	check_reject("1:3:256:10000000000:0:", DETAIL_FIELDS, "reject: 11 digits");
	check_reject("1:3:256:99999999999999999999999:0:", DETAIL_FIELDS, "reject: many digits");

	/* header values this build cannot read, reported before the rest */
	check_reject("2:3:256:0:0:0000000000000000:",
				 "Format version 2 is not supported; this build reads version 1.",
				 "reject: version 2");
	check_reject("255:3:256:0:0:",
				 "Format version 255 is not supported; this build reads version 1.",
				 "reject: version 255, nothing after the header");
	check_reject("0:3:256:0:0:x", "Format version 0 is not supported; this build reads version 1.",
				 "reject: version 0");
	check_reject("1:0:256:0:0:", "Shingle size 0 is out of range 1..16.", "reject: shingle size 0");
	check_reject("1:17:256:0:0:", "Shingle size 17 is out of range 1..16.", "reject: shingle size 17");
	check_reject("1:3:128:0:0:0000000000000000:",
				 "Slot count 128 is not supported; this build uses 256.", "reject: 128 slots");
	check_reject("1:3:65535:0:0:", "Slot count 65535 is not supported; this build uses 256.",
				 "reject: 65535 slots");

	/* the exact hash */
	check_reject("1:3:256:0:0:", DETAIL_HASH, "reject: no hash");
	check_reject("1:3:256:0:0:e7e42328f23e1bd:", DETAIL_HASH, "reject: 15 hex digits");
	check_reject("1:3:256:0:0:e7e42328f23e1bd00:", DETAIL_HASH, "reject: 17 hex digits");
	check_reject("1:3:256:0:0:e7e42328f23e1bd0", DETAIL_HASH, "reject: hash without colon");
	check_reject("1:3:256:0:0:e7e42328g23e1bd0:", DETAIL_HASH, "reject: non-hex in hash");
	check_reject("1:3:256:0:0: e7e42328f23e1bd0:", DETAIL_HASH, "reject: space before hash");

	/* the slots */
	check_reject(EMPTY_W3_HEAD, DETAIL_SLOTS, "reject: no slots");
	s = with_slots(EMPTY_W3_HEAD, -1, NULL);
	s[strlen(s) - 1] = '\0';
	check_reject(s, DETAIL_SLOTS, "reject: last slot 3 digits");
	s[strlen(s) - 3] = '\0';
	check_reject(s, DETAIL_SLOTS, "reject: 255 slots");
	free(s);
	s = with_slots(EMPTY_W3_HEAD, 100, "ff:f");
	check_reject(s, DETAIL_SLOTS, "reject: colon inside the slots");
	free(s);
	s = with_slots(EMPTY_W3_HEAD, 255, "fffg");
	check_reject(s, DETAIL_SLOTS, "reject: non-hex in the last slot");
	free(s);

	/* after the slots */
	{
		char	   *base = with_slots(EMPTY_W3_HEAD, -1, NULL);
		char		buf[ND_FP_TEXT_MAXLEN + 16];

		snprintf(buf, sizeof(buf), "%sffff", base);
		check_reject(buf, DETAIL_TRAILING, "reject: 257 slots");
		snprintf(buf, sizeof(buf), "%s:", base);
		check_reject(buf, DETAIL_TRAILING, "reject: trailing colon");
		snprintf(buf, sizeof(buf), "%s x", base);
		check_reject(buf, DETAIL_TRAILING, "reject: text after trailing space");
		snprintf(buf, sizeof(buf), "%s\f", base);
		check_reject(buf, DETAIL_TRAILING, "reject: form feed is not skipped");
		snprintf(buf, sizeof(buf), "%s\v", base);
		check_reject(buf, DETAIL_TRAILING, "reject: vertical tab is not skipped");
		free(base);
	}

	/* consistency */
	s = with_slots("1:3:256:5:4:0123456789abcdef:", 3, "1234");
	check_reject(s, "Shingle count 4 does not match token count 5 at shingle size 3.",
				 "reject: shingle count off by one");
	free(s);
	s = with_slots("1:3:256:0:1:e7e42328f23e1bd0:", 3, "1234");
	check_reject(s, "Shingle count 1 does not match token count 0 at shingle size 3.",
				 "reject: shingles without tokens");
	free(s);
	s = with_slots("1:3:256:2:0:e7e42328f23e1bd0:", 3, "1234");
	check_reject(s, "Shingle count 0 does not match token count 2 at shingle size 3.",
				 "reject: short text needs one shingle");
	free(s);
	s = with_slots(EMPTY_W3_HEAD, 0, "0000");
	check_reject(s, "An empty text must have an empty sketch.", "reject: empty text, filled slot");
	free(s);
	s = with_slots("1:3:256:3:1:0123456789abcdef:", -1, NULL);
	check_reject(s, "A non-empty text must have a non-empty sketch.",
				 "reject: non-empty text, empty sketch");
	free(s);
	s = with_slots("1:3:256:3:1:0123456789abcdef:", 0, "0000");
	memcpy(s + strlen("1:3:256:3:1:0123456789abcdef:") + 4 * 9, "0001", 4);
	check_reject(s, "2 filled slots exceed the shingle count 1.", "reject: too many filled slots");
	free(s);
	s = with_slots("1:3:256:0:0:e7e42328f23e1bd1:", -1, NULL);
	check_reject(s, "The exact hash of an empty text is wrong.", "reject: empty text, wrong hash");
	free(s);
	s = with_slots("1:1:256:0:0:e7e42328f23e1bd0:", -1, NULL);
	{
		NdFingerprint fp;

		/* the exact hash of the empty token stream does not depend on w */
		CHECK(nd_fp_parse(s, &fp, NULL, 0), "accept: empty text at w=1");
	}
	free(s);
}

static void
test_check_binary_rules(void)
{
	NdFingerprint fp = fp_of("Two words", 9, 3);
	NdFingerprint bad;
	char		d[ND_FP_DETAIL_LEN];

	CHECK(nd_fp_check(&fp, d, sizeof(d)), "check: computed fingerprint valid");
	CHECK(nd_fp_check(&fp, NULL, 0), "check: detail may be NULL");
	bad = fp;
	bad.reserved = 1;
	CHECK(!nd_fp_check(&bad, d, sizeof(d)) && strcmp(d, "Reserved field is not zero.") == 0,
		  "check: reserved field");
	bad = fp;
	bad.version = 9;
	CHECK(!nd_fp_check(&bad, d, sizeof(d)) &&
		  strcmp(d, "Format version 9 is not supported; this build reads version 1.") == 0,
		  "check: version 9");
	bad = fp;
	bad.shingle_size = 0;
	CHECK(!nd_fp_check(&bad, d, sizeof(d)) &&
		  strcmp(d, "Shingle size 0 is out of range 1..16.") == 0, "check: shingle size 0");
	bad = fp;
	bad.nslots = 0;
	CHECK(!nd_fp_check(&bad, d, sizeof(d)) &&
		  strcmp(d, "Slot count 0 is not supported; this build uses 256.") == 0, "check: 0 slots");
	bad = fp;
	bad.sketch.ntokens = 4;
	CHECK(!nd_fp_check(&bad, d, sizeof(d)) &&
		  strcmp(d, "Shingle count 1 does not match token count 4 at shingle size 3.") == 0,
		  "check: tokens changed");
	bad.reserved = 7;
	CHECK(!nd_fp_check(&bad, NULL, 0), "check: NULL detail on failure");

	/* a short detail buffer gets a cut, NUL-terminated sentence */
	{
		char		small[8];

		memset(small, 'x', sizeof(small));
		CHECK(!nd_fp_check(&bad, small, sizeof(small)) && strcmp(small, "Reserve") == 0,
			  "check: detail cut to detail_len");
		memset(small, 'x', sizeof(small));
		CHECK(!nd_fp_parse("junk", &bad, small, 1) && small[0] == '\0' && small[1] == 'x',
			  "parse: detail_len 1 writes only the NUL");
		CHECK(!nd_fp_parse("junk", &bad, small, 0) && small[0] == '\0' && small[1] == 'x',
			  "parse: detail_len 0 writes nothing");
	}

	/* the longest sentence fits ND_FP_DETAIL_LEN */
	bad = fp;
	bad.shingle_size = 1;
	bad.sketch.ntokens = UINT32_MAX;
	bad.sketch.nshingles = UINT32_MAX - 1;
	{
		char		big[512];

		nd_fp_check(&bad, big, sizeof(big));
		CHECK(strlen(big) < ND_FP_DETAIL_LEN, "check: longest detail fits ND_FP_DETAIL_LEN");
	}
}

static void
test_boundaries(void)
{
	NdFingerprint fp;
	char		d[ND_FP_DETAIL_LEN] = "";
	char	   *s;

	s = with_slots("1:1:256:4294967295:4294967295:0123456789ABCDEF:", 17, "0000");
	CHECK(parse_copy(s, strlen(s), &fp, d), "boundary: 4294967295 tokens and shingles accepted");
	CHECK(fp.sketch.ntokens == UINT32_MAX && fp.sketch.nshingles == UINT32_MAX &&
		  fp.sketch.exact_hash == UINT64_C(0x0123456789abcdef) && fp.sketch.slots[17] == 0 &&
		  fp.sketch.slots[16] == ND_SLOT_EMPTY, "boundary: values read");
	free(s);
	s = with_slots("1:16:256:4294967295:4294967280:ffffffffffffffff:", 255, "fffe");
	CHECK(parse_copy(s, strlen(s), &fp, d), "boundary: w=16, ntokens max, hash all ones");
	CHECK(fp.sketch.nshingles == UINT32_MAX - 15 && fp.sketch.exact_hash == UINT64_MAX &&
		  fp.sketch.slots[255] == 0xFFFE, "boundary: values read at w=16");
	free(s);
	s = with_slots("1:1:256:4294967296:4294967295:0123456789abcdef:", 17, "0000");
	check_reject(s, DETAIL_FIELDS, "boundary: 4294967296 tokens rejected");
	free(s);
	s = with_slots("1:1:256:1:1:0123456789abcdef:", 0, "0000");
	CHECK(parse_copy(s, strlen(s), &fp, d) && fp.sketch.slots[0] == 0, "boundary: slot 0000");
	free(s);
}

static void
test_whitespace_and_case(void)
{
	NdFingerprint ref = fp_of(texts[3], strlen(texts[3]), 3);
	NdFingerprint fp;
	char		canon[ND_FP_TEXT_MAXLEN + 1];
	char		buf[ND_FP_TEXT_MAXLEN + 32];
	char		d[ND_FP_DETAIL_LEN];
	size_t		len = nd_fp_format(&ref, canon);
	int			upper = 0;

	snprintf(buf, sizeof(buf), " \t\r\n%s\n\r\t ", canon);
	CHECK(nd_fp_parse(buf, &fp, d, sizeof(d)) && memcmp(&fp, &ref, sizeof(fp)) == 0,
		  "whitespace: spaces, tabs, CR, LF around the value ignored");
	snprintf(buf, sizeof(buf), "\f%s", canon);
	check_reject(buf, DETAIL_FIELDS, "whitespace: leading form feed rejected");
	snprintf(buf, sizeof(buf), "%.*s %s", 30, canon, canon + 30);
	CHECK(!nd_fp_parse(buf, &fp, d, sizeof(d)), "whitespace: inside the slots rejected");

	strcpy(buf, canon);
	for (size_t i = 0; i < len; i++)
		if (buf[i] >= 'a' && buf[i] <= 'f')
		{
			buf[i] = (char) (buf[i] - 'a' + 'A');
			upper++;
		}
	CHECK(upper > 0, "case: the text has hex letters");
	CHECK(nd_fp_parse(buf, &fp, d, sizeof(d)) && memcmp(&fp, &ref, sizeof(fp)) == 0,
		  "case: uppercase hex accepted");
	for (size_t i = 0; i < len; i += 2)
		if (buf[i] >= 'A' && buf[i] <= 'F')
			buf[i] = (char) (buf[i] - 'A' + 'a');
	CHECK(nd_fp_parse(buf, &fp, d, sizeof(d)) && memcmp(&fp, &ref, sizeof(fp)) == 0,
		  "case: mixed-case hex accepted");
	CHECK(strcmp(text_of(&fp), canon) == 0, "case: output is lowercase");
}

/*
 * Every proper prefix of a valid text, in a heap block of exactly its
 * length + 1, is rejected; ASan and valgrind catch any read past the NUL.
 */
static void
test_truncation(void)
{
	int			wrong = 0;

	for (int k = 0; k < 3; k++)
	{
		const char *t = texts[k == 0 ? 0 : k == 1 ? 2 : 6];
		NdFingerprint ref = fp_of(t, strlen(t), 3);
		char		canon[ND_FP_TEXT_MAXLEN + 1];
		size_t		len = nd_fp_format(&ref, canon);
		NdFingerprint fp;
		char		d[ND_FP_DETAIL_LEN];

		for (size_t n = 0; n < len; n++)
			wrong += parse_copy(canon, n, &fp, d) != 0;
		wrong += !parse_copy(canon, len, &fp, d);
		wrong += memcmp(&fp, &ref, sizeof(fp)) != 0;
	}
	CHECK(wrong == 0, "truncation: every prefix rejected, the whole text accepted");
}

/* The binary form: network byte order, canonical, validated. */
static void
test_wire(void)
{
	const char *t = "the harbour authority approved a plan to deepen the channel";
	NdFingerprint fp = fp_of(t, strlen(t), 3),
				back;
	unsigned char w[ND_FP_WIRE_SIZE];
	char		detail[ND_FP_DETAIL_LEN];

	nd_fp_encode(&fp, w);
	CHECK(w[0] == ND_FP_VERSION && w[1] == 3 && w[2] == 1 && w[3] == 0,
		  "wire: version, shingle size, slot count 256 big-endian");
	CHECK(w[16] == (unsigned char) (fp.sketch.exact_hash >> 56) &&
		  w[23] == (unsigned char) fp.sketch.exact_hash,
		  "wire: exact hash big-endian at bytes 16..23");
	CHECK(nd_fp_decode(w, sizeof(w), &back, detail, sizeof(detail)) &&
		  memcmp(&fp, &back, sizeof(fp)) == 0, "wire: decode(encode(fp)) == fp");
	CHECK(!nd_fp_decode(w, sizeof(w) - 1, &back, detail, sizeof(detail)) &&
		  strstr(detail, "Expected 536 bytes, got 535.") != NULL, "wire: a short message is rejected");
	w[2] = 0;
	CHECK(!nd_fp_decode(w, sizeof(w), &back, detail, sizeof(detail)) &&
		  strstr(detail, "Slot count") != NULL, "wire: a wrong slot count is rejected");
}

/* fingerprint_query: the threshold's grammar, canonical text, binary form. */
static void
test_query(void)
{
	const char *t = "the harbour authority approved a plan to deepen the channel";
	NdFingerprintQuery q,
				back;
	char		text[ND_FPQ_TEXT_MAXLEN + 1],
				fptext[ND_FP_TEXT_MAXLEN + 1],
				in[ND_FPQ_TEXT_MAXLEN + 64],
				detail[ND_FP_DETAIL_LEN];
	unsigned char w[ND_FPQ_WIRE_SIZE];
	static const char *const good[] = {"0", "1", "0.3", ".5", "5e-1", "1E0", "00.25", "0.000001"};
	static const char *const bad[] = {"-0.5", "+0.5", "1.5", "nan", "inf", "0x1p-1", "0.5e", "", ".",
	"0.50000000000000000000000000000000001"};
	int			wrong = 0;
	float		v;
	volatile double d03;

	memset(&q, 0, sizeof(q));
	q.fp = fp_of(t, strlen(t), 3);
	q.threshold = 0.3f;
	nd_fp_format(&q.fp, fptext);
	nd_fpq_format(&q, text);
	CHECK(strncmp(text, "0.3@", 4) == 0 && strcmp(text + 4, fptext) == 0,
		  "query text: 0.3@ then the fingerprint's text");
	CHECK(nd_fpq_parse(text, &back, detail, sizeof(detail)) && memcmp(&q, &back, sizeof(q)) == 0,
		  "query text: parse(format(q)) == q");
	d03 = 0.3;					/* a double, also where constants are long double (i386) */
	CHECK(nd_fpq_threshold_double(0.3f) == d03 && nd_fpq_threshold_double(1.0f) == 1.0,
		  "query threshold as the double SET reads (0.3f -> 0.3)");
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		wrong += !(nd_fpq_parse_threshold(good[i], &v, detail, sizeof(detail)) == strlen(good[i]));
	CHECK(wrong == 0, "query threshold: plain decimals from 0 to 1 are read whole");
	wrong = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		snprintf(in, sizeof(in), "%s@%s", bad[i], fptext);
		wrong += nd_fpq_parse(in, &back, detail, sizeof(detail));
	}
	CHECK(wrong == 0, "query threshold: signs, out of range, nan, inf, hex, bad exponents, 33+ characters rejected");
	for (float f = 0.0f; f <= 1.0f; f += 0.0009765625f)
	{
		char		b[ND_FPQ_THRESHOLD_MAXLEN + 1];

		nd_fpq_format_threshold(f, b);
		wrong += !(nd_fpq_parse_threshold(b, &v, NULL, 0) == strlen(b) && v == f);
	}
	CHECK(wrong == 0, "query threshold: every multiple of 1/1024 round-trips through its shortest text");
	nd_fpq_encode(&q, w);
	CHECK(w[0] == 0x3e && w[1] == 0x99 && w[2] == 0x99 && w[3] == 0x9a,
		  "query wire: the threshold's IEEE-754 bits big-endian first");
	CHECK(nd_fpq_decode(w, sizeof(w), &back, detail, sizeof(detail)) && memcmp(&q, &back, sizeof(q)) == 0,
		  "query wire: decode(encode(q)) == q");
	w[0] = 0x80; w[1] = w[2] = w[3] = 0;
	CHECK(nd_fpq_decode(w, sizeof(w), &back, detail, sizeof(detail)) && back.threshold == 0.0f &&
		  !signbit(back.threshold), "query wire: a threshold of -0 reads as 0");
	w[0] = 0x7f; w[1] = 0xc0;
	CHECK(!nd_fpq_decode(w, sizeof(w), &back, detail, sizeof(detail)) &&
		  strstr(detail, "from 0 to 1") != NULL, "query wire: NaN rejected");
	CHECK(!nd_fpq_decode(w, sizeof(w) - 1, &back, detail, sizeof(detail)) &&
		  strstr(detail, "Expected 540 bytes") != NULL, "query wire: a short message is rejected");
}

int
main(void)
{
	CHECK(sizeof(NdFingerprint) == 536 && offsetof(NdFingerprint, sketch) == 8,
		  "NdFingerprint is 536 bytes, no padding");
	test_golden();
	test_roundtrip();
	test_format_extremes();
	test_errors();
	test_check_binary_rules();
	test_boundaries();
	test_whitespace_and_case();
	test_truncation();
	test_wire();
	test_query();
	return unit_done();
}
