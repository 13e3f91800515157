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

void split_cells(std::string_view line, std::vector<std::string_view>& cells) {
  cells.clear();
  for (;;) {
    const std::size_t comma = line.find(',');
    cells.push_back(unquote(trim(line.substr(0, comma))));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
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

}  // namespace

CsvTable parse_csv(std::string_view text, const std::string& source, const CsvLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw FormatError(source + ": file is too large (" + std::to_string(text.size()) + " bytes, limit " +
                      std::to_string(limits.max_bytes) + ")");
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  CsvTable table;
  table.source = source;
  std::vector<std::string_view> cells;
  std::size_t width = 0, width_line = 0, line_no = 0, cell_count = 0;
  bool first = true;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    split_cells(line, cells);
    if (cells.size() > limits.max_columns)
      throw FormatError(source + ": line " + std::to_string(line_no) + ": " + std::to_string(cells.size()) +
                        " columns, more than the limit of " + std::to_string(limits.max_columns));
    if (first) {
      first = false;
      width = cells.size();
      width_line = line_no;
      bool header = false;
      for (std::string_view c : cells) {
        double v;
        const CellStatus st = parse_number(c, v);
        if (st == CellStatus::not_a_number) header = true;
      }
      if (header) {
        for (std::string_view c : cells) table.header.emplace_back(c);
        continue;
      }
    }
    if (cells.size() != width)
      throw FormatError(source + ": line " + std::to_string(line_no) + ": has " + std::to_string(cells.size()) +
                        (cells.size() == 1 ? " cell" : " cells") + ", expected " + std::to_string(width) + " (as on line " +
                        std::to_string(width_line) + ")");
    if (table.rows.size() >= limits.max_rows)
      throw FormatError(source + ": line " + std::to_string(line_no) + ": more than " +
                        std::to_string(limits.max_rows) + " data rows");
    cell_count += width;
    if (cell_count > limits.max_cells)
      throw FormatError(source + ": line " + std::to_string(line_no) + ": more than " +
                        std::to_string(limits.max_cells) + " values in the table");
    std::vector<double> row(width);
    for (std::size_t c = 0; c < width; ++c) {
      switch (parse_number(cells[c], row[c])) {
        case CellStatus::ok: break;
        case CellStatus::empty: cell_error(source, line_no, c + 1, "empty cell", cells[c]);
        case CellStatus::not_a_number: cell_error(source, line_no, c + 1, "not a number", cells[c]);
        case CellStatus::non_finite: cell_error(source, line_no, c + 1, "NaN and infinity are not allowed", cells[c]);
        case CellStatus::out_of_range: cell_error(source, line_no, c + 1, "number out of range", cells[c]);
      }
    }
    table.rows.push_back(std::move(row));
  }
  if (line_no == 0 || (first && table.rows.empty())) throw FormatError(source + ": file is empty (expected CSV rows)");
  if (table.rows.empty()) throw FormatError(source + ": no data rows (only a header line)");
  return table;
}

CsvTable read_csv(const std::string& path, const CsvLimits& limits) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError(path + ": is a directory, not a CSV file");
  return parse_csv(read_file(path, limits.max_bytes), path, limits);
}

std::size_t column_index(const CsvTable& table, const std::string& name_or_index) {
  for (std::size_t i = 0; i < table.header.size(); ++i)
    if (table.header[i] == name_or_index) return i;
  const std::size_t n = table.columns();
  std::size_t index = 0;
  const char* b = name_or_index.data();
  const char* e = b + name_or_index.size();
  const auto res = std::from_chars(b, e, index);
  if (!name_or_index.empty() && res.ec == std::errc() && res.ptr == e && index < n) return index;
  std::string have;
  if (!table.header.empty()) {
    for (const std::string& h : table.header) have += (have.empty() ? "" : ", ") + quote_text(h);
    have = "columns " + have + " or indices 0.." + std::to_string(n ? n - 1 : 0);
  } else {
    have = "no header; indices 0.." + std::to_string(n ? n - 1 : 0);
  }
  throw IoError(table.source + ": no column " + quote_text(name_or_index) + " (" + have + ")");
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
