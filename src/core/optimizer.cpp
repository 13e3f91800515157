#include "core/optimizer.hpp"

#include <cmath>
#include <stdexcept>

namespace unrolled {

const char* optimizer_name(OptimizerKind kind) { return kind == OptimizerKind::sgd ? "sgd" : "adam"; }

bool parse_optimizer(const std::string& text, OptimizerKind& out) {
  if (text == "sgd") out = OptimizerKind::sgd;
  else if (text == "adam") out = OptimizerKind::adam;
  else return false;
  return true;
}

std::string validate_optimizer(const OptimizerConfig& c) {
  auto finite = [](double x) { return std::isfinite(x); };
  if (!finite(c.lr) || c.lr <= 0 || c.lr > 1e3) return "learning rate must be in (0, 1000]";
  if (!finite(c.weight_decay) || c.weight_decay < 0 || c.weight_decay > 1) return "weight decay must be in [0, 1]";
  if (!finite(c.momentum) || c.momentum < 0 || c.momentum >= 1) return "momentum must be in [0, 1)";
  if (!finite(c.dampening) || c.dampening < 0 || c.dampening > 1) return "dampening must be in [0, 1]";
  if (c.nesterov && (c.momentum <= 0 || c.dampening != 0)) return "nesterov needs momentum > 0 and dampening 0";
  if (!finite(c.beta1) || c.beta1 < 0 || c.beta1 >= 1) return "beta1 must be in [0, 1)";
  if (!finite(c.beta2) || c.beta2 < 0 || c.beta2 >= 1) return "beta2 must be in [0, 1)";
  if (!finite(c.eps) || c.eps <= 0) return "eps must be positive";
  return {};
}

template <class T>
std::string check_optimizer_state(const OptimizerConfig& c, const OptimizerState<T>& s, std::size_t n) {
  if (s.steps < 0) return "optimizer steps must be 0 or more, got " + std::to_string(s.steps);
  auto sized = [n](const Buffer<T>& b) { return b.empty() || b.size() == n; };
  if (!sized(s.m) || !sized(s.v))
    return "optimizer buffers hold " + std::to_string(s.m.size()) + " and " + std::to_string(s.v.size()) +
           " values; the model has " + std::to_string(n) + " parameters";
  if (c.kind == OptimizerKind::sgd && !s.v.empty()) return "SGD keeps no second moment (v must be empty)";
  if (c.kind == OptimizerKind::adam && s.m.size() != s.v.size())
    return "Adam's moments m and v must both be empty or both hold every parameter";
  if (c.kind == OptimizerKind::adam && s.steps > 0 && s.m.empty()) return "Adam has taken steps but has no moments";
  for (const Buffer<T>* b : {&s.m, &s.v})
    for (T x : *b)
      if (!std::isfinite(x)) return "optimizer buffers must be finite";
  return {};
}

template <class T> void Optimizer<T>::set_state(const OptimizerState<T>& s, std::size_t parameters) {
  if (std::string why = check_optimizer_state(config_, s, parameters); !why.empty()) throw std::invalid_argument(why);
  steps_ = s.steps;
  m_ = s.m;
  v_ = s.v;
}

template <class T> void Optimizer<T>::reset() {
  steps_ = 0;
  m_.clear();
  v_.clear();
}

template <class T> void Optimizer<T>::step(Buffer<T>& params, const Buffer<T>& grads) {
  const std::size_t n = params.size();
  const T lr = static_cast<T>(config_.lr), wd = static_cast<T>(config_.weight_decay);
  ++steps_;
  if (config_.kind == OptimizerKind::sgd) {
    const T mom = static_cast<T>(config_.momentum), damp = static_cast<T>(config_.dampening);
    const bool first = m_.size() != n;
    if (mom != T(0) && first) m_.assign(n, T(0));
    for (std::size_t j = 0; j < n; ++j) {
      T d = grads[j];
      if (wd != T(0)) d += wd * params[j];
      if (mom != T(0)) {
        m_[j] = first ? d : mom * m_[j] + (T(1) - damp) * d;  // first step: buf = d_p
        d = config_.nesterov ? d + mom * m_[j] : m_[j];
      }
      params[j] -= lr * d;
    }
    return;
  }
  if (m_.size() != n) {
    m_.assign(n, T(0));
    v_.assign(n, T(0));
  }
  const T b1 = static_cast<T>(config_.beta1), b2 = static_cast<T>(config_.beta2);
  const T eps = static_cast<T>(config_.eps);
  // Bias corrections in double, as torch computes them in Python.
  const double bc1 = 1.0 - std::pow(config_.beta1, static_cast<double>(steps_));
  const double bc2 = 1.0 - std::pow(config_.beta2, static_cast<double>(steps_));
  const T step_size = static_cast<T>(config_.lr / bc1);
  const T bc2_sqrt = static_cast<T>(std::sqrt(bc2));
  for (std::size_t j = 0; j < n; ++j) {
    T g = grads[j];
    if (wd != T(0)) g += wd * params[j];
    m_[j] = b1 * m_[j] + (T(1) - b1) * g;
    v_[j] = b2 * v_[j] + (T(1) - b2) * g * g;
    const T denom = std::sqrt(v_[j]) / bc2_sqrt + eps;
    params[j] -= step_size * (m_[j] / denom);
  }
}

template <class T> T global_norm(const Buffer<T>& grads) {
  double sum = 0;  // accumulate in double: the norm of 10⁶ floats should not drift
  for (T g : grads) sum += static_cast<double>(g) * static_cast<double>(g);
  return static_cast<T>(std::sqrt(sum));
}

template <class T> T clip_grad_norm(Buffer<T>& grads, T max_norm) {
  const T norm = global_norm(grads);
  const T coef = max_norm / (norm + T(1e-6));
  if (coef < T(1))
    for (T& g : grads) g *= coef;
  return norm;
}

template std::string check_optimizer_state<float>(const OptimizerConfig&, const OptimizerState<float>&, std::size_t);
template std::string check_optimizer_state<double>(const OptimizerConfig&, const OptimizerState<double>&, std::size_t);
template class Optimizer<float>;
template class Optimizer<double>;
template float global_norm<float>(const Buffer<float>&);
template double global_norm<double>(const Buffer<double>&);
template float clip_grad_norm<float>(Buffer<float>&, float);
template double clip_grad_norm<double>(Buffer<double>&, double);

}  // namespace unrolled
