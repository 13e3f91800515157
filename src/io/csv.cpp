#include "io/csv.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "io/atomic_write.hpp"

namespace unrolled::io {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return trim(s.substr(1, s.size() - 2));
  return s;
}

void split_cells(std::string_view line, char sep, std::vector<std::string_view>& cells) {
  cells.clear();
  for (;;) {
    const std::size_t at = line.find(sep);
    cells.push_back(unquote(trim(line.substr(0, at))));
    if (at == std::string_view::npos) break;
    line.remove_prefix(at + 1);
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Decimal syntax only: [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits].
bool decimal_syntax(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

enum class CellStatus { ok, empty, not_a_number, non_finite, out_of_range };

CellStatus parse_number(std::string_view s, double& out) {
  if (s.empty()) return CellStatus::empty;
  if (!decimal_syntax(s)) {
    std::string lower;
    for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    std::string_view l = lower;
    if (!l.empty() && (l.front() == '+' || l.front() == '-')) l.remove_prefix(1);
    if (l == "nan" || l == "inf" || l == "infinity") return CellStatus::non_finite;
    return CellStatus::not_a_number;
  }
  if (s.front() == '+') s.remove_prefix(1);  // from_chars takes no plus sign
  const auto res = std::from_chars(s.data(), s.data() + s.size(), out, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) return CellStatus::out_of_range;
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return CellStatus::not_a_number;
  if (!std::isfinite(out)) return CellStatus::out_of_range;
  return CellStatus::ok;
}

std::string quote_text(std::string_view s) {
  constexpr std::size_t max_shown = 40;
  std::string t = "\"";
  for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      t += buf;
    } else {
      t += static_cast<char>(c);
    }
  }
  if (s.size() > max_shown) t += "...";
  return t + "\"";
}

[[noreturn]] void cell_error(const std::string& source, std::size_t line, std::size_t col, const std::string& reason,
                             std::string_view text) {
  throw FormatError(source + ": line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + reason +
                    " (got " + quote_text(text) + ")");
}

// The non-blank lines of a file split into cells, with the limits every reader shares.
class LineReader {
 public:
  LineReader(std::string_view text, const std::string& source, const CsvLimits& limits)
      : text_(text), source_(source), limits_(limits) {
    if (text_.size() > limits.max_bytes)
      throw FormatError(source + ": file is too large (" + std::to_string(text_.size()) + " bytes, limit " +
                        std::to_string(limits.max_bytes) + ")");
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
    sep_ = separator_of(text_);
  }
  // False at the end; else cells holds the next non-blank line's cells.
  bool next(std::vector<std::string_view>& cells) {
    while (!text_.empty()) {
      const std::size_t nl = text_.find('\n');
      std::string_view line = text_.substr(0, nl);
      text_.remove_prefix(nl == std::string_view::npos ? text_.size() : nl + 1);
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (trim(line).empty()) continue;
      split_cells(line, sep_, cells);
      if (cells.size() > limits_.max_columns)
        throw FormatError(source_ + ": line " + std::to_string(line_no_) + ": " + std::to_string(cells.size()) +
                          " columns, more than the limit of " + std::to_string(limits_.max_columns));
      return true;
    }
    return false;
  }
  std::size_t line() const { return line_no_; }  // of the line last returned (1-based)
  char separator() const { return sep_; }
  // A data row: its width against the first line's, the row and cell limits.
  void check_row(std::size_t cells, std::size_t width, std::size_t width_line, std::size_t rows) {
    if (cells != width)
      throw FormatError(source_ + ": line " + std::to_string(line_no_) + ": has " + std::to_string(cells) +
                        (cells == 1 ? " cell" : " cells") + ", expected " + std::to_string(width) + " (as on line " +
                        std::to_string(width_line) + ")");
    if (rows >= limits_.max_rows)
      throw FormatError(source_ + ": line " + std::to_string(line_no_) + ": more than " +
                        std::to_string(limits_.max_rows) + " data rows");
    cell_count_ += width;
    if (cell_count_ > limits_.max_cells)
      throw FormatError(source_ + ": line " + std::to_string(line_no_) + ": more than " +
                        std::to_string(limits_.max_cells) + " values in the table");
  }

  static char separator_of(std::string_view text) {
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      const std::string_view line = text.substr(0, nl);
      if (!trim(line).empty() && trim(line) != "\r") return line.find(';') != std::string_view::npos ? ';' : ',';
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    return ',';
  }

 private:
  std::string_view text_;
  const std::string& source_;
  const CsvLimits& limits_;
  char sep_ = ',';
  std::size_t line_no_ = 0, cell_count_ = 0;
};

// A header line's names, each distinct (empty names aside).
std::vector<std::string> header_names(const std::vector<std::string_view>& cells, const std::string& source,
                                      std::size_t line) {
  std::vector<std::string> names(cells.begin(), cells.end());
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (!names[i].empty() && names[i] == names[j])
        throw FormatError(source + ": line " + std::to_string(line) + ": the header names columns " +
                          std::to_string(j + 1) + " and " + std::to_string(i + 1) + " both " + quote_text(names[i]) +
                          " (column names must be distinct)");
  return names;
}

[[noreturn]] void number_error(const std::string& source, std::size_t line, std::size_t col, CellStatus st,
                               std::string_view text, char sep) {
  switch (st) {
    case CellStatus::empty: cell_error(source, line, col, "empty cell", text);
    case CellStatus::non_finite: cell_error(source, line, col, "NaN and infinity are not allowed", text);
    case CellStatus::out_of_range: cell_error(source, line, col, "number out of range", text);
    default: break;
  }
  const bool decimal_comma = sep == ';' && text.find(',') != std::string_view::npos;
  cell_error(source, line, col, decimal_comma ? "not a number (decimal commas are not read: write a point)" : "not a number",
             text);
}

bool is_gap_marker(std::string_view s) {
  if (s.empty()) return true;
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "na" || lower == "n/a" || lower == "nan";
}

// A first line is a header when one of its cells is not a number (a gap marker, for a series, is a value).
bool is_header_line(const std::vector<std::string_view>& cells, bool gaps_are_values) {
  for (std::string_view c : cells) {
    double v;
    if (!(gaps_are_values && is_gap_marker(c)) && parse_number(c, v) == CellStatus::not_a_number) return true;
  }
  return false;
}

std::string columns_text(const std::vector<std::string>& header, std::size_t width) {
  std::string have;
  if (!header.empty()) {
    for (const std::string& h : header) have += (have.empty() ? "" : ", ") + quote_text(h);
    return "columns " + have + " or indices 0.." + std::to_string(width ? width - 1 : 0);
  }
  return "no header; indices 0.." + std::to_string(width ? width - 1 : 0);
}

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& source, const CsvLimits& limits) {
  LineReader lines(text, source, limits);
  CsvTable table;
  table.source = source;
  std::vector<std::string_view> cells;
  std::size_t width = 0, width_line = 0;
  bool first = true;
  while (lines.next(cells)) {
    if (first) {
      first = false;
      width = cells.size();
      width_line = lines.line();
      if (is_header_line(cells, false)) {
        table.header = header_names(cells, source, lines.line());
        continue;
      }
    }
    lines.check_row(cells.size(), width, width_line, table.rows.size());
    std::vector<double> row(width);
    for (std::size_t c = 0; c < width; ++c) {
      const CellStatus st = parse_number(cells[c], row[c]);
      if (st != CellStatus::ok) number_error(source, lines.line(), c + 1, st, cells[c], lines.separator());
    }
    table.rows.push_back(std::move(row));
  }
  if (first) throw FormatError(source + ": file is empty (expected CSV rows)");
  if (table.rows.empty()) throw FormatError(source + ": no data rows (only a header line)");
  return table;
}

namespace {
// A CSV file's text; a folder is named as such.
std::string csv_text(const std::string& path, const CsvLimits& limits) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory, not a CSV file");
  return read_file(path, limits.max_bytes);
}
}  // namespace

CsvTable read_csv(const std::string& path, const CsvLimits& limits) {
  return parse_csv(csv_text(path, limits), path, limits);
}

std::size_t select_column(const std::vector<std::string>& header, std::size_t width, const std::string& asked,
                          const std::string& source) {
  std::size_t index = width;
  if (asked.empty()) {
    if (width == 1) return 0;
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == "value") index = i;
    if (index == width)
      throw IoError(source + ": has " + std::to_string(width) + " columns; say which one to read (" +
                    columns_text(header, width) + ")");
  } else {
    std::size_t n = 0;
    const char* b = asked.data();
    const char* e = b + asked.size();
    const auto res = std::from_chars(b, e, n);
    const bool whole = res.ec == std::errc() && res.ptr == e;
    std::size_t named = width;
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == asked) named = i;
    if (whole && named != width && named != n)
      throw IoError(source + ": column " + quote_text(asked) + " is ambiguous: the header names column " +
                    std::to_string(named) + " (0-based) " + quote_text(asked) +
                    ", and as an index it is column " + std::to_string(n) +
                    (n < header.size() ? " " + quote_text(header[n]) : std::string()) +
                    " (rename the column in the header)");
    if (whole && n < width) index = n;
    else if (!whole) index = named;
    if (index >= width) throw IoError(source + ": no column " + quote_text(asked) + " (" + columns_text(header, width) + ")");
  }
  if (index < header.size()) {
    double v;
    if (parse_number(header[index], v) == CellStatus::ok)
      throw IoError(source + ": line 1 is read as a header (a cell in it is not a number), but the column to read, " +
                    std::to_string(index) + ", holds the number " + quote_text(header[index]) +
                    " there: if line 1 is data, add a header line of column names");
  }
  return index;
}

std::size_t column_index(const CsvTable& table, const std::string& name_or_index) {
  return select_column(table.header, table.columns(), name_or_index, table.source);
}

const char* gap_policy_name(GapPolicy policy) {
  switch (policy) {
    case GapPolicy::refuse: return "refuse";
    case GapPolicy::drop: return "drop";
    case GapPolicy::interpolate: return "interpolate";
  }
  return "?";
}

bool parse_gap_policy(std::string_view text, GapPolicy& out) {
  for (GapPolicy p : {GapPolicy::refuse, GapPolicy::drop, GapPolicy::interpolate})
    if (text == gap_policy_name(p)) {
      out = p;
      return true;
    }
  return false;
}

SeriesColumn parse_series_column(std::string_view text, const std::string& source, const std::string& column,
                                 GapPolicy gaps, const CsvLimits& limits) {
  LineReader lines(text, source, limits);
  SeriesColumn out;
  out.source = source;
  std::vector<std::string> header;
  std::vector<std::string_view> cells;
  std::vector<std::size_t> gap_rows, gap_lines;  // rows (in values) and file lines of the gaps
  std::size_t width = 0, width_line = 0, rows = 0;
  bool first = true;
  while (lines.next(cells)) {
    if (first) {
      first = false;
      width = cells.size();
      width_line = lines.line();
      const bool is_header = is_header_line(cells, true);
      if (is_header) header = header_names(cells, source, lines.line());
      out.index = select_column(header, width, column, source);
      out.name = header.empty() ? std::to_string(out.index) : header[out.index];
      if (is_header) continue;
    }
    lines.check_row(cells.size(), width, width_line, rows++);
    const std::string_view cell = cells[out.index];
    if (is_gap_marker(cell)) {
      if (gaps == GapPolicy::refuse)
        cell_error(source, lines.line(), out.index + 1,
                   "a gap in column " + quote_text(out.name) + " (gaps are refused; --gaps drop or interpolate)", cell);
      ++out.gaps;
      if (gaps == GapPolicy::interpolate) {
        gap_rows.push_back(out.values.size());
        gap_lines.push_back(lines.line());
        out.values.push_back(0.0);
      }
      continue;
    }
    double v;
    const CellStatus st = parse_number(cell, v);
    if (st != CellStatus::ok) number_error(source, lines.line(), out.index + 1, st, cell, lines.separator());
    out.values.push_back(v);
  }
  if (first) throw FormatError(source + ": file is empty (expected CSV rows)");
  if (rows == 0) throw FormatError(source + ": no data rows (only a header line)");
  if (out.values.size() == gap_rows.size())
    throw FormatError(source + ": column " + quote_text(out.name) + " has no values, only gaps");
  // Fill each run of gaps on the line between its neighbours.
  for (std::size_t g = 0; g < gap_rows.size();) {
    std::size_t e = g;
    while (e + 1 < gap_rows.size() && gap_rows[e + 1] == gap_rows[e] + 1) ++e;
    const std::size_t lo = gap_rows[g], hi = gap_rows[e];
    if (lo == 0 || hi + 1 == out.values.size())
      throw FormatError(source + ": line " + std::to_string(lo == 0 ? gap_lines[g] : gap_lines[e]) + ": a gap " +
                        (lo == 0 ? "before the first" : "after the last") + " value of column " + quote_text(out.name) +
                        " cannot be interpolated (--gaps drop leaves it out)");
    const double a = out.values[lo - 1], b = out.values[hi + 1];
    const double span = static_cast<double>(hi - lo + 2);
    for (std::size_t r = lo; r <= hi; ++r) out.values[r] = a + (b - a) * static_cast<double>(r - lo + 1) / span;
    g = e + 1;
  }
  return out;
}

SeriesColumn read_series_column(const std::string& path, const std::string& column, GapPolicy gaps,
                                const CsvLimits& limits) {
  return parse_series_column(csv_text(path, limits), path, column, gaps, limits);
}

CsvColumns parse_csv_columns(std::string_view text, const std::string& source, const CsvLimits& limits) {
  LineReader lines(text, source, limits);
  std::vector<std::string_view> cells;
  if (!lines.next(cells)) throw FormatError(source + ": file is empty (expected CSV rows)");
  CsvColumns out;
  out.width = cells.size();
  if (is_header_line(cells, true)) out.header = header_names(cells, source, lines.line());
  return out;
}

CsvColumns read_csv_columns(const std::string& path, const CsvLimits& limits) {
  return parse_csv_columns(csv_text(path, limits), path, limits);
}

std::vector<double> column(const CsvTable& table, const std::string& name_or_index) {
  const std::size_t c = column_index(table, name_or_index);
  std::vector<double> out;
  out.reserve(table.rows.size());
  for (const auto& row : table.rows) out.push_back(row[c]);
  return out;
}

std::string format_csv(const CsvTable& table, int digits) {
  if (digits < 1 || digits > 17) throw IoError("CSV digits must be between 1 and 17");
  const std::size_t width = table.header.empty() ? (table.rows.empty() ? 0 : table.rows.front().size())
                                                 : table.header.size();
  std::string out;
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string& h = table.header[i];
    if (h.find_first_of(",\"\r\n") != std::string::npos)
      throw IoError("CSV header " + quote_text(h) + " contains a comma, quote or line break");
    if (i) out += ',';
    out += h;
  }
  if (!table.header.empty()) out += '\n';
  char buf[64];
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (row.size() != width)
      throw IoError("CSV row " + std::to_string(r) + " has " + std::to_string(row.size()) + " values, expected " +
                    std::to_string(width));
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      const double v = row[c];
      if (std::isnan(v)) out += "nan";
      else if (std::isinf(v)) out += v > 0 ? "inf" : "-inf";
      else {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        out += buf;
      }
    }
    out += '\n';
  }
  return out;
}

void write_csv(const std::string& path, const CsvTable& table, int digits) {
  std::string text;
  try {
    text = format_csv(table, digits);
  } catch (const IoError& e) {
    throw IoError(path + ": " + e.what());
  }
  write_file_atomic(path, text);
}

}  // namespace unrolled::io
