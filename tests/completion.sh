#!/bin/sh
# The bash completion (cli/aula.bash) against aula itself: the subcommands
# of `aula --help`, every option of each `aula CMD --help`, the values of
# the options with a fixed set, and the kinds of file each command reads.
# Skipped (77) without bash.
set -u
: "${AULA:?}" "${top_srcdir:?}"
command -v bash >/dev/null 2>&1 || { echo "no bash: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-completion.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0

# What aula says it has: subcommands, and each one's long options.
"$AULA" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' >"$tmp/cmds"
for c in $(cat "$tmp/cmds"); do
	# The usage lines and the option lines (not the prose).
	"$AULA" "$c" --help 2>&1 | grep -E '^[[:space:]]*(-|usage:|aula )' |
		tr ' ,[' '\n\n\n' |
		sed -n 's/^\(--[a-z][a-z-]*\).*/\1/p' | sort -u >"$tmp/opts.$c"
done

mkdir "$tmp/work" && cd "$tmp/work" || exit 99
touch prog.s prog.img tests.t notes.txt steal.lab
mkdir sub
cat >"$tmp/check.bash" <<'EOF'
set -u
. "$top_srcdir/cli/aula.bash"
fails=0
# complete WORDS...: the replies for the last word (maybe empty).
complete_words()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_aula
	printf '%s\n' "${COMPREPLY[@]}" | sort -u
}
# expect DESCRIPTION WANT WORDS...: the replies, blank-separated.
expect()
{
	local d=$1 want=$2 got
	shift 2
	got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		echo "ok - $d"
	else
		echo "not ok - $d: got '$got', want '$want'"
		fails=$((fails + 1))
	fi
}
# Subcommands.
want=$(sort "$tmp/cmds" | tr '\n' ' ' | sed 's/ $//')
expect "the subcommands are aula --help's" "$want" aula ""
expect "a prefix" "dis disk" aula di
# Every option of each subcommand's --help.
for c in $(cat "$tmp/cmds"); do
	complete_words aula "$c" -- | sed 's/=$//' | sort -u >"$tmp/got.$c"
	missing=$(comm -23 "$tmp/opts.$c" "$tmp/got.$c" | tr '\n' ' ')
	if [ -z "$missing" ]; then
		echo "ok - aula $c: every option of its --help"
	else
		echo "not ok - aula $c does not complete: $missing"
		fails=$((fails + 1))
	fi
done
# Values.
expect "--mmu=" "nested shadow" aula run --mmu =
expect "--display=s" "sdl" aula run --display = s
expect "--dump-regs=" "json text" aula run --dump-regs =
expect "--trace, a list" "insn,int insn,io" aula run --trace insn,i
expect "disk subcommands" "check clone commit convert create info map rollback" aula disk ""
# File kinds.
expect "run takes sources and images" "prog.img prog.s sub" aula run ""
expect "as takes sources" "prog.s sub" aula as ""
expect "grade takes tests" "sub tests.t" aula grade ""
expect "grade, after --, submissions" "prog.img prog.s sub" \
	aula grade tests.t -- ""
expect "--disk takes images" "prog.img sub" aula run prog.s --disk ""
expect "lab takes lab files" "steal.lab sub" aula lab ""
expect "--console-in takes any file" "notes.txt prog.img prog.s steal.lab sub tests.t" \
	aula run prog.s --console-in ""
exit $((fails != 0))
EOF
top_srcdir=$top_srcdir tmp=$tmp bash "$tmp/check.bash"
