#include "app/session/text.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "core/objective.hpp"
#include "core/sampling.hpp"
#include "core/text_analysis.hpp"
#include "io/char_corpus.hpp"
#include "io/text.hpp"

namespace unrolled::app {

namespace {
constexpr double ln2 = 0.69314718055994530942;
constexpr std::size_t val_eval_chars = 20000;  // validation bpc over at most this much of the text

// The trainer's settings for a model of `model` trained as `s` says.
TextTrainConfig train_config(const TextSettings& s, const ModelConfig& model) {
  TextTrainConfig tc;
  tc.model = model;
  tc.seq = s.seq;
  tc.batch = s.batch;
  tc.optimizer = OptimizerConfig{OptimizerKind::adam, s.lr};
  tc.clip = s.clip;
  tc.seed = s.seed;
  return tc;
}

// The id of '\n' in an ascending vocabulary, or -1.
int newline_id(const std::vector<char32_t>& vocab) {
  const auto at = std::lower_bound(vocab.begin(), vocab.end(), U'\n');
  return at != vocab.end() && *at == U'\n' ? static_cast<int>(at - vocab.begin()) : -1;
}

std::string range_error(const char* what, double v, double lo, double hi) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s must be %g to %g, got %g", what, lo, hi, v);
  return buf;
}
}  // namespace

std::string validate_text_settings(const TextSettings& s) {
  if (s.data.empty()) return "the text: choose structured, english or a .txt file";
  if (s.chars < 1000 || s.chars > 10000000) return range_error("the generated text's characters", s.chars, 1000, 10000000);
  if (s.hidden < 1 || s.hidden > max_text_hidden) return range_error("H (hidden units)", s.hidden, 1, max_text_hidden);
  if (s.layers < 1 || s.layers > max_text_layers) return range_error("layers", s.layers, 1, max_text_layers);
  if (s.embed < 1 || s.embed > max_text_embed) return range_error("E (embedding width)", s.embed, 1, max_text_embed);
  if (s.seq < 2 || s.seq > max_text_seq) return range_error("T (window)", s.seq, 2, max_text_seq);
  if (s.batch < 1 || s.batch > 512) return range_error("B (batch)", s.batch, 1, 512);
  if (!(s.lr > 0 && s.lr <= 1)) return range_error("the learning rate", s.lr, 1e-6, 1);
  if (!(s.clip >= 0 && s.clip <= 1000)) return range_error("clipping", s.clip, 0, 1000);
  if (s.max_steps < 1 || s.max_steps > max_text_steps) return range_error("steps", s.max_steps, 1, max_text_steps);
  if (s.sample_every < 1 || s.sample_every > 100000) return range_error("sample every", s.sample_every, 1, 100000);
  return {};
}

std::string validate_text_sampling(const TextSampling& s, const std::vector<char32_t>& vocab) {
  if (!(s.temperature >= 0.05 && s.temperature <= 5)) return range_error("the temperature", s.temperature, 0.05, 5);
  if (s.top_k < 0 || s.top_k > 100000) return range_error("top-k", s.top_k, 0, 100000);
  if (s.length < 1 || s.length > 2000) return range_error("the sample's length", s.length, 1, 2000);
  std::u32string prime;
  try {
    prime = io::decode_utf8(s.prime, "the prime");
  } catch (const std::exception& e) {
    return e.what();
  }
  for (std::size_t i = 0; i < prime.size(); ++i)
    if (!std::binary_search(vocab.begin(), vocab.end(), prime[i]))
      return "the prime: character " + std::to_string(i + 1) + " (" + visible_char(prime[i]) + ") is not in the text's vocabulary";
  return {};
}

std::string visible_char(char32_t c) {
  if (c == U'\n') return "⏎";
  if (c == U' ') return "␣";
  if (c == U'\t') return "⇥";
  if (c < 0x20 || c == 0x7f) return "·";
  return io::encode_utf8(c);
}

void TextRun::configure(const TextSettings& s) {
  if (std::string why = validate_text_settings(s); !why.empty()) throw std::runtime_error(why);
  io::CharCorpus corpus;
  try {
    corpus = io::load_char_corpus(s.data, static_cast<std::size_t>(s.chars), s.data_seed,
                                  io::CorpusSplit{0.1, s.seq, "windows of T =", "the last part,"});
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  ModelConfig m;
  m.cell = s.cell;
  m.hidden_size = s.hidden;
  m.num_layers = s.layers;
  m.input_size = s.embed;
  m.vocab_size = static_cast<int>(corpus.vocab.size());
  m.output_size = m.vocab_size;
  m.objective = Objective::cross_entropy;
  if (std::string why = validate_config(m); !why.empty()) throw std::runtime_error(why);
  auto trainer = std::make_unique<CharLmTrainer<float>>(train_config(s, m), corpus.train_ids);  // throws on a short text
  std::vector<Companion> others;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    if (cell == s.cell) continue;
    ModelConfig mc = m;
    mc.cell = cell;
    others.push_back({std::make_unique<CharLmTrainer<float>>(train_config(s, mc), corpus.train_ids), {}, false, NAN});
  }

  settings_ = s;
  vocab_ = std::move(corpus.vocab);
  train_ids_ = std::move(corpus.train_ids);
  val_ids_ = std::move(corpus.val_ids);
  if (val_ids_.size() > val_eval_chars) val_ids_.resize(val_eval_chars);
  // The reading passage: from the first line start of the validation text (a whole line reads better).
  std::size_t from = 0;
  if (const int nl = newline_id(vocab_); nl >= 0) {
    for (std::size_t i = 0; i < std::min<std::size_t>(val_ids_.size(), 400); ++i)
      if (val_ids_[i] == nl) {
        from = i + 1;
        break;
      }
  }
  reading_ids_.assign(val_ids_.begin() + static_cast<std::ptrdiff_t>(std::min(from, val_ids_.size() - 1)),
                      val_ids_.begin() + static_cast<std::ptrdiff_t>(std::min(val_ids_.size(), from + reading_chars)));
  if (s.data == "structured") {
    source_ = "structured text, " + std::to_string(s.chars) + " characters (seed " + std::to_string(s.data_seed) + ")";
  } else {
    source_ = corpus.source;
  }
  unigram_bpc_ = unigram_entropy(val_ids_) / ln2;
  if (!validate_text_sampling(sampling_, vocab_).empty()) sampling_.prime.clear();  // a prime from another text
  trainer_ = std::move(trainer);
  others_ = std::move(others);
  until_ = 0;
  restart();
}

std::unique_ptr<CharLmTrainer<float>> TextRun::make_trainer(CellKind cell) const {
  ModelConfig m = trainer_->model().config;
  m.cell = cell;
  return std::make_unique<CharLmTrainer<float>>(train_config(settings_, m), train_ids_);
}

void TextRun::restart() {
  // The same settings and seed: the same initial weights and windows.
  if (trainer_->steps() > 0) trainer_ = make_trainer(settings_.cell);
  for (Companion& c : others_) {
    if (c.trainer->steps() > 0) c.trainer = make_trainer(c.trainer->model().config.cell);
    c.last_good = c.trainer->model().params;
    c.diverged = false;
    c.val_bpc = static_cast<double>(c.trainer->evaluate(val_ids_) / ln2);
  }
  state_ = TrainState::paused;
  message_.clear();
  seconds_ = steps_per_second_ = wall_before_ = 0;
  train_bpc_.clear();
  val_step_.clear();
  val_bpc_.clear();
  samples_.clear();
  last_good_ = trainer_->model().params;
  evaluate();
  add_sample();
  ++version_;
  view_.reset();
}

std::string TextRun::train() {
  if (!built()) return "the Text workspace has no text yet";
  if (state_ == TrainState::finished || state_ == TrainState::diverged) restart();
  if (trainer_->steps() >= goal()) return "the character model is at step " + std::to_string(trainer_->steps()) + " already";
  if (state_ != TrainState::running) started_ = std::chrono::steady_clock::now();
  state_ = TrainState::running;
  view_.reset();
  return "training the character model";
}

std::string TextRun::pause() {
  if (state_ != TrainState::running) return "the character model is not training";
  wall_before_ = wall_seconds();
  state_ = TrainState::paused;
  view_.reset();
  return "character model paused at step " + std::to_string(trainer_->steps());
}

std::string TextRun::reset() {
  if (!built()) return "the Text workspace has no text yet";
  restart();
  return "character model back to step 0";
}

std::vector<int> TextRun::prime_ids(const TextSampling& s) const {
  std::vector<int> ids;
  for (char32_t c : io::decode_utf8(s.prime, "the prime"))
    ids.push_back(static_cast<int>(std::lower_bound(vocab_.begin(), vocab_.end(), c) - vocab_.begin()));
  if (ids.empty()) {
    ids.push_back(std::max(newline_id(vocab_), 0));
  }
  return ids;
}

void TextRun::add_sample() {
  const SampleSettings ss{sampling_.length, sampling_.temperature, sampling_.top_k, sampling_.seed};
  std::u32string text;
  for (int id : sample_tokens(trainer_->model(), prime_ids(sampling_), ss)) text += vocab_[static_cast<std::size_t>(id)];
  samples_.push_back({trainer_->steps(), sampling_, io::encode_utf8(text)});
}

std::string TextRun::sample(const TextSampling& s) {
  if (!built()) return "the Text workspace has no text yet";
  if (std::string why = validate_text_sampling(s, vocab_); !why.empty()) throw std::runtime_error(why);
  sampling_ = s;
  add_sample();
  view_.reset();
  return "a sample at step " + std::to_string(trainer_->steps());
}

void TextRun::evaluate() {
  const Model<float>& model = trainer_->model();
  const std::int64_t step = trainer_->steps();
  if (val_step_.empty() || val_step_.back() != step) {
    val_step_.push_back(step);
    val_bpc_.push_back(static_cast<float>(trainer_->evaluate(val_ids_) / ln2));
  }
  auto r = std::make_shared<TextReading>();
  r->step = step;
  for (int id : reading_ids_) r->chars += vocab_[static_cast<std::size_t>(id)];
  r->lstm = model.config.cell == CellKind::lstm;
  Trace<float> trace;
  forward_tokens(model, reading_ids_, 1, trace);
  const int N = static_cast<int>(reading_ids_.size()), H = model.config.hidden_size;
  for (const LayerTrace<float>& lt : trace.layers) {
    Grid h(H, N), c(r->lstm ? H : 0, r->lstm ? N : 0);
    for (int i = 0; i < N; ++i)
      for (int u = 0; u < H; ++u) {
        h.at(u, i) = lt.h(u, i + 1);  // block 0 is h_0
        if (r->lstm) c.at(u, i) = lt.c(u, i + 1);
      }
    r->h.push_back(std::move(h));
    r->c.push_back(std::move(c));
    const int G = gate_count(model.config.cell);
    std::vector<Grid> gates(static_cast<std::size_t>(G), Grid(H, N));
    for (int g = 0; g < G; ++g)
      for (int i = 0; i < N; ++i)
        for (int u = 0; u < H; ++u) gates[static_cast<std::size_t>(g)].at(u, i) = lt.gates(g * H + u, i);
    r->gates.push_back(std::move(gates));
  }
  Mat<float> probs;
  softmax<float>(trace.output, 1.0f, probs);
  r->guess.resize(static_cast<std::size_t>(N));
  r->guess_p.resize(static_cast<std::size_t>(N));
  double bits = 0;
  for (int i = 0; i < N; ++i) {
    const std::vector<TokenChance> top = top_k<float>(probs.col(i), 5);
    for (std::size_t k = 0; k < 5; ++k) {
      r->guess[static_cast<std::size_t>(i)][k] = k < top.size() ? top[k].id : -1;
      r->guess_p[static_cast<std::size_t>(i)][k] = k < top.size() ? static_cast<float>(top[k].p) : 0.0f;
    }
    if (i + 1 < N) {
      const float p = probs(reading_ids_[static_cast<std::size_t>(i) + 1], i);
      r->next_p.push_back(p);
      bits -= std::log2(std::max(p, 1e-30f));
    }
  }
  r->bpc = N > 1 ? bits / (N - 1) : 0.0;
  reading_ = std::move(r);
  compute_connectivity();
}

std::int64_t TextRun::goal() const { return until_ > 0 ? std::min<std::int64_t>(until_, settings_.max_steps) : settings_.max_steps; }

bool TextRun::active() const {
  if (state_ == TrainState::running) return true;
  if (!companions_on_ || !built()) return false;
  return std::any_of(others_.begin(), others_.end(), [&](const Companion& c) { return !c.diverged && c.trainer->steps() < goal(); });
}

bool TextRun::step_main(std::string& note, bool& note_is_error) {
  const float loss = trainer_->step();
  const std::int64_t step = trainer_->steps();
  if (!std::isfinite(loss)) {
    trainer_->mutable_model().params = last_good_;  // the last good weights stay
    wall_before_ = wall_seconds();
    state_ = TrainState::diverged;
    message_ = "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " + std::to_string(step) +
               ": the weights of step " + std::to_string(step - 1) + " are kept. Try a lower learning rate or clipping.";
    note = "character model diverged at step " + std::to_string(step);
    note_is_error = true;
    return false;
  }
  last_good_ = trainer_->model().params;
  train_bpc_.push_back(static_cast<float>(loss / ln2));
  const bool at_end = step >= settings_.max_steps, at_goal = step >= goal();
  if (step % settings_.sample_every == 0 || at_end || at_goal) {
    evaluate();
    add_sample();
  }
  if (at_end) {
    wall_before_ = wall_seconds();
    state_ = TrainState::finished;
    note = "character model finished: " + std::to_string(step) + " steps";
    note_is_error = false;
    return false;
  }
  if (at_goal) {
    wall_before_ = wall_seconds();
    state_ = TrainState::paused;
    note = "character model paused at step " + std::to_string(step);
    note_is_error = false;
    return false;
  }
  return true;
}

void TextRun::step_companion(Companion& c) {
  const float loss = c.trainer->step();
  if (!std::isfinite(loss)) {  // it keeps its last good weights and stops; the workspace's model goes on
    c.trainer->mutable_model().params = c.last_good;
    c.diverged = true;
    compute_connectivity();
    return;
  }
  c.last_good = c.trainer->model().params;
  const std::int64_t step = c.trainer->steps();
  if (step % settings_.sample_every == 0 || step >= goal()) {
    c.val_bpc = c.trainer->evaluate(val_ids_) / ln2;
    compute_connectivity();
  }
}

bool TextRun::slice(double budget, std::string& note, bool& note_is_error) {
  if (!active()) return false;
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  int done = 0;
  while (active()) {
    // The model furthest behind takes the next step, so the three rows compare weights of about the
    // same age (the workspace's model only while it runs).
    Companion* behind = nullptr;
    std::int64_t fewest = state_ == TrainState::running ? trainer_->steps() : INT64_MAX;
    if (companions_on_)
      for (Companion& c : others_)
        if (!c.diverged && c.trainer->steps() < goal() && c.trainer->steps() < fewest) {
          behind = &c;
          fewest = c.trainer->steps();
        }
    if (behind) {
      step_companion(*behind);
    } else {
      ++done;
      if (!step_main(note, note_is_error)) break;
    }
    if (std::chrono::duration<double>(clock::now() - t0).count() >= budget) break;
  }
  const double took = std::chrono::duration<double>(clock::now() - t0).count();
  seconds_ += took;
  if (took > 0 && done > 0) steps_per_second_ = done / took;
  view_.reset();
  return true;
}

std::string TextRun::connect(int position) {
  if (!built()) return "the Text workspace has no text yet";
  conn_position_ = std::clamp(position, 0, static_cast<int>(reading_ids_.size()) - 1);
  compute_connectivity();
  view_.reset();
  return "connectivity of character " + std::to_string(conn_position_ + 1);
}

std::string TextRun::companions(bool on) {
  if (!built()) return "the Text workspace has no text yet";
  companions_on_ = on;
  view_.reset();
  if (!on) return "only the " + std::string(cell_name(settings_.cell)) + " trains now";
  std::string names;
  for (const Companion& c : others_) names += (names.empty() ? "" : " and ") + std::string(cell_name(c.trainer->model().config.cell));
  return names + " train on the same text in the background, up to step " + std::to_string(goal());
}

void TextRun::compute_connectivity() {
  if (!built() || reading_ids_.empty()) return;
  const int N = static_cast<int>(reading_ids_.size());
  const int pos = conn_position_ < 0 ? std::min(N - 1, reading_chars / 4) : std::min(conn_position_, N - 1);
  auto out = std::make_shared<TextConnectivity>();
  out->position = pos;
  out->next = pos + 1 < N ? reading_ids_[static_cast<std::size_t>(pos) + 1] : -1;
  // A unidirectional model's output at pos depends on the characters up to it only.
  const std::vector<int> prefix(reading_ids_.begin(), reading_ids_.begin() + pos + 1);
  Trace<float> trace;
  Connectivity<float> conn;
  for (CellKind cell : {CellKind::rnn, CellKind::lstm, CellKind::gru}) {
    const CharLmTrainer<float>* t = nullptr;
    TextConnectivityRow row;
    row.cell = cell;
    if (cell == settings_.cell) {
      t = trainer_.get();
      row.main = true;
      row.state = state_;
      row.val_bpc = val_bpc_.empty() ? NAN : val_bpc_.back();
    } else {
      for (const Companion& c : others_)
        if (c.trainer->model().config.cell == cell) {
          t = c.trainer.get();
          row.state = c.diverged ? TrainState::diverged : c.trainer->steps() >= goal() ? TrainState::finished
                      : companions_on_ ? TrainState::running : TrainState::paused;
          row.val_bpc = c.val_bpc;
        }
    }
    if (!t) continue;
    row.step = t->steps();
    forward_tokens(t->model(), prefix, 1, trace);
    connectivity(t->model(), trace, pos, out->next, conn);
    row.value = conn.value;
    row.norm.assign(static_cast<std::size_t>(N), 0.0f);
    for (int k = 0; k <= pos; ++k) {
      row.norm[static_cast<std::size_t>(k)] = conn.norm[static_cast<std::size_t>(k)];
      row.max_norm = std::max(row.max_norm, conn.norm[static_cast<std::size_t>(k)]);
    }
    out->rows.push_back(std::move(row));
  }
  connectivity_ = std::move(out);
}

std::vector<TextRun::Weights> TextRun::weights() const {
  std::vector<Weights> out;
  if (!built()) return out;
  out.push_back({settings_.cell, trainer_->model().params, trainer_->optimizer_state()});
  for (const Companion& c : others_) out.push_back({c.trainer->model().config.cell, c.trainer->model().params, c.trainer->optimizer_state()});
  return out;
}

void TextRun::restore(const std::vector<Weights>& weights) {
  if (!built()) throw std::runtime_error("the Text workspace has no model to restore weights into");
  const auto find = [&](CellKind cell) -> CharLmTrainer<float>* {
    if (cell == settings_.cell) return trainer_.get();
    for (Companion& c : others_)
      if (c.trainer->model().config.cell == cell) return c.trainer.get();
    return nullptr;
  };
  // Check everything first: a bad entry changes nothing.
  for (const Weights& w : weights) {
    const CharLmTrainer<float>* t = find(w.cell);
    if (!t) throw std::runtime_error(std::string("weights of a second ") + cell_name(w.cell) + " model");
    if (w.params.size() != t->model().params.size())
      throw std::runtime_error(std::string("the ") + cell_name(w.cell) + " model has " + std::to_string(t->model().params.size()) +
                               " parameters, the weights hold " + std::to_string(w.params.size()));
    for (float x : w.params)
      if (!std::isfinite(x)) throw std::runtime_error(std::string("the ") + cell_name(w.cell) + " weights are not all finite");
    if (std::string why = check_optimizer_state(OptimizerConfig{OptimizerKind::adam, settings_.lr}, w.optimizer, w.params.size());
        !why.empty())
      throw std::runtime_error(std::string("the ") + cell_name(w.cell) + " model's optimizer: " + why);
  }
  for (const Weights& w : weights) {
    CharLmTrainer<float>* t = find(w.cell);
    t->mutable_model().params = w.params;
    t->set_optimizer_state(w.optimizer);
  }
  state_ = trainer_->steps() >= settings_.max_steps ? TrainState::finished : TrainState::paused;
  last_good_ = trainer_->model().params;
  for (Companion& c : others_) {
    c.last_good = c.trainer->model().params;
    c.val_bpc = c.trainer->evaluate(val_ids_) / ln2;
  }
  val_step_.clear();
  val_bpc_.clear();
  evaluate();
  add_sample();
  ++version_;
  view_.reset();
}

double TextRun::wall_seconds() const {
  if (state_ != TrainState::running) return wall_before_;
  return wall_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::shared_ptr<const TextView> TextRun::view() {
  if (view_) return view_;
  auto v = std::make_shared<TextView>();
  v->settings = settings_;
  v->version = version_;
  v->state = state_;
  v->sampling = sampling_;
  v->message = message_;
  if (trainer_) {
    v->step = trainer_->steps();
    v->parameters = parameter_count(trainer_->model().config);
  }
  v->seconds = seconds_;
  v->wall_seconds = wall_seconds();
  v->steps_per_second = state_ == TrainState::running ? steps_per_second_ : 0;
  v->source = source_;
  v->vocab = vocab_;
  v->unigram_bpc = unigram_bpc_;
  v->train_bpc = train_bpc_;
  v->val_step = val_step_;
  v->val_bpc = val_bpc_;
  v->samples = samples_;
  v->reading = reading_;
  v->companions = companions_on_;
  v->until_step = until_;
  v->connectivity = connectivity_;
  view_ = v;
  return view_;
}

}  // namespace unrolled::app
