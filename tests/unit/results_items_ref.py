#!/usr/bin/env python3
"""results_items_ref.py - an independent reference for results/items.c.

Reads the sparse responses CSV that tests/unit/test_results_items.c writes
(attempt,item,max,noptions,x,answered,options; marks in milli-points, options
as "0;2") and prints the item statistics as JSON, in the shape of
results_analysis_json(), computed with Python's statistics module only
(statistics.mean/variance/stdev/covariance/correlation), so that the C code is
checked against a second implementation written from the formulas in
docs/results.md, not against itself.

usage: results_items_ref.py FILE.csv NATTEMPTS [GROUP EASY HARD NEGATIVE]
"""
import csv
import json
import math
import statistics as st
import sys


def main():
    path, nattempts = sys.argv[1], int(sys.argv[2])
    group, easy, hard, negative = (float(v) for v in (sys.argv[3:7] or (0.27, 0.9, 0.2, 0.0)))
    rows = []
    items = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            a, i = int(r["attempt"]), int(r["item"])
            items[i] = (int(r["max"]), int(r["noptions"]))
            opts = [int(o) for o in r["options"].split(";") if o != ""]
            rows.append((a, i, int(r["x"]), r["answered"] == "1", opts))
    nitems = max(items) + 1 if items else 0

    total = [0] * nattempts
    given = [0] * nattempts
    for a, i, x, _, _ in rows:
        total[a] += x
        given[a] += 1
    complete = [a for a in range(nattempts) if given[a] == nitems]

    # upper and lower groups: attempts by total (higher first, then by index)
    g = min(int(math.floor(group * nattempts + 0.5)), nattempts // 2)
    ranked = sorted(range(nattempts), key=lambda a: (-total[a], a))
    upper, lower = set(ranked[:g]), set(ranked[nattempts - g:]) if g else set()

    out_items = []
    var_items_complete = []
    pq = []
    for i in range(nitems):
        M, nopt = items.get(i, (1, 0))
        mine = [r for r in rows if r[1] == i]
        n = len(mine)
        xs = [r[2] for r in mine]
        ys = [total[r[0]] - r[2] for r in mine]
        fac = st.mean(xs) / M
        sd = st.stdev(xs) / M if n >= 2 else None
        try:
            r_pbis = st.correlation(xs, ys) if n >= 2 else None
        except st.StatisticsError:  # a constant list
            r_pbis = None
        de = None
        if n >= 2:
            cmax = st.covariance(sorted(xs), sorted(ys))
            if cmax > 0:
                de = 100 * st.covariance(xs, ys) / cmax
        up = [r[2] / M for r in mine if r[0] in upper]
        lo = [r[2] / M for r in mine if r[0] in lower]
        d27 = st.mean(up) - st.mean(lo) if up and lo else None
        shares = [sum(1 for r in mine if j in r[4]) / n for j in range(nopt)]
        blank = sum(1 for r in mine if not r[3]) / n
        flags = []
        if fac > easy:
            flags.append("easy")
        if fac < hard:
            flags.append("hard")
        if r_pbis is not None and r_pbis < negative:
            flags.append("negative")
        out_items.append({"n": n, "facility": fac, "sd": sd, "d27": d27, "r_pbis": r_pbis, "de": de,
                          "options": shares, "blank": blank, "flags": flags})
        cx = [r[2] for r in mine if given[r[0]] == nitems]
        if len(cx) >= 2:
            var_items_complete.append(st.variance(cx))
            p = st.mean(cx) / M
            pq.append(p * (1 - p))

    dich = all(x in (0, items[i][0]) for _, i, x, _, _ in rows)
    alpha = kr20 = sem = None
    ct = [total[a] for a in complete]
    if len(ct) >= 2 and nitems >= 2 and st.variance(ct) > 0:
        k = nitems
        alpha = k / (k - 1) * (1 - sum(var_items_complete) / st.variance(ct))
        sem = st.stdev(ct) * math.sqrt(max(0.0, 1 - alpha)) / 1000
        if dich:
            right = [sum(1 for r in rows if r[0] == a and r[2] == items[r[1]][0]) for a in complete]
            if st.pvariance(right) > 0:
                kr20 = k / (k - 1) * (1 - sum(pq) / st.pvariance(right))
    paper = {"attempts": nattempts, "complete": len(complete), "mean": st.mean(total) / 1000,
             "sd": st.stdev(total) / 1000 if nattempts >= 2 else None, "alpha": alpha, "kr20": kr20,
             "sem": sem, "dichotomous": dich}
    json.dump({"paper": paper, "items": out_items}, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
