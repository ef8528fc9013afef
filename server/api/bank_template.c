/*
 * bank_template.c - GET /api/banks/template.xlsx: the workbook an organizer
 * fills in to import a question bank. Its first sheet, 题目, has the
 * columns the importer knows (contests/import_csv.c) and one example row of
 * every question type; the second, 填写说明, says in Chinese what goes in
 * each column. It imports as it is (tests check that).
 *
 * Written with the sheets library (libxlsxwriter) into a private temporary
 * directory on libuv's thread pool, read back, removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/request.h"
#include "core/err.h"
#include "sheets.h"

static const sheets_column COLS[] = {
	{"题号", 8, NULL},   {"题型", 8, NULL},   {"题目", 40, NULL},     {"选项A", 14, NULL},
	{"选项B", 14, NULL}, {"选项C", 14, NULL}, {"选项D", 14, NULL},    {"答案", 12, NULL},
	{"解析", 30, NULL},  {"分类", 10, NULL},  {"难度", 6, NULL},      {"标签", 10, NULL},
	{"分值", 6, NULL},   {"时限", 6, NULL},   {"英文题目", 30, NULL},
};
#define NCOLS (sizeof COLS / sizeof COLS[0])

/* One example of every type, as people write them. */
static const char *const EXAMPLES[][NCOLS] = {
	{"q1", "单选题", "全国统一的火灾报警电话是？", "110", "119", "120", "122", "B", "119 是火警电话。",
	 "消防安全", "易", "报警", "1", "30", "What is the fire emergency number?"},
	{"q2", "多选题", "燃烧必须同时具备的条件有哪些？", "可燃物", "助燃物", "点火源", "水蒸气", "ABC",
	 "燃烧三要素：可燃物、助燃物、点火源。", "消防安全", "中", "", "2", "", ""},
	{"q3", "判断题", "电气设备着火时，可以直接用水扑救。", "", "", "", "", "错", "水能导电，应先断电。",
	 "用电安全", "易", "", "1", "", ""},
	{"q4", "填空题", "安全生产工作坚持安全第一、____、综合治理的方针。", "", "", "", "",
	 "预防为主|预防 为主", "《安全生产法》第三条。", "法规", "中", "", "1", "", ""},
	{"q5", "数值题", "10 Ω 电阻两端电压 5 V，电流是多少安？", "", "", "", "", "0.5±0.01", "I = U / R。",
	 "电工", "难", "", "2", "60", ""},
	{"q6", "排序题", "触电急救的正确顺序", "拨打 120", "使触电者脱离电源", "判断意识和呼吸", "", "BCA",
	 "", "急救", "中", "", "1", "", ""},
	{"q7", "匹配题", "安全色与含义配对", "红色=禁止", "黄色=警告", "蓝色=指令", "", "", "", "安全标志",
	 "易", "", "1", "", ""},
};

static const char *const HELP[][2] = {
	{"题号", "可不填；不填时按行自动编号。同一题库内不能重复，只能用字母、数字、-、_ 或 .。"},
	{"题型", "单选题、多选题、判断题、填空题、数值题（计算题）、排序题、匹配题。"},
	{"题目", "题干文字，可以换行。填空题在空白处写 ____。"},
	{"选项A～选项H",
	 "单选、多选的选项；排序题依次写要排序的各项；匹配题每格写“左项=右项”。可增加选项E～选项H 列。"},
	{"答案", "单选写一个字母（B）；多选写几个字母（ABC、A、C）；判断写 对/错（√/×、T/F）；"
		 "填空写答案，几个空用 ; 分隔，同一个空的不同写法用 | 分隔；数值写 9.8、9.8±0.1 或范围 2..3；"
		 "排序按正确顺序写字母（BCA）；匹配题不填。"},
	{"解析", "可不填；答题后显示。"},
	{"分类", "可不填；按分类组卷时使用，写分类名称即可。"},
	{"难度", "易、中、难（或 easy、medium、hard，1、2、3）；不填为中。"},
	{"标签", "可不填；多个标签用 ; 或 、 分隔。"},
	{"分值", "可不填；默认 1 分。"},
	{"时限", "可不填；每题答题秒数（1–3600）。"},
	{"英文题目", "可不填；英文界面显示。也可增加“英文解析”列。"},
	{"其他",
	 "以 # 开头的行和空行会被跳过。每行都正确才会导入；有错误时会列出每一行的问题，什么都不导入。"
	 "只读取第一个工作表（本表），“填写说明”表不会被导入。也可以另存为 CSV（UTF-8 或 GBK）后上传。"},
};

typedef struct tmpl {
	uv_work_t work;
	http_req *req;
	char *bytes;
	size_t len;
	int rc;
} tmpl;

static int write_book(const char *path)
{
	sheets_writer *w = NULL;
	sheets_value v[NCOLS];
	static const sheets_column help_cols[] = {{"列", 14, NULL}, {"填写说明", 60, NULL}};
	int rc = sheets_writer_open(&w, path, NULL);
	if (!rc)
		rc = sheets_writer_sheet(w, "题目", COLS, NCOLS);
	for (size_t r = 0; !rc && r < sizeof EXAMPLES / sizeof EXAMPLES[0]; r++) {
		for (size_t c = 0; c < NCOLS; c++)
			v[c] = *EXAMPLES[r][c] ? sheets_text(EXAMPLES[r][c]) : sheets_empty();
		rc = sheets_writer_row(w, v, NCOLS);
	}
	if (!rc)
		rc = sheets_writer_sheet(w, "填写说明", help_cols, 2);
	for (size_t r = 0; !rc && r < sizeof HELP / sizeof HELP[0]; r++) {
		v[0] = sheets_text(HELP[r][0]);
		v[1] = sheets_text(HELP[r][1]);
		rc = sheets_writer_row(w, v, 2);
	}
	if (!rc)
		rc = sheets_writer_finish(w);
	sheets_writer_free(w);
	return rc;
}

static void on_work(uv_work_t *wk)
{
	tmpl *t = wk->data;
	char dir[] = "/tmp/skillarena-template-XXXXXX", path[64];
	t->rc = SA_E_INTERNAL;
	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/template.xlsx", dir);
	if (!write_book(path)) {
		FILE *fp = fopen(path, "rb");
		long n = -1;
		if (fp && !fseek(fp, 0, SEEK_END) && (n = ftell(fp)) > 0 && !fseek(fp, 0, SEEK_SET) &&
		    (t->bytes = malloc((size_t)n)) && fread(t->bytes, 1, (size_t)n, fp) == (size_t)n) {
			t->len = (size_t)n;
			t->rc = 0;
		}
		if (fp)
			fclose(fp);
		unlink(path);
	}
	rmdir(dir);
}

static void on_after(uv_work_t *wk, int status)
{
	tmpl *t = wk->data;
	if (t->rc || status < 0) {
		free(t->bytes);
		http_reply_error(t->req, SA_E_INTERNAL, NULL);
	} else
		http_reply_bytes(t->req, 200,
				 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				 t->bytes, t->len, "题库模板.xlsx");
	http_req_unref(t->req);
	free(t);
}

int bank_template_get(http_req *req)
{
	tmpl *t = calloc(1, sizeof *t);
	if (!t)
		return SA_E_INTERNAL;
	t->req = req;
	t->work.data = t;
	http_req_ref(req);
	if (uv_queue_work(http_arena(req)->loop, &t->work, on_work, on_after)) {
		http_req_unref(req);
		free(t);
		return SA_E_INTERNAL;
	}
	return 0;
}
