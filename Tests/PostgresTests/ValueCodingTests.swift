import Foundation
import Testing
@testable import Postgres

@Suite struct ValueCodingTests {
    @Test(arguments: [0.0, 1_800_000_000.123456, -86_400.5, 951_782_400.0 /* 2000-02-29 */])
    func timestampsRoundTrip(_ seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let decoded = try Date(postgresText: date.postgresText)
        #expect(abs(decoded.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: [
        ("2026-11-23 07:34:24+00", 1_795_419_264.0),
        ("2026-11-23 15:34:24+08", 1_795_419_264.0),
        ("2026-11-23 07:34:24.5+00", 1_795_419_264.5),
        ("2026-11-23 02:04:24-05:30", 1_795_419_264.0),
        ("2026-11-23 07:34:24.1234567+00", 1_795_419_264.123456),
    ])
    func parsesServerTimestamps(_ text: String, _ seconds: Double) throws {
        #expect(abs(try Date(postgresText: text).timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test func formatsInUTCWithMicroseconds() {
        #expect(Date(timeIntervalSince1970: 1_795_419_264.25).postgresText == "2026-11-23 07:34:24.250000+00")
    }

    @Test func padsEveryFieldToItsWidth() {
        // Each field narrower than its width, zero-padded as `%04lld` and `%06lld` pad.
        #expect(Date(timeIntervalSince1970: -59_042_984_155).postgresText == "0099-01-01 03:04:05.000000+00")
        #expect(Date(timeIntervalSince1970: 1_795_419_264.000_007).postgresText == "2026-11-23 07:34:24.000007+00")
        for (value, width, text) in [(Int64(0), 2, "00"), (7, 6, "000007"), (12_345, 4, "12345"), (-1, 4, "-001"), (-12_345, 2, "-12345")] as [(Int64, Int, String)] {
            var bytes: [UInt8] = []
            PostgresTimestamp.appendDigits(value, width: width, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == text, "\(value) in \(width)")
        }
    }

    @Test func rejectsWhatItCannotDecode() {
        #expect(throws: PostgresError.self) { try Int(postgresText: "12a") }
        #expect(throws: PostgresError.self) { try Bool(postgresText: "yes") }
        #expect(throws: PostgresError.self) { try Date(postgresText: "yesterday") }
        #expect(throws: PostgresError.self) { try UUID(postgresText: "not-a-uuid") }
    }

    @Test func copyEscapesSeparators() {
        var buffer: [UInt8] = []
        PostgresConnection.appendCopyEscaped("a\tb\nc\\d\r中", to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "a\\tb\\nc\\\\d\\r中")
    }

    @Test func errorsSaySQLState() {
        let error = PostgresError(kind: .server, message: "duplicate key", sqlState: "23505", detail: "Key (id)=(1)", statement: "INSERT")
        #expect(error.isUniqueViolation)
        #expect(error.description == "postgres 23505: duplicate key")
        #expect(error.debugDescription.contains("Key (id)=(1)"))
    }
}
