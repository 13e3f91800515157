#include "app/key_queue.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>

namespace unrolled::app {

namespace {
bool is_modifier(int key) {
  return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT || key == GLFW_KEY_LEFT_CONTROL ||
         key == GLFW_KEY_RIGHT_CONTROL || key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
         key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
}
}  // namespace

std::vector<KeyEvent> KeyQueue::take_frame() {
  std::vector<KeyEvent> frame;
  std::vector<int> changed;  // keys pressed or released in this frame
  bool key_pressed = false;  // a key other than a modifier went down in this frame
  while (!queue_.empty()) {
    const KeyEvent& e = queue_.front();
    if (!e.repeat) {
      if (std::find(changed.begin(), changed.end(), e.key) != changed.end()) break;  // next frame
      // ImGui reads Shift/Ctrl as they are at the end of the frame's events: a modifier that changes
      // after a key went down waits, so that key is seen with the modifiers held when it was pressed.
      const bool modifier = is_modifier(e.key);
      if (modifier && key_pressed) break;
      key_pressed = key_pressed || (!modifier && e.action == GLFW_PRESS);
      changed.push_back(e.key);
    }
    frame.push_back(e);
    queue_.pop_front();
  }
  return frame;
}

}  // namespace unrolled::app
