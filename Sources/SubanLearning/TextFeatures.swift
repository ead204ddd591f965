/// A text as the models see it: the hashed (32-bit) character 1-, 2- and 3-grams of its
/// letters, digits and CJK characters, each once.
///
/// Characters, not words, because citizens' Chinese has no spaces, is full of
/// typos and homophones, and names places and objects no dictionary lists; a
/// 3-gram already covers most two- and three-character words. Text is folded
/// first (full-width to half-width, lower case, every digit to 0), so "１２号楼",
/// "12号楼" and "3号楼" share their features. An n-gram never spans punctuation
/// or spaces: "不，着火了" has no "不着".
public enum TextFeatures {
    public static let longestGram = 3

    /// The distinct features of `text`, in first-seen order.
    public static func of(_ text: String) -> [UInt32] {
        var features: [UInt32] = []
        features.reserveCapacity(text.unicodeScalars.count * longestGram)
        var seen = Set<UInt32>()
        var window: [UInt32] = []
        for scalar in text.unicodeScalars {
            guard let folded = fold(scalar) else {
                window.removeAll(keepingCapacity: true)
                continue
            }
            window.append(folded)
            if window.count > longestGram { window.removeFirst() }
            // Every n-gram that ends at this character.
            for length in 1...window.count {
                let feature = hash(window[(window.count - length)...])
                if seen.insert(feature).inserted { features.append(feature) }
            }
        }
        return features
    }

    /// The folded form of a character that belongs in an n-gram, nil for a boundary.
    static func fold(_ scalar: Unicode.Scalar) -> UInt32? {
        var value = scalar.value
        // Full-width ASCII (！ to ～) to its half-width form.
        if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
        guard let folded = Unicode.Scalar(value) else { return nil }
        let properties = folded.properties
        if properties.numericType != nil { return 0x30 }
        guard properties.isAlphabetic else { return nil }
        if (0x41...0x5A).contains(value) { return value + 0x20 }
        return value
    }

    /// FNV-1a over the characters, seeded with the length, folded to 32 bits: a
    /// model holds a few hundred thousand n-grams, so a collision is a handful of
    /// them sharing a weight, and a 4-byte key halves the model's index.
    static func hash(_ characters: ArraySlice<UInt32>) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(characters.count)
        for character in characters {
            for shift in stride(from: 0, to: 32, by: 8) {
                hash ^= UInt64((character >> UInt32(shift)) & 0xFF)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
