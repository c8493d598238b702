/// What one parser's inputs did, as the summary table shows it.
public struct ParserReport: Sendable {
    /// One input that failed: an unclear error, a crash, a hang or running out of memory.
    public struct Failure: Sendable {
        public enum Kind: String, Sendable { case unclearError = "unclear error", crash, hang, outOfMemory = "out of memory" }
        public var kind: Kind
        public var index: Int
        /// The error text, the signal, or the end of the worker's standard error.
        public var details: String
    }

    public var parser: String
    public var inputs = 0, parsed = 0, cleanErrors = 0
    public var failures: [Failure] = []
    public var peakRSSKilobytes = 0
    public var seconds = 0.0
    /// Why the run of this parser stopped early, if it did.
    public var note: String?

    public func count(_ kind: Failure.Kind) -> Int { failures.filter { $0.kind == kind }.count }
    public var failed: Bool { !failures.isEmpty || note != nil }

    /// The Markdown table of `reports`.
    public static func table(_ reports: [ParserReport]) -> String {
        let header = ["parser", "inputs", "parsed", "clean errors", "unclear errors", "crashes", "hangs", "out of memory",
                      "peak RSS MB", "seconds"]
        let rows = reports.map { r in
            [r.parser, String(r.inputs), String(r.parsed), String(r.cleanErrors), String(r.count(.unclearError)),
             String(r.count(.crash)), String(r.count(.hang)), String(r.count(.outOfMemory)),
             String(r.peakRSSKilobytes / 1024), String(format: "%.1f", r.seconds)]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).enumerated().map { column, pair in
                let padding = String(repeating: " ", count: pair.1 - pair.0.count)
                return column == 0 ? pair.0 + padding : padding + pair.0
            }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.enumerated().map { $0 == 0 ? String(repeating: "-", count: $1 + 2) : " " + String(repeating: "-", count: $1) + ":" }
            .joined(separator: "|") + "|"
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
