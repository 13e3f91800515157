// Which parts of the window to rasterise again this frame. Pure logic (no GL, no ImGui), tested
// without a display; gfx/partial_redraw.cpp feeds it ImGui's draw lists and draws what it says.
//
// A software rasteriser (llvmpipe) pays for every shaded pixel, and most of a frame is the same as
// the last one: while training, a snapshot arrives every 33 ms and changes the plots, the readouts
// and the status line, not the settings, the menus or the text around them. So each draw list (one
// per ImGui window or child window) is summarised by a hash of its vertices, indices and commands and
// the rectangle it may draw into; a list whose summary differs from what is on screen is "changed".
//
// The back buffer the driver hands out is `age` frames old (GLX_EXT_buffer_age; 0: unknown, redraw
// everything), so what must be repainted is this frame's damage plus the damage of the frames the
// buffer missed. Repainting a rectangle clears it and draws every list that touches it, clipped to it.
//
// Staggering: several large lists changing in the same frame (the three plot tiles, when a snapshot
// arrives) are spread over frames — at most `max_large_per_frame` large lists are drawn a frame, the
// one waiting longest first; the others keep their previous picture one or two frames more (at 60
// fps a plot then refreshes at 20–30 Hz, which is the rate the snapshots come at). A changed list is
// never drawn in part: if anything repainted touches it, it is drawn whole.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "app/layout.hpp"

namespace unrolled::app {

struct DamageList {
  std::uint64_t key = 0;   // stable identity (the window's name)
  std::uint64_t hash = 0;  // its content
  Rect bounds;             // where it may draw (the union of its clip rectangles, inside the window)
  bool always_changed = false;  // draws from data the hash cannot see (a texture filled by a callback)
  bool large = false;           // costly to rasterise: may be deferred a frame (never the window in use)
};

struct DamagePlan {
  bool full = false;               // redraw everything (buffer age unknown, resize, first frame)
  std::vector<Rect> repaint;       // else: clear these and draw what touches them (few, disjoint or not)
  std::vector<bool> drawn;         // per list: drawn in full this frame (its new content is on screen)
  int deferred = 0;                // changed large lists left for a later frame
};

class DamageTracker {
 public:
  // How many changed large lists may be drawn in one frame (the rest wait, oldest first).
  int max_large_per_frame = 1;
  // At most this many repaint rectangles (more are merged into bounding boxes).
  int max_rects = 4;

  // `viewport`: the whole window. `buffer_age`: GLX_EXT_buffer_age of the back buffer (0 = unknown).
  DamagePlan plan(const std::vector<DamageList>& lists, Rect viewport, int buffer_age);

  void reset();  // forget what is on screen: the next plan redraws everything

 private:
  struct OnScreen {
    std::uint64_t hash = 0;
    Rect bounds;
    int waiting = 0;  // frames this list has been changed but not drawn
  };
  std::unordered_map<std::uint64_t, OnScreen> on_screen_;
  std::vector<std::vector<Rect>> history_;  // repainted rectangles of the last frames, newest last
  Rect viewport_;
  bool valid_ = false;
};

// Rectangle helpers (empty rectangles have w or h <= 0).
bool intersects(const Rect& a, const Rect& b);
Rect intersection(const Rect& a, const Rect& b);
Rect bounding_box(const Rect& a, const Rect& b);

}  // namespace unrolled::app
