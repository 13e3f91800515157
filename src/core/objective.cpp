#include "core/objective.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace unrolled {

using Eigen::Index;

template <class T> T mse_objective(const Trace<T>& tr, const Mat<T>& target, LossMode mode, Mat<T>* dy, Mat<T>* dy_final) {
  if (mode == LossMode::all || tr.reverse.empty()) return mse_loss(tr, target, mode, dy);
  const Index O = tr.output.rows(), B = tr.batch;
  if (target.rows() != O || target.cols() != B)
    throw std::invalid_argument("mse_objective: target for loss 'last' must be [output_size x B]");
  const T n = static_cast<T>(O * B);
  const T loss = (tr.final_output - target).squaredNorm() / n;
  if (dy) dy->setZero(O, tr.output.cols());
  if (dy_final) *dy_final = (T(2) / n) * (tr.final_output - target);
  return loss;
}

namespace {

// (C1)–(C3) over the columns of z; the gradient (scaled by 1/n) into g when given.
template <class T, class Z, class G>
T cross_entropy_columns(const Z& z, const std::vector<int>& y, std::size_t y0, T n, G* g) {
  const Index O = z.rows();
  T total = 0;
  for (Index j = 0; j < z.cols(); ++j) {
    const int c = y[y0 + static_cast<std::size_t>(j)];
    if (c < 0 || c >= O)
      throw std::out_of_range("class id " + std::to_string(c) + " at position " + std::to_string(y0 + j) +
                              " is out of range (" + std::to_string(O) + " classes)");
    const T m = z.col(j).maxCoeff();
    T sum = 0;
    for (Index i = 0; i < O; ++i) sum += std::exp(z(i, j) - m);
    const T log_sum = std::log(sum);
    total += -(z(c, j) - m - log_sum);  // (C1), (C2)
    if (g) {
      for (Index i = 0; i < O; ++i) (*g)(i, j) = std::exp(z(i, j) - m - log_sum) / n;  // (C3)
      (*g)(c, j) -= T(1) / n;
    }
  }
  return total / n;
}

}  // namespace

template <class T>
T cross_entropy_loss(const Trace<T>& tr, const std::vector<int>& targets, LossMode mode, Mat<T>* dy, Mat<T>* dy_final) {
  const Index O = tr.output.rows(), B = tr.batch, TB = tr.output.cols();
  const bool final = mode == LossMode::last && !tr.reverse.empty();
  const std::size_t want = static_cast<std::size_t>(mode == LossMode::last ? B : TB);
  if (targets.size() != want)
    throw std::invalid_argument("cross_entropy_loss: " + std::to_string(targets.size()) + " targets, expected " +
                                std::to_string(want) + " (" + (mode == LossMode::last ? "B" : "T*B") + ")");
  if (dy) dy->setZero(O, TB);
  if (mode == LossMode::all) return cross_entropy_columns<T>(tr.output, targets, 0, static_cast<T>(TB), dy);
  if (final) {
    if (dy_final) dy_final->resize(O, B);
    return cross_entropy_columns<T>(tr.final_output, targets, 0, static_cast<T>(B), dy_final);
  }
  if (!dy) return cross_entropy_columns<T, decltype(tr.output.rightCols(B)), Mat<T>>(tr.output.rightCols(B), targets, 0,
                                                                                    static_cast<T>(B), nullptr);
  auto g = dy->rightCols(B);
  return cross_entropy_columns<T>(tr.output.rightCols(B), targets, 0, static_cast<T>(B), &g);
}

template <class T> void softmax(ConstMatRef<T> logits, T temperature, Mat<T>& probs) {
  if (!(temperature > T(0))) throw std::invalid_argument("softmax: temperature must be above 0");
  probs.resize(logits.rows(), logits.cols());
  for (Index j = 0; j < logits.cols(); ++j) {
    const T m = logits.col(j).maxCoeff();
    probs.col(j) = ((logits.col(j).array() - m) / temperature).exp().matrix();
    probs.col(j) /= probs.col(j).sum();
  }
}

template <class T> std::vector<TokenChance> top_k(ConstMatRef<T> probs, int k) {
  std::vector<TokenChance> all;
  for (Index i = 0; i < probs.rows(); ++i) all.push_back({static_cast<int>(i), static_cast<double>(probs(i, 0))});
  const std::size_t n = std::min(all.size(), static_cast<std::size_t>(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const TokenChance& a, const TokenChance& b) { return a.p > b.p || (a.p == b.p && a.id < b.id); });
  all.resize(n);
  return all;
}

template <class T> int sample_id(ConstMatRef<T> probs, double u, int k) {
  std::vector<TokenChance> pool;
  if (k > 0) pool = top_k<T>(probs, k);
  else
    for (Index i = 0; i < probs.rows(); ++i) pool.push_back({static_cast<int>(i), static_cast<double>(probs(i, 0))});
  double total = 0;
  for (const TokenChance& c : pool) total += c.p;
  const double target = u * total;
  double acc = 0;
  for (const TokenChance& c : pool) {
    acc += c.p;
    if (acc > target) return c.id;
  }
  return pool.back().id;
}

#define UNROLLED_INSTANTIATE(T)                                                                           \
  template T mse_objective<T>(const Trace<T>&, const Mat<T>&, LossMode, Mat<T>*, Mat<T>*);                \
  template T cross_entropy_loss<T>(const Trace<T>&, const std::vector<int>&, LossMode, Mat<T>*, Mat<T>*); \
  template void softmax<T>(ConstMatRef<T>, T, Mat<T>&);                                                   \
  template std::vector<TokenChance> top_k<T>(ConstMatRef<T>, int);                                        \
  template int sample_id<T>(ConstMatRef<T>, double, int);
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE

}  // namespace unrolled
