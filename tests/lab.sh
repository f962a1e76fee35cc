#!/bin/sh
# aula lab (aula-lab(5)): the demos of examples/lab/ against their golden
# output, byte for byte and the same at every run; the scheduler's
# policies (HALT detection, round robin, weights, caps, several CPUs) read
# off the report; the switch's VLANs and capture; a lab of one machine
# against a plain aula run; and lab files with mistakes, each named by
# file, line and key.  AULA_UPDATE_GOLDEN=1 rewrites the demos' .expected
# files.
set -u
: "${AULA:?}" "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-lab.XXXXXX") || exit 99
hub_pid=
rx_pid=
cleanup()
{
	[ -n "$rx_pid" ] && kill "$rx_pid" 2>/dev/null
	[ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' INT TERM
ex=$top_srcdir/examples
images=$(dirname "$AULA")/images
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

# The demos, from their own folder (their paths are relative to it).
for lab in "$ex"/lab/*.lab "$ex"/lab/migrate/*.lab; do
	name=$(basename "$lab" .lab)
	dir=$(dirname "$lab")
	want=$dir/$name.expected
	(cd "$dir" && "$AULA" lab "$name.lab" </dev/null) >"$tmp/$name.1" 2>&1
	(cd "$dir" && "$AULA" lab "$name.lab" </dev/null) >"$tmp/$name.2" 2>&1
	if [ "${AULA_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/$name.1" "$want"
		echo "updated $want"
	fi
	if cmp -s "$tmp/$name.1" "$tmp/$name.2"; then
		ok "$name: two runs are byte-identical"
	else
		not_ok "$name: two runs differ"
		diff "$tmp/$name.1" "$tmp/$name.2" | head -20
	fi
	if diff -u "$want" "$tmp/$name.1"; then
		ok "$name: as $want"
	else
		not_ok "$name: differs from $want"
	fi
done

# The monitor on a lab: a script's transcript, byte for byte.
(cd "$ex/lab" && "$AULA" lab lan.lab -x lan-monitor.cmd --batch </dev/null) \
	>"$tmp/lan-monitor" 2>&1
if [ "${AULA_UPDATE_GOLDEN:-}" = 1 ]; then
	cp "$tmp/lan-monitor" "$ex/lab/lan-monitor.expected"
fi
if diff -u "$ex/lab/lan-monitor.expected" "$tmp/lan-monitor"; then
	ok "the monitor on lan.lab: as lan-monitor.expected"
else
	not_ok "the monitor on lan.lab differs from lan-monitor.expected"
fi
# ... and stepping through breakpoints changes nothing the machines see.
printf '%s\n' "vm busy2" "break 0x1024" continue continue "step 100" \
	continue delete "vm sleeper" continue quit >"$tmp/steal.cmd"
(cd "$ex/lab" && "$AULA" lab steal.lab -x "$tmp/steal.cmd" --batch -q \
	</dev/null) 2>&1 | grep '^[a-z0-9]*|' >"$tmp/steal.mon"
grep '^[a-z0-9]*|' "$ex/lab/steal.expected" >"$tmp/steal.plain"
if [ -s "$tmp/steal.mon" ] && cmp -s "$tmp/steal.mon" "$tmp/steal.plain"
then
	ok "under the monitor, steal.lab's consoles are as without it"
else
	not_ok "the monitor changed what steal.lab's machines print"
	diff "$tmp/steal.plain" "$tmp/steal.mon" | head
fi

# Every demo, every machine in focus: stepping it and running it with a
# breakpoint armed (the monitor then runs it an instruction at a time)
# ends it with the dump of the plain run.  (A machine that halted in a
# one-instruction step was taken for stopped at its next wake-up.)
for lab in "$ex"/lab/*.lab; do
	name=$(basename "$lab" .lab)
	rm -rf "$tmp/fd1"
	mkdir "$tmp/fd1"
	(cd "$ex/lab" && "$AULA" lab "$name.lab" --dump-dir "$tmp/fd1" \
		</dev/null) >/dev/null 2>&1
	for m in $(sed -n 's/^\[machine \([a-z0-9]*\)\]$/\1/p' "$lab"); do
		rm -rf "$tmp/fd2"
		mkdir "$tmp/fd2"
		printf '%s\n' "vm $m" "step 300" "break 0x4" continue quit \
			>"$tmp/focus.cmd"
		(cd "$ex/lab" && "$AULA" lab "$name.lab" -x "$tmp/focus.cmd" \
			--batch --dump-dir "$tmp/fd2" </dev/null) >/dev/null 2>&1
		if [ -s "$tmp/fd1/$m.dump" ] &&
		   cmp -s "$tmp/fd1/$m.dump" "$tmp/fd2/$m.dump"; then
			ok "$name: $m stepped and under a breakpoint ends as in the plain run"
		else
			not_ok "$name: $m under the monitor ends otherwise"
			diff "$tmp/fd1/$m.dump" "$tmp/fd2/$m.dump" | head -8
		fi
	done
done

# When the focus is the last machine to stop, the lab ends under the
# monitor as without it: the window finishes (its memory samples, its
# sharing scan) and the report is the plain run's.
for c in "clones clone3" "overcommit three" "steal sleeper"; do
	set -- $c
	(cd "$ex/lab" && "$AULA" lab "$1.lab" </dev/null 2>&1) |
		sed -n '/^aula lab report/,$p' >"$tmp/last1.rep"
	printf '%s\n' "vm $2" continue quit >"$tmp/last.cmd"
	(cd "$ex/lab" && "$AULA" lab "$1.lab" -x "$tmp/last.cmd" --batch \
		</dev/null 2>&1) | sed -n '/^aula lab report/,$p' >"$tmp/last2.rep"
	if [ -s "$tmp/last1.rep" ] && cmp -s "$tmp/last1.rep" "$tmp/last2.rep"
	then
		ok "$1: run to its end from the monitor, the plain run's report"
	else
		not_ok "$1: the monitor's report differs from the plain run's"
		diff "$tmp/last1.rep" "$tmp/last2.rep" | head
	fi
done

# lab NAME: write NAME.lab from standard input.
lab() { cat >"$tmp/$1.lab"; }
# run NAME [ARGS]: run it; stdout in NAME.out, stderr in NAME.err.
run()
{
	r_name=$1
	shift
	(cd "$tmp" && "$AULA" lab "$r_name.lab" -I "$ex" "$@" </dev/null \
		>"$r_name.out" 2>"$r_name.err")
	echo $? >"$tmp/$r_name.status"
}
# field NAME MACHINE COLUMN: a number from the report's machine table
# (columns: 3 insns, 4 run, 5 steal, 6 halted, 7 switches).
field()
{
	awk -v m="$2" -v c="$3" '$1 == m && NF == 7 { print $c }' \
		"$tmp/$1.out"
}

busy=$ex/lab/busy.s

# HALT detection: a machine that halts gives the CPU up at once, so a
# busy machine beside it loses almost nothing.
lab halt <<LAB
[lab]
time = 3M
[machine busy]
image = $busy
[machine sleeper]
image = $ex/timer/timer.s
LAB
run halt
steal=$(field halt busy 5)
if [ "${steal:-99999}" -lt 5000 ]; then
	ok "a halting neighbour steals little ($steal ticks)"
else
	not_ok "a halting neighbour stole ${steal:-?} ticks"; cat "$tmp/halt.out"
fi

# Round robin: two busy machines on one CPU each wait as long as they run.
lab rr <<LAB
[lab]
time = 400000
[host h]
quantum = 10000
[machine a]
image = $busy
[machine b]
image = $busy
LAB
run rr
if [ "$(field rr a 4)" = 200000 ] && [ "$(field rr b 4)" = 200000 ] &&
   [ "$(field rr a 5)" = 200000 ] && [ "$(field rr a 7)" = 20 ]; then
	ok "round robin: run 200000, steal 200000, 20 switches each"
else
	not_ok "round robin is not even"; cat "$tmp/rr.out"
fi
if [ "$(cat "$tmp/rr.status")" = 4 ] && grep -q "^  a  *budget" "$tmp/rr.out"
then
	ok "machines still running when time is up stop as 'budget' (exit 4)"
else
	not_ok "time up: exit $(cat "$tmp/rr.status")"; cat "$tmp/rr.out"
fi

# Weights: a machine of weight 3 gets three quanta per turn.
sed -e 's/^\[machine b\]/[machine b]\nweight = 3/' \
	-e 's/^time = .*/time = 200000/' "$tmp/rr.lab" >"$tmp/w.lab"
run w
if [ "$(field w a 4)" = 50000 ] && [ "$(field w b 4)" = 150000 ]; then
	ok "weights 1 and 3 share the CPU 1:3"
else
	not_ok "weights"; cat "$tmp/w.out"
fi

# Caps: a machine capped at 25% runs no more than that, even alone.
lab cap <<LAB
[lab]
time = 1M
[machine a]
image = $busy
cap = 25%
LAB
run cap
r=$(field cap a 4)
if [ "${r:-0}" -ge 240000 ] && [ "${r:-0}" -le 260000 ]; then
	ok "a 25% cap holds a lone machine to $r ticks of 1000000"
else
	not_ok "cap: run ${r:-?}"; cat "$tmp/cap.out"
fi

# Several CPUs: four busy machines on two CPUs keep both busy.
lab smp <<LAB
[lab]
time = 200000
[host h]
cpus = 2
[machine a]
image = $busy
[machine b]
image = $busy
[machine c]
image = $busy
[machine d]
image = $busy
LAB
run smp
if grep -q "utilisation 100.0%" "$tmp/smp.out" &&
   [ "$(field smp a 4)" = 100000 ] && [ "$(field smp d 5)" = 100000 ]; then
	ok "2 CPUs, 4 machines: all busy, each runs half the time"
else
	not_ok "2 CPUs"; cat "$tmp/smp.out"
fi

# The switch: VLANs separate, the capture is a pcap tcpdump reads, with
# each frame's VLAN tag.
lab vlan <<LAB
[switch lan]
pcap = lan.pcap
vlan.receiver = 10
vlan.sender = 10
vlan.other = 20
[machine receiver]
image = $ex/net/receiver.s
nic = lan
mac = 2
[machine sender]
image = $ex/net/sender.s
nic = lan
mac = 1
[machine other]
image = $ex/net/receiver.s
nic = lan
mac = 3
max-insns = 100000
LAB
run vlan
if grep -q "^receiver| receiver: got 60 bytes" "$tmp/vlan.out" &&
   ! grep -q "^other| receiver: got" "$tmp/vlan.out"; then
	ok "VLAN 10's frame reaches its receiver, not VLAN 20's"
else
	not_ok "VLANs"; cat "$tmp/vlan.out" "$tmp/vlan.err"
fi
if command -v tcpdump >/dev/null 2>&1; then
	tcpdump -r "$tmp/lan.pcap" -e -nn >"$tmp/td" 2>&1
	if grep -q "vlan 10" "$tmp/td" &&
	   grep -q "02:00:00:00:00:01 > 02:00:00:00:00:02" "$tmp/td"; then
		ok "tcpdump reads the capture: the frame, tagged vlan 10"
	else
		not_ok "tcpdump on the capture"; cat "$tmp/td"
	fi
else
	ok "# SKIP tcpdump is not installed"
fi
cp "$tmp/lan.pcap" "$tmp/lan1.pcap"
run vlan
if cmp -s "$tmp/lan.pcap" "$tmp/lan1.pcap"; then
	ok "the capture is byte-identical at every run"
else
	not_ok "the capture differs between runs"
fi

# The uplink: a lab's switch on an aula hub, with an aula run machine in
# another process.  The only waits on the wall clock are bounded loops
# for the hub's socket and for the receiver to join (as tests/nic.sh).
wait_for()
{
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
lan=$tmp/hub
"$AULA" hub "$lan" -v >"$tmp/hub.log" 2>&1 &
hub_pid=$!
if wait_for test -S "$lan"; then
	limit=
	command -v timeout >/dev/null 2>&1 && limit="timeout 120"
	# It waits halted, at about the host's pace: 6e9 ticks is about a
	# minute, room for a lab that starts slowly on a busy machine under
	# the sanitizers (1e9, about 10 s, was once not enough there).
	$limit "$AULA" run "$images/net-receiver.img" --nic hub="$lan" \
		--mac 2 --max-insns 6000000000 >"$tmp/rx.out" 2>&1 </dev/null &
	rx_pid=$!
	wait_for grep -q "client 1 joined" "$tmp/hub.log"
	lab uplink <<LAB
[switch lan]
uplink = $lan
[machine sender]
image = $ex/net/sender.s
nic = lan
mac = 1
LAB
	run uplink
	wait "$rx_pid"
	got=$?
	rx_pid=
	if [ "$got" = 0 ] && grep -q "receiver: got 60 bytes from 02:00:00:00:00:01" \
		"$tmp/rx.out" && grep -q "^  uplink .* 0  *1  *0$" "$tmp/uplink.out"
	then
		ok "through the uplink, an aula run on the hub gets the lab's frame"
	else
		not_ok "the uplink: receiver exit $got"
		cat "$tmp/rx.out" "$tmp/uplink.out" "$tmp/uplink.err" "$tmp/hub.log"
	fi
else
	not_ok "aula hub did not bind its socket"
fi
kill -TERM "$hub_pid" 2>/dev/null
wait "$hub_pid"
hub_pid=

# The property of the memory manager: swap and sharing are invisible to
# the guest.  Each example and guest test runs in a lab whose host gives
# it 32 KiB (8 pages) and merges pages every 5000 ticks, and must end in
# the dump a plain aula run ends in -- registers and the memory it used.
mkdir "$tmp/dumps"
progs="$images/hello.img $images/syscall.img $images/exception.img
$images/paging.img $images/timer.img $ex/lab/memhog.s $ex/lab/busy.s"
for g in "$top_srcdir"/tests/guest/*.s; do progs="$progs $g"; done
for prog in $progs; do
	name=$(basename "$prog" | sed 's/\.[a-z]*$//')
	for mmu in shadow nested; do
		case $name:$mmu in paging*:nested | *:shadow) ;; *) continue ;; esac
		lab "mem-$name-$mmu" <<LAB
[host h]
ram = 32K
share = yes
sample = 5000
[machine m]
image = $prog
mmu = $mmu
max-insns = 4000000
dump-mem = 0x1000:0x3000
dump-mem = 0x100000:0x1000
LAB
		run "mem-$name-$mmu" --dump-dir dumps
		"$AULA" run "$prog" -I "$ex" --mmu=$mmu --max-insns 4000000 \
			--dump-regs \
			--dump-mem 0x1000:0x3000 --dump-mem 0x100000:0x1000 -q \
			--console-out /dev/null </dev/null >"$tmp/$name.dump"
		swapped=$(awk '$1 == "m" && NF == 9 { print $8 }' \
			"$tmp/mem-$name-$mmu.out")
		if cmp -s "$tmp/$name.dump" "$tmp/dumps/m.dump"; then
			ok "$name ($mmu): under pressure (${swapped:-?} pages" \
			   "swapped out), the dump of aula run"
		else
			not_ok "$name ($mmu): the lab's dump differs from aula run's"
			diff "$tmp/$name.dump" "$tmp/dumps/m.dump" | head
			cat "$tmp/mem-$name-$mmu.out" "$tmp/mem-$name-$mmu.err"
		fi
	done
done

# The balloon device's commands and results (docs/devices.md, section
# 10), from a guest: it powers off with the number of the check that
# failed, or 0.
cat >"$tmp/balloon.s" <<'ASM'
        .equ PFN, 0xa2
        .equ CMD, 0xa3
        .equ RESULT, 0xa4
        .equ SIZE, 0xa1
_start: li      r5, 0x12c000        ; page 300 holds a word
        li      r6, 0x5a5a
        stw     r6, 0(r5)
        li      r1, 300
        out     r1, PFN(r0)
        li      r7, 1               ; check 1: INFLATE is done
        li      r2, 1
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 0
        bne     fail
        li      r7, 2               ; check 2: SIZE is 1
        in      r3, SIZE(r0)
        cmpi    r3, 1
        bne     fail
        li      r7, 3               ; check 3: again is STATE
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 3
        bne     fail
        li      r7, 4               ; check 4: DEFLATE is done
        li      r2, 2
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 0
        bne     fail
        li      r7, 5               ; check 5: the page reads as zero
        ldw     r3, 0(r5)
        cmpi    r3, 0
        bne     fail
        li      r7, 6               ; check 6: DEFLATE again is STATE
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 3
        bne     fail
        li      r7, 7               ; check 7: a page outside RAM
        li      r1, 0x100000
        out     r1, PFN(r0)
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 2
        bne     fail
        li      r7, 8               ; check 8: no such command
        li      r2, 9
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 1
        bne     fail
        li      r7, 0
fail:   out     r7, 0(r0)
ASM
for ram in "" "ram = 64K"; do
	lab balloon <<LAB
[host h]
$ram
[machine m]
image = $tmp/balloon.s
balloon = yes
LAB
	run balloon
	if [ "$(cat "$tmp/balloon.status")" = 0 ]; then
		ok "the balloon's commands and results${ram:+ (with $ram)}"
	else
		not_ok "balloon: check $(awk '$1 == "m" { print $2 }' \
			"$tmp/balloon.out") failed${ram:+ (with $ram)}"
		cat "$tmp/balloon.out" "$tmp/balloon.err"
	fi
done
"$AULA" run "$tmp/balloon.s" -I "$tmp" -q >/dev/null 2>&1 </dev/null
if [ $? = 1 ]; then
	ok "aula run has no balloon: its ports are unassigned (check 1 fails)"
else
	not_ok "aula run answers the balloon's ports"
fi

# ... and so for a guest that does DMA from a disk into its RAM: each run
# on a fresh image, the image afterwards the same too.
"$AULA" disk create "$tmp/d1.img" 64K >/dev/null
cp "$tmp/d1.img" "$tmp/d2.img"
lab mem-disk <<LAB
[host h]
ram = 32K
share = yes
sample = 2000
[machine m]
image = $images/disk.img
disk = $tmp/d1.img
dump-mem = 0x1000:0x3000
LAB
run mem-disk --dump-dir dumps
"$AULA" run "$images/disk.img" --disk "$tmp/d2.img" --dump-regs \
	--dump-mem 0x1000:0x3000 -q --console-out /dev/null </dev/null \
	>"$tmp/disk.dump"
if cmp -s "$tmp/disk.dump" "$tmp/dumps/m.dump" &&
   cmp -s "$tmp/d1.img" "$tmp/d2.img"; then
	ok "disk: under pressure, the dump and the image of aula run"
else
	not_ok "disk: the lab's dump or image differs from aula run's"
	diff "$tmp/disk.dump" "$tmp/dumps/m.dump" | head
fi

# Clones share: three copies of one program, their pages merged.
lab clones <<LAB
[host h]
share = yes
sample = 100000
[machine a]
image = $ex/lab/memhog.s
[machine b]
image = $ex/lab/memhog.s
[machine c]
image = $ex/lab/memhog.s
LAB
run clones
if grep -q "memory: budget 0 pages, used 98, .* 98 shared" "$tmp/clones.out" &&
   [ "$(awk '$1 == "c" && NF == 9 { print $5 }' "$tmp/clones.out")" = 98 ]
then
	ok "three clones: 98 host pages hold their 294 guest pages"
else
	not_ok "clones do not share"; cat "$tmp/clones.out"
fi

# Live migration in a lab: the moved machine ends as it would have
# without moving -- the same dump and console -- and its downtime is
# steal time.  Then the same lab with the migration started from the
# monitor instead.
mig_lab() {
	cat <<LAB
[lab]
time = 3M
[host a]
[host b]
[machine busy]
image = $ex/migrate/dirty.s
host = a
[machine other]
image = $ex/lab/busy.s
host = a
LAB
}
mig_lab | lab plain
mig_lab | sed '$a\
[migration m]\
machine = busy\
to = b\
at = 250K' | lab moved
mkdir -p "$tmp/plain.d" "$tmp/moved.d"
run plain --dump-dir "$tmp/plain.d"
run moved --dump-dir "$tmp/moved.d"
if grep -q "^migration m: busy from a to b at 250000: completed, .* rounds" \
	"$tmp/moved.out" &&
   cmp -s "$tmp/plain.d/busy.dump" "$tmp/moved.d/busy.dump" &&
   [ "$(grep '^busy|' "$tmp/plain.out")" = "$(grep '^busy|' "$tmp/moved.out")" ] &&
   [ "$(awk '$1 == "busy" && NF == 7' "$tmp/moved.out" | wc -l)" = 1 ] &&
   awk '/^host b:/ { b = 1 } b && $1 == "busy" && NF == 7 { f = 1 } END { exit !f }' \
	"$tmp/moved.out"
then
	ok "a machine migrated in a lab ends as it would have at home"
else
	not_ok "a migrated machine differs"; cat "$tmp/moved.out" "$tmp/moved.err"
	diff "$tmp/plain.d/busy.dump" "$tmp/moved.d/busy.dump"
fi
# A machine whose balloon holds pages moves with it: after the move its
# balloon still knows them (INFLATE of one is STATE, SIZE is what it was).
cat >"$tmp/bmig.s" <<'ASM'
        .equ PFN, 0xa2
        .equ CMD, 0xa3
        .equ RESULT, 0xa4
        .equ SIZE, 0xa1
_start: li      r1, 300             ; pages 300..309 into the balloon
        li      r2, 1
.inf:   out     r1, PFN(r0)
        out     r2, CMD(r0)
        addi    r1, r1, 1
        cmpi    r1, 310
        bne     .inf
        li      r4, 200000          ; a while, for the move
.spin:  addi    r4, r4, -1
        cmpi    r4, 0
        bne     .spin
        li      r7, 1               ; check 1: page 305 is in the balloon
        li      r1, 305
        out     r1, PFN(r0)
        out     r2, CMD(r0)
        in      r3, RESULT(r0)
        cmpi    r3, 3
        bne     .fail
        li      r7, 2               ; check 2: SIZE is 10
        in      r3, SIZE(r0)
        cmpi    r3, 10
        bne     .fail
        li      r7, 0
.fail:  out     r7, 0(r0)
ASM
for how in plain moved; do
	{
		printf '[lab]\ntime = 3M\n[host a]\n[host b]\n'
		printf '[machine bm]\nimage = %s\nhost = a\nballoon = yes\n' \
			"$tmp/bmig.s"
		[ $how = moved ] &&
			printf '[migration m]\nmachine = bm\nto = b\nat = 100K\n'
	} | lab "b$how"
	mkdir -p "$tmp/b$how.d"
	run "b$how" --dump-dir "$tmp/b$how.d"
done
if grep -q "^migration m: bm from a to b at 100000: completed" \
	"$tmp/bmoved.out" && grep -q "^stop=poweroff$" "$tmp/bplain.d/bm.dump" &&
   grep -q "^stop_code=0$" "$tmp/bplain.d/bm.dump" &&
   cmp -s "$tmp/bplain.d/bm.dump" "$tmp/bmoved.d/bm.dump"
then
	ok "a machine with pages in its balloon migrates, and its balloon with it"
else
	not_ok "a ballooned machine's migration"
	cat "$tmp/bmoved.out" "$tmp/bmoved.err"
	diff "$tmp/bplain.d/bm.dump" "$tmp/bmoved.d/bm.dump"
fi
# ... and under memory managers: the target's manager counts the pages
# in its balloon as the source's did (they cost the target nothing).
for how in plain moved; do
	{
		printf '[lab]\ntime = 3M\n[host a]\nram = 4M\n[host b]\nram = 4M\n'
		printf '[machine bm]\nimage = %s\nhost = a\nballoon = yes\n' \
			"$tmp/bmig.s"
		[ $how = moved ] &&
			printf '[migration m]\nmachine = bm\nto = b\nat = 100K\n'
	} | lab "bp$how"
	run "bp$how"
done
# The pages table's row: bm touched resid swapped shared balloon ...
bal() { awk '$1 == "bm" && NF == 9 { print $6 }' "$tmp/bp$1.out"; }
if [ "$(bal plain)" = 10 ] && [ "$(bal moved)" = 10 ] &&
   grep -q "^migration m: bm from a to b at 100000: completed" "$tmp/bpmoved.out"
then
	ok "a ballooned machine's pages stay the host's after it moves between managers"
else
	not_ok "the balloon under managers after a move: $(bal plain) / $(bal moved)"
	cat "$tmp/bpmoved.out"
fi
# Under memory managers: memhog swapping on a 16-page budget moves to a
# host of 12 pages (and to one without a budget, and from one): the same
# dump, and the host it left holds none of its pages.
for to in "ram = 48K" "" ; do
	for from in "ram = 64K" ""; do
		[ -z "$from$to" ] && continue
		for how in plain moved; do
			{
				printf '[lab]\ntime = 20M\n[host a]\n%s\nshare = yes\n' \
					"$from"
				printf '[host b]\n%s\n[machine hog]\n' "$to"
				printf 'image = %s\nhost = a\n' "$ex/lab/memhog.s"
				[ $how = moved ] && printf '%s\n' "[migration m]" \
					"machine = hog" "to = b" "at = 2M"
			} | lab "p$how"
			rm -rf "$tmp/p$how.d"
			mkdir "$tmp/p$how.d"
			run "p$how" --dump-dir "$tmp/p$how.d"
		done
		what="from a host with ${from:-no budget} to one with ${to:-no budget}"
		if grep -q "^migration m: hog from a to b at 2000000: completed" \
			"$tmp/pmoved.out" &&
		   grep -q "all as written" "$tmp/pmoved.out" &&
		   cmp -s "$tmp/pplain.d/hog.dump" "$tmp/pmoved.d/hog.dump" &&
		   awk '/^host a:/ { a = 1 } /^host b:/ { a = 0 }
			a && /memory: budget/ && $6 != "0," { bad = 1 }
			END { exit bad }' "$tmp/pmoved.out"
		then
			ok "memhog under memory managers migrates $what"
		else
			not_ok "memhog's migration $what"
			cat "$tmp/pmoved.out" "$tmp/pmoved.err"
		fi
	done
done
printf '%s\n' "migrate busy b" "info migrate" "step 400000" "info migrate" \
	"continue" "info vms" quit >"$tmp/mig.cmd"
(cd "$tmp" && "$AULA" lab plain.lab -I "$ex" -x mig.cmd --batch -q \
	</dev/null >mig.out 2>&1)
if grep -q "^migrating busy to b from the lab's next window" "$tmp/mig.out" &&
   grep -q "^migration monitor-1: busy from a to b at 0: not started" "$tmp/mig.out" &&
   grep -q "^migration: completed" "$tmp/mig.out" &&
   grep -q "^[* ]*busy *b " "$tmp/mig.out"
then
	ok "the monitor's migrate and info migrate"
else
	not_ok "the monitor's migrate"; cat "$tmp/mig.out"
fi
# Its refusals (a script stops at its first error).
for c in "migrate busy b|migrate busy b|busy is migrating already" \
	"migrate nobody b|no machine 'nobody' in the lab" \
	"migrate busy nowhere|no host 'nowhere' in the lab" \
	"migrate busy a|busy is on host a already"; do
	want=${c##*|}
	printf '%s\n' "${c%|*}" | tr '|' '\n' >"$tmp/mig.cmd"
	(cd "$tmp" && "$AULA" lab plain.lab -I "$ex" -x mig.cmd --batch -q \
		</dev/null >mig.out 2>&1)
	if grep -q "error: migrate: $want" "$tmp/mig.out"; then
		ok "the monitor refuses: $want"
	else
		not_ok "the monitor's migrate: no '$want'"; cat "$tmp/mig.out"
	fi
done

# Two migrations of one machine at once are one too many: they would
# share its dirty bits.
mig_lab | sed '$a\
[migration first]\
machine = busy\
to = b\
at = 250K\
bandwidth = 1\
[migration second]\
machine = busy\
to = b\
at = 251K' | lab twice
run twice
if grep -q "^migration second: busy from a to b at 251000: failed: the machine is migrating already (migration first)" "$tmp/twice.out" &&
   grep -q "^migration first: busy from a to b at 250000: failed: the guest stopped before the switchover" "$tmp/twice.out" &&
   grep -q "^busy| dirty: sum 185984" "$tmp/twice.out"; then
	ok "a second migration of a migrating machine is refused"
else
	not_ok "two migrations at once"; cat "$tmp/twice.out"
fi

# A migration not started yet names the host it will leave: after an
# earlier one of the same machine, that one's target.
printf '%s\n' "info migrate" >"$tmp/im.cmd"
(cd "$ex/lab/migrate" && "$AULA" lab migrate.lab -x "$tmp/im.cmd" --batch \
	</dev/null 2>&1) | sed -n 1,/quit/p >"$tmp/im.out"
if grep -qx "migration there: web from a to b at 900000: not started" \
	"$tmp/im.out" &&
   grep -qx "migration back: web from b to a at 1700000: not started" \
	"$tmp/im.out"; then
	ok "info migrate names the host a pending migration will leave"
else
	not_ok "info migrate's pending migrations: $(cat "$tmp/im.out")"
fi

# The report's migration line that aula-lab(5) shows is migrate.lab's.
line=$(sed -n 's/^\(migration there: .*\)$/\1/p' "$top_srcdir/man/aula-lab.5" |
	sed 's/\\-/-/g')
if [ -n "$line" ] && grep -qxF "$line" "$ex/lab/migrate/migrate.expected"; then
	ok "aula-lab(5)'s migration line is migrate.lab's"
else
	not_ok "aula-lab(5)'s migration line is not in migrate.expected: '$line'"
fi

# Mistakes: each names the file, the line and the key; nothing runs.
# bad DESCRIPTION MESSAGE TEXT: a lab file of TEXT (printf's format) is
# refused with MESSAGE on stderr.
bad()
{
	d=$1 want=$2
	printf "$3" >"$tmp/bad.lab"
	run bad
	if [ "$(cat "$tmp/bad.status")" = 2 ] &&
	   grep -q -- "$want" "$tmp/bad.err" && [ ! -s "$tmp/bad.out" ]; then
		ok "refused: $d"
	else
		not_ok "$d: exit $(cat "$tmp/bad.status"), wanted '$want'"
		cat "$tmp/bad.err"
	fi
}
bad "a bad size" "bad.lab:3: \[machine a\] ram: '3K'" \
	'[machine a]\nimage = x.s\nram = 3K\n'
bad "an unknown host" "bad.lab:3: \[machine a\] host: no \[host big\]" \
	'[machine a]\nimage = x.s\nhost = big\n'
bad "an unknown switch" "bad.lab:3: \[machine a\] nic: no \[switch lan\]" \
	'[machine a]\nimage = x.s\nnic = lan\n'
bad "an unknown key" "bad.lab:3: \[machine a\]: unknown key 'colour'" \
	'[machine a]\nimage = x.s\ncolour = red\n'
bad "a missing image" "bad.lab:2: \[machine a\]: image is missing" \
	'\n[machine a]\nram = 1M\n'
bad "a name twice" "bad.lab:3: \[machine a\]: a second machine" \
	'[machine a]\nimage = x.s\n[machine a]\nimage = y.s\n'
bad "no CPUs" "bad.lab:2: \[host h\] cpus: '0'" \
	'[host h]\ncpus = 0\n[machine a]\nimage = x.s\n'
bad "a VLAN out of range" "bad.lab:2: \[switch s\] vlan.a: '5000'" \
	'[switch s]\nvlan.a = 5000\n[machine a]\nimage = x.s\nnic = s\n'
bad "a VLAN for no port" "bad.lab:2: \[switch s\] vlan.b: no machine" \
	'[switch s]\nvlan.b = 5\n[machine a]\nimage = x.s\nnic = s\n'
bad "a key twice" "bad.lab:3: \[machine a\]: 'image' a second time" \
	'[machine a]\nimage = x.s\nimage = y.s\n'
bad "a key outside a section" "bad.lab:1: image: a key before" \
	'image = x.s\n'
bad "a line that is no key" "bad.lab:2: expected \[SECTION NAME\]" \
	'[machine a]\nimage x.s\n'
bad "an unknown section" "bad.lab:1: \[disk a\]: unknown" \
	'[disk a]\n'
bad "a migration to no host" "bad.lab:5: \[migration m\] to: no \[host b\]" \
	'[machine a]\nimage = x.s\n[migration m]\nmachine = a\nto = b\n'
bad "a migration of nothing" "bad.lab:3: \[migration m\]: machine = NAME is missing" \
	'[machine a]\nimage = x.s\n[migration m]\nto = host\n'
bad "a bad policy" "bad.lab:6: \[migration m\] converge: 'maybe'" \
	'[host g]\n[machine a]\nimage = x.s\n[migration m]\nmachine = a\nconverge = maybe\nto = g\n'
bad "no machine" "a lab needs at least one machine" \
	'# nothing\n'
printf '[machine a]\nimage = missing.s\n' >"$tmp/bad.lab"
run bad
if [ "$(cat "$tmp/bad.status")" = 2 ] && grep -q "missing.s" "$tmp/bad.err"
then
	ok "a missing image is named"
else
	not_ok "a missing image"; cat "$tmp/bad.err"
fi
run nosuch
if [ "$(cat "$tmp/nosuch.status")" = 2 ] &&
   grep -q "nosuch.lab: cannot open" "$tmp/nosuch.err"; then
	ok "a missing lab file is named"
else
	not_ok "a missing lab file"; cat "$tmp/nosuch.err"
fi

# Every key the parser knows is in aula-lab(5), as .BI KEY or .BR KEY.
man5=$top_srcdir/man/aula-lab.5
keys=$(sed -n 's/.*strn*cmp(k, "\([a-z.-]*\)".*/\1/p' \
	"$top_srcdir/lab/labfile.c" | sort -u)
missing=
for k in $keys; do
	km=$(printf '%s' "$k" | sed 's/-/\\-/g')
	grep -F -q -e ".BI $km " -e ".BR $km " "$man5" || missing="$missing $k"
done
if [ -n "$keys" ] && [ -z "$missing" ]; then
	ok "aula-lab(5) describes every key of the lab file"
else
	not_ok "aula-lab(5) lacks the keys:$missing"
fi

echo "1..$n"
[ $fails = 0 ]
