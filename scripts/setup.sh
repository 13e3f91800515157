#!/usr/bin/env bash
# Installs the Debian 12 packages unrolled needs. Idempotent: a quick no-op when all are present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  ccache                 # keeps compiled objects between builds (the three test trees, CI's clean clones)
  libeigen3-dev          # core linear algebra
  nlohmann-json3-dev     # model / trace / lesson files
  doctest-dev            # unit tests
  libimgui-dev           # Dear ImGui 1.86, with the GLFW + OpenGL3 backends inside libimgui.a
  libglfw3-dev           # window, input
  libepoxy-dev           # our own OpenGL calls
  libgl-dev libgl1-mesa-dri  # OpenGL, software renderer (llvmpipe) for headless runs
  libstb-dev             # stb_image_write for PNG screenshots
  fonts-dejavu-core      # scalable UI font
  base-files             # /usr/share/common-licenses/GPL-3: the English corpus of `train --task charlm --data english` (essential, always there)
  xvfb xauth             # GUI tests without a display
  xdotool x11-apps       # GUI tests drive a real window (xdotool) and read what the X server shows (xwd)
  librsvg2-bin           # rsvg-convert: renders the app's SVG icon to the installed 48/128/256 px PNGs
  desktop-file-utils     # desktop-file-validate: install_tests checks the installed .desktop entry
  appstream              # appstreamcli validate --no-net: install_tests checks the installed metainfo
  clang libclang-rt-14-dev   # libFuzzer target for the loaders (optional CMake option)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
