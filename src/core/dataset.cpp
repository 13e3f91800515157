// Forecasting windows; size key in dataset.hpp (T steps, I/O sizes, B batch, N length, S split).
#include "core/dataset.hpp"

#include <cmath>
#include <stdexcept>

namespace unrolled {

Normalization fit_normalization(const double* x, std::size_t n) {
  Normalization s;
  if (n == 0) return s;
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  s.mean = sum / static_cast<double>(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += (x[i] - s.mean) * (x[i] - s.mean);
  const double sd = std::sqrt(ss / static_cast<double>(n));
  s.std = (std::isfinite(sd) && sd > 1e-12 * (1.0 + std::abs(s.mean))) ? sd : 1.0;
  return s;
}

int SeriesDataset::split_index_for(int n, double val_fraction) {
  return n - static_cast<int>(std::lround(static_cast<double>(n) * val_fraction));
}

std::string SeriesDataset::check_sizes(int n, const SeriesSplit& sp) {
  if (!(sp.val_fraction > 0.0 && sp.val_fraction <= max_val_fraction))
    return "validation fraction must be in (0, 0.9], got " + std::to_string(sp.val_fraction);
  if (sp.steps < 1) return "sequence length must be at least 1";
  const int s = split_index_for(n, sp.val_fraction);
  if (s - sp.steps < 1)
    return "the series has " + std::to_string(n) + " points; its training part (" + std::to_string(s) +
           ") must be longer than the sequence length " + std::to_string(sp.steps) +
           " (use a longer series, a shorter --seq or a smaller --val-fraction)";
  if (n - s < 1)
    return "the series has " + std::to_string(n) + " points, too few for a validation part";
  return {};
}

SeriesDataset::SeriesDataset(std::vector<double> raw, const SeriesSplit& split, std::string description)
    : raw_(std::move(raw)), split_(split), description_(std::move(description)) {
  build(true);
}

SeriesDataset::SeriesDataset(std::vector<double> raw, const SeriesSplit& split, std::string description,
                             const Normalization& norm)
    : raw_(std::move(raw)), split_(split), norm_(norm), description_(std::move(description)) {
  build(false);
}

void SeriesDataset::build(bool fit) {
  if (raw_.size() > static_cast<std::size_t>(1) << 30) throw std::invalid_argument("series is too long");
  const int n = static_cast<int>(raw_.size());
  if (std::string why = check_sizes(n, split_); !why.empty()) throw std::invalid_argument(why);
  for (std::size_t i = 0; i < raw_.size(); ++i)
    if (!std::isfinite(raw_[i]))
      throw std::invalid_argument("series value " + std::to_string(i + 1) + " is not a finite number");
  split_index_ = split_index_for(n, split_.val_fraction);
  if (fit) norm_ = fit_normalization(raw_.data(), static_cast<std::size_t>(split_index_));
  if (!(norm_.std > 0) || !std::isfinite(norm_.std) || !std::isfinite(norm_.mean))
    throw std::invalid_argument("normalisation needs a finite mean and a positive standard deviation");
  z_.resize(raw_.size());
  for (std::size_t i = 0; i < raw_.size(); ++i) z_[i] = static_cast<float>(norm_.apply(raw_[i]));
}

int SeriesDataset::count(Split split) const {
  const int n = length(), T = split_.steps;
  return split == Split::train ? split_index_ - T : n - split_index_;
}

double SeriesDataset::persistence_mse(Split split) const {
  const int T = split_.steps, n_windows = count(split);
  const int first = (split == Split::train ? 0 : split_index_ - T) + T;  // the target of window 0
  double sum = 0;
  for (int w = 0; w < n_windows; ++w) {
    const double d = static_cast<double>(z_[static_cast<std::size_t>(first + w)]) - z_[static_cast<std::size_t>(first + w - 1)];
    sum += d * d;
  }
  return n_windows > 0 ? sum / n_windows : std::nan("");
}

void SeriesDataset::fill(Split split, const int* index, int B, Mat<float>& x, Mat<float>& y) const {
  const int T = split_.steps;
  const int first = split == Split::train ? 0 : split_index_ - T;  // start of window 0
  const int n_windows = count(split);
  for (int b = 0; b < B; ++b) {
    const int w = index[b];
    if (w < 0 || w >= n_windows) throw std::out_of_range("SeriesDataset::fill: window index out of range");
    const float* src = z_.data() + first + w;  // z[start … start+T]
    for (int t = 0; t < T; ++t) x(0, static_cast<Eigen::Index>(t) * B + b) = src[t];
    if (split_.loss == LossMode::last) {
      y(0, b) = src[T];
    } else {
      for (int t = 0; t < T; ++t) y(0, static_cast<Eigen::Index>(t) * B + b) = src[t + 1];
    }
  }
}

}  // namespace unrolled
