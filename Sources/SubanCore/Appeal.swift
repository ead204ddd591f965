/// Where an appeal came in. The 23 channels the city kept after merging 537
/// collapse to these kinds for routing and reporting.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case hotline            // 12345 and the former hotlines merged into it
    case miniProgram = "mini-program"
    case app                // i深圳
    case web
    case mailbox            // 政府信箱
    case enterprise         // 企事速办
    case open311            // GeoReport v2 clients, through the Open311 endpoint only

    /// The channels `POST /v1/appeals` takes; Open311 requests come through their own endpoint,
    /// which lists them publicly, so no other client may file one.
    public static let direct: Set<Channel> = Set(allCases).subtracting([.open311])
}

/// The citizen's own label for the appeal; it sets the statutory time limit.
public enum AppealType: String, Sendable, Codable, CaseIterable {
    case consultation, help, suggestion, complaint, report
}

public enum MediaType: String, Sendable, Codable, CaseIterable {
    case picture, voice, video
}

public struct Coordinates: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

public struct Location: Sendable, Hashable, Codable {
    public var districtCode: String?
    public var streetCode: String?
    public var community: String?
    public var address: String?
    public var coordinates: Coordinates?

    public init(districtCode: String? = nil, streetCode: String? = nil, community: String? = nil, address: String? = nil, coordinates: Coordinates? = nil) {
        self.districtCode = districtCode
        self.streetCode = streetCode
        self.community = community
        self.address = address
        self.coordinates = coordinates
    }
}

public struct Contact: Sendable, Hashable, Codable {
    /// Mainland mobile or landline digits; nil for an anonymous appeal that left none.
    public var phone: String?
    /// Units never see the real number of an anonymous citizen.
    public var anonymous: Bool
    /// The channel verified the number (the hotline's caller line, an SMS code at login); nil
    /// when it does not say. Only a verified number may get more SMS a day than the cap.
    public var verified: Bool?

    public init(phone: String?, anonymous: Bool, verified: Bool? = nil) {
        self.phone = phone
        self.anonymous = anonymous
        self.verified = verified
    }
}

public struct Attachment: Sendable, Hashable, Codable {
    public var url: String
    public var media: MediaType

    public init(url: String, media: MediaType) {
        self.url = url
        self.media = media
    }
}

/// A validated appeal, as intake accepts it.
public struct Appeal: Sendable, Hashable, Codable {
    public var channel: Channel
    /// The channel's own id for this appeal: the idempotency key together with `channel`.
    public var channelRef: String
    public var type: AppealType
    public var urgent: Bool
    public var text: String
    public var location: Location
    public var contact: Contact
    public var attachments: [Attachment]
    /// The catalog item the citizen chose, where the channel offers a choice (an Open311 service):
    /// dispatch reads its name as the appeal's title, and still decides from the whole text.
    public var requestedItem: String?

    public init(channel: Channel, channelRef: String, type: AppealType, urgent: Bool, text: String,
                location: Location, contact: Contact, attachments: [Attachment], requestedItem: String? = nil) {
        self.channel = channel
        self.channelRef = channelRef
        self.type = type
        self.urgent = urgent
        self.text = text
        self.location = location
        self.contact = contact
        self.attachments = attachments
        self.requestedItem = requestedItem
    }
}
