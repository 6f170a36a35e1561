/*
 * suggest: edit distance and the closest candidate; see suggest.h.
 */
#include <stdint.h>
#include <string.h>

#include "suggest.h"

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_WORD_MAX + 1];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2], *t;

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

size_t
suggest_limit(size_t len, size_t floor)
{
	return len / 3 > floor ? len / 3 : floor;
}

const char *
suggest_best(const char *word, const char *const *words, size_t n, size_t floor)
{
	size_t best = SIZE_MAX, limit = suggest_limit(strlen(word), floor);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, words[i]);

		if (d < best) {
			best = d;
			found = words[i];
		}
	}
	return best <= limit ? found : NULL;
}
