import ArgumentParser
import SubanCommand
import Foundation
import SubanCore
import SubanData
import SubanStore

/// `suban train`: learns a dispatch model from the shipped (or a city's own)
/// training appeals plus every correction operators made, measures it and the
/// active model on the held-out appeals, stores it in PostgreSQL, and promotes it
/// only when it is not worse. Dispatchers pick up a promoted model within a minute.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train, list and promote dispatch models (versioned in PostgreSQL).",
        subcommands: [Run.self, List.self, Promote.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Train a model from the training appeals and operators' corrections; promote it when not worse.")
        @OptionGroup var options: CommonOptions
        @Option(help: "A data folder laid out as the shipped one (catalog.jsonl, appeals/training, appeals/held-out, hazards.json).")
        var data: String?
        @Flag(help: "Put the new model in shadow (decides and logs beside the active one, does not act) instead of making it active.")
        var shadow = false
        @Flag(help: "Store and promote it even when it is worse on the held-out appeals.") var force = false
        @Flag(help: "Learn from the data folder alone, not from operators' corrections.") var noCorrections = false
        // Any change of the data reshuffles training: one added appeal moved held-out category
        // accuracy by a point either way. A smaller drop than this is that noise, not a worse model.
        @Option(help: "How far under the active model's held-out figures the new one may be and still count as not worse.")
        var tolerance = 0.015

        func run() async throws {
            let data = try self.data.map { try ShippedData(folder: URL(fileURLWithPath: $0)) } ?? .shenzhen
            let (shadow, force, noCorrections, tolerance) = (shadow, force, noCorrections, tolerance)
            try await options.withDatabase(role: "train") { connection in
                let corrections = noCorrections ? [] : try ModelStore.corrections(on: connection)
                print("training on \(data.training.count) shipped appeals and \(corrections.count) operators' corrections")
                let candidate = AppealModel.train(catalog: data.catalog, examples: data.training + corrections.map(\.appeal), lexicon: data.lexicon)
                let current = try ModelStore.current(on: connection).active
                let active = try current.flatMap { try ModelStore.model($0, on: connection) }
                    .map { try AppealModel(encoded: $0.bytes, lexicon: data.lexicon) } ?? ShippedData.trainedModel
                let new = Self.measure(candidate, on: data)
                let old = Self.measure(active, on: data)
                print("held-out (\(data.heldOut.count))     category  lead unit  urgent recall  urgent precision")
                print("  active (\(current.map { "v\($0)" } ?? "shipped"))".padding(toLength: 20, withPad: " ", startingAt: 0) + old.row)
                print("  new".padding(toLength: 20, withPad: " ", startingAt: 0) + new.row)
                let notWorse = new.category >= old.category - tolerance && new.department >= old.department - tolerance
                    && new.urgentRecall >= old.urgentRecall - tolerance
                let bySource = Dictionary(grouping: corrections, by: \.source.rawValue).mapValues { JSONValue.number(Double($0.count)) }
                let version = try ModelStore.insert(candidate.encoded(),
                                                    trainedOn: .object(["shipped": .number(Double(data.training.count)), "corrections": .object(bySource)]),
                                                    report: new.json, on: connection)
                guard notWorse || force else {
                    print("model v\(version) stored as a candidate, not promoted: it is worse on the held-out appeals (--force promotes it anyway)")
                    throw ExitCode(1)
                }
                try ModelStore.set(version, to: shadow ? .shadow : .active, on: connection)
                print("model v\(version) is now \(shadow ? "in shadow" : "active"); dispatchers take it within a minute")
            }
        }

        struct Figures {
            var category, department, urgentRecall, urgentPrecision: Double
            var row: String {
                [category, department, urgentRecall, urgentPrecision].map { String(format: "%.1f%%", $0 * 100).padding(toLength: 11, withPad: " ", startingAt: 0) }.joined()
            }
            var json: JSONValue {
                .object(["category": .number(category), "lead_unit": .number(department), "urgent_recall": .number(urgentRecall),
                         "urgent_precision": .number(urgentPrecision)])
            }
        }

        static func measure(_ model: AppealModel, on data: ShippedData) -> Figures {
            let report = DispatchEvaluation(dispatcher: Dispatcher(catalog: data.catalog, departments: Departments.all, model: model, places: PlaceResolver(gazetteer: data.gazetteer)), appeals: data.heldOut)
            return Figures(category: report.category.rate, department: report.department.rate, urgentRecall: report.urgentRecall.rate,
                           urgentPrecision: report.urgentPrecision.rate)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored models with their status and held-out figures.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let models = try await options.withDatabase(role: "train") { try ModelStore.list(on: $0) }
            if models.isEmpty { print("no stored model: dispatch uses the one trained from the shipped appeals") }
            for model in models {
                print("v\(model.version)  \(model.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(model.createdAt)  \(model.bytes / 1024) KiB  \(model.report)")
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a stored model active (or shadow), retiring the one in its place: also a rollback.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The model's version.") var version: Int
        @Flag(help: "Put it in shadow instead.") var shadow = false

        func run() async throws {
            let (version, shadow) = (version, shadow)
            try await options.withDatabase(role: "train") { try ModelStore.set(version, to: shadow ? .shadow : .active, on: $0) }
            print("model v\(version) is now \(shadow ? "in shadow" : "active")")
        }
    }
}
