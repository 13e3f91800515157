// Where the shipped assets are (lessons, data): the one lookup the app and the CLI share, so an
// installed prefix, the build tree and the source tree each find them.
#pragma once
#include <string>
#include <vector>

namespace unrolled::io {

// The folders searched for assets/<sub> ("lessons", "data"), first match wins:
//   1. env (e.g. $UNROLLED_LESSONS, $UNROLLED_DATA) when set and not empty (then only it);
//   2. <binary's folder>/../share/unrolled/<sub>: an installed prefix (P/bin -> P/share/unrolled;
//      the relative path follows CMAKE_INSTALL_BINDIR and CMAKE_INSTALL_DATADIR);
//   3. the source tree's assets/<sub> (UNROLLED_SOURCE_DIR), only for a binary that still sits in the
//      build tree it was built in (UNROLLED_BUILD_BIN_DIR): an installed binary reads its prefix and
//      never falls back to a checkout.
// exe is the binary's path ("" when unknown).
std::vector<std::string> asset_dir_candidates(const std::string& sub, const char* env, const std::string& exe);
// This process's binary (/proc/self/exe), "" when unknown.
std::string own_executable();
// The first candidate that is a folder for this process (env read from env_name), or "".
std::string find_asset_dir(const std::string& sub, const char* env_name);
// The candidates as one line, for messages.
std::string asset_dir_candidates_text(const std::string& sub, const char* env_name);

}  // namespace unrolled::io
