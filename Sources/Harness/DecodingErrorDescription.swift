/// One line saying what is wrong in a JSON document, instead of `DecodingError`'s dump.
func describe(_ error: Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
    }
    switch error {
    case .keyNotFound(let key, let context):
        let parent = path(context)
        return "the field \(key.stringValue) is missing" + (parent == "the top level" ? "" : " in \(parent)")
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "\(path(context)) has the wrong type or value"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "it is not valid JSON" : "\(path(context)) is not readable (\(context.debugDescription))"
    @unknown default:
        return "\(error)"
    }
}
