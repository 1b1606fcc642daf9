#!/usr/bin/env python3
"""bench/run.py -- the benchmark driver behind bench/run (see bench/README.md).

    run.py --corpus DIR --db NAME --out DIR [--timeout-ms MS] [--budget-s S] ...

Talks to the server only through psql (PGHOST/PGPORT/PGUSER from the
environment).  Every timing is taken inside the server with clock_timestamp()
around an EXECUTE in PL/pgSQL (bench_time, bench_query below), so client
round trips and result transfer are not counted.  Parallel query is off:
every figure is for one backend, i.e. one core.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SESSION = """
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET max_parallel_maintenance_workers = 0;
SET maintenance_work_mem = '1GB';
SET work_mem = '64MB';
SET jit = off;
"""

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION bench_time(sql text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  EXECUTE sql;
  RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;
CREATE TABLE IF NOT EXISTS bench_methods (name text PRIMARY KEY, sql text NOT NULL);
CREATE TABLE IF NOT EXISTS bench_lat (method text, qid int, ms float8, ids int[], sims float8[]);
-- One query: $1 is the query value (text or fingerprint), $2 the query id.
-- The method's SQL returns one row: (int[] ids, float8[] similarities).
CREATE OR REPLACE FUNCTION bench_query(method text, qid int, q anyelement) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE s text; t0 timestamptz; t1 timestamptz; r_ids int[]; r_sims float8[];
BEGIN
  SELECT m.sql INTO STRICT s FROM bench_methods m WHERE m.name = method;
  t0 := clock_timestamp();
  EXECUTE s INTO r_ids, r_sims USING q, qid;
  t1 := clock_timestamp();
  INSERT INTO bench_lat VALUES (method, qid, 1000 * extract(epoch FROM t1 - t0), r_ids, r_sims);
END $$;
CREATE OR REPLACE FUNCTION bench_explain(method text, qid int, q anyelement) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE s text; r text; out text := '';
BEGIN
  SELECT m.sql INTO STRICT s FROM bench_methods m WHERE m.name = method;
  FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || s USING q, qid LOOP
    out := out || r || E'\n';
  END LOOP;
  RETURN out;
END $$;
"""


class PsqlError(Exception):
    pass


def log(msg):
    print("==> " + msg, file=sys.stderr, flush=True)


class DB:
    def __init__(self, name):
        self.name = name

    def run(self, sql, check=True, stdin_file=None):
        """Runs a script; returns stdout (unaligned, tab-separated, tuples only)."""
        cmd = ["psql", "-X", "-q", "-t", "-A", "-F", "\t", "-d", self.name]
        if check:
            cmd += ["-v", "ON_ERROR_STOP=1"]
        p = subprocess.run(cmd, input=SESSION + sql, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise PsqlError(p.stderr.strip())
        self.last_stderr = p.stderr
        return p.stdout

    def val(self, sql):
        out = self.run(sql).strip().splitlines()
        return out[-1] if out else None

    def time(self, sql):
        """Server-side seconds of one statement."""
        return float(self.val("SELECT bench_time(%s);" % lit(sql)))


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def copy_escape(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def pct(values, p):
    """Nearest-rank percentile; values may hold math.inf for timeouts."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(math.ceil(p / 100.0 * len(v))) - 1))
    return v[k]


def fmt_ms(x, timeout_ms):
    if x is None:
        return "-"
    if math.isinf(x):
        return "> %g s (timeout)" % (timeout_ms / 1000.0)
    return "%.2f" % x if x < 100 else "%.0f" % x


# ---------------------------------------------------------------------------
def load_truth(path, truth):
    with open(path) as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            a, b = int(c[0]), int(c[1])
            # columns after a, b: [kind], J, cab, cba, na, nb, inter
            j, cab, cba = float(c[-6]), float(c[-5]), float(c[-4])
            truth[(a, b)] = (j, cab, cba)


def truth_of(truth, q, x):
    """(J, containment of q in x) or None."""
    if q < x:
        t = truth.get((q, x))
        return None if t is None else (t[0], t[1])
    t = truth.get((x, q))
    return None if t is None else (t[0], t[2])


def relevant(truth_by_q, q, t):
    return {x for x, j in truth_by_q.get(q, {}).items() if j >= t}


def accuracy_threshold(results, truth_by_q, qids, s_grid, t_grid):
    """results: {qid: [(id, sim)]} (qids with a result).  Returns a grid of
    {t: {s: (precision, recall, found, relevant)}} counted over all pairs."""
    grid = {}
    for t in t_grid:
        grid[t] = {}
        for s in s_grid:
            tp = fp = rel = 0
            for q in qids:
                if q not in results:
                    continue
                R = relevant(truth_by_q, q, t)
                F = {x for x, sim in results[q] if sim >= s - 1e-12}
                tp += len(F & R)
                fp += len(F - R)
                rel += len(R)
            prec = tp / (tp + fp) if tp + fp else None
            rec = tp / rel if rel else None
            grid[t][s] = {"precision": prec, "recall": rec, "found": tp + fp, "relevant": rel}
    return grid


def recall_at_10(results, truth_by_q, qids, t):
    hit = tot = 0
    for q in qids:
        if q not in results:
            continue
        rel = sorted(((j, x) for x, j in truth_by_q.get(q, {}).items() if j >= t), reverse=True)[:10]
        R = {x for _, x in rel}
        got = {x for x, _ in results[q]}
        hit += len(R & got)
        tot += len(R)
    return (hit / tot if tot else None), tot


def recall_vs_exact(got, exact):
    """recall@10 of an index top-10 against the exact top-10 (sequential
    scan) over the queries both completed.  Tie-aware (the ann-benchmarks
    rule): a returned row counts when its similarity is at least the exact
    tenth similarity, since similarity() takes few distinct values and the
    sequential scan breaks ties arbitrarily, so any such row belongs to an
    exact top-10.  Also by id: all ten, and only the exact neighbours with
    similarity >= 0.1 and >= 0.3."""
    cuts = (0.0, 0.1, 0.3)
    hit, tot = dict.fromkeys(cuts, 0), dict.fromkeys(cuts, 0)
    thit = ttot = 0
    for q, ex in exact.items():
        if q not in got:
            continue
        g = {x for x, _ in got[q]}
        for c in cuts:
            hit[c] += sum(1 for x, s in ex if s >= c and x in g)
            tot[c] += sum(1 for x, s in ex if s >= c)
        if ex:
            kth = min(s for _, s in ex)
            thit += min(len(ex), sum(1 for _, s in got[q] if s >= kth - 1e-6))
            ttot += len(ex)
    r = lambda c: hit[c] / tot[c] if tot[c] else None
    return {"queries": sum(1 for q in exact if q in got), "tie_aware": thit / ttot if ttot else None,
            "all": r(0.0),
            "sim_ge_0.1": r(0.1), "neighbours_sim_ge_0.1": tot[0.1],
            "sim_ge_0.3": r(0.3), "neighbours_sim_ge_0.3": tot[0.3]}


def huge_pages_in_use():
    """Whether the server's shared memory sits in huge pages: HugePages_Rsvd
    or used pages in /proc/meminfo (PostgreSQL 15 has no
    huge_pages_status); None when unknown."""
    try:
        info = dict(l.split(":", 1) for l in open("/proc/meminfo"))
        tot = int(info["HugePages_Total"].split()[0])
        free = int(info["HugePages_Free"].split()[0])
        rsvd = int(info["HugePages_Rsvd"].split()[0])
        return tot > 0 and (tot - free + rsvd) > 0
    except (OSError, KeyError, ValueError):
        return None


def f1(p, r):
    if not p or not r:
        return 0.0
    return 2 * p * r / (p + r)


# ---------------------------------------------------------------------------
class Bench:
    def __init__(self, a):
        self.a = a
        self.db = DB(a.db)
        self.corpus = a.corpus
        self.meta = json.load(open(os.path.join(a.corpus, "meta.json")))
        self.res = {"corpus": self.meta, "steps": {}, "missing": [], "errors": {}}
        self.qids = [int(x) for x in open(os.path.join(a.corpus, "queries.tsv")).read().split()]
        wf = os.path.join(a.corpus, "truth.w")
        self.w = int(open(wf).read()) if os.path.exists(wf) else None
        self.truth_path = os.path.join(a.corpus, "truth.tsv")
        if a.queries:
            self.qids = self.qids[:a.queries]
        self.trgm_ids, self.trgm_qids = None, self.qids
        self.margin_results = {}       # threshold -> GIN results at it

    def step(self, name, value):
        self.res["steps"][name] = value
        log("%s: %s" % (name, json.dumps(value) if not isinstance(value, str) else value))

    # -- setup and load -----------------------------------------------------
    def setup(self):
        db = self.db
        db.run("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
        db.run("CREATE EXTENSION IF NOT EXISTS pg_prewarm;")
        try:
            db.run("CREATE EXTENSION IF NOT EXISTS neardup;")
            self.res["neardup_version"] = db.val("SELECT extversion FROM pg_extension WHERE extname = 'neardup';")
        except PsqlError as e:
            self.res["errors"]["neardup_extension"] = str(e)
            self.res["neardup_version"] = None
        self.res["pg_trgm_version"] = db.val("SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm';")
        self.res["server_version"] = db.val("SELECT version();")
        self.res["shared_buffers"] = db.val("SHOW shared_buffers;")
        self.res["huge_pages"] = db.val("SHOW huge_pages;")
        self.res["huge_pages_in_use"] = huge_pages_in_use()
        db.run(FUNCTIONS)
        db.run("TRUNCATE bench_lat; TRUNCATE bench_methods;")

    def load(self):
        db = self.db
        log("loading articles")
        db.run("""
DROP TABLE IF EXISTS articles CASCADE;
CREATE TABLE articles (id int PRIMARY KEY, family int, kind text, base_id int, title text,
                       caption text, subtitle text, byline text, body text NOT NULL);
""")
        t0 = time.time()
        db.run("\\copy articles FROM %s\n" % lit(os.path.join(self.corpus, "articles.tsv")))
        load_s = time.time() - t0
        db.run("VACUUM ANALYZE articles;")
        n, body_bytes, rel = db.val(
            "SELECT count(*), sum(octet_length(body)), pg_total_relation_size('articles') FROM articles;").split("\t")
        self.n, self.body_bytes = int(n), int(body_bytes)
        self.step("load", {"articles": self.n, "body_mb": round(self.body_bytes / 1048576, 1),
                           "copy_s_client": round(load_s, 2), "table_mb": round(int(rel) / 1048576, 1)})
        db.run("""
DROP TABLE IF EXISTS truth;
CREATE TABLE truth (a int, b int, kind text, j float8, cab float8, cba float8, na int, nb int, ninter int);
\\copy truth FROM %s
""" % lit(self.truth_path))

    # -- throughput ---------------------------------------------------------
    def throughput(self, label, sql, runs, n=None, body_bytes=None):
        best = min(self.db.time(sql) for _ in range(runs))
        mb = (body_bytes or self.body_bytes) / 1048576
        return {"seconds": round(best, 3), "mb_per_s_per_core": round(mb / best, 1),
                "us_per_article": round(best * 1e6 / (n or self.n), 1)}

    # -- indexes ------------------------------------------------------------
    def build_index(self, name, ddl, table, n=None):
        db = self.db
        try:
            db.run("DROP INDEX IF EXISTS %s;" % name)
            s = db.time(ddl)
            size = int(db.val("SELECT pg_relation_size(%s);" % lit(name)))
            db.run("ANALYZE %s;" % table)
            return {"build_s": round(s, 2), "size_mb": round(size / 1048576, 1),
                    "bytes_per_article": round(size / (n or self.n), 1)}
        except PsqlError as e:
            return {"error": str(e).splitlines()[0][:300]}

    # -- queries ------------------------------------------------------------
    def prewarm(self, table):
        """Reads the table and its indexes into shared buffers (pg_prewarm),
        so that every method starts from the same warm state instead of the
        first one after a build paying for reads."""
        try:
            self.db.run("SELECT pg_prewarm(c) FROM (SELECT %s::regclass AS c UNION ALL "
                        "SELECT indexrelid::regclass FROM pg_index WHERE indrelid = %s::regclass) r;"
                        % (lit(table), lit(table)))
        except PsqlError as e:
            log("pg_prewarm failed (%s): latency includes cold reads" % str(e).splitlines()[0])

    def queries(self, method, sql, operand_sql, gucs, qids=None):
        """Runs every query id through bench_query; returns stats + results."""
        a, db = self.a, self.db
        qids = self.qids if qids is None else qids
        m = re.search(r"\bFROM (\w+)", sql)
        if m:
            self.prewarm(m.group(1))
        db.run("INSERT INTO bench_methods VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET sql = EXCLUDED.sql;"
               % (lit(method), lit(sql)))
        db.run("DELETE FROM bench_lat WHERE method = %s;" % lit(method))
        head = "SET statement_timeout = %d;\n%s\n" % (a.timeout_ms, gucs)
        try:
            plan = db.run(gucs + "\nSELECT bench_explain(%s, %d, (%s));" % (lit(method), qids[0],
                                                                   operand_sql % {"q": qids[0]}))
        except PsqlError as e:
            plan = "EXPLAIN failed: %s" % e
        # warm-up: one query, not measured
        db.run(head + "SELECT bench_query(%s, %d, (%s));\n" % (lit(method), qids[0],
                                                                operand_sql % {"q": qids[0]}), check=False)
        db.run("DELETE FROM bench_lat WHERE method = %s;" % lit(method))
        t0 = time.time()
        attempted, errors, timeouts = 0, [], 0
        i, per_q = 0, None
        while i < len(qids):
            spent = time.time() - t0
            if spent > a.budget_s:
                break
            # batches of up to 20 queries, smaller when queries are slow, so
            # that the budget is not overrun by much
            k = 20 if per_q is None else max(1, min(20, int((a.budget_s - spent) / max(per_q, 1e-3))))
            if per_q is None:
                k = 1
            batch = qids[i:i + k]
            i += len(batch)
            tb = time.time()
            script = head + "".join("SELECT bench_query(%s, %d, (%s));\n"
                                    % (lit(method), q, operand_sql % {"q": q}) for q in batch)
            db.run(script, check=False)
            attempted += len(batch)
            per_q = (time.time() - tb) / len(batch)
            for line in db.last_stderr.splitlines():
                if "statement timeout" in line:
                    timeouts += 1
                elif line.startswith("ERROR") or line.startswith("psql:"):
                    if "statement timeout" not in line:
                        errors.append(line)
        rows = db.run("SELECT qid, ms, coalesce(array_to_string(ids, ','), ''), coalesce(array_to_string(sims, ','), '') "
                      "FROM bench_lat WHERE method = %s;" % lit(method))
        results, lat = {}, []
        for line in rows.splitlines():
            qid, ms, ids, sims = line.split("\t")
            ids = [int(x) for x in ids.split(",")] if ids else []
            sims = [float(x) for x in sims.split(",")] if sims else []
            results[int(qid)] = list(zip(ids, sims))
            lat.append(float(ms))
        missing = attempted - len(lat)
        lat_all = lat + [math.inf] * missing
        st = {"queries": len(qids), "completed": len(lat), "timeouts": timeouts,
              "errors": len(errors), "skipped_budget": len(qids) - attempted,
              "timeout_ms": a.timeout_ms,
              "p50_ms": pct(lat_all, 50), "p95_ms": pct(lat_all, 95), "p99_ms": pct(lat_all, 99),
              "mean_ms_completed": round(statistics.mean(lat), 3) if lat else None,
              "results_per_query": round(sum(len(v) for v in results.values()) / len(results), 2) if results else None,
              "plan": short_plan(plan)}
        if errors:
            st["first_error"] = errors[0][:300]
        log("%s: %d/%d done, p50 / p95 / p99 (ms): %s / %s / %s, %d timeouts"
            % (method, len(lat), len(qids), fmt_ms(st["p50_ms"], a.timeout_ms),
               fmt_ms(st["p95_ms"], a.timeout_ms), fmt_ms(st["p99_ms"], a.timeout_ms), timeouts))
        if st["skipped_budget"]:
            log("%s: %d queries skipped (time budget %g s)" % (method, st["skipped_budget"], a.budget_s))
        return st, results

    # -- split_articles at volume ---------------------------------------------
    def split(self):
        db, a = self.db, self.a
        if not db.val("SELECT count(*) FROM pg_proc WHERE proname = 'split_articles';") or \
                db.val("SELECT count(*) FROM pg_proc WHERE proname = 'split_articles';") == "0":
            self.res["missing"].append("split_articles")
            return
        ddir = os.path.join(self.corpus, "dumps")
        if not os.path.isdir(ddir):
            return
        files = sorted(f for f in os.listdir(ddir) if f.endswith(".txt"))
        files = [f for f in files if f.startswith("tt-")][:a.split_files] + \
                [f for f in files if f.startswith("plain-")][:a.split_files]
        log("split_articles over %d dump files" % len(files))
        db.run("""
DROP TABLE IF EXISTS dumps, dump_index, split_out;
CREATE TABLE dumps (name text PRIMARY KEY, content text NOT NULL);
ALTER TABLE dumps ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE TABLE dump_index (layout text, file text, ordinal int, id int);
\\copy dump_index FROM %s
""" % lit(os.path.join(ddir, "index.tsv")))
        for f in files:
            with open(os.path.join(ddir, f), encoding="utf-8") as fh:
                content = fh.read()
            p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.name,
                                "-c", "COPY dumps FROM STDIN"],
                               input="%s\t%s\n\\.\n" % (f, copy_escape(content)), text=True, capture_output=True)
            if p.returncode != 0:
                raise PsqlError(p.stderr)
        total = int(db.val("SELECT sum(octet_length(content)) FROM dumps;"))
        runs = 2 if total < 300 * 1048576 else 1
        s = min(db.time("SELECT count(*) FROM dumps, split_articles(dumps.content)") for _ in range(runs))
        db.run("CREATE TABLE split_out AS SELECT d.name, s.* FROM dumps d, split_articles(d.content) s;")
        row = db.val("""
SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok), count(*) FILTER (WHERE s_missing), count(*) FILTER (WHERE x_missing)
FROM (
  SELECT s.name IS NULL AS s_missing, x.file IS NULL AS x_missing,
         coalesce(s.layout = x.layout
                  AND s.title IS NOT DISTINCT FROM a.title
                  AND s.body IS NOT DISTINCT FROM a.body
                  AND s.caption IS NOT DISTINCT FROM (CASE WHEN x.layout = 'tt' THEN a.caption END)
                  AND s.subtitle IS NOT DISTINCT FROM (CASE WHEN x.layout = 'plain' THEN a.subtitle END)
                  AND s.byline IS NOT DISTINCT FROM (CASE WHEN x.layout = 'plain' THEN a.byline END), false) AS ok
  FROM split_out s
  FULL JOIN (SELECT * FROM dump_index WHERE file IN (SELECT name FROM dumps)) x
         ON x.file = s.name AND x.ordinal = s.ordinal
  LEFT JOIN articles a ON a.id = x.id) c;
""").split("\t")
        ok, bad, extra, lost = (int(x) for x in row)
        self.step("split_articles", {"files": len(files), "dump_mb": round(total / 1048576, 1),
                                     "seconds": round(s, 3), "mb_per_s_per_core": round(total / 1048576 / s, 1),
                                     "articles_as_expected": ok, "articles_different": bad,
                                     "articles_not_expected": extra, "articles_not_found": lost})
        db.run("DROP TABLE dumps, split_out;")

    # -- the engines ----------------------------------------------------------
    def trgm_scope(self):
        """pg_trgm runs on the whole table, or (--trgm-rows N, for corpora
        larger than that) on the first whole families holding about N
        articles: pg_trgm cannot index 1M whole articles in reasonable time.
        Returns (table, ids or None, query ids)."""
        db, a = self.db, self.a
        rows = a.trgm_rows if a.trgm_rows is not None else (100000 if self.n > 200000 else 0)
        if not rows or self.n <= rows:
            return "articles", None, self.qids
        log("pg_trgm on a subset: whole families, about %d articles" % rows)
        db.run("""
DROP TABLE IF EXISTS articles_trgm;
CREATE TABLE articles_trgm AS SELECT * FROM articles
 WHERE family <= (SELECT family FROM articles ORDER BY family OFFSET %d LIMIT 1);
ALTER TABLE articles_trgm ADD PRIMARY KEY (id);
VACUUM ANALYZE articles_trgm;
""" % (rows - 1))
        ids = set(int(x) for x in db.run("SELECT id FROM articles_trgm;").split())
        inq = [q for q in self.qids if q in ids]
        # top up with members of multi-article families, in a fixed order
        more = [int(x) for x in db.run(
            "SELECT id FROM articles_trgm WHERE family IN (SELECT family FROM articles_trgm "
            "GROUP BY family HAVING count(*) > 1) ORDER BY hashint4(id), id;").split()]
        seen = set(inq)
        for x in more:
            if len(inq) >= len(self.qids):
                break
            if x not in seen:
                inq.append(x)
                seen.add(x)
        return "articles_trgm", ids, inq

    def trgm(self):
        db, a = self.db, self.a
        out = {}
        tab, ids, qids = self.trgm_scope()
        self.trgm_ids, self.trgm_qids = ids, qids
        n, nbytes = self.n, self.body_bytes
        if ids is not None:
            n, nbytes = (int(x) for x in db.val("SELECT count(*), sum(octet_length(body)) FROM %s;" % tab).split("\t"))
            out["subset"] = {"articles": n, "body_mb": round(nbytes / 1048576, 1), "queries": len(qids)}
        runs = 2 if n <= 200000 else 1
        tp = lambda label, sql: self.throughput(label, sql, runs, n, nbytes)
        out["read_baseline"] = tp("detoast", "SELECT sum(length(body)) FROM %s" % tab)
        out["show_trgm"] = tp("show_trgm", "SELECT sum(cardinality(show_trgm(body))) FROM %s" % tab)
        thr_sql = ("SELECT array_agg(id), array_agg(similarity(body, $1)) FROM %s "
                   "WHERE body %% $1 AND id <> $2" % tab)
        top_sql = ("SELECT array_agg(id ORDER BY d), array_agg(1 - d ORDER BY d) FROM "
                   "(SELECT id, body <-> $1 AS d FROM %s WHERE id <> $2 ORDER BY body <-> $1 LIMIT 10) s" % tab)
        operand = "SELECT body FROM " + tab + " WHERE id = %(q)d"
        gucs = "SET pg_trgm.similarity_threshold = %g;" % a.trgm_threshold
        results = {}
        log("pg_trgm GIN build")
        out["gin"] = self.build_index("articles_body_trgm_gin",
                                      "CREATE INDEX articles_body_trgm_gin ON %s USING gin (body gin_trgm_ops)" % tab,
                                      tab, n)
        idx_gucs = gucs + " SET enable_seqscan = off;"   # rows labelled "via GIN/GiST" must use it
        if "error" not in out["gin"]:
            out["gin_threshold"], results["gin_threshold"] = self.queries("trgm_gin_threshold", thr_sql, operand, idx_gucs, qids)
            db.run("DROP INDEX articles_body_trgm_gin;")
        log("pg_trgm GiST build")
        out["gist"] = self.build_index("articles_body_trgm_gist",
                                       "CREATE INDEX articles_body_trgm_gist ON %s USING gist (body gist_trgm_ops)" % tab,
                                       tab, n)
        if "error" not in out["gist"]:
            out["gist_threshold"], results["gist_threshold"] = self.queries("trgm_gist_threshold", thr_sql, operand, idx_gucs, qids)
            out["gist_top10"], results["gist_top10"] = self.queries("trgm_gist_top10", top_sql, operand, idx_gucs, qids)
            db.run("DROP INDEX articles_body_trgm_gist;")
        else:
            # no GiST: top-10 by sequential scan (exact), bounded by the timeout and budget
            out["seqscan_top10"], results["seqscan_top10"] = self.queries("trgm_seqscan_top10", top_sql, operand, gucs, qids)
        if ids is not None:
            db.run("DROP TABLE articles_trgm;")
        return out, results

    def neardup_caps(self):
        db = self.db
        q = lambda s: db.val(s) == "t"
        caps = {
            "fingerprint(text)": q("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'fingerprint' AND pronargs = 1 "
                                   "AND proargtypes[0] = 'text'::regtype);"),
        }
        has_type = q("SELECT to_regtype('fingerprint') IS NOT NULL;")
        for name, sql in [
            ("similarity(fingerprint,fingerprint)", "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'similarity' AND pronargs = 2 AND proargtypes[0] = 'fingerprint'::regtype);"),
            ("containment(fingerprint,fingerprint)", "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'containment' AND pronargs = 2 AND proargtypes[0] = 'fingerprint'::regtype);"),
            ("% operator", "SELECT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '%' AND oprleft = 'fingerprint'::regtype);"),
            ("<-> operator", "SELECT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '<->' AND oprleft = 'fingerprint'::regtype);"),
            ("gin_fingerprint_ops", "SELECT EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_fingerprint_ops');"),
            ("gist_fingerprint_ops", "SELECT EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gist_fingerprint_ops');"),
        ]:
            caps[name] = has_type and q(sql)
        return caps

    def neardup(self):
        db, a = self.db, self.a
        out, results = {}, {}
        if self.res.get("neardup_version") is None:
            self.res["missing"].append("neardup extension")
            return out, results
        caps = self.neardup_caps()
        out["capabilities"] = caps
        for k, v in caps.items():
            if not v:
                self.res["missing"].append(k)
        if not caps["fingerprint(text)"]:
            return out, results
        runs = 2 if self.n <= 200000 else 1
        out["fingerprint"] = self.throughput("fingerprint", "SELECT count(fingerprint(body)) FROM articles", runs)
        try:
            db.run("DROP TABLE IF EXISTS fps; CREATE TABLE fps AS SELECT id, fingerprint(body) AS fp FROM articles;"
                   "ALTER TABLE fps ADD PRIMARY KEY (id); VACUUM ANALYZE fps;")
            out["fingerprint_bytes_per_article"] = round(float(db.val(
                "SELECT avg(pg_column_size(fp)) FROM fps;")), 1)
        except PsqlError as e:
            self.res["errors"]["fps"] = str(e)
            return out, results
        try:
            w_ext = int(db.val("SELECT (fingerprint_info(fp)).shingle_size FROM fps LIMIT 1;"))
        except (PsqlError, TypeError, ValueError):
            w_ext = None
        out["shingle_size"] = w_ext
        if w_ext and w_ext != self.w:
            log("the installed neardup shingles with w=%d, the corpus truth has w=%s: recomputing the truth" % (w_ext, self.w))
            tp = os.path.join(a.out, "truth_w%d.tsv" % w_ext)
            with open(tp, "w") as f:
                subprocess.run([os.path.join(a.bin, "truth"), "-w", str(w_ext), os.path.join(self.corpus, "articles.tsv"),
                                os.path.join(self.corpus, "related.tsv")], stdout=f, check=True)
            self.truth_path, self.w = tp, w_ext
            db.run("TRUNCATE truth;\n\\copy truth FROM %s\n" % lit(tp))
        if caps["similarity(fingerprint,fingerprint)"]:
            cont = caps["containment(fingerprint,fingerprint)"]
            row = db.val("""
SELECT count(*), avg(e), stddev_pop(e), avg(abs(e)), max(abs(e)) %s
FROM (SELECT similarity(fa.fp, fb.fp) - t.j AS e %s
      FROM truth t JOIN fps fa ON fa.id = t.a JOIN fps fb ON fb.id = t.b) s;
""" % ((", avg(abs(ce)), max(abs(ce))", ", containment(fa.fp, fb.fp) - t.cab AS ce") if cont else ("", ""))).split("\t")
            est = {"pairs": int(row[0]), "similarity_mean_error": float(row[1]), "similarity_error_std": float(row[2]),
                   "similarity_mae": float(row[3]), "similarity_max_abs_error": float(row[4])}
            if cont:
                est.update({"containment_mae": float(row[5]), "containment_max_abs_error": float(row[6])})
            out["estimates_vs_exact"] = est
        operand = "SELECT fp FROM fps WHERE id = %(q)d"
        gucs = "SET neardup.similarity_threshold = %g;" % a.nd_threshold
        thr_sql = "SELECT array_agg(id), array_agg(similarity(fp, $1)) FROM fps WHERE fp % $1 AND id <> $2"
        top_sql = ("SELECT array_agg(id ORDER BY d), array_agg(1 - d ORDER BY d) FROM "
                   "(SELECT id, fp <-> $1 AS d FROM fps WHERE id <> $2 ORDER BY fp <-> $1 LIMIT 10) s")
        can_thr = caps["% operator"] and caps["similarity(fingerprint,fingerprint)"]
        can_top = caps["<-> operator"]
        if can_thr:
            out["seqscan_threshold"], results["seqscan_threshold"] = self.queries("nd_seqscan_threshold", thr_sql, operand, gucs)
        for am in ("gin", "gist"):
            if not caps["%s_fingerprint_ops" % am]:
                continue
            out[am] = self.build_index("fps_fp_%s" % am, "CREATE INDEX fps_fp_%s ON fps USING %s (fp %s_fingerprint_ops)"
                                       % (am, am, am), "fps")
            if "error" in out[am]:
                continue
            idx_gucs = gucs + " SET enable_seqscan = off;"
            if can_thr:
                out[am + "_threshold"], results[am + "_threshold"] = self.queries("nd_%s_threshold" % am, thr_sql, operand, idx_gucs)
            if can_thr and am == "gin":
                # latency at the other thresholds of the issue (the results
                # at a.nd_threshold already include theirs)
                for t in a.nd_extra_thresholds:
                    g2 = "SET neardup.similarity_threshold = %g; SET enable_seqscan = off;" % t
                    out["gin_threshold@%g" % t], self.margin_results[t] = self.queries("nd_gin_threshold@%g" % t, thr_sql, operand, g2)
                if can_top:
                    # top-10 through GIN: candidates above a low threshold,
                    # ranked, on the top-k index of single-slot keys (the
                    # default two-slot bands do not serve thresholds below
                    # 0.17 and would read every row)
                    g2 = "SET neardup.similarity_threshold = %g; SET enable_seqscan = off;" % a.nd_top_threshold
                    gin_top = ("SELECT array_agg(id ORDER BY d), array_agg(1 - d ORDER BY d) FROM "
                               "(SELECT id, fp <-> $1 AS d FROM fps WHERE fp % $1 AND id <> $2 "
                               "ORDER BY fp <-> $1 LIMIT 10) s")
                    db.run("DROP INDEX fps_fp_gin;")
                    out["gin_r1"] = self.build_index("fps_fp_gin", "CREATE INDEX fps_fp_gin ON fps USING gin "
                                                     "(fp gin_fingerprint_ops (bands = 32, rows = 1))", "fps")
                    if "error" not in out["gin_r1"]:
                        out["gin_top10_r1"], results["gin_top10_r1"] = self.queries("nd_gin_top10_r1", gin_top, operand, g2)
                        out["gin_top10_r1"]["threshold"] = a.nd_top_threshold
                        # both indexes side by side: the planner's choice
                        # at 0.3 and at the top-k threshold (EXPLAIN)
                        db.run("CREATE INDEX fps_fp_gin_default ON fps USING gin (fp); ANALYZE fps;")
                        out["gin_both_plans"] = {}
                        for t in (a.nd_threshold, a.nd_top_threshold):
                            g3 = "SET neardup.similarity_threshold = %g;" % t
                            try:
                                plan = db.run(g3 + "\nSELECT bench_explain('nd_gin_top10_r1', %d, (%s));"
                                              % (self.qids[0], operand % {"q": self.qids[0]}))
                            except PsqlError as e:
                                plan = "EXPLAIN failed: %s" % e
                            out["gin_both_plans"][str(t)] = short_plan(plan)
                        db.run("DROP INDEX fps_fp_gin_default;")
            if can_top and am == "gist":
                out["gist_top10"], results["gist_top10"] = self.queries("nd_gist_top10", top_sql, operand, idx_gucs)
            db.run("DROP INDEX fps_fp_%s;" % am)
        if can_top:
            # the exact ranking (sequential scan), to judge the index top-10s
            out["seqscan_top10"], results["seqscan_top10"] = self.queries("nd_seqscan_top10", top_sql, operand, gucs)
            for k in ("gist_top10", "gin_top10_r1"):
                if k in results:
                    out[k]["recall_at_10_vs_exact"] = recall_vs_exact(results[k], results["seqscan_top10"])
        return out, results

    # -- accuracy -------------------------------------------------------------
    def accuracy(self, all_results):
        truth = {}
        load_truth(self.truth_path, truth)
        extra = set()
        for res in all_results.values():
            for q, lst in res.items():
                for x, _ in lst:
                    key = (min(q, x), max(q, x))
                    if key not in truth:
                        extra.add(key)
        if extra:
            log("exact Jaccard of %d returned pairs outside the generated families" % len(extra))
            outdir = self.a.out
            pf = os.path.join(outdir, "extra_pairs.tsv")
            with open(pf, "w") as f:
                f.write("".join("%d\t%d\n" % k for k in sorted(extra)))
            tf = os.path.join(outdir, "extra_truth.tsv")
            with open(tf, "w") as f:
                subprocess.run([os.path.join(self.a.bin, "truth"), "-w", str(self.w),
                                os.path.join(self.corpus, "articles.tsv"), pf],
                               stdout=f, check=True)
            load_truth(tf, truth)
        by_q = {}
        for (a, b), (j, _, _) in truth.items():
            by_q.setdefault(a, {})[b] = j
            by_q.setdefault(b, {})[a] = j
        extra_hi = sum(1 for k in extra if truth[k][0] >= 0.3)
        self.res["accuracy_notes"] = {"returned_pairs_outside_families": len(extra),
                                      "of_which_exact_jaccard_ge_0.3": extra_hi}
        return by_q

    # -- main -----------------------------------------------------------------
    def go(self):
        a = self.a
        self.setup()
        self.load()
        self.split()
        log("pg_trgm")
        trgm, trgm_res = self.trgm()
        self.res["pg_trgm"] = trgm
        log("neardup")
        nd, nd_res = self.neardup()
        self.res["neardup"] = nd
        allres = {("pg_trgm", k): v for k, v in trgm_res.items()}
        scope = {"pg_trgm": (self.trgm_ids, self.trgm_qids), "neardup": (None, self.qids)}
        allres.update({("neardup", k): v for k, v in nd_res.items()})
        by_q = self.accuracy(allres)
        t_grid = [0.3, 0.5, 0.8]
        for (eng, k), res in allres.items():
            sect = self.res[eng][k]
            ids, qids = scope[eng]
            bq = by_q if ids is None else {q: {x: j for x, j in d.items() if x in ids}
                                           for q, d in by_q.items() if q in ids}
            if k.endswith("threshold"):
                base = a.trgm_threshold if eng == "pg_trgm" else a.nd_threshold
                s_grid = [round(x, 2) for x in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) if x >= base - 1e-9]
                g = accuracy_threshold(res, bq, qids, s_grid, t_grid)
                sect["accuracy"] = {str(t): {str(s): v for s, v in row.items()} for t, row in g.items()}
            else:
                sect["recall_at_10"] = {}
                for t in t_grid:
                    r, tot = recall_at_10(res, bq, qids, t)
                    sect["recall_at_10"][str(t)] = {"recall": r, "relevant": tot}
        # the criterion: recall of `%` through GIN at threshold t
        # over the pairs with exact J >= t + 0.05
        nd = self.res.get("neardup", {})
        if "gin_threshold" in nd_res:
            self.margin_results[a.nd_threshold] = nd_res["gin_threshold"]
        for t, res in sorted(self.margin_results.items()):
            hit = tot = 0
            for q in self.qids:
                if q not in res:
                    continue
                R = {x for x, j in by_q.get(q, {}).items() if j >= t + 0.05 - 1e-12}
                hit += len(R & {x for x, _ in res[q]})
                tot += len(R)
            nd.setdefault("gin_recall_margin", {})[str(t)] = {"recall": hit / tot if tot else None, "pairs": tot}
        self.res["machine"] = machine()
        self.res["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.res["truth_shingle_size"] = self.w
        self.res["params"] = {"trgm_threshold": a.trgm_threshold, "nd_threshold": a.nd_threshold,
                              "timeout_ms": a.timeout_ms, "budget_s": a.budget_s, "queries": len(self.qids)}
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "results.json"), "w") as f:
            json.dump(self.res, f, indent=1, sort_keys=True, default=str)
        md = render(self.res, a)
        with open(os.path.join(a.out, "results.md"), "w") as f:
            f.write(md)
        print(md)


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.0f GiB" % (int(line.split()[1]) / 1048576)
    except OSError:
        pass
    osname = "?"
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": osname, "arch": platform.machine()}


# ---------------------------------------------------------------------------
def render(r, a):
    T = a.timeout_ms
    L = []
    m = r["machine"]
    c = r["corpus"]
    L.append("### neardup benchmark: %s articles (seed %s)\n" % (format(c["n"], ","), c["seed"]))
    L.append("%s; %s, %s cores, %s, %s; %s; pg_trgm %s; neardup %s.\n"
             % (r["date"], m["cpu"], m["cores"], m["memory"], m["os"],
                r["server_version"].split(" on ")[0], r["pg_trgm_version"], r["neardup_version"] or "not installed"))
    ld = r["steps"]["load"]
    L.append("Corpus: %s articles, %s MB of body text (median %s words; %s families with near-duplicates); "
             "%s query articles; per-query timeout %g s. One backend per figure (parallel query off); "
             "shared_buffers %s (huge pages: %s), the searched table and its indexes prewarmed (pg_prewarm) before each method; "
             "a new backend every 20 queries. "
             "Latency is measured in the server (clock_timestamp() around EXECUTE in PL/pgSQL). "
             "Ground truth: exact Jaccard of the distinct word %s-shingle sets (src/core normalization).\n"
             % (format(ld["articles"], ","), ld["body_mb"], c["words"]["median"], format(c["families_with_variants"], ","),
                r["params"]["queries"], T / 1000.0, r.get("shared_buffers", "?"),
                {True: "in use", False: "not in use", None: "unknown"}[r.get("huge_pages_in_use")],
                r.get("truth_shingle_size")))

    def lat(s):
        if not s:
            return "missing", "missing", "missing", ""
        note = []
        scan = [re.sub(r"^\s*(->\s*)?", "", x) for x in (s.get("plan") or []) if re.search(r"Scan", x)]
        if scan:
            note.append("plan: " + scan[-1].strip())
        if s.get("timeouts"):
            note.append("%d timeouts" % s["timeouts"])
        if s.get("skipped_budget"):
            note.append("%d skipped (time budget)" % s["skipped_budget"])
        if s.get("errors"):
            note.append("%d errors" % s["errors"])
        return fmt_ms(s["p50_ms"], T), fmt_ms(s["p95_ms"], T), fmt_ms(s["p99_ms"], T), ", ".join(note)

    def best(sect, t="0.5"):
        acc = sect.get("accuracy", {}).get(t) if sect else None
        if not acc:
            return "-"
        s, v = max(acc.items(), key=lambda kv: (f1(kv[1]["precision"], kv[1]["recall"]), -float(kv[0])))
        if v["precision"] is None and v["recall"] is None:
            return "-"
        return "R %s / P %s (sim ≥ %s)" % (f3(v["recall"]), f3(v["precision"]), s)

    def r10(sect, t="0.5"):
        x = sect.get("recall_at_10", {}).get(t) if sect else None
        return "R@10 %s" % f3(x["recall"]) if x and x["recall"] is not None else "-"

    def idx(x):
        if not x:
            return "missing", "missing"
        if "error" in x:
            return "failed: " + x["error"].replace("|", "\\|")[:120], "-"
        return "%.2f s" % x["build_s"], "%.0f B (%.1f MB)" % (x["bytes_per_article"], x["size_mb"])

    tr, nd = r.get("pg_trgm", {}), r.get("neardup", {})
    L.append("| figure | pg_trgm | neardup |")
    L.append("|---|---|---|")

    def tp(x):
        return "%.1f MB/s (%.0f µs/article)" % (x["mb_per_s_per_core"], x["us_per_article"]) if x else "missing"

    L.append("| signature throughput, per core (`show_trgm(body)` / `fingerprint(body)`) | %s | %s |"
             % (tp(tr.get("show_trgm")), tp(nd.get("fingerprint"))))
    L.append("| read+detoast baseline (`sum(length(body))`) | %s | |" % tp(tr.get("read_baseline")))
    for am in ("gin", "gist"):
        tb, tsz = idx(tr.get(am))
        nb, nsz = idx(nd.get(am))
        L.append("| %s build time | %s | %s |" % (am.upper(), tb, nb))
        L.append("| %s size per article | %s | %s |" % (am.upper(), tsz, nsz))
        if am == "gin" and nd.get("gin_r1"):
            rb, rsz = idx(nd.get("gin_r1"))
            L.append("| GIN `(bands = 32, rows = 1)` build time / size per article | | %s / %s |" % (rb, rsz))
            bp = nd.get("gin_both_plans") or {}
            if bp:
                def chosen(p):
                    m = re.search(r"(Bitmap Index Scan on \w+|Seq Scan on \w+)", "\n".join(p or []))
                    return m.group(1) if m else "?"
                L.append("| both GIN indexes present (`fps_fp_gin_default` and the `(bands = 32, rows = 1)` `fps_fp_gin`): "
                         "the planner's choice at %s | | %s |"
                         % (" / ".join(bp), " / ".join("`%s`" % chosen(p) for p in bp.values())))
    extra = [("gin_threshold@%g" % t, "threshold search via GIN, neardup at %g" % t) for t in a.nd_extra_thresholds]
    for key, label in ([("gin_threshold", "threshold search via GIN")] + extra +
                       [("gist_threshold", "threshold search via GiST"),
                        ("seqscan_threshold", "threshold search, no index"),
                        ("gist_top10", "top-10 via GiST"),
                        ("gin_top10_r1", "top-10 via GIN `(bands = 32, rows = 1)` (`%%` at %g, ORDER BY `<->`)" % a.nd_top_threshold),
                        ("seqscan_top10", "top-10, no index (seq scan)")]):
        ts, ns = tr.get(key), nd.get(key)
        if ts is None and ns is None:
            continue
        a1, b1, c1, n1 = lat(ts) if ts or not ("@" in key or key.startswith("gin_top10")) else ("n/a", "n/a", "n/a", "")
        a2, b2, c2, n2 = lat(ns)
        L.append("| %s: p50 / p95 / p99 ms | %s / %s / %s%s | %s / %s / %s%s |"
                 % (label, a1, b1, c1, (" (%s)" % n1) if n1 else "", a2, b2, c2, (" (%s)" % n2) if n2 else ""))
        if "@" in key:
            continue
        if key.endswith("threshold"):
            L.append("| %s: recall / precision vs exact J ≥ 0.5 (best-F1 similarity cut) | %s | %s |"
                     % (label, best(ts), best(ns)))
        else:
            L.append("| %s: recall@10 of pairs with exact J ≥ 0.5 | %s | %s |" % (label, r10(ts), r10(ns)))
            rx = (ns or {}).get("recall_at_10_vs_exact")
            if rx:
                L.append("| %s: recall@10 vs the exact top-10 by `similarity()` (%d queries): tie-aware / by id: all ten / "
                         "neighbours with similarity ≥ 0.1 (%d) / ≥ 0.3 (%s) | | %s / %s / %s / %s |"
                         % (label, rx["queries"], rx["neighbours_sim_ge_0.1"], rx.get("neighbours_sim_ge_0.3", "-"),
                            f3(rx.get("tie_aware")), f3(rx["all"]), f3(rx["sim_ge_0.1"]), f3(rx.get("sim_ge_0.3"))))
    for t, v in sorted(nd.get("gin_recall_margin", {}).items(), key=lambda kv: float(kv[0])):
        L.append("| `%%` via GIN at threshold %s: recall of pairs with exact J ≥ %.2f (%s pairs) | | %s |"
                 % (t, float(t) + 0.05, format(v["pairs"], ","), f3(v["recall"])))
    est = nd.get("estimates_vs_exact")
    L.append("| `similarity()` − exact Jaccard over all related pairs%s: mean / std / MAE | n/a | %s |"
             % (" (%s)" % format(est["pairs"], ",") if est else "",
                "%+.4f / %.4f / %.4f" % (est["similarity_mean_error"], est["similarity_error_std"], est["similarity_mae"]) if est else "missing"))
    L.append("| `containment()` − exact containment: MAE | n/a | %s |" % ("%.4f" % est["containment_mae"] if est and "containment_mae" in est else "missing"))
    sub = tr.get("subset")
    if sub:
        L.append("\npg_trgm was measured on a subset of the same table in the same run: whole families holding "
                 "%s articles (%s MB of body text), %d query articles from them; it cannot index %s whole "
                 "articles in reasonable time. Its accuracy is judged against the truth pairs inside the subset.\n"
                 % (format(sub["articles"], ","), sub["body_mb"], sub["queries"], format(ld["articles"], ",")))
    sp = r["steps"].get("split_articles")
    if sp:
        L.append("\n`split_articles` over %s MB of generated dumps (%d files, tt and plain): %.1f MB/s per core; "
                 "%s articles as expected, %d different, %d unexpected, %d not found.\n"
                 % (sp["dump_mb"], sp["files"], sp["mb_per_s_per_core"], format(sp["articles_as_expected"], ","),
                    sp["articles_different"], sp["articles_not_expected"], sp["articles_not_found"]))
    if r["missing"]:
        L.append("\nMissing in the installed neardup (reported, not measured): %s.\n" % ", ".join(r["missing"]))
    # detail grids
    for eng in ("pg_trgm", "neardup"):
        for key, sect in r.get(eng, {}).items():
            if isinstance(sect, dict) and "accuracy" in sect and sect.get("results_per_query") is not None:
                L.append("\n%s %s: precision / recall of `sim ≥ s` against exact shingle Jaccard ≥ t "
                         "(pairs returned at the query threshold; %s results per query):\n"
                         % (eng, key, sect.get("results_per_query")))
                ss = sorted(next(iter(sect["accuracy"].values())).keys(), key=float)
                L.append("| t \\ s | " + " | ".join(ss) + " |")
                L.append("|---|" + "---|" * len(ss))
                for t, row in sect["accuracy"].items():
                    L.append("| J ≥ %s | " % t + " | ".join("P %s R %s" % (f3(row[s]["precision"]), f3(row[s]["recall"]))
                                                          for s in ss) + " |")
    notes = r.get("accuracy_notes", {})
    if notes:
        L.append("\nReturned pairs outside the generated families: %d (exact J computed; %d have J ≥ 0.3)."
                 % (notes["returned_pairs_outside_families"], notes["of_which_exact_jaccard_ge_0.3"]))
    return "\n".join(L) + "\n"


def short_plan(plan):
    """EXPLAIN output without the (long) query literal: node lines only."""
    if not plan:
        return None
    plan = re.sub(r"'(?:[^']|'')*'::(\w+)", r"$q::\1", plan)
    return [line.rstrip()[:160] for line in plan.splitlines() if line.strip()]


def f3(x):
    return "-" if x is None else "%.3f" % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--timeout-ms", type=int, default=10000)
    ap.add_argument("--budget-s", type=float, default=60)
    ap.add_argument("--queries", type=int, default=0, help="use only the first N query articles")
    ap.add_argument("--trgm-threshold", type=float, default=0.5)
    ap.add_argument("--nd-threshold", type=float, default=0.3)
    ap.add_argument("--split-files", type=int, default=8)
    ap.add_argument("--trgm-rows", type=int, default=None,
                    help="measure pg_trgm on whole families of about N articles (default: all up to 200k, else 100k)")
    ap.add_argument("--nd-extra-thresholds", default="0.5,0.8",
                    help="further thresholds for GIN latency (comma-separated)")
    ap.add_argument("--nd-top-threshold", type=float, default=0.05,
                    help="neardup.similarity_threshold of the GIN top-10 pattern")
    a = ap.parse_args()
    a.nd_extra_thresholds = [float(x) for x in a.nd_extra_thresholds.split(",") if x.strip()]
    os.makedirs(a.out, exist_ok=True)
    Bench(a).go()


if __name__ == "__main__":
    main()
