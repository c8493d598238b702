import Foundation
import Testing
@testable import Engine
@testable import Zoo

/// d2l's models give PyTorch's outputs for the same weights: every state_dict tensor k gets element
/// i = 0.2 sin(0.37 i + 1.3 k) (running variances 1 + 0.5 sin(...)^2), the input is
/// sin(0.11 i) (1 + 3 i / n), evaluation mode. The expected values were printed by PyTorch 2.15 with
/// `scripts/reference_outputs.py`; a transposed weight, a misplaced key or a wrong op changes them.
@Suite struct ReferenceOutputTests {
    static let expected: [String: [Float]] = [
        "lenet": [0.514655, 0.529098, 0.486637, 0.390369, 0.249325, 0.0776965, -0.10654, -0.283467, -0.433361, -0.538892, 0.513727, 0.528399, 0.486246, 0.39033, 0.249642, 0.0783342, -0.105653, -0.282429, -0.43229, -0.537906],
        "lenet-bn": [0.293925, 0.227329, 0.133613, 0.0217797, -0.0967094, -0.20908, -0.302605, -0.366052, -0.391044, -0.373168, 0.293925, 0.227329, 0.133613, 0.0217798, -0.0967095, -0.20908, -0.302605, -0.366052, -0.391044, -0.373168],
        "resnet18": [4.89017, 12.7676, 10.1785, -0.706572, -10.8685, -11.9053, -2.98479, 8.47042, 12.9312, 6.65507, 4.88185, 12.8167, 10.2444, -0.678429, -10.9013, -11.972, -3.03011, 8.48399, 12.9925, 6.71328],
        "densenet": [1.53054, -2.19554, 2.6417, -1.38384, 0.0141647, 1.60274, -2.56744, 2.21526, -1.42144, -0.580982, 1.53055, -2.19554, 2.6417, -1.38384, 0.0141605, 1.60274, -2.56744, 2.21526, -1.42144, -0.580986],
    ]

    /// Recurrent layers with deterministic weights, input [5, 2, 3] as above, initial states 0.3 cos(0.5 i)
    /// (the LSTM's cell state the negative of it): the outputs, then h_n (then c_n), printed by PyTorch 2.13.
    static let recurrent: [String: [Float]] = [
        "gru": [0.119743, 0.108189, 0.0627004, 0.0787866, -0.125209, -0.277048, -0.212276, -0.0615502, 0.0719194, -0.248407, -0.180327, 0.11095, -0.01024, -0.547415, -0.354532, 0.0148637, 0.105953, -0.605357, -0.371241, 0.126576, 0.0752797, -0.746459, -0.477345, 0.0498253, 0.111971, -0.756097, -0.494013, 0.134382, 0.0610355, -0.753111, -0.543084, 0.0776115, 0.0319724, -0.62162, -0.475796, 0.141468, -0.0411084, -0.366749, -0.247005, 0.120448, 0.0319724, -0.62162, -0.475796, 0.141468, -0.0411084, -0.366749, -0.247005, 0.120448],
        "lstm": [-0.0533854, -0.0351444, -0.0270672, 0.0303953, -0.02319, -0.0322529, 0.108163, 0.144851, 0.0051187, -0.204631, -0.114672, 0.0562559, 0.0716668, -0.323503, -0.115221, 0.0886278, 0.0685016, -0.460425, -0.267942, 0.0525636, 0.0974406, -0.52205, -0.289786, 0.0735243, 0.0705054, -0.544146, -0.370805, 0.061677, 0.0582574, -0.501838, -0.36842, 0.0968721, 0.0186879, -0.38558, -0.358208, 0.109284, -0.00290946, -0.190159, -0.19087, 0.162533, 0.0186879, -0.38558, -0.358208, 0.109284, -0.00290946, -0.190159, -0.19087, 0.162533, 0.0264988, -0.62825, -0.75719, 0.278319, -0.00504048, -0.339075, -0.33445, 0.303523],
        "rnn": [0.150406, -0.0661819, -0.343159, -0.367098, -0.0479639, 0.245034, 0.0905747, -0.480767, 0.142796, 0.549482, 0.1989, -0.634723, 0.337145, 0.728558, 0.282558, -0.722783, 0.49397, 0.842815, 0.339087, -0.799863, 0.579672, 0.886344, 0.356894, -0.834415, 0.598807, 0.885075, 0.315443, -0.834581, 0.547102, 0.826129, 0.196181, -0.792537, 0.408134, 0.626605, -0.014833, -0.681304, 0.154712, 0.107159, -0.287464, -0.445894, 0.408134, 0.626605, -0.014833, -0.681304, 0.154712, 0.107159, -0.287464, -0.445894],
        "gru-2-bidirectional": [0.00328652, -0.311094, -0.202135, -0.345521, 0.197677, -0.0816895, 0.000371836, -0.177196, -0.131323, -0.257535, -0.0661829, -0.16011, 0.138628, 0.0128299, -0.159305, -0.114245, 0.0351025, -0.37351, -0.173815, -0.359171, 0.155466, -0.0289124, -0.0100537, -0.11633, -0.0538332, -0.325504, -0.116535, -0.266927, 0.12548, 0.0166349, -0.169152, -0.126784, 0.0403336, -0.381277, -0.187163, -0.336132, 0.110245, 0.0414541, -0.0104289, -0.0380888, -0.0187819, -0.342765, -0.170564, -0.281323, 0.094482, 0.036917, -0.199547, -0.127417, 0.029535, -0.360624, -0.222568, -0.293509, 0.0852403, 0.11581, 0.0199716, 0.0473905, -0.0144058, -0.325897, -0.229335, -0.252109, 0.0669186, 0.0365409, -0.225517, -0.148105, 0.0104803, -0.328328, -0.264683, -0.245548, 0.113256, 0.193434, 0.107257, 0.124324, -0.0571043, -0.272049, -0.300972, -0.202184, 0.0563379, -0.0163836, -0.221866, -0.217566, 0.0319724, -0.62162, -0.475796, 0.141468, -0.0411084, -0.366749, -0.247005, 0.120448, 0.0398477, -0.264438, -0.383883, -0.25649, 0.232708, -0.236232, -0.51319, -0.42577, 0.0104803, -0.328328, -0.264683, -0.245548, -0.0571043, -0.272049, -0.300972, -0.202184, 0.197677, -0.0816895, 0.000371836, -0.177196, 0.138628, 0.0128299, -0.159305, -0.114245],
    ]

    /// Encoder-decoders with deterministic weights (vocabularies 7 and 6, embedding 4, hidden 5, 2 layers):
    /// teacher-forced logits for two sources and their decoder inputs, printed by PyTorch 2.13.
    static let encoderDecoders: [String: [Float]] = [
        "seq2seq": [-0.186487, 0.113733, 0.0935051, -0.0191387, 0.219825, 0.316425, -0.187646, 0.114717, 0.0941214, -0.0204628, 0.219938, 0.317687, -0.164179, 0.104076, 0.0765197, -0.000119954, 0.226327, 0.293822, -0.165022, 0.104791, 0.0769682, -0.00108209, 0.226409, 0.294739, -0.154665, 0.0996077, 0.069469, 0.00823475, 0.228773, 0.28412, -0.154354, 0.0994292, 0.0692558, 0.00853075, 0.228823, 0.283796],
        "seq2seq-attention": [-0.0487087, -0.13767, -0.18507, -0.183147, -0.192745, -0.180517, -0.0485787, -0.138463, -0.184763, -0.182524, -0.193395, -0.180782, -0.0649671, -0.0482901, -0.218077, -0.254335, -0.120501, -0.149148, -0.064848, -0.0492854, -0.217647, -0.253577, -0.121349, -0.14944, -0.0747418, -0.00638857, -0.231397, -0.288895, -0.0881319, -0.13243, -0.0745165, -0.00724125, -0.231153, -0.288177, -0.0887723, -0.132795],
    ]

    func deterministic(_ model: Module) -> Module {
        for (k, (name, tensor)) in model.stateDictionary().enumerated() where !name.hasSuffix("num_batches_tracked") {
            for i in 0..<tensor.count {
                let s = Foundation.sin(0.37 * Double(i) + 1.3 * Double(k))
                tensor.data[i] = Float(name.hasSuffix("running_var") ? 1 + 0.5 * s * s : 0.2 * s)
            }
        }
        model.eval()
        return model
    }

    @Test(arguments: [("lenet", 28), ("lenet-bn", 28), ("resnet18", 32), ("densenet", 32)])
    func matchesPyTorch(name: String, side: Int) throws {
        let model = deterministic(try #require(ModelRegistry.entry(named: name)).build())
        let n = 2 * side * side
        let x = Tensor(shape: [2, 1, side, side], scalars: (0..<n).map {
            Float(Foundation.sin(0.11 * Double($0)) * (1 + 3 * Double($0) / Double(n)))
        })
        let y = withoutGradients { model(x) }.scalars
        let expected = try #require(Self.expected[name])
        #expect(y.count == expected.count)
        for (a, b) in zip(y, expected) { #expect(abs(a - b) <= 2e-4 * max(1, abs(b)), "\(name): \(a) vs PyTorch \(b)") }
    }

    @Test(arguments: ["gru", "lstm", "rnn", "gru-2-bidirectional"])
    func recurrentLayersMatchPyTorch(name: String) throws {
        let layer: RecurrentLayer = switch name {
        case "gru": GRU(3, 4)
        case "lstm": LSTM(3, 4)
        case "rnn": RNN(3, 4)
        default: GRU(3, 4, layers: 2, bidirectional: true)
        }
        _ = deterministic(layer)
        let x = Tensor(shape: [5, 2, 3], scalars: (0..<30).map { Float(Foundation.sin(0.11 * Double($0)) * (1 + 3 * Double($0) / 30)) })
        let states = layer.layers * layer.directions
        let h0 = Tensor(shape: [states, 2, 4], scalars: (0..<(states * 8)).map { Float(0.3 * Foundation.cos(0.5 * Double($0))) })
        let (y, state) = withoutGradients { layer(x, state: RecurrentState(hidden: h0, cell: layer.kind == .lstm ? -h0 : nil)) }
        let got = y.scalars + state.hidden.scalars + (state.cell?.scalars ?? [])
        let expected = try #require(Self.recurrent[name])
        #expect(got.count == expected.count)
        for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-5, "\(name): \(a) vs PyTorch \(b)") }
    }

    @Test(arguments: ["seq2seq", "seq2seq-attention"])
    func encoderDecodersMatchPyTorch(name: String) throws {
        let model = EncoderDecoder(sourceVocabularySize: 7, targetVocabularySize: 6, embedding: 4, hidden: 5, layers: 2,
                                   attention: name.hasSuffix("attention"))
        _ = deterministic(model)
        // Sources [[1, 2, 3, 4], [5, 6, 0, 0]] and decoder inputs [[1, 2, 3], [4, 5, 1]], laid out time-major.
        let logits = withoutGradients {
            model(source: [1, 5, 2, 6, 3, 0, 4, 0], sourceSteps: 4, validLengths: [4, 2], decoderInputs: [1, 4, 2, 5, 3, 1], targetSteps: 3)
        }
        let expected = try #require(Self.encoderDecoders[name])
        #expect(logits.shape == [6, 6] && logits.count == expected.count)
        for (a, b) in zip(logits.scalars, expected) { #expect(abs(a - b) <= 1e-5, "\(name): \(a) vs PyTorch \(b)") }
    }
}
