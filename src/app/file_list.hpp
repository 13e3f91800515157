// The file dialog's pure half: listing a folder (folders first) and making time-stamped export
// names. No ImGui (library unrolled_app_logic, tested in app_logic_tests); errors are messages,
// never exceptions.
#pragma once
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace unrolled::app {

struct FileEntry {
  std::string name;
  bool is_dir = false;
  std::uintmax_t size = 0;
};

// The folder's entries, folders first, then files, each sorted by name (case-insensitive); hidden
// entries (starting with '.') are left out. On failure: empty, and `error` says why (naming the folder).
std::vector<FileEntry> list_folder(const std::string& dir, std::string& error);
// The entries a dialog shows for a kind of file: every folder, and the files whose name ends in one of
// `extensions` (".json", ".csv"; case-insensitive); no extensions: every file. `hidden` gets how many
// files were left out.
std::vector<FileEntry> files_of_kind(const std::vector<FileEntry>& entries, const std::vector<std::string>& extensions,
                                     std::size_t& hidden);
// The folder above `dir` ("/" stays "/").
std::string parent_folder(const std::string& dir);
// prefix-YYYYMMDD-HHMMSS.ext in local time, e.g. unrolled-20261122-031500.png.
std::string timestamped_name(const std::string& prefix, const std::string& ext, std::time_t when);
// `dir`/`name`, with one separator.
std::string join_path(const std::string& dir, const std::string& name);
// Where exports go by default: the working directory when it can be written, else $HOME, else ".".
std::string default_export_folder();

}  // namespace unrolled::app
