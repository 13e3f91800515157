// The Text workspace's run (session/text.hpp) without a display: a small character model on the
// generated structured text, built, trained to its end in slices, sampled and reset. Its reading view
// is checked against the core run independently (the same seed builds the same step-0 model), its
// samples against core/sampling.hpp, and its curves against what training must do (the validation
// bits per character fall well below the no-context baseline).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "app/session/session.hpp"
#include "app/session/text.hpp"
#include "core/objective.hpp"
#include "core/sampling.hpp"
#include "core/text_trainer.hpp"
#include "io/char_corpus.hpp"
#include "io/text.hpp"

using namespace unrolled;
using namespace unrolled::app;

namespace {

TextSettings small_settings() {
  TextSettings s;
  s.chars = 20000;
  s.cell = CellKind::lstm;
  s.hidden = 24;
  s.embed = 8;
  s.seq = 24;
  s.batch = 16;
  s.lr = 1e-2;
  s.max_steps = 300;
  s.sample_every = 100;
  return s;
}

// The step-0 model of these settings, built outside the run (the same config and seed).
struct Outside {
  io::CharCorpus corpus;
  Model<float> model;
};
Outside build_outside(const TextSettings& s) {
  Outside o{io::load_char_corpus(s.data, static_cast<std::size_t>(s.chars), s.data_seed, io::CorpusSplit{0.1, s.seq}), {}};
  TextTrainConfig tc;
  tc.model.cell = s.cell;
  tc.model.hidden_size = s.hidden;
  tc.model.num_layers = s.layers;
  tc.model.input_size = s.embed;
  tc.model.vocab_size = static_cast<int>(o.corpus.vocab.size());
  tc.model.output_size = tc.model.vocab_size;
  tc.model.objective = Objective::cross_entropy;
  tc.seq = s.seq;
  tc.batch = s.batch;
  tc.optimizer = OptimizerConfig{OptimizerKind::adam, s.lr};
  tc.clip = s.clip;
  tc.seed = s.seed;
  o.model = CharLmTrainer<float>(tc, o.corpus.train_ids).model();
  return o;
}

std::vector<int> ids_of(const std::u32string& text, const std::vector<char32_t>& vocab) {
  return io::char_ids(text, vocab, "test");
}

void train_to_end(TextRun& run) {
  run.train();
  std::string note;
  bool error = false;
  for (int i = 0; i < 100000 && run.running(); ++i) run.slice(0.01, note, error);
  REQUIRE_FALSE(run.running());
  CHECK_FALSE(error);
  CHECK(note.find("finished") != std::string::npos);
}

}  // namespace

TEST_CASE("text run: built at step 0, its reading and first sample are the core's for the same seed") {
  const TextSettings s = small_settings();
  TextRun run;
  run.configure(s);
  const std::shared_ptr<const TextView> v = run.view();
  CHECK(v->state == TrainState::paused);
  CHECK(v->step == 0);
  REQUIRE(v->samples.size() == 1);
  REQUIRE(v->val_bpc.size() == 1);
  CHECK(v->val_step[0] == 0);
  REQUIRE(v->reading);
  const TextReading& r = *v->reading;
  const int N = static_cast<int>(r.chars.size());
  CHECK(N == reading_chars);
  REQUIRE(r.h.size() == 1);
  CHECK(r.h[0].rows == s.hidden);
  CHECK(r.h[0].cols == N);
  REQUIRE(r.gates[0].size() == 4);

  const Outside o = build_outside(s);
  CHECK(v->vocab == o.corpus.vocab);
  CHECK(v->parameters == parameter_count(o.model.config));
  // The passage is validation text, from a line start.
  const std::vector<int> ids = ids_of(r.chars, o.corpus.vocab);
  const auto at = std::search(o.corpus.val_ids.begin(), o.corpus.val_ids.end(), ids.begin(), ids.end());
  REQUIRE(at != o.corpus.val_ids.end());
  CHECK(*(at - 1) == static_cast<int>(std::lower_bound(o.corpus.vocab.begin(), o.corpus.vocab.end(), U'\n') - o.corpus.vocab.begin()));
  // Every state, gate and guess equals a forward pass of the same model over the same ids.
  Trace<float> trace;
  forward_tokens(o.model, ids, 1, trace);
  Mat<float> probs;
  softmax<float>(trace.output, 1.0f, probs);
  double worst = 0, bits = 0;
  for (int i = 0; i < N; ++i) {
    for (int u = 0; u < s.hidden; ++u) {
      worst = std::max(worst, static_cast<double>(std::abs(r.h[0].at(u, i) - trace.layers[0].h(u, i + 1))));
      worst = std::max(worst, static_cast<double>(std::abs(r.c[0].at(u, i) - trace.layers[0].c(u, i + 1))));
      for (int g = 0; g < 4; ++g)
        worst = std::max(worst, static_cast<double>(std::abs(r.gates[0][static_cast<std::size_t>(g)].at(u, i) -
                                                             trace.layers[0].gates(g * s.hidden + u, i))));
    }
    const std::vector<TokenChance> top = top_k<float>(probs.col(i), 5);
    for (std::size_t k = 0; k < 5; ++k) {
      CHECK(r.guess[static_cast<std::size_t>(i)][k] == top[k].id);
      CHECK(r.guess_p[static_cast<std::size_t>(i)][k] == doctest::Approx(top[k].p).epsilon(1e-6));
      if (k > 0) CHECK(r.guess_p[static_cast<std::size_t>(i)][k] <= r.guess_p[static_cast<std::size_t>(i)][k - 1]);
    }
    if (i + 1 < N) {
      CHECK(r.next_p[static_cast<std::size_t>(i)] == probs(ids[static_cast<std::size_t>(i) + 1], i));
      bits -= std::log2(static_cast<double>(probs(ids[static_cast<std::size_t>(i) + 1], i)));
    }
  }
  CHECK(worst == 0.0);
  CHECK(r.bpc == doctest::Approx(bits / (N - 1)).epsilon(1e-9));
  // An untrained model is near the uniform guess: about log2 V bits per character.
  CHECK(r.bpc == doctest::Approx(std::log2(static_cast<double>(o.corpus.vocab.size()))).epsilon(0.1));

  // The first sample is the core's sampling of the step-0 model from a newline, with the default settings.
  const int newline = static_cast<int>(std::lower_bound(o.corpus.vocab.begin(), o.corpus.vocab.end(), U'\n') - o.corpus.vocab.begin());
  std::u32string expected;
  for (int id : sample_tokens(o.model, {newline}, SampleSettings{160, 1.0, 0, 1})) expected += o.corpus.vocab[static_cast<std::size_t>(id)];
  CHECK(v->samples[0].step == 0);
  CHECK(v->samples[0].text == io::encode_utf8(expected));
}

TEST_CASE("text run: trained to its end, it learns the structured text; samples at every 100 steps; reset repeats it") {
  const TextSettings s = small_settings();
  TextRun run;
  run.configure(s);
  const std::string first_sample = run.view()->samples[0].text;
  train_to_end(run);
  const std::shared_ptr<const TextView> v = run.view();
  CHECK(v->state == TrainState::finished);
  CHECK(v->step == s.max_steps);
  CHECK(v->train_bpc.size() == static_cast<std::size_t>(s.max_steps));
  REQUIRE(v->samples.size() == 4);  // steps 0, 100, 200, 300
  for (std::size_t i = 0; i < 4; ++i) CHECK(v->samples[i].step == static_cast<std::int64_t>(100 * i));
  REQUIRE(v->val_bpc.size() == 4);
  MESSAGE("val bpc " << v->val_bpc.front() << " -> " << v->val_bpc.back() << ", no context " << v->unigram_bpc << ", reading "
                     << v->reading->bpc);
  // Measured: 4.9 at step 0, about 1.5 after 300 steps, against 4.4 without context.
  CHECK(v->val_bpc.front() > v->unigram_bpc);
  CHECK(v->val_bpc.back() < v->unigram_bpc - 1.5);
  CHECK(v->reading->step == s.max_steps);
  CHECK(v->reading->bpc < v->unigram_bpc - 1.0);
  // The trained model writes the corpus' shapes: brackets and quotes, balanced more often than not.
  const std::string& last = v->samples.back().text;
  CHECK(std::count(last.begin(), last.end(), '"') >= 4);

  // Reset: step 0 again, the same weights, so the same first sample.
  run.reset();
  const std::shared_ptr<const TextView> w = run.view();
  CHECK(w->step == 0);
  CHECK(w->state == TrainState::paused);
  REQUIRE(w->samples.size() == 1);
  CHECK(w->samples[0].text == first_sample);
  CHECK(w->version > v->version);
}

TEST_CASE("text run: sampling settings and bad input are checked, naming what is wrong; a failed configure keeps the run") {
  TextRun run;
  CHECK(run.train() == "the Text workspace has no text yet");
  TextSettings s = small_settings();
  run.configure(s);
  const std::vector<char32_t> vocab = run.view()->vocab;

  TextSampling a;
  a.temperature = 0.5;
  a.top_k = 3;
  a.prime = "(\"";
  a.seed = 7;
  run.sample(a);
  run.sample(a);
  const std::shared_ptr<const TextView> v = run.view();
  REQUIRE(v->samples.size() == 3);
  CHECK(v->samples[1].text == v->samples[2].text);  // the same settings and seed, the same text
  CHECK(v->sampling == a);
  a.seed = 8;
  run.sample(a);
  CHECK(run.view()->samples.back().text != v->samples[1].text);

  TextSampling bad = a;
  bad.prime = "ab\xC3\xA9";  // é is not in the structured text
  CHECK(validate_text_sampling(bad, vocab).find("character 3") != std::string::npos);
  CHECK_THROWS_WITH_AS(run.sample(bad), doctest::Contains("not in the text's vocabulary"), std::runtime_error);
  bad = a;
  bad.temperature = 0;
  CHECK(validate_text_sampling(bad, vocab).find("temperature") != std::string::npos);

  TextSettings wrong = s;
  wrong.hidden = 0;
  CHECK(validate_text_settings(wrong).find("H (hidden units)") != std::string::npos);
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("H (hidden units)"), std::runtime_error);
  wrong = s;
  wrong.data = "/nonexistent/corpus.txt";
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("/nonexistent/corpus.txt"), std::runtime_error);
  CHECK(run.view()->settings == s);  // the run stays
  CHECK(run.view()->samples.size() == 4);
}

TEST_CASE("text run in the session: ConfigureText with train trains on the worker; the snapshot shows it") {
  Session session;
  CHECK(session.latest()->text->state == TrainState::idle);
  TextSettings s = small_settings();
  s.max_steps = 120;
  const std::uint64_t seq = session.send(cmd::ConfigureText{s, true});
  REQUIRE(session.wait_applied(seq, std::chrono::seconds(60)));
  std::shared_ptr<const Snapshot> snap = session.latest();
  for (int i = 0; i < 600 && snap->text->state == TrainState::running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    snap = session.latest();
  }
  CHECK(snap->text->state == TrainState::finished);
  CHECK(snap->text->step == 120);
  CHECK(snap->text->samples.size() == 3);  // 0, 100, 120 (the end)
  const std::uint64_t seq2 = session.send(cmd::TextReset{});
  REQUIRE(session.wait_applied(seq2, std::chrono::seconds(30)));
  CHECK(session.latest()->text->step == 0);
}
