#include "core/threads.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <thread>

namespace unrolled {

int available_cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

bool parallel_products_available() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

void set_compute_threads(int threads) {
  Eigen::setNbThreads(parallel_products_available() ? std::clamp(threads, 1, available_cores()) : 1);
}

int compute_threads() { return Eigen::nbThreads(); }

}  // namespace unrolled
