#!/bin/sh
# Checkpoints of a lab machine under the host's memory manager: memhog on
# a 16-page budget (its pages swap out and in) saved in the lab monitor,
# run on, loaded back and run to the end ends with the dump of the
# straight run; the file savevm -o wrote continues in aula run to the
# same line.  A machine whose balloon holds pages, saved and loaded the
# same way, ends as in the plain run.
set -u
: "${AULA:?}" "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aula-labck.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
ex=$top_srcdir/examples
fails=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
cat >"$tmp/hog.lab" <<LAB
[lab]
time = 20M
[host h]
ram = 64K
[machine hog]
image = $ex/lab/memhog.s
LAB
printf '%s\n' "vm hog" "step 300000" "savevm -o hog.ckpt" "savevm s" \
	"step 200000" "loadvm s" continue quit >"$tmp/c.cmd"
mkdir "$tmp/d1" "$tmp/d2"
(cd "$tmp" && "$AULA" lab hog.lab -I "$ex" --dump-dir d1 </dev/null \
	>straight.out 2>&1)
(cd "$tmp" && "$AULA" lab hog.lab -I "$ex" -x c.cmd --batch --dump-dir d2 \
	</dev/null >mon.out 2>&1)
if grep -q "swapped" "$tmp/straight.out" &&
   grep -q "saved the machine at #300000 as s" "$tmp/mon.out" &&
   [ -s "$tmp/d1/hog.dump" ] && cmp -s "$tmp/d1/hog.dump" "$tmp/d2/hog.dump"
then
	ok "savevm, run on, loadvm under the memory manager: the same dump"
else
	not_ok "savevm/loadvm under the memory manager"; cat "$tmp/mon.out"
fi
(cd "$tmp" && "$AULA" run "$ex/lab/memhog.s" -I "$ex" --restore hog.ckpt \
	</dev/null >restored.out 2>&1)
if grep -q "checked 294912 words, all as written" "$tmp/restored.out"; then
	ok "savevm -o of a swapped machine continues in aula run"
else
	not_ok "the lab machine's checkpoint"; cat "$tmp/restored.out"
fi
# A machine with a balloon: overcommit.lab's "one" saved once its balloon
# holds pages, run on, loaded back: the same dump as the plain run, and
# the file names the balloon's bitmap.
rm -rf "$tmp/d1" "$tmp/d2"
mkdir "$tmp/d1" "$tmp/d2"
(cd "$ex/lab" && "$AULA" lab overcommit.lab --dump-dir "$tmp/d1" \
	</dev/null >"$tmp/oc.out" 2>&1)
# 0x1198 is cache.s's on_balloon: the host has asked for pages.
printf '%s\n' "vm one" "break 0x1198" continue delete "step 3000" \
	"savevm -o $tmp/one.ckpt" "savevm s" "step 20000" "loadvm s" \
	continue quit >"$tmp/b.cmd"
(cd "$ex/lab" && "$AULA" lab overcommit.lab -x "$tmp/b.cmd" --batch \
	--dump-dir "$tmp/d2" </dev/null >"$tmp/ocmon.out" 2>&1)
if grep -q "loaded s: the machine at" "$tmp/ocmon.out" &&
   [ -s "$tmp/d1/one.dump" ] && cmp -s "$tmp/d1/one.dump" "$tmp/d2/one.dump"
then
	ok "savevm, run on, loadvm with a balloon holding pages: the same dump"
else
	not_ok "savevm/loadvm with a balloon"; cat "$tmp/ocmon.out"
fi
if "$AULA" checkpoint info "$tmp/one.ckpt" | grep -q \
	"^  balloon 0: target=.* size=0x000000[0-9a-f][0-9a-f] .* in=1024 bytes$" &&
   ! "$AULA" checkpoint info "$tmp/one.ckpt" | grep -q "size=0x00000000 "
then
	ok "the checkpoint holds the balloon and its bitmap"
else
	not_ok "checkpoint info of a ballooned machine"
	"$AULA" checkpoint info "$tmp/one.ckpt" | grep balloon
fi
echo "1..$n"
[ "$fails" = 0 ]
