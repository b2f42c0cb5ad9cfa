// Bit-exact binary serialisation for the engine checkpoint. Doubles are stored as their IEEE-754
// bit patterns so that a resumed run continues from exactly the same state.
#ifndef COATTAIL_ENGINE_BINARY_IO_H_
#define COATTAIL_ENGINE_BINARY_IO_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"

namespace coattail::engine {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) : out_(out) {}

  template <typename T>
  requires std::is_trivially_copyable_v<T>
  void Put(const T& value) { out_.append(reinterpret_cast<const char*>(&value), sizeof(T)); }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}

  template <typename T>
  requires std::is_trivially_copyable_v<T>
  bool Get(T& value) {
    if (in_.size() < sizeof(T)) return Fail();
    std::memcpy(&value, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool GetString(std::string& s) {
    uint64_t n = 0;
    if (!Get(n) || in_.size() < n) return Fail();
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  // Reads a length that must not exceed the bytes left (each element takes >= min_elem_bytes).
  bool GetCount(uint64_t& n, size_t min_elem_bytes) {
    if (!Get(n)) return false;
    if (min_elem_bytes > 0 && n > in_.size() / min_elem_bytes) return Fail();
    return true;
  }
  std::string_view& rest() { return in_; }
  bool ok() const { return ok_; }
  bool done() const { return ok_ && in_.empty(); }
  absl::Status status(std::string_view what) const {
    return ok_ ? absl::OkStatus()
               : absl::DataLossError(std::string("checkpoint is corrupt or truncated in ") +
                                     std::string(what));
  }

 private:
  bool Fail() {
    ok_ = false;
    return false;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_BINARY_IO_H_
