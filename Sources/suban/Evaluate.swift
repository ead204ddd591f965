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
        subcommands: [Classifier.self, Speed.self, Explain.self])

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
            var failures: [String] = []
            if report.category.rate < minCategory { failures.append("category accuracy \(Evaluate.percent(report.category.rate)) < \(Evaluate.percent(minCategory))") }
            if report.department.rate < minDepartment { failures.append("department accuracy \(Evaluate.percent(report.department.rate)) < \(Evaluate.percent(minDepartment))") }
            if report.urgentRecall.rate < minUrgentRecall { failures.append("urgent recall \(Evaluate.percent(report.urgentRecall.rate)) < \(Evaluate.percent(minUrgentRecall))") }
            guard failures.isEmpty else {
                print("FAIL: " + failures.joined(separator: "; "))
                throw ExitCode(1)
            }
            print("PASS")
        }

        static func line(_ tally: DispatchEvaluation.Tally) -> String {
            "\(percent(tally.rate))  (\(tally.correct)/\(tally.total))"
        }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}

extension Evaluate {
    /// The classification-time benchmark: every shipped appeal classified `rounds` times.
    struct Speed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time classification and the whole dispatch decision per appeal (build with -c release).")

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
