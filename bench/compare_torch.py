#!/usr/bin/python3
"""Times unrolled's training step against PyTorch's, side by side, on this machine.

Run from the repository root after building (./scripts/run.sh or ./scripts/test.sh):

    /usr/bin/python3 bench/compare_torch.py [--steps N] [--rounds R] [--cli build/bin/unrolled-cli]

Needs Debian's python3-torch (at /usr/bin/python3); nothing else in the project needs it.
The step is the same on both sides: forward over B windows of length T with one input feature,
MSE on the last step's prediction (a Linear head), BPTT, clip_grad_norm_(1.0), Adam (lr 1e-3),
float32. Both are timed with 1 and with 2 threads (PyTorch's intra-op threads, unrolled's --threads) and
the better of the two is taken.
Both sides run interleaved for R rounds and the best round is kept, so background load hits both.
Prints a Markdown table (the one in the README).
"""
import argparse
import os
import re
import subprocess
import sys
import time

CONFIGS = [  # cell, hidden, seq, batch
    ("rnn", 32, 50, 32),
    ("lstm", 32, 50, 32),
    ("gru", 32, 50, 32),
    ("lstm", 128, 50, 64),
    ("lstm", 256, 50, 64),
]


def torch_worker(cell, hidden, seq, batch, steps, threads):
    """Runs in a child process whose BLAS and OpenMP pools were sized before torch loaded."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](1, hidden)
    head = torch.nn.Linear(hidden, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    phase = torch.rand(batch) * 6.283185307179586
    t = torch.arange(seq + 1, dtype=torch.float32).unsqueeze(1) * 0.2
    wave = torch.sin(phase.unsqueeze(0) + t)  # [T+1, B]
    x, y = wave[:seq].unsqueeze(2), wave[seq].unsqueeze(1)
    loss_fn = torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = loss_fn(head(out[-1]), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    for _ in range(5):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    print(f"torch_version={torch.__version__} ms_per_step={(time.perf_counter() - t0) * 1e3 / steps}")


def torch_ms_per_step(cell, hidden, seq, batch, steps, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, __file__, "--torch-worker", cell, str(hidden), str(seq), str(batch),
                          str(steps), str(threads)], env=env, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"ms_per_step=([0-9.e-]+)", out).group(1))


def ours_ms_per_step(cli, cell, hidden, seq, batch, steps, threads):
    out = subprocess.run(
        [cli, "bench", "--cell", cell, "--hidden", str(hidden), "--seq", str(seq), "--batch", str(batch),
         "--steps", str(steps), "--threads", str(threads)], check=True, capture_output=True, text=True).stdout
    return float(re.search(r"ms_per_step=([0-9.]+)", out).group(1))


def main():
    if len(sys.argv) == 8 and sys.argv[1] == "--torch-worker":
        torch_worker(sys.argv[2], *map(int, sys.argv[3:]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default="build/bin/unrolled-cli")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"PyTorch (Debian python3-torch), float32, best of {args.rounds} interleaved rounds\n")
    print("| cell | H | T | B | PyTorch ms/step (threads) | unrolled ms/step (threads) | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for cell, hidden, seq, batch in CONFIGS:
        best_torch, best_threads, best_ours, ours_threads = float("inf"), 1, float("inf"), 1
        for _ in range(args.rounds):
            for threads in (1, 2):
                ms = torch_ms_per_step(cell, hidden, seq, batch, args.steps, threads)
                if ms < best_torch:
                    best_torch, best_threads = ms, threads
                ms = ours_ms_per_step(args.cli, cell, hidden, seq, batch, args.steps * 4, threads)
                if ms < best_ours:
                    best_ours, ours_threads = ms, threads
        print(f"| {cell} | {hidden} | {seq} | {batch} | {best_torch:.2f} ({best_threads}) | "
              f"{best_ours:.2f} ({ours_threads}) | "
              f"{best_torch / best_ours:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
