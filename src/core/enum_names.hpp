// One table per enum: its values and the names files, flags and messages use for them, read both
// ways, so each name is written once (not in a switch here and a parse loop there).
//
//   inline constexpr EnumName<TrainStatus> train_status_names[] = {{TrainStatus::running, "running"}, …};
//   name_of(train_status_names, status)            -> "running"
//   parse_name(train_status_names, "running", out) -> true, out = TrainStatus::running
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace unrolled {

template <class E> struct EnumName {
  E value;
  const char* name;
};

// The name of `value`, or `unknown` when the table does not list it.
template <class E, std::size_t N>
constexpr const char* name_of(const EnumName<E> (&table)[N], E value, const char* unknown = "?") {
  for (const EnumName<E>& e : table)
    if (e.value == value) return e.name;
  return unknown;
}

// The value named `text`; false (out unchanged) when no entry has that name.
template <class E, std::size_t N> constexpr bool parse_name(const EnumName<E> (&table)[N], std::string_view text, E& out) {
  for (const EnumName<E>& e : table)
    if (text == e.name) {
      out = e.value;
      return true;
    }
  return false;
}

// "a, b, c": the names in table order (for "expected one of" messages).
template <class E, std::size_t N> std::string names_list(const EnumName<E> (&table)[N]) {
  std::string out;
  for (const EnumName<E>& e : table) out += (out.empty() ? "" : ", ") + std::string(e.name);
  return out;
}

}  // namespace unrolled
