#include "lessons/claim_text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <regex>

namespace ax {
namespace {

using nlohmann::json;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t k = from; k < parts.size(); ++k) out += (k > from ? "." : "") + parts[k];
  return out;
}

// Walks `path` (segments from `from`) into `value`.
std::optional<json> at_path(const json& value, const std::vector<std::string>& path, std::size_t from) {
  const json* node = &value;
  for (std::size_t k = from; k < path.size(); ++k) {
    const std::string& key = path[k];
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return std::nullopt;
      node = &*it;
    } else if (node->is_array()) {
      if (node->empty()) return std::nullopt;
      std::size_t index = 0;
      if (key == "first") {
        index = 0;
      } else if (key == "last") {
        index = node->size() - 1;
      } else if (!key.empty() && std::all_of(key.begin(), key.end(),
                                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        index = std::stoul(key);
        if (index >= node->size()) return std::nullopt;
      } else {
        return std::nullopt;
      }
      node = &(*node)[index];
    } else {
      return std::nullopt;
    }
  }
  return *node;
}

std::string format_number(double v, const std::string& format) {
  if (std::isnan(v)) return "undefined";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[64];
  if (format == "%") {
    std::snprintf(buffer, sizeof buffer, "%.3g%%", 100.0 * v);
  } else if (!format.empty()) {
    std::snprintf(buffer, sizeof buffer, ("%" + format).c_str(), v);
  } else if (v == std::round(v) && std::abs(v) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
  }
  return buffer;
}

bool valid_format(const std::string& format) {
  static const std::regex pattern(R"(^(%|\.[0-9]{1,2}[fge])?$)");
  return std::regex_match(format, pattern);
}

// The value a placeholder names, or nullopt; `pending` when it names a measured value that is not
// computed yet.
std::optional<json> resolve(const std::string& name, const TextSources& s, int claim, bool& pending) {
  const auto segments = split(name, '.');
  const auto* evaluation = s.evaluation;
  auto measured = [&](std::size_t k, const std::string& value) -> std::optional<json> {
    if (!evaluation || k >= evaluation->claims.size()) {
      pending = true;
      return std::nullopt;
    }
    const auto& values = evaluation->claims[k].values;
    if (auto it = values.find(value); it != values.end()) return it->second;
    return std::nullopt;
  };
  if (segments[0] == "state") return at_path(s.state, segments, 1);
  if (claim >= 0 && segments[0] == "param")
    return at_path(s.step.claims[static_cast<std::size_t>(claim)].params, segments, 1);
  for (std::size_t k = 0; k < s.step.claims.size(); ++k) {
    const Claim& c = s.step.claims[k];
    if (c.id.empty() || c.id != segments[0] || segments.size() < 2) continue;
    if (segments[1] == "param") return at_path(c.params, segments, 2);
    return measured(k, join(segments, 1));
  }
  if (claim >= 0) return measured(static_cast<std::size_t>(claim), name);
  return std::nullopt;
}

}  // namespace

std::string format_value(const json& value, const std::string& format) {
  if (value.is_number()) return format_number(value.get<double>(), format);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_null()) return "undefined";
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ", ") + format_value(v, format);
    return out;
  }
  return value.dump();
}

std::string fill_placeholders(const std::string& text, const TextSources& sources, int claim,
                              std::vector<std::string>* unresolved) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '{' && k + 1 < text.size() && text[k + 1] == '{') {  // "{{" is a literal brace
      out += '{';
      ++k;
      continue;
    }
    if (text[k] == '}' && k + 1 < text.size() && text[k + 1] == '}') {
      out += '}';
      ++k;
      continue;
    }
    if (text[k] != '{') {
      out += text[k];
      continue;
    }
    const std::size_t end = text.find('}', k);
    if (end == std::string::npos) {
      if (unresolved) unresolved->push_back(text.substr(k) + " (no closing brace)");
      out += text.substr(k);
      break;
    }
    const std::string inside = text.substr(k + 1, end - k - 1);
    const std::size_t bar = inside.rfind('|');
    const std::string name = bar == std::string::npos ? inside : inside.substr(0, bar);
    const std::string format = bar == std::string::npos ? std::string() : inside.substr(bar + 1);
    bool pending = false;
    const std::optional<json> value = valid_format(format) ? resolve(name, sources, claim, pending) : std::nullopt;
    if (value) {
      out += format_value(*value, format);
    } else if (pending) {
      out += "...";
    } else {
      out += "{?" + inside + "}";
      if (unresolved) unresolved->push_back(inside);
    }
    k = end;
  }
  return out;
}

std::vector<std::string> typed_numbers(const std::string& statement) {
  std::vector<std::string> found;
  auto glued_before = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '^' || c == '.' || c == '/';
  };
  int depth = 0;
  for (std::size_t k = 0; k < statement.size(); ++k) {
    const char c = statement[k];
    if (c == '{') ++depth;
    if (c == '}') depth = std::max(0, depth - 1);
    if (depth > 0 || !std::isdigit(static_cast<unsigned char>(c))) continue;
    if (k > 0 && glued_before(statement[k - 1])) continue;
    // A function's argument, as in g'(0) or F(1), is notation.
    if (k > 1 && statement[k - 1] == '(' &&
        (std::isalpha(static_cast<unsigned char>(statement[k - 2])) || statement[k - 2] == '\''))
      continue;
    std::size_t e = k;
    while (e < statement.size() && std::isdigit(static_cast<unsigned char>(statement[e]))) ++e;
    if (e + 1 < statement.size() && statement[e] == '.' && std::isdigit(static_cast<unsigned char>(statement[e + 1]))) {
      ++e;
      while (e < statement.size() && std::isdigit(static_cast<unsigned char>(statement[e]))) ++e;
    }
    if (e + 1 < statement.size() && (statement[e] == 'e' || statement[e] == 'E')) {
      std::size_t f = e + 1;
      if (f < statement.size() && (statement[f] == '-' || statement[f] == '+')) ++f;
      if (f < statement.size() && std::isdigit(static_cast<unsigned char>(statement[f]))) {
        while (f < statement.size() && std::isdigit(static_cast<unsigned char>(statement[f]))) ++f;
        e = f;
      }
    }
    const char next = e < statement.size() ? statement[e] : ' ';
    const bool glued_after =
        std::isalpha(static_cast<unsigned char>(next)) || next == '_' || next == '/' ||
        (next == '-' && e + 1 < statement.size() && std::isalpha(static_cast<unsigned char>(statement[e + 1])));
    if (!glued_after) found.push_back(statement.substr(k, e - k));
    k = e - 1;
  }
  return found;
}

}  // namespace ax
