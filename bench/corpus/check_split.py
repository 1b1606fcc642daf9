#!/usr/bin/env python3
"""bench/corpus/check_split.py -- compare a splitter's output on the generated
dumps with the expected split (server-free: uses build/bench/splitcheck,
which runs src/core/dump.c, the parser behind split_articles).

    check_split.py --corpus DIR --splitcheck BIN [--max-files K] [--min-accuracy PCT]

Every field is compared: title, subtitle, caption, body and byline.  Prints
one TAP line per tt and plain dump file (any mismatch fails it) and, for the
plain variants of dumps/plainx-*.txt (dumps/variants.tsv), one TAP line per
variant that fails when fewer than PCT % (default 99.5) of its articles
split exactly as generated, then the per-variant table as # lines.  Exits
non-zero when any TAP line fails.
"""
import argparse
import os
import subprocess
import sys

FIELDS = ("title", "subtitle", "caption", "body", "byline")


def unescape(s):
    if s == "\\N":
        return None
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            i += 1
            c = {"n": "\n", "t": "\t", "r": "\r"}.get(s[i], s[i])
        out.append(c)
        i += 1
    return "".join(out)


def expected_rows(articles):
    exp = {}
    with open(articles, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            exp[int(c[0])] = dict(title=unescape(c[4]), caption=unescape(c[5]), subtitle=unescape(c[6]),
                                  byline=unescape(c[7]), body=unescape(c[8]))
    return exp


def want(layout, e):
    return dict(title=e["title"], body=e["body"],
                caption=e["caption"] if layout == "tt" else None,
                subtitle=e["subtitle"] if layout == "plain" else None,
                byline=e["byline"] if layout == "plain" else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--splitcheck", required=True)
    ap.add_argument("--max-files", type=int, default=0)
    ap.add_argument("--min-accuracy", type=float, default=99.5)
    a = ap.parse_args()
    exp = expected_rows(os.path.join(a.corpus, "articles.tsv"))
    files = {}
    with open(os.path.join(a.corpus, "dumps", "index.tsv")) as f:
        for line in f:
            layout, name, ordinal, aid = line.split("\t")
            files.setdefault((layout, name), []).append(int(aid))
    names = sorted(files)
    if a.max_files:
        names = [n for n in names if n[0] == "tt"][:a.max_files] + [n for n in names if n[0] == "plain"][:a.max_files]
    variants = {}                     # file -> [(ordinal, id, variant, subtitle, byline, dateline)]
    vpath = os.path.join(a.corpus, "dumps", "variants.tsv")
    if os.path.exists(vpath):
        with open(vpath, encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                variants.setdefault(c[0], []).append((int(c[1]), int(c[2]), c[3], unescape(c[4]),
                                                      unescape(c[5]), unescape(c[6])))
    vnames = sorted(variants)[:a.max_files] if a.max_files else sorted(variants)
    vorder = []
    for rows in variants.values():
        for r in rows:
            if r[2] not in vorder:
                vorder.append(r[2])
    print("1..%d" % (len(names) + len(vorder) + (1 if vorder else 0)))
    failed = 0
    k = 0
    for layout, name in names:
        k += 1
        rows = split(a.splitcheck, os.path.join(a.corpus, "dumps", name))
        ids = files[(layout, name)]
        bad = []
        if len(rows) != len(ids):
            bad.append("%d articles split, %d expected" % (len(rows), len(ids)))
        for (ordinal, got_layout, got), aid in zip(rows, ids):
            w = want(layout, exp[aid])
            if got_layout != layout or got != w:
                bad.append(describe(ordinal, aid, got_layout, got, w))
        ok = not bad
        failed += not ok
        print("%s %d - %s: %d articles split as generated" % ("ok" if ok else "not ok", k, name, len(ids)))
        for m in bad[:5]:
            print("# " + m[:600])

    # the plain variants: per-variant accuracy
    total, right, misses = {}, {}, {}
    for name in vnames:
        rows = split(a.splitcheck, os.path.join(a.corpus, "dumps", name))
        byord = {r[0]: r for r in rows}
        for ordinal, aid, var, sub, by, dateline in variants[name]:
            e = exp[aid]
            body = e["body"] if dateline is None else dateline + e["body"]
            w = dict(title=e["title"], subtitle=sub, caption=None, body=body, byline=by)
            total[var] = total.get(var, 0) + 1
            r = byord.get(str(ordinal))
            good = r is not None and r[1] == "plain" and r[2] == w and len(rows) == len(variants[name])
            if good:
                right[var] = right.get(var, 0) + 1
            else:
                misses.setdefault(var, []).append(
                    describe(ordinal, aid, r[1], r[2], w) if r else "ordinal %d (article %d) missing" % (ordinal, aid))
    for var in vorder:
        k += 1
        n, g = total.get(var, 0), right.get(var, 0)
        pct = 100.0 * g / n if n else 100.0
        ok = pct >= a.min_accuracy
        failed += not ok
        print("%s %d - plain variant %s: %d of %d articles split as generated (%.1f %%)"
              % ("ok" if ok else "not ok", k, var, g, n, pct))
        for m in misses.get(var, [])[:3]:
            print("# " + m[:600])
    if vorder:
        k += 1
        n, g = sum(total.values()), sum(right.values())
        pct = 100.0 * g / n if n else 100.0
        ok = pct >= a.min_accuracy
        failed += not ok
        print("%s %d - plain variants together: %d of %d articles split as generated (%.2f %%)"
              % ("ok" if ok else "not ok", k, g, n, pct))
        print("# | variant | articles | all five fields as generated |")
        print("# |---|---:|---:|")
        for var in vorder:
            print("# | %s | %d | %d (%.1f %%) |" % (var, total.get(var, 0), right.get(var, 0),
                                                  100.0 * right.get(var, 0) / max(1, total.get(var, 0))))
        print("# | all | %d | %d (%.2f %%) |" % (n, g, pct))
    sys.exit(1 if failed else 0)


def split(splitcheck, path):
    """(ordinal, layout, {field: value}) of every article splitcheck finds."""
    out = subprocess.run([splitcheck, path], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for row in out:
        c = row.split("\t")
        rows.append((c[0], c[1], dict(zip(FIELDS, (unescape(x) for x in c[2:7])))))
    return rows


def describe(ordinal, aid, layout, got, w):
    diff = [f for f in FIELDS if got.get(f) != w[f]]
    return ("ordinal %s (article %d): layout %s, fields differ: %s; got %r want %r"
            % (ordinal, aid, layout, diff, [got.get(f) for f in diff][:1], [w[f] for f in diff][:1]))


if __name__ == "__main__":
    main()
