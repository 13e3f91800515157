#include "app/session/lab.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "app/session/numbers.hpp"
#include "app/session/snapshot.hpp"
#include "core/signal.hpp"
#include "core/spectral.hpp"

namespace unrolled::app {

namespace {
// Measured values in messages: three significant digits.
std::string short_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// The lab's series: the default sine wave (the Train workspace's), cut into windows of T steps with
// the loss on the last step only, so every gradient starts at t = T.
std::shared_ptr<const SeriesDataset> lab_data(int steps) {
  SeriesSplit split;
  split.steps = steps;
  split.loss = LossMode::last;
  const SignalConfig signal;
  return std::make_shared<const SeriesDataset>(generate_signal(signal), split,
                                               std::string(wave_shape_name(signal.shape)) + " signal, " +
                                                   std::to_string(signal.length) + " points, windows of T = " +
                                                   std::to_string(steps));
}

TrainerConfig lab_trainer_config(const LabSettings& s, double clip) {
  TrainerConfig c;
  c.model.cell = CellKind::rnn;
  c.model.nonlinearity = s.activation;
  c.model.hidden_size = s.hidden;
  c.model.num_layers = 1;
  c.optimizer.kind = OptimizerKind::sgd;
  c.optimizer.lr = s.lr;
  c.batch = 32;
  c.epochs = max_train_epochs;  // the lab stops its runs at S steps itself
  c.seed = s.seed;
  c.clip = clip;
  return c;
}

const char* run_name(bool clipped) { return clipped ? "clipped run" : "unclipped run"; }
}  // namespace

std::string validate_lab_settings(const LabSettings& s) {
  if (s.hidden < min_hidden || s.hidden > max_hidden) return out_of_range("hidden size", s.hidden, min_hidden, max_hidden);
  if (s.steps < min_steps || s.steps > max_steps) return out_of_range("sequence length T", s.steps, min_steps, max_steps);
  if (s.activation != Nonlinearity::tanh && s.activation != Nonlinearity::relu) return "activation must be tanh or relu";
  if (!(s.rho >= min_lab_rho && s.rho <= max_lab_rho)) return out_of_range("spectral radius ρ", s.rho, min_lab_rho, max_lab_rho);
  if (!(s.clip > 0 && s.clip <= max_lab_clip))
    return out_of_range("clipping threshold", s.clip, 0, max_lab_clip) + "; it must be above 0";
  if (!(s.lr > 0 && s.lr <= max_lab_lr)) return out_of_range("learning rate", s.lr, 0, max_lab_lr) + "; it must be above 0";
  if (s.train_steps < min_lab_train_steps || s.train_steps > max_lab_train_steps)
    return out_of_range("training steps", s.train_steps, min_lab_train_steps, max_lab_train_steps);
  return {};
}

void Lab::Recorder::on_step(const StepMetrics& m) {
  const double norm = m.grad_norm;
  // clip_grad_norm scales by clip / (‖g‖ + 1e-6) when that is below 1 (torch's rule, core/optimizer).
  const double scale = clip > 0 ? std::min(1.0, clip / (norm + 1e-6)) : 1.0;
  run->step = m.step;
  run->loss.push_back(static_cast<float>(m.train_loss));
  run->grad_norm.push_back(static_cast<float>(norm));
  run->applied_norm.push_back(static_cast<float>(norm * scale));
  run->clipped_steps += scale < 1.0;
}

Lab::Lab() { configure(LabSettings{}); }

void Lab::configure(const LabSettings& s) {
  if (std::string e = validate_lab_settings(s); !e.empty()) throw std::runtime_error(e);
  auto data = data_ && data_->steps() == s.steps ? data_ : lab_data(s.steps);
  // The initial weights: PyTorch's default init for the seed, then W_hh rescaled to ρ.
  TrainerConfig config = lab_trainer_config(s, 0);
  config.model.input_size = config.model.output_size = 1;
  auto model = std::make_shared<Model<float>>(config.model);
  init_uniform(*model, s.seed);
  const double before = rescale_recurrent(*model, s.rho);  // throws (radius 0) before anything changes

  // ‖dL/dh_t‖ in double, on the same float weights.
  Model<double> wide(config.model);
  std::transform(model->params.begin(), model->params.end(), wide.params.begin(), [](float v) { return double(v); });
  LabDecay d;
  d.radius_before = before;
  d.measured_rho = spectral_radius(recurrent_weights(*model, 0));
  d.windows = std::min(lab_windows, data->count(Split::validation));
  d.grad_norm = decay_norms(wide, *data, lab_windows)[0];
  const int T = s.steps;
  const double last = d.grad_norm[static_cast<std::size_t>(T - 1)];
  d.guide.resize(static_cast<std::size_t>(T));
  for (int t = 1; t <= T; ++t) d.guide[static_cast<std::size_t>(t - 1)] = last * std::pow(d.measured_rho, T - t);
  const double first = d.grad_norm[0];
  d.per_step = first > 0 && last > 0 && std::isfinite(first) && std::isfinite(last)
                   ? std::pow(first / last, 1.0 / (T - 1))
                   : std::numeric_limits<double>::quiet_NaN();

  settings_ = s;
  data_ = std::move(data);
  initial_ = std::move(model);
  decay_ = std::move(d);
  restart_runs();
}

void Lab::restart_runs() {
  for (Run* r : {&clipped_, &unclipped_}) {
    const bool clipped = r == &clipped_;
    r->trainer = Trainer(data_, lab_trainer_config(settings_, clipped ? settings_.clip : 0.0));
    r->trainer.mutable_model().params = initial_->params;  // the same rescaled weights in both
    r->view = LabRunView{};
    r->view.clipped = clipped;
    r->recorder.run = &r->view;
    r->recorder.clip = clipped ? settings_.clip : 0.0;
    r->trainer.set_listener(&r->recorder);
    r->view.loss.reserve(static_cast<std::size_t>(settings_.train_steps));
    r->view.grad_norm.reserve(static_cast<std::size_t>(settings_.train_steps));
    r->view.applied_norm.reserve(static_cast<std::size_t>(settings_.train_steps));
  }
  summary_.clear();
  ++version_;
  view_.reset();
}

bool Lab::running() const {
  return clipped_.view.state == TrainState::running || unclipped_.view.state == TrainState::running;
}

std::string Lab::train() {
  auto ended = [](const Run& r) { return r.view.state == TrainState::finished || r.view.state == TrainState::diverged; };
  if (ended(clipped_) && ended(unclipped_)) restart_runs();  // Train both again: the same runs from step 0
  for (Run* r : {&clipped_, &unclipped_})
    if (!ended(*r)) r->view.state = TrainState::running;
  view_.reset();
  return "gradient lab: training the clipped and the unclipped run (plain SGD, lr " + exact_num(settings_.lr) + ", " +
         std::to_string(settings_.train_steps) + " steps)";
}

std::string Lab::pause() {
  if (!running()) return "gradient lab: nothing is training";
  for (Run* r : {&clipped_, &unclipped_})
    if (r->view.state == TrainState::running) r->view.state = TrainState::paused;
  view_.reset();
  return "gradient lab: paused at step " + std::to_string(std::max(clipped_.view.step, unclipped_.view.step));
}

std::string Lab::reset() {
  restart_runs();
  return "gradient lab: both runs back to step 0 (seed " + std::to_string(settings_.seed) + ", ρ = " + short_num(settings_.rho) + ")";
}

std::string Lab::end_note() const {
  // relu with ρ > 1 can explode in the forward pass: the initial weights' loss is past the limit, both
  // runs stop before their first step, and no clipping of the gradient can change that.
  const Divergence& cd = clipped_.trainer.divergence();
  if (clipped_.view.state == TrainState::diverged && unclipped_.view.state == TrainState::diverged && cd.step == 1 &&
      unclipped_.trainer.divergence().step == 1 && cd.what == "loss")
    return "both runs stopped at step 1: the initial weights' loss is already " + short_num(cd.value) +
           " — the forward pass itself explodes (hₜ grows like ρ^t), and clipping the gradient cannot help that; "
           "lower ρ or use tanh";
  std::string note;
  for (const Run* r : {&clipped_, &unclipped_}) {
    const LabRunView& v = r->view;
    if (!note.empty()) note += "; ";
    note += std::string(run_name(v.clipped)) + ": ";
    if (v.state == TrainState::diverged)
      note += "diverged at step " + std::to_string(r->trainer.divergence().step) + " (" + r->trainer.divergence().what + " " +
              short_num(r->trainer.divergence().value) + ")";
    else if (v.state == TrainState::finished)
      note += "finished " + std::to_string(v.step) + " steps, last loss " + short_num(v.loss.empty() ? 0.0 : double(v.loss.back()));
    else note += train_state_name(v.state);
  }
  return note;
}

bool Lab::slice(double budget, std::string& note, bool& note_is_error) {
  if (!running()) return false;
  double per = 0;
  for (const Run* r : {&clipped_, &unclipped_})
    if (r->view.state == TrainState::running) per += r->seconds_per_step;
  const auto n = static_cast<int>(std::clamp(budget / std::max(per, 1e-7), 1.0, 100000.0));
  bool ended = false;
  note.clear();
  for (Run* r : {&clipped_, &unclipped_}) {
    LabRunView& v = r->view;
    if (v.state != TrainState::running) continue;
    const int todo = static_cast<int>(std::min<std::int64_t>(n, settings_.train_steps - r->trainer.step()));
    const auto start = std::chrono::steady_clock::now();
    const int ran = r->trainer.train_steps(todo);
    if (ran > 0)
      r->seconds_per_step = 0.8 * r->seconds_per_step +
                            0.2 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / ran;
    if (r->trainer.status() == TrainStatus::diverged) {
      v.state = TrainState::diverged;
      v.message = r->trainer.divergence().message;
      v.divergence_step = r->trainer.divergence().step;
      note = "gradient lab, " + std::string(run_name(v.clipped)) + ": " + v.message;  // NaN, Inf or an exploded loss
      note_is_error = true;
    } else if (r->trainer.step() >= settings_.train_steps || r->trainer.done()) {
      v.state = TrainState::finished;
      ended = true;
    }
  }
  if ((ended || !note.empty()) && !running()) {  // both have ended now: say how
    summary_ = end_note();
    note = "gradient lab: " + summary_;
    note_is_error = clipped_.view.state == TrainState::diverged || unclipped_.view.state == TrainState::diverged;
  }
  view_.reset();
  return true;
}

std::shared_ptr<const LabView> Lab::view() {
  if (view_) return view_;
  auto v = std::make_shared<LabView>();
  v->settings = settings_;
  v->version = version_;
  v->data_description = data_->describe();
  v->decay = decay_;
  v->clipped = clipped_.view;
  v->unclipped = unclipped_.view;
  v->summary = summary_;
  v->initial = initial_;
  v->data = data_;
  view_ = std::move(v);
  return view_;
}

}  // namespace unrolled::app
