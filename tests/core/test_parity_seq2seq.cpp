// Parity with PyTorch for the sequence-to-sequence core (tests/data/reference/seq2seq, written by
// tests/tools/dump_seq2seq_reference.py from real nn.Embedding / nn.RNN|LSTM|GRU with packed padded
// sources / nn.Linear modules): every cell, every attention kind, uni- and bidirectional encoders, a
// padded batch of different lengths, teacher forcing 1 and 0. Loss, logits, attention weights and
// every parameter gradient, in double (≤ 1e-10) and float (≤ 1e-5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/reference.hpp"
#include "core/seq2seq.hpp"

using namespace unrolled;
using nlohmann::json;
using test::compare_sequence;
using test::Worst;

namespace {

Seq2seqConfig seq2seq_config_from_json(const json& m) {
  Seq2seqConfig c;
  REQUIRE(parse_cell(m.at("cell").get<std::string>(), c.cell));
  if (m.contains("nonlinearity")) REQUIRE(parse_nonlinearity(m["nonlinearity"].get<std::string>(), c.nonlinearity));
  c.vocab_size = m.at("vocab_size");
  c.embed_size = m.at("embed_size");
  c.hidden_size = m.at("hidden_size");
  c.bidirectional = m.at("bidirectional");
  c.decoder_hidden = m.at("decoder_hidden");
  REQUIRE(parse_attention(m.at("attention").get<std::string>(), c.attention));
  c.attention_size = m.at("attention_size");
  return c;
}

template <class T> Seq2seqModel<T> seq2seq_from_json(const json& m) {
  Seq2seqModel<T> model(seq2seq_config_from_json(m));
  REQUIRE(m.at("tensors").size() == model.layout.tensors.size());
  for (const TensorSpec& s : model.layout.tensors) {
    std::vector<double> v;
    test::flatten(m.at("tensors").at(s.name).at("data"), v);
    REQUIRE(v.size() == s.size);
    for (std::size_t j = 0; j < s.size; ++j) model.params[s.offset + j] = static_cast<T>(v[j]);
  }
  return model;
}

template <class T> Worst run_case(const json& c) {
  const Seq2seqModel<T> model = seq2seq_from_json<T>(c["model"]);
  const Seq2seqBatch batch = test::seq2seq_batch_from_json(c);
  const int B = batch.batch;
  Seq2seqTrace<T> tr;
  seq2seq_forward(model, batch, tr, c["teacher_forcing"].get<double>());
  Mat<T> dz;
  const T loss = seq2seq_loss(tr, batch, &dz);
  Buffer<T> g;
  seq2seq_backward(model, batch, tr, dz, g);
  const json& e = c["expected"];
  Worst w;
  w.update(static_cast<double>(loss), e["loss"].get<double>(), "loss");
  compare_sequence(tr.logits, 0, e["logits"], B, "logits", w);
  if (model.config.attention != Attention::none) {
    REQUIRE(tr.weights.rows() == batch.src_steps);
    compare_sequence(tr.weights, 0, e["weights"], B, "attention weights", w);
  } else {
    CHECK_FALSE(e.contains("weights"));
  }
  REQUIRE(e["grads"].size() == model.layout.tensors.size());
  for (const TensorSpec& s : model.layout.tensors) {
    std::vector<double> theirs;
    test::flatten(e["grads"].at(s.name)["data"], theirs);
    REQUIRE(theirs.size() == s.size);
    for (std::size_t j = 0; j < s.size; ++j) w.update(static_cast<double>(g[s.offset + j]), theirs[j], "grad " + s.name);
  }
  return w;
}

}  // namespace

TEST_CASE("seq2seq matches PyTorch: every cell and attention kind, uni- and bidirectional, padded batches") {
  const auto files = test::reference_cases("seq2seq");
  REQUIRE(files.size() >= 27);
  int bidirectional = 0, free_running = 0;
  int kinds[4] = {};
  double worst_double = 0, worst_float = 0;
  for (const auto& path : files) {
    const json c = test::load_json(path);
    CAPTURE(path.filename().string());
    const Seq2seqConfig cfg = seq2seq_config_from_json(c["model"]);
    bidirectional += cfg.bidirectional;
    free_running += c["teacher_forcing"].get<double>() < 1;
    ++kinds[static_cast<int>(cfg.attention)];
    const Worst d = run_case<double>(c);
    CAPTURE(d.where);
    CHECK(d.error <= 1e-10);
    const Worst f = run_case<float>(c);
    CAPTURE(f.where);
    CHECK(f.error <= 1e-5);
    worst_double = std::max(worst_double, d.error);
    worst_float = std::max(worst_float, f.error);
  }
  MESSAGE(files.size(), " seq2seq cases; worst error double ", worst_double, ", float ", worst_float);
  CHECK(bidirectional >= 12);
  CHECK(free_running >= 3);
  for (int k : kinds) CHECK(k >= 6);
}
