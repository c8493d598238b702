@testable import zoo

/// The message ArgumentParser would print for `arguments`, or nil if they parse.
func parseError(_ arguments: [String]) -> String? {
    do {
        _ = try ZooCommand.parseAsRoot(arguments)
        return nil
    } catch {
        return ZooCommand.message(for: error)
    }
}
