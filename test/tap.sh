# test/tap.sh -- the TAP helpers every shell test script shares; source it.
#   ok STATUS DESCRIPTION [DETAIL]  one test line: passes when STATUS is 0;
#                                   on failure DETAIL (its first 40 lines)
#                                   follows as # comments
#   is GOT WANT DESCRIPTION          passes when the two strings are equal;
#                                   on failure shows both
# $n counts the tests and $fails the failures (both start at 0 here); the
# script prints the plan and its summary line from them.
n=0; fails=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		fails=$((fails + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | head -40 | sed 's/^/#   /'
	fi
	return 0
}
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3" "got:      $1
expected: $2"
	fi
}
