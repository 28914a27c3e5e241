import Components
import Testing
@testable import SparseNets

/// Layer-density rules and FLOP counts against numbers worked out by hand for stated shapes, not against the
/// solver's own intermediate quantities. The key identity: ERK's ρ_l·n_l is the sum of the kernel's dims and ER's is
/// (n_in + n_out)·kh·kw, so before capping each layer keeps target·s_l/Σs — a formula the solver never uses.
@Suite("densities and FLOPs against hand-computed references")
struct IndependentReferenceTests {
    /// conv 8→16 (3×3) on 8×8 and dense 1024→10: the [16, 8, 3, 3] kernel of the issue and a wide output layer.
    static let layers = [LayerShape(ConvLayer(inChannels: 8, outChannels: 16, height: 8, width: 8)),
                         LayerShape(DenseLayer(inputs: 1_024, outputs: 10))]

    @Test("shapes: a [16, 8, 3, 3] kernel holds 1152 weights used at 64 positions; a dense layer at 1")
    func shapes() {
        #expect(Self.layers[0].kernelShape == [16, 8, 3, 3] && Self.layers[0].weights == 1_152 && Self.layers[0].positions == 64)
        #expect(Self.layers[1].kernelShape == [10, 1_024] && Self.layers[1].weights == 10_240 && Self.layers[1].positions == 1)
    }

    @Test("relative densities: ERK (16+8+3+3)/(16·8·9) and (10+1024)/10240; ER (16+8)/(16·8) for the conv")
    func relativeDensities() {
        let erk = ERKDistribution().relativeDensities(Self.layers), er = ERDistribution().relativeDensities(Self.layers)
        #expect(abs(erk[0] - 30.0 / 1_152) < 1e-15 && abs(erk[1] - 1_034.0 / 10_240) < 1e-15)
        #expect(abs(er[0] - 0.1875) < 1e-15 && abs(er[1] - 1_034.0 / 10_240) < 1e-15)
    }

    @Test("counts at 90%: ERK [32, 1107] (1139.2·30/1064 and ·1034/1064), ER [197, 942] (·216/1250, ·1034/1250, one largest remainder), uniform [115, 1024]")
    func countsAtNinety() throws {
        let erk = try DistributionSolver.allocate(ERKDistribution(), layers: Self.layers, sparsity: 0.9)
        let er = try DistributionSolver.allocate(ERDistribution(), layers: Self.layers, sparsity: 0.9)
        let uniform = try DistributionSolver.allocate(UniformDistribution.withDefaults(), layers: Self.layers, sparsity: 0.9)
        #expect(erk.nonZeros == [32, 1_107] && erk.capped.isEmpty)
        #expect(er.nonZeros == [197, 942] && er.capped.isEmpty)
        #expect(uniform.nonZeros == [115, 1_024])
        // ε·ρ_l·n_l is the unrounded count: ERK's ε = 1139.2/1064.
        #expect(abs(erk.epsilon - 1_139.2 / 1_064) < 1e-12)
    }

    @Test("capping: conv 1→4 on 8×8 would take 51.5 of 1298 kept weights under ERK, more than its 36, so it is dense and the fc keeps 1262")
    func capping() throws {
        let small = [LayerShape(ConvLayer(inChannels: 1, outChannels: 4, height: 8, width: 8)), LayerShape(DenseLayer(inputs: 256, outputs: 10))]
        let a = try DistributionSolver.allocate(ERKDistribution(), layers: small, sparsity: 0.5)
        #expect(a.nonZeros == [36, 1_262] && a.capped == [0])
        #expect(abs(a.epsilon - 1_262.0 / 266) < 1e-12)  // the dense layer alone: ε·ρ·n = ε·266 = 1262
    }

    @Test("FLOPs: 2·(32·64 + 1107·1) = 6310 sparse, 2·(1152·64 + 10240) = 167936 dense; RigL's cycle mean at ΔT = 100 is 2073556/101")
    func flops() throws {
        let erk = try DistributionSolver.allocate(ERKDistribution(), layers: Self.layers, sparsity: 0.9)
        #expect(erk.inferenceFLOPs == 6_310 && erk.denseFLOPs == 167_936)
        #expect(FLOPCount.trainingStep(sparse: 6_310, dense: 167_936, denseGradient: false) == 18_930)
        #expect(FLOPCount.trainingStep(sparse: 6_310, dense: 167_936, denseGradient: true) == 180_556)
        #expect(abs(FLOPCount.riglAverage(sparse: 6_310, dense: 167_936, deltaT: 100) - 2_073_556.0 / 101) < 1e-9)
    }
}
