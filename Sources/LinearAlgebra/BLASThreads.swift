import CBLAS

/// How many threads OpenBLAS may use.
///
/// The workbench's problems are small (gemv on 10×1000 atoms, minibatch gemms), where thread
/// start-up costs more than it saves, and a threaded reduction can change the last bits of a
/// result with the core count. So commands pin OpenBLAS to one thread unless asked otherwise.
public enum BLASThreads {
    /// The current OpenBLAS thread count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the OpenBLAS thread count (values below 1 are treated as 1).
    public static func set(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }
}
