// CSV tables (DESIGN §4): numbers, comma separated, one row per timestep, an optional header line.
//
// Separator: ';' when the first non-blank line holds a ';', else ','. Decimal commas are not read.
// Reading: the header is detected (the first line has a cell that is not a number). Header names
// must be distinct (a repeated name is an error naming both columns). Cells are
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

// Column selection, the one rule for every reader (docs/formats.md, CSV):
//   - "" (nothing asked): the only column; else the column named "value" when the header has one;
//     else an error that lists the columns and asks for one (nothing is picked silently);
//   - a whole number N: the 0-based index N; refused as ambiguous when a header cell at another
//     place is named "N";
//   - anything else: the header cell of that name.
// The chosen column's header cell must not be a number (line 1 would then likely be data: a
// headerless file whose first row has a date in it). Throws IoError naming the file, what was
// asked and the columns there are.
std::size_t select_column(const std::vector<std::string>& header, std::size_t width, const std::string& asked,
                          const std::string& source);
std::vector<double> column(const CsvTable& table, const std::string& name_or_index);
std::size_t column_index(const CsvTable& table, const std::string& name_or_index);

// What to do with a gap in a series: an empty cell, or NA, N/A, NaN (any case).
//   refuse       an error naming its line and column (the default);
//   drop         the row is left out (the series gets shorter);
//   interpolate  linear between the nearest values before and after it; a gap before the first or
//                after the last value cannot be filled and is an error.
enum class GapPolicy { refuse, drop, interpolate };
const char* gap_policy_name(GapPolicy policy);
bool parse_gap_policy(std::string_view text, GapPolicy& out);

// One column of a file as a series: only the chosen column's cells are parsed as numbers, so other
// columns may hold anything (dates, labels, empty cells); every row must still have the header's
// width. Header detection as read_csv, except that a gap marker does not make a line a header.
struct SeriesColumn {
  std::vector<double> values;  // the series after the gap policy
  std::string name;            // the header name, or the index as text when there is no header
  std::size_t index = 0;       // 0-based
  std::size_t gaps = 0;        // gap cells found (dropped or interpolated)
  std::string source;
};
SeriesColumn read_series_column(const std::string& path, const std::string& column, GapPolicy gaps,
                                const CsvLimits& limits = {});
SeriesColumn parse_series_column(std::string_view text, const std::string& source, const std::string& column,
                                 GapPolicy gaps, const CsvLimits& limits = {});

// The columns of a file without reading its cells: the header names (empty when the first line is
// data, detected as parse_series_column does) and the first line's width. What a column chooser shows.
struct CsvColumns {
  std::vector<std::string> header;
  std::size_t width = 0;
};
CsvColumns read_csv_columns(const std::string& path, const CsvLimits& limits = {});
CsvColumns parse_csv_columns(std::string_view text, const std::string& source, const CsvLimits& limits = {});

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
