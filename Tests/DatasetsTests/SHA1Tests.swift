import Datasets
import Testing

@Suite struct SHA1Tests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func standardVectors(message: String, digest: String) {
        #expect(sha1Hex(Array(message.utf8)) == digest)
    }

    @Test func oneMillionA() {
        #expect(sha1Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Lengths around the 55/56/64-byte padding boundaries (reference digests from `sha1sum`).
    @Test func paddingBoundaries() {
        #expect(sha1Hex([UInt8](repeating: UInt8(ascii: "a"), count: 55)) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(sha1Hex([UInt8](repeating: UInt8(ascii: "a"), count: 56)) == "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        #expect(sha1Hex([UInt8](repeating: UInt8(ascii: "a"), count: 64)) == "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }
}
