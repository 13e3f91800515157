// Model files (DESIGN §4): a JSON object with the configuration and every tensor by its PyTorch
// state_dict name, so `json.dump({k: v.tolist() ...})` of a module with members `rnn` and `head`
// loads as is.
//
//   {"format":"unrolled-model","version":1,"cell":"lstm","input_size":1,"hidden_size":8,
//    "num_layers":1,"output_size":1,
//    "tensors":{"rnn.weight_ih_l0":{"shape":[32,1],"data":[[..],..]}, …, "head.bias":{…}}}
//
// Tensor "data" may be flat row-major or nested rows (tensor.tolist()); 2-D tensors are written as
// nested rows. Top-level keys we do not know (normalisation, training metadata) are kept in `extra`
// and written back. Every field is validated; errors are FormatError "FILE: FIELD: reason" with
// FIELD a JSON path such as tensors.rnn.weight_hh_l0.data[3][1].
//
// Version 2 (DESIGN §4) adds, all optional: "vocab_size":V (tensor embed.weight [V × E], E = input_size),
// "vocab":[V distinct strings], "bidirectional":true (the *_reverse tensors), "objective":"mse"|
// "cross_entropy", "dropout":p (0 ≤ p < 1). Version 1 files still load (none of these keys may appear in
// them); a file is written as version 2 only when it uses one of them.
//
// Sequence-to-sequence models (issue 16) are a second kind of version-2 file: "kind":"seq2seq" with the
// encoder-decoder's configuration and its tensors by the names of the PyTorch module docs/formats.md
// ("Sequence to sequence") builds (encoder.embed.weight, encoder.rnn.*, bridge.*, decoder.*, attn.*, out.*).
// load_model_file refuses them (naming `translate`); load_seq2seq_file refuses every other file.
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/model.hpp"
#include "core/seq2seq.hpp"
#include "io/json_util.hpp"

namespace unrolled::io {

inline constexpr const char* model_format_name = "unrolled-model";
inline constexpr int model_format_version = 2;  // the newest version read; 1 is read too
inline constexpr std::size_t max_model_file_bytes = std::size_t(256) << 20;  // 256 MiB

struct ModelFile {
  ModelConfig config;
  std::vector<double> params;  // flat, make_layout(config) order, each tensor row-major
  std::vector<std::string> vocab;  // version 2: what each token id shows as (a character, a word); may be empty
  nlohmann::json extra = nlohmann::json::object();          // every other top-level key
  nlohmann::json extra_tensors = nlohmann::json::object();  // tensors not named rnn.* / head.*, as read
};

// Reads and validates a model file. Throws IoError (missing file, directory, too large) or
// FormatError (anything wrong inside), both naming the file.
ModelFile load_model_file(const std::string& path);

// Validates JSON text; source_name is used in messages in place of a file name.
ModelFile parse_model_json(std::string_view text, const std::string& source_name);

// The file's text: known keys first, then extra keys, tensors last, one 2-D row per line.
// Numbers are written in the shortest form that reads back bit-exact. Throws IoError when a
// parameter is not finite or the sizes do not match the configuration.
std::string model_to_json(const ModelFile& file);

// Writes atomically (temporary file + rename). Throws IoError naming the path.
void save_model_file(const std::string& path, const ModelFile& file);

// Conversions. A float conversion checks that every value fits in a float (else IoError naming
// the tensor and index); a double parameter narrowed to float rounds to nearest.
template <class T> Model<T> model_from_file(const ModelFile& file);
template <class T> ModelFile model_to_file(const Model<T>& model, nlohmann::json extra = nlohmann::json::object());

// The version a file of this content is written as: 2 when it uses a version-2 feature, else 1.
int model_file_version(const ModelFile& file);

// Shorthands: load/save a Model<T> directly.
template <class T> Model<T> load_model(const std::string& path) { return model_from_file<T>(load_model_file(path)); }
template <class T>
void save_model(const std::string& path, const Model<T>& model, nlohmann::json extra = nlohmann::json::object()) {
  save_model_file(path, model_to_file(model, std::move(extra)));
}

// ---- Sequence to sequence ----

inline constexpr const char* seq2seq_kind_name = "seq2seq";
inline constexpr int max_seq2seq_length = 4096;  // bound of max_source_length and max_target_length

struct Seq2seqFile {
  Seq2seqConfig config;
  std::vector<double> params;      // flat, make_seq2seq_layout(config) order, each tensor row-major
  std::vector<std::string> vocab;  // V entries: "<pad>", "<s>", "</s>", then one character each (ids 3…)
  int max_source_length = 1;       // the longest source the model was trained on: translate's limit
  int max_target_length = 1;       // the decoding limit (tokens before </s>)
  nlohmann::json extra = nlohmann::json::object();  // every other top-level key (training record, results)
};

// What vocab[0..2] must be: the special tokens' names.
const std::vector<std::string>& seq2seq_special_names();

// Reads and validates a seq2seq model file; errors as load_model_file ("FILE: FIELD: reason").
Seq2seqFile load_seq2seq_file(const std::string& path);
Seq2seqFile parse_seq2seq_json(std::string_view text, const std::string& source_name);
// Known keys first, extra keys, tensors last; numbers round-trip exactly. IoError on a non-finite
// parameter or an inconsistent file.
std::string seq2seq_to_json(const Seq2seqFile& file);
void save_seq2seq_file(const std::string& path, const Seq2seqFile& file);  // atomic

// symbols: the characters of ids 3… (Seq2seqVocab::symbols). Float conversion as model_from_file.
template <class T> Seq2seqModel<T> seq2seq_model_from_file(const Seq2seqFile& file);
template <class T>
Seq2seqFile seq2seq_to_file(const Seq2seqModel<T>& model, const std::vector<std::string>& symbols, int max_source_length,
                            int max_target_length, nlohmann::json extra = nlohmann::json::object());
Seq2seqVocab seq2seq_vocab(const Seq2seqFile& file);  // the symbols of ids 3…

}  // namespace unrolled::io
