#include "core/threads.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace unrolled {
namespace {
std::atomic<int> threads_in_use{1};
}

int available_cores() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

bool parallel_products_available() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

void set_compute_threads(int threads) {
  threads_in_use = parallel_products_available() ? std::clamp(threads, 1, available_cores()) : 1;
}

int compute_threads() { return threads_in_use; }

void run_parts(int parts, void (*work)(void*, int), void* ctx) {
#ifdef _OPENMP
  // libgomp keeps its team between regions: after the first call this allocates nothing.
  if (const int threads = std::min(parts, compute_threads()); threads > 1) {
#pragma omp parallel num_threads(threads)
    for (int p = omp_get_thread_num(); p < parts; p += omp_get_num_threads()) work(ctx, p);
    return;
  }
#endif
  for (int p = 0; p < parts; ++p) work(ctx, p);
}

}  // namespace unrolled
