/*
 * import_gift.h - internals of the GIFT importer (not public): the reader of
 * the text (import_gift.c: blocks, names, comments, categories) and the
 * parser of answer blocks (import_gift_answers.c: one function per kind of
 * block) share the reading state and the text helpers declared here.
 */
#ifndef SKILLARENA_IMPORT_GIFT_H
#define SKILLARENA_IMPORT_GIFT_H

#include "import.h"

#define GIFT_MAX_ANSWERS 64

typedef struct gift {
	cx *c;
	const char *orig; /* the text, for line:col */
	char *t;          /* a copy with comment lines blanked (same offsets) */
	size_t len;
	cx_imp *im;
	char *category; /* current category name (made a category when used), or NULL */
	cJSON *meta;    /* pending @skillarena object */
	int meta_line;
} gift;

/* Reports a problem at byte offset off of the text. */
void gift_err(gift *g, size_t off, cx_msg m, ...);
bool gift_en(const gift *g);
/* Offset of the first unescaped ch (or string s) in [a, b), or b. */
size_t gift_find(const char *t, size_t a, size_t b, char ch);
size_t gift_find_str(const char *t, size_t a, size_t b, const char *s);
/* Narrows [*a, *b) to its text without the blanks at both ends. */
void gift_trim(const char *t, size_t *a, size_t *b);
/* The text of g->t[a, b), escapes resolved, trimmed unless raw; NULL (c marked) on no memory. */
char *gift_text_raw(gift *g, size_t a, size_t b, bool raw);
char *gift_text(gift *g, size_t a, size_t b);

/*
 * Parses the answer block [a, b) (inside the braces) into q: its type, its
 * answer, feedback and explanation. Returns 0, 1 for an essay (an empty
 * block, skipped with a warning), or -1 after reporting a problem (or on
 * no memory, c marked).
 */
int gift_block(gift *g, size_t a, size_t b, cJSON *q);

#endif
