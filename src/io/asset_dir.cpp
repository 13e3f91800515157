#include "io/asset_dir.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef UNROLLED_INSTALL_DATA_FROM_BIN
#define UNROLLED_INSTALL_DATA_FROM_BIN "../share/unrolled"
#endif

namespace unrolled::io {

namespace fs = std::filesystem;

std::vector<std::string> asset_dir_candidates(const std::string& sub, const char* env, const std::string& exe) {
  if (env && *env) return {env};
  std::vector<std::string> dirs;
  if (exe.empty()) return dirs;
  const fs::path bin = fs::path(exe).parent_path();
  dirs.push_back((bin / UNROLLED_INSTALL_DATA_FROM_BIN / sub).lexically_normal().string());
#if defined(UNROLLED_SOURCE_DIR) && defined(UNROLLED_BUILD_BIN_DIR)
  std::error_code ec;
  if (fs::equivalent(bin, UNROLLED_BUILD_BIN_DIR, ec))
    dirs.push_back((fs::path(UNROLLED_SOURCE_DIR) / "assets" / sub).lexically_normal().string());
#endif
  return dirs;
}

std::string own_executable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.string();
}

std::string find_asset_dir(const std::string& sub, const char* env_name) {
  std::error_code ec;
  for (const std::string& dir : asset_dir_candidates(sub, std::getenv(env_name), own_executable()))
    if (fs::is_directory(dir, ec)) return dir;
  return {};
}

std::string asset_dir_candidates_text(const std::string& sub, const char* env_name) {
  std::string looked;
  for (const std::string& dir : asset_dir_candidates(sub, std::getenv(env_name), own_executable()))
    looked += (looked.empty() ? "" : ", ") + dir;
  return looked.empty() ? std::string("nowhere: this binary's own path is unknown") : looked;
}

}  // namespace unrolled::io
