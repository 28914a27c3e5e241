import CGSL
import Foundation
import GSLSupport

/// Ordinary least squares y = intercept + slope·x with GSL's covariance estimates.
public struct LinearFit: Sendable, Codable, Equatable {
    public let intercept: Double
    public let slope: Double
    /// Var(intercept), Cov(intercept, slope), Var(slope), from the residual variance.
    public let cov00: Double, cov01: Double, cov11: Double
    /// Residual sum of squares.
    public let sumOfSquares: Double
    /// Coefficient of determination.
    public let rSquared: Double
    /// Number of points fitted.
    public let count: Int

    /// Standard error of the slope.
    public var slopeStandardError: Double { cov11.squareRoot() }

    /// Fits y on x (at least 3 finite points, x not constant).
    public init(x: [Double], y: [Double]) throws(StatisticsError) {
        guard x.count == y.count else { throw .lengthMismatch(x.count, y.count) }
        guard x.count >= 3 else { throw .tooFewPoints(needed: 3, got: x.count, what: "a linear fit") }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else { throw .invalidValue("non-finite value in fit data") }
        guard (x.max() ?? 0) > (x.min() ?? 0) else { throw .invalidValue("x is constant, the slope is undefined") }
        _ = GSL.ready
        var c0 = 0.0, c1 = 0.0, v00 = 0.0, v01 = 0.0, v11 = 0.0, ss = 0.0
        let status = gsl_fit_linear(x, 1, y, 1, x.count, &c0, &c1, &v00, &v01, &v11, &ss)
        do { try GSL.check(status, "gsl_fit_linear") } catch { throw .gsl(error) }
        intercept = c0
        slope = c1
        cov00 = v00; cov01 = v01; cov11 = v11
        sumOfSquares = ss
        let ybar = y.reduce(0, +) / Double(y.count)
        let tss = y.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }
        rSquared = tss > 0 ? 1 - ss / tss : 1
        count = x.count
    }

    /// Predicted y at x.
    public func predict(_ x: Double) -> Double { intercept + slope * x }

    /// A t-interval on the slope from this single fit (only meaningful for independent residuals).
    public func slopeInterval(level: Double = 0.95) -> ConfidenceInterval {
        let t = tQuantile(probability: 0.5 + level / 2, degreesOfFreedom: Double(count - 2))
        return ConfidenceInterval(estimate: slope, lower: slope - t * slopeStandardError, upper: slope + t * slopeStandardError,
                                  level: level, method: .tRegression, sampleSize: count)
    }
}

/// L_n ≈ A·e^{−c n}: least squares of ln L on n.
public struct ExponentialFit: Sendable, Codable, Equatable {
    /// The decay constant c (positive for decay).
    public let rate: Double
    /// The amplitude A.
    public let amplitude: Double
    /// R² of the semilog fit.
    public let rSquared: Double
    /// The underlying linear fit of ln L on n.
    public let linear: LinearFit

    /// Fits; every L must be positive and finite.
    public init(n: [Double], values: [Double]) throws(StatisticsError) {
        guard values.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw .invalidValue("an exponential fit needs positive finite values") }
        let f = try LinearFit(x: n, y: values.map { Foundation.log($0) })
        linear = f
        rate = -f.slope
        amplitude = Foundation.exp(f.intercept)
        rSquared = f.rSquared
    }
}

/// L ≈ A·N^{slope}: least squares of log10 L on log10 N.
public struct PowerLawFit: Sendable, Codable, Equatable {
    /// The log-log slope.
    public let slope: Double
    /// The amplitude A.
    public let amplitude: Double
    /// R² of the log-log fit.
    public let rSquared: Double
    /// The underlying linear fit of log10 L on log10 N.
    public let linear: LinearFit

    /// Fits; x and values must be positive and finite.
    public init(x: [Double], values: [Double]) throws(StatisticsError) {
        guard x.allSatisfy({ $0 > 0 && $0.isFinite }), values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidValue("a power-law fit needs positive finite values")
        }
        let f = try LinearFit(x: x.map { log10($0) }, y: values.map { log10($0) })
        linear = f
        slope = f.slope
        amplitude = pow(10, f.intercept)
        rSquared = f.rSquared
    }
}

/// Semilog against log-log on the same window: which model describes a decay better.
public struct DecayModelComparison: Sendable, Codable, Equatable {
    public let exponential: ExponentialFit
    public let powerLaw: PowerLawFit

    /// Fits both models to (n, L) with n > 0 and L > 0.
    public init(n: [Double], values: [Double]) throws(StatisticsError) {
        exponential = try ExponentialFit(n: n, values: values)
        powerLaw = try PowerLawFit(x: n, values: values)
    }

    /// True when the exponential (semilog) model fits better.
    public var exponentialWins: Bool { exponential.rSquared > powerLaw.rSquared }
}

/// The Student-t quantile (GSL's inverse CDF).
public func tQuantile(probability p: Double, degreesOfFreedom nu: Double) -> Double {
    _ = GSL.ready
    return gsl_cdf_tdist_Pinv(p, nu)
}
