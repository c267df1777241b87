// Writing NumPy .npz archives (as numpy.savez does: stored, uncompressed NPY members), such as a
// model run in the format of tools/export_attention.py.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "attn/base/types.hpp"

namespace attn {

class NpzWriter {
 public:
  // A float32 or float64 array of `shape` (C order; prod(shape) values). A name already added is
  // a UsageError.
  void add(const std::string& name, const float* values, const std::vector<Index>& shape);
  void add(const std::string& name, const double* values, const std::vector<Index>& shape);
  // A 1-D text array ('<U', as numpy.array(list_of_str)); UTF-8 in, malformed bytes become U+FFFD.
  void add_strings(const std::string& name, const std::vector<std::string>& utf8);

  // Writes the archive atomically (attn::write_file_atomically); InputError naming `path` when it
  // cannot be written.
  void write(const std::string& path) const;

 private:
  void add_member(const std::string& name, std::string bytes);
  std::vector<std::pair<std::string, std::string>> members_;  // "name.npy", NPY bytes
};

}  // namespace attn
