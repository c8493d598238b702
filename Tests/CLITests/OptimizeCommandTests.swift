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
