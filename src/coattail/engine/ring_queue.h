// A FIFO with random access over one contiguous ring of slots.
//
// The engine's queues (reorder buffer, dedup window, pending evaluations) push at the back and pop
// at the front once per event. std::deque allocates and frees a 512-byte block every few elements
// of these sizes; this ring allocates only when it doubles, and keeps the elements contiguous.
#ifndef COATTAIL_ENGINE_RING_QUEUE_H_
#define COATTAIL_ENGINE_RING_QUEUE_H_

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace coattail::engine {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  T& operator[](size_t i) { return slots_[(head_ + i) & mask_]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & mask_]; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    // Checked here rather than in the class body so that T may be incomplete where a RingQueue<T>
    // member is declared.
    static_assert(std::is_trivially_copyable_v<T>, "elements are copied around as plain values");
    if (size_ == slots_.size()) Grow();
    slots_[(head_ + size_) & mask_] = value;
    ++size_;
  }

  // Appends a value-initialised element and returns it, to be filled in place.
  T& emplace_back() {
    static_assert(std::is_trivially_copyable_v<T>, "elements are copied around as plain values");
    if (size_ == slots_.size()) Grow();
    T& slot = slots_[(head_ + size_) & mask_];
    slot = T{};
    ++size_;
    return slot;
  }

  // Appends an element left as the slot held it, for a caller that assigns every field. On the
  // hot paths this saves value-initialising 100-odd bytes, which g++ does with a `rep stos` that
  // costs more to start than the stores themselves.
  T& emplace_back_for_overwrite() {
    static_assert(std::is_trivially_copyable_v<T>, "elements are copied around as plain values");
    if (size_ == slots_.size()) Grow();
    T& slot = slots_[(head_ + size_) & mask_];
    ++size_;
    return slot;
  }

  void pop_back() { --size_; }

  void pop_front() {
    head_ = (head_ + 1) & mask_;
    --size_;
  }

  // The first position whose element fails `pred`, for a queue partitioned by it (every element
  // that satisfies it comes first): a binary search, as std::partition_point.
  template <typename Pred>
  size_t PartitionPoint(Pred pred) const {
    size_t lo = 0;
    size_t hi = size_;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (pred((*this)[mid])) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Inserts `value` before position i (0 <= i <= size()), shifting the later elements back.
  void insert(size_t i, const T& value) {
    push_back(value);
    for (size_t j = size_ - 1; j > i; --j) (*this)[j] = (*this)[j - 1];
    (*this)[i] = value;
  }

  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void Grow() {
    std::vector<T> bigger(slots_.empty() ? 16 : 2 * slots_.size());
    for (size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    slots_ = std::move(bigger);
    head_ = 0;
    mask_ = slots_.size() - 1;
  }

  std::vector<T> slots_;  // capacity is 0 or a power of two
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace coattail::engine

#endif  // COATTAIL_ENGINE_RING_QUEUE_H_
