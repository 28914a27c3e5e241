// GSL without gsl.pc: its pkg-config line drags in -lgslcblas, which would compete
// with OpenBLAS for the cblas_* symbols (build trap 2). libgsl's own BLAS calls
// resolve into OpenBLAS, linked in the module map.
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_version.h>

// Swift 6 rejects direct use of mutable C globals such as gsl_rng_mt19937
// (build trap 3); these getters read them once, in C.
static inline const gsl_rng_type *wb_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const char *wb_gsl_version(void) { return gsl_version; }
