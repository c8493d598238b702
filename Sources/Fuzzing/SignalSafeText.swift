import Foundation

/// A fixed buffer of text that a signal handler or watchdog may write with write(2) alone: set it from
/// normal code beforehand, write it from anywhere.
final class SignalSafeText: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var length = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    /// Replaces the text (cut to the capacity). Not async-signal-safe: call it outside handlers.
    func set(_ text: String) {
        let bytes = Array(text.utf8.prefix(capacity))
        length = 0  // a handler running meanwhile writes nothing rather than a half-copied text
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
        length = bytes.count
    }

    /// Writes the text to `descriptor` with write(2): async-signal-safe.
    func write(to descriptor: Int32) {
        var done = 0
        while done < length {
            let n = Foundation.write(descriptor, buffer + done, length - done)
            if n <= 0 { return }
            done += n
        }
    }
}

/// Writes a static string with write(2): async-signal-safe.
func writeStatic(_ text: StaticString, to descriptor: Int32) {
    _ = Foundation.write(descriptor, text.utf8Start, text.utf8CodeUnitCount)
}
