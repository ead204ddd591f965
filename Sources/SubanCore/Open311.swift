import Foundation

/// Open311 GeoReport v2 (open311.org) as Suban speaks it: the catalog's items are its services,
/// a service request is an appeal filed on the `open311` channel, and a request is "closed" once
/// its units have replied. Pure: the HTTP layer renders, the store reads.
public enum Open311 {
    /// What the shipped `open311.json` defines: the attributes a client may send as
    /// `attribute[code]`, and what a request without them is.
    public struct Definition: Sendable, Hashable, Codable {
        public var attributes: [Attribute]
        /// The type of a request that sends no `appeal_type`: most Open311 requests ask for
        /// something to be fixed (求助, ten working days).
        public var defaultType: AppealType

        public init(attributes: [Attribute], defaultType: AppealType) {
            self.attributes = attributes
            self.defaultType = defaultType
        }

        enum CodingKeys: String, CodingKey {
            case attributes
            case defaultType = "default_type"
        }

        /// The attributes `item`'s service definition lists, in their order.
        public func attributes(for item: CatalogItem) -> [Attribute] {
            attributes.filter { $0.categories?.contains(item.categoryCode) ?? true }
        }
    }

    /// One attribute of a service definition; Suban's are single-value lists.
    public struct Attribute: Sendable, Hashable, Codable {
        public struct Value: Sendable, Hashable, Codable {
            public var key: String
            public var name: String
        }

        public var code: String
        public var required: Bool
        public var description: String
        public var values: [Value]
        /// What the attribute sets on the appeal: `type` (the appeal type) or `urgent` (`yes` makes it urgent).
        public var sets: String
        /// The categories whose services have it; every service when absent.
        public var categories: [String]?

        public init(code: String, required: Bool, description: String, values: [Value], sets: String, categories: [String]? = nil) {
            self.code = code
            self.required = required
            self.description = description
            self.values = values
            self.sets = sets
            self.categories = categories
        }
    }

    public static let descriptionLimit = 4000

    /// Ticket statuses an Open311 client sees as `closed`: the units have replied; what follows
    /// (the citizen's rating, a callback visit) is the platform's business. A return reopens it.
    public static let closedStatuses: Set<TicketStatus> = [.replied, .callback, .rated, .closed]

    public static func status(_ status: TicketStatus) -> String {
        closedStatuses.contains(status) ? "closed" : "open"
    }

    /// The service notice: the statutory time limit of the request's type, in words.
    public static func serviceNotice(_ type: AppealType, urgent: Bool) -> String {
        let limit = "\(SLAPolicy.replyLimit(type))个工作日内办结答复（\(typeNames[type]!)类诉求的法定时限，自受理次日起算）"
        return urgent ? "紧急诉求：24小时内响应处置；" + limit : limit
    }

    static let typeNames: [AppealType: String] = [.consultation: "咨询", .help: "求助", .suggestion: "建议", .complaint: "投诉", .report: "举报"]

    /// A `POST requests` form as intake's validator reads an appeal, and the service it names.
    public struct Submission: Sendable, Hashable {
        public var item: CatalogItem
        /// The appeal as `POST /v1/appeals` takes it, for `AppealValidator`.
        public var appeal: JSONValue
    }

    /// Open311's fields in the order the spec lists them; any other (but `attribute[…]`) is refused.
    public static let requestFields: Set<String> = [
        "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id", "account_id",
        "first_name", "last_name", "phone", "description", "media_url", "api_key",
    ]

    /// Reads a `POST requests` form. `token` becomes the appeal's channel reference. Errors name
    /// Open311's fields; what the validator finds later is renamed by `fieldName(ofAppealField:)`.
    /// Names, e-mail, device and account are not kept: Suban reaches a citizen by phone only.
    public static func submission(form: [(name: String, value: String)], token: String, catalog: Catalog,
                                  definition: Definition) -> Result<Submission, ValidationFailure> {
        var errors: [FieldError] = []
        var fields: [String: String] = [:]
        var attributes: [String: String] = [:]
        for (name, value) in form {
            if name.hasPrefix("attribute[") && name.hasSuffix("]") {
                attributes[String(name.dropFirst("attribute[".count).dropLast())] = value
            } else if requestFields.contains(name) {
                if fields[name] != nil { errors.append(FieldError(name, "given twice")) }
                fields[name] = value
            } else {
                errors.append(FieldError(name, "not a field of a GeoReport v2 request"))
            }
        }
        let code = fields["service_code"].flatMap { $0.isEmpty ? nil : $0 }
        guard let code else { return .failure(ValidationFailure(errors + [FieldError("service_code", "required")])) }
        guard let item = catalog.item(code: code) else {
            return .failure(ValidationFailure(errors + [FieldError("service_code", "no service '\(code)'; GET services lists them")]))
        }
        var appeal: [String: JSONValue] = ["channel": .string(Channel.open311.rawValue), "channel_ref": .string(token)]

        // Attributes: known to this service, one of their values, every required one given.
        var type = definition.defaultType
        var urgent = false
        let offered = definition.attributes(for: item)
        for (code, value) in attributes.sorted(by: { $0.key < $1.key }) {
            guard let attribute = offered.first(where: { $0.code == code }) else {
                errors.append(FieldError("attribute[\(code)]", "not an attribute of service '\(item.code)'"))
                continue
            }
            guard attribute.values.contains(where: { $0.key == value }) else {
                errors.append(FieldError("attribute[\(code)]", "one of \(attribute.values.map(\.key).joined(separator: ", "))"))
                continue
            }
            switch attribute.sets {
            case "type": type = AppealType(rawValue: value) ?? type
            case "urgent": urgent = value == "yes"
            default: break
            }
        }
        for attribute in offered where attribute.required && attributes[attribute.code] == nil {
            errors.append(FieldError("attribute[\(attribute.code)]", "required"))
        }
        appeal["type"] = .string(type.rawValue)
        appeal["urgent"] = .bool(urgent)

        // The spec allows an empty description: the chosen service is then the whole appeal.
        let description = fields["description"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        appeal["text"] = .string(description.isEmpty ? item.name : description)

        // A place: coordinates, an address, or both. Address ids belong to other cities' registries.
        var location: [String: JSONValue] = [:]
        switch (fields["lat"], fields["long"]) {
        case (nil, nil): break
        case (let lat?, let long?):
            if let latitude = Double(lat), let longitude = Double(long) {
                location["coordinates"] = .object(["lat": .number(latitude), "lng": .number(longitude)])
            } else {
                if Double(lat) == nil { errors.append(FieldError("lat", "a decimal latitude (WGS84)")) }
                if Double(long) == nil { errors.append(FieldError("long", "a decimal longitude (WGS84)")) }
            }
        case (nil, _): errors.append(FieldError("lat", "required with long"))
        case (_, nil): errors.append(FieldError("long", "required with lat"))
        }
        if let address = fields["address_string"], !address.isEmpty { location["address"] = .string(address) }
        if fields["address_id"].map({ !$0.isEmpty }) ?? false {
            errors.append(FieldError("address_id", "not supported here; send lat and long, or address_string"))
        } else if location.isEmpty, !errors.contains(where: { ["lat", "long"].contains($0.field) }) {
            errors.append(FieldError("lat", "a location is required: lat and long, or address_string"))
        }
        if !location.isEmpty { appeal["location"] = .object(location) }

        if let phone = fields["phone"].map(normalisedPhone), !phone.isEmpty {
            appeal["contact"] = .object(["phone": .string(phone)])
        } else {
            appeal["contact"] = .object(["anonymous": .bool(true)])
        }
        if let url = fields["media_url"], !url.isEmpty {
            appeal["attachments"] = .array([.object(["url": .string(url), "media": .string(MediaType.picture.rawValue)])])
        }
        guard errors.isEmpty else { return .failure(ValidationFailure(errors)) }
        return .success(Submission(item: item, appeal: .object(appeal)))
    }

    /// "+86 138-0013-8000" → "13800138000": clients send numbers as people type them.
    static func normalisedPhone(_ raw: String) -> String {
        var digits = raw.filter { !" -()".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        return digits
    }

    /// The Open311 name of a field intake's validator refused.
    public static func fieldName(ofAppealField field: String) -> String {
        switch field {
        case "text": "description"
        case "location.coordinates.lat": "lat"
        case "location.coordinates.lng": "long"
        case "location.address", "location": "address_string"
        case "contact.phone", "contact": "phone"
        case "type": "attribute[appeal_type]"
        default: field.hasPrefix("attachments") ? "media_url" : field
        }
    }

    /// `GET requests`' query.
    public struct Query: Sendable, Hashable {
        /// When set, every other filter is ignored (the spec's rule).
        public var ids: [UUID]?
        public var serviceCodes: [String]
        public var start: Date
        public var end: Date
        public var statuses: Set<String>
        public var page: Int
        public var pageSize: Int

        public init(ids: [UUID]? = nil, serviceCodes: [String] = [], start: Date, end: Date, statuses: Set<String> = [], page: Int = 1,
                    pageSize: Int = maxPageSize) {
            self.ids = ids
            self.serviceCodes = serviceCodes
            self.start = start
            self.end = end
            self.statuses = statuses
            self.page = page
            self.pageSize = pageSize
        }

        /// These requests, whenever they came.
        public static func byIDs(_ ids: [UUID]) -> Self {
            Self(ids: ids, start: .distantPast, end: .distantFuture, pageSize: max(1, ids.count))
        }

        /// The spec's default window and its longest.
        public static let window: TimeInterval = 90 * 86_400
        /// The spec's cap on one answer, and the page size when a client asks for none.
        public static let maxPageSize = 1000

        /// Reads the query; `now` ends the default window.
        public static func parse(_ parameters: [String: String], now: Date) -> Result<Query, ValidationFailure> {
            var errors: [FieldError] = []
            var query = Query(start: now.addingTimeInterval(-window), end: now)
            if let list = parameters["service_request_id"] {
                let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let ids = parts.compactMap(UUID.init(uuidString:))
                if ids.count != parts.count || ids.isEmpty || ids.count > maxPageSize {
                    errors.append(FieldError("service_request_id", "comma-separated request ids, at most \(maxPageSize)"))
                }
                query.ids = ids
            }
            if let list = parameters["service_code"] {
                query.serviceCodes = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if query.serviceCodes.isEmpty || query.serviceCodes.contains(where: { !isServiceCode($0) }) {
                    errors.append(FieldError("service_code", "comma-separated service codes"))
                }
            }
            let start = parameters["start_date"].map { (text: String) -> Date? in parseDate(text) }
            let end = parameters["end_date"].map { (text: String) -> Date? in parseDate(text) }
            if case .some(nil) = start { errors.append(FieldError("start_date", "an ISO 8601 date-time with its zone (2026-11-30T09:00:00+08:00)")) }
            if case .some(nil) = end { errors.append(FieldError("end_date", "an ISO 8601 date-time with its zone (2026-11-30T18:00:00+08:00)")) }
            switch (start ?? nil, end ?? nil) {
            case (let start?, let end?): query.start = start; query.end = end
            case (let start?, nil): query.start = start; query.end = min(now, start.addingTimeInterval(window))
            case (nil, let end?): query.end = end; query.start = end.addingTimeInterval(-window)
            case (nil, nil): break
            }
            if query.end < query.start { errors.append(FieldError("end_date", "before start_date")) }
            if query.end.timeIntervalSince(query.start) > window { errors.append(FieldError("end_date", "at most 90 days after start_date")) }
            if let list = parameters["status"] {
                query.statuses = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                if query.statuses.isEmpty || !query.statuses.isSubset(of: ["open", "closed"]) {
                    errors.append(FieldError("status", "open, closed or both, comma-separated"))
                }
            }
            if let text = parameters["page"] {
                if let page = Int(text), page >= 1 { query.page = page } else { errors.append(FieldError("page", "an integer from 1")) }
            }
            if let text = parameters["page_size"] {
                if let size = Int(text), (1...maxPageSize).contains(size) { query.pageSize = size } else {
                    errors.append(FieldError("page_size", "an integer from 1 to \(maxPageSize)"))
                }
            }
            return errors.isEmpty ? .success(query) : .failure(ValidationFailure(errors))
        }
    }

    /// Catalog codes are lower-case words joined by dots and dashes.
    public static func isServiceCode(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 80 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }
    }

    /// W3C date-times as the spec writes them (`2010-01-01T00:00:00Z`, `…+08:00`, fractional seconds allowed).
    public static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Times as the spec shows them: to the second, with Shenzhen's offset (`2026-11-30T09:00:00+08:00`).
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        return formatter.string(from: date)
    }
}
