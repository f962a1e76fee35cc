#!/bin/sh
# The monitor driven by scripts (aula-debug(1)).  Each tests/monitor/NAME.cmd
# runs under `aula debug ... -x NAME.cmd --batch`; its transcript -- the
# monitor's output with the guest's console, then "exit=STATUS" -- must be
# tests/monitor/NAME.out, byte for byte.  The first line of a script,
# "# aula debug PROGRAM [OPTIONS]", says what to debug (paths from the
# source tree).  Then `aula run --trace` against tests/monitor/run-trace.out.
# AULA_UPDATE_GOLDEN=1 rewrites the .out files instead.
set -u
: "${AULA:?}" "${top_srcdir:?}"
cd "$top_srcdir" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-monitor.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
status=0

# compare NAME GOT: GOT (a file) against tests/monitor/NAME.out
compare()
{
	want=tests/monitor/$1.out
	if [ "${AULA_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$2" "$want"
		echo "updated $want"
	elif ! diff -u "$want" "$2"; then
		echo "FAIL: $1 differs from $want"
		status=1
	else
		echo "PASS: $1"
	fi
}

# Two disks for the scripts that name @TMP@/disk0.img and disk1.img (the
# transcripts show @TMP@ for the temporary directory).
"$AULA" disk create "$tmp/disk0.img" 64K >/dev/null &&
	"$AULA" disk create "$tmp/disk1.img" 4K >/dev/null &&
	"$AULA" disk create "$tmp/book.img" 64K >/dev/null || exit 99
# A checkpoint for restore.cmd (aula debug --restore).
"$AULA" run examples/kernel/kernel.s -I examples/lib -q --max-insns 3000 \
	--save-on-stop "$tmp/kernel.ck" </dev/null >/dev/null 2>&1
[ -s "$tmp/kernel.ck" ] || exit 99
echo 'trace insn on /dev/null' >"$tmp/slow.cmd"
for cmd in tests/monitor/*.cmd; do
	name=$(basename "$cmd" .cmd)
	args=$(sed -n '1s/^# aula debug //p' "$cmd" | sed "s|@TMP@|$tmp|g")
	if [ -z "$args" ]; then
		echo "FAIL: $cmd: the first line must be # aula debug PROGRAM"
		status=1
		continue
	fi
	# shellcheck disable=SC2086 # the options are words
	"$AULA" debug $args -x "$cmd" --batch </dev/null >"$tmp/$name.raw" 2>&1
	st=$?
	sed "s|$tmp|@TMP@|g" "$tmp/$name.raw" >"$tmp/$name"
	echo "exit=$st" >>"$tmp/$name"
	compare "$name" "$tmp/$name"
	# The same script a step at a time (an instruction trace turns the
	# fetch breakpoints off): the same transcript, but for that line.
	# shellcheck disable=SC2086
	"$AULA" debug $args -x "$tmp/slow.cmd" -x "$cmd" --batch </dev/null \
		>"$tmp/$name.slow" 2>&1
	st=$?
	grep -v -x -F "(aula) trace insn on /dev/null" "$tmp/$name.slow" |
		sed "s|$tmp|@TMP@|g" >"$tmp/$name.steps"
	echo "exit=$st" >>"$tmp/$name.steps"
	if ! cmp -s "$tmp/$name" "$tmp/$name.steps"; then
		echo "FAIL: $name a step at a time differs from at full speed:"
		diff -u "$tmp/$name" "$tmp/$name.steps" | head -20
		status=1
	fi
done

"$AULA" run examples/hello/hello.s -q --max-insns 24 --trace insn,io,int,mmu \
	--trace-file "$tmp/run-trace" </dev/null >/dev/null 2>&1
echo "exit=$?" >>"$tmp/run-trace"
compare run-trace "$tmp/run-trace"

# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
check_status()
{
	want=$1 what=$2
	shift 2
	"$AULA" "$@" </dev/null >"$tmp/out" 2>&1
	got=$?
	if [ "$got" = "$want" ]; then
		echo "PASS: $what (exit $want)"
	else
		echo "FAIL: $what: exit $got, not $want"
		cat "$tmp/out"
		status=1
	fi
}
hello=examples/hello/hello.s
check_status 2 "aula debug without a program" debug
check_status 2 "an unknown trace category" run "$hello" --trace insn,bogus
check_status 2 "a bad --monitor" run "$hello" --monitor=later
check_status 2 "--realtime with the monitor" debug "$hello" --realtime
check_status 1 "a missing script" debug "$hello" -x "$tmp/none" --batch
check_status 0 "commands from a pipe, no quit" debug "$hello"
check_status 0 "--monitor=crash, a guest that powers off" run "$hello" \
	--monitor=crash
check_status 4 "--monitor=crash, past --max-insns, without quit" run \
	tests/monitor/calls.s --monitor=crash --max-insns 10
exit $status
