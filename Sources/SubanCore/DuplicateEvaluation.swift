import Foundation

extension Dispatcher {
    /// The report duplicate detection compares for a decision. A triaged appeal is compared too,
    /// as its likeliest item: a second citizen's unsure words about an incident a ticket already
    /// holds join that ticket rather than wait for a dispatcher.
    public func duplicateReport(id: UUID, decision: Decision, input: Input, receivedAt: Date) -> DuplicateDetector.Report? {
        switch decision {
        case .assign(let assignment):
            return DuplicateDetector.Report(id: id, categoryCode: assignment.item.categoryCode, itemCode: assignment.item.code,
                                            candidates: assignment.classification.candidates, streetCode: assignment.place.streetCode,
                                            urgent: assignment.urgent, receivedAt: receivedAt, address: input.location.address, text: input.text,
                                            districtCode: assignment.place.districtCode, alsoNamed: assignment.namedPlaces)
        case .triage(_, let classification, let urgent, _):
            guard let item = classification.itemCode.flatMap(catalog.item(code:)) else { return nil }
            let placed = places.resolve(input.location, text: input.text)
            var report = DuplicateDetector.Report(id: id, categoryCode: item.categoryCode, itemCode: item.code, candidates: classification.candidates,
                                                  streetCode: placed.place.streetCode, urgent: urgent, receivedAt: receivedAt,
                                                  address: input.location.address, text: input.text, districtCode: placed.place.districtCode,
                                                  alsoNamed: placed.namedPlaces)
            report.canBeParent = false
            return report
        }
    }
}

/// Precision and recall of duplicate detection on the shipped labelled pairs,
/// each appeal going through the whole dispatch decision first, as in production:
/// a pair the classifier or the territory resolver splits is a miss.
public struct DuplicateEvaluation: Sendable {
    public struct Counts: Sendable, Hashable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var trueNegatives = 0

        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
        public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

        mutating func count(labelled: Bool, predicted: Bool) {
            switch (labelled, predicted) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (true, false): falseNegatives += 1
            case (false, false): trueNegatives += 1
            }
        }
    }

    public struct Miss: Sendable, Hashable {
        public var pair: DuplicatePair
        /// Why the detector kept a same-incident pair apart, or which places it thought shared.
        public var explanation: String
    }

    public var all = Counts()
    public var tuning = Counts()
    public var heldOut = Counts()
    public var errors: [Miss] = []

    public init(dispatcher: Dispatcher, detector: DuplicateDetector, pairs: [DuplicatePair]) {
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01, any instant would do
        for pair in pairs {
            let reports = [(pair.first, 0.0), (pair.second, pair.hoursApart)].map { text, hours in
                let input = Dispatcher.Input(text: text, urgentFlag: false, location: Location(districtCode: pair.districtCode, streetCode: pair.streetCode))
                return dispatcher.duplicateReport(id: UUID(), decision: dispatcher.decide(input), input: input,
                                                  receivedAt: start.addingTimeInterval(hours * 3600))
            }
            let verdict: DuplicateDetector.Verdict = if let first = reports[0], let second = reports[1] {
                first.canBeParent ? detector.compare(second, with: first) : .distinct(reason: "the first report went to triage")
            } else {
                .distinct(reason: "no catalog item")
            }
            let predicted: Bool
            let explanation: String
            switch verdict {
            case .duplicate(let match):
                predicted = true
                explanation = "\(reports[1]!.itemCode) / \(reports[0]!.itemCode) linked on \(match.sharedPlaces.joined(separator: "、")), place overlap \(String(format: "%.2f", match.placeOverlap)), problem \(String(format: "%.2f", match.problemSimilarity))"
            case .distinct(let reason):
                predicted = false
                explanation = reason
            }
            all.count(labelled: pair.sameIncident, predicted: predicted)
            if pair.heldOut { heldOut.count(labelled: pair.sameIncident, predicted: predicted) } else { tuning.count(labelled: pair.sameIncident, predicted: predicted) }
            if predicted != pair.sameIncident { errors.append(Miss(pair: pair, explanation: explanation)) }
        }
    }
}
