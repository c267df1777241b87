// Reading JSON files (scenarios, lessons, word sets) with errors a user can act on.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ax {

// Parses `path`; `what` names the kind of file in the error ("scenario file"). Throws
// attn::InputError "<path>: cannot open the <what>", "<path>: not valid JSON: <where and why>", or
// "<path>: arrays and objects nested N levels deep ..." beyond kMaxJsonDepth (checked before parsing).
template <class Json = nlohmann::json>
Json read_json_file(const std::string& path, const char* what);

// nlohmann's message without its "[json.exception.xxx.nnn] " prefix.
std::string json_error_text(const std::exception& e);

}  // namespace ax
