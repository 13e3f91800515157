// Model configuration: what kind of recurrent network, and its sizes.
// Key: I input size, H hidden size, L layers, O outputs, G gates per cell (RNN 1, LSTM 4, GRU 3).
#pragma once
#include <string>
#include <string_view>

namespace unrolled {

enum class CellKind { rnn, lstm, gru };
enum class Nonlinearity { tanh, relu };  // vanilla RNN only
enum class LossMode { last, all };       // MSE on y_T only, or mean over every step
enum class Objective { mse, cross_entropy };  // version 2: logits over O classes, class-id targets

// Upper bounds every loader and UI control checks against.
inline constexpr int max_input_size = 4096;
inline constexpr int max_hidden_size = 4096;
inline constexpr int max_layers = 8;
inline constexpr int max_output_size = 4096;
inline constexpr long long max_parameter_count = 1LL << 26;
inline constexpr int max_vocab_size = 1 << 20;

struct ModelConfig {
  CellKind cell = CellKind::lstm;
  Nonlinearity nonlinearity = Nonlinearity::tanh;
  int input_size = 1;   // I
  int hidden_size = 8;  // H
  int num_layers = 1;   // L
  int output_size = 1;  // O
  // Version 2 (DESIGN §3): all off by default, so a version-1 configuration means what it did.
  int vocab_size = 0;          // V > 0: token input through embed.weight [V × E], E = input_size
  bool bidirectional = false;  // each layer also runs t = T…1 with the *_reverse tensors; D = 2
  Objective objective = Objective::mse;
  double dropout = 0;          // p on every layer's output (between layers, before the head); training only
  int directions() const { return bidirectional ? 2 : 1; }  // D
  bool uses_version2() const {
    return vocab_size > 0 || bidirectional || objective != Objective::mse || dropout != 0;
  }
  bool operator==(const ModelConfig&) const = default;
};

int gate_count(CellKind cell);  // G
const char* cell_name(CellKind cell);           // "rnn", "lstm", "gru"
const char* nonlinearity_name(Nonlinearity nl);  // "tanh", "relu"
const char* loss_mode_name(LossMode mode);       // "last", "all"
bool parse_cell(std::string_view text, CellKind& out);
bool parse_nonlinearity(std::string_view text, Nonlinearity& out);
bool parse_loss_mode(std::string_view text, LossMode& out);
const char* objective_name(Objective objective);  // "mse", "cross_entropy"
bool parse_objective(std::string_view text, Objective& out);

// Gate names in PyTorch's order: LSTM i f g o, GRU r z n; the vanilla RNN has none.
const char* gate_name(CellKind cell, int gate);

// Empty when the configuration is usable; otherwise names the field and the reason.
std::string validate_config(const ModelConfig& config);

long long parameter_count(const ModelConfig& config);

}  // namespace unrolled
