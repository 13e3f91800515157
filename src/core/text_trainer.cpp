#include "core/text_trainer.hpp"

#include <cmath>
#include <stdexcept>

#include "core/objective.hpp"

namespace unrolled {

namespace {

template <class T> void init(Model<T>& model, const TextTrainConfig& c) {
  model = Model<T>(c.model);
  init_uniform(model, c.seed);
}

// Gradients, clipping, update: the part both trainers share.
template <class T>
void update(const TextTrainConfig& c, Model<T>& model, Optimizer<T>& opt, Gradients<T>& g) {
  if (c.clip > 0) clip_grad_norm(g.params, static_cast<T>(c.clip));
  opt.step(model.params, g.params);
}

}  // namespace

template <class T>
CharLmTrainer<T>::CharLmTrainer(const TextTrainConfig& config, std::vector<int> train_ids)
    : config_(config), ids_(std::move(train_ids)), optimizer_(config.optimizer), rng_(config.seed ^ 0x9e3779b97f4a7c15ULL) {
  if (ids_.size() < static_cast<std::size_t>(config_.seq) + 1)
    throw std::invalid_argument("the training text has " + std::to_string(ids_.size()) +
                                " characters, shorter than one window of --seq " + std::to_string(config_.seq) + " + 1");
  init(model_, config_);
  const std::size_t TB = static_cast<std::size_t>(config_.seq) * static_cast<std::size_t>(config_.batch);
  inputs_.resize(TB);
  targets_.resize(TB);
}

template <class T> T CharLmTrainer<T>::step() {
  const int Tn = config_.seq, B = config_.batch;
  const std::size_t offsets = ids_.size() - static_cast<std::size_t>(Tn);  // o + T ≤ n − 1
  for (int b = 0; b < B; ++b) {
    const std::size_t o = static_cast<std::size_t>(rng_() % offsets);
    for (int t = 0; t < Tn; ++t) {
      inputs_[static_cast<std::size_t>(t * B + b)] = ids_[o + static_cast<std::size_t>(t)];
      targets_[static_cast<std::size_t>(t * B + b)] = ids_[o + static_cast<std::size_t>(t) + 1];
    }
  }
  const bool drop = config_.model.dropout > 0;
  if (drop) draw_dropout_masks(config_.model, Tn, B, rng_, masks_);
  forward_tokens(model_, inputs_, B, trace_, nullptr, drop ? &masks_ : nullptr);
  const T loss = cross_entropy_loss(trace_, targets_, LossMode::all, &dy_);
  backward(model_, trace_, dy_, grads_);
  update(config_, model_, optimizer_, grads_);
  return loss;
}

template <class T> double CharLmTrainer<T>::evaluate(const std::vector<int>& ids) const {
  const std::size_t Tn = static_cast<std::size_t>(config_.seq);
  if (ids.size() < Tn + 1)
    throw std::invalid_argument("the text has " + std::to_string(ids.size()) + " characters, shorter than one window of " +
                                std::to_string(Tn) + " + 1");
  const std::size_t windows = (ids.size() - 1) / Tn;
  double total = 0;
  Trace<T> tr;
  std::vector<int> in, tg;
  for (std::size_t w0 = 0; w0 < windows; w0 += static_cast<std::size_t>(config_.batch)) {
    const std::size_t B = std::min(windows - w0, static_cast<std::size_t>(config_.batch));
    in.assign(Tn * B, 0);
    tg.assign(Tn * B, 0);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t t = 0; t < Tn; ++t) {
        in[t * B + b] = ids[(w0 + b) * Tn + t];
        tg[t * B + b] = ids[(w0 + b) * Tn + t + 1];
      }
    forward_tokens(model_, in, static_cast<int>(B), tr);
    total += static_cast<double>(cross_entropy_loss(tr, tg, LossMode::all)) * static_cast<double>(B);
  }
  return total / static_cast<double>(windows);
}

template <class T>
ClassifierTrainer<T>::ClassifierTrainer(const TextTrainConfig& config, std::vector<std::vector<int>> sequences,
                                        std::vector<int> labels)
    : config_(config), sequences_(std::move(sequences)), labels_(std::move(labels)), optimizer_(config.optimizer),
      rng_(config.seed ^ 0x9e3779b97f4a7c15ULL) {
  if (sequences_.empty() || sequences_.size() != labels_.size())
    throw std::invalid_argument("classifier: need one label per sequence and at least one sequence");
  for (std::size_t i = 0; i < sequences_.size(); ++i) {
    if (sequences_[i].empty()) throw std::invalid_argument("classifier: sequence " + std::to_string(i) + " is empty");
    if (labels_[i] < 0 || labels_[i] >= config_.model.output_size)
      throw std::invalid_argument("classifier: label of sequence " + std::to_string(i) + " is out of range");
    by_length_[sequences_[i].size()].push_back(i);
  }
  init(model_, config_);
  targets_.resize(static_cast<std::size_t>(config_.batch));
}

template <class T> T ClassifierTrainer<T>::step() {
  const int B = config_.batch;
  const std::vector<std::size_t>& bucket = by_length_.at(sequences_[rng_() % sequences_.size()].size());
  const std::size_t len = sequences_[bucket[0]].size();
  inputs_.resize(len * static_cast<std::size_t>(B));
  for (int b = 0; b < B; ++b) {
    const std::size_t i = bucket[rng_() % bucket.size()];
    for (std::size_t t = 0; t < len; ++t) inputs_[t * static_cast<std::size_t>(B) + static_cast<std::size_t>(b)] = sequences_[i][t];
    targets_[static_cast<std::size_t>(b)] = labels_[i];
  }
  const bool drop = config_.model.dropout > 0;
  if (drop) draw_dropout_masks(config_.model, static_cast<int>(len), B, rng_, masks_);
  forward_tokens(model_, inputs_, B, trace_, nullptr, drop ? &masks_ : nullptr);
  const T loss = cross_entropy_loss(trace_, targets_, LossMode::last, &dy_, &dy_final_);
  backward(model_, trace_, dy_, grads_, 0, config_.model.bidirectional ? &dy_final_ : nullptr);
  update(config_, model_, optimizer_, grads_);
  return loss;
}

template <class T>
double ClassifierTrainer<T>::accuracy(const std::vector<std::vector<int>>& sequences, const std::vector<int>& labels) const {
  if (sequences.empty()) return 0;
  std::size_t right = 0;
  Trace<T> tr;
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    forward_tokens(model_, sequences[i], 1, tr);
    Eigen::Index best = 0;
    last_output(tr).col(0).maxCoeff(&best);
    right += static_cast<int>(best) == labels[i];
  }
  return static_cast<double>(right) / static_cast<double>(sequences.size());
}

double unigram_entropy(const std::vector<int>& ids) {
  std::map<int, double> count;
  for (int id : ids) count[id] += 1;
  double h = 0;
  for (const auto& [id, c] : count) {
    const double p = c / static_cast<double>(ids.size());
    h -= p * std::log(p);
  }
  return h;
}

template class CharLmTrainer<float>;
template class CharLmTrainer<double>;
template class ClassifierTrainer<float>;
template class ClassifierTrainer<double>;

}  // namespace unrolled
