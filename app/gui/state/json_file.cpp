#include "state/json_file.hpp"

#include "attn/base/errors.hpp"
#include "attn/io/text_file.hpp"

namespace ax {

std::string json_error_text(const std::exception& e) {
  std::string message = e.what();
  if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
  return message;
}

template <class Json>
Json read_json_file(const std::string& path, const char* what) {
  const std::string text = attn::read_text_file(path, what);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number such as 1e400 that no double holds.
    throw attn::InputError(path + ": not valid JSON: " + json_error_text(e));
  }
}

template nlohmann::json read_json_file<nlohmann::json>(const std::string&, const char*);
template nlohmann::ordered_json read_json_file<nlohmann::ordered_json>(const std::string&, const char*);

}  // namespace ax
