import Foundation

/// `strings` as a JSON list, the form lists take in a weights file's metadata (vocabularies, class names).
public func jsonList(_ strings: [String]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: strings, options: [.withoutEscapingSlashes]), as: UTF8.self)
}

/// The strings of a JSON list, or nil when `text` is not one.
public func strings(ofJSONList text: String) -> [String]? {
    guard let list = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] else { return nil }
    return list as? [String]
}
