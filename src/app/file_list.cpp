// The file dialog's pure half: listing a folder and making names (see file_dialog.hpp).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "app/file_list.hpp"

namespace unrolled::app {

namespace fs = std::filesystem;

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::vector<FileEntry> list_folder(const std::string& dir, std::string& error) {
  error.clear();
  std::vector<FileEntry> out;
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? "." : dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    error = "cannot read folder " + dir + ": " + ec.message();
    return out;
  }
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      error = "cannot read folder " + dir + ": " + ec.message();
      break;
    }
    FileEntry e;
    e.name = it->path().filename().string();
    if (e.name.empty() || e.name[0] == '.') continue;
    std::error_code type_ec;
    e.is_dir = it->is_directory(type_ec);
    if (!e.is_dir) {
      std::error_code size_ec;
      const auto size = it->file_size(size_ec);
      e.size = size_ec ? 0 : size;
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const FileEntry& a, const FileEntry& b) {
    if (a.is_dir != b.is_dir) return a.is_dir;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
  return out;
}

std::string parent_folder(const std::string& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec);
  if (ec) return ".";
  p = p.lexically_normal();
  if (!p.has_filename() && p != p.root_path()) p = p.parent_path();  // "a/b/" → "a/b"
  if (p == p.root_path()) return p.string();
  return p.parent_path().string();
}

std::string timestamped_name(const std::string& prefix, const std::string& ext, std::time_t when) {
  std::tm tm{};
  localtime_r(&when, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  return prefix + "-" + stamp + "." + ext;
}

std::vector<FileEntry> files_of_kind(const std::vector<FileEntry>& entries, const std::vector<std::string>& extensions,
                                     std::size_t& hidden) {
  std::vector<FileEntry> out;
  hidden = 0;
  auto lower = [](std::string x) {
    for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return x;
  };
  for (const FileEntry& e : entries) {
    bool keep = e.is_dir || extensions.empty();
    const std::string name = lower(e.name);
    for (const std::string& ext : extensions)
      keep = keep || (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), lower(ext)) == 0);
    if (keep) out.push_back(e);
    else ++hidden;
  }
  return out;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return (fs::path(dir) / name).string();
}

std::string default_export_folder() {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec && ::access(cwd.c_str(), W_OK) == 0) return cwd.string();
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  return ".";
}

}  // namespace unrolled::app
