#!/usr/bin/env python3
"""bench/corpus/check_split.py -- compare a splitter's output on the generated
dumps with the expected split (server-free: uses build/bench/splitcheck,
which runs src/core/dump.c, the parser behind split_articles).

    check_split.py --corpus DIR --splitcheck BIN [--max-files K]

Prints one TAP line per dump file and exits non-zero on any mismatch.
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
    print("1..%d" % len(names))
    failed = 0
    for k, (layout, name) in enumerate(names, 1):
        out = subprocess.run([a.splitcheck, os.path.join(a.corpus, "dumps", name)],
                             check=True, capture_output=True, text=True).stdout.splitlines()
        ids = files[(layout, name)]
        bad = []
        if len(out) != len(ids):
            bad.append("%d articles split, %d expected" % (len(out), len(ids)))
        for row, aid in zip(out, ids):
            c = row.split("\t")
            got = dict(zip(FIELDS, (unescape(x) for x in c[2:7])))
            w = want(layout, exp[aid])
            if c[1] != layout or got != w:
                diff = [f for f in FIELDS if got.get(f) != w[f]]
                bad.append("ordinal %s (article %d): layout %s, fields differ: %s; got %r want %r"
                           % (c[0], aid, c[1], diff, [got.get(f) for f in diff][:1], [w[f] for f in diff][:1]))
        ok = not bad
        failed += not ok
        print("%s %d - %s: %d articles split as generated" % ("ok" if ok else "not ok", k, name, len(ids)))
        for m in bad[:5]:
            print("# " + m[:600])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
