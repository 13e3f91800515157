#include "io/data_sets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace unrolled::io {

bool is_data_set_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<std::string> data_set_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (dir.empty()) return names;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".csv" && is_data_set_name(e.path().stem().string()))
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

namespace {
// The cells of a Markdown table row "| a | b |", trimmed, backticks removed; empty when not a row.
std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  if (line.empty() || line.front() != '|') return cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] != '|') {
      if (line[i] != '`') cell += line[i];
      continue;
    }
    const std::size_t a = cell.find_first_not_of(" \t"), b = cell.find_last_not_of(" \t\r");
    cells.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    cell.clear();
  }
  return cells;
}
}  // namespace

std::vector<DataSetInfo> data_sets(const std::string& dir) {
  std::vector<DataSetInfo> out;
  for (const std::string& name : data_set_names(dir))
    out.push_back({name, (std::filesystem::path(dir) / (name + ".csv")).string(), "", "", ""});
  std::ifstream readme(std::filesystem::path(dir) / "README.md");
  std::string line;
  while (std::getline(readme, line)) {
    const std::vector<std::string> cells = table_cells(line);
    if (cells.size() < 5) continue;
    for (DataSetInfo& d : out)
      if (cells[0] == d.name + ".csv") {
        d.what = cells[1];
        d.source = cells[3];
        d.licence = cells[4];
      }
  }
  return out;
}

}  // namespace unrolled::io
