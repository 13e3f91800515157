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

Text models (issue 14), a second table: `unrolled-cli bench --task charlm|classify|sample` against
the same PyTorch modules: nn.Embedding(V, E) -> nn.LSTM/GRU -> nn.Linear, nn.CrossEntropyLoss over
every step (charlm) or on head(cat(h_n[-2], h_n[-1])) of a bidirectional GRU (classify), clip, Adam;
sampling is one character at a time from the carried state (softmax, multinomial draw), chars/s.
Sequence to sequence (issue 16), a third table: `unrolled-cli bench --task seq2seq` against the
module docs/formats.md describes (tests/tools/dump_seq2seq_reference.py's Seq2seq, the one the parity
fixtures come from, here in float32): nn.Embedding + nn.GRU encoder over a packed padded batch, the
tanh bridge, additive attention with the padding masked, one nn.GRU step per target token, nn.Linear
out, CrossEntropyLoss(ignore_index=0), clip, Adam. Both sides train on the same shapes: B = 32 sources
of 5 + (b mod 11) tokens (V = 29, E = 32, H = 64), targets their reverse plus the end token.
`--only text`, `--only forecast` or `--only seq2seq` runs one table.
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


def time_steps(step, steps):
    """Milliseconds per step after 5 untimed ones."""
    for _ in range(5):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t0) * 1e3 / steps


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

    print(f"torch_version={torch.__version__} ms_per_step={time_steps(step, steps)}")


TEXT_CONFIGS = [  # task, cell, hidden, seq, batch (V = 80, E = 32)
    ("charlm", "lstm", 128, 64, 32),
    ("charlm", "lstm", 32, 64, 32),
    ("classify", "gru", 128, 32, 32),
    ("sample", "lstm", 128, 0, 1),
]


def torch_text_worker(task, cell, hidden, seq, batch, steps, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    V, E = 80, 32
    bidir = task == "classify"
    embed = torch.nn.Embedding(V, E)
    rnn = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](E, hidden, bidirectional=bidir)
    classes = 2 if task == "classify" else V
    head = torch.nn.Linear(hidden * (2 if bidir else 1), classes)
    if task == "sample":
        with torch.no_grad():
            x = torch.zeros(1, 1, dtype=torch.long)
            out, state = rnn(embed(x))
            t0 = time.perf_counter()
            for _ in range(steps):
                p = torch.softmax(head(out[-1]), dim=1)
                x = torch.multinomial(p, 1)
                out, state = rnn(embed(x), state)
            print(f"chars_per_second={steps / (time.perf_counter() - t0)}")
        return
    params = list(embed.parameters()) + list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.randint(0, V, (seq, batch))
    y = torch.randint(0, classes, (seq, batch) if task == "charlm" else (batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        out, final = rnn(embed(x))
        if task == "charlm":
            loss = loss_fn(head(out).reshape(-1, classes), y.reshape(-1))
        else:
            h_n = final[0] if cell == "lstm" else final
            loss = loss_fn(head(torch.cat([h_n[-2], h_n[-1]], 1)), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    print(f"ms_per_step={time_steps(step, steps)}")


SEQ2SEQ_CONFIGS = [  # cell, attention, hidden, embed, batch (V = 29: 26 symbols and pad, <s>, </s>)
    ("gru", "additive", 64, 32, 32),
    ("lstm", "dot", 64, 32, 32),
]


def torch_seq2seq_worker(cell, attention, hidden, embed, batch, steps, threads):
    import torch
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "tools"))
    import dump_seq2seq_reference as ref  # the documented module; it sets float64 as the default on import
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    V = 29
    model = ref.Seq2seq(cell, V, embed, hidden, False, hidden, attention, hidden)
    src_len = [5 + b % 11 for b in range(batch)]
    S, T = max(src_len), max(src_len) + 1
    src = torch.zeros(S, batch, dtype=torch.long)
    tgt = torch.zeros(T, batch, dtype=torch.long)
    for b, n in enumerate(src_len):
        src[:n, b] = torch.randint(3, V, (n,))
        tgt[:n, b] = src[:n, b].flip(0)
        tgt[n, b] = ref.END
    forced = torch.ones(T, batch, dtype=torch.bool)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=ref.PAD)

    def step():
        opt.zero_grad()
        logits, _ = model(src, src_len, tgt, forced)
        loss = loss_fn(logits.reshape(-1, V), tgt.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    print(f"ms_per_step={time_steps(step, steps)}")


def seq2seq_table(args):
    print("\nSequence to sequence (reverse-task shapes, V = 29, B = 32), float32, best of interleaved rounds\n")
    print("| cell | attention | H | E | B | PyTorch ms/step (threads) | unrolled ms/step | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for cell, attention, hidden, embed, batch in SEQ2SEQ_CONFIGS:
        best_t, best_threads, best_o = float("inf"), 1, float("inf")
        for _ in range(args.rounds):
            for threads in (1, 2):
                env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                           MKL_NUM_THREADS=str(threads))
                out = subprocess.run([sys.executable, __file__, "--torch-seq2seq-worker", cell, attention, str(hidden),
                                      str(embed), str(batch), str(args.steps), str(threads)], env=env, check=True,
                                     capture_output=True, text=True).stdout
                t = float(re.search(r"ms_per_step=([0-9.e+-]+)", out).group(1))
                if t < best_t:
                    best_t, best_threads = t, threads
            out = subprocess.run([args.cli, "bench", "--task", "seq2seq", "--cell", cell, "--attention", attention,
                                  "--hidden", str(hidden), "--embed", str(embed), "--batch", str(batch),
                                  "--steps", str(args.steps * 4)], check=True, capture_output=True, text=True).stdout
            best_o = min(best_o, float(re.search(r"ms_per_step=([0-9.]+)", out).group(1)))
        print(f"| {cell} | {attention} | {hidden} | {embed} | {batch} | {best_t:.2f} ({best_threads}) | {best_o:.2f} | "
              f"{best_t / best_o:.1f}x |", flush=True)


def torch_text(task, cell, hidden, seq, batch, steps, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, __file__, "--torch-text-worker", task, cell, str(hidden), str(seq),
                          str(batch), str(steps), str(threads)], env=env, check=True, capture_output=True,
                         text=True).stdout
    key = "chars_per_second" if task == "sample" else "ms_per_step"
    return float(re.search(key + r"=([0-9.e+-]+)", out).group(1))


def ours_text(cli, task, cell, hidden, seq, batch, steps, threads):
    cmd = [cli, "bench", "--task", task, "--cell", cell, "--hidden", str(hidden), "--steps", str(steps),
           "--threads", str(threads)]
    if task != "sample":
        cmd += ["--seq", str(seq), "--batch", str(batch)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    key = "chars_per_second" if task == "sample" else "ms_per_step"
    return float(re.search(key + r"=([0-9.]+)", out).group(1))


def text_table(args):
    print("\nText models (V = 80, E = 32), float32, best of interleaved rounds\n")
    print("| task | cell | H | T | B | PyTorch | unrolled | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for task, cell, hidden, seq, batch in TEXT_CONFIGS:
        sample = task == "sample"
        best_t, best_o = (0.0, 0.0) if sample else (float("inf"), float("inf"))
        for _ in range(args.rounds):
            for threads in (1, 2):
                n = args.steps * 50 if sample else args.steps
                t = torch_text(task, cell, hidden, seq, batch, n, threads)
                o = ours_text(args.cli, task, cell, hidden, seq, batch, n * (1 if sample else 4), threads)
                best_t, best_o = (max(best_t, t), max(best_o, o)) if sample else (min(best_t, t), min(best_o, o))
        if sample:
            print(f"| sample | {cell} | {hidden} | - | 1 | {best_t:.0f} chars/s | {best_o:.0f} chars/s | "
                  f"{best_o / best_t:.1f}x |", flush=True)
        else:
            bi = " (bidirectional)" if task == "classify" else ""
            print(f"| {task}{bi} | {cell} | {hidden} | {seq} | {batch} | {best_t:.2f} ms/step | {best_o:.2f} ms/step | "
                  f"{best_t / best_o:.1f}x |", flush=True)


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
    if len(sys.argv) == 9 and sys.argv[1] == "--torch-text-worker":
        torch_text_worker(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:]))
        return
    if len(sys.argv) == 9 and sys.argv[1] == "--torch-seq2seq-worker":
        torch_seq2seq_worker(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:]))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default="build/bin/unrolled-cli")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["forecast", "text", "seq2seq"], default=None)
    args = ap.parse_args()
    if args.only == "text":
        text_table(args)
        return
    if args.only == "seq2seq":
        seq2seq_table(args)
        return
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
    if args.only is None:
        text_table(args)
        seq2seq_table(args)


if __name__ == "__main__":
    main()
