// Matrix types shared by the core, and the flat parameter layout.
//
// Activations are column-major matrices whose columns are (time, batch) pairs: column t·B + b holds
// sequence b at step t. Weights live in one flat row-major buffer (PyTorch's state_dict order),
// reached through Eigen::Map views, so the optimizer, clipping and norms are single loops.
#pragma once
#include <Eigen/Core>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace unrolled {

// Flat parameter and gradient buffers. 64-byte aligned (Eigen's largest packet) so that which
// elements take the vectorised (FMA) path never depends on where malloc put the buffer: results are
// bit-for-bit the same from run to run.
template <class T> using Buffer = std::vector<T, Eigen::aligned_allocator<T>>;
template <class T> using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T> using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T> using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T> using WeightView = Eigen::Map<RowMat<T>>;
template <class T> using ConstWeightView = Eigen::Map<const RowMat<T>>;
template <class T> using VecView = Eigen::Map<Vec<T>>;
template <class T> using ConstVecView = Eigen::Map<const Vec<T>>;
template <class T> using MatRef = Eigen::Ref<Mat<T>>;
template <class T> using ConstMatRef = Eigen::Ref<const Mat<T>>;

// One named tensor inside the flat buffer. Shape is [rows, cols] for weights, [rows] for biases.
struct TensorSpec {
  std::string name;         // state_dict name, e.g. "rnn.weight_ih_l0", "head.bias"
  std::vector<int> shape;   // 1 or 2 dimensions
  std::size_t offset = 0;   // first element in the flat buffer
  std::size_t size = 0;     // element count
  int rows() const { return shape[0]; }
  int cols() const { return shape.size() > 1 ? shape[1] : 1; }
};

struct LayerSlots {  // indices into ParamLayout::tensors
  int weight_ih = -1, weight_hh = -1, bias_ih = -1, bias_hh = -1;
};

struct ParamLayout {
  // state_dict order: embed.weight (token models); per layer ih, hh, b_ih, b_hh, then the same four
  // with the _reverse suffix (bidirectional); then head.
  std::vector<TensorSpec> tensors;
  std::vector<LayerSlots> layers;
  std::vector<LayerSlots> reverse_layers;  // bidirectional only, else empty
  int embed = -1;                          // embed.weight [V × E], token models only
  int head_weight = -1, head_bias = -1;
  std::size_t total = 0;
  const TensorSpec* find(std::string_view name) const;
};

ParamLayout make_layout(const ModelConfig& config);

// Views of one layer's tensors inside a flat buffer (parameters or gradients).
template <class T> struct LayerWeights {
  ConstWeightView<T> w_ih;  // [G·H × I_k]
  ConstWeightView<T> w_hh;  // [G·H × H]
  ConstVecView<T> b_ih;     // [G·H]
  ConstVecView<T> b_hh;     // [G·H]
};
template <class T> struct LayerGrads {
  WeightView<T> w_ih;  // [G·H × I_k]
  WeightView<T> w_hh;  // [G·H × H]
  VecView<T> b_ih;     // [G·H]
  VecView<T> b_hh;     // [G·H]
};

template <class T> ConstWeightView<T> weight_view(const ParamLayout& l, const T* data, int tensor) {
  const TensorSpec& s = l.tensors[tensor];
  return ConstWeightView<T>(data + s.offset, s.rows(), s.cols());
}
template <class T> WeightView<T> weight_view(const ParamLayout& l, T* data, int tensor) {
  const TensorSpec& s = l.tensors[tensor];
  return WeightView<T>(data + s.offset, s.rows(), s.cols());
}
template <class T> ConstVecView<T> vec_view(const ParamLayout& l, const T* data, int tensor) {
  const TensorSpec& s = l.tensors[tensor];
  return ConstVecView<T>(data + s.offset, s.rows());
}
template <class T> VecView<T> vec_view(const ParamLayout& l, T* data, int tensor) {
  const TensorSpec& s = l.tensors[tensor];
  return VecView<T>(data + s.offset, s.rows());
}
template <class T> LayerWeights<T> layer_weights(const ParamLayout& l, const T* data, int layer) {
  const LayerSlots& s = l.layers[layer];
  return {weight_view(l, data, s.weight_ih), weight_view(l, data, s.weight_hh),
          vec_view(l, data, s.bias_ih), vec_view(l, data, s.bias_hh)};
}
template <class T> LayerWeights<T> layer_weights(const ParamLayout& l, const T* data, const LayerSlots& s) {
  return {weight_view(l, data, s.weight_ih), weight_view(l, data, s.weight_hh),
          vec_view(l, data, s.bias_ih), vec_view(l, data, s.bias_hh)};
}
template <class T> LayerGrads<T> layer_grads(const ParamLayout& l, T* data, const LayerSlots& s) {
  return {weight_view(l, data, s.weight_ih), weight_view(l, data, s.weight_hh),
          vec_view(l, data, s.bias_ih), vec_view(l, data, s.bias_hh)};
}
template <class T> LayerGrads<T> layer_grads(const ParamLayout& l, T* data, int layer) {
  const LayerSlots& s = l.layers[layer];
  return {weight_view(l, data, s.weight_ih), weight_view(l, data, s.weight_hh),
          vec_view(l, data, s.bias_ih), vec_view(l, data, s.bias_hh)};
}

// Column block of step t (0-based) in a [rows × steps·B] matrix.
template <class Derived> auto step_block(Eigen::MatrixBase<Derived>& m, int t, int batch) {
  return m.middleCols(static_cast<Eigen::Index>(t) * batch, batch);
}
template <class Derived> auto step_block(const Eigen::MatrixBase<Derived>& m, int t, int batch) {
  return m.middleCols(static_cast<Eigen::Index>(t) * batch, batch);
}

}  // namespace unrolled
