#!/bin/sh
# Record and replay (aula(1), docs/record-format.md): a session typed at a
# pseudo-terminal (tests/ptydrive), whose input comes whenever it is typed,
# is recorded and replayed into the same output and the same end; a batch
# run too; a recording forged to have an input at another moment is
# caught where it diverges; damaged files are refused with a message.
set -u
: "${AULA:?}" "${top_srcdir:?}"
drive=$(dirname "$AULA")/tests/ptydrive
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-replay.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM
status=0
fail() { echo "FAIL: $*"; status=1; }
echo_s=$top_srcdir/tests/monitor/echo.s

# replays FILE OUT: --replay FILE must say it came out as recorded, with
# the console output in OUT.
replays() {
	"$AULA" run --replay "$1" --console-out "$tmp/replayed" \
		--dump-file "$tmp/replayed.dump" </dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 0 ] || { fail "--replay $1: exit $rc"; cat "$tmp/err"; }
	grep -q "the run came out as recorded" "$tmp/err" ||
		{ fail "--replay $1 does not say so"; cat "$tmp/err"; }
	cmp -s "$tmp/replayed" "$2" ||
		fail "--replay $1: other console output"
}

# --- typed at a terminal ----------------------------------------------------
if [ -x "$drive" ]; then
	# The terminal is in canonical mode: each line reaches the guest
	# when Enter is typed, as the person types it.
	cat >"$tmp/typing.session" <<'EOS'
expect ready> 
send ab\r
expect ab
send c\r
expect c
send q\r
exit 0
EOS
	"$drive" "$tmp/typing.session" "$AULA" run "$echo_s" \
		--record "$tmp/typed.rec" >"$tmp/drive.out" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		echo "SKIP: no pseudo-terminal for the typed session"
	elif [ $rc != 0 ]; then
		fail "the typed session"
		cat "$tmp/drive.out"
	else
		printf 'ready> ab\nc\nq' >"$tmp/typed.want"
		replays "$tmp/typed.rec" "$tmp/typed.want"
		echo "PASS: a session typed at a terminal replays"
	fi
fi

# --- a batch run ---------------------------------------------------------------
printf 'hello q' >"$tmp/in"
"$AULA" run "$echo_s" -q --console-in "$tmp/in" --record "$tmp/batch.rec" \
	--console-out "$tmp/batch.con" --dump-file "$tmp/batch.dump" </dev/null ||
	fail "recording a batch run"
replays "$tmp/batch.rec" "$tmp/batch.con"
cmp -s "$tmp/replayed.dump" "$tmp/batch.dump" || fail "the dumps differ"

# --- a forged recording diverges, and says where -------------------------------
# The third console byte, a position later, with the END's CRC made right.
python3 - "$tmp/batch.rec" "$tmp/forged.rec" <<'EOP' 2>/dev/null
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
at = 16 + 4 + struct.unpack_from('<I', b, 16)[0]
n = 0
while b[at] != 8:
    kind = b[at]
    if kind == 1:
        n += 1
        if n == 3:
            pos = struct.unpack_from('<Q', b, at + 1)[0]
            struct.pack_into('<Q', b, at + 1, pos + 1)
    at += 13 + {1: 1, 2: 0, 3: 6, 4: 4, 5: 0, 6: 1, 7: 0}[kind]
struct.pack_into('<I', b, at + 13 + 12, zlib.crc32(bytes(b[:at])))
open(sys.argv[2], 'wb').write(b)
EOP
if [ -s "$tmp/forged.rec" ]; then
	"$AULA" run --replay "$tmp/forged.rec" -q >/dev/null 2>"$tmp/err" \
		</dev/null
	rc=$?
	[ $rc = 2 ] || fail "a forged recording: exit $rc, not 2"
	grep -q "the run diverged: the recording has input 2 at position" \
		"$tmp/err" || { fail "a forged recording: no divergence"; \
				cat "$tmp/err"; }
fi

# --- damage -------------------------------------------------------------------
refused() {
	what=$1 msg=$2 file=$3
	"$AULA" run --replay "$file" -q >/dev/null 2>"$tmp/err" </dev/null
	rc=$?
	[ $rc = 2 ] || fail "$what: exit $rc, not 2"
	grep -q -- "$msg" "$tmp/err" || { fail "$what: no '$msg'"; \
					 cat "$tmp/err"; }
}
size=$(wc -c <"$tmp/batch.rec")
head -c $((size - 3)) "$tmp/batch.rec" >"$tmp/cut.rec"
refused "a truncated recording" "truncated" "$tmp/cut.rec"
cp "$tmp/batch.rec" "$tmp/flip.rec"
printf '\001' | dd of="$tmp/flip.rec" bs=1 seek=$((size - 40)) \
	conv=notrunc 2>/dev/null
refused "a flipped byte" "corrupt" "$tmp/flip.rec"
echo "just text" >"$tmp/text.rec"
refused "another kind of file" "not an Aula recording" "$tmp/text.rec"
"$AULA" run --replay "$tmp/batch.rec" --console-in "$tmp/in" \
	>/dev/null 2>"$tmp/err" </dev/null
[ $? = 2 ] && grep -q "the recording holds the machine" "$tmp/err" ||
	fail "--replay with --console-in is not refused"
[ $status = 0 ] && echo "PASS: record and replay"
exit $status
