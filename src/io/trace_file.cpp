#include "io/trace_file.hpp"

#include <cmath>

#include "io/atomic_write.hpp"
#include "io/json_util.hpp"

namespace unrolled::io {

namespace {

template <class T> class TraceWriter {
 public:
  TraceWriter(std::string& out, int steps, int batch, int sequence)
      : out_(out), steps_(steps), batch_(batch), sequence_(sequence) {}

  void number(double v, const std::string& where) {
    if (!std::isfinite(v)) throw IoError("trace: " + where + " is not finite (the run overflowed)");
    append_number(out_, v);
  }

  // A [T×rows] array: row t holds m(row0 .. row0+rows-1, column (t + col_block0)·B + sequence).
  void steps(const Mat<T>& m, Eigen::Index row0, Eigen::Index rows, int col_block0, const std::string& name,
             const char* indent) {
    out_ += "[";
    for (int t = 0; t < steps_; ++t) {
      out_ += t ? ",\n" : "\n";
      out_ += indent;
      out_ += "  [";
      const Eigen::Index col = static_cast<Eigen::Index>(t + col_block0) * batch_ + sequence_;
      for (Eigen::Index r = 0; r < rows; ++r) {
        if (r) out_ += ", ";
        number(static_cast<double>(m(row0 + r, col)),
               name + "[" + std::to_string(t) + "][" + std::to_string(r) + "]");
      }
      out_ += "]";
    }
    out_ += "]";
  }

 private:
  std::string& out_;
  int steps_, batch_, sequence_;
};

}  // namespace

template <class T>
std::string trace_to_json(const Model<T>& model, const Trace<T>& tr, const std::type_identity_t<Gradients<T>>* grads,
                          std::optional<double> loss, int sequence) {
  const ModelConfig& cfg = model.config;
  const int H = cfg.hidden_size, L = cfg.num_layers, G = gate_count(cfg.cell);
  if (tr.steps < 1 || tr.batch < 1 || sequence < 0 || sequence >= tr.batch ||
      static_cast<int>(tr.layers.size()) != L || tr.output.rows() != cfg.output_size ||
      tr.output.cols() != static_cast<Eigen::Index>(tr.steps) * tr.batch)
    throw IoError("trace: the trace does not match the model");
  if (cfg.bidirectional && (static_cast<int>(tr.reverse.size()) != L || tr.final_output.cols() != tr.batch))
    throw IoError("trace: the trace does not match the model");
  if (grads && (static_cast<int>(grads->grad_h.size()) != L || grads->params.size() != model.layout.total ||
                (cfg.bidirectional && static_cast<int>(grads->grad_h_reverse.size()) != L)))
    throw IoError("trace: the gradients do not match the model");
  std::string out;
  TraceWriter<T> w(out, tr.steps, tr.batch, sequence);
  out += "{\n";
  if (loss) {
    out += "  \"loss\": ";
    w.number(*loss, "loss");
    out += ",\n";
  }
  out += "  \"outputs\": ";
  w.steps(tr.output, 0, cfg.output_size, 0, "outputs", "  ");
  if (grads) {
    out += ",\n  \"grad_input\": ";
    w.steps(grads->grad_input, 0, cfg.input_size, 0, "grad_input", "  ");
  }
  if (!tr.reverse.empty()) {  // head([h→_T ; h←_1]) of the top layer
    out += ",\n  \"final_output\": [";
    for (int o = 0; o < cfg.output_size; ++o) {
      if (o) out += ", ";
      w.number(static_cast<double>(tr.final_output(o, sequence)), "final_output[" + std::to_string(o) + "]");
    }
    out += "]";
  }
  out += ",\n  \"layers\": [";
  // One direction's entries. The forward h and c keep h_0 in block 0 (so step t is block t + 1); the
  // reverse ones keep their initial state in block T (step t is block t).
  auto direction = [&](const LayerTrace<T>& lt, const Mat<T>* grad_h, const std::string& name, const char* suffix,
                       int state_block0) {
    out += std::string("\n      \"h") + suffix + "\": ";
    w.steps(lt.h, 0, H, state_block0, name + ".h" + suffix, "      ");
    if (cfg.cell == CellKind::lstm) {
      out += std::string(",\n      \"c") + suffix + "\": ";
      w.steps(lt.c, 0, H, state_block0, name + ".c" + suffix, "      ");
    }
    if (cfg.cell != CellKind::rnn) {
      out += std::string(",\n      \"gates") + suffix + "\": {";
      for (int g = 0; g < G; ++g) {
        const std::string gname = gate_name(cfg.cell, g);
        out += g ? ",\n        \"" : "\n        \"";
        out += gname + "\": ";
        w.steps(lt.gates, static_cast<Eigen::Index>(g) * H, H, 0, name + ".gates" + suffix + "." + gname, "        ");
      }
      out += "}";
    }
    if (grad_h) {
      out += std::string(",\n      \"grad_h") + suffix + "\": ";
      w.steps(*grad_h, 0, H, 0, name + ".grad_h" + suffix, "      ");
    }
  };
  for (int k = 0; k < L; ++k) {
    const std::string name = "layers[" + std::to_string(k) + "]";
    out += k ? ",\n    {" : "\n    {";
    direction(tr.layers[k], grads ? &grads->grad_h[k] : nullptr, name, "", 1);
    if (!tr.reverse.empty()) {
      out += ",";
      direction(tr.reverse[k], grads ? &grads->grad_h_reverse[k] : nullptr, name, "_reverse", 0);
    }
    out += "}";
  }
  out += "]";
  if (grads) {
    out += ",\n  \"grads\": {";
    bool first = true;
    for (const TensorSpec& spec : model.layout.tensors) {
      out += first ? "\n    \"" : ",\n    \"";
      first = false;
      out += spec.name + "\": {\"shape\": [" + std::to_string(spec.rows());
      if (spec.shape.size() == 2) out += ", " + std::to_string(spec.cols());
      out += "], \"data\": [";
      const T* p = grads->params.data() + spec.offset;
      const std::string where = "grads." + spec.name;
      if (spec.shape.size() == 2) {
        for (int r = 0; r < spec.rows(); ++r) {
          out += r ? ",\n      [" : "\n      [";
          for (int c = 0; c < spec.cols(); ++c) {
            if (c) out += ", ";
            w.number(static_cast<double>(p[static_cast<std::size_t>(r) * spec.cols() + c]),
                     where + "[" + std::to_string(r) + "][" + std::to_string(c) + "]");
          }
          out += "]";
        }
      } else {
        for (std::size_t i = 0; i < spec.size; ++i) {
          if (i) out += ", ";
          w.number(static_cast<double>(p[i]), where + "[" + std::to_string(i) + "]");
        }
      }
      out += "]}";
    }
    out += "\n  }";
  }
  out += "\n}\n";
  return out;
}

template <class T>
void write_trace_file(const std::string& path, const Model<T>& model, const Trace<T>& trace,
                      const std::type_identity_t<Gradients<T>>* grads, std::optional<double> loss, int sequence) {
  std::string text;
  try {
    text = trace_to_json(model, trace, grads, loss, sequence);
  } catch (const IoError& e) {
    throw IoError(path + ": " + e.what());
  }
  write_file_atomic(path, text);
}

#define UNROLLED_TRACE_FILE(T)                                                                          \
  template std::string trace_to_json<T>(const Model<T>&, const Trace<T>&, const std::type_identity_t<Gradients<T>>*,        \
                                        std::optional<double>, int);                                   \
  template void write_trace_file<T>(const std::string&, const Model<T>&, const Trace<T>&,             \
                                    const std::type_identity_t<Gradients<T>>*, std::optional<double>, int);
UNROLLED_TRACE_FILE(float)
UNROLLED_TRACE_FILE(double)
#undef UNROLLED_TRACE_FILE

}  // namespace unrolled::io
