#!/bin/sh
# The monitor at a real terminal: tests/ptydrive runs `aula debug` on a
# pseudo-terminal and types at it -- help, Tab completion, Ctrl-C at the
# prompt and while the guest runs (busy, or asleep waiting for typed
# input), typed input reaching the guest, an empty line repeating step
# and continue, the history file.  Skipped (77) where no pseudo-terminal can be had.
set -u
: "${AULA:?}" "${top_srcdir:?}"
drive=$(dirname "$AULA")/tests/ptydrive
if [ ! -x "$drive" ]; then
	echo "SKIP: no $drive"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-tty.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
HOME=$tmp
export HOME
status=0

# session NAME PROGRAM: run the session script $tmp/NAME.session
session()
{
	"$drive" "$tmp/$1.session" "$AULA" debug "$2"
	rc=$?
	if [ $rc = 77 ]; then
		echo "SKIP: $1: no pseudo-terminal"
		exit 77
	elif [ $rc != 0 ]; then
		echo "FAIL: $1"
		status=1
	else
		echo "PASS: $1"
	fi
}

cat >"$tmp/spin.s" <<'EOS'
_start: la      r1, msg
.next:  ldbu    r2, 0(r1)
        cmpi    r2, 0
        beq     spin
        out     r2, 0x10(r0)
        addi    r1, r1, 1
        br      .next
spin:   br      spin
msg:    .asciz  "spinning\n"
EOS

cat >"$tmp/keys.session" <<'EOS'
expect (aula) 
send help\r
expect Tab completes
# Tab completes a command, then a label; twice lists the choices.
send disa\t\t
expect disable  disas
send s\r
expect =>  0x00001000
send hist\t
expect history 
send 2\r
expect nothing has run
send x/s ms\t
expect msg 
send \r
expect "spinning\\n"
# Ctrl-C at the prompt drops the line being typed.  Wait for the prompt
# first: typed before it, the Ctrl-C would reach the command still
# finishing (which stops guests), not the line editor (a flaky run).
expect (aula) 
send garbage\x03
expect (aula) 
send print 6*7\r
expect 0x0000002a (42)
# Ctrl-C stops a guest that runs for ever; the guest does not notice.
send continue\r
expect spinning
send \x03
expect stopped: interrupted
# Where Ctrl-C lands depends on the host's speed (the guest may still be
# printing), so go to a known place before stepping.
send break spin\r
expect breakpoint 1
send continue\r
expect => 0x00001020 <spin>
# An empty line repeats continue, as in gdb: the breakpoint's second hit.
send \r
expect stopped: breakpoint 1
expect => 0x00001020 <spin>
send delete\r
expect (aula) 
# An empty line repeats step.
send step\r
expect => 0x00001020 <spin>
send \r
expect => 0x00001020 <spin>
send regs\r
expect insns
send quit 5\r
exit 5
EOS
session keys "$tmp/spin.s"
for cmd in 'print 6*7' 'disas' 'history 2' 'quit 5'; do
	if grep -q -x -F "$cmd" "$tmp/.aula_history"; then
		echo "PASS: the history file has '$cmd'"
	else
		echo "FAIL: ~/.aula_history lacks '$cmd'"
		status=1
	fi
done
if grep -q garbage "$tmp/.aula_history"; then
	echo "FAIL: a line dropped with Ctrl-C went into the history"
	status=1
fi

# A guest asleep in halt, waiting for input from the terminal: Ctrl-C
# reaches it through the console's polling.
cat >"$tmp/sleep.session" <<'EOS'
expect (aula) 
send continue\r
expect continue
send \x03
expect stopped: interrupted
expect (aula) 
send \x04
exit 0
EOS
session sleep "$top_srcdir/tests/monitor/sleepy.s"

# What is typed while the guest runs is the guest's console input.
cat >"$tmp/typing.session" <<'EOS'
expect (aula) 
send continue\r
expect ready> 
send hi\r
# the terminal echoes the line, then the guest does
expect hi\r\nhi\r\n
send q\r
expect stopped: poweroff
expect (aula) 
send quit\r
exit 0
EOS
session typing "$top_srcdir/tests/monitor/echo.s"

# Without readline (AULA_READLINE empty, or a library that is not there):
# a plain prompt, lines as the terminal edits them; Ctrl-C still drops
# the line, an empty line still repeats, Ctrl-D still ends.
cat >"$tmp/plain.session" <<'EOS'
expect (aula) 
send print 6*7\r
expect 0x0000002a (42)
expect (aula) 
send garbage\x03
expect (aula) 
send step\r
expect => 0x00001004 <_start+0x4>
expect (aula) 
send \r
expect => 0x00001008 <_start.next>
expect (aula) 
send \x04
exit 0
EOS
rm -f "$tmp/.aula_history"
AULA_READLINE=
export AULA_READLINE
session plain "$tmp/spin.s"
if [ -e "$tmp/.aula_history" ]; then
	echo "FAIL: the plain prompt wrote a history file"
	status=1
fi
{ echo 'expect cannot load readline (libnope.so.0: '
  cat "$tmp/plain.session"; } >"$tmp/nolib.session"
AULA_READLINE=libnope.so.0
session nolib "$tmp/spin.s"
unset AULA_READLINE
exit $status
