// Running the real app from a GUI test (ctest wraps the test binary in xvfb-run) and reading the PNGs
// it writes. UNROLLED_BIN_DIR is where the build put `unrolled`.
#pragma once
#include <stb_image.h>  // implementation in Debian's libstb

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace unrolled::test {

inline const std::string app = std::string(UNROLLED_BIN_DIR) + "/unrolled";

// A folder of this test process's own (files from one run never meet another's).
inline std::filesystem::path scratch() {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / ("unrolled-gui-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

struct Run {
  int code = -1;
  std::string out, err;
};

// Runs the app with arguments (already quoted for the shell), after `env` (e.g. "env -u DISPLAY");
// stdout and stderr captured.
inline Run run(const std::string& args, const std::string& env = "") {
  const std::filesystem::path out = scratch() / "stdout.txt", err = scratch() / "stderr.txt";
  const std::string cmd = env + " '" + app + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// A PNG as RGB bytes (empty when it cannot be read).
struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  explicit Image(const std::filesystem::path& path) {
    int n = 0;
    unsigned char* data = stbi_load(path.string().c_str(), &w, &h, &n, 3);
    if (data) {
      px.assign(data, data + static_cast<std::size_t>(w) * h * 3);
      stbi_image_free(data);
    }
  }
  const unsigned char* at(int x, int y) const { return &px[(static_cast<std::size_t>(y) * w + x) * 3]; }
};

}  // namespace unrolled::test
