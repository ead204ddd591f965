import Foundation

extension FleetStatus {
    /// The tables `suban status` prints.
    public var rendered: String {
        let status = self
        var lines: [String] = []
        var table = Table(["stream", "length", "group", "lag", "pending", "oldest pending", "consumers (pending, idle)"])
        func add(_ stream: FleetStatus.Stream) {
            if stream.groups.isEmpty { table.row([stream.name, "\(stream.length)", "-", "-", "-", "-", "-"]) }
            for (index, group) in stream.groups.enumerated() {
                let consumers = group.consumers.map { "\($0.name) (\($0.pending), \(Self.age($0.idleSeconds)))" }.joined(separator: ", ")
                table.row([index == 0 ? stream.name : "", index == 0 ? "\(stream.length)" : "", group.name, group.lag.map(String.init) ?? "?",
                           "\(group.pending)", group.oldestPendingSeconds.map(Self.age) ?? "-", consumers.isEmpty ? "none" : consumers])
            }
        }
        status.streams.forEach(add)
        let queues = status.departmentQueues
        table.row(["department queues: \(queues.streams) with entries", "\(queues.length)", "handlers", "\(queues.lag)", "\(queues.pending)", "", ""])
        queues.busiest.forEach(add)
        lines.append(table.rendered)

        lines.append("")
        let dead = status.deadLetters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("dead letters: \(dead.isEmpty ? "none" : dead)")
        lines.append("outbox: \(status.outbox.entries) stream entries in \(status.outbox.rows) rows not yet published" + (status.outbox.oldestSeconds.map { ", oldest \(Self.age($0))" } ?? ""))
        let open = status.openTickets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · ")
        lines.append("open tickets: \(open.isEmpty ? "none" : open)")

        lines.append("")
        var deadlines = Table(["clock", "running", "due within 24 h", "overdue"])
        for clock in status.deadlines { deadlines.row([clock.kind, "\(clock.running)", "\(clock.dueWithin24Hours)", "\(clock.overdue)"]) }
        lines.append(status.deadlines.isEmpty ? "deadlines: no clock running" : deadlines.rendered)
        return lines.joined(separator: "\n")
    }

    static func age(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: String(format: "%.0f ms", seconds * 1000)
        case ..<120: String(format: "%.0f s", seconds)
        case ..<7200: String(format: "%.0f min", seconds / 60)
        case ..<172_800: String(format: "%.1f h", seconds / 3600)
        default: String(format: "%.1f d", seconds / 86400)
        }
    }
}

/// Columns padded to their widest cell; CJK characters count double, as terminals draw them.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func row(_ cells: [String]) { rows.append(cells) }

    var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { Self.width($0[column]) }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { column, cell in
                column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - Self.width(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isIdeographic ? 2 : 1) }
    }
}
