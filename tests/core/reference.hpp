// Reads the PyTorch reference cases in tests/data/reference (see the README there).
#pragma once
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/seq2seq.hpp"

namespace unrolled::test {

inline nlohmann::json load_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return nlohmann::json::parse(in);
}

// Every reference case file, sorted by name (subdir "v2": the version-2 cases).
inline std::vector<std::filesystem::path> reference_cases(const std::string& subdir = "") {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(UNROLLED_TEST_DATA) + "/reference/" + subdir))
    if (e.path().extension() == ".json" && e.path().filename() != "optim.json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The padded batch of a seq2seq reference case (tests/tools/dump_seq2seq_reference.py): src [S][B], tgt [T][B].
inline Seq2seqBatch seq2seq_batch_from_json(const nlohmann::json& c) {
  Seq2seqBatch b;
  b.src_len = c["src_len"].get<std::vector<int>>();
  b.tgt_len = c["tgt_len"].get<std::vector<int>>();
  b.batch = static_cast<int>(b.src_len.size());
  b.src_steps = static_cast<int>(c["src"].size());
  b.tgt_steps = static_cast<int>(c["tgt"].size());
  for (const nlohmann::json& row : c["src"])
    for (const nlohmann::json& v : row) b.src.push_back(v);
  for (const nlohmann::json& row : c["tgt"])
    for (const nlohmann::json& v : row) b.tgt.push_back(v);
  return b;
}

// Appends the numbers of a (possibly nested) JSON array in row-major order.
inline void flatten(const nlohmann::json& j, std::vector<double>& out) {
  if (j.is_array())
    for (const auto& v : j) flatten(v, out);
  else
    out.push_back(j.get<double>());
}

// The largest |ours − theirs| / max(1, |theirs|) seen, and where: relative for large numbers, absolute
// below 1. A NaN counts as infinitely wrong.
struct Worst {
  double error = 0;
  std::string where;
  void update(double ours, double theirs, const std::string& what) {
    const double e = std::abs(ours - theirs) / std::max(1.0, std::abs(theirs));
    if (!(e <= error)) {  // also catches NaN
      error = std::isnan(e) ? INFINITY : e;
      where = what;
    }
  }
};

// ours [F × T·B] (columns t·B + b) from row row0 on, against theirs [T][B][F].
template <class X>
void compare_sequence(const X& ours, Eigen::Index row0, const nlohmann::json& theirs, int B, const std::string& what,
                      Worst& w) {
  if (static_cast<Eigen::Index>(theirs.size()) * B != ours.cols())
    throw std::runtime_error(what + ": " + std::to_string(theirs.size()) + " reference steps of batch " + std::to_string(B) +
                             " against " + std::to_string(ours.cols()) + " columns");
  for (std::size_t t = 0; t < theirs.size(); ++t)
    for (int b = 0; b < B; ++b) {
      if (row0 + static_cast<Eigen::Index>(theirs[t][b].size()) > ours.rows())
        throw std::runtime_error(what + ": " + std::to_string(theirs[t][b].size()) + " reference features from row " +
                                 std::to_string(row0) + " against " + std::to_string(ours.rows()) + " rows");
      for (std::size_t f = 0; f < theirs[t][b].size(); ++f)
        w.update(static_cast<double>(ours(row0 + static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(t) * B + b)),
                 theirs[t][b][f].get<double>(), what);
    }
}

inline ModelConfig config_from_json(const nlohmann::json& m) {
  ModelConfig c;
  if (!parse_cell(m.at("cell").get<std::string>(), c.cell)) throw std::runtime_error("bad cell");
  if (m.contains("nonlinearity")) parse_nonlinearity(m["nonlinearity"].get<std::string>(), c.nonlinearity);
  c.input_size = m.at("input_size");
  c.hidden_size = m.at("hidden_size");
  c.num_layers = m.at("num_layers");
  c.output_size = m.at("output_size");
  c.vocab_size = m.value("vocab_size", 0);
  c.bidirectional = m.value("bidirectional", false);
  if (m.contains("objective") && !parse_objective(m["objective"].get<std::string>(), c.objective))
    throw std::runtime_error("bad objective");
  c.dropout = m.value("dropout", 0.0);
  return c;
}

template <class T> Model<T> model_from_json(const nlohmann::json& m) {
  Model<T> model(config_from_json(m));
  for (const TensorSpec& s : model.layout.tensors) {
    std::vector<double> v;
    flatten(m.at("tensors").at(s.name).at("data"), v);
    if (v.size() != s.size) throw std::runtime_error("size mismatch in " + s.name);
    for (std::size_t j = 0; j < s.size; ++j) model.params[s.offset + j] = static_cast<T>(v[j]);
  }
  return model;
}

// [T][B][F] nested arrays → [F × T·B] with column t·B + b.
template <class T> Mat<T> sequence_from_json(const nlohmann::json& j) {
  const Eigen::Index steps = static_cast<Eigen::Index>(j.size()), B = static_cast<Eigen::Index>(j[0].size()),
                     F = static_cast<Eigen::Index>(j[0][0].size());
  Mat<T> m(F, steps * B);
  for (Eigen::Index t = 0; t < steps; ++t)
    for (Eigen::Index b = 0; b < B; ++b)
      for (Eigen::Index f = 0; f < F; ++f) m(f, t * B + b) = static_cast<T>(j[t][b][f].get<double>());
  return m;
}

// [B][F] → [F × B].
template <class T> Mat<T> batch_from_json(const nlohmann::json& j) {
  const Eigen::Index B = static_cast<Eigen::Index>(j.size()), F = static_cast<Eigen::Index>(j[0].size());
  Mat<T> m(F, B);
  for (Eigen::Index b = 0; b < B; ++b)
    for (Eigen::Index f = 0; f < F; ++f) m(f, b) = static_cast<T>(j[b][f].get<double>());
  return m;
}

}  // namespace unrolled::test
