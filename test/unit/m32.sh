#!/usr/bin/env bash
# test/unit/m32.sh -- the C unit tests of src/core built as 32-bit code
# (gcc -m32, Debian package gcc-multilib) and run: 32-bit size_t and long
# are where overflow and truncation bugs show (pgvector's i386 job found
# one).  libxxhash is compiled in (XXH_INLINE_ALL), as no i386 library is
# installed.  Prints the tests' TAP and a last line
# "unit-multilib: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
probe=$(mktemp "${TMPDIR:-/tmp}/m32probe.XXXXXX")
if ! printf 'int main(void) { return 0; }\n' | gcc -m32 -x c - -o "$probe" 2>/dev/null; then
	rm -f "$probe"
	echo "not ok 1 - gcc -m32 cannot link: install gcc-multilib"
	echo "unit-multilib: 0 passed, 1 failed"
	exit 1
fi
rm -f "$probe"
log=$(mktemp "${TMPDIR:-/tmp}/m32log.XXXXXX")
trap 'rm -f "$log"' EXIT
make -s check CC="gcc -m32 -DXXH_INLINE_ALL=" LDLIBS=-lm BINDIR=bin/m32 >"$log" 2>&1
rc=$?
cat "$log"
read -r p f < <(sed -n 's/^# \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | awk '{p += $1; f += $2} END {print p + 0, f + 0}')
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1	# a build error
echo "unit-multilib: $p passed, $f failed"
[ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
