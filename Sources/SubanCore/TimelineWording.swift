/// Each timeline step in words a citizen reads like a parcel's tracking line; a new kind
/// of step does not compile until it has its words.
public enum TimelineWording {
    public static func describe(kind: TicketEventKind, unit: String?, detail: JSONValue) -> String {
        let unit = unit ?? "承办单位"
        func field(_ name: String) -> String? {
            guard case .object(let members) = detail else { return nil }
            switch members[name] {
            case .string(let text): return text
            case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
            case .bool(let flag): return flag ? "true" : "false"
            default: return nil
            }
        }
        switch kind {
        case .received: return "诉求已受理，工单已登记"
        case .dispatched: return "工单已分拨"
        case .linked: return "已有其他市民反映同一问题，平台已合并办理，以下为该问题的办理进展"
        case .duplicateLinked: return "又有市民反映同一问题，已并入本工单办理"
        case .urgencyRaised: return "又有市民反映该问题情况紧急，工单升级为紧急诉求，24小时内介入处置"
        case .unlinked: return "经核实与合并的工单不是同一问题，已转人工分拨单独办理"
        case .triaged: return "工单转人工分拨，调度员将尽快派发"
        case .assigned: return field("role") == "lead" ? "已派发至\(unit)（主办）" : "已派发至\(unit)（协办）"
        case .accepted: return field("leader").map { "\(unit)已签收，由\($0)负责办理" } ?? "\(unit)已签收，正在办理"
        case .returned: return "\(unit)申请退回（\(field("reason") ?? "非本单位职责")），等待裁决，期间仍由其负责"
        case .arbitrated: return field("moved_to") != nil ? "经裁决，工单改由新的承办单位办理" : "经裁决，工单仍由\(unit)办理"
        case .extended: return "\(unit)申请延期第\(field("extension") ?? "1")次（\(field("reason") ?? "")），延长\(field("working_days") ?? "")个工作日"
        case .staged: return "\(unit)提交阶段性办结计划，平台将按计划跟踪督办"
        case .milestoneDone: return "\(unit)完成阶段性计划第\(field("index") ?? "")步"
        case .unitReplied: return "\(unit)已答复：\(field("text") ?? "")"
        case .replied: return "各承办单位均已答复"
        case .evaluationRequested: return "已短信邀请您评价办理结果"
        case .rated: return field("satisfied") == "true" ? "您已评价：满意" : "您已评价：不满意"
        case .linkedReportRated: return field("satisfied") == "true" ? "反映同一问题的另一位市民评价：满意" : "反映同一问题的另一位市民评价：不满意"
        case .visited: return field("solved") == "true" ? "回访确认问题已解决" : "回访发现问题未解决"
        case .dissatisfactionReturn: return "因评价不满意，工单退回\(unit)重新办理，由单位负责人督办"
        case .specialSupervision: return "再次不满意，工单转入专项督办"
        case .closed: return "工单已办结"
        case .slaWarning: return "办理时限即将到期，平台已预警"
        case .slaOverdue: return "办理已超时，平台已督办"
        case .slaEscalation: return "超时未办结，已升级督办"
        }
    }
}
