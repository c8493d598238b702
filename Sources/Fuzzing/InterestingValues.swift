/// The values most likely to break a parser: boundaries of integer widths and numbers that do not fit.
enum InterestingValues {
    /// Integers written over 1, 2, 4 or 8 bytes (truncated to the width): 0, 1, -1, the signed maximum and
    /// minimum of every width, 2^31, 2^32 and huge ones.
    static let integers: [UInt64] = [
        0, 1, 2, 0x10, 0xFF, 0x7F, 0x80, 0x7FFF, 0x8000, 0xFFFF,
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 1 << 62, 1 << 40,
    ]

    /// Number tokens for text: each stays a valid JSON token except NaN.
    static let numberTokens = ["0", "-1", "1e308", "-1e308", "99999999999999999999", "1e-400", "NaN",
                               "4294967296", "9223372036854775807", "-9223372036854775808", "0.5"]

    /// JSON values that replace a number or a string.
    static let jsonValues = ["[]", "{}", "null", "\"\"", "[0]", "[-1,-1]", "true", "[[]]", "{\"a\":1}"]
}
