#!/usr/bin/env python3
"""bench/search_bench.py -- driver of bench/search-bench (see there).

Loads the corpus, adds the stored tsvector column (as tools/neardup-load
--search-index makes it) and fingerprints, stores the clusters, then times
five ways of getting the top 20 stories for words drawn from the corpus
vocabulary by document frequency:

  readme      the README pattern: to_tsvector(body) expression GIN index,
              ts_rank(to_tsvector(body)) over every hit, join to clusters
  gin         the same over the stored tsvector column with a GIN index
  rum         ORDER BY tsv <=> q LIMIT 300 through a RUM index, then collapse
  stories_gin search_stories(..., method => 'gin')
  stories_rum search_stories(..., method => 'rum')

The first two and stories_gin run before the RUM index exists, so that
the planner cannot use it for them.
"""
import argparse
import json
import os
import statistics
import sys
import time

import psycopg2

K = 20
BANDS = [  # name, share of documents containing the word: low, high
    ("common", 0.15, 0.30),
    ("medium", 0.01, 0.03),
    ("rare", 0.0001, 0.0005),
]

METHODS = {
    "readme": """
WITH hits AS (
    SELECT a.id, ts_rank(to_tsvector('english', a.body), q) AS rank
      FROM articles a, websearch_to_tsquery('english', %(w)s) q
     WHERE to_tsvector('english', a.body) @@ q)
SELECT rep.id AS story, rep.title, count(*) AS copies, (array_agg(h.id ORDER BY h.id))[1:10] AS ids
  FROM hits h JOIN article_clusters c ON c.key = h.id JOIN articles rep ON rep.id = c.cluster_id
 GROUP BY rep.id, rep.title ORDER BY max(h.rank) DESC, rep.id LIMIT 20""",
    "gin": """
WITH hits AS (
    SELECT a.id, ts_rank(a.tsv, q) AS rank
      FROM articles a, websearch_to_tsquery('english', %(w)s) q
     WHERE a.tsv @@ q)
SELECT rep.id AS story, rep.title, count(*) AS copies, (array_agg(h.id ORDER BY h.id))[1:10] AS ids
  FROM hits h JOIN article_clusters c ON c.key = h.id JOIN articles rep ON rep.id = c.cluster_id
 GROUP BY rep.id, rep.title ORDER BY max(h.rank) DESC, rep.id LIMIT 20""",
    "rum": """
WITH hits AS (
    SELECT a.id, a.tsv <=> q AS d
      FROM articles a, websearch_to_tsquery('english', %(w)s) q
     WHERE a.tsv @@ q ORDER BY a.tsv <=> q LIMIT 300)
SELECT c.cluster_id AS story, count(*) AS copies, min(h.d) AS d
  FROM hits h JOIN article_clusters c ON c.key = h.id
 GROUP BY c.cluster_id ORDER BY min(h.d), c.cluster_id LIMIT 20""",
    "stories_gin": "SELECT * FROM search_stories('articles', %(w)s, 20, clusters => 'article_clusters', method => 'gin')",
    "stories_rum": "SELECT * FROM search_stories('articles', %(w)s, 20, clusters => 'article_clusters', method => 'rum')",
}


def log(msg):
    sys.stderr.write("==> %s\n" % msg)
    sys.stderr.flush()


def connect(db):
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    return conn


def load(a, have_rum):
    admin = connect("postgres")
    with admin.cursor() as cur:
        cur.execute("SET client_min_messages = warning")
        cur.execute('DROP DATABASE IF EXISTS "%s"' % a.db)
        cur.execute('CREATE DATABASE "%s"' % a.db)
    admin.close()
    conn = connect(a.db)
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION neardup")
    if have_rum:
        cur.execute("CREATE EXTENSION rum")
    cur.execute("""CREATE TABLE articles (id int PRIMARY KEY, family int, kind text, base_id int, title text,
                   caption text, subtitle text, byline text, body text NOT NULL)""")
    t = time.time()
    with open(os.path.join(a.corpus, "articles.tsv")) as f:
        cur.copy_expert("COPY articles FROM STDIN", f)
    log("copy %.1f s" % (time.time() - t))
    t = time.time()
    cur.execute("""ALTER TABLE articles
        ADD COLUMN tsv tsvector GENERATED ALWAYS AS
            (to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))) STORED,
        ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED""")
    log("tsv + fp columns %.1f s" % (time.time() - t))
    t = time.time()
    cur.execute("CREATE TABLE article_clusters AS SELECT * FROM duplicate_clusters('articles', 'id', 'fp', 0.5, 0.8)")
    cur.execute("CREATE UNIQUE INDEX ON article_clusters (key)")
    cur.execute("CREATE INDEX ON article_clusters (cluster_id)")
    log("clusters %.1f s" % (time.time() - t))
    sizes = {}
    for name, ddl in (("articles_body_fts", "CREATE INDEX articles_body_fts ON articles USING gin (to_tsvector('english', body))"),
                      ("articles_tsv_gin", "CREATE INDEX articles_tsv_gin ON articles USING gin (tsv)")):
        t = time.time()
        cur.execute(ddl)
        sizes[name] = {"build_s": round(time.time() - t, 1)}
        log("%s %.1f s" % (name, time.time() - t))
    cur.execute("VACUUM ANALYZE articles")
    cur.execute("VACUUM ANALYZE article_clusters")
    conn.close()
    return sizes


def pick_words(cur, n_docs, per_band):
    log("drawing words by document frequency (ts_stat)")
    cur.execute("""CREATE TEMP TABLE stat AS SELECT word, ndoc FROM ts_stat('SELECT tsv FROM articles')""")
    out = {}
    for band, lo, hi in BANDS:
        cur.execute("""SELECT word, ndoc FROM stat
                        WHERE ndoc BETWEEN %s AND %s AND word ~ '^[a-z]+$'
                          AND querytree(websearch_to_tsquery('english', word)) = quote_literal(word)
                        ORDER BY md5(word) LIMIT %s""",
                    (max(1, int(lo * n_docs)), int(hi * n_docs), per_band + 1))
        out[band] = cur.fetchall()
    return out


def run_method(cur, method, words):
    """Milliseconds per word (the first word is a warm-up, not counted)."""
    ms = []
    for i, (w, _) in enumerate(words):
        t = time.perf_counter()
        cur.execute(METHODS[method], {"w": w})
        rows = cur.fetchall()
        dt = (time.perf_counter() - t) * 1000
        if i > 0:
            ms.append(dt)
        assert len(rows) <= K
    return ms


def explain(conn, method, word, path):
    """EXPLAIN (ANALYZE, BUFFERS) of one query; for search_stories the plans of
    its inner statements, through auto_explain at NOTICE level."""
    cur = conn.cursor()
    del conn.notices[:]
    if method.startswith("stories"):
        cur.execute("LOAD 'auto_explain'")
        cur.execute("SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; "
                    "SET auto_explain.log_buffers = on; SET auto_explain.log_nested_statements = on; "
                    "SET auto_explain.log_level = notice")
        cur.execute(METHODS[method], {"w": word})
        cur.fetchall()
        cur.execute("SET auto_explain.log_min_duration = -1")
        text = "".join(conn.notices)
    else:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + METHODS[method], {"w": word})
        text = "\n".join(r[0] for r in cur.fetchall())
    with open(path, "w") as f:
        f.write("-- %s, word %r\n%s\n" % (method, word, text))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--queries", type=int, default=10)
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of the methods")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    admin = connect("postgres")
    with admin.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        have_rum = cur.fetchone()[0]
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = %s)", (a.db,))
        exists = cur.fetchone()[0]
    admin.close()
    res = {"k": K, "have_rum": have_rum}
    if not (a.reuse and exists):
        res["indexes"] = load(a, have_rum)
    conn = connect(a.db)
    cur = conn.cursor()
    cur.execute("DROP INDEX IF EXISTS articles_tsv_rum")
    cur.execute("SELECT count(*) FROM articles")
    n_docs = cur.fetchone()[0]
    cur.execute("""SELECT pg_size_pretty(pg_table_size('articles')),
                          pg_size_pretty(sum(pg_column_size(tsv))::bigint),
                          pg_size_pretty(pg_relation_size('articles_body_fts')),
                          pg_size_pretty(pg_relation_size('articles_tsv_gin')) FROM articles""")
    res["sizes"] = dict(zip(("table", "tsv_column", "body_fts_gin", "tsv_gin"), cur.fetchone()))
    res["n"] = n_docs
    words = pick_words(cur, n_docs, a.queries)
    res["words"] = {b: [w for w, _ in ws] for b, ws in words.items()}
    res["ndoc"] = {b: [d for _, d in ws] for b, ws in words.items()}
    want = a.methods.split(",")
    phases = [[m for m in ("readme", "gin", "stories_gin") if m in want]]
    if have_rum:
        phases.append([m for m in ("rum", "stories_rum") if m in want])
    res["ms"] = {}
    for i, methods in enumerate(phases):
        if i == 1:
            t = time.time()
            cur.execute("CREATE INDEX articles_tsv_rum ON articles USING rum (tsv rum_tsvector_ops)")
            res["rum_build_s"] = round(time.time() - t, 1)
            cur.execute("SELECT pg_size_pretty(pg_relation_size('articles_tsv_rum'))")
            res["sizes"]["tsv_rum"] = cur.fetchone()[0]
            cur.execute("ANALYZE articles")
        for m in methods:
            for band, ws in words.items():
                if not ws:
                    continue
                log("%s, %s words" % (m, band))
                ms = run_method(cur, m, ws)
                res["ms"].setdefault(m, {})[band] = ms
                explain(conn, m, ws[0][0], os.path.join(a.out, "explain-%s-%s.txt" % (m, band)))
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    print("n = %d articles, k = %d stories; sizes: %s" % (n_docs, K, res["sizes"]))
    for band, ws in words.items():
        print("%s words (%d queries, documents per word %d..%d)" % (
            band, max(0, len(ws) - 1), min(d for _, d in ws), max(d for _, d in ws)))
    print("%-12s %-7s %10s %10s %10s" % ("method", "band", "p50 ms", "max ms", "mean ms"))
    for m, bands in res["ms"].items():
        for band, ms in bands.items():
            if ms:
                print("%-12s %-7s %10.1f %10.1f %10.1f" % (m, band, statistics.median(ms), max(ms), statistics.mean(ms)))
    print("plans: %s/explain-*.txt" % a.out)


if __name__ == "__main__":
    main()
