#!/bin/sh
# Golden runs: each example image, run headless, must print exactly the
# console output and final register dump kept in tests/golden/NAME.out.
# AULA_UPDATE_GOLDEN=1 rewrites the golden files instead.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
status=0
for name in hello syscall exception paging timer clock kernel; do
	want="$top_srcdir/tests/golden/$name.out"
	got=$("$AULA" run "$images/$name.img" --dump-regs </dev/null 2>&1;
	      echo "exit=$?")
	if [ "${AULA_UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$got" >"$want"
		echo "updated $want"
	elif ! printf '%s\n' "$got" | diff -u "$want" -; then
		echo "FAIL: $name differs from $want"
		status=1
	else
		echo "PASS: $name"
	fi
done
exit $status
