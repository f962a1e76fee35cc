#!/bin/sh
# make install, as a package would be: into a DESTDIR, then the installed
# tree is checked -- the program, the man pages (naming installed paths
# that exist, and never "the source tree"), the documents in $(docdir),
# the examples with their include files in $(pkgdatadir)/examples (each
# assembled by the installed aula), the bash completion where
# bash-completion looks; then make uninstall leaves no file behind.
set -u
: "${AULA:?}" "${top_srcdir:?}" "${abs_top_builddir:?}" "${MAKE:=make}"
: "${bindir:?}" "${docdir:?}" "${pkgdatadir:?}" "${mandir:?}"
: "${bashcompletiondir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
dest=$tmp/dest
fails=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

if ! $MAKE -s -C "$abs_top_builddir" install DESTDIR="$dest" \
	>"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	not_ok "make install DESTDIR=... failed"
	exit 1
fi
ok "make install DESTDIR=..."
check "the program is in bindir" test -x "$dest$bindir/aula"
for page in $(cd "$top_srcdir/man" && ls *.[1-9]); do
	f=$dest$mandir/man${page##*.}/$page
	check "man page $page is installed" test -f "$f"
	if grep -q -i "source tree" "$f"; then
		not_ok "$page speaks of the source tree"
	fi
	# Every installed path the page names must be there.
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$f" |
		grep -o -E "($docdir|$pkgdatadir)[A-Za-z0-9_./-]*" |
		sed 's/[.,]*$//' | sort -u >"$tmp/paths"
	while read -r p; do
		[ -e "$dest$p" ] || not_ok "$page names $p, which is not installed"
	done <"$tmp/paths"
	check "$page names no default path of another prefix" \
		sh -c "! grep -q '/usr/local/share/' '$f' || [ '$docdir' = /usr/local/share/doc/aula ]"
done
for doc in README.md isa.md devices.md image-format.md mmu.md; do
	check "$doc is in docdir" test -f "$dest$docdir/$doc"
done
check "the examples are in pkgdatadir/examples" \
	test -f "$dest$pkgdatadir/examples/hello/hello.s"
check "with their include files" \
	test -f "$dest$pkgdatadir/examples/lib/console.inc"
check "and the grading assignment" \
	test -f "$dest$pkgdatadir/examples/grading/tests/hello.t"
# Every installed program assembles where it is (its .include resolve),
# from the directory that holds them, as aula-as(1) says; not the files
# others include (vmm.s), nor the VMs that embed a built image with
# .incbin (make builds those into images/).
find "$dest$pkgdatadir/examples" -name '*.s' | sort >"$tmp/sources"
cat "$dest$pkgdatadir"/examples/*/*.s |
	sed -n 's/^[[:space:]]*\.include[[:space:]]*"\([^"]*\)".*/\1/p' |
	sed 's|.*/||' | sort -u >"$tmp/included"
while read -r s; do
	case $s in */grading/*) continue ;; esac
	grep -q -x -F "$(basename "$s")" "$tmp/included" && continue
	grep -q '^[[:space:]]*\.incbin' "$s" && continue
	(cd "$dest$pkgdatadir" && "$dest$bindir/aula" as "$s" -o "$tmp/x.img") \
		>/dev/null 2>"$tmp/err" ||
		not_ok "the installed $s does not assemble: $(head -n 1 "$tmp/err")"
done <"$tmp/sources"
check "every example of the source tree is installed" sh -c "
	cd '$top_srcdir' && for s in examples/*/*.s examples/*/*.lab \
		examples/*/*.cmd examples/*/*.inc; do
		test -f '$dest$pkgdatadir/'\"\$s\" || exit 1
	done"
check "the bash completion is completions/aula" \
	test -f "$dest$bashcompletiondir/aula"
case $bashcompletiondir in
*/bash-completion/completions) ok "bashcompletiondir is bash-completion's" ;;
*) not_ok "bashcompletiondir $bashcompletiondir is not a completions dir" ;;
esac
# An aula run from its build tree points at the source's man pages.
"$AULA" --help >"$tmp/help"
check "aula --help from the build tree says man -l" \
	grep -q "man -l $top_srcdir/man/aula.1" "$tmp/help"
"$AULA" lab --help >"$tmp/help" 2>&1
check "aula lab --help finds section 5" \
	grep -q "man -l $top_srcdir/man/aula-lab.5" "$tmp/help"

if ! $MAKE -s -C "$abs_top_builddir" uninstall DESTDIR="$dest" \
	>"$tmp/uninstall.log" 2>&1; then
	cat "$tmp/uninstall.log"
	not_ok "make uninstall failed"
fi
left=$(find "$dest" -type f | head -n 5)
check "make uninstall leaves no file ($left)" test -z "$left"
echo "$n tests, $fails failed"
[ "$fails" -eq 0 ]
