#include "app/gfx/screenshot.hpp"

#include <epoxy/gl.h>
#include <stb_image_write.h>  // implementation in Debian's libstb

#include <cstring>
#include <vector>

#include "io/atomic_write.hpp"

namespace unrolled::app::gfx {

std::string save_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) return path + ": nothing to capture (empty framebuffer)";
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  std::vector<unsigned char> px(row * static_cast<std::size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // OpenGL's rows start at the bottom; PNG's at the top.
  std::vector<unsigned char> tmp(row);
  for (int y = 0; y < height / 2; ++y) {
    unsigned char* a = px.data() + row * static_cast<std::size_t>(y);
    unsigned char* b = px.data() + row * static_cast<std::size_t>(height - 1 - y);
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
  for (std::size_t i = 3; i < px.size(); i += 4) px[i] = 255;  // opaque, whatever the framebuffer alpha
  std::string bytes;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  if (!stbi_write_png_to_func(append, &bytes, width, height, 4, px.data(), static_cast<int>(row)))
    return path + ": PNG encoding failed";
  try {
    io::write_file_atomic(path, bytes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace unrolled::app::gfx
