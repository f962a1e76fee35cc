#!/bin/sh
# aula grade (aula-grade(1)): the example assignment in examples/grading
# graded, every report compared with examples/grading/expected/ byte for
# byte, -j 1 against -j 2, --shard and --merge, a crashing guest, and bad input: a missing test
# file, malformed headers, a submission that does not assemble.
#
# After a deliberate change to the reports, rewrite the expected ones:
#   cd examples/grading && aula grade --json expected/report.json \
#     --csv expected/report.csv --junit expected/report.xml $TESTS -- \
#     $SUBS >expected/report.txt; aula grade --tap $TESTS -- $SUBS \
#     >expected/report.tap
# with TESTS and SUBS as below.
if [ -z "${AULA:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "grade.sh: set AULA and top_srcdir (make check does)" >&2
	exit 99
fi
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-grade.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM
failures=0
fail()
{
	printf 'grade.sh: %s\n' "$*" >&2
	failures=$((failures + 1))
}

cd "$top_srcdir/examples/grading" || exit 99
TESTS="tests/empty.t tests/fast.t tests/hello.t tests/mixed.t"
SUBS="submissions/reference.s submissions/off-by-one.s submissions/no-eof.s
submissions/typo.s"

# ---- the example, against the expected reports ------------------------

for j in 1 2; do
	# shellcheck disable=SC2086
	"$AULA" grade -j $j --json "$tmp/j$j.json" --csv "$tmp/j$j.csv" \
		--junit "$tmp/j$j.xml" $TESTS -- $SUBS \
		>"$tmp/j$j.txt" 2>"$tmp/j$j.err"
	status=$?
	[ "$status" = 0 ] || fail "aula grade -j $j exited $status, not 0"
	# shellcheck disable=SC2086
	"$AULA" grade -j $j --tap $TESTS -- $SUBS >"$tmp/j$j.tap" 2>/dev/null ||
		fail "aula grade -j $j --tap failed"
	grep -q '^submissions/typo.s:5:9: error: ' "$tmp/j$j.err" ||
		fail "-j $j: the assembly error is not on stderr as file:line:col"
done
for ext in txt json csv xml tap; do
	if ! cmp -s "$tmp/j1.$ext" "$tmp/j2.$ext"; then
		fail "-j 1 and -j 2 give different .$ext reports:"
		diff "$tmp/j1.$ext" "$tmp/j2.$ext" | head -n 20 >&2
	fi
	if ! cmp -s "expected/report.$ext" "$tmp/j2.$ext"; then
		fail "the .$ext report differs from expected/report.$ext:"
		diff "expected/report.$ext" "$tmp/j2.$ext" | head -n 20 >&2
	fi
done
# A worker lives on across submissions unless --recycle says otherwise:
# a pair's result may not depend on what its worker ran before (a fresh
# process per submission, or one every two, gives the same reports).
for how in "-j 1 --recycle 1" "-j 1 --recycle 2" "-j 2 --recycle 1"; do
	# shellcheck disable=SC2086
	"$AULA" grade $how --json "$tmp/r.json" --csv "$tmp/r.csv" \
		--junit "$tmp/r.xml" $TESTS -- $SUBS >"$tmp/r.txt" 2>/dev/null
	for ext in txt json csv xml; do
		cmp -s "$tmp/j1.$ext" "$tmp/r.$ext" ||
			fail "$how: the .$ext report differs from -j 1's"
	done
done
"$AULA" grade --recycle x $TESTS -- $SUBS >/dev/null 2>"$tmp/r.err" &&
	fail "--recycle x was taken"
grep -q -- "--recycle x: submissions per worker" "$tmp/r.err" ||
	fail "--recycle x: $(cat "$tmp/r.err")"

grep -q '"format": "aula-grade"' "$tmp/j1.json" &&
	grep -q '"version": 1' "$tmp/j1.json" ||
	fail "the JSON report lacks its format and version"

# ---- --shard: two shards grade the class between them -----------------

for k in 1 2; do
	# shellcheck disable=SC2086
	"$AULA" grade -j 1 --shard $k/2 --csv "$tmp/shard$k.csv" $TESTS -- \
		$SUBS >/dev/null 2>&1 || fail "aula grade --shard $k/2 failed"
done
{ sed 1d "$tmp/shard1.csv"; sed 1d "$tmp/shard2.csv"; } | sort >"$tmp/shards"
sed 1d "expected/report.csv" | sort >"$tmp/whole"
cmp -s "$tmp/shards" "$tmp/whole" ||
	fail "the two --shard k/2 gradebooks do not add up to the whole one"
[ "$(sed 1d "$tmp/shard1.csv" | wc -l)" = 2 ] ||
	fail "--shard 1/2 of 4 submissions did not grade 2"
# ... and their JSON reports merge into the whole class's, in any order.
for k in 1 2; do
	# shellcheck disable=SC2086
	"$AULA" grade -j 1 --shard $k/2 --json "$tmp/shard$k.json" $TESTS \
		-- $SUBS >/dev/null 2>&1
done
"$AULA" grade --merge --json "$tmp/merged.json" --csv "$tmp/merged.csv" \
	--junit "$tmp/merged.xml" "$tmp/shard2.json" "$tmp/shard1.json" \
	>"$tmp/merged.txt" || fail "aula grade --merge exited $?"
for ext in txt json csv xml; do
	cmp -s "expected/report.$ext" "$tmp/merged.$ext" ||
		fail "--merge of two shards: the .$ext report differs from" \
		     "expected/report.$ext"
done

# ---- the GNU parallel recipes of aula-grade(1), SHARDS ---------------

if command -v parallel >/dev/null 2>&1; then
	# Locally, and through --sshlogin ':' (this machine, no ssh needed),
	# which takes the same path as remote hosts.
	for how in local sshlogin; do
		rm -f "$tmp"/par-*.json
		if [ $how = local ]; then set --; else set -- --sshlogin :; fi
		# shellcheck disable=SC2086
		parallel --will-cite "$@" "$AULA" grade -j 1 --shard {}/3 \
			--json "$tmp/par-{}.json" $TESTS -- $SUBS ::: 1 2 3 \
			>/dev/null 2>&1 || fail "GNU parallel ($how) failed"
		"$AULA" grade --merge --csv "$tmp/par.csv" "$tmp"/par-*.json \
			>"$tmp/par.txt" || fail "--merge after parallel ($how)"
		cmp -s expected/report.csv "$tmp/par.csv" &&
			cmp -s expected/report.txt "$tmp/par.txt" ||
			fail "GNU parallel ($how): merged reports differ"
	done
else
	echo "SKIP: GNU parallel is not installed (scripts/setup installs it)"
fi
bash -n slurm.sbatch || fail "slurm.sbatch is not valid bash"

# ---- a missing submission is named once, not twice ---------------------
"$AULA" grade -j 1 tests/hello.t -- "$tmp/missing.s" >"$tmp/miss.out" \
	2>"$tmp/miss.err" || fail "grading a missing submission exited $?"
grep -q -x -F -e "aula: $tmp/missing.s: cannot open: No such file or directory" \
	"$tmp/miss.err" ||
	fail "a missing submission's message is not as expected:" \
	     "$(cat "$tmp/miss.err")"

# ---- a submission that is not a regular file is not read ----------------
# A FIFO with no writer: reading it would wait for ever (aula grade's
# real-time limit would end it after minutes); aula-grade(1) says so.
mkfifo "$tmp/fifo.s"
mkdir "$tmp/dir.s"
perl -e 'alarm 60; exec @ARGV' "$AULA" grade -j 1 tests/hello.t -- \
	"$tmp/fifo.s" "$tmp/dir.s" >"$tmp/fifo.out" 2>"$tmp/fifo.err" ||
	fail "grading a FIFO and a directory exited $?"
for f in fifo.s dir.s; do
	grep -q -F -e "aula: $tmp/$f: assembly error:" "$tmp/fifo.err" &&
		grep -A1 -F -e "aula: $tmp/$f: " "$tmp/fifo.err" |
		grep -q -F -e "cannot read: not a regular file" ||
		fail "$f: not refused as aula-grade(1) says:" \
		     "$(cat "$tmp/fifo.err")"
done

# ---- memory ADDR is "BYTES": a range of memory in one check -----------

cat >"$tmp/mem.s" <<'EOS'
_start: la      r1, buf
        li      r2, 0x44434241
        stw     r2, 0(r1)
        out     r0, 0(r0)
        .align  4
buf:    .word   0
EOS
cat >"$tmp/mem.t" <<'EOS'
# name: mem
# points: 3
continue
+1 memory buf is "ABCD"
+1 memory 0x1018 is "AB\x43D"
memory buf is "ABCE"
memory nolabel is "A"
memory 0x7ffffff0 is "AAAAAAAAAAAAAAAAAAAA"
EOS
"$AULA" grade -j 1 "$tmp/mem.t" -- "$tmp/mem.s" >"$tmp/mem.out" 2>&1 ||
	fail "aula grade with memory checks exited $?"
grep -q -F -e 'mem.s, mem: fail (2/3)' "$tmp/mem.out" ||
	fail "memory checks: not 2 points of 3:" "$(cat "$tmp/mem.out")"
for want in '  actual:   memory buf is "ABCD"' \
	'  memory nolabel: the program has no such label' \
	'  memory 0x7ffffff0: 0x7ffffff0, 20 bytes, is not all in RAM'; do
	grep -q -x -F -e "$want" "$tmp/mem.out" ||
		fail "memory checks: no line '$want' in:" "$(cat "$tmp/mem.out")"
done

# ---- a guest that crashes costs its test, no more ----------------------

cat >"$tmp/crash.s" <<'EOS'
_start: la      r1, 0x7ffffff0      ; a vector table outside RAM
        mtcr    vbr, r1
        .word   0                   ; illegal
EOS
"$AULA" grade -j 1 tests/hello.t -- "$tmp/crash.s" >"$tmp/crash.out" \
	2>&1 || fail "aula grade of a crashing guest exited $?, not 0"
grep -q 'hello: guest crash (0/4)$' "$tmp/crash.out" ||
	fail "a double fault is not reported as a guest crash:" \
	     "$(cat "$tmp/crash.out")"
grep -q 'the last instructions run:' "$tmp/crash.out" ||
	fail "a guest crash comes without the last instructions"

# ---- hostile names and outputs: every report stays well-formed --------

# Submissions whose names and messages carry what each format must not
# let through: a TAP directive, CSV separators and formulas, a carriage
# return, a line feed, terminal escapes, a control byte and a byte that
# is not UTF-8.  The fail ones print control bytes and fail a check; the
# bad one's assembler error quotes its escape sequence back.
hostile="$tmp/hostile"
mkdir "$hostile" || exit 99
esc=$(printf '\033')
cr=$(printf '\r')
ctl=$(printf '\001')
nl='
'
for name in "y # TODO" 'a,b"c' "=HYPERLINK(1)" "-2+3" "@SUM" \
	"cr${cr}x" "nl${nl}x" "${esc}[31mred" "ctl${ctl}x" "$(printf 'bad\377')" \
	"été"; do
	printf '_start: la r1, msg\n.l: ldb r2, 0(r1)\n cmpi r2, 0\n beq .d\n out r2, 0x10(r0)\n addi r1, r1, 1\n br .l\n.d: out r0, 0(r0)\nmsg: .byte 27, 91, 50, 74, 1, 255, 13, 10, 0\n' \
		>"$hostile/$name.s"
done
printf '_start: \033]0;pwned\007 r1\n' >"$hostile/${esc}]0;title.s"
printf 'continue\n+1 stop poweroff 0\noutput is "fine"\n' >"$tmp/hostile.t"
# Relative names, so that a cell starts with = + - @ as a name does.
cd "$hostile" || exit 99
set -- *
nh=$#
"$AULA" grade -j 2 --csv "$tmp/h.csv" --junit "$tmp/h.xml" \
	--json "$tmp/h.json" "$tmp/hostile.t" -- "$@" >"$tmp/h.txt" \
	2>"$tmp/h.err" || fail "grading hostile names exited $?"
"$AULA" grade -j 2 --tap "$tmp/hostile.t" -- "$@" >"$tmp/h.tap" 2>/dev/null
"$AULA" grade -j 2 --csv "$tmp/hs.csv" --csv-safe "$tmp/hostile.t" -- "$@" \
	>/dev/null 2>&1 || fail "--csv-safe exited $?"
cd "$top_srcdir/examples/grading" || exit 99
for f in h.txt h.tap; do
	if LC_ALL=C grep -q "[$esc$cr$ctl]" "$tmp/$f"; then
		fail "$f: a raw control byte reached the terminal"
	fi
done
LC_ALL=C grep -q -F -e "\\x1b[31mred.s" "$tmp/h.txt" ||
	fail "the table does not show an escape sequence as \\x1b"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp" "$nh" "$@" <<'EOP' || fail "python: the reports are not well-formed"
import csv, json, sys, xml.etree.ElementTree as ET
tmp, n, subs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
subs = [s.encode("utf-8", "surrogateescape") for s in subs]
def check(what, ok):
    if not ok:
        print("python:", what, file=sys.stderr)
        sys.exit(1)
with open(tmp + "/h.csv", newline="", encoding="utf-8", errors="surrogateescape") as f:
    rows = list(csv.reader(f))
check("csv: %d rows, not %d" % (len(rows), n + 1), len(rows) == n + 1)
names = [r[0].encode("utf-8", "surrogateescape") for r in rows[1:]]
check("csv: the names did not survive: %r" % names, names == subs)
check("csv: points %r" % rows, all(r[1:] in (["1", "1", "1"], ["0", "0", "1"]) for r in rows[1:]))
with open(tmp + "/hs.csv", newline="", encoding="utf-8", errors="surrogateescape") as f:
    safe = list(csv.reader(f))
for r in safe[1:]:
    check("--csv-safe: %r is a formula" % r[0], r[0][0] not in "=+-@\t\r")
check("--csv-safe: no ' before =HYPERLINK", any(r[0].startswith("'=HYPERLINK") for r in safe))
root = ET.parse(tmp + "/h.xml").getroot()
check("junit: %d suites" % len(root), len(root) == n)
for suite in root:
    check("junit: a suite of no test case", len(suite.findall("testcase")) == 1)
json.load(open(tmp + "/h.json", encoding="utf-8"))
EOP
else
	echo "SKIP: python3 is not installed (scripts/setup installs it)"
fi
if perl -MTAP::Parser -e 1 2>/dev/null; then
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (my $r = $p->next) {}
		my ($pass, $fail, $todo) = (scalar($p->passed),
			scalar($p->failed), scalar($p->todo));
		exit($todo == 0 && $fail == $ARGV[1] && !$p->parse_errors ? 0 : 1)
			or 1;' "$tmp/h.tap" "$nh" ||
		fail "TAP::Parser: a name made a directive, or the counts are off:" \
		     "$(cat "$tmp/h.tap")"
else
	echo "SKIP: no TAP::Parser (perl)"
fi

ref=submissions/reference.s
# ---- a worker that dies costs exactly its own pair ---------------------

# spin.s loops for a budget that would take minutes of host time; with
# --cpu-limit 1 its worker is killed, and only its pair says so, in every
# report format, while the submission after it (same worker slot, -j 1)
# is graded as usual.
printf '_start: br _start\n' >"$tmp/spin.s"
printf '# budget: 4294967295\ncontinue\n+1 stop poweroff 0\n' >"$tmp/long.t"
"$AULA" grade -j 1 --cpu-limit 1 --json "$tmp/die.json" --csv "$tmp/die.csv" \
	--junit "$tmp/die.xml" "$tmp/long.t" -- "$tmp/spin.s" "$ref" \
	>"$tmp/die.txt" 2>&1 || fail "aula grade with a killed worker exited $?"
grep -q -F -e "spin.s, long: internal error (0/1)" "$tmp/die.txt" &&
	grep -q -F -e "it used more than its 1 s of host CPU time" \
		"$tmp/die.txt" ||
	fail "the killed pair is not an internal error naming the limit:" \
	     "$(cat "$tmp/die.txt")"
grep -q "reference.s  *1/1  *1/1$" "$tmp/die.txt" ||
	fail "the submission after a killed worker lost its points:" \
	     "$(cat "$tmp/die.txt")"
grep -q '"status": "internal error", "points": 0' "$tmp/die.json" &&
	grep -q '"status": "pass", "points": 1' "$tmp/die.json" ||
	fail "JSON: the killed pair and the next are not as they were run"
grep -q -x -F -e "$tmp/spin.s,0,0,1" "$tmp/die.csv" &&
	grep -q -x -F -e "$ref,1,1,1" "$tmp/die.csv" ||
	fail "CSV: the killed pair and the next: $(cat "$tmp/die.csv")"
grep -q 'failure message="internal error: 0/1 points"' "$tmp/die.xml" ||
	fail "JUnit: the killed pair is not a failure"
"$AULA" grade -j 1 --cpu-limit 1 --tap "$tmp/long.t" -- "$tmp/spin.s" \
	"$ref" >"$tmp/die.tap" 2>/dev/null
grep -q -x -F -e "not ok 1 - $tmp/spin.s long (0/1)" "$tmp/die.tap" &&
	grep -q -x -F -e "ok 2 - $ref long (1/1)" "$tmp/die.tap" ||
	fail "TAP: the killed pair and the next: $(cat "$tmp/die.tap")"

# One worker grades the class (-j 1): when it dies on a submission, the
# pool starts another that takes the submissions after it, each graded
# once.
"$AULA" grade -j 1 --cpu-limit 1 --csv "$tmp/pool.csv" "$tmp/long.t" -- \
	"$ref" "$ref" "$tmp/spin.s" "$ref" "$ref" >"$tmp/pool.txt" 2>&1 ||
	fail "a pool whose worker was killed exited $?"
[ "$(grep -c -x -F -e "$ref,1,1,1" "$tmp/pool.csv")" = 4 ] &&
	grep -q -x -F -e "$tmp/spin.s,0,0,1" "$tmp/pool.csv" &&
	[ "$(wc -l <"$tmp/pool.csv")" = 6 ] ||
	fail "the pool after a killed worker: $(cat "$tmp/pool.csv")"

# A parent that ignores SIGCHLD (the disposition is inherited; perl,
# which Debian always has, since the shell will not pass it on): the pool
# still sees each worker end, the dead one's pair alone is charged.
# (alarm bounds it: timeout(1) would reset SIGCHLD for its child)
perl -e '$SIG{CHLD} = "IGNORE"; alarm 120; exec @ARGV' "$AULA" grade -j 1 \
	--cpu-limit 1 --csv "$tmp/ign.csv" "$tmp/long.t" -- "$ref" \
	"$tmp/spin.s" "$ref" >"$tmp/ign.txt" 2>&1 ||
	fail "aula grade with SIGCHLD ignored exited $?"
[ "$(grep -c -x -F -e "$ref,1,1,1" "$tmp/ign.csv" 2>/dev/null)" = 2 ] &&
	grep -q -x -F -e "$tmp/spin.s,0,0,1" "$tmp/ign.csv" &&
	grep -q "it used more than its 1 s of host CPU time" "$tmp/ign.txt" ||
	fail "SIGCHLD ignored: $(cat "$tmp/ign.txt" "$tmp/ign.csv")"

# A worker runs a submission's tests one after another: when it dies on
# one, that test alone is charged and a new worker runs the ones after it
# (three tests on one submission: -j 1 splits them 1 + 2, so the killed
# test is the first of its worker and the third runs in the next worker).
printf '# budget: 100\ncontinue\n+1 stop budget\n' >"$tmp/a-short.t"
cp "$tmp/long.t" "$tmp/b-long.t"
cp "$tmp/a-short.t" "$tmp/c-short.t"
"$AULA" grade -j 1 --cpu-limit 1 --json "$tmp/unit.json" "$tmp/a-short.t" \
	"$tmp/b-long.t" "$tmp/c-short.t" -- "$tmp/spin.s" >"$tmp/unit.txt" \
	2>&1 || fail "aula grade with a killed worker mid-submission exited $?"
tr -d '\n ' <"$tmp/unit.json" | grep -q -F -e \
	'"results":[{"test":"a-short","status":"budgetexhausted","points":0' \
	-e '{"test":"b-long","status":"internalerror","points":0' ||
	fail "mid-submission worker death: $(cat "$tmp/unit.txt")"
[ "$(grep -c '"status": "budget exhausted"' "$tmp/unit.json")" = 2 ] &&
	[ "$(grep -c '"status": "internal error"' "$tmp/unit.json")" = 1 ] ||
	fail "a killed worker's other tests were not run as usual:" \
	     "$(cat "$tmp/unit.json")"

# Going back works in a test (the timeline is kept for such a test only).
printf '_start: addi r1, r1, 1\n addi r1, r1, 1\n addi r1, r1, 1\n out r0, 0(r0)\n' \
	>"$tmp/three.s"
printf '# points: 2\nstep 3\nreverse-step 2\n+1 assert r1 == 1\n+1 assert $insns == 1\n' \
	>"$tmp/back.t"
"$AULA" grade -j 1 --csv "$tmp/back.csv" "$tmp/back.t" -- "$tmp/three.s" \
	>"$tmp/back.txt" 2>&1 || fail "grading a test that goes back exited $?"
grep -q -x -F -e "$tmp/three.s,2,2,2" "$tmp/back.csv" ||
	fail "reverse-step in a test: $(cat "$tmp/back.txt" "$tmp/back.csv")"

# ---- setups: tests started from a checkpoint ---------------------------

# Every example test, started from setups that stop in the middle of the
# guest's work (with breakpoints and a display the test must not see),
# gives the same reports from the setup's checkpoint as with the setup run
# in full before each test (--setup-each).
mkdir "$tmp/setup"
printf '# budget: 100000\n# input: hello\nbreak .put\ncontinue\ncontinue\ndisplay r1\nstep 3\n' \
	>"$tmp/setup/boot.setup"
printf '# budget: 5\ncontinue\n' >"$tmp/setup/short.setup"
printf '# budget: 1000\nstep 7\nsend \"ab\"\n' >"$tmp/setup/step.setup"
for t in $TESTS; do
	id=$(basename "$t" .t)
	for s in boot step; do
		{ echo "# from: $s.setup"; cat "$t"; } >"$tmp/setup/$id-$s.t"
	done
done
printf '# from: boot.setup\n# points: 2\n# input: \\x20world\\n\ncontinue\n+1 output is " WORLD\\n"\nassert r1 == 9\nstop poweroff 0\n' \
	>"$tmp/setup/rest.t"
printf '# from: boot.setup\ninfo break\nstep\nreverse-step\nx/2x pc\nregs\nhistory 3\n' \
	>"$tmp/setup/back.t"
printf '# from: short.setup\n# input: abc\ncontinue\nstop poweroff 0\n' \
	>"$tmp/setup/starved.t"
# shellcheck disable=SC2086
"$AULA" grade -j 2 --json "$tmp/setup/ck.json" "$tmp"/setup/*.t -- $SUBS \
	>"$tmp/setup/ck.txt" 2>&1 || fail "grading from setups exited $?"
# shellcheck disable=SC2086
"$AULA" grade -j 1 --setup-each --json "$tmp/setup/each.json" \
	"$tmp"/setup/*.t -- $SUBS >"$tmp/setup/each.txt" 2>&1 ||
	fail "grading with --setup-each exited $?"
cmp -s "$tmp/setup/ck.json" "$tmp/setup/each.json" &&
	cmp -s "$tmp/setup/ck.txt" "$tmp/setup/each.txt" ||
	fail "tests from a setup's checkpoint differ from the setup run in" \
	     "full: $(diff "$tmp/setup/each.txt" "$tmp/setup/ck.txt" | head -20)"
# What the setups do: the reference passes the rest of its line; a setup
# that runs out of budget fails its tests, saying so.
grep -q "^submission .* rest  *starved  *total$" "$tmp/setup/ck.txt" &&
	! grep -q "reference.s, rest:" "$tmp/setup/ck.txt" ||
	fail "the reference, started from boot.setup: $(cat "$tmp/setup/ck.txt")"
grep -q -F "the setup $tmp/setup/short.setup did not finish:" \
	"$tmp/setup/ck.txt" ||
	fail "a setup out of budget does not say so: $(cat "$tmp/setup/ck.txt")"

# A setup file is checked as a test is: no checks, no points, and a
# missing one is named.  refused NAME TEST_TEXT MESSAGE: grading NAME.t
# exits 2, saying MESSAGE.
refused()
{
	printf '%b' "$2" >"$tmp/setup/$1.t"
	"$AULA" grade "$tmp/setup/$1.t" -- "$ref" >"$tmp/setup/$1.txt" 2>&1
	[ $? = 2 ] && grep -q -F "$3" "$tmp/setup/$1.txt" ||
		fail "$1.t: $(cat "$tmp/setup/$1.txt")"
}
printf '# budget: 10\ncontinue\n+1 stop poweroff 0\n' >"$tmp/setup/bad.setup"
refused bad '# from: bad.setup\ncontinue\n' \
	"bad.setup:3:4: a setup earns no points"
refused lost '# from: nowhere.setup\ncontinue\n' \
	"lost.t: # from: $tmp/setup/nowhere.setup:"
printf '# points: 3\n# budget: 10\ncontinue\n' >"$tmp/setup/key.setup"
refused key '# from: key.setup\ncontinue\n' \
	"key.setup:1:1: '# points:' in a setup"

# wait_worker PID: the pid of PID's first child, once it has one (a
# bounded wait: it ends as soon as the child is there).
wait_worker()
{
	i=0
	while [ $i -lt 200 ]; do
		w=$(pgrep -P "$1" | head -n 1)
		[ -n "$w" ] && { echo "$w"; return 0; }
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}
# gone PID: true once PID has exited (bounded, like wait_worker).
gone()
{
	i=0
	while [ $i -lt 200 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}
if command -v pgrep >/dev/null 2>&1; then
	# A stuck worker killed by hand: its pair, and only its pair, is an
	# internal error (it was the pair after it that took the blame).
	"$AULA" grade -j 1 --cpu-limit 0 --csv "$tmp/kill.csv" "$tmp/long.t" \
		-- "$tmp/spin.s" "$ref" >"$tmp/kill.txt" 2>&1 &
	parent=$!
	if w=$(wait_worker $parent); then
		kill -KILL "$w"
		wait $parent || fail "aula grade exited $? after a worker was killed"
		grep -q -F -e "spin.s, long: internal error (0/1)" \
			"$tmp/kill.txt" && grep -q -F -e "signal 9 (Killed)" \
			"$tmp/kill.txt" && grep -q -x -F -e "$ref,1,1,1" \
			"$tmp/kill.csv" ||
			fail "a killed worker is not its own pair's internal error:" \
			     "$(cat "$tmp/kill.txt")"
	else
		kill -KILL $parent
		fail "aula grade started no worker"
	fi

	# The parent dies: its worker follows it.
	"$AULA" grade -j 1 --cpu-limit 0 "$tmp/long.t" -- "$tmp/spin.s" \
		>/dev/null 2>&1 &
	parent=$!
	if w=$(wait_worker $parent); then
		kill -KILL $parent
		wait $parent 2>/dev/null
		gone "$w" || { fail "a worker outlived its parent"; kill -KILL "$w"; }
	else
		kill -KILL $parent
		fail "aula grade started no worker"
	fi

	# SIGTERM (as Ctrl-C's SIGINT): the workers are killed, no report is
	# written, and aula grade dies of the signal.
	printf 'submission,old\n' >"$tmp/term.csv"
	"$AULA" grade -j 2 --cpu-limit 0 --csv "$tmp/term.csv" "$tmp/long.t" -- \
		"$tmp/spin.s" "$tmp/spin.s" >"$tmp/term.out" 2>"$tmp/term.err" &
	parent=$!
	if w=$(wait_worker $parent); then
		kill -TERM $parent
		wait $parent
		status=$?
		[ $status = 143 ] || fail "SIGTERM: aula grade exited $status, not 143"
		gone "$w" || { fail "SIGTERM left a worker running"; kill -KILL "$w"; }
		[ "$(cat "$tmp/term.csv")" = submission,old ] ||
			fail "SIGTERM: the old report was replaced"
		[ -s "$tmp/term.out" ] && fail "SIGTERM: a table was printed"
		grep -q "stopped by signal 15 (Terminated); no report was written" \
			"$tmp/term.err" || fail "SIGTERM: $(cat "$tmp/term.err")"
	else
		kill -KILL $parent
		fail "aula grade started no worker"
	fi
else
	echo "SKIP: no pgrep (procps): killing workers and parents"
fi

# ---- bad input ----------------------------------------------------------

# bad NAME 'MESSAGE' ARGS...: aula grade exits 2 and says MESSAGE.
bad()
{
	name=$1 want=$2
	shift 2
	"$AULA" grade "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
	[ "$status" = 2 ] || fail "$name: aula grade exited $status, not 2"
	grep -F -q -e "$want" "$tmp/$name.err" ||
		fail "$name: no '$want' in: $(cat "$tmp/$name.err")"
	[ -s "$tmp/$name.out" ] && fail "$name: a report was printed"
}
bad missing "$tmp/nothere.t: cannot open" "$tmp/nothere.t" -- "$ref"
printf '# name: x\n# points: many\ncontinue\n' >"$tmp/points.t"
bad points "$tmp/points.t:2:11: # points: a number, not 'many'" \
	"$tmp/points.t" -- "$ref"
printf '# naem: x\ncontinue\n' >"$tmp/key.t"
bad key "$tmp/key.t:1:1: unknown header '# naem:'" "$tmp/key.t" -- "$ref"
printf '# points: 2\n+2 continue\n+1 stop poweroff\n' >"$tmp/sum.t"
bad sum "$tmp/sum.t:3: the +N points add up to 3, more than" \
	"$tmp/sum.t" -- "$ref"
printf 'continue\noutput has "x"\n' >"$tmp/check.t"
bad check "$tmp/check.t:2:1: output is|contains|matches" "$tmp/check.t" -- \
	"$ref"
printf 'continue\nrun\n' >"$tmp/run.t"
bad run "$tmp/run.t:2:1: run: every test starts on a fresh machine" \
	"$tmp/run.t" -- "$ref"
printf '# name: nothing\n' >"$tmp/empty.t"
bad empty "$tmp/empty.t:1: no commands" "$tmp/empty.t" -- "$ref"
# ---- outputs never destroy inputs -------------------------------------

cp tests/hello.t "$tmp/a.t"
# The report's file name forgotten: --csv takes the test a.t.
bad forgot "--csv $tmp/a.t: the file exists and is not a report" \
	--csv "$tmp/a.t" tests/hello.t -- "$ref"
cmp -s tests/hello.t "$tmp/a.t" || fail "--csv a.t overwrote the test a.t"
bad sametest "--json tests/hello.t: that is the test tests/hello.t" \
	--json tests/hello.t tests/hello.t -- "$ref"
ln -s "$PWD/$ref" "$tmp/link.s"
bad samesub "--junit $tmp/link.s: that is the submission $ref" \
	--junit "$tmp/link.s" tests/hello.t -- "$ref"
cmp -s "$ref" "$tmp/link.s" || fail "--junit overwrote a submission"
bad sameshard "--json $tmp/shard1.json: that is the shard report" \
	--merge --json "$tmp/shard1.json" "$tmp/shard1.json" "$tmp/shard2.json"
# A report is replaced whole, through a temporary file renamed into place
# (no X.tmp, no half-written file, nothing left beside it).
mkdir "$tmp/rep" || exit 99
"$AULA" grade -j 1 --csv "$tmp/rep/g.csv" --json "$tmp/rep/g.json" \
	tests/hello.t -- "$ref" >/dev/null 2>&1 || fail "writing reports failed"
ino=$(ls -i "$tmp/rep/g.csv" | cut -d' ' -f1)
"$AULA" grade -j 1 --csv "$tmp/rep/g.csv" --json "$tmp/rep/g.json" \
	tests/hello.t -- "$ref" >/dev/null 2>&1 || fail "replacing reports failed"
[ "$(ls -A "$tmp/rep" | tr '\n' ' ')" = "g.csv g.json " ] ||
	fail "reports left other files behind: $(ls -A "$tmp/rep")"
[ "$(ls -i "$tmp/rep/g.csv" | cut -d' ' -f1)" != "$ino" ] ||
	fail "the report was rewritten in place, not renamed into place"
"$AULA" grade -j 1 --csv /dev/null tests/hello.t -- "$ref" >/dev/null 2>&1 ||
	fail "--csv /dev/null (not a regular file) failed"

# ---- test files: a typo is refused at load, not failed for everyone --
printf '# points: 2\ncontinue\n+1 contineu\n' >"$tmp/typo.t"
bad typo "$tmp/typo.t:3:4: no command 'contineu'" "$tmp/typo.t" -- "$ref"
printf 'continue\n  assert r1 ==\n' >"$tmp/expr.t"
bad expr "$tmp/expr.t:2:15: expected a value at the end" "$tmp/expr.t" \
	-- "$ref"
printf 'continue\n# budget: 5\n' >"$tmp/late.t"
bad late "$tmp/late.t:2:1: '# budget:' after the first command" \
	"$tmp/late.t" -- "$ref"
printf 'source other.cmd\n' >"$tmp/source.t"
bad source "$tmp/source.t:1:1: source: a test is one file" \
	"$tmp/source.t" -- "$ref"
printf 'continue\nstep 0\n' >"$tmp/step0.t"
bad step0 "$tmp/step0.t:2:6: the count is from 1 to 2147483647" "$tmp/step0.t" -- "$ref"
printf 'expect "x" within 0\n' >"$tmp/within.t"
bad within "$tmp/within.t:1:19: within at least 1" "$tmp/within.t" -- "$ref"
printf 'runlimit lots\ncontinue\n' >"$tmp/rl.t"
bad runlimit "$tmp/rl.t:1:1: runlimit N|off" "$tmp/rl.t" -- "$ref"
# ... while comments that look like headers, labels not known until a
# submission loads, and division by a register all pass the check.
cat >"$tmp/fine.t" <<'EOT'
# name: fine
continue
# note: a comment in the body
assert r2 / r3 == 0 || [buf] == 0
print _start
EOT
"$AULA" grade -j 1 "$tmp/fine.t" -- "$ref" >/dev/null 2>"$tmp/fine.err" ||
	fail "a good test was refused: $(cat "$tmp/fine.err")"

bad nodashes "give tests, then --, then submissions" tests/hello.t "$ref"
bad nosubs "give tests, then --, then submissions" tests/hello.t --
bad jobs "-j 0: from 1 to 256 jobs" -j 0 tests/hello.t -- "$ref"
bad shard "--shard 3/2: K/N" --shard 3/2 tests/hello.t -- "$ref"
bad mergeone "shard 1/2: --merge takes the reports of shards 1/1" \
	--merge "$tmp/shard1.json"
printf '{"format": "other"}\n' >"$tmp/other.json"
bad mergeother "$tmp/other.json: not an aula grade report" \
	--merge "$tmp/other.json"
bad emptyshard "no submission falls in this shard" --shard 2/2 \
	tests/hello.t -- "$ref"

if [ "$failures" -ne 0 ]; then
	echo "grade.sh: $failures problem(s)" >&2
	exit 1
fi
echo "grade.sh: the reports are as expected"
exit 0
