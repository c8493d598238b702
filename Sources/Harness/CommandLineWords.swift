/// Recorded command lines ("zoo run lenet --epochs 3", words joined by spaces), edited flag by flag.
enum CommandLineWords {
    /// The words of `commandLine` without `flags` and their values (`--flag VALUE` or `--flag=VALUE`).
    static func removing(_ flags: Set<Substring>, from commandLine: String) -> [Substring] {
        var kept: [Substring] = [], words = commandLine.split(separator: " ")[...]
        while let word = words.popFirst() {
            if flags.contains(word) { _ = words.popFirst(); continue }
            if let equals = word.firstIndex(of: "="), flags.contains(word[..<equals]) { continue }
            kept.append(word)
        }
        return kept
    }
}
