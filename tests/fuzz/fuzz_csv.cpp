// Fuzzes the CSV reader: any bytes must give a table or a FormatError, never a crash. A table that
// parses must be rectangular, finite, survive format_csv/parse_csv unchanged (17 digits), and its
// columns must be reachable by index.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "io/csv.hpp"

// Refusals must read well on a terminal: start with the source, no control characters (a NUL in
// file text once cut a message short), bounded length, never end in the middle of "field: ".
static void check_message(const char* what) {
  const std::string m = what;
  if (m.rfind("fuzz.csv: ", 0) != 0 || m.size() > 1000 || m.size() < std::strlen("fuzz.csv: ") + 4) std::abort();
  if (m.compare(m.size() - 2, 2, ": ") == 0) std::abort();
  for (unsigned char c : m)
    if (c < 0x20 || c == 0x7f) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  unrolled::io::CsvLimits limits;
  limits.max_rows = 4096;
  limits.max_columns = 256;
  unrolled::io::CsvTable table;
  try {
    table = unrolled::io::parse_csv(text, "fuzz.csv", limits);
  } catch (const unrolled::io::IoError& e) {
    check_message(e.what());
    return 0;
  }
  if (table.rows.empty()) std::abort();
  const std::size_t width = table.columns();
  if (!table.header.empty() && table.header.size() != width) std::abort();
  for (const auto& row : table.rows) {
    if (row.size() != width) std::abort();
    for (double v : row)
      if (!std::isfinite(v)) std::abort();
  }
  (void)unrolled::io::column(table, std::to_string(width - 1));
  // Headers with commas or quotes cannot be written back; numbers must round-trip exactly.
  unrolled::io::CsvTable numbers;
  numbers.rows = table.rows;
  const unrolled::io::CsvTable back = unrolled::io::parse_csv(unrolled::io::format_csv(numbers), "again.csv", limits);
  if (back.rows != table.rows) std::abort();
  return 0;
}
