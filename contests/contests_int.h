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
	CXM_BANK_OUTSIDE,       /* %s: bank path */
	CXM_DRAW_SHORT,         /* %d %d: wanted, available */
	CXM_PAPER_SHORT,        /* %d %d: wanted, fit */
	CXM_RATIO_TOTAL,        /* - */
	CXM_AWARD_ORDER,        /* - */
	CXM_AWARD_BY,           /* %s */
	CXM_FEEDBACK,           /* %s: feedback */
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
	/* self-paced modes (selfpaced.c) */
	CXM_ENUM,         /* %s %s: value, the values allowed */
	CXM_MODE_ONLY,    /* %s %s: field, modes */
	CXM_TIME_ZONE,    /* %s: name */
	CXM_MASS_WINDOW,  /* - */
	CXM_BANK_UNKNOWN, /* %s: the name a contest gave */
	CXM_MAX
} cx_msg;

/*
 * The checking context passed down every checker. nomem is sticky, as
 * SQLite's mallocFailed: whatever fails to allocate marks it and returns
 * what it can (NULL, false); the entry point (contest_load(), ...) then
 * frees what was built and returns CONTEST_E_NOMEM. A checker never uses
 * what it failed to allocate, so nothing crashes on the way out.
 */
typedef struct cx {
	const char *file;
	const char *lang; /* "zh-CN" (default) or "en" */
	contest_diag *diag;
	const score_engine *eng;
	bool nomem;
} cx;

/* Appends a problem at a JSON path (line 0). */
void cx_err(cx *c, const char *path, cx_msg m, ...);
/* Appends a problem at line:col of a text file (path may be NULL). */
void cx_err_at(cx *c, int line, int col, const char *path, cx_msg m, ...);
void cx_verr_at(cx *c, int line, int col, const char *path, cx_msg m, va_list ap);
/* The format of a message in a language. */
const char *cx_fmt(cx_msg m, const char *lang);
/* Appends a raw problem (already localized). */
bool cx_diag_add(contest_diag *d, const char *file, const char *path, int line, int col, const char *msg);
/* strerror in the message language (the common cases; strerror otherwise). */
const char *cx_strerror(int err, const char *lang);
/*
 * Number of problems so far (to tell whether a sub-check added any); running
 * out of memory counts as one, so a check that hits it fails.
 */
static inline size_t cx_nerr(const cx *c) { return (c->diag ? c->diag->count : 0) + (c->nomem ? 1 : 0); }
/* Marks c out of memory; returns false (`return cx_oom(c);`). */
bool cx_oom(cx *c);
/* The entry points' result: CONTEST_E_NOMEM, else CONTEST_E_INVALID when problems were added since before, else CONTEST_OK. */
int cx_result(const cx *c, size_t before);

/* Paths: out = parent + ".key" (or ["key"] when key is not an identifier), parent + "[i]". */
const char *cx_key(char *out, const char *parent, const char *key);
const char *cx_idx(char *out, const char *parent, int i);

/* Reads a whole file (at most max bytes; NUL-terminated). 0, -errno, -EFBIG or -ENOMEM. */
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
 * and reports syntax errors at line:col. Refuses a key repeated in any
 * object: cJSON reads the first, PostgreSQL's jsonb keeps the last, and a
 * contest must mean one thing whichever copy a process loads. Returns the
 * root or NULL.
 */
cJSON *cx_parse_json_file(cx *c, const char *path);
/*
 * cJSON_ParseWithLengthOpts() (end: where it stopped) that tells no memory
 * from bad syntax: cJSON returns NULL for both, so a failed parse is tried
 * once more; a second failure elsewhere marks c out of memory, a success is
 * kept. (A failure at the same place twice reads as bad syntax.)
 */
cJSON *cx_json_parse(cx *c, const char *s, size_t n, const char **end);
cJSON *cx_parse_json_mem(cx *c, const char *buf, size_t len);

/* Field checkers: each reports its own problem and returns false on it. */
bool cx_string(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines);
bool cx_langmap(cx *c, const cJSON *v, const char *path, int maxlen, bool allow_newlines);
bool cx_int(cx *c, const cJSON *v, const char *path, long long min, long long max, long long *out);
bool cx_number(cx *c, const cJSON *v, const char *path, double min, double max, double *out);
bool cx_bool(cx *c, const cJSON *v, const char *path, bool *out);
bool cx_id(cx *c, const cJSON *v, const char *path);
/* Is s an id: 1-64 letters, digits, '-', '_' or '.'? */
bool cx_is_id(const char *s);
/* Reports fields of obj not in the NULL-terminated list ("$schema" and "$comment" are always allowed). */
void cx_fields(cx *c, const cJSON *obj, const char *path, const char *const *known);
/* Reports every key repeated within an object of the tree v (parsing does it for every file). */
void cx_dup_keys(cx *c, const cJSON *v, const char *path);
/*
 * Field tables: an object is checked by its rows, in order - unknown fields,
 * a missing required field, a given value against its row's kind - and then
 * each row's set() keeps the value (or applies its default), so a set()
 * may use what the rows above it kept. set() gets v when the field is given
 * and fits its kind, else NULL (val->given tells absent from refused).
 */
typedef enum cx_kind {
	CXK_ANY,      /* set() checks the value itself */
	CXK_LANGMAP,  /* a string or language map of at most max characters */
	CXK_STRING,   /* a non-empty string of at most max characters */
	CXK_INT,      /* an integer in [min, max]: val->i */
	CXK_NUMBER,   /* a number in [min, max]: val->d */
	CXK_DATETIME, /* ISO 8601: val->t, Unix seconds */
	CXK_BOOL,     /* true or false: val->b */
	CXK_OBJECT,   /* any object */
} cx_kind;
typedef struct cx_value {
	bool given, b;
	long long i;
	double d;
	int64_t t;
} cx_value;
typedef void cx_field_fn(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx);
typedef struct cx_field {
	const char *name;
	bool required;
	cx_kind kind;
	double min, max; /* the range of a number; at most max characters for a string */
	bool newlines;   /* a string may hold line breaks */
	cx_field_fn *set;
} cx_field;
#define CX_FIELDS_MAX 32
void cx_check_fields(cx *c, const cJSON *obj, const char *path, const cx_field *rows, size_t n, void *ctx);

/* An ISO 8601 date or date-time ("2026-05-01", "2026-05-01T09:00:00+08:00"); epoch seconds out. */
bool cx_datetime(cx *c, const cJSON *v, const char *path, int64_t *epoch);

/* The zh-CN (or only) text of a language map or string; NULL when neither. */
const char *cx_text(const cJSON *v, const char *lang);

/*
 * Memory. The plain functions return NULL when memory runs out (through
 * the allocator contest_set_allocator() installs); the cx_ ones taking a
 * context also mark it out of memory. Everything is released with free().
 */
void *cx_malloc(size_t n);
void *cx_calloc(size_t n, size_t size);
void *cx_realloc(void *p, size_t n);
char *cx_strdup(const char *s); /* NULL for NULL */
char *cx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *cx_alloc(cx *c, size_t n); /* zeroed */
/* Grows *v (n items of size) to hold at least need; false (c marked) on failure, *v kept. */
bool cx_grow(cx *c, void *v, size_t *cap, size_t need, size_t size);
char *cx_dup(cx *c, const char *s);
char *cx_printf(cx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Building JSON. Each takes item (NULL when its creation failed) and
 * returns it once in place, or deletes it, marks c and returns NULL:
 * a builder calls them in a row and checks c->nomem once at the end.
 */
cJSON *cx_jnew(cx *c, cJSON *item);                              /* checks a creation */
cJSON *cx_jadd(cx *c, cJSON *obj, const char *key, cJSON *item); /* adds obj[key] */
cJSON *cx_jset(cx *c, cJSON *obj, const char *key,
	       cJSON *item);                     /* replaces or adds obj[key] (key may be item's own) */
cJSON *cx_jpush(cx *c, cJSON *arr, cJSON *item); /* appends to arr */
cJSON *cx_jstr(cx *c, cJSON *obj, const char *key, const char *s); /* obj[key] = s */
cJSON *cx_jnum(cx *c, cJSON *obj, const char *key, double d);      /* obj[key] = d */

/* Growable string; after a failed allocation it keeps failed set and drops what follows. */
typedef struct cx_buf {
	char *s;
	size_t len, cap;
	bool failed;
} cx_buf;
void cx_buf_putn(cx_buf *b, const char *s, size_t n);
void cx_buf_puts(cx_buf *b, const char *s);
void cx_buf_putc(cx_buf *b, char ch);
void cx_buf_printf(cx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string ("" when empty) and leaves b empty; NULL (c marked) when an allocation failed. */
char *cx_buf_take(cx *c, cx_buf *b);
void cx_buf_release(cx_buf *b);

/* ---- contests (contest.c, stage.c) ---- */

/* Growable array of contest_question. */
typedef struct cx_qlist {
	contest_question *v;
	size_t n, cap;
} cx_qlist;

/* What the checks of one contest share: the definition being built and the top-level values later rows use. */
typedef struct cx_load {
	contest_def *def;
	const cJSON *root;
	const contest_load_opts *opts; /* where banks come from: bank_root, bank_resolve */
	const char *mode;              /* NULL until checked, or when invalid */
	bool live;
	int64_t limit_ms;   /* default time limit per question */
	const cJSON *rules; /* "scoring" when it is an object */
	cx_qlist ql, tl;    /* questions of quiz stages, tasks of judged stages */
} cx_load;

/* The rows of "stages" (with "questions" and "paper") and "rounds" (stage.c); ctx is the cx_load. */
cx_field_fn cx_set_stages, cx_set_rounds;
/* The rows of "attempts" (exam, mass) and "notebook" (practice), after "mode"
 * (selfpaced.c): each refused in other modes, checked, its defaults kept. */
cx_field_fn cx_set_attempts, cx_set_notebook;
/* Ids unique across stages (within a stage cx_question_ids() has checked them). */
void cx_check_unique_ids(cx *c, const cx_load *ld);
void cx_questions_free(contest_question *v, size_t n);

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
 * Loads the banks a contest names ("banks": {"alias": "path"}), in the order
 * of their aliases (bytes), never in the object's key order, which a jsonb
 * copy does not keep. Paths are relative to the contest file, or confined
 * to o->bank_root when it is given; with o->bank_resolve every name is
 * asked of the resolver instead (no files). NULL when v holds no usable
 * bank (problems reported).
 */
struct contest_banks *cx_banks_load(cx *c, const cJSON *v, const contest_load_opts *o);

/*
 * Checks a bank held as JSON: format, id, title, categories, every question
 * (common fields + compile). lines, when not NULL, gives each question's
 * source line (importers), so problems carry a line as well as a path.
 */
bool cx_bank_check(cx *c, const cJSON *root, const int *lines);
/* Indexes the questions of a checked bank (c marked when memory runs out). */
void cx_bank_index(cx *c, cx_bank *b);
/* Parses and checks a native bank from memory (problems in c); a CONTEST_ code. */
int cx_bank_json(cx *c, const char *data, size_t len, contest_bank **out);
/*
 * Reads and imports the bank file path (in format fmt), naming it shown in
 * problems: contest_bank_import() with a name of its own.
 */
int cx_bank_file(const char *path, const char *shown, contest_bank_format fmt, const contest_import_opts *o,
		 const score_engine *eng, const char *lang, contest_bank **out, contest_diag *diag,
		 contest_diag *warn);
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
/* Questions of every bank the blueprint sees (an upper bound of its candidates). */
size_t cx_blueprint_npool(const struct contest_blueprint *bp);
/* Every question a rule of the blueprint may draw, each once, in bank order:
 * bank[i] and q[i] (room for cx_blueprint_npool entries) index banks->v[]
 * and that bank's items[]. Returns how many, or -1 when memory ran out. */
long cx_blueprint_candidates(const struct contest_blueprint *bp, int *bank, int *q);
/*
 * Draws a participant's questions: out[] receives up to total new question
 * objects (copies, options shuffled when asked; the caller deletes them)
 * and the bank alias each came from. Returns the number drawn; c is marked
 * when memory ran out.
 */
size_t cx_blueprint_draw(cx *c, const struct contest_blueprint *bp, const struct contest_banks *banks,
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
