/*
 * bench/tools/tokens.c -- print the normalized tokens of each article body,
 * as the extension sees them (src/core/text.c's nd_tokenize).
 *
 *   tokens ARTICLES.tsv      one output line per row: id TAB tok SP tok ...
 *
 * Used by the ground-truth check (bench/test/check_truth.py), which builds
 * word shingles from these tokens independently of truth.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tsv.h"

static void
put_token(void *arg, const char *tok, size_t len)
{
	int		   *first = arg;

	if (!*first)
		putchar(' ');
	*first = 0;
	fwrite(tok, 1, len, stdout);
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n;

	if (argc != 2)
	{
		fprintf(stderr, "usage: tokens ARTICLES.tsv\n");
		return 2;
	}
	f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
	if (f == NULL)
	{
		perror(argv[1]);
		return 1;
	}
	while ((n = getline(&line, &cap, f)) > 0)
	{
		long		id;
		char	   *body;
		size_t		blen;
		int			first = 1;

		if (line[n - 1] == '\n')
			n--;
		if (tsv_id_body(line, (size_t) n, &id, &body, &blen) != 0)
		{
			fprintf(stderr, "tokens: bad row\n");
			return 1;
		}
		printf("%ld\t", id);
		nd_tokenize(body, blen, put_token, &first);
		putchar('\n');
	}
	free(line);
	return 0;
}
