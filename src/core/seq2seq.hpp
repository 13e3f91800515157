// Sequence to sequence with attention (issue 16): an encoder (one RNN, LSTM or GRU layer, optionally
// bidirectional) and a decoder of the same cell kind, each with its own embedding, joined by a bridge
// and (optionally) attention over the encoder outputs. Exact to a PyTorch module built the same way
// (tests/tools/dump_seq2seq_reference.py; the layout and math in docs/formats.md, "Sequence to sequence").
//
// Size key: V vocabulary (shared by source and target), E embedding width, H encoder hidden size per
// direction, D directions, C = D·H the width of an encoder output, Hd decoder hidden size, A additive
// attention width, S source steps, T target steps, B batch. Token ids: 0 pad, 1 <s>, 2 </s>, 3… symbols.
//
// Encoder (masked: source b has n_b real steps; a padded step carries the state, as a packed sequence)
//   (S1) x_j = encoder.embed.weight[src_j];  h→_j = cell(x_j, h→_{j−1}), j = 1…n_b;  h←_j = cell(x_j, h←_{j+1}),
//        j = n_b…1, from zeros;  encoder output h_j = [h→_j ; h←_j] (C rows)
// Bridge
//   (S2) s_0 = tanh(bridge.weight [h→_{n_b} ; h←_1] + bridge.bias);  LSTM decoder: cell state c_0 = 0
// Attention at target step t (from s_{t−1}; only j ≤ n_b take part, softmax over them)
//   (S3) additive: e_j = v · tanh(W s_{t−1} + U h_j);  dot: e_j = s_{t−1} · h_j (needs Hd = C);
//        general: e_j = s_{t−1} · (W h_j);  a_tj = softmax_j(e);  c_t = Σ_j a_tj h_j;  none: no c_t
// Decoder step t = 1…T (y_0 = <s>)
//   (S4) s_t = cell([decoder.embed.weight[y_{t−1}] ; c_t], s_{t−1});  z_t = out.weight [s_t ; c_t] + out.bias
// Loss
//   (S5) L = −(1/N) Σ_{b, t ≤ m_b} log softmax(z_t)[target_t],  N = Σ_b m_b (m_b counts the closing </s>)
// Teacher forcing with ratio r: y_{t−1} is the target's token, or (with probability 1 − r, one draw per
// step t ≥ 2 and sequence) the argmax of z_{t−1}, through which no gradient flows.
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/cell.hpp"
#include "core/optimizer.hpp"
#include "core/tensor.hpp"

namespace unrolled {

enum class Attention { none, additive, dot, general };
const char* attention_name(Attention attention);  // "none", "additive", "dot", "general"
bool parse_attention(std::string_view text, Attention& out);
std::string attention_names();  // "none, additive, dot, general"

inline constexpr int pad_id = 0, start_id = 1, end_id = 2, first_symbol_id = 3;

struct Seq2seqConfig {
  CellKind cell = CellKind::gru;
  Nonlinearity nonlinearity = Nonlinearity::tanh;  // rnn only
  int vocab_size = 4;      // V, pad, <s>, </s> included
  int embed_size = 8;      // E (both embeddings)
  int hidden_size = 16;    // H, per direction
  bool bidirectional = false;
  int decoder_hidden = 0;  // Hd; 0 = C = D·H
  Attention attention = Attention::additive;
  int attention_size = 0;  // A (additive); 0 = Hd
  int directions() const { return bidirectional ? 2 : 1; }
  int context_size() const { return directions() * hidden_size; }  // C
  int dec_hidden() const { return decoder_hidden > 0 ? decoder_hidden : context_size(); }
  int attn_size() const { return attention_size > 0 ? attention_size : dec_hidden(); }
  bool operator==(const Seq2seqConfig&) const = default;
};

// Empty when usable, else names the field and the reason (dot attention with Hd ≠ C is refused here).
std::string validate_seq2seq_config(const Seq2seqConfig& config);

// Indices into layout.tensors, −1 when absent.
struct Seq2seqSlots {
  int enc_embed = -1, bridge_w = -1, bridge_b = -1, dec_embed = -1, attn_w = -1, attn_u = -1, attn_v = -1,
      out_w = -1, out_b = -1;
  LayerSlots enc, enc_reverse, dec;
};

// state_dict order: encoder.embed.weight, encoder.rnn.* (_reverse), bridge.*, decoder.embed.weight,
// decoder.rnn.*, attn.* (W, U, v as apply), out.*.
ParamLayout make_seq2seq_layout(const Seq2seqConfig& config, Seq2seqSlots& slots);

template <class T> struct Seq2seqModel {
  Seq2seqConfig config;
  Seq2seqSlots slots;  // before layout: make_seq2seq_layout fills it, so it must be constructed first
  ParamLayout layout;
  Buffer<T> params;
  Seq2seqModel() = default;
  explicit Seq2seqModel(const Seq2seqConfig& c) : config(c), layout(make_seq2seq_layout(c, slots)), params(layout.total, T(0)) {}
};

// PyTorch's default init: recurrent tensors U(±1/√hidden), Linear weights and biases U(±1/√in), the
// embeddings N(0, 1). Seeded and the same on every platform.
template <class T> void init_seq2seq(Seq2seqModel<T>& model, std::uint64_t seed);

// A padded batch. Column b of src is source b (n_b ids, then pad_id); tgt holds the targets including
// the closing end_id (m_b ids, then pad_id). Index j·B + b (step first).
struct Seq2seqBatch {
  int batch = 0, src_steps = 0, tgt_steps = 0;
  std::vector<int> src, tgt;
  std::vector<int> src_len, tgt_len;
};

// Pads id sequences (targets already end with end_id); throws std::invalid_argument on an empty
// source or target, or mismatched counts.
Seq2seqBatch make_seq2seq_batch(const std::vector<std::vector<int>>& sources, const std::vector<std::vector<int>>& targets);

// What a forward pass keeps for the backward pass, and what the app can show.
template <class T> struct Seq2seqTrace {
  int batch = 0, src_steps = 0, tgt_steps = 0;
  std::vector<StepCache<T>> enc, enc_rev, dec;  // per step
  Mat<T> enc_x;          // [E × S·B] embedded source
  Mat<T> enc_h, enc_c;   // [H × (S+1)·B] forward direction, block 0 the zero state, block j+1 after step j
  Mat<T> rev_h, rev_c;   // [H × (S+1)·B] reverse, block S the zero state, block j after step j
  Mat<T> memory;         // [C × B·S]  h_j = [h→_j ; h←_j], column b·S + j (each sequence contiguous)
  Mat<T> keys;           // [A × B·S] U h_j (additive) or [Hd × B·S] W h_j (general), column b·S + j
  Mat<T> bridge_in;      // [C × B]
  Mat<T> dec_h, dec_c;   // [Hd × (T+1)·B] s_0 … s_T (c: LSTM)
  Mat<T> dec_x;          // [(E + C) × T·B] decoder inputs [embed(y_{t−1}) ; c_t]
  Mat<T> context;        // [C × T·B] c_t
  Mat<T> weights;        // [S × T·B] a_tj (0 on padding)
  Mat<T> attn_z;         // [A × S·T·B] additive: tanh(W s + U h_j), column (t·B + b)·S + j
  Mat<T> logits;         // [V × T·B] z_t
  std::vector<int> dec_in;  // [T·B] y_{t−1} fed at step t
};

// Forward over a batch. teacher_forcing = r in [0, 1]; rng is drawn from only when 0 < r < 1.
template <class T>
void seq2seq_forward(const Seq2seqModel<T>& model, const Seq2seqBatch& batch, Seq2seqTrace<T>& trace,
                     double teacher_forcing = 1.0, std::mt19937_64* rng = nullptr);

// (S5); writes dL/dz [V × T·B] (zero on padding) when dlogits is given.
template <class T> T seq2seq_loss(const Seq2seqTrace<T>& trace, const Seq2seqBatch& batch, Mat<T>* dlogits = nullptr);

// Exact BPTT through out, decoder, attention, bridge and encoder: overwrites grads (layout order).
template <class T>
void seq2seq_backward(const Seq2seqModel<T>& model, const Seq2seqBatch& batch, const Seq2seqTrace<T>& trace,
                      const Mat<T>& dlogits, Buffer<T>& grads);

// ---- Decoding one source ----

// The decoder's state between steps, for stepping by hand (the app) and for beam search.
template <class T> struct DecoderState {
  Vec<T> s, c;             // [Hd] (c: LSTM)
  Vec<T> weights;          // [n] the attention of the step that made this state (empty at s_0 / none)
  Vec<T> context;          // [C]
  Vec<T> log_probs;        // [V] log softmax of the step's logits (empty at s_0)
};

// The encoder's side of one source, computed once.
template <class T> struct EncodedSource {
  Mat<T> memory;  // [C × n]
  Mat<T> keys;    // additive [A × n], general [Hd × n]
};

// Encodes source ids (no padding); throws std::out_of_range on an id outside [0, V).
template <class T>
void seq2seq_encode(const Seq2seqModel<T>& model, const std::vector<int>& source, EncodedSource<T>& enc, DecoderState<T>& s0);

// One decoder step from `state` feeding `token`: next.s, c, weights, context and log_probs.
template <class T>
void seq2seq_step(const Seq2seqModel<T>& model, const EncodedSource<T>& enc, const DecoderState<T>& state, int token,
                  DecoderState<T>& next);

struct BeamNode {
  int parent = -1;  // index into the tree, −1 for the root's children
  int token = 0;
  int step = 0;         // 1-based length of the hypothesis this node ends
  double log_prob = 0;  // cumulative
  double score = 0;     // log_prob / step (length-normalised)
  bool finished = false;  // token is end_id
};

template <class T> struct Decoded {
  std::vector<int> tokens;    // without the closing end_id
  bool finished = false;      // ended with end_id (else stopped at the length limit)
  double log_prob = 0, score = 0;
  std::vector<Vec<T>> weights;  // per output step (end_id included), the attention over the source
  std::vector<BeamNode> tree;   // beam search: every hypothesis kept at some step
  std::vector<int> path;        // beam search: the tree indices of the chosen hypothesis, root side first
};

// Generic beam search over "next log-probabilities from a state". step(state, token, next) fills
// next (whose log_probs() gives V numbers). Keeps the `width` best hypotheses by cumulative log-prob at
// each length (all have the same length there); a hypothesis ending in end_token is finished with
// score log_prob / length; stops when `width` are finished, none is live, or at max_length (the live
// ones then count, unfinished). The best score wins (ties: the earlier found). width ≥ 1.
struct BeamResult {
  std::vector<int> best;        // tree indices of the best hypothesis, root side first
  std::vector<BeamNode> tree;
};
// step(state, token, next, log_probs): the state after feeding token, and the V log-probabilities of
// the next token. node_states (optional) receives the state of every tree node, index for index.
template <class State>
BeamResult beam_search(const State& start, int start_token, int end_token, int width, int max_length,
                       const std::function<void(const State&, int, State&, std::vector<double>&)>& step,
                       std::vector<State>* node_states = nullptr);

// Greedy (argmax, lowest id on ties) and beam decoding of one source, at most max_length tokens.
template <class T> Decoded<T> greedy_decode(const Seq2seqModel<T>& model, const std::vector<int>& source, int max_length);
template <class T>
Decoded<T> beam_decode(const Seq2seqModel<T>& model, const std::vector<int>& source, int width, int max_length);

// ---- Vocabulary and training ----

// Characters ↔ ids: 0 pad, 1 <s>, 2 </s>, then the symbols in order.
struct Seq2seqVocab {
  std::vector<std::string> symbols;  // id − 3 → UTF-8 character
  int size() const { return first_symbol_id + static_cast<int>(symbols.size()); }
  int id(std::string_view symbol) const;  // −1 when unknown
  // Throws std::invalid_argument naming the character and its position (1-based) when unknown.
  std::vector<int> encode(std::string_view text) const;
  std::string decode(const std::vector<int>& ids) const;  // specials are skipped
};
// Every character of the sources and targets, sorted by code point.
Seq2seqVocab make_seq2seq_vocab(const std::vector<std::pair<std::string, std::string>>& pairs);
std::vector<std::string> split_utf8(std::string_view text);  // one string per code point

struct Seq2seqTrainConfig {
  Seq2seqConfig model;
  int batch = 32;
  double lr = 3e-3;  // Adam
  double clip = 1.0;
  double teacher_forcing = 1.0;
  std::uint64_t seed = 1;
};

struct Seq2seqScore {
  double token_acc = 0, seq_acc = 0;
};

template <class T> class Seq2seqTrainer {
 public:
  // pairs of id sequences (targets without end_id; it is added). Throws std::invalid_argument on empty data.
  Seq2seqTrainer(const Seq2seqTrainConfig& config, std::vector<std::vector<int>> sources, std::vector<std::vector<int>> targets);
  T step();  // one Adam update on B random pairs; returns the batch loss
  // Decoding of every pair, greedy (beam_width 0) or beam search of that width: token accuracy
  // (position by position over each target and its end_id) and exact-sequence accuracy. exact (optional)
  // receives, pair for pair, whether the whole target came out right.
  Seq2seqScore evaluate(const std::vector<std::vector<int>>& sources, const std::vector<std::vector<int>>& targets,
                        int max_length, int beam_width = 0, std::vector<bool>* exact = nullptr) const;
  const Seq2seqModel<T>& model() const { return model_; }
  Seq2seqModel<T>& model() { return model_; }

 private:
  Seq2seqTrainConfig config_;
  std::vector<std::vector<int>> sources_, targets_;
  Seq2seqModel<T> model_;
  Optimizer<T> optimizer_;
  std::mt19937_64 rng_;
  std::vector<std::vector<int>> batch_src_, batch_tgt_;
  Seq2seqBatch batch_;
  Seq2seqTrace<T> trace_;
  Buffer<T> grads_;
  Mat<T> dlogits_;
};

}  // namespace unrolled
