#!/usr/bin/env python3
"""tools/torch_bridge.py against PyTorch: models built the usual way (whole modules, state_dicts,
DataParallel prefixes, other member names, a JSON dump, relu RNN, bidirectional, embedding, batch_first
either way) are exported, traced by unrolled-cli and imported back; every prediction must agree with the
original module's to 1e-6. Exits 77 (ctest: skipped) when torch is not installed.

usage: test_torch_bridge.py UNROLLED_CLI
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    print("SKIPPED: python3-torch is not installed")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
BRIDGE = os.path.join(HERE, "..", "..", "tools", "torch_bridge.py")
sys.path.insert(0, os.path.dirname(BRIDGE))
import torch_bridge  # noqa: E402
sys.path.insert(0, HERE)
from bridge_models import Forecaster  # noqa: E402  (importable, so a whole saved module loads again)

CLI = sys.argv[1]
TOL = 1e-6
failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print("FAIL: " + what)


def worst(a, b):
    return (torch.as_tensor(a, dtype=torch.float64) - torch.as_tensor(b, dtype=torch.float64)).abs().max().item()


def run(args, expect=0):
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == expect, "%s exited %d (expected %d): %s" % (" ".join(args), r.returncode, expect, r.stderr))
    return r


def sequence(model, T, gen):
    if model.vocab:
        return torch.randint(0, model.vocab, (1, T), generator=gen)
    I = getattr(model, model.names[0]).input_size
    return torch.randn(1, T, I, generator=gen, dtype=torch.float64)


def trace_outputs(model_json, x, tmp):
    csv = os.path.join(tmp, "x.csv")
    with open(csv, "w") as f:
        rows = x[0].tolist()
        for r in rows:
            f.write((",".join("%.17g" % v for v in r) if isinstance(r, list) else str(r)) + "\n")
    out = os.path.join(tmp, "t.json")
    run([CLI, "trace", "--model", model_json, "--input", csv, "--precision", "f64", "--out", out])
    with open(out) as f:
        return json.load(f)["outputs"]


def main():
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(2)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("rnn_relu_module", dict(kind="rnn", nonlinearity="relu", layers=2), [], "module"),
            ("rnn_relu_state_dict", dict(kind="rnn", nonlinearity="relu"), ["--nonlinearity", "relu"], "state_dict"),
            ("lstm_bi_not_batch_first_dp", dict(kind="lstm", names=("lstm", "fc", "emb"), bidirectional=True,
                                                batch_first=False, input_size=2, out=2, layers=2),
             ["--rnn", "module.lstm", "--head", "module.fc"], "data_parallel"),
            ("gru_embedding", dict(kind="gru", names=("gru", "out", "emb"), vocab=11, input_size=4),
             [], "state_dict"),
            ("lstm_json_dump", dict(kind="lstm", hidden=3), [], "json"),
            ("gru_bi_embedding_module", dict(kind="gru", vocab=6, input_size=3, bidirectional=True), [], "module"),
        ]
        for label, kw, flags, save in cases:
            kind = kw.pop("kind")
            m = Forecaster(kind, **kw)

            def rebuild(kind=kind, kw=kw):
                return Forecaster(kind, **kw)
            round_trip_case(label, m, rebuild, flags, tmp, gen, save)

        # A relu RNN from a bare state_dict: no guess, the bridge asks.
        m = Forecaster("rnn", nonlinearity="relu").double()
        sd = os.path.join(tmp, "relu_sd.pt")
        torch.save(m.state_dict(), sd)
        r = run([sys.executable, BRIDGE, "export", sd, "--out", os.path.join(tmp, "x.json")], expect=1)
        check("--nonlinearity" in r.stderr, "bare relu state_dict: the bridge should ask for --nonlinearity")
        # unrolled-cli on a .pt: refused, with the one command that converts it.
        r = run([CLI, "trace", "--model", sd, "--input", sd, "--out", os.path.join(tmp, "t.json")], expect=1)
        check("torch_bridge.py export" in r.stderr, "unrolled-cli should name the conversion command for a .pt")
        # Normalisation written with the model, and used by forecast.
        m = Forecaster("lstm").double()
        pt = os.path.join(tmp, "norm.pt")
        torch.save(m, pt)
        out = os.path.join(tmp, "norm.json")
        run([sys.executable, BRIDGE, "export", pt, "--out", out, "--path", HERE, "--mean", "3.5", "--std", "2"])
        with open(out) as f:
            check(json.load(f).get("normalization") == {"mean": 3.5, "std": 2.0}, "normalisation not written")
        series = os.path.join(tmp, "s.csv")
        with open(series, "w") as f:
            f.write("value\n" + "".join("%g\n" % (3.5 + 2 * ((i % 9) / 9.0)) for i in range(60)))
        r = run([CLI, "forecast", "--model", out, "--data", series, "--seq", "8", "--horizon", "5", "--out",
                 os.path.join(tmp, "f.csv")])
        check("normalization=stored" in r.stdout, "forecast should use the exported normalisation")
    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


def round_trip_case(label, model, rebuild, flags, tmp, gen, save):
    model = model.double().eval()
    if save == "module":
        pt = os.path.join(tmp, label + ".pt")
        torch.save(model, pt)
    elif save == "state_dict":
        pt = os.path.join(tmp, label + ".pt")
        torch.save(model.state_dict(), pt)
    elif save == "data_parallel":  # what a checkpoint of a DataParallel model holds
        pt = os.path.join(tmp, label + ".pt")
        torch.save({"epoch": 3, "model_state_dict": {"module." + k: v for k, v in model.state_dict().items()}}, pt)
    else:  # the one-liner JSON dump of docs/formats.md
        pt = os.path.join(tmp, label + ".sd.json")
        with open(pt, "w") as f:
            json.dump({k: {"shape": list(v.shape), "data": v.tolist()} for k, v in model.state_dict().items()}, f)
    out = os.path.join(tmp, label + ".json")
    run([sys.executable, BRIDGE, "export", pt, "--out", out, "--path", HERE] + flags)
    if not os.path.exists(out):
        return
    x = sequence(model, 7, gen)
    with torch.no_grad():
        want = model(x)[0]
        got = trace_outputs(out, x, tmp)  # unrolled-cli reads the file as PyTorch meant it, in double
        e1 = worst(got, want)
        check(e1 <= TOL, "%s: unrolled-cli trace differs from PyTorch by %g" % (label, e1))
        back = torch_bridge.load_module(out)  # the bridge's own module
        e2 = worst(back(x)[0], want)
        check(e2 <= TOL, "%s: load_module differs by %g" % (label, e2))
        names = model.names
        pt2 = os.path.join(tmp, label + ".back.pt")
        run([sys.executable, BRIDGE, "import", out, "--out", pt2, "--rnn", names[0], "--head", names[1],
             "--embed", names[2]])
        fresh = rebuild().double().eval()  # the user's own class, under its own names, strict
        fresh.load_state_dict(torch.load(pt2), strict=True)
        e3 = worst(fresh(x)[0], want)
        check(e3 <= TOL, "%s: the imported state_dict in the original class differs by %g" % (label, e3))
    print("%-30s trace %.1e  load_module %.1e  import %.1e" % (label, e1, e2, e3))


if __name__ == "__main__":
    sys.exit(main())
