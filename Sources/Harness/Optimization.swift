import Engine
import Foundation
import Zoo

/// `zoo optimize`: an optimizer of the engine on a test function from several starts, as the notes'
/// 2D optimization chapter shows it, with the paths drawn over the function's map.
public struct Optimization: Encodable {
    /// One start and where it ended.
    public struct Descent: Encodable {
        public let start: [Float], end: [Float]
        /// f at the end point.
        public let value: Double
        /// The minimum nearest the end point, and the distance to it.
        public let nearestMinimum: [Double], distance: Double
    }

    public let function: String
    public let optimizer: String
    public let learningRate: Float
    public let momentum: Float
    public let steps: Int
    public let descents: [Descent]
    public var commandLine = CommandLine.arguments.joined(separator: " ")
    public var machine = MachineInfo.current()
    public var gitCommit = Harness.gitCommit()
    public var zooVersion = Harness.zooVersion
    public var date = ISO8601DateFormatter().string(from: Date())

    /// Runs `optimizer` on `function` from each start; draws the paths to `plot` and writes the record to
    /// `record` when given.
    public static func execute(_ function: TestFunction, optimizer: Recipe.OptimizerKind, learningRate: Float, momentum: Float = 0,
                               steps: Int, starts: [(x: Float, y: Float)], plot: String? = nil, record: String? = nil) throws -> Optimization {
        for path in [plot, record].compactMap({ $0 }) { try AtomicFile.checkWritable(path) }
        let recipe = Recipe(optimizer: optimizer, learningRate: learningRate, momentum: momentum, epochs: 1, batchSize: 1, initialization: nil)
        let paths = try starts.map { try function.descend(from: $0, steps: steps, optimizer: recipe.makeOptimizer) }
        let descents = paths.map { path in
            let end = path[path.count - 1]
            let nearest = function.minima.min { hypot($0.x - Double(end.x), $0.y - Double(end.y)) < hypot($1.x - Double(end.x), $1.y - Double(end.y)) }!
            return Descent(start: [path[0].x, path[0].y], end: [end.x, end.y], value: function.value(Double(end.x), Double(end.y)),
                           nearestMinimum: [nearest.x, nearest.y], distance: hypot(nearest.x - Double(end.x), nearest.y - Double(end.y)))
        }
        let result = Optimization(function: function.rawValue, optimizer: optimizer.rawValue, learningRate: learningRate,
                                  momentum: momentum, steps: steps, descents: descents)
        if let plot {
            let title = "\(function.rawValue): \(optimizer.rawValue) lr \(learningRate.formatted()), \(steps.formatted()) steps"
            try PNGFile.write(ContourPlot(function: function, paths: paths).draw(title: title), to: plot)
        }
        if let record { try AtomicFile.write(try recordJSON(result), to: record) }
        return result
    }
}
