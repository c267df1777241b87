// The names of an enum's values as files and command lines spell them. One table per enum
// serves both directions and the list of choices that error messages give, so a name is never
// written twice:
//
//   constexpr NameOf<Mask> kMaskNames[] = {{Mask::None, "none"}, {Mask::Causal, "causal"}};
//   name_of(kMaskNames, Mask::Causal)             // "causal"
//   parse_name(kMaskNames, "diagonal", "mask")    // UsageError: unknown mask 'diagonal' (choose none or causal)
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "attn/base/errors.hpp"

namespace attn {

template <class E>
using NameOf = std::pair<E, std::string_view>;

// The name of `value` (tables list every value; the first name stands in for a value missing).
template <class E, std::size_t N>
constexpr std::string_view name_of(const NameOf<E> (&table)[N], E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

// The value named `name`, if one is.
template <class E, std::size_t N>
constexpr std::optional<E> value_of(const NameOf<E> (&table)[N], std::string_view name) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// Every value, in the table's order.
template <class E, std::size_t N>
constexpr std::array<E, N> values_of(const NameOf<E> (&table)[N]) {
  std::array<E, N> values{};
  for (std::size_t k = 0; k < N; ++k) values[k] = table[k].first;
  return values;
}

// Every name, for messages: "gaussian, clusters or sphere".
template <class E, std::size_t N>
std::string choices_of(const NameOf<E> (&table)[N]) {
  std::string out;
  for (std::size_t k = 0; k < N; ++k) {
    if (k > 0) out += k + 1 == N ? " or " : ", ";
    out += table[k].second;
  }
  return out;
}

// The value named `name`, else UsageError "unknown <what> '<name>' (choose <choices>)".
template <class E, std::size_t N>
E parse_name(const NameOf<E> (&table)[N], std::string_view name, std::string_view what) {
  if (const auto value = value_of(table, name)) return *value;
  throw UsageError("unknown " + std::string(what) + " '" + std::string(name) + "' (choose " + choices_of(table) + ")");
}

}  // namespace attn
