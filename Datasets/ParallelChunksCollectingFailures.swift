import Engine

/// `parallelChunks` for items that can fail: `body(range, failed)` works through its chunk of `0..<count`,
/// reporting an item that fails with `failed(item, error)` and going on; once every chunk is done, the
/// error of the first failed item in order is thrown (the same one whatever the thread count).
func parallelChunks(_ count: Int, costPerItem: Int, collectingFailures body: (Range<Int>, _ failed: (Int, Error) -> Void) -> Void) throws {
    var failures = [Error?](repeating: nil, count: count)
    failures.withUnsafeMutableBufferPointer { failures in
        let failures = failures
        parallelChunks(count, costPerItem: costPerItem) { range in body(range) { failures[$0] = $1 } }
    }
    if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
}
