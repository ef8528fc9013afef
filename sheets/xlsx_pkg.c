/*
 * xlsx_pkg.c - the XLSX package: zip, safe XML parsing, relationships,
 * workbook, shared strings and styles.
 *
 * Opening follows the Open Packaging Conventions as Excel writes them:
 * _rels/.rels names the workbook (xl/workbook.xml when it is missing), the
 * workbook's relationships name each sheet's part and the shared strings and
 * styles. The workbook gives the sheets in order, with their names and
 * whether they are hidden, and the date system (1900 or 1904). Shared
 * strings are held in memory (cells refer to them by index): plain and rich
 * text runs are joined, phonetic runs (rPh) left out, _xHHHH_ escapes
 * decoded. Styles give each cell style's number format kind (numtext.c).
 *
 * Safety: the zip is opened with libzip's consistency checks; more than
 * XL_MAX_ENTRIES entries, a part whose declared or actual uncompressed size
 * passes max_part_bytes, any DOCTYPE (hence any entity), and malformed XML
 * are refused with the part's name and the XML line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xlsx_int.h"

#define XL_CHUNK 65536
#define XL_MAX_ENTRIES 10000 /* zip entries, relationships and sheets */
#define XL_MAX_NUMFMTS 4096  /* custom number formats (Excel keeps a few hundred) */
#define XL_MAX_XFS 65536     /* cell styles (Excel's limit is 64,000) */
#define XL_NS_SEP '\x01'

/* ---- parsing a part ---- */

const char *xl_local(const char *name)
{
	const char *p = strrchr(name, XL_NS_SEP);
	return p ? p + 1 : name;
}

const char *xl_attr(const char **atts, const char *local)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(xl_local(atts[i]), local) == 0)
			return atts[i + 1];
	return NULL;
}

void xl_ctx_fail(xl_ctx *c, int code, const char *detail)
{
	sh_loc loc = {.part = c->part};
	if (c->p) {
		loc.line = (uint32_t)XML_GetCurrentLineNumber(c->p);
		loc.line_col = (uint32_t)XML_GetCurrentColumnNumber(c->p) + 1;
	}
	c->code = sh_fail(c->r, code, &loc, detail ? "%s" : NULL, detail);
	if (c->p)
		XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL xl_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int internal)
{
	xl_ctx_fail(ud, SHEETS_E_DOCTYPE, name);
}

static void XMLCALL xl_entity(void *ud, const XML_Char *name, int pe, const XML_Char *value, int len,
			      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	xl_ctx_fail(ud, SHEETS_E_DOCTYPE, name);
}

static int xl_zip_fail(xl_ctx *c, int code, zip_error_t *ze)
{
	sh_loc loc = {.part = c->part};
	return sh_fail(c->r, code, &loc, "%s", zip_error_strerror(ze));
}

int xl_ctx_open(xl_ctx *c, sheets_reader *r, const char *name, bool required, void *ud)
{
	xl *x = r->state;
	memset(c, 0, sizeof *c);
	c->r = r;
	c->part = name;
	zip_int64_t idx = zip_name_locate(x->z, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		sh_loc loc = {.part = name};
		return required ? sh_fail(r, SHEETS_E_PART, &loc, NULL) : 1;
	}
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &st) == 0) {
		sh_loc loc = {.part = name};
		if ((st.valid & ZIP_STAT_SIZE) && st.size > r->o.max_part_bytes)
			return sh_fail(r, SHEETS_E_TOO_BIG, &loc, "%llu > %zu", (unsigned long long)st.size,
				       r->o.max_part_bytes);
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return sh_fail(r, SHEETS_E_XLS, &loc, NULL);
	}
	c->zf = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
	if (!c->zf)
		return xl_zip_fail(c, SHEETS_E_ZIP, zip_get_error(x->z));
	c->p = XML_ParserCreateNS(NULL, XL_NS_SEP);
	if (!c->p) {
		xl_ctx_close(c);
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	}
	XML_SetUserData(c->p, ud);
	XML_SetStartDoctypeDeclHandler(c->p, xl_doctype);
	XML_SetEntityDeclHandler(c->p, xl_entity);
	XML_SetParamEntityParsing(c->p, XML_PARAM_ENTITY_PARSING_NEVER);
	return 0;
}

int xl_ctx_step(xl_ctx *c)
{
	enum XML_Status st;
	if (c->suspended) {
		c->suspended = false;
		st = XML_ResumeParser(c->p);
	} else {
		if (c->eof)
			return XL_DONE;
		void *buf = XML_GetBuffer(c->p, XL_CHUNK);
		if (!buf)
			return sh_fail(c->r, SHEETS_E_NOMEM, NULL, NULL);
		zip_int64_t n = zip_fread(c->zf, buf, XL_CHUNK);
		if (n < 0)
			return xl_zip_fail(c, SHEETS_E_ZIP, zip_file_get_error(c->zf));
		c->total += (size_t)n;
		if (c->total > c->r->o.max_part_bytes) {
			sh_loc loc = {.part = c->part};
			return sh_fail(c->r, SHEETS_E_TOO_BIG, &loc, "> %zu", c->r->o.max_part_bytes);
		}
		c->eof = n == 0;
		st = XML_ParseBuffer(c->p, (int)n, c->eof);
	}
	if (c->code)
		return c->code;
	if (st == XML_STATUS_SUSPENDED) {
		c->suspended = true;
		return XL_PAUSED;
	}
	if (st == XML_STATUS_ERROR) {
		sh_loc loc = {.part = c->part,
			      .line = (uint32_t)XML_GetCurrentLineNumber(c->p),
			      .line_col = (uint32_t)XML_GetCurrentColumnNumber(c->p) + 1};
		return sh_fail(c->r, SHEETS_E_XML, &loc, "%s", XML_ErrorString(XML_GetErrorCode(c->p)));
	}
	return c->eof ? XL_DONE : XL_MORE;
}

void xl_ctx_close(xl_ctx *c)
{
	if (c->p)
		XML_ParserFree(c->p);
	if (c->zf)
		zip_fclose(c->zf);
	c->p = NULL;
	c->zf = NULL;
}

/* Parses a whole part with the handlers; 0, 1 when absent and optional, or a code. */
static int xl_parse(sheets_reader *r, const char *name, bool required, xl_ctx *c,
		    XML_StartElementHandler start, XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	int rc = xl_ctx_open(c, r, name, required, c);
	if (rc != 0)
		return rc;
	XML_SetElementHandler(c->p, start, end);
	if (chars)
		XML_SetCharacterDataHandler(c->p, chars);
	while ((rc = xl_ctx_step(c)) > 0)
		;
	xl_ctx_close(c);
	return rc;
}

void xl_unescape(sh_buf *out, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	while (i + 7 <= n) {
		uint32_t cp = 0;
		bool ok = s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; ok && k < 6; k++) {
			char h = s[i + k];
			int v = h >= '0' && h <= '9'   ? h - '0'
				: h >= 'a' && h <= 'f' ? h - 'a' + 10
				: h >= 'A' && h <= 'F' ? h - 'A' + 10
						       : -1;
			ok = v >= 0;
			cp = cp * 16 + (uint32_t)(v < 0 ? 0 : v);
		}
		if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			i++;
			continue;
		}
		sh_buf_putn(out, s + start, i - start);
		sh_buf_put_cp(out, cp);
		i += 7;
		start = i;
	}
	sh_buf_putn(out, s + start, n - start);
}

/* ---- relationships ---- */

typedef struct xl_rel {
	char *id, *type, *target;
} xl_rel;

typedef struct xl_rels {
	xl_ctx c;
	xl_rel *v;
	size_t n, cap;
} xl_rels;

static void XMLCALL xl_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xl_rels *x = ud;
	if (strcmp(xl_local(name), "Relationship") != 0)
		return;
	const char *id = xl_attr(atts, "Id"), *type = xl_attr(atts, "Type"),
		   *target = xl_attr(atts, "Target");
	const char *mode = xl_attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	const char *slash = strrchr(type, '/');
	if (x->n >= XL_MAX_ENTRIES) {
		xl_ctx_fail(&x->c, SHEETS_E_TOO_BIG, "<Relationship> > 10000");
		return;
	}
	if (!sh_reserve(&x->v, &x->cap, x->n, sizeof *x->v)) {
		xl_ctx_fail(&x->c, SHEETS_E_NOMEM, NULL);
		return;
	}
	xl_rel *v = &x->v[x->n++];
	*v = (xl_rel){sh_strdup(id), sh_strdup(slash ? slash + 1 : type), sh_strdup(target)};
	if (!v->id || !v->type || !v->target)
		xl_ctx_fail(&x->c, SHEETS_E_NOMEM, NULL);
}

static void xl_rels_free(xl_rels *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].id);
		free(x->v[i].type);
		free(x->v[i].target);
	}
	free(x->v);
}

/* The first relationship of a type ("worksheet", "styles"), or with an id when id is given. */
static const xl_rel *xl_rel_find(const xl_rels *x, const char *type, const char *id)
{
	for (size_t i = 0; i < x->n; i++)
		if ((!type || strcmp(x->v[i].type, type) == 0) && (!id || strcmp(x->v[i].id, id) == 0))
			return &x->v[i];
	return NULL;
}

/* The part a target names, relative to the folder of `source` ("xl/workbook.xml"); NULL when it leaves the zip. */
static char *xl_resolve(const char *source, const char *target)
{
	sh_buf b = {0};
	if (target[0] != '/') {
		const char *slash = strrchr(source, '/');
		if (slash)
			sh_buf_putn(&b, source, (size_t)(slash - source + 1));
	}
	sh_buf_puts(&b, target[0] == '/' ? target + 1 : target);
	if (b.oom || !b.s)
		return NULL;
	/* drop "." segments and resolve ".." */
	char *out = b.s, *w = out;
	for (char *seg = out; *seg;) {
		char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 1 && seg[0] == '.') {
			/* nothing */
		} else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (w == out) {
				free(out);
				return NULL;
			}
			w--;
			while (w > out && w[-1] != '/')
				w--;
		} else if (n > 0) {
			memmove(w, seg, n);
			w += n;
			if (end)
				*w++ = '/';
		}
		seg = end ? end + 1 : seg + n;
	}
	*w = '\0';
	return out;
}

/* The relationships part of a part: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels". */
static char *xl_rels_name(const char *part)
{
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part + 1) : 0;
	char *s = NULL;
	if (asprintf(&s, "%.*s_rels/%s.rels", (int)dir, part, part + dir) < 0)
		return NULL;
	return s;
}

/* ---- workbook ---- */

typedef struct xl_wb {
	xl_ctx c;
	char **rids;
	size_t n, cap;
} xl_wb;

static void XMLCALL xl_wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xl_wb *w = ud;
	const char *local = xl_local(name);
	xl *x = w->c.r->state;
	if (strcmp(local, "workbookPr") == 0) {
		const char *d = xl_attr(atts, "date1904");
		x->date1904 = d && (strcmp(d, "1") == 0 || strcasecmp(d, "true") == 0);
	} else if (strcmp(local, "sheet") == 0) {
		const char *sname = xl_attr(atts, "name"), *state = xl_attr(atts, "state");
		const char *rid = xl_attr(atts, "id");
		if (!sname || !rid) {
			xl_ctx_fail(&w->c, SHEETS_E_PART, "<sheet>");
			return;
		}
		if (w->n >= XL_MAX_ENTRIES) {
			xl_ctx_fail(&w->c, SHEETS_E_TOO_BIG, "<sheet> > 10000");
			return;
		}
		if (!sh_reserve(&w->rids, &w->cap, w->n, sizeof *w->rids) ||
		    !(w->rids[w->n] = sh_strdup(rid))) {
			xl_ctx_fail(&w->c, SHEETS_E_NOMEM, NULL);
			return;
		}
		w->n++;
		bool hidden = state && (strcmp(state, "hidden") == 0 || strcmp(state, "veryHidden") == 0);
		if (sh_add_sheet(w->c.r, sname, hidden) < 0)
			xl_ctx_fail(&w->c, SHEETS_E_NOMEM, NULL);
	}
}

static void XMLCALL xl_nop_end(void *ud, const XML_Char *name) {}

/* ---- shared strings ---- */

typedef struct xl_sst {
	xl_ctx c;
	bool in_si, in_t;
	int rph;
	sh_buf t;
} xl_sst;

static void XMLCALL xl_sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xl_sst *s = ud;
	const char *local = xl_local(name);
	if (strcmp(local, "si") == 0) {
		s->in_si = true;
		s->t.len = 0;
	} else if (strcmp(local, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(local, "t") == 0 && s->in_si && !s->rph) {
		s->in_t = true;
	}
}

static void XMLCALL xl_sst_end(void *ud, const XML_Char *name)
{
	xl_sst *s = ud;
	const char *local = xl_local(name);
	xl *x = s->c.r->state;
	if (strcmp(local, "t") == 0) {
		s->in_t = false;
	} else if (strcmp(local, "rPh") == 0) {
		s->rph--;
	} else if (strcmp(local, "si") == 0) {
		s->in_si = false;
		if (x->nsst == x->sst_cap) {
			size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
			size_t *v = realloc(x->sst_off, cap * sizeof *v);
			if (!v) {
				xl_ctx_fail(&s->c, SHEETS_E_NOMEM, NULL);
				return;
			}
			x->sst_off = v;
			x->sst_cap = cap;
		}
		x->sst_off[x->nsst++] = x->sst.len;
		xl_unescape(&x->sst, s->t.s ? s->t.s : "", s->t.len);
		sh_buf_putc(&x->sst, '\0');
		if (x->sst.oom)
			xl_ctx_fail(&s->c, SHEETS_E_NOMEM, NULL);
		/* in memory, the strings may not take more than their part may */
		else if (x->sst.len + x->nsst * sizeof *x->sst_off > s->c.r->o.max_part_bytes)
			xl_ctx_fail(&s->c, SHEETS_E_TOO_BIG, "<si>");
	}
}

static void XMLCALL xl_sst_chars(void *ud, const XML_Char *text, int len)
{
	xl_sst *s = ud;
	if (!s->in_t)
		return;
	if (s->t.len + (size_t)len > s->c.r->o.max_cell_bytes) {
		xl_ctx_fail(&s->c, SHEETS_E_CELL_TOO_LONG, NULL);
		return;
	}
	sh_buf_putn(&s->t, text, (size_t)len);
	if (s->t.oom)
		xl_ctx_fail(&s->c, SHEETS_E_NOMEM, NULL);
}

/* ---- styles ---- */

typedef struct xl_styles {
	xl_ctx c;
	bool in_xfs;
	struct {
		unsigned id;
		sh_fmt f;
	} * fmts;
	size_t nfmts, fmts_cap;
	unsigned *xf_ids;
	size_t nxf, xf_cap;
} xl_styles;

static void XMLCALL xl_styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xl_styles *s = ud;
	const char *local = xl_local(name);
	if (strcmp(local, "numFmt") == 0) {
		const char *id = xl_attr(atts, "numFmtId"), *code = xl_attr(atts, "formatCode");
		if (!id || !code)
			return;
		if (s->nfmts >= XL_MAX_NUMFMTS) {
			xl_ctx_fail(&s->c, SHEETS_E_TOO_BIG, "<numFmt> > 4096");
			return;
		}
		if (!sh_reserve(&s->fmts, &s->fmts_cap, s->nfmts, sizeof *s->fmts)) {
			xl_ctx_fail(&s->c, SHEETS_E_NOMEM, NULL);
			return;
		}
		s->fmts[s->nfmts].id = (unsigned)strtoul(id, NULL, 10);
		s->fmts[s->nfmts++].f = sh_fmt_code(code);
	} else if (strcmp(local, "cellXfs") == 0) {
		s->in_xfs = true;
	} else if (strcmp(local, "xf") == 0 && s->in_xfs) {
		const char *id = xl_attr(atts, "numFmtId");
		if (s->nxf >= XL_MAX_XFS) {
			xl_ctx_fail(&s->c, SHEETS_E_TOO_BIG, "<xf> > 65536");
			return;
		}
		if (!sh_reserve(&s->xf_ids, &s->xf_cap, s->nxf, sizeof *s->xf_ids)) {
			xl_ctx_fail(&s->c, SHEETS_E_NOMEM, NULL);
			return;
		}
		s->xf_ids[s->nxf++] = id ? (unsigned)strtoul(id, NULL, 10) : 0;
	}
}

static void XMLCALL xl_styles_end(void *ud, const XML_Char *name)
{
	xl_styles *s = ud;
	if (strcmp(xl_local(name), "cellXfs") == 0)
		s->in_xfs = false;
}

/* Each cell style's format kind: a custom format of that id, else the built-in one. */
static int xl_styles_resolve(sheets_reader *r, xl_styles *s)
{
	xl *x = r->state;
	x->xf = calloc(s->nxf ? s->nxf : 1, sizeof *x->xf);
	if (!x->xf)
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	x->nxf = s->nxf;
	for (size_t i = 0; i < s->nxf; i++) {
		x->xf[i] = sh_fmt_builtin(s->xf_ids[i]);
		for (size_t k = 0; k < s->nfmts; k++)
			if (s->fmts[k].id == s->xf_ids[i])
				x->xf[i] = s->fmts[k].f;
	}
	return 0;
}

/* ---- opening ---- */

/* Reads the relationships of part into rels (an absent rels part is empty). */
static int xl_read_rels(sheets_reader *r, const char *part, xl_rels *rels)
{
	char *name = xl_rels_name(part);
	if (!name)
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	int rc = xl_parse(r, name, false, &rels->c, xl_rels_start, xl_nop_end, NULL);
	free(name);
	return rc < 0 ? rc : 0;
}

/* The workbook part: from _rels/.rels, else the usual name. */
static int xl_find_workbook(sheets_reader *r, char **wb)
{
	xl_rels root = {0};
	int rc = xl_read_rels(r, "", &root);
	const xl_rel *doc = rc < 0 ? NULL : xl_rel_find(&root, "officeDocument", NULL);
	*wb = doc ? xl_resolve("", doc->target) : sh_strdup("xl/workbook.xml");
	xl_rels_free(&root);
	if (rc < 0)
		return rc;
	if (!*wb) {
		sh_loc loc = {.part = "_rels/.rels"};
		return sh_fail(r, SHEETS_E_PART, &loc, "%s", doc ? doc->target : "");
	}
	return 0;
}

/* Sheets, shared strings and styles of the workbook part wbpath. */
static int xl_read_workbook(sheets_reader *r, const char *wbpath)
{
	xl *x = r->state;
	xl_rels rels = {0};
	xl_wb wb = {0};
	int rc = xl_read_rels(r, wbpath, &rels);
	if (rc == 0)
		rc = xl_parse(r, wbpath, true, &wb.c, xl_wb_start, xl_nop_end, NULL);
	if (rc == 0 && !(x->paths = calloc(wb.n ? wb.n : 1, sizeof *x->paths)))
		rc = sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	for (size_t i = 0; rc == 0 && i < wb.n; i++) {
		const xl_rel *rel = xl_rel_find(&rels, NULL, wb.rids[i]);
		x->paths[i] = rel ? xl_resolve(wbpath, rel->target) : NULL;
		if (!x->paths[i]) {
			sh_loc loc = {.part = wbpath, .sheet = r->sheets[i].name};
			rc = sh_fail(r, SHEETS_E_PART, &loc, "r:id=\"%s\"", wb.rids[i]);
		}
	}
	const xl_rel *sst = xl_rel_find(&rels, "sharedStrings", NULL);
	char *path = sst ? xl_resolve(wbpath, sst->target) : NULL;
	xl_sst s = {0};
	if (rc == 0 && path)
		rc = xl_parse(r, path, true, &s.c, xl_sst_start, xl_sst_end, xl_sst_chars);
	sh_buf_free(&s.t);
	free(path);
	const xl_rel *st = xl_rel_find(&rels, "styles", NULL);
	path = st ? xl_resolve(wbpath, st->target) : NULL;
	xl_styles sty = {0};
	if (rc == 0 && path)
		rc = xl_parse(r, path, true, &sty.c, xl_styles_start, xl_styles_end, NULL);
	if (rc >= 0)
		rc = xl_styles_resolve(r, &sty);
	free(path);
	free(sty.fmts);
	free(sty.xf_ids);
	for (size_t i = 0; i < wb.n; i++)
		free(wb.rids[i]);
	free(wb.rids);
	xl_rels_free(&rels);
	return rc < 0 ? rc : 0;
}

static int xl_open(sheets_reader *r, const char *path, const void *data, size_t len)
{
	xl *x = calloc(1, sizeof *x);
	if (!x)
		return sh_fail(r, SHEETS_E_NOMEM, NULL, NULL);
	r->state = x;
	zip_error_t ze;
	zip_error_init(&ze);
	if (path) {
		int e = 0;
		x->z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &e);
		zip_error_init_with_code(&ze, e);
	} else {
		zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
		if (src && !(x->z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze)))
			zip_source_free(src);
	}
	if (!x->z) {
		int code = zip_error_code_zip(&ze) == ZIP_ER_MEMORY ? SHEETS_E_NOMEM : SHEETS_E_ZIP;
		int rc = sh_fail(r, code, NULL, "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	if (zip_get_num_entries(x->z, 0) > XL_MAX_ENTRIES)
		return sh_fail(r, SHEETS_E_TOO_BIG, NULL, "zip: %lld > %d",
			       (long long)zip_get_num_entries(x->z, 0), XL_MAX_ENTRIES);
	char *wb = NULL;
	int rc = xl_find_workbook(r, &wb);
	if (rc == 0)
		rc = xl_read_workbook(r, wb);
	free(wb);
	return rc;
}

static void xl_close(sheets_reader *r)
{
	xl *x = r->state;
	xl_sheet_free(x->sheet);
	for (size_t i = 0; x->paths && i < r->nsheets; i++)
		free(x->paths[i]);
	free(x->paths);
	sh_buf_free(&x->sst);
	free(x->sst_off);
	free(x->xf);
	if (x->z)
		zip_discard(x->z);
	free(x);
	r->state = NULL;
}

const sh_source sh_xlsx_source = {
	.fmt = SHEETS_XLSX,
	.open = xl_open,
	.select = xl_sheet_select,
	.next = xl_sheet_next,
	.close = xl_close,
};
