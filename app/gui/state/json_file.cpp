#include "state/json_file.hpp"

#include <fstream>

#include "attn/errors.hpp"

namespace ax {

std::string json_error_text(const std::exception& e) {
  std::string message = e.what();
  if (auto pos = message.find("] "); pos != std::string::npos) message = message.substr(pos + 2);
  return message;
}

template <class Json>
Json read_json_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw attn::InputError(path + ": cannot open the " + what);
  try {
    return Json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw attn::InputError(path + ": not valid JSON: " + json_error_text(e));
  }
}

template nlohmann::json read_json_file<nlohmann::json>(const std::string&, const char*);
template nlohmann::ordered_json read_json_file<nlohmann::ordered_json>(const std::string&, const char*);

}  // namespace ax
