// CBLAS is declared through GSL's header only. OpenBLAS's own cblas.h defines
// CBLAS_TRANSPOSE with a fourth case, and importing both headers into Swift fails
// (build trap 1). The symbols are OpenBLAS's (32-bit ints on Debian), linked here.
#include <gsl/gsl_cblas.h>

// For result records: which BLAS build ran (OpenBLAS exports this; GSL's header does not declare it).
char *openblas_get_config(void);

// Thread control: the workbench pins OpenBLAS to one thread by default (see BLASThreads).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
