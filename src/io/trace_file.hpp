// Trace files (DESIGN §4): what `unrolled-cli trace` writes — one sequence run forward (and, with a
// target, backward) from a zero initial state, every number of the unrolled chain:
//
//   {"loss": x,                                   only with a target
//    "outputs": [T×O], "grad_input": [T×I],       grad_input only with a target
//    "layers": [{"h": [T×H], "c": [T×H] (LSTM), "gates": {"i","f","g","o"} (LSTM) | {"r","z","n"} (GRU),
//                "grad_h": [T×H] (with a target)}, …],
//    "grads": {NAME: {"shape": [..], "data": [..]}, …}}   with a target; 2-D data as row lists
//
// Version 2: bidirectional layers add "h_reverse", "c_reverse", "gates_reverse", "grad_h_reverse" (row t
// is step t+1 in input order, like the forward ones) and the trace adds "final_output": [O] =
// head([h→_T ; h←_1]). For token models grad_input is dL/dx_t of the embedded vectors [T×E] and grads
// holds embed.weight; with cross_entropy the outputs are logits.
//
// Row t of a [T×N] array is step t+1 (h_1 … h_T; h_0 = 0 is not written). The vanilla RNN has no
// gates entry (its one "gate" is h itself). Numbers are written in the shortest form that reads
// back exactly (float values widened to double first).
#pragma once
#include <optional>
#include <string>
#include <type_traits>

#include "core/model.hpp"

namespace unrolled::io {

// grads and loss are both given (with a target) or both absent. `sequence` picks one column of a
// batch (0 for a batch of one). Throws IoError when a value is not finite or sizes disagree.
template <class T>
std::string trace_to_json(const Model<T>& model, const Trace<T>& trace, const std::type_identity_t<Gradients<T>>* grads,
                          std::optional<double> loss, int sequence = 0);

// Writes trace_to_json(...) atomically; throws IoError naming the path.
template <class T>
void write_trace_file(const std::string& path, const Model<T>& model, const Trace<T>& trace,
                      const std::type_identity_t<Gradients<T>>* grads, std::optional<double> loss, int sequence = 0);

}  // namespace unrolled::io
