import CBLAS
import CLAPACKE

/// Versions of the numerical libraries linked in, for result records.
public enum LinearAlgebraLibraries {
    /// OpenBLAS's build string (version, threading, target core).
    public static var blas: String {
        guard let c = openblas_get_config() else { return "unknown" }
        return String(cString: c).trimmingCharacters(in: .whitespaces)
    }

    /// The LAPACK version, e.g. "3.11.0".
    public static var lapack: String {
        var a: Int32 = 0, b: Int32 = 0, c: Int32 = 0
        ilaver_(&a, &b, &c)
        return "\(a).\(b).\(c)"
    }
}

import Foundation
