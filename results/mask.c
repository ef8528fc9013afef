/*
 * mask.c - names and employee numbers masked for the public notice (公示).
 *
 * A results page open to everyone shows enough to recognise oneself and
 * colleagues, not enough to identify a stranger:
 *
 *   张三 -> 张*        张三丰 -> 张*丰      欧阳修 -> 欧阳*     欧阳娜娜 -> 欧阳**
 *   阿不都拉 -> 阿**拉  买买提·艾力 -> 买**·*力   1024005678 -> ******5678
 *
 * Rule: the surname stays (the first character, or the first two when they
 * are a compound surname 复姓 from the table below and the name has three or
 * more characters); with keep_last, a name of three or more characters with
 * a one-character surname also keeps its last character; everything else is
 * masked, one mask per character (or a fixed number, which hides the length).
 * Separators of transcribed names (· • ・ . space) stay in place and are not
 * counted. Characters are code points, never bytes, so a mask never cuts a
 * UTF-8 sequence.
 */
#include <stdlib.h>
#include <string.h>

#include "results_int.h"

const results_mask_opts results_mask_default = {"*", true, 0, 4};

/* 复姓: compound surnames, the common ones first. */
static const char *const compound_surnames[] = {
	"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
	"司徒", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "百里", "呼延", "澹台",
	"公冶", "太史", "申屠", "闻人", "钟离", "濮阳", "淳于", "单于", "司空", "万俟", "赫连",
	"第五", "拓跋", "东郭", "南门", "羊舌", "微生", "梁丘", "左丘", "东门", "公羊", "谷梁",
	"宰父", "乐正", "漆雕", "壤驷", "公良", "巫马", "仲孙", "叔孙", "亓官", "司寇", "子车",
	"颛孙", "段干", "鲜于", "闾丘", "公西", "呼衍", "完颜", "纳兰", NULL,
};

static int is_separator(uint32_t cp)
{
	static const uint32_t seps[] = {' ', '.', 0x00B7, 0x2022, 0x2027, 0x30FB, 0xFF0E, 0x3000};
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
		if (cp == seps[i])
			return 1;
	return 0;
}

static int compound(const char *s, size_t len)
{
	for (int i = 0; compound_surnames[i]; i++)
		if (strlen(compound_surnames[i]) == len && memcmp(compound_surnames[i], s, len) == 0)
			return 1;
	return 0;
}

/*
 * Writes s with its letters (non-separators) numbered 0..L-1 kept when
 * li < head or li >= L - tail, the others masked.
 */
static int emit(const char *s, size_t letters, size_t head, size_t tail, const results_mask_opts *o,
		char **out)
{
	const char *mask = o->mask ? o->mask : "*";
	rbuf b = {0};
	size_t i = 0, li = 0;
	int masked = 0;
	while (s[i]) {
		size_t at = i;
		uint32_t cp = results__utf8_next(s, &i);
		if (is_separator(cp)) {
			rbuf_put(&b, s + at, i - at);
			continue;
		}
		if (li < head || li >= letters - tail) {
			rbuf_put(&b, s + at, i - at);
		} else if (o->fixed <= 0) {
			rbuf_puts(&b, mask);
		} else if (!masked) {
			for (int k = 0; k < o->fixed; k++)
				rbuf_puts(&b, mask);
		}
		masked |= !(li < head || li >= letters - tail);
		li++;
	}
	*out = rbuf_take(&b);
	return *out ? RESULTS_OK : RESULTS_E_NOMEM;
}

static int check(const char *s, const results_mask_opts *o, char **out)
{
	if (!out || !o || o->fixed < 0 || o->fixed > 16 || o->id_keep < 0 ||
	    (o->mask && !results__utf8_ok(o->mask)))
		return RESULTS_E_INVALID;
	*out = NULL;
	if (!s)
		return RESULTS_E_INVALID;
	if (!results__utf8_ok(s))
		return RESULTS_E_UTF8;
	return RESULTS_OK;
}

int results_mask_name(const char *name, const results_mask_opts *o, char **out)
{
	if (!o)
		o = &results_mask_default;
	int rc = check(name, o, out);
	if (rc < 0)
		return rc;
	/* the letters, and where the first two are */
	size_t i = 0, letters = 0, first = 0, second_end = 0;
	int adjacent = 1;
	while (name[i]) {
		size_t at = i;
		uint32_t cp = results__utf8_next(name, &i);
		if (is_separator(cp)) {
			if (letters == 1)
				adjacent = 0;
			continue;
		}
		if (letters == 0)
			first = at;
		if (letters == 1)
			second_end = i;
		letters++;
	}
	if (letters == 0)
		return RESULTS_E_INVALID;
	size_t head = letters == 1 ? 0 : 1;
	if (letters >= 3 && adjacent && compound(name + first, second_end - first))
		head = 2;
	size_t tail = o->keep_last && head == 1 && letters >= 3 ? 1 : 0;
	return emit(name, letters, head, tail, o, out);
}

int results_mask_id(const char *id, const results_mask_opts *o, char **out)
{
	if (!o)
		o = &results_mask_default;
	int rc = check(id, o, out);
	if (rc < 0)
		return rc;
	size_t i = 0, letters = 0;
	while (id[i]) {
		results__utf8_next(id, &i);
		letters++;
	}
	if (letters == 0)
		return RESULTS_E_INVALID;
	size_t keep = (size_t)o->id_keep;
	if (letters <= keep)
		keep = letters / 2;
	/* an employee number has no separators: mask by position alone */
	rbuf b = {0};
	const char *mask = o->mask ? o->mask : "*";
	size_t li = 0;
	i = 0;
	while (id[i]) {
		size_t at = i;
		results__utf8_next(id, &i);
		if (li >= letters - keep)
			rbuf_put(&b, id + at, i - at);
		else if (o->fixed <= 0 || li == 0)
			for (int k = 0; k < (o->fixed > 0 ? o->fixed : 1); k++)
				rbuf_puts(&b, mask);
		li++;
	}
	*out = rbuf_take(&b);
	return *out ? RESULTS_OK : RESULTS_E_NOMEM;
}
