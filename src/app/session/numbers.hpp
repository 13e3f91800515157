// Numbers in the session's messages: the one place they are formatted, so a limit reads the same in
// the training panel's refusal, the lab's and a session file's.
#pragma once
#include <charconv>
#include <string>
#include <string_view>

namespace unrolled::app {

// The shortest text that reads back to exactly `v` ("0.05", "256", "1e-08").
inline std::string exact_num(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// "FIELD VALUE is out of range (LO…HI)".
inline std::string out_of_range(std::string_view field, double value, double lo, double hi) {
  return std::string(field) + " " + exact_num(value) + " is out of range (" + exact_num(lo) + "…" + exact_num(hi) + ")";
}

}  // namespace unrolled::app
