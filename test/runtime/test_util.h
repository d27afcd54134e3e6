// Helpers shared by the bnnc runtime unit tests.
#ifndef BNNC_TEST_RUNTIME_TEST_UTIL_H
#define BNNC_TEST_RUNTIME_TEST_UTIL_H

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

namespace bnnc_test {

// A fresh directory under the system temporary directory, removed with its contents at scope end.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bnnc-rt-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty())
      std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string file(const std::string &name) const { return path_ + "/" + name; }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

inline std::string ReadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// A .npy file: magic, version, header length (2 bytes for 1.x, 4 for 2.x/3.x), the header text
// (padded with spaces and '\n' to a multiple of 64 bytes if pad), then data.
inline std::string MakeNpy(int major, const std::string &dict, const std::string &data,
                           bool pad = true, int minor = 0) {
  size_t prelen = major == 1 ? 10 : 12;
  std::string header = dict;
  if (pad) {
    size_t total = prelen + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header.push_back('\n');
  }
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(static_cast<char>(minor));
  uint32_t len = static_cast<uint32_t>(header.size());
  for (size_t i = 0; i < prelen - 8; ++i)
    out.push_back(static_cast<char>((len >> (8 * i)) & 0xFF));
  return out + header + data;
}

} // namespace bnnc_test

#endif // BNNC_TEST_RUNTIME_TEST_UTIL_H
