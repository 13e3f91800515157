// Training loops for text models (issue 14), beside the forecaster's Trainer: a character language
// model (next token at every step, cross-entropy `all`) and a sequence classifier (cross-entropy
// `last`, bidirectional models read head([h→_T ; h←_1])). Each step: B windows, forward with dropout
// masks drawn from the run's generator, cross-entropy, BPTT, clip_grad_norm_, optimizer step. Same
// config, same data, same seed: the same weights bit for bit. A step allocates nothing after the first.
#pragma once
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "core/dropout.hpp"
#include "core/model.hpp"
#include "core/optimizer.hpp"

namespace unrolled {

struct TextTrainConfig {
  ModelConfig model;  // vocab_size, input_size (E), output_size set by the caller; objective cross_entropy
  int seq = 64;       // T: window length (character model)
  int batch = 32;     // B
  OptimizerConfig optimizer{OptimizerKind::adam, 3e-3};
  double clip = 1.0;  // global-norm clipping; 0 = none
  std::uint64_t seed = 1;  // weights, window draws and dropout masks
};

// Next-token model over one id sequence. Windows of T + 1 ids: inputs ids[o .. o+T), targets
// ids[o+1 .. o+T], with offsets o drawn uniformly from the training ids.
template <class T> class CharLmTrainer {
 public:
  // Throws std::invalid_argument when the training ids are shorter than one window (T + 1).
  CharLmTrainer(const TextTrainConfig& config, std::vector<int> train_ids);
  T step();  // one update; returns the mini-batch's mean cross-entropy (nats per token)
  // Mean cross-entropy in nats per token over consecutive windows of T (each from a zero state, every
  // step scored), no dropout. ids must hold at least T + 1 tokens (std::invalid_argument otherwise).
  double evaluate(const std::vector<int>& ids) const;
  const Model<T>& model() const { return model_; }
  Model<T>& mutable_model() { return model_; }  // the app keeps the last good weights after a divergence; not mid-step
  std::int64_t steps() const { return optimizer_.steps(); }
  // Adam's accumulated state, for saving a run that continues exactly; set_optimizer_state throws
  // std::invalid_argument when it does not fit the model (check_optimizer_state's reason).
  OptimizerState<T> optimizer_state() const { return optimizer_.state(); }
  void set_optimizer_state(const OptimizerState<T>& s) { optimizer_.set_state(s, model_.params.size()); }

 private:
  TextTrainConfig config_;
  std::vector<int> ids_;
  Model<T> model_;
  Optimizer<T> optimizer_;
  std::mt19937_64 rng_;
  std::vector<int> inputs_, targets_;
  DropoutMasks<T> masks_;
  Trace<T> trace_;
  Gradients<T> grads_;
  Mat<T> dy_;
};

// Sequence classifier: one label per id sequence. A mini-batch takes B sequences of one length (drawn
// from the bucket of a uniformly drawn sequence), so no padding enters the math.
template <class T> class ClassifierTrainer {
 public:
  // Throws std::invalid_argument on empty data, an empty sequence or a label outside [0, output_size).
  ClassifierTrainer(const TextTrainConfig& config, std::vector<std::vector<int>> sequences, std::vector<int> labels);
  T step();
  // Fraction of sequences whose most likely class is the label (no dropout).
  double accuracy(const std::vector<std::vector<int>>& sequences, const std::vector<int>& labels) const;
  const Model<T>& model() const { return model_; }

 private:
  TextTrainConfig config_;
  std::vector<std::vector<int>> sequences_;
  std::vector<int> labels_;
  std::map<std::size_t, std::vector<std::size_t>> by_length_;
  Model<T> model_;
  Optimizer<T> optimizer_;
  std::mt19937_64 rng_;
  std::vector<int> inputs_, targets_;
  DropoutMasks<T> masks_;
  Trace<T> trace_;
  Gradients<T> grads_;
  Mat<T> dy_, dy_final_;
};

// Cross-entropy (nats) of the text's own character frequencies: −Σ p log p. The baseline a model that
// ignores context cannot beat.
double unigram_entropy(const std::vector<int>& ids);

}  // namespace unrolled
