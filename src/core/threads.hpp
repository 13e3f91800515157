// How many cores the core's sequence code may use. The core starts no threads itself: when built with
// OpenMP, forward() and backward() split their work into a fixed number of parts (chosen from the
// sizes alone) and run the parts on up to this many OpenMP threads. The front ends choose: the app
// keeps 1 (its UI thread needs the other core), the CLI takes --threads. Eigen never splits a product
// itself (EIGEN_DONT_PARALLELIZE), so results are the same bits at every thread count.
#pragma once
#include <type_traits>

namespace unrolled {

int available_cores();                 // hardware threads on this machine (at least 1)
bool parallel_products_available();    // built with OpenMP
void set_compute_threads(int threads); // clamped to 1..available_cores(); 1 without OpenMP; default 1
int compute_threads();

// Runs work(ctx, p) for p = 0 … parts−1: each part on one of up to compute_threads() threads, or one
// after another. Parts must touch disjoint outputs; work must not throw.
void run_parts(int parts, void (*work)(void* ctx, int part), void* ctx);

template <class F> void for_each_part(int parts, F&& work) {
  using Fn = std::remove_reference_t<F>;
  run_parts(parts, [](void* ctx, int part) { (*static_cast<Fn*>(ctx))(part); }, &work);
}

}  // namespace unrolled
