#include "app/key_queue.hpp"

#include <algorithm>

namespace unrolled::app {

std::vector<KeyEvent> KeyQueue::take_frame() {
  std::vector<KeyEvent> frame;
  std::vector<int> changed;  // keys pressed or released in this frame
  while (!queue_.empty()) {
    const KeyEvent& e = queue_.front();
    if (!e.repeat) {
      if (std::find(changed.begin(), changed.end(), e.key) != changed.end()) break;  // next frame
      changed.push_back(e.key);
    }
    frame.push_back(e);
    queue_.pop_front();
  }
  return frame;
}

}  // namespace unrolled::app
