#include "attn/io/array_files.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "attn/io/csv.hpp"
#include "attn/io/npy.hpp"
#include "attn/io/npz.hpp"

namespace attn {
namespace {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

std::optional<ArchiveMember> split_archive_member(const std::string& path) {
  // The first ':' after a ".npz": member names may hold ':' themselves ("run.npz:layer:0").
  for (std::size_t colon = path.find(':'); colon != std::string::npos; colon = path.find(':', colon + 1)) {
    if (extension_of(path.substr(0, colon)) == ".npz")
      return ArchiveMember{path.substr(0, colon), path.substr(colon + 1)};
  }
  return std::nullopt;
}

namespace {

NdArray read_any(const std::string& path, NonFinite policy) {
  if (const auto member = split_archive_member(path)) {
    if (member->name.empty()) throw InputError(path + ": no array name after the ':'");
    return NpzArchive(member->archive).array(member->name, policy);
  }
  const std::string ext = extension_of(path);
  if (ext == ".npy") return read_npy(path, policy);
  if (ext == ".csv") return read_csv(path, policy);
  if (ext == ".npz") {
    const NpzArchive archive(path);
    std::string list;
    for (const std::string& name : archive.names()) list += (list.empty() ? "" : ", ") + printable(name);
    throw InputError(path + ": an archive of several arrays; name one as " + path +
                     ":NAME (it holds: " + (list.empty() ? "nothing" : list) + ")");
  }
  throw InputError(path + ": unknown file type '" + printable(ext) + "' (use .npy, .csv or FILE.npz:NAME)");
}

}  // namespace

NdArray read_array_file(const std::string& path, NonFinite policy) {
  return naming_out_of_memory(path, [&] { return read_any(path, policy); });
}

template <class T>
void write_array_file(const std::string& path, const T* values, const std::vector<Index>& shape) {
  const std::string ext = extension_of(path);
  if (ext == ".npy") return write_npy(path, values, shape);
  if (ext == ".csv") {
    Index matrices = 1;
    for (std::size_t k = 0; k + 2 < shape.size(); ++k) matrices *= shape[k];
    if (matrices != 1) {
      throw InputError(path + ": a stack of " + std::to_string(matrices) +
                       " matrices cannot be written as CSV (use .npy)");
    }
    const Index rows = shape.size() == 1 ? shape[0] : shape[shape.size() - 2];
    const Index cols = shape.size() == 1 ? 1 : shape.back();
    return write_csv(path, values, rows, cols);
  }
  throw InputError(path + ": unknown file type '" + ext + "' (use .npy or .csv)");
}

template void write_array_file<float>(const std::string&, const float*, const std::vector<Index>&);
template void write_array_file<double>(const std::string&, const double*, const std::vector<Index>&);

}  // namespace attn
