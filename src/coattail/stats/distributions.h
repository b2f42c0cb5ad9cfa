// Tail probabilities of the normal and Student t distributions, and the special functions behind
// them. Everything here is a pure function of its arguments (no state, no allocation).
//
// Accuracy: NormalCdf/NormalSf inherit the libm erfc accuracy (a few ulp). Against 40-digit mpmath
// references, StudentTSf is within 5e-14 relative for df from 0.5 to 1e9 and |t| <= 20, and
// RegularizedIncompleteBeta within 3e-13 on a grid of a, b in [0.5, 1e5], x in [0.001, 0.999]
// (distributions_test.cc pins representative points). Results below ~1e-300 may underflow to 0.
#ifndef COATTAIL_STATS_DISTRIBUTIONS_H_
#define COATTAIL_STATS_DISTRIBUTIONS_H_

namespace coattail::stats {

// P(Z <= x) and P(Z > x) for a standard normal Z, via erfc so that both tails keep full relative
// precision far from 0 (1 - Phi(x) would cancel to 0 for x > ~8.3).
double NormalCdf(double x);
double NormalSf(double x);

// ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b) for a, b > 0. When the larger argument
// is >= 10 the difference ln Gamma(A) - ln Gamma(A + s) is taken from Stirling's series
// (Abramowitz & Stegun 6.1.41) instead of subtracting two large lgamma values, which would lose
// about log10(A ln A) digits to cancellation (Student t with many degrees of freedom needs this).
double LogBeta(double a, double b);

// The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1], evaluated with
// the continued fraction of Abramowitz & Stegun 26.5.8 using the modified Lentz method (Numerical
// Recipes, 2nd ed., sections 5.2 and 6.4). Returns NaN for arguments outside the domain.
double RegularizedIncompleteBeta(double a, double b, double x);

// Upper-tail probability P(T > t) of Student's t with `df` > 0 degrees of freedom (df need not be
// an integer). Uses A(t|df) of Abramowitz & Stegun 26.7.1 in its incomplete-beta form:
//   P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2            for t >= 0,
//   P(T > t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2        for t < 0.
// df = +infinity gives NormalSf(t). Returns NaN when t or df is NaN or df <= 0.
double StudentTSf(double t, double df);

}  // namespace coattail::stats

#endif  // COATTAIL_STATS_DISTRIBUTIONS_H_
