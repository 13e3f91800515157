#!/usr/bin/python3
"""Dump the PyTorch reference fixtures that the C++ parity tests compare against.

What it writes (into tests/data/reference/, next to a README.md describing the format):
  <case>.json   one forward + backward pass of an RNN/LSTM/GRU + linear head + MSE loss:
                the model (a DESIGN section 4 model file), the input and target, and the expected
                loss, outputs, dL/dx, per-layer states, gate activations, total dL/dh_t and every
                parameter gradient. Some cases use truncated BPTT (see `truncate` below).
  v2/<case>.json  version-2 models (DESIGN section 3): embedding, bidirectional 1-3 layers for every
                cell, cross-entropy last/all, dropout configured but in eval mode; see the README.
  optim.json    torch.optim.Adam / SGD (+ clip_grad_norm_) trajectories over 4 fixed gradients,
                in float64 and float32.

How to rerun (needs Debian's PyTorch, not the pyenv python on PATH), from the repository root:
    /usr/bin/python3 tests/tools/dump_torch_reference.py
Output is deterministic: same torch version, same files, byte for byte.

How the expected values are obtained. nn.LSTM / nn.GRU do not expose gates or per-step gradients,
so every case is also unrolled by hand here (DESIGN section 3 equations, float64 autograd, each
h_t kept with retain_grad()). Before anything is written, the manual unroll is checked against the
real nn.RNN / nn.LSTM / nn.GRU module with full BPTT: loss, outputs, final states, dL/dx and every
parameter gradient must agree to <= 1e-12 (absolute), otherwise the script stops. Parameter
gradients in the files come from the real module. Truncated cases are checked twice: the manual
unroll with full BPTT against the module as above, and the truncated manual unroll against the
module run chunk by chunk (k steps at a time, its final state detached and passed in as the next
chunk's initial state); their parameter gradients come from that chunked module run.

Truncation (`truncate` = k > 0): the whole sequence runs forward, but for every 0-based step t > 0
with t % k == 0 the state entering step t (h, and c for LSTM) is detached, exactly like running
chunks of k steps and detaching the carried state between chunks. Forward values are unchanged.
"""

import json
import math
import os
import random
import sys

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)

TOL = 1e-12
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "tests", "data", "reference")

# Largest discrepancy seen between the manual unroll and the real module (reported at the end).
max_discrepancy = 0.0


class Model(nn.Module):
    """Recurrent stack + linear head; state_dict names are rnn.* and head.* as DESIGN section 4."""

    def __init__(self, cell, nonlinearity, input_size, hidden_size, num_layers, output_size):
        super().__init__()
        if cell == "rnn":
            self.rnn = nn.RNN(input_size, hidden_size, num_layers, nonlinearity=nonlinearity)
        elif cell == "lstm":
            self.rnn = nn.LSTM(input_size, hidden_size, num_layers)
        else:
            self.rnn = nn.GRU(input_size, hidden_size, num_layers)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        seq, final = self.rnn(x)  # zero initial state
        return self.head(seq), final


def manual_unroll(cell, nonlinearity, params, x, num_layers, hidden_size, truncate):
    """DESIGN section 3 equations step by step. params: dict name -> leaf tensor.

    Returns (outputs [T,B,O], per-layer dict of lists over t: h, c, gates).
    """
    T, B, _ = x.shape
    H = hidden_size
    layers = []
    layer_input = [x[t] for t in range(T)]
    for k in range(num_layers):
        w_ih = params[f"rnn.weight_ih_l{k}"]
        w_hh = params[f"rnn.weight_hh_l{k}"]
        b_ih = params[f"rnn.bias_ih_l{k}"]
        b_hh = params[f"rnn.bias_hh_l{k}"]
        h = torch.zeros(B, H)
        c = torch.zeros(B, H)
        rec = {"h": [], "c": [], "gates": {}}
        for t in range(T):
            if truncate > 0 and t > 0 and t % truncate == 0:
                h = h.detach()
                c = c.detach()
            xt = layer_input[t]
            if cell == "rnn":
                pre = xt @ w_ih.t() + b_ih + h @ w_hh.t() + b_hh
                h = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
            elif cell == "lstm":
                pre = xt @ w_ih.t() + b_ih + h @ w_hh.t() + b_hh
                gi, gf, gg, go = pre.split(H, dim=1)
                i = torch.sigmoid(gi)
                f = torch.sigmoid(gf)
                g = torch.tanh(gg)
                o = torch.sigmoid(go)
                c = f * c + i * g
                h = o * torch.tanh(c)
                for name, v in (("i", i), ("f", f), ("g", g), ("o", o)):
                    rec["gates"].setdefault(name, []).append(v)
                rec["c"].append(c)
            else:  # gru
                gx = xt @ w_ih.t() + b_ih
                gh = h @ w_hh.t() + b_hh
                xr, xz, xn = gx.split(H, dim=1)
                hr, hz, hn = gh.split(H, dim=1)
                r = torch.sigmoid(xr + hr)
                z = torch.sigmoid(xz + hz)
                n = torch.tanh(xn + r * hn)
                h = (1 - z) * n + z * h
                for name, v in (("r", r), ("z", z), ("n", n)):
                    rec["gates"].setdefault(name, []).append(v)
            h.retain_grad()
            rec["h"].append(h)
        layers.append(rec)
        layer_input = rec["h"]
    top = torch.stack(layers[-1]["h"])  # [T,B,H]
    outputs = top @ params["head.weight"].t() + params["head.bias"]
    return outputs, layers


def compute_loss(outputs, target, loss_mode):
    y = outputs[-1] if loss_mode == "last" else outputs
    return nn.MSELoss()(y, target)


def check(label, a, b):
    global max_discrepancy
    d = (a.detach() - b.detach()).abs().max().item() if a.numel() else 0.0
    max_discrepancy = max(max_discrepancy, d)
    if not d <= TOL:
        sys.exit(f"reference check failed: {label}: max |manual - module| = {d:g} > {TOL:g}")
    return d


def tensor_entry(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.tolist()}


def run_case(spec):
    """spec: dict with name, cell, nonlinearity, I, H, L, O, T, B, loss, truncate, seed, scale."""
    cell, nl = spec["cell"], spec["nonlinearity"]
    I, H, L, O, T, B = (spec[k] for k in ("I", "H", "L", "O", "T", "B"))
    loss_mode, truncate = spec["loss"], spec["truncate"]

    torch.manual_seed(spec["seed"])
    model = Model(cell, nl, I, H, L, O)  # PyTorch default init
    if spec["scale"]:
        # Push pre-activations out of the linear region so gates are not all ~0.5 and relu sees
        # both signs; relu gets a milder boost so long sequences do not blow up.
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.startswith("rnn.weight_ih") or name.startswith("rnn.bias"):
                    p.mul_(2.0 if nl == "relu" else 3.0)
                elif name.startswith("rnn.weight_hh"):
                    p.mul_(1.5 if nl == "relu" else 2.5)
                elif name == "head.weight":
                    p.mul_(2.0)
    x = torch.randn(T, B, I)
    target = torch.randn(B, O) if loss_mode == "last" else torch.randn(T, B, O)

    # Real module, full BPTT.
    xm = x.clone().requires_grad_()
    out_m, final_m = model(xm)
    loss_m = compute_loss(out_m, target, loss_mode)
    model.zero_grad()
    loss_m.backward()
    module_grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}

    def manual(trunc):
        params = {n: p.detach().clone().requires_grad_() for n, p in model.named_parameters()}
        xx = x.clone().requires_grad_()
        out, layers = manual_unroll(cell, nl, params, xx, L, H, trunc)
        loss = compute_loss(out, target, loss_mode)
        loss.backward()
        return params, xx, out, layers, loss

    # Manual unroll, full BPTT, against the module.
    params0, x0, out0, layers0, loss0 = manual(0)
    tag = spec["name"]
    check(f"{tag} loss", loss0, loss_m)
    check(f"{tag} outputs", out0, out_m)
    check(f"{tag} grad_input", x0.grad, xm.grad)
    h_n = final_m[0] if cell == "lstm" else final_m
    for k in range(L):
        check(f"{tag} h_n l{k}", layers0[k]["h"][-1], h_n[k])
        if cell == "lstm":
            check(f"{tag} c_n l{k}", layers0[k]["c"][-1], final_m[1][k])
    for n in module_grads:
        check(f"{tag} grad {n}", params0[n].grad, module_grads[n])

    if truncate > 0:
        params, xg, out, layers, loss = manual(truncate)
        check(f"{tag} truncated forward", out, out_m)  # detaching never changes forward values
        # Independent check: the real module run chunk by chunk, its final state detached and
        # passed in as the next chunk's initial state.
        xc = x.clone().requires_grad_()
        state, chunks = None, []
        for s in range(0, T, truncate):
            seq, state = model.rnn(xc[s:s + truncate], state)
            chunks.append(seq)
            state = tuple(v.detach() for v in state) if cell == "lstm" else state.detach()
        loss_c = compute_loss(model.head(torch.cat(chunks)), target, loss_mode)
        model.zero_grad()
        loss_c.backward()
        check(f"{tag} truncated loss", loss, loss_c)
        check(f"{tag} truncated grad_input", xg.grad, xc.grad)
        for n, p in model.named_parameters():
            check(f"{tag} truncated grad {n}", params[n].grad, p.grad)
        grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    else:
        out, layers, loss, xg, grads = out0, layers0, loss0, x0, module_grads

    def stack(seq):
        return torch.stack([s.detach() for s in seq]).tolist()

    layer_out = []
    for rec in layers:
        entry = {"h": stack(rec["h"])}
        if cell == "lstm":
            entry["c"] = stack(rec["c"])
        if cell != "rnn":
            entry["gates"] = {g: stack(v) for g, v in rec["gates"].items()}
        entry["grad_h"] = stack([h.grad if h.grad is not None else torch.zeros_like(h)
                                 for h in rec["h"]])
        layer_out.append(entry)

    model_file = {
        "format": "unrolled-model",
        "version": 1,
        "cell": cell,
    }
    if cell == "rnn":
        model_file["nonlinearity"] = nl
    model_file.update({
        "input_size": I,
        "hidden_size": H,
        "num_layers": L,
        "output_size": O,
        "tensors": {n: tensor_entry(p) for n, p in model.state_dict().items()},
    })
    doc = {
        "case": tag,
        "model": model_file,
        "loss": loss_mode,
        "truncate": truncate,
        "batch": B,
        "steps": T,
        "input": x.tolist(),
        "target": target.tolist(),
        "expected": {
            "loss": loss.item(),
            "outputs": out.detach().tolist(),
            "grad_input": xg.grad.detach().tolist(),
            "layers": layer_out,
            "grads": {n: tensor_entry(g) for n, g in grads.items()},
        },
    }
    return doc


def cell_label(cell, nl):
    return f"rnn_{nl}" if cell == "rnn" else cell


def case_specs():
    specs = []
    kinds = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
    # Hand-picked: every cell x layers {1,2,3} x loss {last, all}; sizes vary deterministically.
    sizes = [  # (I, H, O, T, B)
        (1, 2, 1, 3, 1), (2, 3, 1, 5, 3), (3, 4, 2, 4, 1),
        (2, 5, 2, 6, 3), (1, 6, 1, 8, 3), (3, 3, 2, 7, 1),
    ]
    n = 0
    for kind_idx, (cell, nl) in enumerate(kinds):
        for L in (1, 2, 3):
            for loss in ("last", "all"):
                I, H, O, T, B = sizes[(kind_idx + 2 * (L - 1) + (loss == "all")) % len(sizes)]
                name = f"{cell_label(cell, nl)}_l{L}_i{I}_h{H}_o{O}_t{T}_b{B}_{loss}"
                specs.append(dict(name=name, cell=cell, nonlinearity=nl, I=I, H=H, L=L, O=O, T=T,
                                  B=B, loss=loss, truncate=0, seed=1000 + n, scale=(n % 2 == 1)))
                n += 1
    # Truncated BPTT: T = 9 with k = 4 (chunks 4,4,1) and k = 3 (chunks 3,3,3).
    trunc = [
        ("lstm", "tanh", 4, "all", 2, 1), ("lstm", "tanh", 3, "last", 2, 2),
        ("gru", "tanh", 4, "last", 3, 2), ("gru", "tanh", 3, "all", 1, 1),
        ("rnn", "tanh", 4, "all", 2, 2), ("rnn", "relu", 3, "last", 3, 1),
        ("lstm", "tanh", 3, "all", 3, 2), ("gru", "tanh", 4, "all", 2, 1),
    ]
    for j, (cell, nl, k, loss, B, L) in enumerate(trunc):
        I, H, O, T = 2, 4, 1 + j % 2, 9
        name = f"trunc_{cell_label(cell, nl)}_k{k}_l{L}_i{I}_h{H}_o{O}_t{T}_b{B}_{loss}"
        specs.append(dict(name=name, cell=cell, nonlinearity=nl, I=I, H=H, L=L, O=O, T=T, B=B,
                          loss=loss, truncate=k, seed=2000 + j, scale=(j % 2 == 0)))
    # Random "cases nobody picked"; resampled while the file would be too large (~400 KB).
    rng = random.Random(20261121)
    forced = {0: dict(T=1), 1: dict(H=1), 2: dict(T=1, H=1)}
    for j in range(12):
        while True:
            cell, nl = rng.choice(kinds)
            L = rng.randint(1, 3)
            I, H = rng.randint(1, 20), rng.randint(1, 20)
            O = rng.randint(1, 3)
            T, B = rng.randint(1, 40), rng.randint(1, 3)
            loss = rng.choice(["last", "all"])
            over = forced.get(j, {})
            T, H = over.get("T", T), over.get("H", H)
            G = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
            n_params = sum(G * H * ((I if k == 0 else H) + H + 2) for k in range(L)) + O * (H + 1)
            per_step = B * (I + 2 * O) + L * B * H * (2 + (G if cell != "rnn" else 0)
                                                       + (1 if cell == "lstm" else 0))
            numbers = 2 * n_params + T * per_step
            if numbers <= 17000:
                break
        name = f"rand{j:02d}_{cell_label(cell, nl)}_l{L}_i{I}_h{H}_o{O}_t{T}_b{B}_{loss}"
        specs.append(dict(name=name, cell=cell, nonlinearity=nl, I=I, H=H, L=L, O=O, T=T, B=B,
                          loss=loss, truncate=0, seed=3000 + j, scale=(j % 2 == 0)))
    return specs


# ---------------------------------------------------------------------------------------------
# Optimizer parity

OPTIM_CONFIGS = [
    dict(name="adam_lr0.01", optimizer="adam", lr=0.01, betas=[0.9, 0.999], eps=1e-8,
         weight_decay=0.0),
    dict(name="adam_lr0.003_b0.8_0.99_eps1e-6_wd0.01", optimizer="adam", lr=0.003,
         betas=[0.8, 0.99], eps=1e-6, weight_decay=0.01),
    dict(name="sgd_lr0.1", optimizer="sgd", lr=0.1),
    dict(name="sgd_lr0.05_m0.9", optimizer="sgd", lr=0.05, momentum=0.9),
    dict(name="sgd_lr0.05_m0.9_damp0.1_wd0.01", optimizer="sgd", lr=0.05, momentum=0.9,
         dampening=0.1, weight_decay=0.01),
    dict(name="sgd_lr0.05_nesterov_m0.9", optimizer="sgd", lr=0.05, momentum=0.9, nesterov=True),
    dict(name="clip1.0_sgd_lr0.1", optimizer="sgd", lr=0.1, clip=1.0),
]

OPTIM_SHAPES = [(3, 4), (4,), (2, 2)]  # 20 numbers; the files hold them flattened in this order


def optim_inputs():
    g = torch.Generator().manual_seed(77)
    n = sum(math.prod(s) for s in OPTIM_SHAPES)
    p0 = torch.randn(n, generator=g) * 0.5
    grads = []
    # Target global norms: the clip case clips at steps 1 and 3 and leaves steps 2 and 4 alone.
    for target_norm in (3.0, 0.6, 1.7, 0.25):
        v = torch.randn(n, generator=g)
        grads.append(v / v.norm() * target_norm)
    # Round through float32 so both precisions start from exactly the same numbers.
    p0 = p0.float().double()
    grads = [v.float().double() for v in grads]
    return p0, grads


def run_optim(cfg, p0, grads, dtype):
    params, off = [], 0
    for s in OPTIM_SHAPES:
        m = math.prod(s)
        params.append(p0[off:off + m].to(dtype).reshape(s).clone().requires_grad_())
        off += m
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(params, lr=cfg["lr"], betas=tuple(cfg["betas"]), eps=cfg["eps"],
                               weight_decay=cfg["weight_decay"], foreach=False)
    else:
        opt = torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg["momentum"],
                              dampening=cfg["dampening"], weight_decay=cfg["weight_decay"],
                              nesterov=cfg["nesterov"], foreach=False)
    after, norms = [], []
    for gv in grads:
        off = 0
        for p in params:
            m = p.numel()
            p.grad = gv[off:off + m].to(dtype).reshape(p.shape).clone()
            off += m
        if cfg["clip"] is not None:
            norms.append(torch.nn.utils.clip_grad_norm_(params, cfg["clip"]).item())
        opt.step()
        after.append(torch.cat([p.detach().reshape(-1) for p in params]).tolist())
    return after, norms


def optim_doc():
    p0, grads = optim_inputs()
    cases = []
    for dtype, dname in ((torch.float64, "float64"), (torch.float32, "float32")):
        for base in OPTIM_CONFIGS:
            cfg = dict(betas=None, eps=None, weight_decay=0.0, momentum=0.0, dampening=0.0,
                       nesterov=False, clip=None)
            cfg.update(base)
            after, norms = run_optim(cfg, p0, grads, dtype)
            # Every key is always present; the ones that do not apply to the optimizer are null.
            adam = cfg["optimizer"] == "adam"
            entry = {"name": cfg["name"], "dtype": dname, "optimizer": cfg["optimizer"],
                     "lr": cfg["lr"],
                     "betas": cfg["betas"] if adam else None,
                     "eps": cfg["eps"] if adam else None,
                     "weight_decay": cfg["weight_decay"],
                     "momentum": None if adam else cfg["momentum"],
                     "dampening": None if adam else cfg["dampening"],
                     "nesterov": None if adam else cfg["nesterov"],
                     "clip": cfg["clip"]}
            entry["params_after"] = after
            if cfg["clip"] is not None:
                entry["norms"] = norms
            cases.append(entry)
    return {"p0": p0.tolist(), "grads": [v.tolist() for v in grads], "cases": cases}


# ---------------------------------------------------------------------------------------------

def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)

# ---------------------------------------------------------------------------------------------
# Version 2 (DESIGN section 3): embedding, bidirectional layers, cross-entropy, dropout (in eval).
# Written to tests/data/reference/v2/. These come from the real modules alone (no manual unroll):
# outputs, the top layer's states, dL/d(embedded input) via retain_grad, and every parameter gradient.

OUT_DIR_V2 = os.path.join(OUT_DIR, "v2")


class TextModel(nn.Module):
    """embed (token models) + recurrent stack + head; state_dict embed.*, rnn.*, head.* (DESIGN section 4)."""

    def __init__(self, cell, V, I, H, L, O, bidirectional, dropout):
        super().__init__()
        if V:
            self.embed = nn.Embedding(V, I)
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = kind(I, H, L, bidirectional=bidirectional, dropout=dropout)
        self.drop = nn.Dropout(dropout)  # before the head; no parameters
        self.head = nn.Linear(H * (2 if bidirectional else 1), O)


def run_case_v2(spec):
    cell, V, I, H, L, O, T, B = (spec[k] for k in ("cell", "V", "I", "H", "L", "O", "T", "B"))
    bidir, objective, loss_mode, dropout = spec["bidirectional"], spec["objective"], spec["loss"], spec["dropout"]
    torch.manual_seed(spec["seed"])
    model = TextModel(cell, V, I, H, L, O, bidir, dropout)
    with torch.no_grad():  # out of the gates' linear region
        for name, p in model.named_parameters():
            if name.startswith("rnn."):
                p.mul_(2.0)
    model.eval()  # dropout off: evaluation, as the C++ core without masks
    if V:
        tokens = torch.randint(0, V, (T, B))
        x = model.embed(tokens)
    else:
        x = torch.randn(T, B, I).requires_grad_()
    x.retain_grad()
    seq, final = model.rnn(x)
    h_n = final[0] if cell == "lstm" else final
    outputs = model.head(model.drop(seq))
    scored_final = bidir and loss_mode == "last"
    final_output = model.head(model.drop(torch.cat([h_n[-2], h_n[-1]], 1))) if bidir else None
    y = final_output if scored_final else (outputs[-1] if loss_mode == "last" else outputs)
    if objective == "cross_entropy":
        target = torch.randint(0, O, (B,) if loss_mode == "last" else (T, B))
        loss = nn.CrossEntropyLoss()(y.reshape(-1, O), target.reshape(-1))
    else:
        target = torch.randn(*y.shape)
        loss = nn.MSELoss()(y, target)
    loss.backward()

    doc_model = {"format": "unrolled-model", "version": 2, "cell": cell}
    if cell == "rnn":
        doc_model["nonlinearity"] = "tanh"
    doc_model.update({"input_size": I, "hidden_size": H, "num_layers": L, "output_size": O})
    if V:
        doc_model["vocab_size"] = V
    if bidir:
        doc_model["bidirectional"] = True
    doc_model["objective"] = objective
    if dropout:
        doc_model["dropout"] = dropout
    doc_model["tensors"] = {n: tensor_entry(p) for n, p in model.state_dict().items()}
    expected = {
        "loss": loss.item(),
        "outputs": outputs.detach().tolist(),
        "grad_input": x.grad.detach().tolist(),
        "top_h": seq[:, :, :H].detach().tolist(),
        "grads": {n: tensor_entry(p.grad) for n, p in model.named_parameters()},
    }
    if bidir:
        expected["top_h_reverse"] = seq[:, :, H:].detach().tolist()
        expected["final_output"] = final_output.detach().tolist()
    return {
        "case": spec["name"], "model": doc_model, "loss": loss_mode, "batch": B, "steps": T,
        "input": (tokens if V else x).detach().tolist(), "target": target.tolist(), "expected": expected,
    }


def case_specs_v2():
    specs = []
    seed = 5000

    def add(prefix, cell, V, I, H, L, O, T, B, bidir, objective, loss, dropout=0.0):
        nonlocal seed
        seed += 1
        name = (f"{prefix}_{cell}_l{L}_v{V}_i{I}_h{H}_o{O}_t{T}_b{B}" + ("_bi" if bidir else "") +
                f"_{'ce' if objective == 'cross_entropy' else 'mse'}_{loss}" + ("_drop" if dropout else ""))
        specs.append({"name": name, "cell": cell, "V": V, "I": I, "H": H, "L": L, "O": O, "T": T, "B": B,
                      "bidirectional": bidir, "objective": objective, "loss": loss, "dropout": dropout,
                      "seed": seed})

    for cell in ("rnn", "lstm", "gru"):
        for L in (1, 2, 3):  # bidirectional, every cell and depth, both losses and objectives
            add("bidir", cell, 0, 2, 3, L, 2, 5, 2, True, "mse", "last" if L != 2 else "all")
            add("bidir", cell, 0, 3, 4, L, 3, 4, 3, True, "cross_entropy", "all" if L != 2 else "last")
        for loss in ("last", "all"):  # embedding, uni- and bidirectional
            add("embed", cell, 7, 3, 4, 2, 7, 6, 2, False, "cross_entropy", loss)
            add("embed", cell, 6, 2, 3, 1, 2, 5, 3, True, "mse" if loss == "last" else "cross_entropy", loss)
            add("ce", cell, 0, 2, 5, 1, 4, 5, 3, False, "cross_entropy", loss)  # cross-entropy alone
        add("evaldrop", cell, 5, 3, 4, 3, 5, 4, 2, True, "cross_entropy", "last", 0.3)  # dropout in eval
    return specs


def main_v2():
    os.makedirs(OUT_DIR_V2, exist_ok=True)
    specs = case_specs_v2()
    for spec in specs:
        path = os.path.join(OUT_DIR_V2, spec["name"] + ".json")
        write_json(path, run_case_v2(spec))
    print(f"{len(specs)} version-2 cases in {os.path.relpath(OUT_DIR_V2, ROOT)}")



def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    specs = case_specs()
    names = set()
    for spec in specs:
        assert spec["name"] not in names, spec["name"]
        names.add(spec["name"])
        doc = run_case(spec)
        path = os.path.join(OUT_DIR, spec["name"] + ".json")
        write_json(path, doc)
        print(f"{os.path.basename(path):60s} {os.path.getsize(path) // 1024:4d} KB")
    write_json(os.path.join(OUT_DIR, "optim.json"), optim_doc())
    print(f"{len(specs)} cases + optim.json; max |manual unroll - torch module| = "
          f"{max_discrepancy:.3g} (tolerance {TOL:g})")
    main_v2()


if __name__ == "__main__":
    main()
