/*
 * contests_int.h - internals shared by the files of contests/ (not public).
 *
 * Every checker in contests/ reports through one context, cx: the file being
 * read, the language of the messages, the diagnostics list, and the scoring
 * engine questions are compiled with. Messages come from one table (diag.c),
 * each row in zh-CN and English, so a problem is named by its code and never
 * by a string written inline.
 *
 * JSON paths are built in caller-owned buffers ("$.questions[3].answer");
 * a path longer than CX_PATH_MAX is cut, never overflowed.
 */
#ifndef SKILLARENA_CONTESTS_INT_H
#define SKILLARENA_CONTESTS_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "contest.h"
#include "scoring.h"

#define CX_PATH_MAX 256

/* Message codes; the texts are the rows of cx_messages[] in diag.c. */
typedef enum cx_msg {
	CXM_READ,               /* %s: strerror */
	CXM_TOO_BIG,            /* %zu: limit in bytes */
	CXM_NOT_UTF8,           /* - */
	CXM_JSON_SYNTAX,        /* - */
	CXM_JSON_TRAILING,      /* - */
	CXM_NOT_OBJECT,         /* - */
	CXM_MISSING,            /* %s: field */
	CXM_WANT_STRING,        /* - */
	CXM_WANT_NUMBER,        /* - */
	CXM_WANT_INTEGER,       /* - */
	CXM_WANT_BOOL,          /* - */
	CXM_WANT_ARRAY,         /* - */
	CXM_WANT_OBJECT,        /* - */
	CXM_EMPTY_STRING,       /* - */
	CXM_STRING_TOO_LONG,    /* %d: limit in characters */
	CXM_CONTROL_CHAR,       /* - */
	CXM_LANGMAP,            /* - */
	CXM_LANGMAP_NO_ZH,      /* - */
	CXM_LANG_TAG,           /* %s: tag */
	CXM_UNKNOWN_FIELD,      /* %s: field */
	CXM_DUP_FIELD,          /* %s: field */
	CXM_CODE,               /* %s: code */
	CXM_ID,                 /* %s: id */
	CXM_DUP_ID,             /* %s: id, %s: path of the first */
	CXM_MODE,               /* %s: mode */
	CXM_RANGE_INT,          /* %lld %lld: min max */
	CXM_RANGE_NUM,          /* %g %g: min max */
	CXM_UNKNOWN_TYPE,       /* %s: type */
	CXM_COMPILE,            /* %s: engine message */
	CXM_NO_QUESTIONS,       /* - */
	CXM_TOO_MANY,           /* %d: limit */
	CXM_DATE,               /* %s: text */
	CXM_DATE_ORDER,         /* %s %s: field field */
	CXM_WEIGHTS_SUM,        /* %g: sum */
	CXM_UNKNOWN_REF,        /* %s %s: what, name */
	CXM_STAGE_REUSED,       /* %s: stage */
	CXM_STAGE_NO_ROUND,     /* %s: stage */
	CXM_ROUND_ADVANCE,      /* - */
	CXM_LAST_ROUND_ADVANCE, /* - */
	CXM_EXCLUSIVE,          /* %s %s: field field */
	CXM_NEED_ONE_OF,        /* %s %s: field field */
	CXM_DIFFICULTY,         /* %s: value */
	CXM_BANK_FORMAT,        /* %s: value */
	CXM_BANK_LOAD,          /* %s: bank path */
	CXM_BANK_ABSOLUTE,      /* - */
	CXM_DRAW_SHORT,         /* %d %d: wanted, available */
	CXM_PAPER_SHORT,        /* %d %d: wanted, fit */
	CXM_RATIO_TOTAL,        /* - */
	CXM_AWARD_ORDER,        /* - */
	CXM_AWARD_BY,           /* %s */
	CXM_STAGE_KIND,         /* %s */
	CXM_KIND_TYPE,          /* %s %s: stage kind, question type */
	CXM_EXAM_WINDOW,        /* - */
	CXM_NOT_CONTEST,        /* - */
	CXM_NOT_BANK,           /* - */
	CXM_SHUFFLE_TYPE,       /* %s */
	CXM_BLOCKED,            /* %s: earlier problem, used when a check cannot go on */
	/* importers */
	CXM_ENCODING,          /* %s: encoding */
	CXM_ICONV,             /* %s %s: from, reason */
	CXM_GIFT_UNCLOSED,     /* - */
	CXM_GIFT_NO_ANSWERS,   /* - */
	CXM_GIFT_NO_CORRECT,   /* - */
	CXM_GIFT_WEIGHT,       /* %s: text */
	CXM_GIFT_WEIGHT_SUM,   /* %g */
	CXM_GIFT_MIXED,        /* - */
	CXM_GIFT_NUMBER,       /* %s */
	CXM_GIFT_MATCH,        /* - */
	CXM_GIFT_MATCH_FEW,    /* - */
	CXM_GIFT_NAME,         /* - */
	CXM_GIFT_STRAY,        /* %s: text */
	CXM_GIFT_UNSUPPORTED,  /* %s: what */
	CXM_GIFT_DESCRIPTION,  /* - (warning) */
	CXM_GIFT_TF,           /* %s */
	CXM_GIFT_SECOND_BLOCK, /* - */
	CXM_AIKEN_NO_ANSWER,   /* - */
	CXM_AIKEN_ANSWER,      /* %s: letter */
	CXM_AIKEN_FEW,         /* - */
	CXM_AIKEN_ORDER,       /* %c %c: expected, got */
	CXM_AIKEN_STRAY,       /* - */
	CXM_CSV_QUOTE,         /* - */
	CXM_CSV_HEADER,        /* %s: column */
	CXM_CSV_NO_HEADER,     /* - */
	CXM_CSV_DUP_COLUMN,    /* %s */
	CXM_CSV_TYPE,          /* %s */
	CXM_CSV_ANSWER,        /* %s %s: answer, why */
	CXM_CSV_FIELDS,        /* %d %d: got, header */
	CXM_CSV_EMPTY,         /* - */
	CXM_CSV_MATCH,         /* - */
	CXM_CSV_DIFFICULTY,    /* %s */
	CXM_GIFT_META,         /* %s: reason */
	CXM_GIFT_ESSAY,        /* - (warning) */
	CXM_EXPORT_TYPE,       /* %s: type cannot be written in this format */
	CXM_SHEETS,            /* %s: a problem sheets/ found, in its words */
	CXM_MAX
} cx_msg;

/* The checking context passed down every checker. */
typedef struct cx {
	const char *file;
	const char *lang; /* "zh-CN" (default) or "en" */
	contest_diag *diag;
	const score_engine *eng;
} cx;

/* Appends a problem at a JSON path (line 0). */
void cx_err(cx *c, const char *path, cx_msg m, ...);
/* Appends a problem at line:col of a text file (path may be NULL). */
void cx_err_at(cx *c, int line, int col, const char *path, cx_msg m, ...);
void cx_verr_at(cx *c, int line, int col, const char *path, cx_msg m, va_list ap);
/* The format of a message in a language. */
const char *cx_fmt(cx_msg m, const char *lang);
/* Appends a raw problem (already localized). */
void cx_diag_add(contest_diag *d, const char *file, const char *path, int line, int col, const char *msg);
/* strerror in the message language (the common cases; strerror otherwise). */
const char *cx_strerror(int err, const char *lang);
/* Number of problems so far (to tell whether a sub-check added any). */
static inline size_t cx_nerr(const cx *c) { return c->diag ? c->diag->count : 0; }

/* Paths: out = parent + ".key" (or ["key"] when key is not an identifier), parent + "[i]". */
const char *cx_key(char *out, const char *parent, const char *key);
const char *cx_idx(char *out, const char *parent, int i);

/* Reads a whole file (at most max bytes; NUL-terminated). -errno or -EFBIG. */
int cx_read_file(const char *path, size_t max, char **buf, size_t *len);
/* Offset of the first invalid UTF-8 sequence, or -1 when all of s is valid. */
ptrdiff_t cx_utf8_invalid(const char *s, size_t len);
/* 1-based line and column (in characters) of byte offset off in s. */
void cx_line_col(const char *s, size_t off, int *line, int *col);
/* Number of UTF-8 characters in s (in its first n bytes). */
size_t cx_utf8_len(const char *s);
size_t cx_utf8_len_n(const char *s, size_t n);

/*
 * Reads and parses a JSON file: strips a UTF-8 BOM, refuses non-UTF-8 text
 * and reports syntax errors at line:col. Returns the root or NULL.
 */
cJSON *cx_parse_json_file(cx *c, const char *path);
cJSON *cx_parse_json_mem(cx *c, const char *buf, size_t len);

/* Field checkers: each reports its own problem and returns false on it. */
bool cx_string(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines);
bool cx_langmap(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines);
bool cx_int(cx *c, const cJSON *v, const char *path, long long min, long long max, long long *out);
bool cx_number(cx *c, const cJSON *v, const char *path, double min, double max, double *out);
bool cx_bool(cx *c, const cJSON *v, const char *path, bool *out);
bool cx_id(cx *c, const cJSON *v, const char *path);
/* Reports fields of obj not in the NULL-terminated list, and duplicated keys. */
void cx_fields(cx *c, const cJSON *obj, const char *path, const char *const *known);
/* Reports duplicated keys only. */
void cx_dup_fields(cx *c, const cJSON *obj, const char *path);
/* An ISO 8601 date or date-time ("2026-05-01", "2026-05-01T09:00:00+08:00"); epoch seconds out. */
bool cx_datetime(cx *c, const cJSON *v, const char *path, int64_t *epoch);

/* The zh-CN (or only) text of a language map or string; NULL when neither. */
const char *cx_text(const cJSON *v, const char *lang);

/* A malloc'ed printf; aborts on out of memory (the CLI and loader are not long-lived state). */
char *cx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *cx_strdup(const char *s);
void *cx_xmalloc(size_t n);
void *cx_xrealloc(void *p, size_t n);

/* Growable string. */
typedef struct cx_buf {
	char *s;
	size_t len, cap;
} cx_buf;
void cx_buf_putn(cx_buf *b, const char *s, size_t n);
void cx_buf_puts(cx_buf *b, const char *s);
void cx_buf_putc(cx_buf *b, char ch);
void cx_buf_printf(cx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL) and leaves b empty. */
char *cx_buf_take(cx_buf *b);

/* ---- questions (question.c) ---- */

/* What the common question checker needs to know about its surroundings. */
typedef struct cx_qopts {
	bool bank;          /* bank question: category/difficulty/tags allowed */
	const cJSON *rules; /* contest "scoring" object (may be NULL) */
} cx_qopts;

/*
 * Checks the common fields of one question (id, type known to the engine,
 * text, explanation, time_limit_s, language maps) and compiles it. Returns
 * the compiled question (caller frees) or NULL with the problems reported.
 */
score_question *cx_question(cx *c, const cJSON *q, const char *path, const cx_qopts *o);
/* Checks ids of an array of questions are present and unique. */
void cx_question_ids(cx *c, const cJSON *arr, const char *path);

/* Difficulty names, 1..3. 0 when s is not one. */
int cx_difficulty(const char *s);
extern const char *const cx_difficulties[4];

/* ---- banks (bank.c) ---- */

#include "bank.h"

/* One question of a bank, as blueprints see it. */
typedef struct cx_bank_item {
	const cJSON *q;                   /* inside the bank's root */
	const char *id, *type, *category; /* category "" when none */
	int difficulty;                   /* 1 easy, 2 medium (the default), 3 hard */
} cx_bank_item;

typedef struct cx_bank {
	char *alias; /* its name in the contest's "banks" */
	char *path;  /* the file, resolved against the contest file */
	contest_bank *b;
	cx_bank_item *items;
	size_t n;
} cx_bank;

struct contest_banks {
	cx_bank *v;
	size_t n;
};

/*
 * Checks a bank held as JSON: format, id, title, categories, every question
 * (common fields + compile). lines, when not NULL, gives each question's
 * source line (importers), so problems carry a line as well as a path.
 */
bool cx_bank_check(cx *c, const cJSON *root, const int *lines);
/* Indexes the questions of a checked bank. */
void cx_bank_index(cx_bank *b);
void cx_banks_free(struct contest_banks *bs);

/* ---- blueprints (blueprint.c) ---- */

/*
 * Checks a "paper" object and builds its blueprint; NULL with problems
 * reported. seed is the stage's seed string unless the paper names its own.
 */
struct contest_blueprint *cx_blueprint_build(cx *c, const cJSON *paper, const char *path,
					     const struct contest_banks *banks, bool live, const char *seed);
/* The 64-bit seed of a participant's draw ("" for papers shared by everyone). */
uint64_t cx_blueprint_seed(const struct contest_blueprint *bp, const char *participant);
void cx_blueprint_free(struct contest_blueprint *bp);
/* How many questions a blueprint draws. */
size_t cx_blueprint_total(const struct contest_blueprint *bp);
bool cx_blueprint_per_participant(const struct contest_blueprint *bp);
/*
 * Draws a participant's questions: out[] receives total new question objects
 * (copies, options shuffled when asked; the caller deletes them) and the
 * bank alias each came from. Returns the number drawn.
 */
size_t cx_blueprint_draw(const struct contest_blueprint *bp, const struct contest_banks *banks,
			 const char *participant, cJSON **out, const char **alias);

/* The documented seeding (docs/contests.md): FNV-1a 64 of "seed\x1fparticipant". */
uint64_t cx_seed(const char *seed, const char *participant);
/* xoshiro256** state seeded by splitmix64. */
typedef struct cx_rng {
	uint64_t s[4];
} cx_rng;
void cx_rng_seed(cx_rng *r, uint64_t seed);
uint64_t cx_rng_next(cx_rng *r);
/* Uniform in [0, n) without modulo bias (n > 0). */
uint64_t cx_rng_below(cx_rng *r, uint64_t n);

#endif
