#!/bin/sh
# Disks from the command line (aula(1), docs/devices.md section 7): aula
# disk create and info, data that outlives a run, --disk errors, host I/O
# errors, and the disk example against its golden output
# (tests/golden/disk.out; AULA_UPDATE_GOLDEN=1 rewrites it).
set -u
: "${AULA:?}" "${top_srcdir:?}"
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
# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
status() {
	want=$1 d=$2; shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/err"; fi
}
stderr_has() {
	if grep -q -- "$1" "$tmp/err"; then ok "stderr says '$1'"; else
		not_ok "stderr lacks '$1'"; cat "$tmp/err"; fi
}
out_has() {
	if grep -q -x -- "$1" "$tmp/out"; then ok "output has '$1'"; else
		not_ok "output lacks '$1'"; cat "$tmp/out"; fi
}
# value KEY: the value of KEY= in the last output
value() { sed -n "s/^$1=//p" "$tmp/out"; }

# --- aula disk create and info ---------------------------------------------
img=$tmp/d.img
status 0 "create a 64K image" disk create "$img" 64K
status 0 "info" disk info "$img"
out_has "file=$img"
out_has "size=65536"
out_has "sectors=128"
out_has "writable=yes"
check "the image is sparse (allocated < size)" \
	test "$(value allocated)" -lt 65536
status 2 "create refuses an existing file" disk create "$img" 1M
stderr_has "exists; --force replaces it"
check "... and leaves it alone" test "$(wc -c <"$img")" -eq 65536
printf 'junk' >"$tmp/junk.img"
status 0 "create --force replaces a file" \
	disk create --force "$tmp/junk.img" 1024
check "... with zeros of the new size" \
	cmp -s -n 1024 "$tmp/junk.img" /dev/zero
check "... of exactly 1024 bytes" test "$(wc -c <"$tmp/junk.img")" -eq 1024
status 2 "create: size not a multiple of 512" disk create "$tmp/x.img" 1000
stderr_has "not a multiple of the 512-byte sector"
check "... and creates nothing" test ! -e "$tmp/x.img"
status 2 "create: size 0" disk create "$tmp/x.img" 0
status 2 "create: bad size" disk create "$tmp/x.img" 12Q
stderr_has "bad size '12Q'"
status 2 "create without a size" disk create "$tmp/x.img"
status 2 "info on a missing file" disk info "$tmp/none.img"
status 2 "unknown action" disk frob
printf '%1000s' '' >"$tmp/odd.img"
status 2 "info on an image that is not whole sectors" disk info "$tmp/odd.img"
out_has "size=1000"
stderr_has "cannot be a disk"
if [ "$(id -u)" != 0 ]; then
	cp "$img" "$tmp/ro.img"
	chmod 444 "$tmp/ro.img"
	status 0 "info on a read-only file" disk info "$tmp/ro.img"
	out_has "writable=no"
fi

# --- a sector written in one run is read back by the next -----------------
# The sector: 16 lines of 32 bytes.
k=0
: >"$tmp/sector"
: >"$tmp/lines.s"
while [ $k -lt 16 ]; do
	line=$(printf '%-31.31s' "sector 5, line $k of 16: Aula")
	printf '%s\n' "$line" >>"$tmp/sector"
	printf '        .ascii "%s\\n"\n' "$line" >>"$tmp/lines.s"
	k=$((k + 1))
done
{
	cat <<'EOF'
; Write sector 5 from `data`, flush; power off with 0, or the STATUS of
; the command that failed.
_start: li      r1, 5
        out     r1, 0x42(r0)
        li      r1, 1
        out     r1, 0x43(r0)
        la      r1, data
        out     r1, 0x44(r0)
        li      r1, 2
        out     r1, 0x40(r0)
.w:     in      r1, 0x41(r0)
        tsti    r1, 1
        bne     .w
        cmpi    r1, 2
        bne     .bad
        li      r1, 3
        out     r1, 0x40(r0)
.f:     in      r1, 0x41(r0)
        tsti    r1, 1
        bne     .f
        cmpi    r1, 2
        bne     .bad
        out     r0, 0(r0)
.bad:   out     r1, 0(r0)
data:
EOF
	cat "$tmp/lines.s"
} >"$tmp/writer.s"
cat >"$tmp/reader.s" <<'EOF'
; Read sector 5 into `buf` and print it on the console.
_start: li      r1, 5
        out     r1, 0x42(r0)
        li      r1, 1
        out     r1, 0x43(r0)
        la      r1, buf
        out     r1, 0x44(r0)
        li      r1, 1
        out     r1, 0x40(r0)
.w:     in      r1, 0x41(r0)
        tsti    r1, 1
        bne     .w
        tsti    r1, 4               ; ERROR
        bne     .bad
        la      r2, buf
        li      r3, 512
.p:     ldbu    r1, 0(r2)
        out     r1, 0x10(r0)
        addi    r2, r2, 1
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .p
        out     r0, 0(r0)
.bad:   out     r1, 0(r0)
        .align  4
buf:    .space  512
EOF
status 0 "a guest writes sector 5" run "$tmp/writer.s" --disk "$img"
dd if="$img" of="$tmp/got" bs=512 skip=5 count=1 2>/dev/null
check "the file holds the sector at byte 2560" cmp -s "$tmp/got" "$tmp/sector"
check "od agrees: it starts with 'sector 5'" sh -c \
	"[ \"\$(od -A n -t c -j 2560 -N 8 '$img' | tr -d ' ')\" = sector5 ]"
check "sectors 0-4 are still zero" cmp -s -n 2560 "$img" /dev/zero
check "the image is still 64K" test "$(wc -c <"$img")" -eq 65536
status 0 "a fresh run reads it back" run "$tmp/reader.s" --disk "$img"
check "... and prints it" cmp -s "$tmp/out" "$tmp/sector"
status 0 "read-only, reading works" run "$tmp/reader.s" --disk "$img,ro"
check "... the same" cmp -s "$tmp/out" "$tmp/sector"
cp "$img" "$tmp/copy.img"
status 1 "read-only, writing fails" \
	run "$tmp/writer.s" --disk "$tmp/copy.img,ro"
stderr_has "powered off with code 1036"   # ERROR | READONLY | code 4
check "... and the image is unchanged" cmp -s "$img" "$tmp/copy.img"
"$AULA" run --dump-regs "$tmp/reader.s" --disk "$img" >"$tmp/a" 2>&1
"$AULA" run --dump-regs "$tmp/reader.s" --disk "$img" >"$tmp/b" 2>&1
check "two runs with a disk give byte-identical output" cmp -s "$tmp/a" "$tmp/b"

# --- several disks --------------------------------------------------------
for i in 0 1 2 3; do
	"$AULA" disk create "$tmp/m$i.img" $(( (i + 1) * 8 ))K
done
cat >"$tmp/sizes.s" <<'EOF'
_start: in      r1, 0x46(r0)
        in      r2, 0x4e(r0)
        in      r3, 0x56(r0)
        in      r4, 0x5e(r0)
        in      r5, 0x66(r0)
        out     r0, 0(r0)
EOF
status 0 "four disks" run "$tmp/sizes.s" --dump-regs --disk "$tmp/m0.img" \
	--disk "$tmp/m1.img" --disk "$tmp/m2.img,ro" --disk "$tmp/m3.img"
out_has "r1=0x00000010"
out_has "r4=0x00000040"
out_has "r5=0xffffffff"
status 2 "a fifth disk" run "$tmp/sizes.s" --disk "$tmp/m0.img" \
	--disk "$tmp/m1.img" --disk "$tmp/m2.img" --disk "$tmp/m3.img" \
	--disk "$img"
stderr_has "room for 4 disks"

# --- --disk errors ----------------------------------------------------------
status 2 "a missing image" run "$tmp/sizes.s" --disk "$tmp/none.img"
stderr_has "none.img: cannot open"
stderr_has "aula disk create"
status 2 "an image that is not whole sectors" \
	run "$tmp/sizes.s" --disk "$tmp/odd.img"
stderr_has "odd.img: cannot be a disk: its size, 1000 bytes, is not a multiple"
: >"$tmp/empty.img"
status 2 "an empty image" run "$tmp/sizes.s" --disk "$tmp/empty.img"
stderr_has "it is empty"
status 2 "a directory" run "$tmp/sizes.s" --disk "$tmp,ro"
stderr_has "not a regular file"
status 2 "an unknown flag" run "$tmp/sizes.s" --disk "$img,rw"
stderr_has "the only flag"
status 2 "one image twice for writing" \
	run "$tmp/sizes.s" --disk "$img" --disk "$img"
stderr_has "already attached as disk 0"
status 0 "one image twice read-only" \
	run "$tmp/sizes.s" --disk "$img,ro" --disk "$img,ro"
if [ "$(id -u)" != 0 ]; then
	status 2 "a read-only file without ,ro" \
		run "$tmp/sizes.s" --disk "$tmp/ro.img"
	stderr_has "add ,ro"
	status 0 "... with ,ro" run "$tmp/sizes.s" --disk "$tmp/ro.img,ro"
fi

# --- the host fails -----------------------------------------------------------
# A file size limit makes the write at byte 32768 fail (EFBIG) and not
# kill aula (SIGXFSZ ignored): an I/O error for the guest, a message for
# the user naming the file.
sed 's/li      r1, 5$/li      r1, 64/' "$tmp/writer.s" >"$tmp/far.s"
(trap '' XFSZ; ulimit -f 8 && exec "$AULA" run "$tmp/far.s" --disk "$img") \
	>"$tmp/out" 2>"$tmp/err" </dev/null
check "a host write error fails the guest's command (exit 1)" test $? -eq 1
stderr_has "disk 0 ($img): write of 512 bytes at byte 32768 failed"
stderr_has "powered off with code 1284"   # ERROR | code 5 (IO)

# A command still running when the guest powers off never completes.
cat >"$tmp/hasty.s" <<'EOF'
_start: li      r1, 1
        out     r1, 0x43(r0)
        li      r1, 2
        out     r1, 0x40(r0)
        out     r0, 0(r0)
EOF
cp "$img" "$tmp/copy.img"
status 0 "powering off during a write" run "$tmp/hasty.s" --disk "$tmp/copy.img"
stderr_has "command 2 was still running when the machine stopped"
check "... which never happened" cmp -s "$img" "$tmp/copy.img"

# --- DMA over code that has run (the decode cache must see it) ------------
"$AULA" disk create "$tmp/smc.img" 64K
status 0 "tests/guest/smc_disk.s: a sector read over code that ran" \
	run "$top_srcdir/tests/guest/smc_disk.s" --disk "$tmp/smc.img"

# --- the example -----------------------------------------------------------
example=$(dirname "$AULA")/images/disk.img
want=$top_srcdir/tests/golden/disk.out
"$AULA" disk create "$tmp/ex.img" 64K
got=$("$AULA" run "$example" --disk "$tmp/ex.img" --dump-regs </dev/null 2>&1
      echo "exit=$?")
if [ "${AULA_UPDATE_GOLDEN:-}" = 1 ]; then
	printf '%s\n' "$got" >"$want"
	echo "updated $want"
elif printf '%s\n' "$got" | diff -u "$want" -; then
	ok "examples/disk/disk.s matches tests/golden/disk.out"
else
	not_ok "examples/disk/disk.s differs from tests/golden/disk.out"
fi
printf 'Hello from sector 1 of an Aula disk!\n' >"$tmp/hello"
dd if="$tmp/ex.img" bs=512 skip=1 count=1 2>/dev/null | head -c 37 \
	>"$tmp/got"
check "the example's sector is in its image" cmp -s "$tmp/got" "$tmp/hello"
status 1 "the example without a disk" run "$example"
out_has "no disk 0: attach an image with --disk FILE (aula disk create FILE 64K\
 makes one)"

echo "$n tests, $fails failed"
[ $fails -eq 0 ]
