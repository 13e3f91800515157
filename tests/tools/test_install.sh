#!/usr/bin/env bash
# The installed tree, as a user gets it from `cmake --install BUILD --prefix P`:
#   - the layout (binaries, lessons, data, desktop entry, icons at their sizes, metainfo);
#   - the desktop entry through desktop-file-validate, the metainfo through `appstreamcli validate --no-net`;
#   - with every UNROLLED_* variable unset and the working folder outside the source and build trees,
#     the installed unrolled-cli trains on `--data co2` and the installed app opens a lesson, renders
#     and writes its screenshot under Xvfb: both find their assets from P alone;
#   - with P/share/unrolled deleted, both fail with exit 1 (DESIGN §5: a missing file) and a message
#     naming the missing folder, and write nothing: an installed binary never falls back to a checkout.
# Nothing is copied into P by hand. Exits 77 (ctest: skipped) when a validator is not installed.
#
# usage: test_install.sh CMAKE BUILD_DIR SOURCE_DIR XVFB_RUN LESSON_ID
set -euo pipefail
cmake=$1 build=$2 source=$3 xvfb_run=$4 lesson=$5
id=io.github.unrolled.Unrolled

for tool in desktop-file-validate appstreamcli; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (scripts/setup.sh installs it)"
    exit 77
  fi
done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

source=$(cd "$source" && pwd -P)
build=$(cd "$build" && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/unrolled-install.XXXXXX")
work=$(cd "$work" && pwd -P)  # the binaries see their real path (/proc/self/exe), so compare with that
# `cmake --install` rewrites BUILD/install_manifest.txt; put back the one of the user's own install.
manifest=$build/install_manifest.txt
[ ! -f "$manifest" ] || cp -p "$manifest" "$work/manifest.saved"
cleanup() {
  if [ -f "$work/manifest.saved" ]; then cp -p "$work/manifest.saved" "$manifest"; else rm -f "$manifest"; fi
  rm -rf "$work"
}
trap cleanup EXIT
case "$work/" in
  "$source"/* | "$build"/*) echo "FAIL: the scratch folder $work lies inside the source or build tree"; exit 1 ;;
esac
prefix=$work/prefix
run=$work/run
mkdir -p "$run" "$work/home"

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"

# The layout: every file the README lists, where the XDG specifications want it.
for f in bin/unrolled bin/unrolled-cli; do
  [ -x "$prefix/$f" ] || fail "$f is not installed as an executable"
done
for f in "share/applications/$id.desktop" "share/metainfo/$id.metainfo.xml" \
         "share/icons/hicolor/scalable/apps/$id.svg" share/unrolled/data/README.md; do
  [ -f "$prefix/$f" ] || fail "$f is not installed"
done
diff -r "$source/assets/lessons" "$prefix/share/unrolled/lessons" >/dev/null ||
  fail "share/unrolled/lessons differs from assets/lessons"
diff -r "$source/assets/data" "$prefix/share/unrolled/data" >/dev/null ||
  fail "share/unrolled/data differs from assets/data"
# Each PNG icon: a PNG (signature) whose IHDR says size x size.
for size in 48 128 256; do
  png="$prefix/share/icons/hicolor/${size}x${size}/apps/$id.png"
  if [ ! -f "$png" ]; then
    fail "the ${size}x${size} icon is not installed"
    continue
  fi
  sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
  read -r w0 w1 w2 w3 h0 h1 h2 h3 < <(od -An -tu1 -j16 -N8 "$png")
  w=$(((w0 << 24) | (w1 << 16) | (w2 << 8) | w3)) h=$(((h0 << 24) | (h1 << 16) | (h2 << 8) | h3))
  [ "$sig" = 89504e470d0a1a0a ] || fail "$png is not a PNG"
  [ "$w" = "$size" ] && [ "$h" = "$size" ] || fail "$png is ${w}x${h}, not ${size}x${size}"
done

if ! out=$(desktop-file-validate "$prefix/share/applications/$id.desktop" 2>&1) || [ -n "$out" ]; then
  fail "desktop-file-validate: $out"
fi
if ! out=$(appstreamcli validate --no-net "$prefix/share/metainfo/$id.metainfo.xml" 2>&1); then
  fail "appstreamcli validate --no-net: $out"
fi

# The installed binaries on their own: no UNROLLED_* variable, a private HOME (the app keeps its last
# session under it), the working folder outside both trees.
for v in $(compgen -e | grep '^UNROLLED_' || true); do unset "$v"; done
export HOME=$work/home XDG_STATE_HOME=$work/home/state XDG_CONFIG_HOME=$work/home/config
cd "$run"
cli=$prefix/bin/unrolled-cli app=$prefix/bin/unrolled
screen=(-a -s "-screen 0 1920x1200x24")

if "$cli" train --data co2 --epochs 2 --progress none --out co2.json >cli.out 2>cli.err; then
  grep -q '^done epochs=2 ' cli.out || fail "unrolled-cli train --data co2: no 'done epochs=2' line: $(cat cli.out)"
  grep -q '"data": *"co2"' co2.json || fail "unrolled-cli train --data co2: the model does not record data co2"
else
  fail "unrolled-cli train --data co2 exited $?: $(cat cli.err)"
fi

listed=$("$app" --list-lessons 2>&1 | awk '{print $1}' | sort | tr '\n' ' ') || true
shipped=$(cd "$source/assets/lessons" && ls *.json | sed 's/\.json$//' | sort | tr '\n' ' ')
[ "$listed" = "$shipped" ] || fail "unrolled --list-lessons lists '$listed', the source tree ships '$shipped'"

if "$xvfb_run" "${screen[@]}" "$app" --frames 5 --lesson "$lesson" --screenshot x.png >app.out 2>app.err; then
  [ -s x.png ] || fail "unrolled --frames 5 --lesson $lesson --screenshot x.png wrote no x.png"
  [ "$(od -An -tx1 -N8 x.png 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "x.png is not a PNG"
else
  fail "unrolled --frames 5 --lesson $lesson --screenshot x.png exited $?: $(cat app.err)"
fi

# Without share/unrolled: a clear failure naming the folder, exit 1, no output file.
rm -rf "$prefix/share/unrolled"
status=0
"$cli" train --data co2 --epochs 2 --progress none --out gone.json >cli.out 2>cli.err || status=$?
[ "$status" = 1 ] || fail "unrolled-cli train --data co2 without share/unrolled exited $status, not 1: $(cat cli.err)"
grep -qF "looked in $prefix/share/unrolled/data;" cli.err ||
  fail "unrolled-cli's message does not name $prefix/share/unrolled/data: $(cat cli.err)"
[ ! -e gone.json ] || fail "unrolled-cli wrote gone.json although it failed"

status=0
"$xvfb_run" "${screen[@]}" "$app" --frames 5 --lesson "$lesson" --screenshot gone.png >app.out 2>app.err || status=$?
[ "$status" = 1 ] || fail "unrolled --lesson $lesson without share/unrolled exited $status, not 1: $(cat app.err)"
grep -qF "no lessons folder found (looked in $prefix/share/unrolled/lessons;" app.err ||
  fail "unrolled's message does not name $prefix/share/unrolled/lessons: $(cat app.err)"
[ ! -e gone.png ] || fail "unrolled wrote gone.png although it failed"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "install_tests: every check passed (prefix $prefix)"
