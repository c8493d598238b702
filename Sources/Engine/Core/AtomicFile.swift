import Foundation

/// Files written whole or not at all. The bytes go to a temporary file beside the target
/// (`.NAME.PID-RANDOM.partial`), are flushed to disk, and only then take the target's name, so a kill, a full
/// disk or a file-size limit leaves the previous file as it was. The temporary file of a write that
/// was killed is removed by the next write to the same target, once its process has ended.
public enum AtomicFile {
    /// A file that cannot be written, with the system's reason.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `data` to `path`, replacing any file there; creates the folder if needed.
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write(parts: [$0], to: path) }
    }

    /// Writes the bytes of `parts`, one after another, to `path` as `write(_:to:)` does, without gathering them in
    /// memory first (a checkpoint of VGG's weights and momentum is 1 GB).
    public static func write(parts: [UnsafeRawBufferPointer], to path: String) throws {
        let temporary = try writeTemporary(parts, for: path)
        guard rename(temporary, path) == 0 else { throw failure(path, removing: temporary) }
        syncFolder(of: path)
    }

    /// Writes `data` to the first free name of `path`, `NAME-2.EXT`, `NAME-3.EXT`, ..., never replacing
    /// a file (two runs finishing in the same second keep both records); returns the path written.
    public static func writeNew(_ data: Data, to path: String) throws -> String {
        let temporary = try data.withUnsafeBytes { try writeTemporary([$0], for: path) }
        defer { unlink(temporary) }
        let url = URL(fileURLWithPath: path), stem = url.deletingPathExtension().path
        let suffix = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        for attempt in 1...10_000 {
            let candidate = attempt == 1 ? path : "\(stem)-\(attempt)\(suffix)"
            if link(temporary, candidate) == 0 || (errno != EEXIST && reserve(candidate) && rename(temporary, candidate) == 0) {
                syncFolder(of: path)
                return candidate
            }
            guard errno == EEXIST else { throw failure(candidate, removing: temporary) }
        }
        throw Failure(path: path, reason: "10,000 files of that name exist already")
    }

    /// Creates `path` empty unless it exists (a name taken for a rename, where the file system has no hard
    /// links); false with errno set otherwise.
    private static func reserve(_ path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    /// Throws unless a file can be written at `path`: its folder exists or can be made, and takes a file.
    public static func checkWritable(_ path: String) throws {
        if FileManager.default.isFolder(path) { throw Failure(path: path, reason: "it is a folder") }
        unlink(try writeTemporary([], for: path))
    }

    /// Writes `parts` in turn to a new temporary file beside `path` and flushes it; returns its path.
    private static func writeTemporary(_ parts: [UnsafeRawBufferPointer], for path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try makeFolder(folder, for: path)
        removeLeftovers(of: url)
        let temporary = folder + "/." + url.lastPathComponent + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure(path) }
        var error: Int32 = 0
        writing: for bytes in parts {
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    error = errno
                    break writing
                }
                offset += written
            }
        }
        if error == 0, fsync(descriptor) != 0 { error = errno }
        if close(descriptor) != 0, error == 0 { error = errno }
        guard error == 0 else {
            unlink(temporary)
            throw Failure(path: path, reason: String(cString: strerror(error)))
        }
        return temporary
    }

    /// Creates `folder` and its parents as needed.
    private static func makeFolder(_ folder: String, for path: String) throws {
        guard !FileManager.default.isFolder(folder) else { return }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != folder { try makeFolder(parent, for: path) }
        guard mkdir(folder, 0o777) == 0 || (errno == EEXIST && FileManager.default.isFolder(folder)) else {
            let reason = errno == EEXIST ? "it is a file" : String(cString: strerror(errno))
            throw Failure(path: path, reason: "cannot create the folder \(folder): \(reason)")
        }
    }

    /// Removes the temporary files that writes of `url`'s file by processes no longer running left behind.
    private static func removeLeftovers(of url: URL) {
        let folder = url.deletingLastPathComponent().path, prefix = "." + url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".partial") {
            let owner = name.dropFirst(prefix.count).dropLast(".partial".count).prefix { $0 != "-" }
            guard let pid = pid_t(owner), pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }

    /// Makes a rename in `path`'s folder durable (best effort: not every file system syncs folders).
    private static func syncFolder(of path: String) {
        let descriptor = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The failure `errno` describes for `path`, after removing `temporary`.
    private static func failure(_ path: String, removing temporary: String? = nil) -> Failure {
        let reason = String(cString: strerror(errno))
        if let temporary { unlink(temporary) }
        return Failure(path: path, reason: reason)
    }
}
