#!/bin/sh
# A class of 2,000 submissions with every hostile case of docs/security.md
# among them grades to completion: every honest submission earns exactly
# what it earns graded alone, and every hostile one fails only its own
# pairs, each with a clear status.  The class is made in a temporary
# directory from a few templates, so that it is fast.
if [ -z "${AULA:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "grade-class.sh: set AULA and top_srcdir (make check does)" >&2
	exit 99
fi
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-class.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM
failures=0
fail()
{
	printf 'grade-class.sh: %s\n' "$*" >&2
	failures=$((failures + 1))
}
ex=$top_srcdir/examples/grading
TESTS="$ex/tests/hello.t $tmp/cpu.t"
CLASS=2000

# The hostile templates, one file each (the numbers keep the order).
mkdir "$tmp/class" "$tmp/alone" || exit 99
h=$tmp/class
esc=$(printf '\033')
# halts for ever, its IRQ waiting for the EOI its handler forgot
cat >"$h/h01-noeoi.s" <<'EOF'
_start: la r1, vectors
        mtcr vbr, r1
        la r2, tick
        stw r2, 64(r1)
        li r1, 100
        out r1, 0x31(r0)
        li r1, 3
        out r1, 0x30(r0)
        ei
idle:   halt
        br idle
tick:   li r1, 1
        out r1, 0x33(r0)
        rti
        .align 4
vectors: .space 1024
EOF
printf '_start: br _start\n' >"$h/h02-loop.s"
printf '_start: la r1, 0x7ffffff0\n mtcr vbr, r1\n .word 0\n' >"$h/h03-crash.s"
printf '_start: frobnicate r1\n' >"$h/h04-syntax.s"
# an image header with nothing after it
printf 'AULA' >"$h/h05-truncated.img"
# .space whose size wrapped the assembler's capacity (asm/, issue 12):
# whatever the assembler does with it, only this pair may suffer
printf '_start: out r0, 0(r0)\n.byte 1\n.space 0x7fffffff\n' >"$h/h06-space.s"
# the console: escape sequences, a control byte, a byte not UTF-8
printf '_start: la r1, m\n.l: ldb r2, 0(r1)\n cmpi r2, 0\n beq .d\n out r2, 0x10(r0)\n addi r1, r1, 1\n br .l\n.d: out r0, 0(r0)\nm: .byte 27, 91, 50, 74, 1, 255, 0\n' \
	>"$h/h07-output.s"
cp "$ex/submissions/reference.s" "$h/h08-y # TODO.s"
cp "$ex/submissions/reference.s" "$h/h09-${esc}[31mred.s"
cp "$ex/submissions/reference.s" "$h/h10-=HYPERLINK(1).s"
# spins for ever on the test that gives it a huge budget: --cpu-limit
# kills its worker
printf '_start: br _start\n' >"$h/h11-cpu.s"
printf '# budget: 4294967295\n# applies: h11-cpu.s\ncontinue\n' >"$tmp/cpu.t"
nhostile=11

# Honest ones: the example's submissions, over and over (written by the
# shell's builtin printf: 2,000 processes would cost seconds).
reference=$(cat "$ex/submissions/reference.s")
off_by_one=$(cat "$ex/submissions/off-by-one.s")
no_eof=$(cat "$ex/submissions/no-eof.s")
i=$nhostile
while [ $i -lt $CLASS ]; do
	printf '%s\n' "$reference" >"$h/s$i-reference.s"
	printf '%s\n' "$off_by_one" >"$h/s$((i + 1))-off-by-one.s"
	printf '%s\n' "$no_eof" >"$h/s$((i + 2))-no-eof.s"
	i=$((i + 3))
done
[ $((CLASS - nhostile)) = $((3 * ((CLASS - nhostile) / 3))) ] || exit 99

# What each template earns graded alone.
for t in reference off-by-one no-eof; do
	# shellcheck disable=SC2086
	"$AULA" grade -j 1 --csv "$tmp/alone/$t.csv" $TESTS -- \
		"$ex/submissions/$t.s" >/dev/null 2>&1 ||
		fail "grading $t.s alone failed"
	sed -n '2s/^[^,]*,//p' "$tmp/alone/$t.csv" >"$tmp/alone/$t"
done

set -- "$h"/*
[ $# = $CLASS ] || fail "the class has $# submissions, not $CLASS"
# shellcheck disable=SC2086
"$AULA" grade -j 2 --cpu-limit 1 --csv "$tmp/class.csv" --json \
	"$tmp/class.json" --junit "$tmp/class.xml" $TESTS -- "$@" \
	>"$tmp/class.txt" 2>"$tmp/class.err"
status=$?
[ $status = 0 ] || fail "grading the class exited $status, not 0"
[ "$(wc -l <"$tmp/class.csv")" = $((CLASS + 1)) ] ||
	fail "the gradebook has $(wc -l <"$tmp/class.csv") lines, not" \
	     "$((CLASS + 1))"

# Every honest submission earns what its template earns alone.
wrong=0
for t in reference off-by-one no-eof; do
	want=$(cat "$tmp/alone/$t")
	n=$(grep -c -- "-$t\\.s,$want\$" "$tmp/class.csv")
	all=$(grep -c -- "-$t\\.s," "$tmp/class.csv")
	[ "$n" = "$all" ] && [ "$n" -gt 0 ] || wrong=$((wrong + all - n))
done
[ $wrong = 0 ] || fail "$wrong honest submissions lost or gained points"

# Every hostile one fails with its own status (JSON: status by test).
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/class.json" "$tmp/class.xml" <<'EOP' ||
import json, sys, xml.etree.ElementTree as ET
r = json.load(open(sys.argv[1], encoding="utf-8"))
ET.parse(sys.argv[2])
want = {
    "h01-noeoi": ("hello", ["budget exhausted"], "halted for"),
    "h02-loop": ("hello", ["budget exhausted"], "budget exhausted"),
    "h03-crash": ("hello", ["guest crash"], "double fault"),
    "h04-syntax": ("hello", ["no program"], "unknown instruction"),
    "h05-truncated": ("hello", ["no program"], ""),
    "h06-space": ("hello", ["no program", "internal error"], ""),
    "h07-output": ("hello", ["fail"], "\\x1b[2J\\x01\\xff"),
    # On a busy host the real-time backstop (4 x --cpu-limit + 30 s) can end
    # the spinning worker before its CPU limit does: either is its own
    # pair's clear status, which is what is checked.
    "h11-cpu": ("cpu", ["internal error"], ("host CPU time", "of real time")),
}
bad = 0
for s in r["submissions"]:
    name = s["file"].rsplit("/", 1)[1]
    key = name[:name.index(".")] if "." in name else name
    res = {x["test"]: x for x in s["results"]}
    if key in want:
        test, statuses, text = want[key]
        x = res[test]
        texts = text if isinstance(text, tuple) else (text,)
        said = x["detail"] + (s["error"] or "")
        if x["status"] not in statuses or not any(t in said for t in texts):
            print("grade-class.sh: %s: %s: %r" % (name, test, x), file=sys.stderr)
            bad += 1
    elif name.startswith("h"):
        if res["hello"]["status"] != "pass":
            print("grade-class.sh: %r: %r" % (name, res["hello"]), file=sys.stderr)
            bad += 1
    if not name.startswith("h11") and res["cpu"]["status"] != "not applicable":
        print("grade-class.sh: %r ran cpu.t" % name, file=sys.stderr)
        bad += 1
sys.exit(bad != 0)
EOP
	fail "a hostile submission is not reported as it should be"
else
	echo "SKIP: python3 is not installed: statuses not checked one by one"
fi
grep -q "\\[31m" "$tmp/class.txt" && ! grep -q "$esc" "$tmp/class.txt" ||
	fail "the table lets an escape sequence through"

if [ "$failures" -ne 0 ]; then
	echo "grade-class.sh: $failures problem(s)" >&2
	exit 1
fi
echo "grade-class.sh: $CLASS submissions graded, each as it should be"
exit 0
