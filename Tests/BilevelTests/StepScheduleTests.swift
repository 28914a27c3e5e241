import Bilevel
import Foundation
import Testing

/// Every decayed-step solver's rates at k = 0, 10³, 10⁴ against its documented schedule, computed here a second
/// way (exp/log rather than pow), and the exponent read back from the ratio of two late steps: a wrong power moves
/// the k = 10⁴ rate by a factor 10^{±Δp} while the low-noise endpoints of the convergence tests barely notice.
@Suite("step schedules against their documented exponents")
struct StepScheduleTests {
    static let ks = [0, 1_000, 10_000]

    /// scale·(offset/(offset + k))^p, written independently of the solvers' pow.
    static func schedule(_ scale: Double, _ offset: Double, _ p: Double, _ k: Int) -> Double {
        scale * exp(p * (log(offset) - log(offset + Double(k))))
    }

    /// The power p with rate(k₂)/rate(k₁) = ((o + k₁)/(o + k₂))^p.
    static func exponent(_ r1: Double, _ r2: Double, _ k1: Int, _ k2: Int, offset: Double) -> Double {
        log(r2 / r1) / log((offset + Double(k1)) / (offset + Double(k2)))
    }

    static func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol * max(abs(b), 1e-300) }

    @Test("TTSA: α_k = α₀(k₀/(k₀+k))^{3/5}, β_k = β₀(k₀/(k₀+k))^{2/5}")
    func ttsa() throws {
        let s = try TTSA.make(["alpha": "0.2", "beta": "0.6", "offset": "7"], problem: try Fixtures.quadratic())
        for k in Self.ks {
            let r = s.rates(at: k)
            #expect(Self.close(r.x, Self.schedule(0.2, 7, 0.6, k)))
            #expect(Self.close(r.y, Self.schedule(0.6, 7, 0.4, k)))
        }
        #expect(Self.close(Self.exponent(s.rates(at: 1_000).x, s.rates(at: 10_000).x, 1_000, 10_000, offset: 7), 0.6, 1e-10))
        #expect(Self.close(Self.exponent(s.rates(at: 1_000).y, s.rates(at: 10_000).y, 1_000, 10_000, offset: 7), 0.4, 1e-10))
        // Two timescales: the x step decays faster than the y step.
        #expect(s.rates(at: 10_000).x / s.rates(at: 0).x < s.rates(at: 10_000).y / s.rates(at: 0).y)
    }

    @Test("BSA: α_k = α/√(k+1), constant β, T_k = min(T_max, ⌈T₀√(k+1)⌉)")
    func bsa() throws {
        let s = try BSA.make(["alpha": "0.2", "beta": "0.6", "T0": "0.5", "Tmax": "30"], problem: try Fixtures.quadratic())
        #expect(s.rates(at: 0) == StepRates(x: 0.2, y: 0.6, innerSteps: 1))
        #expect(Self.close(s.rates(at: 1_000).x, 0.2 / 1_001.0.squareRoot()))
        #expect(Self.close(s.rates(at: 10_000).x, 0.2 * exp(-0.5 * log(10_001.0))))
        #expect(s.rates(at: 10_000).y == 0.6)
        #expect(s.rates(at: 3).innerSteps == 1)      // ⌈0.5·2⌉
        #expect(s.rates(at: 8).innerSteps == 2)      // ⌈0.5·3⌉
        #expect(s.rates(at: 1_000).innerSteps == 16) // ⌈0.5·31.6⌉
        #expect(s.rates(at: 10_000).innerSteps == 30) // ⌈0.5·100.005⌉ = 51, capped at 30
        #expect(Self.close(Self.exponent(s.rates(at: 999).x, s.rates(at: 9_999).x, 1_000, 10_000, offset: 0), 0.5, 1e-10))
    }

    @Test("MRBO: η_k = d(m/(m+k))^{1/3}, steps γη_k and λη_k, momentum weights c₁η_k² and c₂η_k² capped at 1")
    func mrbo() throws {
        let s = try MRBO.make(["d": "2", "m": "5", "gamma": "0.3", "lambda": "0.7", "c1": "0.1", "c2": "0.4"], problem: try Fixtures.quadratic())
        for k in Self.ks {
            let eta = Self.schedule(2, 5, 1.0 / 3, k), r = s.rates(at: k)
            #expect(Self.close(r.x, 0.3 * eta))
            #expect(Self.close(r.y, 0.7 * eta))
            #expect(Self.close(r.momentumX ?? .nan, min(1, 0.1 * eta * eta)))
            #expect(Self.close(r.momentumY ?? .nan, min(1, 0.4 * eta * eta)))
        }
        #expect(s.rates(at: 0).momentumY == 1) // 0.4·2² = 1.6, capped
        let late = (s.rates(at: 1_000), s.rates(at: 10_000))
        #expect(Self.close(Self.exponent(late.0.x, late.1.x, 1_000, 10_000, offset: 5), 1.0 / 3, 1e-10))
        // The momentum weight decays as η_k², i.e. with exponent 2/3, not with η_k's 1/3.
        #expect(Self.close(Self.exponent(late.0.momentumX!, late.1.momentumX!, 1_000, 10_000, offset: 5), 2.0 / 3, 1e-10))
    }

    @Test("SUSTAIN: steps a·r_k, β·r_k and momentum min(1, c_η r_k²) with r_k = (w/(w+k))^{1/3}")
    func sustain() throws {
        let s = try SUSTAIN.make(["alpha": "0.3", "beta": "0.5", "w": "10", "c-eta": "0.5"], problem: try Fixtures.quadratic())
        for k in Self.ks {
            let r = Self.schedule(1, 10, 1.0 / 3, k), got = s.rates(at: k)
            #expect(Self.close(got.x, 0.3 * r) && Self.close(got.y, 0.5 * r))
            #expect(Self.close(got.momentumX ?? .nan, 0.5 * r * r) && got.momentumY == got.momentumX)
        }
        let (a, b) = (s.rates(at: 1_000), s.rates(at: 10_000))
        #expect(Self.close(Self.exponent(a.momentumX!, b.momentumX!, 1_000, 10_000, offset: 10), 2.0 / 3, 1e-10))
    }

    @Test("MSTSA: steps a·r_k, b·r_k and momentum min(1, c_η r_k) — first power of r_k, unlike SUSTAIN's square")
    func mstsa() throws {
        let s = try MSTSA.make(["alpha": "0.1", "beta": "0.5", "w": "10", "c-eta": "0.5"], problem: try Fixtures.quadratic())
        for k in Self.ks {
            let r = Self.schedule(1, 10, 1.0 / 3, k), got = s.rates(at: k)
            #expect(Self.close(got.x, 0.1 * r) && Self.close(got.y, 0.5 * r))
            #expect(Self.close(got.momentumX ?? .nan, 0.5 * r) && got.momentumY == nil)
        }
        let (a, b) = (s.rates(at: 1_000), s.rates(at: 10_000))
        #expect(Self.close(Self.exponent(a.momentumX!, b.momentumX!, 1_000, 10_000, offset: 10), 1.0 / 3, 1e-10))
    }

    @Test("FSLA: steps a·r_k, β·r_k, η·r_k on x, y, z; momentum ρ_k = min(1, c_ρ r_k) from k = 1")
    func fsla() throws {
        let s = try FSLA.make(["alpha": "0.05", "beta": "0.5", "eta": "0.25", "w": "4", "c-rho": "0.5"], problem: try Fixtures.quadratic())
        #expect(s.rates(at: 0).momentumX == nil)
        for k in Self.ks {
            let r = Self.schedule(1, 4, 1.0 / 3, k), got = s.rates(at: k)
            #expect(Self.close(got.x, 0.05 * r) && Self.close(got.y, 0.5 * r) && Self.close(got.z ?? .nan, 0.25 * r))
            if k > 0 { #expect(Self.close(got.momentumX ?? .nan, 0.5 * r)) }
        }
    }

    @Test("STABLE: steps a·r_k, b·r_k and recursion weight τ_k = min(1, c_τ r_k) with r_k = (k₀/(k₀+k))^{1/2}")
    func stable() throws {
        let s = try STABLE.make(["alpha": "0.2", "beta": "0.5", "offset": "10", "c-tau": "0.5"], problem: try Fixtures.quadratic())
        #expect(s.rates(at: 0).momentumX == nil)
        for k in Self.ks {
            let r = Self.schedule(1, 10, 0.5, k), got = s.rates(at: k)
            #expect(Self.close(got.x, 0.2 * r) && Self.close(got.y, 0.5 * r))
            if k > 0 { #expect(Self.close(got.momentumX ?? .nan, 0.5 * r)) }
        }
        let (a, b) = (s.rates(at: 1_000), s.rates(at: 10_000))
        #expect(Self.close(Self.exponent(a.x, b.x, 1_000, 10_000, offset: 10), 0.5, 1e-10))
    }

    @Test("every catalogued solver whose help documents a k-dependent step declares its schedule")
    func scheduledSolversCovered() throws {
        let problem = try Fixtures.quadratic()
        // Solvers that need a finite-sum problem (saba, srba) do not build on the quadratic; neither has a schedule.
        let scheduled = SolverCatalog.all.names.filter { (try? SolverCatalog.make($0, problem: problem)) is any ScheduledSolver }
        #expect(Set(scheduled) == ["bsa", "ttsa", "mrbo", "sustain", "mstsa", "stable", "fsla"])
    }
}
