#include "core/dropout.hpp"

namespace unrolled {

template <class T>
void draw_dropout_masks(const ModelConfig& cfg, int steps, int batch, std::mt19937_64& rng, DropoutMasks<T>& masks) {
  const double p = cfg.dropout;
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  const Eigen::Index W = static_cast<Eigen::Index>(cfg.directions()) * cfg.hidden_size;
  auto fill = [&](Mat<T>& m, Eigen::Index cols) {
    m.resize(W, cols);
    T* d = m.data();
    for (Eigen::Index i = 0; i < m.size(); ++i) d[i] = static_cast<double>(rng() >> 11) * 0x1.0p-53 < p ? T(0) : keep;
  };
  masks.layer.resize(static_cast<std::size_t>(cfg.num_layers));
  for (Mat<T>& m : masks.layer) fill(m, static_cast<Eigen::Index>(steps) * batch);
  if (cfg.bidirectional) fill(masks.final, batch);
}

template void draw_dropout_masks<float>(const ModelConfig&, int, int, std::mt19937_64&, DropoutMasks<float>&);
template void draw_dropout_masks<double>(const ModelConfig&, int, int, std::mt19937_64&, DropoutMasks<double>&);

}  // namespace unrolled
