import Foundation

/// Ctrl-C (SIGINT) and SIGTERM as a request to stop at the next safe point instead of at once: a
/// training run finishes its step, writes its checkpoint and says how to resume. A second signal ends
/// the process at once. SIGXFSZ (a file-size limit) is ignored, so a write past the limit fails with
/// an error naming the file (as on a full disk) instead of killing the process.
public enum Interruption {
    /// Installs the handlers, and unblocks the two signals (a parent may have started Zoo with them blocked).
    public static func install() {
        signal(SIGINT, requestStop)
        signal(SIGTERM, requestStop)
        signal(SIGXFSZ, SIG_IGN)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// The signal that asked the process to stop, or nil.
    public static var requested: Int32? { receivedSignal == 0 ? nil : receivedSignal }
}

nonisolated(unsafe) private var receivedSignal: Int32 = 0

/// The handler: async-signal-safe calls only.
private func requestStop(_ signal: Int32) {
    guard receivedSignal == 0 else {
        Foundation.signal(signal, SIG_DFL)
        raise(signal)
        return
    }
    receivedSignal = signal
    let message = "\nstopping after this step (press Ctrl-C again to quit at once)\n"
    _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
}
