#include "app/train_fields.hpp"

#include <cctype>
#include <string>
#include <utility>

namespace unrolled::app {

TrainField train_error_field(const std::string& message) {
  using F = TrainField;
  static const std::pair<F, const char*> keys[] = {
      {F::hidden, "hidden"},           {F::hidden, "parameters"},         {F::layers, "layers"},
      {F::steps, "sequence length"},   {F::val, "validation fraction"},   {F::length, "signal length"},
      {F::length, "the series"},       {F::length, "length must"},        {F::waves, "waves"},
      {F::frequency, "frequency"},     {F::amplitude, "amplitude"},       {F::noise, "noise"},
      {F::more_signal, "offset"},      {F::more_signal, "trend"},         {F::more_signal, "damping"},
      {F::more_signal, "phase"},       {F::csv, "csv"},                   {F::lr, "learning rate"},
      {F::momentum, "momentum"},       {F::momentum, "nesterov"},         {F::momentum, "dampening"},
      {F::weight_decay, "weight decay"}, {F::optimizer, "beta"},          {F::optimizer, "eps"},
      {F::clip, "clip"},               {F::schedule, "schedule"},         {F::schedule, "minimum learning rate"},
      {F::batch, "batch"},             {F::epochs, "epochs"},             {F::patience, "early-stopping"},
      {F::cell, "nonlinearity"},       {F::windows, "training windows"},  {F::val_windows, "validation windows"},
      {F::windows, "windows of"},      {F::loss, "loss:"},                {F::source, "memory task, not"},
      {F::forget_bias, "forget-gate bias"}};
  std::string low = message;
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  TrainField best = TrainField::none;
  std::size_t best_pos = std::string::npos, best_len = 0;
  for (const auto& [field, key] : keys) {
    const std::size_t pos = low.find(key);
    const std::size_t len = std::char_traits<char>::length(key);
    if (pos != std::string::npos && (pos < best_pos || (pos == best_pos && len > best_len))) {
      best = field;
      best_pos = pos;
      best_len = len;
    }
  }
  return best;
}

}  // namespace unrolled::app
