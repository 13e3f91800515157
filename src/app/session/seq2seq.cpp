#include "app/session/seq2seq.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/seq2seq_data.hpp"
#include "io/text.hpp"

namespace unrolled::app {

namespace {
constexpr double val_fraction = 0.1;  // a .tsv file: its last tenth is validation (unrolled-cli train's default)

std::string range_error(const char* what, double v, double lo, double hi) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s must be %g to %g, got %g", what, lo, hi, v);
  return buf;
}

bool generated(const std::string& task, Seq2seqTask& out) { return parse_seq2seq_task(task, out); }

template <class V> std::vector<float> floats(const V& v) { return std::vector<float>(v.data(), v.data() + v.size()); }

bool finite(const Buffer<float>& b) {
  return std::all_of(b.begin(), b.end(), [](float x) { return std::isfinite(x); });
}

std::vector<std::string> characters(const Seq2seqVocab& vocab, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back(id >= first_symbol_id ? vocab.symbols[static_cast<std::size_t>(id - first_symbol_id)] : "");
  return out;
}
}  // namespace

std::string validate_seq2seq_settings(const Seq2seqSettings& s) {
  if (s.task.empty()) return "the task: choose reverse, sort, dates, add or a .tsv file";
  if (s.hidden < 1 || s.hidden > max_seq2seq_hidden) return range_error("H (hidden units)", s.hidden, 1, max_seq2seq_hidden);
  if (s.embed < 1 || s.embed > max_seq2seq_embed) return range_error("E (embedding width)", s.embed, 1, max_seq2seq_embed);
  if (s.batch < 1 || s.batch > 512) return range_error("B (batch)", s.batch, 1, 512);
  if (!(s.teacher_forcing >= 0 && s.teacher_forcing <= 1)) return range_error("the teacher forcing ratio", s.teacher_forcing, 0, 1);
  // As unrolled-cli train takes it: a far too large rate is allowed, and is how a class sees a divergence.
  if (!(s.lr >= 1e-12 && s.lr <= 1e30)) return range_error("the learning rate", s.lr, 1e-12, 1e30);
  if (!(s.clip >= 0 && s.clip <= 1e9)) return range_error("clipping", s.clip, 0, 1e9);
  if (s.pairs < 1 || s.pairs > 1000000) return range_error("training pairs", s.pairs, 1, 1000000);
  if (s.val_pairs < 1 || s.val_pairs > 100000) return range_error("validation pairs", s.val_pairs, 1, 100000);
  if (s.max_steps < 1 || s.max_steps > max_seq2seq_steps) return range_error("steps", s.max_steps, 1, max_seq2seq_steps);
  if (s.eval_every < 1 || s.eval_every > 100000) return range_error("evaluate every", s.eval_every, 1, 100000);
  return {};
}

std::string Seq2seqView::token_text(int id) const {
  if (id == start_id) return "<s>";
  if (id == end_id) return "</s>";
  if (id < first_symbol_id || id - first_symbol_id >= static_cast<int>(symbols.size())) return "·";
  const std::string& c = symbols[static_cast<std::size_t>(id - first_symbol_id)];
  return c == " " ? "␣" : c == "\t" ? "⇥" : c;
}

void Seq2seqRun::configure(const Seq2seqSettings& s) {
  if (std::string why = validate_seq2seq_settings(s); !why.empty()) throw std::runtime_error(why);
  std::vector<std::pair<std::string, std::string>> train, val;
  std::string source;
  Seq2seqTask task{};
  if (generated(s.task, task)) {
    Seq2seqTaskConfig tc;
    tc.task = task;
    const SequenceSplit split = make_seq2seq_split(tc, static_cast<std::size_t>(s.pairs), static_cast<std::size_t>(s.val_pairs), s.data_seed);
    for (const SequencePair& p : split.train) train.emplace_back(p.source, p.target);
    for (const SequencePair& p : split.val) val.emplace_back(p.source, p.target);
    if (val.empty())
      throw std::runtime_error("the task " + s.task + ": every validation source is also a training source (too few pairs)");
    source = s.task + ": " + std::to_string(train.size()) + " generated pairs (seed " + std::to_string(s.data_seed) + ")";
  } else {
    if (s.task.find('.') == std::string::npos && s.task.find('/') == std::string::npos)
      throw std::runtime_error("unknown seq2seq task '" + s.task + "' (expected reverse, sort, dates, add or a .tsv file)");
    std::vector<io::SequencePairLine> lines;
    try {
      lines = io::load_sequence_pairs(s.task);
    } catch (const std::exception& e) {
      throw std::runtime_error(e.what());
    }
    for (const io::SequencePairLine& l : lines)
      for (const std::string* side : {&l.source, &l.target})
        if (split_utf8(*side).size() > static_cast<std::size_t>(max_app_seq2seq_source))
          throw std::runtime_error(s.task + ": line " + std::to_string(l.line) + ": the " + (side == &l.source ? "source" : "target") +
                                   " has " + std::to_string(split_utf8(*side).size()) + " characters; the workspace takes at most " +
                                   std::to_string(max_app_seq2seq_source) + " (unrolled-cli train takes longer ones)");
    const std::size_t val_n = static_cast<std::size_t>(std::floor(static_cast<double>(lines.size()) * val_fraction));
    if (val_n < 1 || lines.size() - val_n < 1)
      throw std::runtime_error(s.task + ": " + std::to_string(lines.size()) +
                               " pairs, too few to keep the last tenth for validation (at least 10 lines)");
    for (std::size_t i = 0; i < lines.size(); ++i)
      (i + val_n < lines.size() ? train : val).emplace_back(lines[i].source, lines[i].target);
    source = s.task + ": " + std::to_string(train.size()) + " pairs";
  }
  std::vector<std::pair<std::string, std::string>> all = train;
  all.insert(all.end(), val.begin(), val.end());
  Seq2seqVocab vocab = make_seq2seq_vocab(all);
  Seq2seqTrainConfig tc;
  tc.model.cell = s.cell;
  tc.model.attention = s.attention;
  tc.model.hidden_size = s.hidden;
  tc.model.embed_size = s.embed;
  tc.model.vocab_size = vocab.size();
  tc.batch = s.batch;
  tc.lr = s.lr;
  tc.clip = s.clip;
  tc.teacher_forcing = s.teacher_forcing;
  tc.seed = s.seed;
  if (std::string why = validate_seq2seq_config(tc.model); !why.empty()) throw std::runtime_error(why);

  std::vector<std::vector<int>> train_src, train_tgt, val_src, val_tgt;
  std::size_t longest_target = 0;
  for (const auto& p : train) {
    train_src.push_back(vocab.encode(p.first));
    train_tgt.push_back(vocab.encode(p.second));
    longest_target = std::max(longest_target, train_tgt.back().size());
  }
  val_text_.clear();
  for (const auto& p : val) {
    val_src.push_back(vocab.encode(p.first));
    val_tgt.push_back(vocab.encode(p.second));
    longest_target = std::max(longest_target, val_tgt.back().size());
  }
  settings_ = s;
  vocab_ = std::move(vocab);
  train_src_ = std::move(train_src);
  train_tgt_ = std::move(train_tgt);
  val_src_ = std::move(val_src);
  val_tgt_ = std::move(val_tgt);
  for (const auto& p : val) val_text_.push_back(p.first);
  max_target_ = static_cast<int>(2 * longest_target + 1);  // as unrolled-cli train decodes validation
  config_ = tc;
  source_ = source;
  if (inspect_.example >= static_cast<int>(val_src_.size())) inspect_.example = 0;
  restart();  // builds the model and its twin
}

void Seq2seqRun::restart() {
  main_ = std::make_unique<Seq2seqTrainer<float>>(config_, train_src_, train_tgt_);
  twin_.reset();
  if (settings_.twin && config_.model.attention != Attention::none) {
    Seq2seqTrainConfig none = config_;
    none.model.attention = Attention::none;
    twin_ = std::make_unique<Seq2seqTrainer<float>>(none, train_src_, train_tgt_);
  }
  main_good_ = main_->model().params;
  if (twin_) twin_good_ = twin_->model().params;
  state_ = TrainState::paused;
  message_.clear();
  seconds_ = steps_per_second_ = wall_before_ = 0;
  step_ = 0;
  loss_.clear();
  twin_loss_.clear();
  val_step_.clear();
  token_acc_.clear();
  seq_acc_.clear();
  twin_token_acc_.clear();
  twin_seq_acc_.clear();
  evaluate();
  ++version_;
  view_.reset();
}

std::string Seq2seqRun::train() {
  if (!built()) return "the Seq2seq workspace has no model yet";
  if (state_ == TrainState::finished || state_ == TrainState::diverged) restart();
  if (state_ != TrainState::running) started_ = std::chrono::steady_clock::now();
  state_ = TrainState::running;
  view_.reset();
  return twin_ ? "training the seq2seq model and its no-attention twin" : "training the seq2seq model";
}

std::string Seq2seqRun::pause() {
  if (state_ != TrainState::running) return "the seq2seq model is not training";
  wall_before_ = wall_seconds();
  state_ = TrainState::paused;
  view_.reset();
  return "seq2seq model paused at step " + std::to_string(step_);
}

std::string Seq2seqRun::reset() {
  if (!built()) return "the Seq2seq workspace has no model yet";
  restart();
  return "seq2seq model back to step 0";
}

std::string Seq2seqRun::inspect(const Seq2seqInspect& in) {
  if (!built()) return "the Seq2seq workspace has no model yet";
  if (in.example < 0 || in.example >= static_cast<int>(val_src_.size()))
    throw std::runtime_error("the example must be 1 to " + std::to_string(val_src_.size()) + ", got " + std::to_string(in.example + 1));
  if (in.beam < 1 || in.beam > max_seq2seq_beam)
    throw std::runtime_error(range_error("the beam width k", in.beam, 1, max_seq2seq_beam));
  inspect_ = in;
  decode_example();
  view_.reset();
  return "validation example " + std::to_string(in.example + 1) + " (" + val_text_[static_cast<std::size_t>(in.example)] +
         "), beam width " + std::to_string(in.beam);
}

void Seq2seqRun::evaluate() {
  if (val_step_.empty() || val_step_.back() != step_) {
    std::vector<bool> exact, twin_exact;
    const Seq2seqScore a = main_->evaluate(val_src_, val_tgt_, max_target_, 0, &exact);
    val_step_.push_back(step_);
    token_acc_.push_back(static_cast<float>(a.token_acc));
    seq_acc_.push_back(static_cast<float>(a.seq_acc));
    if (twin_) {
      const Seq2seqScore b = twin_->evaluate(val_src_, val_tgt_, max_target_, 0, &twin_exact);
      twin_token_acc_.push_back(static_cast<float>(b.token_acc));
      twin_seq_acc_.push_back(static_cast<float>(b.seq_acc));
    }
    // By source length: the lengths that occur, ascending.
    Seq2seqLengths l;
    l.step = step_;
    std::vector<int> right(max_app_seq2seq_source * 4 + 2, 0), right_twin(right.size(), 0), count(right.size(), 0);
    for (std::size_t i = 0; i < val_src_.size(); ++i) {
      const std::size_t n = std::min(val_src_[i].size(), right.size() - 1);
      ++count[n];
      right[n] += exact[i];
      if (twin_) right_twin[n] += twin_exact[i];
    }
    for (std::size_t n = 0; n < count.size(); ++n)
      if (count[n] > 0) {
        l.length.push_back(static_cast<int>(n));
        l.count.push_back(count[n]);
        l.with.push_back(static_cast<float>(right[n]) / static_cast<float>(count[n]));
        if (twin_) l.without.push_back(static_cast<float>(right_twin[n]) / static_cast<float>(count[n]));
      }
    lengths_ = std::move(l);
  }
  decode_example();
}

void Seq2seqRun::decode_example() {
  const Seq2seqModel<float>& m = main_->model();
  const std::vector<int>& src = val_src_[static_cast<std::size_t>(inspect_.example)];
  auto e = std::make_shared<Seq2seqExample>();
  e->step = step_;
  e->index = inspect_.example;
  e->source = characters(vocab_, src);
  e->target = characters(vocab_, val_tgt_[static_cast<std::size_t>(inspect_.example)]);
  EncodedSource<float> enc;
  DecoderState<float> state, next;
  seq2seq_encode(m, src, enc, state);
  e->memory = Grid(static_cast<int>(enc.memory.rows()), static_cast<int>(enc.memory.cols()));
  for (int r = 0; r < e->memory.rows; ++r)
    for (int c = 0; c < e->memory.cols; ++c) e->memory.at(r, c) = enc.memory(r, c);
  e->s0 = floats(state.s);
  // Greedy, one step at a time (argmax, the lowest id on ties: as greedy_decode).
  int token = start_id;
  std::vector<int> out;
  for (int t = 0; t < max_target_; ++t) {
    seq2seq_step(m, enc, state, token, next);
    Seq2seqDecodeStep st;
    st.fed = token;
    st.weights = floats(next.weights);
    st.context = m.config.attention == Attention::none ? std::vector<float>{} : floats(next.context);
    st.state = floats(next.s);
    std::vector<int> order(static_cast<std::size_t>(next.log_probs.size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const std::size_t k = std::min<std::size_t>(5, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](int a, int b) {
      return next.log_probs(a) > next.log_probs(b) || (next.log_probs(a) == next.log_probs(b) && a < b);
    });
    for (std::size_t i = 0; i < k; ++i) {
      st.top[i] = order[i];
      st.top_p[i] = std::exp(next.log_probs(order[i]));
    }
    st.token = order[0];
    e->greedy_log_prob += next.log_probs(st.token);
    e->steps.push_back(std::move(st));
    token = e->steps.back().token;
    state = next;
    if (token == end_id) {
      e->greedy_finished = true;
      break;
    }
    out.push_back(token);
  }
  e->greedy = characters(vocab_, out);
  e->greedy_score = e->steps.empty() ? 0 : e->greedy_log_prob / static_cast<double>(e->steps.size());
  const Decoded<float> beam = beam_decode(m, src, inspect_.beam, max_target_);
  e->beam = inspect_.beam;
  e->tree = beam.tree;
  e->path = beam.path;
  e->beamed = characters(vocab_, beam.tokens);
  e->beam_finished = beam.finished;
  e->beam_score = beam.score;
  example_ = std::move(e);
}

bool Seq2seqRun::slice(double budget, std::string& note, bool& note_is_error) {
  if (state_ != TrainState::running) return false;
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  int done = 0;
  while (state_ == TrainState::running) {
    const float loss = main_->step();
    const float twin_loss = twin_ ? twin_->step() : 0.0f;
    ++done;
    ++step_;
    const bool main_bad = !std::isfinite(loss) || !finite(main_->model().params);
    const bool twin_bad = twin_ && (!std::isfinite(twin_loss) || !finite(twin_->model().params));
    if (main_bad || twin_bad) {
      main_->model().params = main_good_;  // the last good weights stay, both models at the same step
      if (twin_) twin_->model().params = twin_good_;
      --step_;
      wall_before_ = wall_seconds();
      state_ = TrainState::diverged;
      const float bad = main_bad ? loss : twin_loss;
      message_ = std::string(main_bad ? "the loss" : "the no-attention twin's loss") + " became " +
                 (std::isfinite(bad) ? std::string("finite but a weight NaN or infinite")
                                     : std::isnan(bad) ? std::string("NaN") : std::string("infinite")) +
                 " at step " + std::to_string(step_ + 1) + ": the weights of step " + std::to_string(step_) +
                 " are kept. Try a lower learning rate or clipping.";
      note = "seq2seq model diverged at step " + std::to_string(step_ + 1);
      note_is_error = true;
      decode_example();
      break;
    }
    main_good_ = main_->model().params;
    if (twin_) twin_good_ = twin_->model().params;
    loss_.push_back(loss);
    if (twin_) twin_loss_.push_back(twin_loss);
    const bool end = step_ >= settings_.max_steps;
    if (step_ % settings_.eval_every == 0 || end) evaluate();
    if (end) {
      wall_before_ = wall_seconds();
      state_ = TrainState::finished;
      note = "seq2seq model finished: " + std::to_string(step_) + " steps";
      note_is_error = false;
      break;
    }
    if (std::chrono::duration<double>(clock::now() - t0).count() >= budget) break;
  }
  const double took = std::chrono::duration<double>(clock::now() - t0).count();
  seconds_ += took;
  if (took > 0) steps_per_second_ = done / took;
  view_.reset();
  return true;
}

double Seq2seqRun::wall_seconds() const {
  if (state_ != TrainState::running) return wall_before_;
  return wall_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::shared_ptr<const Seq2seqView> Seq2seqRun::view() {
  if (view_) return view_;
  auto v = std::make_shared<Seq2seqView>();
  v->settings = settings_;
  v->inspect = inspect_;
  v->version = version_;
  v->state = state_;
  v->step = step_;
  v->seconds = seconds_;
  v->wall_seconds = wall_seconds();
  v->steps_per_second = state_ == TrainState::running ? steps_per_second_ : 0;
  v->source = source_;
  v->symbols = vocab_.symbols;
  if (main_) v->parameters = static_cast<long long>(main_->model().layout.total);
  if (twin_) v->twin_parameters = static_cast<long long>(twin_->model().layout.total);
  v->train_pairs = train_src_.size();
  v->val_sources = val_text_;
  v->max_target = max_target_;
  v->twin = twin_ != nullptr;
  v->loss = loss_;
  v->twin_loss = twin_loss_;
  v->val_step = val_step_;
  v->token_acc = token_acc_;
  v->seq_acc = seq_acc_;
  v->twin_token_acc = twin_token_acc_;
  v->twin_seq_acc = twin_seq_acc_;
  v->lengths = lengths_;
  v->example = example_;
  v->message = message_;
  view_ = v;
  return view_;
}

}  // namespace unrolled::app
