/*
 * bench/tools/splitcheck.c -- split a dump with src/core/dump.c (the parser
 * behind split_articles) and print the articles as COPY text rows:
 *   ordinal  layout  title  subtitle  caption  body  byline
 * (absent fields as \N, body and byline cleaned as split_articles does).
 * The smoke test compares this with the generator's expected split without
 * a server; bench/run does the same through split_articles() in the server.
 *
 *   splitcheck DUMP.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"

static void
put_escaped(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else
			putchar(c);
	}
}

static void
field(const char *buf, NdSpan sp, int clean, char *tmp)
{
	putchar('\t');
	if (sp.off == ND_ABSENT || sp.len == 0)
	{
		fputs("\\N", stdout);
		return;
	}
	if (clean)
	{
		size_t		n = nd_clean_lines(buf + sp.off, sp.len, tmp);

		if (n == 0)
			fputs("\\N", stdout);
		else
			put_escaped(tmp, n);
	}
	else
		put_escaped(buf + sp.off, sp.len);
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *buf, *tmp;
	long		size;
	NdDumpParser p;
	NdArticle	a;
	long		ordinal = 0;

	if (argc != 2 || !(f = fopen(argv[1], "rb")))
	{
		fprintf(stderr, "usage: splitcheck DUMP.txt\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) size + 1);
	tmp = malloc((size_t) size + 1);
	if (!buf || !tmp || fread(buf, 1, (size_t) size, f) != (size_t) size)
	{
		fprintf(stderr, "splitcheck: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	nd_dump_init(&p, buf, (size_t) size);
	while (nd_dump_next(&p, &a))
	{
		printf("%ld\t%s", ++ordinal, nd_layout_name(a.layout));
		field(buf, a.title, 0, tmp);
		field(buf, a.subtitle, 0, tmp);
		field(buf, a.caption, 0, tmp);
		field(buf, a.body, 1, tmp);
		field(buf, a.byline, 1, tmp);
		putchar('\n');
	}
	return 0;
}
