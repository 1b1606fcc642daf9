#!/usr/bin/env python3
"""bench/corpus/generate.py -- deterministic benchmark corpus generator.

    generate.py --pool POOL --n N [--seed S] --out DIR [--jobs J] [--dump-mb MB] [--no-dumps] [--stories]

Writes into DIR (see bench/README.md for the design):
  articles.tsv   COPY text format, columns
                 id, family, kind, base_id, title, caption, subtitle, byline, body
                 (body: one paragraph per line, joined by \\n, as split_articles returns it)
  related.tsv    a, b, kind: every pair of articles of one family (a < b); kind is
                 "<kind of a>/<kind of b>" ("base/typos", "typos/reorder", ...)
  queries.tsv    id: the query articles bench/run searches with (>= 200 when N allows)
  dumps/         tt-NNNN.txt and plain-NNNN.txt: every article as a raw dump in the
                 tt and in the plain layout, files of about --dump-mb MB;
                 dumps/index.tsv: layout, file, ordinal, id (the expected split:
                 article `id`'s row in articles.tsv holds the expected fields);
                 plainx-NNNN.txt: every article once more in one of the plain
                 VARIANTS (blank-line paragraphs, standfirst without final stop,
                 author block with a blank line or no bio, "By Name" at the top
                 or bottom); dumps/variants.tsv: file, ordinal, id, variant,
                 subtitle, byline, dateline (COPY text; title and body as in
                 articles.tsv, the body's first line after the dateline if any)
  meta.json      parameters, counts per kind, length statistics
  boilerplate.tsv  (--stories) id, kind, articles, text: every boilerplate text
                 (author bio, footer, disclaimer) and how many articles end with it

--stories (issue 14) adds the variant kind "other_outlet" (another outlet's
write-up of the base: new text around 2-4 quoted passages of 15-40 words of
it) and boilerplate repeated across unrelated articles: each article ends,
independently, with one of n/400 author bios (p 0.35), one of n/5000 footers
(p 0.25) and one of n/5000 disclaimers (p 0.1); and the fresh text of every
article has about 30 % of its words replaced by pool words, so unrelated
articles share exact passages only through that boilerplate (the pool's
sentences recur in about n/10,000 articles each otherwise).  Without
--stories the output is byte for byte what it was.

The output depends only on (pool, N, seed): each family is generated from its
own random.Random seeded with "seed:family", so --jobs does not change a byte.
"""
import argparse
import hashlib
import json
import math
import multiprocessing
import os
import random
import re
import sys

POOL = None          # set before workers fork
NAMES = None
SEED = 0
STORIES = None       # --stories: the boilerplate texts by kind, else None
WORDS = None         # --stories: the pool's distinct words

KINDS = [            # variant kinds and their weights
    ("exact", 12), ("boilerplate", 14), ("typos", 14), ("sentence_edit", 14),
    ("reorder", 10), ("quote_case", 10), ("partial", 12), ("quotes_only", 7),
    ("mixed", 7),
]
KINDS_STORIES = KINDS + [("other_outlet", 16)]
FAMILY_SIZES = [1, 1, 1, 1, 2, 2, 3, 4, 5]   # number of variants of a base that has any
P_FAMILY = 0.3                               # share of bases that get variants
QUERY_COUNT = 250

BOILER_TAIL = [
    "Advertisement",
    "Sign up for our daily newsletter.",
    "Follow us on Twitter and Facebook for the latest news.",
    "Copyright 2024 The Daily Courier. All rights reserved.",
    "This article has been updated with additional reporting.",
    "Share this article",
]

DIGITS = re.compile(r"\d+")
CAPWORD = re.compile(r"(?<=[ \"(])[A-Z][a-z]{2,14}\b")
DATELINE = re.compile(r"^[A-Z][A-Z .,']+(\([^)]*\))?\s*[-\u2013\u2014]\s*")
QUOTED = re.compile(r'"([^"]{25,400})"')


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Gen:
    """Text making with one random stream."""

    def __init__(self, rng):
        self.r = rng

    def mutate(self, s):
        r = self.r
        s = DIGITS.sub(lambda m: str(r.randrange(10 ** (len(m.group()) - 1) if len(m.group()) > 1 else 0,
                                                 10 ** len(m.group()))), s)
        return CAPWORD.sub(lambda m: r.choice(NAMES) if r.random() < 0.5 else m.group(), s)

    def sentences(self, nwords):
        """Fresh sentences, about nwords words, in runs from random documents."""
        r = self.r
        out, n = [], 0
        while n < nwords:
            doc = r.choice(POOL)
            sents = doc["sents"]
            i = r.randrange(len(sents))
            for s in sents[i:i + r.randint(2, 8)]:
                s = self.mutate(s)
                if STORIES:
                    s = self.perturb(s)
                out.append(s)
                n += len(s.split())
                if n >= nwords:
                    break
        return out

    def perturb(self, s):
        """--stories: about 30 % of the words replaced by pool words, so that
        unrelated articles rarely share an exact 8-word run (the pool's
        sentences would otherwise recur in about n/10,000 articles each)."""
        r = self.r
        return " ".join(r.choice(WORDS) if r.random() < 0.3 else w for w in s.split(" "))

    def paragraphs(self, nwords):
        r = self.r
        sents = self.sentences(nwords)
        pars, i = [], 0
        while i < len(sents):
            k = r.choices((1, 2, 3, 4), (30, 40, 20, 10))[0]
            units = sents[i:i + k]
            i += k
            if r.random() < 0.15:        # a quote paragraph
                q = " ".join(units).replace('"', "")
                q = q[:-1] + "," if q[-1:] in ".!" else q
                units = ['"%s" %s %s said.' % (q, r.choice(NAMES), r.choice(NAMES))]
            pars.append(units)
        return pars

    def short_sentence(self, maxw):
        for _ in range(50):
            s = self.mutate(self.r.choice(self.r.choice(POOL)["sents"]))
            if len(s.split()) <= maxw:
                return s
        return " ".join(s.split()[:maxw]) + "."

    def title(self):
        w = self.short_sentence(60).replace('"', "").split()
        w = w[:self.r.randint(5, 11)]
        t = " ".join(x[:1].upper() + x[1:] for x in w)
        return re.sub(r"[^\w)]+$", "", t) or "Untitled Story"

    def name(self):
        return "%s %s" % (self.r.choice(NAMES), self.r.choice(NAMES))

    def frame(self, art):
        """Title, caption, subtitle, byline of a new article."""
        art["title"] = self.title()
        art["caption"] = "%s (Photo: %s)" % (self.short_sentence(25).rstrip("."), self.name())
        # a standfirst is a summary, never a dateline paragraph
        art["subtitle"] = DATELINE.sub("", self.short_sentence(40)) or "Officials gave no details."
        n = self.name()
        art["byline"] = "%s\n%s writes about %s." % (n, n, self.r.choice(
            ["politics", "business", "science", "sport", "culture", "technology", "the region"]))
        return art


def length(r):
    while True:
        n = int(round(math.exp(r.gauss(math.log(500), 0.5))))
        if 80 <= n <= 1500:
            return n


def body_of(pars):
    return "\n".join(" ".join(p) for p in pars if p)


def typo(r, word):
    if len(word) < 4 or not word.isalpha():
        return word
    i = r.randrange(1, len(word) - 1)
    op = r.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:
        return word[:i] + word[i + 1:]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    c = r.choice("etaoinshrdlu")
    return word[:i] + c + word[i + 1:]


def v_typos(g, pars, rate=40):
    r = g.r
    pars = [list(p) for p in pars]
    nwords = sum(len(u.split()) for p in pars for u in p)
    for _ in range(max(1, nwords // rate)):
        pi = r.randrange(len(pars))
        ui = r.randrange(len(pars[pi]))
        words = pars[pi][ui].split(" ")
        wi = r.randrange(len(words))
        words[wi] = typo(r, words[wi])
        pars[pi][ui] = " ".join(words)
    return pars


def v_sentence_edit(g, pars):
    r = g.r
    pars = [list(p) for p in pars]
    units = [(pi, ui) for pi, p in enumerate(pars) for ui in range(len(p))]
    ndel = min(r.randint(1, 3), max(0, len(units) - 1))
    for pi, ui in sorted(r.sample(units, ndel), reverse=True):
        del pars[pi][ui]
    pars = [p for p in pars if p]
    for s in g.sentences(r.randint(15, 60))[:3]:
        pi = r.randrange(len(pars))
        pars[pi].insert(r.randrange(len(pars[pi]) + 1), s)
    return pars


def v_boilerplate(g, pars, title_pool):
    r = g.r
    pars = [list(p) for p in pars]
    if r.random() < 0.6:
        pars.insert(0, ["Photo: %s (%s)" % (g.short_sentence(20).rstrip("."), r.choice(["AP", "Reuters", "AFP", "TT"]))])
    for _ in range(r.randint(1, 3)):
        if r.random() < 0.5:
            pars.append(["%s: %s" % (r.choice(["Read more", "Related", "See also"]), r.choice(title_pool))])
        else:
            pars.append([r.choice(BOILER_TAIL)])
    return pars


def v_reorder(g, pars):
    pars = [list(p) for p in pars]
    if len(pars) < 2:
        return pars
    orig = list(pars)
    for _ in range(5):
        g.r.shuffle(pars)
        if pars != orig:
            break
    return pars


def v_quote_case(g, pars):
    r = g.r
    body = body_of(pars)
    body = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", body).replace("'", "\u2019")
    lines = body.split("\n")
    if r.random() < 0.5:
        lines[0] = lines[0].upper()
    else:
        lines = [l.lower() for l in lines]
    return [[l] for l in lines]


def v_partial(g, pars):
    r = g.r
    n = len(pars)
    k = max(1, int(round(n * r.uniform(0.3, 0.6))))
    i = r.randrange(n - k + 1)
    reused = [list(p) for p in pars[i:i + k]]
    nw = sum(len(u.split()) for p in reused for u in p)
    new = g.paragraphs(max(40, int(nw * r.uniform(0.6, 1.5))))
    j = r.randrange(len(new) + 1)
    return new[:j] + reused + new[j:]


def v_quotes_only(g, pars):
    r = g.r
    quotes = QUOTED.findall(body_of(pars))
    if not quotes:
        return None
    new = g.paragraphs(r.randint(150, 500))
    for q in quotes:
        q = q.rstrip(",.")
        line = '"%s," %s %s.' % (q, g.name(), r.choice(["told reporters", "said on Monday", "said in a statement", "added"]))
        new.insert(r.randrange(len(new) + 1), [line])
    return new


def v_other_outlet(g, pars):
    """Another outlet's write-up: new text around 2-4 quoted passages of 15-40 words."""
    r = g.r
    words = body_of(pars).split()
    nq = r.randint(2, 4)
    if len(words) < nq * 45:
        nq = max(1, len(words) // 45)
    quotes, seg = [], len(words) // nq
    for i in range(nq):     # one passage from each nq-th of the base, in order
        k = r.randint(15, 40)
        lo = i * seg
        start = lo + r.randrange(max(1, seg - k))
        quotes.append(" ".join(words[start:start + k]).replace('"', ""))
    new = g.paragraphs(r.randint(150, 450))
    for q in quotes:
        line = '"%s," %s %s.' % (q.rstrip(",.;:"), g.name(), r.choice(["told reporters", "said", "said in a statement", "wrote"]))
        new.insert(r.randrange(len(new) + 1), [line])
    return new


ROLES = ["senior correspondent", "staff writer", "columnist", "reporter", "contributing editor", "news editor"]
BEATS = ["politics", "business", "science", "sport", "culture", "technology", "the region", "health", "energy"]
PAPERS = ["the Daily Courier", "the Evening Post", "the Northern Herald", "the Coast Times", "the Capital Ledger"]


def boilerplate_texts(n, seed):
    """The boilerplate of a --stories corpus: {kind: [text, ...]}, from the seed only."""
    r = random.Random("boilerplate:%d" % seed)
    g = Gen(r)
    bios, footers, discl = [], [], []
    for _ in range(max(20, n // 400)):
        bios.append("%s is a %s who covers %s for %s. %s" % (
            g.name(), r.choice(ROLES), r.choice(BEATS), r.choice(PAPERS), g.short_sentence(30)))
    for i in range(max(5, n // 5000)):
        paper = r.choice(PAPERS)
        footers.append("Copyright %d %s. All rights reserved. This material may not be published, broadcast, "
                       "rewritten or redistributed without the written permission of %s (%s)." % (
                           r.randint(1990, 2026), paper[4:], paper[4:], g.name()))
    for i in range(max(5, n // 5000)):
        discl.append("The views expressed in this %s are those of the author and do not necessarily reflect "
                     "the editorial position of %s. %s" % (r.choice(["article", "column", "piece", "commentary"]),
                                                           r.choice(PAPERS), g.short_sentence(25)))
    return {"bio": bios, "footer": footers, "disclaimer": discl}


def add_boilerplate(art):
    """--stories: the article's boilerplate paragraphs, from its own stream; returns [(kind, index)]."""
    r = random.Random("boiler:%d:%d" % (SEED, art["id"]))
    got = []
    for kind, p in (("bio", 0.35), ("footer", 0.25), ("disclaimer", 0.1)):
        if r.random() < p:
            i = r.randrange(len(STORIES[kind]))
            art["pars"].append([STORIES[kind][i]])
            got.append((kind, i))
    art["boiler"] = got


def make_family(fam):
    """fam = (family number, [slot ids], [article ids]) -> list of article dicts."""
    fno, ids = fam
    r = random.Random("%d:%d" % (SEED, fno))
    g = Gen(r)
    base = g.frame({"id": ids[0], "family": fno, "kind": "base", "base_id": ids[0]})
    base["pars"] = g.paragraphs(length(r))
    out = [base]
    titles = [g.title() for _ in range(3)]
    for vid in ids[1:]:
        kinds = KINDS_STORIES if STORIES else KINDS
        kind = r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        art = {"id": vid, "family": fno, "kind": kind, "base_id": ids[0]}
        bp = base["pars"]
        if kind == "exact":
            pars = [list(p) for p in bp]
        elif kind == "boilerplate":
            pars = v_boilerplate(g, bp, titles)
        elif kind == "typos":
            pars = v_typos(g, bp)
        elif kind == "sentence_edit":
            pars = v_sentence_edit(g, bp)
        elif kind == "reorder":
            pars = v_reorder(g, bp)
        elif kind == "quote_case":
            pars = v_quote_case(g, bp)
        elif kind == "partial":
            pars = v_partial(g, bp)
        elif kind == "other_outlet":
            pars = v_other_outlet(g, bp)
        elif kind == "quotes_only":
            pars = v_quotes_only(g, bp)
            if pars is None:
                art["kind"] = kind = "partial"
                pars = v_partial(g, bp)
        else:  # mixed: a realistic republication
            pars = v_boilerplate(g, v_typos(g, v_sentence_edit(g, bp), rate=80), titles)
        if kind == "exact":
            for f in ("title", "caption", "subtitle", "byline"):
                art[f] = base[f]
        else:
            g.frame(art)
            if r.random() < 0.5:
                art["title"] = base["title"]
        art["pars"] = pars
        out.append(art)
    if STORIES:
        for art in out:
            add_boilerplate(art)
    return out


def tt_dump(a, body):
    c = a["caption"]
    return "%s\n\n %s\n%s\nTT\n%s\n%s\n%s\n%s" % (
        a["title"], c, c, a["title"], c, c, body.replace("\n", "\n\n"))


def plain_dump(a, body):
    n, bio = a["byline"].split("\n")
    return "%s\n\n%s\n\n%s\nAuthor: %s\n%s" % (a["title"], a["subtitle"], body, n, bio)


# The plain-layout variants a scraper produces (dumps/plainx-NNNN.txt): how
# paragraphs are separated, whether the standfirst keeps its final stop, and
# where and how the author block is written.  Each entry: (name, weight).
VARIANTS = [
    ("dense", 10),            # dense paragraphs, standfirst as written, Author: + bio
    ("dense_nostop", 10),     # dense, standfirst without final stop, bio after a blank line
    ("blank", 14),            # blank-line paragraphs, standfirst without stop, Author: + bio
    ("blank_gapbio", 12),     # blank-line, Author: / blank line / bio
    ("blank_nobio", 10),      # blank-line, Author: Name only
    ("blank_by_bottom", 10),  # blank-line, "By Name" (or "BY NAME") as the last line
    ("blank_by_top", 12),     # blank-line, standfirst, then "By Name", then the body
    ("blank_by_top_nosub", 8),  # blank-line, "By Name" under the title, no standfirst
    ("blank_nosub", 14),      # blank-line, no standfirst: the lede (often a dateline) opens the body
]
STOPS = '.!?"\u201d'


def plainx_dump(a, pars, aid):
    """One article in a plain variant: (variant, text, expected subtitle, byline, dateline).

    dateline: the text put before the first body line (expected body =
    dateline + the body of articles.tsv), or None."""
    r = random.Random("plainx:%d:%d" % (SEED, aid))
    v = r.choices([n for n, _ in VARIANTS], [w for _, w in VARIANTS])[0]
    lines = [" ".join(p) for p in pars if p]
    name, bio = a["byline"].split("\n")
    sub = a["subtitle"]
    dateline = None
    if v != "dense":
        sub = sub.rstrip(STOPS).rstrip() or sub
    if v == "blank_nosub":
        sub = None
        if r.random() < 0.7 and lines:
            dateline = "%s (%s) \u2013 " % (r.choice(CITIES), r.choice(AGENCIES))
            lines[0] = dateline + lines[0]
    body = "\n".join(lines) if v.startswith("dense") else "\n\n".join(lines)
    head = [a["title"]]
    by = None
    if v == "blank_by_top_nosub":
        sub = None
        label = r.choice(["By", "BY"])
        shown = name.upper() if label == "BY" else name
        head += ["", "%s %s" % (label, shown)]
        by = shown
    elif v == "blank_by_top":
        head += ["", sub, "", "By %s" % name]
        by = name
    elif sub is not None:
        head += ["", sub]
    text = "\n".join(head) + "\n\n" + body
    if v in ("dense", "blank"):
        text += "\n\nAuthor: %s\n%s" % (name, bio) if v == "blank" else "\nAuthor: %s\n%s" % (name, bio)
        by = "%s\n%s" % (name, bio)
    elif v in ("dense_nostop", "blank_gapbio"):
        text += ("\n" if v == "dense_nostop" else "\n\n") + "Author: %s\n\n%s" % (name, bio)
        by = "%s\n%s" % (name, bio)
    elif v == "blank_nobio":
        text += "\n\nAuthor: %s" % name
        by = name
    elif v == "blank_by_bottom":
        label = r.choice(["By", "BY"])
        shown = name.upper() if label == "BY" else name
        text += "\n\n%s %s" % (label, shown)
        by = shown
    elif v == "blank_nosub":
        text += "\n\nAuthor: %s\n%s" % (name, bio)
        by = "%s\n%s" % (name, bio)
    return v, text, sub, by, dateline


CITIES = ["BAGHDAD", "LONDON", "NAIROBI", "LIMA", "OSLO", "MANILA", "CAIRO", "QUITO"]
AGENCIES = ["Dispatches", "Reuters", "AP", "AFP"]


def render_chunk(fams):
    rows = []
    for fam in fams:
        for a in make_family(fam):
            body = body_of(a["pars"])
            row = "\t".join([str(a["id"]), str(a["family"]), a["kind"], str(a["base_id"])]
                            + [copy_escape(a[f]) for f in ("title", "caption", "subtitle", "byline")]
                            + [copy_escape(body)]) + "\n"
            rows.append((a["id"], a["family"], a["kind"], len(body.split()), row, a.get("boiler", []),
                         tt_dump(a, body), plain_dump(a, body), plainx_dump(a, a["pars"], a["id"])))
    return rows


def plan(n, seed):
    """Families: list of (family number, [ids]); ids are a seeded permutation of 1..n."""
    r = random.Random("plan:%d" % seed)
    sizes = []
    left = n
    while left > 0:
        k = 1
        if r.random() < P_FAMILY:
            k += r.choice(FAMILY_SIZES)
        k = min(k, left)
        sizes.append(k)
        left -= k
    perm = list(range(1, n + 1))
    r.shuffle(perm)
    fams, i = [], 0
    for fno, k in enumerate(sizes, 1):
        fams.append((fno, perm[i:i + k]))
        i += k
    return fams


class DumpWriter:
    def __init__(self, d, layout, mb):
        self.d, self.layout, self.limit = d, layout, mb * 1048576
        self.fileno, self.f, self.size, self.ordinal = 0, None, 0, 0

    def write(self, text, aid, index):
        if self.f is None or self.size >= self.limit:
            if self.f:
                self.f.close()
            self.fileno += 1
            self.name = "%s-%04d.txt" % (self.layout, self.fileno)
            self.f = open(os.path.join(self.d, self.name), "w", encoding="utf-8")
            self.size, self.ordinal = 0, 0
        if self.ordinal:
            self.f.write("\n\n\n")
        data = text
        self.f.write(data)
        self.size += len(data.encode("utf-8")) + 3
        self.ordinal += 1
        if index is not None:
            index.write("%s\t%s\t%d\t%d\n" % (self.layout, self.name, self.ordinal, aid))

    def close(self):
        if self.f:
            self.f.write("\n")
            self.f.close()


def main():
    global POOL, NAMES, SEED, STORIES, WORDS
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--dump-mb", type=int, default=64)
    ap.add_argument("--no-dumps", action="store_true")
    ap.add_argument("--stories", action="store_true")
    a = ap.parse_args()
    with open(a.pool, "rb") as f:
        raw = f.read()
    pool = json.loads(raw)
    POOL, NAMES, SEED = pool["docs"], pool["names"], a.seed
    if a.stories:
        WORDS = sorted({w for d in POOL for x in d["sents"] for w in x.split(" ") if w})
        STORIES = boilerplate_texts(a.n, a.seed)
    os.makedirs(a.out, exist_ok=True)
    fams = plan(a.n, a.seed)

    chunks = [fams[i:i + 500] for i in range(0, len(fams), 500)]
    counts, lengths = {}, []
    ddir = os.path.join(a.out, "dumps")
    if not a.no_dumps:
        os.makedirs(ddir, exist_ok=True)
        for fn in os.listdir(ddir):
            os.remove(os.path.join(ddir, fn))
    tmp = lambda p: os.path.join(a.out, p + ".tmp")
    fa = open(tmp("articles.tsv"), "w", encoding="utf-8")
    fr = open(tmp("related.tsv"), "w", encoding="utf-8")
    index = None if a.no_dumps else open(os.path.join(ddir, "index.tsv"), "w", encoding="utf-8")
    tt = None if a.no_dumps else DumpWriter(ddir, "tt", a.dump_mb)
    pl = None if a.no_dumps else DumpWriter(ddir, "plain", a.dump_mb)
    px = None if a.no_dumps else DumpWriter(ddir, "plainx", a.dump_mb)
    variants = None if a.no_dumps else open(os.path.join(ddir, "variants.tsv"), "w", encoding="utf-8")
    boiler_count = {}                 # (kind, index) -> articles (--stories)
    members = []                      # (family size > 1) article ids, for queries
    singles = []

    def consume(rows):
        byfam = {}
        for aid, fno, kind, nw, row, boiler, ttd, pld, (var, pxd, psub, pby, pdl) in rows:
            fa.write(row)
            for b in boiler:
                boiler_count[b] = boiler_count.get(b, 0) + 1
            counts[kind] = counts.get(kind, 0) + 1
            lengths.append(nw)
            byfam.setdefault(fno, []).append((aid, kind))
            if tt:
                tt.write(ttd, aid, index)
                pl.write(pld, aid, index)
                px.write(pxd, aid, None)
                variants.write("\t".join([px.name, str(px.ordinal), str(aid), var]
                                          + ["\\N" if x is None else copy_escape(x) for x in (psub, pby, pdl)]) + "\n")
        for fno, arts in byfam.items():
            if len(arts) == 1:
                singles.append(arts[0][0])
            for i in range(len(arts)):
                members.extend([arts[i][0]] if len(arts) > 1 else [])
                for j in range(i + 1, len(arts)):
                    (x, kx), (y, ky) = arts[i], arts[j]
                    if x > y:
                        (x, kx), (y, ky) = (y, ky), (x, kx)
                    fr.write("%d\t%d\t%s/%s\n" % (x, y, kx, ky))

    if a.jobs > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(a.jobs) as p:
            for rows in p.imap(render_chunk, chunks, chunksize=1):
                consume(rows)
    else:
        for c in chunks:
            consume(render_chunk(c))
    for f in (fa, fr):
        f.close()
    if tt:
        tt.close()
        pl.close()
        px.close()
        index.close()
        variants.close()
    os.replace(tmp("articles.tsv"), os.path.join(a.out, "articles.tsv"))
    os.replace(tmp("related.tsv"), os.path.join(a.out, "related.tsv"))

    r = random.Random("queries:%d" % a.seed)
    nq = min(QUERY_COUNT, a.n)
    nm = min(len(members), int(nq * 0.8))
    q = r.sample(sorted(members), nm) + r.sample(sorted(singles), min(len(singles), nq - nm))
    with open(os.path.join(a.out, "queries.tsv"), "w") as f:
        f.write("".join("%d\n" % x for x in sorted(q)))

    lengths.sort()
    meta = {
        "n": a.n, "seed": a.seed, "pool_sha256": hashlib.sha256(raw).hexdigest(),
        "families": len(fams), "families_with_variants": sum(1 for _, ids in fams if len(ids) > 1),
        "kinds": counts, "queries": len(q),
        "words": {"min": lengths[0], "p10": lengths[len(lengths) // 10], "median": lengths[len(lengths) // 2],
                  "p90": lengths[len(lengths) * 9 // 10], "max": lengths[-1],
                  "mean": round(sum(lengths) / len(lengths), 1)},
        "dumps": None if a.no_dumps else {"tt_files": tt.fileno, "plain_files": pl.fileno, "mb_per_file": a.dump_mb},
    }
    if STORIES:
        meta["stories"] = {k: len(v) for k, v in STORIES.items()}
        with open(os.path.join(a.out, "boilerplate.tsv"), "w", encoding="utf-8") as f:
            bid = 0
            for kind in ("bio", "footer", "disclaimer"):
                for i, t in enumerate(STORIES[kind]):
                    bid += 1
                    f.write("%d\t%s\t%d\t%s\n" % (bid, kind, boiler_count.get((kind, i), 0), copy_escape(t)))
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print("generated %d articles (%d families with variants) into %s; words median %d"
          % (a.n, meta["families_with_variants"], a.out, meta["words"]["median"]), file=sys.stderr)


if __name__ == "__main__":
    main()
