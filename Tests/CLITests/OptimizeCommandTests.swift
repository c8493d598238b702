import Testing
@testable import zoo

/// `zoo optimize`'s flags.
@Suite struct OptimizeCommandTests {
    @Test func badFlagsAreRejected() throws {
        #expect(parseError(["optimize", "booth"])?.contains("himmelblau") == true)
        #expect(parseError(["optimize", "himmelblau", "--start", "1"])?.contains("expected two numbers X,Y") == true)
        #expect(parseError(["optimize", "himmelblau", "--start", "1,nan"])?.contains("expected two numbers X,Y") == true)
        #expect(parseError(["optimize", "himmelblau", "--momentum", "0.5"])?.contains("--momentum applies to SGD") == true)
        #expect(parseError(["optimize", "himmelblau", "--lr", "0"])?.contains("--lr must be a positive number") == true)
        #expect(parseError(["optimize", "himmelblau", "--steps", "0"])?.contains("--steps must be positive") == true)
        let command = try #require(try ZooCommand.parseAsRoot(["optimize", "rosenbrock", "--start=-1.5,2", "--start", "0,0"]) as? Optimize)
        #expect(command.start == [[-1.5, 2], [0, 0]] && command.function == .rosenbrock && command.optimizer == .adam)
    }
}

/// `zoo distill`'s flags.
@Suite struct DistillCommandTests {
    @Test func badFlagsAreRejected() throws {
        let base = ["distill", "--teacher", "lenet-bn", "--teacher-weights", "t.safetensors", "--student", "mlp"]
        #expect(parseError(base + ["--alpha", "1.5"])?.contains("--alpha must lie in [0, 1]") == true)
        #expect(parseError(base + ["--temperature", "0"])?.contains("--temperature must be a positive number") == true)
        #expect(parseError(base + ["--temperature", "1e30"])?.contains("at most 1,000") == true)
        #expect(parseError(base + ["--bogus-flag"])?.contains("Unknown option '--bogus-flag'") == true)
        #expect(parseError(base + ["--epochs", "0"])?.contains("--epochs must be positive") == true)
        #expect(parseError(["distill", "--teacher", "gru", "--teacher-weights", "t", "--student", "mlp"])?.contains("image classifiers") == true)
        let command = try #require(try ZooCommand.parseAsRoot(base + ["--epochs", "3", "--lr", "0.2"]) as? Distill)
        let recipe = try command.studentRun().recipe()
        #expect(recipe.epochs == 3 && recipe.learningRate == 0.2 && command.alpha == 0.7 && command.temperature == 4)
    }
}
