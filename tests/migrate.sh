#!/bin/sh
# Live migration (docs/migration.md), as a property: a machine that moves
# at a pseudo-random instruction count N, from one aula process to another
# over a Unix socket, ends as the straight run ends -- the same dump (with
# the target's budget counted from the switchover), console output (the
# source's then the target's), disk contents and capture (the target's
# announcement frame aside) -- for every example under both MMU modes.
# Then the policies (throttle, give-up), the report, a TCP link, and the
# target's refusals of a bad or unfinished stream.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-mig.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM
status=0
BUDGET=400000
M=150000		# the target's budget
fail() { echo "FAIL: $*"; status=1; }
# Every aula here is bounded: a hang is a failure, not a stuck suite.
T="timeout 120"

"$AULA" disk create "$tmp/blank.img" 64K >/dev/null || exit 99

machine_args() {
	case $1 in
	disk | guestbook) echo "--disk $tmp/$2.disk" ;;
	net-sender) echo "--nic pcap=$tmp/$2.pcap" ;;
	paging-vm-vm) echo "--mem 76M" ;;
	*-vm) echo "--mem 36M" ;;
	*) echo "" ;;
	esac
}

# The budget a run spent (insns + exception entries + halted time), from
# the checkpoint it saved on stop.
spent() {
	"$AULA" checkpoint info "$1" |
		sed -n 's/^time: *insns=\([0-9]*\) exceptions=\([0-9]*\) halted_time=\([0-9]*\)/\1 \2 \3/p' |
		{ read -r a b c; echo $((a + b + c)); }
}

# pcap_frames FILE: one line per frame, its bytes in hex, without the
# announcement (EtherType 0x88b6) -- what the guest sent.
pcap_frames() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
o = 24
while o + 16 <= len(d):
    n = struct.unpack_from('<I', d, o + 8)[0]
    f = d[o + 16:o + 16 + n]
    o += 16 + n
    if f[12:14] != b'\x88\xb6':
        print(f.hex())
EOF
}

# json FILE FIELD: a number from the source's JSON report.
json() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    l = l.strip()
    if l.startswith("{"):
        print(json.loads(l)[sys.argv[2]])' "$1" "$2"
}

# migrate NAME MMU N [source options...]: the source runs to N, moves;
# the target runs M more.  Leaves $tmp/src.err, tgt.* and the rc files.
migrate() {
	name=$1 mmu=$2 n=$3
	shift 3
	rm -f "$tmp/m.sock" "$tmp/t.pcap"
	a=$(machine_args "$name" m)
	[ -f "$tmp/m.disk" ] || cp "$tmp/blank.img" "$tmp/m.disk"
	tnic=""
	[ "$name" = net-sender ] && tnic="--nic pcap=$tmp/t.pcap"
	# shellcheck disable=SC2086
	$T "$AULA" run -q --incoming "unix:$tmp/m.sock" --max-insns $M \
		--console-out "$tmp/tgt.con" --dump-file "$tmp/tgt.dump" \
		$tnic </dev/null 2>"$tmp/tgt.err" &
	tpid=$!
	# shellcheck disable=SC2086
	$T "$AULA" run "$images/$name.img" -q --mmu="$mmu" \
		--max-insns $BUDGET --console-out "$tmp/src.con" \
		--dump-file "$tmp/src.dump" --migrate-to "unix:$tmp/m.sock" \
		--migrate-at "$n" --migrate-report=json "$@" $a \
		</dev/null 2>"$tmp/src.err"
	echo $? >"$tmp/src.rc"
	wait $tpid
	echo $? >"$tmp/tgt.rc"
}

# straight NAME MMU BUDGET: the run without a migration.
straight() {
	rm -f "$tmp/s.disk" "$tmp/s.pcap" "$tmp/s.dump"
	cp "$tmp/blank.img" "$tmp/s.disk"
	a=$(machine_args "$1" s)
	# shellcheck disable=SC2086
	$T "$AULA" run "$images/$1.img" -q --mmu="$2" --max-insns "$3" \
		--console-out "$tmp/s.con" --dump-file "$tmp/s.dump" \
		--save-on-stop "$tmp/s.ck" $a </dev/null 2>/dev/null
	echo $? >"$tmp/s.rc"
}

# check NAME MMU N WHAT: the moved run against the straight one.
check() {
	name=$1 mmu=$2 n=$3 what="$1 --mmu=$2 N=$3"
	if [ "$(cat "$tmp/src.rc")" != 0 ]; then
		fail "$what: the source exits $(cat "$tmp/src.rc")"
		cat "$tmp/src.err"
		return
	fi
	if [ "$(json "$tmp/src.err" status)" != completed ]; then
		fail "$what: the migration did not complete"
		cat "$tmp/src.err" "$tmp/tgt.err"
		return
	fi
	[ ! -s "$tmp/src.dump" ] ||
		fail "$what: the source printed a dump for a machine it gave away"
	at=$(json "$tmp/src.err" stopped_at)
	[ "$at" -ge "$n" ] || fail "$what: stopped at $at, before N"
	straight "$name" "$mmu" $((at + M))
	[ "$(cat "$tmp/tgt.rc")" = "$(cat "$tmp/s.rc")" ] ||
		fail "$what: the target exits $(cat "$tmp/tgt.rc"), straight $(cat "$tmp/s.rc")"
	cmp -s "$tmp/tgt.dump" "$tmp/s.dump" ||
		{ fail "$what: the dumps differ"; diff "$tmp/s.dump" "$tmp/tgt.dump" | head -6; }
	cat "$tmp/src.con" "$tmp/tgt.con" | cmp -s - "$tmp/s.con" ||
		fail "$what: the console output differs"
	case $name in disk | guestbook)
		cmp -s "$tmp/m.disk" "$tmp/s.disk" ||
			fail "$what: the disk contents differ" ;;
	esac
	if [ "$name" = net-sender ]; then
		pcap_frames "$tmp/t.pcap" >"$tmp/t.frames"
		python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
sys.exit(b"AULA-MIGRATED" not in d)' "$tmp/t.pcap" ||
			fail "$what: the target sent no announcement"
		{ pcap_frames "$tmp/m.pcap"; cat "$tmp/t.frames"; } >"$tmp/mt.frames"
		pcap_frames "$tmp/s.pcap" | cmp -s - "$tmp/mt.frames" ||
			fail "$what: the frames differ"
	fi
	cases=$((cases + 1))
}

seed=4242
next_random() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
}

cases=0
for name in syscall exception paging timer clock disk guestbook kbd \
	net-sender net-receiver syscall-pv hello-vm syscall-vm syscall-pv-vm \
	paging-vm paging-vm-vm; do
	for mmu in shadow nested; do
		straight "$name" "$mmu" $BUDGET
		end=$(spent "$tmp/s.ck")
		# The default link (64 pages per 1000 ticks) where the run is
		# long enough for its rounds; a fast one (the switchover a few
		# ticks after N) anywhere, at several points in the short runs
		# that do disk DMA and send frames.
		if [ "$end" -gt 40000 ]; then
			next_random
			n=$((seed % (end - 30000)))
			rm -f "$tmp/m.disk"
			migrate "$name" "$mmu" "$n"
			check "$name" "$mmu" "$n"
		fi
		points=1
		case $name in disk | guestbook | net-sender) points=6 ;; esac
		k=0
		while [ $k -lt $points ]; do
			next_random
			n=$((seed % (end - 20)))
			rm -f "$tmp/m.disk"
			migrate "$name" "$mmu" "$n" --migrate-bandwidth 100000 \
				--migrate-threshold 100000
			check "$name" "$mmu" "$n"
			k=$((k + 1))
		done
	done
done
# And where it matters most: with a disk command under way (its DMA not
# done) and with a frame on the wire, found by saving checkpoints on the
# way and reading them; the fast link stops the guest 1 tick after N.
info() {
	"$AULA" checkpoint info "$1" | sed -n "s/^  $2 .* $3=\([^ ]*\).*/\1/p"
}
special=0
for name in disk net-sender; do
	straight "$name" shadow $BUDGET
	end=$(spent "$tmp/s.ck")
	# Two runs of 16 checkpoints (aula run takes 16 --save-at at most),
	# 32 points in all.
	found=""
	for pass in 0 1; do
		saves="" i=1
		while [ $i -le 16 ]; do
			saves="$saves --save-at $((end * (2 * i - pass) / 33)) $tmp/scan$i.ck"
			i=$((i + 1))
		done
		rm -f "$tmp"/scan*.ck
		cp "$tmp/blank.img" "$tmp/scan.disk"
		a=$(machine_args "$name" scan)
		# shellcheck disable=SC2086
		"$AULA" run "$images/$name.img" -q --max-insns $BUDGET $saves $a \
			--console-out /dev/null </dev/null 2>/dev/null
		i=1
		while [ $i -le 16 ] && [ -z "$found" ]; do
			f=$tmp/scan$i.ck
			if { [ $name = disk ] &&
			     [ $(( $(info "$f" disk status) & 1 )) = 1 ]; } ||
			   { [ $name = net-sender ] &&
			     [ $(( $(info "$f" nic status) & 2 )) = 2 ]; }; then
				found=$((end * (2 * i - pass) / 33 - 1))
			fi
			i=$((i + 1))
		done
		[ -n "$found" ] && break
	done
	if [ -n "$found" ]; then
		rm -f "$tmp/m.disk"
		migrate "$name" shadow "$found" --migrate-bandwidth 100000 \
			--migrate-threshold 100000
		check "$name" shadow "$found"
		special=$((special + 1))
	fi
done
[ $special = 2 ] ||
	fail "no point with a disk command under way or a frame on the wire ($special of 2)"

[ $cases -ge 20 ] || fail "only $cases migrations were checked"
echo "migrated $cases machines"

# A guest that stops before the switchover: the migration fails, the
# source finishes the run as if nothing had happened, the target names
# the unfinished stream and exits 2.
straight hello shadow $BUDGET
rm -f "$tmp/m.disk"
migrate hello shadow 10 --migrate-bandwidth 1
[ "$(cat "$tmp/src.rc")" = "$(cat "$tmp/s.rc")" ] ||
	fail "hello: the source exits $(cat "$tmp/src.rc"), straight $(cat "$tmp/s.rc")"
cmp -s "$tmp/src.dump" "$tmp/s.dump" || fail "hello: the source's dump differs"
cmp -s "$tmp/src.con" "$tmp/s.con" || fail "hello: the source's console differs"
grep -q "the migration failed: the guest stopped before the switchover; the guest runs on here" "$tmp/src.err" ||
	{ fail "hello: no failure message"; cat "$tmp/src.err"; }
[ "$(json "$tmp/src.err" status)" = failed ] || fail "hello: the report's status"
[ "$(cat "$tmp/tgt.rc")" = 2 ] || fail "hello: the target exits $(cat "$tmp/tgt.rc"), not 2"
grep -q "the stream ended at byte [0-9]*, before its END record" "$tmp/tgt.err" ||
	{ fail "hello: the target's message"; cat "$tmp/tgt.err"; }

# examples/migrate/dirty.s writes pages faster than a slow link sends them.
dirty=$images/dirty.img
"$AULA" run -q "$dirty" --max-insns 3000000 --console-out "$tmp/d.con" \
	--dump-file "$tmp/d.dump" </dev/null
drc=$?
rm -f "$tmp/m.sock"
$T "$AULA" run -q --incoming "unix:$tmp/m.sock" --max-insns 2000000 \
	--console-out "$tmp/tgt.con" --dump-file "$tmp/tgt.dump" \
	</dev/null 2>"$tmp/tgt.err" &
tpid=$!
$T "$AULA" run -q "$dirty" --max-insns 3000000 --console-out "$tmp/src.con" \
	--migrate-to "unix:$tmp/m.sock" --migrate-at 20000 \
	--migrate-bandwidth 8 --migrate-max-rounds 3 --migrate-threshold 2 \
	</dev/null 2>"$tmp/src.err"
src=$?
wait $tpid
tgt=$?
[ $src = 0 ] || fail "throttle: the source exits $src"
grep -q '^migration: completed$' "$tmp/src.err" || fail "throttle: not completed"
grep -q '^throttle: [1-9][0-9]* %$' "$tmp/src.err" ||
	{ fail "throttle: the guest was not throttled"; cat "$tmp/src.err"; }
for f in rounds 'pages per round' 'total pages' 'dirty rate' 'total time' \
	downtime transferred 'stopped at'; do
	grep -q "^$f: " "$tmp/src.err" || fail "throttle: the report has no '$f'"
done
# The report docs/migration.md shows is this run's, line for line.
sed -n '/^migration: completed$/,/^```$/p' "$top_srcdir/docs/migration.md" |
	sed '$d' >"$tmp/doc.report"
[ -s "$tmp/doc.report" ] || fail "docs/migration.md shows no report"
cmp -s "$tmp/doc.report" "$tmp/src.err" ||
	{ fail "the report differs from docs/migration.md's"; diff "$tmp/doc.report" "$tmp/src.err"; }
[ $tgt = $drc ] || fail "throttle: the target exits $tgt, straight $drc"
cat "$tmp/src.con" "$tmp/tgt.con" | cmp -s - "$tmp/d.con" ||
	fail "throttle: the console output differs"

rm -f "$tmp/m.sock"
$T "$AULA" run -q --incoming "unix:$tmp/m.sock" --max-insns 2000000 \
	</dev/null >/dev/null 2>"$tmp/tgt.err" &
tpid=$!
$T "$AULA" run -q "$dirty" --max-insns 3000000 --console-out "$tmp/src.con" \
	--dump-file "$tmp/src.dump" --migrate-to "unix:$tmp/m.sock" \
	--migrate-at 20000 --migrate-bandwidth 8 --migrate-max-rounds 3 \
	--migrate-threshold 2 --migrate-converge give-up \
	</dev/null 2>"$tmp/src.err"
src=$?
wait $tpid
tgt=$?
[ $src = $drc ] || fail "give-up: the source exits $src, straight $drc"
grep -q 'does not converge, and the policy is to give up; the guest runs on here' "$tmp/src.err" ||
	{ fail "give-up: the message"; cat "$tmp/src.err"; }
cmp -s "$tmp/src.con" "$tmp/d.con" || fail "give-up: the console output differs"
cmp -s "$tmp/src.dump" "$tmp/d.dump" || fail "give-up: the dump differs"
[ $tgt = 2 ] || fail "give-up: the target exits $tgt, not 2"

# The disk is shared storage: a target that cannot reach it, or finds
# other contents there, refuses the machine, and the source runs it on.
straight disk shadow $BUDGET
for how in missing changed; do
	rm -f "$tmp/m.sock" "$tmp/m.disk"
	cp "$tmp/blank.img" "$tmp/m.disk"
	mkdir -p "$tmp/elsewhere"
	cp "$tmp/blank.img" "$tmp/elsewhere/other.disk"
	printf x | dd of="$tmp/elsewhere/other.disk" conv=notrunc 2>/dev/null
	tdisk=""
	[ $how = changed ] && tdisk="--disk other.disk"
	# The source names its disk relative to $tmp; the target runs in
	# $tmp/elsewhere, where that name is no file.
	# shellcheck disable=SC2086
	(cd "$tmp/elsewhere" && $T "$AULA" run -q --incoming "unix:$tmp/m.sock" \
		--max-insns $M $tdisk </dev/null >/dev/null 2>"$tmp/tgt.err") &
	tpid=$!
	(cd "$tmp" && $T "$AULA" run "$images/disk.img" -q --max-insns $BUDGET \
		--console-out "$tmp/src.con" --dump-file "$tmp/src.dump" \
		--disk m.disk --migrate-to "unix:$tmp/m.sock" --migrate-at 3000 \
		--migrate-bandwidth 100000 --migrate-threshold 100000 \
		</dev/null 2>"$tmp/src.err")
	src=$?
	wait $tpid
	tgt=$?
	[ $tgt = 2 ] || fail "$how disk: the target exits $tgt, not 2"
	[ $src = "$(cat "$tmp/s.rc")" ] ||
		fail "$how disk: the source exits $src, straight $(cat "$tmp/s.rc")"
	grep -q "the migration failed: the target refused the machine: .*disk 0.*; the guest runs on here" "$tmp/src.err" ||
		{ fail "$how disk: the source's message"; cat "$tmp/src.err" "$tmp/tgt.err"; }
	cmp -s "$tmp/src.dump" "$tmp/s.dump" || fail "$how disk: the dump differs"
	cmp -s "$tmp/src.con" "$tmp/s.con" || fail "$how disk: the console differs"
	cmp -s "$tmp/m.disk" "$tmp/s.disk" || fail "$how disk: the disk differs"
done

# TCP on the loopback: a port the kernel picks, found by python.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$T "$AULA" run -q --incoming "tcp:127.0.0.1:$port" --max-insns 100000 \
	--console-out "$tmp/tgt.con" </dev/null 2>"$tmp/tgt.err" &
tpid=$!
$T "$AULA" run -q "$images/timer.img" --max-insns 400000 \
	--console-out "$tmp/src.con" --migrate-to "tcp:127.0.0.1:$port" \
	--migrate-at 5000 </dev/null 2>"$tmp/src.err" ||
	fail "tcp: the source failed"
wait $tpid || [ $? = 4 ] || fail "tcp: the target failed"
grep -q '^migration: completed$' "$tmp/src.err" ||
	{ fail "tcp: not completed"; cat "$tmp/src.err" "$tmp/tgt.err"; }

# A target whose answer is no answer, or a refusal with control bytes:
# the source says so, printably, and runs the guest on.
straight timer shadow 400000
for answer in 'XXXX\0\0\0\0' 'FAIL\x06\0\0\0no\x1b[2J' 'FAIL\xff\xff\0\0'; do
	rm -f "$tmp/m.sock"
	python3 - "$tmp/m.sock" "$answer" <<'EOF' &
import socket, sys, os
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
while c.recv(65536):
    pass
c.sendall(sys.argv[2].encode('latin-1').decode('unicode_escape').encode('latin-1'))
c.close()
os.unlink(sys.argv[1])
EOF
	ppid=$!
	$T "$AULA" run -q "$images/timer.img" --max-insns 400000 \
		--console-out "$tmp/src.con" --dump-file "$tmp/src.dump" \
		--migrate-to "unix:$tmp/m.sock" --migrate-at 5000 \
		</dev/null 2>"$tmp/src.err"
	src=$?
	wait $ppid
	case $answer in
	*x06*) want="the target refused the machine: no?\[2J" ;;
	*) want="the target's answer is not OKAY or FAIL" ;;
	esac
	grep -q "$want; the guest runs on here" "$tmp/src.err" &&
	   [ $src = "$(cat "$tmp/s.rc")" ] &&
	   cmp -s "$tmp/src.dump" "$tmp/s.dump" ||
		{ fail "an answer $answer: exit $src, no '$want'"; cat "$tmp/src.err"; }
done

# Bad streams: a target names the offset and exits 2, never crashes.
# feed NAME PYTHON-EXPR: the bytes of a good stream, mangled, sent to a
# target over the socket.
rm -f "$tmp/m.sock"
python3 - "$tmp/m.sock" "$tmp/good.stream" <<'EOF' &
import socket, sys, os
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
with open(sys.argv[2], 'wb') as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
os.unlink(sys.argv[1])
EOF
ppid=$!
$T "$AULA" run -q "$images/timer.img" --max-insns 400000 \
	--console-out /dev/null --migrate-to "unix:$tmp/m.sock" \
	--migrate-at 5000 </dev/null 2>"$tmp/src.err"
wait $ppid
[ -s "$tmp/good.stream" ] || fail "no stream was captured"
# That listener was no aula: it never answered, so the guest ran on.
grep -q "the target closed the connection without saying that the machine runs there; the guest runs on here" "$tmp/src.err" ||
	{ fail "no answer: the source's message"; cat "$tmp/src.err"; }

bad() {
	what=$1 expr=$2 want=$3
	python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
'"$expr"'
open(sys.argv[2], "wb").write(d)' "$tmp/good.stream" "$tmp/bad.stream"
	rm -f "$tmp/m.sock"
	$T "$AULA" run -q --incoming "unix:$tmp/m.sock" --max-insns 1000 \
		</dev/null >/dev/null 2>"$tmp/bad.err" &
	bpid=$!
	python3 - "$tmp/m.sock" "$tmp/bad.stream" <<'EOF'
import socket, sys, time
for i in range(1000):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); break
    except OSError:
        s.close(); time.sleep(0.01)
try:
    s.sendall(open(sys.argv[2], 'rb').read())
except OSError:
    pass
s.close()
EOF
	wait $bpid
	rc=$?
	[ $rc = 2 ] || fail "$what: the target exits $rc, not 2"
	grep -q -- "$want" "$tmp/bad.err" ||
		{ fail "$what: no '$want'"; cat "$tmp/bad.err"; }
}
# Options that do not go together, and bad values: exit 2, with a word.
refused() {
	want=$1
	shift
	"$AULA" run "$@" </dev/null >"$tmp/opt.out" 2>"$tmp/opt.err"
	rc=$?
	[ $rc = 2 ] && grep -q -- "$want" "$tmp/opt.err" ||
		{ fail "aula run $*: exit $rc, no '$want'"; cat "$tmp/opt.err"; }
}
refused "the --migrate-\* options go with --migrate-to" \
	"$images/timer.img" --migrate-bandwidth 8
refused "a run is the source or" --incoming unix:/x --migrate-to unix:/y
refused "the address is unix:PATH or tcp:HOST:PORT" \
	"$images/timer.img" --migrate-to udp:1.2.3.4:5
refused "HOST a numeric IPv4 address" "$images/timer.img" \
	--migrate-to tcp:localhost:5
refused "a port from 1 to 65535" "$images/timer.img" \
	--migrate-to tcp:127.0.0.1:70000
refused "is not a number from 1" "$images/timer.img" \
	--migrate-to unix:/x --migrate-bandwidth 0
refused "is not throttle or give-up" "$images/timer.img" \
	--migrate-to unix:/x --migrate-converge maybe
refused "is not needed" --incoming unix:/x "$images/timer.img"
refused "does not go with" "$images/timer.img" --migrate-to unix:/x \
	--save-on-stop "$tmp/x.ck"

bad "bad magic" 'd[0] ^= 1' "byte 0: .*not an aula migration stream"
bad "newer version" 'd[8] = 9' "byte 8: .*version 9"
bad "header CRC" 'd[16] ^= 1' "byte 28: .*CRC"
bad "record tag" 'd[32] = ord("X")' "byte 32: "
bad "record CRC" 'd[60] ^= 0x40' "byte 40: .*CRC does not match"
bad "truncated" 'del d[len(d) // 2:]' "the stream ended at byte"
bad "after END" 'd += b"x"' "bytes after END"
bad "empty" 'del d[:]' "the stream ended at byte 0"

exit $status
