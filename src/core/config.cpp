#include "core/config.hpp"

#include "core/enum_names.hpp"

#include <string>

namespace unrolled {

int gate_count(CellKind cell) {
  switch (cell) {
    case CellKind::rnn: return 1;
    case CellKind::lstm: return 4;
    case CellKind::gru: return 3;
  }
  return 1;
}

namespace {
constexpr EnumName<CellKind> cell_names[] = {{CellKind::rnn, "rnn"}, {CellKind::lstm, "lstm"}, {CellKind::gru, "gru"}};
constexpr EnumName<Nonlinearity> nonlinearity_names[] = {{Nonlinearity::tanh, "tanh"}, {Nonlinearity::relu, "relu"}};
constexpr EnumName<LossMode> loss_mode_names[] = {{LossMode::last, "last"}, {LossMode::all, "all"}};
constexpr EnumName<Objective> objective_names[] = {{Objective::mse, "mse"}, {Objective::cross_entropy, "cross_entropy"}};
}  // namespace

const char* cell_name(CellKind cell) { return name_of(cell_names, cell); }
const char* nonlinearity_name(Nonlinearity nl) { return name_of(nonlinearity_names, nl); }
const char* loss_mode_name(LossMode mode) { return name_of(loss_mode_names, mode); }
const char* objective_name(Objective objective) { return name_of(objective_names, objective); }
bool parse_cell(std::string_view text, CellKind& out) { return parse_name(cell_names, text, out); }
bool parse_nonlinearity(std::string_view text, Nonlinearity& out) { return parse_name(nonlinearity_names, text, out); }
bool parse_loss_mode(std::string_view text, LossMode& out) { return parse_name(loss_mode_names, text, out); }
bool parse_objective(std::string_view text, Objective& out) { return parse_name(objective_names, text, out); }

const char* gate_name(CellKind cell, int gate) {
  static const char* const lstm[] = {"i", "f", "g", "o"};
  static const char* const gru[] = {"r", "z", "n"};
  if (cell == CellKind::lstm && gate >= 0 && gate < 4) return lstm[gate];
  if (cell == CellKind::gru && gate >= 0 && gate < 3) return gru[gate];
  return "";
}

long long parameter_count(const ModelConfig& c) {
  const long long G = gate_count(c.cell), H = c.hidden_size;
  const long long D = c.directions();
  long long n = static_cast<long long>(c.vocab_size) * c.input_size;
  for (int k = 0; k < c.num_layers; ++k) {
    const long long in = k == 0 ? c.input_size : D * H;
    n += D * (G * H * in + G * H * H + 2 * G * H);
  }
  return n + static_cast<long long>(c.output_size) * D * H + c.output_size;
}

static std::string range_error(const char* field, long long value, long long hi) {
  return std::string(field) + " must be between 1 and " + std::to_string(hi) + ", got " +
         std::to_string(value);
}

std::string validate_config(const ModelConfig& c) {
  if (c.input_size < 1 || c.input_size > max_input_size)
    return range_error("input_size", c.input_size, max_input_size);
  if (c.hidden_size < 1 || c.hidden_size > max_hidden_size)
    return range_error("hidden_size", c.hidden_size, max_hidden_size);
  if (c.num_layers < 1 || c.num_layers > max_layers)
    return range_error("num_layers", c.num_layers, max_layers);
  if (c.output_size < 1 || c.output_size > max_output_size)
    return range_error("output_size", c.output_size, max_output_size);
  if (c.cell != CellKind::rnn && c.nonlinearity != Nonlinearity::tanh)
    return "nonlinearity applies to the rnn cell only";
  if (c.vocab_size < 0 || c.vocab_size > max_vocab_size)
    return "vocab_size must be between 0 and " + std::to_string(max_vocab_size) + ", got " +
           std::to_string(c.vocab_size);
  if (!(c.dropout >= 0 && c.dropout < 1)) return "dropout must be at least 0 and below 1, got " + std::to_string(c.dropout);
  const long long n = parameter_count(c);
  if (n > max_parameter_count)
    return "model has " + std::to_string(n) + " parameters, more than the limit of " +
           std::to_string(max_parameter_count);
  return {};
}

}  // namespace unrolled
