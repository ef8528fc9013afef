/*
 * import_aiken.c - Moodle's Aiken format: single-choice questions as text.
 *
 *   我国安全生产工作的方针是什么？
 *   A. 安全第一、预防为主、综合治理
 *   B. 生产第一、安全第二
 *   ANSWER: A
 *
 * A question is its text (one line in Moodle; several lines are joined
 * here), options "A." or "A)" (also the Chinese "A、", "A．", "A）") with
 * consecutive letters from A, then "ANSWER: <letter>" ("答案：" too), and a
 * blank line before the next question. Each becomes a single_choice question
 * q1, q2, ... Problems are reported at the line (and column) they are on,
 * and the import goes on to find the others.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

#define AIKEN_MAX_OPTIONS 26

/* Option separators after the letter: ASCII and full-width forms. */
static const char *const aiken_seps[] = {".", ")", "、", "．", "）", NULL};

typedef struct aiken_q {
	int line; /* where the question starts */
	cx_buf text;
	cJSON *options;
	int nopt;
	bool answered, failed;
	int answer;
} aiken_q;

static void aiken_reset(aiken_q *q)
{
	free(q->text.s);
	cJSON_Delete(q->options);
	memset(q, 0, sizeof *q);
}

/* Trims ASCII blanks and ideographic spaces (U+3000) at both ends, in place. */
static char *aiken_trim(char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* "A. text" -> letter 'A' and the text; 0 when the line is no option. */
static char aiken_option(char *line, char **text)
{
	if (!(line[0] >= 'A' && line[0] <= 'Z'))
		return 0;
	for (int i = 0; aiken_seps[i]; i++) {
		size_t n = strlen(aiken_seps[i]);
		if (strncmp(line + 1, aiken_seps[i], n) == 0) {
			char *t = line + 1 + n;
			/* "A." needs a blank after it, so "A.C. current" stays text */
			if (n == 1 && *t && *t != ' ' && *t != '\t')
				return 0;
			*text = aiken_trim(t);
			return line[0];
		}
	}
	return 0;
}

/* "ANSWER: B" or "答案：B" -> the rest; NULL when the line is no answer line. */
static char *aiken_answer(char *line)
{
	static const char *const heads[] = {"ANSWER", "答案", NULL};
	for (int i = 0; heads[i]; i++) {
		size_t n = strlen(heads[i]);
		if (strncasecmp(line, heads[i], n) != 0)
			continue;
		char *p = line + n;
		while (*p == ' ')
			p++;
		if (*p == ':')
			p++;
		else if (strncmp(p, "：", strlen("：")) == 0)
			p += strlen("：");
		else
			continue;
		return aiken_trim(p);
	}
	return NULL;
}

static void aiken_finish(cx *c, cx_imp *im, aiken_q *q, int *seq, int eof_line)
{
	if (!q->line)
		return;
	if (!q->failed && !q->answered)
		cx_err_at(c, eof_line, 0, NULL, CXM_AIKEN_NO_ANSWER);
	if (!q->failed && q->answered) {
		char id[32];
		snprintf(id, sizeof id, "q%d", ++*seq);
		cJSON *o = cx_jnew(c, cJSON_CreateObject());
		cx_jstr(c, o, "id", id);
		cx_jstr(c, o, "type", "single_choice");
		const char *cid = im->default_category ? cx_imp_category(c, im, im->default_category) : NULL;
		if (cid)
			cx_jstr(c, o, "category", cid);
		cx_jstr(c, o, "text", q->text.s ? q->text.s : "");
		cx_jadd(c, o, "options", q->options);
		q->options = NULL;
		cx_jnum(c, o, "answer", q->answer);
		if (c->nomem)
			cJSON_Delete(o);
		else
			cx_imp_add(c, im, o, q->line);
	}
	aiken_reset(q);
}

int cx_import_aiken(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im)
{
	(void)o;
	char *copy = cx_alloc(c, len + 1);
	if (!copy)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	aiken_q q = {0};
	int seq = 0, lineno = 0;
	bool after_answer = false;
	char *save = copy;
	while (save && !c->nomem) {
		char *line = save;
		char *nl = strchr(save, '\n');
		if (nl) {
			*nl = '\0';
			save = nl + 1;
		} else {
			save = NULL;
			if (!*line)
				break;
		}
		lineno++;
		char *t = aiken_trim(line);
		if (!*t) {
			aiken_finish(c, im, &q, &seq, lineno - 1);
			after_answer = false;
			continue;
		}
		if (after_answer) {
			if (!q.failed)
				cx_err_at(c, lineno, 1, NULL, CXM_AIKEN_STRAY);
			q.failed = true;
			continue;
		}
		if (!q.line) {
			q.line = lineno;
			q.options = cx_jnew(c, cJSON_CreateArray());
		}
		char *otext;
		char letter = aiken_option(t, &otext);
		char *ans = letter ? NULL : aiken_answer(t);
		if (ans) {
			after_answer = true;
			if (q.failed)
				continue;
			if (q.nopt < 2) {
				cx_err_at(c, lineno, 1, NULL, CXM_AIKEN_FEW);
				q.failed = true;
				continue;
			}
			if (strlen(ans) != 1 || toupper((unsigned char)ans[0]) < 'A' ||
			    toupper((unsigned char)ans[0]) >= 'A' + q.nopt) {
				char shown[16];
				snprintf(shown, sizeof shown, "%.8s", ans);
				cx_err_at(c, lineno, (int)(ans - line) + 1, NULL, CXM_AIKEN_ANSWER, shown);
				q.failed = true;
				continue;
			}
			q.answer = toupper((unsigned char)ans[0]) - 'A';
			q.answered = true;
			continue;
		}
		if (letter && q.text.len > 0) {
			if (letter != 'A' + q.nopt) {
				if (!q.failed)
					cx_err_at(c, lineno, (int)(t - line) + 1, NULL, CXM_AIKEN_ORDER,
						  'A' + q.nopt, letter);
				q.failed = true;
				continue;
			}
			if (q.nopt >= AIKEN_MAX_OPTIONS) {
				if (!q.failed)
					cx_err_at(c, lineno, 1, NULL, CXM_TOO_MANY, AIKEN_MAX_OPTIONS);
				q.failed = true;
				continue;
			}
			cx_jpush(c, q.options, cJSON_CreateString(otext));
			q.nopt++;
			continue;
		}
		if (q.nopt > 0) {
			/* text after options that is neither an option nor ANSWER */
			if (!q.failed)
				cx_err_at(c, lineno, 1, NULL, CXM_AIKEN_NO_ANSWER);
			q.failed = true;
			continue;
		}
		if (q.text.len)
			cx_buf_putc(&q.text, '\n');
		cx_buf_puts(&q.text, t);
		if (q.text.failed)
			cx_oom(c);
	}
	aiken_finish(c, im, &q, &seq, lineno);
	free(copy);
	return 0;
}
