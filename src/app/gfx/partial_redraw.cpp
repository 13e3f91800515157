#include "app/gfx/partial_redraw.hpp"

#include <epoxy/gl.h>
#include <epoxy/glx.h>

#include <GLFW/glfw3.h>
#include <imgui_internal.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "app/damage.hpp"

namespace unrolled::app::gfx {
namespace {

DamageTracker g_tracker;
float g_clear[3] = {-1, -1, -1};

// How a frame reaches the window.
//  copy: GLX_MESA_copy_sub_buffer — the back buffer is never swapped, so it keeps the last frame
//        (buffer age 1, always), and only the repainted rectangles are copied to the window. Mesa
//        offers it everywhere, its software renderer included.
//  age:  GLX_EXT_buffer_age — swap, and repaint what the buffer missed (drivers that report ages).
//  swap: neither (or UNROLLED_FULL_REDRAW=1): every frame is drawn whole and swapped.
enum class Present { swap, age, copy };
Present g_mode = Present::swap;
bool g_mode_known = false;
DamagePlan g_last;  // what the last frame repainted (copy mode copies it to the window)
bool g_copy_all = true;  // copy mode: the whole window next time (first frame, expose, resize)

// The framebuffer the last frame was drawn for; copies never reach outside it.
int g_fb_w = 0, g_fb_h = 0;
// Frames still to draw whole: after a change of framebuffer size, and while a popup, modal, menu,
// tooltip or the modal's dimming is on screen (they move, fade and vanish in ways the draw lists'
// boxes do not describe) and a few frames after.
constexpr int settle_frames = 3;
int g_resized_frames = 0;  // after a resize: whole frames, shown by swapping
int g_overlay_frames = 0;  // an overlay was on screen: whole frames

// A popup, modal, menu or tooltip open, or the dimming behind a modal still fading.
bool overlay_on_screen() {
  const ImGuiContext& ctx = *GImGui;
  if (ctx.OpenPopupStack.Size > 0 || ctx.DimBgRatio > 0.0f || ctx.NavWindowingTarget) return true;
  for (const ImGuiWindow* w : ctx.Windows)
    if (w->Active && (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) return true;
  return false;
}

Present mode() {
  if (g_mode_known) return g_mode;
  g_mode_known = true;
  Display* dpy = glXGetCurrentDisplay();
  const char* e = std::getenv("UNROLLED_FULL_REDRAW");
  if (!dpy || (e && *e && std::strcmp(e, "0") != 0)) return g_mode = Present::swap;
  if (epoxy_has_glx_extension(dpy, DefaultScreen(dpy), "GLX_MESA_copy_sub_buffer")) return g_mode = Present::copy;
  if (epoxy_has_glx_extension(dpy, DefaultScreen(dpy), "GLX_EXT_buffer_age")) return g_mode = Present::age;
  return g_mode = Present::swap;
}

// 0 when unknown: every frame is drawn whole.
int back_buffer_age() {
  switch (mode()) {
    case Present::copy: return 1;
    case Present::age: {
      unsigned int age = 0;
      glXQueryDrawable(glXGetCurrentDisplay(), glXGetCurrentDrawable(), GLX_BACK_BUFFER_AGE_EXT, &age);
      return static_cast<int>(age);
    }
    case Present::swap: break;
  }
  return 0;
}

// A 64-bit hash of bytes, eight at a time (content identity, not security).
std::uint64_t mix(std::uint64_t h, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  for (; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

DamageList describe(const ImDrawList* dl, const ImDrawData* dd) {
  DamageList d;
  d.key = reinterpret_cast<std::uintptr_t>(dl);  // a window keeps its draw list for its lifetime
  std::uint64_t h = 0xcbf29ce484222325ull;
  h = mix(h, dl->VtxBuffer.Data, static_cast<std::size_t>(dl->VtxBuffer.Size) * sizeof(ImDrawVert));
  h = mix(h, dl->IdxBuffer.Data, static_cast<std::size_t>(dl->IdxBuffer.Size) * sizeof(ImDrawIdx));
  Rect bounds;
  for (const ImDrawCmd& c : dl->CmdBuffer) {
    h = mix(h, &c.ClipRect, sizeof c.ClipRect);
    h = mix(h, &c.TextureId, sizeof c.TextureId);
    const std::uint64_t counts[3] = {c.VtxOffset, c.IdxOffset, c.ElemCount};
    h = mix(h, counts, sizeof counts);
    if (c.UserCallback && c.UserCallback != ImDrawCallback_ResetRenderState) d.always_changed = true;  // a heatmap
    if (c.ElemCount == 0 && !c.UserCallback) continue;
    // Where the command draws: its vertices' box (a window's title and border are drawn under a
    // clip rectangle as large as the screen), grown by a pixel for anti-aliased edges, inside its clip.
    Rect box{c.ClipRect.x, c.ClipRect.y, c.ClipRect.z - c.ClipRect.x, c.ClipRect.w - c.ClipRect.y};
    if (!c.UserCallback) {
      float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
      const ImDrawVert* v = dl->VtxBuffer.Data + c.VtxOffset;
      const ImDrawIdx* ix = dl->IdxBuffer.Data + c.IdxOffset;
      for (unsigned int k = 0; k < c.ElemCount; ++k) {
        const ImVec2 q = v[ix[k]].pos;
        x0 = std::min(x0, q.x), y0 = std::min(y0, q.y), x1 = std::max(x1, q.x), y1 = std::max(y1, q.y);
      }
      box = intersection(box, Rect{std::floor(x0), std::floor(y0), std::ceil(x1) - std::floor(x0), std::ceil(y1) - std::floor(y0)});
    }
    bounds = bounding_box(bounds, Rect{box.x - dd->DisplayPos.x, box.y - dd->DisplayPos.y, box.w, box.h});
  }
  // Inside its window: tiles touch but do not overlap, so a tile's change repaints that tile only
  // (the outer half pixel of a border's anti-aliasing is left as it was).
  bool interacting = false;
  if (dl->_OwnerName)
    if (const ImGuiWindow* w = ImGui::FindWindowByName(dl->_OwnerName)) {
      bounds = intersection(bounds, Rect{w->Pos.x - dd->DisplayPos.x, w->Pos.y - dd->DisplayPos.y, w->Size.x, w->Size.y});
      // Under the mouse or holding the active widget: what the user does shows at once, never waits.
      const ImGuiContext& ctx = *GImGui;
      interacting = w == ctx.HoveredWindow || w == ctx.ActiveIdWindow;
    }
  d.hash = h;
  d.bounds = bounds;
  // Costly to rasterise: more than ~800 triangles, or more than ~4% of a 1280x800 window (a plot
  // tile, a settings panel); the software renderer pays per triangle and per pixel.
  d.large = !interacting && (dl->IdxBuffer.Size > 2400 || bounds.w * bounds.h > 40000.0f);

  return d;
}

void clear_rect(const Rect& r, const ImDrawData* dd, int fb_h) {
  const float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
  glEnable(GL_SCISSOR_TEST);
  glScissor(static_cast<GLint>(r.x * sx), static_cast<GLint>(static_cast<float>(fb_h) - (r.y + r.h) * sy),
            static_cast<GLsizei>(r.w * sx + 0.5f), static_cast<GLsizei>(r.h * sy + 0.5f));
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace

bool partial_redraw_available() { return mode() != Present::swap; }

void present(GLFWwindow* window) {
  if (g_overlay_frames > 0) --g_overlay_frames;
  if (mode() != Present::copy) {
    glfwSwapBuffers(window);
    return;
  }
  int live_w = 0, live_h = 0;  // the window now: it may have changed since this frame began
  glfwGetFramebufferSize(window, &live_w, &live_h);
  if (live_w != g_fb_w || live_h != g_fb_h) g_resized_frames = std::max(g_resized_frames, settle_frames);
  if (g_resized_frames > 0) {
    // The driver learns a window's new size when its buffers are swapped (a copied sub-buffer keeps
    // the old size: copying the new size from it fails, and a smaller frame lands offset). So while
    // the size settles, frames are whole and swapped; afterwards the whole window is copied once.
    glfwSwapBuffers(window);
    if (--g_resized_frames == 0) {
      g_copy_all = true;
      g_tracker.reset();
    }
    return;
  }
  Display* dpy = glXGetCurrentDisplay();
  const GLXDrawable drawable = glXGetCurrentDrawable();
  // The frame as drawn (not the window's size now, which may already have changed again).
  const int fb_w = g_fb_w, fb_h = g_fb_h;
  const ImVec2 scale = ImGui::GetDrawData() ? ImGui::GetDrawData()->FramebufferScale : ImVec2(1, 1);
  if (g_last.full || g_copy_all) {
    glXCopySubBufferMESA(dpy, drawable, 0, 0, fb_w, fb_h);
    g_copy_all = false;
    return;
  }
  for (const Rect& r : g_last.repaint) {  // GLX counts y from the bottom; never outside the frame
    const int x0 = std::clamp(static_cast<int>(r.x * scale.x), 0, fb_w);
    const int x1 = std::clamp(static_cast<int>(std::ceil((r.x + r.w) * scale.x)), 0, fb_w);
    const int y0 = std::clamp(static_cast<int>(r.y * scale.y), 0, fb_h);
    const int y1 = std::clamp(static_cast<int>(std::ceil((r.y + r.h) * scale.y)), 0, fb_h);
    if (x1 > x0 && y1 > y0) glXCopySubBufferMESA(dpy, drawable, x0, fb_h - y1, x1 - x0, y1 - y0);
  }
}

void window_exposed() { g_copy_all = true; }

bool render_draw_data(ImDrawData* dd, const float clear[3], Redraw how) {
  g_tracker.max_large_per_frame = how == Redraw::all_changed ? 1 << 20 : 1;
  const int fb_w = static_cast<int>(dd->DisplaySize.x * dd->FramebufferScale.x);
  const int fb_h = static_cast<int>(dd->DisplaySize.y * dd->FramebufferScale.y);
  if (fb_w != g_fb_w || fb_h != g_fb_h) {
    if (g_fb_w != 0) g_resized_frames = settle_frames;  // not the first frame
    g_fb_w = fb_w;
    g_fb_h = fb_h;
  }
  if (overlay_on_screen()) g_overlay_frames = settle_frames;
  const bool full = how == Redraw::full || g_resized_frames > 0 || g_overlay_frames > 0;
  if (full) g_tracker.reset();  // what is under an overlay or a new size is not known afterwards
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(clear[0], clear[1], clear[2], 1.0f);
  if (std::memcmp(clear, g_clear, sizeof g_clear) != 0) {  // a new theme: nothing on screen is reusable
    std::memcpy(g_clear, clear, sizeof g_clear);
    g_tracker.reset();
  }
  std::vector<DamageList> lists;
  lists.reserve(static_cast<std::size_t>(dd->CmdListsCount));
  for (int i = 0; i < dd->CmdListsCount; ++i) lists.push_back(describe(dd->CmdLists[i], dd));
  const Rect viewport{0, 0, dd->DisplaySize.x, dd->DisplaySize.y};
  g_last = g_tracker.plan(lists, viewport, full ? 0 : back_buffer_age());
  const DamagePlan& plan = g_last;
  if (plan.full) {
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(dd);
    return true;
  }
  std::vector<ImDrawList*> subset;
  std::vector<ImVec4> saved;
  for (const Rect& r : plan.repaint) {
    clear_rect(r, dd, fb_h);
    // Every list that touches r, clipped to r (the drawn-in-full ones are whole inside the region).
    subset.clear();
    saved.clear();
    int vtx = 0, idx = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i) {
      if (!intersects(lists[static_cast<std::size_t>(i)].bounds, r)) continue;
      ImDrawList* dl = dd->CmdLists[i];
      for (ImDrawCmd& c : dl->CmdBuffer) {
        saved.push_back(c.ClipRect);
        const ImVec2 o = dd->DisplayPos;
        c.ClipRect = ImVec4(std::max(c.ClipRect.x, r.x + o.x), std::max(c.ClipRect.y, r.y + o.y),
                            std::min(c.ClipRect.z, r.x + r.w + o.x), std::min(c.ClipRect.w, r.y + r.h + o.y));
      }
      subset.push_back(dl);
      vtx += dl->VtxBuffer.Size;
      idx += dl->IdxBuffer.Size;
    }
    if (subset.empty()) continue;
    ImDrawData part = *dd;
    part.CmdLists = subset.data();
    part.CmdListsCount = static_cast<int>(subset.size());
    part.TotalVtxCount = vtx;
    part.TotalIdxCount = idx;
    ImGui_ImplOpenGL3_RenderDrawData(&part);
    std::size_t k = 0;
    for (ImDrawList* dl : subset)
      for (ImDrawCmd& c : dl->CmdBuffer) c.ClipRect = saved[k++];
  }
  return false;
}

}  // namespace unrolled::app::gfx

namespace unrolled::app::gfx {

long long check_partial_redraw(ImDrawData* dd, const float clear[3]) {
  const int w = static_cast<int>(dd->DisplaySize.x * dd->FramebufferScale.x);
  const int h = static_cast<int>(dd->DisplaySize.y * dd->FramebufferScale.y);
  std::vector<unsigned char> partial(static_cast<std::size_t>(w) * h * 4), whole(partial.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  render_draw_data(dd, clear, Redraw::all_changed);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, partial.data());
  render_draw_data(dd, clear, Redraw::full);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, whole.data());
  long long differ = 0;
  // Within 2 levels: the software renderer rounds a blend differently on its fast path for whole
  // 64 × 64 tiles than on its general one (±1); a stale or missing repaint differs by far more.
  for (std::size_t i = 0; i < partial.size(); i += 4) {
    int d = 0;
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(partial[i + c]) - int(whole[i + c])));
    differ += d > 2;
  }
  return differ;
}

}  // namespace unrolled::app::gfx
