#!/bin/sh
# The hypervisor (examples/vmm/): each example kernel, unmodified, on the
# bare machine, under the VMM, under the VMM under the VMM, and three deep;
# and every self-checking guest program of tests/guest under one and two.
# At every level the console output (less the VMM's report, the lines
# "vmm@..."), the exit status and the stop code must be the bare run's,
# and the machine must never have used a stale translation.  The VMM's
# report must count exactly as many guest instructions as the level below
# ran in all (the VMM hides itself from icount and from the guest's timer,
# which counts the guest's own time), and exits must
# multiply level by level; at level 1 they must be the machine's exception
# entries (aula run --stats).  The paravirtualized syscall (syscall-pv.s)
# must print the same with fewer exits.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
vmm=$top_srcdir/examples/vmm
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-vmm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# vm NAME GUEST BASE: tmp/NAME.img, the VMM at BASE running the image GUEST
# (README, "Building a VM").
vm() {
	cp "$2" "$tmp/$1.guest" || return 1
	cat >"$tmp/$1.s" <<EOF
	.equ	VMM_BASE, $3
	.include "vmm.inc"
	.align	4
guest_image:
	.incbin "$1.guest"
guest_image_end:
EOF
	"$AULA" as -I "$vmm" -I "$top_srcdir/examples/lib" -o "$tmp/$1.img" \
		"$tmp/$1.s"
}

# run OUT IMAGE ARGS...: the console in OUT, the exit status in OUT.rc,
# the register dump in OUT.regs, the MMU counters in OUT.stats
run() {
	out=$1 img=$2
	shift 2
	"$AULA" run "$img" -q --max-insns 200000000 --dump-regs \
		--dump-file "$out.regs" --stats-file "$out.stats" "$@" \
		</dev/null >"$out" 2>"$out.err"
	echo $? >"$out.rc"
	sed -n 's/^stop_code=//p' "$out.regs" >>"$out.rc"
}

# report OUT TAG: "exits guest-instructions" from vmm@TAG's report
report() {
	sed -n "s/^vmm@$2: .* after \([0-9]*\) exits; \([0-9]*\) instructions of the guest's.*/\1 \2/p" "$1"
}

# woken_ok OUT EXITS: the machine's exception entries are the VMM's exits
# and at most one interrupt per halt it emulated (the guest's timer, or a
# device, wakes it from the halt it waits in).
woken_ok() {
	e=$(sed -n 's/^exceptions=//p' "$1.stats")
	h=$(sed -n "s/^vmm@16M: .* halt \([0-9]*\) .*/\1/p" "$1")
	[ -n "$e" ] && [ -n "$h" ] && [ "$e" -ge "$2" ] &&
		[ $((e - $2)) -le "$h" ]
}

# levels NAME IMAGE DEPTH EXACT: NAME bare and under DEPTH VMMs; EXACT=1
# if the guest instruction counts must match.
levels() {
	name=$1 guest=$2 depth=$3 exact=$4
	below=$tmp/$name.0
	run "$below" "$guest"
	printf '| %s | %s' $name "$(sed -n 's/^insns=//p' "$below.regs")" \
		>"$tmp/$name.row"
	prev=0
	for level in 1 2 3; do
		[ $level -le $depth ] || break
		case $level in
		# Where each VMM lives, and the RAM its machine needs: its
		# guest's memory, 4 MiB of its own, and the hole below.
		1) base=0x01000000 mem=36M tag=16M mmu=shadow ;;
		2) base=0x02400000 mem=76M tag=36M mmu=shadow ;;
		# Three deep, Aula's own shadow MMU spends most of its time
		# tracking the VMMs' page-table stores: nested paging is
		# fifty times faster here, and must give the same run.
		3) base=0x04c00000 mem=156M tag=76M mmu=nested ;;
		esac
		if ! vm "$name-$level" "$guest" $base; then
			fail "$name: level $level does not assemble"
			return
		fi
		got=$tmp/$name.$level
		run "$got" "$tmp/$name-$level.img" --mem $mem --mmu=$mmu
		grep -v '^vmm@' "$got" >"$got.guest"
		set -- $(report "$got" $tag)
		n=${1:-} insns=${2:-}
		want=$(sed -n 's/^insns=//p' "$below.regs")
		if ! cmp -s "$tmp/$name.0" "$got.guest"; then
			fail "$name at level $level: the console differs"
			diff "$tmp/$name.0" "$got.guest" | head -20
		elif ! cmp -s "$tmp/$name.0.rc" "$got.rc"; then
			fail "$name at level $level: exit $(echo $(cat "$got.rc")), bare $(echo $(cat "$tmp/$name.0.rc"))"
		elif ! grep -q '^stale_uses=0$' "$got.stats"; then
			fail "$name at level $level: the VMM left stale translations"
		elif [ -z "$n" ]; then
			fail "$name at level $level: no report from vmm@$tag"
		elif [ "$n" -le "$prev" ]; then
			fail "$name at level $level: $n exits, not more than the $prev one level in"
		elif [ "$exact" = 1 ] && [ "$insns" != "$want" ]; then
			fail "$name at level $level: the VMM counts $insns guest instructions, the level below ran $want"
		elif [ "$exact" = 1 ] && [ $level = 1 ] &&
		     ! woken_ok "$got" "$n"; then
			# every exception entry is an exit, or wakes the VMM
			# from a halt it emulates
			fail "$name at level 1: $n exits and $(sed -n "s/^vmm@16M: .* halt \([0-9]*\) .*/\1/p" "$got") halts, but aula run --stats says $(grep '^exceptions=' "$got.stats")"
		else
			echo "PASS: $name at level $level ($n exits)"
		fi
		prev=$n
		# for the README's table: exits and instructions per level
		printf ' | %s | %s' "$n" "$(sed -n 's/^insns=//p' "$got.regs")" \
			>>"$tmp/$name.row"
		guest=$tmp/$name-$level.img
		below=$got
	done
}

for name in hello syscall exception paging timer; do
	levels $name "$images/$name.img" 3 1
done
# The kernel switches processes every 1500 ticks of its timer, which
# counts the guest's own time: under the VMMs it switches where it does
# bare, and prints the same.
levels kernel "$images/kernel.img" 2 1
for src in "$top_srcdir"/tests/guest/*.s; do
	name=guest-$(basename "$src" .s)
	"$AULA" as -I "$top_srcdir/examples/lib" -o "$tmp/$name.img" "$src" ||
		{ fail "$src"; continue; }
	levels $name "$tmp/$name.img" 2 1
done

# A reset through the system controller: registers cleared, memory kept,
# the count running on, under the VMMs as on the machine.
cat >"$tmp/reset.s" <<'EOF'
_start: la      r1, boots           ; RAM is kept: count the boots
        ldw     r2, 0(r1)
        addi    r2, r2, 1
        stw     r2, 0(r1)
        cmpi    r2, 1
        bne     .again
        li      r3, 0x1230          ; state the reset must clear
        mtcr    kscratch, r3
        mtcr    vbr, r3
        mtcr    usp, r3
        li      r3, 1
        out     r3, 0x01            ; RESET
        out     r3, 0x00            ; (not reached)
.again: push    sp                  ; kernel sp = the size of RAM
        in      r6, 0x02
        mfcr    r7, kscratch
        mfcr    r8, vbr
        mfcr    r9, usp
        mfcr    r10, flags
        mfcr    r11, icount
        la      r1, text
        call    puts
        pop     r1
        sub     r1, r1, r6
        call    puthex              ; sp at the reset - RAMSIZE: 0
        mov     r1, r7
        call    puthex
        mov     r1, r8
        call    puthex
        mov     r1, r9
        call    puthex
        mov     r1, r10
        call    puthex
        sltiu   r1, r11, 20         ; the count ran on: past 20 (0)
        call    puthex
        li      r1, 0x0a
        out     r1, UART_DATA(r0)
        out     r0, SYSCTL_POWEROFF(r0)
        .include "console.inc"
text:   .asciz  "boot 2: "
        .align  4
boots:  .word   0
EOF
if "$AULA" as -I "$top_srcdir/examples/lib" -o "$tmp/reset.img" "$tmp/reset.s"; then
	levels reset "$tmp/reset.img" 2 1
	grep -q '^boot 2: 0x000000000x000000000x000000000x000000000x000000200x00000000$' "$tmp/reset.0" ||
		fail "reset on the bare machine: $(cat "$tmp/reset.0")"
else
	fail "reset.s does not assemble"
fi

# Paravirtualization: syscall-pv prints what syscall prints, bare and
# under the VMMs, with far fewer exits: a hypercall per string.
levels syscall-pv "$images/syscall-pv.img" 2 0	# it probes: not exact
if ! cmp -s "$tmp/syscall.0" "$tmp/syscall-pv.0"; then
	fail "syscall-pv on the bare machine does not print what syscall does"
fi
for level in 1 2; do
	tag=$(case $level in 1) echo 16M ;; 2) echo 36M ;; esac)
	set -- $(report "$tmp/syscall.$level" $tag) x
	full=$1
	set -- $(report "$tmp/syscall-pv.$level" $tag) x
	pv=$1
	# the innermost VMM serves the hypercalls
	if grep -q "^vmm@16M: .*hypercalls [1-9]" "$tmp/syscall-pv.$level" &&
	   [ "$pv" -lt "$full" ]; then
		echo "PASS: syscall-pv at level $level: $pv exits, syscall $full"
	else
		fail "syscall-pv at level $level: $pv exits, syscall $full"
	fi
done

# hello prints 17 bytes and powers off: 18 outs, each one exit, at level 1.
if grep -q '^vmm@16M:   privileged: rti 0 in 0 out 18 ' "$tmp/hello.1"; then
	echo "PASS: hello's 18 outs counted"
else
	fail "hello's report does not count its 18 outs"
	cat "$tmp/hello.1"
fi
# ... and the machine's histogram of vectors says the same.
if [ "$(grep '^vector\.' "$tmp/hello.1.stats" | tr '\n' ' ')" = "vector.2=18 vector.3=1 " ]; then
	echo "PASS: hello's exits in aula run --stats, by vector"
else
	fail "hello's --stats histogram: $(grep '^vector\.' "$tmp/hello.1.stats" | tr '\n' ' ')"
fi
# paging's shadows: its page tables were tracked, its faults reflected.
if grep -q '^vmm@16M:   page faults: shadow fills [1-9][0-9]*, tracking [1-9][0-9]*, reflected 2$' "$tmp/paging.1"; then
	echo "PASS: paging's shadow faults counted"
else
	fail "paging's report: expected fills, tracking and 2 reflected faults"
	cat "$tmp/paging.1"
fi
# irq.s checks ei's shadow: the VMM single-stepped the instruction after.
if grep -q 'single steps [1-9]' "$tmp/guest-irq.1"; then
	echo "PASS: irq's ei shadow single-stepped"
else
	fail "irq's report counts no single step"
fi

# The figures of examples/vmm/README.md: per level, exits and instructions.
echo "| guest | bare insns | L1 exits | L1 insns | L2 exits | L2 insns | L3 exits | L3 insns |"
for name in hello syscall syscall-pv exception timer kernel paging; do
	echo "$(cat "$tmp/$name.row") |"
done

# The session examples/vmm/README.md shows, as it shows it.
"$AULA" run "$images/hello-vm.img" --mem 36M -q </dev/null >"$tmp/readme.got" 2>&1
sed -n '/^\$ aula run images\/hello-vm.img --mem 36M$/,/^```$/p' "$vmm/README.md" |
	sed '1d;$d' >"$tmp/readme.want"
if [ -s "$tmp/readme.want" ] && cmp -s "$tmp/readme.want" "$tmp/readme.got"; then
	echo "PASS: the README's run of hello-vm.img"
else
	fail "examples/vmm/README.md's run of hello-vm.img is not what it prints"
	diff "$tmp/readme.want" "$tmp/readme.got"
fi

# vmm.s runs alone, with its own little guest.
"$AULA" run "$images/vmm.img" -q --mem 36M >"$tmp/alone" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(grep -v '^vmm@' "$tmp/alone")" = "Hello from inside a virtual machine!" ] &&
   grep -q '^vmm@16M:   privileged: rti 1 in 0 out 38 ' "$tmp/alone"; then
	echo "PASS: vmm.s alone"
else
	fail "vmm.s alone: exit $rc, $(cat "$tmp/alone")"
fi

# The VMM's own errors: a message and exit code 255 (aula run exits 1).
# With no RAM above the VMM for a guest:
"$AULA" run "$images/hello-vm.img" -q --mem 20M >"$tmp/small" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '^vmm@16M: not enough RAM for a guest (aula run --mem)$' "$tmp/small"; then
	echo "PASS: too little RAM for a guest"
else
	fail "too little RAM: exit $rc, $(cat "$tmp/small")"
fi
# With a compressed guest image, which the VMM cannot read:
"$AULA" as -z -o "$tmp/hello-z" "$top_srcdir/examples/hello/hello.s" &&
vm hello-z "$tmp/hello-z" 0x01000000 &&
"$AULA" run "$tmp/hello-z.img" -q --mem 36M >"$tmp/z" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '^vmm@16M: the embedded guest is not an uncompressed Aula image' "$tmp/z"; then
	echo "PASS: a compressed guest image is refused"
else
	fail "compressed guest: exit $rc, $(cat "$tmp/z")"
fi
exit $status
