/*
 * suggest: "did you mean" by edit distance, for every name a user can
 * misspell: sysctls, profile fields, profiles, commands.
 * Never: allocates or prints.
 */
#ifndef TCPADVISE_SUGGEST_H
#define TCPADVISE_SUGGEST_H

#include <stddef.h>

#define SUGGEST_WORD_MAX 128	/* longer words are never close to anything */

/*
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of two neighbours each cost one ("recyle" is one from
 * "recycle", "chekc" one from "check"). SIZE_MAX when either word is longer
 * than SUGGEST_WORD_MAX.
 */
size_t suggest_distance(const char *a, const char *b);

/*
 * suggest_distance() when it is at most max; otherwise some value above
 * max, found without working the distance out in full (SIZE_MAX for a
 * word longer than SUGGEST_WORD_MAX). max must be below SIZE_MAX.
 */
size_t suggest_distance_max(const char *a, const char *b, size_t max);

/* How far a candidate may be from a word of this length: a third of the
   length, but at least floor. */
size_t suggest_limit(size_t len, size_t floor);

/*
 * The closest of words[0..n-1] to word, within suggest_limit(strlen(word),
 * floor); the first of equally close ones wins. NULL when none is close.
 */
const char *suggest_best(const char *word, const char *const *words, size_t n,
    size_t floor);

#endif
