/*
 * suggest: edit distance and the closest candidate; see suggest.h.
 */
#include <stdint.h>
#include <string.h>

#include "suggest.h"

/*
 * The bag distance: how many characters of the longer word the other one
 * lacks, counted with multiplicity. An insertion, deletion or substitution
 * changes it by one at most and a transposition not at all, so it is never
 * above the edit distance; it takes a pass over each word.
 */
static size_t
bag_distance(const char *a, size_t la, const char *b, size_t lb)
{
	short count[256];
	size_t common = 0;

	for (size_t i = 0; i < la; i++)
		count[(unsigned char)a[i]] = 0;
	for (size_t j = 0; j < lb; j++)
		count[(unsigned char)b[j]] = 0;
	for (size_t i = 0; i < la; i++)
		count[(unsigned char)a[i]]++;
	for (size_t j = 0; j < lb; j++)
		if (count[(unsigned char)b[j]]-- > 0)
			common++;
	return (la > lb ? la : lb) - common;
}

/*
 * Only the band of cells within max of the diagonal is worked out: a cell
 * further off is more than max (each step off the diagonal costs one), and
 * so is every cell whose value comes from one. The cells just outside the
 * band that the next row reads hold max + 1. A cell's value is then exact
 * when it is at most max, and above max otherwise.
 */
size_t
suggest_distance_max(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_WORD_MAX + 2];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2], *t;
	size_t pmin = 0;	/* the smallest value of row i - 1 */

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return SIZE_MAX;
	/* Every edit changes the length by one at most... */
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	/* ...and the distance is never above the longer length. */
	if (max > la && max > lb)
		max = la > lb ? la : lb;
	if (bag_distance(a, la, b, lb) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > max ? i - max : 1, hi = i + max < lb ? i + max : lb;
		size_t cmin = c[0] = i;

		if (lo > 1)
			c[lo - 1] = max + 1;
		for (size_t j = lo; j <= hi; j++) {
			size_t v = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < cmin)
				cmin = v;
		}
		if (hi < lb)
			c[hi + 1] = max + 1;
		/* A cell is at least the smallest of the row above, or one
		   more than the smallest two rows above (a transposition) or
		   to its left: once this row is above max and the one before
		   it is not below max, so is every row after them. */
		if (cmin > max && pmin >= max)
			return max + 1;
		pmin = cmin;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

size_t
suggest_distance(const char *a, const char *b)
{
	return suggest_distance_max(a, b, SIZE_MAX - 1);
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

	/* Only a candidate within the limit and closer than the best so far
	   matters, so each distance is worked out only that far. */
	for (size_t i = 0; i < n && best > 0; i++) {
		size_t max = best <= limit ? best - 1 : limit;
		size_t d = suggest_distance_max(word, words[i], max);

		if (d <= max) {
			best = d;
			found = words[i];
		}
	}
	return found;
}
