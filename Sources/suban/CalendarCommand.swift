import ArgumentParser
import SubanCommand
import Foundation
import SubanCore
import SubanStore

/// Operators load a newly published year's holiday notice without a rebuild; roles pick it up within minutes.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "Load or show the working-day calendar's holiday notices.",
                                                    subcommands: [Load.self, Show.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load one year's notice from a JSON file: {\"year\", \"holidays\": [day or day...day], \"make_up_workdays\": [...]}.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The JSON file.") var file: String

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let arrangement: HolidayArrangement
            switch HolidayArrangement.parse(try JSONValue.parse(data)) {
            case .success(let parsed): arrangement = parsed
            case .failure(let failure):
                throw ValidationError(failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "\n"))
            }
            let file = file
            try await options.withDatabase(role: "calendar") { try CalendarStore.save(arrangement, source: file, on: $0) }
            print("loaded \(arrangement.year): \(arrangement.holidays.count) holidays, \(arrangement.makeUpWorkdays.count) make-up working days")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a year's non-working weekdays and working weekend days, and whether its notice is known.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The year.") var year: Int

        func run() async throws {
            let calendar = try await options.withDatabase(role: "calendar") { try CalendarStore.load(on: $0) }
            let first = LocalDay(year, 1, 1)
            guard calendar.isKnown(first) else {
                print("\(year): no notice loaded; deadlines assume plain weekends and are marked provisional")
                return
            }
            var day = first
            var off: [String] = [], worked: [String] = []
            while day.components.year == year {
                if day.isWeekend && calendar.isWorkingDay(day) { worked.append(day.description) }
                if !day.isWeekend && !calendar.isWorkingDay(day) { off.append(day.description) }
                day = day.adding(days: 1)
            }
            print("\(year) weekdays off: \(off.joined(separator: " "))")
            print("\(year) weekend days worked: \(worked.joined(separator: " "))")
        }
    }
}
