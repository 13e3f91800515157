// Key events queued between GLFW and ImGui, so that no key press is lost. ImGui 1.86 keeps only
// whether a key is down at the start of a frame: a press and its release that both arrive between two
// frames — a quick tap, what a presenter's clicker sends for PageDown — would never be seen. The
// queue hands a frame the events in arrival order up to the first one that would change a key that
// has already changed in that frame, or to a modifier (Shift, Ctrl, Alt, Super) changing after another
// key went down; the rest wait for the next frame. So a tap is down for one frame and up the next, sixteen
// taps are sixteen presses, and a quick Shift+T (T and Shift released together) is still Shift+T. Pure logic (app_logic_tests).
#pragma once
#include <deque>
#include <vector>

namespace unrolled::app {

struct KeyEvent {
  int key = 0, scancode = 0, action = 0, mods = 0;
  bool repeat = false;  // the system's auto-repeat of a held key: it changes nothing and never waits
};

class KeyQueue {
 public:
  void push(const KeyEvent& e) { queue_.push_back(e); }
  // This frame's events, taken off the queue.
  std::vector<KeyEvent> take_frame();
  bool empty() const { return queue_.empty(); }

 private:
  std::deque<KeyEvent> queue_;
};

}  // namespace unrolled::app
