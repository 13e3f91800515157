// Training data as fixed-length windows, and the forecasting data set cut from one time series.
//
// Size key: T steps per window, I inputs, O outputs, B batch, N series length, S first validation index.
// A Dataset is immutable once built, so trainers and their snapshots share it through a
// std::shared_ptr<const Dataset>. Each kind of task (forecasting a series today; copy or adding
// tasks later) is a subclass that knows how to fill a batch from window indices.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/tensor.hpp"

namespace unrolled {

enum class Split { train, validation };

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int input_size() const = 0;   // I
  virtual int output_size() const = 0;  // O
  virtual int steps() const = 0;        // T
  virtual LossMode loss() const = 0;    // `last`: one target per window; `all`: one per step
  virtual int count(Split split) const = 0;
  // Writes windows index[0…B−1] of `split` into x [I × T·B] (column t·B + b) and y: [O × B] for
  // loss `last`, [O × T·B] for `all`. x and y must already have those shapes (no allocation here).
  virtual void fill(Split split, const int* index, int batch, Mat<float>& x, Mat<float>& y) const = 0;
  // What the data is, for progress lines ("sine, 1000 points").
  virtual std::string describe() const = 0;
};

// z-score normalisation; statistics come from the training split only.
struct Normalization {
  double mean = 0.0;
  double std = 1.0;  // > 0
  double apply(double x) const { return (x - mean) / std; }
  double invert(double z) const { return z * std + mean; }
  bool operator==(const Normalization&) const = default;
};

// Mean and (population) standard deviation of x[0…n−1]; std falls back to 1 for a constant series
// so a flat line still trains (to zero) instead of dividing by zero.
Normalization fit_normalization(const double* x, std::size_t n);

struct SeriesSplit {
  double val_fraction = 0.2;  // chronological: the last fraction of the series is validation
  int steps = 32;             // T
  LossMode loss = LossMode::last;
  bool operator==(const SeriesSplit&) const = default;
};

inline constexpr double max_val_fraction = 0.9;

// Forecasting windows over one series (I = O = 1). The split index S = N − round(N·val_fraction).
//   train window n, n = 0 … S−T−1:     x = z[n … n+T−1], targets z[n+1 … n+T]       (all inside train)
//   validation window n, n = 0 … N−S−1: x = z[S−T+n … S+n−1], target z[S+n] (+ the T−1 before it for `all`)
// so every validation point is predicted exactly once, from the T values before it.
class SeriesDataset final : public Dataset {
 public:
  // Throws std::invalid_argument (naming the sizes) when the series is too short for the split.
  SeriesDataset(std::vector<double> raw, const SeriesSplit& split, std::string description);
  // Uses the given statistics instead of fitting them (forecasting with a saved model).
  SeriesDataset(std::vector<double> raw, const SeriesSplit& split, std::string description,
                const Normalization& norm);

  int input_size() const override { return 1; }
  int output_size() const override { return 1; }
  int steps() const override { return split_.steps; }
  LossMode loss() const override { return split_.loss; }
  int count(Split split) const override;
  void fill(Split split, const int* index, int batch, Mat<float>& x, Mat<float>& y) const override;
  std::string describe() const override { return description_; }

  const std::vector<double>& raw() const { return raw_; }       // [N] original units
  const std::vector<float>& series() const { return z_; }       // [N] normalised
  const Normalization& normalization() const { return norm_; }
  int split_index() const { return split_index_; }              // S, first validation sample
  int length() const { return static_cast<int>(raw_.size()); }  // N
  // The persistence baseline ("the next value = the last one seen"): the MSE of predicting each
  // window's last-step target z[t] by z[t−1], over a split's windows — the points val_mse and
  // train_mse score, in the same normalised units.
  double persistence_mse(Split split) const;

  // S for a series of n points; the check that both parts are long enough, as a message (empty = fine).
  static int split_index_for(int n, double val_fraction);
  static std::string check_sizes(int n, const SeriesSplit& split);

 private:
  std::vector<double> raw_;  // [N]
  std::vector<float> z_;     // [N] (raw − mean) / std
  SeriesSplit split_;
  Normalization norm_;
  int split_index_ = 0;      // S
  std::string description_;
  void build(bool fit);
};

}  // namespace unrolled
