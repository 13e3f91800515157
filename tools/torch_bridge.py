#!/usr/bin/env python3
"""PyTorch <-> unrolled model files (docs/formats.md, PyTorch).

export: a PyTorch model -> an unrolled model file (format unrolled-model, version 1 or 2)
    python3 tools/torch_bridge.py export model.pt --out model.json [--mean M --std S]
            [--rnn NAME] [--head NAME] [--embed NAME] [--cell rnn|lstm|gru] [--nonlinearity tanh|relu]
  SRC is a torch.save file (.pt/.pth: a whole nn.Module, a state_dict, or a checkpoint dict holding
  one under "state_dict" / "model_state_dict" / "model") or a JSON dump of a state_dict
  ({name: {"shape", "data"}} or {name: nested list}; no torch needed for it). The members are found
  by what they hold (the one recurrent layer: the tensors ending in weight_ih_l0; the linear head:
  a weight [O x H·directions] with a bias; the embedding: a weight [V x input_size]); --rnn, --head,
  --embed name them when that is ambiguous or the automatic choice is wrong (a DataParallel model:
  --rnn module.lstm --head module.fc). A model without a head gets the identity head, so its outputs
  are the top layer's h. Tensors left over are named on stderr and not written.
  nn.RNN's nonlinearity is not in a state_dict: a whole module says it, a bare state_dict of an RNN
  needs --nonlinearity (no guess). The file always records it.

import: an unrolled model file -> a PyTorch state_dict (.pt) for UnrolledModule below
    python3 tools/torch_bridge.py import model.json --out model.pt [--rnn NAME] [--head NAME] [--embed NAME]
  load_module("model.json") gives the nn.Module itself (load_state_dict(strict=True) inside).

As a library (import torch_bridge): export_module(module, path, mean=None, std=None, rnn=None,
head=None, embed=None) and load_module(path) -> UnrolledModule.
"""
import argparse
import json
import math
import os
import sys

CELLS = {1: "rnn", 4: "lstm", 3: "gru"}  # gate count G -> cell
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


class BridgeError(Exception):
    pass


# --- tensors as (shape, flat row-major list of floats) ------------------------------------------

def _from_json_value(name, v):
    if isinstance(v, dict) and "shape" in v and "data" in v:
        shape, data = list(v["shape"]), v["data"]
    else:
        shape, data = None, v
    flat, dims = [], []

    def walk(x, depth):
        if isinstance(x, list):
            if len(dims) <= depth:
                dims.append(len(x))
            for y in x:
                walk(y, depth + 1)
        else:
            flat.append(float(x))
    walk(data, 0)
    if shape is None:
        shape = dims
    n = 1
    for d in shape:
        n *= d
    if n != len(flat):
        raise BridgeError("%s: shape %s needs %d values, has %d" % (name, shape, n, len(flat)))
    return shape, flat


def _from_torch(t):
    t = t.detach().to("cpu").double().contiguous()
    return list(t.shape), t.reshape(-1).tolist()


def read_source(path, code_path=None):
    """(state: {name: (shape, flat)}, module or None)"""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:1] in (b"{", b" ", b"\n"):
        with open(path) as f:
            doc = json.load(f)
        if doc.get("format") == "unrolled-model":
            raise BridgeError("%s is already an unrolled model file" % path)
        return {k: _from_json_value(k, v) for k, v in doc.items()}, None
    import torch
    sys.path.insert(0, code_path or os.getcwd())  # where the classes of a whole saved module live
    try:
        try:
            obj = torch.load(path, map_location="cpu", weights_only=False)
        except TypeError:  # torch before 1.13 has no weights_only
            obj = torch.load(path, map_location="cpu")
    except (AttributeError, ModuleNotFoundError) as err:
        raise BridgeError("%s holds a whole nn.Module whose class cannot be imported here (%s): run from the "
                          "folder of its code, give --path DIR, or save model.state_dict() instead" % (path, err))
    module = None
    if isinstance(obj, torch.nn.Module):
        module, obj = obj, obj.state_dict()
    elif isinstance(obj, dict):
        for key in ("state_dict", "model_state_dict", "model"):
            if key in obj and isinstance(obj[key], (dict, torch.nn.Module)):
                obj = obj[key]
                break
        if isinstance(obj, torch.nn.Module):
            module, obj = obj, obj.state_dict()
    if not isinstance(obj, dict):
        raise BridgeError("%s holds a %s, not a module or a state_dict" % (path, type(obj).__name__))
    state = {}
    for k, v in obj.items():
        if hasattr(v, "detach"):
            state[k] = _from_torch(v)
    return state, module


def module_state(module):
    return {k: _from_torch(v) for k, v in module.state_dict().items()}


# --- export -------------------------------------------------------------------------------------

def _members(state, suffix):
    return sorted(k[: -len(suffix) - 1] for k in state if k.endswith("." + suffix))


def _find_rnn(state, rnn):
    if rnn is None:
        found = _members(state, "weight_ih_l0")
        if not found:
            raise BridgeError("no recurrent layer: no tensor ends in weight_ih_l0 (tensors: %s)" % ", ".join(sorted(state)))
        if len(found) > 1:
            raise BridgeError("several recurrent layers (%s): name one with --rnn" % ", ".join(found))
        rnn = found[0]
    if rnn + ".weight_ih_l0" not in state:
        raise BridgeError("--rnn %s: no tensor %s.weight_ih_l0 (members with one: %s)"
                          % (rnn, rnn, ", ".join(_members(state, "weight_ih_l0")) or "none"))
    return rnn


def _find_linear(state, name, flag, exclude, want_cols, need_bias):
    if name is not None:
        if name + ".weight" not in state:
            raise BridgeError("--%s %s: no tensor %s.weight" % (flag, name, name))
        return name
    found = [m for m in _members(state, "weight") if m not in exclude and len(state[m + ".weight"][0]) == 2
             and state[m + ".weight"][0][1] == want_cols and (not need_bias or m + ".bias" in state)]
    if len(found) > 1:
        raise BridgeError("several candidates for the %s (%s): name one with --%s" % (flag, ", ".join(found), flag))
    return found[0] if found else None


def _nonlinearity_of(module, rnn_name):
    import torch
    for name, sub in module.named_modules():
        if isinstance(sub, torch.nn.RNN) and (rnn_name is None or name == rnn_name or rnn_name.endswith(name)):
            return sub.nonlinearity
    return None


def state_to_model(state, rnn=None, head=None, embed=None, cell=None, nonlinearity=None, mean=None, std=None,
                   module=None, dropout=None):
    """The unrolled model file (a dict) for a state_dict; BridgeError on anything it cannot map."""
    rnn = _find_rnn(state, rnn)
    w_hh = state[rnn + ".weight_hh_l0"]
    w_ih = state[rnn + ".weight_ih_l0"]
    if rnn + ".weight_hr_l0" in state:
        raise BridgeError("%s is an LSTM with proj_size, which unrolled does not have" % rnn)
    H = w_hh[0][1]
    G = w_hh[0][0] // H
    if cell is None:
        if G not in CELLS or G * H != w_hh[0][0]:
            raise BridgeError("%s.weight_hh_l0 is %s: not [G*H x H] with G = 1, 3 or 4" % (rnn, w_hh[0]))
        cell = CELLS[G]
    elif GATES[cell] * H != w_hh[0][0]:
        raise BridgeError("--cell %s needs %s.weight_hh_l0 [%d x %d], it is %s" % (cell, rnn, GATES[cell] * H, H, w_hh[0]))
    L = 0
    while "%s.weight_ih_l%d" % (rnn, L) in state:
        L += 1
    bidirectional = rnn + ".weight_ih_l0_reverse" in state
    dirs = 2 if bidirectional else 1
    I = w_ih[0][1]
    used = set()
    tensors = {}

    def take(src, dst, shape):
        if src in state:
            got_shape, data = state[src]
            if list(got_shape) != list(shape):
                raise BridgeError("%s is %s, expected %s" % (src, got_shape, shape))
            used.add(src)
        else:
            data = [0.0] * int(math.prod(shape))  # bias=False layers
        tensors[dst] = (shape, data)

    for k in range(L):
        for sfx in ([""] + (["_reverse"] if bidirectional else [])):
            Ik = I if k == 0 else H * dirs
            take("%s.weight_ih_l%d%s" % (rnn, k, sfx), "rnn.weight_ih_l%d%s" % (k, sfx), [G * H, Ik])
            take("%s.weight_hh_l%d%s" % (rnn, k, sfx), "rnn.weight_hh_l%d%s" % (k, sfx), [G * H, H])
            take("%s.bias_ih_l%d%s" % (rnn, k, sfx), "rnn.bias_ih_l%d%s" % (k, sfx), [G * H])
            take("%s.bias_hh_l%d%s" % (rnn, k, sfx), "rnn.bias_hh_l%d%s" % (k, sfx), [G * H])
    head = _find_linear(state, head, "head", {rnn}, H * dirs, True)
    if head is None:
        O = H * dirs
        eye = [1.0 if r == c else 0.0 for r in range(O) for c in range(O)]
        tensors["head.weight"] = ([O, O], eye)
        tensors["head.bias"] = ([O], [0.0] * O)
        print("note: no linear head found; writing the identity head (outputs = the top layer's h)", file=sys.stderr)
    else:
        O = state[head + ".weight"][0][0]
        take(head + ".weight", "head.weight", [O, H * dirs])
        take(head + ".bias", "head.bias", [O])
    embed = _find_linear(state, embed, "embed", {rnn, head}, I, False)
    V = None
    if embed is not None:
        V = state[embed + ".weight"][0][0]
        take(embed + ".weight", "embed.weight", [V, I])
    if module is not None and cell == "rnn" and nonlinearity is None:
        nonlinearity = _nonlinearity_of(module, rnn)
    if cell == "rnn" and nonlinearity is None:
        raise BridgeError("%s is an nn.RNN, whose state_dict does not record its nonlinearity: say "
                          "--nonlinearity tanh or --nonlinearity relu" % rnn)
    if module is not None and dropout is None:
        for _, sub in module.named_modules():
            if hasattr(sub, "weight_ih_l0") and getattr(sub, "dropout", 0):
                dropout = float(sub.dropout)
    left = sorted(set(state) - used)
    if left:
        print("note: not exported (not part of the rnn, head or embedding): %s" % ", ".join(left), file=sys.stderr)
    model = {"format": "unrolled-model", "version": 2 if (bidirectional or V or dropout) else 1, "cell": cell}
    if cell == "rnn":
        model["nonlinearity"] = nonlinearity
    model.update({"input_size": I, "hidden_size": H, "num_layers": L, "output_size": O})
    if V:
        model["vocab_size"] = V
    if bidirectional:
        model["bidirectional"] = True
    if dropout:
        model["dropout"] = dropout
    if (mean is None) != (std is None):
        raise BridgeError("--mean and --std go together")
    if mean is not None:
        if not (std > 0):
            raise BridgeError("--std must be above 0")
        model["normalization"] = {"mean": float(mean), "std": float(std)}
    model["tensors"] = {}
    for name, (shape, data) in tensors.items():
        if len(shape) == 2:
            data = [data[r * shape[1]:(r + 1) * shape[1]] for r in range(shape[0])]
        model["tensors"][name] = {"shape": list(shape), "data": data}
    return model


def write_model(model, path):
    text = json.dumps(model, allow_nan=False, indent=1)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def export_module(module, path, mean=None, std=None, rnn=None, head=None, embed=None):
    """Writes an nn.Module (with an RNN/LSTM/GRU member, optional nn.Embedding and nn.Linear head)."""
    model = state_to_model(module_state(module), rnn, head, embed, mean=mean, std=std, module=module)
    write_model(model, path)
    return model


# --- import -------------------------------------------------------------------------------------

def read_model(path):
    with open(path) as f:
        model = json.load(f)
    if model.get("format") != "unrolled-model":
        raise BridgeError("%s: not an unrolled model file (format: %r)" % (path, model.get("format")))
    return model


def _module_class():
    import torch

    class UnrolledModule(torch.nn.Module):
        """The module an unrolled model file describes: optional embed, rnn (batch_first), head.
        forward(x) -> head(rnn(embed(x))) at every step, [B, T, O]; final_output(x) is head([h_T ; h_1 reverse])
        for a bidirectional model (what unrolled's loss `last` scores)."""

        def __init__(self, cell, input_size, hidden_size, num_layers, output_size, nonlinearity="tanh",
                     vocab_size=0, bidirectional=False, dropout=0.0):
            super().__init__()
            if vocab_size:
                self.embed = torch.nn.Embedding(vocab_size, input_size)
            kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional, dropout=dropout)
            if cell == "rnn":
                self.rnn = torch.nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, **kw)
            else:
                self.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](input_size, hidden_size, **kw)
            self.head = torch.nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)

        def forward(self, x):
            if hasattr(self, "embed"):
                x = self.embed(x)
            out, _ = self.rnn(x)
            return self.head(out)

        def final_output(self, x):
            if hasattr(self, "embed"):
                x = self.embed(x)
            _, h = self.rnn(x)
            h = h[0] if isinstance(h, tuple) else h
            top = torch.cat([h[-2], h[-1]], 1) if self.rnn.bidirectional else h[-1]
            return self.head(top)

    return UnrolledModule


def model_state_dict(model, dtype=None):
    import torch
    sd = {}
    for name, t in model["tensors"].items():
        sd[name] = torch.tensor(t["data"], dtype=dtype or torch.float64).reshape(t["shape"])
    return sd


def load_module(path, dtype=None):
    """An unrolled model file as an nn.Module (double precision unless dtype), loaded with strict=True."""
    import torch
    model = read_model(path)
    cls = _module_class()
    m = cls(model["cell"], model["input_size"], model["hidden_size"], model["num_layers"], model["output_size"],
            nonlinearity=model.get("nonlinearity", "tanh"), vocab_size=model.get("vocab_size", 0),
            bidirectional=model.get("bidirectional", False), dropout=model.get("dropout", 0.0))
    m = m.to(dtype or torch.float64)
    m.load_state_dict(model_state_dict(model, dtype), strict=True)
    m.eval()
    m.normalization = model.get("normalization")
    return m


# --- command line -------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description="PyTorch <-> unrolled model files (docs/formats.md, PyTorch)")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export", help="a PyTorch .pt (module or state_dict) or a JSON state_dict dump -> unrolled model")
    e.add_argument("source")
    e.add_argument("--out", required=True)
    e.add_argument("--rnn", help="member name of the RNN/LSTM/GRU (default: found by its tensors)")
    e.add_argument("--head", help="member name of the linear head (default: found by its shape)")
    e.add_argument("--embed", help="member name of the embedding (default: found by its shape)")
    e.add_argument("--cell", choices=sorted(GATES), help="default: from the tensors' shapes")
    e.add_argument("--nonlinearity", choices=["tanh", "relu"], help="nn.RNN only; needed for a bare state_dict")
    e.add_argument("--path", help="folder of the Python code a whole saved module's class is in (default: .)")
    e.add_argument("--mean", type=float, help="normalisation the model was trained with: mean ...")
    e.add_argument("--std", type=float, help="... and population std of the training part")
    i = sub.add_parser("import", help="an unrolled model -> a PyTorch state_dict (.pt) for UnrolledModule")
    i.add_argument("model")
    i.add_argument("--out", required=True)
    i.add_argument("--rnn", default="rnn", help="member name to write the recurrent tensors under (default rnn)")
    i.add_argument("--head", default="head", help="member name for the head (default head)")
    i.add_argument("--embed", default="embed", help="member name for the embedding (default embed)")
    args = p.parse_args(argv)
    try:
        if args.command == "export":
            state, module = read_source(args.source, args.path)
            model = state_to_model(state, args.rnn, args.head, args.embed, args.cell, args.nonlinearity, args.mean,
                                   args.std, module)
            write_model(model, args.out)
            print("wrote %s: %s, %d layer(s), H = %d, I = %d, O = %d%s" % (
                args.out, model["cell"], model["num_layers"], model["hidden_size"], model["input_size"],
                model["output_size"], ", bidirectional" if model.get("bidirectional") else ""))
        else:
            import torch
            model = read_model(args.model)
            rename = {"rnn": args.rnn, "head": args.head, "embed": args.embed}
            sd = {}
            for name, t in model_state_dict(model).items():
                member, rest = name.split(".", 1)
                sd[rename[member] + "." + rest] = t
            torch.save(sd, args.out)
            print("wrote %s: %d tensors" % (args.out, len(sd)))
    except BridgeError as err:
        print("torch_bridge: %s" % err, file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print("torch_bridge: %s" % err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
