#!/usr/bin/env python3
"""Writes the real series in assets/data/ from the data sets Debian's python3-statsmodels ships.

    apt-get install -y python3-statsmodels      # 0.13.5 on Debian 12
    /usr/bin/python3 tools/make_real_data.py [--out assets/data]   (Debian's python, where statsmodels is)

Only data sets whose statsmodels COPYRIGHT statement says "public domain" are taken (the script
refuses any other). Each CSV has a header `<time>,value`, one row per point, no gaps, so
`unrolled-cli train --data NAME` reads its `value` column by the documented rule. The README beside
them (assets/data/README.md) names each source and licence; this script does not rewrite it.
"""
import argparse
import csv
import importlib
import os
import sys
from collections import defaultdict


def statsmodels_dataset(name):
    module = importlib.import_module("statsmodels.datasets." + name + ".data")
    if "public domain" not in module.COPYRIGHT.lower():
        sys.exit("%s: statsmodels says %r, not public domain; not taken" % (name, module.COPYRIGHT))
    return os.path.join(os.path.dirname(module.__file__), name + ".csv")


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def co2_monthly(path):
    """Mauna Loa weekly CO2 (ppm) as monthly means of the weeks with a value, from January 1965:
    before that five months (1958-06, 1958-10, 1964-02 to 1964-04) have no weekly value at all."""
    weeks = defaultdict(list)
    rows = rows_of(path)
    assert rows[0] == ["date", "co2"], rows[0]
    for date, value in rows[1:]:
        if value.strip():
            weeks[date[:6]].append(float(value))
    out = []
    for month in sorted(weeks):
        if month >= "196501":
            out.append(("%s-%s" % (month[:4], month[4:]), "%.3f" % (sum(weeks[month]) / len(weeks[month]))))
    # Every month from 1965-01 to the last one is there: no gaps.
    first, last = out[0][0], out[-1][0]
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    assert months == len(out), (months, len(out))
    return "month", out


def yearly(path, value_column):
    rows = rows_of(path)
    header = [h.strip('"').lower() for h in rows[0]]
    col = header.index(value_column)
    out = []
    for r in rows[1:]:
        year = str(int(float(r[0])))
        value = float(r[col])
        out.append((year, ("%.1f" % value).rstrip("0").rstrip(".") if value != int(value) else str(int(value))))
    return "year", out


def write(path, time_name, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write("%s,value\n" % time_name)
        for t, v in rows:
            f.write("%s,%s\n" % (t, v))
    os.replace(tmp, path)
    print("%s: %d rows" % (path, len(rows)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.path.join(here, "..", "assets", "data"))
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "co2.csv"), *co2_monthly(statsmodels_dataset("co2")))
    write(os.path.join(args.out, "sunspots.csv"), *yearly(statsmodels_dataset("sunspots"), "sunactivity"))
    write(os.path.join(args.out, "nile.csv"), *yearly(statsmodels_dataset("nile"), "volume"))


if __name__ == "__main__":
    main()
