#include "app/session/scene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/enum_names.hpp"
#include "io/csv.hpp"
#include "io/model_file.hpp"

namespace unrolled::app {

namespace {
constexpr EnumName<SignalKind> signal_names[] = {{SignalKind::sine, "sine"},   {SignalKind::square, "square"},
                                                 {SignalKind::noise, "noise"}, {SignalKind::step, "step"},
                                                 {SignalKind::csv, "csv"}};
}  // namespace

const char* signal_name(SignalKind kind) { return name_of(signal_names, kind); }

namespace {
template <class V> bool clamp_field(V& value, V lo, V hi, const char* name, std::string& msg) {
  if (value >= lo && value <= hi) return false;
  const V old = value;
  value = std::clamp(value, lo, hi);
  std::ostringstream s;
  s << (msg.empty() ? "" : "; ") << name << " " << old << " is out of range, using " << value;
  msg += s.str();
  return true;
}
}  // namespace

std::string clamp_settings(SceneSettings& s) {
  std::string msg;
  clamp_field(s.model.hidden_size, min_hidden, max_hidden, "hidden size", msg);
  clamp_field(s.model.num_layers, min_layers, max_app_layers, "layers", msg);
  clamp_field(s.steps, min_steps, max_steps, "sequence length", msg);
  if (!(s.weight_scale == s.weight_scale)) s.weight_scale = 1.0;  // NaN
  clamp_field(s.weight_scale, min_weight_scale, max_weight_scale, "weight scale", msg);
  if (s.model.cell != CellKind::rnn) s.model.nonlinearity = Nonlinearity::tanh;
  return msg;
}

std::vector<double> make_signal(SignalKind kind, int n, std::uint64_t seed) {
  std::vector<double> s(static_cast<std::size_t>(std::max(n, 0)));
  std::mt19937_64 rng(seed);
  for (int k = 0; k < n; ++k) {
    const double phase = 2.0 * std::numbers::pi * k / 12.0;
    double v = 0.0;
    switch (kind) {
      case SignalKind::sine: v = std::sin(phase); break;
      case SignalKind::square: v = std::sin(phase + 1e-9) >= 0.0 ? 1.0 : -1.0; break;
      case SignalKind::noise: v = -1.0 + 2.0 * static_cast<double>(rng() >> 11) * 0x1.0p-53; break;
      case SignalKind::step: v = k < n / 3 ? 0.0 : 1.0; break;
      case SignalKind::csv: v = 0.0; break;
    }
    s[static_cast<std::size_t>(k)] = v;
  }
  return s;
}

std::vector<double> read_csv_column(const std::string& path) {
  try {
    std::vector<double> values = io::read_series_column(path, "", io::GapPolicy::refuse).values;  // the one column rule
    if (values.size() < 3)
      throw std::runtime_error(path + ": needs at least 3 rows (2 steps and a target), found " +
                               std::to_string(values.size()));
    return values;
  } catch (const io::IoError& e) {
    throw std::runtime_error(e.what());
  }
}

Model<float> load_model_weights(const std::string& path, nlohmann::json* extra) {
  try {
    io::ModelFile file = io::load_model_file(path);
    if (extra) *extra = std::move(file.extra);
    return io::model_from_file<float>(file);
  } catch (const io::IoError& e) {
    throw std::runtime_error(e.what());
  }
}

namespace {
Grid to_grid(const Mat<float>& m, Eigen::Index first_col, Eigen::Index cols) {
  Grid g(static_cast<int>(m.rows()), static_cast<int>(cols));
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) g.at(r, c) = m(r, first_col + c);
  return g;
}
Grid rows_of(const Mat<float>& m, int first_row, int rows) {
  Grid g(rows, static_cast<int>(m.cols()));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < g.cols; ++c) g.at(r, c) = m(first_row + r, c);
  return g;
}
std::vector<float> column_norms(const Grid& g) {
  std::vector<float> n(static_cast<std::size_t>(g.cols), 0.0f);
  for (int c = 0; c < g.cols; ++c) {
    double s = 0;
    for (int r = 0; r < g.rows; ++r) s += double(g.at(r, c)) * g.at(r, c);
    n[static_cast<std::size_t>(c)] = static_cast<float>(std::sqrt(s));
  }
  return n;
}
float absmax(const Grid& g) {
  float m = 0;
  for (float v : g.v) m = std::max(m, std::abs(v));
  return m;
}

// One forward pass and one BPTT of `m` over one sequence, flattened into the scene's grids.
// input [I × T], target_all [O × T] (the loss `last` uses its last column).
void fill_scene(Scene& s, const Model<float>& m, const Mat<float>& input, const Mat<float>& target_all,
                LossMode loss) {
  const ModelConfig& cfg = m.config;
  s.config = cfg;
  s.parameter_count = parameter_count(cfg);
  const int H = cfg.hidden_size, L = cfg.num_layers, G = gate_count(cfg.cell);
  const int O = cfg.output_size;
  const int T = static_cast<int>(input.cols());
  s.steps = T;
  const Mat<float> target_last = target_all.rightCols(1);

  Trace<float> tr;
  forward(m, input, 1, tr);
  Mat<float> dy;
  s.loss = loss == LossMode::all ? mse_loss(tr, target_all, LossMode::all, &dy)
                                    : mse_loss(tr, target_last, LossMode::last, &dy);
  Gradients<float> g;
  backward(m, tr, dy, g);

  s.input = to_grid(input, 0, T);
  s.target = to_grid(target_all, 0, T);
  s.output = to_grid(tr.output, 0, T);
  s.step_loss.resize(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t)
    s.step_loss[static_cast<std::size_t>(t)] = (tr.output.col(t) - target_all.col(t)).squaredNorm() / O;
  s.input_absmax = std::max({absmax(s.input), absmax(s.target), absmax(s.output), 1e-6f});

  for (int gi = 0; gi < G; ++gi)
    s.gate_names.push_back(cfg.cell == CellKind::rnn ? "h" : gate_name(cfg.cell, gi));

  s.layers.resize(static_cast<std::size_t>(L));
  float h_max = 0, c_max = 0, g_max = 0;
  for (int k = 0; k < L; ++k) {
    const LayerTrace<float>& lt = tr.layers[static_cast<std::size_t>(k)];
    LayerView& lv = s.layers[static_cast<std::size_t>(k)];
    lv.h = to_grid(lt.h, 0, T + 1);
    if (cfg.cell == CellKind::lstm) lv.c = to_grid(lt.c, 0, T + 1);
    for (int gi = 0; gi < G; ++gi) lv.gates.push_back(rows_of(lt.gates, gi * H, H));

    // Pre-activations, recomputed from the weights: u = W_ih x + b_ih, v = W_hh h_{t−1} + b_hh.
    const LayerWeights<float> w = m.layer(k);
    const Mat<float> x_k = k == 0 ? input : Mat<float>(tr.layers[static_cast<std::size_t>(k) - 1].h.middleCols(1, T));
    Mat<float> u = w.w_ih * x_k;
    u.colwise() += w.b_ih;
    Mat<float> v = w.w_hh * lt.h.leftCols(T);
    v.colwise() += w.b_hh;
    Mat<float> pre = u + v;
    if (cfg.cell == CellKind::gru)
      pre.bottomRows(H).array() = u.bottomRows(H).array() + lt.gates.topRows(H).array() * v.bottomRows(H).array();
    for (int gi = 0; gi < G; ++gi) lv.preacts.push_back(rows_of(pre, gi * H, H));

    lv.grad_h = to_grid(g.grad_h[static_cast<std::size_t>(k)], 0, T);
    Mat<float> local;
    if (k == L - 1) local = m.head_weight().transpose() * dy;
    else local = m.layer(k + 1).w_ih.transpose() * g.da[static_cast<std::size_t>(k) + 1];
    lv.grad_h_local = to_grid(local, 0, T);

    if (cfg.cell == CellKind::lstm) {
      // dL/dc_t along the highway, (L5) and (L10) of lstm_cell.hpp.
      lv.grad_c = Grid(H, T);
      Vec<float> dc_next = Vec<float>::Zero(H);
      for (int t = T - 1; t >= 0; --t) {
        for (int j = 0; j < H; ++j) {
          const float o = lt.gates(3 * H + j, t), f = lt.gates(H + j, t), tc = lt.tanh_c(j, t);
          const float dc = dc_next(j) + g.grad_h[static_cast<std::size_t>(k)](j, t) * o * (1 - tc * tc);
          lv.grad_c.at(j, t) = dc;
          dc_next(j) = dc * f;
        }
      }
      lv.c_norm = column_norms(lv.c);
      lv.grad_c_norm = column_norms(lv.grad_c);
      c_max = std::max(c_max, absmax(lv.c));
    }
    lv.h_norm = column_norms(lv.h);
    lv.grad_norm = column_norms(lv.grad_h);
    h_max = std::max(h_max, absmax(lv.h));
    g_max = std::max(g_max, absmax(lv.grad_h));
  }
  s.h_absmax = std::max(h_max, 1e-6f);
  s.c_absmax = std::max(c_max, 1e-6f);
  s.grad_absmax = std::max(g_max, 1e-12f);
}
}  // namespace

std::shared_ptr<const Scene> build_scene(const SceneSettings& settings_in, std::uint64_t id,
                                         const Model<float>* file_model) {
  auto scene = std::make_shared<Scene>();
  Scene& s = *scene;
  s.id = id;
  s.settings = settings_in;
  clamp_settings(s.settings);
  const SceneSettings& st = s.settings;

  Model<float> m;
  if (file_model) {
    m = *file_model;
    const std::string& p = st.model_path;
    s.source = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
  } else {
    ModelConfig cfg = st.model;
    cfg.input_size = 1;
    cfg.output_size = 1;
    m = Model<float>(cfg);
    init_uniform(m, st.seed);
    for (float& p : m.params) p *= static_cast<float>(st.weight_scale);
    std::ostringstream src;
    src << "untrained, seed " << st.seed << ", weight scale " << st.weight_scale;
    s.source = src.str();
  }
  // The signal: T + 1 samples, x_t = s[t−1] and target_t = s[t] (predict the next value).
  std::vector<double> sig;
  int T = st.steps;
  if (st.signal == SignalKind::csv) {
    sig = read_csv_column(st.csv_path);
    T = std::min(T, static_cast<int>(sig.size()) - 1);
  } else {
    sig = make_signal(st.signal, T + 1, st.seed);
  }
  const int I = m.config.input_size, O = m.config.output_size;
  Mat<float> input(I, T), target_all(O, T);
  for (int t = 0; t < T; ++t) {
    input.col(t).setConstant(static_cast<float>(sig[static_cast<std::size_t>(t)]));
    target_all.col(t).setConstant(static_cast<float>(sig[static_cast<std::size_t>(t) + 1]));
  }
  fill_scene(s, m, input, target_all, st.loss);
  return scene;
}

std::shared_ptr<const Scene> build_training_scene(const Model<float>& model, const Dataset& data, int window,
                                                  const SceneSettings& settings, std::uint64_t id,
                                                  std::string source) {
  auto scene = std::make_shared<Scene>();
  Scene& s = *scene;
  s.id = id;
  s.settings = settings;
  s.source = std::move(source);
  s.follows_training = true;
  const int T = data.steps(), I = data.input_size(), O = data.output_size();
  const int W = data.count(Split::validation);
  const int k = std::clamp(window, 0, std::max(W - 1, 0));
  Mat<float> input(I, T), target_all(O, T);
  if (const auto* series = dynamic_cast<const SeriesDataset*>(&data)) {
    // Validation window k: x = z[S−T+k … S+k−1], targets one sample later (dataset.hpp), at every
    // step even when only the last is scored: the views show what each step predicts.
    const std::vector<float>& z = series->series();
    const int first = std::max(series->split_index() - T + k, 0);
    for (int t = 0; t < T; ++t) {
      input(0, t) = z[static_cast<std::size_t>(std::min(first + t, series->length() - 1))];
      target_all(0, t) = z[static_cast<std::size_t>(std::min(first + t + 1, series->length() - 1))];
    }
  } else if (W > 0) {
    // Any other data set (a memory task) fills the window itself; with the loss on the last step only,
    // the steps before T have no target (NaN: nothing to compare with).
    Mat<float> y(O, data.loss() == LossMode::last ? 1 : T);
    data.fill(Split::validation, &k, 1, input, y);
    target_all.setConstant(std::numeric_limits<float>::quiet_NaN());
    target_all.rightCols(y.cols()) = y;
  } else {
    input.setZero();
    target_all.setZero();
  }
  fill_scene(s, model, input, target_all, data.loss());
  return scene;
}

}  // namespace unrolled::app
