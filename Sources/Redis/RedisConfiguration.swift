/// Where and how to reach Redis: `redis://[:password@]host[:port][/db]`.
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int
    public var connectTimeout: Duration
    /// Read/write timeout for ordinary commands; blocking reads extend it by their own block time.
    public var commandTimeout: Duration
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0,
        connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5), maxConnections: Int = 8
    ) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maxConnections = maxConnections
    }

    public init(url: String) throws(RedisError) {
        guard url.hasPrefix("redis://") else { throw .configuration("URL must start with redis://") }
        var rest = Substring(url.dropFirst("redis://".count))
        self.init()
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // redis://:password@host or redis://user:password@host (ACL user ignored before Redis 6).
            if let colon = userinfo.firstIndex(of: ":") {
                password = String(userinfo[userinfo.index(after: colon)...]).removingPercentEncodingIfPossible
            } else if !userinfo.isEmpty {
                password = String(userinfo)
            }
        }
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let number = Int(db), number >= 0 else { throw .configuration("database must be a number: \(db)") }
                database = number
            }
        }
        if let colon = rest.lastIndex(of: ":") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw .configuration("port must be 1-65535")
            }
            port = number
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw .configuration("host is missing") }
        host = String(rest)
    }
}

extension String {
    /// `%40` → `@` for passwords written into URLs; text without escapes is returned as it is.
    var removingPercentEncodingIfPossible: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
