// The simulator's own random number generator and distributions.
//
// std::*_distribution algorithms are implementation-defined, so the same seed would give different
// markets on different standard libraries. Everything here is specified bit for bit: xoshiro256**
// seeded through SplitMix64, uniform doubles from the top 53 bits, Marsaglia's polar method for
// normals and inversion for exponentials (with DetLog, see det_math.h).
#ifndef COATTAIL_SIM_RANDOM_H_
#define COATTAIL_SIM_RANDOM_H_

#include <cstdint>

namespace coattail::sim {

// SplitMix64's output function: a bijective 64-bit mixer.
uint64_t Mix64(uint64_t x);

// Advances a SplitMix64 state and returns its next output.
uint64_t SplitMix64Next(uint64_t& state);

// xoshiro256** with distribution helpers. Cheap to copy; not thread-safe.
class Rng {
 public:
  // Seeds the four state words with consecutive SplitMix64 outputs of `seed`.
  explicit Rng(uint64_t seed);

  // An independent stream for one purpose (`stream`) and one member of it (`index`), so that e.g.
  // adding noise wallets does not change what the informed wallets do.
  static Rng ForStream(uint64_t seed, uint64_t stream, uint64_t index);

  uint64_t Next();

  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform on [lo, hi).
  double Uniform(double lo, double hi);
  // Uniform integer on [0, n); n >= 1 and well below 2^53 (the bias is below n / 2^53).
  uint64_t Below(uint64_t n);
  // Uniform integer on [lo, hi], inclusive.
  int64_t IntBetween(int64_t lo, int64_t hi);
  // True with probability p.
  bool Bernoulli(double p);
  // Standard normal (Marsaglia polar method; the second value of each pair is kept for the next
  // call).
  double Normal();
  // Exponential with mean 1.
  double Exponential();
  // exp(Uniform(log lo, log hi)): sizes spread evenly over orders of magnitude. 0 < lo <= hi.
  double LogUniform(double lo, double hi);

 private:
  uint64_t s_[4];
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_RANDOM_H_
