#!/bin/sh
# The dependency arrows between folders point one way (README, Layout):
# each folder includes only from the folders listed for it here.  A new
# include that points up (the core reaching into a front end, say) fails.
set -eu
src=${top_srcdir:-${srcdir:-.}}
status=0
allowed() {
	case $1 in
	cpu | mem | io) echo "cpu mem io" ;;
	asm | state) echo "cpu mem io" ;;
	host | net) echo "cpu mem io" ;;
	monitor) echo "asm state cpu mem io" ;;
	grade) echo "monitor asm state cpu mem io" ;;
	lab) echo "host net state asm cpu mem io" ;;
	cli) echo "grade lab monitor host net state asm cpu mem io" ;;
	fuzz) echo "grade lab monitor host net state asm cpu mem io" ;;
	esac
}
for dir in cpu mem io asm state host net monitor grade lab cli fuzz; do
	ok=$(allowed "$dir")
	for f in "$src/$dir"/*.[ch]; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | sort -u); do
			[ "$inc" = "$dir" ] && continue
			case " $ok " in
			*" $inc "*) ;;
			*)
				echo "FAIL: $dir/${f##*/} includes from $inc/," \
					"which $dir/ may not use (tests/layout.sh)"
				status=1
				;;
			esac
		done
	done
done
# The core never includes a front end's library.
if grep -l -E '#include <(SDL|readline|zlib)' "$src"/cpu/*.[ch] \
	"$src"/mem/*.[ch] "$src"/io/*.[ch] 2>/dev/null; then
	echo "FAIL: the core (cpu/ mem/ io/) includes SDL, readline or zlib"
	status=1
fi
[ $status = 0 ] && echo "layout: every include points down"
exit $status
