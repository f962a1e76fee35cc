#!/bin/sh
# The text display and keyboard as aula run shows them (aula(1),
# --display, --font, --screenshot): headless screenshots, the example,
# the window with SDL's dummy driver -- or, in an aula built without SDL2,
# the refusal of --display=sdl.
set -u
: "${AULA:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# status WANT DESCRIPTION ARGS...: aula ARGS must exit with WANT
status() {
	want=$1 d=$2; shift 2
	"$AULA" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$d (exit $want)"; else
		not_ok "$d: exit $got, expected $want"; cat "$tmp/err"; fi
}
stderr_has() {
	if grep -q -- "$1" "$tmp/err"; then ok "stderr says '$1'"; else
		not_ok "stderr lacks '$1'"; cat "$tmp/err"; fi
}
# bmp FILE: a 24-bit BMP of 80 x 25 cells of 8 (or more) x 8 (or more)
bmp() {
	[ "$(head -c 2 "$1")" = BM ] || return 1
	w=$(od -An -tu4 -j18 -N4 "$1" | tr -d ' ')
	h=$(od -An -tu4 -j22 -N4 "$1" | tr -d ' ')
	[ $((w % 80)) -eq 0 ] && [ $((h % 25)) -eq 0 ] && [ "$w" -ge 640 ] &&
		[ "$h" -ge 200 ]
}

printf '%s\n' '_start: la r1, 0xb8000
 li r2, 0x1e41
 sth r2, 0(r1)
 li r2, 3
 out r2, 0x98(r0)
 out r0, 0(r0)' >"$tmp/a.s"

status 2 "--display takes none or sdl" run --display=vga "$tmp/a.s"
stderr_has "--display: 'vga' is not none or sdl"
status 0 "--display=none" run --display=none "$tmp/a.s"
status 0 "headless screenshot" run --screenshot "$tmp/none.bmp" "$tmp/a.s"
check "the screenshot is a BMP of 80 x 25 cells" bmp "$tmp/none.bmp"
status 0 "a screenshot named .png" run --screenshot "$tmp/shot.png" "$tmp/a.s"
check "... is a PNG" sh -c "od -An -c -N4 '$tmp/shot.png' | grep -q 'P   N   G'"
if command -v pngcheck >/dev/null 2>&1; then
	check "pngcheck reads it: 640 x 400, RGB" sh -c \
		"pngcheck -v '$tmp/shot.png' | grep -q '640 x 400 image, 24-bit RGB'"
fi
status 2 "a font that is not there" run --font "$tmp/none.psf" \
	--screenshot "$tmp/x.bmp" "$tmp/a.s"
stderr_has "--font: $tmp/none.psf"
status 2 "a screenshot that cannot be written" run \
	--screenshot "$tmp/no/such/dir.bmp" "$tmp/a.s"
stderr_has "--screenshot $tmp/no/such/dir.bmp"
printf '_start: out r0, 0(r0)\n' >"$tmp/off.s"
status 0 "a machine too small for the text buffer" run --mem 64K \
	--screenshot "$tmp/small.bmp" "$tmp/off.s"
stderr_has "warning: the text buffer at 0xb8000 is beyond the 64 KiB of RAM"

# The example, headless: its banner is in the buffer, and with no key to
# wait for it is idle.
images=$(dirname "$AULA")/images
status 7 "examples/kbd headless is idle" run "$images/kbd.img" \
	--dump-mem 0xb8036:4
check "the banner starts at row 0, column 27, white on blue" \
	grep -qx 'mem.0x000b8036=411f751f' "$tmp/out"

# The window, drawn nowhere by SDL's dummy driver.
SDL_VIDEODRIVER=dummy "$AULA" run --display=sdl --screenshot "$tmp/sdl.bmp" \
	"$tmp/a.s" >"$tmp/out" 2>"$tmp/err" </dev/null
got=$?
if grep -q "built without SDL2" "$tmp/err"; then
	check "without SDL2, --display=sdl is refused with exit 2" \
		test "$got" -eq 2
	stderr_has "use --display=none"
else
	check "--display=sdl runs the guest to its power-off" test "$got" -eq 0
	check "the window's final screen is the headless one" \
		cmp -s "$tmp/sdl.bmp" "$tmp/none.bmp"
fi
# SDL2 is loaded for --display=sdl only: aula itself does not link it.
if command -v ldd >/dev/null 2>&1; then
	check "aula does not link SDL2 (it loads it for --display=sdl)" \
		sh -c '! ldd "$1" | grep -q libSDL2' sh "$AULA"
fi

echo "$n tests, $fails failed"
[ $fails -eq 0 ]
