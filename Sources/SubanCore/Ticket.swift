import Foundation

/// The statutory clock (seed 003): one place holds the limits, everyone else asks.
public enum SLAPolicy {
    /// Working days to close an appeal of each type, counted from the day after receipt.
    public static func replyLimit(_ type: AppealType) -> Int {
        switch type {
        case .consultation: 2
        case .help, .suggestion: 10
        case .complaint, .report: 15
        }
    }

    /// Working days a unit gets to re-handle a ticket the citizen returned
    /// as unsatisfied: half the type's limit, at least one day.
    public static func returnLimit(_ type: AppealType) -> Int {
        max(1, replyLimit(type) / 2)
    }

    /// When the ticket must be closed. Urgent appeals must also be taken up within 24 hours
    /// (`interventionDeadline`); the type's limit still bounds the whole case.
    public static func replyDeadline(_ type: AppealType, receivedAt: Date, calendar: WorkingCalendar) -> Deadline {
        calendar.deadline(addingWorkingDays: replyLimit(type), to: receivedAt)
    }

    /// Urgent appeals: the handling unit intervenes within 24 hours of receipt.
    public static func interventionDeadline(receivedAt: Date, urgent: Bool) -> Date? {
        urgent ? receivedAt.addingTimeInterval(24 * 3600) : nil
    }

    /// Urgent appeals are dispatched within 30 minutes, others within 2 hours.
    public static func dispatchDeadline(receivedAt: Date, urgent: Bool) -> Date {
        receivedAt.addingTimeInterval(urgent ? 30 * 60 : 2 * 3600)
    }
}

/// The citizen's key to their ticket: 128 random bits in Crockford base32, 26 characters.
public enum TrackingCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var bits = (UInt64.random(in: .min ... .max, using: &generator), UInt64.random(in: .min ... .max, using: &generator))
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        for _ in 0..<26 {
            characters.append(alphabet[Int(bits.1 & 31)])
            bits.1 = (bits.1 >> 5) | (bits.0 << 59)
            bits.0 >>= 5
        }
        return String(decoding: characters, as: UTF8.self)
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// Shape only; whether it names a ticket is the store's question.
    public static func isWellFormed(_ code: String) -> Bool {
        code.utf8.count == 26 && code.utf8.allSatisfy { alphabet.contains($0) }
    }
}
