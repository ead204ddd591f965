import ArgumentParser
import BlockingIO
import Foundation
import Histogram
import SubanCore

/// Accuracy of the pure dispatch decisions on the shipped labelled data, with
/// bars that make CI fail when a catalog or model change makes them worse.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure classification and duplicate detection on the shipped held-out data.",
        subcommands: [Classifier.self, Duplicates.self, Speed.self, Explain.self])

    struct Classifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Category, item and department accuracy and urgent recall on the held-out appeals.")

        // The bars sit just under the figures measured when the corpus last changed; raise them as the model improves.
        @Option(help: "Fail below this category accuracy.") var minCategory = 0.72
        @Option(help: "Fail below this lead-department accuracy.") var minDepartment = 0.64
        @Option(help: "Fail below this urgent recall.") var minUrgentRecall = 0.90
        @Flag(help: "Tune without touching the held-out split: learn from three of each item's four training appeals, measure on the fourth.")
        var validation = false
        @Option(help: "Smoothing of the naive Bayes counts.") var smoothing = SubanCore.Classifier.Parameters().smoothing
        @Option(help: "Nats of evidence per character of a matched catalog phrase.") var phraseWeight = SubanCore.Classifier.Parameters().phraseWeight
        @Option(help: "Temperature that turns scores into probabilities.") var temperature = SubanCore.Classifier.Parameters().temperature

        func run() throws {
            var learnFrom = AppealCorpus.training
            var appeals = AppealCorpus.heldOut
            if validation {
                var seen: [String: Int] = [:]
                let fourth = learnFrom.map { appeal in
                    defer { seen[appeal.itemCode, default: 0] += 1 }
                    return seen[appeal.itemCode, default: 0] % 4 == 3
                }
                appeals = zip(learnFrom, fourth).filter { $1 }.map(\.0)
                learnFrom = zip(learnFrom, fourth).filter { !$1 }.map(\.0)
            }
            let dispatcher = Dispatcher(catalog: .shenzhen, departments: Departments.all, examples: learnFrom,
                                        parameters: .init(smoothing: smoothing, phraseWeight: phraseWeight, temperature: temperature))
            let report = DispatchEvaluation(dispatcher: dispatcher, appeals: appeals)
            print("""
                \(validation ? "validation" : "held-out") appeals  \(appeals.count) of \(AppealCorpus.shenzhen.count) (\(Catalog.shenzhen.items.count) catalog items, \(learnFrom.count) learnt from)
                category accuracy     \(Self.line(report.category))
                item accuracy         \(Self.line(report.item))
                department accuracy   \(Self.line(report.department))
                urgent recall         \(Self.line(report.urgentRecall))
                false urgent          \(Self.line(report.falseUrgent))
                sent to triage        \(report.triaged) (\(Evaluate.percent(Double(report.triaged) / Double(max(1, appeals.count)))))
                auto-dispatched, right category \(Self.line(report.autoDispatchedCategory))

                by category:
                """)
            for (code, tally) in report.byCategory.sorted(by: { $0.key < $1.key }) {
                print("  \(code.padding(toLength: 18, withPad: " ", startingAt: 0)) \(Self.line(tally))")
            }
            print("triage threshold → share to a human, category accuracy of the rest:")
            for threshold in [0.2, 0.35, 0.5, 0.65, 0.8] {
                let (share, automatic) = report.atThreshold(threshold)
                print("  \(String(format: "%.2f", threshold))  \(Evaluate.percent(share)) to triage, \(Self.line(automatic)) right")
            }
            let confusions = report.confusions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(8)
            if !confusions.isEmpty {
                print("most frequent confusions:")
                for (pair, count) in confusions { print("  \(count)× \(pair)") }
            }
            try Evaluate.hold([("category accuracy", report.category.rate, minCategory), ("department accuracy", report.department.rate, minDepartment),
                               ("urgent recall", report.urgentRecall.rate, minUrgentRecall)])
        }

        static func line(_ tally: DispatchEvaluation.Tally) -> String {
            "\(percent(tally.rate))  (\(tally.correct)/\(tally.total))"
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
            let dispatcher = Dispatcher(catalog: .shenzhen, departments: Departments.all)
            print("model built in \(Self.milliseconds(clock.now - started)) ms from \(AppealCorpus.training.count) appeals and \(Catalog.shenzhen.items.count) items")
            let texts = AppealCorpus.shenzhen.map(\.text)
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
            let texts = DuplicatePair.shipped.flatMap { [$0.first, $0.second] }
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
            let dispatcher = Dispatcher(catalog: .shenzhen, departments: Departments.all)
            let classification = dispatcher.classifier.classify(text)
            print("confidence \(String(format: "%.3f", classification.confidence)) (triage below \(dispatcher.triageThreshold))")
            for candidate in classification.candidates {
                let name = Catalog.shenzhen.item(code: candidate.itemCode)?.name ?? ""
                print("  \(String(format: "%.3f", candidate.probability))  \(candidate.itemCode)  \(name)")
            }
            print("urgent signals: \(UrgencyDetector.signals(in: text))")
            print("decision: \(dispatcher.decide(.init(text: text, urgentFlag: false, location: Location(districtCode: district))))")
        }
    }
}

extension Evaluate {
    /// Duplicate detection on the shipped labelled pairs, through the whole dispatch decision.
    struct Duplicates: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision and recall of duplicate detection on the shipped labelled pairs.")

        // Precision first: a wrong merge leaves a citizen's problem unhandled.
        @Option(help: "Fail below this precision.") var minPrecision = 0.95
        @Option(help: "Fail below this recall.") var minRecall = 0.6
        @Option(help: "Hours two reports of one incident may be apart.") var windowHours = 72
        @Option(help: "Share of place mentions the other report must name too.") var minPlaceOverlap = DuplicateDetector.Parameters().minPlaceOverlap
        @Option(help: "Overlap of the two reports' leading catalog items that makes them one problem.")
        var minProblemSimilarity = DuplicateDetector.Parameters().minProblemSimilarity
        @Flag(help: "List every pair the detector got wrong, with its reason.") var verbose = false

        func run() throws {
            let detector = DuplicateDetector(parameters: .init(window: .seconds(windowHours * 3600), minPlaceOverlap: minPlaceOverlap,
                                                               minProblemSimilarity: minProblemSimilarity))
            let pairs = DuplicatePair.shipped
            let report = DuplicateEvaluation(dispatcher: Dispatcher(catalog: .shenzhen, departments: Departments.all), detector: detector, pairs: pairs)
            print("labelled pairs  \(pairs.count): \(pairs.filter(\.sameIncident).count) one incident, \(pairs.filter { !$0.sameIncident }.count) two")
            for (name, counts) in [("all", report.all), ("tuning", report.tuning), ("held-out", report.heldOut)] {
                print("\(name.padding(toLength: 9, withPad: " ", startingAt: 0)) precision \(Evaluate.percent(counts.precision))  recall \(Evaluate.percent(counts.recall))  (linked right \(counts.truePositives), wrongly \(counts.falsePositives), missed \(counts.falseNegatives), kept apart \(counts.trueNegatives))")
            }
            for miss in report.errors where verbose || !miss.pair.sameIncident {
                print("\(miss.pair.sameIncident ? "missed" : "WRONGLY LINKED") (\(miss.explanation)):\n    \(miss.pair.first)\n    \(miss.pair.second)")
            }
            try Evaluate.hold([("precision", report.all.precision, minPrecision), ("recall", report.all.recall, minRecall)])
        }
    }
}
