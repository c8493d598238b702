import ArgumentParser
import Foundation
import Harness
import Zoo

extension TestFunction: ExpressibleByArgument {}

struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Minimize a two-variable test function with one of the engine's optimizers, and draw the paths over its map.",
        discussion: """
            zoo optimize himmelblau --optimizer adam --lr 0.001 --steps 20000 --start 4,4 --start -4,4 --start -4,-4 --start 4,-4 --out h.png
            zoo optimize rosenbrock --optimizer sgd --lr 0.001 --momentum 0.9 --start -1.5,2
            """)

    @Argument(help: "The function: \(TestFunction.allCases.map(\.rawValue).joined(separator: ", ")).")
    var function: TestFunction

    @Option(help: "The optimizer: sgd, adam or adamw.")
    var optimizer: Recipe.OptimizerKind = .adam

    @Option(name: .customLong("lr"), help: "Learning rate.")
    var learningRate: Float = 0.001

    @Option(help: "SGD momentum, in [0, 1).")
    var momentum: Float = 0

    @Option(help: "Optimizer steps from each start.")
    var steps = 20_000

    @Option(help: ArgumentHelp("A starting point X,Y (repeatable; default: the four corners (±4, ±4)).", valueName: "x,y"),
            transform: { text in
                let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard parts.count == 2, let x = parts[0], let y = parts[1], x.isFinite, y.isFinite, abs(x) <= 1e4, abs(y) <= 1e4 else {
                    throw ValidationError("--start \(text): expected two numbers X,Y of at most 10,000 in size, e.g. --start 4,-4 (use --start=-4,4 when X is negative)")
                }
                return [x, y]
            })
    var start: [[Float]] = []

    @Option(help: "Draw the function's map and the paths to this PNG file.")
    var out: String?

    @Option(help: "Write the result as a JSON record to this file.")
    var record: String?

    func validate() throws {
        guard learningRate > 0 && learningRate.isFinite else { throw ValidationError("--lr must be a positive number.") }
        guard (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1).") }
        if momentum != 0 && optimizer != .sgd { throw ValidationError("--momentum applies to SGD.") }
        try requireInRange(steps, "--steps", 1...10_000_000)
    }

    func run() throws {
        try reportingErrors {
            let starts = start.isEmpty ? [(4, 4), (-4, 4), (-4, -4), (4, -4)] : start.map { (x: $0[0], y: $0[1]) }
            let result = try Optimization.execute(function, optimizer: optimizer, learningRate: learningRate, momentum: momentum,
                                                  steps: steps, starts: starts, plot: out, record: record)
            var table = TextTable(header: ["start", "end", "f(end)", "nearest minimum", "distance"])
            func point<T: BinaryFloatingPoint>(_ p: [T]) -> String { "(\(p.map { String(format: "%.4f", Double($0)) }.joined(separator: ", ")))" }
            for descent in result.descents {
                table.add([point(descent.start), point(descent.end), String(format: "%.3g", descent.value), point(descent.nearestMinimum),
                           String(format: "%.2g", descent.distance)])
            }
            print("\(function.rawValue), \(optimizer.rawValue) lr \(learningRate), \(steps.formatted()) steps")
            print(table.rendered)
            if let out { print("plot: \(out)") }
            if let record { print("record: \(record)") }
        }
    }
}
