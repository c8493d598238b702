// libFuzzer entry point for the safetensors reader: each input is written to a file, read with
// `SafeTensors.read` and loaded into LeNet, as `zoo eval --weights` does. Built by scripts/libfuzzer.
import Engine
import Foundation
import Zoo

let path = NSTemporaryDirectory() + "/zoo-libfuzzer-\(getpid()).safetensors"
let model = ModelRegistry.entry(named: "lenet")!.build(channels: 1, classes: 10)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    do {
        try model.load(SafeTensors.read(path), source: path)
    } catch {
        // A clean error names the file; anything else is a finding.
        precondition(String(describing: error).contains(path), "error without the file's name: \(error)")
    }
    return 0
}
