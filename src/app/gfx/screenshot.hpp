// Reads the current framebuffer (glReadPixels), flips it to top-down rows and writes a PNG
// atomically (temporary file + rename), so a failed write never leaves half an image.
#pragma once
#include <string>

namespace unrolled::app::gfx {

// Returns "" on success, else an error naming the path.
std::string save_screenshot(const std::string& path, int width, int height);

}  // namespace unrolled::app::gfx
