import Engine
import Foundation

/// A text corpus that no Debian package holds, so the repository ships it (gzip-compressed, in
/// `Datasets/Corpora/`, with its provenance and licence): found in `--data-dir`, `$ZOO_DATA`, the shipped
/// copy, or the user's cache, else downloaded from d2l's address into the cache. Whatever is read must
/// have the published SHA-1 and be UTF-8 text.
public struct TextCorpusFile: Sendable {
    /// The file's name in a data folder (plain, or with `.gz`), its shipped name, size and SHA-1 (uncompressed).
    public let name: String, shippedName: String, size: Int, sha1: String
    /// Where d2l downloads it from: the file itself, or a ZIP archive holding it (`archive`).
    public let url: String?
    /// The ZIP archive d2l publishes the file in (`fra-eng.zip`), when it does: found in a data folder
    /// or downloaded, the file is read out of it (and the SHA-1 of the file checked).
    public var archive: String? = nil
    /// The cache folder's name, `~/.cache/zoo/<cacheName>`.
    public let cacheName: String

    /// The folders searched, in order.
    public func searchDirectories(dataDir: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var directories: [String] = []
        for case let directory? in [dataDir, environment["ZOO_DATA"], Self.shippedDirectory, zooCacheDirectory(cacheName, environment: environment)]
        where !directory.isEmpty && !directories.contains(directory) {
            directories.append(directory)
        }
        return directories
    }

    /// The text, from the first folder that holds the file, else downloaded into the cache.
    public func text(dataDir: String?, download: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment,
                     timeout: TimeInterval = 30) throws -> String {
        let searched = searchDirectories(dataDir: dataDir, environment: environment)
        for directory in searched {
            for candidate in [name, name + ".gz", shippedName] {
                let path = (directory as NSString).appendingPathComponent(candidate)
                if FileManager.default.isReadableFile(atPath: path) { return try read(path) }
            }
            if let archive, case let path = (directory as NSString).appendingPathComponent(archive),
               FileManager.default.isReadableFile(atPath: path) {
                return try checked(try ZipArchive.member(name, of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), path: path,
                                                         maximumBytes: size), path: path)
            }
        }
        guard download, let url else { throw DatasetError.corpusNotFound(name: name, searched: searched, reason: nil) }
        let path = (zooCacheDirectory(cacheName, environment: environment) as NSString).appendingPathComponent(name)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try fetch(url, timeout: timeout))
        } catch DatasetError.downloadFailed(let url, let reason) {
            throw DatasetError.corpusNotFound(name: name, searched: searched, reason: "downloading \(url) failed: \(reason)")
        }
        let content = archive == nil ? bytes : try ZipArchive.member(name, of: bytes, path: url, maximumBytes: size)
        let text = try checked(content, path: url)
        try AtomicFile.write(Data(content), to: path)
        return text
    }

    /// `bytes` as text, if they have the file's SHA-1 and are UTF-8.
    private func checked(_ bytes: [UInt8], path: String) throws -> String {
        let actual = sha1Hex(bytes)
        guard actual == sha1 else { throw DatasetError.checksumMismatch(path: path, expected: sha1, actual: actual) }
        return try Self.text(of: bytes, path: path)
    }

    /// The checked text of the file at `path` (gzip-compressed or not).
    public func read(_ path: String) throws -> String {
        try checked(try gunzip(contentsOf: path, maximumBytes: size), path: path)
    }

    /// `bytes` as text; bytes that are not UTF-8 throw `DatasetError.notText` naming `path`.
    public static func text(of bytes: [UInt8], path: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw DatasetError.notText(path: path) }
        return text
    }

    /// `Datasets/Corpora` of the source tree this was built from.
    static let shippedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpora").path
}

/// The per-user download cache for `dataset`: `$XDG_CACHE_HOME/zoo/<dataset>`, else `~/.cache/zoo/<dataset>`.
func zooCacheDirectory(_ dataset: String, environment: [String: String]) -> String {
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/zoo/" + dataset }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return home + "/.cache/zoo/" + dataset
}
