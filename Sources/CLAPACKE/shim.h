// LAPACKE lives in its own module: lapack.h pulls in complex.h, which changes
// how GSL defines gsl_complex (build trap 4), so it must never share a module with GSL.
#include <lapacke.h>

// For result records: the LAPACK version (reference LAPACK's ilaver, exported by liblapack).
void ilaver_(int *major, int *minor, int *patch);
