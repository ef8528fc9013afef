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
 *    "font_title":"AR PL UKai CN","font_body":"AR PL UMing CN",
 *    "qr_label":"扫码验证","color":"#b22222","text_color":"#222222",
 *    "border_color":"#c8a04a","seal":"seal.png"}
 * Placeholders in body texts: {contest} {code} {award} {unit} {result}
 * ({result}: "以 96.5 分的成绩名列第 1 名", or the part there is, or
 * "表现优异").
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

static int set_text(certs_template *t, const text_member *m, const char *value, char **err)
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
		if (set_text(t, &text_members[i], text_members[i].def, NULL)) {
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
	int rc = certs_read_file(path, &t->seal_png, &t->seal_len, 8 << 20);
	if (rc == CERTS_OK && (t->seal_len < 8 || memcmp(t->seal_png, "\x89PNG\r\n\x1a\n", 8) != 0))
		rc = CERTS_E_TEMPLATE;
	if (rc) {
		free(t->seal_png);
		t->seal_png = NULL;
		t->seal_len = 0;
		certs_errf(err, rc == CERTS_E_INVALID ? CERTS_E_TEMPLATE : rc, "seal: %s: %s", path,
			   rc == CERTS_E_TEMPLATE ? "not a PNG image" : "cannot read (at most 8 MB)");
		rc = rc == CERTS_E_INVALID ? CERTS_E_TEMPLATE : rc;
	}
	free(path);
	return rc;
}

static int apply_member(certs_template *t, const cJSON *m, const char *base_dir, char **err)
{
	if (!cJSON_IsString(m))
		return certs_errf(err, CERTS_E_TEMPLATE, "%s: must be a string", m->string);
	for (size_t i = 0; i < sizeof text_members / sizeof text_members[0]; i++)
		if (strcmp(text_members[i].name, m->string) == 0)
			return set_text(t, &text_members[i], m->valuestring, err);
	for (size_t i = 0; i < sizeof color_members / sizeof color_members[0]; i++)
		if (strcmp(color_members[i].name, m->string) == 0)
			return parse_color(m->valuestring, color_slot(t, color_members[i].which))
				       ? certs_errf(err, CERTS_E_TEMPLATE, "%s: must be #rrggbb", m->string)
				       : CERTS_OK;
	if (strcmp(m->string, "seal") == 0)
		return load_seal(t, m->valuestring, base_dir, err);
	return certs_errf(err, CERTS_E_TEMPLATE, "unknown member \"%.40s\"", m->string);
}

int certs_template_parse(certs_template **out, const char *json, size_t len, const char *base_dir, char **err)
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
	for (const cJSON *m = root->child; m && rc == CERTS_OK; m = m->next)
		rc = apply_member(t, m, base_dir, err);
	cJSON_Delete(root);
	if (rc) {
		certs_template_free(t);
		return rc;
	}
	*out = t;
	return CERTS_OK;
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
