// NumPy .npz archives (numpy.savez and savez_compressed): named NPY arrays in a zip file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/io/ndarray.hpp"

namespace attn {

// An open archive. Members are listed when it opens and decoded on demand, so an archive with a
// member this program cannot use (an integer array, a text file) still serves its other arrays.
// Every error is an InputError naming the archive, the member and the problem.
class NpzArchive {
 public:
  // Throws when the file is missing, not a zip archive or truncated, when two members have the
  // same name (which one would be read?), or when the members' declared sizes add up to more than
  // the readers accept (checked before anything is inflated).
  explicit NpzArchive(const std::string& path);
  ~NpzArchive();
  NpzArchive(NpzArchive&&) noexcept;
  NpzArchive& operator=(NpzArchive&&) noexcept;

  const std::string& path() const;
  // Array names in archive order: member names without ".npy", as numpy.load lists them. Names are
  // as stored (they may hold any byte): quote them through attn::printable.
  const std::vector<std::string>& names() const;
  bool contains(const std::string& name) const;

  // What a member holds, from its NPY header only (nothing of its data is inflated): for budgets
  // and shape checks before a large archive is read.
  struct ArrayInfo {
    std::vector<Index> shape;
    bool is_text = false;
    std::uint64_t memory_bytes = 0;  // once read: numbers as doubles, or strings
  };
  ArrayInfo info(const std::string& name) const;

  // A numeric member (float32 or float64, rank 1 to 4). Refuses members that are not stored or
  // deflated, encrypted, or whose NPY header disagrees with the declared size, before allocating.
  NdArray array(const std::string& name, NonFinite policy = NonFinite::Reject) const;
  // A 1-D text member ('<U' or '|S'), as UTF-8 strings.
  std::vector<std::string> strings(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace attn
