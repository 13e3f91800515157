// JSON helpers shared by the file formats: a guarded parser and a compact number writer.
//
// parse_json_guarded() builds an nlohmann::json tree through a SAX handler of our own so that
//  - nesting deeper than max_depth is refused before a deep tree exists,
//  - the number of values is capped (memory stays bounded whatever the file claims),
//  - duplicate object keys are refused (a state_dict never has them; two different values for one
//    tensor would otherwise silently keep the last),
//  - every error names the JSON path where it happened (e.g. tensors.head.weight.data[2][0]),
//    including number overflow such as 1e999.
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/atomic_write.hpp"

namespace unrolled::io {

// A file that is readable but not in the expected format. The message is
// "FILE: FIELD: reason" (FIELD a JSON path or "line L, column C").
struct FormatError : IoError {
  using IoError::IoError;
};

struct JsonLimits {
  int max_depth = 64;                           // arrays/objects nested deeper are refused
  std::size_t max_values = (std::size_t(1) << 26) + (std::size_t(1) << 16);  // scalars + containers
};

// Parses text; throws FormatError "source: PATH: reason" on any syntax or limit error.
nlohmann::json parse_json_guarded(std::string_view text, const std::string& source,
                                  const JsonLimits& limits = {});

// Appends a JSON path step: path_key("tensors", "head.bias") -> "tensors.head.bias",
// path_index("data", 3) -> "data[3]". Keys pass through printable().
std::string path_key(const std::string& path, const std::string& key);
std::string path_index(const std::string& path, std::size_t index);

// Text from a file made safe for an error message: control characters escaped (\u0000 style, so a
// NUL cannot cut the message short), cut at about max_bytes on a UTF-8 character boundary with
// "..." appended. quoted_for_message adds double quotes around it.
std::string printable(std::string_view text, std::size_t max_bytes = 64);
std::string quoted_for_message(std::string_view text, std::size_t max_bytes = 64);

// Shortest text that reads back as exactly the same double ("0.1", "-0.0", "1e-05", "3.0").
// The value must be finite.
void append_number(std::string& out, double value);

// Human-readable JSON type name: "null", "boolean", "string", "number", "array", "object".
const char* json_type_name(const nlohmann::json& value);

}  // namespace unrolled::io
