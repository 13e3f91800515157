// The real series shipped in the data folder (assets/data, installed as share/unrolled/data): each is
// NAME.csv, described by one row of the folder's README.md table
//   | `NAME.csv` | what | points | source | licence |
// The CLI opens them by name (--data co2) and the app lists them in the Train workspace's Data menu.
#pragma once
#include <string>
#include <vector>

namespace unrolled::io {

// A data-set name is a word of a-z, 0-9, '_' and '-'.
bool is_data_set_name(const std::string& name);
// NAME of each NAME.csv in `dir`, sorted ("" or a missing folder: none).
std::vector<std::string> data_set_names(const std::string& dir);

struct DataSetInfo {
  std::string name;     // "co2"
  std::string path;     // dir/NAME.csv
  std::string what;     // the README row's "what" cell (empty when the README has no row for it)
  std::string source;   // its "source" cell
  std::string licence;  // its "licence" cell
};
// Every data set in `dir` with its README row (README.md beside the files; a missing README or row
// leaves the texts empty). Markdown backticks are removed from the cells.
std::vector<DataSetInfo> data_sets(const std::string& dir);

}  // namespace unrolled::io
