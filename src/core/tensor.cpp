#include "core/tensor.hpp"

namespace unrolled {

const TensorSpec* ParamLayout::find(std::string_view name) const {
  for (const TensorSpec& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

ParamLayout make_layout(const ModelConfig& c) {
  ParamLayout l;
  const int GH = gate_count(c.cell) * c.hidden_size;
  auto add = [&l](std::string name, std::vector<int> shape) {
    TensorSpec s;
    s.name = std::move(name);
    s.shape = std::move(shape);
    s.offset = l.total;
    s.size = 1;
    for (int d : s.shape) s.size *= static_cast<std::size_t>(d);
    l.total += s.size;
    l.tensors.push_back(std::move(s));
    return static_cast<int>(l.tensors.size()) - 1;
  };
  if (c.vocab_size > 0) l.embed = add("embed.weight", {c.vocab_size, c.input_size});
  const int DH = c.directions() * c.hidden_size;
  for (int k = 0; k < c.num_layers; ++k) {
    const int in = k == 0 ? c.input_size : DH;
    for (int d = 0; d < c.directions(); ++d) {
      const std::string sfx = "_l" + std::to_string(k) + (d ? "_reverse" : "");
      LayerSlots s;
      s.weight_ih = add("rnn.weight_ih" + sfx, {GH, in});
      s.weight_hh = add("rnn.weight_hh" + sfx, {GH, c.hidden_size});
      s.bias_ih = add("rnn.bias_ih" + sfx, {GH});
      s.bias_hh = add("rnn.bias_hh" + sfx, {GH});
      (d ? l.reverse_layers : l.layers).push_back(s);
    }
  }
  l.head_weight = add("head.weight", {c.output_size, DH});
  l.head_bias = add("head.bias", {c.output_size});
  return l;
}

}  // namespace unrolled
