/// A stream entry recorded in PostgreSQL, waiting to be put on Redis: the `index`-th entry
/// of outbox row `id` (one row holds all the entries of one change).
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var index: Int
    public var stream: String
    public var fields: [String: String]

    public init(id: Int64, index: Int = 0, stream: String, fields: [String: String]) {
        self.id = id
        self.index = index
        self.stream = stream
        self.fields = fields
    }

    /// The Redis key that says this entry is on its stream. The first entry of a row keeps the
    /// key it had when a row held one entry, so rows written before migration 9 are not published twice.
    public var deliveryMarker: String { index == 0 ? "\(stream):sent:\(id)" : "\(stream):sent:\(id).\(index)" }

    /// Ends a statement whose CTE `messages (stream, fields, n)` lists the stream entries of a
    /// change in order `n`: one outbox row holds them all. Read its rows with `OutboxPublisher.messages(in:)`.
    public static let insertMessages = """
        INSERT INTO outbox (messages)
        SELECT jsonb_agg(jsonb_build_object('stream', stream, 'fields', fields) ORDER BY n) FROM messages HAVING count(*) > 0
        RETURNING id, messages::text AS messages
        """
}
