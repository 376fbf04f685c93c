#!/usr/bin/env python3
"""Regenerates crates/legalaid-domain/data/calendar/cn-work-calendar.csv from the PyPI package
`chinesecalendar` (which carries the State Council's annual holiday notices).

Usage: python3 -m venv /tmp/cal && /tmp/cal/bin/pip install chinesecalendar
       /tmp/cal/bin/python scripts/gen-calendar.py 2023 2026 > crates/legalaid-domain/data/calendar/cn-work-calendar.csv

Rows: every statutory holiday (weekday or weekend) and every adjusted working day
(a weekend day worked, 调休). Years after the package's data must be entered by an
administrator from the notice (国务院办公厅关于某年部分节假日安排的通知).
"""
import datetime as dt
import sys

import chinese_calendar as cc

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}

first, last = int(sys.argv[1]), int(sys.argv[2])
print("date,kind,name")
d = dt.date(first, 1, 1)
while d <= dt.date(last, 12, 31):
    on_holiday, name = cc.get_holiday_detail(d)
    weekend = d.weekday() >= 5
    if on_holiday and name:
        print(f"{d},holiday,{NAMES.get(name, name)}")
    elif not on_holiday and weekend:
        print(f"{d},workday,{NAMES.get(name, name)}")
    d += dt.timedelta(days=1)
