// Atomic file writes: the text goes to a temporary file beside the target, is flushed to disk, then
// renamed over it. A failed write leaves neither a half file nor a clobbered old one.
#pragma once
#include <stdexcept>
#include <string>

namespace unrolled::io {

struct IoError : std::runtime_error {  // message names the file and what went wrong
  using std::runtime_error::runtime_error;
};

// Throws IoError naming the path when anything fails; the target is then untouched.
void write_file_atomic(const std::string& path, const std::string& contents);

// Reads a whole regular file (not a directory, at most max_bytes). Throws IoError naming the path.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t(1) << 30);

}  // namespace unrolled::io
