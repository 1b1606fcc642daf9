/*
 * bench/tools/tsv.h -- read bench/corpus articles.tsv (PostgreSQL COPY text
 * format) rows: the id (first column) and the body (last column), unescaped.
 * Header-only; used by truth.c and tokens.c.
 */
#ifndef BENCH_TSV_H
#define BENCH_TSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unescapes COPY text format in place; returns the new length. */
static size_t
tsv_unescape(char *s, size_t len)
{
	size_t		i, o = 0;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '\\' && i + 1 < len)
		{
			c = s[++i];
			switch (c)
			{
				case 'n': c = '\n'; break;
				case 't': c = '\t'; break;
				case 'r': c = '\r'; break;
				case 'b': c = '\b'; break;
				case 'f': c = '\f'; break;
				case 'v': c = '\v'; break;
				default: break;		/* \\ and anything else: the char itself */
			}
		}
		s[o++] = c;
	}
	return o;
}

/*
 * Splits one line (without its newline) into id and last column.  Returns 0
 * on success; *body points into line (unescaped in place).
 */
static int
tsv_id_body(char *line, size_t len, long *id, char **body, size_t *blen)
{
	char	   *tab = memchr(line, '\t', len);
	char	   *last;
	char	   *end;

	if (tab == NULL)
		return -1;
	*id = strtol(line, &end, 10);
	if (end != tab)
		return -1;
	last = line + len;
	while (last > tab && last[-1] != '\t')
		last--;
	*body = last;
	*blen = tsv_unescape(last, (size_t) (line + len - last));
	return 0;
}

#endif
