"""A PyTorch forecaster built the usual way, for test_torch_bridge.py (a module of its own, so that a
whole saved module can be loaded again by the bridge: pickle finds classes by module name)."""
import torch


class Forecaster(torch.nn.Module):
    """The usual shape: a recurrent member, an optional embedding, a linear head on every step."""

    def __init__(self, kind, names=("rnn", "head", "embed"), vocab=0, input_size=1, hidden=5, layers=1, out=1,
                 bidirectional=False, batch_first=True, nonlinearity="tanh"):
        super().__init__()
        self.names, self.batch_first, self.vocab = names, batch_first, vocab
        kw = dict(num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)
        if kind == "rnn":
            kw["nonlinearity"] = nonlinearity
        cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
        setattr(self, names[0], cls(input_size, hidden, **kw))
        setattr(self, names[1], torch.nn.Linear(hidden * (2 if bidirectional else 1), out))
        if vocab:
            setattr(self, names[2], torch.nn.Embedding(vocab, input_size))

    def forward(self, x):  # x: [B, T, I] (or [B, T] ids); returns [B, T, O]
        if self.vocab:
            x = getattr(self, self.names[2])(x)
        if not self.batch_first:
            x = x.transpose(0, 1)
        out, _ = getattr(self, self.names[0])(x)
        if not self.batch_first:
            out = out.transpose(0, 1)
        return getattr(self, self.names[1])(out)
