#!/usr/bin/env python3
"""bench/search_bench.py -- driver of bench/search-bench (see there).

Loads the corpus (articles.tsv) into a table with a stored tsvector
column tsv (as tools/neardup-load --search-index makes it), fingerprints,
the clusters of duplicate_clusters(..., 0.5, 0.8) both as a table
(article_clusters) and as a cluster column (story), GIN and RUM indexes on
tsv and the search lists (search_lists_build), then times ways of getting
the top 20 stories for words drawn from the corpus vocabulary by document
frequency:

  readme      the README pattern: to_tsvector(body) expression GIN index,
              ts_rank(to_tsvector(body)) over every hit, join to clusters
              (very slow for common words: --readme-queries limits it to
              the first N words of each band, --readme-timeout-ms cuts
              each query; a query cut counts as the timeout)
  gin         the same over the stored tsvector column with a GIN index
  rum         ORDER BY tsv <=> q LIMIT 300 through a RUM index, then collapse
  stories_gin         search_stories(..., method => 'gin', lists => false)
  stories_rum         search_stories(..., method => 'rum', lists => false)
  stories_lists_gin   search_stories(..., method => 'gin'): search lists,
                      ranked GIN scan when a list runs out
  stories_lists_rum   search_stories(...) (method 'auto') with the RUM index
                      present: search lists, else RUM for several words
                      and GIN for a one-word query without a list
  stories_lists_*_nohl  the same with headlines => false (no ts_headline)

The GIN-only methods run in a transaction that drops the RUM index first
and rolls back at the end (the planner cannot use it; nothing is rebuilt).
Needs psycopg 3 (Debian python3-psycopg).
"""
import argparse
import json
import os
import statistics
import sys
import time

import psycopg

K = 20
BANDS = [  # name, share of documents containing the word: low, high
    ("common", 0.15, 0.30),
    ("medium", 0.01, 0.03),
    ("rare", 0.0001, 0.0005),
]

STORY = "SELECT story, key, title, rank, hits, keys, headline, via FROM search_stories('articles', %(w)s, 20, cluster_column => 'story', {})"
METHODS = {
    "readme": """
WITH hits AS (
    SELECT a.id, ts_rank(to_tsvector('english', a.body), q) AS rank
      FROM {readme_table} a, websearch_to_tsquery('english', %(w)s) q
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
    "stories_gin": STORY.format("method => 'gin', lists => false"),
    "stories_rum": STORY.format("method => 'rum', lists => false"),
    "stories_lists_gin": STORY.format("method => 'gin'"),
    "stories_lists_rum": STORY.format("method => 'auto'"),
    "stories_lists_gin_nohl": STORY.format("method => 'gin', headlines => false"),
    "stories_lists_rum_nohl": STORY.format("method => 'auto', headlines => false"),
}
GIN_ONLY = ("readme", "gin", "stories_gin", "stories_lists_gin", "stories_lists_gin_nohl")


def log(msg):
    sys.stderr.write("==> %s %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def connect(db):
    return psycopg.connect(dbname=db, autocommit=True)


def timed(cur, what, stmt, sizes=None):
    t = time.time()
    cur.execute(stmt)
    dt = round(time.time() - t, 1)
    log("%s %.1f s" % (what, dt))
    if sizes is not None:
        sizes[what] = dt
    return dt


def load(a, have_rum):
    admin = connect("postgres")
    admin.execute("SET client_min_messages = warning")
    admin.execute('DROP DATABASE IF EXISTS "%s"' % a.db)
    admin.execute('CREATE DATABASE "%s"' % a.db)
    admin.close()
    conn = connect(a.db)
    cur = conn.cursor()
    cur.execute("SET maintenance_work_mem = '1GB'")
    cur.execute("CREATE EXTENSION neardup")
    if have_rum:
        cur.execute("CREATE EXTENSION rum")
    build = {}
    cur.execute("""CREATE UNLOGGED TABLE raw (id int PRIMARY KEY, family int, kind text, base_id int, title text,
                   caption text, subtitle text, byline text, body text NOT NULL)""")
    t = time.time()
    with open(os.path.join(a.corpus, "articles.tsv"), "rb") as f:
        with cur.copy("COPY raw FROM STDIN") as cp:
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                cp.write(block)
    build["copy"] = round(time.time() - t, 1)
    log("copy %.1f s" % build["copy"])
    timed(cur, "fp", "ALTER TABLE raw ADD COLUMN fp fingerprint GENERATED ALWAYS AS (fingerprint(body)) STORED", build)
    timed(cur, "clusters", "CREATE TABLE article_clusters AS SELECT * FROM duplicate_clusters('raw', 'id', 'fp', 0.5, 0.8)", build)
    cur.execute("CREATE UNIQUE INDEX ON article_clusters (key)")
    cur.execute("CREATE INDEX ON article_clusters (cluster_id)")
    # the final table in one pass: the cluster column and the stored
    # tsvector (what neardup-load --search-index adds as a generated column)
    cur.execute("""CREATE TABLE articles (id int PRIMARY KEY, family int, kind text, base_id int, title text,
                   caption text, subtitle text, byline text, body text NOT NULL, fp fingerprint, story int, tsv tsvector)""")
    cur.execute("ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN tsv SET COMPRESSION lz4")
    timed(cur, "articles + tsv", """INSERT INTO articles
        SELECT r.id, r.family, r.kind, r.base_id, r.title, r.caption, r.subtitle, r.byline, r.body, r.fp, c.cluster_id,
               to_tsvector('english', coalesce(r.title, '') || ' ' || coalesce(r.body, ''))
          FROM raw r JOIN article_clusters c ON c.key = r.id""", build)
    cur.execute("DROP TABLE raw")
    cur.execute("CREATE INDEX articles_story ON articles (story)")
    cur.execute("VACUUM ANALYZE articles")
    cur.execute("VACUUM ANALYZE article_clusters")
    timed(cur, "articles_tsv_gin", "CREATE INDEX articles_tsv_gin ON articles USING gin (tsv)", build)
    if have_rum:
        timed(cur, "articles_tsv_rum", "CREATE INDEX articles_tsv_rum ON articles USING rum (tsv rum_tsvector_ops)", build)
    conn.close()
    return build


def prepare(conn, a, res):
    """What a --reuse run may still lack: the README's expression index and
    the search lists (built with the requested depth and min_df)."""
    cur = conn.cursor()
    cur.execute("SET maintenance_work_mem = '1GB'")
    want = a.methods.split(",")
    if any(m.startswith("stories_lists") for m in want):
        cur.execute("SELECT depth, min_df FROM search_lists WHERE rel = 'articles'::regclass")
        row = cur.fetchone()
        if row != (a.depth, a.min_df):
            t = time.time()
            cur.execute("SELECT search_lists_build('articles', 'tsv', 'id', %s, %s)", (a.depth, a.min_df))
            res["lists_rows"] = cur.fetchone()[0]
            res["build"]["search_lists"] = round(time.time() - t, 1)
            log("search lists: %d rows, %.1f s" % (res["lists_rows"], time.time() - t))
        cur.execute("ANALYZE articles_search_lists")


def readme_index(conn, res, subset):
    """The README pattern's expression index, built before its queries
    (last): at 1M rows it parses every body once more.  If another session
    is building it (by this name), wait for that.  With --readme-subset N
    the pattern runs on a copy of the N smallest ids instead (its own
    index: a tenth of the parsing for a tenth of the rows)."""
    cur = conn.cursor()
    if subset:
        cur.execute("SET maintenance_work_mem = '1GB'")
        if not cur.execute("SELECT to_regclass('articles_readme_sub') IS NOT NULL").fetchone()[0]:
            timed(cur, "articles_readme_sub", "CREATE TABLE articles_readme_sub AS SELECT id, title, body FROM articles"
                  " WHERE id <= %d" % subset, res["build"])
            timed(cur, "articles_readme_sub_fts", "CREATE INDEX ON articles_readme_sub USING gin (to_tsvector('english', body))",
                  res["build"])
            cur.execute("ANALYZE articles_readme_sub")
        res["readme_rows"] = cur.execute("SELECT count(*) FROM articles_readme_sub").fetchone()[0]
        METHODS["readme"] = METHODS["readme"].replace("{readme_table}", "articles_readme_sub")
        return
    METHODS["readme"] = METHODS["readme"].replace("{readme_table}", "articles")
    while True:
        if cur.execute("SELECT to_regclass('articles_body_fts') IS NOT NULL").fetchone()[0]:
            return
        if not cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                           " AND query LIKE 'CREATE INDEX articles_body_fts%'").fetchone()[0]:
            break
        log("waiting for another session's CREATE INDEX articles_body_fts")
        time.sleep(20)
    cur.execute("SET maintenance_work_mem = '1GB'")
    timed(cur, "articles_body_fts", "CREATE INDEX articles_body_fts ON articles USING gin (to_tsvector('english', body))",
          res["build"])


def pick_words(cur, n_docs, per_band):
    log("drawing words by document frequency (ts_stat)")
    cur.execute("CREATE TEMP TABLE stat AS SELECT word, ndoc FROM ts_stat('SELECT tsv FROM articles')")
    out = {}
    for band, lo, hi in BANDS:
        cur.execute("""SELECT word, ndoc FROM stat
                        WHERE ndoc BETWEEN %s AND %s AND word ~ '^[a-z]+$'
                          AND querytree(websearch_to_tsquery('english', word)) = quote_literal(word)
                        ORDER BY md5(word) LIMIT %s""",
                    (max(1, int(lo * n_docs)), int(hi * n_docs), per_band + 1))
        out[band] = cur.fetchall()
    return out


def run_method(cur, method, words, timeout_ms, warm=True):
    """Milliseconds per word (the first word is a warm-up, not counted,
    unless warm is false),
    the number of queries cut by the timeout, the paths taken and, for
    search_stories, the rows of each word (without via)."""
    ms, cut, via, got = [], 0, {}, {}
    cur.execute("SET statement_timeout = %d" % timeout_ms)
    for i, (w, _) in enumerate(words):
        t = time.perf_counter()
        try:
            # a savepoint inside the GIN-only transaction, else its own
            with cur.connection.transaction():
                cur.execute(METHODS[method], {"w": w})
                rows = cur.fetchall()
        except psycopg.errors.QueryCanceled:
            rows = None
        dt = (time.perf_counter() - t) * 1000
        counted = i > 0 or not warm
        if rows is None:
            cut += counted
            dt = max(dt, timeout_ms)
        elif method.startswith("stories"):
            for r in rows[:1]:
                via[r[7]] = via.get(r[7], 0) + 1
            got[w] = (rows[0][7] if rows else None, [tuple(r[:7]) for r in rows])
        if counted:
            ms.append(dt)
        assert rows is None or len(rows) <= K
    cur.execute("SET statement_timeout = 0")
    return ms, cut, via, got


def explain(conn, method, word, path):
    """EXPLAIN (ANALYZE, BUFFERS) of one query; for search_stories the plans of
    its inner statements, through auto_explain at NOTICE level."""
    notices = []

    def handler(d):
        notices.append(d.message_primary + "\n")
    conn.add_notice_handler(handler)
    cur = conn.cursor()
    if method.startswith("stories"):
        cur.execute("LOAD 'auto_explain'")
        for s in ("SET auto_explain.log_min_duration = 0", "SET auto_explain.log_analyze = on",
                  "SET auto_explain.log_buffers = on", "SET auto_explain.log_nested_statements = on",
                  "SET auto_explain.log_level = notice"):
            cur.execute(s)
        cur.execute(METHODS[method], {"w": word})
        cur.fetchall()
        cur.execute("SET auto_explain.log_min_duration = -1")
        text = "".join(notices)
    else:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + METHODS[method], {"w": word})
        text = "\n".join(r[0] for r in cur.fetchall())
    conn.remove_notice_handler(handler)
    with open(path, "w") as f:
        f.write("-- %s, word %r\n%s\n" % (method, word, text))


def pct(ms, p):
    s = sorted(ms)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--queries", type=int, default=35, help="timed queries per band (plus one warm-up)")
    p.add_argument("--readme-queries", type=int, default=10, help="README pattern: first N words of each band (0: none)")
    p.add_argument("--readme-timeout-ms", type=int, default=120000)
    p.add_argument("--gin-queries", type=int, default=0,
                   help="gin and stories_gin (every hit ranked): only the first N words of each band (0: all)")
    p.add_argument("--readme-no-warmup", action="store_true",
                   help="README pattern: no warm-up query (at 1M rows one common word takes minutes); "
                        "its first --readme-queries words of each band are all timed")
    p.add_argument("--words-file", default=None,
                   help="the drawn words: read from this JSON file when it exists, else drawn and written to it "
                        "(a second run on the same table skips ts_stat)")
    p.add_argument("--readme-common-queries", type=int, default=None,
                   help="README pattern: this many common words instead of --readme-queries (each takes minutes at 1M)")
    p.add_argument("--readme-subset", type=int, default=0,
                   help="README pattern on the rows with id <= N only (a copy with its own index); 0: all rows")
    p.add_argument("--depth", type=int, default=200, help="search_lists_build depth")
    p.add_argument("--min-df", type=int, default=1000, help="search_lists_build min_df")
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--load-only", action="store_true",
                   help="load (unless --reuse finds the database), build the search lists and the README pattern's "
                        "expression index on all rows, then stop (so the timed runs can follow at normal priority)")
    p.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of the methods")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    admin = connect("postgres")
    have_rum = admin.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')").fetchone()[0]
    exists = admin.execute("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = %s)", (a.db,)).fetchone()[0]
    admin.close()
    res = {"k": K, "have_rum": have_rum, "build": {}, "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    if not (a.reuse and exists):
        res["build"] = load(a, have_rum)
    conn = connect(a.db)
    prepare(conn, a, res)
    if a.load_only:
        readme_index(conn, res, 0)
        log("load done: build s %s" % res["build"])
        return
    cur = conn.cursor()
    n_docs = cur.execute("SELECT count(*) FROM articles").fetchone()[0]
    cur.execute("""SELECT pg_size_pretty(pg_table_size('articles')),
                          pg_size_pretty(sum(pg_column_size(tsv))::bigint),
                          pg_size_pretty(pg_relation_size('articles_tsv_gin')),
                          pg_size_pretty(pg_relation_size(to_regclass('articles_tsv_rum'))),
                          pg_size_pretty(pg_relation_size(to_regclass('articles_body_fts'))),
                          pg_size_pretty(pg_total_relation_size(to_regclass('articles_search_lists'))
                                         + pg_total_relation_size(to_regclass('articles_search_floors')))
                     FROM articles""")
    res["sizes"] = dict(zip(("table", "tsv_column", "tsv_gin", "tsv_rum", "body_fts_gin", "search_lists"), cur.fetchone()))
    if res["sizes"]["search_lists"]:
        rows, nbytes = cur.execute("SELECT count(*), pg_total_relation_size('articles_search_lists')"
                                   " + pg_total_relation_size('articles_search_floors') FROM articles_search_lists").fetchone()
        res["lists"] = {"rows": rows, "bytes": nbytes,
                        "lexemes": cur.execute("SELECT count(*) FROM articles_search_floors").fetchone()[0],
                        "bytes_per_article": round(nbytes / n_docs, 1)}
    cur.execute("SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM (SELECT count(*) n FROM articles GROUP BY story) x")
    res["story_size_max_median"] = cur.fetchone()
    res["n"] = n_docs
    if a.words_file and os.path.exists(a.words_file):
        with open(a.words_file) as f:
            words = {b: [tuple(x) for x in ws] for b, ws in json.load(f).items()}
        log("words from %s" % a.words_file)
    else:
        words = pick_words(cur, n_docs, a.queries)
        if a.words_file:
            with open(a.words_file, "w") as f:
                json.dump(words, f)
    res["words"] = {b: [w for w, _ in ws] for b, ws in words.items()}
    res["ndoc"] = {b: [d for _, d in ws] for b, ws in words.items()}
    want = [m for m in METHODS if m in a.methods.split(",") and m != "readme"]
    if "readme" in a.methods.split(",") and a.readme_queries > 0:
        want.append("readme")   # last: it may need its index built first
    rum_index = cur.execute("SELECT to_regclass('articles_tsv_rum') IS NOT NULL").fetchone()[0]
    if not (have_rum and rum_index):
        want = [m for m in want if m in GIN_ONLY]
    res["ms"], res["cut"], res["via"] = {}, {}, {}
    rows = {}
    for m in want:
        if m == "readme":
            readme_index(conn, res, a.readme_subset)
        gin_only = m in GIN_ONLY and rum_index
        if gin_only:
            conn.autocommit = False
            cur.execute("DROP INDEX articles_tsv_rum")   # rolled back below
        for band, ws in words.items():
            if not ws:
                continue
            if m == "readme":
                nq = a.readme_common_queries if band == "common" and a.readme_common_queries is not None else a.readme_queries
                ws = ws[:nq + (0 if a.readme_no_warmup else 1)]
                if len(ws) < (1 if a.readme_no_warmup else 2):
                    continue
            elif m in ("gin", "stories_gin") and a.gin_queries:
                ws = ws[:a.gin_queries + 1]
            warm = not (m == "readme" and a.readme_no_warmup)
            log("%s, %s words (%d), load average %.1f" % (m, band, len(ws) - warm, os.getloadavg()[0]))
            res.setdefault("loadavg", {}).setdefault(m, {})[band] = [round(os.getloadavg()[0], 1)]
            ms, cut, via, got = run_method(cur, m, ws, a.readme_timeout_ms if m == "readme" else 600000, warm)
            res["loadavg"][m][band].append(round(os.getloadavg()[0], 1))
            rows.setdefault(m, {}).update(got)
            res["ms"].setdefault(m, {})[band] = ms
            res["cut"].setdefault(m, {})[band] = cut
            res["via"].setdefault(m, {})[band] = via
            if not (m == "readme" and band == "common"):
                explain(conn, m, ws[1][0], os.path.join(a.out, "explain-%s-%s.txt" % (m, band)))
        if gin_only:
            conn.rollback()
            conn.autocommit = True
    res["sizes"]["body_fts_gin"] = cur.execute(
        "SELECT pg_size_pretty(pg_relation_size(to_regclass('articles_body_fts')))").fetchone()[0]
    # exactness at scale: every search_stories method against the GIN path
    # that ranks every hit (identical rows expected: story, key, title,
    # rank, hits, keys and headline), and the RUM path without lists also
    # against the lists on GIN (equal to the GIN path: lists are its
    # prefix) for every word both ran
    res["same_rows"] = {}
    pairs = [(m, "stories_gin") for m in ("stories_lists_gin", "stories_lists_rum", "stories_rum")]
    pairs.append(("stories_rum", "stories_lists_gin"))
    for m, refname in pairs:
        if m in rows and refname in rows:
            common = [w for w in rows[m] if w in rows[refname]]
            same = [w for w in common if rows[m][w][1] == rows[refname][w][1]]
            res["same_rows"]["%s vs %s" % (m, refname)] = "%d of %d words" % (len(same), len(common))
            res.setdefault("differ", {})["%s vs %s" % (m, refname)] = [w for w in common if w not in same]
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    print("n = %d articles, k = %d stories; sizes: %s; build s: %s" % (n_docs, K, res["sizes"], res["build"]))
    if "lists" in res:
        print("search lists: %s" % res["lists"])
    print("largest / median story: %s" % (res["story_size_max_median"],))
    if "readme_rows" in res:
        print("README pattern on a subset: the %d rows with id <= %d (articles_readme_sub, its own index)"
              % (res["readme_rows"], a.readme_subset))
    for band, ws in words.items():
        print("%s words (%d timed queries, documents per word %d..%d)" % (
            band, max(0, len(ws) - 1), min(d for _, d in ws), max(d for _, d in ws)))
    print("%-22s %-7s %5s %10s %10s %10s %5s %11s  %s" % ("method", "band", "n", "p50 ms", "p99 ms", "mean ms", "cut", "load", "via"))
    for m, bands in res["ms"].items():
        for band, ms in bands.items():
            if ms:
                print("%-22s %-7s %5d %10.1f %10.1f %10.1f %5d %11s  %s" % (
                    m, band, len(ms), statistics.median(ms), pct(ms, 99), statistics.mean(ms),
                    res["cut"][m][band], "%.1f-%.1f" % tuple(res["loadavg"][m][band]), res["via"][m][band] or ""))
    for pair, v in res["same_rows"].items():
        print("%s: identical rows for %s" % (pair, v))
    print("plans: %s/explain-*.txt" % a.out)


if __name__ == "__main__":
    main()
