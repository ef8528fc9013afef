/*
 * validate.c - field checks for incoming messages. Chinese names are the
 * common case: lengths count code points, not bytes, and the ideographic
 * space (U+3000) that Chinese input methods produce is trimmed like a space.
 * What a name may contain is a table of code point ranges, each with the
 * class that decides its fate: refused, whitespace (trimmed; not a name on
 * its own) or invisible (allowed beside visible characters only).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/utf8.h"
#include "live/validate.h"

enum cp_class {
	CP_VISIBLE = 0,
	CP_REFUSED,   /* controls, line separators, bidi embeddings/overrides/isolates */
	CP_SPACE,     /* Unicode White_Space: trimmed at the ends */
	CP_INVISIBLE, /* shows nothing: never a name alone */
};

/* Sorted by lo; every code point not listed is visible. */
static const struct cp_range {
	unsigned lo, hi;
	enum cp_class cls;
} cp_ranges[] = {
	{0x0000, 0x001F, CP_REFUSED},                                   /* C0 (tab, newline, NUL, ...) */
	{0x0020, 0x0020, CP_SPACE},       {0x007F, 0x009F, CP_REFUSED}, /* DEL, C1 (NEL) */
	{0x00A0, 0x00A0, CP_SPACE},                                     /* no-break space */
	{0x00AD, 0x00AD, CP_INVISIBLE},                                 /* soft hyphen */
	{0x034F, 0x034F, CP_INVISIBLE},                                 /* combining grapheme joiner */
	{0x061C, 0x061C, CP_INVISIBLE},                                 /* Arabic letter mark */
	{0x115F, 0x1160, CP_INVISIBLE},   /* Hangul choseong / jungseong fillers */
	{0x1680, 0x1680, CP_SPACE},       /* Ogham space mark */
	{0x17B4, 0x17B5, CP_INVISIBLE},   /* Khmer inherent vowels */
	{0x180B, 0x180F, CP_INVISIBLE},   /* Mongolian variation selectors, vowel separator */
	{0x2000, 0x200A, CP_SPACE},       /* en quad ... hair space */
	{0x200B, 0x200F, CP_INVISIBLE},   /* zero width space, (non-)joiner, LRM, RLM */
	{0x2028, 0x2029, CP_REFUSED},     /* line and paragraph separators */
	{0x202A, 0x202E, CP_REFUSED},     /* LRE RLE PDF LRO RLO */
	{0x202F, 0x202F, CP_SPACE},       /* narrow no-break space */
	{0x205F, 0x205F, CP_SPACE},       /* medium mathematical space */
	{0x2060, 0x2064, CP_INVISIBLE},   /* word joiner, invisible operators */
	{0x2065, 0x2065, CP_INVISIBLE},   /* unassigned, default ignorable */
	{0x2066, 0x2069, CP_REFUSED},     /* LRI RLI FSI PDI */
	{0x206A, 0x206F, CP_INVISIBLE},   /* deprecated format characters */
	{0x2800, 0x2800, CP_INVISIBLE},   /* braille pattern blank */
	{0x3000, 0x3000, CP_SPACE},       /* ideographic space */
	{0x3164, 0x3164, CP_INVISIBLE},   /* Hangul filler */
	{0xFE00, 0xFE0F, CP_INVISIBLE},   /* variation selectors */
	{0xFEFF, 0xFEFF, CP_INVISIBLE},   /* zero width no-break space (BOM) */
	{0xFFA0, 0xFFA0, CP_INVISIBLE},   /* halfwidth Hangul filler */
	{0xFFF9, 0xFFFB, CP_INVISIBLE},   /* interlinear annotation */
	{0x1D159, 0x1D159, CP_INVISIBLE}, /* musical symbol null notehead */
	{0x1D173, 0x1D17A, CP_INVISIBLE}, /* musical format characters */
	{0xE0000, 0xE0FFF, CP_INVISIBLE}, /* tags, variation selectors supplement */
};

static enum cp_class cp_class_of(unsigned cp)
{
	size_t lo = 0, hi = sizeof cp_ranges / sizeof cp_ranges[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < cp_ranges[mid].lo)
			hi = mid;
		else if (cp > cp_ranges[mid].hi)
			lo = mid + 1;
		else
			return cp_ranges[mid].cls;
	}
	return CP_VISIBLE;
}

int validate_text_why(const char *s, size_t min, size_t max, char **out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), b = len, e = 0, count = 0, shown = 0;
	unsigned cp;

	/* One pass: the encoding and the refused characters over the whole string;
	 * [b, e) runs from the first to the end of the last character that is not
	 * whitespace; count and shown are the characters in it and the visible ones. */
	for (size_t i = 0; i < len;) {
		int n = utf8_decode(p + i, len - i, &cp);
		if (n < 0)
			return VALIDATE_ENCODING;
		enum cp_class cls = cp_class_of(cp);
		if (cls == CP_REFUSED)
			return VALIDATE_REFUSED;
		if (cls != CP_SPACE) {
			if (b == len)
				b = i;
			e = i + (size_t)n;
		}
		shown += cls == CP_VISIBLE;
		i += (size_t)n;
	}
	if (b == len)
		b = e = 0;
	count = (size_t)utf8_count(s + b, e - b);
	if (count && !shown)
		return VALIDATE_INVISIBLE;
	if (count < min)
		return count ? VALIDATE_TOO_SHORT : VALIDATE_EMPTY;
	if (count > max)
		return VALIDATE_TOO_LONG;
	if (out) {
		*out = malloc(e - b + 1);
		if (!*out)
			return VALIDATE_NOMEM;
		memcpy(*out, s + b, e - b);
		(*out)[e - b] = '\0';
	}
	return VALIDATE_OK;
}

int validate_text(const char *s, size_t min, size_t max, char **out)
{
	int why = validate_text_why(s, min, max, out);
	return why == VALIDATE_OK ? SA_OK : why == VALIDATE_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
}

int validate_name(const char *s, char **out)
{
	int rc = validate_text(s, 1, 64, out);
	return rc == SA_E_INVALID_FIELD ? SA_E_INVALID_NAME : rc;
}

int validate_unit(const char *s, char **out) { return validate_text(s, 0, 64, out); }

/* 0 if s has min..max characters of [A-Za-z0-9-_]. */
static int plain_token(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return SA_E_INVALID_FIELD;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return SA_E_INVALID_FIELD;
	return SA_OK;
}

int validate_employee_no(const char *s, char **out)
{
	if (plain_token(s, 0, 32))
		return SA_E_INVALID_FIELD;
	if (out && !(*out = strdup(s)))
		return SA_E_INTERNAL;
	return SA_OK;
}

int validate_device_key(const char *s) { return plain_token(s, 16, 64); }

int validate_rid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return SA_E_INVALID_FIELD;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return SA_E_INVALID_FIELD;
	return SA_OK;
}

int validate_code(const char *s, char out[17])
{
	size_t n = strlen(s);
	if (n < 4 || n > 16)
		return SA_E_UNKNOWN_CONTEST;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]))
			return SA_E_UNKNOWN_CONTEST;
		out[i] = (char)toupper((unsigned char)s[i]);
	}
	out[n] = '\0';
	return SA_OK;
}
