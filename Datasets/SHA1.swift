/// The SHA-1 digest of `bytes` as 40 lowercase hexadecimal digits.
/// Used only to check file integrity against published digests, not for security.
public func sha1Hex(_ bytes: [UInt8]) -> String {
    var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    let fullBlocks = bytes.count / 64

    // Padding: 0x80, zeros, then the message length in bits as a big-endian UInt64.
    var tail = Array(bytes[(fullBlocks * 64)...])
    tail.append(0x80)
    while tail.count % 64 != 56 { tail.append(0) }
    let bitLength = UInt64(bytes.count) &* 8
    for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
        bytes.withUnsafeBufferPointer { data in
            for block in 0..<fullBlocks { sha1Block(data.baseAddress! + block * 64, &state, w) }
        }
        tail.withUnsafeBufferPointer { data in
            for block in 0..<(tail.count / 64) { sha1Block(data.baseAddress! + block * 64, &state, w) }
        }
    }
    return state.map { word in
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }.joined()
}

/// Compresses one 64-byte block into `h`, using `w` (80 words) as the message schedule.
@inline(__always)
private func sha1Block(_ p: UnsafePointer<UInt8>, _ h: inout [UInt32], _ w: UnsafeMutableBufferPointer<UInt32>) {
    for i in 0..<16 {
        w[i] = UInt32(p[4 * i]) << 24 | UInt32(p[4 * i + 1]) << 16 | UInt32(p[4 * i + 2]) << 8 | UInt32(p[4 * i + 3])
    }
    for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }

    var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
    for i in 0..<80 {
        let f: UInt32, k: UInt32
        switch i {
        case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
        case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
        case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
        default: f = b ^ c ^ d; k = 0xCA62_C1D6
        }
        let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
    }
    h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
}

@inline(__always)
private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
