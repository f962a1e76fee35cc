#!/bin/sh
# README.md's "Using it": every command line runs as pasted from the top of
# a clone (build/release/aula read as the aula under test, build/release/
# images as its images), in order, in a scratch directory that sees the
# clone's files; each must exit 0.  The lines that need a person -- the
# window (--display=sdl) and the LAN (aula hub, --nic hub=, each in its own
# terminal) -- are not run, but every file they name must exist.
# --realtime is dropped: cli.sh tests the pacing, and a test does not
# wait on the clock.
set -u
: "${AULA:?}" "${top_srcdir:?}"
src=$top_srcdir
build=$(dirname "$AULA")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-readme.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
fails=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

# The section's sh blocks, one command a line, comments dropped.
awk '/^## / { in_sec = ($0 == "## Using it") }
     in_sec && /^```/ { in_code = !in_code; next }
     in_sec && in_code' "$src/README.md" |
	sed -e 's/  *#.*$//' -e '/^[[:space:]]*$/d' >"$tmp/lines"
[ "$(wc -l <"$tmp/lines")" -ge 10 ] || {
	not_ok "README.md, Using it, has too few command lines"
	exit 1
}
# A copy, not links: the assembler reads no .include through a link that
# leads out of the directory it runs in.
mkdir "$tmp/clone"
for f in examples tests man docs; do
	cp -R "$src/$f" "$tmp/clone/$f"
done
cd "$tmp/clone" || exit 99

while IFS= read -r line; do
	case $line in
	*--display=sdl*|*"aula hub"*|*"--nic hub="*)
		for w in $line; do
			case $w in
			build/release/aula|-*|*=*|/*) continue ;;
			*/*) [ -e "$src/$w" ] ||
				not_ok "'$line' names $w, which is not there" ;;
			esac
		done
		ok "not run, its files are there: $line"
		continue ;;
	esac
	cmd=$(printf '%s\n' "$line" |
		sed -e "s|[./]*build/release/aula|\"\$AULA\"|g" \
		-e "s|[./]*build/release/images/|$build/images/|g" \
		-e 's/ --realtime//')
	if AULA=$AULA sh -c "$cmd" </dev/null >"$tmp/out" 2>&1; then
		ok "$line"
	else
		not_ok "$line: exit $?"
		sed 's/^/    /' "$tmp/out" | head -n 20
	fi
done <"$tmp/lines"
echo "$n tests, $fails failed"
[ "$fails" -eq 0 ]
