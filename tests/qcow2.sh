#!/bin/sh
# qcow2 images (aula(1) "aula disk", aula-qcow2(5)) against QEMU's own
# tools: aula disk info agrees with qemu-img info; images Aula writes pass
# qemu-img check and compare equal to what qemu-io writes for the same
# writes, at every cluster size and down a chain three deep; commit,
# rollback, clones, convert and map; bad images are refused by name; a
# writer killed at many points leaves an image both checkers accept (at
# worst with leaks, which --repair reclaims) holding every write the last
# FLUSH acknowledged.  Without qemu-img the QEMU halves are skipped, with
# a message.
set -u
: "${AULA:?}" "${top_srcdir:?}"
VIO=${VIO:-$(dirname "$AULA")/tests/vdisk-io}
# On tmpfs when there is one: the many fsyncs then cost nothing.
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@" >"$tmp/cout" 2>&1; then ok "$d"; else
		not_ok "$d"; cat "$tmp/cout"; fi
}
# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
status() {
	want=$1 d=$2; shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/out" "$tmp/err"
	fi
}
has() { # has FILE PATTERN
	if grep -q -- "$2" "$1"; then ok "$(basename "$1") says '$2'"; else
		not_ok "$(basename "$1") lacks '$2'"; cat "$1"; fi
}
value() { sed -n "s/^$1=//p" "$tmp/out"; }

if command -v qemu-img >/dev/null 2>&1 && command -v qemu-io >/dev/null 2>&1
then
	qemu=yes
else
	qemu=no
	echo "# qemu-img/qemu-io are not installed (scripts/setup installs" \
	     "qemu-utils): the QEMU comparisons are skipped"
fi
# qjson KEY FILE: a top-level or format-specific field of qemu-img info.
qjson() {
	qemu-img info --output=json "$2" |
		sed -n "s/^ *\"$1\": \"*\([^\",]*\)\"*,*$/\1/p" | head -1
}
qcheck() { # qcheck DESCRIPTION FILE: qemu-img check finds nothing
	[ $qemu = yes ] || return 0
	check "$1: qemu-img check" qemu-img check "$2"
}

# The writes of the differential tests, in qemu-io's syntax: a partial
# sector run, a cluster-crossing run, an overwrite, a long run over many
# clusters, and the last sector of the disk.
set -- "write -P 0x11 0 512" "write -P 0x22 65024 1024" \
	"write -P 0x33 4096 8192" "write -P 0x44 6144 512" \
	"write -P 0x55 200704 700000" "write -P 0x66 4193792 512" flush
writes() { # writes TOOL IMAGE
	if [ "$1" = qemu ]; then
		img=$2; shift 2
		for c in "$@"; do
			[ "$c" = flush ] && continue
			qemu-io -f qcow2 -c "$c" "$img" >/dev/null || return 1
		done
	else
		img=$2; shift 2
		"$VIO" "$img" "$@"
	fi
}

# --- create and info -------------------------------------------------------
status 0 "create a 4M raw base" disk create base.img 4M
check "fill the base" "$VIO" base.img fillbase
status 0 "create a qcow2 image" disk create q.qcow2 4M --format qcow2
status 0 "info" disk info q.qcow2
for kv in format=qcow2 size=4194304 sectors=8192 cluster_size=65536 \
	compat=1.1 refcount_bits=16 lazy_refcounts=false corrupt=false \
	dirty=false snapshots=0; do
	has "$tmp/out" "^$kv\$"
done
qcheck "a new image" q.qcow2
status 0 "an overlay on the base" disk create ov.qcow2 --backing base.img
status 0 "info on the overlay" disk info ov.qcow2
has "$tmp/out" "^backing=base.img$"
has "$tmp/out" "^backing_format=raw$"
has "$tmp/out" "^chain.1=raw base.img 4194304$"
if [ $qemu = yes ]; then
	for img in q.qcow2 ov.qcow2; do
		"$AULA" disk info "$img" >"$tmp/out"
		same=yes
		for pair in virtual-size:size format:format \
			cluster-size:cluster_size actual-size:allocated \
			compat:compat refcount-bits:refcount_bits \
			lazy-refcounts:lazy_refcounts corrupt:corrupt \
			extended-l2:extended_l2 dirty-flag:dirty \
			backing-filename:backing \
			backing-filename-format:backing_format; do
			q=$(qjson "${pair%%:*}" "$img")
			a=$(value "${pair#*:}")
			if [ "$q" != "$a" ]; then
				same=no
				echo "# $img: qemu-img ${pair%%:*}=$q," \
				     "aula ${pair#*:}=$a"
			fi
		done
		if [ $same = yes ]; then ok "$img: info agrees with qemu-img"
		else not_ok "$img: info disagrees with qemu-img"; fi
	done
fi
status 2 "create: a raw overlay" disk create x.img --backing base.img \
	--format raw
has "$tmp/err" "raw image cannot have a backing file"
status 2 "create: a bad cluster size" disk create x.qcow2 1M \
	--format qcow2 --cluster-size 3K
has "$tmp/err" "power of two from 4K to 2M"
status 2 "create: raw with a cluster size" disk create x.img 1M \
	--format raw --cluster-size 4K
has "$tmp/err" "raw image has no clusters"
status 0 "create: --cluster-size alone means qcow2" disk create x.qcow2 1M \
	--cluster-size 4K
status 0 "info on it" disk info x.qcow2
has "$tmp/out" "^cluster_size=4096$"
status 2 "create --force cannot replace its own base" disk create --force \
	base.img --backing base.img
has "$tmp/err" "base.img is the source"
status 2 "convert --force cannot replace its source's chain" disk convert \
	--force ov.qcow2 base.img
has "$tmp/err" "in the source's backing chain"
check "... and the base is whole" "$VIO" base.img "read -P 0x07 0 512"
status 2 "create: an overlay in a missing directory" disk create \
	nodir/x.qcow2 --backing base.img
has "$tmp/err" "the directory of nodir/x.qcow2"
status 2 "create: a missing base" disk create x.qcow2 --backing nobase.img
has "$tmp/err" "nobase.img"

# --- the same writes as qemu-io, at three cluster sizes ---------------------
for cs in 4K 64K 2M; do
	rm -f a.qcow2 q.qcow2
	"$AULA" disk create a.qcow2 --backing base.img --cluster-size $cs
	check "$cs: Aula writes its overlay" writes aula a.qcow2 "$@"
	status 0 "$cs: aula disk check" disk check a.qcow2
	qcheck "$cs: Aula's image" a.qcow2
	[ $qemu = yes ] || continue
	qemu-img create -q -f qcow2 -b base.img -F raw \
		-o cluster_size=$cs q.qcow2
	check "$cs: qemu-io writes its overlay" writes qemu q.qcow2 "$@"
	check "$cs: qemu-img compare: equal" qemu-img compare a.qcow2 q.qcow2
	status 0 "$cs: aula disk check on QEMU's image" disk check q.qcow2
	check "$cs: Aula reads QEMU's image" "$VIO" q.qcow2 \
		"read -P 0x55 200704 700000" "read -P 0x44 6144 512"
done

# --- a chain three deep -------------------------------------------------------
"$AULA" disk create l1.qcow2 --backing base.img
"$VIO" l1.qcow2 "write -P 0xa1 0 131072" >/dev/null
"$AULA" disk create l2.qcow2 --backing l1.qcow2
"$VIO" l2.qcow2 "write -P 0xa2 65536 131072" >/dev/null
"$AULA" disk create l3.qcow2 --backing l2.qcow2 --cluster-size 4K
check "three deep: reads fall through each layer" "$VIO" l3.qcow2 \
	"write -P 0xa3 4096 512" "read -P 0xa3 4096 512" \
	"read -P 0xa1 4608 60928" "read -P 0xa2 65536 131072"
status 0 "map of the chain" disk map l3.qcow2
has "$tmp/out" "^0x1000 .* 0  *data  *l3.qcow2$"
has "$tmp/out" "^0x2000 .* 2  *data  *l1.qcow2$"
has "$tmp/out" "^0x10000 .* 1  *data  *l2.qcow2$"
has "$tmp/out" "^0x30000 .* 3  *data  *base.img$"
status 0 "a full clone of it" disk clone --full l3.qcow2 flat.qcow2
status 0 "info on the full clone" disk info flat.qcow2
if grep -q '^backing=' "$tmp/out"; then not_ok "the full clone has a backing"
else ok "the full clone stands alone"; fi
status 0 "convert it to raw" disk convert l3.qcow2 flat.raw --format raw
if [ $qemu = yes ]; then
	check "qemu-img compare: chain and full clone" \
		qemu-img compare l3.qcow2 flat.qcow2
	qemu-img convert -O raw l3.qcow2 qflat.raw
	check "Aula's flat copy equals qemu-img convert's" cmp flat.raw qflat.raw
	qcheck "the full clone" flat.qcow2
fi
status 0 "a linked clone" disk clone --linked flat.raw lc.qcow2
status 0 "info on the linked clone" disk info lc.qcow2
has "$tmp/out" "^backing=flat.raw$"
status 2 "clone without --linked or --full" disk clone flat.raw x.qcow2
status 2 "clone onto an existing file" disk clone --linked flat.raw lc.qcow2
has "$tmp/err" "exists; --force"

# --- commit and rollback --------------------------------------------------------
cp base.img cbase.img
"$AULA" disk create c.qcow2 --backing cbase.img
"$VIO" c.qcow2 "write -P 0xc1 8192 70000" "write -P 0 1048576 4096" \
	>/dev/null
"$AULA" disk convert c.qcow2 before.raw --format raw
status 0 "commit" disk commit c.qcow2
check "the base now reads as the overlay did" cmp cbase.img before.raw
status 0 "map of the committed overlay" disk map c.qcow2
has "$tmp/out" "^0x0  *0x400000  *1  *data  *cbase.img$"
qcheck "the emptied overlay" c.qcow2
"$AULA" disk create c2.qcow2 --backing cbase.img
"$VIO" c.qcow2 "write -P 0xc2 0 512" >/dev/null
status 2 "commit into a base another overlay uses" disk commit c.qcow2
has "$tmp/err" "also the backing file of c2.qcow2"
check "... and the base is untouched" cmp cbase.img before.raw
status 0 "commit --force" disk commit --force c.qcow2
# On a terminal, a commit of a large disk shows its progress.
drive=$(dirname "$AULA")/tests/ptydrive
"$AULA" disk create big.raw 64M
"$AULA" disk create big.qcow2 --backing big.raw
"$VIO" big.qcow2 "write -P 0xb1 33554432 65536" >/dev/null
printf 'expect commit: 100%%\nexit 0\n' >pty.script
"$drive" pty.script "$AULA" disk commit big.qcow2 >pty.out 2>&1
case $? in
0) ok "commit on a terminal shows its progress" ;;
77) ok "# SKIP no pseudo-terminal for the progress test" ;;
*) not_ok "commit on a terminal shows no progress"; cat pty.out ;;
esac
check "... and committed" "$VIO" big.raw "read -P 0xb1 33554432 65536"
status 2 "commit of an image without a backing file" disk commit cbase.img
has "$tmp/err" "no backing file"
"$VIO" c2.qcow2 "write -P 0xee 0 65536" >/dev/null
status 0 "rollback" disk rollback c2.qcow2
check "after rollback the overlay reads as its base" \
	"$AULA" disk convert c2.qcow2 rolled.raw --format raw
check "... byte for byte" cmp rolled.raw cbase.img
status 2 "rollback of a raw image" disk rollback cbase.img
has "$tmp/err" "not an overlay"

# --- a run on an overlay: the base stays as it was ----------------------------
cp base.img rbase.img
"$AULA" disk create run.qcow2 --backing rbase.img
status 0 "the disk example on an overlay" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk run.qcow2
check "the base is untouched" cmp rbase.img base.img
status 0 "map: the overlay holds the written cluster" disk map run.qcow2
has "$tmp/out" "^0x0  *0x10000  *0  *data  *run.qcow2$"
status 2 "the base cannot be attached writable beside its overlay" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" \
	--disk run.qcow2 --disk rbase.img
has "$tmp/err" "or as a backing file of it"
status 0 "... but read-only it can" run -I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" \
	--disk run.qcow2 --disk rbase.img,ro
qcheck "after the run" run.qcow2

# --- the class walk-through (examples/disk-snapshots) -----------------------
AULA=$AULA sh "$top_srcdir/examples/disk-snapshots/demo.sh" "$tmp/demo" \
	>demo.out 2>&1
check "examples/disk-snapshots/demo.sh runs" test $? -eq 0
# The template keeps the teacher and, after the commit, alice; bob's
# snapshot was rolled back; the commit was refused while bob's clone was
# there.
has demo.out "^teacher$"
has demo.out "is also the backing file of bob.qcow2"
has demo.out "^committed alice.qcow2 into template.img"
has demo.out "^0x10000  *0xf0000  *2  *zero  *template.img$"
check "mallory was rolled back" test "$(grep -c '^mallory$' demo.out)" -eq 0
printf '%s\n' '--- the guestbook ---' teacher alice \
	'--- (nobody signed) ---' >want
tail -8 demo.out | head -4 >got
check "the template ends with teacher and alice" cmp want got

# --- images QEMU made: version 2, internal snapshots, compression -------------
if [ $qemu = yes ]; then
	qemu-img create -q -f qcow2 -o compat=0.10 v2.qcow2 1M
	check "a version 2 image: Aula writes it" "$VIO" v2.qcow2 \
		"write -P 0x12 1000 70000" "read -P 0x12 1000 70000"
	qcheck "the version 2 image" v2.qcow2
	status 0 "info on the version 2 image" disk info v2.qcow2
	has "$tmp/out" "^compat=0.10$"
	qemu-img create -q -f qcow2 snap.qcow2 1M
	qemu-io -c "write -P 0x33 0 4096" snap.qcow2 >/dev/null
	qemu-img snapshot -c first snap.qcow2
	status 0 "info lists internal snapshots" disk info snap.qcow2
	has "$tmp/out" "^snapshots=1$"
	has "$tmp/out" "^snapshot.0=id 1 name first "
	status 2 "an image with snapshots is not written" run \
		-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk snap.qcow2
	has "$tmp/err" "1 internal snapshot, which Aula does not write around"
	status 0 "... but read" disk convert snap.qcow2 snap.raw --format raw
	status 0 "... and checked" disk check snap.qcow2
	qemu-img convert -c -O qcow2 l3.qcow2 comp.qcow2
	status 0 "compressed clusters are read" disk convert comp.qcow2 \
		comp.raw --format raw
	check "... as qemu-img reads them" cmp comp.raw qflat.raw
	status 0 "... and checked" disk check comp.qcow2
	"$AULA" disk create cov.qcow2 --backing comp.qcow2
	check "an overlay on a compressed image" "$VIO" cov.qcow2 \
		"write -P 0x77 1000 100000" "read -P 0xa2 131072 4096"
	qcheck "the overlay on the compressed image" cov.qcow2
	cp comp.qcow2 qcomp.qcow2
	check "writing into compressed clusters" "$VIO" comp.qcow2 \
		"write -P 0x99 70000 9000" "write -P 0x98 0 512" flush \
		"write -P 0x97 131072 65536"
	writes qemu qcomp.qcow2 "write -P 0x99 70000 9000" \
		"write -P 0x98 0 512" "write -P 0x97 131072 65536"
	check "... as qemu-io writes them" qemu-img compare comp.qcow2 \
		qcomp.qcow2
	qcheck "the rewritten compressed image" comp.qcow2
	status 0 "... and aula disk check agrees" disk check comp.qcow2
	qemu-img convert -c -O qcow2 l3.qcow2 dcomp.qcow2
	printf 'x' | dd of=dcomp.qcow2 bs=1 conv=notrunc 2>/dev/null \
		seek=$(($(wc -c <dcomp.qcow2) - 700))
	status 2 "a damaged compressed cluster is reported" disk convert \
		dcomp.qcow2 comp2.raw --format raw
	has "$tmp/err" "is corrupt"
	check "... leaving no half copy" test ! -e comp2.raw
fi

# --- bad images ------------------------------------------------------------------
# poke FILE OFFSET OCTAL-BYTES: overwrite bytes in place
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
"$AULA" disk create bad.qcow2 1M --format qcow2
cp bad.qcow2 good.qcow2
poke bad.qcow2 79 '\020'		# incompatible bit 4: extended L2
status 2 "extended L2 is refused by name" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk bad.qcow2
has "$tmp/err" "extended L2 entries"
cp good.qcow2 bad.qcow2
poke bad.qcow2 79 '\001'		# dirty
status 2 "a dirty image is not opened for writing" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk bad.qcow2
has "$tmp/err" "check --repair"
status 0 "... but read-only it is" disk info bad.qcow2
has "$tmp/out" "^dirty=true$"
status 0 "check --repair clears the dirty bit" disk check --repair bad.qcow2
status 0 "... for good" disk info bad.qcow2
has "$tmp/out" "^dirty=false$"
cp good.qcow2 bad.qcow2
poke bad.qcow2 20 '\000\000\000\037'	# cluster_bits 31
status 2 "a bad cluster size" disk info bad.qcow2
has "$tmp/err" "cluster_bits 31"
has "$tmp/err" "say format=raw"
cp good.qcow2 bad.qcow2
poke bad.qcow2 39 '\000'		# L1 of 0 entries for 1 MiB
status 2 "an L1 table too small" disk info bad.qcow2
has "$tmp/err" "L1 table (0 entries) is too small"
cp good.qcow2 bad.qcow2
poke bad.qcow2 32 '\000\000\000\001'	# encrypted
status 2 "encryption" disk info bad.qcow2
has "$tmp/err" "encrypted"
head -c 300 good.qcow2 >bad.qcow2
status 2 "a truncated image" disk info bad.qcow2
has "$tmp/err" "lies outside the file"
"$AULA" disk create la.qcow2 --backing base.img
"$AULA" disk create lb.qcow2 --backing la.qcow2
"$AULA" disk create lx.qcow2 --backing lb.qcow2
mv lx.qcow2 la.qcow2			# la -> lb -> la
status 2 "a backing chain that loops" disk info la.qcow2
has "$tmp/err" "loops back"
printf 'QFI\373\000\000\000\003' >fake.img
truncate -s 1M fake.img
status 2 "a raw disk that looks like qcow2 names format=raw" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk fake.img
has "$tmp/err" "say format=raw"
status 0 "... and format=raw attaches it raw" run \
	-I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" --disk fake.img,format=raw
status 2 "format=vmdk" run -I "$top_srcdir/examples" "$top_srcdir/examples/disk/disk.s" \
	--disk "base.img,format=vmdk"
has "$tmp/err" "neither raw nor qcow2"

# --- killed at many points ---------------------------------------------------------
# The workload writes 8 phases, each flushed; a run killed at its k-th
# write or sync must leave an image both checkers accept (leaks at worst)
# that holds every phase acknowledged.
check "crashed at every write and sync: checked and verified" \
	"$VIO" crashtest k.qcow2 base.img 25
cat "$tmp/cout"
if grep -q '^points [0-9][0-9][0-9]* bad 0 leaky [1-9]' "$tmp/cout"; then
	ok "many crash points, some leaky"
else
	not_ok "too few crash points, or none leaked"
fi
if [ $qemu = yes ]; then
	# The same over a compressed image: rewriting its clusters
	# uncompressed frees the compressed bytes only once it is safe.
	qemu-img convert -c -O qcow2 base.img ctemplate.qcow2
	check "crashed while rewriting compressed clusters" \
		"$VIO" crashtest kc.qcow2 base.img 40 ctemplate.qcow2
	cat "$tmp/cout"
fi
for img in k.qcow2.* kc.qcow2.*; do
	[ -f "$img" ] || continue
	if [ $qemu = yes ]; then
		qemu-img check "$img" >chk 2>&1
		c=$?
	else
		"$AULA" disk check "$img" >chk 2>&1
		c=$?
	fi
	if [ $c -eq 0 ] || [ $c -eq 3 ]; then ok "$img: checks (at worst leaks)"
	else not_ok "$img: check exits $c"; cat chk; fi
done
"$AULA" disk create -f k.qcow2 --backing base.img >/dev/null
"$VIO" --crash-after 60 k.qcow2 crash >/dev/null 2>&1
status 3 "a leaky image: check says leaks" disk check k.qcow2
has "$tmp/out" "leaked clusters were found"
status 0 "check --repair reclaims them" disk check --repair k.qcow2
status 0 "... and then it is clean" disk check k.qcow2
qcheck "after repair" k.qcow2

# savevm and loadvm freeze a machine's disks too (aula-debug(1), SAVED
# MACHINES AND DISKS): the guestbook signed after s0 is empty again
# after loadvm s0, the new work is a branch on a new overlay, the image
# given with --disk is never written after the first savevm, and every
# overlay passes qemu-img check.
mkdir "$tmp/snap" && cd "$tmp/snap" || exit 99
"$AULA" disk create book.img 64K >/dev/null || exit 99
cp book.img blank.img
printf '%s\n' "savevm s0" 'send "alice\n"' continue "x/s book" "savevm s1" \
	"loadvm s0" 'send "bob\n"' continue "x/s book" "info snapshots" \
	"loadvm s1" "x/s book" quit >snap.cmd
"$AULA" debug "$top_srcdir/examples/disk-snapshots/guestbook.s" \
	-I "$top_srcdir/examples/lib" --disk book.img -x snap.cmd --batch \
	</dev/null >snap.out 2>&1
rc=$?
books=$(sed -n 's/^0x[0-9a-f]* <book>:  //p' snap.out | tr '\n' '|')
if [ $rc = 0 ] && [ "$books" = '"alice\n"|"bob\n"|"alice\n"|' ] &&
   cmp -s book.img blank.img &&
   grep -q '^disk 0: book.img is kept as it is; the machine writes book.img.vm-s0.qcow2 now$' snap.out &&
   grep -q '^s1  *[0-9]* .* s0$' snap.out &&
   grep -q '^  disk 0: book.img.vm-s0.qcow2$' snap.out; then
	ok "savevm and loadvm freeze and bring back the disk: a branch per loadvm"
else
	not_ok "savevm and loadvm with a disk (exit $rc, books $books)"
	cat snap.out
fi
for f in book.img.vm-*.qcow2; do
	status 0 "aula disk check $f" disk check "$f"
	qcheck "$f" "$f"
done
[ "$(ls book.img.vm-*.qcow2 | wc -l)" = 4 ] ||
	not_ok "four overlays (s0, s1, and a branch per loadvm): $(ls)"
# A raw disk whose first bytes look like a qcow2 header (a guest may
# write one) stays raw under savevm's overlay: its format is the one it
# was opened with, never a guess, or the guest could name a host file as
# a backing image.
"$AULA" disk create evil.qcow2 64K --format qcow2 --backing book.img >/dev/null
printf '%s\n' "savevm s9" quit >evil.cmd
"$AULA" debug "$top_srcdir/examples/disk-snapshots/guestbook.s" \
	-I "$top_srcdir/examples/lib" --disk evil.qcow2,format=raw -x evil.cmd \
	--batch </dev/null >evil.out 2>&1
if "$AULA" disk info evil.qcow2.vm-s9.qcow2 >evil.info 2>&1 &&
   grep -q '^backing_format=raw$' evil.info &&
   ! grep -q 'book.img' evil.info; then
	ok "savevm's overlay keeps a raw disk raw"
else
	not_ok "savevm's overlay on a raw disk"; cat evil.out evil.info
fi
cd "$tmp" || exit 99

echo "1..$n"
[ "$fails" -eq 0 ]
