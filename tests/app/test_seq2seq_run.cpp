// The Seq2seq workspace's run (session/seq2seq.hpp) without a display: a small encoder-decoder on the
// generated reverse task, built, trained to its end in slices beside its no-attention twin, inspected,
// made to diverge and reset. Its example (step-by-step greedy decoding, beam tree) and its scores are
// checked against the core's own decoders and evaluate() on a model built outside the run from the
// same pairs and seed; its curves against what training must do.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>

#include "app/session/seq2seq.hpp"
#include "app/session/session.hpp"
#include "core/seq2seq.hpp"
#include "core/seq2seq_data.hpp"
#include "session_util.hpp"
#include "temp_files.hpp"

using namespace unrolled;
using namespace unrolled::app;

namespace {

Seq2seqSettings small_settings() {
  Seq2seqSettings s;
  s.hidden = 24;
  s.embed = 12;
  s.batch = 32;
  s.lr = 1e-2;
  s.pairs = 2000;
  s.val_pairs = 120;
  s.max_steps = 300;
  s.eval_every = 100;
  return s;
}

// The run's step-0 model and validation pairs, built outside it (the same pairs, vocabulary and seed).
struct Outside {
  std::vector<std::vector<int>> train_src, train_tgt, val_src, val_tgt;
  Seq2seqTrainConfig tc;
  int max_target = 0;
};
Outside build_outside(const Seq2seqSettings& s) {
  Seq2seqTaskConfig task;
  REQUIRE(parse_seq2seq_task(s.task, task.task));
  const SequenceSplit split = make_seq2seq_split(task, static_cast<std::size_t>(s.pairs), static_cast<std::size_t>(s.val_pairs), s.data_seed);
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto* part : {&split.train, &split.val})
    for (const SequencePair& p : *part) all.emplace_back(p.source, p.target);
  const Seq2seqVocab vocab = make_seq2seq_vocab(all);
  Outside o;
  std::size_t longest = 0;
  for (const SequencePair& p : split.train) {
    o.train_src.push_back(vocab.encode(p.source));
    o.train_tgt.push_back(vocab.encode(p.target));
    longest = std::max(longest, o.train_tgt.back().size());
  }
  for (const SequencePair& p : split.val) {
    o.val_src.push_back(vocab.encode(p.source));
    o.val_tgt.push_back(vocab.encode(p.target));
    longest = std::max(longest, o.val_tgt.back().size());
  }
  o.max_target = static_cast<int>(2 * longest + 1);
  o.tc.model.cell = s.cell;
  o.tc.model.attention = s.attention;
  o.tc.model.hidden_size = s.hidden;
  o.tc.model.embed_size = s.embed;
  o.tc.model.vocab_size = vocab.size();
  o.tc.batch = s.batch;
  o.tc.lr = s.lr;
  o.tc.clip = s.clip;
  o.tc.teacher_forcing = s.teacher_forcing;
  o.tc.seed = s.seed;
  return o;
}

void train_to_end(Seq2seqRun& run, std::string& note, bool& error) {
  run.train();
  for (int i = 0; i < 100000 && run.running(); ++i) run.slice(0.01, note, error);
  REQUIRE_FALSE(run.running());
}

bool all_finite(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

}  // namespace

TEST_CASE("seq2seq run: built at step 0, its example decodes as the core's greedy and beam decoders; its scores are evaluate()'s") {
  Seq2seqRun run;
  CHECK(run.train() == "the Seq2seq workspace has no model yet");
  const Seq2seqSettings s = small_settings();
  run.configure(s);
  const std::shared_ptr<const Seq2seqView> v = run.view();
  CHECK(v->state == TrainState::paused);
  CHECK(v->step == 0);
  CHECK(v->twin);
  CHECK(v->symbols.size() == 26);  // a–z
  REQUIRE(v->val_step == std::vector<std::int64_t>{0});

  const Outside o = build_outside(s);
  REQUIRE(v->val_sources.size() == o.val_src.size());
  CHECK(v->max_target == o.max_target);
  const Seq2seqTrainer<float> outside(o.tc, o.train_src, o.train_tgt);
  CHECK(v->parameters == static_cast<long long>(outside.model().layout.total));
  const Seq2seqScore score = outside.evaluate(o.val_src, o.val_tgt, o.max_target);
  CHECK(v->token_acc[0] == doctest::Approx(score.token_acc).epsilon(1e-6));
  CHECK(v->seq_acc[0] == doctest::Approx(score.seq_acc).epsilon(1e-6));
  // By length: every validation pair counted once.
  int counted = 0;
  for (int c : v->lengths.count) counted += c;
  CHECK(counted == static_cast<int>(o.val_src.size()));
  CHECK(v->lengths.without.size() == v->lengths.length.size());

  for (int example : {0, 7}) {
    Seq2seqInspect in;
    in.example = example;
    in.beam = 4;
    run.inspect(in);
    const Seq2seqExample& e = *run.view()->example;
    CHECK(e.index == example);
    const std::vector<int>& src = o.val_src[static_cast<std::size_t>(example)];
    CHECK(e.source.size() == src.size());
    CHECK(e.memory.cols == static_cast<int>(src.size()));
    CHECK(e.memory.rows == s.hidden);
    const Decoded<float> g = greedy_decode(outside.model(), src, o.max_target);
    std::vector<int> written;
    for (const Seq2seqDecodeStep& st : e.steps) written.push_back(st.token);
    std::vector<int> want = g.tokens;
    if (g.finished) want.push_back(end_id);
    CHECK(written == want);
    CHECK(e.greedy_finished == g.finished);
    REQUIRE(g.weights.size() == e.steps.size());
    for (std::size_t t = 0; t < e.steps.size(); ++t) {
      const Seq2seqDecodeStep& st = e.steps[t];
      REQUIRE(st.weights.size() == src.size());
      double sum = 0;
      for (std::size_t j = 0; j < src.size(); ++j) {
        CHECK(st.weights[j] == doctest::Approx(g.weights[t](static_cast<int>(j))).epsilon(1e-6));
        sum += st.weights[j];
      }
      CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
      CHECK(st.top[0] == st.token);  // greedy writes its likeliest token
      for (int k = 1; k < 5; ++k) CHECK(st.top_p[static_cast<std::size_t>(k)] <= st.top_p[static_cast<std::size_t>(k - 1)]);
      CHECK(st.state.size() == static_cast<std::size_t>(s.hidden));
      CHECK(st.context.size() == static_cast<std::size_t>(s.hidden));
      if (t > 0) CHECK(st.fed == e.steps[t - 1].token);
    }
    CHECK(e.steps[0].fed == start_id);
    const Decoded<float> b = beam_decode(outside.model(), src, 4, o.max_target);
    CHECK(e.beam == 4);
    CHECK(e.tree.size() == b.tree.size());
    CHECK(e.path == b.path);
    CHECK(e.beam_score == doctest::Approx(b.score));
    // The chosen path runs from the root to its last node, parent by parent.
    REQUIRE_FALSE(e.path.empty());
    CHECK(e.tree[static_cast<std::size_t>(e.path.front())].parent == -1);
    for (std::size_t i = 1; i < e.path.size(); ++i) CHECK(e.tree[static_cast<std::size_t>(e.path[i])].parent == e.path[i - 1]);
    // At most k hypotheses of each length are kept.
    std::vector<int> per(64, 0);
    for (const BeamNode& n : e.tree) ++per[static_cast<std::size_t>(n.step)];
    for (int c : per) CHECK(c <= 4);
  }
}

TEST_CASE("seq2seq run: trained to its end beside its twin, it learns; scores every 100 steps; reset repeats it") {
  Seq2seqRun run;
  Seq2seqSettings s = small_settings();
  run.configure(s);
  std::string note;
  bool error = false;
  train_to_end(run, note, error);
  CHECK_FALSE(error);
  CHECK(note.find("finished") != std::string::npos);
  const std::shared_ptr<const Seq2seqView> v = run.view();
  CHECK(v->state == TrainState::finished);
  CHECK(v->step == 300);
  CHECK(v->val_step == std::vector<std::int64_t>{0, 100, 200, 300});
  REQUIRE(v->loss.size() == 300);
  REQUIRE(v->twin_loss.size() == 300);
  CHECK(v->twin_seq_acc.size() == 4);
  double first = 0, last = 0;
  for (int i = 0; i < 20; ++i) {
    first += v->loss[static_cast<std::size_t>(i)];
    last += v->loss[static_cast<std::size_t>(280 + i)];
  }
  MESSAGE("loss " << first / 20 << " -> " << last / 20 << "; val token accuracy " << v->token_acc.front() << " -> "
                  << v->token_acc.back() << "; twin " << v->twin_token_acc.back());
  CHECK(last < 0.7 * first);
  CHECK(v->token_acc.back() > v->token_acc.front() + 0.2);
  CHECK(v->example->step == 300);
  CHECK(v->lengths.step == 300);
  // The twin is the same model without attention: its steps have no weights to show.
  CHECK(v->parameters > v->twin_parameters);

  // Reset: the same seed, the same run again.
  const std::vector<float> loss = v->loss;
  CHECK(run.reset() == "seq2seq model back to step 0");
  CHECK(run.view()->step == 0);
  CHECK(run.view()->loss.empty());
  CHECK(run.view()->version > v->version);
  train_to_end(run, note, error);
  CHECK(run.view()->loss == loss);
}

TEST_CASE("seq2seq run: a divergence keeps the last good weights of both models and says so") {
  Seq2seqRun run;
  Seq2seqSettings s = small_settings();
  s.lr = 1e30;  // an absurd rate: the weights overflow within a few steps
  s.clip = 0;
  run.configure(s);
  std::string note;
  bool error = false;
  train_to_end(run, note, error);
  const std::shared_ptr<const Seq2seqView> v = run.view();
  CHECK(error);
  CHECK(v->state == TrainState::diverged);
  CHECK(note.find("diverged") != std::string::npos);
  MESSAGE(v->message);
  CHECK(v->message.find("are kept") != std::string::npos);
  CHECK(v->step < 300);
  CHECK(v->loss.size() == static_cast<std::size_t>(v->step));
  CHECK(all_finite(v->loss));
  // The kept weights are those of the last good step, bit for bit: the same model trained outside the
  // run (the same pairs, seed and batches) for that many steps; the twin's likewise.
  const Outside o = build_outside(s);
  Seq2seqTrainer<float> outside(o.tc, o.train_src, o.train_tgt);
  Seq2seqTrainConfig none = o.tc;
  none.model.attention = Attention::none;
  Seq2seqTrainer<float> outside_twin(none, o.train_src, o.train_tgt);
  for (std::int64_t k = 0; k < v->step; ++k) {
    outside.step();
    outside_twin.step();
  }
  CHECK(run.model().params == outside.model().params);
  REQUIRE(run.twin());
  CHECK(run.twin()->params == outside_twin.model().params);
  CHECK(std::all_of(run.model().params.begin(), run.model().params.end(), [](float x) { return std::isfinite(x); }));
  REQUIRE(v->example);
  CHECK(v->example->step == v->step);  // the example is decoded by them
  // Training again starts over from step 0.
  run.train();
  CHECK(run.view()->step == 0);
  CHECK(run.view()->state == TrainState::running);
}

TEST_CASE("seq2seq run: bad settings, files and inspections are refused, naming what is wrong; the run stays") {
  Seq2seqRun run;
  const Seq2seqSettings s = small_settings();
  run.configure(s);
  const std::uint64_t version = run.view()->version;
  Seq2seqSettings wrong = s;
  wrong.task = "shuffle";
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("unknown seq2seq task 'shuffle'"), std::runtime_error);
  wrong = s;
  wrong.hidden = 0;
  CHECK(validate_seq2seq_settings(wrong).find("H (hidden units)") != std::string::npos);
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("H (hidden units)"), std::runtime_error);
  wrong = s;
  wrong.teacher_forcing = 1.5;
  CHECK(validate_seq2seq_settings(wrong).find("teacher forcing") != std::string::npos);
  wrong = s;
  wrong.task = "/nonexistent/pairs.tsv";
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("/nonexistent/pairs.tsv"), std::runtime_error);
  // A line without a tab: the file and the line are named.
  const unrolled::app::test::TempDir dir("unrolled-s2s");
  const std::string tsv = dir / "pairs.tsv";
  {
    std::ofstream f(tsv);
    f << "abc\tcba\nhello there\n";
  }
  wrong = s;
  wrong.task = tsv;
  CHECK_THROWS_WITH_AS(run.configure(wrong), doctest::Contains("line 2"), std::runtime_error);
  // A good file: the last tenth is validation.
  {
    std::ofstream f(tsv);
    for (int i = 0; i < 40; ++i) f << "ab" << char('a' + i % 26) << "\t" << char('a' + i % 26) << "ba\n";
  }
  Seq2seqRun file_run;
  wrong.task = tsv;
  file_run.configure(wrong);
  CHECK(file_run.view()->val_sources.size() == 4);
  CHECK(file_run.view()->train_pairs == 36);

  Seq2seqInspect in;
  in.example = 100000;
  CHECK_THROWS_WITH_AS(run.inspect(in), doctest::Contains("the example must be 1 to"), std::runtime_error);
  in.example = 0;
  in.beam = 0;
  CHECK_THROWS_WITH_AS(run.inspect(in), doctest::Contains("beam width k"), std::runtime_error);
  CHECK(run.view()->version == version);  // the run stays
  CHECK(run.view()->settings == s);
  CHECK(run.view()->inspect == Seq2seqInspect{});
}

TEST_CASE("seq2seq run in the session: ConfigureSeq2seq with train trains on the worker; the snapshot shows it") {
  Session session;
  CHECK(session.latest()->seq2seq->state == TrainState::idle);
  Seq2seqSettings s = small_settings();
  s.max_steps = 120;
  const std::uint64_t seq = session.send(cmd::ConfigureSeq2seq{s, true});
  REQUIRE(session.wait_applied(seq, std::chrono::seconds(60)));
  std::shared_ptr<const Snapshot> snap = session.latest();
  for (int i = 0; i < 1200 && snap->seq2seq->state == TrainState::running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    snap = session.latest();
  }
  CHECK(snap->seq2seq->state == TrainState::finished);
  CHECK(snap->seq2seq->step == 120);
  CHECK(snap->seq2seq->val_step == std::vector<std::int64_t>{0, 100, 120});
  Seq2seqInspect in;
  in.example = 3;
  in.beam = 2;
  const std::uint64_t seq2 = session.send(cmd::Seq2seqInspectExample{in});
  snap = unrolled::app::test::settle(session, seq2);
  CHECK(snap->seq2seq->inspect == in);
  CHECK(snap->seq2seq->example->index == 3);
  CHECK(snap->seq2seq->example->beam == 2);
  const std::uint64_t seq3 = session.send(cmd::Seq2seqReset{});
  snap = unrolled::app::test::settle(session, seq3);
  CHECK(snap->seq2seq->step == 0);
  // A bad task: said on the status line, in red; the model stays.
  Seq2seqSettings bad = s;
  bad.task = "shuffle";
  snap = unrolled::app::test::settle(session, session.send(cmd::ConfigureSeq2seq{bad}));
  CHECK(snap->message_is_error);
  CHECK(snap->message.find("shuffle") != std::string::npos);
  CHECK(snap->seq2seq->settings == s);
}
