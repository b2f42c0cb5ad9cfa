// Deterministic exp/log for the simulator.
//
// The C library's exp and log are not required to round identically everywhere, and one ulp of
// difference in a price is enough to change the simulator's formatted output. These versions use
// only IEEE-754 basic operations (which are correctly rounded everywhere) and exact bit
// manipulation, so the same input gives the same bits on every conforming platform. The library is
// built with -ffp-contract=off so the compiler cannot fuse the multiply-adds differently per
// target.
#ifndef COATTAIL_SIM_DET_MATH_H_
#define COATTAIL_SIM_DET_MATH_H_

namespace coattail::sim {

// Natural logarithm of a finite x > 0, within about an ulp of the exact value.
// Returns NaN for x < 0 or NaN, -inf for 0 and +inf for +inf.
double DetLog(double x);

// e^x within about an ulp; 0 below about -745 and +inf above about 709.78. NaN stays NaN.
double DetExp(double x);

}  // namespace coattail::sim

#endif  // COATTAIL_SIM_DET_MATH_H_
