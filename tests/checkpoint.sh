#!/bin/sh
# The checkpoint contract (docs/checkpoint-format.md), as a property: run N,
# save, restore in a fresh process and run M more == run N+M straight --
# the same dump, console output, disk contents and capture -- for every
# example, under both MMU modes, for N spread pseudo-randomly (a fixed
# seed: the test is deterministic) and for N chosen inside an interrupt
# handler, during a disk command's DMA and with a frame on the wire.
# Then aula checkpoint info, and the loader's refusals.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-ckpt.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM
status=0
BUDGET=400000
fail() { echo "FAIL: $*"; status=1; }

"$AULA" disk create "$tmp/blank.img" 64K >/dev/null || exit 99

# machine_args NAME TAG: the options example NAME runs with; its disk and
# capture files are named after TAG.
machine_args() {
	case $1 in
	disk | guestbook) cp "$tmp/blank.img" "$tmp/$2.disk"
	      echo "--disk $tmp/$2.disk" ;;
	net-sender) echo "--nic pcap=$tmp/$2.pcap" ;;
	paging-vm-vm) echo "--mem 76M" ;;	# the VMM in the VMM
	*-vm) echo "--mem 36M" ;;		# a guest under the VMM
	*) echo "" ;;
	esac
}

# info FILE DEVICE FIELD: a field of aula checkpoint info's device lines,
# such as pic ... isr -> its value.  One aula per file: its description
# is kept in FILE.info (removed whenever FILE is written again).
info() {
	[ -f "$1.info" ] || "$AULA" checkpoint info "$1" >"$1.info"
	sed -n "s/^  $2 .* $3=\([^ ]*\).*/\1/p" "$1.info"
}

# The budget a checkpoint's machine has spent: insns, exception entries
# and time halted.
spent() {
	"$AULA" checkpoint info "$1" |
		sed -n 's/^time: *insns=\([0-9]*\) exceptions=\([0-9]*\) halted_time=\([0-9]*\)/\1 \2 \3/p' |
		{ read -r a b c; echo $((a + b + c)); }
}

# contract NAME MMU N WHY: the property for one N.
contract() {
	name=$1 mmu=$2 n=$3 why=$4
	a1=$(machine_args "$name" p)
	# shellcheck disable=SC2086
	"$AULA" run "$images/$name.img" -q --mmu="$mmu" --max-insns "$n" \
		--save-on-stop "$tmp/p.ck" --console-out "$tmp/p1.con" \
		--dump-file "$tmp/p1.dump" $a1 </dev/null
	"$AULA" run -q --restore "$tmp/p.ck" --max-insns $((BUDGET - n)) \
		--console-out "$tmp/p2.con" --dump-file "$tmp/p2.dump" \
		$(case $name in net-sender) echo "--nic pcap=$tmp/p2.pcap" ;; esac) \
		</dev/null
	rc=$?
	what="$name --mmu=$mmu N=$n${why:+ ($why)}"
	[ "$rc" = "$(cat "$tmp/s.rc")" ] ||
		fail "$what: the restored run exits $rc, straight $(cat "$tmp/s.rc")"
	cmp -s "$tmp/p2.dump" "$tmp/s.dump" ||
		{ fail "$what: the dumps differ"; diff "$tmp/s.dump" "$tmp/p2.dump" | head -5; }
	cat "$tmp/p1.con" "$tmp/p2.con" | cmp -s - "$tmp/s.con" ||
		fail "$what: the console output differs"
	if [ "$name" = disk ] || [ "$name" = guestbook ]; then
		cmp -s "$tmp/p.disk" "$tmp/s.disk" ||
			fail "$what: the disk contents differ"
	fi
	if [ "$name" = net-sender ]; then
		{ cat "$tmp/p.pcap"; tail -c +25 "$tmp/p2.pcap"; } |
			cmp -s - "$tmp/s.pcap" ||
			fail "$what: the captures differ"
	fi
	cases=$((cases + 1))
}

# find_handler NAME MMU END: a budget position inside an interrupt handler
# (the PIC has a line in service), found by narrowing: 16 checkpoints over
# a span, then 16 over the gap where the PIC took an interrupt, restored
# from the checkpoint before it.  Empty if there is none.
find_handler() {
	name=$1 mmu=$2 lo=0 hi=$3 from=""
	round=0
	while [ $round -lt 8 ] && [ $((hi - lo)) -gt 0 ]; do
		rm -f "$tmp"/f*.ck "$tmp"/f*.ck.info
		saves="" i=1
		while [ $i -le 16 ]; do
			saves="$saves --save-at $(( (hi - lo) * i / 16 )) $tmp/f$i.ck"
			i=$((i + 1))
		done
		if [ -z "$from" ]; then
			a=$(machine_args "$name" f)
			# shellcheck disable=SC2086
			"$AULA" run "$images/$name.img" -q --mmu="$mmu" \
				--max-insns $((hi - lo)) $saves $a \
				--console-out /dev/null </dev/null 2>/dev/null
			taken=0
		else
			cp "$from" "$tmp/from.ck"
			rm -f "$tmp/from.ck.info"
			# shellcheck disable=SC2086
			"$AULA" run -q --restore "$tmp/from.ck" \
				--max-insns $((hi - lo)) $saves \
				--restore-changed-disks --console-out /dev/null \
				$(case $name in net-sender) echo "--nic pcap=/dev/null" ;; esac) \
				</dev/null 2>/dev/null
			taken=$(info "$tmp/from.ck" pic taken)
		fi
		i=1 next=""
		while [ $i -le 16 ]; do
			[ -f "$tmp/f$i.ck" ] || break
			if [ "$(info "$tmp/f$i.ck" pic isr)" != 0x00000000 ]; then
				echo $((lo + (hi - lo) * i / 16))
				return
			fi
			t=$(info "$tmp/f$i.ck" pic taken)
			if [ "$t" != "$taken" ]; then
				next=$i
				break
			fi
			i=$((i + 1))
		done
		[ -n "$next" ] || return
		span=$((hi - lo))
		hi=$((lo + span * next / 16))
		if [ "$next" -gt 1 ]; then
			lo=$((lo + span * (next - 1) / 16))
			cp "$tmp/f$((next - 1)).ck" "$tmp/g.ck"
			from=$tmp/g.ck
		fi
		round=$((round + 1))
	done
}

seed=12345
next_random() {		# a small LCG, the same on every host
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
}

cases=0
special_irq=0 special_dma=0 special_tx=0
for name in hello syscall exception paging timer clock disk guestbook kbd \
	net-sender net-receiver syscall-pv hello-vm syscall-vm syscall-pv-vm \
	paging-vm paging-vm-vm; do
	for mmu in shadow nested; do
		a=$(machine_args "$name" s)
		# shellcheck disable=SC2086
		"$AULA" run "$images/$name.img" -q --mmu="$mmu" \
			--max-insns $BUDGET --console-out "$tmp/s.con" \
			--dump-file "$tmp/s.dump" --save-on-stop "$tmp/end.ck" \
			$a </dev/null
		echo $? >"$tmp/s.rc"
		end=$(spent "$tmp/end.ck")
		# Where the run passes through a handler, a DMA or a
		# transmission: look at 16 points of a scanning run.
		scan=""
		rm -f "$tmp"/scan*.ck "$tmp"/scan*.ck.info
		i=1
		while [ $i -le 16 ]; do
			scan="$scan --save-at $((end * i / 17)) $tmp/scan$i.ck"
			i=$((i + 1))
		done
		a=$(machine_args "$name" scan)
		# shellcheck disable=SC2086
		"$AULA" run "$images/$name.img" -q --mmu="$mmu" \
			--max-insns $BUDGET --console-out "$tmp/scan.con" \
			--dump-file "$tmp/scan.dump" $scan $a </dev/null
		cmp -s "$tmp/scan.dump" "$tmp/s.dump" &&
			cmp -s "$tmp/scan.con" "$tmp/s.con" ||
			fail "$name --mmu=$mmu: saving on the way changes the run"
		picked=""
		i=1
		while [ $i -le 16 ]; do
			f=$tmp/scan$i.ck n=$((end * i / 17))
			why=""
			[ "$(info "$f" pic isr)" != 0x00000000 ] &&
				why="in_an_interrupt_handler" &&
				special_irq=$((special_irq + 1))
			[ "$name" = disk ] &&
				[ $(( $(info "$f" disk status) & 1 )) = 1 ] &&
				why="during_a_disk_command" &&
				special_dma=$((special_dma + 1))
			[ $(( $(info "$f" nic status) & 2 )) = 2 ] &&
				why="with_a_frame_on_the_wire" &&
				special_tx=$((special_tx + 1))
			[ -n "$why" ] && picked="$picked $n:$why"
			i=$((i + 1))
		done
		case $name in timer | disk)
			h=$(find_handler "$name" "$mmu" "$end")
			[ -n "$h" ] && picked="$h:in_an_interrupt_handler $picked" &&
				special_irq=$((special_irq + 1)) ;;
		esac
		# Two of the special points, and three spread at random.
		k=0
		for p in $(echo "$picked" | tr ' ' '\n' | sed -n 's/:.*//p' |
			   head -2); do
			contract "$name" "$mmu" "$p" "$(echo "$picked" |
				tr ' ' '\n' | sed -n "s/^$p://p" | head -1 |
				tr '_' ' ')"
		done
		while [ $k -lt 3 ]; do
			next_random
			contract "$name" "$mmu" $((seed % (end + 1))) ""
			k=$((k + 1))
		done
	done
done
[ $special_irq -gt 0 ] || fail "no point landed in an interrupt handler"
[ $special_dma -gt 0 ] || fail "no point landed during a disk command"
[ $special_tx -gt 0 ] || fail "no point landed with a frame on the wire"
echo "checked $cases restores ($special_irq in a handler, $special_dma" \
	"during DMA, $special_tx with a frame on the wire)"

# --- the monitor's savevm -o, continued by aula run --restore -----------------
printf 'step 2500\nsavevm -o %s\nquit\n' "$tmp/mon.ck" >"$tmp/save.cmd"
"$AULA" debug "$images/timer.img" -x "$tmp/save.cmd" --batch -q \
	>"$tmp/mon.out" 2>&1 </dev/null || fail "savevm -o in the monitor"
"$AULA" run "$images/timer.img" -q --max-insns $BUDGET \
	--dump-file "$tmp/s.dump" --console-out /dev/null </dev/null
"$AULA" run -q --restore "$tmp/mon.ck" --max-insns $((BUDGET - 2500)) \
	--dump-file "$tmp/m.dump" --console-out /dev/null </dev/null
cmp -s "$tmp/s.dump" "$tmp/m.dump" ||
	fail "a machine saved by the monitor does not go on as it would have"

# --- back and forth in the monitor, a frame is sent once -------------------
printf 'continue\nreverse-step 2000\ncontinue\nquit\n' >"$tmp/net.cmd"
"$AULA" debug "$images/net-sender.img" --nic pcap="$tmp/mon.pcap" \
	-x "$tmp/net.cmd" --batch -q >/dev/null 2>&1 </dev/null
"$AULA" run "$images/net-sender.img" --nic pcap="$tmp/run.pcap" -q \
	>/dev/null 2>&1 </dev/null
cmp -s "$tmp/mon.pcap" "$tmp/run.pcap" ||
	fail "going back and forth in the monitor changes the capture"

# --- aula checkpoint info ---------------------------------------------------
"$AULA" run "$images/hello.img" -q --max-insns 50 --save-on-stop "$tmp/h.ck" \
	>/dev/null </dev/null
"$AULA" checkpoint info "$tmp/h.ck" >"$tmp/info" ||
	fail "checkpoint info fails"
for key in "format:   aula checkpoint, version 1" "taken:    20" \
	"machine:  16384 KiB of RAM, --mmu=shadow" "time:     insns=50 " \
	"stop:     budget" "  uart 0:"; do
	grep -q "^$key" "$tmp/info" || fail "checkpoint info lacks '$key'"
done

# --- the loader refuses, with a message, and never crashes -------------------
# refused WHAT MESSAGE ARGS...: aula ARGS exits 2 and says MESSAGE.
refused() {
	what=$1 msg=$2
	shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[ $rc = 2 ] || fail "$what: exit $rc, not 2"
	grep -q -- "$msg" "$tmp/err" ||
		{ fail "$what: no '$msg' in"; cat "$tmp/err"; }
}
size=$(wc -c <"$tmp/h.ck")
head -c $((size - 7)) "$tmp/h.ck" >"$tmp/trunc.ck"
refused "a truncated file" "truncated" run --restore "$tmp/trunc.ck"
head -c 20 "$tmp/h.ck" >"$tmp/short.ck"
refused "a file shorter than its header" "truncated" \
	checkpoint info "$tmp/short.ck"
# One byte flipped in the middle of RAM's section.
cp "$tmp/h.ck" "$tmp/bad.ck"
printf '\377' | dd of="$tmp/bad.ck" bs=1 seek=$((size - 30)) conv=notrunc \
	2>/dev/null
refused "a corrupt file" "corrupt: section RAM" run --restore "$tmp/bad.ck"
echo "not a checkpoint" >"$tmp/text.ck"
refused "another kind of file" "not an Aula checkpoint" \
	run --restore "$tmp/text.ck"
# A newer version, with its header CRC made right.
python3 - "$tmp/h.ck" "$tmp/new.ck" <<'EOF' 2>/dev/null ||
import sys, zlib, struct
b = bytearray(open(sys.argv[1], 'rb').read())
b[8:12] = struct.pack('<I', 2)
b[28:32] = struct.pack('<I', zlib.crc32(bytes(b[0:28])))
open(sys.argv[2], 'wb').write(b)
EOF
	cp "$tmp/h.ck" "$tmp/new.ck"
if [ -s "$tmp/new.ck" ] && ! cmp -s "$tmp/h.ck" "$tmp/new.ck"; then
	refused "a newer version" "newer aula: format version 2" \
		run --restore "$tmp/new.ck"
fi
refused "another RAM size" "has 16384 KiB of RAM, this one 1024 KiB" \
	run --restore "$tmp/h.ck" --mem 1M
refused "another MMU mode" "with --mmu=shadow, this one with --mmu=nested" \
	run --restore "$tmp/h.ck" --mmu=nested
refused "a missing file" "nothing.ck: No such file" \
	run --restore "$tmp/nothing.ck"
# A disk that changed since the save is refused unless told.
cp "$tmp/blank.img" "$tmp/d.img"
"$AULA" run "$images/disk.img" -q --max-insns 100 --disk "$tmp/d.img" \
	--save-on-stop "$tmp/d.ck" </dev/null
printf 'x' | dd of="$tmp/d.img" bs=1 seek=40000 conv=notrunc 2>/dev/null
refused "a changed disk" "changed since the checkpoint was taken" \
	run --restore "$tmp/d.ck"
"$AULA" run -q --restore "$tmp/d.ck" --restore-changed-disks \
	</dev/null >/dev/null ||
	fail "--restore-changed-disks does not go on"
refused "saving under the monitor" "do not go with the monitor" \
	debug --restore "$tmp/h.ck" --save-on-stop "$tmp/x.ck" --batch
refused "a changed disk under the monitor" "changed since the checkpoint" \
	debug --restore "$tmp/d.ck" --batch
# aula debug --restore goes on from the saved machine: its dump at the
# end is the straight run's (tests/monitor/restore.cmd shows a session).
"$AULA" run "$images/timer.img" -q --max-insns 200000 --save-on-stop \
	"$tmp/t1.ck" --dump-file "$tmp/t1.dump" </dev/null >/dev/null 2>&1
"$AULA" run "$images/timer.img" -q --max-insns 150000 --save-on-stop \
	"$tmp/t0.ck" </dev/null >/dev/null 2>&1
printf 'continue\nquit\n' >"$tmp/go.cmd"
"$AULA" debug --restore "$tmp/t0.ck" -q --max-insns 50000 -x "$tmp/go.cmd" \
	--batch --dump-file "$tmp/t2.dump" </dev/null >/dev/null 2>&1
cmp -s "$tmp/t1.dump" "$tmp/t2.dump" ||
	{ fail "aula debug --restore does not go on as the run would";
	  diff "$tmp/t1.dump" "$tmp/t2.dump" | head; }
[ $status = 0 ] && echo "PASS: checkpoints"
exit $status
