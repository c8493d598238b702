import ArgumentParser
import Engine
import Foundation
import Harness

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tabulate every recorded run (Markdown), or write Results/README.md from them.",
        discussion: "With --output it also draws the plot of every record that has none.")

    @Option(help: "Folder of run records.")
    var runs = "Results/runs"

    @Option(help: "Write the results page here (e.g. Results/README.md) instead of printing the table.")
    var output: String?

    @Option(help: "With --output: the zoo bench --json report whose training throughput the comparison shows (default: Results/bench/models.json if it exists).")
    var bench: String?

    func run() throws {
        try reportingErrors {
            guard let output else { return print(try RunComparison.table(folder: runs)) }
            let folder = (output as NSString).deletingLastPathComponent
            let defaultBench = "Results/bench/models.json"
            let benchPath = bench ?? (FileManager.default.fileExists(atPath: defaultBench) ? defaultBench : nil)
            let text = try RunComparison.document(folder: runs, outputFolder: folder.isEmpty ? "." : folder, benchPath: benchPath)
            try AtomicFile.write(Data(text.utf8), to: output)
            for plot in try RunComparison.writeMissingPlots(folder: runs) { print("wrote \(plot)") }
            print("wrote \(output)")
        }
    }
}
