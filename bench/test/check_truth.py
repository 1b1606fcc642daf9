#!/usr/bin/env python3
"""bench/test/check_truth.py -- independent check of the ground truth.

    check_truth.py ARTICLES.tsv TOKENS.tsv TRUTH.tsv W [--pairs-only]

TOKENS.tsv is `tokens ARTICLES.tsv` (the extension's normalized token
stream, one line per article).  For every pair in TRUTH.tsv (truth.c's
output) this builds the word W-grams of both token lists as Python tuples
-- no hashing -- and recomputes Jaccard and both containments as exact
fractions of set sizes; they must match truth.c's numbers within 1e-9.
Also checks that every generated pair is in TRUTH.tsv and that edit kinds
which must not change the token stream (exact, quote_case) give Jaccard 1.
With --pairs-only (hand-written pairs, not a generated corpus) the edit
kinds are not required.  Prints TAP; exits non-zero when a check fails.
"""
import sys


def shingles(tokens, w):
    if not tokens:
        return set()
    if len(tokens) < w:
        return {tuple(tokens)}
    return {tuple(tokens[i:i + w]) for i in range(len(tokens) - w + 1)}


def main():
    articles, tokens_path, truth_path, w = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pairs_only = sys.argv[5:] == ["--pairs-only"]
    toks = {}
    with open(tokens_path, encoding="utf-8") as f:
        for line in f:
            i, _, t = line.rstrip("\n").partition("\t")
            toks[int(i)] = t.split(" ") if t else []
    nart = sum(1 for _ in open(articles, encoding="utf-8"))
    rows = [l.rstrip("\n").split("\t") for l in open(truth_path, encoding="utf-8")]
    tests = []

    def ok(cond, name):
        tests.append((bool(cond), name))

    ok(len(toks) == nart, "tokens for every article (%d)" % nart)
    ok(len(rows) > 0, "truth has pairs (%d)" % len(rows))
    worst = 0.0
    bad = []
    for r in rows:
        a, b, kind = int(r[0]), int(r[1]), r[2]
        j, cab, cba = float(r[3]), float(r[4]), float(r[5])
        A, B = shingles(toks[a], w), shingles(toks[b], w)
        inter = len(A & B)
        uni = len(A | B)
        pj = inter / uni if uni else 1.0
        pab = inter / len(A) if A else (0.0 if B else 1.0)
        pba = inter / len(B) if B else (0.0 if A else 1.0)
        err = max(abs(pj - j), abs(pab - cab), abs(pba - cba))
        worst = max(worst, err)
        if err > 1e-9 or int(r[6]) != len(A) or int(r[7]) != len(B) or int(r[8]) != inter:
            bad.append("%d %d %s: truth.c J=%s |A|=%s |B|=%s, python J=%.12f |A|=%d |B|=%d"
                       % (a, b, kind, r[3], r[6], r[7], pj, len(A), len(B)))
        if kind in ("base/exact", "exact/base", "base/quote_case", "quote_case/base"):
            if pj != 1.0:
                bad.append("%d %d %s: expected Jaccard 1, got %.6f" % (a, b, kind, pj))
    for m in bad[:10]:
        print("# " + m)
    ok(not bad, "truth.c Jaccard/containment == python w-gram sets on %d pairs (max |err| %.2e)" % (len(rows), worst))
    kinds = {r[2] for r in rows}
    for k in () if pairs_only else ("base/exact", "base/typos", "base/partial", "base/quote_case"):
        ok(k in kinds, "corpus contains %s pairs" % k)
    print("1..%d" % len(tests))
    for n, (c, name) in enumerate(tests, 1):
        print("%s %d - %s" % ("ok" if c else "not ok", n, name))
    sys.exit(0 if all(c for c, _ in tests) else 1)


if __name__ == "__main__":
    main()
