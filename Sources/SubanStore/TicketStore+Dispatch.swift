import Foundation
import Postgres
import SubanCore

extension TicketStore {
    /// A ticket as dispatch needs it.
    public struct DispatchCandidate: Sendable, Hashable {
        public var id: UUID
        public var status: TicketStatus
        public var receivedAt: Date
        public var input: Dispatcher.Input
    }

    public static func dispatchCandidates(_ ids: [UUID], on connection: PostgresConnection) throws -> [DispatchCandidate] {
        guard !ids.isEmpty else { return [] }
        let list = "{" + ids.map(\.postgresText).joined(separator: ",") + "}"
        return try connection.query("""
            SELECT id, status, received_at, text, type, urgent, district_code, street_code, community, address, latitude, longitude, requested_item
            FROM tickets WHERE id = ANY($1::uuid[])
            """, [list]).map { row in
            let latitude: Double? = try row.decodeIfPresent("latitude"), longitude: Double? = try row.decodeIfPresent("longitude")
            let coordinates = latitude.flatMap { latitude in longitude.map { Coordinates(latitude: latitude, longitude: $0) } }
            return DispatchCandidate(
                id: try row.decode("id"), status: try row.decode("status"), receivedAt: try row.decode("received_at"),
                input: Dispatcher.Input(
                    text: try row.decode("text"), urgentFlag: try row.decode("urgent"),
                    location: Location(districtCode: try row.decodeIfPresent("district_code"), streetCode: try row.decodeIfPresent("street_code"),
                                       community: try row.decodeIfPresent("community"), address: try row.decodeIfPresent("address"),
                                       coordinates: coordinates),
                    requestedItem: try row.decodeIfPresent("requested_item"), type: AppealType(rawValue: try row.decode("type"))))
        }
    }

    /// What dispatch decided for one ticket.
    public struct DispatchOutcome: Sendable, Hashable {
        public struct Unit: Sendable, Hashable, RecordRow {
            public var department: String
            public var role: String
            public var stream: String
        }

        public var id: UUID
        public var status: TicketStatus
        public var itemCode: String?
        public var categoryCode: String?
        public var confidence: Double
        public var urgent: Bool
        public var districtCode: String?
        public var streetCode: String?
        public var units: [Unit]
        /// The open ticket this report joined (status `linked`).
        public var parentID: UUID?
        public var candidates: [Classification.Candidate]
        /// The keys of the places it names (not house numbers): what a later report must
        /// name for `openParents` to offer this ticket as its parent.
        public var placeKeys: [String] = []
        /// The house and block numbers it names: a report naming other numbers is another place.
        public var placeNumbers: [String] = []
        /// An urgent report joined the calm ticket `parentID`, which becomes urgent (set by `link`).
        public var escalatesParent = false
        /// Why: reason, candidates and urgency signals, kept in the timeline.
        public var detail: [String: JSONValue]

        public init(ticketID: UUID, decision: Dispatcher.Decision) {
            id = ticketID
            parentID = nil
            switch decision {
            case .assign(let assignment):
                candidates = assignment.classification.candidates
                status = .dispatched
                itemCode = assignment.item.code
                categoryCode = assignment.item.categoryCode
                confidence = assignment.classification.confidence
                urgent = assignment.urgent
                districtCode = assignment.place.districtCode
                streetCode = assignment.place.streetCode
                units = assignment.units.map {
                    Unit(department: $0.departmentCode, role: $0.role.rawValue, stream: StreamNames.departmentQueue($0.departmentCode))
                }
                detail = [
                    "item": .string(assignment.item.code), "item_name": .string(assignment.item.name),
                    "confidence": .number(assignment.classification.confidence),
                    "urgent_signals": .array(assignment.urgentSignals.map(JSONValue.string)),
                    "place": .string(assignment.placeReason),
                ]
            case .triage(let reason, let classification, let urgent, let item):
                candidates = classification.candidates
                status = .triage
                itemCode = item?.code
                categoryCode = item?.categoryCode
                confidence = classification.confidence
                self.urgent = urgent
                units = []
                detail = [
                    "reason": .string(reason),
                    "candidates": .array(classification.candidates.map { .string($0.itemCode) }),
                ]
                if let item { detail["item"] = .string(item.code) }
            }
        }

        /// Joins the open ticket `match` names instead of going to any unit: the parent is handled once.
        /// A triaged report that joins a ticket takes its likeliest item and its place from `report`.
        public mutating func link(_ match: DuplicateDetector.Match, as report: DuplicateDetector.Report) {
            if status == .triage {
                itemCode = report.itemCode
                categoryCode = report.categoryCode
                districtCode = report.districtCode
                streetCode = report.streetCode
            }
            status = .linked
            parentID = match.parentID
            escalatesParent = match.escalates
            units = []
            detail["shared_places"] = .array(match.sharedPlaces.map(JSONValue.string))
            detail["problem_similarity"] = .number((match.problemSimilarity * 100).rounded() / 100)
        }

        var row: DispatchRow {
            DispatchRow(id: id, status: status, itemCode: itemCode, categoryCode: categoryCode, confidence: confidence, urgent: urgent,
                        districtCode: districtCode, streetCode: streetCode, units: units, detail: .object(detail), parentID: parentID,
                        candidates: candidates.map { DispatchRow.Candidate(item: $0.itemCode, p: $0.probability) },
                        placeKeys: placeKeys, placeNumbers: placeNumbers, escalatesParent: escalatesParent)
        }
    }

    /// One outcome as `record-dispatch.sql` unpacks it.
    struct DispatchRow: RecordRow {
        /// An item and its probability, as `item_candidates` keeps them.
        struct Candidate: RecordRow {
            var item: String
            var p: Double
        }

        var id: UUID
        var status: TicketStatus
        var itemCode: String?
        var categoryCode: String?
        var confidence: Double
        var urgent: Bool
        var districtCode: String?
        var streetCode: String?
        var units: [DispatchOutcome.Unit]
        var detail: JSONValue
        var parentID: UUID?
        var candidates: [Candidate]
        var placeKeys: [String]
        var placeNumbers: [String]
        var escalatesParent: Bool
    }

    /// Records dispatch outcomes in the caller's transaction. Only tickets still
    /// `received` change, so a redelivered message records nothing twice; the
    /// returned outbox rows hold one queue entry per new assignment and the events.
    public static func recordDispatch(_ outcomes: [DispatchOutcome], on connection: PostgresConnection) throws -> [OutboxMessage] {
        let rows = outcomes.map(\.row)
        guard let first = rows.first else { return [] }
        return try OutboxPublisher.messages(in: connection.query(
            recordDispatchQuery.sql(["outcome_columns": RecordSet.columns(of: first), "insert_messages": OutboxMessage.insertMessages]),
            [RecordSet.encode(rows), StreamNames.events]))
    }

    static let recordDispatchQuery = StoredQuery("record-dispatch")
}
