// Memory tasks; size key in memory_tasks.hpp (T steps, I inputs, W/V training/validation windows).
#include "core/memory_tasks.hpp"

#include <charconv>
#include <random>
#include <stdexcept>

namespace unrolled {

namespace {
// Independent streams for the two splits: the seed is mixed (splitmix64) with a different constant each.
constexpr std::uint64_t train_stream = 0x243F6A8885A308D3ULL;
constexpr std::uint64_t val_stream = 0x13198A2E03707344ULL;

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed ^ stream;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// U[0, 1) from 53 random bits: the same numbers on every platform (the std distributions are not).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

int uniform_step(std::mt19937_64& rng, int lo, int hi) {  // lo … hi−1
  const int i = lo + static_cast<int>(uniform01(rng) * (hi - lo));
  return i < hi ? i : hi - 1;
}

int min_steps(MemoryTask task) { return task == MemoryTask::adding ? 2 : 1; }
}  // namespace

const char* memory_task_name(MemoryTask task) { return task == MemoryTask::adding ? "adding" : "copy"; }

int memory_task_inputs(MemoryTask task) { return task == MemoryTask::adding ? 2 : 1; }

bool is_memory_task(std::string_view text) {
  return text == "copy" || text == "adding" || text.starts_with("copy:") || text.starts_with("adding:");
}

std::string parse_memory_task(std::string_view text, MemoryTaskConfig& out) {
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  MemoryTask task;
  if (name == "copy") task = MemoryTask::copy;
  else if (name == "adding") task = MemoryTask::adding;
  else return "unknown memory task '" + std::string(name) + "' (copy:T or adding:T)";
  const std::string_view digits = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  const std::string range = std::to_string(min_steps(task)) + " and " + std::to_string(max_memory_task_steps);
  const std::string usage = std::string(name) + ":T needs the sequence length T, a whole number between " + range;
  if (digits.empty()) return usage;
  int steps = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), steps);
  if (ec != std::errc() || end != digits.data() + digits.size() || steps < min_steps(task) ||
      steps > max_memory_task_steps)
    return usage + ", got '" + std::string(digits) + "'";
  out.task = task;
  out.steps = steps;
  return {};
}

std::string validate_memory_task(const MemoryTaskConfig& c) {
  const std::string name = memory_task_name(c.task);
  if (c.steps < min_steps(c.task) || c.steps > max_memory_task_steps)
    return name + " task: the sequence length must be between " + std::to_string(min_steps(c.task)) + " and " +
           std::to_string(max_memory_task_steps) + ", got " + std::to_string(c.steps);
  if (c.train_windows < 1 || c.train_windows > max_memory_task_windows)
    return name + " task: training windows must be between 1 and " + std::to_string(max_memory_task_windows);
  if (c.val_windows < 1 || c.val_windows > max_memory_task_windows)
    return name + " task: validation windows must be between 1 and " + std::to_string(max_memory_task_windows);
  const long long values = (static_cast<long long>(c.train_windows) + c.val_windows) * c.steps *
                           memory_task_inputs(c.task);
  if (values > max_memory_task_values)
    return name + " task: " + std::to_string(c.train_windows) + " + " + std::to_string(c.val_windows) +
           " windows of " + std::to_string(c.steps) + " steps are " + std::to_string(values) +
           " input values, more than the " + std::to_string(max_memory_task_values) +
           " held in memory (use fewer windows or a shorter sequence)";
  return {};
}

double memory_task_baseline_prediction(MemoryTask task) { return task == MemoryTask::adding ? 1.0 : 0.0; }

double memory_task_baseline_mse(MemoryTask task) { return task == MemoryTask::adding ? 1.0 / 6.0 : 1.0 / 3.0; }

MemoryTaskDataset::MemoryTaskDataset(const MemoryTaskConfig& config) : config_(config) {
  if (std::string why = validate_memory_task(config_); !why.empty()) throw std::invalid_argument(why);
  train_ = generate(config_.train_windows, mix_seed(config_.seed, train_stream));
  val_ = generate(config_.val_windows, mix_seed(config_.seed, val_stream));
}

MemoryTaskDataset::Windows MemoryTaskDataset::generate(int n, std::uint64_t stream) const {
  const int T = config_.steps, I = input_size();
  std::mt19937_64 rng(stream);
  Windows out;
  out.x.assign(static_cast<std::size_t>(n) * T * I, 0.0f);
  out.y.resize(static_cast<std::size_t>(n));
  for (int w = 0; w < n; ++w) {
    float* x = out.x.data() + static_cast<std::size_t>(w) * T * I;  // [T × I], the rest stays 0
    if (config_.task == MemoryTask::copy) {
      x[0] = static_cast<float>(2.0 * uniform01(rng) - 1.0);
      out.y[static_cast<std::size_t>(w)] = x[0];
      continue;
    }
    for (int t = 0; t < T; ++t) x[t * 2] = static_cast<float>(uniform01(rng));
    const int a = uniform_step(rng, 0, T / 2), b = uniform_step(rng, T / 2, T);
    x[a * 2 + 1] = 1.0f;
    x[b * 2 + 1] = 1.0f;
    out.y[static_cast<std::size_t>(w)] = x[a * 2] + x[b * 2];
  }
  return out;
}

int MemoryTaskDataset::count(Split split) const { return static_cast<int>(part(split).y.size()); }

const float* MemoryTaskDataset::window(Split split, int w) const {
  if (w < 0 || w >= count(split)) throw std::out_of_range("MemoryTaskDataset: window index out of range");
  return part(split).x.data() + static_cast<std::size_t>(w) * config_.steps * input_size();
}

float MemoryTaskDataset::target(Split split, int w) const {
  (void)window(split, w);  // the range check
  return part(split).y[static_cast<std::size_t>(w)];
}

double MemoryTaskDataset::baseline_mse(Split split) const {
  const double c = memory_task_baseline_prediction(config_.task);
  double sum = 0.0;
  for (float y : part(split).y) sum += (y - c) * (y - c);
  return sum / static_cast<double>(count(split));
}

void MemoryTaskDataset::fill(Split split, const int* index, int B, Mat<float>& x, Mat<float>& y) const {
  const int T = config_.steps, I = input_size();
  for (int b = 0; b < B; ++b) {
    const float* src = window(split, index[b]);
    for (int t = 0; t < T; ++t)
      for (int i = 0; i < I; ++i) x(i, static_cast<Eigen::Index>(t) * B + b) = src[t * I + i];
    y(0, b) = part(split).y[static_cast<std::size_t>(index[b])];
  }
}

std::string MemoryTaskDataset::describe() const {
  return std::string(memory_task_name(config_.task)) + " task, T = " + std::to_string(config_.steps);
}

}  // namespace unrolled
