#!/bin/sh
# The walk-through of README.md, run end to end: a template disk, two
# linked clones booted one after the other, a map, a snapshot and a
# rollback to it, a full clone, a commit refused and then done.  Each command is shown before
# its output.  Run it from the repository (AULA names the aula binary,
# default build/release/aula); it works in a fresh directory it prints.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
AULA=${AULA:-$here/../../build/release/aula}
case $AULA in /*) ;; *) AULA=$(pwd)/$AULA ;; esac
book=$here/guestbook.s
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/disk-snapshots.XXXXXX")}
mkdir -p "$work"
cd "$work"
echo "# in $work"

show() { echo "\$ $*"; "$@"; }
# visit DISK [NAME]: boot the guestbook on DISK, NAME typed at its console
visit() {
	if [ $# -gt 1 ]; then
		echo "\$ echo $2 | aula run guestbook.s --disk $1"
		echo "$2" | "$AULA" run -I "$here/.." "$book" --disk "$1"
	else
		echo "\$ aula run guestbook.s --disk $1 </dev/null"
		"$AULA" run -I "$here/.." "$book" --disk "$1" </dev/null
	fi
}
aula() { echo "\$ aula $*"; "$AULA" "$@"; }

echo "## 1. The template: a disk every student starts from"
aula disk create template.img 1M
visit template.img teacher

echo "## 2. Two linked clones: empty overlays on the template"
aula disk clone --linked template.img alice.qcow2
aula disk clone --linked template.img bob.qcow2
visit alice.qcow2 alice
visit bob.qcow2 bob
echo "## The template is untouched; each clone holds only its own changes"
visit template.img,ro
aula disk map alice.qcow2

echo "## 3. A snapshot of bob's disk, and a rollback to it"
echo "## (bob.qcow2 is frozen under a new overlay that takes the writes)"
aula disk create bob-snap.qcow2 --backing bob.qcow2
visit bob-snap.qcow2 mallory
aula disk map bob-snap.qcow2
aula disk rollback bob-snap.qcow2
visit bob-snap.qcow2

echo "## 4. A full clone: alice's disk as one standalone file"
aula disk clone --full alice.qcow2 alice-copy.qcow2
aula disk map alice-copy.qcow2

echo "## 5. Commit: alice's changes into the template"
aula disk commit alice.qcow2 || echo "(refused: bob's clone still uses the template)"
show rm bob-snap.qcow2 bob.qcow2
aula disk commit alice.qcow2
visit template.img,ro
aula disk map alice.qcow2
