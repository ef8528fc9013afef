#!/usr/bin/python3
"""make_banks.py - writes bank.xlsx and bank_bad.xlsx here with openpyxl (Debian's python3-openpyxl).

bank.xlsx holds the questions of ../csv/bank.csv as a person keeps them in Excel: digits
typed as numbers (options 110/119, points), a second sheet of instructions in Chinese.
tests/unit/test_import_csv.c checks that it imports to the very same bank as the CSV.
bank_bad.xlsx has one bad answer, to check that problems name the row and column.
Run it again (with /usr/bin/python3) after changing bank.csv; the outputs are committed.
"""
import csv
import os
import re

import openpyxl
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))


def typed(cell):
    if re.fullmatch(r"-?[1-9][0-9]*", cell):
        return int(cell)
    if re.fullmatch(r"-?[0-9]+\.[0-9]*[1-9]", cell):
        return float(cell)
    return cell if cell != "" else None


def write(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "题库"
    for row in rows:
        ws.append([typed(c) for c in row])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    info = wb.create_sheet("说明")
    info["A1"] = "第一行是表头；每行一道题；答案写选项字母，判断题写 对/错。"
    wb.save(path)


with open(os.path.join(HERE, "..", "csv", "bank.csv"), encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
write(os.path.join(HERE, "bank.xlsx"), rows)
bad = [list(r) for r in rows[:3]]
bad[2][7] = "E"  # s2: a letter with no option
write(os.path.join(HERE, "bank_bad.xlsx"), bad)
