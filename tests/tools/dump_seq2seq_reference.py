#!/usr/bin/env python3
"""PyTorch reference cases for the sequence-to-sequence core (src/core/seq2seq.hpp, issue 16).

Builds the encoder-decoder of docs/formats.md ("Sequence to sequence") from real torch modules
(nn.Embedding, nn.RNN/LSTM/GRU with packed padded sources, nn.Linear), runs one padded batch in
float64 and writes loss, logits, attention weights and every parameter gradient to
tests/data/reference/seq2seq/<case>.json. Deterministic: rerunning rewrites the same bytes.

Run with Debian's python (it has torch):  /usr/bin/python3 tests/tools/dump_seq2seq_reference.py
"""
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dump_torch_reference import write_json  # the same atomic, compact JSON as the other fixtures

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "tests", "data", "reference", "seq2seq")
PAD, START, END = 0, 1, 2
torch.set_default_dtype(torch.float64)

KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class Encoder(nn.Module):
    def __init__(self, cell, V, E, H, bidirectional):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.rnn = KINDS[cell](E, H, bidirectional=bidirectional)


class Decoder(nn.Module):
    def __init__(self, cell, V, E, input_size, Hd):
        super().__init__()
        self.embed = nn.Embedding(V, E)
        self.rnn = KINDS[cell](input_size, Hd)


class Attn(nn.Module):
    def __init__(self, kind, Hd, C, A):
        super().__init__()
        if kind == "additive":
            self.W = nn.Linear(Hd, A, bias=False)
            self.U = nn.Linear(C, A, bias=False)
            self.v = nn.Linear(A, 1, bias=False)
        else:  # general
            self.W = nn.Linear(C, Hd, bias=False)


class Seq2seq(nn.Module):
    def __init__(self, cell, V, E, H, bidirectional, Hd, attention, A):
        super().__init__()
        self.cell, self.attention = cell, attention
        C = H * (2 if bidirectional else 1)
        self.C, self.Hd = C, Hd
        self.encoder = Encoder(cell, V, E, H, bidirectional)
        self.bridge = nn.Linear(C, Hd)
        self.decoder = Decoder(cell, V, E, E + (0 if attention == "none" else C), Hd)
        if attention in ("additive", "general"):
            self.attn = Attn(attention, Hd, C, A)
        self.out = nn.Linear(Hd + (0 if attention == "none" else C), V)

    def forward(self, src, src_len, tgt, forced):
        """src [S, B], tgt [T, B] (pad 0); forced [T, B] bool: feed the target (else the previous argmax)."""
        S, B = src.shape
        packed = pack_padded_sequence(self.encoder.embed(src), src_len, enforce_sorted=False)
        out, final = self.encoder.rnn(packed)
        memory, _ = pad_packed_sequence(out, total_length=S)  # [S, B, C]
        h_n = final[0] if self.cell == "lstm" else final      # [D, B, H]: h->_{n_b}, h<-_1
        s = torch.tanh(self.bridge(torch.cat(list(h_n), 1)))  # [B, Hd]
        c = torch.zeros_like(s)
        mask = torch.arange(S).unsqueeze(1) < torch.tensor(src_len).unsqueeze(0)  # [S, B]
        keys = None
        if self.attention == "additive":
            keys = self.attn.U(memory)
        elif self.attention == "general":
            keys = self.attn.W(memory)
        logits, weights = [], []
        prev = torch.full((B,), START, dtype=torch.long)
        for t in range(tgt.shape[0]):
            if t > 0:
                greedy = logits[-1].argmax(1)
                prev = torch.where(forced[t], tgt[t - 1], greedy)
            x = self.decoder.embed(prev)
            if self.attention != "none":
                if self.attention == "additive":
                    e = self.attn.v(torch.tanh(self.attn.W(s).unsqueeze(0) + keys)).squeeze(2)  # [S, B]
                elif self.attention == "dot":
                    e = (memory * s.unsqueeze(0)).sum(2)
                else:
                    e = (keys * s.unsqueeze(0)).sum(2)
                a = torch.softmax(e.masked_fill(~mask, float("-inf")), 0)  # [S, B]
                ctx = (a.unsqueeze(2) * memory).sum(0)                     # [B, C]
                x = torch.cat([x, ctx], 1)
                weights.append(a.t())
            state = (s.unsqueeze(0), c.unsqueeze(0)) if self.cell == "lstm" else s.unsqueeze(0)
            _, new = self.decoder.rnn(x.unsqueeze(0), state)
            if self.cell == "lstm":
                s, c = new[0][0], new[1][0]
            else:
                s = new[0]
            feat = s if self.attention == "none" else torch.cat([s, ctx], 1)
            logits.append(self.out(feat))
        return torch.stack(logits), (torch.stack(weights) if weights else None)


def tensor_entry(t):
    return {"shape": list(t.shape), "data": t.detach().tolist()}


def run_case(spec):
    torch.manual_seed(spec["seed"])
    cell, V, E, H, bi, Hd, att, A = (spec[k] for k in ("cell", "V", "E", "H", "bidirectional", "Hd", "attention", "A"))
    model = Seq2seq(cell, V, E, H, bi, Hd, att, A)
    with torch.no_grad():  # out of the gates' linear region
        for name, p in model.named_parameters():
            if ".rnn." in name:
                p.mul_(1.5)
    src_len, tgt_len = spec["src_len"], spec["tgt_len"]
    B, S, T = len(src_len), max(src_len), max(tgt_len)
    src = torch.zeros(S, B, dtype=torch.long)
    tgt = torch.zeros(T, B, dtype=torch.long)
    for b in range(B):
        src[: src_len[b], b] = torch.randint(3, V, (src_len[b],))
        tgt[: tgt_len[b] - 1, b] = torch.randint(3, V, (tgt_len[b] - 1,))
        tgt[tgt_len[b] - 1, b] = END
    forced = torch.full((T, B), spec["teacher_forcing"] >= 1)
    logits, weights = model(src, src_len, tgt, forced)
    loss = nn.CrossEntropyLoss(ignore_index=PAD)(logits.reshape(-1, V), tgt.reshape(-1))
    loss.backward()
    doc_model = {"format": "unrolled-seq2seq", "version": 1, "cell": cell}
    if cell == "rnn":
        doc_model["nonlinearity"] = "tanh"
    doc_model.update({"vocab_size": V, "embed_size": E, "hidden_size": H, "bidirectional": bi,
                      "decoder_hidden": Hd, "attention": att, "attention_size": A if att == "additive" else 0,
                      "tensors": {n: tensor_entry(p) for n, p in model.state_dict().items()}})
    expected = {"loss": loss.item(), "logits": logits.detach().tolist(),
                "grads": {n: tensor_entry(p.grad) for n, p in model.named_parameters()}}
    if weights is not None:
        expected["weights"] = weights.detach().tolist()  # [T][B][S], 0 on padding
    return {"case": spec["name"], "model": doc_model, "teacher_forcing": spec["teacher_forcing"],
            "src": src.tolist(), "tgt": tgt.tolist(), "src_len": src_len, "tgt_len": tgt_len, "expected": expected}


def case_specs():
    specs, seed = [], 7000
    for cell in ("rnn", "lstm", "gru"):
        for att in ("none", "additive", "dot", "general"):
            for bi in (False, True):
                seed += 1
                H = 3 if bi else 4
                # dot needs Hd = C; the others get a decoder of its own width
                Hd = H * (2 if bi else 1) if att == "dot" else 5
                name = f"{cell}_{att}_{'bi' if bi else 'uni'}_h{H}_hd{Hd}"
                specs.append({"name": name, "cell": cell, "V": 8, "E": 3, "H": H, "bidirectional": bi, "Hd": Hd,
                              "attention": att, "A": 4, "src_len": [5, 2, 4], "tgt_len": [3, 5, 1],
                              "teacher_forcing": 1.0, "seed": seed})
    for cell, att, bi in (("gru", "additive", True), ("lstm", "general", False), ("rnn", "dot", False)):
        seed += 1  # the previous argmax fed back (teacher forcing 0)
        H = 3 if bi else 4
        Hd = H * (2 if bi else 1) if att == "dot" else 5
        specs.append({"name": f"free_{cell}_{att}_{'bi' if bi else 'uni'}", "cell": cell, "V": 8, "E": 3, "H": H,
                      "bidirectional": bi, "Hd": Hd, "attention": att, "A": 4, "src_len": [4, 6],
                      "tgt_len": [6, 3], "teacher_forcing": 0.0, "seed": seed})
    return specs


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    specs = case_specs()
    for spec in specs:
        write_json(os.path.join(OUT_DIR, spec["name"] + ".json"), run_case(spec))
    print(f"{len(specs)} seq2seq cases in {os.path.relpath(OUT_DIR, ROOT)}")


if __name__ == "__main__":
    main()
