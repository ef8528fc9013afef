/*
 * template.c - certificate templates: the texts, fonts, colours and optional
 * seal image of one contest's certificates. A template is read-only once
 * built and may be shared by every renderer thread (each renderer decodes
 * its own copy of the seal image).
 *
 * JSON form (every member optional, defaults in the table below):
 *   {"id":"demo-2026","title":"荣誉证书","title_participation":"参赛证书",
 *    "name_suffix":"同志：","body":"在「{contest}」中{result}，荣获",
 *    "body_participation":"参加「{contest}」，完成全部比赛项目。",
 *    "closing":"特发此证，以资鼓励。","closing_participation":"特发此证。",
 *    "issuer":"示范市总工会","date":"{year}年{month}月{day}日",
 *    "font_title":"AR PL UKai CN","font_body":"AR PL UMing CN",
 *    "qr_label":"扫码验证","color":"#b22222","text_color":"#222222",
 *    "border_color":"#c8a04a","seal":"seal.png"}
 * Placeholders in body texts: {contest} {code} {award} {unit} {result}
 * ({result}: "以 96.5 分的成绩名列第 1 名", or the part there is, or
 * "表现优异"); in the date line: {year} {month} {day} (the issue date in
 * China Standard Time), or a fixed text ("二〇二六年十二月").
 *
 * "issuer" is not drawn from the template: the issuer's name is part of the
 * signed record, so whoever issues writes the template's issuer (when it
 * has one) into each record, and the page shows the record's.
 *
 * The strict form (CERTS_TEMPLATE_STRICT) is for templates sent over a
 * network: no "id" and no "seal" (a file path; the seal comes as bytes,
 * certs_template_set_seal), fonts only from certs_template_fonts(), and only
 * the known placeholders in texts that take them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs_int.h"

typedef struct text_member {
	const char *name;
	size_t off; /* offsetof(certs_template, member) */
	const char *def;
	long max; /* code points */
} text_member;

#define TM(name, def, max)                                             \
	{                                                              \
#name, offsetof(struct certs_template, name), def, max \
	}

static const text_member text_members[] = {
	TM(id, "default", 64),
	TM(title, "荣誉证书", 16),
	TM(title_participation, "参赛证书", 16),
	TM(name_suffix, "同志：", 16),
	TM(body, "在「{contest}」中{result}，荣获", 200),
	TM(body_participation, "参加「{contest}」，完成全部比赛项目。", 200),
	TM(closing, "特发此证，以资鼓励。", 64),
	TM(closing_participation, "特发此证。", 64),
	TM(font_title, CERTS_DEFAULT_FONT_TITLE, 200),
	TM(font_body, CERTS_DEFAULT_FONT_BODY, 200),
	TM(qr_label, "扫码验证", 16),
	TM(issuer, "", 128),
	TM(date, "{year}年{month}月{day}日", 32),
};

/* The fonts of the strict form: TrueType faces of the packages of tools/install.sh. Not Noto
 * CJK: cairo 1.16 keeps ~50 KB of a CFF font's subroutines per face per PDF (docs/certificates.md)
 * and loses 768 bytes each time it subsets one (LeakSanitizer, test_certs_template). */
static const certs_font fonts[] = {
	{"AR PL UKai CN", "楷体（文鼎 AR PL UKai）", "Kai (AR PL UKai)"},
	{"AR PL UMing CN", "明体（文鼎 AR PL UMing）", "Ming (AR PL UMing)"},
	{"WenQuanYi Zen Hei", "黑体（文泉驿正黑）", "Hei (WenQuanYi Zen Hei)"},
};
_Static_assert(sizeof fonts / sizeof fonts[0] == 3, "set_text's message names every font");

const certs_font *certs_template_fonts(size_t *n)
{
	if (n)
		*n = sizeof fonts / sizeof fonts[0];
	return fonts;
}

/* Which placeholders a text member may hold in the strict form (members not listed: any text). */
static const char *const body_vars[] = {"contest", "code", "award", "unit", "result", NULL};
static const char *const date_vars[] = {"year", "month", "day", NULL};
static const struct {
	size_t off;
	const char *const *names;
} placeholders[] = {
	{offsetof(struct certs_template, body), body_vars},
	{offsetof(struct certs_template, body_participation), body_vars},
	{offsetof(struct certs_template, date), date_vars},
};

typedef struct color_member {
	const char *name;
	int which; /* index for color_slot() */
	const char *def;
} color_member;

static const color_member color_members[] = {
	{"color", 0, "#b22222"},
	{"text_color", 1, "#222222"},
	{"border_color", 2, "#c8a04a"},
};

static double *color_slot(certs_template *t, int which)
{
	return which == 0 ? t->color : which == 1 ? t->text_color : t->border_color;
}

static int parse_color(const char *s, double rgb[3])
{
	unsigned v;
	int n = 0;
	if (!s || strlen(s) != 7 || s[0] != '#' || sscanf(s + 1, "%6x%n", &v, &n) != 1 || n != 6)
		return -1;
	rgb[0] = ((v >> 16) & 0xff) / 255.0;
	rgb[1] = ((v >> 8) & 0xff) / 255.0;
	rgb[2] = (v & 0xff) / 255.0;
	return 0;
}

void certs_template_free(certs_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < sizeof text_members / sizeof text_members[0]; i++)
		free(*(char **)((char *)t + text_members[i].off));
	free(t->seal_png);
	free(t);
}

const char *certs_template_id(const certs_template *t) { return t ? t->id : NULL; }

/* A {name} in value that the member does not take: 0, or the error. */
static int check_placeholders(const text_member *m, const char *value, char **err)
{
	for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++) {
		if (placeholders[i].off != m->off)
			continue;
		for (const char *p = strchr(value, '{'); p; p = strchr(p + 1, '{')) {
			size_t n = strcspn(p + 1, "{}");
			int known = p[1 + n] == '}' && n > 0;
			if (known) {
				known = 0;
				for (const char *const *k = placeholders[i].names; *k; k++)
					known |= strlen(*k) == n && strncmp(*k, p + 1, n) == 0;
			}
			size_t shown = n + 1 + (p[1 + n] == '}');
			if (!known)
				return certs_errf(err, CERTS_E_TEMPLATE, "%s: unknown placeholder \"%.*s\"",
						  m->name, (int)(shown > 40 ? 40 : shown), p);
		}
	}
	return CERTS_OK;
}

static int set_text(certs_template *t, const text_member *m, const char *value, unsigned flags, char **err)
{
	long n = certs_utf8_count(value, strlen(value));
	if (n < 0)
		return certs_errf(err, CERTS_E_UTF8, "%s: not valid UTF-8", m->name);
	if (n > m->max || (n == 0 && (m->off == offsetof(struct certs_template, id) ||
				      m->off == offsetof(struct certs_template, font_title) ||
				      m->off == offsetof(struct certs_template, font_body))))
		return certs_errf(err, CERTS_E_TEMPLATE, "%s: %ld characters, 1 to %ld allowed", m->name, n,
				  m->max);
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20)
			return certs_errf(err, CERTS_E_TEMPLATE, "%s: control character", m->name);
	if (flags & CERTS_TEMPLATE_STRICT) {
		int rc = check_placeholders(m, value, err);
		if (rc)
			return rc;
	}
	if ((flags & CERTS_TEMPLATE_STRICT) && (m->off == offsetof(struct certs_template, font_title) ||
						m->off == offsetof(struct certs_template, font_body))) {
		size_t i = 0;
		while (i < sizeof fonts / sizeof fonts[0] && strcmp(fonts[i].family, value))
			i++;
		if (i == sizeof fonts / sizeof fonts[0])
			return certs_errf(err, CERTS_E_TEMPLATE, "%s: must be one of %s, %s, %s", m->name,
					  fonts[0].family, fonts[1].family, fonts[2].family);
	}
	char *copy = strdup(value);
	if (!copy)
		return CERTS_E_NOMEM;
	char **slot = (char **)((char *)t + m->off);
	free(*slot);
	*slot = copy;
	return CERTS_OK;
}

static int template_defaults(certs_template **out)
{
	certs_template *t = calloc(1, sizeof *t);
	if (!t)
		return CERTS_E_NOMEM;
	for (size_t i = 0; i < sizeof text_members / sizeof text_members[0]; i++)
		if (set_text(t, &text_members[i], text_members[i].def, 0, NULL)) {
			certs_template_free(t);
			return CERTS_E_NOMEM;
		}
	for (size_t i = 0; i < sizeof color_members / sizeof color_members[0]; i++)
		parse_color(color_members[i].def, color_slot(t, color_members[i].which));
	*out = t;
	return CERTS_OK;
}

int certs_template_default(certs_template **out)
{
	if (!out)
		return CERTS_E_INVALID;
	return template_defaults(out);
}

static int load_seal(certs_template *t, const char *file, const char *base_dir, char **err)
{
	char *path = NULL;
	if (file[0] == '/' || !base_dir || !*base_dir)
		path = strdup(file);
	else if (asprintf(&path, "%s/%s", base_dir, file) < 0)
		path = NULL;
	if (!path)
		return CERTS_E_NOMEM;
	unsigned char *png = NULL;
	size_t len = 0;
	char *why = NULL;
	int rc = certs_read_file(path, &png, &len, CERTS_SEAL_MAX_FILE);
	if (rc == CERTS_OK)
		rc = certs_template_set_seal(t, png, len, &why);
	if (rc)
		certs_errf(err, rc == CERTS_E_INVALID ? CERTS_E_TEMPLATE : rc, "seal: %s: %s", path,
			   why ? why + (strncmp(why, "seal: ", 6) ? 0 : 6) : "cannot read (at most 8 MB)");
	rc = rc == CERTS_E_INVALID ? CERTS_E_TEMPLATE : rc;
	free(why);
	free(png);
	free(path);
	return rc;
}

static int apply_member(certs_template *t, const cJSON *m, const char *base_dir, unsigned flags, char **err)
{
	int strict = flags & CERTS_TEMPLATE_STRICT;
	if (strict && (strcmp(m->string, "id") == 0 || strcmp(m->string, "seal") == 0))
		return certs_errf(err, CERTS_E_TEMPLATE, "%s: not allowed here", m->string);
	if (!cJSON_IsString(m))
		return certs_errf(err, CERTS_E_TEMPLATE, "%s: must be a string", m->string);
	for (size_t i = 0; i < sizeof text_members / sizeof text_members[0]; i++)
		if (strcmp(text_members[i].name, m->string) == 0)
			return set_text(t, &text_members[i], m->valuestring, flags, err);
	for (size_t i = 0; i < sizeof color_members / sizeof color_members[0]; i++)
		if (strcmp(color_members[i].name, m->string) == 0)
			return parse_color(m->valuestring, color_slot(t, color_members[i].which))
				       ? certs_errf(err, CERTS_E_TEMPLATE, "%s: must be #rrggbb", m->string)
				       : CERTS_OK;
	if (strcmp(m->string, "seal") == 0)
		return load_seal(t, m->valuestring, base_dir, err);
	return certs_errf(err, CERTS_E_TEMPLATE, "unknown member \"%.40s\"", m->string);
}

int certs_template_parse_flags(certs_template **out, const char *json, size_t len, const char *base_dir,
			       unsigned flags, char **err)
{
	if (!out || !json)
		return CERTS_E_INVALID;
	*out = NULL;
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return certs_errf(err, CERTS_E_TEMPLATE, "template: not a JSON object");
	}
	certs_template *t = NULL;
	int rc = template_defaults(&t);
	for (const cJSON *m = root->child; m && rc == CERTS_OK; m = m->next) {
		for (const cJSON *o = root->child; o != m && rc == CERTS_OK; o = o->next)
			if (strcmp(o->string, m->string) == 0)
				rc = certs_errf(err, CERTS_E_TEMPLATE, "%.40s: given twice", m->string);
		if (rc == CERTS_OK)
			rc = apply_member(t, m, base_dir, flags, err);
	}
	cJSON_Delete(root);
	if (rc) {
		certs_template_free(t);
		return rc;
	}
	*out = t;
	return CERTS_OK;
}

int certs_template_parse(certs_template **out, const char *json, size_t len, const char *base_dir, char **err)
{
	return certs_template_parse_flags(out, json, len, base_dir, 0, err);
}

int certs_template_load(certs_template **out, const char *path, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = certs_read_file(path, &data, &len, 1 << 20);
	if (rc)
		return certs_errf(err, rc, "%s: cannot read", path);
	char *dir = strdup(path);
	if (!dir) {
		free(data);
		return CERTS_E_NOMEM;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = certs_template_parse(out, (const char *)data, len, slash ? dir : ".", err);
	free(dir);
	free(data);
	return rc;
}

const char *certs_template_issuer(const certs_template *t) { return t && t->issuer ? t->issuer : ""; }

int certs_template_json(const certs_template *t, char **json)
{
	if (!t || !json)
		return CERTS_E_INVALID;
	*json = NULL;
	cJSON *o = cJSON_CreateObject();
	int ok = o != NULL;
	for (size_t i = 0; ok && i < sizeof text_members / sizeof text_members[0]; i++)
		ok = cJSON_AddStringToObject(o, text_members[i].name,
					     *(char *const *)((const char *)t + text_members[i].off)) != NULL;
	for (size_t i = 0; ok && i < sizeof color_members / sizeof color_members[0]; i++) {
		const double *c = color_slot((certs_template *)t, color_members[i].which);
		char hex[8];
		snprintf(hex, sizeof hex, "#%02x%02x%02x", (unsigned)(c[0] * 255 + 0.5) & 0xff,
			 (unsigned)(c[1] * 255 + 0.5) & 0xff, (unsigned)(c[2] * 255 + 0.5) & 0xff);
		ok = cJSON_AddStringToObject(o, color_members[i].name, hex) != NULL;
	}
	if (ok)
		*json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *json ? CERTS_OK : CERTS_E_NOMEM;
}
