import Testing
@testable import Redis

@Suite struct ReplyParsingTests {
    static func parse(_ text: String) throws -> [RedisReply] {
        try RedisReply.parse(resp: Array(text.utf8))
    }

    @Test(arguments: [
        ("+OK\r\n", RedisReply.status("OK")),
        ("-ERR unknown command\r\n", .error("ERR unknown command")),
        (":-42\r\n", .integer(-42)),
        ("$-1\r\n", .null),
        ("$0\r\n\r\n", .bulk([])),
        ("*-1\r\n", .null),
        ("*0\r\n", .array([])),
        ("*2\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$-1\r\n", .array([.bulk(Array("foo".utf8)), .array([.integer(1), .null])])),
    ])
    func parsesEachReplyType(_ wire: String, _ expected: RedisReply) throws {
        #expect(try Self.parse(wire) == [expected])
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let payload: [UInt8] = [0x61, 0x00, 0x62, 0xff, 0x0d, 0x0a]
        let wire = Array("$6\r\n".utf8) + payload + Array("\r\n".utf8)
        #expect(try RedisReply.parse(resp: wire) == [.bulk(payload)])
    }

    @Test func chineseTextSurvives() throws {
        let text = "龙华街道龙观大道"
        let wire = "$\(text.utf8.count)\r\n\(text)\r\n"
        #expect(try Self.parse(wire).first?.string == text)
    }

    @Test func incompleteInputYieldsNothingYet() throws {
        #expect(try Self.parse("$10\r\nabc").isEmpty)
        #expect(try Self.parse("+OK\r\n:1\r\n*2\r\n:1\r\n") == [.status("OK"), .integer(1)])
    }

    @Test func protocolErrorThrows() {
        #expect(throws: RedisError.self) { try Self.parse("?what\r\n") }
    }

    @Test func serverErrorCode() {
        #expect(RedisError.server("BUSYGROUP Consumer Group name already exists").serverCode == "BUSYGROUP")
        #expect(throws: RedisError.server("WRONGTYPE x")) { try RedisReply.error("WRONGTYPE x").throwingServerError() }
    }

    @Test func commandArgumentsAreRawBytes() {
        let command = RedisCommand("SET", "键", [UInt8]([0, 1, 2]), 42)
        #expect(command.arguments == [Array("SET".utf8), Array("键".utf8), [0, 1, 2], Array("42".utf8)])
    }
}

@Suite struct StreamReplyTests {
    static func reply(_ text: String) throws -> RedisReply {
        try #require(try RedisReply.parse(resp: Array(text.utf8)).first)
    }

    @Test func decodesReadGroup() throws {
        let wire = "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$6\r\nticket\r\n$2\r\nt1\r\n*2\r\n$3\r\n2-0\r\n*-1\r\n"
        let entries = try RedisClient.decodeReadReply(try Self.reply(wire))
        #expect(entries == [StreamEntry(id: "1-0", fields: ["ticket": "t1"]), StreamEntry(id: "2-0", fields: [:])])
        #expect(try RedisClient.decodeReadReply(.null).isEmpty)
    }

    @Test func decodesPendingSummaryAndEntries() throws {
        let summary = try RedisClient.decodePendingSummary(try Self.reply("*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"))
        #expect(summary == PendingSummary(count: 3, oldestID: "1-0", newestID: "3-0", perConsumer: ["c": 3]))
        let entries = try RedisClient.decodePendingEntries(try Self.reply("*1\r\n*4\r\n$3\r\n1-0\r\n$1\r\nc\r\n:1500\r\n:2\r\n"))
        #expect(entries == [PendingEntry(id: "1-0", consumer: "c", idle: .milliseconds(1500), deliveries: 2)])
    }

    @Test func decodesAutoClaimWithDeletedIDs() throws {
        let wire = "*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$3\r\n4-0\r\n"
        let result = try RedisClient.decodeAutoClaim(try Self.reply(wire))
        #expect(result == AutoClaimResult(nextStart: "0-0", entries: [StreamEntry(id: "5-0", fields: ["k": "v"])], deletedIDs: ["4-0"]))
    }

    @Test func decodesGroups() throws {
        let wire = "*1\r\n*8\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:5\r\n$3\r\nlag\r\n:7\r\n"
        #expect(try RedisClient.decodeGroups(try Self.reply(wire)) == [StreamGroupInfo(name: "g", consumers: 2, pending: 5, lastDeliveredID: "0-0", lag: 7)])
    }

    @Test func rejectsMisshapenReplies() {
        #expect(throws: RedisError.self) { try RedisClient.decodeReadReply(.integer(1)) }
        #expect(throws: RedisError.self) { try RedisClient.decodeAutoClaim(.array([])) }
    }
}

@Suite struct RedisConfigurationTests {
    @Test func parsesURLs() throws {
        let plain = try RedisConfiguration(url: "redis://cache:6380/3")
        #expect(plain.host == "cache" && plain.port == 6380 && plain.database == 3 && plain.password == nil)
        let withPassword = try RedisConfiguration(url: "redis://:p%40ss@127.0.0.1")
        #expect(withPassword.password == "p@ss" && withPassword.port == 6379 && withPassword.database == 0)
    }

    @Test(arguments: ["http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h/x"])
    func rejectsBadURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }
}
