#!/bin/sh
# The hypervisor (examples/vmm/): each example kernel, unmodified, on the
# bare machine, under the VMM, under the VMM under the VMM, and three deep.
# The console output (less the VMM's report lines, "vmm@...") and the exit
# status must be the same at every level; the reports must count what the
# guest did (one `out` per byte printed) and grow level by level.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
vmm=$top_srcdir/examples/vmm
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-vmm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# vm NAME GUEST BASE: tmp/NAME.img, the VMM at BASE running the image GUEST.
# The guest image goes in byte for byte (the assembler has no .incbin yet).
vm() {
	od -An -v -tu1 "$2" |
		awk 'NF { $1 = $1; gsub(/ /, ", "); print "\t.byte " $0 }' \
		>"$tmp/$1.bytes" || return 1
	cat >"$tmp/$1.s" <<EOF
	.equ	VMM_BASE, $3
	.include "$vmm/vmm.s"
	.align	4
guest_image:
	.include "$tmp/$1.bytes"
guest_image_end:
EOF
	"$AULA" as -o "$tmp/$1.img" "$tmp/$1.s"
}

# run OUT IMAGE ARGS...: the console in OUT, the exit status in OUT.rc
run() {
	out=$1 img=$2
	shift 2
	"$AULA" run "$img" -q "$@" </dev/null >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

# exits OUT NAME: the exit count in vmm@NAME's report
exits() {
	sed -n "s/^vmm@$2: .* after \([0-9]*\) exits.*/\1/p" "$1"
}

# The levels: where each VMM lives, and the RAM its machine needs (its
# guest's memory, 4 MiB of its own, and the hole below it).
for name in hello syscall exception timer paging; do
	bare=$tmp/$name.bare
	run "$bare" "$images/$name.img"
	guest=$images/$name.img
	prev=
	for level in 1 2 3; do
		case $level in
		1) base=0x01000000 mem=36M tag=16M mmu=shadow ;;
		2) base=0x02400000 mem=76M tag=36M mmu=shadow ;;
		# Three deep, Aula's own shadow MMU spends most of its time
		# tracking the VMMs' page-table stores: nested paging is
		# fifty times faster here, and must give the same run.
		3) base=0x04c00000 mem=156M tag=76M mmu=nested ;;
		esac
		vm "$name-$level" "$guest" $base || { fail "$name: level $level does not assemble"; break; }
		got=$tmp/$name.$level
		run "$got" "$tmp/$name-$level.img" --mem $mem --mmu=$mmu \
			--stats-file "$got.stats"
		grep -v '^vmm@' "$got" >"$got.guest"
		if ! cmp -s "$bare" "$got.guest"; then
			fail "$name at level $level: the console differs"
			diff "$bare" "$got.guest" | head -20
		elif ! cmp -s "$bare.rc" "$got.rc"; then
			fail "$name at level $level: exit $(cat "$got.rc"), bare $(cat "$bare.rc")"
		elif ! grep -q '^stale_uses=0$' "$got.stats"; then
			fail "$name at level $level: the VMM left stale translations"
		else
			n=$(exits "$got" $tag)
			if [ -z "$n" ]; then
				fail "$name at level $level: no report from vmm@$tag"
			elif [ -n "$prev" ] && [ "$n" -le "$prev" ]; then
				fail "$name at level $level: $n exits, not more than the $prev one level in"
			else
				echo "PASS: $name at level $level ($n exits)"
			fi
			prev=$n
		fi
		guest=$tmp/$name-$level.img
	done
done

# hello prints 17 bytes and powers off: 18 outs, each one exit, at level 1.
if grep -q '^vmm@16M:   privileged: rti 0 in 0 out 18 ' "$tmp/hello.1"; then
	echo "PASS: hello's 18 outs counted"
else
	fail "hello's report does not count its 18 outs"
	cat "$tmp/hello.1"
fi
# paging's shadows: its page tables were tracked, its faults reflected.
if grep -q '^vmm@16M:   page faults: shadow fills [1-9][0-9]*, tracking [1-9][0-9]*, reflected 2$' "$tmp/paging.1"; then
	echo "PASS: paging's shadow faults counted"
else
	fail "paging's report: expected fills, tracking and 2 reflected faults"
	cat "$tmp/paging.1"
fi
exit $status
