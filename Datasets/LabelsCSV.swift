/// d2l's Kaggle CIFAR-10 labels file, `trainLabels.csv`: a header line, then `id,label` per image
/// (`train/<id>.png`). Lines may end in CRLF; blank lines are skipped; every other line needs exactly two
/// non-empty fields, else an error naming the file and line.
public enum LabelsCSV {
    /// The most rows read: 10 million.
    public static let maximumRows = 10_000_000

    /// The (id, label) rows of `text`, in file order; `source` names the file in errors.
    public static func parse(_ text: String, source: String) throws -> [(id: String, label: String)] {
        var rows: [(id: String, label: String)] = []
        var seen = Set<String>()
        // "\r\n" is one Character in Swift: split on both.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let content = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if index == 0 {
                guard content.lowercased().hasPrefix("id,") else {
                    throw DatasetError.badLine(path: source, line: 1, reason: "expected the header `id,label`, found `\(content.prefix(80))`")
                }
                continue
            }
            if content.allSatisfy(\.isWhitespace) { continue }
            let fields = content.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw DatasetError.badLine(path: source, line: index + 1, reason: "expected `id,label`, found `\(content.prefix(80))`")
            }
            let id = String(fields[0])
            guard !id.contains("/"), id != ".", id != ".." else {
                throw DatasetError.badLine(path: source, line: index + 1, reason: "the id `\(id.prefix(80))` is not a file name")
            }
            guard seen.insert(id).inserted else {
                throw DatasetError.badLine(path: source, line: index + 1, reason: "the id `\(id.prefix(80))` appears twice")
            }
            guard rows.count < maximumRows else {
                throw DatasetError.badLine(path: source, line: index + 1, reason: "more than \(maximumRows) rows")
            }
            rows.append((id, String(fields[1])))
        }
        guard !rows.isEmpty else { throw DatasetError.badLine(path: source, line: 1, reason: "no labelled rows") }
        return rows
    }
}
