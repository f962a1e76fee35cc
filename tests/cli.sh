#!/bin/sh
# The aula command as a grading script sees it: exit statuses, messages,
# dumps, console files, images, determinism (aula(1)).
set -u
: "${AULA:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# prog NAME BODY: write an assembly program
prog() { printf '%s\n' "$2" >"$tmp/$1.s"; }

# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
status() {
	want=$1 d=$2; shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/err"; fi
}
# tstatus: status, with timeout(1) as a guard against a hang
tstatus() {
	want=$1 d=$2; shift 2
	timeout 60 "$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/err"; fi
}
stderr_has() {
	if grep -q -- "$1" "$tmp/err"; then ok "stderr says '$1'"; else
		not_ok "stderr lacks '$1'"; cat "$tmp/err"; fi
}

# --- exit statuses: the documented taxonomy ------------------------------
prog off0 '_start: out r0, 0(r0)'
prog off3 '_start: li r1, 3
 out r1, 0(r0)'
prog halt '_start: halt'
prog loop '_start: br _start'
prog crash '_start: la sp, 0x7ffff000
 .word 0'
prog brk '_start: brk'
prog idle '_start: ei
 halt'
status 0 "power-off with code 0" run "$tmp/off0.s"
status 1 "power-off with a non-zero code" run "$tmp/off3.s"
stderr_has "powered off with code 3"
status 3 "halt with interrupts disabled" run "$tmp/halt.s"
status 4 "budget exhausted" run --max-insns 1000 "$tmp/loop.s"
stderr_has "budget exhausted after 1000 instructions"
status 2 "a --max-insns that does not fit in 64 bits" run \
	--max-insns 18446744073709551616 "$tmp/loop.s"
stderr_has "max-insns: bad number"
status 2 "a negative --max-insns behind a blank" run --max-insns " -5" \
	"$tmp/loop.s"
# A handler that forgets its EOI: the guest halts for ever with IRQ 0 in
# service while the timer ticks.  Every way of running it counts halted
# ticks in the budget (docs/security.md, section 4), so each one ends;
# timeout is only a guard against a regression hanging make check.
prog noeoi '_start: la r1, vectors
 mtcr vbr, r1
 la r2, tick
 stw r2, 64(r1)
 li r1, 1000
 out r1, 0x31(r0)
 li r1, 3
 out r1, 0x30(r0)
 ei
idle: halt
 br idle
tick: li r1, 1
 out r1, 0x33(r0)
 rti
 .align 4
vectors: .space 1024'
status 4 "a halted guest whose IRQ waits for an EOI" run --max-insns 20000 \
	"$tmp/noeoi.s"
stderr_has "halted for [0-9]* ticks with IRQ 0 pending but IRQ 0 in service"
tstatus 4 "... with --trace insn" run --max-insns 20000 \
	--trace insn --trace-file /dev/null "$tmp/noeoi.s"
tstatus 4 "... with --realtime" run --max-insns 20000 \
	--realtime "$tmp/noeoi.s"
printf 'continue\nquit 9\n' >"$tmp/noeoi.cmd"
tstatus 9 "... under aula debug's continue" debug \
	--max-insns 20000 -x "$tmp/noeoi.cmd" --batch "$tmp/noeoi.s"
grep -q "stopped: runlimit: 20000 instructions; the guest halted for" \
	"$tmp/out" && ok "the monitor says why the guest made no progress" ||
	not_ok "the monitor's stop line: $(cat "$tmp/out")"
printf 'break 0x4000\ncontinue\nquit 9\n' >"$tmp/noeoi2.cmd"
tstatus 9 "... and with a breakpoint (stepping)" debug \
	--max-insns 20000 -x "$tmp/noeoi2.cmd" --batch "$tmp/noeoi.s"
tstatus 4 "... under --monitor=crash" run \
	--max-insns 20000 --monitor=crash "$tmp/noeoi.s"
status 5 "double fault" run "$tmp/crash.s"
stderr_has "double fault"
# ---- outputs never destroy inputs (docs/security.md, section 5) --------
"$AULA" disk create "$tmp/o.img" 64K >/dev/null 2>&1
cp "$tmp/o.img" "$tmp/o.orig"
status 2 "--console-out naming the --disk image" run --disk "$tmp/o.img" \
	--console-out "$tmp/o.img" "$tmp/off0.s"
stderr_has "that is the --disk image"
ln -s "$tmp/o.img" "$tmp/o.link"
status 2 "--dump-file naming the read-only disk by another name" run \
	--disk "$tmp/o.img,ro" --dump-regs --dump-file "$tmp/o.link" "$tmp/off0.s"
status 2 "--pcap naming the program" run --pcap "$tmp/off0.s" "$tmp/off0.s"
status 2 "--console-out naming a disk given with flags" run \
	--disk "$tmp/o.img,format=raw,ro" --console-out "$tmp/o.img" "$tmp/off0.s"
check "the disk image is intact" cmp -s "$tmp/o.img" "$tmp/o.orig"
check "the program is intact" grep -q "out r0" "$tmp/off0.s"
cp "$tmp/off0.s" "$tmp/keep.s"
status 2 "aula as -o naming the source" as "$tmp/keep.s" -o "$tmp/keep.s"
status 2 "aula as -l naming the source" as "$tmp/keep.s" -l "$tmp/keep.s"
check "the source is intact" cmp -s "$tmp/keep.s" "$tmp/off0.s"
mkdir "$tmp/asout"
"$AULA" as "$tmp/off0.s" -o "$tmp/asout/p.img" -l "$tmp/asout/p.lst"
ino=$(ls -i "$tmp/asout/p.img" | cut -d' ' -f1)
prog broken '_start: frob r1'
printf 'old' >"$tmp/asout/b.img"
status 2 "a failed assembly" as "$tmp/broken.s" -o "$tmp/asout/b.img"
check "... leaves the old image as it was" grep -q -x old "$tmp/asout/b.img"
"$AULA" as "$tmp/off0.s" -o "$tmp/asout/p.img" -l "$tmp/asout/p.lst"
check "an image is renamed into place, not rewritten" \
	test "$(ls -i "$tmp/asout/p.img" | cut -d' ' -f1)" != "$ino"
check "no temporary file is left beside it" \
	test "$(ls -A "$tmp/asout" | tr '\n' ' ')" = "b.img p.img p.lst "
status 6 "breakpoint" run "$tmp/brk.s"
status 7 "idle: waiting for an interrupt nothing will raise" run "$tmp/idle.s"
prog storm '_start: la r1, table
 mtcr vbr, r1
 la r2, bad
 li r3, 256
.f: stw r2, 0(r1)
 addi r1, r1, 4
 addi r3, r3, -1
 cmpi r3, 0
 bne .f
bad: .word 0
 .align 4
table: .space 1024'
status 4 "a handler faulting on itself is bounded by the budget" run --max-insns 5000 "$tmp/storm.s"
stderr_has "3714 exception entries"
status 2 "no image" run
status 2 "unknown option" run --frobnicate "$tmp/off0.s"
status 2 "bad --mem" run --mem 12Q "$tmp/off0.s"
stderr_has "--mem: bad size '12Q'"
status 2 "--mem too small" run --mem 4K "$tmp/off0.s"
status 2 "--mem 0" run --mem 0 "$tmp/off0.s"
status 2 "--mem overflowing 64 bits" run --mem 1099511627776G "$tmp/off0.s"
status 2 "missing file" run "$tmp/nonexistent.img"
stderr_has "nonexistent.img"
# aula(1): a FIFO is refused, not read (reading it waited for a writer).
mkfifo "$tmp/fifo.s"
tstatus 2 "a FIFO as the program" run "$tmp/fifo.s"
stderr_has "fifo.s: error: cannot read: not a regular file"
status 2 "unknown command" frob

# --- dumps ---------------------------------------------------------------
prog data '_start: li r5, 0x1234
 la r1, 0x2000
 li r2, 0xabcd
 stw r2, 0(r1)
 out r0, 0(r0)'
status 0 "text dump" run --dump-regs "$tmp/data.s"
check "dump has dump_version=1 first" \
	sh -c "sed -n 1p '$tmp/out' | grep -qx dump_version=1"
check "dump has r5" grep -qx 'r5=0x00001234' "$tmp/out"
check "dump has stop=poweroff" grep -qx 'stop=poweroff' "$tmp/out"
status 0 "memory dump" run --dump-mem 0x2000:4 "$tmp/data.s"
check "memory dump line" grep -qx 'mem.0x00002000=cdab0000' "$tmp/out"
status 2 "memory dump outside RAM" run --dump-mem 0xfffff000:16 "$tmp/data.s"
status 0 "json dump to a file" run --dump-regs=json --dump-file "$tmp/d.json" "$tmp/data.s"
check "json dump has format and version" \
	sh -c "grep -q '\"format\": \"aula-dump\"' '$tmp/d.json' && grep -q '\"version\": 1' '$tmp/d.json'"
"$AULA" run --dump-regs "$tmp/data.s" >"$tmp/a" 2>&1
"$AULA" run --dump-regs "$tmp/data.s" >"$tmp/b" 2>&1
check "two runs give byte-identical dumps" cmp -s "$tmp/a" "$tmp/b"
# A JSON dump on standard output is alone there (the console goes to
# standard error), so that it pipes into jq; "--dump-regs json" says what
# was meant.
hello=${top_srcdir:?}/examples/hello/hello.s
status 0 "json dump alone on standard output" run --dump-regs=json "$hello"
check "the json dump is all of standard output" \
	sh -c "sed -n 1p '$tmp/out' | grep -qx '{' && tail -n 1 '$tmp/out' | grep -qx '}'"
stderr_has "Hello from Aula!"
if command -v jq >/dev/null 2>&1; then
	check "jq reads the json dump" jq -e '.stop.reason == "poweroff"' "$tmp/out"
fi
status 0 "--console-out keeps the console where it says" run --dump-regs=json \
	--console-out "$tmp/con" "$hello"
check "... there" grep -q "Hello from Aula!" "$tmp/con"
status 2 "--dump-regs json (a space)" run "$hello" --dump-regs json
stderr_has "'json' is not an image: an optional argument joins its option with '=' (--dump-regs=json"

# --- console files ---------------------------------------------------------
prog echo '_start:
.wait: in r1, 0x11(r0)
 andi r2, r1, 1
 cmpi r2, 0
 bne .byte
 andi r2, r1, 4
 cmpi r2, 0
 beq .wait
 out r0, 0(r0)
.byte: in r1, 0x10(r0)
 addi r1, r1, 1
 out r1, 0x10(r0)
 br .wait'
printf 'HAL' >"$tmp/in"
status 0 "console from and to files" run --console-in "$tmp/in" --console-out "$tmp/con" "$tmp/echo.s"
check "console output file holds IBM" sh -c "[ \"\$(cat '$tmp/con')\" = IBM ]"
status 2 "missing console input file" run --console-in "$tmp/none" "$tmp/echo.s"

# --- the assembler and images ---------------------------------------------
prog bad '_start: nop
    frob r1, r2
 addi r1, r1, 99999'
status 2 "assembly errors" as "$tmp/bad.s" -o "$tmp/bad.img"
stderr_has "bad.s:2:5: error: unknown instruction 'frob'"
stderr_has "bad.s:3:15: error: signed 16-bit immediate 99999 is out of range"
check "no image written after errors" test ! -e "$tmp/bad.img"
status 0 "assemble" as "$tmp/data.s" -o "$tmp/data.img"
status 0 "assemble compressed" as -z "$tmp/data.s" -o "$tmp/dataz.img"
"$AULA" run --dump-regs "$tmp/data.img" >"$tmp/a" 2>&1
"$AULA" run --dump-regs "$tmp/dataz.img" >"$tmp/b" 2>&1
check "compressed image runs identically" cmp -s "$tmp/a" "$tmp/b"
status 0 "disassemble" dis "$tmp/data.img"
check "disassembly shows the label" grep -q '^_start:' "$tmp/out"
head -c 50 "$tmp/data.img" >"$tmp/trunc.img"
status 2 "truncated image" run "$tmp/trunc.img"
stderr_has "trunc.img: truncated"
cp "$tmp/data.img" "$tmp/flip.img"
printf 'X' | dd of="$tmp/flip.img" bs=1 seek=60 conv=notrunc 2>/dev/null
status 2 "corrupt image" run "$tmp/flip.img"
stderr_has "corrupt body"
prog high '.org 0x7ff000
_start: nop'
status 2 "image larger than RAM" run --mem 1M "$tmp/high.s"
stderr_has "does not fit"


"$AULA" run --mem 16M --max-insns 1 "$tmp/high.s" >/dev/null 2>&1
check "it loads with enough RAM" test $? -eq 4

# --- brk, raw disassembly, long options of aula as ------------------------
status 6 "--on-brk=stop (the default) stops at brk" run --on-brk=stop "$tmp/brk.s"
# With guest, brk raises vector 6; this guest has no handler (the table at
# 0 is zeroed), so it faults until its budget is spent.
status 4 "--on-brk=guest delivers brk to the guest" run --on-brk=guest \
	--max-insns 2000 "$tmp/brk.s"
status 2 "bad --on-brk" run --on-brk=maybe "$tmp/brk.s"
stderr_has "--on-brk: 'maybe' is not stop or guest"
printf '\001\000\000\000\000\000\000\000' >"$tmp/raw.bin"
status 0 "disassemble raw bytes" dis --raw --base 0x2000 "$tmp/raw.bin"
check "raw: nop at the base address" grep -q '00002000:  00000001  nop' "$tmp/out"
check "raw: an undefined word as .word" grep -q '00002004:  00000000  .word 0x00000000' "$tmp/out"
status 2 "--base not a multiple of 4" dis --raw --base 0x2001 "$tmp/raw.bin"
status 0 "--listing and --compress" as --listing "$tmp/data.lst" --compress \
	"$tmp/data.s" --output "$tmp/datal.img"
check "the listing shows the first instruction" \
	grep -q '^00001000  .*_start: li r5, 0x1234' "$tmp/data.lst"
"$AULA" run --dump-regs "$tmp/datal.img" >"$tmp/b" 2>&1
check "the --compress image runs like the plain one" cmp -s "$tmp/a" "$tmp/b"

# --- aula as --raw: the bytes alone, gaps zero-filled -----------------------
prog rawsrc '.org 0x2000
 .word 0x44434241
 .org 0x2008
 .byte 0x45'
status 0 "as --raw" as --raw "$tmp/rawsrc.s"
printf 'ABCD\000\000\000\000E' >"$tmp/rawwant"
check "--raw: from the lowest address, the gap zero-filled" \
	cmp -s "$tmp/rawsrc.bin" "$tmp/rawwant"
status 0 "as --format=raw -o" as --format=raw -o "$tmp/raw2" "$tmp/rawsrc.s"
check "--format=raw writes the same bytes" cmp -s "$tmp/raw2" "$tmp/rawwant"
status 0 "as --format=image" as --format=image "$tmp/rawsrc.s"
check "--format=image writes an image" test -s "$tmp/rawsrc.img"
status 2 "bad --format" as --format=elf "$tmp/rawsrc.s"
stderr_has "--format: 'elf' is not image or raw"
status 2 "--raw with --compress" as --raw -z "$tmp/rawsrc.s"
prog rawfar '.org 0x1000
 nop
 .org 0x40000000
 nop'
status 2 "--raw of segments 1 GiB apart" as --raw "$tmp/rawfar.s"
stderr_has "more than the 256 MiB a raw file may hold"
# --- an image too big for --mem is refused before its body is inflated --
prog farseg '.org 0x100000
_start: out r0, 0(r0)'
"$AULA" as -z "$tmp/farseg.s" -o "$tmp/farseg.img"
status 2 "a compressed image beyond --mem" run --mem 64K "$tmp/farseg.img"
stderr_has "segment 0 (0x00100000, 4 bytes) does not fit in 64 KiB of RAM (try --mem)"
status 0 "the same image with RAM enough" run --mem 2M "$tmp/farseg.img"

# --- the line table: aula dis interleaves it, --strip leaves it out -------
prog lines '_start: li r1, 0x12345   ; a pseudo-instruction
 out r0, 0(r0)'
status 0 "dis of a source" dis "$tmp/lines.s"
check "dis: the source line before its first word" \
	grep -q "^; $tmp/lines.s:1: _start: li r1, 0x12345   ; a pseudo-instruction\$" "$tmp/out"
check "dis: the line once for its two words" \
	test "$(grep -c '^; ' "$tmp/out")" = 4
status 0 "dis --no-source" dis --no-source "$tmp/lines.s"
check "--no-source: no source lines" \
	test "$(grep -c "^; $tmp" "$tmp/out")" = 0
status 0 "as --strip" as --strip "$tmp/lines.s"
status 0 "dis of a stripped image" dis "$tmp/lines.img"
check "a stripped image has no source lines" \
	test "$(grep -c "^; $tmp" "$tmp/out")" = 0
status 0 "as without --strip" as "$tmp/lines.s"
status 0 "dis of the image" dis "$tmp/lines.img"
check "the image keeps the source lines" \
	grep -q "^; $tmp/lines.s:2: out r0, 0(r0)\$" "$tmp/out"

# Regression: the image was written to PATH.tmp and renamed over PATH,
# which turned /dev/null into a regular file for everyone.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fromfifo" &
status 0 "as -o a FIFO writes into it" as -o "$tmp/fifo" "$tmp/rawsrc.s"
wait
check "the FIFO is still a FIFO" test -p "$tmp/fifo"
"$AULA" as -o "$tmp/rawsrc.img" "$tmp/rawsrc.s"
check "the image went through it" cmp -s "$tmp/fromfifo" "$tmp/rawsrc.img"
cat "$tmp/fifo" >"$tmp/fromfifo" &
status 0 "as --raw -o a FIFO" as --raw -o "$tmp/fifo" "$tmp/rawsrc.s"
wait
check "the raw bytes went through it" cmp -s "$tmp/fromfifo" "$tmp/rawwant"
status 2 "-I of a missing directory" as -I "$tmp/none" "$tmp/rawsrc.s"
stderr_has "-I $tmp/none: not a directory"

# --- --realtime: paced to the host clock, the same run otherwise -----------
# examples/timer takes 5 periods of 10 ms of virtual time.  Only a lower
# bound on the time taken is checked: sleeping is never shorter.
timer=${top_srcdir:?}/examples/timer/timer.s
lib=$top_srcdir/examples/lib
"$AULA" run -I "$lib" --dump-regs "$timer" >"$tmp/plain" 2>&1
t0=$(date +%s%N)
"$AULA" run -I "$lib" --realtime --dump-regs "$timer" >"$tmp/paced" 2>&1
t1=$(date +%s%N)
check "--realtime gives the same output and dump" cmp -s "$tmp/plain" "$tmp/paced"
check "--realtime takes at least 30 ms for 50 ms of virtual time" \
	test $(( (t1 - t0) / 1000000 )) -ge 30

# --- Ctrl-C: the stop line, the dumps asked for, exit status 130 ------------
# The guest writes 8192 bytes (more than the stdio buffer, so some reach
# the FIFO while it runs: it is then surely running), then spins.  SIGINT
# ends the run; the rest of the output is drained.
prog spinner '_start: li r2, 8192
 li r1, 0x78
.p: out r1, 0x10(r0)
 addi r2, r2, -1
 cmpi r2, 0
 bne .p
spin: br spin'
mkfifo "$tmp/spin.fifo"
"$AULA" run "$tmp/spinner.s" --max-insns 100000000000 --console-out \
	"$tmp/spin.fifo" --dump-regs --dump-file "$tmp/spin.dump" --stats \
	--stats-file "$tmp/spin.stats" </dev/null 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/spin.fifo"
dd bs=1 count=1 <&3 >/dev/null 2>&1
kill -INT "$pid"
cat <&3 >/dev/null
wait "$pid"
got=$?
exec 3<&-
check "Ctrl-C exits with 130 (got $got)" test "$got" -eq 130
stderr_has "interrupted at pc=0x00001018 after"
check "Ctrl-C writes the dump" grep -q -x stop=interrupted "$tmp/spin.dump"
check "Ctrl-C writes the statistics" grep -q -x stats_version=1 \
	"$tmp/spin.stats"

echo "$n tests, $fails failed"
[ $fails -eq 0 ]
