#!/usr/bin/python3
"""xlsx_facts.py FILE.xlsx - what openpyxl (an independent reader) sees in a workbook, one fact a line.

  sheet<TAB>NAME<TAB>STATE<TAB>FREEZE          in workbook order
  width<TAB>SHEET<TAB>COLUMN<TAB>WIDTH         columns with a width set
  cell<TAB>SHEET<TAB>A1<TAB>TYPE<TAB>VALUE<TAB>BOLD<TAB>FORMAT
                                               TYPE is Python's (str, int, float, datetime,
                                               time, bool); VALUE repr()'d for numbers,
                                               isoformat() for dates, text with \\t \\n \\r \\\\ escaped
The C tests (tests/unit/test_sheets_write.c) look for the lines they expect.
"""
import datetime
import sys

import openpyxl


def text(v):
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (int, float)):
        return repr(v)
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    print(f"sheet\t{ws.title}\t{ws.sheet_state}\t{ws.freeze_panes}")
for ws in wb.worksheets:
    for key, dim in sorted(ws.column_dimensions.items()):
        if dim.width:
            print(f"width\t{ws.title}\t{key}\t{dim.width:.2f}")
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            print(f"cell\t{ws.title}\t{c.coordinate}\t{type(c.value).__name__}\t{text(c.value)}\t"
                  f"{int(bool(c.font and c.font.b))}\t{c.number_format}")
