#!/bin/sh
# Differential runs (docs/mmu.md): every paging guest test and the paging
# example must end in exactly the same state under --mmu=shadow and
# --mmu=nested.  Compared, byte for byte: the console output, the register
# dump, the memory dump (page directories and tables with their A and D
# bits, and the pages they map), the exit status, and the counters of what
# the guest caused (page faults delivered, stale TLB uses, ptbr switches),
# which must not depend on the strategy either.
#
# A program names the memory to dump in a comment line
#       ; paging-diff dumps: ADDR:LEN ...
# and gets DEFAULT_DUMPS (its image and the usual frame pool) without one.
set -u
: "${AULA:?}" "${top_srcdir:?}"
DEFAULT_DUMPS="0x1000:0x4000 0x100000:0x10000"
COUNTERS='^(page_faults|stale_uses|as_switches)='
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for src in "$top_srcdir"/tests/guest/paging_*.s \
	   "$top_srcdir"/examples/paging/paging.s \
	   "$top_srcdir"/examples/paging/pages.s; do
	if [ ! -f "$src" ]; then
		echo "FAIL: $src: no such program"
		status=1
		continue
	fi
	name=$(basename "$src" .s)
	dumps=$(sed -n 's/^; paging-diff dumps://p' "$src" | sed -n 1p)
	[ -n "$dumps" ] || dumps=$DEFAULT_DUMPS
	set --
	for range in $dumps; do
		set -- "$@" --dump-mem "$range"
	done
	for mode in shadow nested; do
		out=$tmp/$name.$mode
		"$AULA" run "$src" -I "$top_srcdir/examples/lib" \
			--mmu="$mode" --max-insns 50000000 \
			--dump-regs "$@" --stats --stats-file "$out.stats" \
			</dev/null >"$out" 2>&1
		echo "exit=$?" >>"$out"
		grep -E "$COUNTERS" "$out.stats" >>"$out"
	done
	if cmp -s "$tmp/$name.shadow" "$tmp/$name.nested"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name: --mmu=shadow and --mmu=nested differ:"
		diff "$tmp/$name.shadow" "$tmp/$name.nested" | sed -n 1,40p
		status=1
	fi
done
exit $status
