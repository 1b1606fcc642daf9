/*-------------------------------------------------------------------------
 *
 * text_template.h
 *	  The token state machine and normalizer of text.c, instantiated twice:
 *	  once without source spans (nd_tokenize, nd_tokenize_ex: what
 *	  fingerprints use) and once with them (nd_tokenize_spans: passages).
 *
 * Included only by text.c, in the manner of PostgreSQL's
 * lib/sort_template.h.  Before including, define
 *	 TT_PREFIX	prefix of the generated function names (plain, spans)
 *	 TT_SPANS	1 to keep the source span of every token, 0 not to
 * Each span store below sits under "if (TT_SPANS)", a constant, so the
 * plain instance carries no span bookkeeping at all while the tokens
 * (bytes, number, order) stay those of the one state machine;
 * test_text_spans.c checks that both instances agree.  Both macros are
 * undefined at the end.
 *
 *-------------------------------------------------------------------------
 */

#define TT_CAT2(a, b) a##_##b
#define TT_CAT(a, b) TT_CAT2(a, b)
#define TT_NAME(n) TT_CAT(TT_PREFIX, n)

/* A span value, or 0 where spans are not kept (never read uninitialized). */
#define SPAN(x) (TT_SPANS ? (x) : 0)

#define emit         TT_NAME(emit)
#define bigram_end   TT_NAME(bigram_end)
#define end_token    TT_NAME(end_token)
#define feed         TT_NAME(feed)
#define seg_flush    TT_NAME(seg_flush)
#define seg_add      TT_NAME(seg_add)
#define slow_run     TT_NAME(slow_run)
#define simd_block   TT_NAME(simd_block)
#define run          TT_NAME(run)
#define tokenize     TT_NAME(tokenize)

/*
 * Hands tok[0..len), which came from source bytes [start, end), to the
 * caller's callback as one token.
 */
static inline void
emit(NdState *st, const char *tok, size_t len, size_t start, size_t end)
{
	if (TT_SPANS)
		st->spanfn(st->arg, tok, len, start, end);
	else
		st->fn(st->arg, tok, len);
	st->ntokens++;
}

/*
 * Ends the current bigram run: emits its last pair, or its only character.
 */
static void
bigram_end(NdState *st)
{
	if (st->nunits == 2)
		emit(st, st->buf, st->prevlen + st->curlen, st->prev_start,
			 st->cur_end);
	else if (st->nunits == 1)
		emit(st, st->buf, st->curlen, st->cur_start, st->cur_end);
	st->nunits = 0;
}

/*
 * Ends whatever token is open and returns to ST_NONE.
 */
static inline void
end_token(NdState *st)
{
	if (st->state == ST_WORD || st->state == ST_APOS)
		emit(st, st->buf, st->len, st->tok_start, st->tok_end);
	else if (st->state == ST_BIGRAM)
		bigram_end(st);
	st->state = ST_NONE;
}

/*
 * Feeds one normalized code point of class cls, which came from source
 * bytes [s, e), to the token state machine.  A token's span runs from the
 * start of its first code point to the furthest end of any code point in
 * it (marks may have been reordered).
 */
static inline void
feed(NdState *st, uint32_t cp, int cls, size_t s, size_t e)
{
	switch (cls)
	{
		case CLS_WORD:
			if (st->state == ST_BIGRAM)
				bigram_end(st);
			if (st->state != ST_WORD && st->state != ST_APOS)
			{
				st->len = 0;
				st->full = 0;
				if (TT_SPANS)
				{
					st->tok_start = s;
					st->tok_end = e;
				}
			}
			st->state = ST_WORD;
			word_append(st, cp);
			if (TT_SPANS && e > st->tok_end)
				st->tok_end = e;
			break;
		case CLS_MARK:
			if (st->state == ST_WORD)
			{
				word_append(st, cp);
				if (TT_SPANS && e > st->tok_end)
					st->tok_end = e;
			}
			else if (st->state == ST_BIGRAM)
			{
				unit_append(st, cp);
				if (TT_SPANS && e > st->cur_end)
					st->cur_end = e;
			}
			else
				end_token(st);	/* dangling apostrophe; the mark is dropped */
			break;
		case CLS_BIGRAM:
			if (st->state != ST_BIGRAM)
			{
				end_token(st);
				st->state = ST_BIGRAM;
				st->nunits = 0;
			}
			if (st->nunits == 2)
			{
				emit(st, st->buf, st->prevlen + st->curlen, st->prev_start,
					 st->cur_end);
				memmove(st->buf, st->buf + st->prevlen, st->curlen);
				st->prevlen = st->curlen;
				if (TT_SPANS)
					st->prev_start = st->cur_start;
			}
			else if (st->nunits == 1)
			{
				st->prevlen = st->curlen;
				if (TT_SPANS)
					st->prev_start = st->cur_start;
				st->nunits = 2;
			}
			else
			{
				st->prevlen = 0;
				st->nunits = 1;
			}
			st->curlen = 0;
			st->full = 0;
			if (TT_SPANS)
			{
				st->cur_start = s;
				st->cur_end = e;
			}
			unit_append(st, cp);
			break;
		case CLS_APOS:
			if (st->state == ST_WORD)
				st->state = ST_APOS;
			else
				end_token(st);
			break;
		default:
			end_token(st);
			break;
	}
}

/*
 * Puts the pending combining sequence in NFC (canonical reordering, then
 * canonical composition) and feeds the result to the token state machine.
 */
static void
seg_flush(NdState *st)
{
	int			n = st->seglen;
	uint32_t   *seg = st->seg;
	uint8_t    *ccc = st->segccc;
	size_t	   *ss = st->segs;
	size_t	   *se = st->sege;
	int			i;

	if (n == 0)
		return;
	if (n == 1 && !st->seglate)
	{
		/* the common case: one code point that combined with nothing */
		st->seglen = 0;
		st->seglazy = 0;
		feed(st, seg[0], st->segcls0, SPAN(st->segs[0]), SPAN(st->sege[0]));
		return;
	}
	{
		int			starter;
		int			last_cc = 0;
		int			w;

		/* canonical ordering: stable insertion sort of non-starter runs */
		for (i = 1; i < n; i++)
		{
			uint32_t	c = seg[i];
			uint8_t		cc = ccc[i];
			size_t		cs = SPAN(ss[i]);
			size_t		ce = SPAN(se[i]);
			int			j = i;

			if (cc == 0)
				continue;
			while (j > 0 && ccc[j - 1] > cc)
			{
				seg[j] = seg[j - 1];
				ccc[j] = ccc[j - 1];
				if (TT_SPANS)
				{
					ss[j] = ss[j - 1];
					se[j] = se[j - 1];
				}
				j--;
			}
			seg[j] = c;
			ccc[j] = cc;
			if (TT_SPANS)
			{
				ss[j] = cs;
				se[j] = ce;
			}
		}

		/* the one mapping that must follow reordering (U+0345 -> U+03B9) */
		if (st->seglate)
		{
			for (i = 0; i < n; i++)
			{
				if (seg[i] == UT_LATE_CP)
				{
					seg[i] = UT_LATE_TO;
					ccc[i] = 0;
				}
			}
		}

		/* canonical composition */
		starter = (ccc[0] == 0) ? 0 : -1;
		w = 1;
		for (i = 1; i < n; i++)
		{
			uint32_t	c = seg[i];
			uint8_t		cc = ccc[i];

			if (starter >= 0 &&
				(w - 1 == starter || (last_cc != 0 && last_cc < cc)) &&
				(ut_lookup(c)->flags & FLAG_COMP2))
			{
				uint32_t	comp = compose_pair(seg[starter], c);

				if (comp != 0)
				{
					seg[starter] = comp;
					if (TT_SPANS && ss[i] < ss[starter])
						ss[starter] = ss[i];
					if (TT_SPANS && se[i] > se[starter])
						se[starter] = se[i];
					continue;
				}
			}
			if (cc == 0)
				starter = w;
			last_cc = cc;
			seg[w] = c;
			ccc[w] = cc;
			if (TT_SPANS)
			{
				ss[w] = ss[i];
				se[w] = se[i];
			}
			w++;
		}
		n = w;
	}
	for (i = 0; i < n; i++)
		feed(st, seg[i], ut_lookup(seg[i])->cls, SPAN(ss[i]), SPAN(se[i]));
	st->seglen = 0;
	st->seglazy = 0;
	st->seglate = 0;
}

/*
 * Adds one fully mapped and decomposed code point, which came from source
 * bytes [s, e), to the pending combining sequence, flushing the sequence
 * first when cp starts a new one.
 */
static inline void
seg_add(NdState *st, uint32_t cp, const UtRecord *rec, size_t s, size_t e)
{
	if (rec->ccc == 0 && !(rec->flags & FLAG_COMP2))
	{
		seg_flush(st);
		st->seg[0] = cp;
		st->segccc[0] = 0;
		if (TT_SPANS)
		{
			st->segs[0] = s;
			st->sege[0] = e;
		}
		st->segcls0 = rec->cls;
		st->seglen = 1;
		return;
	}
	if (st->seglazy)
	{
		/* seg[0] combines after all: replace it by its decomposition */
		const UtRecord *r0 = ut_lookup(st->seg[0]);
		size_t		s0 = SPAN(st->segs[0]);
		size_t		e0 = SPAN(st->sege[0]);
		int			k;

		for (k = 0; k < r0->maplen; k++)
		{
			uint32_t	d = ut_pool[r0->mapoff + k];

			st->seg[k] = d;
			st->segccc[k] = ut_lookup(d)->ccc;
			if (TT_SPANS)
			{
				st->segs[k] = s0;
				st->sege[k] = e0;
			}
		}
		st->seglen = r0->maplen;
		st->seglazy = 0;
	}
	if (st->seglen == SEG_MAX)
		seg_flush(st);
	if (rec->flags & FLAG_LATE)
		st->seglate = 1;
	if (st->seglen == 0)
		st->segcls0 = rec->cls;
	st->seg[st->seglen] = cp;
	st->segccc[st->seglen] = rec->ccc;
	if (TT_SPANS)
	{
		st->segs[st->seglen] = s;
		st->sege[st->seglen] = e;
	}
	st->seglen++;
}

/*
 * Normalizes and tokenizes the run of non-ASCII bytes starting at p, up to
 * the first ASCII byte, end, or the first code point boundary at or after
 * stop.  Returns the new position.  The pending combining sequence is
 * flushed unless the run was cut at stop.
 */
static const unsigned char *
slow_run(NdState *st, const unsigned char *p, const unsigned char *stop,
		 const unsigned char *end)
{
	if (st->ascii_tail)
	{
		/*
		 * The previous ASCII letter may compose with what follows (e +
		 * U+0301 = é): take it back from the word into the normalizer.
		 */
		st->ascii_tail = 0;
		st->len--;
		st->seg[0] = (unsigned char) st->buf[st->len];
		st->segccc[0] = 0;
		if (TT_SPANS)
		{
			st->segs[0] = st->tok_end - 1;
			st->sege[0] = st->tok_end;
		}
		st->segcls0 = CLS_WORD;
		st->seglen = 1;
		st->seglazy = 0;
	}

	while (p < stop && *p >= 0x80)
	{
		uint32_t	cp;
		size_t		n = utf8_decode(p, end, &cp);
		size_t		s = (size_t) (p - st->base);
		const UtRecord *rec;

		if (n == 0)
		{
			seg_flush(st);
			feed(st, 0xFFFD, CLS_SEP, s, s + 1);
			p++;
			continue;
		}
		p += n;
		rec = ut_lookup(cp);
		if (rec->flags & FLAG_STABLE)
		{
			seg_flush(st);
			st->seg[0] = cp;
			st->segccc[0] = 0;
			if (TT_SPANS)
			{
				st->segs[0] = s;
				st->sege[0] = s + n;
			}
			st->segcls0 = rec->cls;
			st->seglen = 1;
			st->seglazy = (rec->flags & FLAG_MAP) != 0;
		}
		else if (rec->flags & FLAG_MAP)
		{
			int			k;

			for (k = 0; k < rec->maplen; k++)
			{
				uint32_t	d = ut_pool[rec->mapoff + k];

				seg_add(st, d, ut_lookup(d), s, s + n);
			}
		}
		else
			seg_add(st, cp, rec, s, s + n);
	}
	if (p >= end || *p < 0x80)
		seg_flush(st);
	return p;
}

#ifdef ND_SSE2
/*
 * SSE2 fast path for ASCII: processes the 16 bytes at p while the state is
 * ST_NONE or ST_WORD, and stops early before a byte that needs the scalar
 * path (an apostrophe or a byte >= 0x80).  Returns the new position; p
 * itself when that byte is the first one.  Same results as the scalar loop
 * in run(), which test_text.c checks on mixed inputs.
 */
static const unsigned char *
simd_block(NdState *st, const unsigned char *p)
{
	__m128i		v = _mm_loadu_si128((const __m128i *) p);
	__m128i		lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i		alpha = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char) (128 - 'a'))),
									   _mm_set1_epi8((char) (-128 + 26)));
	__m128i		digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char) (128 - '0'))),
									   _mm_set1_epi8((char) (-128 + 10)));
	__m128i		lc = _mm_or_si128(v, _mm_and_si128(alpha, _mm_set1_epi8(0x20)));
	unsigned	wmask = (unsigned) _mm_movemask_epi8(_mm_or_si128(alpha, digit));
	unsigned	smask = (unsigned) (_mm_movemask_epi8(v) |
									_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\''))) |
									_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
	unsigned char lcb[32];
	unsigned	i = 0;
	size_t		off = (size_t) (p - st->base);

	_mm_storeu_si128((__m128i *) lcb, lc);
	for (;;)
	{
		unsigned	m;

		if (st->state == ST_WORD)
		{
			unsigned	n = (unsigned) __builtin_ctz(~(wmask >> i));

			if (n > 0)
			{
				if (!st->full)
				{
					size_t		room = ND_MAX_TOKEN_BYTES - st->len;

					if (n <= room)
					{
						memcpy(st->buf + st->len, lcb + i, 16);
						st->len += n;
					}
					else
					{
						memcpy(st->buf + st->len, lcb + i, room);
						st->len += room;
						st->full = 1;
					}
				}
				st->ascii_tail = !st->full;
				i += n;
				if (TT_SPANS)
					st->tok_end = off + i;
				if (i == 16)
					return p + 16;
			}
			if ((smask >> i) & 1)
				return p + i;
			emit(st, st->buf, st->len, st->tok_start, st->tok_end);
			st->state = ST_NONE;
			st->ascii_tail = 0;
			if (++i == 16)
				return p + 16;
		}
		m = (wmask | smask) >> i;
		if (m == 0)
			return p + 16;
		i += (unsigned) __builtin_ctz(m);
		if ((smask >> i) & 1)
			return p + i;
		st->state = ST_WORD;
		st->len = 0;
		st->full = 0;
		if (TT_SPANS)
			st->tok_start = off + i;
	}
}
#endif

/*
 * Tokenizes [p, stop) (reading up to end for a sequence that straddles
 * stop); returns the position reached, which is at or after stop.
 */
static const unsigned char *
run(NdState *st, const unsigned char *p, const unsigned char *stop,
	const unsigned char *end)
{
	while (p < stop)
	{
		unsigned	c;

#ifdef ND_SSE2
		if ((st->state == ST_NONE || st->state == ST_WORD) && stop - p >= 16)
		{
			const unsigned char *q = simd_block(st, p);

			if (q != p)
			{
				p = q;
				continue;
			}
		}
#endif
		c = *p;
		if (c >= 0x80)
		{
			p = slow_run(st, p, stop, end);
			continue;
		}
		if (ascii_word[c])
		{
			const unsigned char *q = p;

			if (st->state != ST_WORD)
			{
				if (st->state == ST_BIGRAM)
				{
					bigram_end(st);
					st->state = ST_NONE;
				}
				if (st->state == ST_NONE)
				{
					st->len = 0;
					st->full = 0;
					if (TT_SPANS)
						st->tok_start = (size_t) (p - st->base);
				}
				st->state = ST_WORD;
			}
			if (!st->full)
			{
				size_t		n = st->len;
				size_t		room = ND_MAX_TOKEN_BYTES - n;
				const unsigned char *lim =
					((size_t) (stop - q) < room) ? stop : q + room;
				char	   *buf = st->buf;
				unsigned char v;

				while (q < lim && (v = ascii_word[*q]) != 0)
				{
					buf[n++] = (char) v;
					q++;
				}
				st->len = n;
				if (q < stop && ascii_word[*q])
					st->full = 1;
			}
			if (st->full)
			{
				while (q < stop && ascii_word[*q])
					q++;
			}
			st->ascii_tail = !st->full;
			if (TT_SPANS)
				st->tok_end = (size_t) (q - st->base);
			p = q;
			continue;
		}
		st->ascii_tail = 0;
		if (IS_ASCII_APOS(c) && st->state == ST_WORD)
			st->state = ST_APOS;
		else if (st->state != ST_NONE)
			end_token(st);
		p++;
	}
	return p;
}

/*
 * The tokenizer behind the three entry points: exactly one of fn and
 * spanfn is not NULL.
 */
static size_t
tokenize(const char *s, size_t len, NdTokenFn fn, NdSpanTokenFn spanfn,
		 void *arg, void (*tick) (void *), void *tick_arg)
{
	NdState		st;
	const unsigned char *p;
	const unsigned char *end;

	st.fn = fn;
	st.spanfn = spanfn;
	st.arg = arg;
	st.base = (const unsigned char *) s;
	st.ntokens = 0;
	st.state = ST_NONE;
	st.full = 0;
	st.ascii_tail = 0;
	st.len = 0;
	st.prevlen = 0;
	st.curlen = 0;
	st.nunits = 0;
	st.tok_start = 0;
	st.tok_end = 0;
	st.prev_start = 0;
	st.cur_start = 0;
	st.cur_end = 0;
	st.seglen = 0;
	st.seglazy = 0;
	st.seglate = 0;
	st.segcls0 = CLS_SEP;

	if (len == 0)
	{
		if (tick)
			tick(tick_arg);
		return 0;
	}
	p = (const unsigned char *) s;
	end = p + len;
	if (tick == NULL)
		p = run(&st, p, end, end);
	else
	{
		while (p < end)
		{
			const unsigned char *stop;

			tick(tick_arg);
			stop = ((size_t) (end - p) > ND_TICK_BYTES) ? p + ND_TICK_BYTES : end;
			p = run(&st, p, stop, end);
		}
	}
	seg_flush(&st);
	end_token(&st);
	return st.ntokens;
}

#undef emit
#undef bigram_end
#undef end_token
#undef feed
#undef seg_flush
#undef seg_add
#undef slow_run
#undef simd_block
#undef run
#undef tokenize
#undef SPAN
#undef TT_NAME
#undef TT_CAT
#undef TT_CAT2
#undef TT_SPANS
#undef TT_PREFIX
