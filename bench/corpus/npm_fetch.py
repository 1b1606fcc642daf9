#!/usr/bin/env python3
"""bench/corpus/npm_fetch.py NAME VERSION OUT.tgz -- download one package
tarball from the npm registry without npm: read the version's metadata,
fetch dist.tarball and check it against dist.integrity (sha512, as npm
does) before writing OUT.tgz.  Nothing is installed or run.  Exit 1 with
one line on stderr when the registry cannot be reached or the digest differs.
The registry is $npm_config_registry when set (as for npm), else the public one."""
import base64
import hashlib
import os
import sys
import urllib.parse
import urllib.request


def main(name, version, out):
    registry = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")
    meta_url = "%s/%s/%s" % (registry, urllib.parse.quote(name, safe="@"), version)
    try:
        import json
        with urllib.request.urlopen(meta_url, timeout=60) as r:
            dist = json.load(r)["dist"]
        with urllib.request.urlopen(dist["tarball"], timeout=300) as r:
            data = r.read()
    except Exception as e:  # network, HTTP or metadata errors: one line, no traceback
        sys.exit("error: cannot fetch %s@%s from %s: %s" % (name, version, registry, e))
    algo, _, want = dist.get("integrity", "").partition("-")
    if algo != "sha512" or base64.b64decode(want) != hashlib.sha512(data).digest():
        sys.exit("error: %s@%s: tarball digest does not match the registry's integrity %r"
                 % (name, version, dist.get("integrity")))
    tmp = out + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: npm_fetch.py NAME VERSION OUT.tgz")
    main(*sys.argv[1:])
