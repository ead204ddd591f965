import ArgumentParser
import BlockingIO
import Foundation
import Histogram
import SubanCore
import SubanData

/// Accuracy of the pure dispatch decisions on the shipped labelled data, with
/// bars that make CI fail when a catalog or model change makes them worse.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure classification and duplicate detection on the shipped held-out data.",
        subcommands: [Classifier.self, Places.self, Duplicates.self, Learning.self, Speed.self, Explain.self])

    struct Classifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Category, item and lead-unit accuracy, calibration, triage and urgency on the held-out appeals.",
            discussion: """
                The held-out appeals were written apart from the training ones and nothing trains or tunes on them. \
                --validation measures on every fifth training appeal instead, learning from the other four. \
                --cross-voice measures on each voice of the training appeals (operators' summaries, social-media posts…) \
                in turn, learning from the others: the closest the training data comes to appeals written elsewhere. \
                Tune with these two, never with the held-out appeals.
                """)

        // CI's bars sit just under what the model measures on the held-out appeals, so a change that
        // makes dispatch worse fails; the targets are 90% category and lead unit, 98% urgent recall and
        // 60% precision (docs/performance.md has the figures). Raise them as the model improves.
        @Option(help: "Fail below this category accuracy.") var minCategory = 0.90
        @Option(help: "Fail below this lead-unit accuracy.") var minDepartment = 0.90
        @Option(help: "Fail below this urgent recall.") var minUrgentRecall = 0.98
        @Option(help: "Fail below this urgent precision.") var minUrgentPrecision = 0.69
        @Flag(help: "Tune without touching the held-out appeals: learn from four of every five training appeals, measure on the fifth.")
        var validation = false
        @Flag(help: "Tune on voices the model never saw: learn from every voice of the training appeals but one, measure on that one, for each.")
        var crossVoice = false
        @Option(help: "The model's probability of urgency at which an appeal counts as urgent.") var urgencyThreshold: Double?
        @Option(help: "Triage below this confidence.") var triageThreshold = Dispatcher.defaultTriageThreshold
        @Option(help: "A data folder laid out as the shipped one (catalog.jsonl, appeals/, hazards.json).") var data: String?

        func run() throws {
            let data = try self.data.map { try ShippedData(folder: URL(fileURLWithPath: $0)) } ?? .shenzhen
            if crossVoice { return try Self.crossVoice(data, triageThreshold: triageThreshold, urgencyThreshold: urgencyThreshold) }
            var learnFrom = data.training
            var appeals = data.heldOut
            if validation {
                appeals = learnFrom.enumerated().filter { $0.offset % 5 == 4 }.map(\.element)
                learnFrom = learnFrom.enumerated().filter { $0.offset % 5 != 4 }.map(\.element)
            }
            let clock = ContinuousClock()
            let started = clock.now
            var model = self.data == nil && !validation ? ShippedData.trainedModel
                : AppealModel.train(catalog: data.catalog, examples: learnFrom, lexicon: data.lexicon)
            if let urgencyThreshold { model = model.with(urgencyThreshold: urgencyThreshold) }
            print("model trained in \(Speed.milliseconds(clock.now - started)) ms from \(learnFrom.count) appeals (\(model.classifier.featureCount) weighted features)")
            let report = DispatchEvaluation(dispatcher: Self.dispatcher(data, model, triageThreshold: triageThreshold), appeals: appeals)
            Evaluate.printReport(report, of: appeals, name: validation ? "validation" : "held-out", triageThreshold: triageThreshold, urgencyThreshold: model.urgency.threshold)
            try Evaluate.hold([("category accuracy", report.category.rate, minCategory), ("lead-unit accuracy", report.department.rate, minDepartment),
                               ("urgent recall", report.urgentRecall.rate, minUrgentRecall), ("urgent precision", report.urgentPrecision.rate, minUrgentPrecision)])
        }

        static func dispatcher(_ data: ShippedData, _ model: AppealModel, triageThreshold: Double) -> Dispatcher {
            Dispatcher(catalog: data.catalog, departments: Departments.all, model: model, places: PlaceResolver(gazetteer: data.gazetteer),
                       triageThreshold: triageThreshold)
        }

        /// One row per voice, then every voice pooled: each measured by a model that never read it.
        static func crossVoice(_ data: ShippedData, triageThreshold: Double, urgencyThreshold: Double?) throws {
            func voice(_ appeal: LabeledAppeal) -> String { appeal.voice ?? "unlabelled" }
            let voices = Dictionary(grouping: data.training, by: voice)
            guard voices.count > 1 else { throw ValidationError("the training appeals name fewer than two voices") }
            print("voice          appeals  category  item    lead unit  urgent recall     urgent precision")
            var pooled = DispatchEvaluation.Pooled()
            for (name, appeals) in voices.sorted(by: { $0.key < $1.key }) {
                var model = AppealModel.train(catalog: data.catalog, examples: data.training.filter { voice($0) != name }, lexicon: data.lexicon)
                if let urgencyThreshold { model = model.with(urgencyThreshold: urgencyThreshold) }
                let report = DispatchEvaluation(dispatcher: dispatcher(data, model, triageThreshold: triageThreshold), appeals: appeals)
                pooled.add(report)
                printRow(name, appeals.count, report.category, report.item, report.department, report.urgentRecall, report.urgentPrecision)
            }
            printRow("all", data.training.count, pooled.category, pooled.item, pooled.department, pooled.urgentRecall, pooled.urgentPrecision)
            print("most frequent confusions, all voices:")
            for (pair, count) in pooled.confusions.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(15) {
                print("  \(count)× \(pair)")
            }
        }

        static func printRow(_ voice: String, _ count: Int, _ tallies: DispatchEvaluation.Tally...) {
            func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(1, width - text.count)) }
            var row = padded(voice, 15) + padded(String(count), 9)
            for (tally, width) in zip(tallies, [10, 8, 11, 18, 18]) {
                row += padded(tally.total < 50 ? "\(percent(tally.rate)) (\(tally.correct)/\(tally.total))" : percent(tally.rate), width)
            }
            print(row)
        }

        static func line(_ tally: DispatchEvaluation.Tally) -> String {
            "\(percent(tally.rate))  (\(tally.correct)/\(tally.total))"
        }
    }

    /// The whole report: figures, calibration, the triage trade-off, the confusion matrix and the missed urgent appeals.
    static func printReport(_ report: DispatchEvaluation, of appeals: [LabeledAppeal], name: String, triageThreshold: Double, urgencyThreshold: Double) {
        let line = Classifier.line
        Swift.print("""
            \(name) appeals      \(appeals.count) (\(appeals.filter(\.urgent).count) urgent)
            category accuracy     \(line(report.category))
            item accuracy         \(line(report.item))
            lead-unit accuracy    \(line(report.department))
            urgent recall         \(line(report.urgentRecall))
            urgent precision      \(line(report.urgentPrecision))   (model threshold \(String(format: "%.2f", urgencyThreshold)))
            false urgent          \(line(report.falseUrgent))
            sent to triage        \(report.triaged) (\(percent(Double(report.triaged) / Double(max(1, appeals.count))))) below \(String(format: "%.2f", triageThreshold))
            auto-dispatched, right category \(line(report.autoDispatchedCategory))

            by category:
            """)
        for (code, tally) in report.byCategory.sorted(by: { $0.key < $1.key }) {
            Swift.print("  \(code.padding(toLength: 18, withPad: " ", startingAt: 0)) \(line(tally))")
        }
        Swift.print("calibration (confidence band → appeals, right category):")
        for (range, tally) in report.calibration() where tally.total > 0 {
            Swift.print("  \(String(format: "%.1f–%.1f", range.lowerBound, range.upperBound))  \(String(tally.total).padding(toLength: 5, withPad: " ", startingAt: 0)) \(percent(tally.rate))")
        }
        Swift.print("triage threshold → share to a human, category accuracy of the rest:")
        for threshold in [0.05, 0.1, 0.12, 0.15, 0.2, 0.3, 0.5] {
            let (share, automatic) = report.atThreshold(threshold)
            Swift.print("  \(String(format: "%.2f", threshold))  \(percent(share)) to triage, \(line(automatic)) right")
        }
        let categories = report.byCategory.keys.sorted()
        Swift.print("confusion (rows: the right category, columns: the one chosen; numbered as in 'by category'):")
        Swift.print("      " + categories.indices.map { String(format: "%3d", $0 + 1) }.joined())
        for (row, gold) in categories.enumerated() {
            let cells = categories.map { predicted in report.matrix[gold]?[predicted] ?? 0 }
            Swift.print(String(format: "  %3d ", row + 1) + cells.map { $0 == 0 ? "  ." : String(format: "%3d", $0) }.joined() + "  \(gold)")
        }
        let confusions = report.confusions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(8)
        if !confusions.isEmpty {
            Swift.print("most frequent confusions:")
            for (pair, count) in confusions { Swift.print("  \(count)× \(pair)") }
        }
        if !report.missedUrgent.isEmpty {
            Swift.print("urgent appeals read as calm:")
            for appeal in report.missedUrgent.prefix(10) { Swift.print("  [\(appeal.itemCode)] \(appeal.text)") }
        }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// Prints PASS, or FAIL with every figure under its bar and exits 1, so CI stops on a regression.
    static func hold(_ figures: [(name: String, measured: Double, bar: Double)]) throws {
        let failures = figures.filter { $0.measured < $0.bar }.map { "\($0.name) \(percent($0.measured)) < \(percent($0.bar))" }
        guard failures.isEmpty else {
            print("FAIL: " + failures.joined(separator: "; "))
            throw ExitCode(1)
        }
        print("PASS")
    }
}

extension Evaluate {
    /// The classification-time benchmark: every shipped appeal classified `rounds` times.
    struct Speed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time classification, the whole dispatch decision and duplicate detection per appeal (build with -c release).")

        @Option(help: "Passes over the shipped appeals.") var rounds = 20

        func run() {
            let clock = ContinuousClock()
            let started = clock.now
            let data = ShippedData.shenzhen
            let dispatcher = Dispatcher(catalog: data.catalog, departments: Departments.all, model: ShippedData.trainedModel,
                                        places: PlaceResolver(gazetteer: data.gazetteer))
            print("model trained in \(Self.milliseconds(clock.now - started)) ms from \(data.training.count) appeals and \(data.catalog.items.count) items: \(dispatcher.model.classifier.featureCount) weighted features, \(dispatcher.model.encoded().count / 1024) KiB encoded")
            let texts = (data.training + data.heldOut).map(\.text)
            for (name, work) in [("classify", { (text: String) in _ = dispatcher.classifier.classify(text) }),
                                 ("whole decision", { (text: String) in _ = dispatcher.decide(.init(text: text, urgentFlag: false, location: Location())) })] {
                var perAppeal = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
                for round in 1...rounds {
                    for text in texts {
                        let start = clock.now
                        work(text)
                        _ = perAppeal.record(UInt64(max(0, (clock.now - start).wholeNanoseconds)))
                    }
                    if round % max(1, rounds / 4) == 0 { print("  \(name): round \(round)/\(rounds)") }
                }
                print("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(perAppeal.totalCount) appeals: mean \(Self.micro(perAppeal.mean)) µs, p50 \(Self.micro(perAppeal.valueAtPercentile(50))) µs, p99 \(Self.micro(perAppeal.valueAtPercentile(99))) µs, max \(Self.micro(perAppeal.max)) µs")
            }
            duplicateCheck(dispatcher)
        }

        /// Duplicate detection's share of a dispatch: reading the places of a report, and
        /// comparing it with `openParents` open tickets in its own scope (the worst case:
        /// every one of them passes the category, street and window checks).
        func duplicateCheck(_ dispatcher: Dispatcher, openParents: Int = 50) {
            let clock = ContinuousClock()
            let texts = ShippedData.shenzhen.duplicatePairs.values.joined().flatMap { [$0.first, $0.second] }
            let candidates = [Classification.Candidate(itemCode: "urban-management.street-lighting", probability: 1)]
            func report(_ text: String) -> DuplicateDetector.Report {
                DuplicateDetector.Report(id: UUID(), categoryCode: "urban-management", itemCode: "urban-management.street-lighting",
                                         candidates: candidates, streetCode: "longhua.minzhi", urgent: false, receivedAt: Date(), address: nil, text: text)
            }
            let parents = texts.prefix(openParents).map(report)
            let detector = DuplicateDetector()
            var reading = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
            var comparing = reading
            for _ in 1...rounds {
                for text in texts {
                    let start = clock.now
                    let new = report(text)
                    let read = clock.now
                    _ = detector.parent(for: new, among: parents)
                    _ = reading.record(UInt64(max(0, (read - start).wholeNanoseconds)))
                    _ = comparing.record(UInt64(max(0, (clock.now - read).wholeNanoseconds)))
                }
            }
            for (name, histogram) in [("read places", reading), ("vs \(openParents) parents", comparing)] {
                print("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(histogram.totalCount) reports: mean \(Self.micro(histogram.mean)) µs, p50 \(Self.micro(histogram.valueAtPercentile(50))) µs, p99 \(Self.micro(histogram.valueAtPercentile(99))) µs")
            }
        }

        static func micro<T: BinaryInteger>(_ nanoseconds: T) -> String { String(format: "%.1f", Double(nanoseconds) / 1000) }
        static func micro(_ nanoseconds: Double) -> String { String(format: "%.1f", nanoseconds / 1000) }
        static func milliseconds(_ duration: Duration) -> String { String(format: "%.0f", duration.seconds * 1000) }
    }
}

extension Evaluate {
    /// What dispatch would decide for one text, and why: for operators checking a catalog edit.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the classification, urgency signals and routing of one appeal text.")

        @Argument(help: "The appeal text.") var text: String
        @Option(help: "District code, when the channel gave one.") var district: String?

        func run() {
            let catalog = ShippedData.shenzhen.catalog
            let dispatcher = Dispatcher(catalog: catalog, departments: Departments.all, model: ShippedData.trainedModel,
                                        places: PlaceResolver(gazetteer: ShippedData.shenzhen.gazetteer))
            let categoryNames = Dictionary(catalog.categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
            print("categories:")
            for (code, probability) in dispatcher.classifier.categories(of: text).prefix(3) {
                print("  \(String(format: "%5.1f%%", probability * 100))  \(categoryNames[code] ?? code) (\(code))")
            }
            let classification = dispatcher.classifier.classify(text)
            print("items (confidence \(String(format: "%.2f", classification.confidence)); a human decides below \(String(format: "%.2f", dispatcher.triageThreshold))):")
            for candidate in classification.candidates {
                print("  \(String(format: "%5.1f%%", candidate.probability * 100))  \(catalog.item(code: candidate.itemCode)?.name ?? "") (\(candidate.itemCode))")
            }
            let urgency = dispatcher.model.urgency.assess(text, item: classification.itemCode.flatMap(catalog.item(code:)))
            print("urgency: \(urgency.urgent ? "URGENT" : "calm") — model \(String(format: "%.0f%%", urgency.probability * 100)) (urgent from \(String(format: "%.0f%%", dispatcher.model.urgency.threshold * 100)))"
                  + (urgency.reasons.isEmpty ? "" : "; " + urgency.reasons.joined(separator: "; ")))
            let placed = dispatcher.places.resolve(Location(districtCode: district), text: text)
            print("place: \([placed.place.districtCode, placed.place.streetCode].compactMap { $0 }.joined(separator: " / ")) — \(placed.reason)")
            switch dispatcher.decide(.init(text: text, urgentFlag: false, location: Location(districtCode: district))) {
            case .assign(let assignment):
                let place = [assignment.place.districtCode, assignment.place.streetCode].compactMap { $0 }.joined(separator: " / ")
                print("decision: dispatch \(assignment.item.name) at \(place.isEmpty ? "no place" : place) to "
                      + assignment.units.map { "\($0.departmentCode) (\($0.role.rawValue))" }.joined(separator: ", "))
            case .triage(let reason, _, let urgent, let item):
                print("decision: to a human dispatcher (\(reason))\(item.map { ", as \($0.name)" } ?? "")\(urgent ? ", flagged urgent" : "")")
            }
        }
    }
}

extension Evaluate {
    /// Duplicate detection on the shipped labelled pairs, through the whole dispatch decision.
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision and recall of duplicate detection on the shipped labelled pairs.")

        // Precision first: a wrong merge leaves a citizen's problem unhandled.
        @Option(help: "Fail below this precision.") var minPrecision = 0.95
        @Option(help: "Fail below this precision on the district-only pairs (the target is 95%, which it measures).") var minDistrictOnlyPrecision = 0.95
        @Option(help: "Fail below this recall (pairs whose street the channel or the text gives; the target is 85%, which it measures).") var minRecall = 0.82
        @Option(help: "Fail below this recall on pairs whose channel gave only the district (the target is 70%; it measures 77%).")
        var minDistrictOnlyRecall = 0.72
        @Option(help: "Hours two reports of one incident may be apart.") var windowHours = 72
        @Option(help: "Share of place mentions the other report must name too.") var minPlaceOverlap = DuplicateDetector.Parameters().minPlaceOverlap
        @Option(help: "Overlap of the two reports' leading catalog items that makes them one problem.")
        var minProblemSimilarity = DuplicateDetector.Parameters().minProblemSimilarity
        @Flag(help: "List every pair the detector got wrong, with its reason.") var verbose = false

        func run() throws {
            let detector = DuplicateDetector(parameters: .init(window: .seconds(windowHours * 3600), minPlaceOverlap: minPlaceOverlap,
                                                               minProblemSimilarity: minProblemSimilarity))
            let dispatcher = Dispatcher(catalog: ShippedData.shenzhen.catalog, departments: Departments.all, model: ShippedData.trainedModel,
                                        places: PlaceResolver(gazetteer: ShippedData.shenzhen.gazetteer))
            var figures: [(name: String, measured: Double, bar: Double)] = []
            for (set, pairs) in ShippedData.shenzhen.duplicatePairs.sorted(by: { $0.key < $1.key }) {
                let report = DuplicateEvaluation(dispatcher: dispatcher, detector: detector, pairs: pairs)
                print("\(set): \(pairs.count) labelled pairs, \(pairs.filter(\.sameIncident).count) one incident, \(pairs.filter { !$0.sameIncident }.count) two")
                for (name, counts) in [("all", report.all), ("tuning", report.tuning), ("held-out", report.heldOut)] {
                    print("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) precision \(Evaluate.percent(counts.precision))  recall \(Evaluate.percent(counts.recall))  (linked right \(counts.truePositives), wrongly \(counts.falsePositives), missed \(counts.falseNegatives), kept apart \(counts.trueNegatives))")
                }
                for miss in report.errors where verbose || !miss.pair.sameIncident {
                    print("  \(miss.pair.sameIncident ? "missed" : "WRONGLY LINKED") (\(miss.explanation)):\n      \(miss.pair.first)\n      \(miss.pair.second)")
                }
                figures.append(("\(set) precision", report.all.precision, set == "district-only" ? minDistrictOnlyPrecision : minPrecision))
                figures.append(("\(set) recall", report.all.recall, set == "district-only" ? minDistrictOnlyRecall : minRecall))
            }
            try Evaluate.hold(figures)
        }
    }
}

extension Evaluate {
    /// Street offices found from the places citizens name, on appeals written apart from the gazetteer.
    struct Places: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Street-office resolution from named places on the held-out place appeals.")

        @Option(help: "Fail below this share of appeals placed in the right street, text only.") var minStreet = 0.85
        @Option(help: "Fail above this share placed in a wrong street.") var maxWrong = 0.05
        @Flag(help: "List every appeal placed wrongly or not at all.") var verbose = false

        func run() throws {
            let data = ShippedData.shenzhen
            let resolver = PlaceResolver(gazetteer: data.gazetteer)
            print("gazetteer \(data.gazetteer.entries.count) places; held-out appeals \(data.placesHeldOut.count) (\(data.placesHeldOut.filter { $0.street != nil }.count) with a street)")
            var headline = (right: 0.0, wrong: 0.0)
            for (name, withDistrict) in [("text only", false), ("with the channel's district", true)] {
                var (right, wrong, none) = (0, 0, 0)
                var rightDistrict = 0
                for appeal in data.placesHeldOut where appeal.street != nil {
                    let place = resolver.resolve(Location(districtCode: withDistrict ? appeal.district : nil), text: appeal.text).place
                    if place.districtCode == appeal.district { rightDistrict += 1 }
                    switch place.streetCode {
                    case appeal.street: right += 1
                    case nil:
                        none += 1
                        if verbose && !withDistrict { print("  not placed: \(appeal.text)  [\(appeal.place) → \(appeal.street!)]") }
                    default:
                        wrong += 1
                        if verbose && !withDistrict { print("  WRONG \(place.streetCode!): \(appeal.text)  [\(appeal.place) → \(appeal.street!)]") }
                    }
                }
                let total = Double(max(1, right + wrong + none))
                print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) street right \(Evaluate.percent(Double(right) / total)), wrong \(Evaluate.percent(Double(wrong) / total)), none \(Evaluate.percent(Double(none) / total)); district right \(Evaluate.percent(Double(rightDistrict) / total))")
                if !withDistrict { headline = (Double(right) / total, Double(wrong) / total) }
            }
            try Evaluate.hold([("street right", headline.right, minStreet), ("street not wrong", 1 - headline.wrong, 1 - maxWrong)])
        }
    }
}

extension Evaluate {
    /// The learning loop, simulated: a model learns from part of the training appeals, a
    /// "month" of the rest arrives, operators correct every one it sent to triage or to the
    /// wrong category, and the next model learns from those corrections too. Both are
    /// measured on the held-out appeals, which neither saw.
    struct Learning: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Simulate a month of operators' corrections and measure the model before and after.")

        @Option(help: "Share of each item's training appeals the first model learns from; the rest is the month's traffic.") var base = 0.6

        func run() throws {
            let data = ShippedData.shenzhen
            var seen: [String: Int] = [:]
            let counts = Dictionary(grouping: data.training, by: \.itemCode).mapValues(\.count)
            var first: [LabeledAppeal] = [], month: [LabeledAppeal] = []
            for appeal in data.training {
                let index = seen[appeal.itemCode, default: 0]
                seen[appeal.itemCode] = index + 1
                if Double(index) < base * Double(counts[appeal.itemCode]!) { first.append(appeal) } else { month.append(appeal) }
            }
            let places = PlaceResolver(gazetteer: data.gazetteer)
            func dispatcher(_ examples: [LabeledAppeal]) -> Dispatcher {
                Dispatcher(catalog: data.catalog, departments: Departments.all,
                           model: AppealModel.train(catalog: data.catalog, examples: examples, lexicon: data.lexicon), places: places)
            }
            print("first model learns from \(first.count) appeals; a month brings \(month.count) more")
            let before = dispatcher(first)
            // Operators see a ticket again when dispatch was unsure (triage) or when the unit returns it
            // (the wrong category): those are the corrections a month yields.
            let corrections = month.filter { appeal in
                let classification = before.classifier.classify(appeal.text)
                let category = classification.itemCode.flatMap(data.catalog.item(code:))?.categoryCode
                return classification.confidence < before.triageThreshold || category != data.catalog.item(code: appeal.itemCode)?.categoryCode
            }
            print("operators corrected \(corrections.count) of the month's \(month.count) appeals (\(Evaluate.percent(Double(corrections.count) / Double(month.count))))")
            let after = dispatcher(first + corrections)
            let everything = dispatcher(first + month)
            print("held-out (\(data.heldOut.count), never learnt from)   category   item       lead unit")
            for (name, model) in [("before the month", before), ("after, + corrections", after), ("had every appeal been labelled", everything)] {
                let report = DispatchEvaluation(dispatcher: model, appeals: data.heldOut)
                print("  \(name.padding(toLength: 36, withPad: " ", startingAt: 0))\(Evaluate.percent(report.category.rate).padding(toLength: 11, withPad: " ", startingAt: 0))\(Evaluate.percent(report.item.rate).padding(toLength: 11, withPad: " ", startingAt: 0))\(Evaluate.percent(report.department.rate))")
            }
        }
    }
}
