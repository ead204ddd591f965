/// Who hears of which ticket event, and in what words: SMS to the citizen at
/// dispatch, at the evaluation request (which carries the reply) and when a
/// dissatisfied ticket is sent back; signed webhooks to the channel that sent the
/// appeal for every step the channel shows its user. Pure: the callback worker
/// stores what this plans, one message per (event, recipient).
public enum CitizenNotice {
    public enum Transport: String, Sendable, Hashable, Codable {
        case sms, webhook
    }

    public struct Ticket: Sendable, Hashable {
        public var trackingCode: String
        public var channel: String
        public var channelRef: String
        public var status: TicketStatus
        public var hasPhone: Bool
        public var leadUnit: String?

        public init(trackingCode: String, channel: String, channelRef: String, status: TicketStatus, hasPhone: Bool, leadUnit: String?) {
            self.trackingCode = trackingCode
            self.channel = channel
            self.channelRef = channelRef
            self.status = status
            self.hasPhone = hasPhone
            self.leadUnit = leadUnit
        }
    }

    public struct Planned: Sendable, Hashable {
        public var transport: Transport
        /// `citizen` for SMS (the number is looked up at send time), `channel:<name>` for webhooks.
        public var recipient: String
        public var payload: [String: JSONValue]
    }

    static let smsEvents: Set<TicketEventKind> = [.dispatched, .linked, .evaluationRequested, .dissatisfactionReturn, .specialSupervision]
    static let webhookEvents: Set<TicketEventKind> = smsEvents.union([.closed, .replied])
    /// The parent's events a linked report's citizen hears of: the reply and the end.
    /// Its rating rounds are the parent citizen's own.
    public static let followedEvents: Set<TicketEventKind> = [.evaluationRequested, .replied, .closed]

    /// `ticket` is the one the citizen filed: for a linked report, the parent's
    /// events arrive here with the report's own tracking code. `ratingToken`: the token of
    /// the round an `evaluation_requested` opens, which only the citizen receives.
    public static func plan(event: TicketEventKind, at: String, ticket: Ticket, webhookChannels: Set<String>, ratingToken: String? = nil) -> [Planned] {
        let linked = ticket.status == .linked
        if linked && event != .linked && !followedEvents.contains(event) { return [] }
        let token = event == .evaluationRequested ? ratingToken : nil
        var planned: [Planned] = []
        if smsEvents.contains(event), ticket.hasPhone,
           let text = linked ? linkedSMSText(event: event, ticket: ticket, ratingToken: token) : smsText(event: event, ticket: ticket, ratingToken: token) {
            var payload: [String: JSONValue] = ["text": .string(text), "tracking_code": .string(ticket.trackingCode)]
            if let token { payload["rating_token"] = .string(token) }
            planned.append(Planned(transport: .sms, recipient: "citizen", payload: payload))
        }
        if webhookEvents.contains(event), webhookChannels.contains(ticket.channel) {
            var payload: [String: JSONValue] = [
                "event": .string(event.rawValue), "tracking_code": .string(ticket.trackingCode), "channel_ref": .string(ticket.channelRef),
                "status": .string(ticket.status.rawValue), "at": .string(at),
            ]
            if let token { payload["rating_token"] = .string(token) }
            planned.append(Planned(transport: .webhook, recipient: "channel:\(ticket.channel)", payload: payload))
        }
        return planned
    }

    static func smsText(event: TicketEventKind, ticket: Ticket, ratingToken: String? = nil) -> String? {
        let code = ticket.trackingCode
        return switch event {
        case .dispatched: "【深圳12345】您的诉求（查询码\(code)）已分拨至\(ticket.leadUnit ?? "承办单位")办理，可凭查询码查看进度。"
        case .evaluationRequested:
            "【深圳12345】您的诉求（查询码\(code)）已办理答复，请凭查询码查看答复，并凭评价码\(ratingToken ?? "")就办理速度、效果、服务体验和答复质量作出评价。"
        case .dissatisfactionReturn: "【深圳12345】您的不满意评价已收到，诉求（查询码\(code)）已退回承办单位重新办理。"
        case .specialSupervision: "【深圳12345】您的诉求（查询码\(code)）已转入专项督办。"
        default: nil
        }
    }

    static func linkedSMSText(event: TicketEventKind, ticket: Ticket, ratingToken: String? = nil) -> String? {
        let code = ticket.trackingCode
        return switch event {
        case .linked: "【深圳12345】您反映的问题（查询码\(code)）已有其他市民反映，平台已合并办理，办理进展和答复将同步告知您，可凭查询码查看。"
        case .evaluationRequested:
            "【深圳12345】您反映的问题（查询码\(code)）已办理答复，请凭查询码查看答复内容，并可凭评价码\(ratingToken ?? "")评价办理结果；您的不满意评价同样会使工单退回重办。"
        default: nil
        }
    }
}
