/*
 * cli.c - `skillarena validate | import-bank | export-bank | draw`.
 *
 * The contest tools, one row each in contest_cli_commands[] (name, handler,
 * usage, help); server/main.c looks the command up and calls it with the
 * scoring engine. Problems go to stderr, one per line, as
 * "file:line:col: message" (text formats) or "file: $.json.path: message";
 * results go to stdout or to --out (written to a temporary file and renamed,
 * so a failed import never leaves a half-written bank behind).
 *
 * Messages are in zh-CN unless --lang en (or SKILLARENA_LANG=en) is given.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bank.h"
#include "cli.h"
#include "contests_int.h"

/* ---- options ---- */

typedef struct cli_opts {
	const char *lang, *format, *from, *out, *id, *title, *category, *encoding, *participant;
	char **files;
	int nfiles;
} cli_opts;

typedef struct cli_opt_row {
	const char *name;
	size_t offset;
} cli_opt_row;

static const cli_opt_row cli_opt_rows[] = {
	{"--lang", offsetof(cli_opts, lang)},
	{"--format", offsetof(cli_opts, format)},
	{"--from", offsetof(cli_opts, from)},
	{"--out", offsetof(cli_opts, out)},
	{"-o", offsetof(cli_opts, out)},
	{"--id", offsetof(cli_opts, id)},
	{"--title", offsetof(cli_opts, title)},
	{"--category", offsetof(cli_opts, category)},
	{"--encoding", offsetof(cli_opts, encoding)},
	{"--participant", offsetof(cli_opts, participant)},
};

static int cli_nomem(const char *cmd)
{
	fprintf(stderr, "%s: out of memory\n", cmd);
	return 1;
}

static void cli_help(const char *name)
{
	const contest_cli_command *c = contest_cli_find(name);
	if (c)
		printf("usage: skillarena %s\n\n%s\n", c->usage, c->help);
}

/*
 * Parses argv[1..]; returns 0, 2 after printing a usage error, 1 when memory
 * runs out, or -1 after printing the help (--help, -h).
 */
static int cli_parse(int argc, char **argv, cli_opts *o, const char *const *allowed)
{
	memset(o, 0, sizeof *o);
	o->files = cx_calloc((size_t)argc + 1, sizeof *o->files);
	if (!o->files)
		return cli_nomem(argv[0]);
	const char *env = getenv("SKILLARENA_LANG");
	o->lang = env && strcmp(env, "en") == 0 ? "en" : "zh-CN";
	bool only_files = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			o->files[o->nfiles++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_files = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_help(argv[0]);
			return -1;
		}
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const cli_opt_row *row = NULL;
		for (size_t k = 0; k < sizeof cli_opt_rows / sizeof cli_opt_rows[0]; k++)
			if (strlen(cli_opt_rows[k].name) == n && strncmp(cli_opt_rows[k].name, a, n) == 0)
				row = &cli_opt_rows[k];
		bool ok = row != NULL;
		for (int k = 0; ok && allowed[k]; k++)
			if (strcmp(allowed[k], row->name) == 0)
				break;
			else if (!allowed[k + 1])
				ok = false;
		if (!ok) {
			fprintf(stderr, "%s: unknown option '%.*s'\n", argv[0], (int)n, a);
			return 2;
		}
		const char *val = eq ? eq + 1 : NULL;
		if (!val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: option '%s' needs a value\n", argv[0], a);
				return 2;
			}
			val = argv[++i];
		}
		*(const char **)((char *)o + row->offset) = val;
	}
	if (strcmp(o->lang, "en") != 0 && strcmp(o->lang, "zh-CN") != 0) {
		fprintf(stderr, "%s: --lang must be zh-CN or en\n", argv[0]);
		return 2;
	}
	return 0;
}

static void cli_usage(const char *name)
{
	const contest_cli_command *c = contest_cli_find(name);
	if (c)
		fprintf(stderr, "usage: skillarena %s\n", c->usage);
}

/* Writes s to path atomically (temp file + rename), or to stdout when path is NULL or "-". */
static int cli_write(const char *path, const char *s)
{
	if (!path || strcmp(path, "-") == 0) {
		fputs(s, stdout);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	char *tmp = cx_asprintf("%s.tmp.%d", path, (int)getpid());
	if (!tmp)
		return -1;
	FILE *fp = fopen(tmp, "wb");
	if (!fp) {
		fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t n = strlen(s);
	bool ok = fwrite(s, 1, n, fp) == n;
	ok = fclose(fp) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* What a file holds, judged by its name and (JSON) content. */
typedef enum { CLI_CONTEST, CLI_BANK, CLI_IMPORT } cli_kind;

static cli_kind cli_kind_of(const char *path, int *fmt)
{
	*fmt = contest_bank_format_guess(path);
	if (*fmt >= 0 && *fmt != CONTEST_BANK_JSON)
		return CLI_IMPORT;
	*fmt = CONTEST_BANK_JSON;
	char *buf;
	size_t len;
	if (cx_read_file(path, 16u << 20, &buf, &len) != 0)
		return CLI_CONTEST; /* contest_load reports the read error */
	cJSON *root = cJSON_ParseWithLength(buf, len);
	if (!root && len >= 3) /* a BOM */
		root = cJSON_ParseWithLength(buf + 3, len - 3);
	cli_kind k = CLI_CONTEST;
	if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "format") &&
	    !cJSON_GetObjectItemCaseSensitive(root, "code"))
		k = CLI_BANK;
	cJSON_Delete(root);
	free(buf);
	return k;
}

static void cli_print_problems(const contest_diag *d, const char *file, const char *lang)
{
	contest_diag_print(d, stderr);
	bool en = strcmp(lang, "en") == 0;
	if (en)
		fprintf(stderr, "%s: %zu problem%s\n", file, d->count, d->count == 1 ? "" : "s");
	else
		fprintf(stderr, "%s：共 %zu 个问题\n", file, d->count);
}

/* Loads any bank-like file: native JSON or an import by --format / extension; *rc the CONTEST_ code. */
static contest_bank *cli_load_bank(const char *path, const char *format, const cli_opts *o,
				   const score_engine *eng, contest_diag *d, contest_diag *w, int *rc)
{
	int fmt = format ? contest_bank_format_parse(format) : contest_bank_format_guess(path);
	if (fmt < 0)
		fmt = CONTEST_BANK_JSON;
	contest_import_opts io = {
		.id = o->id, .title = o->title, .category = o->category, .encoding = o->encoding};
	contest_bank *b = NULL;
	*rc = contest_bank_import(path, (contest_bank_format)fmt, &io, eng, o->lang, &b, d, w);
	return b;
}

/* ---- commands ---- */

static int cli_cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Adds a file name (taken) to *v; false when memory runs out. */
static bool cli_add_file(char ***v, int *n, size_t *cap, char *name)
{
	size_t need = (size_t)*n + 1;
	if (!name)
		return false;
	if (need > *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nv = cx_realloc(*v, ncap * sizeof *nv);
		if (!nv) {
			free(name);
			return false;
		}
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = name;
	return true;
}

/*
 * The files a validate argument names: a file, or the contest and bank files
 * in a directory, added to *v; false when memory runs out.
 */
static bool cli_expand(const char *arg, char ***v, int *n, size_t *cap)
{
	struct stat st;
	DIR *d = stat(arg, &st) == 0 && S_ISDIR(st.st_mode) ? opendir(arg) : NULL;
	if (!d)
		return cli_add_file(v, n, cap, cx_strdup(arg));
	int first = *n;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		const char *name = e->d_name;
		size_t len = strlen(name);
		bool json = len > 5 && strcmp(name + len - 5, ".json") == 0;
		int fmt = contest_bank_format_guess(name);
		/* a plain .txt may be anything: only the named text formats */
		bool text = fmt > 0 && !(len > 4 && strcmp(name + len - 4, ".txt") == 0 &&
					 !strstr(name, ".aiken.") && !strstr(name, ".gift."));
		if (name[0] == '.' || (!json && !text))
			continue;
		ok = cli_add_file(v, n, cap,
				  cx_asprintf("%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/", name));
	}
	closedir(d);
	if (*n > first)
		qsort(*v + first, (size_t)(*n - first), sizeof **v, cli_cmp_str);
	return ok;
}

/* The exit status after cli_parse() refused (rc), or found the wrong number of files. */
static int cli_refused(int rc, cli_opts *o, const char *cmd)
{
	if (!rc)
		cli_usage(cmd);
	free(o->files);
	return rc < 0 ? 0 : rc ? rc : 2;
}

/* Validates one file; false when it has problems. */
static bool cli_validate_one(const char *f, const cli_opts *o, const score_engine *eng)
{
	bool en = strcmp(o->lang, "en") == 0;
	contest_diag d = {0}, w = {0};
	int fmt, rc;
	cli_kind k = o->format && contest_bank_format_parse(o->format) != CONTEST_BANK_JSON
			     ? CLI_IMPORT
			     : cli_kind_of(f, &fmt);
	if (k == CLI_CONTEST) {
		contest_def *c = NULL;
		if ((rc = contest_load(f, eng, o->lang, &c, &d)) == CONTEST_OK)
			printf(en ? "%s: ok: contest %s (%s, %zu stage%s, %zu question%s, %zu judged task%s)\n"
				  : "%s：通过：竞赛 %s（%s，%zu 个阶段%s，%zu 道题%s，%zu 项实操%s）\n",
			       f, c->code, c->mode, c->nstages, en && c->nstages != 1 ? "s" : "",
			       c->nquestions, en && c->nquestions != 1 ? "s" : "", c->ntasks,
			       en && c->ntasks != 1 ? "s" : "");
		contest_free(c);
	} else {
		contest_bank *b = cli_load_bank(f, o->format, o, eng, &d, &w, &rc);
		if (b) {
			const char *id =
				cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b->root, "id"));
			printf(en ? "%s: ok: bank %s (%zu question%s)\n"
				  : "%s：通过：题库 %s（%zu 道题%s）\n",
			       f, id ? id : "?", b->nquestions, en && b->nquestions != 1 ? "s" : "");
			contest_bank_free(b);
		}
	}
	contest_diag_print(&w, stderr);
	if (rc == CONTEST_E_NOMEM)
		fprintf(stderr, "%s: %s\n", f, contest_strerror(rc, o->lang));
	else if (rc != CONTEST_OK)
		cli_print_problems(&d, f, o->lang);
	contest_diag_free(&d);
	contest_diag_free(&w);
	return rc == CONTEST_OK;
}

static int cmd_validate(int argc, char **argv, const score_engine *eng)
{
	static const char *const allowed[] = {"--lang", "--format", "--encoding", NULL};
	cli_opts o;
	int rc = cli_parse(argc, argv, &o, allowed);
	if (rc || o.nfiles == 0)
		return cli_refused(rc, &o, argv[0]);
	if (o.format && contest_bank_format_parse(o.format) < 0) {
		fprintf(stderr, "%s: unknown format '%s' (json, gift, aiken, csv, xlsx)\n", argv[0],
			o.format);
		free(o.files);
		return 2;
	}
	bool en = strcmp(o.lang, "en") == 0, ok = true;
	int bad = 0, nfiles = 0;
	size_t cap = 0;
	char **files = NULL;
	for (int i = 0; i < o.nfiles && ok; i++) {
		int before = nfiles;
		ok = cli_expand(o.files[i], &files, &nfiles, &cap);
		if (ok && nfiles == before) {
			fprintf(stderr,
				en ? "%s: no contest or bank files in this directory\n"
				   : "%s：目录中没有竞赛或题库文件\n",
				o.files[i]);
			bad++;
		}
	}
	for (int i = 0; i < nfiles && ok; i++)
		bad += !cli_validate_one(files[i], &o, eng);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(o.files);
	if (!ok)
		return cli_nomem(argv[0]);
	return bad ? 1 : 0;
}

/* Loads a bank-like file (in format `from`, NULL: by its name) and writes it as fmt to --out; the exit status. */
static int cli_convert(const char *f, const char *from, contest_bank_format fmt, const cli_opts *o,
		       const score_engine *eng, bool tell)
{
	contest_diag d = {0}, w = {0};
	int rc;
	char *text = NULL;
	contest_bank *b = cli_load_bank(f, from, o, eng, &d, &w, &rc);
	contest_diag_print(&w, stderr);
	if (b)
		rc = contest_bank_export(b, fmt, o->lang, &text, &d);
	if (rc == CONTEST_E_NOMEM)
		fprintf(stderr, "%s: %s\n", f, contest_strerror(rc, o->lang));
	else if (rc != CONTEST_OK)
		cli_print_problems(&d, f, o->lang);
	else if (cli_write(o->out, text) != 0)
		rc = CONTEST_E_INVALID;
	else if (tell && o->out)
		fprintf(stderr,
			strcmp(o->lang, "en") == 0 ? "%s: %zu questions written to %s\n"
						   : "%s：已导入 %zu 道题，写入 %s\n",
			f, b->nquestions, o->out);
	free(text);
	contest_bank_free(b);
	contest_diag_free(&d);
	contest_diag_free(&w);
	return rc == CONTEST_OK ? 0 : 1;
}

static int cmd_import_bank(int argc, char **argv, const score_engine *eng)
{
	static const char *const allowed[] = {"--lang",  "--format",   "--out",      "-o", "--id",
					      "--title", "--category", "--encoding", NULL};
	cli_opts o;
	int rc = cli_parse(argc, argv, &o, allowed);
	if (rc || o.nfiles != 1)
		return cli_refused(rc, &o, argv[0]);
	const char *f = o.files[0];
	int fmt = o.format ? contest_bank_format_parse(o.format) : contest_bank_format_guess(f);
	if (fmt < 0) {
		fprintf(stderr,
			o.format
				? "%s: unknown format '%s' (gift, aiken, csv, xlsx, json)\n"
				: "%s: cannot tell the format of '%s': give --format gift|aiken|csv|xlsx|json\n",
			argv[0], o.format ? o.format : f);
		free(o.files);
		return 2;
	}
	rc = cli_convert(f, contest_bank_format_name((contest_bank_format)fmt), CONTEST_BANK_JSON, &o, eng,
			 true);
	free(o.files);
	return rc;
}

static int cmd_export_bank(int argc, char **argv, const score_engine *eng)
{
	static const char *const allowed[] = {"--lang", "--format",   "--from", "--out",
					      "-o",     "--encoding", NULL};
	cli_opts o;
	int rc = cli_parse(argc, argv, &o, allowed);
	if (rc || o.nfiles != 1)
		return cli_refused(rc, &o, argv[0]);
	int fmt = o.format ? contest_bank_format_parse(o.format) : CONTEST_BANK_GIFT;
	if (fmt != CONTEST_BANK_JSON && fmt != CONTEST_BANK_GIFT) {
		fprintf(stderr, "%s: --format must be gift or json\n", argv[0]);
		free(o.files);
		return 2;
	}
	if (o.from && contest_bank_format_parse(o.from) < 0) {
		fprintf(stderr, "%s: unknown --from format '%s'\n", argv[0], o.from);
		free(o.files);
		return 2;
	}
	rc = cli_convert(o.files[0], o.from, (contest_bank_format)fmt, &o, eng, false);
	free(o.files);
	return rc;
}

/* The paper as printed by `draw`: {contest, participant, seed, questions}; NULL on no memory. */
static char *cli_paper_json(const contest_def *c, const contest_paper *p, const char *participant)
{
	cx x = {.lang = "en"};
	char seed[24];
	snprintf(seed, sizeof seed, "%016llx", (unsigned long long)p->seed);
	cJSON *out = cx_jnew(&x, cJSON_CreateObject());
	cx_jstr(&x, out, "contest", c->code);
	cx_jstr(&x, out, "participant", participant);
	cx_jstr(&x, out, "seed", seed);
	cJSON *qs = cx_jadd(&x, out, "questions", cJSON_CreateArray());
	for (size_t i = 0; i < p->nquestions && !x.nomem; i++) {
		cJSON *q = cx_jpush(&x, qs, cJSON_Duplicate(p->questions[i].def, true));
		cx_jstr(&x, q, "stage", c->stages[p->questions[i].stage].id);
		cx_jnum(&x, q, "time_limit_ms", (double)p->questions[i].time_limit_ms);
	}
	char *s = x.nomem ? NULL : cJSON_Print(out);
	char *t = s ? cx_asprintf("%s\n", s) : NULL;
	free(s);
	cJSON_Delete(out);
	return t;
}

static int cmd_draw(int argc, char **argv, const score_engine *eng)
{
	static const char *const allowed[] = {"--lang", "--participant", "--out", "-o", NULL};
	cli_opts o;
	int rc = cli_parse(argc, argv, &o, allowed);
	if (rc || o.nfiles != 1)
		return cli_refused(rc, &o, argv[0]);
	const char *f = o.files[0], *who = o.participant ? o.participant : "";
	contest_diag d = {0};
	contest_def *c = NULL;
	contest_paper *p = NULL;
	char *err = NULL, *text = NULL;
	int ret = 1;
	if ((rc = contest_load(f, eng, o.lang, &c, &d)) != CONTEST_OK) {
		if (rc == CONTEST_E_NOMEM)
			fprintf(stderr, "%s: %s\n", f, contest_strerror(rc, o.lang));
		else
			cli_print_problems(&d, f, o.lang);
	} else if ((rc = contest_paper_draw(c, eng, who, &p, &err)) != 0) {
		fprintf(stderr, "%s: %s\n", f, err ? err : score_strerror(rc, o.lang));
	} else if (!(text = cli_paper_json(c, p, who))) {
		fprintf(stderr, "%s: %s\n", f, contest_strerror(CONTEST_E_NOMEM, o.lang));
	} else {
		ret = cli_write(o.out, text) != 0;
	}
	free(text);
	free(err);
	contest_paper_free(p);
	contest_free(c);
	contest_diag_free(&d);
	free(o.files);
	return ret;
}

const contest_cli_command contest_cli_commands[] = {
	{"validate", cmd_validate,
	 "validate [--lang zh-CN|en] [--format json|gift|aiken|csv|xlsx] [--encoding E] FILE|DIR...",
	 "check contest files and question banks (JSON, GIFT, Aiken, CSV, XLSX; a directory: the files "
	 "in it); every problem is printed as file:line:col or file: $.path; exit 1 when any file "
	 "has problems"},
	{"import-bank", cmd_import_bank,
	 "import-bank FILE [--format gift|aiken|csv|xlsx|json] [--out BANK.json] [--id ID] "
	 "[--title TITLE] [--category NAME] [--encoding auto|utf-8|gbk|gb18030|utf-16] "
	 "[--lang zh-CN|en]",
	 "import a question file into a native JSON bank, whole or not at all"},
	{"export-bank", cmd_export_bank,
	 "export-bank FILE [--format gift|json] [--from json|gift|aiken|csv|xlsx] [--out FILE] "
	 "[--lang zh-CN|en]",
	 "write a bank (or an importable file) as GIFT or native JSON"},
	{"draw", cmd_draw, "draw CONTEST.json [--participant KEY] [--out FILE] [--lang zh-CN|en]",
	 "print the paper a participant gets (the same for the same contest seed and key)"},
	{NULL, NULL, NULL, NULL},
};

const contest_cli_command *contest_cli_find(const char *name)
{
	for (const contest_cli_command *c = contest_cli_commands; name && c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
