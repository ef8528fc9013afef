#!/usr/bin/env python3
"""tools/gen-figures-bank.py - writes contests/banks/workplace-figures.json.

A bank of rule-and-figure questions for mass knowledge contests: each
question applies one rule of law or one formula to other figures, so every
question is computed, not invented, and its explanation cites the rule:

  comp          economic compensation, Labour Contract Law art. 47
  probation     longest probation period, Labour Contract Law art. 19
  annual-leave  paid annual leave, Regulations on Paid Annual Leave of
                Employees art. 3
  overtime      overtime pay, Labour Law art. 44
  ohm           Ohm's law, I = U / R
  power         electric power and energy, P = U I, W = P t
  resistors     resistors in series and in parallel
  three-phase   line and phase voltage of a star-connected supply

Deterministic: run it again and the file is the same. `skillarena validate
contests/banks/workplace-figures.json` checks it (make validate-samples).
"""
import json
import os
import sys

OUT = os.path.join(os.path.dirname(__file__), '..', 'contests', 'banks', 'workplace-figures.json')
questions = []


def num(x):
    """A number as people write it: 1.5, 2, 0.25 (no trailing zeros)."""
    s = f'{x:.4f}'.rstrip('0').rstrip('.')
    return s if s != '-0' else '0'


def add(q):
    questions.append(q)


def single(qid, cat, text, options, right, expl, difficulty='medium'):
    """options: their texts; right: the text of the right one (every text distinct)."""
    opts = list(dict.fromkeys(options))
    assert right in opts and len(opts) == len(options) >= 3, (qid, options)
    add({'id': qid, 'type': 'single_choice', 'category': cat, 'difficulty': difficulty, 'text': text,
         'options': opts, 'answer': opts.index(right), 'explanation': expl})


def numeric(qid, cat, text, value, expl, unit=None, tolerance=None, difficulty='medium'):
    q = {'id': qid, 'type': 'numeric', 'category': cat, 'difficulty': difficulty, 'text': text,
         'answer': {'value': value, 'tolerance': tolerance} if tolerance else value, 'explanation': expl}
    if unit:
        q['unit'] = unit
    add(q)


# ---- economic compensation (劳动合同法第四十七条) --------------------------------------
COMP_RULE = ('《劳动合同法》第四十七条：经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资；'
             '六个月以上不满一年的，按一年计算；不满六个月的，支付半个月工资。')


def comp_months(years, months):
    return years + (1 if months >= 6 else 0.5 if months > 0 else 0)


k = 0
for years in range(0, 11):
    for months in (0, 3, 6, 9):
        if years == 0 and months == 0:
            continue
        k += 1
        right = comp_months(years, months)
        served = f'{years} 年' if months == 0 else (f'{months} 个月' if years == 0 else f'{years} 年 {months} 个月')
        cands = sorted({right, right + 0.5, max(0.5, right - 0.5), right + 1, years + months / 12})
        cands = [c for c in cands if c > 0][:4]
        if right not in cands:
            cands = [right] + cands[:3]
        single(f'comp-{k:02d}', 'comp',
               f'劳动者在本单位工作了 {served}，劳动合同依法解除、用人单位应支付经济补偿时，'
               f'经济补偿为几个月的工资（月工资不高于当地职工月平均工资三倍）？',
               [f'{num(c)} 个月' for c in sorted(cands)], f'{num(right)} 个月',
               COMP_RULE + f'工作 {served}，应支付 {num(right)} 个月工资。',
               'easy' if months == 0 else 'medium')

# ---- probation (劳动合同法第十九条) ---------------------------------------------------------
PROB_RULE = ('《劳动合同法》第十九条：劳动合同期限三个月以上不满一年的，试用期不得超过一个月；'
             '一年以上不满三年的，不得超过二个月；三年以上固定期限和无固定期限的，不得超过六个月。'
             '以完成一定工作任务为期限或者期限不满三个月的，不得约定试用期。')
PROB_OPTS = ['不得约定试用期', '1 个月', '2 个月', '3 个月', '6 个月']


def probation(months):
    if months < 3:
        return '不得约定试用期'
    if months < 12:
        return '1 个月'
    if months < 36:
        return '2 个月'
    return '6 个月'


for k, months in enumerate([1, 2, 3, 4, 6, 9, 11, 12, 18, 24, 30, 35, 36, 48, 60, 120], 1):
    length = f'{months // 12} 年' if months % 12 == 0 else f'{months} 个月'
    single(f'prob-{k:02d}', 'probation', f'签订期限为 {length} 的固定期限劳动合同，试用期最长可以约定多久？',
           PROB_OPTS, probation(months), PROB_RULE)
single('prob-17', 'probation', '签订无固定期限劳动合同，试用期最长可以约定多久？', PROB_OPTS, '6 个月', PROB_RULE)
single('prob-18', 'probation', '以完成一定工作任务为期限的劳动合同，试用期最长可以约定多久？', PROB_OPTS,
       '不得约定试用期', PROB_RULE)

# ---- paid annual leave (职工带薪年休假条例第三条) ----------------------------------------------
LEAVE_RULE = ('《职工带薪年休假条例》第三条：职工累计工作已满 1 年不满 10 年的，年休假 5 天；'
              '已满 10 年不满 20 年的，年休假 10 天；已满 20 年的，年休假 15 天。'
              '国家法定休假日、休息日不计入年休假的假期。')


def leave(years):
    return 5 if years < 10 else 10 if years < 20 else 15


for k, years in enumerate([1, 2, 5, 8, 9, 10, 11, 15, 19, 20, 21, 25, 30, 35], 1):
    single(f'leave-{k:02d}', 'annual-leave', f'职工累计工作已满 {years} 年（不满 {years + 1} 年），每年可享受带薪年休假多少天？',
           ['5 天', '10 天', '15 天', '20 天'], f'{leave(years)} 天', LEAVE_RULE, 'easy')

# ---- overtime pay (劳动法第四十四条) -------------------------------------------------------
OT_RULE = ('《劳动法》第四十四条：安排劳动者延长工作时间的，支付不低于工资的百分之一百五十的工资报酬；'
           '休息日安排劳动者工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬；'
           '法定休假日安排劳动者工作的，支付不低于工资的百分之三百的工资报酬。')
k = 0
for wage in (160, 200, 240, 280, 320, 360, 400):
    for kind, rate, what in (('rest', 2, '休息日安排工作一天且不能安排补休'),
                             ('holiday', 3, '法定休假日安排工作一天')):
        k += 1
        numeric(f'ot-{k:02d}', 'overtime', f'某职工日工资为 {wage} 元，{what}，用人单位至少应支付多少元工资报酬？',
                wage * rate, OT_RULE + f'{wage} × {rate * 100}% = {wage * rate} 元。', unit='元')
for hourly in (20, 25, 30, 40, 50):
    for hours in (2, 3):
        k += 1
        pay = hourly * hours * 1.5
        numeric(f'ot-{k:02d}', 'overtime',
                f'某职工小时工资为 {hourly} 元，工作日延长工作时间 {hours} 小时，用人单位至少应支付多少元工资报酬？',
                pay, OT_RULE + f'{hourly} × {hours} × 150% = {num(pay)} 元。', unit='元')

# ---- Ohm's law -----------------------------------------------------------------------------------
OHM = '欧姆定律：I = U / R，U = I × R，R = U / I。'
k = 0
for u, r in ((12, 4), (12, 6), (24, 8), (24, 12), (36, 9), (36, 12), (110, 22), (110, 55), (220, 44),
             (220, 110), (220, 55), (380, 76), (380, 190), (6, 3), (9, 18), (48, 16)):
    k += 1
    i = u / r
    numeric(f'ohm-{k:02d}', 'ohm', f'电阻为 {r} Ω 的电阻器两端加 {u} V 电压，通过它的电流是多少安？', i,
            OHM + f'I = {u} ÷ {r} = {num(i)} A。', unit='A', tolerance=0.01 if i != int(i) else None,
            difficulty='easy')
for i, r in ((0.5, 20), (2, 10), (1.5, 8), (4, 5), (0.2, 100), (3, 40), (0.25, 48), (5, 44)):
    k += 1
    u = i * r
    right = f'{num(u)} V'
    single(f'ohm-{k:02d}', 'ohm', f'{num(i)} A 的电流通过 {r} Ω 的电阻，电阻两端的电压是多少？',
           [right, f'{num(u * 2)} V', f'{num(r / i)} V' if r / i != u else f'{num(u / 2)} V', f'{num(i + r)} V'],
           right, OHM + f'U = {num(i)} × {r} = {num(u)} V。', 'easy')
for u, i in ((220, 2), (220, 0.5), (12, 3), (36, 0.6), (380, 4), (24, 1.2)):
    k += 1
    r = u / i
    numeric(f'ohm-{k:02d}', 'ohm', f'某负载接在 {u} V 电源上，测得电流为 {num(i)} A，该负载的电阻是多少欧？', r,
            OHM + f'R = {u} ÷ {num(i)} = {num(r)} Ω。', unit='Ω', tolerance=0.5 if r != int(r) else None)

# ---- power and energy ----------------------------------------------------------------------------
PWR = '电功率 P = U × I；电能 W = P × t，1 千瓦时（度）= 1000 W × 1 h。'
k = 0
for u, i in ((220, 5), (220, 10), (220, 0.5), (380, 10), (36, 2), (12, 3), (220, 4.5), (110, 2)):
    k += 1
    numeric(f'pwr-{k:02d}', 'power', f'用电器接在 {u} V 电源上，电流为 {num(i)} A，它的功率是多少瓦？', u * i,
            PWR + f'P = {u} × {num(i)} = {num(u * i)} W。', unit='W', difficulty='easy')
for p, h in ((1000, 1), (1000, 3), (2000, 2), (1500, 4), (100, 10), (60, 50), (800, 5), (40, 25), (2200, 0.5),
             (500, 6)):
    k += 1
    kwh = p * h / 1000
    right = f'{num(kwh)} 千瓦时'
    single(f'pwr-{k:02d}', 'power', f'一台 {p} W 的用电器连续工作 {num(h)} 小时，消耗电能多少？',
           [right, f'{num(kwh * 10)} 千瓦时', f'{num(p * h)} 千瓦时', f'{num(kwh / 2)} 千瓦时'], right,
           PWR + f'W = {p} W × {num(h)} h = {num(p * h)} W·h = {num(kwh)} 千瓦时。')
for p, u in ((2200, 220), (1100, 220), (440, 220), (3800, 380), (60, 12), (1500, 220)):
    k += 1
    i = p / u
    numeric(f'pwr-{k:02d}', 'power', f'额定功率 {p} W、额定电压 {u} V 的用电器正常工作时，电流是多少安？', i,
            PWR + f'I = P ÷ U = {p} ÷ {u} = {num(i)} A。', unit='A', tolerance=0.01 if i != int(i) else None)

# ---- resistors -----------------------------------------------------------------------------------
RES = '串联电阻：R = R1 + R2 + …；两个电阻并联：R = R1 × R2 ÷ (R1 + R2)；n 个相同电阻 R 并联：R ÷ n。'
k = 0
for rs in ((10, 20), (5, 15, 30), (100, 220), (4, 6, 10), (47, 53), (1, 2, 3, 4), (12, 18), (33, 67, 100)):
    k += 1
    numeric(f'res-{k:02d}', 'resistors', f'阻值分别为 {"、".join(f"{r} Ω" for r in rs)} 的电阻串联，总电阻是多少欧？',
            sum(rs), RES + f'R = {" + ".join(str(r) for r in rs)} = {sum(rs)} Ω。', unit='Ω', difficulty='easy')
for r1, r2 in ((6, 3), (10, 10), (12, 4), (20, 30), (60, 30), (100, 25), (8, 24), (40, 60)):
    k += 1
    r = r1 * r2 / (r1 + r2)
    right = f'{num(r)} Ω'
    single(f'res-{k:02d}', 'resistors', f'{r1} Ω 与 {r2} Ω 两个电阻并联，等效电阻是多少？',
           [right, f'{r1 + r2} Ω', f'{num((r1 + r2) / 2)} Ω' if (r1 + r2) / 2 != r else f'{num(r * 3)} Ω',
            f'{num(r / 2)} Ω'], right, RES + f'R = {r1} × {r2} ÷ ({r1} + {r2}) = {num(r)} Ω。')
for r, n in ((100, 2), (60, 3), (40, 4), (120, 5), (220, 10)):
    k += 1
    numeric(f'res-{k:02d}', 'resistors', f'{n} 个阻值都是 {r} Ω 的电阻并联，等效电阻是多少欧？', r / n,
            RES + f'R = {r} ÷ {n} = {num(r / n)} Ω。', unit='Ω', tolerance=0.01 if r % n else None)

# ---- three-phase ---------------------------------------------------------------------------------
TP = '三相四线制星形连接中，线电压等于相电压的 √3 倍（约 1.732 倍），线电压超前相应的相电压 30°。'
for k, (phase, line) in enumerate(((220, 380), (127, 220), (6000 / 1.732, 6000), (10000 / 1.732, 10000)), 1):
    if k <= 2:
        single(f'tp-{k:02d}', 'three-phase', f'星形连接的三相电源，相电压为 {num(phase)} V，线电压约为多少？',
               [f'{line} V', f'{num(phase)} V', f'{num(phase * 2)} V', f'{num(line * 1.732)} V'], f'{line} V',
               TP + f'{num(phase)} × 1.732 ≈ {line} V。')
    else:
        numeric(f'tp-{k:02d}', 'three-phase', f'星形连接的三相系统，线电压为 {line} V，相电压约为多少伏？',
                round(phase), TP + f'{line} ÷ 1.732 ≈ {round(phase)} V。', unit='V', tolerance=5, difficulty='hard')
single('tp-05', 'three-phase', '三相四线制低压供电系统中，照明负载（220 V）应接在哪两线之间？',
       ['相线与中性线之间', '两根相线之间', '相线与保护线之间', '中性线与保护线之间'], '相线与中性线之间',
       TP + '我国低压配电线电压 380 V、相电压 220 V，220 V 照明负载接在相线与中性线之间。', 'easy')

bank = {
    'format': 'skillarena-bank/1',
    'id': 'workplace-figures',
    'title': {'zh-CN': '劳动法规与电工计算题库', 'en': 'Labour rules and electrical figures'},
    'description': {
        'zh-CN': '按法律条文和电工公式计算的题目：经济补偿、试用期、年休假、加班工资，欧姆定律、功率电能、电阻串并联、三相电压。'
                 '由 tools/gen-figures-bank.py 生成，每题的解析给出所依据的条文或公式。',
        'en': 'Questions computed from statutes and formulas: compensation, probation, annual leave, overtime pay; '
              "Ohm's law, power and energy, resistors, three-phase voltages. Generated by tools/gen-figures-bank.py.",
    },
    'source': '《中华人民共和国劳动合同法》第十九条、第四十七条；《中华人民共和国劳动法》第四十四条；《职工带薪年休假条例》第三条；电工基础公式',
    'categories': [
        {'id': 'comp', 'title': {'zh-CN': '经济补偿', 'en': 'Severance pay'}},
        {'id': 'probation', 'title': {'zh-CN': '试用期', 'en': 'Probation'}},
        {'id': 'annual-leave', 'title': {'zh-CN': '带薪年休假', 'en': 'Paid annual leave'}},
        {'id': 'overtime', 'title': {'zh-CN': '加班工资', 'en': 'Overtime pay'}},
        {'id': 'ohm', 'title': {'zh-CN': '欧姆定律', 'en': "Ohm's law"}},
        {'id': 'power', 'title': {'zh-CN': '功率与电能', 'en': 'Power and energy'}},
        {'id': 'resistors', 'title': {'zh-CN': '电阻串并联', 'en': 'Resistors'}},
        {'id': 'three-phase', 'title': {'zh-CN': '三相电压', 'en': 'Three-phase voltage'}},
    ],
    'questions': questions,
}
ids = [q['id'] for q in questions]
assert len(ids) == len(set(ids)), 'duplicate ids'
with open(OUT, 'w', encoding='utf-8') as f:
    json.dump(bank, f, ensure_ascii=False, indent=1)
    f.write('\n')
print(f'{OUT}: {len(questions)} questions', file=sys.stderr)
