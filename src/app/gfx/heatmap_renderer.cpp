#include "app/gfx/heatmap_renderer.hpp"

#include <epoxy/gl.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "app/embedded_shaders.hpp"

namespace unrolled::app::gfx {

namespace {

struct Item {  // one heatmap drawn this frame
  GLuint texture = 0;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float vmin = 0, vmax = 1;
  plot::Colormap colormap = plot::Colormap::viridis;
};

struct Renderer {
  GLuint program = 0, vao = 0;
  GLuint colormaps[2] = {0, 0};
  GLint u_rect = -1, u_display_pos = -1, u_display_size = -1, u_values = -1, u_colormap = -1, u_min = -1,
        u_max = -1, u_empty = -1;
  std::vector<GLuint> textures;             // pool, reused frame to frame
  std::vector<std::unique_ptr<Item>> items; // stable addresses for the draw callbacks
  std::size_t used = 0;
};
Renderer r;

GLuint compile(GLenum type, const char* source, const char* name) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048];
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    std::fprintf(stderr, "unrolled: shader %s does not compile: %s\n", name, log);
    glDeleteShader(s);
    return 0;
  }
  return s;
}

// A new 2-D texture, bound, clamped at the edges, with the given filter.
GLuint new_clamped_texture(GLint filter) {
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  return tex;
}

GLuint colormap_texture(plot::Colormap map) {
  std::vector<unsigned char> px(256 * 4);
  for (int i = 0; i < 256; ++i) {
    const std::uint32_t c = plot::pack_rgba(plot::sample(map, i / 255.0));
    for (int k = 0; k < 4; ++k) px[static_cast<std::size_t>(i) * 4 + k] = static_cast<unsigned char>(c >> (8 * k));
  }
  const GLuint tex = new_clamped_texture(GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  return tex;
}

void draw_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const Item& it = *static_cast<const Item*>(cmd->UserCallbackData);
  const ImDrawData* dd = ImGui::GetDrawData();
  const ImVec2 pos = dd->DisplayPos, size = dd->DisplaySize, scale = dd->FramebufferScale;
  const int fb_h = static_cast<int>(size.y * scale.y);
  // Clip exactly as ImGui's backend does for its own commands.
  const ImVec4 clip = cmd->ClipRect;
  const float cx0 = (clip.x - pos.x) * scale.x, cy0 = (clip.y - pos.y) * scale.y;
  const float cx1 = (clip.z - pos.x) * scale.x, cy1 = (clip.w - pos.y) * scale.y;
  if (cx1 <= cx0 || cy1 <= cy0) return;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(cx0), static_cast<GLint>(fb_h - cy1), static_cast<GLsizei>(cx1 - cx0),
            static_cast<GLsizei>(cy1 - cy0));
  glDisable(GL_BLEND);
  glUseProgram(r.program);
  glBindVertexArray(r.vao);
  glUniform4f(r.u_rect, it.x0, it.y0, it.x1, it.y1);
  glUniform2f(r.u_display_pos, pos.x, pos.y);
  glUniform2f(r.u_display_size, size.x, size.y);
  glUniform1f(r.u_min, it.vmin);
  glUniform1f(r.u_max, it.vmax);
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_FrameBg);
  glUniform4f(r.u_empty, bg.x * 0.8f, bg.y * 0.8f, bg.z * 0.8f, 1.0f);
  glActiveTexture(GL_TEXTURE1);
  glBindTexture(GL_TEXTURE_2D, r.colormaps[it.colormap == plot::Colormap::viridis ? 0 : 1]);
  glUniform1i(r.u_colormap, 1);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, it.texture);
  glUniform1i(r.u_values, 0);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
}

void render(ImDrawList* dl, const plot::HeatmapDraw& h) {
  if (r.used == r.textures.size()) {
    const GLuint tex = new_clamped_texture(GL_NEAREST);
    r.textures.push_back(tex);
    r.items.push_back(std::make_unique<Item>());
  }
  Item& it = *r.items[r.used];
  it.texture = r.textures[r.used];
  ++r.used;
  // Upload now (we are on the GL thread); row 0 of the data is the top row, texture v = 0 is the
  // first row uploaded, and the quad maps v_uv.y = 0 to the top, so no flip is needed.
  glBindTexture(GL_TEXTURE_2D, it.texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, h.cols, h.rows, 0, GL_RED, GL_FLOAT, h.values);
  it.x0 = h.p0.x;
  it.y0 = h.p0.y;
  it.x1 = h.p1.x;
  it.y1 = h.p1.y;
  it.vmin = h.scale_min;
  it.vmax = h.scale_max;
  it.colormap = h.colormap;
  dl->AddCallback(draw_callback, &it);
  dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
}

}  // namespace

bool heatmap_init() {
  GLuint vs = compile(GL_VERTEX_SHADER, shaders::heatmap_vert, "heatmap.vert.glsl");
  GLuint fs = compile(GL_FRAGMENT_SHADER, shaders::heatmap_frag, "heatmap.frag.glsl");
  if (!vs || !fs) return false;
  r.program = glCreateProgram();
  glAttachShader(r.program, vs);
  glAttachShader(r.program, fs);
  glLinkProgram(r.program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(r.program, GL_LINK_STATUS, &ok);
  if (!ok) {
    std::fprintf(stderr, "unrolled: heatmap shaders do not link; heatmaps fall back to rectangles\n");
    glDeleteProgram(r.program);
    r.program = 0;
    return false;
  }
  r.u_rect = glGetUniformLocation(r.program, "u_rect");
  r.u_display_pos = glGetUniformLocation(r.program, "u_display_pos");
  r.u_display_size = glGetUniformLocation(r.program, "u_display_size");
  r.u_values = glGetUniformLocation(r.program, "u_values");
  r.u_colormap = glGetUniformLocation(r.program, "u_colormap");
  r.u_min = glGetUniformLocation(r.program, "u_min");
  r.u_max = glGetUniformLocation(r.program, "u_max");
  r.u_empty = glGetUniformLocation(r.program, "u_empty");
  glGenVertexArrays(1, &r.vao);
  r.colormaps[0] = colormap_texture(plot::Colormap::viridis);
  r.colormaps[1] = colormap_texture(plot::Colormap::diverging);
  plot::SetHeatmapRenderer(render);
  return true;
}

void heatmap_begin_frame() { r.used = 0; }

void heatmap_shutdown() {
  plot::SetHeatmapRenderer(nullptr);
  if (!r.textures.empty()) glDeleteTextures(static_cast<GLsizei>(r.textures.size()), r.textures.data());
  glDeleteTextures(2, r.colormaps);
  if (r.vao) glDeleteVertexArrays(1, &r.vao);
  if (r.program) glDeleteProgram(r.program);
  r = Renderer{};
}

}  // namespace unrolled::app::gfx
