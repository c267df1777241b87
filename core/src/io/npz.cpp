#include "attn/io/npz.hpp"

#include <algorithm>

#include <zip.h>

#include "attn/base/errors.hpp"
#include "attn/base/memory_budget.hpp"
#include "attn/base/safe_text.hpp"
#include "io/file_reading.hpp"
#include "io/npy_format.hpp"
#include "io/npy_header.hpp"

namespace attn {
namespace {

// A member may hold the largest array the readers accept plus its header; the whole archive four
// such members (q, k, v and weights of one model run). Declared sizes are checked against these
// before a byte is inflated.
constexpr std::uint64_t kMaxMemberBytes = static_cast<std::uint64_t>(kMaxArrayElements) * 8 + (1u << 20);
constexpr std::uint64_t kMaxArchiveBytes = 4 * kMaxMemberBytes;

std::string zip_message(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct Member {
  std::string name;      // as listed by names(): ".npy" dropped
  std::string zip_name;  // as stored
  zip_uint64_t index = 0;
  std::uint64_t size = 0;  // declared uncompressed size
  std::uint16_t method = 0;
  bool encrypted = false;
};

}  // namespace

struct NpzArchive::Impl {
  std::string path;
  zip_t* zip = nullptr;
  std::vector<Member> members;
  std::vector<std::string> names;

  ~Impl() {
    if (zip) zip_discard(zip);  // read-only: nothing to write back
  }

  std::string where(const Member& m) const { return path + ": member '" + printable(m.zip_name, 80) + "'"; }

  const Member& find(const std::string& name) const {
    for (const Member& m : members) {
      if (m.name == name) return m;
    }
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + printable(n);
    throw InputError(path + ": no array named '" + printable(name) +
                     "' (the archive holds: " + (list.empty() ? "nothing" : list) + ")");
  }

  // Opens member `m` for reading: refuses encryption and compression methods NumPy never writes.
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> open(const Member& m) const {
    const std::string source = where(m);
    if (m.encrypted) throw InputError(source + ": is encrypted (NumPy archives are not)");
    if (m.method != ZIP_CM_STORE && m.method != ZIP_CM_DEFLATE) {
      throw InputError(source + ": uses compression method " + std::to_string(m.method) +
                       " (NumPy writes stored or deflated members only)");
    }
    zip_file_t* file = zip_fopen_index(zip, m.index, 0);
    if (!file) throw InputError(source + ": cannot open: " + zip_strerror(zip));
    return {file, &zip_fclose};
  }

  static detail::ByteReader reader_of(zip_file_t* file, const std::string& source) {
    return [file, source](unsigned char* dst, std::size_t count) -> std::size_t {
      std::size_t done = 0;
      while (done < count) {
        const zip_int64_t got = zip_fread(file, dst + done, count - done);
        if (got < 0) throw InputError(source + ": damaged data: " + zip_file_strerror(file));
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
      }
      return done;
    };
  }

  detail::NpyHeader header(const Member& m) const {
    const auto file = open(m);
    return detail::read_npy_header(reader_of(file.get(), where(m)), m.size, where(m));
  }

  detail::NpyContent decode(const Member& m, NonFinite policy) const {
    const std::string source = where(m);
    auto file = open(m);
    const detail::ByteReader read = reader_of(file.get(), source);
    // The declared size may lie (a bomb, or a directory that claims 2 GiB): nothing is allocated
    // from it, buffers grow as the data inflate.
    detail::NpyContent content = naming_out_of_memory(
        source, [&] { return detail::read_npy_content(read, m.size, source, policy, detail::StatedSize::Declared); });
    // The payload matched its declared size; more bytes would mean the directory lies. Reading to
    // the end also makes libzip check the CRC.
    unsigned char extra = 0;
    if (read(&extra, 1) != 0) throw InputError(source + ": holds more data than its declared size");
    const int rc = zip_fclose(file.release());
    if (rc != 0) throw InputError(source + ": damaged data: " + zip_message(rc));
    return content;
  }

  // Two members of one name: numpy.load silently keeps one of them; the app refuses to guess.
  void refuse_duplicate(const Member& m) const {
    for (const Member& other : members) {
      if (other.name != m.name) continue;
      throw InputError(path + ": two members are named '" + printable(m.name, 80) + "' (entries " +
                       std::to_string(other.index) + " '" + printable(other.zip_name, 80) + "' and " +
                       std::to_string(m.index) + " '" + printable(m.zip_name, 80) +
                       "'): refused, since either could be meant");
    }
  }
};

NpzArchive::NpzArchive(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  std::uintmax_t file_size = 0;
  detail::open_for_reading(path, file_size);  // the same messages as every reader for missing files
  int code = 0;
  impl_->zip = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!impl_->zip && code == ZIP_ER_EXISTS) {
    throw InputError(path + ": two members are named alike (libzip: " + zip_message(code) +
                     "): refused, since either could be meant");
  }
  if (!impl_->zip) {
    throw InputError(path + ": not a readable NPZ archive (" + zip_message(code) +
                     "; a truncated file loses its directory)");
  }
  const zip_int64_t count = zip_get_num_entries(impl_->zip, 0);
  std::uint64_t total = 0;
  for (zip_int64_t k = 0; k < count; ++k) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(impl_->zip, static_cast<zip_uint64_t>(k), 0, &st) != 0) {
      throw InputError(path + ": entry " + std::to_string(k) + " is unreadable: " + zip_strerror(impl_->zip));
    }
    Member m;
    m.index = static_cast<zip_uint64_t>(k);
    m.zip_name = (st.valid & ZIP_STAT_NAME) ? st.name : "";
    if (!m.zip_name.empty() && m.zip_name.back() == '/') continue;  // a directory entry
    m.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    m.method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : ZIP_CM_STORE;
    m.encrypted = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE;
    m.name = m.zip_name;
    if (m.name.size() > 4 && m.name.compare(m.name.size() - 4, 4, ".npy") == 0) m.name.resize(m.name.size() - 4);
    if (m.size > kMaxMemberBytes) {
      throw InputError(impl_->where(m) + ": declares " + std::to_string(m.size) +
                       " bytes uncompressed, more than the limit of " + std::to_string(kMaxMemberBytes) +
                       " (refused before inflating)");
    }
    impl_->refuse_duplicate(m);
    total += m.size;
    if (total > kMaxArchiveBytes) {
      throw InputError(path + ": members declare more than " + std::to_string(kMaxArchiveBytes) +
                       " bytes uncompressed in all (refused before inflating)");
    }
    impl_->names.push_back(m.name);
    impl_->members.push_back(std::move(m));
  }
}

NpzArchive::~NpzArchive() = default;
NpzArchive::NpzArchive(NpzArchive&&) noexcept = default;
NpzArchive& NpzArchive::operator=(NpzArchive&&) noexcept = default;

const std::string& NpzArchive::path() const { return impl_->path; }
const std::vector<std::string>& NpzArchive::names() const { return impl_->names; }

bool NpzArchive::contains(const std::string& name) const {
  return std::find(impl_->names.begin(), impl_->names.end(), name) != impl_->names.end();
}

NpzArchive::ArrayInfo NpzArchive::info(const std::string& name) const {
  const Member& m = impl_->find(name);
  const detail::NpyHeader h = impl_->header(m);
  return {h.shape, h.is_text(), detail::npy_memory_bytes(h)};
}

NdArray NpzArchive::array(const std::string& name, NonFinite policy) const {
  const Member& m = impl_->find(name);
  detail::NpyContent content = impl_->decode(m, policy);
  if (content.is_text) {
    throw InputError(impl_->where(m) + ": holds " + std::to_string(content.strings.size()) + " strings, not numbers");
  }
  return std::move(content.numbers);
}

std::vector<std::string> NpzArchive::strings(const std::string& name) const {
  const Member& m = impl_->find(name);
  detail::NpyContent content = impl_->decode(m, NonFinite::AllowNaN);
  if (!content.is_text) {
    throw InputError(impl_->where(m) + ": holds numbers of shape " + content.numbers.shape_text() +
                     ", not text (need a '<U' string array)");
  }
  return std::move(content.strings);
}

}  // namespace attn
