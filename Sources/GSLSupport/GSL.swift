import CGSL

/// A GSL routine returned a non-zero status code.
public struct GSLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The GSL status code (GSL_EDOM, GSL_EINVAL, ...).
    public let status: Int32
    /// The routine that failed.
    public let routine: String

    public init(status: Int32, routine: String) {
        self.status = status
        self.routine = routine
    }

    public var description: String {
        let reason = gsl_strerror(status).map { String(cString: $0) } ?? "unknown error"
        return "\(routine) failed: \(reason) (GSL status \(status))"
    }
}

/// Process-wide GSL set-up; every module that calls GSL touches `GSL.ready` first.
public enum GSL {
    /// GSL's default handler calls abort() on any error (build trap 5). Turning it off
    /// makes every routine return its status, which callers turn into `GSLError`.
    public static let ready: Void = {
        _ = gsl_set_error_handler_off()
    }()

    /// Throws `GSLError` for a non-zero status.
    @inlinable
    public static func check(_ status: Int32, _ routine: String) throws(GSLError) {
        if status != 0 { throw GSLError(status: status, routine: routine) }
    }

    /// The GSL library version string, for result records.
    public static var version: String { String(cString: wb_gsl_version()) }
}
