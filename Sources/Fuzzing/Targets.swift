/// Every fuzz target by name, in the order runs report them (and the hidden `selftest`).
public enum Targets {
    public static let names = ["idx", "fashion-mnist", "safetensors", "checkpoint", "record", "timemachine", "fra-eng", "zip", "text-weights", "png", "labels-csv"]

    /// The target `name`, its seed files written into `folder`.
    public static func make(_ name: String, folder: String) throws -> FuzzTarget {
        switch name {
        case "idx": try IDXTarget(folder: folder)
        case "fashion-mnist": try FashionMNISTTarget(folder: folder)
        case "safetensors": try SafeTensorsTarget(folder: folder)
        case "checkpoint": try CheckpointTarget(folder: folder)
        case "record": RecordTarget()
        case "timemachine": try TextCorpusTarget(.timeMachine)
        case "fra-eng": try TextCorpusTarget(.fraEng)
        case "zip": ZipTarget()
        case "text-weights": try TextWeightsTarget(folder: folder)
        case "png": PNGTarget()
        case "labels-csv": LabelsCSVTarget()
        case "selftest": SelfTestTarget()
        default: throw SeedFiles.WriteFailure(description: "zoo-fuzz: no parser \(name); the parsers are \(names.joined(separator: ", "))")
        }
    }
}
