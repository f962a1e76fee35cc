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
# ---- the whole lab: savevm -l, run on, loadvm -l ------------------------
#
# snap_case DIR LAB BEFORE AFTER FINISH: the lab's monitor runs BEFORE,
# keeps the lab (savevm -l), runs AFTER, puts it back (loadvm -l) and
# runs FINISH (commands separated by |).  It must end with the plain run's
# dumps and report, byte for byte, and info vms after loadvm -l must be
# what it was after savevm -l: the lab went back, then ran as it did.
snap_case()
{
	sc_dir=$1 sc_lab=$2
	rm -rf "$tmp/s1" "$tmp/s2"
	mkdir "$tmp/s1" "$tmp/s2"
	(cd "$sc_dir" && "$AULA" lab "$sc_lab.lab" --dump-dir "$tmp/s1" \
		</dev/null >"$tmp/s1.out" 2>&1)
	{
		printf '%s\n' "$3" | tr '|' '\n'
		printf '%s\n' "savevm -l s" "info vms"
		printf '%s\n' "$4" | tr '|' '\n'
		printf '%s\n' "loadvm -l s" "info vms"
		printf '%s\n' "$5" | tr '|' '\n'
		echo quit
	} >"$tmp/s.cmd"
	(cd "$sc_dir" && "$AULA" lab "$sc_lab.lab" -x "$tmp/s.cmd" --batch \
		--dump-dir "$tmp/s2" </dev/null >"$tmp/s2.out" 2>&1)
	sed -n '/^aula lab report/,$p' "$tmp/s1.out" >"$tmp/s1.rep"
	sed -n '/^aula lab report/,$p' "$tmp/s2.out" >"$tmp/s2.rep"
	# The two info vms tables (but for the focus's mark: the monitor's).
	awk '/^\(aula\) info vms/ { n++; on = 1; next } /^\(aula\)/ { on = 0 }
		on { sub(/^\*/, " "); print > (dir "/vms" n) }' dir="$tmp" \
		"$tmp/s2.out"
	sc_same=yes
	for f in "$tmp"/s1/*.dump; do
		cmp -s "$f" "$tmp/s2/$(basename "$f")" || sc_same=no
	done
	if [ $sc_same = yes ] && [ -s "$tmp/s1.rep" ] &&
	   cmp -s "$tmp/s1.rep" "$tmp/s2.rep" && [ -s "$tmp/vms1" ] &&
	   cmp -s "$tmp/vms1" "$tmp/vms2" &&
	   grep -q "^loaded the lab's s: " "$tmp/s2.out"
	then
		ok "$sc_lab: savevm -l, run on, loadvm -l: the plain run's dumps and report"
	else
		not_ok "$sc_lab: the lab put back ends otherwise"
		diff "$tmp/s1.rep" "$tmp/s2.rep" | head
		grep -i "error" "$tmp/s2.out"
	fi
	rm -f "$tmp/vms1" "$tmp/vms2"
}
# A frame in flight on the switch when it is kept.
snap_case "$ex/lab" lan "vm sender|break 0x1088|continue|delete" \
	"continue|vm receiver|continue" "vm bystander|continue"
# The scheduler: five machines on one CPU, steal time.
snap_case "$ex/lab" steal "vm busy2|step 40000" "step 100000" \
	"vm sleeper|continue"
snap_case "$ex/lab" web "vm client|step 200" "continue" "vm web|continue"
# The memory manager: pages swapped, balloons half full.
snap_case "$ex/lab" overcommit "vm one|break 0x1198|continue|delete|step 3000" \
	"vm two|step 30000" "vm three|continue"
# Migrations: kept before the first, put back after both.
snap_case "$ex/lab/migrate" migrate "vm web|step 500|info migrate" \
	"vm web|continue|info migrate" "vm web|continue"

# A machine that migrated after the snapshot goes back to its host, and
# to its host's memory manager.
cat >"$tmp/two.lab" <<LAB
[lab]
time = 20M
[host a]
ram = 64K
[host b]
ram = 48K
[machine hog]
image = $ex/lab/memhog.s
LAB
rm -rf "$tmp/t1" "$tmp/t2"
mkdir "$tmp/t1" "$tmp/t2"
(cd "$tmp" && "$AULA" lab two.lab -I "$ex" --dump-dir t1 </dev/null \
	>two1.out 2>&1)
printf '%s\n' "vm hog" "step 1000000" "savevm -l s" "migrate hog b" \
	"step 500000" "info vms" "loadvm -l s" "info vms" continue quit \
	>"$tmp/two.cmd"
(cd "$tmp" && "$AULA" lab two.lab -I "$ex" -x two.cmd --batch \
	--dump-dir t2 </dev/null >two2.out 2>&1)
if grep -q "^\* hog *b " "$tmp/two2.out" &&
   grep -q "^\* hog *a " "$tmp/two2.out" &&
   cmp -s "$tmp/t1/hog.dump" "$tmp/t2/hog.dump" &&
   sed -n '/^aula lab report/,$p' "$tmp/two1.out" >"$tmp/two1.rep" &&
   sed -n '/^aula lab report/,$p' "$tmp/two2.out" >"$tmp/two2.rep" &&
   [ -s "$tmp/two1.rep" ] && cmp -s "$tmp/two1.rep" "$tmp/two2.rep"
then
	ok "a machine moved after savevm -l is back on its host after loadvm -l"
else
	not_ok "loadvm -l after a migration"; cat "$tmp/two2.out"
fi

# What a lab snapshot refuses, each with its reason.
printf '[lab]\ntime = 3M\n[host a]\n[host b]\n[machine busy]\nimage = %s\n[migration m]\nmachine = busy\nto = b\nat = 100K\n' \
	"$ex/migrate/dirty.s" >"$tmp/mig.lab"
printf '%s\n' "vm busy" "step 150000" "savevm -l s" >"$tmp/mig.cmd"
(cd "$tmp" && "$AULA" lab mig.lab -I "$ex" -x mig.cmd --batch </dev/null \
	>mig.out 2>&1)
grep -q "savevm -l s: the lab cannot be saved: migration m is under way" \
	"$tmp/mig.out" && ok "savevm -l during a migration is refused" ||
	{ not_ok "savevm -l during a migration"; cat "$tmp/mig.out"; }
head -c 4096 /dev/zero >"$tmp/disk.img"
printf '[lab]\ntime = 1M\n[machine d]\nimage = %s\ndisk = disk.img\n' \
	"$ex/lab/busy.s" >"$tmp/disk.lab"
printf '%s\n' "savevm -l s" >"$tmp/disk.cmd"
(cd "$tmp" && "$AULA" lab disk.lab -I "$ex" -x disk.cmd --batch </dev/null \
	>disk.out 2>&1)
grep -q "machine d has a writable disk" "$tmp/disk.out" &&
	ok "savevm -l with a writable disk is refused" ||
	{ not_ok "savevm -l with a writable disk"; cat "$tmp/disk.out"; }
printf '%s\n' "loadvm -l nothing" >"$tmp/none.cmd"
(cd "$tmp" && "$AULA" lab two.lab -I "$ex" -x none.cmd --batch </dev/null \
	>none.out 2>&1)
printf '%s\n' "savevm -l s" >"$tmp/nolab.cmd"
"$AULA" debug "$ex/lab/busy.s" -I "$ex" -x "$tmp/nolab.cmd" --batch \
	</dev/null >"$tmp/nolab.out" 2>&1
if grep -q "no lab snapshot 'nothing'" "$tmp/none.out" &&
   grep -q "savevm -l: there is no lab here" "$tmp/nolab.out"; then
	ok "loadvm -l of no snapshot, and savevm -l outside a lab, say why"
else
	not_ok "loadvm -l / savevm -l refusals"
	cat "$tmp/none.out" "$tmp/nolab.out"
fi
echo "1..$n"
[ "$fails" = 0 ]
