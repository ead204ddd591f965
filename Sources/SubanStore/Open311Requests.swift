import Foundation
import Postgres
import SubanCore

/// Open311 service requests as GeoReport v2 clients read them. Only appeals filed through
/// Open311 are listed: that standard publishes requests, and a citizen who called the hotline
/// or used the city's app never agreed to that. Never a tracking code, number or rating token.
public enum Open311Requests {
    public struct Request: Sendable, Hashable {
        public var id: UUID
        /// Of the ticket that handles the incident (the parent, when this report was linked to one).
        public var status: TicketStatus
        public var serviceCode: String?
        public var serviceName: String?
        public var description: String
        /// The lead unit's name.
        public var agency: String?
        /// The lead unit's latest reply to this request (a co-handler's while the lead has none); none for a report linked to another
        /// citizen's ticket, whose replies are written to that citizen.
        public var statusNotes: String?
        public var linked: Bool
        public var type: AppealType
        public var urgent: Bool
        public var requestedAt: Date
        public var updatedAt: Date
        public var expectedAt: Date?
        public var address: String?
        public var latitude: Double?
        public var longitude: Double?
        public var mediaURL: String?
    }

    /// The requests `query` selects, newest first.
    public static func list(_ query: Open311.Query, on connection: PostgresConnection) throws -> [Request] {
        let closed = "{" + Open311.closedStatuses.map(\.rawValue).sorted().joined(separator: ",") + "}"
        var conditions = ["t.channel = $1"]
        var values: [(any PostgresEncodable)?] = [Channel.open311.rawValue, closed]
        func bind(_ value: any PostgresEncodable) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        if let ids = query.ids {
            conditions.append("t.id = ANY(\(bind("{" + ids.map(\.postgresText).joined(separator: ",") + "}"))::uuid[])")
        } else {
            conditions.append("t.received_at >= \(bind(query.start)) AND t.received_at <= \(bind(query.end))")
            if !query.serviceCodes.isEmpty {
                // Codes are checked as [a-z0-9.-] by the query parser, so the array literal needs no quoting.
                conditions.append("coalesce(h.item_code, t.requested_item) = ANY(\(bind("{" + query.serviceCodes.joined(separator: ",") + "}"))::text[])")
            }
            if query.statuses.count == 1, let status = query.statuses.first {
                conditions.append("(h.status = ANY($2::text[])) = \(bind(status == "closed"))")
            }
        }
        let limit = bind(query.pageSize), offset = bind((query.page - 1) * query.pageSize)
        return try connection.query(requestsQuery.sql(["conditions": conditions.joined(separator: " AND "), "limit": limit, "offset": offset]),
                                    values).map { row in
            Request(id: try row.decode("id"), status: TicketStatus(rawValue: try row.decode("status")) ?? .received,
                    serviceCode: try row.decodeIfPresent("service_code"), serviceName: try row.decodeIfPresent("service_name"),
                    description: try row.decode("text"), agency: try row.decodeIfPresent("agency"), statusNotes: try row.decodeIfPresent("status_notes"),
                    linked: try row.decode("linked"), type: AppealType(rawValue: try row.decode("type")) ?? .help, urgent: try row.decode("urgent"),
                    requestedAt: try row.decode("received_at"), updatedAt: try row.decode("updated_at"), expectedAt: try row.decodeIfPresent("reply_due_at"),
                    address: try row.decodeIfPresent("address"), latitude: try row.decodeIfPresent("latitude"),
                    longitude: try row.decodeIfPresent("longitude"), mediaURL: try row.decodeIfPresent("media_url"))
        }
    }

    /// The request a `POST requests` token stands for (the token is its channel reference).
    public static func requestID(token: String, on connection: PostgresConnection) throws -> UUID? {
        try connection.query("SELECT id FROM tickets WHERE channel = $1 AND channel_ref = $2", [Channel.open311.rawValue, token]).first?.decode("id")
    }

    static let requestsQuery = StoredQuery("open311-requests")
}
