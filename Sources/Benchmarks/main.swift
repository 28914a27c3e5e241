// `make bench`: throughput figures, never asserted by tests.
// Each area adds one function in its own file and one call here.
import Foundation

print("workbench benchmarks (release build; numbers vary with the machine and its load)")
linearAlgebraBenchmarks()
