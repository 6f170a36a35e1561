/*
 * libFuzzer harness for the transactions of the apply history
 * (apply_txn_parse(), and its base64 content).
 *
 * The input is the text of a history/N.json. What parses must be what
 * apply.h promises: a number in range, valid keys, plain absolute paths,
 * no file without content both before and after; and formatting it and
 * parsing that again must give the same text, so a transaction survives
 * being marked rolled back byte for byte.
 *
 * Build: see FUZZ_SRC_fuzz_txn in the Makefile.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
check_txn(const struct apply_txn *t)
{
	char key[SYSCTL_KEY_MAX];

	check(t->number >= 1 && t->number <= APPLY_TXN_MAX);
	check(t->tool_version != NULL && t->profile != NULL);
	for (size_t i = 0; i < t->nlive; i++) {
		check(sysctl_key_normalize(t->live[i].key, key, sizeof key) == 0);
		check(strcmp(key, t->live[i].key) == 0);
		check(t->live[i].before != NULL && t->live[i].after != NULL);
	}
	check(t->nfiles <= APPLY_FILES_MAX);
	for (size_t i = 0; i < t->nfiles; i++) {
		check(apply_path_plain(t->files[i].path));
		check(t->files[i].before != NULL || t->files[i].after != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apply_txn *t = NULL, *u = NULL;
	char *text, *a = NULL, *b = NULL;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (apply_txn_parse(text, &t) == 0) {
		check_txn(t);
		check(apply_txn_format(t, &a) == 0);
		check(apply_txn_parse(a, &u) == 0);
		check(apply_txn_format(u, &b) == 0);
		check(strcmp(a, b) == 0);
		for (size_t i = 0; i < t->nfiles; i++) {
			const struct txn_file *f = &t->files[i], *g = &u->files[i];

			check((f->before == NULL) == (g->before == NULL));
			check(f->before == NULL || strcmp(f->before, g->before) == 0);
			check((f->after == NULL) == (g->after == NULL));
			check(f->after == NULL || strcmp(f->after, g->after) == 0);
		}
	}
	apply_txn_free(t);
	apply_txn_free(u);
	free(a);
	free(b);
	free(text);
	return 0;
}
