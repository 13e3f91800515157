#include "app/session/scene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

#include "core/enum_names.hpp"
#include "app/session/token_scene.hpp"
#include "core/objective.hpp"
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

Model<float> load_model_weights(const std::string& path, nlohmann::json* extra, TokenVocab* vocab) {
  try {
    io::ModelFile file = io::load_model_file(path);
    if (vocab) *vocab = token_vocab(file);
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

// The views of one direction of layer k. rev: the ← direction, mapped to its own order (snapshot.hpp):
// processing step r = 1…T reads 0-based column T − r. x_k: the layer's input [I_k × T]; local: the part
// of dL/dh from this step (head or layer above) in input order [H × T].
void fill_direction(LayerView& lv, const Model<float>& m, const LayerTrace<float>& lt, const Mat<float>& x_k,
                    const Mat<float>& grad_h, const Mat<float>& local, int k, bool rev) {
  const ModelConfig& cfg = m.config;
  const int H = cfg.hidden_size, G = gate_count(cfg.cell);
  const int T = static_cast<int>(x_k.cols());
  // Input-order column of processing step r (1…T), and of the state after r steps (0…T).
  auto step_col = [&](int r) { return rev ? T - r : r - 1; };
  auto state_col = [&](int r) { return rev ? T - r : r; };
  Mat<float> h(H, T + 1), c(H, T + 1), gates(G * H, T), xs(x_k.rows(), T), gh(H, T), lo(H, T);
  for (int r = 0; r <= T; ++r) {
    h.col(r) = lt.h.col(state_col(r));
    if (cfg.cell == CellKind::lstm) c.col(r) = lt.c.col(state_col(r));
  }
  for (int r = 1; r <= T; ++r) {
    gates.col(r - 1) = lt.gates.col(step_col(r));
    xs.col(r - 1) = x_k.col(step_col(r));
    gh.col(r - 1) = grad_h.col(step_col(r));
    lo.col(r - 1) = local.col(step_col(r));
  }
  lv.h = to_grid(h, 0, T + 1);
  if (cfg.cell == CellKind::lstm) lv.c = to_grid(c, 0, T + 1);
  for (int gi = 0; gi < G; ++gi) lv.gates.push_back(rows_of(gates, gi * H, H));

  // Pre-activations, recomputed from the weights: u = W_ih x + b_ih, v = W_hh h_{t−1} + b_hh.
  const LayerWeights<float> w = rev ? m.reverse_layer(k) : m.layer(k);
  Mat<float> u = w.w_ih * xs;
  u.colwise() += w.b_ih;
  Mat<float> v = w.w_hh * h.leftCols(T);
  v.colwise() += w.b_hh;
  Mat<float> pre = u + v;
  if (cfg.cell == CellKind::gru)
    pre.bottomRows(H).array() = u.bottomRows(H).array() + gates.topRows(H).array() * v.bottomRows(H).array();
  for (int gi = 0; gi < G; ++gi) lv.preacts.push_back(rows_of(pre, gi * H, H));

  lv.grad_h = to_grid(gh, 0, T);
  lv.grad_h_local = to_grid(lo, 0, T);
  if (cfg.cell == CellKind::lstm) {
    // dL/dc along the highway in the direction's own order, (L5) and (L10) of lstm_cell.hpp.
    lv.grad_c = Grid(H, T);
    Vec<float> dc_next = Vec<float>::Zero(H);
    for (int r = T - 1; r >= 0; --r) {
      for (int j = 0; j < H; ++j) {
        const float o = gates(3 * H + j, r), f = gates(H + j, r), tc = lt.tanh_c(j, step_col(r + 1));
        const float dc = dc_next(j) + gh(j, r) * o * (1 - tc * tc);
        lv.grad_c.at(j, r) = dc;
        dc_next(j) = dc * f;
      }
    }
    lv.c_norm = column_norms(lv.c);
    lv.grad_c_norm = column_norms(lv.grad_c);
  }
  lv.h_norm = column_norms(lv.h);
  lv.grad_norm = column_norms(lv.grad_h);
}
}  // namespace

void fill_layer_views(Scene& s, const Model<float>& m, const Trace<float>& tr, const Mat<float>& dy,
                      const Mat<float>* dy_final) {
  const ModelConfig& cfg = m.config;
  s.config = cfg;
  s.parameter_count = parameter_count(cfg);
  const int H = cfg.hidden_size, L = cfg.num_layers, G = gate_count(cfg.cell);
  const int T = tr.steps;
  const bool bi = cfg.bidirectional;
  s.steps = T;
  Gradients<float> g;
  backward(m, tr, dy, g, 0, dy_final);

  s.gate_names.clear();
  for (int gi = 0; gi < G; ++gi)
    s.gate_names.push_back(cfg.cell == CellKind::rnn ? "h" : gate_name(cfg.cell, gi));

  s.layers.assign(static_cast<std::size_t>(L), LayerView{});
  s.reverse.assign(bi ? static_cast<std::size_t>(L) : 0, LayerView{});
  float h_max = 0, c_max = 0, g_max = 0;
  for (int k = 0; k < L; ++k) {
    const std::size_t ks = static_cast<std::size_t>(k);
    const Mat<float> x_k = k == 0 ? tr.input
                                  : (bi ? tr.joined[ks - 1] : Mat<float>(tr.layers[ks - 1].h.middleCols(1, T)));
    // The part of dL/d[h→ ; h←] from this step: the head (top layer) or both directions of the layer above.
    Mat<float> local;
    if (k == L - 1) {
      local = m.head_weight().transpose() * dy;
      if (bi && dy_final) {  // (B2): head([h→_T ; h←_1]) reads the last → state and the first ← one
        const Mat<float> df = m.head_weight().transpose() * *dy_final;
        local.col(T - 1).topRows(H) += df.topRows(H);
        local.col(0).bottomRows(H) += df.bottomRows(H);
      }
    } else {
      local = m.layer(k + 1).w_ih.transpose() * g.da[ks + 1];
      if (bi) local += m.reverse_layer(k + 1).w_ih.transpose() * g.da_reverse[ks + 1];
    }
    for (int d = 0; d < (bi ? 2 : 1); ++d) {
      LayerView& lv = d == 0 ? s.layers[ks] : s.reverse[ks];
      const LayerTrace<float>& lt = d == 0 ? tr.layers[ks] : tr.reverse[ks];
      const Mat<float>& gh = d == 0 ? g.grad_h[ks] : g.grad_h_reverse[ks];
      fill_direction(lv, m, lt, x_k, gh, Mat<float>(local.middleRows(d * H, H)), k, d == 1);
      if (cfg.cell == CellKind::lstm) c_max = std::max(c_max, absmax(lv.c));
      h_max = std::max(h_max, absmax(lv.h));
      g_max = std::max(g_max, absmax(lv.grad_h));
    }
  }
  s.h_absmax = std::max(h_max, 1e-6f);
  s.c_absmax = std::max(c_max, 1e-6f);
  s.grad_absmax = std::max(g_max, 1e-12f);
}

namespace {
// One forward pass and one BPTT of `m` over one sequence, flattened into the scene's grids.
// input [I × T], target_all [O × T] (the loss `last` uses its last column).
void fill_scene(Scene& s, const Model<float>& m, const Mat<float>& input, const Mat<float>& target_all,
                LossMode loss) {
  const int O = m.config.output_size;
  const int T = static_cast<int>(input.cols());
  const Mat<float> target_last = target_all.rightCols(1);

  Trace<float> tr;
  forward(m, input, 1, tr);
  Mat<float> dy, dy_final;
  s.loss = loss == LossMode::all ? mse_objective(tr, target_all, LossMode::all, &dy, &dy_final)
                                    : mse_objective(tr, target_last, LossMode::last, &dy, &dy_final);
  fill_layer_views(s, m, tr, dy, m.config.bidirectional && loss == LossMode::last ? &dy_final : nullptr);

  s.input = to_grid(input, 0, T);
  s.target = to_grid(target_all, 0, T);
  s.output = to_grid(tr.output, 0, T);
  s.step_loss.resize(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t)
    s.step_loss[static_cast<std::size_t>(t)] = (tr.output.col(t) - target_all.col(t)).squaredNorm() / O;
  s.input_absmax = std::max({absmax(s.input), absmax(s.target), absmax(s.output), 1e-6f});
}
}  // namespace

std::shared_ptr<const Scene> build_scene(const SceneSettings& settings_in, std::uint64_t id,
                                         const Model<float>* file_model, const TokenVocab* vocab) {
  if (file_model && file_model->config.vocab_size > 0) {
    const std::string& p = settings_in.model_path;
    std::string name = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
    if (vocab) return build_token_scene(settings_in, id, *file_model, *vocab, std::move(name));
    io::ModelFile bare;  // no vocabulary known: the ids show as numbers
    bare.config = file_model->config;
    return build_token_scene(settings_in, id, *file_model, token_vocab(bare), std::move(name));
  }
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
