#!/bin/sh
# The documents against the code, so that the two cannot drift apart:
#   - every option aula parses or prints in --help is in aula(1), and aula(1)
#     names no option that does not exist;
#   - every instruction of cpu/isa.def is in docs/isa.md and aula-isa(7),
#     and in aula-as(1) under its own format;
#   - every control register is in docs/isa.md and aula-isa(7);
#   - every stop reason, exit status and stop message of real runs, and
#     every key of the text and JSON dumps, is in aula(1), the example dump
#     in the order aula writes it;
#   - the assembler's directives, pseudo-instructions and register aliases
#     are in aula-as(1);
#   - every register of io/ports.h is in docs/devices.md at its port, and
#     so are the register bits, the NIC's commands and results, key codes
#     and timing constants it names;
#   - every monitor command, info topic, trace category and reason of a
#     "stopped:" line is in aula-debug(1);
#   - every man page is listed in man/local.mk and renders without warnings
#     (when groff or mandoc is installed).
# make check runs it with AULA (the built aula) and top_srcdir set.

if [ -z "${AULA:-}" ] || [ -z "${top_srcdir:-}" ]; then
	echo "docs.sh: set AULA to the aula binary and top_srcdir to the" \
	     "source tree (make check does)" >&2
	exit 99
fi
src=$top_srcdir
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' INT TERM

failures=0
fail()
{
	printf 'docs.sh: %s\n' "$*" >&2
	failures=$((failures + 1))
}

# Man pages with the roff escapes of plain characters undone, so that
# "\-\-max\-insns" reads "--max-insns"; font escapes (\fB...\fP) are kept.
plain()
{
	sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' \
	    -e 's/\\(ti/~/g' -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}
for page in aula.1 aula-as.1 aula-isa.7 aula-debug.1; do
	if [ ! -f "$src/man/$page" ]; then
		fail "man/$page is missing"
		exit 1
	fi
	plain "$src/man/$page" >"$tmp/$page"
done
man1=$tmp/aula.1
as1=$tmp/aula-as.1
isa7=$tmp/aula-isa.7
debug1=$tmp/aula-debug.1
isamd=$src/docs/isa.md
devmd=$src/docs/devices.md

# has FILE STRING: the file holds the string, literally.
has() { grep -F -q -e "$2" "$1"; }
# bold FILE WORD: the man page shows the word in bold, as \fBword\fP or
# as the first argument of .B, .BR or .BI.
bold()
{
	has "$1" "\\fB$2\\f" ||
		awk -v w="$2" '($1 == ".B" || $1 == ".BR" || $1 == ".BI") &&
			$2 == w { found = 1 } END { exit !found }' "$1"
}

# ---- aula(1): options -------------------------------------------------

for cmd in run debug as dis disk hub grade lab; do
	"$AULA" "$cmd" --help >"$tmp/help.$cmd" 2>&1 ||
		fail "'aula $cmd --help' failed"
done
{
	for cmd in run debug as dis disk hub grade lab; do
		tr -c 'a-z-' '\n' <"$tmp/help.$cmd" | grep -E '^--[a-z]'
	done
	# The option tables, for options the help text leaves out.
	sed -n 's/.*{ *"\([a-z][a-z-]*\)", *[a-z]*_argument.*/--\1/p' \
		"$src"/cli/*.c
	awk '{
		line = $0
		while (match(line, /"--[a-z][a-z-]*"/)) {
			print substr(line, RSTART + 1, RLENGTH - 2)
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$src"/cli/*.c
} | sort -u >"$tmp/long"
while read -r opt; do
	grep -E -q -e "(^|[^a-z-])$opt([^a-z-]|$)" "$man1" ||
		fail "man/aula.1 does not describe the option $opt"
done <"$tmp/long"
# ... and describes no option that does not exist.
tr -c 'a-z-' '\n' <"$man1" | grep -E '^--[a-z]' | sed 's/-*$//' |
	sort -u >"$tmp/long.man"
while read -r opt; do
	grep -F -x -q -e "$opt" "$tmp/long" ||
		fail "man/aula.1 describes $opt, which aula does not have"
done <"$tmp/long.man"

{
	for cmd in run debug as dis disk hub grade lab; do
		tr ' [],|' '\n\n\n\n\n' <"$tmp/help.$cmd" |
			grep -E '^-[a-zA-Z]$'
	done
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$src"/cli/*.c |
		tr -d ':' | fold -w 1 | sed 's/^/-/'
} | sort -u >"$tmp/short"
while read -r opt; do
	grep -E -q -e "(^|[^a-zA-Z-])$opt([^a-zA-Z]|$)" "$man1" ||
		fail "man/aula.1 does not describe the option $opt"
done <"$tmp/short"

# ---- the instruction set ----------------------------------------------

sed -n 's/^INSN(\([a-z0-9]*\),.*/\1/p' "$src/cpu/isa.def" >"$tmp/insns"
[ -s "$tmp/insns" ] || fail "no INSN(...) lines found in cpu/isa.def"
while read -r m; do
	has "$isamd" "\`$m\`" || has "$isamd" "\`$m " ||
		fail "docs/isa.md does not describe the instruction $m" \
		     "(as \`$m...\`)"
	bold "$isa7" "$m" ||
		fail "man/aula-isa.7 does not describe the instruction $m" \
		     "(as \\fB$m\\fP)"
done <"$tmp/insns"

# aula-as(1) lists the mnemonics of each format in a block that starts
# with the comment line .\" isa-format: NAME (NAME from ISA_F_NAME).
sed -n 's/^INSN(\([a-z0-9]*\), *[0-9a-fx]*, *ISA_F_\([A-Z0-9]*\),.*/\2 \1/p' \
	"$src/cpu/isa.def" | sort >"$tmp/formats.def"
awk '
/^\.\\" isa-format: / { fmt = $3; next }
fmt != "" && fmt != "end" {
	line = $0
	while (match(line, /\\fB[a-z0-9]+\\fP/)) {
		print fmt, substr(line, RSTART + 3, RLENGTH - 6)
		line = substr(line, RSTART + RLENGTH)
	}
}' "$as1" | sort >"$tmp/formats.man"
if ! cmp -s "$tmp/formats.def" "$tmp/formats.man"; then
	fail "the operand formats of man/aula-as.1 (isa-format blocks) differ" \
	     "from cpu/isa.def (< isa.def, > aula-as.1):"
	diff "$tmp/formats.def" "$tmp/formats.man" | grep '^[<>]' >&2
fi

sed -n '/isa_cr_names\[ISA_CR_COUNT\] *= *{/,/};/p' "$src/cpu/isa.c" |
	tr ',' '\n' | sed -n 's/.*= *"\([a-z0-9]*\)".*/\1/p' >"$tmp/crs"
[ -s "$tmp/crs" ] || fail "no control register names found in cpu/isa.c"
while read -r cr; do
	has "$isamd" "\`$cr\`" ||
		fail "docs/isa.md does not describe the control register $cr"
	bold "$isa7" "$cr" ||
		fail "man/aula-isa.7 does not describe the control register $cr"
done <"$tmp/crs"

# The page-fault details in cause: the bits of MMU_FAULT_* (mem/mmu.h).
grep -o 'MMU_FAULT_[A-Z]* = 1u << [0-9]*' "$src/mem/mmu.h" |
	sed 's/.*<< //' | sort -n >"$tmp/pfbits"
pflo=$(head -n 1 "$tmp/pfbits") pfhi=$(tail -n 1 "$tmp/pfbits")
if [ -z "$pflo" ]; then
	fail "no MMU_FAULT_* bits found in mem/mmu.h"
fi
for doc in "$isamd" "$isa7"; do
	name=${doc#"$src"/}
	[ "$doc" = "$isa7" ] && name=man/aula-isa.7
	grep -o 'bits [0-9]*\.\.[0-9]* *page-fault' "$doc" | grep -v -q \
		-e "bits $pfhi\\.\\.$pflo page-fault" &&
		fail "$name: the page-fault details are bits $pfhi..$pflo of cause"
	has "$doc" "bits $pfhi..$pflo page-fault" ||
		fail "$name does not give the page-fault details as bits $pfhi..$pflo"
done
# aula-isa(7) describes the interrupt controller and its EOI.
eoi=$(sed -n 's/^[[:space:]]*PORT_PIC *= *0x\([0-9a-fA-F]*\).*/\1/p' "$src/io/ports.h")
eoi=$(printf '0x%x' $((0x$eoi + $(sed -n 's/^[[:space:]]*PIC_EOI *= *\([0-9]*\),.*/\1/p' "$src/io/ports.h"))))
has "$isa7" "port ($eoi)" ||
	fail "man/aula-isa.7 does not give the PIC's EOI port $eoi"
has "$isa7" "no interrupt controller" &&
	fail "man/aula-isa.7 says there is no interrupt controller"

# ---- aula(1): stop reasons, exit statuses, messages -------------------

sed -n '/^const char \*vm_stop_name/,/^}/s/.*case [A-Z_]*: *return "\([a-z-]*\)";.*/\1/p' \
	"$src/cpu/vm.c" >"$tmp/stops"
[ -s "$tmp/stops" ] || fail "no stop reasons found in vm_stop_name (cpu/vm.c)"
while read -r s; do
	bold "$man1" "$s" ||
		fail "man/aula.1 does not name the stop reason $s (in bold)"
done <"$tmp/stops"

# The EXIT STATUS section as "status reason" pairs: .B N then .BR reason :
awk '
/^\.SH / { in_exit = ($0 ~ /^\.SH EXIT STATUS/); next }
/^\.SS / { in_exit = 0 }
in_exit && /^\.B [0-9]+$/ { n = $2; print n; next }
in_exit && /^\.BR [a-z-]+ :/ { print n, $2 }' "$man1" >"$tmp/exits.man"
sed -n 's/^[[:space:]]*DUMP_EXIT_[A-Z_]* *= *\([0-9]*\),.*/\1/p' \
	"$src/state/dump.h" | sort -u >"$tmp/exits"
[ -s "$tmp/exits" ] || fail "no DUMP_EXIT_* statuses found in state/dump.h"
while read -r n; do
	grep -x -q -e "$n" "$tmp/exits.man" ||
		fail "man/aula.1, EXIT STATUS, has no item for status $n" \
		     "(state/dump.h)"
done <"$tmp/exits"

# Strip the font escapes and quotes for the stop messages.
sed -e 's/\\f[BIRP]//g' -e 's/"//g' "$man1" >"$tmp/aula.1.text"

# run NAME STATUS [OPTIONS...] <SOURCE: run a small guest, and check its
# stop reason against the dump, its exit status against EXIT STATUS, and
# the message on stderr against STOP MESSAGES.
run()
{
	name=$1 want=$2
	shift 2
	cat >"$tmp/$name.s"
	"$AULA" run "$tmp/$name.s" --dump-regs --dump-file "$tmp/$name.dump" \
		"$@" </dev/null >/dev/null 2>"$tmp/$name.err"
	status=$?
	stop=$(sed -n 's/^stop=//p' "$tmp/$name.dump" 2>/dev/null)
	if [ "$status" != "$want" ]; then
		fail "the $name guest exited with status $status, not $want:"
		cat "$tmp/$name.err" >&2
		return
	fi
	if [ -z "$stop" ]; then
		fail "the $name guest left no stop= line in its dump"
		return
	fi
	grep -x -F -q -e "$stop" "$tmp/stops" ||
		fail "stop reason '$stop' of a real run is not in vm_stop_name"
	grep -x -F -q -e "$status $stop" "$tmp/exits.man" ||
		fail "man/aula.1, EXIT STATUS, does not give status $status" \
		     "for the stop reason $stop (.B $status then .BR $stop :)"
	if [ -s "$tmp/$name.err" ]; then
		head -n 1 "$tmp/$name.err" | sed 's/[0-9].*//' >"$tmp/$name.msg"
		has "$tmp/aula.1.text" "$(cat "$tmp/$name.msg")" ||
			fail "man/aula.1, STOP MESSAGES, lacks the message" \
			     "'$(cat "$tmp/$name.err")'"
	elif [ "$want" != 0 ]; then
		fail "the $name guest stopped without a message on stderr"
	fi
}
run poweroff 0 <<'EOF'
_start: out     r0, 0
EOF
run poweroff-code 1 <<'EOF'
_start: li      r1, 7
        out     r1, 0
EOF
run halt 3 <<'EOF'
_start: halt
EOF
run budget 4 --max-insns 100 <<'EOF'
_start: br      _start
EOF
run budget-halted 4 --max-insns 5000 <<'EOF'
_start: li      r1, 100             ; a periodic timer on a masked line
        out     r1, 0x31(r0)
        li      r1, 3
        out     r1, 0x30(r0)
        li      r1, 1
        out     r1, 0x22(r0)        ; PIC MASK: IRQ 0
        ei
idle:   halt
        br      idle
EOF
run double-fault 5 --mem 64K <<'EOF'
_start: la      r1, 0x7ffffff0      ; a vector table outside RAM
        mtcr    vbr, r1
        .word   0                   ; illegal
EOF
run breakpoint 6 <<'EOF'
_start: brk
EOF
run idle 7 --console-in /dev/null <<'EOF'
_start: ei
        halt
EOF
if [ -w /dev/full ]; then
	run host-error 8 --console-out /dev/full <<'EOF'
_start: li      r1, 'x'
        out     r1, 0x10
        out     r0, 0
EOF
fi

# ---- aula(1) and docs/mmu.md: the MMU counters --------------------------

if "$AULA" run "$src/examples/hello/hello.s" -q --console-out /dev/null \
	--stats-file "$tmp/stats.txt" </dev/null; then
	sed -n 's/^\([a-z_.]*\)=.*/\1/p' "$tmp/stats.txt" >"$tmp/skeys"
	[ -s "$tmp/skeys" ] || fail "--stats printed no name= lines"
	while read -r k; do
		has "$tmp/aula.1.text" "$k=" ||
			fail "man/aula.1, STATISTICS, lacks the counter $k"
		case $k in stats_version|mmu) continue ;; esac
		has "$src/docs/mmu.md" "\`$k\`" ||
			fail "docs/mmu.md lacks the counter $k"
	done <"$tmp/skeys"
else
	fail "aula run --stats-file failed on hello.s"
fi

# docs/mmu.md's demo: the figures it quotes for examples/paging/pages.s.
for mode in shadow nested; do
	"$AULA" run "$src/examples/paging/pages.s" --mmu=$mode -q \
		-I "$src/examples/lib" \
		--stats-file "$tmp/pages.$mode" </dev/null >/dev/null 2>&1 ||
		fail "examples/paging/pages.s --mmu=$mode failed"
done
for fig in "nested walks" "nested walk_refs" "shadow walks" \
	   "shadow shadow_fills" "shadow shadow_hits" "nested tlb.write.misses"; do
	mode=${fig% *} key=${fig#* }
	v=$(sed -n "s/^$key=//p" "$tmp/pages.$mode")
	has "$src/docs/mmu.md" "\`$key\` = $v" ||
		fail "docs/mmu.md does not give $key = $v (--mmu=$mode)"
done

# ---- aula(1): the register dump ---------------------------------------

hello=$src/examples/hello/hello.s
if "$AULA" run "$hello" -q --console-out /dev/null --dump-regs \
	--dump-file "$tmp/hello.txt" </dev/null; then
	sed -n 's/^\([a-z_][a-z0-9_.]*\)=.*/\1/p' "$tmp/hello.txt" \
		>"$tmp/keys"
	[ -s "$tmp/keys" ] || fail "the text dump of hello.s has no name= lines"
	while read -r k; do
		has "$man1" "$k=" ||
			fail "man/aula.1 does not describe the dump key $k="
	done <"$tmp/keys"
	v=$(grep '^dump_version=' "$tmp/hello.txt")
	has "$man1" "$v" || fail "man/aula.1 does not show $v"
	sed -n '/^\.\\" BEGIN text-dump-example/,/^\.\\" END text-dump-example/p' \
		"$man1" | sed -n 's/^\([a-z_][a-z0-9_.]*\)=.*/\1/p' \
		>"$tmp/keys.man"
	if ! cmp -s "$tmp/keys" "$tmp/keys.man"; then
		fail "the example text dump of man/aula.1 does not have the" \
		     "keys aula writes, in its order (< aula, > aula.1):"
		diff "$tmp/keys" "$tmp/keys.man" | grep '^[<>]' >&2
	fi
else
	fail "aula run $hello failed"
fi
if "$AULA" run "$hello" -q --console-out /dev/null --dump-regs \
	--dump-mem 0x1000:20 --dump-file "$tmp/hello.mem" </dev/null; then
	grep -q '^mem\.0x00001000=' "$tmp/hello.mem" ||
		fail "--dump-mem 0x1000:20 wrote no mem.0x00001000= line"
	has "$man1" "mem.0x" || fail "man/aula.1 does not describe mem.0x lines"
else
	fail "aula run $hello --dump-mem failed"
fi
if "$AULA" run "$hello" -q --console-out /dev/null --dump-regs=json \
	--dump-mem 0x1000:4 --dump-file "$tmp/hello.json" </dev/null; then
	tr ',{' '\n\n' <"$tmp/hello.json" |
		sed -n 's/^[[:space:]]*"\([a-z_]*\)":.*/\1/p' | sort -u \
		>"$tmp/jkeys"
	[ -s "$tmp/jkeys" ] || fail "the JSON dump of hello.s has no keys"
	while read -r k; do
		has "$man1" "\"$k\"" ||
			fail "man/aula.1 does not describe the JSON key \"$k\""
	done <"$tmp/jkeys"
else
	fail "aula run $hello --dump-regs=json failed"
fi

# ---- aula-as(1) -------------------------------------------------------

awk '{
	line = $0
	while (match(line, /"\.[a-z]+"/)) {
		print substr(line, RSTART + 1, RLENGTH - 2)
		line = substr(line, RSTART + RLENGTH)
	}
}' "$src"/asm/*.c | sort -u >"$tmp/directives"
[ -s "$tmp/directives" ] || fail "no directives found in asm/*.c"
while read -r d; do
	bold "$as1" "$d" ||
		fail "man/aula-as.1 does not describe the directive $d"
done <"$tmp/directives"

awk '/^bool as_pseudo\(/, /^}/ {
	line = $0
	while (match(line, /strcmp\(name, "[a-z]+"\)/)) {
		s = substr(line, RSTART, RLENGTH)
		sub(/^strcmp\(name, "/, "", s)
		sub(/"\)$/, "", s)
		print s
		line = substr(line, RSTART + RLENGTH)
	}
}' "$src/asm/insn.c" | sort -u >"$tmp/pseudos"
[ -s "$tmp/pseudos" ] || fail "no pseudo-instructions found in asm/insn.c"
while read -r p; do
	bold "$as1" "$p" ||
		fail "man/aula-as.1 does not describe the pseudo-instruction $p"
done <"$tmp/pseudos"

awk '{
	line = $0
	while (match(line, /\{ "[a-z]+", [0-9]+ \}/)) {
		s = substr(line, RSTART + 3, RLENGTH)
		sub(/".*/, "", s)
		print s
		line = substr(line, RSTART + RLENGTH)
	}
}' "$src/asm/expr.c" >"$tmp/aliases"
[ -s "$tmp/aliases" ] || fail "no register aliases found in asm/expr.c"
while read -r r; do
	bold "$as1" "$r" ||
		fail "man/aula-as.1 does not describe the register alias $r"
done <"$tmp/aliases"

# Error messages: file:line:col: error: ..., then aula's summary line.
for bad in bad.s bad.bin; do
	printf '        nop\n        frobnicate r1\n' >"$tmp/$bad"
	"$AULA" run "$tmp/$bad" </dev/null >/dev/null 2>"$tmp/$bad.err"
	status=$?
	[ "$status" = 2 ] ||
		fail "aula run of a source with errors exited $status, not 2"
	grep -E -q "^$tmp/$bad:2:9: error: " "$tmp/$bad.err" ||
		fail "assembly errors are not file:line:col: error: ...:" \
		     "$(head -n 1 "$tmp/$bad.err")"
	tail -n 1 "$tmp/$bad.err" |
		sed -e "s|^aula: $tmp/$bad: [0-9]* errors* ||" >"$tmp/$bad.msg"
	has "$as1" "$(sed 's/ (.*//' "$tmp/$bad.msg")" ||
		fail "man/aula-as.1 lacks the message '$(cat "$tmp/$bad.msg")'"
	# The summary line as aula(1)'s example shows it, word for word.
	if [ "$bad" = bad.s ]; then
		tail -n 1 "$tmp/$bad.err" |
			sed "s|^aula: $tmp/$bad: [0-9]* errors*|aula: file: n errors|" \
			>"$tmp/$bad.line"
		sed -e 's/\\f[BIRP]//g' "$as1" | grep -F -x -q -f "$tmp/$bad.line" ||
			fail "man/aula-as.1 does not quote the summary line as" \
			     "aula prints it: '$(cat "$tmp/$bad.line")'"
	fi
	case $(cat "$tmp/$bad.msg") in
	*"("*)
		has "$as1" "($(sed 's/.*(//' "$tmp/$bad.msg")" ||
			fail "man/aula-as.1 lacks '$(cat "$tmp/$bad.msg")'"
		;;
	esac
done

origin=$(sed -n 's/^#define AS_DEFAULT_ORIGIN *\([0-9a-fx]*\).*/\1/p' \
	"$src/asm/as.c")
bold "$as1" "$origin" ||
	fail "man/aula-as.1 does not give the default origin $origin"
depth=$(sed -n 's/^#define AS_MAX_INCLUDE_DEPTH *\([0-9]*\).*/\1/p' \
	"$src/asm/as_int.h")
has "$as1" "up to $depth deep" ||
	fail "man/aula-as.1 does not give the .include limit $depth"
maxerr=$(sed -n 's/^#define AS_MAX_ERRORS *\([0-9]*\).*/\1/p' \
	"$src/asm/as_int.h")
has "$as1" "After $maxerr errors" ||
	fail "man/aula-as.1 does not give the error limit $maxerr"

# ---- docs/devices.md: the port map ------------------------------------

ports=$src/io/ports.h
sed -n 's/^[[:space:]]*PORT_\([A-Z0-9]*\) *= *\(0x[0-9a-fA-F]*\).*/\1 \2/p' \
	"$ports" >"$tmp/bases"
[ -s "$tmp/bases" ] || fail "no PORT_* bases found in io/ports.h"
while read -r dev base; do
	lower=$(echo "$dev" | tr '[:upper:]' '[:lower:]')
	sed -n "/^enum ${lower}_reg *{/,/};/p" "$ports" |
		sed -n "s/^[[:space:]]*${dev}_\([A-Z0-9_]*\) *= *\([0-9]*\),.*/\1 \2/p" \
		>"$tmp/regs"
	[ -s "$tmp/regs" ] ||
		fail "no registers found for $dev (enum ${lower}_reg) in io/ports.h"
	while read -r reg n; do
		port=$(printf '0x%04x' $((base + n)))
		grep -F -e "\`$port\`" "$devmd" | grep -F -q -e "\`$reg\`" ||
			fail "docs/devices.md has no row for $reg at port $port"
		has "$man1" "$reg" ||
			fail "man/aula.1, PORTS, does not name the register $reg"
	done <"$tmp/regs"
done <"$tmp/bases"
for dev in uart nic kbd display; do
	DEV=$(echo "$dev" | tr '[:lower:]' '[:upper:]')
	bit_pattern=".*${DEV}_[A-Z]*_\([A-Z]*\) *= *1u *<< *\([0-9]*\).*"
	# One-line enums, and the lines of multi-line ones.
	sed -n -e "s/^enum ${dev}_[a-z]* *{ *\(..*\)/\1/p" \
		-e "/^enum ${dev}_[a-z]* *{ *$/,/}/p" "$ports" | tr ',' '\n' |
		sed -n "s/$bit_pattern/\1 \2/p" >"$tmp/bits"
	[ -s "$tmp/bits" ] || fail "no $DEV register bits found in io/ports.h"
	while read -r bit n; do
		has "$devmd" "| $n | \`$bit\` |" ||
			fail "docs/devices.md has no row for the $DEV" \
			     "bit $bit (bit $n)"
	done <"$tmp/bits"
done
# The NIC's commands and result codes, in the tables of section 8.
sed -n 's/^enum nic_cmd *{\(.*\)};/\1/p' "$ports" | tr ',' '\n' |
	sed -n 's/.*NIC_CMD_\([A-Z]*\) *= *\([0-9]*\).*/\1 \2/p' >"$tmp/cmds"
[ -s "$tmp/cmds" ] || fail "no NIC commands (enum nic_cmd) found in io/ports.h"
while read -r cmd n; do
	has "$devmd" "| $n | $cmd |" ||
		fail "docs/devices.md has no row for the NIC command $cmd ($n)"
done <"$tmp/cmds"
sed -n '/^enum nic_result *{/,/};/s/^[[:space:]]*NIC_RES_[A-Z]* *= *\([0-9]*\),.*/\1/p' \
	"$ports" >"$tmp/results"
[ -s "$tmp/results" ] || fail "no NIC results (enum nic_result) in io/ports.h"
while read -r n; do
	grep -q -e "^| $n | " "$devmd" ||
		fail "docs/devices.md has no row for the NIC RESULT $n"
done <"$tmp/results"
# The key codes: a row with the name and the code of each.
sed -n 's/^[[:space:]]*\(KBD_KEY_[A-Z0-9]*\) *= *\(0x[0-9a-f]*\),.*/\1 \2/p' \
	"$ports" >"$tmp/keys"
[ -s "$tmp/keys" ] || fail "no KBD_KEY_* codes found in io/ports.h"
while read -r key code; do
	grep -F -e "\`$key\`" "$devmd" | grep -F -q -e "\`$code\`" ||
		fail "docs/devices.md has no row for $key with the code $code"
done <"$tmp/keys"
# The disk's STATUS bits, commands and error codes, each a table row
# "| n | `NAME` |", and its latency constants.
disk_rows()
{
	sed -n "/^enum $1 *{/,/};/p" "$ports" |
		sed -n "s/^[[:space:]]*$2\([A-Z]*\) *= *\(1u *<< *\)*\([0-9]*\),.*/\1 \3/p"
}
{
	disk_rows disk_status DISK_ST_
	disk_rows disk_cmd DISK_CMD_
	disk_rows disk_error DISK_ERR_
} >"$tmp/diskrows"
[ "$(wc -l <"$tmp/diskrows")" -ge 12 ] ||
	fail "the disk's bits, commands and error codes not found in io/ports.h"
while read -r name n; do
	has "$devmd" "| $n | \`$name\` |" ||
		fail "docs/devices.md has no row for the disk's $name ($n)"
done <"$tmp/diskrows"
sed -n 's/^#define \(DISK_[A-Z]*_TICKS\) *\([0-9]*\).*/\1 \2/p' "$ports" \
	>"$tmp/disklat"
[ -s "$tmp/disklat" ] || fail "no DISK_*_TICKS found in io/ports.h"
while read -r name n; do
	has "$devmd" "\`$name\` = $n" ||
		fail "docs/devices.md does not give $name = $n"
done <"$tmp/disklat"
sed -n 's/.*IRQ_\([A-Z0-9]*\) *= *\([0-9]*\).*/\1 \2/p' "$ports" >"$tmp/irqs"
while read -r dev n; do
	has "$devmd" "IRQ $n" || fail "docs/devices.md does not give IRQ $n ($dev)"
	has "$man1" "IRQ $n" || fail "man/aula.1 does not give IRQ $n ($dev)"
done <"$tmp/irqs"
sed -n -e 's/^#define \(UART_RX_[A-Z]*\) *\([0-9]*\).*/\1 \2/p' \
	-e 's/^#define \(KBD_[A-Z]*\) *\([0-9]*\).*/\1 \2/p' \
	-e 's/^#define \(DISPLAY_REFRESH\) *\([0-9]*\).*/\1 \2/p' \
	-e 's/^#define \(NIC_[A-Z_]*\) *\([0-9]*\).*/\1 \2/p' "$ports" \
	>"$tmp/delays"
while read -r name n; do
	has "$devmd" "\`$name\` = $n" ||
		fail "docs/devices.md does not give $name = $n"
done <"$tmp/delays"
id=$(sed -n 's/^#define SYSCTL_ID_VALUE *\(0x[0-9a-fA-F]*\).*/\1/p' "$ports")
has "$devmd" "$id" || fail "docs/devices.md does not give the ID value $id"

# ---- aula-debug(1): the monitor ----------------------------------------

sed -n 's/^[[:space:]]*CMD("\([a-z]*\)".*/\1/p' "$src/monitor/cmds.c" \
	>"$tmp/mcmds"
[ -s "$tmp/mcmds" ] || fail "no CMD(\"...\") lines found in monitor/cmds.c"
while read -r c; do
	bold "$debug1" "$c" ||
		fail "man/aula-debug.1 does not describe the command $c"
done <"$tmp/mcmds"
# The command summary of aula-debug(1) is help's first line of each
# command, in the table's order.
sed 's/^/help /' "$tmp/mcmds" >"$tmp/mhelp.cmd"
"$AULA" debug -q --batch -x "$tmp/mhelp.cmd" "$src/examples/hello/hello.s" \
	</dev/null 2>&1 | awk '/^\(aula\) help / { getline; print }' \
	>"$tmp/msummary"
sed -n '/^\.\\" BEGIN command-summary/,/^\.\\" END command-summary/p' \
	"$debug1" | sed -e '/^\./d' -e 's/\\f[BIRP]//g' >"$tmp/msummary.man"
if [ ! -s "$tmp/msummary" ] || ! cmp -s "$tmp/msummary" "$tmp/msummary.man"; then
	fail "the command summary of man/aula-debug.1 is not the monitor's" \
	     "command table (< help, > aula-debug.1):"
	diff "$tmp/msummary" "$tmp/msummary.man" | grep '^[<>]' >&2
fi
sed -n '/^const struct mon_info_topic mon_info_topics/,/^};/s/.*{ "\([a-z]*\)".*/\1/p' \
	"$src/monitor/info.c" >"$tmp/mtopics"
[ -s "$tmp/mtopics" ] || fail "no info topics found in monitor/info.c"
while read -r t; do
	bold "$debug1" "$t" ||
		fail "man/aula-debug.1 does not describe info $t"
done <"$tmp/mtopics"
grep -o '\[MON_TRACE_[A-Z]*\] = "[a-z]*"' "$src/monitor/trace.c" |
	sed 's/.*"\([a-z]*\)"/\1/' >"$tmp/mtrace"
[ -s "$tmp/mtrace" ] || fail "no trace categories found in monitor/trace.c"
while read -r t; do
	bold "$debug1" "$t" ||
		fail "man/aula-debug.1 does not describe trace $t"
done <"$tmp/mtrace"
cat "$src"/monitor/*.c | tr -d '\n' |
	grep -o '"stopped: [a-z-]*' | sed 's/"stopped: //' | sort -u \
	>"$tmp/mstops"
[ -s "$tmp/mstops" ] || fail "no \"stopped: ...\" reports in monitor/*.c"
while read -r r; do
	bold "$debug1" "$r" || has "$debug1" "\\fBstopped: $r" ||
		fail "man/aula-debug.1, OUTPUT, lacks the stop reason $r"
done <"$tmp/mstops"

# ---- the examples: every program in the documents is assembled and run --
#
# docs/*.md: a fenced block with the info string asm is a program.  The
# man pages: an .EX block after a comment line .\" example: TAG.  TAG (in
# the Markdown, <!-- example: TAG --> on the line before the fence) says
# what the run must do, as KEY=VALUE words (VALUE "quoted" with \n
# escapes where it has blanks): input= the console input, output= the
# console output exactly, exit= the exit status (0), code= the stop code,
# args= more options for aula run (@disk: a fresh 64K disk).  Instead,
# syntax marks a form with placeholders (not a program), and listing a
# part of the listing of the page's next program, which must be in it.
# A block with assembly in it that is not marked fails, so that every
# example is tested.

mkdir "$tmp/ex"
# Lines that look like assembly: [label:] mnemonic operands.
{ cat "$tmp/insns" "$tmp/pseudos"; } | sort -u | tr '\n' '|' |
	sed 's/|$//' >"$tmp/mnemonics"
asmline="^[[:space:]]*([._a-zA-Z][._a-zA-Z0-9]*:)?[[:space:]]+($(cat "$tmp/mnemonics"))([[:space:]]|\$)"
for f in "$src"/docs/*.md; do
	awk -v dir="$tmp/ex" -v file="docs/$(basename "$f")" -v base="md.$(basename "$f" .md)" '
	/^<!-- example:.*-->$/ {
		tag = $0; sub(/^<!-- example: */, "", tag)
		sub(/ *-->$/, "", tag); tagline = FNR; next
	}
	/^```/ {
		if (!inb) {
			inb = 1; n++; out = dir "/" base "." n
			info = substr($0, 4)
			print file ":" FNR > (out ".where")
			print info > (out ".info")
			print (tagline == FNR - 1 ? tag : "") > (out ".tag")
			close(out ".where"); close(out ".info"); close(out ".tag")
			printf "" > (out ".s")
		} else {
			inb = 0; close(out ".s")
		}
		next
	}
	inb { print > (out ".s") }' "$f"
done
for page in aula.1 aula-as.1 aula-isa.7 aula-debug.1 aula-grade.1; do
	plain "$src/man/$page" | awk -v dir="$tmp/ex" -v file="man/$page" -v base="man.$page" '
	/^\.\\" example: / { tag = $0; sub(/^\.\\" example: */, "", tag); tagline = FNR; next }
	/^\.EX/ {
		inb = 1; n++; out = dir "/" base "." n
		print file ":" FNR > (out ".where")
		print "roff" > (out ".info")
		print (FNR - tagline <= 4 ? tag : "") > (out ".tag")
		close(out ".where"); close(out ".info"); close(out ".tag")
		printf "" > (out ".s"); tag = ""; next
	}
	/^\.EE/ { inb = 0; close(out ".s"); next }
	inb { gsub(/\\f[BIRP]/, ""); print > (out ".s") }'
done

# tagval KEY TAG: the value of KEY=VALUE or KEY="VALUE" in TAG.
tagval()
{
	printf '%s\n' "$2" | sed -n -e "s/^\(.* \)*$1=\"\([^\"]*\)\".*/\2/p" \
		-e t -e "s/^\(.* \)*$1=\([^ \"]*\).*/\2/p"
}
nexamples=0
pending=
for meta in $(ls "$tmp"/ex/*.where | sort -V); do
	ex=${meta%.where}
	where=$(cat "$meta")
	info=$(cat "$ex.info")
	tag=$(cat "$ex.tag")
	page=${ex%.*}
	if [ -z "$tag" ]; then
		if [ "$info" = asm ]; then
			fail "$where: an asm example without an <!-- example: -->" \
			     "comment on the line before it"
		elif grep -E -q -e "$asmline" "$ex.s"; then
			fail "$where: an example in assembly that is not run" \
			     "(mark it: tests/docs.sh, 'the examples')"
		fi
		continue
	fi
	if [ "$info" != asm ] && [ "$info" != roff ]; then
		fail "$where: an example must be a \`\`\`asm block"
		continue
	fi
	case " $tag " in
	*" syntax "*) continue ;;
	*" listing "*) pending="$pending $ex"; continue ;;
	esac
	nexamples=$((nexamples + 1))
	printf '%b' "$(tagval input "$tag")" >"$ex.in"
	set --
	for a in $(tagval args "$tag"); do
		if [ "$a" = @disk ]; then
			"$AULA" disk create "$ex.disk" 64K >/dev/null ||
				fail "$where: aula disk create failed"
			a=$ex.disk
		fi
		set -- "$@" "$a"
	done
	"$AULA" run "$ex.s" --max-insns 10000000 --console-in "$ex.in" \
		--console-out "$ex.out" --dump-regs --dump-file "$ex.dump" "$@" \
		</dev/null >/dev/null 2>"$ex.err"
	status=$?
	want=$(tagval exit "$tag")
	if [ "$status" != "${want:-0}" ]; then
		fail "$where: the example exited with status $status, not" \
		     "${want:-0}: $(head -n 3 "$ex.err")"
		continue
	fi
	code=$(tagval code "$tag")
	if [ -n "$code" ] && ! grep -q -x "stop_code=$code" "$ex.dump"; then
		fail "$where: the example stopped with" \
		     "$(grep '^stop' "$ex.dump" | tr '\n' ' '), not code $code"
	fi
	if printf '%s\n' "$tag" | grep -q 'output='; then
		printf '%b' "$(tagval output "$tag")" >"$ex.want"
		cmp -s "$ex.want" "$ex.out" ||
			fail "$where: the example printed '$(cat "$ex.out")'," \
			     "not '$(cat "$ex.want")'"
	fi
	for l in $pending; do
		if [ "${l%.*}" = "$page" ]; then
			"$AULA" as "$ex.s" -o "$ex.img" -l "$ex.lst" 2>/dev/null
			sed '/^[[:space:]]*$/d' "$l.s" | while IFS= read -r line; do
				grep -F -x -q -e "$line" "$ex.lst" ||
					echo "$line"
			done >"$l.missing"
			[ -s "$l.missing" ] &&
				fail "$(cat "$l.where"): not in the listing of the" \
				     "example at $where: $(head -n 1 "$l.missing")"
		fi
	done
	pending=$(for l in $pending; do [ "${l%.*}" = "$page" ] || echo "$l"; done)
done
for l in $pending; do
	fail "$(cat "$l.where"): a listing with no example after it"
done
[ "$nexamples" -ge 6 ] ||
	fail "only $nexamples examples were found in the documents"

# ---- the man pages themselves -----------------------------------------

for page in "$src"/man/*.[1-9]; do
	base=man/$(basename "$page")
	grep -q -e "$base" "$src/man/local.mk" ||
		fail "$base is not listed in man/local.mk"
	if command -v groff >/dev/null 2>&1; then
		out=$(groff -t -man -Tutf8 -ww -z "$page" 2>&1) || true
		if [ -n "$out" ]; then
			fail "groff warns about $base:"
			printf '%s\n' "$out" >&2
		fi
	fi
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -W warning "$page" 2>&1) || true
		if [ -n "$out" ]; then
			fail "mandoc warns about $base:"
			printf '%s\n' "$out" >&2
		fi
	fi
done

if [ "$failures" -ne 0 ]; then
	echo "docs.sh: $failures problem(s): fix the documents (or the code)" \
	     "so that they agree" >&2
	exit 1
fi
echo "docs.sh: the documents agree with the code"
exit 0
