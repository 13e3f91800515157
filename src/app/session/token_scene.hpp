// The Step workspace on token models (issue 15): a character model or a classifier from a model file
// written by `unrolled-cli train --task charlm|classify` (or the Text workspace's model) reads a text,
// and the scene keeps what each step read and predicted (TokenScene) beside the usual layer views.
// Pure functions, no threads.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/session/snapshot.hpp"
#include "core/model.hpp"
#include "io/model_file.hpp"

namespace unrolled::app {

// What a token model's ids mean: the file's "vocab" and, for a classifier, its "labels" and "tokens".
struct TokenVocab {
  std::vector<std::string> vocab;   // V
  std::vector<std::string> labels;  // O class names (a classifier); empty: a character model (O = V)
  bool words = false;               // a classifier over words ("tokens":"word")
  bool classify() const { return !labels.empty(); }
};

// From a loaded model file. A token model without a vocabulary gets "#0", "#1", …; a cross-entropy
// model whose outputs are not its inputs is a classifier (classes "class 0", … when the file has no labels).
TokenVocab token_vocab(const io::ModelFile& file);

// The text's ids. Words: split at spaces, a word the vocabulary lacks reads as "<unk>" (id 0) when the
// vocabulary has it (counted in *unknown), else it is an error. Characters: each must be in the
// vocabulary. Errors are std::runtime_error "text: …" naming the word or character and its position.
std::vector<int> token_ids(const std::string& text, const TokenVocab& vocab, int* unknown = nullptr);

// How a token shows in one cell of the chain: a space as ␣, a newline as ↵, a tab as ⇥.
std::string token_label(const std::string& token);

// The scene of a token model reading settings.text (or the default text, see snapshot.hpp):
// a character model reads T + 1 tokens (T ≤ settings.steps) and predicts each next one, cross-entropy
// over every step; a classifier reads the whole text (≤ max_steps tokens) with cross-entropy on its
// class: settings.target_class, else the generated sentence's label, else the predicted class.
// Throws std::runtime_error on a text the model cannot read (the caller keeps its scene).
std::shared_ptr<const Scene> build_token_scene(const SceneSettings& settings, std::uint64_t id, const Model<float>& model,
                                               const TokenVocab& vocab, std::string source);

}  // namespace unrolled::app
