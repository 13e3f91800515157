#!/usr/bin/env bash
# Frame time and training throughput of the app while it trains, against the CLI.
#
#   bench/app_frames.sh [ROUNDS] [FRAMES] [train|text|seq2seq]     (after a Release build; needs xvfb-run)
#
# text: the Text workspace's character model (LSTM, H = 128, E = 32, T = 64, B = 32, the generated
# structured text), `unrolled-cli train --task charlm` against `unrolled --text --train`. seq2seq: the
# Seq2seq workspace's defaults (reverse, GRU H = 64, E = 32, additive attention, B = 32) against
# `unrolled-cli train --task seq2seq:reverse` with validation every 100 steps as the app does; the app
# also trains the no-attention twin, so its rate is reported both for the model and for the pair
# (the twin is a smaller model: its step costs less). train (the
# default), the forecaster:
# 1. `unrolled-cli train --epochs 200` (the app's default training settings): the CLI's steps/s.
# 2. ROUNDS runs of `unrolled --train --frames FRAMES --stats` at 1280x800 under Xvfb (Mesa's
#    software renderer): p50 / p95 frame time, the phases of a frame, and the training steps/s with
#    the app open, as a share of the CLI's.
# Run it on a quiet machine: with two cores, anything else running shows up in both numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
frames="${2:-240}"
mode="${3:-train}"
bin=build/bin
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config"  # never the user's last session

if [ "$mode" = text ]; then
  cli_line="$("$bin/unrolled-cli" train --task charlm --data structured --chars 100000 --hidden 128 --embed 32 \
    --seq 64 --batch 32 --steps 300 --out "$tmp/model.json" 2>/dev/null | tail -n 1)"
  app_flags="--text --train"
elif [ "$mode" = seq2seq ]; then
  cli_line="$("$bin/unrolled-cli" train --task seq2seq:reverse --steps 600 --eval-every 100 --progress none \
    --out "$tmp/model.json" 2>/dev/null | tail -n 1)"
  app_flags="--seq2seq --train"
else
  cli_line="$("$bin/unrolled-cli" train --epochs 200 --out "$tmp/model.json" 2>/dev/null | tail -n 1)"
  app_flags="--train --train-speed full"
fi
cli_steps="$(sed -n 's/.* steps=\([0-9]*\) .*/\1/p' <<<"$cli_line")"
cli_seconds="$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$cli_line")"
cli_rate="$(awk -v s="$cli_steps" -v t="$cli_seconds" 'BEGIN { printf "%.1f", s / t }')"
echo "unrolled-cli train ($mode): $cli_steps steps in $cli_seconds s = $cli_rate steps/s"

for r in $(seq 1 "$rounds"); do
  # shellcheck disable=SC2086  # app_flags: one or two flags
  xvfb-run -a -s "-screen 0 1280x800x24" "$bin/unrolled" --fresh --size 1280x800 $app_flags \
    --frames "$frames" --stats "$tmp/stats.json" >/dev/null 2>&1
  python3 - "$tmp/stats.json" "$cli_rate" "$r" "$mode" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); cli = float(sys.argv[2])
f, p = s["frame_ms"], s["phase_ms"]
mode = sys.argv[4]
rate = s[mode]["steps_per_second"] if mode in ("text", "seq2seq") else s["train_steps_per_second"]
phases = "  ".join(f'{k} {v["wall_p50"]:.1f}/{v["cpu_p50"]:.1f}' for k, v in p.items())
print(f'run {sys.argv[3]}: p50 {f["p50"]:.1f} ms  p95 {f["p95"]:.1f} ms  max {f["max"]:.1f} ms  '
      f'training {rate:.1f} steps/s ({100 * rate / cli:.0f}% of the CLI)  phases wall/cpu ms: {phases}')
EOF
done
