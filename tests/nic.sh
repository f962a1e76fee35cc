#!/bin/sh
# The network end to end (docs/devices.md, section 8): aula run's --nic,
# --pcap and --mac as a user meets them, a capture that is the same at
# every run, and the network demo -- two aula run processes on one
# aula hub, the receiver printing the frame the sender sent.
#
# The only waits on the wall clock are for the hub's socket to appear and
# for the receiver to join the hub, each a bounded loop that ends as soon
# as the file or the line is there.
set -u
: "${AULA:?}" "${top_srcdir:?}"
images=$(dirname "$AULA")/images
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-nic.XXXXXX") || exit 99
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
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
status()
{
	want=$1 d=$2
	shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/err"; fi
}
stderr_has()
{
	if grep -q -- "$1" "$tmp/err"; then ok "stderr says '$1'"; else
		not_ok "stderr lacks '$1'"; cat "$tmp/err"; fi
}
stdout_has()
{
	if grep -q -- "$1" "$tmp/out"; then ok "stdout says '$1'"; else
		not_ok "stdout lacks '$1'"; cat "$tmp/out"; fi
}

# wait_for DESCRIPTION TEST...: up to 10 s for the test to succeed.
wait_for()
{
	d=$1
	shift
	i=0
	while ! "$@"; do
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			not_ok "$d: not within 10 s"
			return 1
		fi
		sleep 0.05
	done
	ok "$d"
}

sender=$images/net-sender.img
receiver=$images/net-receiver.img

# --- the command line ------------------------------------------------------
status 2 "--nic with a bad back end" run --nic wire "$sender"
stderr_has "is not none, hub=PATH or pcap=FILE"
status 2 "--mac that is not an address" run --mac 02:00:00 "$sender"
stderr_has "is not a MAC address"
status 2 "--mac with a group address" run --mac 01:00:5e:00:00:01 "$sender"
stderr_has "group (multicast) address"
status 2 "--mac all zero" run --mac 00:00:00:00:00:00 "$sender"
status 2 "--nic none with a capture" run --nic none --pcap "$tmp/x" "$sender"
stderr_has "unplugs the cable"
status 2 "two captures" run --pcap "$tmp/x" --nic pcap="$tmp/y" "$sender"
status 2 "two hubs" run --nic hub="$tmp/a" --nic hub="$tmp/b" "$sender"
status 2 "a hub that is not running" run --nic hub="$tmp/nohub" "$sender"
stderr_has "no hub answers there"
status 2 "aula hub without a path" hub
status 2 "aula hub with a path too long" hub "$tmp/$(printf '%0120d' 0)"

# --- unplugged, and a capture alone ----------------------------------------
status 1 "the sender, unplugged" run "$sender"
stdout_has "sender: no link"
status 1 "the receiver, unplugged" run "$receiver"
stdout_has "receiver: no link"
status 0 "the sender into a capture" run "$sender" --pcap "$tmp/a.pcap" \
	--mac 0x2a
stdout_has "sender: sent a frame from 02:00:00:00:00:2a to 02:00:00:00:00:02"
status 0 "the same again" run "$sender" --nic pcap="$tmp/b.pcap" --mac 42
if cmp -s "$tmp/a.pcap" "$tmp/b.pcap"; then
	ok "a run without a hub writes the same capture every time"
else
	not_ok "the two captures differ"
fi
size=$(wc -c <"$tmp/a.pcap" | tr -d ' ')
if [ "$size" = $((24 + 16 + 60)) ]; then ok "the capture holds one frame"
else not_ok "the capture has $size bytes, not 100"; fi
if command -v tcpdump >/dev/null 2>&1; then
	if tcpdump -r "$tmp/a.pcap" -n -e 2>/dev/null |
		grep -q "02:00:00:00:00:2a > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 60"
	then ok "tcpdump reads the capture"
	else not_ok "tcpdump does not read the capture as expected"
		tcpdump -r "$tmp/a.pcap" -n -e; fi
fi
# A file size limit (ulimit -f, in blocks of 512 bytes here) or a closed
# pipe: a message and a host error, never a silent death, and a capture
# cut back to its last whole frame, which tcpdump still reads.
cat >"$tmp/many.s" <<'EOF'
_start: li      r5, 50
.send:  la      r1, frame
        out     r1, 0x84(r0)        ; NIC_TX_ADDR
        li      r1, 60
        out     r1, 0x85(r0)        ; NIC_TX_LEN
        li      r1, 1
        out     r1, 0x88(r0)        ; NIC_CMD: transmit
.wait:  in      r1, 0x81(r0)        ; NIC_STATUS
        tsti    r1, 4               ; TXDONE
        beq     .wait
        addi    r5, r5, -1
        cmpi    r5, 0
        bne     .send
        out     r0, 0(r0)
        .align  4
frame:  .byte   2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5
        .space  46
EOF
(ulimit -f 2 && exec "$AULA" run "$tmp/many.s" --pcap "$tmp/lim.pcap") \
	>"$tmp/out" 2>"$tmp/err" </dev/null
got=$?
if [ "$got" -eq 8 ]; then ok "ulimit -f: a host error (exit 8)"
else not_ok "ulimit -f: exit $got, not 8"; cat "$tmp/err"; fi
stderr_has "host error: writing the capture file failed"
size=$(wc -c <"$tmp/lim.pcap" | tr -d ' ')
if [ "$size" -gt 24 ] && [ $(((size - 24) % 76)) = 0 ]; then
	ok "the capture is cut back to whole frames ($size bytes)"
else not_ok "the capture has $size bytes: not 24 + 76 n"; fi
if command -v tcpdump >/dev/null 2>&1; then
	if tcpdump -r "$tmp/lim.pcap" -n >/dev/null 2>"$tmp/tcpdump.err" &&
		! grep -q -i "truncated" "$tmp/tcpdump.err"
	then ok "tcpdump reads the cut capture"
	else not_ok "tcpdump: $(cat "$tmp/tcpdump.err")"; fi
fi
# A pipe whose reader is gone before aula writes (made by python, so that
# no race decides it): the sender's line fails, after its frame.
if command -v python3 >/dev/null 2>&1; then
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.run(sys.argv[1:], stdout=w, stdin=subprocess.DEVNULL).returncode)
' "$AULA" run "$sender" --pcap "$tmp/pipe.pcap" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq 8 ]; then ok "a closed pipe: a host error (exit 8)"
	else not_ok "a closed pipe: exit $got, not 8"; cat "$tmp/err"; fi
	stderr_has "host error: writing the console output failed"
	size=$(wc -c <"$tmp/pipe.pcap" | tr -d ' ')
	if [ "$size" = $((24 + 16 + 60)) ]; then
		ok "... and the capture holds its frame"
	else not_ok "after a closed pipe the capture has $size bytes"; fi
fi
if [ -w /dev/full ]; then
	status 8 "a capture that cannot be written" run "$sender" \
		--pcap /dev/full
	stderr_has "host error: writing the capture file failed"
fi

# --- the network demo on a hub ---------------------------------------------
lan=$tmp/lan
"$AULA" hub "$lan" -v >"$tmp/hub.log" 2>&1 &
hub_pid=$!
wait_for "aula hub binds its socket" test -S "$lan" || exit 1

# The receiver sleeps in halt until the frame comes; should it never
# come, its own timer ends it (30 s of virtual time, at about the host's
# pace while it is halted), and timeout(1) is a last resort.
limit=
command -v timeout >/dev/null 2>&1 && limit="timeout 60"
# Its halted ticks count against --max-insns (docs/security.md, section
# 4), so the budget leaves room for that wait on a busy machine.
$limit "$AULA" run "$receiver" --nic hub="$lan" --mac 2 \
	--max-insns 6000000000 >"$tmp/rx.out" 2>&1 </dev/null &
rx_pid=$!
wait_for "the receiver joins the hub" grep -q "client 1 joined" \
	"$tmp/hub.log" || exit 1
status 0 "the sender sends" run "$sender" --nic hub="$lan" \
	--max-insns 1000000 --pcap "$tmp/tx.pcap"
stdout_has "sender: sent a frame from 02:00:00:00:00:01 to 02:00:00:00:00:02"
wait "$rx_pid"
got=$?
rx_pid=
if [ "$got" -eq 0 ]; then ok "the receiver got it (exit 0)"; else
	not_ok "the receiver exited $got"; fi
if grep -q "^receiver: got 60 bytes from 02:00:00:00:00:01: Hello over the wire!$" \
	"$tmp/rx.out"; then ok "the receiver printed the frame"
else not_ok "the receiver did not print the frame:"; cat "$tmp/rx.out"; fi
for line in "client 2: learned 02:00:00:00:00:01" \
	"02:00:00:00:00:01 > 02:00:00:00:00:02, 60 bytes, from client 2: flooded to 1 client"
do
	if grep -q -F -- "$line" "$tmp/hub.log"; then ok "the hub says '$line'"
	else not_ok "the hub did not say '$line'"; cat "$tmp/hub.log"; fi
done

# A client stopped by a signal removes its socket.
"$AULA" run "$receiver" --nic hub="$lan" --mac 3 >/dev/null 2>&1 </dev/null &
pid=$!
wait_for "a third client joins" grep -q "client 3 joined" "$tmp/hub.log"
kill -TERM "$pid"
wait "$pid"
if [ -e "$lan.$pid" ]; then not_ok "a client killed by SIGTERM left $lan.$pid"
else ok "a client killed by SIGTERM removes its socket"; fi

# Under the monitor, the frame the receiver took is on its timeline: back
# at the start and forward again, it comes at the same moment, though the
# hub sends nothing more (without the log the guest would wait for ever).
printf '%s\n' continue 'print $insns' 'goto #0' continue 'print $insns' \
	'reverse-step 5' continue 'print $insns' quit >"$tmp/rx.cmd"
$limit "$AULA" debug "$receiver" --nic hub="$lan" --mac 2 -x "$tmp/rx.cmd" \
	--batch >"$tmp/rx-mon.out" 2>&1 </dev/null &
rx_pid=$!
wait_for "the debugged receiver joins the hub" grep -q "client 4 joined" \
	"$tmp/hub.log" || exit 1
"$AULA" run "$sender" --nic hub="$lan" --mac 1 --max-insns 1000000 \
	-q >/dev/null 2>&1 </dev/null
wait "$rx_pid"
got=$?
rx_pid=
if [ "$got" -eq 0 ] &&
   [ "$(grep -c '^stopped: poweroff' "$tmp/rx-mon.out")" = 3 ] &&
   [ "$(grep '^0x' "$tmp/rx-mon.out" | sort -u | wc -l)" = 1 ] &&
   [ "$(grep -c 'receiver: got 60 bytes' "$tmp/rx-mon.out")" = 1 ]; then
	ok "a frame from the hub comes again where it came, going back and forth"
else
	not_ok "the frame on the timeline (exit $got)"; cat "$tmp/rx-mon.out"
fi

kill -TERM "$hub_pid"
wait "$hub_pid"
got=$?
hub_pid=
if [ "$got" -eq 0 ]; then ok "aula hub stops on SIGTERM (exit 0)"
else not_ok "aula hub exited $got on SIGTERM"; fi
left=$(ls "$tmp" | grep '^lan' || true)
if [ -z "$left" ]; then ok "no socket is left behind"
else not_ok "sockets left behind: $left"; fi

if [ "$fails" -ne 0 ]; then
	echo "nic.sh: $fails of $n failed"
	exit 1
fi
echo "nic.sh: $n passed, 0 failed"
exit 0
