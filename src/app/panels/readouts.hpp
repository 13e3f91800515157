// Small number formatting the settings columns' readouts share (Text, Seq2seq).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace unrolled::app {

// v with `decimals` digits after the point.
inline std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The mean of the last n values (one batch's loss is noisy); NaN when there are none.
inline double RecentMean(const std::vector<float>& v, std::size_t n) {
  if (v.empty()) return NAN;
  const std::size_t k = std::min(n, v.size());
  double s = 0;
  for (std::size_t i = v.size() - k; i < v.size(); ++i) s += v[i];
  return s / static_cast<double>(k);
}

}  // namespace unrolled::app
