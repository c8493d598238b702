import Foundation
import Synchronization

/// Reports a crash or a hang of the input being parsed, with the command that reproduces it: signal
/// handlers and a watchdog thread that use only write(2) and the texts prepared before each input.
enum CrashGuard {
    /// The worker protocol's event prefix ("\n#crash 17 "), written to standard output in worker mode.
    static let event = SignalSafeText()
    /// "in parser idx, seed 1, input 17 (file ...)\n  reproduce: zoo-fuzz ...\n", for standard error.
    static let message = SignalSafeText()
    /// The hang report's event line and message.
    static let hangEvent = SignalSafeText(), hangMessage = SignalSafeText()
    /// When the current input started (CLOCK_MONOTONIC nanoseconds), 0 between inputs.
    static let started = Atomic<Int64>(0)
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Installs the handlers (on an alternate stack, so a stack overflow is reported too) and starts the
    /// watchdog, which ends the process with status 3 when one input runs longer than `timeout` seconds.
    static func install(timeout: Double) {
        var stack = stack_t()
        stack.ss_size = 1 << 16
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: stack.ss_size, alignment: 16)
        sigaltstack(&stack, nil)
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                CrashGuard.event.write(to: 1)
                writeStatic(signalName(number), to: 1)
                writeStatic("\n", to: 1)
                writeStatic("zoo-fuzz: crash (", to: 2)
                writeStatic(signalName(number), to: 2)
                writeStatic(") ", to: 2)
                CrashGuard.message.write(to: 2)
                Foundation.signal(number, SIG_DFL)
                raise(number)
            }
            action.sa_flags = Int32(SA_ONSTACK)
            sigaction(signal, &action, nil)
        }
        let limit = Int64(timeout * 1e9)
        let watchdog = Thread {
            while true {
                usleep(20_000)
                let start = started.load(ordering: .acquiring)
                if start != 0, now() - start > limit {
                    hangEvent.write(to: 1)
                    hangMessage.write(to: 2)
                    _exit(3)
                }
            }
        }
        watchdog.start()
    }

    /// Prepares the reports for the input about to run and starts its clock.
    static func begin(parser: String, seed: UInt64, index: Int, path: String, timeout: Double, worker: Bool) {
        let reproduce = "in parser \(parser), seed \(seed), input \(index) (file \(path))\n"
            + "  reproduce: zoo-fuzz --parser \(parser) --seed \(seed) --only \(index)\n"
        event.set(worker ? "\n#crash \(index) " : "")
        message.set(reproduce)
        hangEvent.set(worker ? "\n#hang \(index)\n" : "")
        hangMessage.set("zoo-fuzz: hang (over \(timeout) s) " + reproduce)
        started.store(now(), ordering: .releasing)
    }

    /// The input finished.
    static func end() { started.store(0, ordering: .releasing) }

    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

private func signalName(_ number: Int32) -> StaticString {
    switch number {
    case SIGSEGV: "SIGSEGV"
    case SIGBUS: "SIGBUS"
    case SIGILL: "SIGILL"
    case SIGTRAP: "SIGTRAP"
    case SIGABRT: "SIGABRT"
    case SIGFPE: "SIGFPE"
    default: "signal"
    }
}
