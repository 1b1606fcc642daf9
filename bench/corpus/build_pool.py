#!/usr/bin/env python3
"""bench/corpus/build_pool.py -- turn the fetched sources into a sentence pool.

    build_pool.py --src bench/cache/src --out bench/cache/pool.json
    build_pool.py --fallback --out POOL   # project's own samples/ and test/fixtures/

The pool is JSON: {"docs": [{"src": "brown/ca01", "sents": [...]}, ...],
"names": [...]}: documents as lists of clean one-line English sentences (no
tabs, no control characters, 4 to 80 words), and a list of proper names seen
in the text (used by the generator to vary entities).  Sentences that occur
more than once anywhere in the pool are kept once (first occurrence), so the
generator does not inherit accidental duplicates from the sources (mailing-list
footers, repeated spam).  Deterministic: same input, same pool.
"""
import argparse
import html
import json
import os
import re
import sys

WS = re.compile(r"[\s\u00a0]+")
CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SENT_SPLIT = re.compile(r'(?<=[.!?])["\')\]]*\s+(?=["\'(\[]?[A-Z0-9])')
NAME = re.compile(r"^[A-Z][a-z]{2,14}$")


def clean(s):
    s = CTRL.sub(" ", s)
    return WS.sub(" ", s).strip()


def sentences(par):
    out = []
    for s in SENT_SPLIT.split(par):
        s = clean(s)
        n = len(s.split())
        if 4 <= n <= 80 and s[-1:] in '.!?"\'':
            letters = sum(c.isalpha() for c in s)
            if letters >= 0.6 * len(s):
                out.append(s)
    return out


# --- Brown: one tagged sentence per line ----------------------------------
NOSPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "''", "'", "n't", "'s", "'re", "'ll", "'ve", "'d", "'m"}


def brown_sentence(line):
    words = []
    for tok in line.split():
        w = tok.rsplit("/", 1)[0]
        words.append(w)
    out = ""
    prev = None
    for w in words:
        if w == "``":
            w2 = '"'
        elif w == "''":
            w2 = '"'
        else:
            w2 = w
        if not out:
            out = w2
        elif w in NOSPACE_BEFORE or prev in ("``", "(", "$"):
            out += w2
        else:
            out += " " + w2
        prev = w
    out = out.replace(" --", " --").replace("--", " - ")
    return clean(out)


def read_brown(d):
    docs = []
    for name in sorted(os.listdir(d)):
        if not re.fullmatch(r"c[a-r]\d\d", name):
            continue
        sents = []
        with open(os.path.join(d, name), encoding="latin-1") as f:
            for line in f:
                if line.strip():
                    s = brown_sentence(line)
                    sents.extend(sentences(s))
        docs.append({"src": "brown/" + name, "sents": sents})
    return docs


# --- SpamAssassin: JSON files with the raw message -------------------------
def mail_body(text):
    head, sep, body = text.partition("\n\n")
    if not sep:
        return None
    if re.search(r"(?i)<(html|body|table|div|p|font|br)\b", body) or "Content-Type:" in body \
            or "Content-Transfer-Encoding" in body:
        return None
    pars, cur = [], []
    for line in body.split("\n"):
        t = line.strip()
        if t.startswith("-- ") or t == "--":
            break                                # signature
        if (not t or t.startswith(">") or "@" in t or "http" in t or "www." in t
                or re.match(r"^[-_=*#~+]{3,}", t) or re.search(r"(?i)\b(wrote|writes):\s*$", t)):
            if cur:
                pars.append(" ".join(cur))
                cur = []
            continue
        cur.append(t)
    if cur:
        pars.append(" ".join(cur))
    return pars


def read_spam(d):
    docs = []
    data = os.path.join(d, "data")
    for group in sorted(os.listdir(data)):
        gd = os.path.join(data, group)
        if not os.path.isdir(gd):
            continue
        for name in sorted(os.listdir(gd)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(gd, name), encoding="utf-8") as f:
                rec = json.load(f)
            pars = mail_body(rec.get("text", ""))
            if not pars:
                continue
            sents = [s for p in pars for s in sentences(p)]
            if sents:
                docs.append({"src": "spam/%s/%s" % (group, rec.get("id", name)), "sents": sents})
    return docs


# --- Reuters-21578 sample in r-cran-tm ------------------------------------
def read_reuters(d):
    docs = []
    for sub in ("crude", "acq"):
        sd = os.path.join(d, sub)
        if not os.path.isdir(sd):
            continue
        for name in sorted(os.listdir(sd)):
            with open(os.path.join(sd, name), encoding="utf-8", errors="replace") as f:
                x = f.read()
            m = re.search(r"<BODY>(.*?)</BODY>", x, re.S)
            if not m:
                continue
            body = html.unescape(m.group(1))
            body = re.sub(r"\s*Reuter\s*$", "", body)
            pars = re.split(r"\n\s{3,}", body)
            sents = [s for p in pars for s in sentences(clean(p))]
            docs.append({"src": "reuters/%s/%s" % (sub, name), "sents": sents})
    return docs


# --- fallback: the project's own invented sample dumps ---------------------
def read_fallback(root):
    docs = []
    for d in ("samples", "test/fixtures"):
        p = os.path.join(root, d)
        if not os.path.isdir(p):
            continue
        for name in sorted(os.listdir(p)):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(p, name), encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
            sents = [s for line in lines for s in sentences(clean(line))]
            if sents:
                docs.append({"src": "%s/%s" % (d, name), "sents": sents})
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src")
    ap.add_argument("--out", required=True)
    ap.add_argument("--fallback", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if a.fallback:
        docs = read_fallback(root)
    else:
        docs = []
        docs += read_brown(os.path.join(a.src, "brown", "package"))
        docs += read_reuters(os.path.join(a.src, "r-cran-tm", "usr/lib/R/site-library/tm/texts"))
        docs += read_spam(os.path.join(a.src, "spamassassin", "package"))
    seen = set()
    names = {}
    out = []
    for doc in docs:
        keep = []
        for s in doc["sents"]:
            k = s.lower()
            if k in seen:
                continue
            seen.add(k)
            keep.append(s)
            for w in s.split()[1:]:
                w = w.strip(".,;:!?\"'()")
                if NAME.match(w):
                    names[w] = names.get(w, 0) + 1
        if len(keep) >= 2:
            out.append({"src": doc["src"], "sents": keep})
    namelist = sorted(n for n, c in names.items() if c >= 2)
    if len(namelist) < 20:
        namelist = sorted(names) or ["Smith", "Jones", "Lind", "Berg", "Costa"]
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"docs": out, "names": namelist}, f, ensure_ascii=False)
    os.replace(tmp, a.out)
    nsent = sum(len(d["sents"]) for d in out)
    nword = sum(len(s.split()) for d in out for s in d["sents"])
    by = {}
    for d in out:
        k = d["src"].split("/")[0]
        by[k] = by.get(k, 0) + len(d["sents"])
    print("pool: %d docs, %d sentences, %d words, %d names; sentences by source: %s"
          % (len(out), nsent, nword, len(namelist), by), file=sys.stderr)


if __name__ == "__main__":
    main()
