/// A duration in the units the C APIs, Redis commands and SQL intervals take.
extension Duration {
    public var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    public var wholeMicroseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    public var wholeNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
