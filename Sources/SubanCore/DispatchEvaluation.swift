/// How well dispatch decides on labelled appeals it did not learn from: the
/// figures `suban-tools evaluate classifier` prints and CI holds to a bar.
public struct DispatchEvaluation: Sendable {
    public struct Tally: Sendable, Hashable {
        public var total = 0
        public var correct = 0
        public var rate: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    public var category = Tally()
    public var item = Tally()
    /// The lead unit the predicted item routes to at the appeal's place equals the gold item's.
    public var department = Tally()
    /// Urgent appeals the urgency detector flagged.
    public var urgentRecall = Tally()
    /// Flagged appeals that were urgent.
    public var urgentPrecision = Tally()
    /// Non-urgent appeals it flagged anyway.
    public var falseUrgent = Tally()
    /// The urgent appeals it missed, for the report.
    public var missedUrgent: [LabeledAppeal] = []
    /// Appeals whose confidence sends them to manual triage, and how many of the rest had the right category.
    public var triaged = 0
    public var autoDispatchedCategory = Tally()
    public var byCategory: [String: Tally] = [:]
    /// (gold category, predicted category) → count, for the wrong ones.
    public var confusions: [String: Int] = [:]
    /// gold category → predicted category → count, for every appeal.
    public var matrix: [String: [String: Int]] = [:]
    /// Each appeal's confidence and whether its category was right, for `atThreshold`.
    private var outcomes: [(confidence: Double, categoryRight: Bool)] = []

    /// What a triage threshold would do: the share of appeals sent to a human, and
    /// the category accuracy of those dispatched automatically.
    public func atThreshold(_ threshold: Double) -> (triageShare: Double, automatic: Tally) {
        var automatic = Tally()
        for outcome in outcomes where outcome.confidence >= threshold { automatic.count(outcome.categoryRight) }
        return (outcomes.isEmpty ? 0 : Double(outcomes.count - automatic.total) / Double(outcomes.count), automatic)
    }

    /// Calibration: for each band of confidence (0–0.1, 0.1–0.2, …), how many appeals
    /// fell in it and how many of those had the right category. A calibrated model's
    /// accuracy in a band is about the band's confidence.
    public func calibration(bands: Int = 10) -> [(range: ClosedRange<Double>, tally: Tally)] {
        var tallies = Array(repeating: Tally(), count: bands)
        for outcome in outcomes { tallies[min(bands - 1, Int(outcome.confidence * Double(bands)))].count(outcome.categoryRight) }
        return tallies.enumerated().map { (Double($0.offset) / Double(bands)...Double($0.offset + 1) / Double(bands), $0.element) }
    }

    /// Several evaluations' tallies added up (the voices of `evaluate classifier --cross-voice`).
    public struct Pooled: Sendable {
        public var category = Tally(), item = Tally(), department = Tally(), urgentRecall = Tally(), urgentPrecision = Tally()
        public var confusions: [String: Int] = [:]

        public init() {}

        public mutating func add(_ report: DispatchEvaluation) {
            category.add(report.category)
            item.add(report.item)
            department.add(report.department)
            urgentRecall.add(report.urgentRecall)
            urgentPrecision.add(report.urgentPrecision)
            confusions.merge(report.confusions, uniquingKeysWith: +)
        }
    }

    public init(dispatcher: Dispatcher, appeals: [LabeledAppeal]) {
        for appeal in appeals {
            guard let gold = dispatcher.catalog.item(code: appeal.itemCode) else { continue }
            let classification = dispatcher.classifier.classify(appeal.text)
            let predicted = classification.itemCode.flatMap { dispatcher.catalog.item(code: $0) }
            let categoryRight = predicted?.categoryCode == gold.categoryCode
            category.count(categoryRight)
            item.count(predicted?.code == gold.code)
            byCategory[gold.categoryCode, default: Tally()].count(categoryRight)
            matrix[gold.categoryCode, default: [:]][predicted?.categoryCode ?? "none", default: 0] += 1
            if !categoryRight { confusions["\(gold.categoryCode) → \(predicted?.categoryCode ?? "none")", default: 0] += 1 }

            // The place as dispatch finds it: the district the channel gave, then the text.
            let place = dispatcher.places.resolve(Location(districtCode: appeal.districtCode), text: appeal.text).place
            // With no place in the text, a district or street duty cannot be placed: compare the kind of unit instead.
            let consultation = appeal.type == .consultation
            let goldLead = dispatcher.router.route(gold, at: place, consultation: consultation)?.first?.departmentCode ?? gold.lead.description
            let predictedLead = predicted.map { dispatcher.router.route($0, at: place, consultation: consultation)?.first?.departmentCode ?? $0.lead.description }
            department.count(goldLead == predictedLead)

            outcomes.append((classification.confidence, categoryRight))
            if classification.confidence < dispatcher.triageThreshold { triaged += 1 }
            else { autoDispatchedCategory.count(categoryRight) }

            let flagged = dispatcher.model.urgency.assess(appeal.text, item: predicted).urgent
            if appeal.urgent { urgentRecall.count(flagged) } else { falseUrgent.count(flagged) }
            if flagged { urgentPrecision.count(appeal.urgent) }
            if appeal.urgent && !flagged { missedUrgent.append(appeal) }
        }
    }
}

extension DispatchEvaluation.Tally {
    mutating func count(_ isCorrect: Bool) {
        total += 1
        if isCorrect { correct += 1 }
    }

    mutating func add(_ other: Self) {
        total += other.total
        correct += other.correct
    }
}
