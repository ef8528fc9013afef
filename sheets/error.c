/*
 * error.c - the codes' names and messages (one table, zh-CN and English),
 * errors with their location, and column letters.
 *
 * An error renders as "<file>[: <part>][:line[:col]]: [<sheet>!<cell>: ]<message>[: <detail>]",
 * the cell in Excel's A1 notation (the sheet name quoted as Excel quotes it)
 * so that an organizer can find it in the workbook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets_int.h"

typedef struct sh_msg {
	int code;
	const char *name;
	const char *zh, *en;
} sh_msg;

static const sh_msg sh_msgs[] = {
	{SHEETS_OK, "SHEETS_OK", "成功", "success"},
	{SHEETS_E_NOMEM, "SHEETS_E_NOMEM", "内存不足", "out of memory"},
	{SHEETS_E_IO, "SHEETS_E_IO", "无法读写文件", "cannot read or write the file"},
	{SHEETS_E_FORMAT, "SHEETS_E_FORMAT", "不是 XLSX 或 CSV 文件", "not an XLSX or CSV file"},
	{SHEETS_E_XLS, "SHEETS_E_XLS",
	 "这是旧版 .xls 或设有密码的工作簿，请在 Excel 中另存为 .xlsx（不设密码）",
	 "an old .xls or a password-protected workbook: save it from Excel as .xlsx without a password"},
	{SHEETS_E_ZIP, "SHEETS_E_ZIP", "XLSX 文件已损坏（压缩包无法读取）",
	 "the XLSX file is damaged (bad zip)"},
	{SHEETS_E_XML, "SHEETS_E_XML", "XLSX 文件已损坏（XML 格式错误）",
	 "the XLSX file is damaged (bad XML)"},
	{SHEETS_E_DOCTYPE, "SHEETS_E_DOCTYPE", "XML 中含有 DOCTYPE 或实体声明，已拒绝",
	 "XML with a DOCTYPE or entity declarations is refused"},
	{SHEETS_E_PART, "SHEETS_E_PART", "XLSX 文件缺少必需的部分或部分内容有误",
	 "a part the workbook needs is missing or wrong"},
	{SHEETS_E_TOO_BIG, "SHEETS_E_TOO_BIG", "文件（或其中的一部分）超过大小上限",
	 "the file (or a part of it) is over the size limit"},
	{SHEETS_E_ROWS, "SHEETS_E_ROWS", "行数超过上限", "more rows than the limit"},
	{SHEETS_E_COLS, "SHEETS_E_COLS", "列数超过上限", "more columns than the limit"},
	{SHEETS_E_CELL_TOO_LONG, "SHEETS_E_CELL_TOO_LONG", "单元格文本超过长度上限",
	 "the cell's text is over the length limit"},
	{SHEETS_E_REF, "SHEETS_E_REF", "单元格或行的位置有误（格式错误、重复或顺序颠倒）",
	 "a cell or row reference is malformed, repeated or out of order"},
	{SHEETS_E_VALUE, "SHEETS_E_VALUE", "单元格的值有误", "invalid cell value"},
	{SHEETS_E_ENCODING, "SHEETS_E_ENCODING", "无法识别的编码", "unknown encoding"},
	{SHEETS_E_NOT_UTF8, "SHEETS_E_NOT_UTF8", "不是有效的 UTF-8 文本（若为 GBK 编码，请另存为 UTF-8）",
	 "not valid UTF-8 text (save it as UTF-8 if it is GBK)"},
	{SHEETS_E_DECODE, "SHEETS_E_DECODE", "无效的字节序列，无法转换为 UTF-8",
	 "invalid byte sequence, cannot convert to UTF-8"},
	{SHEETS_E_DECODE_END, "SHEETS_E_DECODE_END", "文件末尾的字符不完整",
	 "incomplete character at the end"},
	{SHEETS_E_NUL, "SHEETS_E_NUL", "含有控制字符（NUL）", "contains a control character (NUL)"},
	{SHEETS_E_QUOTE, "SHEETS_E_QUOTE", "引号没有闭合", "unterminated quoted field"},
	{SHEETS_E_NO_SHEET, "SHEETS_E_NO_SHEET", "没有这个工作表", "no such sheet"},
	{SHEETS_E_SHEET_NAME, "SHEETS_E_SHEET_NAME",
	 "工作表名称不符合 Excel 的规则（1 到 31 个字符，不含 [ ] : * ? / \\，不以单引号开头或结尾，不能是 History）",
	 "the sheet name breaks Excel's rules (1 to 31 characters, none of [ ] : * ? / \\, no apostrophe at "
	 "either end, not History)"},
	{SHEETS_E_DUP_SHEET, "SHEETS_E_DUP_SHEET", "工作表名称重复", "two sheets have the same name"},
	{SHEETS_E_USAGE, "SHEETS_E_USAGE", "调用顺序有误（程序错误）",
	 "the API was called out of order (a bug)"},
	{SHEETS_E_WRITER, "SHEETS_E_WRITER", "无法生成 XLSX 文件", "cannot write the XLSX file"},
	{SHEETS_E_UNSUPPORTED, "SHEETS_E_UNSUPPORTED", "该格式不支持此操作", "this format cannot do that"},
	{SHEETS_E_CELLS, "SHEETS_E_CELLS", "工作表的单元格数超过上限",
	 "more cells in the sheet than the limit"},
};

static const sh_msg *sh_msg_of(int code)
{
	if (code > 0 || code < SHEETS_E_LAST)
		return NULL;
	const sh_msg *m = &sh_msgs[-code];
	return m->code == code ? m : NULL;
}

const char *sheets_errname(int code)
{
	const sh_msg *m = sh_msg_of(code);
	return m ? m->name : "?";
}

static bool sh_en(const char *lang) { return lang && strncmp(lang, "en", 2) == 0; }

const char *sheets_strerror(int code, const char *lang)
{
	const sh_msg *m = sh_msg_of(code);
	if (!m)
		return sh_en(lang) ? "unknown error" : "未知错误";
	return sh_en(lang) ? m->en : m->zh;
}

void sheets_col_name(uint32_t col, char buf[4])
{
	buf[0] = '\0';
	if (col < 1 || col > SH_EXCEL_MAX_COLS)
		return;
	char t[4];
	int n = 0;
	while (col > 0) {
		col--;
		t[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	buf[n] = '\0';
}

uint32_t sheets_col_number(const char *s)
{
	uint32_t n = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		char c = *s;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return 0;
		n = n * 26 + (uint32_t)(c - 'A' + 1);
		if (n > SH_EXCEL_MAX_COLS)
			return 0;
	}
	return n;
}

void sh_err_init(sh_err *x, const char *file)
{
	memset(x, 0, sizeof *x);
	x->file = sh_strdup(file);
	x->e.file = x->file;
}

void sh_err_release(sh_err *x)
{
	free(x->file);
	free(x->part);
	free(x->sheet);
	free(x->detail);
	memset(x, 0, sizeof *x);
}

int sh_err_set(sh_err *x, int code, const sh_loc *loc, const char *fmt, ...)
{
	free(x->part);
	free(x->sheet);
	free(x->detail);
	x->part = x->sheet = x->detail = NULL;
	sheets_error e = {.code = code, .file = x->file};
	if (loc) {
		x->part = sh_strdup(loc->part);
		x->sheet = sh_strdup(loc->sheet);
		e.part = x->part;
		e.sheet = x->sheet;
		e.line = loc->line;
		e.line_col = loc->line_col;
		e.row = loc->row;
		e.col = loc->col;
	}
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&x->detail, fmt, ap) < 0)
			x->detail = NULL;
		va_end(ap);
		e.detail = x->detail;
	}
	x->e = e;
	return code;
}

/* Appends a sheet name as Excel writes it in a reference: quoted when it is not a plain word. */
static void sh_put_sheet(sh_buf *b, const char *name)
{
	bool quote = false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x80 && !((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
				   (*p >= 'a' && *p <= 'z') || *p == '_' || *p == '.'))
			quote = true;
	if (!quote) {
		sh_buf_puts(b, name);
		return;
	}
	sh_buf_putc(b, '\'');
	for (const char *p = name; *p; p++) {
		if (*p == '\'')
			sh_buf_putc(b, '\'');
		sh_buf_putc(b, *p);
	}
	sh_buf_putc(b, '\'');
}

char *sheets_error_text(const sheets_error *e, const char *lang)
{
	if (!e || e->code == 0)
		return NULL;
	bool en = sh_en(lang);
	sh_buf b = {0};
	char num[32];
	if (e->file)
		sh_buf_puts(&b, e->file);
	if (e->part) {
		sh_buf_puts(&b, b.len ? ": " : "");
		sh_buf_puts(&b, e->part);
	}
	if (e->line) {
		snprintf(num, sizeof num, ":%u", e->line);
		sh_buf_puts(&b, num);
		if (e->line_col) {
			snprintf(num, sizeof num, ":%u", e->line_col);
			sh_buf_puts(&b, num);
		}
	}
	if (e->sheet || e->row || e->col) {
		char col[4];
		sheets_col_name(e->col, col);
		sh_buf_puts(&b, b.len ? ": " : "");
		if (e->sheet) {
			sh_put_sheet(&b, e->sheet);
			if (e->row || e->col)
				sh_buf_putc(&b, e->row && e->col && *col ? '!' : ' ');
		}
		if (e->row && e->col && *col) {
			snprintf(num, sizeof num, "%s%u", col, e->row);
		} else if (e->row && e->col) {
			snprintf(num, sizeof num, en ? "row %u, column %u" : "第 %u 行第 %u 列", e->row,
				 e->col);
		} else if (e->row) {
			snprintf(num, sizeof num, en ? "row %u" : "第 %u 行", e->row);
		} else if (e->col) {
			if (*col)
				snprintf(num, sizeof num, en ? "column %s" : "%s 列", col);
			else
				snprintf(num, sizeof num, en ? "column %u" : "第 %u 列", e->col);
		} else {
			num[0] = '\0';
		}
		sh_buf_puts(&b, num);
	}
	sh_buf_puts(&b, b.len ? ": " : "");
	sh_buf_puts(&b, sheets_strerror(e->code, lang));
	if (e->detail && *e->detail) {
		sh_buf_puts(&b, en ? ": " : "：");
		sh_buf_puts(&b, e->detail);
	}
	if (b.oom) {
		sh_buf_free(&b);
		return NULL;
	}
	return b.s;
}
