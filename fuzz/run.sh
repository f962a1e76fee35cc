#!/bin/sh
# make fuzz: build each harness of fuzz/ with clang's libFuzzer and
# AddressSanitizer and UndefinedBehaviorSanitizer (in build/fuzz), then run
# it for FUZZ_TIME seconds (default 60) from the committed corpus.
# FUZZ=NAME runs one harness.  What it finds is left in
# build/fuzz/artifacts/NAME/ (the inputs that crashed), and new inputs in
# build/fuzz/corpus/NAME/; copy a crash into fuzz/corpus/NAME/ once it is
# fixed, so that make check replays it from then on.
set -eu
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
time=${FUZZ_TIME:-60}
names=${FUZZ:-image as monitor grade hub qcow2 lab checkpoint record migrate}
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is not installed (scripts/setup --fuzz installs it)" >&2
	exit 1
fi
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
"$top/scripts/build" fuzz CC=clang \
	CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" \
	LDFLAGS="$san"
b=$top/build/fuzz
libs="$b/libaulalab.a $b/libaulagrade.a $b/libaulamon.a $b/libaulahost.a \
$b/libaulanet.a $b/libaulastate.a $b/libaulaasm.a $b/libaulacore.a"
status=0
for name in $names; do
	echo "fuzz: $name, $time s"
	clang -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer $san \
		-I"$top" -I"$b" "$top/fuzz/fuzz_$name.c" "$top/fuzz/util.c" \
		$libs -lreadline -lz -linih -o "$b/fuzz_$name"
	mkdir -p "$b/corpus/$name" "$b/artifacts/$name"
	if ! (cd "$b" && "./fuzz_$name" -max_total_time="$time" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="artifacts/$name/" \
		"corpus/$name" "$top/fuzz/corpus/$name" \
		>"$b/fuzz_$name.log" 2>&1); then
		echo "fuzz: $name FOUND something: see $b/fuzz_$name.log and" \
		     "$b/artifacts/$name/" >&2
		tail -n 30 "$b/fuzz_$name.log" >&2
		status=1
	fi
done
exit $status
