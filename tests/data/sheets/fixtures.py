#!/usr/bin/python3
"""fixtures.py OUTDIR [read|hostile] - spreadsheets for the sheets/ unit tests.

Written by libraries independent of sheets/: openpyxl (Debian's
python3-openpyxl; run with /usr/bin/python3, which sees Debian's modules)
for the workbooks a person would make, Python's zipfile for the hand-made
and hostile ones, Python's codecs for GBK and UTF-16 text. The expected
values live in the C tests (tests/unit/test_sheets_*.c).

  read     roster.xlsx, date1904.xlsx, handmade.xlsx, isodates.xlsx, CSVs
  hostile  zip bombs, billion laughs, external entity, truncated and corrupted
           zips, 10^6 columns, rows and columns past Excel's limits, a sparse sheet, bad XML,
           a missing workbook, an OLE (.xls) header, a zip of 20,000 entries, 10,001 sheets,
           100,000 shared strings
"""
import datetime
import io
import os
import sys
import zipfile

NAME64 = "中华人民共和国劳动竞赛技能比武第一届全国电力行业职业技能竞赛变电站值班员项目个人赛决赛选手名单与成绩汇总表一二三四五六七"[:64]


def roster(path):
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["工号", "姓名", "单位", "手机尾号", "入职日期", "成绩", "在岗"])
    ws["A1"].font = Font(bold=True)
    # row 2: a worker as HR keeps one
    ws.append(["00012", "张三", "电力公司/第一分厂/检修车间/一班", "0371",
               datetime.date(2020, 3, 1), 95.5, True])
    ws["E2"].number_format = "yyyy-mm-dd"
    # row 3: numbers that must not turn into 1.23E+10
    ws.append([12345678901, "李四", NAME64, 371, datetime.datetime(2026, 5, 1, 9, 30, 15), 0.1, False])
    ws["E3"].number_format = "yyyy-mm-dd hh:mm:ss"
    # row 4: more numbers
    ws.append([-3.5, 1e-7, 1e21, 3.3333333333333335, 123456789012345678, 0, 2 ** 53])
    # row 5 left blank; row 6 has a gap: only C6 and E6
    ws["C6"] = "王五"
    ws["E6"] = datetime.time(9, 30)
    ws["E6"].number_format = "hh:mm"
    # row 7: Chinese date formats, Lotus' 1900 leap year, zeros-only format
    ws["A7"] = datetime.date(2026, 12, 5)
    ws["A7"].number_format = 'yyyy"年"m"月"d"日"'
    ws["B7"] = datetime.date(1900, 2, 28)
    ws["B7"].number_format = "yyyy-mm-dd"
    ws["C7"] = datetime.date(1900, 3, 1)
    ws["C7"].number_format = "yyyy-mm-dd"
    ws["D7"] = 12
    ws["D7"].number_format = "00000"
    ws["E7"] = datetime.date(2026, 1, 2)
    ws["E7"].number_format = "mm-dd-yy"  # openpyxl maps it to the built-in id 14
    ws["F7"] = 1.5
    ws["F7"].number_format = "[h]:mm"  # elapsed time stays a number
    ws["G7"] = 0.25
    ws["G7"].number_format = "0.00%"
    # row 8: a formula (openpyxl stores no cached value) and merged cells
    ws["A8"] = "=1+2"
    ws["B8"] = "合并"
    ws.merge_cells("B8:D8")
    ws["E8"] = "  前后空格  "
    ws["F8"] = "第一行\n第二行"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    long = wb.create_sheet("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一")  # 31
    long["B2"] = "x"
    wb.save(path)


def date1904(path):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Mac"
    ws["A1"] = datetime.date(2026, 5, 1)
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["B1"] = datetime.datetime(1904, 1, 1, 12, 0, 0)
    ws["B1"].number_format = "yyyy-mm-dd hh:mm:ss"
    ws["C1"] = 42
    wb.save(path)


def isodates(path):
    import openpyxl

    wb = openpyxl.Workbook(iso_dates=True)
    ws = wb.active
    ws["A1"] = datetime.datetime(2026, 5, 1, 8, 0, 0)
    wb.save(path)


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def package(path, sheet, sst=None, styles=None, extra=None, workbook=None, sheet_target="worksheets/sheet1.xml"):
    """A minimal workbook around a sheet's XML, written with Python's zipfile."""
    rels = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="{sheet_target}"/>']
    if sst is not None:
        rels.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        z.writestr("_rels/.rels", f'<Relationships {PKG}><Relationship Id="rId1" '
                   f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", workbook or f'<workbook {NS} {RNS}><sheets>'
                   '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships {PKG}>{"".join(rels)}</Relationships>')
        if sst is not None:
            z.writestr("xl/sharedStrings.xml", sst)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
        if sheet is not None:
            z.writestr("xl/" + sheet_target.lstrip("/").removeprefix("xl/"), sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def handmade(path):
    """What openpyxl does not write: rich text, phonetic runs, inline strings, cached formula values,
    booleans, errors, _xHHHH_ escapes, prefixed namespaces, cells and rows without r."""
    sst = (f'<sst {NS} count="4" uniqueCount="4">'
           "<si><t>纯文本</t></si>"
           '<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve">文本 </t></r>'
           "<rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh><phoneticPr fontId=\"1\"/></si>"
           "<si><t>回车_x000D_换行_x005F_x0041_</t></si>"
           "<si><t>A&amp;B &lt;c&gt;</t></si>"
           "</sst>")
    styles = (f'<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d;@"/></numFmts>'
              '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="31"/><xf numFmtId="49"/></cellXfs>'
              "</styleSheet>")
    sheet = (f'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<x:dimension ref="A1:F4"/><x:sheetData>'
             '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
             '<x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c></x:row>'
             '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c>'
             '<x:c r="B2" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>内联</x:t></x:r>'
             '<x:rPh><x:t>x</x:t></x:rPh></x:is></x:c>'
             '<x:c r="C2" t="str"><x:f>CONCAT("a","b")</x:f><x:v>ab</x:v></x:c>'
             '<x:c r="D2"><x:f>1+2</x:f><x:v>3</x:v></x:c>'
             '<x:c r="E2" t="b"><x:v>1</x:v></x:c><x:c r="F2" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>'
             '<x:row><x:c><x:v>1</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c r="E3" s="1"><x:v>46143</x:v></x:c>'
             '<x:c s="2"><x:v>46143.5</x:v></x:c></x:row>'
             '<x:row r="4"><x:c r="C4"><x:v>2</x:v></x:c><x:c r="A4"><x:v>1</x:v></x:c>'
             '<x:c r="B4" t="d"><x:v>2026-05-01T08:00:00</x:v></x:c><x:c r="D4" s="3"><x:v>7</x:v></x:c>'
             '<x:c r="E4" t="str"><x:f>A1</x:f></x:c><x:c r="F4" s="1"/></x:row>'
             '<x:row r="5"><x:c><x:v>3.3333333333333335</x:v></x:c><x:c><x:v>0.30000000000000004</x:v></x:c>'
             '<x:c><x:v>123456789012345678</x:v></x:c><x:c><x:v>1.0E-3</x:v></x:c><x:c><x:v>-0</x:v></x:c>'
             '<x:c><x:v>00012</x:v></x:c><x:c><x:v> 7</x:v></x:c></x:row>'
             "</x:sheetData>"
             '<x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>')
    # the sheet's part named by an absolute target, as some writers do
    package(path, sheet, sst=sst, styles=styles, sheet_target="/xl/worksheets/data.xml")


def csvs(out):
    text = "工号,姓名,单位\r\n00012,张三,\"电力公司/第一分厂\"\r\n00013,\"李\"\"四\",\"多行\r\n单位\"\r\n"
    with open(os.path.join(out, "roster_gbk.csv"), "wb") as f:
        f.write(text.encode("gbk"))
    with open(os.path.join(out, "roster_bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with open(os.path.join(out, "roster_utf8.csv"), "wb") as f:
        f.write(text.replace("\r\n", "\n").encode("utf-8"))
    with open(os.path.join(out, "roster_utf16.txt"), "wb") as f:
        f.write(text.replace(",", "\t").encode("utf-16"))  # BOM + little-endian, as Excel's "Unicode text"
    with open(os.path.join(out, "roster_gb18030.csv"), "wb") as f:
        f.write("工号,姓名\r\n1,𠀀字\r\n".encode("gb18030"))  # a character beyond GBK


def bomb(path, part, size):
    """A part of `size` bytes of one repeated row that deflates to almost nothing."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("_rels/.rels", f'<Relationships {PKG}><Relationship Id="rId1" '
                   f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {NS} {RNS}><sheets>'
                   '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships {PKG}>'
                   f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                   "</Relationships>")
        parts = {"xl/worksheets/sheet1.xml": f"<worksheet {NS}><sheetData>",
                 "xl/sharedStrings.xml": f"<sst {NS}><si><t>x</t></si>"}
        for name, head in parts.items():
            if name != part:
                z.writestr(name, head + ("</sheetData></worksheet>" if "sheet" in name else "</sst>"))
                continue
            if size <= 64 << 20:  # in one piece: the headers carry the sizes (lying_bomb edits them)
                z.writestr(name, head + " " * size)
                continue
            with z.open(name, "w") as f:
                f.write(head.encode())
                chunk = b" " * (1 << 20)
                for _ in range(size >> 20):
                    f.write(chunk)


def lying_bomb(src, dst, part):
    """Rewrites the declared uncompressed size of `part` to 1 KiB in both headers."""
    data = bytearray(open(src, "rb").read())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    name = part.encode()
    # local header: sizes at offset 22; central directory entry: at offset 24
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            nlen_off = 26 if sig == b"PK\x03\x04" else 28
            nlen = int.from_bytes(data[pos + nlen_off:pos + nlen_off + 2], "little")
            hdr = 30 if sig == b"PK\x03\x04" else 46
            if data[pos + hdr:pos + hdr + nlen] == name and info.file_size < 0xFFFFFFFF:
                data[pos + off:pos + off + 4] = (1024).to_bytes(4, "little")
            pos += 4
    open(dst, "wb").write(bytes(data))


def hostile(out):
    p = lambda n: os.path.join(out, n)
    bomb(p("bomb_sheet.xlsx"), "xl/worksheets/sheet1.xml", 300 << 20)  # past the 256 MiB default
    bomb(p("bomb_sst.xlsx"), "xl/sharedStrings.xml", 300 << 20)
    bomb(p("bomb_small.xlsx"), "xl/worksheets/sheet1.xml", 16 << 20)  # for a test with a 1 MiB cap
    lying_bomb(p("bomb_small.xlsx"), p("bomb_lying.xlsx"), "xl/worksheets/sheet1.xml")
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)) + "]>"
    package(p("laughs.xlsx"), laughs + f"<worksheet {NS}><sheetData><row><c t=\"inlineStr\"><is><t>&lol9;"
            "</t></is></c></row></sheetData></worksheet>")
    package(p("laughs_sst.xlsx"), f"<worksheet {NS}/>", sst=laughs + f"<sst {NS}><si><t>&lol9;</t></si></sst>")
    package(p("external.xlsx"), '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f"<worksheet {NS}><sheetData><row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row>"
            "</sheetData></worksheet>")
    good = io.BytesIO()
    package(good, f"<worksheet {NS}><sheetData><row><c t=\"inlineStr\"><is><t>{'数据' * 5000}</t></is></c>"
            "</row></sheetData></worksheet>")
    data = good.getvalue()
    open(p("truncated.xlsx"), "wb").write(data[: len(data) // 2])
    # corrupt the sheet's compressed bytes, keep the headers: a CRC or inflate error when read
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    bad = bytearray(data)
    for i in range(start + 20, start + 60):
        bad[i] ^= 0x5A
    open(p("corrupt.xlsx"), "wb").write(bytes(bad))
    package(p("columns.xlsx"), f"<worksheet {NS}><sheetData><row>" + "<c><v>1</v></c>" * 1000000
            + "</row></sheetData></worksheet>")
    package(p("xfe.xlsx"), f'<worksheet {NS}><sheetData><row r="1"><c r="XFE1"><v>1</v></c></row>'
            "</sheetData></worksheet>")
    package(p("rows.xlsx"), f'<worksheet {NS}><sheetData><row r="1048577"><c><v>1</v></c></row>'
            "</sheetData></worksheet>")
    package(p("rows_back.xlsx"), f'<worksheet {NS}><sheetData><row r="5"><c><v>1</v></c></row>'
            '<row r="3"><c><v>2</v></c></row></sheetData></worksheet>')
    package(p("dup_cell.xlsx"), f'<worksheet {NS}><sheetData><row r="1"><c r="B1"><v>1</v></c>'
            '<c r="B1"><v>2</v></c></row></sheetData></worksheet>')
    package(p("bad_xml.xlsx"), f"<worksheet {NS}><sheetData>\n<row><c><v>1</v></row>\n</sheetData></worksheet>")
    package(p("bad_sst_index.xlsx"), f'<worksheet {NS}><sheetData><row><c t="s"><v>7</v></c></row>'
            "</sheetData></worksheet>", sst=f"<sst {NS}><si><t>only</t></si></sst>")
    package(p("bad_number.xlsx"), f'<worksheet {NS}><sheetData><row><c r="C1"><v>12abc</v></c></row>'
            "</sheetData></worksheet>")
    package(p("sparse.xlsx"), f"<worksheet {NS}><sheetData>" + "".join(
        f'<row r="{i}"><c r="XFD{i}"><v>1</v></c></row>' for i in range(1, 5001)) + "</sheetData></worksheet>")
    package(p("many_sheets.xlsx"), f"<worksheet {NS}/>", workbook=f'<workbook {NS} {RNS}><sheets>' + "".join(
        f'<sheet name="s{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, 10002)) + "</sheets></workbook>")
    package(p("many_si.xlsx"), f"<worksheet {NS}/>", sst=f"<sst {NS}>" + "<si/>" * 100000 + "</sst>")
    package(p("long_cell.xlsx"), f'<worksheet {NS}><sheetData><row><c t="inlineStr"><is><t>{"x" * 200000}'
            "</t></is></c></row></sheetData></worksheet>")
    package(p("no_sheet_part.xlsx"), None)
    with zipfile.ZipFile(p("no_workbook.xlsx"), "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with zipfile.ZipFile(p("many_entries.xlsx"), "w", zipfile.ZIP_STORED) as z:
        for i in range(20000):
            z.writestr(f"x/{i}", b"")
    open(p("old.xls"), "wb").write(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + b"\0" * 504)


def main():
    out, what = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "read")
    os.makedirs(out, exist_ok=True)
    if what == "read":
        roster(os.path.join(out, "roster.xlsx"))
        date1904(os.path.join(out, "date1904.xlsx"))
        isodates(os.path.join(out, "isodates.xlsx"))
        handmade(os.path.join(out, "handmade.xlsx"))
        csvs(out)
    elif what == "hostile":
        hostile(out)
    else:
        sys.exit("usage: fixtures.py OUTDIR [read|hostile]")


if __name__ == "__main__":
    main()
