import ArgumentParser

@main
struct Suban: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suban",
        abstract: "Suban: the citizen-appeal platform (12345 / 民意速办). One subcommand per role, and the operators' commands; the load and evaluation tools are `suban-tools`.",
        subcommands: [Migrate.self, Intake.self, Dispatch.self, SLASweeperCommand.self, Callback.self, AnalyticsCommand.self, API.self, Status.self, DeadLetters.self, Keys.self, CalendarCommand.self, TrainCommand.self, GazetteerCommand.self]
    )
}
