// The sequence-to-sequence core (src/core/seq2seq.hpp) beyond PyTorch parity: BPTT against central
// differences in double for every encoder cell × attention kind, the padding mask, greedy and beam
// decoding against each other and against the model's own teacher-forced score, and a short training
// run on the reverse task.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/seq2seq.hpp"
#include "core/seq2seq_data.hpp"
#include "core/test_util.hpp"

using namespace unrolled;

namespace {

constexpr CellKind cells[] = {CellKind::rnn, CellKind::lstm, CellKind::gru};
constexpr Attention attentions[] = {Attention::none, Attention::additive, Attention::dot, Attention::general};

std::string describe(const Seq2seqConfig& c) {
  return std::string(cell_name(c.cell)) + " " + attention_name(c.attention) + (c.bidirectional ? " bi" : " uni") +
         " H=" + std::to_string(c.hidden_size) + " Hd=" + std::to_string(c.dec_hidden());
}

// A small model with PyTorch's default init, its recurrent weights scaled so the gates leave their
// linear region (as the PyTorch fixtures do).
Seq2seqModel<double> small_model(CellKind cell, Attention attention, bool bidirectional, std::uint64_t seed, int V = 6) {
  Seq2seqConfig c;
  c.cell = cell;
  c.vocab_size = V;
  c.embed_size = 2;
  c.hidden_size = bidirectional ? 2 : 3;
  c.bidirectional = bidirectional;
  c.decoder_hidden = attention == Attention::dot ? 0 : 3;  // dot needs Hd = C
  c.attention = attention;
  c.attention_size = 2;
  Seq2seqModel<double> m(c);
  init_seq2seq(m, seed);
  for (const LayerSlots* s : {&m.slots.enc, &m.slots.enc_reverse, &m.slots.dec})
    for (int i : {s->weight_ih, s->weight_hh, s->bias_ih, s->bias_hh}) {
      if (i < 0) continue;
      const TensorSpec& t = m.layout.tensors[static_cast<std::size_t>(i)];
      for (std::size_t j = 0; j < t.size; ++j) m.params[t.offset + j] *= 1.5;
    }
  return m;
}

// Random symbol ids (no specials) of the given lengths; targets end with end_id.
std::vector<std::vector<int>> random_ids(std::mt19937_64& rng, const std::vector<int>& lengths, int V, bool end) {
  std::vector<std::vector<int>> out;
  for (int n : lengths) {
    std::vector<int> ids;
    for (int j = 0; j < n - (end ? 1 : 0); ++j)
      ids.push_back(first_symbol_id + static_cast<int>(rng() % static_cast<std::uint64_t>(V - first_symbol_id)));
    if (end) ids.push_back(end_id);
    out.push_back(std::move(ids));
  }
  return out;
}

double loss_of(const Seq2seqModel<double>& m, const Seq2seqBatch& b, Seq2seqTrace<double>& tr, Mat<double>* dz = nullptr) {
  seq2seq_forward(m, b, tr);
  return seq2seq_loss(tr, b, dz);
}

double loss_and_grads(const Seq2seqModel<double>& m, const Seq2seqBatch& b, Buffer<double>& g) {
  Seq2seqTrace<double> tr;
  Mat<double> dz;
  const double loss = loss_of(m, b, tr, &dz);
  seq2seq_backward(m, b, tr, dz, g);
  return loss;
}

// The model's own length-normalised log-probability of a decoded sequence, by teacher forcing it
// through the batched forward pass (a different code path from the step-by-step decoder):
// score = log P / length = −(mean cross-entropy) over its tokens and, when finished, the end_id.
double teacher_forced_score(const Seq2seqModel<double>& m, const std::vector<int>& source, const Decoded<double>& d) {
  std::vector<int> target = d.tokens;
  if (d.finished) target.push_back(end_id);
  Seq2seqTrace<double> tr;
  return -loss_of(m, make_seq2seq_batch({source}, {target}), tr);
}

// Decoding cases: a model (V = 7) for every cell × attention kind, encoders alternately uni- and
// bidirectional, and six sources of 2–5 symbols for each, the </s> bias raised step by step so both
// finished and length-limited decodes occur. body(model, source).
template <class F> void for_each_decode_case(std::uint64_t seed, F&& body) {
  int n = 0;
  for (CellKind cell : cells)
    for (Attention attention : attentions) {
      Seq2seqModel<double> m = small_model(cell, attention, n % 2 == 1, seed + static_cast<std::uint64_t>(n), 7);
      CAPTURE(describe(m.config));
      std::mt19937_64 rng(seed + 1000 + static_cast<std::uint64_t>(n));
      for (int k = 0; k < 6; ++k) {
        vec_view(m.layout, m.params.data(), m.slots.out_b)(end_id) = 0.5 * (k % 4);
        body(std::as_const(m), random_ids(rng, {2 + k % 4}, 7, false)[0]);
      }
      ++n;
    }
}

}  // namespace

TEST_CASE("seq2seq gradients match central differences: every encoder cell x attention kind, uni- and bidirectional") {
  int checked = 0;
  double worst = 0;
  for (CellKind cell : cells)
    for (Attention attention : attentions)
      for (bool bi : {false, true}) {
        Seq2seqModel<double> m = small_model(cell, attention, bi, 100 + static_cast<std::uint64_t>(checked));
        CAPTURE(describe(m.config));
        std::mt19937_64 rng(500 + static_cast<std::uint64_t>(checked));
        // a padded batch: sources of 3 and 2 steps, targets of 2 and 3 (end_id included)
        const Seq2seqBatch b = make_seq2seq_batch(random_ids(rng, {3, 2}, 6, false), random_ids(rng, {2, 3}, 6, true));
        Buffer<double> g;
        loss_and_grads(m, b, g);
        Seq2seqTrace<double> tr;
        double error = 0;
        std::string where;
        for (const TensorSpec& s : m.layout.tensors)
          for (std::size_t j = 0; j < s.size; ++j) {
            const double numeric = test::central_difference(m.params[s.offset + j], [&] { return loss_of(m, b, tr); });
            const double e = test::rel_error(g[s.offset + j], numeric);
            if (e > error) {
              error = e;
              where = s.name;
            }
          }
        CAPTURE(where);
        CHECK(error < 1e-6);
        worst = std::max(worst, error);
        ++checked;
      }
  MESSAGE(checked, " seq2seq configurations; worst relative gradient error ", worst);
  CHECK(checked == 24);
}

TEST_CASE("seq2seq padding: a padded source or target token changes neither the loss nor any gradient") {
  int checked = 0;
  for (CellKind cell : cells)
    for (Attention attention : attentions)
      for (bool bi : {false, true}) {
        const Seq2seqModel<double> m = small_model(cell, attention, bi, 200 + static_cast<std::uint64_t>(checked));
        CAPTURE(describe(m.config));
        std::mt19937_64 rng(700 + static_cast<std::uint64_t>(checked));
        // sequence 1 is shorter than sequence 0 in both source (2 of 4) and target (2 of 4)
        const Seq2seqBatch clean = make_seq2seq_batch(random_ids(rng, {4, 2}, 6, false), random_ids(rng, {4, 2}, 6, true));
        Buffer<double> g_clean, g_dirty;
        const double loss_clean = loss_and_grads(m, clean, g_clean);
        for (bool in_source : {true, false}) {
          Seq2seqBatch dirty = clean;
          std::vector<int>& ids = in_source ? dirty.src : dirty.tgt;
          for (int step : {2, 3}) ids[static_cast<std::size_t>(step) * 2 + 1] = first_symbol_id + 1 + step % 2;
          REQUIRE(ids != (in_source ? clean.src : clean.tgt));
          const double loss_dirty = loss_and_grads(m, dirty, g_dirty);
          CHECK(loss_dirty == loss_clean);
          std::size_t differ = 0;
          for (std::size_t j = 0; j < g_clean.size(); ++j) differ += g_clean[j] != g_dirty[j];
          CHECK(differ == 0);
        }
        // The same change at a real step does change the loss: the comparison can see a difference.
        Seq2seqBatch real = clean;
        real.src[1] = real.src[1] == first_symbol_id ? first_symbol_id + 1 : first_symbol_id;
        CHECK(loss_and_grads(m, real, g_dirty) != loss_clean);
        ++checked;
      }
  CHECK(checked == 24);
}

TEST_CASE("seq2seq decoding: beam width 1 is greedy; scores are the model's teacher-forced scores") {
  int checked = 0, finished = 0;
  for_each_decode_case(300, [&](const Seq2seqModel<double>& m, const std::vector<int>& source) {
    const Decoded<double> greedy = greedy_decode(m, source, 8);
    const Decoded<double> beam = beam_decode(m, source, 1, 8);
    CHECK(beam.tokens == greedy.tokens);
    CHECK(beam.finished == greedy.finished);
    CHECK(beam.log_prob == greedy.log_prob);
    CHECK(beam.score == greedy.score);
    REQUIRE(beam.weights.size() == greedy.weights.size());
    for (std::size_t t = 0; t < beam.weights.size(); ++t) CHECK(beam.weights[t] == greedy.weights[t]);
    CHECK(greedy.weights.size() == greedy.tokens.size() + (greedy.finished ? 1 : 0));
    CHECK(std::abs(greedy.score - teacher_forced_score(m, source, greedy)) < 1e-12);
    finished += greedy.finished;
    ++checked;
  });
  MESSAGE(checked, " sources decoded, ", finished, " of them finished with </s>");
  CHECK(finished > 0);
  CHECK(finished < checked);
}

// Not a theorem for a pruned beam (greedy's path can be pushed out of it by k better prefixes that
// end badly), but what a user expects of these models: checked on every seeded model and source here.
TEST_CASE("seq2seq beam search: a wider beam never scores below greedy") {
  int checked = 0, better = 0;
  for_each_decode_case(400, [&](const Seq2seqModel<double>& m, const std::vector<int>& source) {
    const Decoded<double> greedy = greedy_decode(m, source, 8);
    for (int width : {2, 3, 5}) {
      CAPTURE(width);
      const Decoded<double> beam = beam_decode(m, source, width, 8);
      CHECK(beam.score >= greedy.score);
      CHECK(std::abs(beam.score - teacher_forced_score(m, source, beam)) < 1e-12);
      better += beam.score > greedy.score;
      ++checked;
    }
  });
  MESSAGE(checked, " beam decodes; ", better, " scored strictly above greedy");
  CHECK(better > 0);
}

TEST_CASE("seq2seq training: a short run on the reverse task lowers the validation loss") {
  Seq2seqTaskConfig task;
  task.min_length = 3;
  task.max_length = 5;
  const std::vector<SequencePair> train = make_seq2seq_task(task, 2000, 11), valid = make_seq2seq_task(task, 200, 12);
  std::vector<std::pair<std::string, std::string>> all;
  for (const SequencePair& p : train) all.emplace_back(p.source, p.target);
  const Seq2seqVocab vocab = make_seq2seq_vocab(all);
  auto ids = [&vocab](const std::vector<SequencePair>& pairs, bool target) {
    std::vector<std::vector<int>> out;
    for (const SequencePair& p : pairs) out.push_back(vocab.encode(target ? p.target : p.source));
    return out;
  };
  const auto valid_src = ids(valid, false);
  auto valid_tgt = ids(valid, true);
  const auto valid_plain = valid_tgt;
  for (auto& t : valid_tgt) t.push_back(end_id);
  const Seq2seqBatch valid_batch = make_seq2seq_batch(valid_src, valid_tgt);

  Seq2seqTrainConfig c;
  c.model.cell = CellKind::gru;
  c.model.vocab_size = vocab.size();
  c.model.embed_size = 8;
  c.model.hidden_size = 16;
  c.model.attention = Attention::dot;
  c.batch = 32;
  c.lr = 1e-2;
  c.seed = 3;
  Seq2seqTrainer<float> trainer(c, ids(train, false), ids(train, true));
  Seq2seqTrace<float> tr;
  auto valid_loss = [&] {
    seq2seq_forward(trainer.model(), valid_batch, tr);
    return static_cast<double>(seq2seq_loss(tr, valid_batch));
  };
  const double before = valid_loss();
  const auto t0 = std::chrono::steady_clock::now();
  const int steps = 1000;
  for (int s = 0; s < steps; ++s) trainer.step();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double after = valid_loss();
  const Seq2seqScore score = trainer.evaluate(valid_src, valid_plain, 8);
  MESSAGE("reverse task, ", steps, " steps in ", seconds, " s: validation loss ", before, " -> ", after,
          "; greedy token accuracy ", score.token_acc, ", sequences ", score.seq_acc);
  // Measured (Release, seeds 1–6 of this setup): loss 3.35–3.38 -> 0.03–0.11, token accuracy 0.974–0.993,
  // sequences 0.945–0.975; this seed 3.342 -> 0.055, 0.986, 0.96 (0.085, 0.985, 0.975 in the ASan build,
  // which has no -march=native). The bounds leave a wide margin.
  CHECK(before > 3.0);  // ≈ log V = log 29 for an untrained model
  CHECK(after < 0.25);
  CHECK(after < before / 10);
  CHECK(score.token_acc > 0.9);
  CHECK(score.seq_acc > 0.8);
}
