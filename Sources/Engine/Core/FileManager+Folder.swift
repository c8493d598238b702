import Foundation

extension FileManager {
    /// Whether `path` names an existing folder (following symbolic links).
    public func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
