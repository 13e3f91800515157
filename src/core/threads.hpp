// How many cores the core's matrix products may use. The core starts no threads itself; when built
// with OpenMP, Eigen splits large products across this many. The front ends choose: the app keeps 1
// (its UI thread needs the other core), the CLI takes --threads.
#pragma once

namespace unrolled {

int available_cores();                 // hardware threads on this machine (at least 1)
bool parallel_products_available();    // built with OpenMP
void set_compute_threads(int threads); // clamped to 1..available_cores(); 1 without OpenMP
int compute_threads();

}  // namespace unrolled
