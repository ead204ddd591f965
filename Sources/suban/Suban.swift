import ArgumentParser

@main
struct Suban: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suban",
        abstract: "Suban: the citizen-appeal platform (12345 / 民意速办). One subcommand per role.",
        subcommands: [Migrate.self, Intake.self, Dispatch.self, SLASweeperCommand.self, Callback.self, AnalyticsCommand.self, API.self, Status.self, DeadLetters.self, Keys.self, CalendarCommand.self, DevSink.self, Demo.self, Bench.self, Chaos.self, Evaluate.self, TrainCommand.self, GazetteerCommand.self]
    )
}
