// Shared helpers of the language-model tests: the shipped models' paths and copies of a model
// file with one member changed (written by the engine's own NPZ writer).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "attn/io/npz.hpp"
#include "attn/io/npz_writer.hpp"

namespace attn::test {

inline std::string model_path(const std::string& name) {
  return std::string(AX_SOURCE_DIR) + "/assets/models/" + name + ".npz";
}

// Each member of `archive` as it would be written back: numbers (float32 or float64) or text.
struct MemberCopy {
  std::string name;
  NdArray numbers;
  std::vector<std::string> text;
  bool is_text = false;
};

inline std::vector<MemberCopy> copy_members(const NpzArchive& archive) {
  std::vector<MemberCopy> out;
  for (const std::string& name : archive.names()) {
    MemberCopy m;
    m.name = name;
    try {
      m.numbers = archive.array(name, NonFinite::AllowNaN);
    } catch (const InputError&) {
      m.text = archive.strings(name);
      m.is_text = true;
    }
    out.push_back(std::move(m));
  }
  return out;
}

inline void write_members(const std::vector<MemberCopy>& members, const std::string& path) {
  NpzWriter writer;
  for (const MemberCopy& m : members) {
    if (m.is_text) {
      writer.add_strings(m.name, m.text);
    } else if (m.numbers.dtype == DType::Float32) {
      const std::vector<float> narrow(m.numbers.values.begin(), m.numbers.values.end());
      writer.add(m.name, narrow.data(), m.numbers.shape);
    } else {
      writer.add(m.name, m.numbers.values.data(), m.numbers.shape);
    }
  }
  writer.write(path);
}

// A copy of model `name` at `path` after `edit` changed its members.
inline void write_edited_model(const std::string& name, const std::string& path,
                               const std::function<void(std::vector<MemberCopy>&)>& edit) {
  std::vector<MemberCopy> members = copy_members(NpzArchive(model_path(name)));
  edit(members);
  write_members(members, path);
}

}  // namespace attn::test
