#!/usr/bin/env python3
"""
gen_unicode_tables.py -- generate src/core/unicode_tables.h for src/core/text.c

Reads the Unicode Character Database (Debian package `unicode-data`, files in
/usr/share/unicode/) and writes a self-contained C99 header with:

  * a two-stage property lookup (stage 1 indexed by cp >> SHIFT, stage 2 by
    block * BLOCK + (cp & MASK)) giving a record index per code point;
  * records: token class, canonical combining class, flags, and an optional
    mapping (offset/length into a code point pool);
  * the pool: for each code point, NFD(F(NFKC_CF(cp))) where F is the small
    set of typographic folds listed in TYPO_FOLDS below;
  * the canonical composition pairs (primary composites only), sorted, for
    binary search;
  * the Unicode version string.

The header is committed, so building neardup never needs the UCD.  The
script uses only the Python standard library.  Usage:

    python3 tools/gen_unicode_tables.py [--ucd /usr/share/unicode] \
        [--out src/core/unicode_tables.h]

Regenerating with a different Unicode version changes the token stream of
some texts and therefore fingerprints; bump the fingerprint format version
when you do.
"""

import argparse
import os
import re
import sys

# Token classes (must match text.c).
CLS_SEP = 0        # separator: punctuation, symbols, spaces, controls, unassigned
CLS_WORD = 1       # letters and numbers of space-delimited scripts, all Nd
CLS_MARK = 2       # combining marks (M*): attach to the preceding word/unit
CLS_BIGRAM = 3     # letters of scripts written without spaces
CLS_APOS = 4       # U+0027 after folding: dropped inside a word

# Flags (must match text.c).
FLAG_STABLE = 1    # maps to itself, ccc 0, never composes with a preceding char
FLAG_COMP2 = 2     # may compose with a preceding character
FLAG_MAP = 4       # has a mapping in the pool (possibly empty = removed)
FLAG_LATE = 8      # non-starter mapped only after canonical reordering

# toNFKC_Casefold(X) = NFC(NFKC_CF applied to each code point of NFD(X)).
# Mapping before reordering gives the same result except for a non-starter
# whose mapping is a starter: U+0345 COMBINING GREEK YPOGEGRAMMENI (ccc 240)
# -> U+03B9.  It stays U+0345 in the pool and text.c maps it after
# reordering the combining sequence.
LATE = {0x0345: 0x03B9}

# Scripts written without spaces between words: tokenized as character
# bigrams.  Long names are Scripts.txt values; short ones ScriptExtensions.
BIGRAM_SCRIPTS = {"Han", "Hiragana", "Katakana", "Thai", "Lao", "Khmer",
                  "Myanmar"}
BIGRAM_SCX = {"Hani", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr"}

# Typographic folds applied on top of NFKC_CF.  A code point listed here maps
# to the given sequence instead of its NFKC_CF value, and wherever it occurs
# in another code point's NFKC_CF mapping it is replaced as well.
APOSTROPHE = [0x0027]
TYPO_FOLDS = {
    0x2018: APOSTROPHE,     # LEFT SINGLE QUOTATION MARK
    0x2019: APOSTROPHE,     # RIGHT SINGLE QUOTATION MARK
    0x201B: APOSTROPHE,     # SINGLE HIGH-REVERSED-9 QUOTATION MARK
    0x02BC: APOSTROPHE,     # MODIFIER LETTER APOSTROPHE
    0x2032: APOSTROPHE,     # PRIME
    0x2035: APOSTROPHE,     # REVERSED PRIME
    0x00B4: APOSTROPHE,     # ACUTE ACCENT (NFKC: space + U+0301)
    0x0060: APOSTROPHE,     # GRAVE ACCENT (also folded by text.c's ASCII path)
    0x0640: [],             # ARABIC TATWEEL (kashida): elongation only
}

SBASE, LBASE, VBASE, TBASE = 0xAC00, 0x1100, 0x1161, 0x11A7
LCOUNT, VCOUNT, TCOUNT = 19, 21, 28
NCOUNT = VCOUNT * TCOUNT
SCOUNT = LCOUNT * NCOUNT
MAXCP = 0x110000


def ucd_lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [x.strip() for x in line.split(";")]


def cp_range(field):
    if ".." in field:
        a, b = field.split("..")
        return range(int(a, 16), int(b, 16) + 1)
    return range(int(field, 16), int(field, 16) + 1)


def load(ucd):
    gc = ["Cn"] * MAXCP
    ccc = [0] * MAXCP
    decomp = {}                 # canonical decompositions only
    first = None
    for f in ucd_lines(os.path.join(ucd, "UnicodeData.txt")):
        cp = int(f[0], 16)
        if f[1].endswith(", First>"):
            first = cp
            continue
        lo = first if f[1].endswith(", Last>") else cp
        first = None
        for c in range(lo, cp + 1):
            gc[c] = f[2]
            ccc[c] = int(f[3])
        if f[5] and not f[5].startswith("<"):
            decomp[cp] = [int(x, 16) for x in f[5].split()]

    nfkc_cf = {}
    fce = set()
    version = None
    path = os.path.join(ucd, "DerivedNormalizationProps.txt")
    with open(path, encoding="utf-8") as fh:
        m = re.match(r"# DerivedNormalizationProps-(\d+\.\d+\.\d+)\.txt",
                     fh.readline())
        if m:
            version = m.group(1)
    if version is None:
        sys.exit("cannot read the Unicode version from " + path)
    for f in ucd_lines(path):
        if len(f) >= 3 and f[1] == "NFKC_CF":
            seq = [int(x, 16) for x in f[2].split()]
            for c in cp_range(f[0]):
                nfkc_cf[c] = seq
        elif f[1] == "Full_Composition_Exclusion":
            for c in cp_range(f[0]):
                fce.add(c)

    script = {}
    for f in ucd_lines(os.path.join(ucd, "Scripts.txt")):
        for c in cp_range(f[0]):
            script[c] = f[1]
    scx = {}
    for f in ucd_lines(os.path.join(ucd, "ScriptExtensions.txt")):
        for c in cp_range(f[0]):
            scx[c] = set(f[1].split())
    return version, gc, ccc, decomp, nfkc_cf, fce, script, scx


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ucd", default="/usr/share/unicode")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.normpath(
        os.path.join(here, "..", "src", "core", "unicode_tables.h")))
    args = ap.parse_args()

    version, gc, ccc, decomp, nfkc_cf, fce, script, scx = load(args.ucd)

    def is_hangul_syllable(c):
        return SBASE <= c < SBASE + SCOUNT

    def nfd(seq):
        out = []
        for c in seq:
            if is_hangul_syllable(c):
                s = c - SBASE
                out.append(LBASE + s // NCOUNT)
                out.append(VBASE + (s % NCOUNT) // TCOUNT)
                if s % TCOUNT:
                    out.append(TBASE + s % TCOUNT)
            elif c in decomp:
                out.extend(nfd(decomp[c]))
            else:
                out.append(c)
        # canonical ordering (stable sort of non-starter runs)
        i = 0
        while i < len(out):
            if ccc[out[i]] == 0:
                i += 1
                continue
            j = i
            while j < len(out) and ccc[out[j]] != 0:
                j += 1
            out[i:j] = sorted(out[i:j], key=lambda x: ccc[x])
            i = j
        return out

    def fold1(c):
        """F(NFKC_CF(c)) for a code point without canonical decomposition."""
        if c in TYPO_FOLDS:
            return list(TYPO_FOLDS[c])
        out = []
        for x in nfkc_cf.get(c, [c]):
            out.extend(TYPO_FOLDS.get(x, [x]))
        return out

    def mapping(c):
        """fold1 applied to each code point of NFD(c) (U+0345 kept), then NFD.

        Going through NFD(c) first keeps canonically equivalent code points
        equal under the typographic folds (U+1FFD GREEK OXIA is canonically
        U+00B4, so it folds to the apostrophe too)."""
        out = []
        for x in nfd([c]):
            out.extend([x] if x in LATE else fold1(x))
        return nfd(out)

    # Primary composites.
    comp = {}
    comp2 = set(range(VBASE, VBASE + VCOUNT)) | \
        set(range(TBASE + 1, TBASE + TCOUNT))
    for c, d in decomp.items():
        if len(d) == 2 and c not in fce:
            comp[(d[0], d[1])] = c
            comp2.add(d[1])

    bigram_sc = BIGRAM_SCRIPTS
    def token_class(c):
        g = gc[c]
        if c == 0x27:
            return CLS_APOS
        if g[0] == "M":
            return CLS_MARK
        if g[0] in "LN":
            if g != "Nd":
                sc = script.get(c, "Unknown")
                if sc in bigram_sc:
                    return CLS_BIGRAM
                if sc in ("Common", "Inherited") and scx.get(c, set()) & BIGRAM_SCX:
                    return CLS_BIGRAM
            return CLS_WORD
        return CLS_SEP

    pool = []
    pool_index = {}
    records = []
    record_index = {}
    cp_rec = [0] * MAXCP
    max_map = 0
    for c in range(MAXCP):
        flags = 0
        moff = mlen = 0
        if is_hangul_syllable(c):
            seq = [c]           # composed in place; text.c composes LV + T
        else:
            seq = mapping(c)
        if seq != [c]:
            flags |= FLAG_MAP
            key = tuple(seq)
            if key not in pool_index:
                # reuse an identical run if present; otherwise append
                pool_index[key] = len(pool)
                pool.extend(seq)
            moff, mlen = pool_index[key], len(seq)
            max_map = max(max_map, mlen)
        if c in comp2:
            flags |= FLAG_COMP2
        if c in LATE:
            flags |= FLAG_LATE
        if fold1(c) == [c] and ccc[c] == 0 and c not in comp2:
            flags |= FLAG_STABLE
            # text.c decomposes a stable code point lazily with its mapping
            assert seq == [c] or seq == nfd([c]) or is_hangul_syllable(c)
        rec = (token_class(c), ccc[c], flags, mlen, moff)
        if rec not in record_index:
            record_index[rec] = len(records)
            records.append(rec)
        cp_rec[c] = record_index[rec]

    # Sanity: every mapping output is itself a fixed point (no map), and the
    # typographic folds keep the mapping idempotent.
    for key in pool_index:
        for x in key:
            if x in LATE:
                x = LATE[x]
            if [x] != mapping(x) and not is_hangul_syllable(x):
                sys.exit("mapping output U+%04X is not stable" % x)
    # Sanity: going through NFD first agrees with NFD(NFKC_CF(c)) except
    # where the typographic folds or U+0345 are involved.
    for c in range(MAXCP):
        if is_hangul_syllable(c):
            continue
        direct = nfd(nfkc_cf.get(c, [c]))
        if any(x in TYPO_FOLDS or x in LATE for x in nfd([c]) + direct):
            continue
        if mapping(c) != direct:
            sys.exit("U+%04X: NFD-first mapping differs from NFKC_CF" % c)
    for late, target in LATE.items():
        assert fold1(late) == [target] and ccc[late] != 0 and ccc[target] == 0
    assert cp_rec[0x27] != cp_rec[0x41]
    assert len(records) < 65536 and len(pool) < 65536 and max_map < 256

    # Choose the block size minimising table bytes.
    best = None
    for shift in range(4, 10):
        bsize = 1 << shift
        blocks = {}
        stage1 = []
        for b in range(MAXCP >> shift):
            blk = tuple(cp_rec[b * bsize:(b + 1) * bsize])
            if blk not in blocks:
                blocks[blk] = len(blocks)
            stage1.append(blocks[blk])
        size = len(stage1) * (1 if len(blocks) < 256 else 2) + \
            len(blocks) * bsize * 2
        if best is None or size < best[0]:
            best = (size, shift, stage1, blocks)
    _, shift, stage1, blocks = best
    stage2 = []
    for blk, _i in sorted(blocks.items(), key=lambda kv: kv[1]):
        stage2.extend(blk)
    s1type = "uint8_t" if len(blocks) <= 256 else "uint16_t"

    pairs = sorted(comp.items())

    out = []
    w = out.append
    w("/*")
    w(" * unicode_tables.h -- GENERATED by tools/gen_unicode_tables.py; do not edit.")
    w(" *")
    w(" * Unicode %s character data for src/core/text.c: a two-stage property" % version)
    w(" * lookup (token class, canonical combining class, flags, mapping), the")
    w(" * NFD(fold(NFKC_CF(cp))) mapping pool and the canonical composition pairs.")
    w(" * Source: UnicodeData.txt, DerivedNormalizationProps.txt, Scripts.txt,")
    w(" * ScriptExtensions.txt (Debian package unicode-data).")
    w(" */")
    w("#ifndef NEARDUP_UNICODE_TABLES_H")
    w("#define NEARDUP_UNICODE_TABLES_H")
    w("")
    w("#include <stdint.h>")
    w("")
    w('#define UT_UNICODE_VERSION "%s"' % version)
    w("#define UT_SHIFT %d" % shift)
    w("#define UT_MASK %d" % ((1 << shift) - 1))
    w("#define UT_MAX_MAP %d" % max_map)
    w("#define UT_NUM_PAIRS %d" % len(pairs))
    for late, target in sorted(LATE.items()):
        w("#define UT_LATE_CP 0x%04X\t\t/* mapped after reordering, to: */" % late)
        w("#define UT_LATE_TO 0x%04X" % target)
    w("")
    w("/* Record: class, ccc, flags, mapping length, mapping offset in ut_pool. */")
    w("typedef struct UtRecord")
    w("{")
    w("\tuint8_t\t\tcls;")
    w("\tuint8_t\t\tccc;")
    w("\tuint8_t\t\tflags;")
    w("\tuint8_t\t\tmaplen;")
    w("\tuint16_t\tmapoff;")
    w("} UtRecord;")
    w("")

    def emit_array(ctype, name, vals, per_line, fmt):
        w("static const %s %s[%d] = {" % (ctype, name, len(vals)))
        for i in range(0, len(vals), per_line):
            w("\t" + ",".join(fmt % v for v in vals[i:i + per_line]) + ",")
        w("};")
        w("")

    w("static const UtRecord ut_records[%d] = {" % len(records))
    for r in records:
        w("\t{%d, %d, %d, %d, %d}," % r)
    w("};")
    w("")
    emit_array(s1type, "ut_stage1", stage1, 24, "%d")
    emit_array("uint16_t", "ut_stage2", stage2, 20, "%d")
    emit_array("uint32_t", "ut_pool", pool, 12, "0x%X")
    w("/* Composition pairs sorted by (first, second); ut_pair_key = first << 21 | second. */")
    emit_array("uint64_t", "ut_pair_key",
               [(a << 21) | b for (a, b), _c in pairs], 6, "UINT64_C(0x%X)")
    emit_array("uint32_t", "ut_pair_val", [c for _k, c in pairs], 10, "0x%X")
    w("#endif\t\t\t\t\t\t\t/* NEARDUP_UNICODE_TABLES_H */")

    text = "\n".join(out) + "\n"
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s: Unicode %s, %d records, %d blocks of %d, pool %d, "
          "%d pairs, %d bytes" % (args.out, version, len(records), len(blocks),
                                  1 << shift, len(pool), len(pairs), len(text)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
