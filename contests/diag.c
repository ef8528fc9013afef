/*
 * diag.c - diagnostics of contests/: the message table and the problem list.
 *
 * Everything contests/ finds wrong with a contest file, a question bank or an
 * imported GIFT/Aiken/CSV file becomes one contest_problem (file, JSON path
 * or line:col, reason). The reasons come from cx_messages[], one row per
 * cx_msg code with its zh-CN and English text, so a checker names the
 * problem by its code and every message exists in both languages.
 *
 * Message style (git's): the problem first, the subject quoted, no full stop.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

typedef struct cx_message {
	cx_msg code;
	const char *zh;
	const char *en;
} cx_message;

static const cx_message cx_messages[CXM_MAX] = {
	{CXM_READ, "无法读取文件：%s", "cannot read file: %s"},
	{CXM_TOO_BIG, "文件过大（上限 %zu 字节）", "file too large (limit %zu bytes)"},
	{CXM_NOT_UTF8, "不是有效的 UTF-8 文本（若为 GBK 编码，请另存为 UTF-8）",
	 "not valid UTF-8 text (save it as UTF-8 if it is GBK)"},
	{CXM_JSON_SYNTAX, "JSON 语法错误", "JSON syntax error"},
	{CXM_JSON_TRAILING, "JSON 之后还有多余内容", "unexpected text after the JSON value"},
	{CXM_NOT_OBJECT, "应为 JSON 对象", "expected a JSON object"},
	{CXM_MISSING, "缺少必填字段“%s”", "missing required field '%s'"},
	{CXM_WANT_STRING, "应为字符串", "expected a string"},
	{CXM_WANT_NUMBER, "应为数字", "expected a number"},
	{CXM_WANT_INTEGER, "应为整数", "expected an integer"},
	{CXM_WANT_BOOL, "应为 true 或 false", "expected true or false"},
	{CXM_WANT_ARRAY, "应为数组", "expected an array"},
	{CXM_WANT_OBJECT, "应为对象", "expected an object"},
	{CXM_EMPTY_STRING, "不能为空", "must not be empty"},
	{CXM_STRING_TOO_LONG, "过长（最多 %d 个字符）", "too long (at most %d characters)"},
	{CXM_CONTROL_CHAR, "含有控制字符", "contains a control character"},
	{CXM_LANGMAP, "应为字符串或语言对象 {\"zh-CN\": …, \"en\": …}",
	 "expected a string or a language map {\"zh-CN\": ..., \"en\": ...}"},
	{CXM_LANGMAP_NO_ZH, "语言对象缺少“zh-CN”", "language map lacks 'zh-CN'"},
	{CXM_LANG_TAG, "不支持的语言“%s”（可用 zh-CN、en）", "unsupported language '%s' (use zh-CN or en)"},
	{CXM_UNKNOWN_FIELD, "未知字段“%s”", "unknown field '%s'"},
	{CXM_DUP_FIELD, "字段“%s”重复出现", "field '%s' appears twice"},
	{CXM_CODE, "竞赛代码“%s”无效（应为 4–16 位大写字母或数字）",
	 "invalid contest code '%s' (4-16 upper-case letters or digits)"},
	{CXM_ID, "标识“%s”无效（1–64 位字母、数字、-、_、.）",
	 "invalid id '%s' (1-64 letters, digits, '-', '_' or '.')"},
	{CXM_DUP_ID, "标识“%s”重复（首次出现在 %s）", "duplicate id '%s' (first at %s)"},
	{CXM_MODE, "未知模式“%s”（可用 live、exam、practice、mass）",
	 "unknown mode '%s' (use live, exam, practice or mass)"},
	{CXM_RANGE_INT, "应在 %lld 到 %lld 之间", "must be between %lld and %lld"},
	{CXM_RANGE_NUM, "应在 %g 到 %g 之间", "must be between %g and %g"},
	{CXM_UNKNOWN_TYPE, "未知题型“%s”", "unknown question type '%s'"},
	{CXM_COMPILE, "题目无法计分：%s", "question cannot be scored: %s"},
	{CXM_NO_QUESTIONS, "没有任何题目", "no questions"},
	{CXM_TOO_MANY, "数量过多（最多 %d）", "too many (at most %d)"},
	{CXM_DATE, "日期时间“%s”无效（应为 ISO 8601，如 2026-05-01T09:00:00+08:00）",
	 "invalid date-time '%s' (ISO 8601, such as 2026-05-01T09:00:00+08:00)"},
	{CXM_DATE_ORDER, "“%s”应早于“%s”", "'%s' must be before '%s'"},
	{CXM_WEIGHTS_SUM, "各阶段权重之和为 %g，应为 100", "stage weights add up to %g, not 100"},
	{CXM_UNKNOWN_REF, "未定义的%s“%s”", "unknown %s '%s'"},
	{CXM_STAGE_REUSED, "阶段“%s”已属于另一轮次", "stage '%s' already belongs to another round"},
	{CXM_STAGE_NO_ROUND, "阶段“%s”不属于任何轮次", "stage '%s' belongs to no round"},
	{CXM_ROUND_ADVANCE, "除最后一轮外，每一轮都需要晋级规则 advance",
	 "every round but the last needs an 'advance' rule"},
	{CXM_LAST_ROUND_ADVANCE, "最后一轮不能有晋级规则 advance",
	 "the last round cannot have an 'advance' rule"},
	{CXM_EXCLUSIVE, "“%s”与“%s”不能同时出现", "'%s' and '%s' cannot both be given"},
	{CXM_NEED_ONE_OF, "需要“%s”或“%s”之一", "needs one of '%s' or '%s'"},
	{CXM_DIFFICULTY, "难度“%s”无效（可用 easy、medium、hard）",
	 "invalid difficulty '%s' (use easy, medium or hard)"},
	{CXM_BANK_FORMAT, "题库格式“%s”无效（应为 skillarena-bank/1）",
	 "invalid bank format '%s' (expected skillarena-bank/1)"},
	{CXM_BANK_LOAD, "题库“%s”有错误（见上）", "question bank '%s' has errors (see above)"},
	{CXM_BANK_ABSOLUTE, "题库路径应相对于竞赛文件，不能是绝对路径",
	 "a bank path must be relative to the contest file, not absolute"},
	{CXM_BANK_OUTSIDE, "题库“%s”不是题库目录中的文件", "bank '%s' is not a file in the bank directory"},
	{CXM_DRAW_SHORT, "需要抽取 %d 题，但符合条件的只有 %d 题", "needs %d questions but only %d match"},
	{CXM_PAPER_SHORT, "组卷共需 %d 题，但各抽题规则最多只能抽到 %d 道不重复的题",
	 "the paper needs %d questions but its rules can draw at most %d distinct ones"},
	{CXM_RATIO_TOTAL, "按比例组卷需要 total（总题数）", "a paper by ratio needs 'total'"},
	{CXM_AWARD_ORDER, "奖项应从高到低排列（名次递增或分数递减）",
	 "award tiers must go from highest to lowest (growing rank count or falling score)"},
	{CXM_AWARD_BY, "奖项依据“%s”无效（可用 rank、score）",
	 "invalid award basis '%s' (use rank or score)"},
	{CXM_FEEDBACK, "得分反馈方式“%s”无效（可用 reveal：公布答案时才显示得分；instant：提交后立即显示）",
	 "invalid feedback '%s' (use reveal: points at the reveal, or instant: points at once)"},
	{CXM_STAGE_KIND, "阶段类型“%s”无效（可用 quiz、judged）",
	 "invalid stage kind '%s' (use quiz or judged)"},
	{CXM_KIND_TYPE, "%s 阶段不能包含“%s”题", "a %s stage cannot hold '%s' questions"},
	{CXM_EXAM_WINDOW, "考试模式需要 window（开放时间与每人时长）",
	 "exam mode needs a 'window' (opening times and duration per participant)"},
	{CXM_NOT_CONTEST, "不是竞赛定义（缺少 code 与 mode）", "not a contest definition (no code and mode)"},
	{CXM_NOT_BANK, "不是题库（缺少 format: skillarena-bank/1）",
	 "not a question bank (no format: skillarena-bank/1)"},
	{CXM_SHUFFLE_TYPE, "“%s”题的选项无法打乱", "options of '%s' questions cannot be shuffled"},
	{CXM_BLOCKED, "%s", "%s"},
	{CXM_ENCODING, "无法识别的编码“%s”", "unknown encoding '%s'"},
	{CXM_ICONV, "无法从 %s 转换为 UTF-8：%s", "cannot convert from %s to UTF-8: %s"},
	{CXM_GIFT_UNCLOSED, "答案块“{”没有对应的“}”", "answer block '{' is never closed"},
	{CXM_GIFT_NO_ANSWERS, "答案块中没有答案", "no answers in the answer block"},
	{CXM_GIFT_NO_CORRECT, "没有正确答案（需要“=”或正权重）",
	 "no correct answer ('=' or a positive weight)"},
	{CXM_GIFT_WEIGHT, "权重“%s”无效（应为 -100 到 100 之间的百分比，如 %%50%%）",
	 "invalid weight '%s' (a percentage from -100 to 100, such as %%50%%)"},
	{CXM_GIFT_WEIGHT_SUM, "正确答案权重之和为 %g%%，应为 100%%",
	 "weights of the correct answers add up to %g%%, not 100%%"},
	{CXM_GIFT_MIXED, "答案块混用了不同题型的写法", "the answer block mixes the syntax of several types"},
	{CXM_GIFT_NUMBER, "数值“%s”无效", "invalid number '%s'"},
	{CXM_GIFT_MATCH, "匹配题的每个答案都应写成“=左项 -> 右项”",
	 "every answer of a matching question must be '=left -> right'"},
	{CXM_GIFT_MATCH_FEW, "匹配题至少需要两对", "a matching question needs at least two pairs"},
	{CXM_GIFT_NAME, "题目名称“::”没有闭合", "question name '::' is never closed"},
	{CXM_GIFT_STRAY, "多余的字符“%s”（特殊字符需用 \\ 转义）",
	 "unexpected '%s' (escape special characters with \\)"},
	{CXM_GIFT_UNSUPPORTED, "不支持%s", "%s is not supported"},
	{CXM_GIFT_DESCRIPTION, "说明项（没有答案块）已跳过", "description item (no answer block) skipped"},
	{CXM_GIFT_TF, "判断题答案“%s”无效（应为 T、F、TRUE 或 FALSE）",
	 "invalid true/false answer '%s' (use T, F, TRUE or FALSE)"},
	{CXM_GIFT_SECOND_BLOCK, "一道题只能有一个答案块", "a question can have only one answer block"},
	{CXM_AIKEN_NO_ANSWER, "缺少“ANSWER: 字母”行", "missing the 'ANSWER: letter' line"},
	{CXM_AIKEN_ANSWER, "答案“%s”不是本题的选项字母", "answer '%s' is not one of the option letters"},
	{CXM_AIKEN_FEW, "至少需要两个选项", "needs at least two options"},
	{CXM_AIKEN_ORDER, "选项字母应为“%c”，而不是“%c”", "option letter should be '%c', not '%c'"},
	{CXM_AIKEN_STRAY, "ANSWER 行之后、空行之前还有内容",
	 "text after the ANSWER line before a blank line"},
	{CXM_CSV_QUOTE, "引号没有闭合", "unterminated quoted field"},
	{CXM_CSV_HEADER, "未知列名“%s”", "unknown column '%s'"},
	{CXM_CSV_NO_HEADER, "缺少必需的列“%s”", "missing required column '%s'"},
	{CXM_CSV_DUP_COLUMN, "列“%s”重复", "column '%s' appears twice"},
	{CXM_CSV_TYPE, "题型“%s”无效（可用 单选、多选、判断、填空、数值、排序、匹配）",
	 "invalid type '%s' (use single, multiple, true_false, fill_in, numeric, ordering, matching)"},
	{CXM_CSV_ANSWER, "答案“%s”无效：%s", "invalid answer '%s': %s"},
	{CXM_CSV_FIELDS, "本行有 %d 列，表头只有 %d 列", "this row has %d fields but the header has %d"},
	{CXM_CSV_EMPTY, "文件中没有题目", "the file holds no questions"},
	{CXM_CSV_MATCH, "匹配题的每个选项都应写成“左项=右项”",
	 "every option of a matching question must be 'left=right'"},
	{CXM_CSV_DIFFICULTY, "难度“%s”无效（可用 易、中、难，或 easy、medium、hard）",
	 "invalid difficulty '%s' (use easy, medium or hard, or 易, 中, 难)"},
	{CXM_GIFT_META, "@skillarena 注释无效：%s", "invalid @skillarena comment: %s"},
	{CXM_GIFT_ESSAY, "问答题（空答案块）无法自动评分，已跳过",
	 "essay question (empty answer block) cannot be scored automatically: skipped"},
	{CXM_EXPORT_TYPE, "“%s”题无法写成此格式", "'%s' questions cannot be written in this format"},
	{CXM_SHEETS, "%s", "%s"},
	{CXM_ENUM, "“%s”无效（可用 %s）", "invalid value '%s' (use %s)"},
	{CXM_MODE_ONLY, "“%s”只用于 %s 模式", "'%s' applies only in %s mode"},
	{CXM_TIME_ZONE, "未知时区“%s”（例如 Asia/Shanghai）",
	 "unknown time zone '%s' (for example Asia/Shanghai)"},
	{CXM_MASS_WINDOW, "大众竞答模式需要 window（活动起止时间与每次答题时长）",
	 "mass mode needs a 'window' (when the contest runs and the time of one attempt)"},
	{CXM_BANK_UNKNOWN, "没有名为“%s”的题库", "no question bank is named '%s'"},
};

const char *cx_fmt(cx_msg m, const char *lang)
{
	if ((int)m < 0 || m >= CXM_MAX)
		return "?";
	const cx_message *row = &cx_messages[m];
	assert(row->code == m); /* the table is in enum order */
	return lang && strcmp(lang, "en") == 0 ? row->en : row->zh;
}

const char *cx_strerror(int err, const char *lang)
{
	static const struct {
		int err;
		const char *zh, *en;
	} rows[] = {
		{ENOENT, "文件不存在", "no such file"},
		{EACCES, "没有读取权限", "permission denied"},
		{EISDIR, "这是一个目录", "is a directory"},
		{EINVAL, "不是普通文件", "not a regular file"},
		{ENOTDIR, "路径中有一项不是目录", "a component of the path is not a directory"},
		{ENOMEM, "内存不足", "out of memory"},
	};
	bool en = lang && strcmp(lang, "en") == 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i].err == err)
			return en ? rows[i].en : rows[i].zh;
	return strerror(err);
}

const char *contest_strerror(int rc, const char *lang)
{
	bool en = lang && strcmp(lang, "en") == 0;
	switch (rc) {
	case CONTEST_OK:
		return en ? "ok" : "成功";
	case CONTEST_E_INVALID:
		return en ? "invalid input" : "输入有误";
	case CONTEST_E_NOMEM:
		return en ? "out of memory" : "内存不足";
	}
	return en ? "unknown error" : "未知错误";
}

/* ---- memory ---- */

static void *(*cx_malloc_fn)(size_t) = malloc;
static void *(*cx_realloc_fn)(void *, size_t) = realloc;

void contest_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t))
{
	cx_malloc_fn = malloc_fn ? malloc_fn : malloc;
	cx_realloc_fn = realloc_fn ? realloc_fn : realloc;
}

void *cx_malloc(size_t n) { return cx_malloc_fn(n ? n : 1); }

void *cx_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n && size ? n * size : 1;
	void *p = cx_malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void *cx_realloc(void *p, size_t n) { return cx_realloc_fn(p, n ? n : 1); }

char *cx_strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = cx_malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

static char *cx_vasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *s = cx_malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *cx_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = cx_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

bool cx_oom(cx *c)
{
	c->nomem = true;
	return false;
}

int cx_result(const cx *c, size_t before)
{
	if (c->nomem)
		return CONTEST_E_NOMEM;
	return cx_nerr(c) != before ? CONTEST_E_INVALID : CONTEST_OK;
}

void *cx_alloc(cx *c, size_t n)
{
	void *p = cx_calloc(1, n);
	if (!p)
		cx_oom(c);
	return p;
}

bool cx_grow(cx *c, void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size)
		return cx_oom(c);
	void *p = cx_realloc(*(void **)v, n * size);
	if (!p)
		return cx_oom(c);
	*(void **)v = p;
	*cap = n;
	return true;
}

char *cx_dup(cx *c, const char *s)
{
	char *d = cx_strdup(s);
	if (s && !d)
		cx_oom(c);
	return d;
}

char *cx_printf(cx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = cx_vasprintf(fmt, ap);
	va_end(ap);
	if (!s)
		cx_oom(c);
	return s;
}

/* ---- building JSON ---- */

cJSON *cx_jnew(cx *c, cJSON *item)
{
	if (!item)
		cx_oom(c);
	return item;
}

cJSON *cx_jadd(cx *c, cJSON *obj, const char *key, cJSON *item)
{
	if (!obj || !item || !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		cx_oom(c);
		return NULL;
	}
	return item;
}

cJSON *cx_jset(cx *c, cJSON *obj, const char *key, cJSON *item)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!old)
		return cx_jadd(c, obj, key, item);
	/* not cJSON_ReplaceItemInObject(): when copying the key fails it replaces with a nameless item */
	char *k = item ? cJSON_malloc(strlen(key) + 1) : NULL;
	if (!k) {
		cJSON_Delete(item);
		cx_oom(c);
		return NULL;
	}
	memcpy(k, key, strlen(key) + 1); /* before freeing item's key, which key may be */
	if (!(item->type & cJSON_StringIsConst))
		cJSON_free(item->string);
	item->string = k;
	item->type &= ~cJSON_StringIsConst;
	cJSON_ReplaceItemViaPointer(obj, old, item);
	return item;
}

cJSON *cx_jpush(cx *c, cJSON *arr, cJSON *item)
{
	if (!arr || !item || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		cx_oom(c);
		return NULL;
	}
	return item;
}

cJSON *cx_jstr(cx *c, cJSON *obj, const char *key, const char *s)
{
	return cx_jadd(c, obj, key, cJSON_CreateString(s));
}

cJSON *cx_jnum(cx *c, cJSON *obj, const char *key, double d)
{
	return cx_jadd(c, obj, key, cJSON_CreateNumber(d));
}

bool cx_diag_add(contest_diag *d, const char *file, const char *path, int line, int col, const char *msg)
{
	if (!d)
		return true;
	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		contest_problem *items = cx_realloc(d->items, cap * sizeof *items);
		if (!items)
			return false;
		d->items = items;
		d->cap = cap;
	}
	contest_problem p = {.file = cx_strdup(file ? file : ""),
			     .path = path && *path ? cx_strdup(path) : NULL,
			     .line = line,
			     .column = col,
			     .message = cx_strdup(msg)};
	if (!p.file || (path && *path && !p.path) || !p.message) {
		free(p.file);
		free(p.path);
		free(p.message);
		return false;
	}
	d->items[d->count++] = p;
	return true;
}

void cx_verr_at(cx *c, int line, int col, const char *path, cx_msg m, va_list ap)
{
	/* The formats come from the table above, never from input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	char *msg = cx_vasprintf(cx_fmt(m, c->lang), ap);
#pragma GCC diagnostic pop
	if (!msg || !cx_diag_add(c->diag, c->file, path, line, col, msg))
		cx_oom(c);
	free(msg);
}

void cx_err(cx *c, const char *path, cx_msg m, ...)
{
	va_list ap;
	va_start(ap, m);
	cx_verr_at(c, 0, 0, path, m, ap);
	va_end(ap);
}

void cx_err_at(cx *c, int line, int col, const char *path, cx_msg m, ...)
{
	va_list ap;
	va_start(ap, m);
	cx_verr_at(c, line, col, path, m, ap);
	va_end(ap);
}

void contest_diag_free(contest_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++) {
		free(d->items[i].file);
		free(d->items[i].path);
		free(d->items[i].message);
	}
	free(d->items);
	d->items = NULL;
	d->count = d->cap = 0;
}

void contest_diag_print(const contest_diag *d, FILE *fp)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++) {
		const contest_problem *p = &d->items[i];
		if (p->line > 0 && p->column > 0)
			fprintf(fp, "%s:%d:%d: ", p->file, p->line, p->column);
		else if (p->line > 0)
			fprintf(fp, "%s:%d: ", p->file, p->line);
		else
			fprintf(fp, "%s: ", p->file);
		if (p->path)
			fprintf(fp, "%s: ", p->path);
		fprintf(fp, "%s\n", p->message);
	}
}

/* ---- growable strings ---- */

void cx_buf_putn(cx_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = cx_realloc(b->s, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void cx_buf_puts(cx_buf *b, const char *s) { cx_buf_putn(b, s, strlen(s)); }

void cx_buf_putc(cx_buf *b, char ch) { cx_buf_putn(b, &ch, 1); }

void cx_buf_printf(cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = cx_vasprintf(fmt, ap);
	va_end(ap);
	if (!s) {
		b->failed = true;
		return;
	}
	cx_buf_puts(b, s);
	free(s);
}

char *cx_buf_take(cx *c, cx_buf *b)
{
	char *s = b->failed ? NULL : b->s ? b->s : cx_strdup("");
	if (!s) {
		free(b->s);
		cx_oom(c);
	}
	memset(b, 0, sizeof *b);
	return s;
}

void cx_buf_release(cx_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}
