import ArgumentParser

@main
struct Suban: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suban",
        abstract: "Suban: the citizen-appeal platform (12345 / 民意速办). One subcommand per role, and the operators' commands; the load and evaluation tools are `suban-tools`.",
        subcommands: [MigrateCommand.self, IntakeCommand.self, DispatchCommand.self, SLASweeperCommand.self, CallbackCommand.self, AnalyticsCommand.self, APICommand.self, StatusCommand.self, DeadLettersCommand.self, KeysCommand.self, CalendarCommand.self, TrainCommand.self, GazetteerCommand.self]
    )
}
