/// Reads a worker's standard output: one character per finished input (p, c, u) and `#` event lines.
struct WorkerStream {
    private(set) var parsed = 0, clean = 0
    private(set) var unclear: [(index: Int, text: String)] = []
    /// The crash or hang the worker reported, if any.
    private(set) var event: (kind: String, index: Int)?
    private(set) var done = false
    /// The index of the next input the worker would run.
    private(set) var next: Int
    private var line: [UInt8] = [], inEvent = false

    init(first: Int) { next = first }

    mutating func feed(_ bytes: [UInt8]) {
        for byte in bytes {
            if inEvent {
                if byte == 0x0A { finishEvent() } else { line.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "p"): parsed += 1; next += 1
            case UInt8(ascii: "c"): clean += 1; next += 1
            case UInt8(ascii: "u"): next += 1  // counted with its #unclear line
            case UInt8(ascii: "#"): inEvent = true
            default: break
            }
        }
    }

    mutating func finish() { if inEvent { finishEvent() } }

    private mutating func finishEvent() {
        let text = String(decoding: line, as: UTF8.self)
        line = []
        inEvent = false
        if text.hasPrefix("done") { done = true; return }
        let words = text.split(separator: " ", maxSplits: 2)
        guard let kind = words.first, words.count >= 2, let index = Int(words[1]) else { return }
        switch kind {
        case "unclear": unclear.append((index, words.count > 2 ? String(words[2]) : ""))
        case "crash", "hang": event = (String(kind), index)
        default: break
        }
    }
}
