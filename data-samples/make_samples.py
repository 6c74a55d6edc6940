#!/usr/bin/python3
"""Regenerate the bundled data samples in this folder.

Reads the raw data files shipped by Debian's python3-sklearn package
(/usr/lib/python3/dist-packages/sklearn/datasets/data/) and writes
diabetes.csv, breast_cancer.csv, wine.csv, wine.libsvm and digits.csv next to
this script.

Run with:  /usr/bin/python3 data-samples/make_samples.py
Deterministic: numeric values are copied as the exact text tokens found in the
source files (no float re-formatting); only the diabetes target, stored as
"1.510000000000000000e+02" etc., is rewritten as a plain integer.
"""
import csv
import gzip
import os
import re
import sys

SRC = os.environ.get(
    "SKLEARN_DATA_DIR", "/usr/lib/python3/dist-packages/sklearn/datasets/data")
OUT = os.path.dirname(os.path.abspath(__file__))

PLAIN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # no exponent, no quotes


def check_plain(tok):
    if not PLAIN.match(tok):
        sys.exit("unexpected numeric token %r" % tok)
    return tok


def write_csv(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            assert len(r) == len(header)
            f.write(",".join(r) + "\n")
    print("wrote %s: %d rows x %d columns" % (name, len(rows), len(header)))


def read_sklearn_csv(fname):
    """sklearn's format: first line 'n_samples,n_features,class names...'."""
    with open(os.path.join(SRC, fname), newline="") as f:
        rd = csv.reader(f)
        first = next(rd)
        n, p = int(first[0]), int(first[1])
        rows = [[c.strip() for c in r] for r in rd if r]
    assert len(rows) == n, (fname, len(rows), n)
    for r in rows:
        assert len(r) == p + 1, (fname, r)
    return n, p, first[2:], rows


def diabetes():
    with gzip.open(os.path.join(SRC, "diabetes_data_raw.csv.gz"), "rt") as f:
        X = [line.split() for line in f if line.strip()]
    with gzip.open(os.path.join(SRC, "diabetes_target.csv.gz"), "rt") as f:
        y = [line.strip() for line in f if line.strip()]
    assert len(X) == 442 and len(y) == 442
    header = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6",
              "progression"]
    rows = []
    for xs, t in zip(X, y):
        assert len(xs) == 10
        tv = float(t)
        assert tv == int(tv)
        rows.append([check_plain(v) for v in xs] + [str(int(tv))])
    write_csv("diabetes.csv", header, rows)


BC_BASE = ["radius", "texture", "perimeter", "area", "smoothness",
           "compactness", "concavity", "concave_points", "symmetry",
           "fractal_dimension"]
# same order and naming as sklearn's load_breast_cancer().feature_names
# ("mean radius", ..., "radius error", ..., "worst radius", ...), snake_cased
BC_FEATURES = (["mean_" + b for b in BC_BASE] + [b + "_error" for b in BC_BASE]
               + ["worst_" + b for b in BC_BASE])


def breast_cancer():
    n, p, classes, rows = read_sklearn_csv("breast_cancer.csv")
    assert (n, p) == (569, 30) and classes == ["malignant", "benign"], classes
    out = []
    for r in rows:
        t = int(r[-1])
        assert t in (0, 1)
        # sklearn target: 0 = malignant, 1 = benign -> malignant = 1 - target
        out.append([check_plain(v) for v in r[:-1]] + [str(1 - t)])
    write_csv("breast_cancer.csv", BC_FEATURES + ["malignant"], out)


WINE_FEATURES = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash",
                 "magnesium", "total_phenols", "flavanoids",
                 "nonflavanoid_phenols", "proanthocyanins", "color_intensity",
                 "hue", "od280_od315_of_diluted_wines", "proline"]


def wine():
    n, p, classes, rows = read_sklearn_csv("wine_data.csv")
    assert (n, p) == (178, 13) and classes == ["class_0", "class_1", "class_2"]
    out = []
    for r in rows:
        t = int(r[-1])
        assert t in (0, 1, 2)
        out.append([check_plain(v) for v in r[:-1]] + [str(t)])
    write_csv("wine.csv", WINE_FEATURES + ["cultivar"], out)
    path = os.path.join(OUT, "wine.libsvm")
    with open(path, "w", newline="") as f:
        for r in out:
            feats = " ".join("%d:%s" % (j + 1, v) for j, v in enumerate(r[:-1]))
            f.write("%s %s\n" % (r[-1], feats))
    print("wrote wine.libsvm: %d rows, %d features" % (len(out), len(WINE_FEATURES)))


def digits():
    """sklearn's digits.csv.gz: 1797 lines of 64 pixel counts (0..16) and the digit, no header."""
    with gzip.open(os.path.join(SRC, "digits.csv.gz"), "rt") as f:
        rows = [[c.strip() for c in line.split(",")] for line in f if line.strip()]
    assert len(rows) == 1797, len(rows)
    out = []
    for r in rows:
        assert len(r) == 65, r
        t = float(r[-1])
        assert t == int(t) and 0 <= t <= 9
        px = []
        for v in r[:-1]:
            fv = float(v)
            assert fv == int(fv) and 0 <= fv <= 16, v
            px.append(str(int(fv)))
        out.append(px + [str(int(t))])
    write_csv("digits.csv", ["p%d" % j for j in range(64)] + ["digit"], out)


if __name__ == "__main__":
    diabetes()
    breast_cancer()
    wine()
    digits()
