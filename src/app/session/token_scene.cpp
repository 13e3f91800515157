#include "app/session/token_scene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "app/session/scene.hpp"
#include "core/objective.hpp"
#include "core/sampling.hpp"
#include "core/text_data.hpp"
#include "io/labelled_data.hpp"

namespace unrolled::app {

TokenVocab token_vocab(const io::ModelFile& file) {
  TokenVocab v;
  const ModelConfig& c = file.config;
  v.vocab = file.vocab;
  if (static_cast<int>(v.vocab.size()) != c.vocab_size) {
    v.vocab.clear();
    for (int i = 0; i < c.vocab_size; ++i) v.vocab.push_back("#" + std::to_string(i));
  }
  const bool lm = c.output_size == c.vocab_size && !file.extra.contains("labels");
  if (!lm) {
    if (file.extra.contains("labels") && file.extra["labels"].is_array() &&
        static_cast<int>(file.extra["labels"].size()) == c.output_size)
      for (const auto& l : file.extra["labels"]) v.labels.push_back(l.is_string() ? l.get<std::string>() : l.dump());
    else
      for (int i = 0; i < c.output_size; ++i) v.labels.push_back("class " + std::to_string(i));
    v.words = file.extra.value("tokens", std::string("char")) == "word";
  }
  return v;
}

std::vector<int> token_ids(const std::string& text, const TokenVocab& vocab, int* unknown) {
  std::vector<std::string> toks;
  try {
    toks = io::split_tokens(text, vocab.words, "text");
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  const bool has_unk = vocab.words && !vocab.vocab.empty() && vocab.vocab[0] == "<unk>";
  std::vector<int> ids;
  if (unknown) *unknown = 0;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const auto it = std::find(vocab.vocab.begin(), vocab.vocab.end(), toks[i]);
    if (it != vocab.vocab.end()) {
      ids.push_back(static_cast<int>(it - vocab.vocab.begin()));
    } else if (has_unk) {
      ids.push_back(0);
      if (unknown) ++*unknown;
    } else {
      throw std::runtime_error("text: " + std::string(vocab.words ? "word " : "character ") + std::to_string(i + 1) + " '" +
                               token_label(toks[i]) + "' is not in the model's vocabulary of " +
                               std::to_string(vocab.vocab.size()) + (vocab.words ? " words" : " characters"));
    }
  }
  return ids;
}

std::string token_label(const std::string& token) {
  if (token == " ") return "␣";
  if (token == "\n") return "↵";
  if (token == "\t") return "⇥";
  return token;
}

namespace {

Grid grid_of(const Mat<float>& m) {
  Grid g(static_cast<int>(m.rows()), static_cast<int>(m.cols()));
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) g.at(r, c) = m(r, c);
  return g;
}

// A character model's own text when the learner gave none: T + 1 ids it writes from a newline (or id 0).
std::vector<int> sampled_text(const Model<float>& model, const TokenVocab& vocab, int n, std::uint64_t seed) {
  const auto nl = std::find(vocab.vocab.begin(), vocab.vocab.end(), "\n");
  std::vector<int> ids{nl == vocab.vocab.end() ? 0 : static_cast<int>(nl - vocab.vocab.begin())};
  SampleSettings s;
  s.length = n - 1;
  s.temperature = 0.8;
  s.seed = seed;
  const std::vector<int> drawn = sample_tokens(model, ids, s);
  ids.insert(ids.end(), drawn.begin(), drawn.end());
  return ids;
}

// A classifier's default: a generated negation sentence it can read (the "ADJ1 , not ADJ2" kind first:
// the one where order decides), with its label's class when the model has that label.
std::vector<int> negation_text(const TokenVocab& vocab, std::uint64_t seed, int& label) {
  const std::vector<LabelledText> lines = negation_task(16, seed);
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (static_cast<int>(i % 2) == pass) continue;  // pass 0: odd lines, pass 1: even lines
      int unknown = 0;
      std::vector<int> ids;
      try {
        ids = token_ids(lines[i].text, vocab, &unknown);
      } catch (const std::runtime_error&) {
        continue;
      }
      if (unknown > 0) continue;
      const auto it = std::find(vocab.labels.begin(), vocab.labels.end(), lines[i].label);
      label = it == vocab.labels.end() ? -1 : static_cast<int>(it - vocab.labels.begin());
      return ids;
    }
  // No sentence fits (a model of other words): its first few tokens.
  std::vector<int> ids;
  for (int i = 0; i < std::min<int>(8, static_cast<int>(vocab.vocab.size())); ++i) ids.push_back(i);
  label = -1;
  return ids;
}

}  // namespace

std::shared_ptr<const Scene> build_token_scene(const SceneSettings& settings_in, std::uint64_t id, const Model<float>& m,
                                               const TokenVocab& vocab, std::string source) {
  auto scene = std::make_shared<Scene>();
  Scene& s = *scene;
  s.id = id;
  s.settings = settings_in;
  clamp_settings(s.settings);
  s.settings.model = m.config;
  s.source = std::move(source);
  auto tok = std::make_shared<TokenScene>();
  TokenScene& ts = *tok;
  ts.vocab = vocab.vocab;
  ts.classes = vocab.classify() ? vocab.labels : vocab.vocab;
  ts.words = vocab.words;
  ts.classify = vocab.classify();
  ts.default_text = s.settings.text.empty();
  const ModelConfig& cfg = m.config;

  int unknown = 0, label = -1;
  std::vector<int> ids;
  if (!ts.default_text) ids = token_ids(s.settings.text, vocab, &unknown);
  else if (ts.classify) ids = negation_text(vocab, s.settings.seed, label);
  else ids = sampled_text(m, vocab, s.settings.steps + 1, s.settings.seed);

  std::vector<std::string> notes;
  if (unknown > 0) notes.push_back(std::to_string(unknown) + " word" + (unknown > 1 ? "s" : "") + " not in the vocabulary read as <unk>");
  std::vector<int> targets;
  if (ts.classify) {
    if (ids.empty()) throw std::runtime_error("text: nothing to read (type a sentence)");
    if (static_cast<int>(ids.size()) > max_steps) {
      ids.resize(static_cast<std::size_t>(max_steps));
      notes.push_back("the text is cut to its first " + std::to_string(max_steps) + " tokens");
    }
    ts.ids = ids;
  } else {
    if (ids.size() < 2)
      throw std::runtime_error("text: a character model needs at least 2 characters (one read, the next one to predict)");
    const int T = std::min(static_cast<int>(ids.size()) - 1, s.settings.steps);
    if (T < static_cast<int>(ids.size()) - 1)
      notes.push_back("the model reads the first " + std::to_string(T + 1) + " characters (T = " + std::to_string(T) + ")");
    ts.ids.assign(ids.begin(), ids.begin() + T);
    targets.assign(ids.begin() + 1, ids.begin() + T + 1);
  }
  const int T = static_cast<int>(ts.ids.size());
  s.settings.steps = std::max(T, min_steps);

  Trace<float> tr;
  forward_tokens(m, ts.ids, 1, tr);
  Mat<float> probs;
  softmax<float>(tr.output, 1.0f, probs);
  ts.probs = grid_of(probs);
  Mat<float> dy, dy_final;
  if (ts.classify) {
    Mat<float> final_probs;
    softmax<float>(last_output(tr), 1.0f, final_probs);
    ts.final_probs.assign(final_probs.data(), final_probs.data() + final_probs.size());
    int target = s.settings.target_class;
    if (target < 0 || target >= cfg.output_size) target = label;
    if (target < 0) target = static_cast<int>(std::max_element(ts.final_probs.begin(), ts.final_probs.end()) - ts.final_probs.begin());
    s.settings.target_class = settings_in.target_class >= 0 && settings_in.target_class < cfg.output_size ? target : -1;
    ts.targets = {target};
    s.loss = cross_entropy_loss(tr, ts.targets, LossMode::last, &dy, &dy_final);
    ts.step_loss = {static_cast<float>(s.loss)};
    s.settings.loss = LossMode::last;
  } else {
    ts.targets = targets;
    s.loss = cross_entropy_loss(tr, ts.targets, LossMode::all, &dy, &dy_final);
    for (int t = 0; t < T; ++t)
      ts.step_loss.push_back(-std::log(std::max(probs(targets[static_cast<std::size_t>(t)], t), 1e-30f)));
    s.settings.loss = LossMode::all;
  }
  fill_layer_views(s, m, tr, dy, ts.classify && cfg.bidirectional ? &dy_final : nullptr);

  s.input = grid_of(tr.input);
  s.output = grid_of(tr.output);
  s.target = Grid(1, T, std::numeric_limits<float>::quiet_NaN());
  s.step_loss.assign(static_cast<std::size_t>(T), std::numeric_limits<float>::quiet_NaN());
  if (ts.classify) s.step_loss.back() = static_cast<float>(s.loss);
  else s.step_loss = ts.step_loss;
  float mx = 1e-6f;
  for (float v : s.input.v) mx = std::max(mx, std::abs(v));
  s.input_absmax = mx;
  for (std::size_t i = 0; i < notes.size(); ++i) ts.note += (i ? "; " : "") + notes[i];
  s.tokens = std::move(tok);
  return scene;
}

}  // namespace unrolled::app
