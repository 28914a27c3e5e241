// `make bench`: throughput figures, never asserted by tests.
// Each area adds one function in its own file and one call here.
import Foundation
import LinearAlgebra

// Benchmarks run with one BLAS thread, as the workbench does, unless a section says otherwise.
BLASThreads.set(1)

print("workbench benchmarks (release build; numbers vary with the machine and its load)")
linearAlgebraBenchmarks()
greedyBenchmarks()
bilevelBenchmarks()
sparseNetsBenchmarks()
lotteryBenchmarks()
