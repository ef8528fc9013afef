/*
 * fuzz_sheets.c - libFuzzer targets for the readers, one binary per format:
 * sheets/sheets.mk builds fuzz_sheets_csv (-DFUZZ_SHEETS_CSV) and
 * fuzz_sheets_xlsx (-DFUZZ_SHEETS_XLSX) from this file.
 *
 * CSV: the input is the file. XLSX: an input that starts with "PK" is the
 * whole zip; otherwise its first byte picks a part (sheet, shared strings,
 * styles, workbook) and the rest is that part's XML, packed with valid
 * other parts into a stored zip here, so the XML parsers get the mutations
 * instead of the zip's CRC check.
 *
 * Any input must be read whole or refused with an error that has a message,
 * never crash, leak or break a row's promises (ncells >= 1, an XLSX row's
 * last cell not empty, len == strlen, row numbers increasing). CSV rows also go
 * through the CSV writer and must read back with as many rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "sheets.h"

static void check_rows(sheets_reader *r, size_t *nrows)
{
	const sheets_row *row;
	uint32_t last = 0;
	int rc;
	while ((rc = sheets_next(r, &row)) == SHEETS_ROW) {
		if (row->ncells < 1 || row->num <= last)
			abort();
		if (sheets_reader_format(r) == SHEETS_XLSX &&
		    row->cells[row->ncells - 1].type == SHEETS_EMPTY)
			abort();
		for (uint32_t i = 0; i < row->ncells; i++)
			if (strlen(row->cells[i].s) != row->cells[i].len || row->cells[i].type > SHEETS_ERROR)
				abort();
		last = row->num;
		(*nrows)++;
	}
	if (rc < 0) {
		char *t = sheets_error_text(sheets_reader_error(r), "en");
		if (!t || rc != sheets_reader_error(r)->code)
			abort();
		free(t);
	}
}

#ifdef FUZZ_SHEETS_CSV

typedef struct sink {
	char *buf;
	size_t len;
} sink;

static int sink_write(void *ud, const void *data, size_t len)
{
	sink *s = ud;
	char *b = realloc(s->buf, s->len + len);
	if (!b)
		return -1;
	memcpy(b + s->len, data, len);
	s->buf = b;
	s->len += len;
	return 0;
}

/* Writes the rows of r as CSV into s; the number of rows written. */
static size_t rewrite(sheets_reader *r, sink *s)
{
	sheets_writer *w;
	size_t n = 0;
	if (sheets_writer_open_fn(&w, sink_write, s, NULL) < 0 || sheets_writer_sheet(w, "x", NULL, 0) < 0)
		abort();
	const sheets_row *row;
	sheets_value v[64];
	while (sheets_next(r, &row) == SHEETS_ROW) {
		for (uint32_t i = 0; i < row->ncells; i++)
			v[i] = sheets_text(row->cells[i].s);
		if (sheets_writer_row(w, v, row->ncells) < 0)
			abort(); /* the reader gave UTF-8 without NUL: the writer takes it */
		n++;
	}
	if (sheets_writer_finish(w) < 0)
		abort();
	sheets_writer_free(w);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sheets_read_opts o = {
		.name = "fuzz.csv", .format = SHEETS_CSV, .max_cols = 64, .max_cell_bytes = 4096};
	sheets_reader *r;
	size_t n = 0;
	if (sheets_open_mem(&r, data, size, &o) == 0) {
		check_rows(r, &n);
		if (sheets_reader_error(r)->code == 0) {
			sheets_select(r, 0);
			sink s = {0};
			size_t written = rewrite(r, &s);
			sheets_reader *again;
			sheets_read_opts o2 = {.name = "again.csv", .format = SHEETS_CSV, .delimiter = ','};
			size_t n2 = 0;
			if (sheets_open_mem(&again, s.buf ? s.buf : "", s.len, &o2) != 0)
				abort();
			check_rows(again, &n2);
			if (n2 != written || written != n || sheets_reader_error(again)->code)
				abort();
			sheets_close(again);
			free(s.buf);
		}
	} else if (r && !sheets_reader_error(r)->code) {
		abort();
	}
	sheets_close(r);
	return 0;
}

#else /* FUZZ_SHEETS_XLSX */

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define PKG "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""

typedef struct part {
	const char *name;
	const char *xml;
} part;

static part parts[] = {
	{"xl/worksheets/sheet1.xml",
	 "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
	 "<c r=\"B1\" s=\"1\"><v>46143</v></c></row></sheetData></worksheet>"},
	{"xl/sharedStrings.xml",
	 "<sst " NS "><si><t>工号</t></si><si><r><t>a</t></r><rPh><t>b</t></rPh></si></sst>"},
	{"xl/styles.xml",
	 "<styleSheet " NS "><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/></numFmts>"
	 "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"},
	{"xl/workbook.xml",
	 "<workbook " NS " xmlns:r=\"" REL "\"><sheets><sheet name=\"花名册\" sheetId=\"1\" "
	 "r:id=\"rId1\"/><sheet name=\"二\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>"},
	{"_rels/.rels", "<Relationships " PKG "><Relationship Id=\"rId1\" Type=\"" REL "/officeDocument\" "
			"Target=\"xl/workbook.xml\"/></Relationships>"},
	{"xl/_rels/workbook.xml.rels",
	 "<Relationships " PKG "><Relationship Id=\"rId1\" Type=\"" REL
	 "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	 "<Relationship Id=\"rId2\" Type=\"" REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	 "<Relationship Id=\"rId3\" Type=\"" REL "/styles\" Target=\"styles.xml\"/></Relationships>"},
};
#define NPARTS (sizeof parts / sizeof parts[0])

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

/* A stored (uncompressed) zip of the parts, part k's data replaced by (data, len). */
static unsigned char *pack(size_t k, const uint8_t *data, size_t len, size_t *out_len)
{
	size_t cap = len + 8192;
	unsigned char *z = calloc(1, cap), *cd = calloc(1, 4096);
	size_t off = 0, cdlen = 0;
	uint32_t offsets[NPARTS];
	for (size_t i = 0; i < NPARTS; i++) {
		const unsigned char *d = i == k ? data : (const unsigned char *)parts[i].xml;
		size_t n = i == k ? len : strlen(parts[i].xml), nl = strlen(parts[i].name);
		uint32_t crc = (uint32_t)crc32(0, d, (uInt)n);
		unsigned char *h = z + off;
		put32(h, 0x04034b50), put16(h + 4, 20), put32(h + 14, crc), put32(h + 18, (uint32_t)n);
		put32(h + 22, (uint32_t)n), put16(h + 26, (unsigned)nl);
		memcpy(h + 30, parts[i].name, nl);
		memcpy(h + 30 + nl, d, n);
		offsets[i] = (uint32_t)off;
		off += 30 + nl + n;
		unsigned char *c = cd + cdlen;
		put32(c, 0x02014b50), put16(c + 4, 20), put16(c + 6, 20), put32(c + 16, crc);
		put32(c + 20, (uint32_t)n), put32(c + 24, (uint32_t)n), put16(c + 28, (unsigned)nl);
		put32(c + 42, offsets[i]);
		memcpy(c + 46, parts[i].name, nl);
		cdlen += 46 + nl;
	}
	memcpy(z + off, cd, cdlen);
	unsigned char *e = z + off + cdlen;
	put32(e, 0x06054b50), put16(e + 8, NPARTS), put16(e + 10, NPARTS), put32(e + 12, (uint32_t)cdlen);
	put32(e + 16, (uint32_t)off);
	*out_len = off + cdlen + 22;
	free(cd);
	return z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *zip = NULL;
	size_t zlen = size;
	if (size < 2 || memcmp(data, "PK", 2) != 0) {
		if (size < 1 || size > 1 << 20)
			return 0;
		zip = pack(data[0] % 4, data + 1, size - 1, &zlen);
	}
	sheets_read_opts o = {.name = "fuzz.xlsx",
			      .max_rows = 5000,
			      .max_cols = 256,
			      .max_cell_bytes = 4096,
			      .max_part_bytes = 4 << 20};
	sheets_reader *r;
	if (sheets_open_mem(&r, zip ? zip : data, zlen, &o) == 0) {
		size_t n, rows = 0;
		const sheets_sheet *s = sheets_list(r, &n);
		for (size_t i = 0; i < n && !sheets_reader_error(r)->code; i++) {
			if (!s[i].name || sheets_select(r, i) < 0)
				break;
			check_rows(r, &rows);
		}
	} else if (r && !sheets_reader_error(r)->code) {
		abort();
	}
	sheets_close(r);
	free(zip);
	return 0;
}

#endif
