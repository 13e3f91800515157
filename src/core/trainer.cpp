// The training loop; size key in trainer.hpp (I, O, T, B, P parameters, W/V windows).
#include "core/trainer.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace unrolled {

namespace {
constexpr int eval_chunk = 256;  // windows per evaluation forward pass
constexpr std::uint64_t shuffle_stream = 0x9E3779B97F4A7C15ULL;  // keeps shuffling apart from init

// Uniform in [0, n) from 53 random bits: the same on every platform, unlike std::uniform_int_distribution.
int uniform_index(std::mt19937_64& rng, int n) {
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  const int i = static_cast<int>(u * n);
  return i < n ? i : n - 1;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

const char* train_status_name(TrainStatus s) { return name_of(train_status_names, s); }

std::string validate_trainer(const TrainerConfig& c) {
  if (c.batch < 1 || c.batch > 65536) return "batch must be between 1 and 65536";
  if (c.epochs < 1 || c.epochs > 1000000) return "epochs must be between 1 and 1000000";
  if (!std::isfinite(c.clip) || c.clip < 0) return "clip must be 0 (off) or a positive norm";
  if (c.early_stop_patience < 0) return "early-stopping patience must be 0 (off) or more";
  if (c.truncate < 0) return "truncation must be 0 (full BPTT) or more";
  if (!std::isfinite(c.max_loss) || c.max_loss < 0) return "max loss must be 0 (off) or positive";
  if (c.forget_bias) {
    if (c.model.cell != CellKind::lstm) return "forget-gate bias applies to an LSTM only (the cell is not an LSTM)";
    if (!std::isfinite(*c.forget_bias) || std::abs(*c.forget_bias) > 10)
      return "forget-gate bias must be between -10 and 10";
  }
  if (std::string why = validate_optimizer(c.optimizer); !why.empty()) return why;
  if (std::string why = validate_schedule(c.schedule); !why.empty()) return why;
  return {};
}

Trainer::Trainer(std::shared_ptr<const Dataset> data, const TrainerConfig& config)
    : data_(std::move(data)), config_(config) {
  if (!data_) throw std::invalid_argument("trainer: no data");
  config_.model.input_size = data_->input_size();
  config_.model.output_size = data_->output_size();
  if (std::string why = validate_config(config_.model); !why.empty()) throw std::invalid_argument(why);
  if (std::string why = validate_trainer(config_); !why.empty()) throw std::invalid_argument(why);
  const int windows = data_->count(Split::train);
  if (windows < 1) throw std::invalid_argument("trainer: the data has no training windows");

  model_ = Model<float>(config_.model);
  init_uniform(model_, config_.seed);
  if (config_.forget_bias) set_forget_bias(model_, static_cast<float>(*config_.forget_bias));
  optimizer_ = Optimizer<float>(config_.optimizer);
  schedule_ = LrSchedule(config_.schedule, config_.optimizer.lr);
  rng_.seed(config_.seed ^ shuffle_stream);
  batch_ = std::min(config_.batch, windows);
  steps_per_epoch_ = windows / batch_;
  state_.best_val = std::numeric_limits<double>::infinity();

  const int I = data_->input_size(), O = data_->output_size(), T = data_->steps();
  const Eigen::Index TB = static_cast<Eigen::Index>(T) * batch_;
  state_.order.resize(static_cast<std::size_t>(windows));
  x_.resize(I, TB);
  y_.resize(O, data_->loss() == LossMode::last ? batch_ : TB);
  dy_.resize(O, TB);
  state_.last_good = model_.params;
  state_.best_params = model_.params;
}

void Trainer::reset() {
  if (!data_) return;
  TrainListener* listener = listener_;
  *this = Trainer(data_, config_);
  listener_ = listener;
}

TrainerState Trainer::state() const {
  TrainerState s = state_;
  s.params = model_.params;
  s.optimizer = optimizer_.state();
  s.schedule = schedule_.state();
  std::ostringstream rng;
  rng << rng_;
  s.rng = rng.str();
  return s;
}

void Trainer::restore(const TrainerState& s) {
  if (!data_) throw std::invalid_argument("trainer: no data to continue on");
  const std::size_t P = model_.params.size();
  const auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  const auto check_weights = [&](const Buffer<float>& b, const char* name) {
    if (b.size() != P)
      fail(std::string(name) + ": " + std::to_string(b.size()) + " values, the model has " + std::to_string(P) +
           " parameters");
    for (float x : b)
      if (!std::isfinite(x)) fail(std::string(name) + ": every value must be finite");
  };
  check_weights(s.params, "params");
  check_weights(s.last_good, "last_good");
  check_weights(s.best_params, "best_params");
  if (s.step < 0) fail("step must be 0 or more");
  if (s.epoch < 0 || s.epoch > config_.epochs)
    fail("epoch " + std::to_string(s.epoch) + " is outside 0…" + std::to_string(config_.epochs));
  if (s.batch_in_epoch < 0 || s.batch_in_epoch >= steps_per_epoch_)
    fail("batch_in_epoch " + std::to_string(s.batch_in_epoch) + " is outside 0…" + std::to_string(steps_per_epoch_ - 1));
  if (s.status != TrainStatus::diverged &&
      s.step != static_cast<std::int64_t>(s.epoch) * steps_per_epoch_ + s.batch_in_epoch)
    fail("step " + std::to_string(s.step) + " does not match epoch " + std::to_string(s.epoch) + " × " +
         std::to_string(steps_per_epoch_) + " steps + " + std::to_string(s.batch_in_epoch));
  if (s.best_epoch < 0 || s.best_epoch > s.epoch || s.bad_epochs < 0) fail("best_epoch or bad_epochs out of range");
  if (std::isnan(s.best_val) || !std::isfinite(s.seconds) || s.seconds < 0 || !std::isfinite(s.epoch_loss_sum))
    fail("best_val, seconds and epoch_loss_sum must be numbers (seconds ≥ 0)");
  if (s.order.size() != state_.order.size())
    fail("order: " + std::to_string(s.order.size()) + " windows, the data has " + std::to_string(state_.order.size()));
  if (s.batch_in_epoch > 0) {  // mid-epoch the order is read (at an epoch's start it is drawn afresh)
    std::vector<char> seen(state_.order.size(), 0);
    for (int i : s.order) {
      if (i < 0 || static_cast<std::size_t>(i) >= state_.order.size() || seen[static_cast<std::size_t>(i)])
        fail("order is not a permutation of the training windows 0…" + std::to_string(state_.order.size() - 1));
      seen[static_cast<std::size_t>(i)] = 1;
    }
  }
  std::mt19937_64 rng;
  std::istringstream in(s.rng);
  in >> rng;
  if (!in) fail("rng: not the text of a std::mt19937_64 state");
  Optimizer<float> optimizer(config_.optimizer);
  optimizer.set_state(s.optimizer, P);  // throws with its reason
  LrSchedule schedule(config_.schedule, config_.optimizer.lr);
  schedule.set_state(s.schedule);
  // Every check passed: nothing below can fail.
  std::copy(s.params.begin(), s.params.end(), model_.params.begin());
  state_ = s;
  // The weights, optimizer, schedule and generator live in their own objects (see state_).
  state_.params = {};
  state_.optimizer = {};
  state_.schedule = {};
  state_.rng.clear();
  optimizer_ = std::move(optimizer);
  schedule_ = schedule;
  rng_ = rng;
}

int Trainer::train_steps(int n) {
  if (!data_ || done() || n <= 0) return 0;
  slice_start_ = std::chrono::steady_clock::now();
  slice_base_seconds_ = state_.seconds;
  int ran = 0;
  while (ran < n && !done()) {
    const bool ok = one_step();
    ++ran;
    if (!ok) break;
  }
  state_.seconds = slice_base_seconds_ +
             std::chrono::duration<double>(std::chrono::steady_clock::now() - slice_start_).count();
  return ran;
}

TrainSummary Trainer::run() {
  if (!data_) return {};
  while (!done()) train_steps(1 << 20);
  return summary();
}

bool Trainer::one_step() {
  const int B = batch_;
  if (state_.batch_in_epoch == 0) {  // a fresh permutation for each epoch (Fisher–Yates)
    std::iota(state_.order.begin(), state_.order.end(), 0);
    for (int i = static_cast<int>(state_.order.size()) - 1; i > 0; --i)
      std::swap(state_.order[static_cast<std::size_t>(i)], state_.order[static_cast<std::size_t>(uniform_index(rng_, i + 1))]);
    state_.epoch_loss_sum = 0;
  }
  data_->fill(Split::train, state_.order.data() + static_cast<std::ptrdiff_t>(state_.batch_in_epoch) * B, B, x_, y_);
  forward(model_, x_, B, trace_);

  const float loss = mse_loss(trace_, y_, data_->loss(), &dy_);  // no allocation once sized
  const std::int64_t this_step = state_.step + 1;
  if (!std::isfinite(loss) || (config_.max_loss > 0 && loss > config_.max_loss)) {
    diverge("loss", loss);
    return false;
  }
  backward(model_, trace_, dy_, grads_, config_.truncate);
  const float norm = config_.clip > 0 ? clip_grad_norm(grads_.params, static_cast<float>(config_.clip))
                                      : global_norm(grads_.params);
  if (!std::isfinite(norm)) {
    diverge("gradient norm", norm);
    return false;
  }
  std::copy(model_.params.begin(), model_.params.end(), state_.last_good.begin());
  const double lr = schedule_.lr();
  optimizer_.set_lr(lr);
  optimizer_.step(model_.params, grads_.params);
  state_.step = this_step;
  ++state_.batch_in_epoch;
  state_.epoch_loss_sum += loss;

  state_.seconds = slice_base_seconds_ +
             std::chrono::duration<double>(std::chrono::steady_clock::now() - slice_start_).count();
  if (listener_) {
    StepMetrics m;
    m.step = state_.step;
    m.epoch = state_.epoch + 1;
    m.train_loss = loss;
    m.grad_norm = norm;
    m.lr = lr;
    m.seconds = state_.seconds;
    listener_->on_step(m);
  }
  if (state_.batch_in_epoch == steps_per_epoch_) end_epoch();
  return !done();
}

EvalResult Trainer::evaluate(Split split) {
  EvalResult r;
  const int count = data_ ? data_->count(split) : 0;
  r.windows = count;
  if (count == 0) {
    r.mse = r.mae = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  const int I = data_->input_size(), O = data_->output_size(), T = data_->steps();
  double sq = 0, ab = 0;
  for (int first = 0; first < count; first += eval_chunk) {
    const int B = std::min(eval_chunk, count - first);
    EvalBuffers& e = B == eval_chunk ? eval_full_ : eval_tail_;
    const Eigen::Index TB = static_cast<Eigen::Index>(T) * B;
    if (e.index.size() != static_cast<std::size_t>(B)) e.index.resize(static_cast<std::size_t>(B));
    if (e.x.rows() != I || e.x.cols() != TB) e.x.resize(I, TB);
    const Eigen::Index ycols = data_->loss() == LossMode::last ? B : TB;
    if (e.y.rows() != O || e.y.cols() != ycols) e.y.resize(O, ycols);
    std::iota(e.index.begin(), e.index.end(), first);
    data_->fill(split, e.index.data(), B, e.x, e.y);
    forward(model_, e.x, B, e.trace);
    const auto diff = (e.trace.output.rightCols(B) - e.y.rightCols(B)).array();
    sq += static_cast<double>(diff.square().sum());
    ab += static_cast<double>(diff.abs().sum());
  }
  const double n = static_cast<double>(count) * O;
  r.mse = sq / n;
  r.mae = ab / n;
  return r;
}

void Trainer::end_epoch() {
  ++state_.epoch;
  state_.batch_in_epoch = 0;
  const EvalResult val = evaluate(Split::validation);
  if (!std::isfinite(val.mse)) {
    --state_.epoch;  // the epoch is not counted as completed: its weights are unusable
    diverge("validation loss", val.mse);
    return;
  }
  EpochMetrics m;
  m.epoch = state_.epoch;
  m.step = state_.step;
  m.train_loss = state_.epoch_loss_sum / steps_per_epoch_;
  m.val_mse = val.mse;
  m.val_mae = val.mae;
  m.best = val.mse < state_.best_val;
  if (m.best) {
    state_.best_val = val.mse;
    state_.best_epoch = state_.epoch;
    state_.bad_epochs = 0;
    std::copy(model_.params.begin(), model_.params.end(), state_.best_params.begin());
  } else {
    ++state_.bad_epochs;
  }
  m.lr = schedule_.on_epoch_end(val.mse);
  m.seconds = state_.seconds;
  state_.last_epoch = m;
  if (listener_) listener_->on_epoch(m);

  if (config_.early_stop_patience > 0 && state_.bad_epochs >= config_.early_stop_patience) {
    state_.stop_message = "stopped early after epoch " + std::to_string(state_.epoch) + ": no better validation MSE for " +
                    std::to_string(state_.bad_epochs) + " epochs; restored the weights of epoch " +
                    std::to_string(state_.best_epoch) + " (val_mse " + format_number(state_.best_val) + ")";
    finish(TrainStatus::early_stopped);
  } else if (state_.epoch >= config_.epochs) {
    finish(TrainStatus::finished);
  }
}

void Trainer::diverge(const char* what, double value) {
  const bool at_validation = std::string_view(what) == "validation loss";  // after the step, not during it
  state_.divergence.step = at_validation ? state_.step : state_.step + 1;
  state_.divergence.epoch = state_.epoch + 1;
  state_.divergence.what = what;
  state_.divergence.value = value;
  model_.params = state_.last_good;
  std::string advice = "lower the learning rate (now " + format_number(schedule_.lr()) + ")";
  if (config_.clip > 0) advice += " or clip harder (now " + format_number(config_.clip) + ")";
  else advice += " or turn on gradient clipping (e.g. clip 1)";
  std::string why = std::isnan(value)    ? "NaN"
                    : std::isinf(value) ? "infinite"
                                        : format_number(value) + ", above the limit " + format_number(config_.max_loss);
  std::string restored = state_.step > 0 ? "restored the weights step " + std::to_string(state_.step) +
                                         " started from, the last with a finite loss and gradient"
                                   : "kept the initial weights";
  state_.divergence.message = "training diverged at step " + std::to_string(state_.divergence.step) + " (epoch " +
                        std::to_string(state_.divergence.epoch) + "): the " + what + " is " + why + "; " + restored +
                        "; " + advice;
  state_.stop_message = state_.divergence.message;
  if (listener_) listener_->on_diverged(state_.divergence);
  finish(TrainStatus::diverged);
}

void Trainer::finish(TrainStatus status) {
  state_.status = status;
  // With early stopping on, the result is the best epoch's weights whether or not it triggered.
  if (status != TrainStatus::diverged && config_.early_stop_patience > 0 && state_.best_epoch > 0)
    model_.params = state_.best_params;
  if (listener_) listener_->on_done(summary());
}

TrainSummary Trainer::summary() {
  TrainSummary s;
  s.status = state_.status;
  s.epochs = state_.epoch;
  s.steps = state_.step;
  s.best_epoch = state_.best_epoch;
  s.seconds = state_.seconds;
  s.message = state_.stop_message;
  s.train_mse = evaluate(Split::train).mse;
  const EvalResult val = evaluate(Split::validation);
  s.val_mse = val.mse;
  s.val_mae = val.mae;
  return s;
}

}  // namespace unrolled
