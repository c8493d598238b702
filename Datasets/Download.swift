import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Synchronously fetches `address` into memory. `file://` addresses (a local mirror) are read directly.
///
/// `timeout` bounds connecting and each wait for more data, not the whole transfer.
/// Any failure (bad address, network error, HTTP status other than 200) throws
/// `DatasetError.downloadFailed`.
func fetch(_ address: String, timeout: TimeInterval) throws -> Data {
    guard let url = URL(string: address) else {
        throw DatasetError.downloadFailed(url: address, reason: "not a valid URL")
    }
    if url.isFileURL {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DatasetError.downloadFailed(url: address, reason: "no readable file at \(url.path)")
        }
        return data
    }
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }

    final class Outcome: @unchecked Sendable { var result: Result<Data, DatasetError>? }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    session.dataTask(with: url) { data, response, error in
        if let error {
            outcome.result = .failure(.downloadFailed(url: address, reason: error.localizedDescription))
        } else if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            outcome.result = .failure(.downloadFailed(url: address, reason: "HTTP status \(http.statusCode)"))
        } else {
            outcome.result = .success(data ?? Data())
        }
        done.signal()
    }.resume()
    done.wait()
    return try outcome.result!.get()
}
