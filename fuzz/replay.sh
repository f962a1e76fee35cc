#!/bin/sh
# make check: every input of fuzz/corpus/NAME through the harness NAME,
# built with the normal compiler (and, in scripts/test's second build,
# with AddressSanitizer and UndefinedBehaviorSanitizer).  A crash, a
# sanitizer report or a hang of any of them fails the test.
if [ -z "${AULA:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "replay.sh: set AULA and top_srcdir (make check does)" >&2
	exit 99
fi
builddir=$(dirname "$AULA")
failures=0
for name in image as monitor grade hub qcow2 lab checkpoint record migrate; do
	prog=$builddir/fuzz/replay_$name
	if [ ! -x "$prog" ]; then
		echo "replay.sh: $prog is not built" >&2
		exit 99
	fi
	# timeout: a hang is a finding too, not a stuck make check.
	if timeout 120 "$prog" "$top_srcdir/fuzz/corpus/$name"; then
		:
	else
		echo "replay.sh: fuzz/corpus/$name: $prog failed ($?)" >&2
		failures=$((failures + 1))
	fi
done
[ $failures = 0 ] || exit 1
echo "replay.sh: every corpus replayed"
