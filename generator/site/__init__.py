"""The site as a whole: the plan of every page and the files it is made from (plan.py), each report's
summary line (summaries.py), and the regions: child offices' tables summed and checked against a
汇总 report (regions.py).

May import: model, read, check.
"""
