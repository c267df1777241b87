// Reading and writing arrays by file extension (.npy or .csv), or one array of an .npz archive
// named as ARCHIVE.npz:NAME.
#pragma once

#include <optional>
#include <string>

#include "attn/io/ndarray.hpp"

namespace attn {

struct ArchiveMember {
  std::string archive;  // "run.npz"
  std::string name;     // "q"
};
// "run.npz:q" names member q of run.npz; any other path is a plain file (nullopt).
std::optional<ArchiveMember> split_archive_member(const std::string& path);

// Throws InputError for an unknown extension or any problem of the format's reader. A bare .npz
// path is an error that lists the archive's arrays.
NdArray read_array_file(const std::string& path, NonFinite policy = NonFinite::Reject);

// Rank 1 to 4 for .npy, rank 1 or 2 for .csv (a stack of several matrices cannot be written as CSV).
template <class T>
void write_array_file(const std::string& path, const T* values, const std::vector<Index>& shape);

}  // namespace attn
