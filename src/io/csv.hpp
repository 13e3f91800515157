// CSV tables (DESIGN §4): numbers, comma separated, one row per timestep, an optional header line.
//
// Reading: the header is detected (the first line has a cell that is not a number). Cells are
// trimmed of spaces/tabs; a cell wrapped in double quotes is unwrapped (no commas inside quotes).
// Blank lines are skipped; "\r\n" line ends and a UTF-8 byte order mark are accepted. Numbers are
// decimal (optional sign, fraction, exponent); NaN, Inf, hex and anything else are refused. Every
// error is FormatError "FILE: line L, column C: reason (got "TEXT")", lines and columns 1-based.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_util.hpp"  // FormatError

namespace unrolled::io {

struct CsvTable {
  std::vector<std::string> header;        // column names; empty when the file has no header line
  std::vector<std::vector<double>> rows;  // every row has the same number of values
  std::string source;                     // file name, for messages
  std::size_t columns() const { return rows.empty() ? header.size() : rows.front().size(); }
};

struct CsvLimits {
  std::size_t max_bytes = std::size_t(256) << 20;  // 256 MiB
  std::size_t max_rows = std::size_t(1) << 22;     // data rows
  std::size_t max_columns = 4096;
  std::size_t max_cells = std::size_t(1) << 26;    // rows × columns
};

// Reads a file: missing file, directory, empty file, no data rows, a bad cell, a ragged row or a
// table over the limits are errors naming the file (IoError or FormatError).
CsvTable read_csv(const std::string& path, const CsvLimits& limits = {});
// The same for text already in memory; source is used in messages.
CsvTable parse_csv(std::string_view text, const std::string& source, const CsvLimits& limits = {});

// One column by header name, or by 0-based index ("0", "1", …) when no header cell has that name.
// Throws IoError naming the file, the column asked for and the columns there are.
std::vector<double> column(const CsvTable& table, const std::string& name_or_index);
std::size_t column_index(const CsvTable& table, const std::string& name_or_index);

// Significant digits that read back exactly: 9 for float data, 17 for double.
inline constexpr int csv_digits_f32 = 9;
inline constexpr int csv_digits_f64 = 17;

// Text of a table: header line when header is non-empty, then one line per row, each number as
// %.{digits}g; non-finite values are written as nan, inf, -inf (which read_csv refuses).
// Header names must not contain commas, quotes or line breaks (IoError otherwise); every row must
// have the header's width (or the first row's when there is no header).
std::string format_csv(const CsvTable& table, int digits = csv_digits_f64);
// Writes atomically (temporary file + rename); throws IoError naming the path.
void write_csv(const std::string& path, const CsvTable& table, int digits = csv_digits_f64);

}  // namespace unrolled::io
