import Foundation

/// Everything that can go wrong while finding, downloading, decompressing or parsing dataset files.
/// Every `description` names the file (or address) involved and says what to do about it.
public enum DatasetError: Error, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case fileUnreadable(path: String)
    /// The gzip stream is truncated or corrupt; `message` is zlib's explanation.
    case corruptGzip(path: String, message: String)
    /// The file decompresses to more than `limit` bytes, more than it can hold.
    case tooLarge(path: String, limit: Int)
    /// The IDX header does not start with the expected magic number.
    case badMagic(path: String, expected: UInt32, found: UInt32)
    /// The IDX header, dimensions or payload length are inconsistent.
    case badDimensions(path: String, details: String)
    /// A label lies outside `0..<classCount`.
    case invalidLabel(path: String, index: Int, label: Int, classCount: Int)
    /// The decompressed file's SHA-1 differs from the published one.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// No searched folder holds the text corpus `name`, and it could not be downloaded.
    case corpusNotFound(name: String, searched: [String], reason: String?)
    /// The file is not UTF-8 text.
    case notText(path: String)
    /// A text file's line cannot be read as what it should hold.
    case badLine(path: String, line: Int, reason: String)
    /// A vocabulary (stored with a model) is unusable.
    case badVocabulary(source: String, reason: String)
    /// Fetching `url` failed.
    case downloadFailed(url: String, reason: String)
    /// An image file cannot be decoded; `reason` is libpng's (or the zoo's) explanation.
    case badImage(path: String, reason: String)
    /// A folder of images is not laid out as Zoo reads them, or its images disagree.
    case badImageFolder(path: String, reason: String)
    /// No searched directory holds the dataset, and it could not be downloaded.
    case filesNotFound(dataset: String, searched: [String], reason: String?)

    public var description: String {
        switch self {
        case .fileUnreadable(let path):
            return "Cannot read \(path): the file does not exist or is not readable. Check the path and its permissions."
        case .corruptGzip(let path, let message):
            return "\(path) is a truncated or corrupt gzip file (zlib: \(message)). Delete it and download it again, or reinstall the dataset package."
        case .tooLarge(let path, let limit):
            return "\(path) decompresses to more than \(limit) bytes, more than this file can hold. It is damaged or not the expected file; delete it and download it again."
        case .badMagic(let path, let expected, let found):
            return "\(path) is not a valid IDX file: expected magic number \(hex(expected)), found \(hex(found)). Delete it and download it again, or reinstall the dataset package."
        case .badDimensions(let path, let details):
            return "\(path) has inconsistent IDX dimensions: \(details). The file is damaged or not the expected one; delete it and download it again."
        case .invalidLabel(let path, let index, let label, let classCount):
            return "\(path) holds label \(label) at index \(index), outside the valid range 0..<\(classCount). The file is damaged or belongs to another dataset."
        case .checksumMismatch(let path, let expected, let actual):
            return "\(path) failed its SHA-1 check: expected \(expected), got \(actual). The file is damaged or not the published version; delete it and download it again."
        case .corpusNotFound(let name, let searched, let reason):
            return "\(name) was not found in any of: \(searched.joined(separator: ", "))"
                + (reason.map { ", and \($0)" } ?? "")
                + ". Zoo ships it in Datasets/Corpora/: restore that folder (`git checkout Datasets/Corpora`), or pass --data-dir DIR holding \(name)."
        case .notText(let path):
            return "\(path) is not UTF-8 text. It is damaged or not the expected file; delete it and Zoo reads its own copy."
        case .badLine(let path, let line, let reason):
            return "\(path), line \(line): \(reason). The file is damaged or not the expected one."
        case .badVocabulary(let source, let reason):
            return "the vocabulary in \(source) is unusable: \(reason). Save the model again with `zoo run --save`."
        case .badImage(let path, let reason):
            return "\(path) is not an image Zoo can read: \(reason). Replace or remove the file."
        case .badImageFolder(let path, let reason):
            return "\(path): \(reason)."
        case .downloadFailed(let url, let reason):
            return "Downloading \(url) failed: \(reason). Check the network connection, or install the files locally instead."
        case .filesNotFound(let dataset, let searched, let reason):
            let tried = searched.isEmpty ? "(no directories)" : searched.joined(separator: ", ")
            let network = reason.map { " Downloading them failed: \($0)." } ?? ""
            return "The \(dataset) files were not found in any of: \(tried).\(network) To get them, run `apt-get install dataset-\(dataset.lowercased())`, or pass `--data-dir DIR` (or set ZOO_DATA=DIR) pointing at a folder holding the four files, or connect to the network and let Zoo download them."
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
