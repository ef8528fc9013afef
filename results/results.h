/*
 * results.h - SkillArena's results library, its one public header.
 *
 * What happens after a contest is scored: the final ranking with ties (并列)
 * and award tiers, names masked for the public notice (公示), item analysis of
 * the paper, score distribution, participation and awards by unit, per-day
 * series of a mass contest, the SVG charts of the analysis page, and xAPI
 * statements for the training records.
 *
 *   stored answers (PostgreSQL) -> server -> results_* (pure, in memory)
 *       -> results page, notice page, certificates, exports, charts, LRS
 *
 * Every function is pure over the data it is handed (no I/O, no globals, no
 * locale), except results_tz_load() which reads one time-zone file once. They
 * are thread-safe and meant for libuv's thread pool, never the event loop for
 * a large contest. Points are milli-points (int64, as in scoring/), times are
 * Unix milliseconds.
 *
 * Errors: functions return RESULTS_OK (0) or a negative RESULTS_E_* code;
 * results_strerror() gives its zh-CN or English text. Where a function takes
 * `char **err`, a message naming the place (a JSON path "$.awards.tiers[1]",
 * a row "responses[12]") is malloc'ed into *err (if err is not NULL) and the
 * caller frees it; on success *err is left untouched.
 *
 * Ownership: every `**out` a function fills is owned by the caller and freed
 * with the function named next to it; nothing keeps a pointer into the
 * caller's input unless its comment says so.
 *
 * Depends on scoring/ (tie-breaks, JSON helpers), cJSON and mbedcrypto (SHA-1
 * for name-based UUIDs).
 */
#ifndef SKILLARENA_RESULTS_H
#define SKILLARENA_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------- errors (err.c) ---------- */

enum {
	RESULTS_OK = 0,
	RESULTS_E_NOMEM = -1,      /* out of memory */
	RESULTS_E_INVALID = -2,    /* a bad argument (a caller's bug or a bad option) */
	RESULTS_E_DEFINITION = -3, /* the awards definition is invalid */
	RESULTS_E_DATA = -4,       /* the data is inconsistent (duplicate id, mark above the maximum) */
	RESULTS_E_TZ = -5,         /* unknown or unsupported time zone */
	RESULTS_E_UTF8 = -6,       /* a text is not valid UTF-8 */
	RESULTS_E_RANGE = -7,      /* a value outside what the library supports (too many options) */
};

/* Stable protocol name of a code ("invalid_awards", "bad_data"). */
const char *results_errname(int code);
/* Human message of a code, lang "zh-CN" (default, also for NULL) or "en". */
const char *results_strerror(int code, const char *lang);

/* ---------- final ranking (rank.c) ---------- */

/* One participant of the final ranking. */
typedef struct results_entry {
	score_standing st; /* total_milli, reached_ms, time_ms, correct, wrong, id (unique) */
	int64_t max_milli; /* the most this participant could score (> 0) */
	bool passed;       /* passed the contest's pass mark (only read when awards require it) */
} results_entry;

/* Why a participant got no award (RESULTS_WHY_AWARDED when they got one). */
typedef enum results_why {
	RESULTS_WHY_AWARDED = 0,
	RESULTS_WHY_ZERO,      /* 0 points or fewer: never awarded */
	RESULTS_WHY_BELOW_MIN, /* below the definition's min_points / min_percent */
	RESULTS_WHY_FAILED,    /* the awards require a pass and they did not pass */
	RESULTS_WHY_OUTSIDE,   /* eligible, but past the last tier */
} results_why;

#define RESULTS_TIER_NONE (-1)
#define RESULTS_TIER_PARTICIPATION (-2)

/* One place of the ranking, in ranking order. */
typedef struct results_place {
	size_t entry; /* index into the entries given */
	int64_t rank; /* standard competition rank: 1, 2, 2, 4 */
	bool tied;    /* another participant shares the rank (并列) */
	int tier;     /* award tier index (0 = the first), RESULTS_TIER_PARTICIPATION or RESULTS_TIER_NONE */
	results_why why; /* set by results_awards_assign() */
} results_place;

/*
 * Ranks n entries by the contest's tie-break order tb (score_tiebreak_parse of
 * the contest's "scoring"; NULL = score_tiebreak_default) into out[n], best
 * first. Two participants are tied (并列, same rank) when they are equal on
 * every tie-break key before "id": "id" orders the tied ones on the page but
 * never separates their ranks. tier is RESULTS_TIER_NONE and why
 * RESULTS_WHY_OUTSIDE until results_awards_assign(). RESULTS_E_DATA (message
 * in *err) when two entries have the same id or a max_milli <= 0.
 */
int results_rank(const results_entry *e, size_t n, const score_tiebreak *tb, results_place *out, char **err);

/* ---------- award tiers (awards.c) ---------- */

#define RESULTS_MAX_TIERS 16

typedef enum results_awards_by {
	RESULTS_BY_RANK,  /* tiers by places in the ranking: count or share of participants */
	RESULTS_BY_SCORE, /* tiers by score: min_percent of the maximum */
} results_awards_by;

/* A tie that straddles a tier boundary: */
typedef enum results_ties {
	RESULTS_TIES_HIGHER, /* everyone tied gets the better tier (default) */
	RESULTS_TIES_LOWER,  /* everyone tied gets the tier of the last of them */
} results_ties;

typedef struct results_tier {
	char *name_zh;     /* owned */
	char *name_en;     /* owned, NULL when the definition gives none */
	int64_t count;     /* by rank: places of this tier (0 when it is a share) */
	int64_t share_ppm; /* by rank: share of the participants, millionths (0 when a count) */
	int64_t min_ppm;   /* by score: lowest score as a share of the maximum, millionths;
			    * participation: its own minimum (0 = none) */
} results_tier;

/* An "awards" object of a contest file, validated (awards.schema.json). */
typedef struct results_awards {
	results_awards_by by;
	results_ties ties;
	bool require_pass;
	int64_t min_points_milli; /* never awarded below this total (0: no minimum besides > 0) */
	int64_t min_ppm;          /* never awarded below this share of the maximum */
	int ntiers;
	results_tier tiers[RESULTS_MAX_TIERS];
	bool has_participation;
	results_tier participation; /* name and min_ppm */
} results_awards;

/*
 * Reads and validates an "awards" object. Every problem found is reported in
 * *err (malloc'ed, one line each, "$.awards.tiers[1].share: ..."), in lang
 * ("en", else zh-CN); returns RESULTS_E_DEFINITION then and *out holds
 * nothing to release. On success release *out with results_awards_release().
 */
int results_awards_parse(const cJSON *awards, const char *lang, results_awards *out, char **err);
void results_awards_release(results_awards *a);

/*
 * Gives each place of a ranking (results_rank's output for the same entries)
 * its tier and reason. Rules (docs/results.md):
 *   - 0 points or fewer, below min_points/min_percent, or failed while the
 *     awards require a pass: no award, and no place taken (places pass on);
 *   - by rank, tier i covers the eligible places after tier i-1's: count
 *     places, or for a share floor(N x (shares up to i)) - floor(N x (shares
 *     before i)) with N every ranked participant; a group of tied
 *     participants across a boundary all get the tier of its first place
 *     (ties "higher") or of its last place (ties "lower");
 *   - by score, the first tier whose min_percent the score reaches;
 *   - the participation tier, when defined, goes to every other eligible
 *     participant at or above its own min_percent.
 */
int results_awards_assign(const results_awards *a, const results_entry *e, size_t n, results_place *places);

/* The tier's name in lang ("en" falls back to zh-CN); tier may be RESULTS_TIER_PARTICIPATION;
 * "" for RESULTS_TIER_NONE. */
const char *results_tier_name(const results_awards *a, int tier, const char *lang);

/* ---------- masking for the public notice (mask.c) ---------- */

typedef struct results_mask_opts {
	const char *mask; /* what replaces a hidden character ("*" when NULL) */
	bool keep_last; /* names of 3+ characters with a one-character surname keep the last one (张*丰) */
	int fixed;      /* > 0: always this many mask strings (hides the length); 0: one per character */
	int id_keep;    /* employee numbers: characters kept at the end (4) */
} results_mask_opts;

/* mask "*", keep_last true, fixed 0, id_keep 4 */
extern const results_mask_opts results_mask_default;

/*
 * A name for a public page: 张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧阳**
 * (a compound surname from the table stays whole), 买买提·艾力 -> 买**·*力
 * (separators · • ・ space stay). *out is malloc'ed. RESULTS_E_UTF8 for
 * invalid UTF-8, RESULTS_E_INVALID for an empty name.
 */
int results_mask_name(const char *name, const results_mask_opts *o, char **out);
/* An employee number: every character but the last id_keep hidden
 * (1024005678 -> ******5678); one of id_keep or fewer keeps only its last
 * half (1024 -> **24). */
int results_mask_id(const char *id, const results_mask_opts *o, char **out);

/* ---------- item analysis (items.c) ---------- */

#define RESULTS_MAX_OPTIONS 64

/* A question of the analysis. */
typedef struct results_item_def {
	const char *id;    /* the question id (not copied: must outlive the analysis' use) */
	int64_t max_milli; /* its maximum mark M (> 0) */
	int noptions;      /* options of a choice question (0..64), 0 for other types */
} results_item_def;

/* One question given in one attempt (a question not on the attempt's paper has no response). */
typedef struct results_response {
	size_t attempt;   /* 0 .. nattempts-1 */
	size_t item;      /* 0 .. nitems-1 */
	int64_t x_milli;  /* its mark, -M..M */
	uint64_t options; /* bit j: option j chosen */
	bool answered;    /* false: given but left blank */
} results_response;

typedef struct results_items_opts {
	double easy;     /* flag RESULTS_FLAG_EASY when facility > easy (0.9) */
	double hard;     /* flag RESULTS_FLAG_HARD when facility < hard (0.2) */
	double negative; /* flag RESULTS_FLAG_NEGATIVE when r_pbis < negative (0.0) */
	double group;    /* upper and lower group share for d27 (0.27), 0 < group <= 0.5 */
} results_items_opts;

extern const results_items_opts results_items_default;

enum {
	RESULTS_FLAG_EASY = 1u << 0,     /* too easy */
	RESULTS_FLAG_HARD = 1u << 1,     /* too hard */
	RESULTS_FLAG_NEGATIVE = 1u << 2, /* discriminates negatively */
};

/* Statistics of one question; NaN where a statistic is undefined (too few
 * attempts, no variance). */
typedef struct results_item_stats {
	size_t n;             /* attempts given the question */
	size_t answered;      /* of them, not blank */
	double facility;      /* F = mean(x) / M */
	double sd;            /* SD(x) / M, divisor n - 1 */
	double d27;           /* mean(x)/M in the upper 27% by total minus in the lower 27% */
	double r_pbis;        /* corrected item-total correlation: Pearson r of x with total - x
			      * (the point-biserial for a right/wrong question); Moodle's
			      * discrimination index is 100 r */
	double de;            /* discriminative efficiency, percent: 100 Cov(x,y) / Cov_max(x,y) */
	double *option_share; /* noptions shares of the n attempts choosing each option (owned) */
	double blank_share;   /* share of the n attempts left blank */
	unsigned flags;       /* RESULTS_FLAG_* */
} results_item_stats;

/* The paper as a whole. */
typedef struct results_paper_stats {
	size_t attempts;   /* every attempt */
	size_t complete;   /* attempts given every question (the reliability uses only these) */
	double mean_milli; /* mean total over every attempt */
	double sd_milli;   /* SD of the totals, divisor attempts - 1 */
	double alpha;      /* Cronbach's alpha over the complete attempts */
	double kr20;       /* KR-20 (right = 1, wrong = 0) when every question is right/wrong, else NaN */
	double sem_milli;  /* standard error of measurement: SD(total) x sqrt(1 - alpha), complete attempts */
	bool dichotomous;  /* every mark observed is 0 or the question's maximum */
} results_paper_stats;

typedef struct results_analysis {
	results_paper_stats paper;
	size_t nitems;
	results_item_stats *items; /* nitems, in the order given */
} results_analysis;

/*
 * Analyses nresponses responses of nattempts attempts over nitems questions
 * (o NULL = results_items_default). RESULTS_E_DATA with the row in *err for a
 * response naming an unknown attempt or question, a repeated (attempt,
 * question), a mark outside -M..M or an option index >= noptions;
 * RESULTS_E_RANGE for noptions > 64. Free *out with results_analysis_free().
 */
int results_items_analyse(const results_item_def *items, size_t nitems, const results_response *r,
			  size_t nresponses, size_t nattempts, const results_items_opts *o,
			  results_analysis **out, char **err);
void results_analysis_free(results_analysis *a);

/* The analysis as JSON for the API and the exports: {"paper": {...}, "items": [{"id", "n", "facility",
 * ..., "options": [...], "flags": ["easy", ...]}]}, NaN as null. NULL when out of memory. */
cJSON *results_analysis_json(const results_analysis *a, const results_item_def *items);

/* ---------- distributions (dist.c) ---------- */

#define RESULTS_HIST_MAX_BINS 200

/* Bin i counts lo + i*(hi-lo)/nbins <= v < lo + (i+1)*(hi-lo)/nbins; the last bin includes hi. */
typedef struct results_hist {
	int64_t lo, hi; /* the range, in the unit of the values (milli-points) */
	int nbins;
	size_t counts[RESULTS_HIST_MAX_BINS];
	size_t below, above; /* values outside [lo, hi] */
	size_t n;            /* every value */
} results_hist;

/* RESULTS_E_INVALID when hi <= lo or nbins is not 1..RESULTS_HIST_MAX_BINS. */
int results_histogram(const int64_t *values, size_t n, int64_t lo, int64_t hi, int nbins, results_hist *out);
/* The lower edge of bin i (i == nbins: hi), exact to the unit. */
double results_hist_edge(const results_hist *h, int i);

/* ---------- units: participation and awards (units.c) ---------- */

/* A roster row: the headcount of one unit ("公司/分厂/车间/班组"; segments separated by '/'). */
typedef struct results_roster_row {
	const char *unit;
	int64_t headcount; /* >= 0; people directly in this unit, its sub-units count their own */
} results_roster_row;

/* One participant (counted once) with their unit and award tier. */
typedef struct results_member {
	const char *unit;
	int tier; /* as results_place.tier */
} results_member;

typedef struct results_unit {
	char *path;                        /* the unit's full path, normalized ("公司/一分厂"); owned */
	const char *name;                  /* its last segment (inside path) */
	int depth;                         /* 0 for a top-level unit */
	long parent;                       /* index of the parent unit, -1 at the top */
	int64_t headcount;                 /* rolled up: this unit and every sub-unit */
	int64_t participants;              /* rolled up */
	double rate;                       /* participants / headcount; NaN when the headcount is 0 */
	bool unlisted;                     /* participants from a unit the roster does not list */
	int64_t awards[RESULTS_MAX_TIERS]; /* rolled up, per tier */
	int64_t participation;             /* rolled up, the participation tier */
} results_unit;

/* Units in tree order (a unit, then its sub-units, in the order first met). */
typedef struct results_units {
	results_unit *u;
	size_t n;
	size_t unassigned; /* members without a unit (NULL or ""): counted in no unit */
} results_units;

/*
 * Builds the unit tree from the roster and the participants. Paths are split
 * at '/', each segment trimmed of spaces; an empty segment or a repeated
 * roster unit is RESULTS_E_DATA with its row in *err; RESULTS_E_UTF8 for a
 * path that is not UTF-8. Release *out with results_units_release().
 */
int results_units_build(const results_roster_row *roster, size_t nroster, const results_member *m, size_t nm,
			results_units *out, char **err);
void results_units_release(results_units *u);
/* A unit path as results_units_build normalizes it (segments trimmed, '／'
 * read as '/'): *out malloc'ed. RESULTS_E_DATA for an empty segment,
 * RESULTS_E_UTF8 for invalid UTF-8. */
int results_unit_norm(const char *path, char **out);

/* ---------- time zones (tz.c) ---------- */

typedef struct results_tz results_tz;

/*
 * A time zone by IANA name ("Asia/Shanghai", read from $TZDIR or
 * /usr/share/zoneinfo), "UTC", or a fixed offset "+08:00". NULL or "" means
 * Asia/Shanghai. RESULTS_E_TZ for an unknown name or a file that is not TZif.
 * Free with results_tz_free().
 */
int results_tz_load(const char *name, results_tz **out);
void results_tz_free(results_tz *tz);
/* The name it was loaded with ("Asia/Shanghai"). */
const char *results_tz_name(const results_tz *tz);
/* The UTC offset in seconds at Unix time t_s. RESULTS_E_TZ past the zone's
 * last transition when its daylight-saving rule goes on (not supported). */
int results_tz_offset(const results_tz *tz, int64_t t_s, int32_t *offset_s);
/* RFC 3339 with milliseconds in the zone: "2026-06-15T08:30:02.100+08:00" (tz NULL: "...Z"). */
int results_tz_format(const results_tz *tz, int64_t ms, char buf[40]);
/* The local calendar day of ms as days since 1970-01-01 (in the zone). */
int results_tz_day(const results_tz *tz, int64_t ms, int64_t *day);
/* Days since 1970-01-01 to a civil date and back. */
void results_civil_from_days(int64_t days, int *y, int *m, int *d);
int64_t results_days_from_civil(int y, int m, int d);

/* ---------- per-day series (dist.c) ---------- */

/* One finished attempt of a mass contest. */
typedef struct results_attempt {
	int64_t participant;
	int64_t at_ms; /* when it was finished */
	int64_t score_milli;
	const char *unit; /* may be NULL; used by the unit filter */
} results_attempt;

typedef struct results_day {
	int64_t day;             /* days since 1970-01-01, local */
	char date[16];           /* "2026-06-15" */
	size_t attempts;         /* finished that day */
	size_t participants;     /* distinct participants that day */
	size_t new_participants; /* of them, first seen that day */
	size_t cumulative;       /* distinct participants up to and including the day */
	int64_t best_milli;      /* best attempt of the day (0 when none) */
	double mean_milli;       /* mean attempt score of the day (NaN when none) */
} results_day;

/*
 * Per local day in tz: every day from from_ms to to_ms (both inclusive; 0 and
 * 0 = from the first to the last attempt), days without attempts included.
 * unit_prefix (NULL = every unit) keeps attempts of that unit and its
 * sub-units. *out is malloc'ed (free()), *ndays its length. At most 3660 days.
 */
int results_daily(const results_attempt *a, size_t n, const results_tz *tz, const char *unit_prefix,
		  int64_t from_ms, int64_t to_ms, results_day **out, size_t *ndays, char **err);

/* ---------- SVG charts (svg.c, charts.c) ---------- */

/* Text of a chart: title and description (title/desc elements), in lang. */
typedef struct results_chart_text {
	const char *title; /* required */
	const char *desc;  /* NULL: generated from the data ("12 个单位…") */
	const char *lang;  /* "zh-CN" (default) or "en": axis titles */
	const char *font;  /* the font-family list; NULL: Noto Sans CJK SC, then the usual Chinese faces */
} results_chart_text;

/*
 * Participation rate by unit, horizontal bars, units of depth <= max_depth
 * (0 = top level only) in tree order, indented by depth; the rate printed at
 * each bar with participants/headcount. *svg is malloc'ed.
 */
int results_svg_participation(const results_units *u, int max_depth, const results_chart_text *t, char **svg);
/* Score distribution: one bar per bin, counts on the y axis, bin edges in
 * points (values / 1000) on the x axis. */
int results_svg_histogram(const results_hist *h, const results_chart_text *t, char **svg);
/* Item analysis: facility (x, 0..1) against r_pbis (y, -1..1), the flag
 * thresholds of o drawn as guide lines, flagged questions labelled. */
int results_svg_items(const results_analysis *a, const results_item_def *items, const results_items_opts *o,
		      const results_chart_text *t, char **svg);
/* Award counts by unit: a stacked bar per unit of depth <= max_depth (tree
 * order, indented by depth), a segment per award tier k < ntiers named
 * tier_names[k] (results_unit.awards[k]), then the participation tier
 * (results_unit.participation) when participation names it (NULL: none);
 * the unit's total after its bar, a legend of the tiers. RESULTS_E_UTF8 for
 * a name that is not UTF-8. */
int results_svg_awards(const results_units *u, int max_depth, const char *const *tier_names, int ntiers,
		       const char *participation, const results_chart_text *t, char **svg);

/* ---------- xAPI statements (xapi.c) ---------- */

typedef struct results_xapi_site {
	const char *home_page;     /* "https://skills.example.cn": the actors' account homePage */
	const char *activity_base; /* activity ids start here; NULL = home_page + "/xapi" */
	const results_tz *tz;      /* timestamps in this zone; NULL = UTC */
} results_xapi_site;

/* One finished attempt of a contest. */
typedef struct results_xapi_attempt {
	const char *employee_no;  /* the actor's account name (never an email) */
	const char *name;         /* display name, NULL to leave it out */
	const char *contest_code; /* [A-Z0-9]{4,16} */
	const char *title_zh;     /* the contest's title */
	const char *title_en;     /* NULL when none */
	int64_t attempt_id;       /* unique per site: statement ids and the registration derive from it */
	int64_t started_ms, finished_ms;
	int64_t raw_milli, min_milli, max_milli; /* min <= raw <= max, max > min */
	int passed; /* 1 passed, 0 failed, -1 no pass mark (then only "completed") */
} results_xapi_attempt;

/* One question answered within an attempt (item-level statement, verb answered). */
typedef struct results_xapi_answer {
	const char *question_id;      /* "q7" */
	const char *interaction_type; /* "choice", "true-false", "fill-in", ... */
	const char *response;         /* in the pattern format of the type ("b", "true", "a[,]c") */
	const char *correct_pattern;  /* NULL to leave it out */
	bool success;
	int64_t raw_milli, max_milli; /* 0 <= raw <= max */
	int64_t duration_ms;
	int64_t answered_ms; /* timestamp */
} results_xapi_answer;

/* An issued certificate. */
typedef struct results_xapi_cert {
	const char *employee_no, *name;
	const char *contest_code;
	const char *certificate_id;      /* [A-Za-z0-9._-]{1,64}: part of the activity id */
	const char *title_zh, *title_en; /* the certificate's title ("2026 年电工技能竞赛 一等奖") */
	const char *award_zh;            /* the award tier, NULL for a participation certificate */
	int64_t attempt_id;              /* the attempt it was earned with (registration), -1 when none */
	int64_t issued_ms;
} results_xapi_cert;

typedef enum results_xapi_verb {
	RESULTS_XAPI_COMPLETED,
	RESULTS_XAPI_PASSED,
	RESULTS_XAPI_FAILED,
} results_xapi_verb;

/*
 * Statement builders. Each returns a new cJSON object in *out (cJSON_Delete).
 * The statement id is a UUID v5 (SHA-1, RFC 4122) named by the activity id,
 * the attempt and the verb, and every field comes from the input (the
 * timestamp too), so a statement rebuilt and re-sent after a lost reply is the
 * very same statement: the LRS keeps one copy (docs/results.md).
 * RESULTS_E_INVALID with the field in *err for a missing or bad field.
 */
int results_xapi_attempt_statement(const results_xapi_site *s, const results_xapi_attempt *a,
				   results_xapi_verb verb, cJSON **out, char **err);
/* Every statement of a finished attempt appended to arr: completed, then passed or failed (with a pass mark). */
int results_xapi_attempt_statements(const results_xapi_site *s, const results_xapi_attempt *a, cJSON *arr,
				    char **err);
int results_xapi_answer_statement(const results_xapi_site *s, const results_xapi_attempt *a,
				  const results_xapi_answer *q, cJSON **out, char **err);
int results_xapi_cert_statement(const results_xapi_site *s, const results_xapi_cert *c, cJSON **out,
				char **err);

/* UUID v5 of name in namespace ns (16 bytes) as "xxxxxxxx-xxxx-5xxx-...". */
void results_uuid5(const uint8_t ns[16], const char *name, char out[37]);
/* The RFC 4122 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8. */
extern const uint8_t results_uuid_ns_url[16];

#ifdef __cplusplus
}
#endif
#endif
