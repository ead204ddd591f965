/// A stream entry recorded in PostgreSQL, waiting to be put on Redis.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var stream: String
    public var fields: [String: String]

    public init(id: Int64, stream: String, fields: [String: String]) {
        self.id = id
        self.stream = stream
        self.fields = fields
    }
}
