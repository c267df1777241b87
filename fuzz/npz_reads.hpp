// Every way the tools read an NPZ archive, shared by fuzz_npz (mutated bytes) and
// fuzz_npz_structure (generated zips): each member as an array and as text, then the archive as a
// model file. Only the errors the readers document may come out.
#pragma once

#include <string>

#include "attn/io/model_file.hpp"
#include "attn/io/npz.hpp"
#include "fuzz_input_file.hpp"

namespace ax_fuzz {

inline void read_npz_every_way(const std::string& path) {
  expect_only_documented_errors([&] {
    const attn::NpzArchive archive(path);
    for (const std::string& name : archive.names()) {
      expect_only_documented_errors([&] { (void)archive.array(name, attn::NonFinite::AllowNaN); });
      expect_only_documented_errors([&] { (void)archive.strings(name); });
    }
  });
  expect_only_documented_errors([&] { (void)attn::read_model_file(path); });
}

}  // namespace ax_fuzz
