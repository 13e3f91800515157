// Fuzzes the model file parsers (recurrent and seq2seq kinds): any bytes must give a valid ModelFile or a FormatError/IoError,
// never a crash, a hang or another exception. A parsed file must write out and read back to the
// same parameters, bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "io/model_file.hpp"

// Refusals must read well on a terminal: start with the source, no control characters (a NUL in
// file text once cut a message short), bounded length, never end in the middle of "field: ".
static void check_message(const char* what) {
  const std::string m = what;
  if (m.rfind("fuzz.json: ", 0) != 0 || m.size() > 1000 || m.size() < std::strlen("fuzz.json: ") + 4) std::abort();
  if (m.compare(m.size() - 2, 2, ": ") == 0) std::abort();
  for (unsigned char c : m)
    if (c < 0x20 || c == 0x7f) std::abort();
}

// The seq2seq kind, the same contract: refused with a message, or written and read back unchanged.
static void fuzz_seq2seq(std::string_view text) {
  unrolled::io::Seq2seqFile file;
  try {
    file = unrolled::io::parse_seq2seq_json(text, "fuzz.json");
  } catch (const unrolled::io::IoError& e) {
    check_message(e.what());
    return;
  }
  const unrolled::io::Seq2seqFile back = unrolled::io::parse_seq2seq_json(unrolled::io::seq2seq_to_json(file), "again.json");
  if (back.params != file.params || back.vocab != file.vocab || back.extra != file.extra || !(back.config == file.config) ||
      back.max_source_length != file.max_source_length || back.max_target_length != file.max_target_length)
    std::abort();
  (void)unrolled::io::seq2seq_model_from_file<double>(file);
  try {
    (void)unrolled::io::seq2seq_model_from_file<float>(file);
  } catch (const unrolled::io::IoError&) {  // a double too large for a float
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_seq2seq(text);
  unrolled::io::ModelFile file;
  try {
    file = unrolled::io::parse_model_json(text, "fuzz.json");
  } catch (const unrolled::io::IoError& e) {
    check_message(e.what());
    return 0;  // refused with a message: fine
  }
  const std::string again = unrolled::io::model_to_json(file);
  const unrolled::io::ModelFile back = unrolled::io::parse_model_json(again, "again.json");
  if (back.params.size() != file.params.size() ||
      std::memcmp(back.params.data(), file.params.data(), file.params.size() * sizeof(double)) != 0 ||
      back.extra != file.extra || back.extra_tensors != file.extra_tensors)
    std::abort();  // the round trip lost something
  (void)unrolled::io::model_from_file<double>(file);
  try {
    (void)unrolled::io::model_from_file<float>(file);
  } catch (const unrolled::io::IoError&) {  // a double too large for a float
  }
  return 0;
}
